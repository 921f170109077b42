-- Likely duplicate contacts found by a scan, each pair once (the older contact first), and
-- every merge with what it needs to be undone: the merged contact as it was and the records
-- that moved to the survivor. Pairs carry no foreign key, so a contact deleted while a scan
-- runs does not fail the scan's write: reading pairs joins both contacts, and the next scan
-- drops pairs whose contacts are gone. A merge outlives both contacts.
-- Same columns as the PostgreSQL tree.

CREATE TABLE duplicate_pairs (
    id BLOB PRIMARY KEY NOT NULL,
    first_id BLOB NOT NULL,
    second_id BLOB NOT NULL,
    score INTEGER NOT NULL,
    reasons TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL,
    found_at TEXT NOT NULL,
    UNIQUE (first_id, second_id)
);
CREATE INDEX duplicate_pairs_review ON duplicate_pairs(status, score, id);
CREATE INDEX duplicate_pairs_second ON duplicate_pairs(second_id);

CREATE TABLE merges (
    id BLOB PRIMARY KEY NOT NULL,
    survivor_id BLOB NOT NULL,
    merged_id BLOB NOT NULL,
    merged_record TEXT NOT NULL,
    moved TEXT NOT NULL DEFAULT '[]',
    merged_by BLOB REFERENCES users(id) ON DELETE SET NULL,
    merged_at TEXT NOT NULL,
    undone_at TEXT,
    survivor_left_alone BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX merges_survivor ON merges(survivor_id, merged_at);
