//! The audit log and the domain event outbox, written in the same transaction as the change
//! they describe so neither can exist without the other.

use crate::db::{Db, StoreError, Tx};
use crate::sql::{Bind, insert_rows};
use crate::{on_pool, on_tx};
use chrono::{DateTime, Utc};
use comptoir_domain::audit::{Action, AuditEntry, AuditFilter, DomainEvent};
use comptoir_domain::ids::{AuditId, OperationId, UserId};
use serde_json::{Map, Value};
use sqlx::FromRow;
use sqlx::types::Json;
use uuid::Uuid;

pub async fn record(tx: &mut Tx, entry: &AuditEntry) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO audit_log (id, occurred_at, actor_id, action, object_type, object_id, changes, operation_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(entry.id.0)
        .bind(entry.occurred_at)
        .bind(entry.actor_id.map(|a| a.0))
        .bind(entry.action.as_str())
        .bind(&entry.object_type)
        .bind(entry.object_id)
        .bind(Json(&entry.changes))
        .bind(entry.operation_id.map(|o| o.0))
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

pub async fn emit(tx: &mut Tx, event: &DomainEvent) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO domain_events (id, occurred_at, name, object_type, object_id, actor_id, payload)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(event.id)
        .bind(event.occurred_at)
        .bind(&event.name)
        .bind(&event.object_type)
        .bind(event.object_id)
        .bind(event.actor_id.map(|a| a.0))
        .bind(Json(&event.payload))
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Writes many entries in few statements (an import's batch).
pub async fn record_many(tx: &mut Tx, entries: Vec<AuditEntry>) -> Result<(), StoreError> {
    const HEAD: &str = "INSERT INTO audit_log (id, occurred_at, actor_id, action, object_type, object_id, changes, operation_id)";
    let rows: Vec<[Bind; 8]> = entries
        .into_iter()
        .map(|entry| {
            [
                Bind::Uuid(entry.id.0),
                Bind::Time(entry.occurred_at),
                Bind::OptUuid(entry.actor_id.map(|a| a.0)),
                Bind::Text(entry.action.as_str().to_owned()),
                Bind::Text(entry.object_type),
                Bind::Uuid(entry.object_id),
                Bind::Json(Value::Object(entry.changes)),
                Bind::OptUuid(entry.operation_id.map(|o| o.0)),
            ]
        })
        .collect();
    insert_rows(tx, HEAD, rows).await
}

/// Writes many events in few statements (an import's batch).
pub async fn emit_many(tx: &mut Tx, events: Vec<DomainEvent>) -> Result<(), StoreError> {
    const HEAD: &str =
        "INSERT INTO domain_events (id, occurred_at, name, object_type, object_id, actor_id, payload)";
    let rows: Vec<[Bind; 7]> = events
        .into_iter()
        .map(|event| {
            [
                Bind::Uuid(event.id),
                Bind::Time(event.occurred_at),
                Bind::Text(event.name),
                Bind::Text(event.object_type),
                Bind::Uuid(event.object_id),
                Bind::OptUuid(event.actor_id.map(|a| a.0)),
                Bind::Json(event.payload),
            ]
        })
        .collect();
    insert_rows(tx, HEAD, rows).await
}

/// Whether anything was recorded about an object after `entry`: whether it changed since.
pub async fn changed_since(
    db: &Db,
    object_type: &str,
    object_id: Uuid,
    entry: AuditId,
) -> Result<bool, StoreError> {
    let found: Option<i32> = on_pool!(db, |pool| {
        sqlx::query_scalar(
            "SELECT 1 FROM audit_log WHERE object_type = $1 AND object_id = $2 AND id > $3 LIMIT 1",
        )
        .bind(object_type)
        .bind(object_id)
        .bind(entry.0)
        .fetch_optional(pool)
        .await
    })?;
    Ok(found.is_some())
}

#[derive(FromRow)]
struct AuditRow {
    id: Uuid,
    occurred_at: DateTime<Utc>,
    actor_id: Option<Uuid>,
    action: String,
    object_type: String,
    object_id: Uuid,
    changes: Json<Map<String, Value>>,
    operation_id: Option<Uuid>,
}

/// The entries `filter` selects, newest first.
pub async fn list(db: &Db, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
    let rows: Vec<AuditRow> = on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT id, occurred_at, actor_id, action, object_type, object_id, changes, operation_id
             FROM audit_log
             WHERE ($1 IS NULL OR object_type = $1) AND ($2 IS NULL OR object_id = $2)
               AND ($3 IS NULL OR id < $3) AND ($5 IS NULL OR operation_id = $5)
             ORDER BY id DESC LIMIT $4",
        )
        .bind(filter.object_type.as_deref())
        .bind(filter.object_id)
        .bind(filter.before.map(|b| b.0))
        .bind(i64::from(filter.limit))
        .bind(filter.operation_id.map(|o| o.0))
        .fetch_all(pool)
        .await
    })?;
    rows.into_iter()
        .map(|row| {
            Ok(AuditEntry {
                id: AuditId(row.id),
                occurred_at: row.occurred_at,
                actor_id: row.actor_id.map(UserId),
                action: Action::parse(&row.action)
                    .ok_or_else(|| StoreError::Corrupt(format!("audit action {}", row.action)))?,
                object_type: row.object_type,
                object_id: row.object_id,
                operation_id: row.operation_id.map(OperationId),
                changes: row.changes.0,
            })
        })
        .collect()
}

/// The names of the events recorded for one object, oldest first.
pub async fn event_names(db: &Db, object_id: Uuid) -> Result<Vec<String>, StoreError> {
    Ok(on_pool!(db, |pool| {
        sqlx::query_scalar("SELECT name FROM domain_events WHERE object_id = $1 ORDER BY id")
            .bind(object_id)
            .fetch_all(pool)
            .await
    })?)
}
