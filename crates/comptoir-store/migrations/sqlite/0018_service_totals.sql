-- The service report's counts, kept per day of opening (UTC) and group of tickets in the
-- transaction of every change of a ticket, so a month's report adds up a few thousand rows
-- instead of reading every ticket opened in it. Nobody's tickets count under the nil id: a
-- key column that is never empty lets a change add itself with one upsert.

CREATE TABLE ticket_day_totals (
    day TEXT NOT NULL,
    assignee_id BLOB NOT NULL,
    channel TEXT NOT NULL,
    priority TEXT NOT NULL,
    opened INTEGER NOT NULL,
    solved INTEGER NOT NULL,
    first_response_met INTEGER NOT NULL,
    first_response_missed INTEGER NOT NULL,
    resolution_met INTEGER NOT NULL,
    resolution_missed INTEGER NOT NULL,
    first_contact_resolutions INTEGER NOT NULL,
    reopened INTEGER NOT NULL,
    answered INTEGER NOT NULL,
    first_response_millis INTEGER NOT NULL,
    PRIMARY KEY (day, assignee_id, channel, priority)
) WITHOUT ROWID;

INSERT INTO ticket_day_totals
SELECT substr(created_at, 1, 10), COALESCE(assignee_id, zeroblob(16)), channel, priority, count(*),
    sum(solved_at IS NOT NULL),
    sum(first_response_at IS NOT NULL AND first_response_due_at IS NOT NULL
        AND first_response_breached_at IS NULL),
    sum(first_response_breached_at IS NOT NULL),
    sum(solved_at IS NOT NULL AND resolution_due_at IS NOT NULL AND resolution_breached_at IS NULL),
    sum(resolution_breached_at IS NOT NULL),
    sum(solved_at IS NOT NULL AND public_replies <= 1 AND reopened = 0),
    sum(reopened > 0),
    sum(first_response_at IS NOT NULL),
    -- Julian days carry the wait to a millisecond or two: plenty for a mean counted in minutes.
    COALESCE(sum(CAST(round((julianday(first_response_at) - julianday(created_at)) * 86400000.0) AS INTEGER)), 0)
FROM tickets
GROUP BY 1, 2, 3, 4;
