//! `/api/v1/imports`: a file sent as the request's body becomes an import that runs in the
//! background; its resource tells how far it has got, what it did and which rows it left out,
//! and undoes it.

use crate::error::{ApiError, Problem, bad_request, problem_response};
use crate::extract::{Caller, query_pairs};
use crate::state::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use comptoir_app::AppError;
use comptoir_app::imports::ImportRequest;
use comptoir_domain::ids::OperationId;
use comptoir_domain::imports::Import;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use tokio_stream::StreamExt;

use super::{RecordId, json_response};

/// The largest file an import takes through the API; the command line takes any size.
pub const MAX_IMPORT_BYTES: u64 = 1024 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/imports", get(list).post(create))
        .route("/imports/{id}", get(read))
        .route("/imports/{id}/undo", post(undo))
}

/// What `POST /api/v1/imports` is asked, from its query string.
pub struct ImportParams {
    file_name: String,
    dry_run: bool,
    mapping: BTreeMap<String, String>,
}

impl<S: Send + Sync> FromRequestParts<S> for ImportParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let mut params =
            ImportParams { file_name: "import.csv".to_owned(), dry_run: false, mapping: BTreeMap::new() };
        let mut kind = None;
        for (key, value) in query_pairs(parts)? {
            match key.as_str() {
                "kind" => kind = Some(value),
                "file_name" => params.file_name = value.chars().take(255).collect(),
                "dry_run" => {
                    params.dry_run = match value.as_str() {
                        "true" | "1" => true,
                        "false" | "0" => false,
                        _ => return Err(bad_request("dry_run", "must be true or false")),
                    }
                }
                other => match other.strip_prefix("map.") {
                    Some(header) => {
                        params.mapping.insert(header.to_owned(), value);
                    }
                    None => return Err(bad_request(other, "is not a parameter of an import")),
                },
            }
        }
        match kind.as_deref() {
            Some("contacts") => Ok(params),
            Some(_) => Err(bad_request("kind", "only contacts are imported for now")),
            None => Err(bad_request("kind", "is required: contacts")),
        }
    }
}

/// A file being received, removed once the import is done with it (or never started).
struct Received(PathBuf);

impl Drop for Received {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Writes the body to a file of its own as it arrives, so a big file never sits in memory,
/// and fingerprints it on the way.
async fn receive(body: Body) -> Result<(Received, String), Response> {
    let path = std::env::temp_dir().join(format!("comptoir-import-{}", uuid::Uuid::now_v7()));
    let received = Received(path);
    let too_big = || {
        problem_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            "about:blank",
            "Payload Too Large",
            format!(
                "an import through the API takes at most {MAX_IMPORT_BYTES} bytes; the command line takes any size"
            ),
        )
    };
    let failed = |error: std::io::Error| ApiError(AppError::Internal(error.to_string())).into_response();
    let mut file = std::fs::File::create(&received.0).map_err(failed)?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| bad_request("body", "was not received whole").into_response())?;
        size += chunk.len() as u64;
        if size > MAX_IMPORT_BYTES {
            return Err(too_big());
        }
        hasher.update(&chunk);
        file.write_all(&chunk).map_err(failed)?;
    }
    file.flush().map_err(failed)?;
    Ok((received, hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()))
}

/// Import contacts from the CSV or TSV file sent as the body (any delimiter and encoding a
/// spreadsheet writes; `curl --data-binary @contacts.csv`). The import runs in the background:
/// the answer is its resource, at `Location`, to poll until its `status` is no longer
/// `running`. Rows are matched to existing contacts by email or phone; a row with an error is
/// left out and listed with its line. `dry_run=true` checks every row and writes nothing.
/// Columns are mapped from their headers (French or English); `map.<header>=<field>` changes
/// one (`map.Client=last_name`, `map.Notes=` to leave it out).
#[utoipa::path(post, path = "/api/v1/imports", tag = "imports",
    params(
        ("kind" = String, Query, description = "what the rows are: contacts"),
        ("file_name" = Option<String>, Query, description = "the file's name, as the list of imports shows it"),
        ("dry_run" = Option<bool>, Query, description = "check and count, write nothing"),
    ),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 202, body = Import), (status = 422, body = Problem), (status = 403, body = Problem),
        (status = 413, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    params: ImportParams,
    body: Body,
) -> Result<Response, ApiError> {
    if !actor.can_create_records() {
        return Err(ApiError(AppError::Forbidden("read-only users cannot import contacts")));
    }
    let (received, file_sha256) = match receive(body).await {
        Ok(received) => received,
        Err(response) => return Ok(response),
    };
    let file = std::fs::File::open(&received.0).map_err(|e| ApiError(AppError::Internal(e.to_string())))?;
    let request = ImportRequest {
        file_name: params.file_name,
        file_sha256,
        mapping: params.mapping,
        dry_run: params.dry_run,
    };
    let started = state.app.start_contact_import(&actor, std::io::BufReader::new(file), request).await?;
    let import = started.import.clone();
    let app = state.app.clone();
    tokio::spawn(async move {
        let id = started.import.id;
        if let Err(error) = app.run_contact_import(&actor, started, &|_| {}).await {
            tracing::error!(%error, %id, "import stopped");
        }
        drop(received);
    });
    let mut response = json_response(StatusCode::ACCEPTED, &import);
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/imports/{}", import.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ImportPage {
    pub data: Vec<Import>,
}

/// The latest imports, newest first: who ran them, on which file, what they did.
#[utoipa::path(get, path = "/api/v1/imports", tag = "imports",
    responses((status = 200, body = ImportPage)))]
pub async fn list(State(state): State<AppState>, Caller(actor): Caller) -> Result<Response, ApiError> {
    let data = state.app.list_imports(Some(&actor), None, 100).await?;
    Ok(axum::Json(ImportPage { data }).into_response())
}

/// One import: how far it has got, its counts, the rows it left out and why.
#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "imports",
    params(("id" = uuid::Uuid, Path, description = "the import's id")),
    responses((status = 200, body = Import), (status = 404, body = Problem)))]
pub async fn read(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<OperationId>,
) -> Result<Response, ApiError> {
    let import = state.app.get_import(&actor, id).await?;
    Ok(axum::Json(import).into_response())
}

/// Undo an import: the contacts and companies it created are deleted, those it changed are put
/// back as they were, except records changed since, which are left as they are and named in
/// `undo.left_alone_ids`. Whoever ran the import, or an admin, undoes it.
#[utoipa::path(post, path = "/api/v1/imports/{id}/undo", tag = "imports",
    params(("id" = uuid::Uuid, Path, description = "the import's id")),
    responses((status = 200, body = Import), (status = 404, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem)))]
pub async fn undo(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<OperationId>,
) -> Result<Response, ApiError> {
    let import = state.app.undo_import(&actor, id).await?;
    Ok(axum::Json(import).into_response())
}
