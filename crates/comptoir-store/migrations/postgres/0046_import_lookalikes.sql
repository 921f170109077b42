-- An import names the rows that would make a new contact looking like one already on file
-- (by name, place, company), and leaves them out when asked to. Same columns as the SQLite
-- tree.
ALTER TABLE imports ADD COLUMN skip_lookalikes BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE imports ADD COLUMN lookalikes JSONB NOT NULL DEFAULT '[]';
