//! `/api/v1/custom-fields`

use super::{Created, RecordId, create_once, deleted, versioned};
use crate::error::{ApiError, Problem, bad_request};
use crate::extract::{Caller, IdempotencyKey, IfMatch, JsonBody, query_pairs};
use crate::state::AppState;
use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use comptoir_app::custom_fields::CustomFieldInput;
use comptoir_domain::custom_fields::CustomFieldDefinition;
use comptoir_domain::ids::CustomFieldId;
use comptoir_domain::kinds::RecordKind;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/custom-fields", get(list).post(create))
        .route("/custom-fields/{id}", get(read).patch(update).delete(remove))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CustomFieldList {
    pub data: Vec<CustomFieldDefinition>,
    pub next_cursor: Option<String>,
}

/// `object_type=contact|company`, optional.
pub struct KindFilter(Option<RecordKind>);

impl<S: Send + Sync> FromRequestParts<S> for KindFilter {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let mut object_type = None;
        for (key, value) in query_pairs(parts)? {
            match key.as_str() {
                "object_type" => {
                    object_type = Some(value.parse().map_err(|e: String| bad_request("object_type", e))?)
                }
                other => return Err(bad_request(other, "is not a parameter of this list")),
            }
        }
        Ok(KindFilter(object_type))
    }
}

/// The custom field definitions, in display order. Every role reads them.
#[utoipa::path(get, path = "/api/v1/custom-fields", tag = "custom-fields",
    params(("object_type" = Option<RecordKind>, Query)),
    responses((status = 200, body = CustomFieldList)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    KindFilter(object_type): KindFilter,
) -> Result<Response, ApiError> {
    let data = state.app.list_custom_fields(&actor, object_type).await?;
    Ok(axum::Json(CustomFieldList { data, next_cursor: None }).into_response())
}

/// Define a custom field (admins).
#[utoipa::path(post, path = "/api/v1/custom-fields", tag = "custom-fields", request_body = CustomFieldInput,
    responses((status = 201, body = CustomFieldDefinition), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    IdempotencyKey(key): IdempotencyKey,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let JsonBody { value, raw } = body;
    let (app, actor) = (&state.app, &actor);
    create_once(&state, actor, key, "/api/v1/custom-fields", &raw, |once| async move {
        let definition = app.create_custom_field(actor, value, once.as_ref()).await?;
        Created::new(format!("/api/v1/custom-fields/{}", definition.id), definition.version, &definition)
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/custom-fields/{id}", tag = "custom-fields",
    params(("id" = CustomFieldId, Path)),
    responses((status = 200, body = CustomFieldDefinition), (status = 404, body = Problem)))]
pub async fn read(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<CustomFieldId>,
) -> Result<Response, ApiError> {
    let definition = state.app.get_custom_field(&actor, id).await?;
    Ok(versioned(StatusCode::OK, definition.version, &definition))
}

/// Rename, reorder or change the options of a field (admins).
#[utoipa::path(patch, path = "/api/v1/custom-fields/{id}", tag = "custom-fields", request_body = CustomFieldInput,
    params(("id" = CustomFieldId, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, body = CustomFieldDefinition), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<CustomFieldId>,
    IfMatch(if_match): IfMatch,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let definition = state.app.update_custom_field(&actor, id, &body.value, if_match).await?;
    Ok(versioned(StatusCode::OK, definition.version, &definition))
}

#[utoipa::path(delete, path = "/api/v1/custom-fields/{id}", tag = "custom-fields",
    params(("id" = CustomFieldId, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 204), (status = 403, body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<CustomFieldId>,
    IfMatch(if_match): IfMatch,
) -> Result<Response, ApiError> {
    state.app.delete_custom_field(&actor, id, if_match).await?;
    Ok(deleted())
}
