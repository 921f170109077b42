-- The level of service a company is owed (Premium, Standard…), which service-level policies
-- name to promise its tickets more, or less.
ALTER TABLE companies ADD COLUMN service_tier TEXT;
