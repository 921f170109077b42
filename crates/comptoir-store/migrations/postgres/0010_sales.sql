-- Sales: pipelines with their ordered stages, deals, and every stage a deal entered. Same
-- tables and columns as the SQLite tree: amounts in minor units, close dates as `YYYY-MM-DD`
-- text.

CREATE TABLE pipelines (
    id UUID PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 1,
    name TEXT NOT NULL,
    position BIGINT NOT NULL DEFAULT 0,
    lost_reasons JSONB NOT NULL DEFAULT '[]',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE pipeline_stages (
    id UUID PRIMARY KEY,
    pipeline_id UUID NOT NULL REFERENCES pipelines(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    probability BIGINT NOT NULL,
    outcome TEXT NOT NULL
);
CREATE INDEX pipeline_stages_pipeline ON pipeline_stages(pipeline_id, position);

CREATE TABLE deals (
    id UUID PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 1,
    title TEXT NOT NULL,
    pipeline_id UUID NOT NULL REFERENCES pipelines(id),
    stage_id UUID NOT NULL REFERENCES pipeline_stages(id),
    status TEXT NOT NULL,
    company_id UUID REFERENCES companies(id) ON DELETE SET NULL,
    contact_id UUID REFERENCES contacts(id) ON DELETE SET NULL,
    owner_id UUID REFERENCES users(id) ON DELETE SET NULL,
    amount_minor BIGINT,
    currency TEXT,
    probability BIGINT NOT NULL,
    expected_close_on TEXT,
    source TEXT,
    lost_reason TEXT,
    tags JSONB NOT NULL DEFAULT '[]',
    custom_fields JSONB NOT NULL DEFAULT '{}',
    search_text TEXT NOT NULL DEFAULT '',
    search_tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED,
    stage_entered_at TIMESTAMPTZ NOT NULL,
    closed_at TIMESTAMPTZ,
    closed_on TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX deals_created ON deals(created_at, id);
CREATE INDEX deals_updated ON deals(updated_at, id);
CREATE INDEX deals_title ON deals((lower(title)) COLLATE "C", id);
CREATE INDEX deals_close ON deals(expected_close_on NULLS FIRST, id);
CREATE INDEX deals_amount ON deals(amount_minor NULLS FIRST, id);
CREATE INDEX deals_stage ON deals(stage_id, expected_close_on NULLS FIRST, id);
CREATE INDEX deals_stage_closed ON deals(stage_id, closed_at NULLS FIRST, id);
CREATE INDEX deals_owner_totals ON deals(owner_id, pipeline_id, stage_id, currency, amount_minor, probability);
CREATE INDEX deals_company ON deals(company_id, status);
CREATE INDEX deals_contact ON deals(contact_id, status);
CREATE INDEX deals_owner ON deals(owner_id, created_at);
CREATE INDEX deals_forecast_open ON deals(status, expected_close_on, currency, pipeline_id, owner_id, amount_minor, probability);
CREATE INDEX deals_forecast_closed ON deals(status, closed_on, currency, pipeline_id, owner_id, amount_minor);
CREATE INDEX deals_search ON deals USING GIN (search_tsv);

CREATE TABLE deal_stage_totals (
    stage_id UUID NOT NULL REFERENCES pipeline_stages(id) ON DELETE CASCADE,
    currency TEXT NOT NULL,
    deals BIGINT NOT NULL,
    amount_minor BIGINT NOT NULL,
    weighted BIGINT NOT NULL,
    PRIMARY KEY (stage_id, currency)
);

CREATE TABLE deal_stage_changes (
    id UUID PRIMARY KEY,
    deal_id UUID NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
    pipeline_id UUID NOT NULL,
    from_stage_id UUID,
    to_stage_id UUID NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    -- When the deal moved on from this stage, written with its next change.
    left_at TIMESTAMPTZ
);
CREATE INDEX deal_stage_changes_deal ON deal_stage_changes(deal_id, changed_at);
-- The pipeline report reads a period's entries, with their stage and how long they stayed,
-- from this index alone.
CREATE INDEX deal_stage_changes_pipeline ON deal_stage_changes(pipeline_id, changed_at, to_stage_id, left_at);

-- An activity can move a deal forward, and shows on its timeline.
ALTER TABLE activities ADD COLUMN deal_id UUID REFERENCES deals(id) ON DELETE SET NULL;
CREATE INDEX activities_deal ON activities(deal_id, occurred_at, id);
