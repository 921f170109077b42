//! Tickets' files in the database: their description read with the ticket, their bytes only
//! when one is downloaded.

use crate::db::{Db, StoreError, Tx};
use crate::{on_pool, on_tx};
use chrono::{DateTime, Utc};
use comptoir_domain::attachments::Attachment;
use comptoir_domain::ids::{AttachmentId, TicketId, UserId};
use sqlx::FromRow;
use uuid::Uuid;

macro_rules! described {
    () => {
        "SELECT id, ticket_id, file_name, content_type, size, sha256, from_requester, uploaded_by, created_at
         FROM ticket_attachments"
    };
}

#[derive(FromRow)]
struct AttachmentRow {
    id: Uuid,
    ticket_id: Uuid,
    file_name: String,
    content_type: String,
    size: i64,
    sha256: String,
    from_requester: bool,
    uploaded_by: Option<Uuid>,
    created_at: DateTime<Utc>,
}

impl From<AttachmentRow> for Attachment {
    fn from(row: AttachmentRow) -> Self {
        Attachment {
            id: AttachmentId(row.id),
            ticket_id: TicketId(row.ticket_id),
            file_name: row.file_name,
            content_type: row.content_type,
            size: row.size,
            sha256: row.sha256,
            from_requester: row.from_requester,
            uploaded_by: row.uploaded_by.map(UserId),
            created_at: row.created_at,
        }
    }
}

pub async fn insert(tx: &mut Tx, attachment: &Attachment, content: &[u8]) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO ticket_attachments (id, ticket_id, file_name, content_type, size, sha256,
                from_requester, uploaded_by, content, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(attachment.id.0)
        .bind(attachment.ticket_id.0)
        .bind(&attachment.file_name)
        .bind(&attachment.content_type)
        .bind(attachment.size)
        .bind(&attachment.sha256)
        .bind(attachment.from_requester)
        .bind(attachment.uploaded_by.map(|u| u.0))
        .bind(content)
        .bind(attachment.created_at)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// `ticket`'s files, oldest first.
pub async fn of_ticket(db: &Db, ticket: TicketId) -> Result<Vec<Attachment>, StoreError> {
    let rows: Vec<AttachmentRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(described!(), " WHERE ticket_id = $1 ORDER BY created_at, id"))
            .bind(ticket.0)
            .fetch_all(pool)
            .await
    })?;
    Ok(rows.into_iter().map(Attachment::from).collect())
}

/// How many files `ticket` has, counted in the transaction that adds one.
pub async fn count_of_ticket(tx: &mut Tx, ticket: TicketId) -> Result<i64, StoreError> {
    Ok(on_tx!(tx, |conn| {
        sqlx::query_scalar("SELECT count(*) FROM ticket_attachments WHERE ticket_id = $1")
            .bind(ticket.0)
            .fetch_one(&mut *conn)
            .await
    })?)
}

/// A file of `ticket` and its bytes; none when `id` is no file of that ticket.
pub async fn content(
    db: &Db,
    ticket: TicketId,
    id: AttachmentId,
) -> Result<Option<(Attachment, Vec<u8>)>, StoreError> {
    let described: Option<AttachmentRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(described!(), " WHERE id = $1 AND ticket_id = $2"))
            .bind(id.0)
            .bind(ticket.0)
            .fetch_optional(pool)
            .await
    })?;
    let Some(described) = described else { return Ok(None) };
    let bytes: Option<Vec<u8>> = on_pool!(db, |pool| {
        sqlx::query_scalar("SELECT content FROM ticket_attachments WHERE id = $1")
            .bind(id.0)
            .fetch_optional(pool)
            .await
    })?;
    Ok(bytes.map(|bytes| (Attachment::from(described), bytes)))
}

/// Deletes the file `id` of `ticket`, bytes and all, and returns what it was; none when `id`
/// is no file of that ticket.
pub async fn delete(
    tx: &mut Tx,
    ticket: TicketId,
    id: AttachmentId,
) -> Result<Option<Attachment>, StoreError> {
    let row: Option<AttachmentRow> = on_tx!(tx, |conn| {
        sqlx::query_as(
            "DELETE FROM ticket_attachments WHERE id = $1 AND ticket_id = $2
             RETURNING id, ticket_id, file_name, content_type, size, sha256, from_requester, uploaded_by, created_at",
        )
        .bind(id.0)
        .bind(ticket.0)
        .fetch_optional(&mut *conn)
        .await
    })?;
    Ok(row.map(Attachment::from))
}

/// Moves `from`'s files to `to`, the ticket it was merged into.
pub async fn move_to(tx: &mut Tx, from: TicketId, to: TicketId) -> Result<u64, StoreError> {
    Ok(on_tx!(tx, |conn| {
        sqlx::query("UPDATE ticket_attachments SET ticket_id = $2 WHERE ticket_id = $1")
            .bind(from.0)
            .bind(to.0)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
    })?)
}
