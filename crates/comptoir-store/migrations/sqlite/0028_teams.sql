-- Teams: the queues tickets wait in, each with its members, its lead (who hears of missed
-- deadlines) and how a new ticket finds someone. `turns` counts the tickets the team handed
-- out by rotation: taking the next turn writes the team's row first, so two tickets created
-- at once never both go to the same member. Same columns as the other tree.

CREATE TABLE teams (
    id BLOB PRIMARY KEY,
    version INTEGER NOT NULL DEFAULT 1,
    name TEXT NOT NULL,
    lead_id BLOB REFERENCES users(id) ON DELETE SET NULL,
    assignment TEXT NOT NULL,
    categories TEXT NOT NULL DEFAULT '[]',
    languages TEXT NOT NULL DEFAULT '[]',
    turns INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX teams_name ON teams(lower(name), id);
CREATE INDEX teams_created ON teams(created_at, id);
CREATE INDEX teams_updated ON teams(updated_at, id);

-- A member's place in the team's list orders who goes first; `last_turn` is the team's turn
-- that last gave them a ticket, so the rotation goes to whoever waited longest.
CREATE TABLE team_members (
    team_id BLOB NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    available BOOLEAN NOT NULL DEFAULT TRUE,
    last_turn INTEGER,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members(user_id);

ALTER TABLE tickets ADD COLUMN team_id BLOB REFERENCES teams(id) ON DELETE SET NULL;
CREATE INDEX tickets_team_queue ON tickets(team_id, status, created_at, id);
