//! Running a list statement. One case needs more than sending it: a search on PostgreSQL in
//! the default order, newest first.
//!
//! Such a search has two plans, each fast where the other is slow. Walking the newest rows and
//! testing each costs the rows read until a page of matches: one page for a common prefix,
//! the whole table (a second at a million contacts) for one that matches nothing. Reading the
//! matches through the full-text index and sorting them costs what the matches do: nothing for
//! words that match nothing, tens of milliseconds for a prefix that matches tens of thousands
//! of rows. PostgreSQL cannot tell which from its statistics (a phone prefix matches thousands
//! of words each seen once), so the walk goes first, given [`WALK_BUDGET`]; when it runs out,
//! the matches are few, and the index hands them over at once.

use crate::db::{Db, StoreError};
use crate::listing::{self, Catalog, Page, SortPlan};
use crate::sql::{Bind, Sql};
use crate::{bind_all, on_pool};
use comptoir_domain::custom_fields::CustomFieldDefinition;
use comptoir_domain::listing::ListQuery;
use comptoir_domain::validation::ValidationErrors;
use sqlx::postgres::PgPool;
use sqlx::{AssertSqlSafe, Postgres, Transaction};

/// How long a search may walk the newest rows before its matches are read through the
/// full-text index instead, in milliseconds.
pub const WALK_BUDGET: u32 = 40;

/// PostgreSQL's code for a statement cancelled by `statement_timeout`.
const STATEMENT_TIMEOUT: &str = "57014";

/// The rows of a built list statement.
pub async fn rows<R>(db: &Db, sql: Sql, plan: &SortPlan) -> Result<Vec<R>, StoreError>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + Send
        + Unpin,
{
    let (text, binds) = sql.into_parts(db.dialect());
    if let (Db::Postgres(pool), true) = (db, plan.search_newest_first) {
        // Parallel workers take longer to start than either plan takes to answer.
        let walking = [
            "SET LOCAL enable_bitmapscan = off".to_owned(),
            "SET LOCAL enable_seqscan = off".to_owned(),
            "SET LOCAL max_parallel_workers_per_gather = 0".to_owned(),
            format!("SET LOCAL statement_timeout = {WALK_BUDGET}"),
        ];
        match run_with(pool, &walking, &text, &binds).await {
            Err(sqlx::Error::Database(error)) if error.code().as_deref() == Some(STATEMENT_TIMEOUT) => {}
            other => return Ok(other?),
        }
        let through_index = [
            "SET LOCAL enable_indexscan = off".to_owned(),
            "SET LOCAL enable_seqscan = off".to_owned(),
            "SET LOCAL max_parallel_workers_per_gather = 0".to_owned(),
        ];
        return Ok(run_with(pool, &through_index, &text, &binds).await?);
    }
    Ok(on_pool!(db, |pool| { bind_all!(sqlx::query_as(AssertSqlSafe(text)), binds).fetch_all(pool).await })?)
}

/// Runs one statement in a transaction of its own under the planner `settings` given.
async fn run_with<R>(
    pool: &PgPool,
    settings: &[String],
    text: &str,
    binds: &[Bind],
) -> Result<Vec<R>, sqlx::Error>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    let mut tx: Transaction<'_, Postgres> = pool.begin().await?;
    for setting in settings {
        sqlx::query(AssertSqlSafe(setting.as_str())).execute(&mut *tx).await?;
    }
    // A failure drops the transaction, which rolls it back.
    let rows =
        bind_all!(sqlx::query_as(AssertSqlSafe(text)), binds.iter().cloned()).fetch_all(&mut *tx).await?;
    tx.commit().await?;
    Ok(rows)
}

/// Every row an assembled statement returns, on the pool.
pub async fn all<R>(db: &Db, sql: Sql) -> Result<Vec<R>, StoreError>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + Send
        + Unpin,
{
    let (text, binds) = sql.into_parts(db.dialect());
    Ok(on_pool!(db, |pool| { bind_all!(sqlx::query_as(AssertSqlSafe(text)), binds).fetch_all(pool).await })?)
}

/// A page of `catalog`'s records: `select` (`SELECT … WHERE TRUE`) narrowed, sorted and cut by
/// `query`, each row read into its record; a query the catalogue refuses is the inner error.
pub async fn page<R, T>(
    db: &Db,
    select: &'static str,
    catalog: &'static Catalog,
    query: &ListQuery,
    custom: &[CustomFieldDefinition],
) -> Result<Result<Page<T>, ValidationErrors>, StoreError>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + Send
        + Unpin,
    T: TryFrom<R, Error = StoreError> + serde::Serialize,
{
    let (sql, plan) = match listing::build(Sql::new(select), db.dialect(), catalog, query, custom) {
        Ok(built) => built,
        Err(errors) => return Ok(Err(errors)),
    };
    let rows: Vec<R> = rows(db, sql, &plan).await?;
    let records = rows.into_iter().map(T::try_from).collect::<Result<Vec<_>, _>>()?;
    Ok(Ok(listing::paginate(records, query.limit, &plan)))
}
