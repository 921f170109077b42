//! The forecast's kept figures: every open deal by the day it should close and every won one by
//! the day it closed, added up per pipeline, owner and currency as deals change, and read back
//! month by month.

use crate::db::{Db, StoreError, Tx};
use crate::kept_figures::{Figures, moves};
use crate::sql::{Bind, Sql};
use crate::{on_pool, on_tx};
use chrono::NaiveDate;
use comptoir_domain::deals::{Deal, ForecastBy, ForecastMonth, ForecastScope};
use comptoir_domain::exchange_rates::RateBook;
use comptoir_domain::money::Currency;
use comptoir_domain::pipelines::Outcome;
use sqlx::FromRow;
use std::collections::HashMap;
use uuid::Uuid;

/// The row where a deal counts in the kept figures.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    status: &'static str,
    day: String,
    pipeline: Uuid,
    /// The nil id for a deal without an owner: every column of the key has a value.
    owner: Uuid,
    currency: String,
}

/// Where `deal` counts and what it adds there (the weighted amount in hundredths of the minor
/// unit); lost deals, and deals without an amount or a day, are not forecast.
fn counted(deal: &Deal) -> Option<(Key, Figures)> {
    let f = &deal.fields;
    let day = match f.status {
        Outcome::Open => f.expected_close_on?,
        Outcome::Won => deal.closed_at?.date_naive(),
        Outcome::Lost => return None,
    };
    let amount = f.amount?;
    let key = Key {
        status: f.status.as_str(),
        day: day.format("%Y-%m-%d").to_string(),
        pipeline: f.pipeline_id.0,
        owner: f.owner_id.map_or(Uuid::nil(), |o| o.0),
        currency: amount.currency.code().to_owned(),
    };
    let figures = Figures {
        deals: 1,
        amount: amount.minor_units,
        weighted: amount.minor_units * i64::from(f.probability),
    };
    Some((key, figures))
}

/// Moves a deal's figures from where `before` counted to where `after` does; `None` for a
/// deal not yet created, or deleted.
pub(crate) async fn follow(
    tx: &mut Tx,
    before: Option<&Deal>,
    after: Option<&Deal>,
) -> Result<(), StoreError> {
    for (key, figures) in moves(before.and_then(counted), after.and_then(counted)) {
        add(tx, &key, figures).await?;
    }
    Ok(())
}

/// Adds `figures` to the row of `key`; a row left with no deal goes.
async fn add(tx: &mut Tx, key: &Key, figures: Figures) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO deal_forecast_totals
                (status, day, pipeline_id, owner_id, currency, deals, amount_minor, weighted)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (status, day, pipeline_id, owner_id, currency) DO UPDATE SET
                deals = deal_forecast_totals.deals + excluded.deals,
                amount_minor = deal_forecast_totals.amount_minor + excluded.amount_minor,
                weighted = deal_forecast_totals.weighted + excluded.weighted",
        )
        .bind(key.status)
        .bind(&key.day)
        .bind(key.pipeline)
        .bind(key.owner)
        .bind(&key.currency)
        .bind(figures.deals)
        .bind(figures.amount)
        .bind(figures.weighted)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    if figures.takes_away() {
        on_tx!(tx, |conn| {
            sqlx::query(
                "DELETE FROM deal_forecast_totals WHERE status = $1 AND day = $2 AND pipeline_id = $3
                    AND owner_id = $4 AND currency = $5 AND deals = 0",
            )
            .bind(key.status)
            .bind(&key.day)
            .bind(key.pipeline)
            .bind(key.owner)
            .bind(&key.currency)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Counts every deal into the kept figures again, from the deals themselves (after a bulk
/// load, which writes deals without them).
pub(crate) async fn rebuild(db: &Db) -> Result<(), StoreError> {
    on_pool!(db, |pool| {
        let mut tx = pool.begin().await?;
        sqlx::query("DELETE FROM deal_forecast_totals").execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO deal_forecast_totals
                (status, day, pipeline_id, owner_id, currency, deals, amount_minor, weighted)
             SELECT status, CASE status WHEN 'won' THEN closed_on ELSE expected_close_on END AS day,
                pipeline_id, COALESCE(owner_id, $1) AS owner, currency, count(*),
                CAST(sum(amount_minor) AS BIGINT), CAST(sum(amount_minor * probability) AS BIGINT)
             FROM deals
             WHERE currency IS NOT NULL AND amount_minor IS NOT NULL
                AND ((status = 'open' AND expected_close_on IS NOT NULL)
                    OR (status = 'won' AND closed_on IS NOT NULL))
             GROUP BY status, day, pipeline_id, owner, currency",
        )
        .bind(Uuid::nil())
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    })?;
    Ok(())
}

/// The forecast of `scope`, month by month, in `currency`: won deals by the month they closed,
/// open ones by the month they should close, added up from the kept figures. Months without
/// deals are there, at zero.
///
/// Deals in another currency convert at the latest exchange rate published on or before the
/// day they closed or should close. Also returns how many deals of the period it leaves out
/// for want of such a rate.
pub async fn months(
    db: &Db,
    scope: &ForecastScope,
    currency: &str,
) -> Result<(Vec<ForecastMonth>, i64), StoreError> {
    let open = rows(db, scope, currency, Outcome::Open).await?;
    let won = rows(db, scope, currency, Outcome::Won).await?;
    let mut foreign: Vec<String> =
        open.iter().chain(&won).filter_map(|r| r.currency.clone()).filter(|c| c != currency).collect();
    foreign.sort_unstable();
    foreign.dedup();
    let book = RateBook::new(crate::exchange_rates::book_rates(db, &foreign, scope.from, scope.until).await?);
    let mut left_out = 0;
    let open = in_base_by_month(open, currency, &book, &mut left_out);
    let won = in_base_by_month(won, currency, &book, &mut left_out);
    let mut groups: Vec<Option<Uuid>> = open.iter().chain(&won).map(|r| r.grouped).collect();
    groups.sort_unstable();
    groups.dedup();
    if groups.is_empty() {
        groups.push(None);
    }
    let mut months = vec![];
    let mut month = scope.from;
    while month < scope.until {
        let key = month.format("%Y-%m").to_string();
        for group in &groups {
            let find =
                |rows: &[ForecastRow]| rows.iter().find(|r| r.month == key && r.grouped == *group).cloned();
            let open = find(&open).unwrap_or_default();
            let won = find(&won).unwrap_or_default();
            months.push(ForecastMonth {
                month: key.clone(),
                group_id: *group,
                won_deals: won.deals,
                committed: won.amount,
                open_deals: open.deals,
                weighted: won.amount + open.weighted.div_euclid(100),
                best_case: won.amount + open.amount,
            });
        }
        let Some(next) = month.checked_add_months(chrono::Months::new(1)) else { break };
        month = next;
    }
    Ok((months, left_out))
}

/// The rows in the base currency, one per month and group: those of another currency
/// converted day by day, or counted in `left_out` when no rate converts them.
fn in_base_by_month(
    rows: Vec<ForecastRow>,
    base: &str,
    book: &RateBook,
    left_out: &mut i64,
) -> Vec<ForecastRow> {
    let mut months: Vec<ForecastRow> = Vec::new();
    let mut at: HashMap<(String, Option<Uuid>), usize> = HashMap::new();
    for row in rows {
        let Some(code) = row.currency.as_deref() else { continue };
        let converted = if code == base {
            Some(row.clone())
        } else {
            let day = NaiveDate::parse_from_str(&row.month, "%Y-%m-%d").ok();
            let currency = Currency::parse(code).ok();
            day.zip(currency).and_then(|(day, currency)| {
                Some(ForecastRow {
                    month: row.month.get(..7)?.to_owned(),
                    amount: book.to_base(row.amount, currency, day)?,
                    weighted: book.to_base(row.weighted, currency, day)?,
                    ..row.clone()
                })
            })
        };
        let Some(converted) = converted else {
            *left_out += row.deals;
            continue;
        };
        match at.get(&(converted.month.clone(), converted.grouped)) {
            Some(&i) => {
                let month = &mut months[i];
                month.deals += converted.deals;
                month.amount += converted.amount;
                month.weighted += converted.weighted;
            }
            None => {
                at.insert((converted.month.clone(), converted.grouped), months.len());
                months.push(ForecastRow { currency: Some(base.to_owned()), ..converted });
            }
        }
    }
    months
}

/// One period (and group, and currency) of open or won deals: a month in the base currency,
/// a day in another (it converts at that day's rate).
#[derive(Clone, Debug, Default, FromRow)]
struct ForecastRow {
    month: String,
    grouped: Option<Uuid>,
    currency: Option<String>,
    deals: i64,
    amount: i64,
    /// Σ amount × probability, in hundredths of the minor unit.
    weighted: i64,
}

/// The kept rows of `status` in `scope`, each currency its own: by month in `base`, by day in
/// the others.
async fn rows(
    db: &Db,
    scope: &ForecastScope,
    base: &str,
    status: Outcome,
) -> Result<Vec<ForecastRow>, StoreError> {
    let group = match scope.by {
        None => "NULL",
        Some(ForecastBy::Owner) => "owner_id",
        Some(ForecastBy::Pipeline) => "pipeline_id",
    };
    let mut sql = Sql::new("SELECT CASE WHEN currency = ");
    sql.bind(Bind::Text(base.to_owned()));
    sql.push(" THEN substr(day, 1, 7) ELSE day END AS month, ").push(group).push(" AS grouped, currency");
    sql.push(
        ", CAST(sum(deals) AS BIGINT) AS deals, CAST(sum(amount_minor) AS BIGINT) AS amount,
         CAST(sum(",
    );
    // Won deals weigh their whole amount, whatever their probability said.
    sql.push(if status == Outcome::Open { "weighted" } else { "amount_minor * 100" });
    sql.push(") AS BIGINT) AS weighted FROM deal_forecast_totals WHERE status = ");
    sql.bind(Bind::Text(status.as_str().to_owned()));
    sql.push(" AND day >= ").bind(Bind::Text(scope.from.format("%Y-%m-%d").to_string()));
    sql.push(" AND day < ").bind(Bind::Text(scope.until.format("%Y-%m-%d").to_string()));
    if let Some(pipeline) = scope.pipeline {
        sql.push(" AND pipeline_id = ").bind(Bind::Uuid(pipeline.0));
    }
    if let Some(owner) = scope.owner {
        sql.push(" AND owner_id = ").bind(Bind::Uuid(owner.0));
    }
    sql.push(" GROUP BY month, grouped, currency");
    let (text, binds) = sql.into_parts(db.dialect());
    let mut rows = on_pool!(db, |pool| {
        crate::bind_all!(sqlx::query_as::<_, ForecastRow>(sqlx::AssertSqlSafe(text)), binds)
            .fetch_all(pool)
            .await
    })?;
    for row in &mut rows {
        // Deals without an owner are kept under the nil id; they show as nobody's.
        row.grouped = row.grouped.filter(|id| !id.is_nil());
    }
    Ok(rows)
}
