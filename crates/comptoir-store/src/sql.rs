//! Statements assembled at run time (filters, sort orders, cursors, multi-row inserts, updates)
//! from fixed fragments and bound values. Fragments are `&'static str`, so nothing a client
//! sends can become SQL text.

use crate::Dialect;
use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq)]
pub enum Bind {
    Uuid(Uuid),
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Time(DateTime<Utc>),
    Json(Value),
    /// Nullable values keep their type, which PostgreSQL needs to accept a NULL parameter.
    OptUuid(Option<Uuid>),
    OptText(Option<String>),
    OptInt(Option<i64>),
    OptTime(Option<DateTime<Utc>>),
    OptJson(Option<Value>),
}

/// Marks a placeholder in the text until the engine is known; no SQL fragment contains it.
const PLACEHOLDER: char = '\u{0}';

#[derive(Clone, Debug, Default)]
pub struct Sql {
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    pub fn new(fragment: &'static str) -> Self {
        Self { text: fragment.to_owned(), binds: Vec::new() }
    }

    pub fn push(&mut self, fragment: &'static str) -> &mut Self {
        self.text.push_str(fragment);
        self
    }

    /// Appends a placeholder for `value`; [`Sql::into_parts`] writes it for the engine.
    pub fn bind(&mut self, value: Bind) -> &mut Self {
        self.binds.push(value);
        self.text.push(PLACEHOLDER);
        self
    }

    /// Appends `(…), (…)` with one placeholder per value, for a multi-row `INSERT … VALUES`.
    pub fn values<I>(&mut self, rows: I) -> &mut Self
    where
        I: IntoIterator,
        I::Item: IntoIterator<Item = Bind>,
    {
        for (r, row) in rows.into_iter().enumerate() {
            self.push(if r == 0 { "(" } else { ", (" });
            for (c, value) in row.into_iter().enumerate() {
                if c > 0 {
                    self.push(", ");
                }
                self.bind(value);
            }
            self.push(")");
        }
        self
    }

    /// The statement with `$n` placeholders, as PostgreSQL reads it.
    pub fn text(&self) -> String {
        self.render(Dialect::Postgres)
    }

    /// The statement for `dialect` and its values in order. SQLite gets anonymous `?`: it looks
    /// numbered parameters up by a linear scan, which makes a many-row insert quadratic.
    pub fn into_parts(self, dialect: Dialect) -> (String, Vec<Bind>) {
        (self.render(dialect), self.binds)
    }

    fn render(&self, dialect: Dialect) -> String {
        let mut out = String::with_capacity(self.text.len() + self.binds.len() * 4);
        let mut n = 0;
        for c in self.text.chars() {
            if c != PLACEHOLDER {
                out.push(c);
                continue;
            }
            n += 1;
            match dialect {
                Dialect::Sqlite => out.push('?'),
                Dialect::Postgres => {
                    out.push('$');
                    out.push_str(&n.to_string());
                }
            }
        }
        out
    }
}

/// Runs an `INSERT` of many rows, split into statements small enough for either engine's
/// parameter limit.
pub async fn insert_rows<I>(tx: &mut crate::Tx, head: &'static str, rows: I) -> Result<(), crate::StoreError>
where
    I: IntoIterator,
    I::Item: IntoIterator<Item = Bind>,
{
    insert_rows_then(tx, head, "", rows).await
}

/// [`insert_rows`], each statement ending with `tail` (`ON CONFLICT … DO NOTHING`).
pub async fn insert_rows_then<I>(
    tx: &mut crate::Tx,
    head: &'static str,
    tail: &'static str,
    rows: I,
) -> Result<(), crate::StoreError>
where
    I: IntoIterator,
    I::Item: IntoIterator<Item = Bind>,
{
    // SQLite allows 32766 parameters, PostgreSQL 65535.
    let per_statement = (30_000 / column_count(head)).max(1);
    let dialect = tx.dialect();
    let mut rows = rows.into_iter().peekable();
    let mut assemble = move || {
        rows.peek()?;
        let mut sql = Sql::new(head);
        sql.push(" VALUES ");
        sql.values(rows.by_ref().take(per_statement));
        sql.push(tail);
        Some(sql.into_parts(dialect))
    };
    while let Some((text, binds)) = assemble() {
        // A statement of many rows is not kept prepared: one of a new length each time (an
        // import's batches) would fill every connection's cache with megabytes of them.
        crate::on_tx!(tx, |conn| {
            crate::bind_all!(sqlx::query(sqlx::AssertSqlSafe(text)).persistent(false), binds)
                .execute(&mut *conn)
                .await
                .map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// How many columns `INSERT INTO t (a, b, c)` names.
fn column_count(head: &str) -> usize {
    head.split_once('(').map_or(1, |(_, columns)| columns.matches(',').count() + 1)
}

/// Runs an assembled statement in `tx`; returns how many rows it changed.
async fn execute(tx: &mut crate::Tx, sql: Sql) -> Result<u64, crate::StoreError> {
    let (text, binds) = sql.into_parts(tx.dialect());
    execute_parts(tx, text, binds).await
}

async fn execute_parts(tx: &mut crate::Tx, text: String, binds: Vec<Bind>) -> Result<u64, crate::StoreError> {
    Ok(crate::on_tx!(tx, |conn| {
        crate::bind_all!(sqlx::query(sqlx::AssertSqlSafe(text)), binds)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
    })?)
}

/// Turns "no row matched `id` and `version`" into the conflict it means: someone else changed
/// or deleted the record since it was read.
pub fn versioned(affected: u64) -> Result<(), crate::StoreError> {
    if affected == 0 { Err(crate::StoreError::VersionConflict) } else { Ok(()) }
}

/// Overwrites a row's changeable columns if it is still at `expected_version`. `head` is
/// `UPDATE <table> SET (<columns>) = `; `values` match the columns.
pub async fn update_row(
    tx: &mut crate::Tx,
    head: &'static str,
    values: Vec<Bind>,
    id: Uuid,
    expected_version: i64,
) -> Result<(), crate::StoreError> {
    let mut sql = Sql::new(head);
    sql.values([values]);
    sql.push(" WHERE id = ").bind(Bind::Uuid(id)).push(" AND version = ").bind(Bind::Int(expected_version));
    versioned(execute(tx, sql).await?)
}

/// Deletes a row if it is still at `expected_version`. `statement` is
/// `DELETE FROM <table> WHERE id = $1 AND version = $2`.
pub async fn delete_row(
    tx: &mut crate::Tx,
    statement: &'static str,
    id: Uuid,
    expected_version: i64,
) -> Result<(), crate::StoreError> {
    let affected = crate::on_tx!(tx, |conn| {
        sqlx::query(statement)
            .bind(id)
            .bind(expected_version)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    versioned(affected)
}

/// A value stored in a JSON column.
pub fn json<T: serde::Serialize>(value: &T) -> Bind {
    Bind::Json(serde_json::to_value(value).unwrap_or(Value::Null))
}

/// Binds every value of a [`Sql`] to a query, whichever the engine.
#[macro_export]
#[doc(hidden)]
macro_rules! bind_all {
    ($query:expr, $binds:expr) => {{
        let mut query = $query;
        for value in $binds {
            query = match value {
                $crate::sql::Bind::Uuid(v) => query.bind(v),
                $crate::sql::Bind::Text(v) => query.bind(v),
                $crate::sql::Bind::Int(v) => query.bind(v),
                $crate::sql::Bind::Float(v) => query.bind(v),
                $crate::sql::Bind::Bool(v) => query.bind(v),
                $crate::sql::Bind::Time(v) => query.bind(v),
                $crate::sql::Bind::Json(v) => query.bind(sqlx::types::Json(v)),
                $crate::sql::Bind::OptUuid(v) => query.bind(v),
                $crate::sql::Bind::OptText(v) => query.bind(v),
                $crate::sql::Bind::OptInt(v) => query.bind(v),
                $crate::sql::Bind::OptTime(v) => query.bind(v),
                $crate::sql::Bind::OptJson(v) => query.bind(v.map(sqlx::types::Json)),
            };
        }
        query
    }};
}
