-- The service report counts by team as well: each month's counts are kept per team too, the
-- nil id standing for tickets of no team, as it does for tickets of nobody. Tickets so far
-- were of no team. SQLite changes a primary key by copying the table.

CREATE TABLE ticket_month_totals_by_team (
    month TEXT NOT NULL,
    assignee_id BLOB NOT NULL,
    team_id BLOB NOT NULL,
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
    rated INTEGER NOT NULL DEFAULT 0,
    satisfied INTEGER NOT NULL DEFAULT 0,
    rating_points INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, assignee_id, team_id, channel, priority)
) WITHOUT ROWID;

INSERT INTO ticket_month_totals_by_team
SELECT month, assignee_id, X'00000000000000000000000000000000', channel, priority, opened, solved,
    first_response_met, first_response_missed, resolution_met, resolution_missed,
    first_contact_resolutions, reopened, answered, first_response_millis, rated, satisfied,
    rating_points
FROM ticket_month_totals;

DROP TABLE ticket_month_totals;
ALTER TABLE ticket_month_totals_by_team RENAME TO ticket_month_totals;
