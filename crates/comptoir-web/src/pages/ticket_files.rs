//! What the team's ticket page and the requester's page in the portal share about a ticket's
//! files: how they are listed, and how a file form is read.

use super::errors::PageError;
use super::session::CSRF_FIELD;
use crate::attached::{self, FileForm, Token};
use crate::i18n::Lang;
use axum::extract::Multipart;
use chrono::{DateTime, Utc};
use comptoir_app::AppError;
use comptoir_app::attachments::Upload;
use comptoir_domain::attachments::Attachment;
use comptoir_domain::ids::{AttachmentId, TicketId};

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
pub(super) enum Received {
    File(Upload),
    /// Why the file was refused before it reached the use case, in English.
    Refused(&'static str),
}

/// Reads a form with a file whose first field is the CSRF token `expected`: a forged form is
/// refused before a byte of its file is read.
pub(super) async fn read_form(form: Multipart, expected: &str) -> Result<FileForm, PageError> {
    let token = Token { field: CSRF_FIELD, expected };
    let read = attached::read_form(form, Some(token)).await.map_err(|_| PageError::BadRequest)?;
    if !read.token_matched {
        return Err(PageError::Forgery);
    }
    Ok(read)
}

/// Reads a form that sends one file, refused without one.
pub(super) async fn receive(form: Multipart, expected: &str) -> Result<Received, PageError> {
    let read = read_form(form, expected).await?;
    Ok(match (read.too_big, read.file) {
        (true, _) => Received::Refused("is larger than 10 MB"),
        (false, None) => Received::Refused("is required"),
        (false, Some(upload)) => Received::File(upload),
    })
}

/// Why a file was refused, in `lang`: every refusal is about the file, so its name is not said.
pub(super) fn said(lang: Lang, errors: &comptoir_domain::ValidationErrors) -> String {
    errors.0.iter().map(|e| lang.message(&e.message)).collect::<Vec<_>>().join(" ")
}

/// A ticket's and a file's ids from a path; one that does not read names nothing.
pub(super) fn ids(ticket: &str, file: &str) -> Result<(TicketId, AttachmentId), PageError> {
    let not_found = || PageError::from(AppError::NotFound);
    Ok((ticket.parse().map_err(|_| not_found())?, file.parse().map_err(|_| not_found())?))
}
