//! `/api/v1/forecast`

use crate::error::{ApiError, Problem, bad_request};
use crate::extract::{Caller, query_pairs};
use crate::state::AppState;
use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{Datelike, NaiveDate, Utc};
use comptoir_app::deals::MAX_FORECAST_MONTHS;
use comptoir_domain::deals::{Forecast, ForecastBy, ForecastPer, ForecastScope};
use comptoir_domain::ids::{PipelineId, UserId};
use comptoir_domain::time::month_span;

pub fn router() -> Router<AppState> {
    Router::new().route("/forecast", get(forecast))
}

/// How many months a forecast covers unless told.
pub const DEFAULT_MONTHS: u32 = 12;

/// The `from` parameter of a period, `YYYY-MM`: the first day of that month.
pub fn first_day_of(month: &str) -> Result<NaiveDate, ApiError> {
    month_span(month)
        .map(|(first, _)| first)
        .ok_or_else(|| bad_request("from", "is not a month such as 2026-12"))
}

/// The `months` parameter of a period: 1 to [`MAX_FORECAST_MONTHS`].
pub fn month_count(value: &str) -> Result<u32, ApiError> {
    value
        .parse()
        .ok()
        .filter(|m| (1..=MAX_FORECAST_MONTHS).contains(m))
        .ok_or_else(|| bad_request("months", "must be a number of months from 1 to 36"))
}

/// `from` (`YYYY-MM`, this month by default), `months` (12), `pipeline_id`, `owner_id`, `by`,
/// `per` (`month` by default).
pub struct ScopeParams(ForecastScope, ForecastPer);

impl<S: Send + Sync> FromRequestParts<S> for ScopeParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let today = Utc::now().date_naive();
        let mut from = today.with_day(1).unwrap_or(today);
        let mut months = DEFAULT_MONTHS;
        let (mut pipeline, mut owner, mut by, mut per) = (None, None, None, ForecastPer::Month);
        for (key, value) in query_pairs(parts)? {
            match key.as_str() {
                "from" => from = first_day_of(&value)?,
                "months" => months = month_count(&value)?,
                "pipeline_id" => {
                    pipeline = Some(
                        value
                            .parse::<PipelineId>()
                            .map_err(|_| bad_request("pipeline_id", "is not an id"))?,
                    )
                }
                "owner_id" => {
                    owner =
                        Some(value.parse::<UserId>().map_err(|_| bad_request("owner_id", "is not an id"))?)
                }
                "by" => {
                    by = Some(match value.as_str() {
                        "owner" => ForecastBy::Owner,
                        "pipeline" => ForecastBy::Pipeline,
                        _ => return Err(bad_request("by", "must be owner or pipeline")),
                    })
                }
                "per" => {
                    per = match value.as_str() {
                        "month" => ForecastPer::Month,
                        "quarter" => ForecastPer::Quarter,
                        _ => return Err(bad_request("per", "must be month or quarter")),
                    }
                }
                other => return Err(bad_request(other, "is not a parameter of this resource")),
            }
        }
        let (from, until) = per.span(from, months).ok_or_else(|| bad_request("months", "is too far"))?;
        Ok(ScopeParams(ForecastScope { pipeline, owner, from, until, by }, per))
    }
}

/// The sales forecast, month by month, in the base currency (minor units): `committed` is what
/// was won in the month, `weighted` adds the open deals expected to close in it, each amount
/// times its probability, and `best_case` adds them whole. Split by owner or pipeline with
/// `by`; a row per calendar quarter with `per=quarter` (the period then starts on the first
/// month of `from`'s quarter and runs whole quarters, as many as `months` needs). A deal in another currency converts at the latest exchange rate published on or
/// before the day it closed or should close (`/api/v1/exchange-rates`); `left_out` counts the
/// deals no rate converts yet.
#[utoipa::path(get, path = "/api/v1/forecast", tag = "deals",
    params(
        ("from" = Option<String>, Query, description = "first month, YYYY-MM; this month by default"),
        ("months" = Option<u32>, Query, description = "1 to 36, default 12"),
        ("pipeline_id" = Option<PipelineId>, Query),
        ("owner_id" = Option<UserId>, Query),
        ("by" = Option<ForecastBy>, Query, description = "a row per month and owner, or per month and pipeline"),
        ("per" = Option<ForecastPer>, Query, description = "month (default) or quarter"),
    ),
    responses((status = 200, body = Forecast), (status = 422, body = Problem)))]
pub async fn forecast(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ScopeParams(scope, per): ScopeParams,
) -> Result<Response, ApiError> {
    let forecast = state.app.forecast(&actor, &scope, per).await?;
    Ok(axum::Json(forecast).into_response())
}
