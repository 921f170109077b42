-- Users, API tokens, custom field definitions, companies, contacts, activities, audit log,
-- domain events and idempotency keys. Same tables and columns as the SQLite tree; full-text
-- search uses a generated tsvector instead of an FTS5 table.

CREATE TABLE users (
    id UUID PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 1,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT,
    role TEXT NOT NULL,
    password_hash TEXT,
    locale TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE api_tokens (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash BYTEA NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE custom_field_definitions (
    id UUID PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 1,
    object_type TEXT NOT NULL,
    key TEXT NOT NULL,
    label TEXT NOT NULL,
    field_type TEXT NOT NULL,
    options JSONB NOT NULL DEFAULT '[]',
    position INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (object_type, key)
);

CREATE TABLE companies (
    id UUID PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 1,
    name TEXT NOT NULL,
    domain TEXT,
    website TEXT,
    industry TEXT,
    size_band TEXT,
    siren TEXT,
    siret TEXT,
    vat_number TEXT,
    address_street TEXT,
    address_postal_code TEXT,
    address_city TEXT,
    address_region TEXT,
    address_country TEXT,
    addresses JSONB NOT NULL DEFAULT '[]',
    phones JSONB NOT NULL DEFAULT '[]',
    phone TEXT,
    relationship_type TEXT NOT NULL,
    owner_id UUID REFERENCES users(id) ON DELETE SET NULL,
    tags JSONB NOT NULL DEFAULT '[]',
    custom_fields JSONB NOT NULL DEFAULT '{}',
    search_text TEXT NOT NULL DEFAULT '',
    search_tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX companies_created ON companies(created_at, id);
CREATE INDEX companies_updated ON companies(updated_at, id);
CREATE INDEX companies_name ON companies(name, id);
CREATE INDEX companies_owner ON companies(owner_id, created_at);
CREATE INDEX companies_domain ON companies(domain);
CREATE INDEX companies_search ON companies USING GIN (search_tsv);

CREATE TABLE contacts (
    id UUID PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 1,
    first_name TEXT,
    last_name TEXT,
    emails JSONB NOT NULL DEFAULT '[]',
    email TEXT,
    phones JSONB NOT NULL DEFAULT '[]',
    phone TEXT,
    job_title TEXT,
    company_id UUID REFERENCES companies(id) ON DELETE SET NULL,
    address_label TEXT,
    address_street TEXT,
    address_postal_code TEXT,
    address_city TEXT,
    address_region TEXT,
    address_country TEXT,
    language TEXT,
    lifecycle_stage TEXT NOT NULL,
    source TEXT,
    owner_id UUID REFERENCES users(id) ON DELETE SET NULL,
    tags JSONB NOT NULL DEFAULT '[]',
    custom_fields JSONB NOT NULL DEFAULT '{}',
    search_text TEXT NOT NULL DEFAULT '',
    company_search TEXT NOT NULL DEFAULT '',
    search_tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', search_text || ' ' || company_search)) STORED,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    last_activity_at TIMESTAMPTZ
);
CREATE INDEX contacts_created ON contacts(created_at, id);
CREATE INDEX contacts_updated ON contacts(updated_at, id);
CREATE INDEX contacts_last_name ON contacts(last_name NULLS FIRST, id);
CREATE INDEX contacts_last_activity ON contacts(last_activity_at NULLS FIRST, id);
CREATE INDEX contacts_email ON contacts(email);
CREATE INDEX contacts_company ON contacts(company_id);
CREATE INDEX contacts_owner ON contacts(owner_id, created_at);
CREATE INDEX contacts_stage ON contacts(lifecycle_stage, created_at);
CREATE INDEX contacts_city ON contacts(address_city, created_at);
CREATE INDEX contacts_search ON contacts USING GIN (search_tsv);

CREATE TABLE activities (
    id UUID PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 1,
    kind TEXT NOT NULL,
    subject TEXT,
    body TEXT,
    contact_id UUID REFERENCES contacts(id) ON DELETE CASCADE,
    company_id UUID REFERENCES companies(id) ON DELETE SET NULL,
    occurred_at TIMESTAMPTZ NOT NULL,
    direction TEXT,
    duration_seconds BIGINT,
    outcome TEXT,
    starts_at TIMESTAMPTZ,
    ends_at TIMESTAMPTZ,
    location TEXT,
    due_at TIMESTAMPTZ,
    assignee_id UUID REFERENCES users(id) ON DELETE SET NULL,
    done BOOLEAN NOT NULL DEFAULT FALSE,
    done_at TIMESTAMPTZ,
    owner_id UUID REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX activities_contact ON activities(contact_id, occurred_at, id);
CREATE INDEX activities_company ON activities(company_id, occurred_at, id);
CREATE INDEX activities_open_tasks ON activities(assignee_id, due_at) WHERE kind = 'task' AND NOT done;

CREATE TABLE audit_log (
    id UUID PRIMARY KEY,
    occurred_at TIMESTAMPTZ NOT NULL,
    actor_id UUID,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id UUID NOT NULL,
    changes JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id, id);

CREATE TABLE domain_events (
    id UUID PRIMARY KEY,
    occurred_at TIMESTAMPTZ NOT NULL,
    name TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id UUID NOT NULL,
    actor_id UUID,
    payload JSONB NOT NULL DEFAULT '{}'
);

CREATE TABLE idempotency_keys (
    actor_id UUID NOT NULL,
    key TEXT NOT NULL,
    request_hash BYTEA NOT NULL,
    status INTEGER,
    response_body TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (actor_id, key)
);
