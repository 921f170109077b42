//! `/api/v1/tickets/{id}/attachments`: a ticket's files, sent as `multipart/form-data` and
//! downloaded whole.

use crate::attached::{MAX_UPLOAD_REQUEST, download, read_form};
use crate::error::{ApiError, Problem, bad_request};
use crate::extract::Caller;
use crate::state::AppState;
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use comptoir_app::AppError;
use comptoir_domain::attachments::Attachment;
use comptoir_domain::ids::{AttachmentId, TicketId};
use serde::Serialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/tickets/{id}/attachments",
            get(list).post(attach).layer(DefaultBodyLimit::max(MAX_UPLOAD_REQUEST)),
        )
        .route("/tickets/{id}/attachments/{file}", get(read).delete(remove))
}

/// A ticket and one of its files, named by the path; an id that does not read names nothing.
pub struct TicketFile(TicketId, AttachmentId);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for TicketFile {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, ApiError> {
        let not_found = || ApiError(AppError::NotFound);
        let Path((ticket, file)) =
            Path::<(String, String)>::from_request_parts(parts, state).await.map_err(|_| not_found())?;
        Ok(TicketFile(ticket.parse().map_err(|_| not_found())?, file.parse().map_err(|_| not_found())?))
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AttachmentList {
    pub data: Vec<Attachment>,
}

/// List a ticket's files, oldest first: what each is, never its bytes.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/attachments", tag = "tickets", params(("id" = TicketId, Path)),
    responses((status = 200, body = AttachmentList), (status = 404, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    super::RecordId(id): super::RecordId<TicketId>,
) -> Result<Response, ApiError> {
    let data = state.app.ticket_attachments(&actor, id).await?;
    Ok(super::json_response(StatusCode::OK, &AttachmentList { data }))
}

/// Attach a file to a ticket: `multipart/form-data` with one `file` part, at most 10 MB; a
/// ticket keeps at most 50. Its name keeps its last path component; its type only when no
/// browser runs it (images but SVG, PDF, plain text, CSV, ZIP), else
/// `application/octet-stream`.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/attachments", tag = "tickets", params(("id" = TicketId, Path)),
    request_body(content_type = "multipart/form-data", description = "one `file` part"),
    responses((status = 201, body = Attachment), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn attach(
    State(state): State<AppState>,
    Caller(actor): Caller,
    super::RecordId(id): super::RecordId<TicketId>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let form = form.map_err(|_| bad_request("file", "send the file as multipart/form-data"))?;
    let read = read_form(form, None).await.map_err(|_| bad_request("file", "the form could not be read"))?;
    if read.too_big {
        return Err(bad_request("file", "is larger than 10 MB"));
    }
    let upload = read.file.ok_or_else(|| bad_request("file", "is required"))?;
    let attachment = state.app.attach_to_ticket(&actor, id, &upload).await?;
    Ok(super::json_response(StatusCode::CREATED, &attachment))
}

/// Download a ticket's file, as a download whatever its type.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/attachments/{file}", tag = "tickets",
    params(("id" = TicketId, Path), ("file" = AttachmentId, Path)),
    responses((status = 200, description = "the file's bytes", content_type = "application/octet-stream"),
        (status = 404, body = Problem)))]
pub async fn read(
    State(state): State<AppState>,
    Caller(actor): Caller,
    TicketFile(id, file): TicketFile,
) -> Result<Response, ApiError> {
    let (attachment, bytes) = state.app.ticket_attachment(&actor, id, file).await?;
    Ok(download(&attachment, bytes))
}

/// Delete a ticket's file (who may change the ticket, also once it is closed); the audit log
/// keeps what it was, never what it held.
#[utoipa::path(delete, path = "/api/v1/tickets/{id}/attachments/{file}", tag = "tickets",
    params(("id" = TicketId, Path), ("file" = AttachmentId, Path)),
    responses((status = 204, description = "deleted"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    Caller(actor): Caller,
    TicketFile(id, file): TicketFile,
) -> Result<Response, ApiError> {
    state.app.remove_ticket_attachment(&actor, id, file).await?;
    Ok(super::deleted())
}
