//! A ticket's files on its pages: the team's ticket page and the requester's page in the
//! portal each list them, take a new one by a form, and hand one back as a download.

use super::errors::PageError;
use super::path::PagePath;
use super::record_pages::show_page;
use super::redirect;
use super::session::{CSRF_FIELD, Customer, Visitor, check_origin};
use crate::attached::{MAX_UPLOAD_REQUEST, NotRead, download, read_file};
use crate::i18n::Lang;
use crate::security::same_secret;
use crate::state::AppState;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use comptoir_app::AppError;
use comptoir_app::attachments::Upload;
use comptoir_domain::attachments::Attachment;
use comptoir_domain::ids::{AttachmentId, TicketId};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tickets/{id}/files", post(attach).layer(DefaultBodyLimit::max(MAX_UPLOAD_REQUEST)))
        .route("/tickets/{id}/files/{file}", get(read))
        .route(
            "/portal/tickets/{id}/files",
            post(portal_attach).layer(DefaultBodyLimit::max(MAX_UPLOAD_REQUEST)),
        )
        .route("/portal/tickets/{id}/files/{file}", get(portal_read))
}

/// A file as a ticket's page lists it.
pub struct FileLine {
    pub href: String,
    pub name: String,
    pub size: String,
    pub when: String,
    pub from_requester: bool,
}

/// The files of the ticket whose page is `base`, with when each came as `when` writes it.
pub fn file_lines(
    lang: Lang,
    base: &str,
    attachments: &[Attachment],
    when: impl Fn(DateTime<Utc>) -> String,
) -> Vec<FileLine> {
    attachments
        .iter()
        .map(|a| FileLine {
            href: format!("{base}/files/{}", a.id),
            name: a.file_name.clone(),
            size: size_text(lang, a.size),
            when: when(a.created_at),
            from_requester: a.from_requester,
        })
        .collect()
}

/// "820 B", "12 KB", "3.4 MB", as the language writes them.
fn size_text(lang: Lang, bytes: i64) -> String {
    let kilo = 1024.0;
    let bytes_f = bytes as f64;
    if bytes_f < kilo {
        lang.t1("file-size-bytes", "n", bytes)
    } else if bytes_f < kilo * kilo {
        lang.t1("file-size-kb", "n", lang.number((bytes_f / kilo).round(), 0))
    } else {
        lang.t1("file-size-mb", "n", lang.number(bytes_f / kilo / kilo, 1))
    }
}

/// What a file form brought.
enum Received {
    File(Upload),
    /// Why the file was refused before it reached the use case, in English.
    Refused(&'static str),
}

/// Reads a file form whose first field is the CSRF token `expected`: a forged upload is
/// refused before a byte of its file is read.
async fn receive(mut form: Multipart, expected: &str) -> Result<Received, PageError> {
    let mut token_checked = false;
    let mut received = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => match NotRead::from(error) {
                NotRead::TooBig => return Ok(Received::Refused("is larger than 10 MB")),
                NotRead::Broken => return Err(PageError::BadRequest),
            },
        };
        match field.name() {
            Some(CSRF_FIELD) => {
                let sent = field.text().await.map_err(|_| PageError::BadRequest)?;
                token_checked = same_secret(&sent, expected);
            }
            Some("file") if token_checked => match read_file(field).await {
                Ok(upload) => received = Some(upload),
                Err(NotRead::TooBig) => return Ok(Received::Refused("is larger than 10 MB")),
                Err(NotRead::Broken) => return Err(PageError::BadRequest),
            },
            _ => {}
        }
    }
    if !token_checked {
        return Err(PageError::Forgery);
    }
    Ok(received.map_or(Received::Refused("is required"), Received::File))
}

/// Attaches the form's file to a ticket from its page, then shows the page at its files; a
/// refused file shows the page again saying why.
async fn attach(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    PagePath(id): PagePath<TicketId>,
    form: Multipart,
) -> Result<Response, PageError> {
    check_origin(&headers)?;
    let refused = match receive(form, &visitor.csrf).await? {
        Received::File(upload) => match state.app.attach_to_ticket(&visitor.actor, id, &upload).await {
            Ok(_) => return Ok(redirect(&format!("/tickets/{id}#files"), false)),
            Err(AppError::Validation(errors)) => said(visitor.lang, &errors),
            Err(other) => return Err(other.into()),
        },
        Received::Refused(why) => visitor.lang.message(why),
    };
    let composer = super::activities::Composer::empty(visitor.lang);
    let mut page =
        show_page::<super::tickets::Tickets>(&state, &visitor, id.0, composer, None, None, Some(refused))
            .await?;
    *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(page)
}

async fn read(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (id, file) = ids(&id, &file)?;
    let (attachment, bytes) = state.app.ticket_attachment(&visitor.actor, id, file).await?;
    Ok(download(&attachment, bytes))
}

/// The requester attaches the form's file to their ticket in the portal.
async fn portal_attach(
    State(state): State<AppState>,
    customer: Customer,
    headers: HeaderMap,
    PagePath(id): PagePath<TicketId>,
    form: Multipart,
) -> Result<Response, PageError> {
    check_origin(&headers)?;
    let lang = customer.lang;
    let refused = match receive(form, &customer.visit.session.csrf_token).await? {
        Received::File(upload) => match state.app.portal_attach(&customer.visit, id, &upload).await {
            Ok(_) => return Ok(redirect(&format!("/portal/tickets/{id}#files"), false)),
            Err(AppError::Validation(errors)) => said(lang, &errors),
            Err(other) => return Err(other.into()),
        },
        Received::Refused(why) => lang.message(why),
    };
    super::portal::ticket_refusing_file(&state, &headers, &customer, id, refused).await
}

async fn portal_read(
    State(state): State<AppState>,
    customer: Customer,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (id, file) = ids(&id, &file)?;
    let (attachment, bytes) = state.app.portal_attachment(&customer.visit, id, file).await?;
    Ok(download(&attachment, bytes))
}

/// Why a file was refused, in `lang`: every refusal is about the file, so its name is not said.
fn said(lang: Lang, errors: &comptoir_domain::ValidationErrors) -> String {
    errors.0.iter().map(|e| lang.message(&e.message)).collect::<Vec<_>>().join(" ")
}

/// A ticket's and a file's ids from a path; one that does not read names nothing.
fn ids(ticket: &str, file: &str) -> Result<(TicketId, AttachmentId), PageError> {
    let not_found = || PageError::from(AppError::NotFound);
    Ok((ticket.parse().map_err(|_| not_found())?, file.parse().map_err(|_| not_found())?))
}
