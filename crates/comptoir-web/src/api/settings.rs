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

pub fn router() -> Router<AppState> {
    Router::new().route("/settings/seller", get(seller).patch(set_seller))
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
