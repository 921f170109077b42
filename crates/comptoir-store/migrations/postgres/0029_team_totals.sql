-- The service report counts by team as well: each month's counts are kept per team too, the
-- nil id standing for tickets of no team, as it does for tickets of nobody. Tickets so far
-- were of no team.

ALTER TABLE ticket_month_totals ADD COLUMN team_id UUID NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000';
ALTER TABLE ticket_month_totals ALTER COLUMN team_id DROP DEFAULT;
ALTER TABLE ticket_month_totals DROP CONSTRAINT ticket_month_totals_pkey;
ALTER TABLE ticket_month_totals ADD PRIMARY KEY (month, assignee_id, team_id, channel, priority);
