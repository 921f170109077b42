-- A ticket merged into another (the same request, asked twice) is closed and names the one
-- its conversation moved to; it then counts in none of the report's figures.
ALTER TABLE tickets ADD COLUMN merged_into_id UUID REFERENCES tickets(id) ON DELETE SET NULL;

CREATE INDEX tickets_merged_into ON tickets (merged_into_id) WHERE merged_into_id IS NOT NULL;
