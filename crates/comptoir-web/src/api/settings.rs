//! `/api/v1/settings`: the organisation's settings.

use super::versioned;
use crate::attached::{MAX_UPLOAD_REQUEST, logo_image, read_form};
use crate::error::{ApiError, Problem, bad_request};
use crate::extract::{Caller, IfMatch, JsonBody};
use crate::state::AppState;
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use comptoir_app::AppError;
use comptoir_domain::seller::{Seller, SellerInput};
use comptoir_domain::service_levels::ServiceLevels;
use serde::Serialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/seller", get(seller).patch(set_seller))
        .route(
            "/settings/logo",
            get(logo).put(set_logo).delete(remove_logo).layer(DefaultBodyLimit::max(MAX_UPLOAD_REQUEST)),
        )
        .route("/settings/service-levels", get(service_levels).put(set_service_levels))
}

/// The identity quotes and orders are issued under (ETag `"0"` until an admin sets it).
#[utoipa::path(get, path = "/api/v1/settings/seller", tag = "settings",
    responses((status = 200, body = Seller)))]
pub async fn seller(State(state): State<AppState>, Caller(_actor): Caller) -> Result<Response, ApiError> {
    let (seller, version) = state.app.seller().await?;
    Ok(versioned(StatusCode::OK, version, &seller))
}

/// Change the seller's identity with a JSON merge patch (admins only): name, legal form,
/// share capital, address, SIREN, RCS registry city, VAT number, contact details, default
/// payment terms.
#[utoipa::path(patch, path = "/api/v1/settings/seller", tag = "settings", request_body = SellerInput,
    params(("If-Match" = Option<String>, Header, description = "the ETag last read")),
    responses((status = 200, body = Seller), (status = 403, body = Problem), (status = 412, body = Problem),
        (status = 422, body = Problem)))]
pub async fn set_seller(
    State(state): State<AppState>,
    Caller(actor): Caller,
    IfMatch(if_match): IfMatch,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let (seller, version) = state.app.set_seller(&actor, &body.value, if_match).await?;
    Ok(versioned(StatusCode::OK, version, &seller))
}

/// The seller's logo, printed above its name on quotes: the image as it was set (PNG or
/// JPEG), 404 when there is none.
#[utoipa::path(get, path = "/api/v1/settings/logo", tag = "settings",
    responses((status = 200, description = "the image", content_type = "image/png"), (status = 404, body = Problem)))]
pub async fn logo(State(state): State<AppState>, Caller(_actor): Caller) -> Result<Response, ApiError> {
    let logo = state.app.seller_logo().await?.ok_or(AppError::NotFound)?;
    Ok(logo_image(logo))
}

/// What a logo set is.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LogoSet {
    pub content_type: String,
    pub size: usize,
    pub sha256: String,
}

/// Set the seller's logo (admins only): `multipart/form-data` with one `file` part, a PNG or
/// JPEG image of 1 MB at most that opens whole.
#[utoipa::path(put, path = "/api/v1/settings/logo", tag = "settings",
    request_body(content_type = "multipart/form-data", description = "one `file` part"),
    responses((status = 200, body = LogoSet), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn set_logo(
    State(state): State<AppState>,
    Caller(actor): Caller,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let form = form.map_err(|_| bad_request("file", "send the image as multipart/form-data"))?;
    let read = read_form(form, None).await.map_err(|_| bad_request("file", "the form could not be read"))?;
    let logo = crate::attached::set_logo(&state.app, &actor, read).await?;
    let set = LogoSet { content_type: logo.content_type, size: logo.content.len(), sha256: logo.sha256 };
    Ok(super::json_response(StatusCode::OK, &set))
}

/// Remove the seller's logo (admins only); quotes print without one.
#[utoipa::path(delete, path = "/api/v1/settings/logo", tag = "settings",
    responses((status = 204, description = "removed"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn remove_logo(State(state): State<AppState>, Caller(actor): Caller) -> Result<Response, ApiError> {
    state.app.remove_seller_logo(&actor).await?;
    Ok(super::deleted())
}

/// The business hours and the service-level targets every ticket's deadlines follow (the
/// defaults, ETag `"0"`, until an admin sets them).
#[utoipa::path(get, path = "/api/v1/settings/service-levels", tag = "settings",
    responses((status = 200, body = ServiceLevels)))]
pub async fn service_levels(
    State(state): State<AppState>,
    Caller(_actor): Caller,
) -> Result<Response, ApiError> {
    let (levels, version) = state.app.service_levels().await?;
    Ok(versioned(StatusCode::OK, version, &levels))
}

/// Replace the service levels (admins only): the business hours (a time zone, each weekday's
/// openings such as `"09:00-12:30"`, `public_holidays` `france`, `alsace_moselle` or `none`,
/// other closed days) and the policies, tried in order, the first whose `priorities` and
/// `categories` (empty: any) name a ticket setting its targets in business minutes. Tickets
/// take the new deadlines when they next change.
#[utoipa::path(put, path = "/api/v1/settings/service-levels", tag = "settings", request_body = ServiceLevels,
    params(("If-Match" = Option<String>, Header, description = "the ETag last read")),
    responses((status = 200, body = ServiceLevels), (status = 403, body = Problem), (status = 412, body = Problem),
        (status = 422, body = Problem)))]
pub async fn set_service_levels(
    State(state): State<AppState>,
    Caller(actor): Caller,
    IfMatch(if_match): IfMatch,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let (levels, version) = state.app.set_service_levels(&actor, body.value, if_match).await?;
    Ok(versioned(StatusCode::OK, version, &levels))
}
