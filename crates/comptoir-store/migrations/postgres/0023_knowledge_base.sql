-- The knowledge base: articles in French or English (a translation names the one it
-- translates), drafts or published, for the team or for customers too; found by their folded
-- words through the full-text index; every version kept, in the transaction that wrote it.
-- Same columns as the other tree.

CREATE TABLE articles (
    id UUID PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 1,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    language TEXT NOT NULL,
    category TEXT,
    status TEXT NOT NULL,
    visibility TEXT NOT NULL,
    translation_of UUID REFERENCES articles(id) ON DELETE SET NULL,
    search_text TEXT NOT NULL DEFAULT '',
    search_tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED,
    published_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX articles_created ON articles(created_at, id);
CREATE INDEX articles_updated ON articles(updated_at, id);
CREATE INDEX articles_title ON articles((lower(title)) COLLATE "C", id);
CREATE INDEX articles_translation ON articles(translation_of);
CREATE INDEX articles_search ON articles USING GIN (search_tsv);

CREATE TABLE article_versions (
    article_id UUID NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (article_id, version)
);

-- "Was this helpful?": one answer per reader and article (`user:<id>` for the team), which
-- they may change; the counts are read from the answers.
CREATE TABLE article_votes (
    article_id UUID NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    voter TEXT NOT NULL,
    helpful BOOLEAN NOT NULL,
    voted_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (article_id, voter)
);
