//! Organisation-wide settings, each a JSON document under its key.

use crate::db::{Db, StoreError, Tx};
use crate::sql::versioned;
use crate::{on_pool, on_tx};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::types::Json;

/// A setting's value and version; `None` while it was never set.
pub async fn get(db: &Db, key: &str) -> Result<Option<(Value, i64)>, StoreError> {
    let row: Option<(Json<Value>, i64)> = on_pool!(db, |pool| {
        sqlx::query_as("SELECT value, version FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(pool)
            .await
    })?;
    Ok(row.map(|(value, version)| (value.0, version)))
}

/// Writes a setting, if it is still at `expected_version` (0: never set).
pub async fn put(
    tx: &mut Tx,
    key: &str,
    value: &Value,
    expected_version: i64,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let affected = on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO settings (key, value, version, updated_at) VALUES ($1, $2, 1, $3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = settings.version + 1,
                updated_at = excluded.updated_at
             WHERE settings.version = $4",
        )
        .bind(key)
        .bind(Json(value))
        .bind(at)
        .bind(expected_version)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    versioned(affected)
}
