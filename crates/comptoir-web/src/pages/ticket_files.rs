//! What the team's ticket page and the requester's page in the portal share about a ticket's
//! files: how they are listed, and how a file form is read.

use super::errors::PageError;
use super::session::CSRF_FIELD;
use crate::attached::{NotRead, read_file};
use crate::i18n::Lang;
use crate::security::same_secret;
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

/// A form with a file, as it was sent.
pub(super) struct FileForm {
    texts: Vec<(String, String)>,
    /// None when no file was chosen.
    pub file: Option<Upload>,
    /// The file was larger than a ticket takes: it was not read, nor what came after it.
    pub too_big: bool,
}

impl FileForm {
    /// A text field as typed, trimmed; nothing typed is none.
    pub fn text(&self, name: &str) -> Option<String> {
        let typed = self.texts.iter().find(|(n, _)| n == name).map(|(_, v)| v.trim())?;
        (!typed.is_empty()).then(|| typed.to_owned())
    }

    /// A text field exactly as typed, empty when absent.
    pub fn raw(&self, name: &str) -> &str {
        self.texts.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str())
    }
}

/// Reads a form with a file whose first field is the CSRF token `expected`: a forged form is
/// refused before a byte of its file is read.
pub(super) async fn read_form(mut form: Multipart, expected: &str) -> Result<FileForm, PageError> {
    let mut token_checked = false;
    let mut read = FileForm { texts: Vec::new(), file: None, too_big: false };
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => match NotRead::from(error) {
                NotRead::TooBig => {
                    read.too_big = true;
                    break;
                }
                NotRead::Broken => return Err(PageError::BadRequest),
            },
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == CSRF_FIELD {
            let sent = field.text().await.map_err(|_| PageError::BadRequest)?;
            token_checked = same_secret(&sent, expected);
        } else if !token_checked {
            continue;
        } else if name == "file" {
            match read_file(field).await {
                // A file input left empty sends a part without a name or a byte.
                Ok(upload) if upload.bytes.is_empty() && upload.file_name.is_empty() => {}
                Ok(upload) => read.file = Some(upload),
                Err(NotRead::TooBig) => {
                    read.too_big = true;
                    break;
                }
                Err(NotRead::Broken) => return Err(PageError::BadRequest),
            }
        } else {
            let value = field.text().await.map_err(|_| PageError::BadRequest)?;
            read.texts.push((name, value));
        }
    }
    if !token_checked {
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
