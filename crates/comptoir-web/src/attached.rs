//! Tickets' files over HTTP: a file field read into memory no further than the largest file a
//! ticket takes, and a file handed back as a download that no browser renders in our origin.

use crate::security::same_secret;
use axum::extract::Multipart;
use axum::extract::multipart::{Field, MultipartError};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use comptoir_app::AppError;
use comptoir_app::attachments::Upload;
use comptoir_domain::ValidationErrors;
use comptoir_domain::attachments::{Attachment, MAX_ATTACHMENT_BYTES};
use comptoir_domain::seller::Logo;

/// The largest request that carries one file: the file and the form around it.
pub const MAX_UPLOAD_REQUEST: usize = MAX_ATTACHMENT_BYTES + 64 * 1024;

/// Why a file field was not read.
enum NotRead {
    TooBig,
    Broken,
}

impl From<MultipartError> for NotRead {
    fn from(error: MultipartError) -> Self {
        if error.status() == StatusCode::PAYLOAD_TOO_LARGE { NotRead::TooBig } else { NotRead::Broken }
    }
}

/// Reads the file of `field`, stopping as soon as it is larger than a ticket takes.
async fn read_file(mut field: Field<'_>) -> Result<Upload, NotRead> {
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

/// The field a form proves where it comes from with, and the value it must hold.
pub struct Token<'a> {
    pub field: &'a str,
    pub expected: &'a str,
}

/// A form with a file, as it was sent.
pub struct FileForm {
    texts: Vec<(String, String)>,
    /// None when no file was chosen.
    pub file: Option<Upload>,
    /// The file was larger than a ticket takes: it was not read, nor what came after it.
    pub too_big: bool,
    /// The form's token came, and held the value expected.
    pub token_matched: bool,
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

/// The form could not be read: cut short, or not a form.
pub struct Broken;

/// Reads a form of text fields and one `file`, stopping at a file larger than a ticket takes.
/// With a `token`, nothing sent before it is read, so a forged form's file is never read.
pub async fn read_form(mut form: Multipart, token: Option<Token<'_>>) -> Result<FileForm, Broken> {
    let mut read = FileForm { texts: Vec::new(), file: None, too_big: false, token_matched: false };
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => match NotRead::from(error) {
                NotRead::TooBig => {
                    read.too_big = true;
                    break;
                }
                NotRead::Broken => return Err(Broken),
            },
        };
        let name = field.name().unwrap_or_default().to_owned();
        if let Some(token) = &token
            && name == token.field
        {
            let sent = field.text().await.map_err(|_| Broken)?;
            read.token_matched = same_secret(&sent, token.expected);
        } else if token.is_some() && !read.token_matched {
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
                Err(NotRead::Broken) => return Err(Broken),
            }
        } else {
            read.texts.push((name, field.text().await.map_err(|_| Broken)?));
        }
    }
    Ok(read)
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

/// The seller's logo, shown where it is asked for: a PNG or a JPEG, whose type was read from
/// its bytes, which no browser second-guesses.
pub fn logo_image(logo: Logo) -> Response {
    (
        [
            (header::CONTENT_TYPE, logo.content_type),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CONTENT_SECURITY_POLICY, "sandbox; default-src 'none'".to_owned()),
            (header::CACHE_CONTROL, "private, no-cache".to_owned()),
        ],
        logo.content,
    )
        .into_response()
}

/// Sets the logo a form sent as its `file`, once the printer has read the image whole.
pub async fn set_logo(
    app: &comptoir_app::App,
    actor: &comptoir_domain::users::Actor,
    read: FileForm,
) -> Result<Logo, AppError> {
    // Who may not set it is told so before the image is read at all.
    if !actor.is_admin() {
        return Err(AppError::Forbidden("only admins set the seller's logo"));
    }
    let refused = |message: &str| AppError::from(ValidationErrors::single("file", message));
    if read.too_big {
        return Err(refused("is larger than 1 MB"));
    }
    let bytes = read.file.ok_or_else(|| refused("is required"))?.bytes;
    if !bytes.is_empty() && bytes.len() <= comptoir_domain::seller::MAX_LOGO_BYTES {
        comptoir_pdf::logo_size(&bytes).map_err(|_| refused("must be a PNG or JPEG image that opens"))?;
    }
    app.set_seller_logo(actor, bytes).await
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
