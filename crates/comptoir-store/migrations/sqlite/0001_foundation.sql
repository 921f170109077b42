-- Users, API tokens, custom field definitions, companies, contacts, activities, audit log,
-- domain events and idempotency keys. Identifiers are UUIDv7 stored as 16-byte BLOBs;
-- timestamps are RFC 3339 text in UTC; JSON columns hold JSON text. Tables keyed by id alone
-- are WITHOUT ROWID, so a row lives in one B-tree instead of a table and a key index.

CREATE TABLE users (
    id BLOB PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT,
    role TEXT NOT NULL,
    password_hash TEXT,
    locale TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id BLOB PRIMARY KEY NOT NULL,
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE custom_field_definitions (
    id BLOB PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    object_type TEXT NOT NULL,
    key TEXT NOT NULL,
    label TEXT NOT NULL,
    field_type TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '[]',
    position INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (object_type, key)
);

-- `seq` is the rowid the full-text index points at; it never leaves the database.
CREATE TABLE companies (
    seq INTEGER PRIMARY KEY,
    id BLOB NOT NULL UNIQUE,
    version INTEGER NOT NULL DEFAULT 1,
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
    addresses TEXT NOT NULL DEFAULT '[]',
    phones TEXT NOT NULL DEFAULT '[]',
    phone TEXT,
    relationship_type TEXT NOT NULL,
    owner_id BLOB REFERENCES users(id) ON DELETE SET NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    custom_fields TEXT NOT NULL DEFAULT '{}',
    search_text TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX companies_created ON companies(created_at, id);
CREATE INDEX companies_updated ON companies(updated_at, id);
CREATE INDEX companies_name ON companies(name, id);
CREATE INDEX companies_owner ON companies(owner_id, created_at);
CREATE INDEX companies_domain ON companies(domain);

CREATE VIRTUAL TABLE companies_fts USING fts5(
    search_text, content='companies', content_rowid='seq',
    tokenize="unicode61 remove_diacritics 2", prefix='2 3'
);
CREATE TRIGGER companies_fts_insert AFTER INSERT ON companies BEGIN
    INSERT INTO companies_fts(rowid, search_text) VALUES (new.seq, new.search_text);
END;
CREATE TRIGGER companies_fts_delete AFTER DELETE ON companies BEGIN
    INSERT INTO companies_fts(companies_fts, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
END;
CREATE TRIGGER companies_fts_update AFTER UPDATE OF search_text ON companies BEGIN
    INSERT INTO companies_fts(companies_fts, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
    INSERT INTO companies_fts(rowid, search_text) VALUES (new.seq, new.search_text);
END;

CREATE TABLE contacts (
    seq INTEGER PRIMARY KEY,
    id BLOB NOT NULL UNIQUE,
    version INTEGER NOT NULL DEFAULT 1,
    first_name TEXT,
    last_name TEXT,
    emails TEXT NOT NULL DEFAULT '[]',
    email TEXT,
    phones TEXT NOT NULL DEFAULT '[]',
    phone TEXT,
    job_title TEXT,
    company_id BLOB REFERENCES companies(id) ON DELETE SET NULL,
    address_label TEXT,
    address_street TEXT,
    address_postal_code TEXT,
    address_city TEXT,
    address_region TEXT,
    address_country TEXT,
    language TEXT,
    lifecycle_stage TEXT NOT NULL,
    source TEXT,
    owner_id BLOB REFERENCES users(id) ON DELETE SET NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    custom_fields TEXT NOT NULL DEFAULT '{}',
    search_text TEXT NOT NULL DEFAULT '',
    company_search TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_activity_at TEXT
);
CREATE INDEX contacts_created ON contacts(created_at, id);
CREATE INDEX contacts_updated ON contacts(updated_at, id);
CREATE INDEX contacts_last_name ON contacts(last_name, id);
CREATE INDEX contacts_last_activity ON contacts(last_activity_at, id);
CREATE INDEX contacts_email ON contacts(email);
CREATE INDEX contacts_company ON contacts(company_id);
CREATE INDEX contacts_owner ON contacts(owner_id, created_at);
CREATE INDEX contacts_stage ON contacts(lifecycle_stage, created_at);
CREATE INDEX contacts_city ON contacts(address_city, created_at);

CREATE VIRTUAL TABLE contacts_fts USING fts5(
    search_text, company_search, content='contacts', content_rowid='seq',
    tokenize="unicode61 remove_diacritics 2", prefix='2 3'
);
CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_fts(rowid, search_text, company_search)
    VALUES (new.seq, new.search_text, new.company_search);
END;
CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO contacts_fts(contacts_fts, rowid, search_text, company_search)
    VALUES ('delete', old.seq, old.search_text, old.company_search);
END;
CREATE TRIGGER contacts_fts_update AFTER UPDATE OF search_text, company_search ON contacts BEGIN
    INSERT INTO contacts_fts(contacts_fts, rowid, search_text, company_search)
    VALUES ('delete', old.seq, old.search_text, old.company_search);
    INSERT INTO contacts_fts(rowid, search_text, company_search)
    VALUES (new.seq, new.search_text, new.company_search);
END;

CREATE TABLE activities (
    id BLOB PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    kind TEXT NOT NULL,
    subject TEXT,
    body TEXT,
    contact_id BLOB REFERENCES contacts(id) ON DELETE CASCADE,
    company_id BLOB REFERENCES companies(id) ON DELETE SET NULL,
    occurred_at TEXT NOT NULL,
    direction TEXT,
    duration_seconds INTEGER,
    outcome TEXT,
    starts_at TEXT,
    ends_at TEXT,
    location TEXT,
    due_at TEXT,
    assignee_id BLOB REFERENCES users(id) ON DELETE SET NULL,
    done BOOLEAN NOT NULL DEFAULT FALSE,
    done_at TEXT,
    owner_id BLOB REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX activities_contact ON activities(contact_id, occurred_at, id);
CREATE INDEX activities_company ON activities(company_id, occurred_at, id);
CREATE INDEX activities_open_tasks ON activities(assignee_id, due_at) WHERE kind = 'task' AND NOT done;

CREATE TABLE audit_log (
    id BLOB PRIMARY KEY NOT NULL,
    occurred_at TEXT NOT NULL,
    actor_id BLOB,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id BLOB NOT NULL,
    changes TEXT NOT NULL DEFAULT '{}'
) WITHOUT ROWID;
CREATE INDEX audit_log_object ON audit_log(object_type, object_id, id);

CREATE TABLE domain_events (
    id BLOB PRIMARY KEY NOT NULL,
    occurred_at TEXT NOT NULL,
    name TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id BLOB NOT NULL,
    actor_id BLOB,
    payload TEXT NOT NULL DEFAULT '{}'
) WITHOUT ROWID;

CREATE TABLE idempotency_keys (
    actor_id BLOB NOT NULL,
    key TEXT NOT NULL,
    request_hash BLOB NOT NULL,
    status INTEGER,
    response_body TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (actor_id, key)
);
