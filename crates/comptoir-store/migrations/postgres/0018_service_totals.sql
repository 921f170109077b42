-- The service report's counts, kept per day of opening (UTC) and group of tickets in the
-- transaction of every change of a ticket, so a month's report adds up a few thousand rows
-- instead of reading every ticket opened in it. Nobody's tickets count under the nil id: a
-- key column that is never empty lets a change add itself with one upsert.

CREATE TABLE ticket_day_totals (
    day TEXT NOT NULL,
    assignee_id UUID NOT NULL,
    channel TEXT NOT NULL,
    priority TEXT NOT NULL,
    opened BIGINT NOT NULL,
    solved BIGINT NOT NULL,
    first_response_met BIGINT NOT NULL,
    first_response_missed BIGINT NOT NULL,
    resolution_met BIGINT NOT NULL,
    resolution_missed BIGINT NOT NULL,
    first_contact_resolutions BIGINT NOT NULL,
    reopened BIGINT NOT NULL,
    answered BIGINT NOT NULL,
    first_response_millis BIGINT NOT NULL,
    PRIMARY KEY (day, assignee_id, channel, priority)
);

INSERT INTO ticket_day_totals
SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
    COALESCE(assignee_id, '00000000-0000-0000-0000-000000000000'), channel, priority, count(*),
    count(*) FILTER (WHERE solved_at IS NOT NULL),
    count(*) FILTER (WHERE first_response_at IS NOT NULL AND first_response_due_at IS NOT NULL
        AND first_response_breached_at IS NULL),
    count(*) FILTER (WHERE first_response_breached_at IS NOT NULL),
    count(*) FILTER (WHERE solved_at IS NOT NULL AND resolution_due_at IS NOT NULL
        AND resolution_breached_at IS NULL),
    count(*) FILTER (WHERE resolution_breached_at IS NOT NULL),
    count(*) FILTER (WHERE solved_at IS NOT NULL AND public_replies <= 1 AND reopened = 0),
    count(*) FILTER (WHERE reopened > 0),
    count(*) FILTER (WHERE first_response_at IS NOT NULL),
    COALESCE(sum(floor(EXTRACT(EPOCH FROM (first_response_at - created_at)) * 1000)), 0)
FROM tickets
GROUP BY 1, 2, 3, 4;
