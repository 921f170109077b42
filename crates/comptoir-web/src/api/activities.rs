//! `/api/v1/activities`

use super::contacts::ActivityPage;
use super::{Created, RecordId, create_once, deleted, versioned};
use crate::error::{ApiError, Problem};
use crate::extract::{Caller, IdempotencyKey, IfMatch, JsonBody, ListParams};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use comptoir_app::activities::Activities;
use comptoir_domain::activities::{Activity, ActivityInput};
use comptoir_domain::ids::ActivityId;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/activities", get(list).post(create))
        .route("/activities/{id}", get(read).patch(update).delete(remove))
}

/// List activities across all records, with filters (`filter[kind]=task&filter[done]=false`).
#[utoipa::path(get, path = "/api/v1/activities", tag = "activities",
    params(("limit" = Option<u32>, Query), ("cursor" = Option<String>, Query), ("sort" = Option<String>, Query)),
    responses((status = 200, body = ActivityPage), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ListParams(query): ListParams,
) -> Result<Response, ApiError> {
    let page = state.app.list::<Activities>(&actor, &query).await?;
    Ok(axum::Json(page).into_response())
}

/// Log a note, call, email, meeting or task on a contact and/or a company.
#[utoipa::path(post, path = "/api/v1/activities", tag = "activities", request_body = ActivityInput,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = Activity), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    IdempotencyKey(key): IdempotencyKey,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let JsonBody { value, raw } = body;
    let (app, actor) = (&state.app, &actor);
    create_once(&state, actor, key, "/api/v1/activities", &raw, |once| async move {
        let activity = app.create::<Activities>(actor, value, once.as_ref()).await?;
        Created::new(format!("/api/v1/activities/{}", activity.id), activity.version, &activity)
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/activities/{id}", tag = "activities",
    params(("id" = ActivityId, Path)),
    responses((status = 200, body = Activity), (status = 404, body = Problem)))]
pub async fn read(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<ActivityId>,
) -> Result<Response, ApiError> {
    let activity = state.app.get::<Activities>(&actor, id).await?;
    Ok(versioned(StatusCode::OK, activity.version, &activity))
}

/// Change an activity (mark a task done: `{"done": true}`).
#[utoipa::path(patch, path = "/api/v1/activities/{id}", tag = "activities", request_body = ActivityInput,
    params(("id" = ActivityId, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, body = Activity), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<ActivityId>,
    IfMatch(if_match): IfMatch,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let activity = state.app.update::<Activities>(&actor, id, &body.value, if_match).await?;
    Ok(versioned(StatusCode::OK, activity.version, &activity))
}

#[utoipa::path(delete, path = "/api/v1/activities/{id}", tag = "activities",
    params(("id" = ActivityId, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<ActivityId>,
    IfMatch(if_match): IfMatch,
) -> Result<Response, ApiError> {
    state.app.delete::<Activities>(&actor, id, if_match).await?;
    Ok(deleted())
}
