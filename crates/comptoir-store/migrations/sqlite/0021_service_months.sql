-- The service report covers whole months, so its kept counts are per month of opening: a
-- twentieth of the rows per-day counts took, and a year reads what a month read. Tickets still
-- unresolved are kept per hour of opening, so the backlog by age adds up a few hundred rows
-- instead of counting every waiting ticket; hours with none left are removed.

CREATE TABLE ticket_month_totals (
    month TEXT NOT NULL,
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
    PRIMARY KEY (month, assignee_id, channel, priority)
) WITHOUT ROWID;

INSERT INTO ticket_month_totals
SELECT substr(day, 1, 7), assignee_id, channel, priority, sum(opened), sum(solved),
    sum(first_response_met), sum(first_response_missed), sum(resolution_met),
    sum(resolution_missed), sum(first_contact_resolutions), sum(reopened), sum(answered),
    sum(first_response_millis)
FROM ticket_day_totals
GROUP BY 1, 2, 3, 4;

DROP TABLE ticket_day_totals;

CREATE TABLE ticket_backlog_hours (
    hour TEXT NOT NULL PRIMARY KEY,
    unresolved INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO ticket_backlog_hours
SELECT substr(created_at, 1, 13), count(*) FROM tickets WHERE solved_at IS NULL GROUP BY 1;
