//! Idempotency keys: a `POST` retried with the same key answers what the first one answered
//! and creates nothing twice. A key is written with its answer in the creation's own
//! transaction, so a key is either done, with the answer to replay, or was never used: a
//! crash between the two cannot leave a record without its key.

use crate::db::{Db, StoreError, Tx};
use crate::{on_pool, on_tx};
use chrono::{DateTime, Utc};
use comptoir_domain::ids::UserId;

/// The answer a key was completed with.
#[derive(Debug, PartialEq, Eq)]
pub struct Completed {
    pub request_hash: Vec<u8>,
    pub status: u16,
    pub body: String,
}

/// The answer recorded for this key, if a request with it was completed.
pub async fn find(db: &Db, actor: UserId, key: &str) -> Result<Option<Completed>, StoreError> {
    let row: Option<(Vec<u8>, Option<i32>, Option<String>)> = on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT request_hash, status, response_body FROM idempotency_keys WHERE actor_id = $1 AND key = $2",
        )
        .bind(actor.0)
        .bind(key)
        .fetch_optional(pool)
        .await
    })?;
    Ok(match row {
        Some((request_hash, Some(status), Some(body))) => {
            Some(Completed { request_hash, status: u16::try_from(status).unwrap_or(200), body })
        }
        // A claim left unanswered by an earlier version of this server: nothing was done.
        _ => None,
    })
}

/// Records the key's answer inside the creation's transaction. `false` when another request
/// completed the same key first, in which case the caller's transaction must not commit.
/// On PostgreSQL a concurrent insert of the same key waits here for the other transaction,
/// then finds it done.
pub async fn complete(
    tx: &mut Tx,
    actor: UserId,
    key: &str,
    request_hash: &[u8],
    answer: (u16, &str),
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let (status, body) = answer;
    let written = on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO idempotency_keys (actor_id, key, request_hash, status, response_body, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (actor_id, key) DO UPDATE SET request_hash = excluded.request_hash,
                 status = excluded.status, response_body = excluded.response_body,
                 created_at = excluded.created_at
             WHERE idempotency_keys.status IS NULL",
        )
        .bind(actor.0)
        .bind(key)
        .bind(request_hash)
        .bind(i32::from(status))
        .bind(body)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(written == 1)
}

/// Forgets keys created before `before`; returns how many.
pub async fn expire(db: &Db, before: DateTime<Utc>) -> Result<u64, StoreError> {
    Ok(on_pool!(db, |pool| {
        sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(before)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?)
}
