//! `/api/v1/webhooks` (admins): subscriptions, their deliveries log, and a test event.

use super::{Created, RecordId, create_once, deleted, versioned};
use crate::error::{ApiError, Problem, bad_request};
use crate::extract::{Caller, IdempotencyKey, IfMatch, JsonBody, query_pairs};
use crate::state::AppState;
use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use comptoir_app::webhooks::NewWebhook;
use comptoir_domain::ids::WebhookId;
use comptoir_domain::listing::{DEFAULT_LIMIT, parse_limit};
use comptoir_domain::webhooks::{Delivery, Webhook, WebhookInput};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/webhooks", get(list).post(create))
        .route("/webhooks/{id}", get(read).patch(update).delete(remove))
        .route("/webhooks/{id}/deliveries", get(deliveries))
        .route("/webhooks/{id}/test", post(test))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct WebhookList {
    pub data: Vec<Webhook>,
    pub next_cursor: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct DeliveryList {
    pub data: Vec<Delivery>,
    pub next_cursor: Option<String>,
}

/// The webhooks, oldest first.
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks", responses((status = 200, body = WebhookList)))]
pub async fn list(State(state): State<AppState>, Caller(actor): Caller) -> Result<Response, ApiError> {
    let data = state.app.list_webhooks(&actor).await?;
    Ok(axum::Json(WebhookList { data, next_cursor: None }).into_response())
}

/// Subscribe an address to events. The answer carries the signing secret, shown only here.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks", request_body = WebhookInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key creates nothing twice")),
    responses((status = 201, body = NewWebhook), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    IdempotencyKey(key): IdempotencyKey,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let JsonBody { value, raw } = body;
    let (app, actor) = (&state.app, &actor);
    create_once(&state, actor, key, "/api/v1/webhooks", &raw, |once| async move {
        let created = app.create_webhook(actor, value, once.as_ref()).await?;
        Created::new(format!("/api/v1/webhooks/{}", created.webhook.id), created.webhook.version, &created)
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = WebhookId, Path)),
    responses((status = 200, body = Webhook)))]
pub async fn read(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<WebhookId>,
) -> Result<Response, ApiError> {
    let webhook = state.app.get_webhook(&actor, id).await?;
    Ok(versioned(StatusCode::OK, webhook.version, &webhook))
}

/// Change the address, the events or the description; `"active": true` turns a disabled
/// webhook back on.
#[utoipa::path(patch, path = "/api/v1/webhooks/{id}", tag = "webhooks", request_body = WebhookInput,
    params(("id" = WebhookId, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, body = Webhook)))]
pub async fn update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<WebhookId>,
    IfMatch(if_match): IfMatch,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let webhook = state.app.update_webhook(&actor, id, &body.value, if_match).await?;
    Ok(versioned(StatusCode::OK, webhook.version, &webhook))
}

#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "webhooks",
    params(("id" = WebhookId, Path), ("If-Match" = Option<String>, Header)), responses((status = 204)))]
pub async fn remove(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<WebhookId>,
    IfMatch(if_match): IfMatch,
) -> Result<Response, ApiError> {
    state.app.delete_webhook(&actor, id, if_match).await?;
    Ok(deleted())
}

/// `limit`, as every list reads it.
pub struct DeliveryLimit(i64);

impl<S: Send + Sync> FromRequestParts<S> for DeliveryLimit {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let mut limit = DEFAULT_LIMIT;
        for (key, value) in query_pairs(parts)? {
            match key.as_str() {
                "limit" => limit = parse_limit(&value).map_err(|message| bad_request("limit", message))?,
                other => return Err(bad_request(other, "is not a parameter of this list")),
            }
        }
        Ok(DeliveryLimit(i64::from(limit)))
    }
}

/// The deliveries log, newest first: each event's status, attempts and the receiver's answer.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = WebhookId, Path), ("limit" = Option<u32>, Query, description = "1 to 500, default 50")),
    responses((status = 200, body = DeliveryList)))]
pub async fn deliveries(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<WebhookId>,
    DeliveryLimit(limit): DeliveryLimit,
) -> Result<Response, ApiError> {
    let data = state.app.webhook_deliveries(&actor, id, limit).await?;
    Ok(axum::Json(DeliveryList { data, next_cursor: None }).into_response())
}

/// Send a `webhook.test` event to this webhook alone; it goes out within a second.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/test", tag = "webhooks", params(("id" = WebhookId, Path)),
    responses((status = 202)))]
pub async fn test(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<WebhookId>,
) -> Result<Response, ApiError> {
    state.app.send_test_event(&actor, id).await?;
    Ok(StatusCode::ACCEPTED.into_response())
}
