//! Counting what a list matches without letting the count cost more than the list: a quick
//! count up to [`QUICK`] matches, then, within [`BUDGET`], up to [`COUNT_CAP`]. A count that
//! runs out of time says "more than 1,000"; a list nothing narrows says "about" the table's
//! estimated size, without counting past the first thousand.
//!
//! Reading one page of a list stops after 50 matches, however rare they are; counting them
//! has to read every match, and for a filter no index serves (`contains`) every row.

use crate::db::{Db, StoreError};
use crate::listing::{self, Catalog};
use crate::sql::{Bind, Sql};
use crate::{bind_all, on_pool};
use comptoir_domain::custom_fields::CustomFieldDefinition;
use comptoir_domain::listing::{COUNT_CAP, Count, ListQuery};
use comptoir_domain::validation::ValidationErrors;
use sqlx::AssertSqlSafe;
use std::time::{Duration, Instant};

/// Matches counted whatever it costs: a thousand index entries take about a millisecond.
pub const QUICK: u64 = 1_000;

/// How long the count past [`QUICK`] may take before it gives up.
pub const BUDGET: Duration = Duration::from_millis(10);

/// SQLite's code for a statement its progress handler interrupted.
const SQLITE_INTERRUPT: &str = "9";
/// PostgreSQL's code for a statement cancelled by `statement_timeout`.
const STATEMENT_TIMEOUT: &str = "57014";

/// How many records a list's `query` matches: `base` is `SELECT count(*) FROM (SELECT 1 FROM
/// <the list's rows> WHERE TRUE`, `table` the list's table, whose estimated size stands in for
/// a list nothing narrows.
pub async fn count_list(
    db: &Db,
    base: &'static str,
    catalog: &'static Catalog,
    query: &ListQuery,
    custom: &[CustomFieldDefinition],
    table: &'static str,
) -> Result<Result<Count, ValidationErrors>, StoreError> {
    let whole_table = (!query.narrows()).then_some(table);
    match listing::build_count(Sql::new(base), db.dialect(), catalog, query, custom) {
        Ok(sql) => Ok(Ok(count_matches(db, sql, whole_table).await?)),
        Err(errors) => Ok(Err(errors)),
    }
}

/// How many rows `base` (`SELECT count(*) FROM (SELECT 1 FROM … WHERE …`) matches.
/// `whole_table` names the table when nothing narrows the list: its estimated size then
/// stands in for a count past the cap.
pub async fn count_matches(
    db: &Db,
    base: Sql,
    whole_table: Option<&'static str>,
) -> Result<Count, StoreError> {
    count_matches_within(db, base, whole_table, BUDGET).await
}

/// [`count_matches`] with another time budget past [`QUICK`].
pub async fn count_matches_within(
    db: &Db,
    base: Sql,
    whole_table: Option<&'static str>,
    budget: Duration,
) -> Result<Count, StoreError> {
    if let Count::Exact(found) = count_quickly(db, base.clone()).await? {
        return Ok(Count::Exact(found));
    }
    let estimate = match whole_table {
        Some(table) => table_size(db, table).await?,
        None => None,
    };
    // A whole table larger than the cap: its estimated size says more than a count could.
    if let Some(about) = estimate.filter(|n| *n > COUNT_CAP) {
        return Ok(Count::About(about));
    }
    match count_to(db, base, COUNT_CAP, Some(budget)).await? {
        Some(found) => Ok(Count::capped(found, COUNT_CAP, estimate)),
        None => Ok(Count::MoreThan(QUICK)),
    }
}

/// Counts to [`QUICK`] only: for a figure shown beside many others (a tasks page's groups),
/// where "more than 1,000" says enough.
pub async fn count_quickly(db: &Db, base: Sql) -> Result<Count, StoreError> {
    match count_to(db, base, QUICK, None).await?.unwrap_or(QUICK + 1) {
        found if found <= QUICK => Ok(Count::Exact(found)),
        _ => Ok(Count::MoreThan(QUICK)),
    }
}

/// The count up to `cap + 1`, or `None` when it took longer than `budget`.
async fn count_to(
    db: &Db,
    mut sql: Sql,
    cap: u64,
    budget: Option<Duration>,
) -> Result<Option<u64>, StoreError> {
    sql.push(" LIMIT ").bind(Bind::Int(i64::try_from(cap).unwrap_or(i64::MAX).saturating_add(1)));
    sql.push(") AS matches");
    let (text, binds) = sql.into_parts(db.dialect());
    let counted: Result<i64, sqlx::Error> = match (db, budget) {
        (_, None) => {
            return Ok(Some(non_negative(on_pool!(db, |pool| {
                bind_all!(sqlx::query_scalar(AssertSqlSafe(text)), binds).fetch_one(pool).await
            })?)));
        }
        (Db::Sqlite(pool), Some(budget)) => {
            let mut conn = pool.acquire().await?;
            let deadline = Instant::now() + budget;
            // Checked every few thousand virtual machine steps: a few microseconds apart.
            conn.lock_handle().await?.set_progress_handler(5_000, move || Instant::now() < deadline);
            let counted =
                bind_all!(sqlx::query_scalar(AssertSqlSafe(text)), binds).fetch_one(&mut *conn).await;
            let removed = match conn.lock_handle().await {
                Ok(mut handle) => {
                    handle.remove_progress_handler();
                    true
                }
                Err(_) => false,
            };
            if !removed {
                // A connection that kept its handler would interrupt whatever it ran next: it
                // leaves the pool and closes.
                drop(conn.detach());
            }
            counted
        }
        (Db::Postgres(pool), Some(budget)) => {
            let mut tx = pool.begin().await?;
            let timeout = format!("SET LOCAL statement_timeout = {}", budget.as_millis().max(1));
            sqlx::query(AssertSqlSafe(timeout)).execute(&mut *tx).await?;
            // A cancelled statement leaves the transaction to roll back as it is dropped.
            let counted = bind_all!(sqlx::query_scalar(AssertSqlSafe(text)), binds).fetch_one(&mut *tx).await;
            if counted.is_ok() {
                tx.commit().await?;
            }
            counted
        }
    };
    match counted {
        Ok(found) => Ok(Some(non_negative(found))),
        Err(sqlx::Error::Database(error))
            if matches!(error.code().as_deref(), Some(SQLITE_INTERRUPT | STATEMENT_TIMEOUT)) =>
        {
            Ok(None)
        }
        Err(other) => Err(other.into()),
    }
}

fn non_negative(n: i64) -> u64 {
    u64::try_from(n).unwrap_or_default()
}

/// The engine's estimate of a table's rows, kept by `ANALYZE` (see `Db::optimize`) and, on
/// PostgreSQL, by autovacuum; `None` before the first.
async fn table_size(db: &Db, table: &'static str) -> Result<Option<u64>, StoreError> {
    let rows: Option<i64> = match db {
        Db::Sqlite(pool) => {
            // The first figure of an index's statistics is the table's row count.
            sqlx::query_scalar("SELECT CAST(stat AS INTEGER) FROM sqlite_stat1 WHERE tbl = $1 LIMIT 1")
                .bind(table)
                .fetch_optional(pool)
                .await
                .or_else(|error| match &error {
                    // No statistics table until the first ANALYZE.
                    sqlx::Error::Database(e) if e.message().contains("no such table") => Ok(None),
                    _ => Err(error),
                })?
        }
        Db::Postgres(pool) => {
            sqlx::query_scalar("SELECT CAST(reltuples AS BIGINT) FROM pg_class WHERE relname = $1")
                .bind(table)
                .fetch_optional(pool)
                .await?
        }
    };
    Ok(rows.and_then(|n| u64::try_from(n).ok()).filter(|n| *n > 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both engines with nothing in them: the counts below read generated rows, not tables.
    async fn engines() -> Vec<Db> {
        let sqlite = sqlx::SqlitePool::connect("sqlite::memory:").await.expect("an in-memory SQLite");
        let mut engines = vec![Db::Sqlite(sqlite)];
        match std::env::var("COMPTOIR_TEST_POSTGRES") {
            Ok(url) => engines.push(Db::Postgres(sqlx::PgPool::connect(&url).await.expect("PostgreSQL"))),
            Err(_) => {
                assert!(std::env::var_os("CI").is_none(), "CI runs every storage test on PostgreSQL too")
            }
        }
        engines
    }

    /// `rows` generated rows; past `fast`, each one slow to produce.
    fn generated(db: &Db, rows: u32, fast: u32) -> Sql {
        match db {
            Db::Sqlite(_) => {
                let mut sql = Sql::new(
                    "SELECT count(*) FROM (WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < ",
                );
                // SQLite has no sleep: past `fast`, each row computes a long string instead.
                sql.bind(Bind::Int(i64::from(rows))).push(") SELECT 1 FROM g WHERE i <= ");
                sql.bind(Bind::Int(i64::from(fast))).push(" OR length(hex(zeroblob(2000000 + i))) > 0");
                sql
            }
            Db::Postgres(_) => {
                let mut sql = Sql::new("SELECT count(*) FROM (SELECT 1 FROM generate_series(1, ");
                sql.bind(Bind::Int(i64::from(rows))).push(") AS g(i) WHERE i <= ");
                sql.bind(Bind::Int(i64::from(fast))).push(" OR pg_sleep(0.002) IS NOT NULL");
                sql
            }
        }
    }

    #[tokio::test]
    async fn a_count_is_exact_to_the_cap_when_it_can_afford_it_and_says_more_than_when_not() {
        for db in engines().await {
            assert_eq!(
                count_matches(&db, generated(&db, 700, 700), None).await.expect("a count"),
                Count::Exact(700)
            );
            let past_quick = generated(&db, 4_000, 4_000);
            assert_eq!(count_matches(&db, past_quick, None).await.expect("a count"), Count::Exact(4_000));
            let past_cap = generated(&db, 20_000, 20_000);
            let counted =
                count_matches_within(&db, past_cap, None, Duration::from_secs(5)).await.expect("a count");
            assert_eq!(counted, Count::MoreThan(COUNT_CAP));
            // Every row past the first 1,500 takes milliseconds: the count gives up in time.
            let started = Instant::now();
            let slow = count_matches(&db, generated(&db, 20_000, 1_500), None).await.expect("a count");
            assert_eq!(slow, Count::MoreThan(QUICK));
            assert!(started.elapsed() < Duration::from_secs(2), "gave up after {:?}", started.elapsed());
            assert_eq!(
                count_quickly(&db, generated(&db, 4_000, 4_000)).await.expect("a count"),
                Count::MoreThan(QUICK)
            );
            // The connection is usable again: no handler left behind to interrupt it.
            assert_eq!(
                count_matches(&db, generated(&db, 20, 20), None).await.expect("a count"),
                Count::Exact(20)
            );
        }
    }
}
