-- Mail waiting to go out, and mail that went: written in the transaction of what it tells
-- (an answer to a ticket), so it is never lost, and sent by whichever server claims it first.

CREATE TABLE mail_outbox (
    id BLOB PRIMARY KEY,
    ticket_id BLOB REFERENCES tickets(id) ON DELETE SET NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    reply_to TEXT,
    thread TEXT,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
);

CREATE INDEX mail_outbox_due ON mail_outbox(next_attempt_at) WHERE status = 'pending';
CREATE INDEX mail_outbox_created ON mail_outbox(created_at);
CREATE INDEX mail_outbox_ticket ON mail_outbox(ticket_id);
