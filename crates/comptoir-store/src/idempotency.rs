//! Idempotency keys: a `POST` retried with the same key answers what the first one answered
//! and creates nothing twice. A key is claimed before the work starts, so two concurrent
//! retries cannot both do it.

use crate::db::{Db, StoreError};
use crate::on_pool;
use chrono::{DateTime, Utc};
use comptoir_domain::ids::UserId;

#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// The key is ours: do the work, then [`complete`] or [`release`].
    Claimed,
    /// Done before: replay this answer.
    Completed { request_hash: Vec<u8>, status: u16, body: String },
    /// Another request with this key is still running.
    InProgress { request_hash: Vec<u8> },
}

/// A claim left unfinished this long belongs to a request that died with its server; a retry
/// may take the key over.
pub const ABANDONED_AFTER: chrono::TimeDelta = chrono::TimeDelta::minutes(1);

pub async fn claim(
    db: &Db,
    actor: UserId,
    key: &str,
    request_hash: &[u8],
    now: DateTime<Utc>,
) -> Result<Claim, StoreError> {
    let inserted = on_pool!(db, |pool| {
        sqlx::query(
            "INSERT INTO idempotency_keys (actor_id, key, request_hash, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (actor_id, key) DO UPDATE SET request_hash = excluded.request_hash,
                 created_at = excluded.created_at
             WHERE idempotency_keys.status IS NULL AND idempotency_keys.created_at < $5",
        )
        .bind(actor.0)
        .bind(key)
        .bind(request_hash)
        .bind(now)
        .bind(now - ABANDONED_AFTER)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    if inserted == 1 {
        return Ok(Claim::Claimed);
    }
    let row: Option<(Vec<u8>, Option<i32>, Option<String>)> = on_pool!(db, |pool| {
        sqlx::query_as("SELECT request_hash, status, response_body FROM idempotency_keys WHERE actor_id = $1 AND key = $2")
            .bind(actor.0)
            .bind(key)
            .fetch_optional(pool)
            .await
    })?;
    Ok(match row {
        Some((request_hash, Some(status), Some(body))) => {
            Claim::Completed { request_hash, status: u16::try_from(status).unwrap_or(200), body }
        }
        Some((request_hash, _, _)) => Claim::InProgress { request_hash },
        // Released between our insert and our read: the caller may simply try again.
        None => Claim::InProgress { request_hash: request_hash.to_vec() },
    })
}

pub async fn complete(db: &Db, actor: UserId, key: &str, status: u16, body: &str) -> Result<(), StoreError> {
    on_pool!(db, |pool| {
        sqlx::query(
            "UPDATE idempotency_keys SET status = $3, response_body = $4 WHERE actor_id = $1 AND key = $2",
        )
        .bind(actor.0)
        .bind(key)
        .bind(i32::from(status))
        .bind(body)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Gives the key back after a failed attempt, so a corrected retry can use it.
pub async fn release(db: &Db, actor: UserId, key: &str) -> Result<(), StoreError> {
    on_pool!(db, |pool| {
        sqlx::query("DELETE FROM idempotency_keys WHERE actor_id = $1 AND key = $2 AND status IS NULL")
            .bind(actor.0)
            .bind(key)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
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
