//! `/api/v1/pipelines`

use super::forecast::{first_day_of, month_count};
use super::{Created, RecordId, create_once, deleted, versioned};
use crate::error::{ApiError, Problem, bad_request};
use crate::extract::{Caller, IdempotencyKey, IfMatch, JsonBody, query_pairs};
use crate::state::AppState;
use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{Datelike, Months, NaiveDate, Utc};
use comptoir_domain::deals::{BoardFilter, PipelineReport, ReportScope};
use comptoir_domain::ids::{PipelineId, StageId, UserId};
use comptoir_domain::pipelines::{Pipeline, PipelineInput};
use comptoir_domain::time::month_span;
use serde::Serialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/pipelines", get(list).post(create))
        .route("/pipelines/{id}", get(read).patch(update).delete(remove))
        .route("/pipelines/{id}/totals", get(totals))
        .route("/pipelines/{id}/report", get(report))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PipelineList {
    pub data: Vec<Pipeline>,
    pub next_cursor: Option<String>,
}

/// Every pipeline with its stages, in order. Every role reads them.
#[utoipa::path(get, path = "/api/v1/pipelines", tag = "pipelines",
    responses((status = 200, body = PipelineList)))]
pub async fn list(State(state): State<AppState>, Caller(actor): Caller) -> Result<Response, ApiError> {
    let data = state.app.pipelines(&actor).await?;
    Ok(axum::Json(PipelineList { data, next_cursor: None }).into_response())
}

/// Create a pipeline (admins): open stages with their probability, one `won` and one `lost`
/// stage, and the reasons a deal may be lost for.
#[utoipa::path(post, path = "/api/v1/pipelines", tag = "pipelines", request_body = PipelineInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key creates nothing twice")),
    responses((status = 201, body = Pipeline), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    IdempotencyKey(key): IdempotencyKey,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let JsonBody { value, raw } = body;
    let (app, actor) = (&state.app, &actor);
    create_once(&state, actor, key, "/api/v1/pipelines", &raw, |once| async move {
        let pipeline = app.create_pipeline(actor, value, once.as_ref()).await?;
        Created::new(format!("/api/v1/pipelines/{}", pipeline.id), pipeline.version, &pipeline)
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/pipelines/{id}", tag = "pipelines",
    params(("id" = PipelineId, Path)),
    responses((status = 200, body = Pipeline), (status = 404, body = Problem)))]
pub async fn read(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<PipelineId>,
) -> Result<Response, ApiError> {
    let pipeline = state.app.pipeline(&actor, id).await?;
    Ok(versioned(StatusCode::OK, pipeline.version, &pipeline))
}

/// Rename, reorder, add or remove stages (admins). Stages are kept by `id`; a stage without
/// one is new, a stage left out is removed, which is refused while deals are in it.
#[utoipa::path(patch, path = "/api/v1/pipelines/{id}", tag = "pipelines", request_body = PipelineInput,
    params(("id" = PipelineId, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, body = Pipeline), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<PipelineId>,
    IfMatch(if_match): IfMatch,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let pipeline = state.app.update_pipeline(&actor, id, &body.value, if_match).await?;
    Ok(versioned(StatusCode::OK, pipeline.version, &pipeline))
}

/// Delete a pipeline without deals (admins).
#[utoipa::path(delete, path = "/api/v1/pipelines/{id}", tag = "pipelines",
    params(("id" = PipelineId, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 204), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<PipelineId>,
    IfMatch(if_match): IfMatch,
) -> Result<Response, ApiError> {
    state.app.delete_pipeline(&actor, id, if_match).await?;
    Ok(deleted())
}

/// `owner_id` and `closing` (`YYYY-MM`), both optional.
pub struct TotalsFilter(BoardFilter);

impl<S: Send + Sync> FromRequestParts<S> for TotalsFilter {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let mut filter = BoardFilter::default();
        for (key, value) in query_pairs(parts)? {
            match key.as_str() {
                "owner_id" => {
                    let owner =
                        value.parse::<UserId>().map_err(|_| bad_request("owner_id", "is not an id"))?;
                    filter.owner = Some(owner);
                }
                "closing" => {
                    filter.closing = Some(
                        month_span(&value)
                            .ok_or_else(|| bad_request("closing", "is not a month such as 2026-12"))?,
                    )
                }
                other => return Err(bad_request(other, "is not a parameter of this resource")),
            }
        }
        Ok(TotalsFilter(filter))
    }
}

/// What one stage adds up to in one currency.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StageTotals {
    pub stage_id: StageId,
    /// Absent for deals without an amount.
    pub currency: Option<String>,
    pub deals: i64,
    /// In minor units (cents), exact.
    pub amount_minor_units: i64,
    /// Σ amount × probability, in minor units, rounded down once.
    pub weighted_minor_units: i64,
}

/// What one stage adds up to in the base currency, every currency converted.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StageTotalsInBase {
    pub stage_id: StageId,
    /// The base currency (`EUR`).
    pub currency: String,
    pub deals: i64,
    pub amount_minor_units: i64,
    pub weighted_minor_units: i64,
    /// Currencies without a rate on or before today: their amounts are left out.
    pub unconverted: Vec<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PipelineTotals {
    pub data: Vec<StageTotals>,
    /// The same, one line per stage in the base currency, at the latest rates on or before
    /// today.
    pub in_base: Vec<StageTotalsInBase>,
}

/// What each stage of a pipeline adds up to, per currency: how many deals, their amounts and
/// their amounts weighted by probability; and per stage in the base currency, other currencies
/// converted at the latest rates. Optionally one owner's deals, or those expected to close in
/// one month.
#[utoipa::path(get, path = "/api/v1/pipelines/{id}/totals", tag = "pipelines",
    params(("id" = PipelineId, Path), ("owner_id" = Option<UserId>, Query),
        ("closing" = Option<String>, Query, description = "a month, YYYY-MM")),
    responses((status = 200, body = PipelineTotals), (status = 404, body = Problem)))]
pub async fn totals(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<PipelineId>,
    TotalsFilter(filter): TotalsFilter,
) -> Result<Response, ApiError> {
    state.app.pipeline(&actor, id).await?;
    let totals = state.app.stage_totals(&actor, id, &filter).await?;
    let in_base = state
        .app
        .stage_totals_in_base(&totals)
        .await?
        .into_iter()
        .map(|t| StageTotalsInBase {
            stage_id: t.stage_id,
            currency: comptoir_domain::money::BASE_CURRENCY.code().to_owned(),
            deals: t.deals,
            amount_minor_units: t.amount_minor,
            weighted_minor_units: t.weighted_minor,
            unconverted: t.unconverted,
        })
        .collect();
    let data = totals
        .into_iter()
        .map(|t| StageTotals {
            stage_id: t.stage_id,
            currency: t.currency,
            deals: t.deals,
            amount_minor_units: t.amount_minor,
            weighted_minor_units: t.weighted_minor,
        })
        .collect();
    Ok(axum::Json(PipelineTotals { data, in_base }).into_response())
}

/// `from` (`YYYY-MM`, three months ago by default), `months` (3), `owner_id`.
pub struct PeriodParams {
    from: NaiveDate,
    until: NaiveDate,
    owner: Option<UserId>,
}

impl<S: Send + Sync> FromRequestParts<S> for PeriodParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let today = Utc::now().date_naive();
        let this_month = today.with_day(1).unwrap_or(today);
        let mut from = None;
        let mut months = 3;
        let mut owner = None;
        for (key, value) in query_pairs(parts)? {
            match key.as_str() {
                "from" => from = Some(first_day_of(&value)?),
                "months" => months = month_count(&value)?,
                "owner_id" => {
                    owner =
                        Some(value.parse::<UserId>().map_err(|_| bad_request("owner_id", "is not an id"))?)
                }
                other => return Err(bad_request(other, "is not a parameter of this resource")),
            }
        }
        let from = match from {
            Some(from) => from,
            None => this_month.checked_sub_months(Months::new(months - 1)).unwrap_or(this_month),
        };
        let until = from
            .checked_add_months(Months::new(months))
            .ok_or_else(|| bad_request("months", "is too far"))?;
        Ok(PeriodParams { from, until, owner })
    }
}

/// A pipeline's report over a period (the last three months by default): per stage, the
/// deals that entered it, the conversion to the next stage and the days spent in it; the deals
/// won and lost in the period, the win rate and the average sales cycle in days.
#[utoipa::path(get, path = "/api/v1/pipelines/{id}/report", tag = "pipelines",
    params(("id" = PipelineId, Path), ("from" = Option<String>, Query, description = "first month, YYYY-MM"),
        ("months" = Option<u32>, Query, description = "1 to 36, default 3"), ("owner_id" = Option<UserId>, Query)),
    responses((status = 200, body = PipelineReport), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn report(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<PipelineId>,
    period: PeriodParams,
) -> Result<Response, ApiError> {
    let scope = ReportScope { pipeline: id, owner: period.owner, from: period.from, until: period.until };
    let report = state.app.pipeline_report(&actor, &scope).await?;
    Ok(axum::Json(report).into_response())
}
