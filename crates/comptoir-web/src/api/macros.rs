//! `/api/v1/macros`: the team's canned answers, and filling one in for a ticket.

use super::{RecordId, kinds, versioned};
use crate::error::{ApiError, Problem};
use crate::extract::{Caller, IdempotencyKey, IfMatch, JsonBody, ListParams};
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use comptoir_app::macros::{FilledMacro, Macros};
use comptoir_app::tickets::TicketMessageAdded;
use comptoir_domain::ids::{MacroId, TicketId};
use comptoir_domain::macros::{Macro, MacroInput};
use serde::Serialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/macros", get(list).post(create))
        .route("/macros/{id}", get(read).patch(update).delete(remove))
        .route("/tickets/{ticket}/macros/{id}", get(fill).post(send))
}

/// A ticket and a macro named by the path; an id that does not read names nothing (404).
pub struct TicketMacro(TicketId, MacroId);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for TicketMacro {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, ApiError> {
        let not_found = || ApiError(comptoir_app::AppError::NotFound);
        let Path((ticket, id)) =
            Path::<(String, String)>::from_request_parts(parts, state).await.map_err(|_| not_found())?;
        Ok(TicketMacro(ticket.parse().map_err(|_| not_found())?, id.parse().map_err(|_| not_found())?))
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MacroPage {
    pub data: Vec<Macro>,
    pub next_cursor: Option<String>,
}

/// List the macros, by name (`filter[language]=en`).
#[utoipa::path(get, path = "/api/v1/macros", tag = "macros",
    params(
        ("limit" = Option<u32>, Query, description = "1 to 500, default 50"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
    ),
    responses((status = 200, body = MacroPage), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ListParams(query): ListParams,
) -> Result<Response, ApiError> {
    kinds::list::<Macros>(&state, &actor, &query).await
}

/// Write a macro (support agents, managers and admins). Its body may use
/// `{{contact.first_name}}`, `{{contact.last_name}}`, `{{contact.name}}`,
/// `{{ticket.reference}}`, `{{ticket.subject}}` and `{{agent.name}}`; any other is refused.
#[utoipa::path(post, path = "/api/v1/macros", tag = "macros", request_body = MacroInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key creates nothing twice")),
    responses((status = 201, body = Macro), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    IdempotencyKey(key): IdempotencyKey,
    body: JsonBody,
) -> Result<Response, ApiError> {
    kinds::create::<Macros>(&state, &actor, key, "/api/v1/macros", body).await
}

/// Read a macro.
#[utoipa::path(get, path = "/api/v1/macros/{id}", tag = "macros", params(("id" = MacroId, Path)),
    responses((status = 200, body = Macro), (status = 404, body = Problem)))]
pub async fn read(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<MacroId>,
) -> Result<Response, ApiError> {
    kinds::read::<Macros>(&state, &actor, id).await
}

/// Change a macro with a JSON merge patch.
#[utoipa::path(patch, path = "/api/v1/macros/{id}", tag = "macros", request_body = MacroInput,
    params(("id" = MacroId, Path), ("If-Match" = Option<String>, Header, description = "the ETag last read")),
    responses((status = 200, body = Macro), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<MacroId>,
    IfMatch(if_match): IfMatch,
    body: JsonBody,
) -> Result<Response, ApiError> {
    kinds::update::<Macros>(&state, &actor, id, if_match, body).await
}

/// Delete a macro (managers and admins).
#[utoipa::path(delete, path = "/api/v1/macros/{id}", tag = "macros",
    params(("id" = MacroId, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<MacroId>,
    IfMatch(if_match): IfMatch,
) -> Result<Response, ApiError> {
    kinds::remove::<Macros>(&state, &actor, id, if_match).await
}

/// A macro filled in for a ticket, to read over before sending it.
#[utoipa::path(get, path = "/api/v1/tickets/{ticket}/macros/{id}", tag = "tickets",
    params(("ticket" = TicketId, Path), ("id" = MacroId, Path)),
    responses((status = 200, body = FilledMacro), (status = 404, body = Problem)))]
pub async fn fill(
    State(state): State<AppState>,
    Caller(actor): Caller,
    TicketMacro(ticket, id): TicketMacro,
) -> Result<Response, ApiError> {
    let filled = state.app.fill_macro(&actor, ticket, id).await?;
    Ok(axum::Json(filled).into_response())
}

/// Send a macro filled in for a ticket as an answer to its requester, with the status it
/// gives: as `POST /api/v1/tickets/{id}/messages` would.
#[utoipa::path(post, path = "/api/v1/tickets/{ticket}/macros/{id}", tag = "tickets",
    params(("ticket" = TicketId, Path), ("id" = MacroId, Path),
        ("If-Match" = Option<String>, Header, description = "the ticket's ETag last read")),
    responses((status = 201, body = TicketMessageAdded), (status = 404, body = Problem), (status = 412, body = Problem)))]
pub async fn send(
    State(state): State<AppState>,
    Caller(actor): Caller,
    TicketMacro(ticket, id): TicketMacro,
    IfMatch(if_match): IfMatch,
) -> Result<Response, ApiError> {
    let added = state.app.send_macro(&actor, ticket, id, if_match).await?;
    Ok(versioned(StatusCode::CREATED, added.ticket.version, &added))
}
