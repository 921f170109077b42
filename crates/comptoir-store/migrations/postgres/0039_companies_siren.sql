-- An import of companies finds the one a row is about by its SIREN first.
CREATE INDEX companies_siren ON companies(siren);
