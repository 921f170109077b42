//! `/api/v1/duplicates` and `/api/v1/merges`: likely duplicate contacts found by a scan, each
//! pair with its score and reasons; merging one contact into another, and undoing it.

use crate::error::{ApiError, Problem, bad_request};
use crate::extract::{Caller, JsonBody, query_pairs};
use crate::state::AppState;
use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use comptoir_app::input::parse;
use comptoir_domain::duplicates::{DuplicatePair, Merge, MergeRequest, PairStatus, ScanReport};
use comptoir_domain::ids::OperationId;
use serde::Serialize;
use uuid::Uuid;

use super::{RecordId, json_response};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/duplicates", get(list))
        .route("/duplicates/scan", get(last_scan).post(scan))
        .route("/duplicates/{id}", get(read))
        .route("/duplicates/{id}/dismiss", post(dismiss))
        .route("/merges", post(merge))
        .route("/merges/{id}", get(read_merge))
        .route("/merges/{id}/undo", post(undo))
}

/// What a list of pairs is asked, from its query string.
pub struct PairParams {
    pub status: PairStatus,
    pub after: Option<Uuid>,
    pub limit: u32,
}

impl<S: Send + Sync> FromRequestParts<S> for PairParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let mut params = PairParams { status: PairStatus::Open, after: None, limit: 50 };
        for (key, value) in query_pairs(parts)? {
            match key.as_str() {
                "status" => {
                    params.status = PairStatus::parse(&value)
                        .ok_or_else(|| bad_request("status", "must be open or dismissed"))?;
                }
                "after" => {
                    params.after =
                        Some(value.parse().map_err(|_| bad_request("after", "must be the id of a pair"))?);
                }
                "limit" => {
                    params.limit = value
                        .parse()
                        .ok()
                        .filter(|limit| (1..=200).contains(limit))
                        .ok_or_else(|| bad_request("limit", "must be a whole number from 1 to 200"))?;
                }
                other => return Err(bad_request(other, "is not a parameter of this list")),
            }
        }
        Ok(params)
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PairPage {
    pub data: Vec<DuplicatePair>,
    /// The id to pass as `after` for the next page; absent on the last.
    pub next: Option<Uuid>,
}

/// Likely duplicate contacts, the likeliest first: each pair with its score (0–100) and the
/// evidence for it. `status=dismissed` lists pairs someone said are two people.
#[utoipa::path(get, path = "/api/v1/duplicates", tag = "duplicates",
    params(
        ("status" = Option<String>, Query, description = "open (the default) or dismissed"),
        ("after" = Option<uuid::Uuid>, Query, description = "the last pair of the previous page"),
        ("limit" = Option<u32>, Query, description = "1 to 200, 50 by default"),
    ),
    responses((status = 200, body = PairPage), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    params: PairParams,
) -> Result<Response, ApiError> {
    let after = match params.after {
        Some(id) => {
            let pair = state
                .app
                .duplicate_pair(&actor, id)
                .await
                .map_err(|_| bad_request("after", "is not a pair"))?;
            Some((pair.score, pair.id))
        }
        None => None,
    };
    let data = state.app.duplicate_pairs(&actor, params.status, after, params.limit).await?;
    let next = (data.len() == params.limit as usize).then(|| data.last().map(|pair| pair.id)).flatten();
    Ok(axum::Json(PairPage { data, next }).into_response())
}

/// One pair of likely duplicates.
#[utoipa::path(get, path = "/api/v1/duplicates/{id}", tag = "duplicates",
    params(("id" = uuid::Uuid, Path, description = "the pair's id")),
    responses((status = 200, body = DuplicatePair), (status = 404, body = Problem)))]
pub async fn read(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<Uuid>,
) -> Result<Response, ApiError> {
    Ok(axum::Json(state.app.duplicate_pair(&actor, id).await?).into_response())
}

/// Say the two contacts of a pair are two people: later scans leave the pair alone.
#[utoipa::path(post, path = "/api/v1/duplicates/{id}/dismiss", tag = "duplicates",
    params(("id" = uuid::Uuid, Path, description = "the pair's id")),
    responses((status = 200, body = DuplicatePair), (status = 404, body = Problem), (status = 403, body = Problem)))]
pub async fn dismiss(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<Uuid>,
) -> Result<Response, ApiError> {
    Ok(axum::Json(state.app.decide_pair(&actor, id, PairStatus::Dismissed).await?).into_response())
}

/// What the last scan for duplicates found and how long it took; `running` while one runs.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ScanState {
    pub running: bool,
    pub last: Option<ScanReport>,
}

/// The last scan for duplicates.
#[utoipa::path(get, path = "/api/v1/duplicates/scan", tag = "duplicates",
    responses((status = 200, body = ScanState)))]
pub async fn last_scan(State(state): State<AppState>, Caller(_actor): Caller) -> Result<Response, ApiError> {
    let last = state.app.last_duplicate_scan().await?;
    Ok(axum::Json(ScanState { running: state.app.scanning_for_duplicates(), last }).into_response())
}

/// Look for duplicates among all contacts and all companies, in the background: the open
/// pairs are replaced by what the scan finds (dismissed pairs stay dismissed). Poll
/// `GET /api/v1/duplicates/scan`.
#[utoipa::path(post, path = "/api/v1/duplicates/scan", tag = "duplicates",
    responses((status = 202, body = ScanState), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn scan(State(state): State<AppState>, Caller(actor): Caller) -> Result<Response, ApiError> {
    let last = state.app.last_duplicate_scan().await?;
    state.app.start_duplicate_scan(&actor)?;
    let mut response = json_response(StatusCode::ACCEPTED, &ScanState { running: true, last });
    response.headers_mut().insert(header::LOCATION, HeaderValue::from_static("/api/v1/duplicates/scan"));
    Ok(response)
}

/// Merge one contact into another. The survivor keeps its values except the fields named in
/// `take_from_merged`, and fills its empty fields from the merged contact; both sides' emails,
/// phones, tags and custom fields are kept. Every activity, deal, quote and order of the
/// merged contact moves to the survivor, then the merged contact is deleted. One operation:
/// `POST /api/v1/merges/{id}/undo` puts it all back.
#[utoipa::path(post, path = "/api/v1/merges", tag = "duplicates", request_body = MergeRequest,
    responses((status = 201, body = Merge), (status = 422, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
pub async fn merge(
    State(state): State<AppState>,
    Caller(actor): Caller,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let request: MergeRequest = parse(body.value).map_err(comptoir_app::AppError::from)?;
    let merge = state.app.merge_contacts(&actor, &request).await?;
    let mut response = json_response(StatusCode::CREATED, &merge);
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/merges/{}", merge.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// One merge: who merged which contact into which, what moved, whether it was undone.
#[utoipa::path(get, path = "/api/v1/merges/{id}", tag = "duplicates",
    params(("id" = uuid::Uuid, Path, description = "the merge's id")),
    responses((status = 200, body = Merge), (status = 404, body = Problem)))]
pub async fn read_merge(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<OperationId>,
) -> Result<Response, ApiError> {
    Ok(axum::Json(state.app.merge(&actor, id).await?).into_response())
}

/// Undo a merge: the merged contact comes back with the records that moved, and the survivor
/// gets its earlier values back unless it changed since (`survivor_left_alone`). Whoever
/// merged, or an admin, undoes it.
#[utoipa::path(post, path = "/api/v1/merges/{id}/undo", tag = "duplicates",
    params(("id" = uuid::Uuid, Path, description = "the merge's id")),
    responses((status = 200, body = Merge), (status = 404, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem)))]
pub async fn undo(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<OperationId>,
) -> Result<Response, ApiError> {
    Ok(axum::Json(state.app.undo_merge(&actor, id).await?).into_response())
}
