//! What quotes and orders share in the database: their numbering, and reading their lines.

use crate::db::{StoreError, Tx};
use crate::on_tx;
use comptoir_domain::documents::Series;
use comptoir_domain::lines::{Line, Totals, totals};
use comptoir_domain::money::Currency;

/// Takes the next number of `series` in `year`. The counter's row stays locked until `tx`
/// ends (SQLite's write transactions are serial, PostgreSQL locks the row), so concurrent
/// documents queue for it, and a rolled-back one gives its number back.
pub async fn next_number(tx: &mut Tx, series: Series, year: i32) -> Result<String, StoreError> {
    let last = take_next(tx, series.as_str(), i64::from(year)).await?;
    Ok(series.number(year, last))
}

/// Takes the next ticket number: one series through the years, as customers quote it.
pub async fn next_ticket_number(tx: &mut Tx) -> Result<i64, StoreError> {
    take_next(tx, "ticket", 0).await
}

/// Moves the ticket series on to `last` at least, after tickets were written with their
/// numbers (a bulk load), so the next ticket takes the number after theirs.
pub async fn reserve_ticket_numbers(tx: &mut Tx, last: i64) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO document_numbers (series, year, last) VALUES ('ticket', 0, $1)
             ON CONFLICT (series, year) DO UPDATE SET last = CASE
                WHEN document_numbers.last < excluded.last THEN excluded.last ELSE document_numbers.last END",
        )
        .bind(last)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

async fn take_next(tx: &mut Tx, series: &str, year: i64) -> Result<i64, StoreError> {
    Ok(on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "INSERT INTO document_numbers (series, year, last) VALUES ($1, $2, 1)
             ON CONFLICT (series, year) DO UPDATE SET last = document_numbers.last + 1
             RETURNING last",
        )
        .bind(series)
        .bind(year)
        .fetch_one(&mut *conn)
        .await
    })?)
}

/// A document's currency, lines and totals, from its stored columns.
pub fn read_lines(code: &str, lines: Vec<Line>) -> Result<(Currency, Vec<Line>, Totals), StoreError> {
    let currency = Currency::parse(code).map_err(|_| StoreError::corrupt("currency", code))?;
    let totals = totals(&lines, currency).map_err(StoreError::Corrupt)?;
    Ok((currency, lines, totals))
}

/// A day stored as `YYYY-MM-DD`.
pub fn read_day(text: &str) -> Result<chrono::NaiveDate, StoreError> {
    text.parse().map_err(|_| StoreError::corrupt("day", text))
}

pub fn day(date: chrono::NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}
