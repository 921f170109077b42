//! The mail outbox: messages written with what they tell, claimed by one server at a time,
//! and their fate (sent, waiting for another try, given up).

use crate::db::{Db, StoreError, Tx};
use crate::{on_pool, on_tx};
use chrono::{DateTime, Utc};
use comptoir_domain::ids::TicketId;
use comptoir_domain::mail::{OutboxEntry, OutgoingMail};
use sqlx::FromRow;
use uuid::Uuid;

/// Puts `mail` in the outbox, due at once.
pub async fn queue(tx: &mut Tx, mail: &OutgoingMail) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO mail_outbox (id, ticket_id, recipient, subject, text_body, html_body, reply_to,
                thread, status, attempts, next_attempt_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $9, $9)",
        )
        .bind(mail.id)
        .bind(mail.ticket_id.map(|t| t.0))
        .bind(&mail.recipient)
        .bind(&mail.subject)
        .bind(&mail.text_body)
        .bind(&mail.html_body)
        .bind(&mail.reply_to)
        .bind(&mail.thread)
        .bind(mail.created_at)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

#[derive(FromRow)]
struct MailRow {
    id: Uuid,
    ticket_id: Option<Uuid>,
    recipient: String,
    subject: String,
    text_body: String,
    html_body: String,
    reply_to: Option<String>,
    thread: Option<String>,
    created_at: DateTime<Utc>,
    attempts: i32,
}

/// A message claimed for sending, and how often it was tried before.
#[derive(Clone, Debug)]
pub struct DueMail {
    pub mail: OutgoingMail,
    pub attempts: i32,
}

impl From<MailRow> for DueMail {
    fn from(row: MailRow) -> DueMail {
        DueMail {
            mail: OutgoingMail {
                id: row.id,
                ticket_id: row.ticket_id.map(TicketId),
                recipient: row.recipient,
                subject: row.subject,
                text_body: row.text_body,
                html_body: row.html_body,
                reply_to: row.reply_to,
                thread: row.thread,
                created_at: row.created_at,
            },
            attempts: row.attempts,
        }
    }
}

macro_rules! mail_columns {
    () => {
        "SELECT id, ticket_id, recipient, subject, text_body, html_body, reply_to, thread, created_at, attempts
         FROM mail_outbox"
    };
}

macro_rules! due_mail {
    () => {
        "SELECT id FROM mail_outbox WHERE status = 'pending' AND next_attempt_at <= $1
         ORDER BY next_attempt_at LIMIT $2"
    };
}

/// Claims up to `limit` messages due at `now` by pushing their next try to `lease_until`: a
/// server that dies while sending leaves them to be claimed again then. On PostgreSQL,
/// `SKIP LOCKED` lets several servers claim side by side, each message by one; on SQLite the
/// claim is one write transaction.
pub async fn claim_due(
    db: &Db,
    limit: i64,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<Vec<DueMail>, StoreError> {
    let rows: Vec<MailRow> = match db {
        Db::Sqlite(pool) => {
            let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
            let due: Vec<MailRow> =
                sqlx::query_as(concat!(mail_columns!(), " WHERE id IN (", due_mail!(), ")"))
                    .bind(now)
                    .bind(limit)
                    .fetch_all(&mut *tx)
                    .await?;
            for row in &due {
                sqlx::query("UPDATE mail_outbox SET next_attempt_at = $2 WHERE id = $1")
                    .bind(row.id)
                    .bind(lease_until)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            due
        }
        Db::Postgres(pool) => {
            sqlx::query_as(concat!(
                "WITH due AS (",
                due_mail!(),
                " FOR UPDATE SKIP LOCKED),
                 claimed AS (UPDATE mail_outbox SET next_attempt_at = $3 FROM due
                     WHERE mail_outbox.id = due.id RETURNING mail_outbox.id) ",
                mail_columns!(),
                " WHERE id IN (SELECT id FROM claimed)"
            ))
            .bind(now)
            .bind(limit)
            .bind(lease_until)
            .fetch_all(pool)
            .await?
        }
    };
    Ok(rows.into_iter().map(DueMail::from).collect())
}

/// What one try to send a message gave.
#[derive(Clone, Debug)]
pub enum SendOutcome {
    Sent,
    /// Refused or unreachable: tried again at the time, or given up when there is none.
    Failed {
        error: String,
        retry_at: Option<DateTime<Utc>>,
    },
}

/// Records a try at `at`.
pub async fn record_try(
    db: &Db,
    id: Uuid,
    at: DateTime<Utc>,
    outcome: &SendOutcome,
) -> Result<(), StoreError> {
    let (status, next, error, sent_at) = match outcome {
        SendOutcome::Sent => ("sent", None, None, Some(at)),
        SendOutcome::Failed { error, retry_at: Some(retry) } => {
            ("pending", Some(*retry), Some(error.as_str()), None)
        }
        SendOutcome::Failed { error, retry_at: None } => ("failed", None, Some(error.as_str()), None),
    };
    on_pool!(db, |pool| {
        sqlx::query(
            "UPDATE mail_outbox SET status = $2, attempts = attempts + 1, next_attempt_at = $3, last_error = $4,
                sent_at = $5
             WHERE id = $1 AND status = 'pending'",
        )
        .bind(id)
        .bind(status)
        .bind(next)
        .bind(error)
        .bind(sent_at)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

#[derive(FromRow)]
struct EntryRow {
    id: Uuid,
    ticket_id: Option<Uuid>,
    recipient: String,
    subject: String,
    status: String,
    attempts: i32,
    next_attempt_at: Option<DateTime<Utc>>,
    last_error: Option<String>,
    created_at: DateTime<Utc>,
    sent_at: Option<DateTime<Utc>>,
}

/// The newest messages of the outbox, all of them or those about one ticket.
pub async fn recent(db: &Db, ticket: Option<TicketId>, limit: i64) -> Result<Vec<OutboxEntry>, StoreError> {
    const ALL: &str =
        "SELECT id, ticket_id, recipient, subject, status, attempts, next_attempt_at, last_error,
            created_at, sent_at
         FROM mail_outbox ORDER BY created_at DESC, id DESC LIMIT $1";
    const ABOUT_TICKET: &str = "SELECT id, ticket_id, recipient, subject, status, attempts, next_attempt_at,
            last_error, created_at, sent_at
         FROM mail_outbox WHERE ticket_id = $2 ORDER BY created_at DESC, id DESC LIMIT $1";
    let statement = if ticket.is_some() { ABOUT_TICKET } else { ALL };
    let rows: Vec<EntryRow> = on_pool!(db, |pool| {
        let query = sqlx::query_as(statement).bind(limit);
        match ticket {
            Some(ticket) => query.bind(ticket.0).fetch_all(pool).await,
            None => query.fetch_all(pool).await,
        }
    })?;
    Ok(rows
        .into_iter()
        .map(|r| OutboxEntry {
            id: r.id,
            ticket_id: r.ticket_id.map(TicketId),
            recipient: r.recipient,
            subject: r.subject,
            status: r.status,
            attempts: r.attempts,
            next_attempt_at: r.next_attempt_at,
            last_error: r.last_error,
            created_at: r.created_at,
            sent_at: r.sent_at,
        })
        .collect())
}
