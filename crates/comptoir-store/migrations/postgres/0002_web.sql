-- What the browser interface keeps: sessions, failed sign-ins, recently viewed records and
-- saved list views.

-- The cookie carries a random secret; only its SHA-256 is stored, so a copy of the database
-- opens no session.
CREATE TABLE sessions (
    id_hash BYTEA PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    remember BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

-- Consecutive failed sign-ins per email address, for the lock-out delay.
CREATE TABLE sign_in_failures (
    email TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure_at TIMESTAMPTZ NOT NULL,
    locked_until TIMESTAMPTZ
);

-- One row per record a user opened, refreshed on every visit.
CREATE TABLE recent_views (
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    object_type TEXT NOT NULL,
    object_id UUID NOT NULL,
    viewed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, object_type, object_id)
);
CREATE INDEX recent_views_user_time ON recent_views(user_id, viewed_at);

-- A named list: its filters, sort and columns as the list's query string.
CREATE TABLE saved_views (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    object_type TEXT NOT NULL,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX saved_views_user ON saved_views(user_id, object_type, name);

-- A record's open tasks, shown on its page however long its history.
CREATE INDEX activities_contact_open_tasks ON activities(contact_id, due_at) WHERE kind = 'task' AND NOT done;
CREATE INDEX activities_company_open_tasks ON activities(company_id, due_at) WHERE kind = 'task' AND NOT done;
