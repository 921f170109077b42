//! Errors as RFC 9457 problem documents (`application/problem+json`).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use comptoir_app::AppError;
use comptoir_domain::{FieldError, ValidationErrors};
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI reference naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: &'static str,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// On 422: every field that was refused, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// An error on its way to the client.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        ApiError(error)
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(errors: ValidationErrors) -> Self {
        ApiError(AppError::Validation(errors))
    }
}

impl ApiError {
    pub fn problem(&self) -> Problem {
        let (status, kind, title, detail, errors) = match &self.0 {
            AppError::Validation(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "/problems/validation",
                "The request has invalid fields",
                Some(errors.to_string()),
                errors.0.clone(),
            ),
            AppError::NotFound => (StatusCode::NOT_FOUND, "/problems/not-found", "Not found", None, vec![]),
            AppError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                "/problems/unauthenticated",
                "Authentication required",
                Some("send Authorization: Bearer <token>".to_owned()),
                vec![],
            ),
            AppError::Forbidden(why) => {
                (StatusCode::FORBIDDEN, "/problems/forbidden", "Forbidden", Some((*why).to_owned()), vec![])
            }
            AppError::PreconditionFailed { .. } => (
                StatusCode::PRECONDITION_FAILED,
                "/problems/stale-version",
                "The record has changed",
                Some(self.0.to_string()),
                vec![],
            ),
            AppError::Conflict(why) => {
                (StatusCode::CONFLICT, "/problems/conflict", "Conflict", Some(why.clone()), vec![])
            }
            AppError::Busy(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "/problems/busy",
                "The database is busy",
                Some("nothing was written; try again in a moment".to_owned()),
                vec![],
            ),
            AppError::Store(_) | AppError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "/problems/internal",
                "Internal error",
                // The cause is logged, not shown: it may name tables or values.
                None,
                vec![],
            ),
        };
        Problem { kind, title, status: status.as_u16(), detail, errors }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if matches!(self.0, AppError::Store(_) | AppError::Internal(_)) {
            tracing::error!(error = %self.0, "request failed");
        }
        if matches!(self.0, AppError::Busy(_)) {
            tracing::warn!(error = %self.0, "request gave way to others");
        }
        let problem = self.problem();
        let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (status, body).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

/// A problem made here rather than by a use case: a malformed body or header.
pub fn bad_request(field: &str, message: impl Into<String>) -> ApiError {
    ApiError(AppError::Validation(ValidationErrors::single(field, message)))
}

/// A problem met before any use case runs (a method, a body's size or type, a query string),
/// answered with its own status.
pub fn problem_response(
    status: StatusCode,
    kind: &'static str,
    title: &'static str,
    detail: String,
) -> Response {
    let body = Problem { kind, title, status: status.as_u16(), detail: Some(detail), errors: vec![] };
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let mut response = (status, bytes).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    response
}

#[cfg(test)]
mod busy_tests {
    use super::*;

    #[test]
    fn a_write_that_gave_way_to_others_is_a_503_to_retry() {
        let response = ApiError(AppError::Busy("deadlock detected".to_owned())).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers().get(header::RETRY_AFTER), Some(&HeaderValue::from_static("1")));
        let problem = ApiError(AppError::Busy("deadlock detected".to_owned())).problem();
        assert_eq!(problem.kind, "/problems/busy");
        assert!(
            problem.detail.is_some_and(|detail| !detail.contains("deadlock")),
            "the cause is logged, not shown"
        );
    }
}
