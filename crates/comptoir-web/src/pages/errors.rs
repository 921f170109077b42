//! What a page answers when it cannot show what was asked: a sign-in redirect, or an error
//! page in the visitor's language with the right status.
//!
//! A handler returns a [`PageError`] with `?` from any use case's error; the language is not
//! its concern. The error becomes a bare response that names the page to show, and
//! `localize`, wrapped around every page, draws it in the language the request was answered
//! in: the signed-in user's (which [`LangSlot`] carries back from the `Visitor` extractor),
//! else the browser's.

use crate::i18n::Lang;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use comptoir_app::AppError;
use comptoir_domain::ValidationErrors;
use std::sync::{Arc, OnceLock};

#[derive(Debug)]
pub enum PageError {
    /// Not signed in: go to the sign-in page, then back to `next`.
    SignIn {
        next: String,
        htmx: bool,
    },
    /// Not signed in to the customer portal: go to its sign-in page.
    PortalSignIn,
    BadRequest,
    /// A form without the right CSRF token or from another site.
    Forgery,
    App(AppError),
}

impl From<AppError> for PageError {
    fn from(error: AppError) -> Self {
        PageError::App(error)
    }
}

impl From<ValidationErrors> for PageError {
    fn from(errors: ValidationErrors) -> Self {
        PageError::App(AppError::Validation(errors))
    }
}

/// The language a request is answered in, once the visitor is known; shared between the
/// extractor that learns it and [`localize`], which needs it after the handler has returned.
#[derive(Clone, Default)]
pub struct LangSlot(Arc<OnceLock<Lang>>);

impl LangSlot {
    pub fn set(&self, lang: Lang) {
        let _ = self.0.set(lang);
    }

    pub fn get(&self) -> Option<Lang> {
        self.0.get().copied()
    }
}

/// Which error page a response stands for, until `localize` draws it.
#[derive(Clone, Copy)]
pub struct ErrorPageKey(pub &'static str);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, key) = match self {
            PageError::SignIn { next, htmx } => {
                let to = format!("/sign-in?next={}", super::encode(&next));
                return super::redirect(&to, htmx);
            }
            PageError::PortalSignIn => return super::redirect("/portal", false),
            PageError::BadRequest => (StatusCode::BAD_REQUEST, "error-bad-request"),
            PageError::Forgery => (StatusCode::FORBIDDEN, "error-forgery"),
            PageError::App(AppError::NotFound) => (StatusCode::NOT_FOUND, "error-not-found"),
            PageError::App(AppError::Forbidden(_)) => (StatusCode::FORBIDDEN, "error-forbidden"),
            PageError::App(AppError::Unauthenticated) => (StatusCode::UNAUTHORIZED, "error-forbidden"),
            PageError::App(AppError::PreconditionFailed { .. } | AppError::Conflict(_)) => {
                (StatusCode::CONFLICT, "error-conflict")
            }
            PageError::App(AppError::Validation(_)) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "error-bad-request")
            }
            PageError::App(error @ AppError::Busy(_)) => {
                tracing::warn!(%error, "page gave way to others");
                (StatusCode::SERVICE_UNAVAILABLE, "error-busy")
            }
            PageError::App(error @ (AppError::Store(_) | AppError::Internal(_))) => {
                tracing::error!(%error, "page failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "error-internal")
            }
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(ErrorPageKey(key));
        response
    }
}
