-- The queues: an agent's tickets (or the team's, nobody's) still waiting for someone, oldest
-- first, one index range whatever their status. `solved_at` is empty exactly while a ticket is
-- unresolved, and a list filter writes `solved_at IS NULL` as it is, so both engines match the
-- index's condition whatever the other values are. Same index as the other tree.

CREATE INDEX tickets_unresolved ON tickets(assignee_id, created_at, id) WHERE solved_at IS NULL;

