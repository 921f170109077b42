//! `/api/v1/teams`: the queues customer service works from, and a member saying they are away.

use super::{RecordId, kinds, versioned};
use crate::error::{ApiError, Problem};
use crate::extract::{Caller, IdempotencyKey, IfMatch, JsonBody, ListParams};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use comptoir_app::teams::Teams;
use comptoir_domain::ids::TeamId;
use comptoir_domain::teams::{AvailabilityInput, Team, TeamInput};
use serde::Serialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/teams", get(list).post(create))
        .route("/teams/{id}", get(read).patch(update).delete(remove))
        .route("/teams/{id}/availability", post(availability))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TeamPage {
    pub data: Vec<Team>,
    pub next_cursor: Option<String>,
}

/// List the teams, by name (`filter[assignment]=round_robin`).
#[utoipa::path(get, path = "/api/v1/teams", tag = "teams",
    params(
        ("limit" = Option<u32>, Query, description = "1 to 500, default 50"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
    ),
    responses((status = 200, body = TeamPage), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ListParams(query): ListParams,
) -> Result<Response, ApiError> {
    kinds::list::<Teams>(&state, &actor, &query).await
}

/// Set up a team (managers and admins). A new ticket no team is named for goes to the team
/// claiming its category, else its requester's language; with `round_robin`, one that names
/// nobody then goes to the available member who has waited longest for one. No two teams
/// claim the same category or language.
#[utoipa::path(post, path = "/api/v1/teams", tag = "teams", request_body = TeamInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key creates nothing twice")),
    responses((status = 201, body = Team), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    IdempotencyKey(key): IdempotencyKey,
    body: JsonBody,
) -> Result<Response, ApiError> {
    kinds::create::<Teams>(&state, &actor, key, "/api/v1/teams", body).await
}

/// Read a team.
#[utoipa::path(get, path = "/api/v1/teams/{id}", tag = "teams", params(("id" = TeamId, Path)),
    responses((status = 200, body = Team), (status = 404, body = Problem)))]
pub async fn read(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<TeamId>,
) -> Result<Response, ApiError> {
    kinds::read::<Teams>(&state, &actor, id).await
}

/// Change a team with a JSON merge patch (managers and admins); `members` is replaced whole,
/// and members who stay keep their place in the rotation.
#[utoipa::path(patch, path = "/api/v1/teams/{id}", tag = "teams", request_body = TeamInput,
    params(("id" = TeamId, Path), ("If-Match" = Option<String>, Header, description = "the ETag last read")),
    responses((status = 200, body = Team), (status = 403, body = Problem), (status = 412, body = Problem),
        (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<TeamId>,
    IfMatch(if_match): IfMatch,
    body: JsonBody,
) -> Result<Response, ApiError> {
    kinds::update::<Teams>(&state, &actor, id, if_match, body).await
}

/// Delete a team (managers and admins); its tickets stay, in no team.
#[utoipa::path(delete, path = "/api/v1/teams/{id}", tag = "teams",
    params(("id" = TeamId, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<TeamId>,
    IfMatch(if_match): IfMatch,
) -> Result<Response, ApiError> {
    kinds::remove::<Teams>(&state, &actor, id, if_match).await
}

/// Say whether you are available in a team you are a member of: the rotation gives tickets
/// only to available members.
#[utoipa::path(post, path = "/api/v1/teams/{id}/availability", tag = "teams", request_body = AvailabilityInput,
    params(("id" = TeamId, Path), ("If-Match" = Option<String>, Header, description = "the team's ETag last read")),
    responses((status = 200, body = Team), (status = 403, body = Problem), (status = 412, body = Problem)))]
pub async fn availability(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<TeamId>,
    IfMatch(if_match): IfMatch,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let input: AvailabilityInput = comptoir_app::input::parse(body.value)?;
    let team = state.app.set_availability(&actor, id, input.available, if_match).await?;
    Ok(versioned(StatusCode::OK, team.version, &team))
}
