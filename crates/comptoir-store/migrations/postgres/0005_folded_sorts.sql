-- Lists sort text without regard to case, in code-point order on both engines; the indexes
-- that serve a sort (and a starts-with on the same column) are on the lowered text. Same
-- indexes as the SQLite tree.

DROP INDEX contacts_last_name;
CREATE INDEX contacts_last_name ON contacts ((lower(last_name)) COLLATE "C" NULLS FIRST, id);
DROP INDEX companies_name;
CREATE INDEX companies_name ON companies ((lower(name)) COLLATE "C", id);
