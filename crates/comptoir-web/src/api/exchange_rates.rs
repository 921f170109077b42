//! `/api/v1/exchange-rates`: the dated rates the forecast converts other currencies with.

use crate::error::{ApiError, Problem, bad_request};
use crate::extract::{Caller, JsonBody};
use crate::state::AppState;
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use comptoir_domain::exchange_rates::{ExchangeRate, ExchangeRateInput};
use serde::{Deserialize, Serialize};

pub fn router() -> Router<AppState> {
    Router::new().route("/exchange-rates", get(list).put(set)).route("/exchange-rates/ecb", post(import_ecb))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ExchangeRates {
    pub data: Vec<ExchangeRate>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatesInput {
    pub rates: Vec<ExchangeRateInput>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RatesWritten {
    /// Rates written, new or in place of the one kept for that currency and day.
    pub written: u64,
}

/// The rates kept, newest first: `currency` (one code), `from` and `until` (days,
/// `YYYY-MM-DD`, `until` excluded), `limit` (100 unless told, at most 1000). Every role reads
/// them.
#[utoipa::path(get, path = "/api/v1/exchange-rates", tag = "settings",
    params(("currency" = Option<String>, Query), ("from" = Option<String>, Query), ("until" = Option<String>, Query),
        ("limit" = Option<i64>, Query)),
    responses((status = 200, body = ExchangeRates), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(_actor): Caller,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let (mut currency, mut from, mut until, mut limit) = (None, None, None, None);
    let day = |name: &str, value: &str| {
        NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .map_err(|_| bad_request(name, "is not a day such as 2026-12-01"))
    };
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.as_deref().unwrap_or_default())
        .map_err(|_| bad_request("query", "is not a valid query string"))?;
    for (key, value) in pairs {
        match key.as_str() {
            "currency" => currency = Some(value),
            "from" => from = Some(day("from", &value)?),
            "until" => until = Some(day("until", &value)?),
            "limit" => {
                limit = Some(value.parse().map_err(|_| bad_request("limit", "must be between 1 and 1000"))?)
            }
            other => return Err(bad_request(other, "is not a parameter of this resource")),
        }
    }
    let data = state.app.exchange_rates(currency.as_deref(), from, until, limit).await?;
    Ok(Json(ExchangeRates { data }).into_response())
}

/// Set rates (admins only): `{"rates": [{"currency": "USD", "on": "2026-11-27", "per_base":
/// "1.0567"}]}`, units of the currency for one euro; each replaces the one kept for its
/// currency and day. All or none: errors name `rates[n].field`.
#[utoipa::path(put, path = "/api/v1/exchange-rates", tag = "settings", request_body = RatesInput,
    responses((status = 200, body = RatesWritten), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn set(
    State(state): State<AppState>,
    Caller(actor): Caller,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let input: RatesInput = comptoir_app::input::parse(body.value)?;
    let written = state.app.set_exchange_rates(&actor, input.rates).await?;
    Ok(Json(RatesWritten { written }).into_response())
}

/// Set rates from the European Central Bank's euro reference file (admins only), sent as the
/// body (`text/csv`): the daily `eurofxref.csv` or the history `eurofxref-hist.csv`, unzipped.
/// All or none: errors name the file's line.
#[utoipa::path(post, path = "/api/v1/exchange-rates/ecb", tag = "settings",
    request_body(content_type = "text/csv", description = "the Central Bank's file"),
    responses((status = 200, body = RatesWritten), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn import_ecb(
    State(state): State<AppState>,
    Caller(actor): Caller,
    body: Bytes,
) -> Result<Response, ApiError> {
    let written = state.app.import_exchange_rates(&actor, &body).await?;
    Ok(Json(RatesWritten { written }).into_response())
}
