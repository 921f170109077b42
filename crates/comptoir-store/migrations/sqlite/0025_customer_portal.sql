-- The customer portal. A contact signs in with a link mailed to their primary address: the
-- link works once, for a short while, and is kept only as a hash; following it opens a session
-- of the portal's own, which knows only that contact. Both go with the contact.

CREATE TABLE portal_links (
    token_hash BLOB PRIMARY KEY,
    contact_id BLOB NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);

-- How many links a contact was sent lately, and which expired links to forget.
CREATE INDEX portal_links_contact ON portal_links (contact_id, created_at);
CREATE INDEX portal_links_expiry ON portal_links (expires_at);

CREATE TABLE portal_sessions (
    id_hash BLOB PRIMARY KEY,
    contact_id BLOB NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE INDEX portal_sessions_contact ON portal_sessions (contact_id);
CREATE INDEX portal_sessions_expiry ON portal_sessions (expires_at);
