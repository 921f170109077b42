-- Files attached to a ticket, kept with it in the database (Comptoir has no other server):
-- they go with the ticket, and a user who leaves the team leaves their files behind. The
-- bytes sit in their own column, read only when the file is downloaded.

CREATE TABLE ticket_attachments (
    id UUID PRIMARY KEY,
    ticket_id UUID NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    from_requester BOOLEAN NOT NULL,
    uploaded_by UUID REFERENCES users(id) ON DELETE SET NULL,
    content BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX ticket_attachments_ticket ON ticket_attachments(ticket_id, created_at);
