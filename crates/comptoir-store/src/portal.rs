//! The customer portal's sign-in links and sessions, each found by the hash of its secret.

use crate::db::{Db, StoreError, Tx};
use crate::{on_pool, on_tx};
use chrono::{DateTime, Utc};
use comptoir_domain::ids::ContactId;
use comptoir_domain::portal::PortalSession;
use sqlx::FromRow;
use uuid::Uuid;

/// How many links `contact` was sent since `since`, read in the transaction that adds the next
/// one. Requests at the very same instant may each find room; the bound is against a flood,
/// which that does not make.
pub async fn links_since(tx: &mut Tx, contact: ContactId, since: DateTime<Utc>) -> Result<i64, StoreError> {
    Ok(on_tx!(tx, |conn| {
        sqlx::query_scalar("SELECT COUNT(*) FROM portal_links WHERE contact_id = $1 AND created_at >= $2")
            .bind(contact.0)
            .bind(since)
            .fetch_one(&mut *conn)
            .await
    })?)
}

pub async fn insert_link(
    tx: &mut Tx,
    token_hash: &[u8],
    contact: ContactId,
    at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO portal_links (token_hash, contact_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(contact.0)
        .bind(at)
        .bind(expires_at)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Uses up the link whose secret hashes to `token_hash`, if it is unused and unexpired at
/// `at`, and returns its contact: once, whoever else follows it at the same time.
pub async fn use_link(
    tx: &mut Tx,
    token_hash: &[u8],
    at: DateTime<Utc>,
) -> Result<Option<ContactId>, StoreError> {
    let contact: Option<Uuid> = on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "UPDATE portal_links SET used_at = $2
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
             RETURNING contact_id",
        )
        .bind(token_hash)
        .bind(at)
        .fetch_optional(&mut *conn)
        .await
    })?;
    Ok(contact.map(ContactId))
}

/// Whether the link whose secret hashes to `token_hash` would still sign in at `at`.
pub async fn link_usable(db: &Db, token_hash: &[u8], at: DateTime<Utc>) -> Result<bool, StoreError> {
    let found: Option<i32> = on_pool!(db, |pool| {
        sqlx::query_scalar(
            "SELECT 1 FROM portal_links WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(at)
        .fetch_optional(pool)
        .await
    })?;
    Ok(found.is_some())
}

pub async fn insert_session(tx: &mut Tx, id_hash: &[u8], session: &PortalSession) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO portal_sessions (id_hash, contact_id, csrf_token, created_at, last_seen_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id_hash)
        .bind(session.contact_id.0)
        .bind(&session.csrf_token)
        .bind(session.created_at)
        .bind(session.last_seen_at)
        .bind(session.expires_at)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

#[derive(FromRow)]
struct SessionRow {
    contact_id: Uuid,
    csrf_token: String,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

/// The session with this hash, if it has not expired at `at`.
pub async fn find_session(
    db: &Db,
    id_hash: &[u8],
    at: DateTime<Utc>,
) -> Result<Option<PortalSession>, StoreError> {
    let row: Option<SessionRow> = on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT contact_id, csrf_token, created_at, last_seen_at, expires_at FROM portal_sessions
             WHERE id_hash = $1 AND expires_at > $2",
        )
        .bind(id_hash)
        .bind(at)
        .fetch_optional(pool)
        .await
    })?;
    Ok(row.map(|row| PortalSession {
        contact_id: ContactId(row.contact_id),
        csrf_token: row.csrf_token,
        created_at: row.created_at,
        last_seen_at: row.last_seen_at,
        expires_at: row.expires_at,
    }))
}

pub async fn touch_session(
    db: &Db,
    id_hash: &[u8],
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    on_pool!(db, |pool| {
        sqlx::query("UPDATE portal_sessions SET last_seen_at = $2, expires_at = $3 WHERE id_hash = $1")
            .bind(id_hash)
            .bind(last_seen_at)
            .bind(expires_at)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

pub async fn delete_session(db: &Db, id_hash: &[u8]) -> Result<(), StoreError> {
    on_pool!(db, |pool| {
        sqlx::query("DELETE FROM portal_sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Forgets the sessions and links that no longer open anything at `at`.
pub async fn delete_expired(db: &Db, at: DateTime<Utc>) -> Result<u64, StoreError> {
    let sessions = on_pool!(db, |pool| {
        sqlx::query("DELETE FROM portal_sessions WHERE expires_at <= $1")
            .bind(at)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    let links = on_pool!(db, |pool| {
        sqlx::query("DELETE FROM portal_links WHERE expires_at <= $1")
            .bind(at)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(sessions + links)
}
