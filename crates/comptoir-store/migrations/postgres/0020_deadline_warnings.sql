-- When a ticket's deadline was found close and its assignee warned: once per deadline, however
-- many servers watch. Read from the deadlines' partial indexes, like the misses.

ALTER TABLE tickets ADD COLUMN first_response_warned_at TIMESTAMPTZ;
ALTER TABLE tickets ADD COLUMN resolution_warned_at TIMESTAMPTZ;
