-- A ticket's service-level deadlines (first response, resolution), the clock stopped while it
-- waits on its requester, and when a deadline was found missed. The escalation job reads the
-- deadlines not yet met nor missed from two partial indexes, never the whole table. Same
-- columns as the other tree.

ALTER TABLE tickets ADD COLUMN sla_policy TEXT;
ALTER TABLE tickets ADD COLUMN first_response_due_at TIMESTAMPTZ;
ALTER TABLE tickets ADD COLUMN resolution_due_at TIMESTAMPTZ;
ALTER TABLE tickets ADD COLUMN sla_paused_at TIMESTAMPTZ;
ALTER TABLE tickets ADD COLUMN sla_paused_seconds BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN first_response_breached_at TIMESTAMPTZ;
ALTER TABLE tickets ADD COLUMN resolution_breached_at TIMESTAMPTZ;

CREATE INDEX tickets_first_response_due ON tickets(first_response_due_at)
    WHERE first_response_at IS NULL AND first_response_breached_at IS NULL;
CREATE INDEX tickets_resolution_due ON tickets(resolution_due_at)
    WHERE solved_at IS NULL AND resolution_breached_at IS NULL;

