//! The JSON API, `/api/v1`. One file per area, each with its routes and OpenAPI annotations.

pub mod activities;
pub mod articles;
pub mod attachments;
pub mod audit;
pub mod bulk;
pub mod companies;
pub mod company_duplicates;
pub mod contacts;
pub mod csv;
pub mod custom_fields;
pub mod deals;
pub mod duplicates;
pub mod exchange_rates;
pub mod forecast;
pub mod imports;
pub mod kinds;
pub mod macros;
pub mod mail;
pub mod openapi;
pub mod orders;
pub mod pipelines;
pub mod products;
pub mod quotes;
pub mod settings;
pub mod teams;
pub mod tickets;
pub mod tokens;
pub mod users;
pub mod webhooks;

use crate::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use comptoir_app::AppError;
use comptoir_app::idempotency::{Answer, Once};
use comptoir_domain::users::Actor;
use serde::Serialize;
use std::future::Future;
use std::str::FromStr;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(contacts::router())
        .merge(bulk::router())
        .merge(imports::router())
        .merge(duplicates::router())
        .merge(company_duplicates::router())
        .merge(companies::router())
        .merge(activities::router())
        .merge(deals::router())
        .merge(tickets::router())
        .merge(attachments::router())
        .merge(forecast::router())
        .merge(pipelines::router())
        .merge(products::router())
        .merge(articles::router())
        .merge(macros::router())
        .merge(teams::router())
        .merge(quotes::router())
        .merge(orders::router())
        .merge(settings::router())
        .merge(exchange_rates::router())
        .merge(mail::router())
        .merge(custom_fields::router())
        .merge(users::router())
        .merge(tokens::router())
        .merge(audit::router())
        .merge(webhooks::router())
        .merge(openapi::router())
        .fallback(|| async { ApiError(AppError::NotFound) })
        .layer(axum::extract::DefaultBodyLimit::max(crate::extract::MAX_JSON_BODY))
}

/// A record id from the path. Something that is not an id names no record: 404, like an id
/// that does not exist.
pub struct RecordId<T>(pub T);

impl<T: FromStr, S: Send + Sync> FromRequestParts<S> for RecordId<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw) = axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError(AppError::NotFound))?;
        raw.parse().map(RecordId).map_err(|_| ApiError(AppError::NotFound))
    }
}

fn json_response<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], bytes)
            .into_response(),
        Err(error) => ApiError(AppError::Internal(error.to_string())).into_response(),
    }
}

fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

/// A record with its version as `ETag`, for `If-Match` on the next change.
pub fn versioned<T: Serialize>(status: StatusCode, version: i64, body: &T) -> Response {
    let mut response = json_response(status, body);
    response.headers_mut().insert(header::ETAG, etag(version));
    response
}

/// A newly created record, ready to be answered now or replayed to a retry.
pub struct Created {
    pub location: String,
    pub version: i64,
    pub body: Vec<u8>,
}

impl Created {
    pub fn new<T: Serialize>(location: String, version: i64, record: &T) -> Result<Self, ApiError> {
        let body = serde_json::to_vec(record).map_err(|e| ApiError(AppError::Internal(e.to_string())))?;
        Ok(Created { location, version, body })
    }

    fn into_response(self) -> Response {
        let mut response = (
            StatusCode::CREATED,
            [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            self.body,
        )
            .into_response();
        let headers = response.headers_mut();
        headers.insert(header::ETAG, etag(self.version));
        if let Ok(location) = HeaderValue::from_str(&self.location) {
            headers.insert(header::LOCATION, location);
        }
        response
    }
}

/// Runs a creation at most once per `Idempotency-Key`: a retry gets the first answer back.
/// `create` receives the key to settle in its transaction, or `None` when the client sent none.
pub async fn create_once<F, Fut>(
    state: &AppState,
    actor: &Actor,
    key: Option<String>,
    collection: &str,
    raw_body: &[u8],
    create: F,
) -> Result<Response, ApiError>
where
    F: FnOnce(Option<Once>) -> Fut,
    Fut: Future<Output = Result<Created, ApiError>>,
{
    let Some(key) = key else {
        return Ok(create(None).await?.into_response());
    };
    let once = Once::new(key, "POST", collection, raw_body)?;
    if let Some(answer) = state.app.replay(actor, &once).await? {
        return Ok(replayed(collection, answer));
    }
    match create(Some(once.clone())).await {
        Ok(created) => Ok(created.into_response()),
        // A concurrent request with the same key may have completed while this one ran.
        Err(error) => match state.app.replay(actor, &once).await {
            Ok(Some(answer)) => Ok(replayed(collection, answer)),
            _ => Err(error),
        },
    }
}

/// The first answer to a key, given again, with the headers it had.
fn replayed(collection: &str, answer: Answer) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let record = serde_json::from_str::<serde_json::Value>(&answer.body).ok();
    let mut response =
        (status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], answer.body)
            .into_response();
    let headers = response.headers_mut();
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    if let Some(record) = record {
        if let Some(id) = record.get("id").and_then(|v| v.as_str())
            && let Ok(location) = HeaderValue::from_str(&format!("{collection}/{id}"))
        {
            headers.insert(header::LOCATION, location);
        }
        if let Some(version) = record.get("version").and_then(serde_json::Value::as_i64) {
            headers.insert(header::ETAG, etag(version));
        }
    }
    response
}

/// The answer to a successful `DELETE`.
pub fn deleted() -> Response {
    StatusCode::NO_CONTENT.into_response()
}
