//! `/api/v1/quotes`: quotes, from draft to accepted.

use super::{RecordId, kinds, versioned};
use crate::error::{ApiError, Problem};
use crate::extract::{Caller, IdempotencyKey, IfMatch, JsonBody, ListParams};
use crate::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::response::Response;
use axum::routing::{get, post};
use comptoir_app::quotes::Quotes;
use comptoir_domain::ValidationErrors;
use comptoir_domain::ids::QuoteId;
use comptoir_domain::quotes::{Quote, QuoteInput, QuoteStatus};
use serde::{Deserialize, Serialize};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/quotes", get(list).post(create))
        .route("/quotes/{id}", get(read).patch(update).delete(remove))
        .route("/quotes/{id}/send", post(send))
        .route("/quotes/{id}/accept", post(accept))
        .route("/quotes/{id}/refuse", post(refuse))
        .route("/quotes/{id}/pdf", get(pdf))
        .route("/quotes/{id}/html", get(html))
        .route("/quotes/{id}/copy", post(copy))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct QuotePage {
    pub data: Vec<Quote>,
    pub next_cursor: Option<String>,
}

/// List quotes, newest first (`filter[deal_id]=…`, `filter[status]=sent`,
/// `filter[valid_until][lt]=2027-01-01`, `sort=-total`).
#[utoipa::path(get, path = "/api/v1/quotes", tag = "quotes",
    params(
        ("limit" = Option<u32>, Query, description = "1 to 500, default 50"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
        ("sort" = Option<String>, Query, description = "a field, - for descending; default -created_at"),
    ),
    responses((status = 200, body = QuotePage), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ListParams(query): ListParams,
) -> Result<Response, ApiError> {
    kinds::list::<Quotes>(&state, &actor, &query).await
}

/// Write a quote: a draft numbered `D-{year}-{n}` in a series without gaps. Lines name a
/// product (its name, unit, price and VAT rate fill what they leave out) or say it all.
#[utoipa::path(post, path = "/api/v1/quotes", tag = "quotes", request_body = QuoteInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key creates nothing twice")),
    responses((status = 201, body = Quote), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    IdempotencyKey(key): IdempotencyKey,
    body: JsonBody,
) -> Result<Response, ApiError> {
    kinds::create::<Quotes>(&state, &actor, key, "/api/v1/quotes", body).await
}

/// Read a quote, with its totals and VAT breakdown.
#[utoipa::path(get, path = "/api/v1/quotes/{id}", tag = "quotes",
    params(("id" = QuoteId, Path)),
    responses((status = 200, body = Quote), (status = 404, body = Problem)))]
pub async fn read(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<QuoteId>,
) -> Result<Response, ApiError> {
    kinds::read::<Quotes>(&state, &actor, id).await
}

/// Change a draft with a JSON merge patch (`lines` is replaced whole). Once sent, a quote's
/// content is fixed: 409.
#[utoipa::path(patch, path = "/api/v1/quotes/{id}", tag = "quotes", request_body = QuoteInput,
    params(("id" = QuoteId, Path), ("If-Match" = Option<String>, Header, description = "the ETag last read")),
    responses((status = 200, body = Quote), (status = 409, body = Problem), (status = 412, body = Problem),
        (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<QuoteId>,
    IfMatch(if_match): IfMatch,
    body: JsonBody,
) -> Result<Response, ApiError> {
    kinds::update::<Quotes>(&state, &actor, id, if_match, body).await
}

async fn set_status(
    state: &AppState,
    actor: &comptoir_domain::users::Actor,
    id: QuoteId,
    status: QuoteStatus,
    if_match: Option<i64>,
) -> Result<Response, ApiError> {
    let quote = state.app.set_quote_status(actor, id, status, if_match).await?;
    Ok(versioned(StatusCode::OK, quote.version, &quote))
}

/// Send a draft (`quote.sent`); it needs at least one line.
#[utoipa::path(post, path = "/api/v1/quotes/{id}/send", tag = "quotes",
    params(("id" = QuoteId, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, body = Quote), (status = 422, body = Problem)))]
pub async fn send(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<QuoteId>,
    IfMatch(if_match): IfMatch,
) -> Result<Response, ApiError> {
    set_status(&state, &actor, id, QuoteStatus::Sent, if_match).await
}

/// What accepting a quote does beside.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Acceptance {
    /// Whether its deal, if open, is won too; true when omitted.
    #[serde(default)]
    pub win_deal: Option<bool>,
}

/// Accept a sent quote (`quote.accepted`): an order is made of its lines (`order.created`,
/// its id in `order_id`) and its deal, if still open, is won (`deal.won`), all at once.
#[utoipa::path(post, path = "/api/v1/quotes/{id}/accept", tag = "quotes", request_body = Option<Acceptance>,
    params(("id" = QuoteId, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, body = Quote), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn accept(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<QuoteId>,
    IfMatch(if_match): IfMatch,
    body: Bytes,
) -> Result<Response, ApiError> {
    // The body is optional: accepting says everything by itself.
    let acceptance: Acceptance = if body.iter().all(u8::is_ascii_whitespace) {
        Acceptance { win_deal: None }
    } else {
        let value = serde_json::from_slice(&body)
            .map_err(|e| ValidationErrors::single("body", format!("is not JSON: {e}")))?;
        comptoir_app::input::parse(value)?
    };
    let (quote, _order) =
        state.app.accept_quote(&actor, id, acceptance.win_deal.unwrap_or(true), if_match).await?;
    Ok(versioned(StatusCode::OK, quote.version, &quote))
}

/// Record that the customer refused a sent quote (`quote.refused`).
#[utoipa::path(post, path = "/api/v1/quotes/{id}/refuse", tag = "quotes",
    params(("id" = QuoteId, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, body = Quote), (status = 422, body = Problem)))]
pub async fn refuse(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<QuoteId>,
    IfMatch(if_match): IfMatch,
) -> Result<Response, ApiError> {
    set_status(&state, &actor, id, QuoteStatus::Refused, if_match).await
}

/// Always refused (409): a quote keeps its number for good, so the series has no gaps;
/// refuse it instead.
#[utoipa::path(delete, path = "/api/v1/quotes/{id}", tag = "quotes",
    params(("id" = QuoteId, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 409, body = Problem), (status = 404, body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<QuoteId>,
    IfMatch(if_match): IfMatch,
) -> Result<Response, ApiError> {
    kinds::remove::<Quotes>(&state, &actor, id, if_match).await
}

/// The quote as a PDF document, in the language of `Accept-Language` (French or English):
/// the seller's identity from the settings, the customer, the lines, the VAT breakdown, the
/// payment terms, the mentions French law asks of a business document and a box for the
/// customer's acceptance.
#[utoipa::path(get, path = "/api/v1/quotes/{id}/pdf", tag = "quotes",
    params(("id" = QuoteId, Path), ("Accept-Language" = Option<String>, Header, description = "fr or en")),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = Problem)))]
pub async fn pdf(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<QuoteId>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let printed =
        crate::printing::print_quote(&state.app, &actor, id, crate::printing::reader(&headers)).await?;
    Ok(printed.into_response())
}

/// The quote as a web page, saying what the PDF says, in the language of `Accept-Language`:
/// one self-contained file (style and logo inside it, no script) to send or show a customer.
#[utoipa::path(get, path = "/api/v1/quotes/{id}/html", tag = "quotes",
    params(("id" = QuoteId, Path), ("Accept-Language" = Option<String>, Header, description = "fr or en")),
    responses((status = 200, content_type = "text/html", body = String), (status = 404, body = Problem)))]
pub async fn html(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<QuoteId>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    Ok(crate::printing::show_quote(&state.app, &actor, id, crate::printing::reader(&headers)).await?)
}

/// Copy a quote into a new draft (same deal, customer, currency, lines, terms and notes; a new
/// number, today's date): how a sent quote is revised.
#[utoipa::path(post, path = "/api/v1/quotes/{id}/copy", tag = "quotes",
    params(("id" = QuoteId, Path)),
    responses((status = 201, body = Quote), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn copy(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<QuoteId>,
) -> Result<Response, ApiError> {
    let draft = state.app.copy_quote(&actor, id).await?;
    let mut response = versioned(StatusCode::CREATED, draft.version, &draft);
    if let Ok(location) = header::HeaderValue::from_str(&format!("/api/v1/quotes/{}", draft.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}
