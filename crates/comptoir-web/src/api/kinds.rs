//! The answers every kind of record gives alike: a page, a creation (at most once per
//! `Idempotency-Key`), a record with its `ETag`, a change, a deletion. Each area's handlers
//! carry their own OpenAPI annotations and call these.

use super::{Created, create_once, deleted, versioned};
use crate::error::ApiError;
use crate::extract::JsonBody;
use crate::state::AppState;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use comptoir_app::kind::Kind;
use comptoir_domain::listing::{Count, ListQuery};
use comptoir_domain::users::Actor;
use serde::Serialize;
use uuid::Uuid;

pub async fn list<K: Kind>(state: &AppState, actor: &Actor, query: &ListQuery) -> Result<Response, ApiError> {
    let page = state.app.list::<K>(actor, query).await?;
    Ok(axum::Json(page).into_response())
}

/// How many records a list's filters and search match.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ListCount {
    pub count: u64,
    /// `exact`; `more_than` when counting stopped at `count` (10,000), time allowing; `about`
    /// when it is the engine's estimate of the whole table's size.
    pub precision: &'static str,
}

/// The count of what `query` matches, paging and sorting aside.
pub async fn count<K: Kind>(
    state: &AppState,
    actor: &Actor,
    query: &ListQuery,
) -> Result<Response, ApiError> {
    let (count, precision) = match state.app.count::<K>(actor, query).await? {
        Count::Exact(n) => (n, "exact"),
        Count::MoreThan(n) => (n, "more_than"),
        Count::About(n) => (n, "about"),
    };
    Ok(axum::Json(ListCount { count, precision }).into_response())
}

/// Creates a record of `collection` (`/api/v1/products`) from a body.
pub async fn create<K: Kind>(
    state: &AppState,
    actor: &Actor,
    key: Option<String>,
    collection: &'static str,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let JsonBody { value, raw } = body;
    let app = &state.app;
    create_once(state, actor, key, collection, &raw, |once| async move {
        let record = app.create::<K>(actor, value, once.as_ref()).await?;
        let id: Uuid = K::id(&record).into();
        Created::new(format!("{collection}/{id}"), K::version(&record), &record)
    })
    .await
}

pub async fn read<K: Kind>(state: &AppState, actor: &Actor, id: K::Id) -> Result<Response, ApiError> {
    let record = state.app.get::<K>(actor, id).await?;
    Ok(versioned(StatusCode::OK, K::version(&record), &record))
}

pub async fn update<K: Kind>(
    state: &AppState,
    actor: &Actor,
    id: K::Id,
    if_match: Option<i64>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let record = state.app.update::<K>(actor, id, &body.value, if_match).await?;
    Ok(versioned(StatusCode::OK, K::version(&record), &record))
}

pub async fn remove<K: Kind>(
    state: &AppState,
    actor: &Actor,
    id: K::Id,
    if_match: Option<i64>,
) -> Result<Response, ApiError> {
    state.app.delete::<K>(actor, id, if_match).await?;
    Ok(deleted())
}
