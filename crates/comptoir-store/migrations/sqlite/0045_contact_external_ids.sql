-- The id another system (an ERP, a shop, the spreadsheet a base came from) knows a contact
-- by: an import matches its rows on it before their emails and phones, so a file sent again
-- updates the contacts it made, even once their addresses have changed. One contact per id;
-- most contacts have none. Same column and index as the other engine's tree.
ALTER TABLE contacts ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX contacts_external_id ON contacts (external_id) WHERE external_id IS NOT NULL;
