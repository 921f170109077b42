-- Macros: the team's canned answers with placeholders, in French or English, and the status a
-- ticket takes when one is sent. Same columns as the other tree.

CREATE TABLE macros (
    id BLOB PRIMARY KEY,
    version INTEGER NOT NULL DEFAULT 1,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    language TEXT NOT NULL,
    status TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX macros_name ON macros(lower(name), id);
CREATE INDEX macros_created ON macros(created_at, id);
CREATE INDEX macros_updated ON macros(updated_at, id);
