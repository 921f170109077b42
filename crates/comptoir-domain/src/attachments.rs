//! Files attached to a ticket: a screenshot the requester sends from the portal, a delivery
//! note the team adds. Kept in the database with the ticket (it has no other server), and
//! always handed back as a download, never shown in a page where it could run.

use crate::ids::{AttachmentId, TicketId, UserId};
use crate::validation::ValidationErrors;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// The largest file a ticket takes.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// The most files one ticket keeps.
pub const MAX_ATTACHMENTS_PER_TICKET: i64 = 50;

/// Types a file keeps when it is handed back: ones no browser runs. Anything else goes back as
/// `application/octet-stream`.
const KEPT_TYPES: [&str; 8] = [
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
    "text/csv",
    "application/zip",
];

/// A file of a ticket, without its bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Attachment {
    pub id: AttachmentId,
    pub ticket_id: TicketId,
    pub file_name: String,
    /// What it is handed back as.
    pub content_type: String,
    /// In bytes.
    pub size: i64,
    /// Hex SHA-256 of its bytes.
    pub sha256: String,
    /// Sent by the requester (from the portal) rather than by the team.
    pub from_requester: bool,
    /// The user of the team who attached it.
    pub uploaded_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

/// A file as it was received, before it is kept.
pub struct ReceivedFile<'a> {
    pub name: &'a str,
    pub declared_type: Option<&'a str>,
    pub bytes: &'a [u8],
    /// Hex SHA-256 of `bytes`.
    pub sha256: String,
}

/// Who attached a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Uploader {
    /// The requester, from the portal.
    Requester,
    User(UserId),
}

impl Attachment {
    /// `file` kept for `ticket`: its name cleaned, its type kept only when harmless. Refuses
    /// an empty or too large file.
    pub fn new(
        ticket: TicketId,
        file: ReceivedFile<'_>,
        by: Uploader,
        at: DateTime<Utc>,
    ) -> Result<Attachment, ValidationErrors> {
        if file.bytes.is_empty() {
            return Err(ValidationErrors::single("file", "is empty"));
        }
        if file.bytes.len() > MAX_ATTACHMENT_BYTES {
            return Err(ValidationErrors::single("file", "is larger than 10 MB"));
        }
        Ok(Attachment {
            id: AttachmentId::new(),
            ticket_id: ticket,
            file_name: clean_file_name(file.name),
            content_type: kept_type(file.declared_type).to_owned(),
            size: file.bytes.len() as i64,
            sha256: file.sha256,
            from_requester: by == Uploader::Requester,
            uploaded_by: match by {
                Uploader::Requester => None,
                Uploader::User(user) => Some(user),
            },
            created_at: at,
        })
    }
}

/// The name a file is kept under: its last path component, without control characters or
/// quotes, at most 200 characters; `file` when nothing is left.
pub fn clean_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String =
        last.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>')).take(200).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim().to_owned();
    if cleaned.is_empty() { "file".to_owned() } else { cleaned }
}

/// The type a file is handed back as: the declared one (without its parameters) when it is
/// one no browser runs, else `application/octet-stream`.
pub fn kept_type(declared: Option<&str>) -> &'static str {
    let essence = declared.and_then(|t| t.split(';').next()).map(|t| t.trim().to_ascii_lowercase());
    KEPT_TYPES
        .iter()
        .find(|kept| essence.as_deref() == Some(**kept))
        .copied()
        .unwrap_or("application/octet-stream")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_keeps_a_plain_name_and_a_type_that_runs_nothing() {
        assert_eq!(clean_file_name("C:\\Users\\hélène\\capture écran.png"), "capture écran.png");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("..\u{0}"), "file");
        assert_eq!(clean_file_name("\"><script>.html"), "script.html");
        assert_eq!(kept_type(Some("image/PNG")), "image/png");
        assert_eq!(kept_type(Some("text/plain; charset=utf-8")), "text/plain");
        for runs in ["text/html", "image/svg+xml", "application/javascript", "application/xhtml+xml"] {
            assert_eq!(kept_type(Some(runs)), "application/octet-stream", "{runs}");
        }
        assert_eq!(kept_type(None), "application/octet-stream");
    }

    #[test]
    fn an_empty_or_too_large_file_is_refused() {
        let at = chrono::Utc::now();
        let new = |bytes: &[u8]| {
            let file = ReceivedFile { name: "a.txt", declared_type: None, bytes, sha256: String::new() };
            Attachment::new(TicketId::new(), file, Uploader::Requester, at)
        };
        assert!(new(b"").is_err());
        assert!(new(&vec![0; MAX_ATTACHMENT_BYTES + 1]).is_err());
        assert_eq!(new(b"bonjour").map(|a| a.size), Ok(7));
    }
}
