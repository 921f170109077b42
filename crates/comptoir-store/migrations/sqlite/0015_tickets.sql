-- Customer service: tickets, numbered in their own series (`T-000123`). What is said on a
-- ticket is an activity linked to it, so it shows on the requester's and company's timelines
-- as well. What service reports read (first response, answers, reopenings, when it was
-- solved and closed) is kept on the ticket's row. Same columns as the other tree.

-- `seq` is the rowid the full-text index points at; it never leaves the database.
CREATE TABLE tickets (
    seq INTEGER PRIMARY KEY,
    id BLOB NOT NULL UNIQUE,
    number INTEGER NOT NULL UNIQUE,
    version INTEGER NOT NULL DEFAULT 1,
    subject TEXT NOT NULL,
    description TEXT,
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    channel TEXT NOT NULL,
    category TEXT,
    contact_id BLOB REFERENCES contacts(id) ON DELETE SET NULL,
    company_id BLOB REFERENCES companies(id) ON DELETE SET NULL,
    assignee_id BLOB REFERENCES users(id) ON DELETE SET NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    custom_fields TEXT NOT NULL DEFAULT '{}',
    search_text TEXT NOT NULL DEFAULT '',
    first_response_at TEXT,
    public_replies INTEGER NOT NULL DEFAULT 0,
    reopened INTEGER NOT NULL DEFAULT 0,
    solved_at TEXT,
    closed_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX tickets_created ON tickets(created_at, id);
CREATE INDEX tickets_updated ON tickets(updated_at, id);
CREATE INDEX tickets_subject ON tickets(lower(subject), id);
-- An agent's queue: their tickets in a status, oldest first.
CREATE INDEX tickets_queue ON tickets(assignee_id, status, created_at, id);
CREATE INDEX tickets_status ON tickets(status, created_at, id);
CREATE INDEX tickets_contact ON tickets(contact_id, created_at);
CREATE INDEX tickets_company ON tickets(company_id, created_at);

CREATE VIRTUAL TABLE tickets_fts USING fts5(
    search_text, content='tickets', content_rowid='seq',
    tokenize="unicode61 remove_diacritics 2", prefix='2 3'
);
CREATE TRIGGER tickets_fts_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO tickets_fts(rowid, search_text) VALUES (new.seq, new.search_text);
END;
CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets BEGIN
    INSERT INTO tickets_fts(tickets_fts, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
END;
CREATE TRIGGER tickets_fts_update AFTER UPDATE OF search_text ON tickets BEGIN
    INSERT INTO tickets_fts(tickets_fts, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
    INSERT INTO tickets_fts(rowid, search_text) VALUES (new.seq, new.search_text);
END;

-- A ticket's conversation: the activities linked to it.
ALTER TABLE activities ADD COLUMN ticket_id BLOB REFERENCES tickets(id) ON DELETE SET NULL;
CREATE INDEX activities_ticket ON activities(ticket_id, occurred_at, id);

ANALYZE tickets_created;
ANALYZE tickets_updated;
ANALYZE tickets_subject;
ANALYZE tickets_queue;
ANALYZE tickets_status;
ANALYZE tickets_contact;
ANALYZE tickets_company;
ANALYZE activities_ticket;
