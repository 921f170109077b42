-- Sales: pipelines with their ordered stages, deals, and every stage a deal entered. Amounts
-- are whole numbers of the currency's minor unit (cents), so sums and sorts are exact in SQL;
-- days (the expected close, the day a deal closed, in UTC) are `YYYY-MM-DD` text on both
-- engines, which sorts and groups by month (`substr(expected_close_on, 1, 7)`) alike.

CREATE TABLE pipelines (
    id BLOB PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    name TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    lost_reasons TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE pipeline_stages (
    id BLOB PRIMARY KEY NOT NULL,
    pipeline_id BLOB NOT NULL REFERENCES pipelines(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    probability INTEGER NOT NULL,
    outcome TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX pipeline_stages_pipeline ON pipeline_stages(pipeline_id, position);

-- `seq` is the rowid the full-text index points at; it never leaves the database.
CREATE TABLE deals (
    seq INTEGER PRIMARY KEY,
    id BLOB NOT NULL UNIQUE,
    version INTEGER NOT NULL DEFAULT 1,
    title TEXT NOT NULL,
    pipeline_id BLOB NOT NULL REFERENCES pipelines(id),
    stage_id BLOB NOT NULL REFERENCES pipeline_stages(id),
    status TEXT NOT NULL,
    company_id BLOB REFERENCES companies(id) ON DELETE SET NULL,
    contact_id BLOB REFERENCES contacts(id) ON DELETE SET NULL,
    owner_id BLOB REFERENCES users(id) ON DELETE SET NULL,
    amount_minor INTEGER,
    currency TEXT,
    probability INTEGER NOT NULL,
    expected_close_on TEXT,
    source TEXT,
    lost_reason TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    custom_fields TEXT NOT NULL DEFAULT '{}',
    search_text TEXT NOT NULL DEFAULT '',
    stage_entered_at TEXT NOT NULL,
    closed_at TEXT,
    closed_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX deals_created ON deals(created_at, id);
CREATE INDEX deals_updated ON deals(updated_at, id);
CREATE INDEX deals_title ON deals(lower(title), id);
CREATE INDEX deals_close ON deals(expected_close_on, id);
CREATE INDEX deals_amount ON deals(amount_minor, id);
-- A board column: the stage's cards by close date, and its totals read from the index alone.
CREATE INDEX deals_stage ON deals(stage_id, expected_close_on, id);
CREATE INDEX deals_stage_closed ON deals(stage_id, closed_at, id);
-- One salesperson's board adds up their deals alone.
CREATE INDEX deals_owner_totals ON deals(owner_id, pipeline_id, stage_id, currency, amount_minor, probability);
CREATE INDEX deals_company ON deals(company_id, status);
CREATE INDEX deals_contact ON deals(contact_id, status);
CREATE INDEX deals_owner ON deals(owner_id, created_at);
-- The forecast: open deals by the month they should close, won ones by the month they did,
-- each read from its index alone.
CREATE INDEX deals_forecast_open ON deals(status, expected_close_on, currency, pipeline_id, owner_id, amount_minor, probability);
CREATE INDEX deals_forecast_closed ON deals(status, closed_on, currency, pipeline_id, owner_id, amount_minor);

CREATE VIRTUAL TABLE deals_fts USING fts5(
    search_text, content='deals', content_rowid='seq',
    tokenize="unicode61 remove_diacritics 2", prefix='2 3'
);
CREATE TRIGGER deals_fts_insert AFTER INSERT ON deals BEGIN
    INSERT INTO deals_fts(rowid, search_text) VALUES (new.seq, new.search_text);
END;
CREATE TRIGGER deals_fts_delete AFTER DELETE ON deals BEGIN
    INSERT INTO deals_fts(deals_fts, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
END;
CREATE TRIGGER deals_fts_update AFTER UPDATE OF search_text ON deals BEGIN
    INSERT INTO deals_fts(deals_fts, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
    INSERT INTO deals_fts(rowid, search_text) VALUES (new.seq, new.search_text);
END;

-- What each stage's deals add up to, per currency ('' for deals without an amount), kept with
-- every change of a deal in the same transaction: a board's first load reads a few rows, not
-- every deal. Σ amount × probability is kept in hundredths of the minor unit, rounded once when
-- read.
CREATE TABLE deal_stage_totals (
    stage_id BLOB NOT NULL REFERENCES pipeline_stages(id) ON DELETE CASCADE,
    currency TEXT NOT NULL,
    deals INTEGER NOT NULL,
    amount_minor INTEGER NOT NULL,
    weighted INTEGER NOT NULL,
    PRIMARY KEY (stage_id, currency)
) WITHOUT ROWID;

-- Each stage a deal entered, from its creation: time in stage, cycle length, conversion.
-- Stages are named without a foreign key, so a pipeline can lose a stage its deals once passed.
CREATE TABLE deal_stage_changes (
    id BLOB PRIMARY KEY NOT NULL,
    deal_id BLOB NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
    pipeline_id BLOB NOT NULL,
    from_stage_id BLOB,
    to_stage_id BLOB NOT NULL,
    changed_at TEXT NOT NULL,
    -- When the deal moved on from this stage, written with its next change.
    left_at TEXT
) WITHOUT ROWID;
CREATE INDEX deal_stage_changes_deal ON deal_stage_changes(deal_id, changed_at);
-- The pipeline report reads a period's entries, with their stage and how long they stayed,
-- from this index alone.
CREATE INDEX deal_stage_changes_pipeline ON deal_stage_changes(pipeline_id, changed_at, to_stage_id, left_at);

ANALYZE pipeline_stages_pipeline;
ANALYZE deals_created;
ANALYZE deals_updated;
ANALYZE deals_title;
ANALYZE deals_close;
ANALYZE deals_amount;
ANALYZE deals_stage;
ANALYZE deals_stage_closed;
ANALYZE deals_owner_totals;
ANALYZE deals_company;
ANALYZE deals_contact;
ANALYZE deals_owner;
ANALYZE deals_forecast_open;
ANALYZE deals_forecast_closed;
ANALYZE deal_stage_changes_deal;
ANALYZE deal_stage_changes_pipeline;

-- An activity can move a deal forward, and shows on its timeline.
ALTER TABLE activities ADD COLUMN deal_id BLOB REFERENCES deals(id) ON DELETE SET NULL;
CREATE INDEX activities_deal ON activities(deal_id, occurred_at, id);
ANALYZE activities_deal;
