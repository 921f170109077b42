-- The service report covers whole months, so its kept counts are per month of opening: a
-- twentieth of the rows per-day counts took, and a year reads what a month read. Tickets still
-- unresolved are kept per hour of opening, so the backlog by age adds up a few hundred rows
-- instead of counting every waiting ticket; hours with none left are removed.

CREATE TABLE ticket_month_totals (
    month TEXT NOT NULL,
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
    PRIMARY KEY (month, assignee_id, channel, priority)
);

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
    unresolved BIGINT NOT NULL
);

INSERT INTO ticket_backlog_hours
SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24'), count(*)
FROM tickets WHERE solved_at IS NULL GROUP BY 1;
