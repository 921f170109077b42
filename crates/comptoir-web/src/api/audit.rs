//! `/api/v1/audit` (admins)

use crate::error::{ApiError, Problem, bad_request};
use crate::extract::{Caller, query_pairs};
use crate::state::AppState;
use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use comptoir_domain::audit::{AuditEntry, AuditFilter};
use comptoir_domain::listing::{DEFAULT_LIMIT, parse_limit};
use serde::Serialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(list))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    pub data: Vec<AuditEntry>,
    pub next_cursor: Option<String>,
}

/// The list's parameters, read into the filter the use case takes.
pub struct AuditQuery(AuditFilter);

impl<S: Send + Sync> FromRequestParts<S> for AuditQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let mut query = AuditFilter { limit: DEFAULT_LIMIT, ..AuditFilter::default() };
        for (key, value) in query_pairs(parts)? {
            match key.as_str() {
                "object" | "cursor" if value.is_empty() => {}
                "object" => query.object_type = Some(value),
                "object_id" => {
                    query.object_id =
                        Some(value.parse().map_err(|_| bad_request("object_id", "must be an id"))?)
                }
                "operation_id" => {
                    query.operation_id =
                        Some(value.parse().map_err(|_| bad_request("operation_id", "must be an id"))?)
                }
                "cursor" => {
                    query.before = Some(value.parse().map_err(|_| bad_request("cursor", "is not a cursor"))?)
                }
                "limit" => {
                    query.limit = parse_limit(&value).map_err(|message| bad_request("limit", message))?
                }
                other => return Err(bad_request(other, "is not a parameter of this list")),
            }
        }
        Ok(AuditQuery(query))
    }
}

/// Who changed what and when, newest first: `?object=contact&object_id=…`.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit",
    params(("object" = Option<String>, Query, description = "contact, company, activity, custom_field, user, token"),
        ("object_id" = Option<Uuid>, Query),
        ("operation_id" = Option<Uuid>, Query, description = "the entries of one bulk change"),
        ("cursor" = Option<String>, Query), ("limit" = Option<u32>, Query)),
    responses((status = 200, body = AuditPage), (status = 403, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    AuditQuery(filter): AuditQuery,
) -> Result<Response, ApiError> {
    let limit = filter.limit;
    let mut data = state.app.list_audit(&actor, &AuditFilter { limit: limit + 1, ..filter }).await?;
    let next_cursor = if data.len() > limit as usize {
        data.truncate(limit as usize);
        data.last().map(|e| e.id.to_string())
    } else {
        None
    };
    Ok(axum::Json(AuditPage { data, next_cursor }).into_response())
}
