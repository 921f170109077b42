-- A ticket merged into another (the same request, asked twice) is closed and names the one
-- its conversation moved to; it then counts in none of the report's figures. No foreign
-- key: deleting the ticket it joined must not make it count again behind the kept counts'
-- back, so the name stays, as history.
ALTER TABLE tickets ADD COLUMN merged_into_id BLOB;

CREATE INDEX tickets_merged_into ON tickets (merged_into_id) WHERE merged_into_id IS NOT NULL;
