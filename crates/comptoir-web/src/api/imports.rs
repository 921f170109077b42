//! `/api/v1/imports`: a file sent as the request's body becomes an import that runs in the
//! background; its resource tells how far it has got, what it did and which rows it left out,
//! and undoes it.

use crate::error::{ApiError, Problem, bad_request, problem_response};
use crate::extract::{Caller, query_pairs};
use crate::state::AppState;
use crate::uploads::{UploadError, receive};
use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use comptoir_app::AppError;
use comptoir_app::imports::ImportRequest;
use comptoir_domain::ids::{ImportTemplateId, OperationId};
use comptoir_domain::import_templates::{ImportTemplate, ImportTemplateInput};
use comptoir_domain::imports::Import;
use comptoir_import::mapping::RowKind;
use std::collections::BTreeMap;

use super::{RecordId, json_response};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/imports", get(list).post(create))
        .route("/imports/{id}", get(read))
        .route("/imports/{id}/undo", post(undo))
        .route("/import-templates", get(templates).post(keep_template))
        .route("/import-templates/{id}", axum::routing::delete(delete_template))
}

/// What `POST /api/v1/imports` is asked, from its query string.
pub struct ImportParams {
    file_name: String,
    dry_run: bool,
    skip_lookalikes: bool,
    mapping: BTreeMap<String, String>,
    template: Option<ImportTemplateId>,
    kind: RowKind,
}

impl<S: Send + Sync> FromRequestParts<S> for ImportParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let mut params = ImportParams {
            file_name: "import.csv".to_owned(),
            dry_run: false,
            skip_lookalikes: false,
            mapping: BTreeMap::new(),
            template: None,
            kind: RowKind::Contacts,
        };
        let mut kind = None;
        for (key, value) in query_pairs(parts)? {
            match key.as_str() {
                "kind" => kind = Some(value),
                "file_name" => params.file_name = value.chars().take(255).collect(),
                "template" => {
                    let id = value.parse().map_err(|_| bad_request("template", "must be an id"))?;
                    params.template = Some(id);
                }
                "dry_run" => params.dry_run = yes_or_no("dry_run", &value)?,
                "skip_lookalikes" => params.skip_lookalikes = yes_or_no("skip_lookalikes", &value)?,
                other => match other.strip_prefix("map.") {
                    Some(header) => {
                        params.mapping.insert(header.to_owned(), value);
                    }
                    None => return Err(bad_request(other, "is not a parameter of an import")),
                },
            }
        }
        match kind.as_deref().map(RowKind::parse) {
            Some(Some(kind)) => Ok(ImportParams { kind, ..params }),
            Some(None) => Err(bad_request("kind", "must be contacts or companies")),
            None => Err(bad_request("kind", "is required: contacts or companies")),
        }
    }
}

fn yes_or_no(parameter: &str, value: &str) -> Result<bool, ApiError> {
    match value {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(bad_request(parameter, "must be true or false")),
    }
}

/// Import contacts (`kind=contacts`) or companies (`kind=companies`) from the CSV or TSV file
/// sent as the body (any delimiter and encoding a spreadsheet writes; `curl --data-binary
/// @contacts.csv`); contacts also from vCards. The import runs in the background:
/// the answer is its resource, at `Location`, to poll until its `status` is no longer
/// `running`. Rows are matched to existing contacts by email or phone, companies by SIREN,
/// domain or name; a row with an error is
/// left out and listed with its line. `dry_run=true` checks every row and writes nothing.
/// A row that would make a new contact looking like one on file (a name written differently
/// in the same place or company, the same customer number) is listed in `lookalikes`, and
/// left out with `skip_lookalikes=true`.
/// Columns are mapped from their headers (French or English); `map.<header>=<field>` changes
/// one (`map.Client=last_name`, `map.Notes=` to leave it out); `template=<id>` maps the
/// columns a kept template names first.
#[utoipa::path(post, path = "/api/v1/imports", tag = "imports",
    params(
        ("kind" = String, Query, description = "what the rows are: contacts or companies"),
        ("file_name" = Option<String>, Query, description = "the file's name, as the list of imports shows it"),
        ("dry_run" = Option<bool>, Query, description = "check and count, write nothing"),
        ("skip_lookalikes" = Option<bool>, Query, description = "leave out rows that look like a contact on file"),
        ("template" = Option<uuid::Uuid>, Query, description = "an import template whose mapping comes first"),
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
        return Err(ApiError(AppError::Forbidden("read-only users cannot import records")));
    }
    let upload = match receive(body.into_data_stream()).await {
        Ok(upload) => upload,
        Err(UploadError::TooBig) => {
            return Ok(problem_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                "about:blank",
                "Payload Too Large",
                UploadError::TooBig.to_string(),
            ));
        }
        Err(UploadError::Broken) => return Err(bad_request("body", "was not received whole")),
        Err(UploadError::Io(error)) => return Err(ApiError(AppError::Internal(error.to_string()))),
    };
    let file = upload.open().map_err(|e| ApiError(AppError::Internal(e.to_string())))?;
    let request = ImportRequest {
        file_name: params.file_name,
        file_sha256: upload.sha256.clone(),
        file_bytes: upload.size,
        mapping: params.mapping,
        template: params.template,
        kind: params.kind,
        dry_run: params.dry_run,
        skip_lookalikes: params.skip_lookalikes,
    };
    let started = state.app.start_import(&actor, file, request).await?;
    let import = started.import.clone();
    let app = state.app.clone();
    tokio::spawn(async move {
        let id = started.import.id;
        match app.run_import(&actor, started, &|_| {}).await {
            Ok(import) => {
                drop(upload);
                if let Err(error) = app.rescan_duplicates_after(&import).await {
                    tracing::warn!(%error, %id, "could not look for duplicates after an import");
                }
            }
            Err(error) => tracing::error!(%error, %id, "import stopped"),
        }
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

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ImportTemplatePage {
    pub data: Vec<ImportTemplate>,
}

/// The import templates, by name: column mappings kept for the next file of the same shape.
#[utoipa::path(get, path = "/api/v1/import-templates", tag = "imports",
    responses((status = 200, body = ImportTemplatePage)))]
pub async fn templates(State(state): State<AppState>, Caller(actor): Caller) -> Result<Response, ApiError> {
    let data = state.app.import_templates(&actor).await?;
    Ok(axum::Json(ImportTemplatePage { data }).into_response())
}

/// Keep a mapping under a name (`{"name", "mapping": {"<header>": "<field>"}}`, the fields an
/// import's `map.<header>` takes, `""` to leave a column out). A template of the same name,
/// case and accents aside, takes the new mapping (its author or an admin): `200`; else `201`.
#[utoipa::path(post, path = "/api/v1/import-templates", tag = "imports",
    request_body = ImportTemplateInput,
    responses((status = 201, body = ImportTemplate), (status = 200, body = ImportTemplate),
        (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn keep_template(
    State(state): State<AppState>,
    Caller(actor): Caller,
    body: crate::extract::JsonBody,
) -> Result<Response, ApiError> {
    let input: ImportTemplateInput = comptoir_app::input::parse(body.value)?;
    let (template, new) = state.app.save_import_template(&actor, input).await?;
    let status = if new { StatusCode::CREATED } else { StatusCode::OK };
    Ok(json_response(status, &template))
}

/// Delete a template: its author or an admin.
#[utoipa::path(delete, path = "/api/v1/import-templates/{id}", tag = "imports",
    params(("id" = uuid::Uuid, Path, description = "the template's id")),
    responses((status = 204), (status = 404, body = Problem), (status = 403, body = Problem)))]
pub async fn delete_template(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<ImportTemplateId>,
) -> Result<Response, ApiError> {
    state.app.delete_import_template(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
