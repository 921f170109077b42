-- Satisfaction surveys. A ticket solved for an hour is claimed once (`surveyed_at`), however
-- many servers look, from a partial index over the tickets solved and not yet asked about; its
-- requester gets a link that works once, kept only as a hash. The score joins the ticket, so
-- the report's kept counts follow it to whoever holds the ticket.

ALTER TABLE tickets ADD COLUMN surveyed_at TIMESTAMPTZ;
ALTER TABLE tickets ADD COLUMN satisfaction SMALLINT;

CREATE INDEX tickets_survey_due ON tickets (solved_at)
    WHERE surveyed_at IS NULL AND solved_at IS NOT NULL;

CREATE TABLE ticket_surveys (
    id UUID PRIMARY KEY,
    ticket_id UUID NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    token_hash BYTEA NOT NULL UNIQUE,
    recipient TEXT NOT NULL,
    language TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    answered_at TIMESTAMPTZ,
    score SMALLINT,
    comment TEXT
);

CREATE INDEX ticket_surveys_ticket ON ticket_surveys (ticket_id);

ALTER TABLE ticket_month_totals ADD COLUMN rated BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN satisfied BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN rating_points BIGINT NOT NULL DEFAULT 0;
