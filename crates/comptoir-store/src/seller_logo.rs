//! The seller's logo in the database: one row at most.

use crate::db::{Db, StoreError, Tx};
use crate::{on_pool, on_tx};
use chrono::{DateTime, Utc};
use comptoir_domain::seller::Logo;

/// The logo, if one was set.
pub async fn get(db: &Db) -> Result<Option<Logo>, StoreError> {
    let row: Option<(String, Vec<u8>, String)> = on_pool!(db, |pool| {
        sqlx::query_as("SELECT content_type, content, sha256 FROM seller_logo WHERE id = 1")
            .fetch_optional(pool)
            .await
    })?;
    Ok(row.map(|(content_type, content, sha256)| Logo { content_type, content, sha256 }))
}

/// Whether a logo is set, its bytes left unread.
pub async fn is_set(db: &Db) -> Result<bool, StoreError> {
    let found: Option<i32> = on_pool!(db, |pool| {
        sqlx::query_scalar("SELECT id FROM seller_logo WHERE id = 1").fetch_optional(pool).await
    })?;
    Ok(found.is_some())
}

/// Sets the logo, in place of any earlier one.
pub async fn put(tx: &mut Tx, logo: &Logo, at: DateTime<Utc>) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO seller_logo (id, content_type, content, sha256, updated_at) VALUES (1, $1, $2, $3, $4)
             ON CONFLICT (id) DO UPDATE SET content_type = excluded.content_type, content = excluded.content,
                sha256 = excluded.sha256, updated_at = excluded.updated_at",
        )
        .bind(&logo.content_type)
        .bind(&logo.content)
        .bind(&logo.sha256)
        .bind(at)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Removes the logo; says whether there was one.
pub async fn delete(tx: &mut Tx) -> Result<bool, StoreError> {
    let removed = on_tx!(tx, |conn| {
        sqlx::query("DELETE FROM seller_logo WHERE id = 1")
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(removed > 0)
}
