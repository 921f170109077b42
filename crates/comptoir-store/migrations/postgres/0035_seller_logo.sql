-- The seller's logo, printed on its quotes: one image at most, its bytes read only to print
-- or show it. Same columns as the other tree.
CREATE TABLE seller_logo (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    content_type TEXT NOT NULL,
    content BYTEA NOT NULL,
    sha256 TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
