-- Every import, listed afterwards with who ran it, on which file and what it did; its records'
-- audit entries carry its id as their operation, which is how it is undone. `rows_done` moves
-- in the transaction of each batch, so an interrupted import is taken up where it stopped.
-- Same columns as the SQLite tree.

CREATE TABLE imports (
    id UUID PRIMARY KEY,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    created_by UUID REFERENCES users(id) ON DELETE SET NULL,
    status TEXT NOT NULL,
    dry_run BOOLEAN NOT NULL,
    mapping JSONB NOT NULL,
    rows_done BIGINT NOT NULL DEFAULT 0,
    file_bytes BIGINT NOT NULL DEFAULT 0,
    bytes_read BIGINT NOT NULL DEFAULT 0,
    counts JSONB NOT NULL,
    errors JSONB NOT NULL DEFAULT '[]',
    undo JSONB,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ
);
CREATE INDEX imports_created ON imports(created_at, id);
CREATE INDEX imports_file ON imports(file_sha256, kind);

-- Imports match people by their phone as well as their email.
CREATE INDEX contacts_phone ON contacts(phone);
