//! The OpenAPI document, generated from the handlers' annotations and served at
//! `/api/v1/openapi.json`.

use crate::state::AppState;
use axum::Router;
use axum::response::IntoResponse;
use axum::routing::get;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Comptoir API", description = "Contacts, companies, activities and more. Authenticate with `Authorization: Bearer <token>` (`comptoir token create`). Errors are RFC 9457 problem documents."),
    paths(
        super::contacts::list, super::contacts::create, super::contacts::read, super::contacts::update,
        super::contacts::remove, super::contacts::timeline,
        super::companies::list, super::companies::create, super::companies::read, super::companies::update,
        super::companies::remove, super::companies::timeline,
        super::activities::list, super::activities::create, super::activities::read, super::activities::update,
        super::activities::remove,
        super::custom_fields::list, super::custom_fields::create, super::custom_fields::read,
        super::custom_fields::update, super::custom_fields::remove,
        super::users::list, super::users::create, super::users::read, super::users::update,
        super::tokens::list, super::tokens::create, super::tokens::read, super::tokens::revoke,
        super::audit::list,
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(|| async { axum::Json(ApiDoc::openapi()).into_response() }))
}
