-- The knowledge base: articles in French or English (a translation names the one it
-- translates), drafts or published, for the team or for customers too; found by their folded
-- words through the full-text index; every version kept, in the transaction that wrote it.
-- Same columns as the other tree; `seq` is the rowid the full-text index points at.

CREATE TABLE articles (
    seq INTEGER PRIMARY KEY,
    id BLOB NOT NULL UNIQUE,
    version INTEGER NOT NULL DEFAULT 1,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    language TEXT NOT NULL,
    category TEXT,
    status TEXT NOT NULL,
    visibility TEXT NOT NULL,
    translation_of BLOB REFERENCES articles(id) ON DELETE SET NULL,
    search_text TEXT NOT NULL DEFAULT '',
    published_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX articles_created ON articles(created_at, id);
CREATE INDEX articles_updated ON articles(updated_at, id);
CREATE INDEX articles_title ON articles(lower(title), id);
CREATE INDEX articles_translation ON articles(translation_of);

CREATE VIRTUAL TABLE articles_fts USING fts5(
    search_text, content='articles', content_rowid='seq',
    tokenize="unicode61 remove_diacritics 2", prefix='2 3'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, search_text) VALUES (new.seq, new.search_text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF search_text ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
    INSERT INTO articles_fts(rowid, search_text) VALUES (new.seq, new.search_text);
END;

CREATE TABLE article_versions (
    article_id BLOB NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    PRIMARY KEY (article_id, version)
);

-- "Was this helpful?": one answer per reader and article (`user:<id>` for the team), which
-- they may change; the counts are read from the answers.
CREATE TABLE article_votes (
    article_id BLOB NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    voter TEXT NOT NULL,
    helpful INTEGER NOT NULL,
    voted_at TEXT NOT NULL,
    PRIMARY KEY (article_id, voter)
);
