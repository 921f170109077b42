//! `/api/v1/tokens` (admins)

use super::{Created, RecordId, deleted};
use crate::error::{ApiError, Problem, bad_request};
use crate::extract::{Caller, IdempotencyKey, JsonBody};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use comptoir_domain::ids::{TokenId, UserId};
use comptoir_domain::users::ApiToken;
use serde::{Deserialize, Serialize};

pub fn router() -> Router<AppState> {
    Router::new().route("/tokens", get(list).post(create)).route("/tokens/{id}", get(read).delete(revoke))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenList {
    pub data: Vec<ApiToken>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenInput {
    pub user_id: UserId,
    pub name: String,
}

/// A new token: `token` is the secret, shown this once.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    #[serde(flatten)]
    pub token: ApiToken,
    pub token_secret: String,
}

#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens",
    responses((status = 200, body = TokenList), (status = 403, body = Problem)))]
pub async fn list(State(state): State<AppState>, Caller(actor): Caller) -> Result<Response, ApiError> {
    let data = state.app.list_tokens(&actor).await?;
    Ok(axum::Json(TokenList { data, next_cursor: None }).into_response())
}

/// Create an API token for a user; the secret is in the answer and nowhere else.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", request_body = TokenInput,
    responses((status = 201, body = CreatedToken), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    IdempotencyKey(key): IdempotencyKey,
    body: JsonBody,
) -> Result<Response, ApiError> {
    if key.is_some() {
        // Replaying would mean storing the secret; a retried creation makes a second token,
        // which the admin can revoke.
        return Err(bad_request("Idempotency-Key", "is not accepted when creating tokens"));
    }
    let input: TokenInput =
        serde_json::from_value(body.value).map_err(|e| bad_request("body", e.to_string()))?;
    let new = state.app.create_token(Some(&actor), input.user_id, &input.name).await?;
    let created = CreatedToken { token: new.token, token_secret: new.secret };
    Ok(Created::new(format!("/api/v1/tokens/{}", created.token.id), 1, &created)?.into_response())
}

#[utoipa::path(get, path = "/api/v1/tokens/{id}", tag = "tokens", params(("id" = TokenId, Path)),
    responses((status = 200, body = ApiToken), (status = 404, body = Problem)))]
pub async fn read(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<TokenId>,
) -> Result<Response, ApiError> {
    Ok(axum::Json(state.app.get_token(&actor, id).await?).into_response())
}

/// Revoke a token; it stops working at once on this server.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens", params(("id" = TokenId, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn revoke(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<TokenId>,
) -> Result<Response, ApiError> {
    state.app.revoke_token(&actor, id).await?;
    Ok(deleted())
}
