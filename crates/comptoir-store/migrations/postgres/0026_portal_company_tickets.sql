-- A company may let its contacts see each other's tickets in the customer portal: a team
-- that shares one supplier follows its requests together. Off unless someone turns it on.
ALTER TABLE companies ADD COLUMN portal_shares_tickets BOOLEAN NOT NULL DEFAULT FALSE;
