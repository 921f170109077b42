//! Draws the error pages handlers answer with, once the request's language is known.

use super::assets;
use super::errors::{ErrorPageKey, LangSlot};
use super::session::guest_lang;
use crate::i18n::Lang;
use askama::Template;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    lang: Lang,
    title: String,
    detail: String,
    asset_version: &'static str,
}

/// Draws the error page a handler's response stands for, in the request's language.
pub async fn localize(mut request: Request, next: Next) -> Response {
    let slot = LangSlot::default();
    request.extensions_mut().insert(slot.clone());
    let guest = guest_lang(request.headers());
    let mut response = next.run(request).await;
    let Some(ErrorPageKey(key)) = response.extensions_mut().remove::<ErrorPageKey>() else {
        return response;
    };
    let lang = slot.get().unwrap_or(guest);
    let page = ErrorPage {
        lang,
        title: lang.t(&format!("{key}-title")),
        detail: lang.t(&format!("{key}-detail")),
        asset_version: assets::version(),
    };
    (response.status(), super::render(&page)).into_response()
}
