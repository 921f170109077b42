//! Running a list statement. One case needs more than sending it: a search on PostgreSQL in
//! the default order (newest first).
//!
//! PostgreSQL cannot tell from its statistics how many rows a prefix query (`zzq:*`) matches,
//! so it guesses a few thousand and walks the primary key newest first, testing each row,
//! expecting a page of matches soon. For a common prefix that is the fastest plan (one page
//! read); for a prefix that matches nothing it reads the whole table (about a second at a
//! million contacts). So the rows a search matches are counted first, up to [`RARE_MATCHES`],
//! through the full-text index alone; when there are fewer, the list reads them through that
//! index and sorts them, which costs what the count did.

use crate::db::{Db, StoreError};
use crate::listing::SortPlan;
use crate::sql::Sql;
use crate::{bind_all, on_pool};
use sqlx::AssertSqlSafe;

/// Below this many matches, a search reads its matches through the full-text index and sorts
/// them; from it on, it walks the newest rows first.
pub const RARE_MATCHES: i64 = 200;

/// The rows of a built list statement.
pub async fn rows<R>(db: &Db, sql: Sql, plan: &SortPlan) -> Result<Vec<R>, StoreError>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + Send
        + Unpin,
{
    let (text, binds) = sql.into_parts(db.dialect());
    if let (Db::Postgres(pool), Some((probe, expression))) = (db, &plan.search_probe) {
        let mut tx = pool.begin().await?;
        // Index scans off leaves PostgreSQL only bitmap scans, which read the full-text index.
        sqlx::query("SET LOCAL enable_seqscan = off").execute(&mut *tx).await?;
        sqlx::query("SET LOCAL enable_indexscan = off").execute(&mut *tx).await?;
        let matches: i64 =
            sqlx::query_scalar(*probe).bind(expression).bind(RARE_MATCHES).fetch_one(&mut *tx).await?;
        if matches < RARE_MATCHES {
            let rows = bind_all!(sqlx::query_as(AssertSqlSafe(text)), binds).fetch_all(&mut *tx).await?;
            tx.commit().await?;
            return Ok(rows);
        }
        tx.commit().await?;
    }
    Ok(on_pool!(db, |pool| { bind_all!(sqlx::query_as(AssertSqlSafe(text)), binds).fetch_all(pool).await })?)
}
