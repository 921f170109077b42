//! Connecting, migrating and transactions, for either engine.

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A connection pool on one of the two engines.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A write transaction on one of the two engines.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("record not found")]
    NotFound,
    /// Someone else changed the record since it was read.
    #[error("the record was changed by someone else")]
    VersionConflict,
    /// A unique constraint refused the write; `column` names the column when the engine says.
    #[error("a record with this {column} already exists")]
    Duplicate { column: String },
    #[error("a referenced record does not exist")]
    MissingReference,
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
    /// The engine gave up on the write because of others at the same moment: a deadlock or a
    /// serialization failure (PostgreSQL), a lock held past the wait (SQLite). Trying again works.
    #[error("the database was busy with other writes: {0}")]
    Contention(sqlx::Error),
    #[error(transparent)]
    Database(sqlx::Error),
    #[error(transparent)]
    Migration(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db_error) = &error {
            match db_error.kind() {
                sqlx::error::ErrorKind::UniqueViolation => {
                    return StoreError::Duplicate { column: duplicate_column(db_error.as_ref()) };
                }
                sqlx::error::ErrorKind::ForeignKeyViolation => return StoreError::MissingReference,
                _ => {}
            }
            if is_contention(db_error.code().as_deref()) {
                return StoreError::Contention(error);
            }
        }
        StoreError::Database(error)
    }
}

/// PostgreSQL's serialization failure and deadlock (SQLSTATEs, always five characters),
/// SQLite's busy and locked (result codes, shorter numbers; extended codes keep the primary
/// code in the low byte).
fn is_contention(code: Option<&str>) -> bool {
    match code {
        Some("40001" | "40P01") => true,
        Some(code) if code.len() < 5 => code.parse::<u32>().is_ok_and(|code| matches!(code & 0xff, 5 | 6)),
        _ => false,
    }
}

impl StoreError {
    /// A stored value that the domain no longer accepts.
    pub(crate) fn corrupt(what: &str, value: &str) -> StoreError {
        StoreError::Corrupt(format!("{what} {value}"))
    }
}

/// Finds the column a unique violation is about: SQLite says "UNIQUE constraint failed:
/// users.email", PostgreSQL names its constraint `users_email_key`.
fn duplicate_column(error: &dyn sqlx::error::DatabaseError) -> String {
    let message = error.message();
    if let Some(rest) = message.strip_prefix("UNIQUE constraint failed: ") {
        let first = rest.split(',').next().unwrap_or(rest).trim();
        return first.rsplit('.').next().unwrap_or(first).to_owned();
    }
    if let Some(constraint) = error.constraint() {
        let table = error.table().unwrap_or_default();
        let column = constraint
            .strip_prefix(table)
            .unwrap_or(constraint)
            .trim_start_matches('_')
            .trim_end_matches("_key");
        return column.to_owned();
    }
    "value".to_owned()
}

/// Runs `$body` with `$pool` bound to the engine's pool. The body is compiled once per
/// engine, so one statement text serves both with their own types.
#[macro_export]
#[doc(hidden)]
macro_rules! on_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}

/// Like [`on_pool!`], with `$conn` the transaction's connection.
#[macro_export]
#[doc(hidden)]
macro_rules! on_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::Tx::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

pub const DEFAULT_SQLITE_PATH: &str = "comptoir-data/comptoir.db";

/// How many connections a SQLite database is served by: one writes at a time, the others read.
const SQLITE_CONNECTIONS: u32 = 4;

/// How long a SQLite statement waits for another connection's write to end.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// What opening a database may be told beyond where it is.
#[derive(Clone, Copy, Debug)]
pub struct DbOptions {
    /// SQLite's page cache, all connections together. Pages it does not hold come from the
    /// operating system's file cache, a copy away; a larger cache is faster for reads that
    /// come back to the same pages, and is the server's largest use of memory.
    pub sqlite_cache_mib: u32,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self { sqlite_cache_mib: 16 }
    }
}

impl Db {
    /// Opens `url` with the default [`DbOptions`].
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        Db::connect_with(url, DbOptions::default()).await
    }

    /// Opens `url`: `postgres://…`, `sqlite://path` or a bare file path. A SQLite file and its
    /// folder are created when missing, so the first run needs no set-up.
    pub async fn connect_with(url: &str, options: DbOptions) -> Result<Db, StoreError> {
        let cache_kib = i64::from(options.sqlite_cache_mib) * 1024 / i64::from(SQLITE_CONNECTIONS);
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .min_connections(1)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            return Ok(Db::Postgres(pool));
        }
        let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
        let path = path.split('?').next().unwrap_or(path);
        if let Some(parent) = Path::new(path).parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(SQLITE_BUSY_TIMEOUT)
            // Each connection keeps its own page cache; a negative size is in KiB.
            .pragma("cache_size", (-cache_kib.max(256)).to_string())
            .pragma("temp_store", "memory")
            // The log is copied into the database once it holds this many pages (64 MiB of 4 KiB
            // pages; SQLite's default is 1,000). A page written again before then is copied once:
            // an import of 200,000 contacts, whose index pages are written over and over, took
            // about a tenth less time than with the default.
            .pragma("wal_autocheckpoint", "16384");
        let pool = SqlitePoolOptions::new()
            .max_connections(SQLITE_CONNECTIONS)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Db::Sqlite(pool))
    }

    /// A single connection tuned for loading a lot at once: on SQLite, no fsync per commit
    /// (a crash mid-load loses the load, never the database's consistency), a large cache and
    /// sorting for index builds on two threads. Statements are not logged as slow: a load's are
    /// slow by nature.
    ///
    /// `alone` says nobody else uses the database during the load (a new database being
    /// filled). SQLite then loads through a rollback journal instead of the write-ahead log: a
    /// load larger than the cache would otherwise write every page twice (to the log, then into
    /// the database), while pages added at the end of the file need no journal at all. Others
    /// could not read while it writes, hence the question; [`Db::close_bulk_load`] returns to
    /// the log.
    pub async fn connect_for_bulk_load(url: &str, alone: bool) -> Result<Db, StoreError> {
        let db = Db::connect(url).await?;
        match db {
            Db::Sqlite(pool) => {
                let options = (*pool.connect_options())
                    .clone()
                    .synchronous(SqliteSynchronous::Off)
                    .pragma("cache_size", "-262144")
                    .pragma("threads", "2")
                    .disable_statement_logging();
                pool.close().await;
                // One connection for the whole load: a new one would turn the log back on.
                let pool = SqlitePoolOptions::new()
                    .max_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .connect_with(options)
                    .await?;
                if alone {
                    let mut conn = pool.acquire().await?;
                    // Leaving the log needs no transaction open anywhere: ask once, without
                    // waiting; if one is, the load goes through the log.
                    sqlx::query("PRAGMA busy_timeout = 0").execute(&mut *conn).await?;
                    if let Err(error) = sqlx::query("PRAGMA journal_mode = DELETE").execute(&mut *conn).await
                    {
                        tracing::debug!(%error, "loading through the write-ahead log");
                    }
                    let restore = format!("PRAGMA busy_timeout = {}", SQLITE_BUSY_TIMEOUT.as_millis());
                    sqlx::query(sqlx::AssertSqlSafe(restore)).execute(&mut *conn).await?;
                }
                Ok(Db::Sqlite(pool))
            }
            Db::Postgres(pool) => {
                let options = (*pool.connect_options())
                    .clone()
                    .options([("synchronous_commit", "off")])
                    .disable_statement_logging();
                pool.close().await;
                let pool = PgPoolOptions::new().max_connections(2).connect_with(options).await?;
                Ok(Db::Postgres(pool))
            }
        }
    }

    /// Closes a [`Db::connect_for_bulk_load`] connection, back in write-ahead-log mode.
    pub async fn close_bulk_load(self) -> Result<(), StoreError> {
        if let Db::Sqlite(pool) = &self {
            sqlx::query("PRAGMA journal_mode = WAL").execute(pool).await?;
        }
        self.close().await;
        Ok(())
    }

    /// Refreshes the planner's statistics and compacts search indexes after a bulk load.
    pub async fn optimize(&self) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(pool) => {
                sqlx::query("INSERT INTO contacts_fts(contacts_fts) VALUES ('optimize')")
                    .execute(pool)
                    .await?;
                sqlx::query("INSERT INTO companies_fts(companies_fts) VALUES ('optimize')")
                    .execute(pool)
                    .await?;
                sqlx::query("ANALYZE").execute(pool).await?;
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(pool).await?;
            }
            Db::Postgres(pool) => {
                sqlx::query("ANALYZE").execute(pool).await?;
            }
        }
        Ok(())
    }

    pub fn dialect(&self) -> Dialect {
        match self {
            Db::Sqlite(_) => Dialect::Sqlite,
            Db::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Begins a write transaction. SQLite's is `IMMEDIATE` so it takes the write lock up front
    /// and waits for it, instead of failing when a read inside it would have to be upgraded.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Answers whether the database accepts queries, for `/readyz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_pool!(self, |pool| sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// Every column of every table, for checks against the privacy registry.
    pub async fn columns(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows: Vec<(String, String)> = match self {
            Db::Sqlite(pool) => {
                sqlx::query_as(
                    "SELECT m.name, p.name FROM sqlite_schema m JOIN pragma_table_info(m.name) p
                     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'
                       AND m.name NOT LIKE '%_fts%'",
                )
                .fetch_all(pool)
                .await?
            }
            Db::Postgres(pool) => {
                sqlx::query_as(
                    "SELECT table_name::text, column_name::text FROM information_schema.columns
                     WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%'",
                )
                .fetch_all(pool)
                .await?
            }
        };
        Ok(rows)
    }

    /// Every column, by table, with a foreign key to `table`: what a merge of two of its
    /// records must move.
    pub async fn references_to(&self, table: &str) -> Result<Vec<(String, String)>, StoreError> {
        let rows: Vec<(String, String)> = match self {
            Db::Sqlite(pool) => {
                sqlx::query_as(
                    "SELECT m.name, f.\"from\" FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f
                     WHERE m.type = 'table' AND f.\"table\" = $1",
                )
                .bind(table)
                .fetch_all(pool)
                .await?
            }
            Db::Postgres(pool) => {
                sqlx::query_as(
                    "SELECT kcu.table_name::text, kcu.column_name::text
                     FROM information_schema.referential_constraints rc
                     JOIN information_schema.key_column_usage kcu
                       ON kcu.constraint_name = rc.constraint_name AND kcu.constraint_schema = rc.constraint_schema
                     JOIN information_schema.constraint_column_usage ccu
                       ON ccu.constraint_name = rc.unique_constraint_name
                      AND ccu.constraint_schema = rc.unique_constraint_schema
                     WHERE rc.constraint_schema = current_schema() AND ccu.table_name = $1",
                )
                .bind(table)
                .fetch_all(pool)
                .await?
            }
        };
        Ok(rows)
    }

    pub async fn close(&self) {
        on_pool!(self, |pool| pool.close().await);
    }
}

impl Tx {
    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    pub fn dialect(&self) -> Dialect {
        match self {
            Tx::Sqlite(_) => Dialect::Sqlite,
            Tx::Postgres(_) => Dialect::Postgres,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn journal_mode(db: &Db) -> String {
        let Db::Sqlite(pool) = db else { unreachable!("a SQLite database") };
        sqlx::query_scalar("PRAGMA journal_mode").fetch_one(pool).await.expect("the journal mode")
    }

    #[tokio::test]
    async fn a_load_leaves_the_write_ahead_log_only_when_alone_and_returns_to_it() {
        let folder = tempfile::tempdir().expect("a folder");
        let url = folder.path().join("c.db").to_string_lossy().into_owned();

        let load = Db::connect_for_bulk_load(&url, true).await.expect("a load");
        assert_eq!(journal_mode(&load).await, "delete");
        load.close_bulk_load().await.expect("closed");
        let ordinary = Db::connect(&url).await.expect("an open");
        assert_eq!(journal_mode(&ordinary).await, "wal");

        // Not alone: the load goes through the log, so others keep reading.
        let load = Db::connect_for_bulk_load(&url, false).await.expect("a load beside a server");
        assert_eq!(journal_mode(&load).await, "wal");
        load.close_bulk_load().await.expect("closed");
        assert_eq!(journal_mode(&ordinary).await, "wal");
        ordinary.close().await;
    }
}

#[cfg(test)]
mod contention_tests {
    use super::is_contention;

    #[test]
    fn deadlocks_serialization_failures_and_busy_locks_are_contention() {
        for code in ["40001", "40P01", "5", "6", "517", "262"] {
            assert!(is_contention(Some(code)), "{code}");
        }
        for code in ["23505", "25006", "2067", "1", "19"] {
            assert!(!is_contention(Some(code)), "{code}");
        }
        assert!(!is_contention(None));
    }
}
