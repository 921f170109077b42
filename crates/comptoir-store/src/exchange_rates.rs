//! Dated exchange rates in the database: one row per currency and day.

use crate::db::{Db, StoreError, Tx};
use crate::sql::{Bind, Sql};
use crate::{bind_all, on_pool, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use comptoir_domain::exchange_rates::ExchangeRate;
use rust_decimal::Decimal;
use sqlx::AssertSqlSafe;

/// Rows per statement: four parameters each, well under either engine's limit.
const CHUNK: usize = 1000;

/// Sets each rate, in place of the one already kept for its currency and day; returns how many
/// were written.
pub async fn put_many(tx: &mut Tx, rates: &[ExchangeRate], at: DateTime<Utc>) -> Result<u64, StoreError> {
    let mut written = 0;
    for chunk in rates.chunks(CHUNK) {
        let mut sql =
            Sql::new("INSERT INTO exchange_rates (currency, on_date, per_base, updated_at) VALUES ");
        for (i, rate) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(").bind(Bind::Text(rate.currency.clone())).push(", ");
            sql.bind(Bind::Text(day_text(rate.on))).push(", ");
            sql.bind(Bind::Text(rate.per_base.normalize().to_string())).push(", ");
            sql.bind(Bind::Time(at)).push(")");
        }
        // A file may hold the same day twice; the last one read wins, as a second request would.
        sql.push(
            " ON CONFLICT (currency, on_date) DO UPDATE SET per_base = excluded.per_base,
              updated_at = excluded.updated_at",
        );
        let (text, binds) = sql.into_parts(tx.dialect());
        written += on_tx!(tx, |conn| {
            bind_all!(sqlx::query(AssertSqlSafe(text)), binds)
                .execute(&mut *conn)
                .await
                .map(|r| r.rows_affected())
        })?;
    }
    Ok(written)
}

/// The rates of `currency` (every currency when `None`) from `from` until before `until`,
/// newest first, at most `limit`.
pub async fn list(
    db: &Db,
    currency: Option<&str>,
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
    limit: i64,
) -> Result<Vec<ExchangeRate>, StoreError> {
    let mut sql = Sql::new("SELECT currency, on_date, per_base FROM exchange_rates WHERE TRUE");
    if let Some(currency) = currency {
        sql.push(" AND currency = ").bind(Bind::Text(currency.to_owned()));
    }
    if let Some(from) = from {
        sql.push(" AND on_date >= ").bind(Bind::Text(day_text(from)));
    }
    if let Some(until) = until {
        sql.push(" AND on_date < ").bind(Bind::Text(day_text(until)));
    }
    sql.push(" ORDER BY on_date DESC, currency LIMIT ").bind(Bind::Int(limit));
    fetch(db, sql).await
}

/// What converting amounts of `currencies` dated from `from` until before `until` needs: each
/// currency's rates in that span and the last one published before it.
pub async fn book_rates(
    db: &Db,
    currencies: &[String],
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<ExchangeRate>, StoreError> {
    let mut rates = Vec::new();
    for currency in currencies {
        let mut sql = Sql::new("SELECT currency, on_date, per_base FROM exchange_rates WHERE currency = ");
        sql.bind(Bind::Text(currency.clone())).push(" AND on_date < ").bind(Bind::Text(day_text(from)));
        sql.push(" ORDER BY on_date DESC LIMIT 1");
        rates.extend(fetch(db, sql).await?);
        rates.extend(list(db, Some(currency), Some(from), Some(until), i64::MAX).await?);
    }
    Ok(rates)
}

/// The latest rate of each currency, by currency.
pub async fn latest(db: &Db) -> Result<Vec<ExchangeRate>, StoreError> {
    // The primary key (currency, day) answers each currency's latest day.
    let sql = Sql::new(
        "SELECT r.currency, r.on_date, r.per_base FROM exchange_rates r
         JOIN (SELECT currency, max(on_date) AS on_date FROM exchange_rates GROUP BY currency) l
           ON l.currency = r.currency AND l.on_date = r.on_date
         ORDER BY r.currency",
    );
    fetch(db, sql).await
}

async fn fetch(db: &Db, sql: Sql) -> Result<Vec<ExchangeRate>, StoreError> {
    let (text, binds) = sql.into_parts(db.dialect());
    let rows: Vec<(String, String, String)> =
        on_pool!(db, |pool| { bind_all!(sqlx::query_as(AssertSqlSafe(text)), binds).fetch_all(pool).await })?;
    rows.into_iter()
        .map(|(currency, on, per_base)| {
            let on = NaiveDate::parse_from_str(&on, "%Y-%m-%d")
                .map_err(|e| StoreError::Corrupt(format!("exchange rate day {on}: {e}")))?;
            let per_base = per_base
                .parse::<Decimal>()
                .map_err(|e| StoreError::Corrupt(format!("exchange rate {per_base}: {e}")))?;
            Ok(ExchangeRate { currency, on, per_base })
        })
        .collect()
}

fn day_text(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}
