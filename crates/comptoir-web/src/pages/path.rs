//! The values a page's address carries (`/contacts/{id}`). An address whose values do not
//! read (`/contacts/not-an-id`) names no page: it answers the site's own "not found" page, in
//! the visitor's language, like an id that names nothing.

use super::errors::PageError;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use comptoir_app::AppError;
use serde::de::DeserializeOwned;

pub struct PagePath<T>(pub T);

impl<T, S> FromRequestParts<S> for PagePath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(PagePath(value)),
            Err(_) => Err(AppError::NotFound.into()),
        }
    }
}
