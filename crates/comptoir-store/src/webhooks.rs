//! Webhook subscriptions, and the outbox on its way out: events fanned out into deliveries,
//! deliveries claimed by whichever server sends them, attempts logged.

use crate::db::{Db, StoreError, Tx};
use crate::sql::{delete_row, versioned};
use crate::{on_pool, on_tx};
use chrono::{DateTime, Utc};
use comptoir_domain::ids::{DeliveryId, WebhookId};
use comptoir_domain::webhooks::{Delivery, DeliveryStatus, Webhook, WebhookSecret, subscribes_to};
use serde_json::Value;
use sqlx::FromRow;
use sqlx::types::Json;
use uuid::Uuid;

#[derive(FromRow)]
struct WebhookRow {
    id: Uuid,
    version: i64,
    url: String,
    event_types: Json<Vec<String>>,
    description: Option<String>,
    active: bool,
    disabled_reason: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<WebhookRow> for Webhook {
    fn from(row: WebhookRow) -> Self {
        Webhook {
            id: WebhookId(row.id),
            version: row.version,
            url: row.url,
            event_types: row.event_types.0,
            description: row.description,
            active: row.active,
            disabled_reason: row.disabled_reason,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

macro_rules! select_webhooks {
    () => {
        "SELECT id, version, url, event_types, description, active, disabled_reason, created_at, updated_at
         FROM webhooks"
    };
}

pub async fn insert(tx: &mut Tx, webhook: &Webhook, secret: &WebhookSecret) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO webhooks (id, version, url, secret, event_types, description, active, disabled_reason,
                created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(webhook.id.0)
        .bind(webhook.version)
        .bind(&webhook.url)
        .bind(secret.expose())
        .bind(Json(&webhook.event_types))
        .bind(&webhook.description)
        .bind(webhook.active)
        .bind(&webhook.disabled_reason)
        .bind(webhook.created_at)
        .bind(webhook.updated_at)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

pub async fn update(tx: &mut Tx, webhook: &Webhook, expected_version: i64) -> Result<(), StoreError> {
    let affected = on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE webhooks SET version = $2, url = $3, event_types = $4, description = $5, active = $6,
                disabled_reason = $7, updated_at = $8
             WHERE id = $1 AND version = $9",
        )
        .bind(webhook.id.0)
        .bind(webhook.version)
        .bind(&webhook.url)
        .bind(Json(&webhook.event_types))
        .bind(&webhook.description)
        .bind(webhook.active)
        .bind(&webhook.disabled_reason)
        .bind(webhook.updated_at)
        .bind(expected_version)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    versioned(affected)
}

pub async fn delete(tx: &mut Tx, id: WebhookId, expected_version: i64) -> Result<(), StoreError> {
    delete_row(tx, "DELETE FROM webhooks WHERE id = $1 AND version = $2", id.0, expected_version).await
}

pub async fn get(db: &Db, id: WebhookId) -> Result<Option<Webhook>, StoreError> {
    let row: Option<WebhookRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(select_webhooks!(), " WHERE id = $1")).bind(id.0).fetch_optional(pool).await
    })?;
    Ok(row.map(Webhook::from))
}

pub async fn list(db: &Db) -> Result<Vec<Webhook>, StoreError> {
    let rows: Vec<WebhookRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(select_webhooks!(), " ORDER BY created_at, id")).fetch_all(pool).await
    })?;
    Ok(rows.into_iter().map(Webhook::from).collect())
}

/// Stops deliveries to a webhook that failed them all, saying why.
pub async fn disable(db: &Db, id: WebhookId, reason: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
    on_pool!(db, |pool| {
        sqlx::query(
            "UPDATE webhooks SET active = FALSE, disabled_reason = $2, version = version + 1, updated_at = $3
             WHERE id = $1 AND active",
        )
        .bind(id.0)
        .bind(reason)
        .bind(at)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Turns up to `limit` events not yet dispatched, oldest first, into one pending delivery per
/// active webhook that wants each, and marks them dispatched; returns how many events. One
/// server fans out at a time (an advisory lock on PostgreSQL, the single writer on SQLite), so
/// deliveries about one record are created in the order its events happened.
pub async fn fan_out(db: &Db, limit: i64, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let mut tx = db.begin().await?;
    if let Tx::Postgres(pg) = &mut tx {
        let ours: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
            .bind(FAN_OUT_LOCK)
            .fetch_one(&mut **pg)
            .await?;
        if !ours {
            return Ok(0);
        }
    }
    let events: Vec<(Uuid, DateTime<Utc>, String, Uuid)> = on_tx!(&mut tx, |conn| {
        sqlx::query_as(
            "SELECT id, occurred_at, name, object_id FROM domain_events WHERE dispatched_at IS NULL
             ORDER BY occurred_at, id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&mut *conn)
        .await
    })?;
    if events.is_empty() {
        return Ok(0);
    }
    let subscribers: Vec<(Uuid, Json<Vec<String>>, DateTime<Utc>)> = on_tx!(&mut tx, |conn| {
        sqlx::query_as("SELECT id, event_types, created_at FROM webhooks WHERE active")
            .fetch_all(&mut *conn)
            .await
    })?;
    let mut deliveries = Vec::new();
    for (event_id, occurred_at, name, object_id) in &events {
        // A webhook receives what happens from its creation on, not the history before it.
        for (webhook_id, wanted, _) in subscribers.iter().filter(|(_, _, since)| since <= occurred_at) {
            if subscribes_to(&wanted.0, name) {
                deliveries.push((*webhook_id, *event_id, *occurred_at, *object_id));
            }
        }
    }
    // In lock order, as the recording of attempts does, so the two never wait on each other in
    // a circle; the sort is stable, so a record's deliveries keep their events' order.
    deliveries.sort_by_key(|(webhook_id, _, _, object_id)| line_key(*webhook_id, *object_id));
    for (webhook_id, event_id, occurred_at, object_id) in deliveries {
        insert_delivery(&mut tx, webhook_id, event_id, occurred_at, object_id, now).await?;
    }
    for (event_id, _, _, _) in &events {
        mark_dispatched(&mut tx, *event_id, now).await?;
    }
    tx.commit().await?;
    Ok(events.len())
}

/// The advisory lock key under which one PostgreSQL server at a time fans events out.
const FAN_OUT_LOCK: i64 = 0x636f_6d70_746f_6972;

/// A delivery of one event to one webhook, due at `now`; ready to send when no earlier
/// delivery about the same record to the same webhook is pending. Also used to send a test
/// event to one webhook alone.
pub async fn insert_delivery(
    tx: &mut Tx,
    webhook_id: Uuid,
    event_id: Uuid,
    event_occurred_at: DateTime<Utc>,
    object_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    lock_record_line(tx, webhook_id, object_id).await?;
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_occurred_at, object_id, status, ready,
                attempts, next_attempt_at, created_at)
             VALUES ($1, $2, $3, $4, $5, 'pending',
                NOT EXISTS (SELECT 1 FROM webhook_deliveries WHERE webhook_id = $2 AND object_id = $5
                    AND status = 'pending'),
                0, $6, $6)
             ON CONFLICT (webhook_id, event_id) DO NOTHING",
        )
        .bind(Uuid::now_v7())
        .bind(webhook_id)
        .bind(event_id)
        .bind(event_occurred_at)
        .bind(object_id)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Serialises, on PostgreSQL, the transactions that touch one record's line of deliveries to
/// one webhook: the one adding a delivery and the one ending the delivery before it must not
/// miss each other, or the new one would never be made ready. SQLite's writers already go one
/// at a time.
async fn lock_record_line(tx: &mut Tx, webhook_id: Uuid, object_id: Uuid) -> Result<(), StoreError> {
    if let Tx::Postgres(pg) = tx {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(line_key(webhook_id, object_id))
            .execute(&mut **pg)
            .await?;
    }
    Ok(())
}

/// The advisory lock key of one record's line of deliveries to one webhook. Transactions that
/// take several take them in ascending order.
fn line_key(webhook_id: Uuid, object_id: Uuid) -> i64 {
    let (w, _) = webhook_id.as_u64_pair();
    let (_, o) = object_id.as_u64_pair();
    i64::from_ne_bytes((w ^ o).to_ne_bytes())
}

/// Marks an event as dispatched: fanned out, or written for one webhook alone.
pub async fn mark_dispatched(tx: &mut Tx, event_id: Uuid, now: DateTime<Utc>) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query("UPDATE domain_events SET dispatched_at = $2 WHERE id = $1")
            .bind(event_id)
            .bind(now)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// The ready deliveries due at `$1` to active webhooks, soonest first, at most `$2`.
macro_rules! due_deliveries {
    () => {
        "SELECT d.id FROM webhook_deliveries d
         WHERE d.status = 'pending' AND d.ready AND d.next_attempt_at <= $1
           AND EXISTS (SELECT 1 FROM webhooks w WHERE w.id = d.webhook_id AND w.active)
         ORDER BY d.next_attempt_at
         LIMIT $2"
    };
}

/// What a claimed delivery's message is made of, for the deliveries `d` the query picks.
macro_rules! delivery_details {
    () => {
        "SELECT d.id, d.webhook_id, w.url, w.secret, d.attempts, e.id AS event_id, e.name AS event_type,
            e.object_type, e.object_id, e.actor_id, e.payload, e.occurred_at
         FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
         JOIN domain_events e ON e.id = d.event_id"
    };
}

/// A delivery claimed for sending, with what the message is made of.
#[derive(Debug, FromRow)]
pub struct DueDelivery {
    pub id: Uuid,
    pub webhook_id: Uuid,
    pub url: String,
    pub secret: String,
    pub attempts: i32,
    pub event_id: Uuid,
    pub event_type: String,
    pub object_type: String,
    pub object_id: Uuid,
    pub actor_id: Option<Uuid>,
    pub payload: Json<Value>,
    pub occurred_at: DateTime<Utc>,
}

/// Claims up to `limit` deliveries due at `now` by pushing their next attempt to `lease_until`:
/// a server that dies while sending leaves them to be claimed again then. Only a record's
/// oldest pending delivery is ever ready, so a receiver gets each record's events in order.
/// On PostgreSQL, `SKIP LOCKED` lets several servers claim side by side without sending
/// anything twice; on SQLite the claim is one write transaction.
pub async fn claim_due(
    db: &Db,
    limit: i64,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<Vec<DueDelivery>, StoreError> {
    match db {
        Db::Sqlite(pool) => {
            let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
            let due: Vec<DueDelivery> =
                sqlx::query_as(concat!(delivery_details!(), " WHERE d.id IN (", due_deliveries!(), ")"))
                    .bind(now)
                    .bind(limit)
                    .fetch_all(&mut *tx)
                    .await?;
            for delivery in &due {
                sqlx::query("UPDATE webhook_deliveries SET next_attempt_at = $2 WHERE id = $1")
                    .bind(delivery.id)
                    .bind(lease_until)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(due)
        }
        Db::Postgres(pool) => Ok(sqlx::query_as(concat!(
            "WITH due AS (",
            due_deliveries!(),
            " FOR UPDATE SKIP LOCKED),
             claimed AS (UPDATE webhook_deliveries SET next_attempt_at = $3 FROM due
                 WHERE webhook_deliveries.id = due.id RETURNING webhook_deliveries.id) ",
            delivery_details!(),
            " WHERE d.id IN (SELECT id FROM claimed)"
        ))
        .bind(now)
        .bind(limit)
        .bind(lease_until)
        .fetch_all(pool)
        .await?),
    }
}

/// What one attempt gave, for the delivery it was made for.
#[derive(Debug)]
pub struct Attempt {
    pub delivery_id: Uuid,
    pub webhook_id: Uuid,
    pub object_id: Uuid,
    pub at: DateTime<Utc>,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub latency_ms: i32,
    /// Where the delivery goes next: delivered, retried at a time, or given up.
    pub outcome: AttemptOutcome,
}

#[derive(Clone, Copy, Debug)]
pub enum AttemptOutcome {
    Delivered,
    RetryAt(DateTime<Utc>),
    GivenUp,
}

/// Records attempts, all in one transaction: sends that end together cost one commit. A
/// delivery that ends (delivered or given up) makes the next pending one about its record
/// ready, in the same transaction.
pub async fn record_attempts(db: &Db, attempts: &mut [Attempt]) -> Result<(), StoreError> {
    attempts.sort_by_key(|a| line_key(a.webhook_id, a.object_id));
    let mut tx = db.begin().await?;
    for attempt in attempts.iter() {
        let (status, next) = match attempt.outcome {
            AttemptOutcome::Delivered => (DeliveryStatus::Delivered, None),
            AttemptOutcome::RetryAt(at) => (DeliveryStatus::Pending, Some(at)),
            AttemptOutcome::GivenUp => (DeliveryStatus::Failed, None),
        };
        let ended = status != DeliveryStatus::Pending;
        lock_record_line(&mut tx, attempt.webhook_id, attempt.object_id).await?;
        on_tx!(&mut tx, |conn| {
            sqlx::query(
                "UPDATE webhook_deliveries SET status = $2, attempts = attempts + 1, next_attempt_at = $3,
                    last_attempt_at = $4, last_status_code = $5, last_error = $6, last_latency_ms = $7,
                    ready = $8
                 WHERE id = $1",
            )
            .bind(attempt.delivery_id)
            .bind(status.as_str())
            .bind(next)
            .bind(attempt.at)
            .bind(attempt.status_code)
            .bind(attempt.error.as_deref())
            .bind(attempt.latency_ms)
            .bind(!ended)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
        })?;
        if ended {
            on_tx!(&mut tx, |conn| {
                sqlx::query(
                    "UPDATE webhook_deliveries SET ready = TRUE WHERE id = (
                         SELECT id FROM webhook_deliveries
                         WHERE webhook_id = $1 AND object_id = $2 AND status = 'pending' AND NOT ready
                         ORDER BY event_occurred_at, event_id LIMIT 1)",
                )
                .bind(attempt.webhook_id)
                .bind(attempt.object_id)
                .execute(&mut *conn)
                .await
                .map(|r| r.rows_affected())
            })?;
        }
    }
    tx.commit().await?;
    Ok(())
}

#[derive(FromRow)]
struct DeliveryRow {
    id: Uuid,
    webhook_id: Uuid,
    event_id: Uuid,
    event_type: String,
    status: String,
    attempts: i32,
    next_attempt_at: Option<DateTime<Utc>>,
    last_attempt_at: Option<DateTime<Utc>>,
    last_status_code: Option<i32>,
    last_error: Option<String>,
    last_latency_ms: Option<i32>,
    created_at: DateTime<Utc>,
}

/// A webhook's deliveries, newest first.
pub async fn deliveries(db: &Db, webhook: WebhookId, limit: i64) -> Result<Vec<Delivery>, StoreError> {
    let rows: Vec<DeliveryRow> = on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT d.id, d.webhook_id, d.event_id, COALESCE(e.name, '') AS event_type, d.status, d.attempts,
                d.next_attempt_at, d.last_attempt_at, d.last_status_code, d.last_error, d.last_latency_ms,
                d.created_at
             FROM webhook_deliveries d LEFT JOIN domain_events e ON e.id = d.event_id
             WHERE d.webhook_id = $1 ORDER BY d.created_at DESC, d.id DESC LIMIT $2",
        )
        .bind(webhook.0)
        .bind(limit)
        .fetch_all(pool)
        .await
    })?;
    rows.into_iter()
        .map(|row| {
            Ok(Delivery {
                id: DeliveryId(row.id),
                webhook_id: WebhookId(row.webhook_id),
                event_id: row.event_id,
                event_type: row.event_type,
                status: DeliveryStatus::parse(&row.status)
                    .ok_or_else(|| StoreError::corrupt("delivery status", &row.status))?,
                attempts: row.attempts,
                next_attempt_at: row.next_attempt_at,
                last_attempt_at: row.last_attempt_at,
                last_status_code: row.last_status_code,
                last_error: row.last_error,
                last_latency_ms: row.last_latency_ms,
                created_at: row.created_at,
            })
        })
        .collect()
}

/// Forgets finished deliveries, and dispatched events none still waits for, from before
/// `before`; returns how many rows went.
pub async fn sweep(db: &Db, before: DateTime<Utc>) -> Result<u64, StoreError> {
    let deliveries = on_pool!(db, |pool| {
        sqlx::query("DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < $1")
            .bind(before)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    let events = on_pool!(db, |pool| {
        sqlx::query(
            "DELETE FROM domain_events WHERE dispatched_at < $1
             AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = domain_events.id)",
        )
        .bind(before)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(deliveries + events)
}
