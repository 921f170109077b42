-- The service report reads medians from how many tickets waited how long: each kept row also
-- counts its tickets answered (and those solved) in each band of wait, from under five minutes
-- to over a month, counts that add up as the others do. Counted here for the tickets so far,
-- as keeping them would have counted them; merged tickets count nowhere.

ALTER TABLE ticket_month_totals ADD COLUMN first_response_w0 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN first_response_w1 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN first_response_w2 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN first_response_w3 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN first_response_w4 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN first_response_w5 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN first_response_w6 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN first_response_w7 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN first_response_w8 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN first_response_w9 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN first_response_w10 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN first_response_w11 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN first_response_w12 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN first_response_w13 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN resolution_w0 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN resolution_w1 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN resolution_w2 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN resolution_w3 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN resolution_w4 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN resolution_w5 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN resolution_w6 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN resolution_w7 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN resolution_w8 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN resolution_w9 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN resolution_w10 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN resolution_w11 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN resolution_w12 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ticket_month_totals ADD COLUMN resolution_w13 INTEGER NOT NULL DEFAULT 0;

UPDATE ticket_month_totals SET
    first_response_w0 = waited.w0,
    first_response_w1 = waited.w1,
    first_response_w2 = waited.w2,
    first_response_w3 = waited.w3,
    first_response_w4 = waited.w4,
    first_response_w5 = waited.w5,
    first_response_w6 = waited.w6,
    first_response_w7 = waited.w7,
    first_response_w8 = waited.w8,
    first_response_w9 = waited.w9,
    first_response_w10 = waited.w10,
    first_response_w11 = waited.w11,
    first_response_w12 = waited.w12,
    first_response_w13 = waited.w13
FROM (SELECT month, assignee_id, team_id, channel, priority,
            sum(CASE WHEN band = 0 THEN 1 ELSE 0 END) AS w0,
            sum(CASE WHEN band = 1 THEN 1 ELSE 0 END) AS w1,
            sum(CASE WHEN band = 2 THEN 1 ELSE 0 END) AS w2,
            sum(CASE WHEN band = 3 THEN 1 ELSE 0 END) AS w3,
            sum(CASE WHEN band = 4 THEN 1 ELSE 0 END) AS w4,
            sum(CASE WHEN band = 5 THEN 1 ELSE 0 END) AS w5,
            sum(CASE WHEN band = 6 THEN 1 ELSE 0 END) AS w6,
            sum(CASE WHEN band = 7 THEN 1 ELSE 0 END) AS w7,
            sum(CASE WHEN band = 8 THEN 1 ELSE 0 END) AS w8,
            sum(CASE WHEN band = 9 THEN 1 ELSE 0 END) AS w9,
            sum(CASE WHEN band = 10 THEN 1 ELSE 0 END) AS w10,
            sum(CASE WHEN band = 11 THEN 1 ELSE 0 END) AS w11,
            sum(CASE WHEN band = 12 THEN 1 ELSE 0 END) AS w12,
            sum(CASE WHEN band = 13 THEN 1 ELSE 0 END) AS w13
      FROM (SELECT substr(created_at, 1, 7) AS month, COALESCE(assignee_id, X'00000000000000000000000000000000') AS assignee_id,
                COALESCE(team_id, X'00000000000000000000000000000000') AS team_id, channel, priority,
                CASE WHEN CAST(round((julianday(first_response_at) - julianday(created_at)) * 86400000) AS INTEGER) < 300000 THEN 0 WHEN CAST(round((julianday(first_response_at) - julianday(created_at)) * 86400000) AS INTEGER) < 900000 THEN 1 WHEN CAST(round((julianday(first_response_at) - julianday(created_at)) * 86400000) AS INTEGER) < 1800000 THEN 2 WHEN CAST(round((julianday(first_response_at) - julianday(created_at)) * 86400000) AS INTEGER) < 3600000 THEN 3 WHEN CAST(round((julianday(first_response_at) - julianday(created_at)) * 86400000) AS INTEGER) < 7200000 THEN 4 WHEN CAST(round((julianday(first_response_at) - julianday(created_at)) * 86400000) AS INTEGER) < 14400000 THEN 5 WHEN CAST(round((julianday(first_response_at) - julianday(created_at)) * 86400000) AS INTEGER) < 28800000 THEN 6 WHEN CAST(round((julianday(first_response_at) - julianday(created_at)) * 86400000) AS INTEGER) < 86400000 THEN 7 WHEN CAST(round((julianday(first_response_at) - julianday(created_at)) * 86400000) AS INTEGER) < 172800000 THEN 8 WHEN CAST(round((julianday(first_response_at) - julianday(created_at)) * 86400000) AS INTEGER) < 345600000 THEN 9 WHEN CAST(round((julianday(first_response_at) - julianday(created_at)) * 86400000) AS INTEGER) < 604800000 THEN 10 WHEN CAST(round((julianday(first_response_at) - julianday(created_at)) * 86400000) AS INTEGER) < 1209600000 THEN 11 WHEN CAST(round((julianday(first_response_at) - julianday(created_at)) * 86400000) AS INTEGER) < 2592000000 THEN 12 ELSE 13 END AS band
            FROM tickets WHERE first_response_at IS NOT NULL AND merged_into_id IS NULL) AS banded
      GROUP BY month, assignee_id, team_id, channel, priority) AS waited
WHERE ticket_month_totals.month = waited.month AND ticket_month_totals.assignee_id = waited.assignee_id
    AND ticket_month_totals.team_id = waited.team_id AND ticket_month_totals.channel = waited.channel
    AND ticket_month_totals.priority = waited.priority;

UPDATE ticket_month_totals SET
    resolution_w0 = waited.w0,
    resolution_w1 = waited.w1,
    resolution_w2 = waited.w2,
    resolution_w3 = waited.w3,
    resolution_w4 = waited.w4,
    resolution_w5 = waited.w5,
    resolution_w6 = waited.w6,
    resolution_w7 = waited.w7,
    resolution_w8 = waited.w8,
    resolution_w9 = waited.w9,
    resolution_w10 = waited.w10,
    resolution_w11 = waited.w11,
    resolution_w12 = waited.w12,
    resolution_w13 = waited.w13
FROM (SELECT month, assignee_id, team_id, channel, priority,
            sum(CASE WHEN band = 0 THEN 1 ELSE 0 END) AS w0,
            sum(CASE WHEN band = 1 THEN 1 ELSE 0 END) AS w1,
            sum(CASE WHEN band = 2 THEN 1 ELSE 0 END) AS w2,
            sum(CASE WHEN band = 3 THEN 1 ELSE 0 END) AS w3,
            sum(CASE WHEN band = 4 THEN 1 ELSE 0 END) AS w4,
            sum(CASE WHEN band = 5 THEN 1 ELSE 0 END) AS w5,
            sum(CASE WHEN band = 6 THEN 1 ELSE 0 END) AS w6,
            sum(CASE WHEN band = 7 THEN 1 ELSE 0 END) AS w7,
            sum(CASE WHEN band = 8 THEN 1 ELSE 0 END) AS w8,
            sum(CASE WHEN band = 9 THEN 1 ELSE 0 END) AS w9,
            sum(CASE WHEN band = 10 THEN 1 ELSE 0 END) AS w10,
            sum(CASE WHEN band = 11 THEN 1 ELSE 0 END) AS w11,
            sum(CASE WHEN band = 12 THEN 1 ELSE 0 END) AS w12,
            sum(CASE WHEN band = 13 THEN 1 ELSE 0 END) AS w13
      FROM (SELECT substr(created_at, 1, 7) AS month, COALESCE(assignee_id, X'00000000000000000000000000000000') AS assignee_id,
                COALESCE(team_id, X'00000000000000000000000000000000') AS team_id, channel, priority,
                CASE WHEN CAST(round((julianday(solved_at) - julianday(created_at)) * 86400000) AS INTEGER) < 300000 THEN 0 WHEN CAST(round((julianday(solved_at) - julianday(created_at)) * 86400000) AS INTEGER) < 900000 THEN 1 WHEN CAST(round((julianday(solved_at) - julianday(created_at)) * 86400000) AS INTEGER) < 1800000 THEN 2 WHEN CAST(round((julianday(solved_at) - julianday(created_at)) * 86400000) AS INTEGER) < 3600000 THEN 3 WHEN CAST(round((julianday(solved_at) - julianday(created_at)) * 86400000) AS INTEGER) < 7200000 THEN 4 WHEN CAST(round((julianday(solved_at) - julianday(created_at)) * 86400000) AS INTEGER) < 14400000 THEN 5 WHEN CAST(round((julianday(solved_at) - julianday(created_at)) * 86400000) AS INTEGER) < 28800000 THEN 6 WHEN CAST(round((julianday(solved_at) - julianday(created_at)) * 86400000) AS INTEGER) < 86400000 THEN 7 WHEN CAST(round((julianday(solved_at) - julianday(created_at)) * 86400000) AS INTEGER) < 172800000 THEN 8 WHEN CAST(round((julianday(solved_at) - julianday(created_at)) * 86400000) AS INTEGER) < 345600000 THEN 9 WHEN CAST(round((julianday(solved_at) - julianday(created_at)) * 86400000) AS INTEGER) < 604800000 THEN 10 WHEN CAST(round((julianday(solved_at) - julianday(created_at)) * 86400000) AS INTEGER) < 1209600000 THEN 11 WHEN CAST(round((julianday(solved_at) - julianday(created_at)) * 86400000) AS INTEGER) < 2592000000 THEN 12 ELSE 13 END AS band
            FROM tickets WHERE solved_at IS NOT NULL AND merged_into_id IS NULL) AS banded
      GROUP BY month, assignee_id, team_id, channel, priority) AS waited
WHERE ticket_month_totals.month = waited.month AND ticket_month_totals.assignee_id = waited.assignee_id
    AND ticket_month_totals.team_id = waited.team_id AND ticket_month_totals.channel = waited.channel
    AND ticket_month_totals.priority = waited.priority;
