-- The next-response target: once a ticket had its first answer, each later message of the
-- requester waits for an answer by its own deadline. A ticket keeps since when its requester
-- waits, that deadline, when it was found missed (cleared by the answer) and the deadline its
-- assignee was last warned of, and how many of those answers came in time or late, so the report's kept
-- counts add them up. The watch reads the waiting deadlines from a partial index. Same
-- columns as the other tree.
ALTER TABLE tickets ADD COLUMN awaiting_reply_since TIMESTAMPTZ;
ALTER TABLE tickets ADD COLUMN next_response_due_at TIMESTAMPTZ;
ALTER TABLE tickets ADD COLUMN next_response_breached_at TIMESTAMPTZ;
ALTER TABLE tickets ADD COLUMN next_response_warned_for TIMESTAMPTZ;
ALTER TABLE tickets ADD COLUMN next_responses_met BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN next_responses_missed BIGINT NOT NULL DEFAULT 0;

CREATE INDEX tickets_next_response_due ON tickets(next_response_due_at)
    WHERE next_response_due_at IS NOT NULL AND next_response_breached_at IS NULL;

ALTER TABLE ticket_month_totals ADD COLUMN next_response_met BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN next_response_missed BIGINT NOT NULL DEFAULT 0;
