//! Imports in the database: one row each, moved on in the transaction of every batch.

use crate::db::{Db, StoreError, Tx};
use crate::{on_pool, on_tx};
use chrono::{DateTime, Utc};
use comptoir_domain::ids::{OperationId, UserId};
use comptoir_domain::imports::{Import, ImportCounts, ImportStatus, Lookalike, RowError, UndoReport};
use sqlx::FromRow;
use sqlx::types::Json;
use std::collections::BTreeMap;
use uuid::Uuid;

macro_rules! select_imports {
    () => {
        "SELECT id, kind, file_name, file_sha256, created_by, status, dry_run, mapping, rows_done, file_bytes,
            bytes_read, counts, errors, skip_lookalikes, lookalikes, undo, created_at, updated_at, finished_at
         FROM imports"
    };
}

#[derive(FromRow)]
struct ImportRow {
    id: Uuid,
    kind: String,
    file_name: String,
    file_sha256: String,
    created_by: Option<Uuid>,
    status: String,
    dry_run: bool,
    mapping: Json<BTreeMap<String, String>>,
    rows_done: i64,
    file_bytes: i64,
    bytes_read: i64,
    counts: Json<ImportCounts>,
    errors: Json<Vec<RowError>>,
    skip_lookalikes: bool,
    lookalikes: Json<Vec<Lookalike>>,
    undo: Option<Json<UndoReport>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
}

impl TryFrom<ImportRow> for Import {
    type Error = StoreError;
    fn try_from(row: ImportRow) -> Result<Self, StoreError> {
        Ok(Import {
            id: OperationId(row.id),
            kind: row.kind,
            file_name: row.file_name,
            file_sha256: row.file_sha256,
            created_by: row.created_by.map(UserId),
            status: ImportStatus::parse(&row.status)
                .ok_or_else(|| StoreError::Corrupt(format!("import status {}", row.status)))?,
            dry_run: row.dry_run,
            mapping: row.mapping.0,
            rows_done: u64::try_from(row.rows_done).unwrap_or_default(),
            file_bytes: u64::try_from(row.file_bytes).unwrap_or_default(),
            bytes_read: u64::try_from(row.bytes_read).unwrap_or_default(),
            counts: row.counts.0,
            errors: row.errors.0,
            skip_lookalikes: row.skip_lookalikes,
            lookalikes: row.lookalikes.0,
            undo: row.undo.map(|u| u.0),
            created_at: row.created_at,
            updated_at: row.updated_at,
            finished_at: row.finished_at,
        })
    }
}

pub async fn insert(db: &Db, import: &Import) -> Result<(), StoreError> {
    on_pool!(db, |pool| {
        sqlx::query(
            "INSERT INTO imports (id, kind, file_name, file_sha256, created_by, status, dry_run, mapping, rows_done,
                counts, errors, undo, created_at, updated_at, finished_at, file_bytes, bytes_read, skip_lookalikes,
                lookalikes)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
        )
        .bind(import.id.0)
        .bind(&import.kind)
        .bind(&import.file_name)
        .bind(&import.file_sha256)
        .bind(import.created_by.map(|u| u.0))
        .bind(import.status.as_str())
        .bind(import.dry_run)
        .bind(Json(&import.mapping))
        .bind(rows(import.rows_done))
        .bind(Json(&import.counts))
        .bind(Json(&import.errors))
        .bind(import.undo.as_ref().map(Json))
        .bind(import.created_at)
        .bind(import.updated_at)
        .bind(import.finished_at)
        .bind(rows(import.file_bytes))
        .bind(rows(import.bytes_read))
        .bind(import.skip_lookalikes)
        .bind(Json(&import.lookalikes))
        .execute(pool)
        .await
        .map(drop)
    })?;
    Ok(())
}

/// Writes where an import has got to, inside the transaction of the batch that got it there.
pub async fn save(tx: &mut Tx, import: &Import) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE imports SET status = $2, mapping = $3, rows_done = $4, counts = $5, errors = $6, undo = $7,
                updated_at = $8, finished_at = $9, bytes_read = $10, lookalikes = $11
             WHERE id = $1",
        )
        .bind(import.id.0)
        .bind(import.status.as_str())
        .bind(Json(&import.mapping))
        .bind(rows(import.rows_done))
        .bind(Json(&import.counts))
        .bind(Json(&import.errors))
        .bind(import.undo.as_ref().map(Json))
        .bind(import.updated_at)
        .bind(import.finished_at)
        .bind(rows(import.bytes_read))
        .bind(Json(&import.lookalikes))
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

pub async fn get(db: &Db, id: OperationId) -> Result<Option<Import>, StoreError> {
    let row: Option<ImportRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(select_imports!(), " WHERE id = $1")).bind(id.0).fetch_optional(pool).await
    })?;
    row.map(Import::try_from).transpose()
}

/// The latest imports, newest first, started before `before` if given.
pub async fn list(db: &Db, before: Option<DateTime<Utc>>, limit: u32) -> Result<Vec<Import>, StoreError> {
    let rows: Vec<ImportRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(
            select_imports!(),
            " WHERE ($1 IS NULL OR created_at < $1) ORDER BY created_at DESC, id DESC LIMIT $2"
        ))
        .bind(before)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await
    })?;
    rows.into_iter().map(Import::try_from).collect()
}

/// The last import of this file into this kind by this user that stopped before its end
/// without failing:
/// interrupted, or still said to run though nothing moved it since `stale_before`.
pub async fn unfinished(
    db: &Db,
    file_sha256: &str,
    kind: &str,
    created_by: UserId,
    stale_before: DateTime<Utc>,
) -> Result<Option<Import>, StoreError> {
    let row: Option<ImportRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(
            select_imports!(),
            " WHERE file_sha256 = $1 AND kind = $2 AND created_by = $4 AND NOT dry_run
                AND (status = 'interrupted' OR (status = 'running' AND updated_at < $3))
              ORDER BY created_at DESC LIMIT 1"
        ))
        .bind(file_sha256)
        .bind(kind)
        .bind(stale_before)
        .bind(created_by.0)
        .fetch_optional(pool)
        .await
    })?;
    row.map(Import::try_from).transpose()
}

/// A count as the databases store it.
fn rows(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}
