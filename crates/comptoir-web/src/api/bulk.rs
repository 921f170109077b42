//! `POST /api/v1/{contacts,companies,deals,tickets}/bulk`: one action applied to many records as one
//! operation.

use crate::error::{ApiError, Problem};
use crate::extract::{Caller, JsonBody};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use comptoir_app::bulk::BulkKind;
use comptoir_app::companies::Companies;
use comptoir_app::contacts::Contacts;
use comptoir_app::deals::Deals;
use comptoir_app::tickets::Tickets;
use comptoir_domain::bulk::{BulkOutcome, BulkRequest};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contacts/bulk", post(contacts))
        .route("/companies/bulk", post(companies))
        .route("/deals/bulk", post(deals))
        .route("/tickets/bulk", post(tickets))
}

async fn run<K: BulkKind>(state: &AppState, caller: Caller, body: JsonBody) -> Result<Response, ApiError> {
    let Caller(actor) = caller;
    let request: BulkRequest = comptoir_app::input::parse(body.value)?;
    let kind = K::KIND.plural();
    let outcome = state
        .app
        .bulk::<K>(&actor, request, &|seen| tracing::debug!(kind, seen, "bulk change progress"))
        .await?;
    Ok(axum::Json(outcome).into_response())
}

/// Assign, tag, untag or delete many contacts at once, chosen by `ids` (at most 1,000) or by
/// a list's `filter` (any number, read a batch at a time). It lands entirely or not at all;
/// contacts the caller may not change are left alone and counted. The audit entries and
/// events of the change carry its `operation_id` (`GET /api/v1/audit?operation_id=…`).
#[utoipa::path(post, path = "/api/v1/contacts/bulk", tag = "contacts", request_body = BulkRequest,
    responses((status = 200, body = BulkOutcome), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn contacts(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody,
) -> Result<Response, ApiError> {
    run::<Contacts>(&state, caller, body).await
}

/// Assign, tag, untag or delete many companies at once, like the contacts' bulk change.
#[utoipa::path(post, path = "/api/v1/companies/bulk", tag = "companies", request_body = BulkRequest,
    responses((status = 200, body = BulkOutcome), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn companies(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody,
) -> Result<Response, ApiError> {
    run::<Companies>(&state, caller, body).await
}

/// Assign, tag, untag or delete many deals at once, like the contacts' bulk change.
#[utoipa::path(post, path = "/api/v1/deals/bulk", tag = "deals", request_body = BulkRequest,
    responses((status = 200, body = BulkOutcome), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn deals(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody,
) -> Result<Response, ApiError> {
    run::<Deals>(&state, caller, body).await
}

/// Assign, tag, untag or delete many tickets at once, like the contacts' bulk change.
#[utoipa::path(post, path = "/api/v1/tickets/bulk", tag = "tickets", request_body = BulkRequest,
    responses((status = 200, body = BulkOutcome), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn tickets(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody,
) -> Result<Response, ApiError> {
    run::<Tickets>(&state, caller, body).await
}
