-- Likely duplicate companies found by a scan, kept as contacts' pairs are (0013): each pair
-- once, the older company first, no foreign key. Merges now join companies too: `kind` says
-- which, and so which kind of record `merged_record` holds.
-- Same columns as the PostgreSQL tree.

CREATE TABLE company_duplicate_pairs (
    id BLOB PRIMARY KEY NOT NULL,
    first_id BLOB NOT NULL,
    second_id BLOB NOT NULL,
    score INTEGER NOT NULL,
    reasons TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL,
    found_at TEXT NOT NULL,
    UNIQUE (first_id, second_id)
);
CREATE INDEX company_duplicate_pairs_review ON company_duplicate_pairs(status, score, id);
CREATE INDEX company_duplicate_pairs_second ON company_duplicate_pairs(second_id);

ALTER TABLE merges ADD COLUMN kind TEXT NOT NULL DEFAULT 'contact';
