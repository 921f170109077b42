-- A text filter's equality ignores case (`lyon` finds Lyon); the indexes that serve one are
-- on the lowered text, as those that serve a sort already are. Same indexes as the SQLite
-- tree.

DROP INDEX contacts_city;
CREATE INDEX contacts_city ON contacts ((lower(address_city)), created_at);
DROP INDEX contacts_email;
CREATE INDEX contacts_email ON contacts ((lower(email)));
DROP INDEX companies_domain;
CREATE INDEX companies_domain ON companies ((lower(domain)));
