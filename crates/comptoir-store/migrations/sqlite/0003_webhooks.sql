-- Events leave the building: the outbox is fanned out into one delivery per webhook that
-- wants the event, and each delivery is sent, retried and logged. Same tables and columns as
-- the PostgreSQL tree.

ALTER TABLE domain_events ADD COLUMN dispatched_at TEXT;
-- Events written before webhooks existed have no subscriber to go to.
UPDATE domain_events SET dispatched_at = occurred_at;
CREATE INDEX domain_events_to_dispatch ON domain_events (occurred_at, id) WHERE dispatched_at IS NULL;
CREATE INDEX domain_events_dispatched ON domain_events (dispatched_at) WHERE dispatched_at IS NOT NULL;

CREATE TABLE webhooks (
    id BLOB PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    event_types TEXT NOT NULL DEFAULT '[]',
    description TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    disabled_reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE webhook_deliveries (
    id BLOB PRIMARY KEY NOT NULL,
    webhook_id BLOB NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id BLOB NOT NULL,
    event_occurred_at TEXT NOT NULL,
    object_id BLOB NOT NULL,
    status TEXT NOT NULL,
    -- The oldest pending delivery about its record to its webhook: the only one that may be
    -- sent, so a receiver gets each record's events in order. Set when the one before it ends.
    ready BOOLEAN NOT NULL DEFAULT FALSE,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_attempt_at TEXT,
    last_status_code INTEGER,
    last_error TEXT,
    last_latency_ms INTEGER,
    created_at TEXT NOT NULL,
    -- An event reaches a webhook once, however many servers fan it out.
    UNIQUE (webhook_id, event_id)
) WITHOUT ROWID;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending' AND ready;
-- A record's pending deliveries in order: whether a new one must wait, and which goes next.
CREATE INDEX webhook_deliveries_in_order ON webhook_deliveries (webhook_id, object_id, event_occurred_at, event_id)
    WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, created_at);
