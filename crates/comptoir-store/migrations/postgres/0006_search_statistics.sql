-- PostgreSQL decides between walking the newest rows and reading a search's matches through
-- the full-text index from how many rows it expects the words to match. With the default
-- statistics it expects thousands for any prefix, even one that matches nothing, and walks
-- the whole table; detailed statistics of the indexed words let it tell rare from common.
ALTER TABLE contacts ALTER COLUMN search_tsv SET STATISTICS 1000;
ALTER TABLE companies ALTER COLUMN search_tsv SET STATISTICS 1000;
