//! `/api/v1/contacts`

use super::{Created, RecordId, create_once, deleted, versioned};
use crate::download::{Download, accepts, stream, vcard_file};
use crate::error::{ApiError, Problem};
use crate::extract::{Caller, IdempotencyKey, IfMatch, JsonBody, ListParams};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use comptoir_app::contacts::Contacts;
use comptoir_domain::activities::Activity;
use comptoir_domain::contacts::{Contact, ContactInput};
use comptoir_domain::ids::ContactId;
use comptoir_domain::kinds::{RecordKind, RecordRef};
use comptoir_domain::listing::{ListQuery, MAX_LIMIT};
use comptoir_domain::users::Actor;
use comptoir_import::vcard;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contacts", get(list).post(create))
        .route("/contacts/count", get(count))
        .route("/contacts/{id}", get(read).patch(update).delete(remove))
        .route("/contacts/{id}/timeline", get(timeline))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ContactPage {
    pub data: Vec<Contact>,
    pub next_cursor: Option<String>,
}

/// Count the contacts a list's filters and search match (the same `filter[…]` and `q` as the
/// list), without reading them.
#[utoipa::path(get, path = "/api/v1/contacts/count", tag = "contacts",
    params(("q" = Option<String>, Query, description = "the list's search")),
    responses((status = 200, body = super::kinds::ListCount), (status = 422, body = Problem)))]
pub async fn count(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ListParams(query): ListParams,
) -> Result<Response, ApiError> {
    super::kinds::count::<Contacts>(&state, &actor, &query).await
}

/// List contacts, with filters (`filter[city]=Lyon`, `filter[cf.budget][gt]=1000`), sort
/// (`sort=-updated_at`), full-text search (`q=helene dup`) and cursor pagination.
/// With `Accept: text/csv`, every contact the list matches, as CSV streamed a page at a time
/// (one column per field as the API names it), which `POST /api/v1/imports` takes back; with
/// `Accept: text/vcard`, the same contacts as vCard 4.0 cards, for an address book.
#[utoipa::path(get, path = "/api/v1/contacts", tag = "contacts",
    params(
        ("limit" = Option<u32>, Query, description = "1 to 500, default 50"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
        ("sort" = Option<String>, Query, description = "a field, - for descending; default -created_at"),
        ("q" = Option<String>, Query, description = "accent- and case-insensitive prefix search"),
    ),
    responses((status = 200, body = ContactPage), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    headers: axum::http::HeaderMap,
    ListParams(query): ListParams,
) -> Result<Response, ApiError> {
    if super::csv::wants_csv(&headers) {
        return super::csv::list::<Contacts>(&state, &actor, query, "contacts").await;
    }
    if accepts(&headers, "text/vcard") {
        return cards(&state, actor, query).await;
    }
    let page = state.app.list::<Contacts>(&actor, &query).await?;
    Ok(axum::Json(page).into_response())
}

/// Create a contact.
#[utoipa::path(post, path = "/api/v1/contacts", tag = "contacts", request_body = ContactInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key creates nothing twice")),
    responses((status = 201, body = Contact), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    IdempotencyKey(key): IdempotencyKey,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let JsonBody { value, raw } = body;
    let (app, actor) = (&state.app, &actor);
    create_once(&state, actor, key, "/api/v1/contacts", &raw, |once| async move {
        let contact = app.create::<Contacts>(actor, value, once.as_ref()).await?;
        Created::new(format!("/api/v1/contacts/{}", contact.id), contact.version, &contact)
    })
    .await
}

/// Every contact `query` matches, as vCard 4.0 cards streamed a page at a time.
async fn cards(state: &AppState, actor: Actor, mut query: ListQuery) -> Result<Response, ApiError> {
    query.limit = MAX_LIMIT;
    query.cursor = None;
    let first = state.app.list::<Contacts>(&actor, &query).await?;
    let render = |contacts: &[Contact]| -> Result<Vec<u8>, std::io::Error> {
        let mut out = String::new();
        contacts.iter().for_each(|contact| vcard::write_card(contact, &mut out));
        Ok(out.into_bytes())
    };
    let download = Download { content_type: vcard::MEDIA_TYPE, file_name: "contacts.vcf".to_owned() };
    Ok(stream::<Contacts>(state.app.clone(), actor, query, first, Vec::new(), render, download))
}

/// Read a contact, with its company; with `Accept: text/vcard`, its vCard 4.0 card.
#[utoipa::path(get, path = "/api/v1/contacts/{id}", tag = "contacts",
    params(("id" = ContactId, Path)),
    responses((status = 200, body = Contact), (status = 404, body = Problem)))]
pub async fn read(
    State(state): State<AppState>,
    Caller(actor): Caller,
    headers: axum::http::HeaderMap,
    RecordId(id): RecordId<ContactId>,
) -> Result<Response, ApiError> {
    let contact = state.app.get::<Contacts>(&actor, id).await?;
    if accepts(&headers, "text/vcard") {
        return Ok(vcard_file(&contact));
    }
    Ok(versioned(StatusCode::OK, contact.version, &contact))
}

/// Change a contact with a JSON merge patch; send `If-Match` to refuse a stale write.
#[utoipa::path(patch, path = "/api/v1/contacts/{id}", tag = "contacts", request_body = ContactInput,
    params(("id" = ContactId, Path), ("If-Match" = Option<String>, Header, description = "the ETag last read")),
    responses((status = 200, body = Contact), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<ContactId>,
    IfMatch(if_match): IfMatch,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let contact = state.app.update::<Contacts>(&actor, id, &body.value, if_match).await?;
    Ok(versioned(StatusCode::OK, contact.version, &contact))
}

/// Delete a contact and its timeline.
#[utoipa::path(delete, path = "/api/v1/contacts/{id}", tag = "contacts",
    params(("id" = ContactId, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<ContactId>,
    IfMatch(if_match): IfMatch,
) -> Result<Response, ApiError> {
    state.app.delete::<Contacts>(&actor, id, if_match).await?;
    Ok(deleted())
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ActivityPage {
    pub data: Vec<Activity>,
    pub next_cursor: Option<String>,
}

/// A contact's activities, newest first.
#[utoipa::path(get, path = "/api/v1/contacts/{id}/timeline", tag = "contacts",
    params(("id" = ContactId, Path), ("limit" = Option<u32>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = ActivityPage), (status = 404, body = Problem)))]
pub async fn timeline(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<ContactId>,
    ListParams(query): ListParams,
) -> Result<Response, ApiError> {
    let page = state.app.timeline(&actor, RecordRef { kind: RecordKind::Contact, id: id.0 }, &query).await?;
    Ok(axum::Json(page).into_response())
}
