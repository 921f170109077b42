//! `/api/v1/companies`

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
use comptoir_app::companies::Companies;
use comptoir_domain::companies::{Company, CompanyInput};
use comptoir_domain::ids::CompanyId;
use comptoir_domain::kinds::{RecordKind, RecordRef};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/companies", get(list).post(create))
        .route("/companies/count", get(count))
        .route("/companies/{id}", get(read).patch(update).delete(remove))
        .route("/companies/{id}/timeline", get(timeline))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CompanyPage {
    pub data: Vec<Company>,
    pub next_cursor: Option<String>,
}

/// Count the companies a list's filters and search match (the same `filter[…]` and `q` as the
/// list), without reading them.
#[utoipa::path(get, path = "/api/v1/companies/count", tag = "companies",
    params(("q" = Option<String>, Query, description = "the list's search")),
    responses((status = 200, body = super::kinds::ListCount), (status = 422, body = Problem)))]
pub async fn count(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ListParams(query): ListParams,
) -> Result<Response, ApiError> {
    super::kinds::count::<Companies>(&state, &actor, &query).await
}

/// List companies, with filters (`filter[city]=Lyon`, `filter[relationship_type]=customer`), sort
/// (`sort=-updated_at`), full-text search (`q=acme`) and cursor pagination.
/// With `Accept: text/csv`, every company the list matches, as CSV streamed a page at a time
/// (one column per field as the API names it), which `POST /api/v1/imports` takes back.
#[utoipa::path(get, path = "/api/v1/companies", tag = "companies",
    params(
        ("limit" = Option<u32>, Query, description = "1 to 500, default 50"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
        ("sort" = Option<String>, Query, description = "a field, - for descending; default -created_at"),
        ("q" = Option<String>, Query, description = "accent- and case-insensitive prefix search"),
    ),
    responses((status = 200, body = CompanyPage), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    headers: axum::http::HeaderMap,
    ListParams(query): ListParams,
) -> Result<Response, ApiError> {
    if super::csv::wants_csv(&headers) {
        return super::csv::list::<Companies>(&state, &actor, query, "companies").await;
    }
    let page = state.app.list::<Companies>(&actor, &query).await?;
    Ok(axum::Json(page).into_response())
}

/// Create a company.
#[utoipa::path(post, path = "/api/v1/companies", tag = "companies", request_body = CompanyInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key creates nothing twice")),
    responses((status = 201, body = Company), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    IdempotencyKey(key): IdempotencyKey,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let JsonBody { value, raw } = body;
    let (app, actor) = (&state.app, &actor);
    create_once(&state, actor, key, "/api/v1/companies", &raw, |once| async move {
        let company = app.create::<Companies>(actor, value, once.as_ref()).await?;
        Created::new(format!("/api/v1/companies/{}", company.id), company.version, &company)
    })
    .await
}

/// Read a company, with its custom fields.
#[utoipa::path(get, path = "/api/v1/companies/{id}", tag = "companies",
    params(("id" = CompanyId, Path)),
    responses((status = 200, body = Company), (status = 404, body = Problem)))]
pub async fn read(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<CompanyId>,
) -> Result<Response, ApiError> {
    let company = state.app.get::<Companies>(&actor, id).await?;
    Ok(versioned(StatusCode::OK, company.version, &company))
}

/// Change a company with a JSON merge patch; send `If-Match` to refuse a stale write.
#[utoipa::path(patch, path = "/api/v1/companies/{id}", tag = "companies", request_body = CompanyInput,
    params(("id" = CompanyId, Path), ("If-Match" = Option<String>, Header, description = "the ETag last read")),
    responses((status = 200, body = Company), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<CompanyId>,
    IfMatch(if_match): IfMatch,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let company = state.app.update::<Companies>(&actor, id, &body.value, if_match).await?;
    Ok(versioned(StatusCode::OK, company.version, &company))
}

/// Delete a company (its contacts stay, without a company).
#[utoipa::path(delete, path = "/api/v1/companies/{id}", tag = "companies",
    params(("id" = CompanyId, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<CompanyId>,
    IfMatch(if_match): IfMatch,
) -> Result<Response, ApiError> {
    state.app.delete::<Companies>(&actor, id, if_match).await?;
    Ok(deleted())
}

/// A company's activities and its contacts', newest first.
#[utoipa::path(get, path = "/api/v1/companies/{id}/timeline", tag = "companies",
    params(("id" = CompanyId, Path), ("limit" = Option<u32>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = ActivityPage), (status = 404, body = Problem)))]
pub async fn timeline(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<CompanyId>,
    ListParams(query): ListParams,
) -> Result<Response, ApiError> {
    let page = state.app.timeline(&actor, RecordRef { kind: RecordKind::Company, id: id.0 }, &query).await?;
    Ok(axum::Json(page).into_response())
}
