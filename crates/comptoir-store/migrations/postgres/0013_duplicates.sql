-- Likely duplicate contacts found by a scan, each pair once (the older contact first), and
-- every merge with what it needs to be undone: the merged contact as it was and the records
-- that moved to the survivor. Pairs carry no foreign key, so a contact deleted while a scan
-- runs does not fail the scan's write: reading pairs joins both contacts, and the next scan
-- drops pairs whose contacts are gone. A merge outlives both contacts.
-- Same columns as the SQLite tree.

CREATE TABLE duplicate_pairs (
    id UUID PRIMARY KEY,
    first_id UUID NOT NULL,
    second_id UUID NOT NULL,
    score INTEGER NOT NULL,
    reasons JSONB NOT NULL DEFAULT '[]',
    status TEXT NOT NULL,
    found_at TIMESTAMPTZ NOT NULL,
    UNIQUE (first_id, second_id)
);
CREATE INDEX duplicate_pairs_review ON duplicate_pairs(status, score, id);
CREATE INDEX duplicate_pairs_second ON duplicate_pairs(second_id);

CREATE TABLE merges (
    id UUID PRIMARY KEY,
    survivor_id UUID NOT NULL,
    merged_id UUID NOT NULL,
    merged_record JSONB NOT NULL,
    moved JSONB NOT NULL DEFAULT '[]',
    merged_by UUID REFERENCES users(id) ON DELETE SET NULL,
    merged_at TIMESTAMPTZ NOT NULL,
    undone_at TIMESTAMPTZ,
    survivor_left_alone BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX merges_survivor ON merges(survivor_id, merged_at);
