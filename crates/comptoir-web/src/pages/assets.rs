//! The stylesheet and scripts, embedded in the binary. URLs carry a digest of the files, so
//! browsers may keep them forever and still fetch a new build's at once.

use crate::state::AppState;
use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::LazyLock;

const FILES: &[(&str, &str, &[u8])] = &[
    ("app.css", "text/css; charset=utf-8", include_bytes!("../../../../assets/app.css")),
    ("app.js", "text/javascript; charset=utf-8", include_bytes!("../../../../assets/app.js")),
    (
        "vendor/htmx.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../../assets/vendor/htmx/htmx.min.js"),
    ),
];

static VERSION: LazyLock<String> = LazyLock::new(|| {
    let mut hasher = DefaultHasher::new();
    for (_, _, bytes) in FILES {
        bytes.hash(&mut hasher);
    }
    format!("{:x}", hasher.finish())
});

pub fn version() -> &'static str {
    VERSION.as_str()
}

pub fn router() -> Router<AppState> {
    Router::new().route("/assets/{*file}", get(asset))
}

async fn asset(Path(file): Path<String>) -> Response {
    let Some((_, content_type, bytes)) = FILES.iter().find(|(name, _, _)| *name == file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    response
}
