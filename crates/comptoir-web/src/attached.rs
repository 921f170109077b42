//! Tickets' files over HTTP: a file field read into memory no further than the largest file a
//! ticket takes, and a file handed back as a download that no browser renders in our origin.

use axum::extract::multipart::{Field, MultipartError};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use comptoir_app::attachments::Upload;
use comptoir_domain::attachments::{Attachment, MAX_ATTACHMENT_BYTES};

/// The largest request that carries one file: the file and the form around it.
pub const MAX_UPLOAD_REQUEST: usize = MAX_ATTACHMENT_BYTES + 64 * 1024;

/// Why a file field was not read.
pub enum NotRead {
    TooBig,
    Broken,
}

impl From<MultipartError> for NotRead {
    fn from(error: MultipartError) -> Self {
        if error.status() == StatusCode::PAYLOAD_TOO_LARGE { NotRead::TooBig } else { NotRead::Broken }
    }
}

/// Reads the file of `field`, stopping as soon as it is larger than a ticket takes.
pub async fn read_file(mut field: Field<'_>) -> Result<Upload, NotRead> {
    let file_name = field.file_name().unwrap_or("file").to_owned();
    let content_type = field.content_type().map(str::to_owned);
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await? {
        if bytes.len() + chunk.len() > MAX_ATTACHMENT_BYTES {
            return Err(NotRead::TooBig);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Upload { file_name, content_type, bytes })
}

/// `bytes` as the download of `attachment`: always saved, never shown inline; the type is
/// never guessed again, and were it opened anyway it runs nothing.
pub fn download(attachment: &Attachment, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, attachment.content_type.clone()),
            (header::CONTENT_DISPOSITION, disposition(&attachment.file_name)),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CONTENT_SECURITY_POLICY, "sandbox; default-src 'none'".to_owned()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// `Content-Disposition` for a file called `name`: an ASCII name for old clients and the
/// exact one in RFC 8187's encoding.
fn disposition(name: &str) -> String {
    let plain = |c: char| (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ';
    let ascii: String = name.chars().map(|c| if plain(c) { c } else { '_' }).collect();
    let mut encoded = String::new();
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::disposition;

    #[test]
    fn a_name_is_given_plainly_and_exactly() {
        assert_eq!(
            disposition("facture été.pdf"),
            "attachment; filename=\"facture _t_.pdf\"; filename*=UTF-8''facture%20%C3%A9t%C3%A9.pdf"
        );
    }
}
