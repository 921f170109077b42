-- PostgreSQL keeps detailed statistics of the words its search indexes (see the PostgreSQL
-- tree). SQLite's full-text index hands matches over itself, newest first, and needs nothing;
-- this file keeps both trees numbered alike.
SELECT 1;
