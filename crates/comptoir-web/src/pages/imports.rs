//! Importing contacts from the pages: a file is sent and checked (nothing written), the
//! check shows what the import will do, row by row, with the columns it recognised; the
//! columns can be changed and checked again, then the import runs for real. An import's page
//! follows it while it runs, and undoes it.

use super::errors::PageError;
use super::lists::{CSV_START, csv_rows};
use super::path::PagePath;
use super::session::{CSRF_FIELD, Submission, Visitor, check_origin};
use super::{Chrome, redirect, render};
use crate::security::same_secret;
use crate::state::AppState;
use crate::uploads::{Upload, UploadError, receive};
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use comptoir_app::AppError;
use comptoir_app::imports::{ImportRequest, fields_of, record_kind};
use comptoir_domain::ids::{ImportTemplateId, OperationId};
use comptoir_domain::import_templates::ImportTemplateInput;
use comptoir_domain::imports::{Import, ImportStatus};
use comptoir_domain::kinds::{RecordKind, RecordRef};
use comptoir_import::mapping::RowKind;
use std::collections::BTreeMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/imports", get(list).post(upload).layer(DefaultBodyLimit::disable()))
        .route("/imports/{id}", get(show))
        .route("/imports/{id}/progress", get(super::import_progress::progress))
        .route("/imports/{id}/run", post(run))
        .route("/imports/{id}/refused.csv", get(refused))
        .route("/imports/{id}/undo", post(undo))
        .route("/imports/{id}/template", post(keep_template))
        .route("/imports/templates/{id}/delete", post(delete_template))
}

/// An import as a line of the list.
struct Line {
    id: OperationId,
    when: String,
    file_name: String,
    status: String,
    dry_run: bool,
    rows: u64,
    created: u64,
    updated: u64,
    skipped: u64,
}

/// A kept template as the imports page lists it.
struct TemplateLine {
    id: ImportTemplateId,
    name: String,
    columns: usize,
    /// Whether the visitor may delete it: its author or an admin.
    mine: bool,
}

#[derive(Template)]
#[template(path = "imports.html")]
struct ListPage {
    page: Chrome,
    imports: Vec<Line>,
    templates: Vec<TemplateLine>,
    can_import: bool,
    error: Option<String>,
}

fn status_word(page: &Chrome, status: ImportStatus) -> String {
    page.t(&format!("import-status-{}", status.as_str()))
}

async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let error = match query.as_deref() {
        Some("gone") => Some(visitor.lang.t("import-file-gone")),
        _ => None,
    };
    Ok(render(&list_page(&state, &visitor, error).await?))
}

async fn list_page(state: &AppState, visitor: &Visitor, error: Option<String>) -> Result<ListPage, AppError> {
    let imports = state.app.list_imports(Some(&visitor.actor), None, 50).await?;
    let templates = state
        .app
        .import_templates(&visitor.actor)
        .await?
        .into_iter()
        .map(|t| TemplateLine {
            id: t.id,
            columns: t.mapping.values().filter(|key| !key.is_empty()).count(),
            mine: t.created_by == Some(visitor.actor.user_id) || visitor.actor.is_admin(),
            name: t.name,
        })
        .collect();
    let page = Chrome::new(visitor, "contacts");
    let imports = imports
        .into_iter()
        .map(|i| Line {
            id: i.id,
            when: page.datetime(&i.created_at),
            file_name: i.file_name,
            status: status_word(&page, i.status),
            dry_run: i.dry_run,
            rows: i.counts.rows,
            created: i.counts.created,
            updated: i.counts.updated,
            skipped: i.counts.skipped,
        })
        .collect();
    Ok(ListPage { can_import: visitor.actor.can_create_records(), page, imports, templates, error })
}

/// Receives the file of the upload form and checks it. The form's CSRF token comes before
/// the file, so a forged upload is refused before a byte of its file is stored.
async fn upload(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    mut form: Multipart,
) -> Result<Response, PageError> {
    check_origin(&headers)?;
    if !visitor.actor.can_create_records() {
        return Err(AppError::Forbidden("read-only users cannot import records").into());
    }
    let mut token_checked = false;
    let mut template = None;
    let mut kind = RowKind::Contacts;
    let mut received: Option<(Upload, String)> = None;
    while let Some(field) = form.next_field().await.map_err(|_| PageError::BadRequest)? {
        match field.name() {
            Some(CSRF_FIELD) => {
                let sent = field.text().await.map_err(|_| PageError::BadRequest)?;
                token_checked = same_secret(&sent, &visitor.csrf);
            }
            Some("kind") if token_checked => {
                let chosen = field.text().await.map_err(|_| PageError::BadRequest)?;
                kind = RowKind::parse(&chosen).ok_or(PageError::BadRequest)?;
            }
            Some("template") if token_checked => {
                let chosen = field.text().await.map_err(|_| PageError::BadRequest)?;
                template = chosen.parse::<ImportTemplateId>().ok();
            }
            Some("file") if token_checked => {
                let file_name = field.file_name().unwrap_or("import.csv").chars().take(255).collect();
                match receive(field).await {
                    Ok(upload) => received = Some((upload, file_name)),
                    Err(error @ UploadError::TooBig) => {
                        return refuse(&state, &visitor, visitor.lang.message(&error.to_string())).await;
                    }
                    Err(UploadError::Broken) => return Err(PageError::BadRequest),
                    Err(UploadError::Io(error)) => return Err(AppError::Internal(error.to_string()).into()),
                }
            }
            _ => {}
        }
    }
    if !token_checked {
        return Err(PageError::Forgery);
    }
    let Some((upload, file_name)) = received else {
        return refuse(&state, &visitor, visitor.lang.t("import-no-file")).await;
    };
    let request = ImportRequest {
        file_name,
        file_sha256: upload.sha256.clone(),
        file_bytes: upload.size,
        mapping: BTreeMap::new(),
        template,
        kind,
        dry_run: true,
        skip_lookalikes: false,
    };
    match check(&state, &visitor, upload, request).await {
        Ok(id) => Ok(redirect(&format!("/imports/{id}"), false)),
        Err(AppError::Validation(errors)) => refuse(&state, &visitor, visitor.lang.messages(&errors)).await,
        Err(other) => Err(other.into()),
    }
}

/// The list again, saying why the file was not taken.
async fn refuse(state: &AppState, visitor: &Visitor, error: String) -> Result<Response, PageError> {
    let page = list_page(state, visitor, Some(error)).await?;
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
}

/// Starts an import of `upload` in the background; a dry run keeps the file for the import
/// that will follow it.
async fn check(
    state: &AppState,
    visitor: &Visitor,
    upload: Upload,
    request: ImportRequest,
) -> Result<OperationId, AppError> {
    let dry_run = request.dry_run;
    let file = upload.open().map_err(|e| AppError::Internal(e.to_string()))?;
    let started = state.app.start_import(&visitor.actor, file, request).await?;
    let id = started.import.id;
    // The file stays open for the run wherever it is moved.
    let kept = if dry_run {
        upload.keep_for(id.0).map_err(|e| AppError::Internal(e.to_string()))?;
        None
    } else {
        Some(upload)
    };
    let app = state.app.clone();
    let actor = visitor.actor;
    tokio::spawn(async move {
        match app.run_import(&actor, started, &|_| {}).await {
            Ok(import) => {
                drop(kept);
                if let Err(error) = app.rescan_duplicates_after(&import).await {
                    tracing::warn!(%error, %id, "could not look for duplicates after an import");
                }
            }
            Err(error) => tracing::error!(%error, %id, "import stopped"),
        }
    });
    Ok(id)
}

/// A column of the file and the field it fills, with every field it could.
struct Column {
    header: String,
    chosen: String,
    /// The choice that makes it a new field of its name, for an admin.
    new_field: Option<String>,
}

/// A row that looks like a contact on file, as the import's page lists it.
struct LookalikeLine {
    line: u64,
    written: String,
    contact_id: uuid::Uuid,
    /// The contact's name; empty when it was deleted since.
    contact_name: String,
    score: u8,
    reasons: String,
}

/// How many of an import's kept errors and look-alike rows its page lists.
const LISTED: usize = 200;

/// The choice of a column's select that makes the column a new custom field.
const NEW_FIELD: &str = "new_field";

#[derive(Template)]
#[template(path = "import_show.html")]
struct ShowPage {
    page: Chrome,
    import: Import,
    status: String,
    running: bool,
    /// How much of the file has been read, in whole percent.
    percent: u64,
    when: String,
    columns: Vec<Column>,
    /// Every field a column may fill: key and words.
    fields: Vec<(String, String)>,
    errors: Vec<(u64, String, String)>,
    lookalikes: Vec<LookalikeLine>,
    may_run: bool,
    may_undo: bool,
    /// Whether the visitor may keep the columns as a template.
    may_keep: bool,
    /// The template name typed, and why it was refused.
    template_name: String,
    template_error: Option<String>,
    kept: bool,
}

async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<OperationId>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let kept = query.as_deref() == Some("kept");
    Ok(render(&show_page(&state, &visitor, id, kept, String::new(), None).await?))
}

/// An import's page; `template_name` and `template_error` answer the form that keeps its
/// columns as a template.
async fn show_page(
    state: &AppState,
    visitor: &Visitor,
    id: OperationId,
    kept: bool,
    template_name: String,
    template_error: Option<String>,
) -> Result<ShowPage, AppError> {
    let import = state.app.get_import(&visitor.actor, id).await?;
    let kind = RowKind::parse(&import.kind).unwrap_or_default();
    let definitions = state.app.definitions(record_kind(kind)).await?;
    let page = Chrome::new(visitor, "contacts");
    let mut fields = vec![(String::new(), page.t("import-left-out"))];
    for key in fields_of(kind, &definitions) {
        let words = match key.strip_prefix("custom_fields.") {
            Some(custom) => {
                definitions.iter().find(|d| d.key == custom).map_or(key.clone(), |d| d.label.clone())
            }
            None => page.t(&format!("import-field-{key}")),
        };
        fields.push((key, words));
    }
    let may_add_fields = visitor.actor.is_admin();
    let columns = import
        .mapping
        .iter()
        .map(|(header, chosen)| Column {
            header: header.clone(),
            chosen: chosen.clone(),
            new_field: may_add_fields.then(|| page.t1("import-new-field", "name", header)),
        })
        .collect();
    let errors = import
        .errors
        .iter()
        .take(LISTED)
        .map(|e| (e.line, e.field.clone(), visitor.lang.message(&e.message)))
        .collect();
    let listed = &import.lookalikes[..import.lookalikes.len().min(LISTED)];
    let contacts: Vec<RecordRef> =
        listed.iter().map(|l| RecordRef { kind: RecordKind::Contact, id: l.contact_id }).collect();
    let names = state.app.record_names(&visitor.actor, &contacts).await?;
    let lookalikes = listed
        .iter()
        .map(|l| LookalikeLine {
            line: l.line,
            written: l.written.clone(),
            contact_id: l.contact_id,
            contact_name: names.get(&l.contact_id).cloned().unwrap_or_default(),
            score: l.score,
            reasons: super::duplicates::reasons(&page, &l.reasons).join(", "),
        })
        .collect();
    let mine = import.created_by == Some(visitor.actor.user_id) || visitor.actor.is_admin();
    Ok(ShowPage {
        status: status_word(&page, import.status),
        running: import.status == ImportStatus::Running,
        percent: super::import_progress::percent(&import),
        when: page.datetime(&import.created_at),
        columns,
        fields,
        errors,
        lookalikes,
        may_run: mine
            && import.dry_run
            && import.status == ImportStatus::Done
            && visitor.actor.can_create_records(),
        may_undo: mine
            && !import.dry_run
            && matches!(import.status, ImportStatus::Done | ImportStatus::Failed | ImportStatus::Interrupted),
        may_keep: visitor.actor.can_create_records() && import.status != ImportStatus::Running,
        template_name,
        template_error,
        kept,
        import,
        page,
    })
}

/// Runs the checked file again, for real or as another check, with the columns as the form
/// maps them.
async fn run(
    State(state): State<AppState>,
    PagePath(id): PagePath<OperationId>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let checked = state.app.get_import(&visitor.actor, id).await?;
    if !checked.dry_run {
        return Err(PageError::BadRequest);
    }
    // The checked file is its sender's: only they, or an admin, import it.
    if checked.created_by != Some(visitor.actor.user_id) && !visitor.actor.is_admin() {
        return Err(AppError::Forbidden("only whoever sent a file, or an admin, imports it").into());
    }
    let mut mapping: BTreeMap<String, String> = checked
        .mapping
        .keys()
        .map(|header| {
            (header.clone(), form.fields.get(&format!("map.{header}")).unwrap_or_default().to_owned())
        })
        .collect();
    let new_fields: Vec<String> =
        mapping.iter().filter(|(_, key)| *key == NEW_FIELD).map(|(header, _)| header.clone()).collect();
    let kind = RowKind::parse(&checked.kind).unwrap_or_default();
    if !new_fields.is_empty() {
        mapping.extend(state.app.fields_for_columns(&visitor.actor, kind, &new_fields).await?);
    }
    let Some(upload) = Upload::kept(id.0, checked.file_sha256.clone()) else {
        return Ok(redirect("/imports?gone", false));
    };
    let dry_run = form.fields.get("dry_run").is_some();
    let skip_lookalikes = form.fields.get("skip_lookalikes").is_some();
    let request = ImportRequest {
        file_name: checked.file_name.clone(),
        file_sha256: checked.file_sha256,
        file_bytes: upload.size,
        mapping,
        template: None,
        kind,
        dry_run,
        skip_lookalikes,
    };
    match check(&state, visitor, upload, request).await {
        Ok(new) => Ok(redirect(&format!("/imports/{new}"), false)),
        Err(AppError::Validation(errors)) => refuse(&state, visitor, visitor.lang.messages(&errors)).await,
        Err(other) => Err(other.into()),
    }
}

/// Rows refused written at a time.
const REFUSED_PER_CHUNK: usize = 500;

/// The rows the check refused, every one, each with why, as CSV the visitor's spreadsheet
/// opens: the file's own columns, then the problem. Fixed, they are sent again.
async fn refused(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<OperationId>,
) -> Result<Response, PageError> {
    let import = state.app.get_import(&visitor.actor, id).await?;
    let Some(file) = Upload::read_kept(id.0) else {
        return Ok(redirect("/imports?gone", false));
    };
    let refusals = state.app.refusals(&visitor.actor, &import, file).await?;
    let lang = visitor.lang;
    let mut head = vec![CSV_START.as_bytes().to_vec()];
    let mut columns = refusals.header().to_vec();
    columns.push(lang.t("import-problem"));
    head.push(csv_rows(lang, &[columns]).map_err(|e| AppError::Internal(e.to_string()))?);
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    tokio::task::spawn_blocking(move || {
        if sender.blocking_send(Ok(head.concat())).is_err() {
            return;
        }
        let mut rows: Vec<Vec<String>> = Vec::with_capacity(REFUSED_PER_CHUNK);
        let mut refusals = refusals.peekable();
        while let Some(next) = refusals.next() {
            let chunk = match next {
                Ok(refusal) => {
                    let why: Vec<String> = refusal
                        .reasons
                        .iter()
                        .map(|(field, message)| format!("{field} : {}", lang.message(message)))
                        .collect();
                    let mut cells = refusal.row.cells;
                    cells.push(why.join(" ; "));
                    rows.push(cells);
                    if rows.len() < REFUSED_PER_CHUNK && refusals.peek().is_some() {
                        continue;
                    }
                    csv_rows(lang, &std::mem::take(&mut rows)).map_err(std::io::Error::other)
                }
                Err(error) => Err(std::io::Error::other(error.to_string())),
            };
            let failed = chunk.is_err();
            if sender.blocking_send(chunk).is_err() || failed {
                return;
            }
        }
    });
    let body = axum::body::Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(receiver));
    let stem = import.file_name.rsplit_once('.').map_or(import.file_name.as_str(), |(stem, _)| stem);
    let file_name = format!(
        "{}-{}.csv",
        lang.t("import-refused-file"),
        comptoir_domain::search::fold(stem).replace(' ', "-")
    );
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")),
        ],
        body,
    )
        .into_response())
}

async fn undo(
    State(state): State<AppState>,
    PagePath(id): PagePath<OperationId>,
    form: Submission,
) -> Result<Response, PageError> {
    state.app.undo_import(&form.visitor.actor, id).await?;
    Ok(redirect(&format!("/imports/{id}"), false))
}

/// Keeps the columns of an import, as it read its file, under the name typed.
async fn keep_template(
    State(state): State<AppState>,
    PagePath(id): PagePath<OperationId>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let import = state.app.get_import(&visitor.actor, id).await?;
    let name = form.fields.text("name");
    let input = ImportTemplateInput { name: name.clone(), mapping: import.mapping };
    match state.app.save_import_template(&visitor.actor, input).await {
        Ok(_) => Ok(redirect(&format!("/imports/{id}?kept"), false)),
        Err(AppError::Validation(errors)) => {
            let messages: Vec<String> = errors.0.iter().map(|e| visitor.lang.message(&e.message)).collect();
            let page =
                show_page(&state, visitor, id, false, name.unwrap_or_default(), Some(messages.join(" ")))
                    .await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

async fn delete_template(
    State(state): State<AppState>,
    PagePath(id): PagePath<ImportTemplateId>,
    form: Submission,
) -> Result<Response, PageError> {
    state.app.delete_import_template(&form.visitor.actor, id).await?;
    Ok(redirect("/imports", false))
}
