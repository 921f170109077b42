//! What handlers need from every request: the caller, the JSON body, the list parameters,
//! `If-Match` and `Idempotency-Key`.

use crate::error::{ApiError, bad_request, problem_response};
use crate::state::AppState;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use comptoir_app::AppError;
use comptoir_domain::listing::ListQuery;
use comptoir_domain::users::Actor;
use serde_json::Value;

/// The authenticated caller, from `Authorization: Bearer <token>`.
pub struct Caller(pub Actor);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            // The scheme name is case-insensitive (RFC 9110).
            .and_then(|(scheme, secret)| scheme.eq_ignore_ascii_case("bearer").then_some(secret))
            .ok_or(ApiError(AppError::Unauthenticated))?;
        let actor = state.app.authenticate(secret.trim()).await?;
        tracing::Span::current().record("actor", tracing::field::display(actor.user_id));
        Ok(Caller(actor))
    }
}

/// A JSON object body, kept both parsed and raw (the raw bytes fingerprint idempotent
/// requests). Malformed JSON is a 422 naming `body`, like any other bad input.
pub struct JsonBody {
    pub value: Value,
    pub raw: Bytes,
}

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json =
            request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
                v.starts_with("application/json") || v.starts_with("application/merge-patch+json")
            });
        if !is_json {
            return Err(problem_response(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "/problems/unsupported-media-type",
                "Unsupported media type",
                "send Content-Type: application/json".to_owned(),
            ));
        }
        let raw = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                problem_response(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "/problems/too-large",
                    "Request body too large",
                    format!("a body may hold at most {MAX_JSON_BODY} bytes"),
                )
            } else {
                bad_request("body", "could not be read").into_response()
            }
        })?;
        let value: Value = serde_json::from_slice(&raw)
            .map_err(|e| bad_request("body", format!("is not valid JSON: {e}")).into_response())?;
        if !value.is_object() {
            return Err(bad_request("body", "must be a JSON object").into_response());
        }
        Ok(JsonBody { value, raw })
    }
}

/// The largest JSON body the API reads: a record with every field at its longest (an
/// activity's 100,000-character text) fits; anything larger is refused before it is parsed.
pub const MAX_JSON_BODY: usize = 1024 * 1024;

/// `limit`, `cursor`, `sort`, `q` and `filter[…]` from the query string.
pub struct ListParams(pub ListQuery);

impl<S: Send + Sync> FromRequestParts<S> for ListParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let pairs = query_pairs(parts)?;
        Ok(ListParams(ListQuery::parse(&pairs, &[])?))
    }
}

pub fn query_pairs(parts: &Parts) -> Result<Vec<(String, String)>, ApiError> {
    serde_urlencoded::from_str(parts.uri.query().unwrap_or_default())
        .map_err(|_| bad_request("query", "is not a valid query string"))
}

/// The version named by `If-Match` (`"3"`, `W/"3"`); absent or `*` means "whatever is current".
pub struct IfMatch(pub Option<i64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(header::IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        let text = value.to_str().map_err(|_| bad_request("If-Match", "is not readable"))?.trim();
        if text == "*" {
            return Ok(IfMatch(None));
        }
        let version = text
            .trim_start_matches("W/")
            .trim_matches('"')
            .parse::<i64>()
            .map_err(|_| bad_request("If-Match", "must be an ETag this API returned, such as \"3\""))?;
        Ok(IfMatch(Some(version)))
    }
}

/// The client's `Idempotency-Key`, if it sent one.
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let key = parts
            .headers
            .get("idempotency-key")
            .map(|v| v.to_str().map(str::to_owned))
            .transpose()
            .map_err(|_| bad_request("Idempotency-Key", "is not readable"))?;
        Ok(IdempotencyKey(key))
    }
}
