-- Customer service: tickets, numbered in their own series (`T-000123`). What is said on a
-- ticket is an activity linked to it, so it shows on the requester's and company's timelines
-- as well. What service reports read (first response, answers, reopenings, when it was
-- solved and closed) is kept on the ticket's row. Same columns as the other tree.

CREATE TABLE tickets (
    id UUID PRIMARY KEY,
    number BIGINT NOT NULL UNIQUE,
    version BIGINT NOT NULL DEFAULT 1,
    subject TEXT NOT NULL,
    description TEXT,
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    channel TEXT NOT NULL,
    category TEXT,
    contact_id UUID REFERENCES contacts(id) ON DELETE SET NULL,
    company_id UUID REFERENCES companies(id) ON DELETE SET NULL,
    assignee_id UUID REFERENCES users(id) ON DELETE SET NULL,
    tags JSONB NOT NULL DEFAULT '[]',
    custom_fields JSONB NOT NULL DEFAULT '{}',
    search_text TEXT NOT NULL DEFAULT '',
    search_tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED,
    first_response_at TIMESTAMPTZ,
    public_replies BIGINT NOT NULL DEFAULT 0,
    reopened BIGINT NOT NULL DEFAULT 0,
    solved_at TIMESTAMPTZ,
    closed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX tickets_created ON tickets(created_at, id);
CREATE INDEX tickets_updated ON tickets(updated_at, id);
CREATE INDEX tickets_subject ON tickets((lower(subject)) COLLATE "C", id);
-- An agent's queue: their tickets in a status, oldest first.
CREATE INDEX tickets_queue ON tickets(assignee_id, status, created_at, id);
CREATE INDEX tickets_status ON tickets(status, created_at, id);
CREATE INDEX tickets_contact ON tickets(contact_id, created_at);
CREATE INDEX tickets_company ON tickets(company_id, created_at);
CREATE INDEX tickets_search ON tickets USING GIN (search_tsv);

-- A ticket's conversation: the activities linked to it.
ALTER TABLE activities ADD COLUMN ticket_id UUID REFERENCES tickets(id) ON DELETE SET NULL;
CREATE INDEX activities_ticket ON activities(ticket_id, occurred_at, id);
