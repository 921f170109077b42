//! `/api/v1/settings`: the organisation's settings.

use super::versioned;
use crate::error::{ApiError, Problem};
use crate::extract::{Caller, IfMatch, JsonBody};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use comptoir_domain::seller::{Seller, SellerInput};
use comptoir_domain::service_levels::ServiceLevels;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/seller", get(seller).patch(set_seller))
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
