//! `/api/v1/users` (admins)

use super::{Created, RecordId, create_once, versioned};
use crate::error::{ApiError, Problem};
use crate::extract::{Caller, IdempotencyKey, IfMatch, JsonBody, ListParams};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use comptoir_domain::ids::UserId;
use comptoir_domain::users::{User, UserInput};

pub fn router() -> Router<AppState> {
    Router::new().route("/users", get(list).post(create)).route("/users/{id}", get(read).patch(update))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct UserPage {
    pub data: Vec<User>,
    pub next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users",
    responses((status = 200, body = UserPage), (status = 403, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ListParams(query): ListParams,
) -> Result<Response, ApiError> {
    let page = state.app.list_users(&actor, &query).await?;
    Ok(axum::Json(page).into_response())
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserInput,
    responses((status = 201, body = User), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    IdempotencyKey(key): IdempotencyKey,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let JsonBody { value, raw } = body;
    let (app, actor) = (&state.app, &actor);
    create_once(&state, actor, key, "/api/v1/users", &raw, |once| async move {
        let user = app.create_user(Some(actor), value, once.as_ref()).await?;
        Created::new(format!("/api/v1/users/{}", user.id), user.version, &user)
    })
    .await
}

/// A user; admins read anyone, others only themselves (anyone else is a 404).
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = UserId, Path)),
    responses((status = 200, body = User), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn read(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<UserId>,
) -> Result<Response, ApiError> {
    let user = state.app.get_user(&actor, id).await?;
    Ok(versioned(StatusCode::OK, user.version, &user))
}

/// Change a user's role, name, language, password or deactivate them (admins).
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", request_body = UserInput,
    params(("id" = UserId, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, body = User), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<UserId>,
    IfMatch(if_match): IfMatch,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let user = state.app.update_user(&actor, id, &body.value, if_match).await?;
    Ok(versioned(StatusCode::OK, user.version, &user))
}
