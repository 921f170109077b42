//! Saved list views and recently viewed records in the database.

use crate::db::{Db, StoreError};
use crate::on_pool;
use chrono::{DateTime, Utc};
use comptoir_domain::ids::{SavedViewId, UserId};
use comptoir_domain::kinds::RecordKind;
use comptoir_domain::views::{RecentView, SavedView};
use sqlx::FromRow;
use uuid::Uuid;

/// How many recently viewed records are kept per user.
const RECENT_KEPT: i64 = 50;

fn kind(value: &str) -> Result<RecordKind, StoreError> {
    RecordKind::parse(value).ok_or_else(|| StoreError::corrupt("record kind", value))
}

/// Notes that `user` opened a record at `at`, keeping only the latest few per user.
pub async fn record_view(
    db: &Db,
    user: UserId,
    record: RecordKind,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    on_pool!(db, |pool| {
        sqlx::query(
            "INSERT INTO recent_views (user_id, object_type, object_id, viewed_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, object_type, object_id) DO UPDATE SET viewed_at = excluded.viewed_at",
        )
        .bind(user.0)
        .bind(record.as_str())
        .bind(id)
        .bind(at)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    on_pool!(db, |pool| {
        sqlx::query(
            "DELETE FROM recent_views WHERE user_id = $1 AND viewed_at < (
                SELECT viewed_at FROM recent_views WHERE user_id = $1
                ORDER BY viewed_at DESC LIMIT 1 OFFSET $2)",
        )
        .bind(user.0)
        .bind(RECENT_KEPT)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

pub async fn recent(db: &Db, user: UserId, limit: i64) -> Result<Vec<RecentView>, StoreError> {
    let rows: Vec<(String, Uuid, DateTime<Utc>)> = on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT object_type, object_id, viewed_at FROM recent_views WHERE user_id = $1
             ORDER BY viewed_at DESC LIMIT $2",
        )
        .bind(user.0)
        .bind(limit)
        .fetch_all(pool)
        .await
    })?;
    rows.into_iter()
        .map(|(object_type, id, viewed_at)| Ok(RecentView { kind: kind(&object_type)?, id, viewed_at }))
        .collect()
}

#[derive(FromRow)]
struct SavedViewRow {
    id: Uuid,
    user_id: Uuid,
    object_type: String,
    name: String,
    query: String,
    created_at: DateTime<Utc>,
}

impl TryFrom<SavedViewRow> for SavedView {
    type Error = StoreError;
    fn try_from(row: SavedViewRow) -> Result<Self, StoreError> {
        Ok(SavedView {
            id: SavedViewId(row.id),
            user_id: UserId(row.user_id),
            kind: kind(&row.object_type)?,
            name: row.name,
            query: row.query,
            created_at: row.created_at,
        })
    }
}

pub async fn insert_saved(db: &Db, view: &SavedView) -> Result<(), StoreError> {
    on_pool!(db, |pool| {
        sqlx::query(
            "INSERT INTO saved_views (id, user_id, object_type, name, query, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(view.id.0)
        .bind(view.user_id.0)
        .bind(view.kind.as_str())
        .bind(&view.name)
        .bind(&view.query)
        .bind(view.created_at)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

pub async fn list_saved(db: &Db, user: UserId, record: RecordKind) -> Result<Vec<SavedView>, StoreError> {
    let rows: Vec<SavedViewRow> = on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT id, user_id, object_type, name, query, created_at FROM saved_views
             WHERE user_id = $1 AND object_type = $2 ORDER BY name",
        )
        .bind(user.0)
        .bind(record.as_str())
        .fetch_all(pool)
        .await
    })?;
    rows.into_iter().map(SavedView::try_from).collect()
}

/// Deletes a view if it belongs to `user`; `false` when there was none.
pub async fn delete_saved(db: &Db, user: UserId, id: SavedViewId) -> Result<bool, StoreError> {
    let affected = on_pool!(db, |pool| {
        sqlx::query("DELETE FROM saved_views WHERE id = $1 AND user_id = $2")
            .bind(id.0)
            .bind(user.0)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(affected > 0)
}
