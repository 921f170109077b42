-- The seller's logo, printed on its quotes: one image at most, its bytes read only to print
-- or show it.
CREATE TABLE seller_logo (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    content_type TEXT NOT NULL,
    content BLOB NOT NULL,
    sha256 TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
