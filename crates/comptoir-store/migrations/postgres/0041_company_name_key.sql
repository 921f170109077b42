-- A company's name as people mean it, accents, case and punctuation aside ("ETABLISSEMENTS
-- MARTIN" is "Établissements Martin"), so an import links a row to the company already on
-- file instead of creating its twin. Folded by Comptoir when a company is written (the same
-- `fold` on both engines); rows written before are filled in after migrating. Same column
-- and index as the other engine's tree.

ALTER TABLE companies ADD COLUMN name_key TEXT;
CREATE INDEX companies_name_key ON companies (name_key);
