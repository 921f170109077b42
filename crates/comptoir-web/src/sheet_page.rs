//! A printed document as a web page its customer can be sent or shown: the same sheet the PDF
//! is printed from, in one self-contained file (its style inline, the logo inside it), which
//! prints on A4 from any browser.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use comptoir_pdf::Sheet;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

const STYLE: &str = include_str!("sheet_page.css");

/// The page runs no script and loads nothing: its one style block is allowed by its hash and
/// its only image is the logo written into it, so a name or a line that slipped past escaping
/// could still do nothing.
static CONTENT_SECURITY_POLICY: LazyLock<String> = LazyLock::new(|| {
    let hash = STANDARD.encode(Sha256::digest(STYLE.as_bytes()));
    format!(
        "default-src 'none'; style-src 'sha256-{hash}'; img-src data:; base-uri 'none'; \
         form-action 'none'; frame-ancestors 'none'"
    )
});

#[derive(Template)]
#[template(path = "printed/sheet.html")]
struct SheetPage<'a> {
    sheet: &'a Sheet,
    style: &'static str,
    logo: Option<String>,
}

/// The logo as a `data:` URL, for the two kinds of image a logo may be; anything else is left
/// out, as the PDF leaves out a logo it cannot read.
fn logo_url(bytes: &[u8]) -> Option<String> {
    let media_type = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        "image/jpeg"
    } else {
        return None;
    };
    Some(format!("data:{media_type};base64,{}", STANDARD.encode(bytes)))
}

/// The sheet as an HTML page, named `file_name.html` for whoever saves it.
pub fn sheet_page(sheet: &Sheet, file_name: &str) -> Response {
    let page = SheetPage { sheet, style: STYLE, logo: sheet.logo.as_deref().and_then(logo_url) };
    let html = match page.render() {
        Ok(html) => html,
        Err(error) => {
            tracing::error!(%error, "printed page failed to render");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let mut response = (StatusCode::OK, html).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    if let Ok(value) = HeaderValue::from_str(&CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    if let Ok(value) = HeaderValue::from_str(&format!("inline; filename=\"{file_name}.html\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use comptoir_pdf::{Row, Total};

    fn sheet() -> Sheet {
        Sheet {
            title: "Devis".to_owned(),
            number: "D-2026-0007".to_owned(),
            language: "fr".to_owned(),
            seller: vec!["Comptoir Conseil".to_owned(), "3 rue de la Paix".to_owned()],
            customer_heading: "Client".to_owned(),
            customer: vec!["<script>alert(1)</script> & fils".to_owned()],
            facts: vec![("Date".to_owned(), "30/11/2026".to_owned())],
            columns: ["Désignation", "Qté", "PU HT", "TVA", "Total HT"].map(str::to_owned),
            rows: vec![Row {
                description: "Étude".to_owned(),
                detail: Some("Remise 5 %".to_owned()),
                quantity: "2".to_owned(),
                unit_price: "450,00 €".to_owned(),
                vat_rate: "20 %".to_owned(),
                amount: "855,00 €".to_owned(),
            }],
            totals: vec![Total {
                label: "Total TTC".to_owned(),
                amount: "1 026,00 €".to_owned(),
                strong: true,
            }],
            signature: Some(("Bon pour accord".to_owned(), "Date, signature".to_owned())),
            footer: "SAS au capital de 10 000 €".to_owned(),
            logo: Some(b"\x89PNG\r\n\x1a\nrest".to_vec()),
            ..Sheet::default()
        }
    }

    #[tokio::test]
    async fn the_page_says_what_the_sheet_says_and_runs_nothing_it_carries() {
        let response = sheet_page(&sheet(), "D-2026-0007");
        let policy =
            response.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap_or_default().to_owned();
        assert!(policy.starts_with("default-src 'none'; style-src 'sha256-"), "{policy}");
        let disposition = &response.headers()[header::CONTENT_DISPOSITION];
        assert_eq!(disposition, "inline; filename=\"D-2026-0007.html\"");
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap_or_default();
        let html = String::from_utf8_lossy(&body);
        for expected in ["<html lang=\"fr\">", "D-2026-0007", "Remise 5 %", "1 026,00 €", "Bon pour accord"]
        {
            assert!(html.contains(expected), "{expected:?} missing from {html}");
        }
        assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62; &#38; fils"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("src=\"data:image/png;base64,iVBORw0KGgpyZXN0\""), "{html}");
        assert!(html.contains(&format!("<style>{STYLE}</style>")), "the style the hash was taken of");
    }

    #[test]
    fn only_a_png_or_a_jpeg_becomes_the_logo() {
        assert_eq!(logo_url(b"\xff\xd8\xff\xe0").as_deref(), Some("data:image/jpeg;base64,/9j/4A=="));
        assert_eq!(logo_url(b"GIF89a"), None);
    }
}
