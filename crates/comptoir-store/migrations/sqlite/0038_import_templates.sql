-- Column mappings kept under a name, so the next file of the same shape (the same supplier's
-- export, the same trade-fair list) is mapped the same way: header → field key, "" for a
-- column left out. Names are unique once folded. Same columns as the other tree.
CREATE TABLE import_templates (
    id BLOB PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    folded_name TEXT NOT NULL UNIQUE,
    mapping TEXT NOT NULL,
    created_by BLOB REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
