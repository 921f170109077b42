//! `/api/v1/audit` (admins)

use crate::error::{ApiError, Problem, bad_request};
use crate::extract::{Caller, query_pairs};
use crate::state::AppState;
use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use comptoir_domain::audit::AuditEntry;
use comptoir_domain::ids::AuditId;
use comptoir_domain::listing::{DEFAULT_LIMIT, parse_limit};
use serde::Serialize;
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(list))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    pub data: Vec<AuditEntry>,
    pub next_cursor: Option<String>,
}

pub struct AuditQuery {
    object: Option<String>,
    object_id: Option<Uuid>,
    cursor: Option<AuditId>,
    limit: u32,
}

impl<S: Send + Sync> FromRequestParts<S> for AuditQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let mut query = AuditQuery { object: None, object_id: None, cursor: None, limit: DEFAULT_LIMIT };
        for (key, value) in query_pairs(parts)? {
            match key.as_str() {
                "object" | "cursor" if value.is_empty() => {}
                "object" => query.object = Some(value),
                "object_id" => {
                    query.object_id =
                        Some(value.parse().map_err(|_| bad_request("object_id", "must be an id"))?)
                }
                "cursor" => {
                    query.cursor = Some(value.parse().map_err(|_| bad_request("cursor", "is not a cursor"))?)
                }
                "limit" => {
                    query.limit = parse_limit(&value).map_err(|message| bad_request("limit", message))?
                }
                other => return Err(bad_request(other, "is not a parameter of this list")),
            }
        }
        Ok(query)
    }
}

/// Who changed what and when, newest first: `?object=contact&object_id=…`.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit",
    params(("object" = Option<String>, Query, description = "contact, company, activity, custom_field, user, token"),
        ("object_id" = Option<Uuid>, Query), ("cursor" = Option<String>, Query), ("limit" = Option<u32>, Query)),
    responses((status = 200, body = AuditPage), (status = 403, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    query: AuditQuery,
) -> Result<Response, ApiError> {
    let mut data = state
        .app
        .list_audit(&actor, query.object.as_deref(), query.object_id, query.cursor, query.limit + 1)
        .await?;
    let next_cursor = if data.len() > query.limit as usize {
        data.truncate(query.limit as usize);
        data.last().map(|e| e.id.to_string())
    } else {
        None
    };
    Ok(axum::Json(AuditPage { data, next_cursor }).into_response())
}
