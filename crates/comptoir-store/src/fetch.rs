//! Running a list statement. One case needs more than sending it: a search on PostgreSQL in
//! the default order (newest first).
//!
//! Whether PostgreSQL walks the primary key newest first, testing each row until a page of
//! matches is found (one page read for a common prefix), or reads the matches through the
//! full-text index and sorts them (for a rare one, or one that matches nothing, which the
//! walk would test every row for), depends on how many rows it expects the prefix to match:
//! the search columns keep detailed statistics for that (migration 0006). A prepared statement
//! may be given a generic plan that ignores the words searched, so a search is planned for
//! its own words every time.

use crate::db::{Db, StoreError};
use crate::listing::SortPlan;
use crate::sql::Sql;
use crate::{bind_all, on_pool};
use sqlx::AssertSqlSafe;

/// The rows of a built list statement.
pub async fn rows<R>(db: &Db, sql: Sql, plan: &SortPlan) -> Result<Vec<R>, StoreError>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + Send
        + Unpin,
{
    let (text, binds) = sql.into_parts(db.dialect());
    if let (Db::Postgres(pool), true) = (db, plan.planned_per_search) {
        let mut tx = pool.begin().await?;
        sqlx::query("SET LOCAL plan_cache_mode = force_custom_plan").execute(&mut *tx).await?;
        let rows = bind_all!(sqlx::query_as(AssertSqlSafe(text)), binds).fetch_all(&mut *tx).await?;
        tx.commit().await?;
        return Ok(rows);
    }
    Ok(on_pool!(db, |pool| { bind_all!(sqlx::query_as(AssertSqlSafe(text)), binds).fetch_all(pool).await })?)
}
