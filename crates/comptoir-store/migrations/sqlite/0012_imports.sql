-- Every import, listed afterwards with who ran it, on which file and what it did; its records'
-- audit entries carry its id as their operation, which is how it is undone. `rows_done` moves
-- in the transaction of each batch, so an interrupted import is taken up where it stopped.
-- Same columns as the PostgreSQL tree.

CREATE TABLE imports (
    id BLOB PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    created_by BLOB REFERENCES users(id) ON DELETE SET NULL,
    status TEXT NOT NULL,
    dry_run BOOLEAN NOT NULL,
    mapping TEXT NOT NULL,
    rows_done INTEGER NOT NULL DEFAULT 0,
    file_bytes INTEGER NOT NULL DEFAULT 0,
    bytes_read INTEGER NOT NULL DEFAULT 0,
    counts TEXT NOT NULL,
    errors TEXT NOT NULL DEFAULT '[]',
    undo TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX imports_created ON imports(created_at, id);
CREATE INDEX imports_file ON imports(file_sha256, kind);

-- Imports match people by their phone as well as their email.
CREATE INDEX contacts_phone ON contacts(phone);
ANALYZE contacts_phone;
