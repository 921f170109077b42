-- A custom field an admin marks as identifying (a customer number, a national id) tells people
-- apart: the same value is strong evidence of one person, two values of two. Same columns as
-- the other tree.

ALTER TABLE custom_field_definitions ADD COLUMN identifying BOOLEAN NOT NULL DEFAULT FALSE;
