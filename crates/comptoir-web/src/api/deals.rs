//! `/api/v1/deals`

use super::contacts::ActivityPage;
use super::{Created, RecordId, create_once, deleted, versioned};
use crate::error::{ApiError, Problem};
use crate::extract::{Caller, IdempotencyKey, IfMatch, JsonBody, ListParams};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use comptoir_app::deals::Deals;
use comptoir_domain::deals::{Deal, DealInput};
use comptoir_domain::ids::{DealId, StageId};
use comptoir_domain::kinds::{RecordKind, RecordRef};
use serde::{Deserialize, Serialize};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/deals", get(list).post(create))
        .route("/deals/count", get(count))
        .route("/deals/{id}", get(read).patch(update).delete(remove))
        .route("/deals/{id}/move", post(move_to))
        .route("/deals/{id}/stages", get(stages))
        .route("/deals/{id}/timeline", get(timeline))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DealPage {
    pub data: Vec<Deal>,
    pub next_cursor: Option<String>,
}

/// Count the deals a list's filters and search match (the same `filter[…]` and `q` as the
/// list), without reading them.
#[utoipa::path(get, path = "/api/v1/deals/count", tag = "deals",
    params(("q" = Option<String>, Query, description = "the list's search")),
    responses((status = 200, body = super::kinds::ListCount), (status = 422, body = Problem)))]
pub async fn count(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ListParams(query): ListParams,
) -> Result<Response, ApiError> {
    super::kinds::count::<Deals>(&state, &actor, &query).await
}

/// List deals, with filters (`filter[status]=open`, `filter[stage_id]=…`,
/// `filter[expected_close_on][lt]=2027-01-01`), sort (`sort=-amount`), full-text search on the
/// title (`q=renouvellement`) and cursor pagination.
/// With `Accept: text/csv`, every deal the list matches, as CSV streamed a page at a time
/// (one column per field as the API names it), which `POST /api/v1/imports` takes back.
#[utoipa::path(get, path = "/api/v1/deals", tag = "deals",
    params(
        ("limit" = Option<u32>, Query, description = "1 to 500, default 50"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
        ("sort" = Option<String>, Query, description = "a field, - for descending; default -created_at"),
        ("q" = Option<String>, Query, description = "accent- and case-insensitive prefix search"),
    ),
    responses((status = 200, body = DealPage), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    headers: axum::http::HeaderMap,
    ListParams(query): ListParams,
) -> Result<Response, ApiError> {
    if super::csv::wants_csv(&headers) {
        return super::csv::list::<Deals>(&state, &actor, query, "deals").await;
    }
    let page = state.app.list::<Deals>(&actor, &query).await?;
    Ok(axum::Json(page).into_response())
}

/// Create a deal: in the stage given, or the first stage of its pipeline (the first pipeline
/// when none is named), with that stage's probability unless one is given.
#[utoipa::path(post, path = "/api/v1/deals", tag = "deals", request_body = DealInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key creates nothing twice")),
    responses((status = 201, body = Deal), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    IdempotencyKey(key): IdempotencyKey,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let JsonBody { value, raw } = body;
    let (app, actor) = (&state.app, &actor);
    create_once(&state, actor, key, "/api/v1/deals", &raw, |once| async move {
        let deal = app.create::<Deals>(actor, value, once.as_ref()).await?;
        Created::new(format!("/api/v1/deals/{}", deal.id), deal.version, &deal)
    })
    .await
}

/// Read a deal.
#[utoipa::path(get, path = "/api/v1/deals/{id}", tag = "deals",
    params(("id" = DealId, Path)),
    responses((status = 200, body = Deal), (status = 404, body = Problem)))]
pub async fn read(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<DealId>,
) -> Result<Response, ApiError> {
    let deal = state.app.get::<Deals>(&actor, id).await?;
    Ok(versioned(StatusCode::OK, deal.version, &deal))
}

/// Change a deal with a JSON merge patch; send `If-Match` to refuse a stale write. A stage of
/// another pipeline needs that pipeline's `pipeline_id` too (or use `move`).
#[utoipa::path(patch, path = "/api/v1/deals/{id}", tag = "deals", request_body = DealInput,
    params(("id" = DealId, Path), ("If-Match" = Option<String>, Header, description = "the ETag last read")),
    responses((status = 200, body = Deal), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<DealId>,
    IfMatch(if_match): IfMatch,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let deal = state.app.update::<Deals>(&actor, id, &body.value, if_match).await?;
    Ok(versioned(StatusCode::OK, deal.version, &deal))
}

/// Delete a deal (its activities stay on their contact's and company's timelines).
#[utoipa::path(delete, path = "/api/v1/deals/{id}", tag = "deals",
    params(("id" = DealId, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<DealId>,
    IfMatch(if_match): IfMatch,
) -> Result<Response, ApiError> {
    state.app.delete::<Deals>(&actor, id, if_match).await?;
    Ok(deleted())
}

/// Where a deal moves.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Move {
    /// A stage of any pipeline; the deal follows it into its pipeline.
    pub stage_id: StageId,
    /// Required to move it to the lost stage: one of the pipeline's `lost_reasons`.
    #[serde(default)]
    pub lost_reason: Option<String>,
}

/// Move a deal to another stage (`deal.stage_changed`, and `deal.won` or `deal.lost` when it
/// closes it). Only its owner, managers and admins move it.
#[utoipa::path(post, path = "/api/v1/deals/{id}/move", tag = "deals", request_body = Move,
    params(("id" = DealId, Path), ("If-Match" = Option<String>, Header, description = "the ETag last read")),
    responses((status = 200, body = Deal), (status = 403, body = Problem), (status = 412, body = Problem),
        (status = 422, body = Problem)))]
pub async fn move_to(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<DealId>,
    IfMatch(if_match): IfMatch,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let to: Move = comptoir_app::input::parse(body.value)?;
    let deal = state.app.move_deal(&actor, id, to.stage_id, to.lost_reason, if_match).await?;
    Ok(versioned(StatusCode::OK, deal.version, &deal))
}

/// One stage a deal entered.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StageEntry {
    /// Absent for the stage it was created in.
    pub from_stage_id: Option<StageId>,
    pub to_stage_id: StageId,
    pub at: DateTime<Utc>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct StageHistory {
    pub data: Vec<StageEntry>,
}

/// The stages a deal went through, oldest first: time in stage and cycle length read from it.
#[utoipa::path(get, path = "/api/v1/deals/{id}/stages", tag = "deals",
    params(("id" = DealId, Path)),
    responses((status = 200, body = StageHistory), (status = 404, body = Problem)))]
pub async fn stages(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<DealId>,
) -> Result<Response, ApiError> {
    let history = state.app.deal_history(&actor, id).await?;
    let data = history
        .into_iter()
        .map(|change| StageEntry { from_stage_id: change.from, to_stage_id: change.to, at: change.at })
        .collect();
    Ok(axum::Json(StageHistory { data }).into_response())
}

/// The activities linked to a deal, newest first.
#[utoipa::path(get, path = "/api/v1/deals/{id}/timeline", tag = "deals",
    params(("id" = DealId, Path), ("limit" = Option<u32>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = ActivityPage), (status = 404, body = Problem)))]
pub async fn timeline(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<DealId>,
    ListParams(query): ListParams,
) -> Result<Response, ApiError> {
    let page = state.app.timeline(&actor, RecordRef { kind: RecordKind::Deal, id: id.0 }, &query).await?;
    Ok(axum::Json(page).into_response())
}
