//! `/api/v1/company-duplicates` and `/api/v1/company-merges`: likely duplicate companies,
//! found by the same scan as contacts' (`POST /api/v1/duplicates/scan`), each pair with its
//! score and reasons; merging one company into another, and undoing it.

use super::duplicates::PairParams;
use super::{RecordId, json_response};
use crate::error::{ApiError, Problem, bad_request};
use crate::extract::{Caller, JsonBody};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use comptoir_app::input::parse;
use comptoir_domain::company_merges::{CompanyMerge, CompanyMergeRequest, CompanyPair};
use comptoir_domain::duplicates::PairStatus;
use comptoir_domain::ids::OperationId;
use serde::Serialize;
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/company-duplicates", get(list))
        .route("/company-duplicates/{id}", get(read))
        .route("/company-duplicates/{id}/dismiss", post(dismiss))
        .route("/company-merges", post(merge))
        .route("/company-merges/{id}", get(read_merge))
        .route("/company-merges/{id}/undo", post(undo))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CompanyPairPage {
    pub data: Vec<CompanyPair>,
    /// The id to pass as `after` for the next page; absent on the last.
    pub next: Option<Uuid>,
}

/// Likely duplicate companies, the likeliest first: each pair with its score (0–100) and the
/// evidence for it (one SIREN decides: the same is one company, two are two).
/// `status=dismissed` lists pairs someone said are two companies.
#[utoipa::path(get, path = "/api/v1/company-duplicates", tag = "duplicates",
    params(
        ("status" = Option<String>, Query, description = "open (the default) or dismissed"),
        ("after" = Option<uuid::Uuid>, Query, description = "the last pair of the previous page"),
        ("limit" = Option<u32>, Query, description = "1 to 200, 50 by default"),
    ),
    responses((status = 200, body = CompanyPairPage), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    params: PairParams,
) -> Result<Response, ApiError> {
    let after = match params.after {
        Some(id) => {
            let pair = state
                .app
                .company_pair(&actor, id)
                .await
                .map_err(|_| bad_request("after", "is not a pair"))?;
            Some((pair.score, pair.id))
        }
        None => None,
    };
    let data = state.app.company_pairs(&actor, params.status, after, params.limit).await?;
    let next = (data.len() == params.limit as usize).then(|| data.last().map(|pair| pair.id)).flatten();
    Ok(axum::Json(CompanyPairPage { data, next }).into_response())
}

/// One pair of likely duplicate companies.
#[utoipa::path(get, path = "/api/v1/company-duplicates/{id}", tag = "duplicates",
    params(("id" = uuid::Uuid, Path, description = "the pair's id")),
    responses((status = 200, body = CompanyPair), (status = 404, body = Problem)))]
pub async fn read(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<Uuid>,
) -> Result<Response, ApiError> {
    Ok(axum::Json(state.app.company_pair(&actor, id).await?).into_response())
}

/// Say the two companies of a pair are two: later scans leave the pair alone.
#[utoipa::path(post, path = "/api/v1/company-duplicates/{id}/dismiss", tag = "duplicates",
    params(("id" = uuid::Uuid, Path, description = "the pair's id")),
    responses((status = 200, body = CompanyPair), (status = 404, body = Problem), (status = 403, body = Problem)))]
pub async fn dismiss(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<Uuid>,
) -> Result<Response, ApiError> {
    Ok(axum::Json(state.app.decide_company_pair(&actor, id, PairStatus::Dismissed).await?).into_response())
}

/// Merge one company into another. The survivor keeps its values except the fields named in
/// `take_from_merged`, and fills its empty fields from the merged company; both sides'
/// addresses, phone numbers, tags and custom fields are kept. Every contact, activity, deal,
/// quote, order and ticket of the merged company moves to the survivor, then the merged
/// company is deleted. One operation: `POST /api/v1/company-merges/{id}/undo` puts it back.
#[utoipa::path(post, path = "/api/v1/company-merges", tag = "duplicates", request_body = CompanyMergeRequest,
    responses((status = 201, body = CompanyMerge), (status = 422, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
pub async fn merge(
    State(state): State<AppState>,
    Caller(actor): Caller,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let request: CompanyMergeRequest = parse(body.value).map_err(comptoir_app::AppError::from)?;
    let merge = state.app.merge_companies(&actor, &request).await?;
    let mut response = json_response(StatusCode::CREATED, &merge);
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/company-merges/{}", merge.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// One merge of companies: who merged which into which, what moved, whether it was undone.
#[utoipa::path(get, path = "/api/v1/company-merges/{id}", tag = "duplicates",
    params(("id" = uuid::Uuid, Path, description = "the merge's id")),
    responses((status = 200, body = CompanyMerge), (status = 404, body = Problem)))]
pub async fn read_merge(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<OperationId>,
) -> Result<Response, ApiError> {
    Ok(axum::Json(state.app.company_merge(&actor, id).await?).into_response())
}

/// Undo a merge of companies: the merged company comes back with the records that moved, and
/// the survivor gets its earlier values back unless it changed since (`survivor_left_alone`).
/// Whoever merged, or an admin, undoes it.
#[utoipa::path(post, path = "/api/v1/company-merges/{id}/undo", tag = "duplicates",
    params(("id" = uuid::Uuid, Path, description = "the merge's id")),
    responses((status = 200, body = CompanyMerge), (status = 404, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem)))]
pub async fn undo(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<OperationId>,
) -> Result<Response, ApiError> {
    Ok(axum::Json(state.app.undo_company_merge(&actor, id).await?).into_response())
}
