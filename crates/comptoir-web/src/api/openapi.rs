//! The OpenAPI document, generated from the handlers' annotations and served at
//! `/api/v1/openapi.json`.

use crate::state::AppState;
use axum::Router;
use axum::response::IntoResponse;
use axum::routing::get;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Response};
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
    modifiers(&BearerAuth, &ProblemResponses),
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

/// Documents every error an operation can answer, each as an RFC 9457 problem document. The
/// statuses follow from what every route shares (the bearer token, the query check, bodies,
/// ids in the path, versions), so they are added here once rather than on each handler.
struct ProblemResponses;

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let has_id = path.contains('{');
            let operations = [
                (&mut item.get, false),
                (&mut item.post, true),
                (&mut item.patch, true),
                (&mut item.delete, true),
                (&mut item.put, true),
            ];
            for (operation, writes) in operations {
                if let Some(operation) = operation.as_mut() {
                    let versioned = writes && has_id;
                    document_problems(operation, has_id, writes, versioned);
                }
            }
        }
    }
}

fn document_problems(operation: &mut Operation, has_id: bool, writes: bool, versioned: bool) {
    let with_body = operation.request_body.is_some();
    let statuses: [(&str, bool, &str); 9] = [
        ("400", true, "A query parameter holds control characters"),
        ("401", true, "No valid bearer token"),
        ("403", true, "The caller's role may not do this"),
        ("404", has_id, "No such record, or not one the caller may see"),
        ("409", writes, "The record changed at the same time, or the request conflicts with another"),
        ("412", versioned, "If-Match names a version that is no longer current"),
        ("413", with_body, "The body is larger than the API reads"),
        ("415", with_body, "The body is not JSON"),
        ("422", true, "Invalid input; `errors` names each refused field"),
    ];
    let responses = &mut operation.responses.responses;
    for (status, applies, description) in statuses {
        if applies {
            responses.entry(status.to_owned()).or_insert_with(|| RefOr::T(Response::new(description)));
        }
    }
    for (status, response) in responses.iter_mut() {
        if let RefOr::T(response) = response
            && status.as_str() >= "400"
        {
            response.content.clear();
            response.content.insert(
                "application/problem+json".to_owned(),
                Content::new(Some(Ref::from_schema_name("Problem"))),
            );
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(|| async { axum::Json(ApiDoc::openapi()).into_response() }))
}
