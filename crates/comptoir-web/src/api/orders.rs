//! `/api/v1/orders`: what customers bought.

use super::{RecordId, kinds, versioned};
use crate::error::{ApiError, Problem};
use crate::extract::{Caller, IfMatch, JsonBody, ListParams};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use comptoir_app::orders::{Orders, Received};
use comptoir_domain::ids::OrderId;
use comptoir_domain::orders::{Order, OrderInput};
use serde::Serialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orders", get(list).post(receive))
        .route("/orders/{id}", get(read).patch(update).delete(remove))
        .route("/orders/{id}/pdf", get(pdf))
        .route("/orders/{id}/html", get(html))
}

/// The order's confirmation as a PDF document, in the language of `Accept-Language` (French
/// or English): the seller as the settings name it now, the customer, the quote it came from,
/// the lines, the VAT breakdown, the payment terms and the mentions French law asks of a
/// business document.
#[utoipa::path(get, path = "/api/v1/orders/{id}/pdf", tag = "orders",
    params(("id" = OrderId, Path), ("Accept-Language" = Option<String>, Header, description = "fr or en")),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = Problem)))]
pub async fn pdf(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<OrderId>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let printed =
        crate::printing::print_order(&state.app, &actor, id, crate::printing::reader(&headers)).await?;
    Ok(printed.into_response())
}

/// The order's confirmation as one self-contained web page, saying what its PDF says.
#[utoipa::path(get, path = "/api/v1/orders/{id}/html", tag = "orders",
    params(("id" = OrderId, Path), ("Accept-Language" = Option<String>, Header, description = "fr or en")),
    responses((status = 200, content_type = "text/html", body = String), (status = 404, body = Problem)))]
pub async fn html(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<OrderId>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    Ok(crate::printing::show_order(&state.app, &actor, id, crate::printing::reader(&headers)).await?)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct OrderPage {
    pub data: Vec<Order>,
    pub next_cursor: Option<String>,
}

/// List orders, newest first (`filter[company_id]=…`, `filter[external_id]=…`,
/// `filter[ordered_on][gte]=2026-01-01`, `sort=-total`).
#[utoipa::path(get, path = "/api/v1/orders", tag = "orders",
    params(
        ("limit" = Option<u32>, Query, description = "1 to 500, default 50"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
        ("sort" = Option<String>, Query, description = "a field, - for descending; default -created_at"),
    ),
    responses((status = 200, body = OrderPage), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ListParams(query): ListParams,
) -> Result<Response, ApiError> {
    kinds::list::<Orders>(&state, &actor, &query).await
}

/// Record an order, numbered `C-{year}-{n}`. From a shop or an ERP, give its reference as
/// `external_id`: sending it again updates that order with what was sent (200), never adds a
/// second one; a new reference answers 201.
#[utoipa::path(post, path = "/api/v1/orders", tag = "orders", request_body = OrderInput,
    responses((status = 201, body = Order), (status = 200, body = Order), (status = 422, body = Problem),
        (status = 403, body = Problem)))]
pub async fn receive(
    State(state): State<AppState>,
    Caller(actor): Caller,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let (order, received) = state.app.receive_order(&actor, body.value).await?;
    let status = if received == Received::Created { StatusCode::CREATED } else { StatusCode::OK };
    let mut response = versioned(status, order.version, &order);
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/orders/{}", order.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// Read an order, with its totals and VAT breakdown.
#[utoipa::path(get, path = "/api/v1/orders/{id}", tag = "orders",
    params(("id" = OrderId, Path)),
    responses((status = 200, body = Order), (status = 404, body = Problem)))]
pub async fn read(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<OrderId>,
) -> Result<Response, ApiError> {
    kinds::read::<Orders>(&state, &actor, id).await
}

/// Change an order with a JSON merge patch: its status (`fulfilled`, `cancelled`), its lines.
#[utoipa::path(patch, path = "/api/v1/orders/{id}", tag = "orders", request_body = OrderInput,
    params(("id" = OrderId, Path), ("If-Match" = Option<String>, Header, description = "the ETag last read")),
    responses((status = 200, body = Order), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<OrderId>,
    IfMatch(if_match): IfMatch,
    body: JsonBody,
) -> Result<Response, ApiError> {
    kinds::update::<Orders>(&state, &actor, id, if_match, body).await
}

/// Always refused (409): a order keeps its number for good, so the series has no gaps;
/// cancel it instead.
#[utoipa::path(delete, path = "/api/v1/orders/{id}", tag = "orders",
    params(("id" = OrderId, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 409, body = Problem), (status = 404, body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<OrderId>,
    IfMatch(if_match): IfMatch,
) -> Result<Response, ApiError> {
    kinds::remove::<Orders>(&state, &actor, id, if_match).await
}
