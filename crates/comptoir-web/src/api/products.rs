//! `/api/v1/products`: the catalogue.

use super::{RecordId, kinds};
use crate::error::{ApiError, Problem};
use crate::extract::{Caller, IdempotencyKey, IfMatch, JsonBody, ListParams};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use comptoir_app::products::Products;
use comptoir_domain::ids::ProductId;
use comptoir_domain::products::{Product, ProductInput};
use serde::Serialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/products", get(list).post(create))
        .route("/products/{id}", get(read).patch(update).delete(remove))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ProductPage {
    pub data: Vec<Product>,
    pub next_cursor: Option<String>,
}

/// List the catalogue, by name unless sorted otherwise (`filter[active]=true`,
/// `filter[sku]=AUD-01`, `sort=-unit_price`).
#[utoipa::path(get, path = "/api/v1/products", tag = "products",
    params(
        ("limit" = Option<u32>, Query, description = "1 to 500, default 50"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
        ("sort" = Option<String>, Query, description = "a field, - for descending; default name"),
    ),
    responses((status = 200, body = ProductPage), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ListParams(query): ListParams,
) -> Result<Response, ApiError> {
    kinds::list::<Products>(&state, &actor, &query).await
}

/// Add a product or a service to the catalogue (managers and admins).
#[utoipa::path(post, path = "/api/v1/products", tag = "products", request_body = ProductInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key creates nothing twice")),
    responses((status = 201, body = Product), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    IdempotencyKey(key): IdempotencyKey,
    body: JsonBody,
) -> Result<Response, ApiError> {
    kinds::create::<Products>(&state, &actor, key, "/api/v1/products", body).await
}

/// Read a product.
#[utoipa::path(get, path = "/api/v1/products/{id}", tag = "products",
    params(("id" = ProductId, Path)),
    responses((status = 200, body = Product), (status = 404, body = Problem)))]
pub async fn read(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<ProductId>,
) -> Result<Response, ApiError> {
    kinds::read::<Products>(&state, &actor, id).await
}

/// Change a product with a JSON merge patch (managers and admins). Quotes already written
/// keep the price they were written with.
#[utoipa::path(patch, path = "/api/v1/products/{id}", tag = "products", request_body = ProductInput,
    params(("id" = ProductId, Path), ("If-Match" = Option<String>, Header, description = "the ETag last read")),
    responses((status = 200, body = Product), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<ProductId>,
    IfMatch(if_match): IfMatch,
    body: JsonBody,
) -> Result<Response, ApiError> {
    kinds::update::<Products>(&state, &actor, id, if_match, body).await
}

/// Remove a product from the catalogue (managers and admins); the lines priced from it keep
/// what they say. Setting `active` to false keeps it out of new lines instead.
#[utoipa::path(delete, path = "/api/v1/products/{id}", tag = "products",
    params(("id" = ProductId, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<ProductId>,
    IfMatch(if_match): IfMatch,
) -> Result<Response, ApiError> {
    kinds::remove::<Products>(&state, &actor, id, if_match).await
}
