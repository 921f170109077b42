//! What a page answers when it cannot show what was asked: a sign-in redirect, or an error
//! page in the visitor's language with the right status.

use super::assets;
use crate::i18n::Lang;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use comptoir_app::AppError;

#[derive(Debug)]
pub enum PageError {
    /// Not signed in: go to the sign-in page, then back to `next`.
    SignIn {
        next: String,
        htmx: bool,
    },
    BadRequest(Lang),
    /// A form without the right CSRF token or from another site.
    Forgery(Lang),
    App(AppError, Lang),
}

impl PageError {
    pub fn app(error: AppError, lang: Lang) -> PageError {
        PageError::App(error, lang)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    lang: Lang,
    title: String,
    detail: String,
    asset_version: &'static str,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, lang, key) = match self {
            PageError::SignIn { next, htmx } => {
                let to = format!("/sign-in?next={}", super::encode(&next));
                return super::redirect(&to, htmx);
            }
            PageError::BadRequest(lang) => (StatusCode::BAD_REQUEST, lang, "error-bad-request"),
            PageError::Forgery(lang) => (StatusCode::FORBIDDEN, lang, "error-forgery"),
            PageError::App(AppError::NotFound, lang) => (StatusCode::NOT_FOUND, lang, "error-not-found"),
            PageError::App(AppError::Forbidden(_), lang) => (StatusCode::FORBIDDEN, lang, "error-forbidden"),
            PageError::App(AppError::Unauthenticated, lang) => {
                (StatusCode::UNAUTHORIZED, lang, "error-forbidden")
            }
            PageError::App(AppError::PreconditionFailed { .. } | AppError::Conflict(_), lang) => {
                (StatusCode::CONFLICT, lang, "error-conflict")
            }
            PageError::App(AppError::Validation(_), lang) => {
                (StatusCode::UNPROCESSABLE_ENTITY, lang, "error-bad-request")
            }
            PageError::App(error @ (AppError::Store(_) | AppError::Internal(_)), lang) => {
                tracing::error!(%error, "page failed");
                (StatusCode::INTERNAL_SERVER_ERROR, lang, "error-internal")
            }
        };
        let page = ErrorPage {
            lang,
            title: lang.t(&format!("{key}-title")),
            detail: lang.t(&format!("{key}-detail")),
            asset_version: assets::version(),
        };
        (status, super::render(&page)).into_response()
    }
}

/// Turns a use case's refusal into the page that explains it, in the visitor's language.
pub fn fail(lang: Lang) -> impl Fn(AppError) -> PageError {
    move |e| PageError::app(e, lang)
}
