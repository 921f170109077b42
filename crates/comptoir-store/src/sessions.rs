//! Browser sessions and failed sign-ins in the database.

use crate::db::{Db, StoreError, Tx};
use crate::{on_pool, on_tx};
use chrono::{DateTime, Utc};
use comptoir_domain::ids::UserId;
use comptoir_domain::sessions::Session;
use sqlx::FromRow;
use uuid::Uuid;

#[derive(FromRow)]
struct SessionRow {
    user_id: Uuid,
    csrf_token: String,
    remember: bool,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

impl From<SessionRow> for Session {
    fn from(row: SessionRow) -> Self {
        Session {
            user_id: UserId(row.user_id),
            csrf_token: row.csrf_token,
            remember: row.remember,
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            expires_at: row.expires_at,
        }
    }
}

pub async fn insert(db: &Db, id_hash: &[u8], session: &Session) -> Result<(), StoreError> {
    on_pool!(db, |pool| {
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, csrf_token, remember, created_at, last_seen_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id_hash)
        .bind(session.user_id.0)
        .bind(&session.csrf_token)
        .bind(session.remember)
        .bind(session.created_at)
        .bind(session.last_seen_at)
        .bind(session.expires_at)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// The session with this hash, if it has not expired at `now`.
pub async fn find(db: &Db, id_hash: &[u8], now: DateTime<Utc>) -> Result<Option<Session>, StoreError> {
    let row: Option<SessionRow> = on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT user_id, csrf_token, remember, created_at, last_seen_at, expires_at FROM sessions
             WHERE id_hash = $1 AND expires_at > $2",
        )
        .bind(id_hash)
        .bind(now)
        .fetch_optional(pool)
        .await
    })?;
    Ok(row.map(Session::from))
}

pub async fn touch(
    db: &Db,
    id_hash: &[u8],
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    on_pool!(db, |pool| {
        sqlx::query("UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE id_hash = $1")
            .bind(id_hash)
            .bind(last_seen_at)
            .bind(expires_at)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

pub async fn delete(db: &Db, id_hash: &[u8]) -> Result<(), StoreError> {
    on_pool!(db, |pool| {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Ends every session of a user, such as when they are deactivated or change password.
pub async fn delete_for_user(db: &Db, user_id: UserId) -> Result<u64, StoreError> {
    Ok(on_pool!(db, |pool| {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id.0)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?)
}

pub async fn delete_expired(db: &Db, now: DateTime<Utc>) -> Result<u64, StoreError> {
    Ok(on_pool!(db, |pool| {
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?)
}

/// Forgets failures last seen before `before` (and whose lock has ended by then), so guesses
/// at made-up addresses do not pile up.
pub async fn delete_old_failures(db: &Db, before: DateTime<Utc>) -> Result<u64, StoreError> {
    Ok(on_pool!(db, |pool| {
        sqlx::query(
            "DELETE FROM sign_in_failures WHERE last_failure_at < $1
             AND (locked_until IS NULL OR locked_until < $1)",
        )
        .bind(before)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?)
}

/// Consecutive failures for an address and until when it is locked, read inside `tx` and
/// held there: on PostgreSQL the upsert locks the row until `tx` ends, and SQLite's write
/// transaction already excludes every other writer. Attempts for one address are thereby
/// counted one after another, however many arrive at once.
pub async fn lock_failures(
    tx: &mut Tx,
    email: &str,
    at: DateTime<Utc>,
) -> Result<(i32, Option<DateTime<Utc>>), StoreError> {
    Ok(on_tx!(tx, |conn| {
        sqlx::query_as(
            "INSERT INTO sign_in_failures (email, failures, last_failure_at) VALUES ($1, 0, $2)
             ON CONFLICT (email) DO UPDATE SET last_failure_at = excluded.last_failure_at
             RETURNING failures, locked_until",
        )
        .bind(email)
        .bind(at)
        .fetch_one(&mut *conn)
        .await
    })?)
}

/// Sets the count read by [`lock_failures`] in the same transaction.
pub async fn set_failures(
    tx: &mut Tx,
    email: &str,
    failures: i32,
    locked_until: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query("UPDATE sign_in_failures SET failures = $2, locked_until = $3 WHERE email = $1")
            .bind(email)
            .bind(failures)
            .bind(locked_until)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Consecutive failures for an address, for tests and diagnostics.
pub async fn failures(db: &Db, email: &str) -> Result<i32, StoreError> {
    let count: Option<i32> = on_pool!(db, |pool| {
        sqlx::query_scalar("SELECT failures FROM sign_in_failures WHERE email = $1")
            .bind(email)
            .fetch_optional(pool)
            .await
    })?;
    Ok(count.unwrap_or(0))
}

pub async fn clear_failures(db: &Db, email: &str) -> Result<(), StoreError> {
    on_pool!(db, |pool| {
        sqlx::query("DELETE FROM sign_in_failures WHERE email = $1")
            .bind(email)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}
