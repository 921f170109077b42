//! The OpenAPI document, generated from the handlers' annotations and served at
//! `/api/v1/openapi.json`.

use crate::state::AppState;
use axum::Router;
use axum::response::IntoResponse;
use axum::routing::get;
use comptoir_domain::listing::MAX_LIMIT;
use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, Schema, SchemaType, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Response};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Comptoir API", description = "Contacts, companies, activities, deals and pipelines, products, quotes and orders, tickets, imports, duplicates and merges, and more. Authenticate with `Authorization: Bearer <token>` (`comptoir token create`). Errors are RFC 9457 problem documents."),
    paths(
        super::contacts::list, super::contacts::count, super::contacts::create, super::contacts::read, super::contacts::update,
        super::contacts::remove, super::contacts::timeline,
        super::companies::list, super::companies::count, super::companies::create, super::companies::read, super::companies::update,
        super::companies::remove, super::companies::timeline,
        super::deals::list, super::deals::count, super::deals::create, super::deals::read, super::deals::update,
        super::deals::remove, super::deals::move_to, super::deals::stages, super::deals::timeline,
        super::tickets::list, super::tickets::count, super::tickets::create, super::tickets::read, super::tickets::update,
        super::tickets::remove, super::tickets::add_message, super::tickets::merge, super::tickets::split, super::tickets::timeline, super::tickets::satisfaction, super::tickets::report,
        super::attachments::list, super::attachments::attach, super::attachments::read,
        super::attachments::remove,
        super::forecast::forecast,
        super::pipelines::list, super::pipelines::create, super::pipelines::read, super::pipelines::update,
        super::pipelines::remove, super::pipelines::totals, super::pipelines::report,
        super::products::list, super::products::create, super::products::read, super::products::update,
        super::products::remove,
        super::articles::list, super::articles::create, super::articles::read, super::articles::update,
        super::articles::remove, super::articles::versions, super::articles::suggested,
        super::articles::votes, super::articles::vote,
        super::macros::list, super::macros::create, super::macros::read, super::macros::update,
        super::macros::remove, super::macros::fill, super::macros::send,
        super::teams::list, super::teams::create, super::teams::read, super::teams::update,
        super::teams::remove, super::teams::availability,
        super::quotes::list, super::quotes::create, super::quotes::read, super::quotes::update,
        super::quotes::remove, super::quotes::send, super::quotes::accept, super::quotes::refuse, super::quotes::pdf, super::quotes::html, super::quotes::copy,
        super::orders::list, super::orders::receive, super::orders::read, super::orders::update,
        super::orders::remove, super::orders::pdf, super::orders::html,
        super::settings::seller, super::settings::set_seller, super::settings::logo, super::settings::set_logo,
        super::settings::remove_logo,
        super::settings::service_levels, super::settings::set_service_levels,
        super::exchange_rates::list, super::exchange_rates::set, super::exchange_rates::import_ecb,
        super::mail::settings, super::mail::set_settings, super::mail::outbox,
        super::bulk::contacts, super::bulk::companies, super::bulk::deals, super::bulk::tickets,
        super::imports::create, super::imports::list, super::imports::read, super::imports::undo,
        super::imports::templates, super::imports::keep_template, super::imports::delete_template,
        super::duplicates::list, super::duplicates::read, super::duplicates::dismiss, super::duplicates::last_scan,
        super::duplicates::scan, super::duplicates::merge, super::duplicates::read_merge, super::duplicates::undo,
        super::company_duplicates::list, super::company_duplicates::read, super::company_duplicates::dismiss,
        super::company_duplicates::merge, super::company_duplicates::read_merge, super::company_duplicates::undo,
        super::activities::list, super::activities::create, super::activities::read, super::activities::update,
        super::activities::remove,
        super::custom_fields::list, super::custom_fields::create, super::custom_fields::read,
        super::custom_fields::update, super::custom_fields::remove,
        super::users::list, super::users::create, super::users::read, super::users::update,
        super::tokens::list, super::tokens::create, super::tokens::read, super::tokens::revoke,
        super::audit::list,
        super::webhooks::list, super::webhooks::create, super::webhooks::read, super::webhooks::update,
        super::webhooks::remove, super::webhooks::deliveries, super::webhooks::test,
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
        if let Some(components) = openapi.components.as_mut() {
            for schema in components.schemas.values_mut() {
                if let RefOr::T(schema) = schema {
                    refuse_controls_in_strings(schema, TEXT_PATTERN);
                }
            }
        }
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

/// Text in a body: anything but the ASCII controls other than tab and line breaks.
const TEXT_PATTERN: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$";
/// A query parameter or header: no ASCII control at all.
const PARAMETER_PATTERN: &str = "^[^\\u0000-\\u001F\\u007F]*$";
/// `If-Match`: an ETag this API returned, weak or not, or `*`.
const ETAG_PATTERN: &str = "^(\\*|(W/)?\"[0-9]+\")$";

/// Gives every string in `schema` (its properties, items and alternatives) the pattern the
/// server holds text to, so generated clients and fuzzers know control characters are refused.
fn refuse_controls_in_strings(schema: &mut Schema, pattern: &str) {
    let children: Vec<&mut RefOr<Schema>> = match schema {
        Schema::Object(object) => {
            if is_string(&object.schema_type) && object.pattern.is_none() && object.enum_values.is_none() {
                object.pattern = Some(pattern.to_owned());
            }
            object
                .properties
                .values_mut()
                .chain(object.additional_properties.iter_mut().filter_map(|extra| match extra.as_mut() {
                    AdditionalProperties::RefOr(schema) => Some(schema),
                    AdditionalProperties::FreeForm(_) => None,
                }))
                .collect()
        }
        Schema::Array(array) => match &mut array.items {
            ArrayItems::RefOrSchema(items) => vec![items.as_mut()],
            ArrayItems::False => vec![],
        },
        Schema::OneOf(one_of) => one_of.items.iter_mut().collect(),
        Schema::AllOf(all_of) => all_of.items.iter_mut().collect(),
        Schema::AnyOf(any_of) => any_of.items.iter_mut().collect(),
        _ => vec![],
    };
    for child in children {
        if let RefOr::T(child) = child {
            refuse_controls_in_strings(child, pattern);
        }
    }
}

fn is_string(schema_type: &SchemaType) -> bool {
    match schema_type {
        SchemaType::Type(Type::String) => true,
        SchemaType::Array(types) => types.contains(&Type::String),
        _ => false,
    }
}

/// States in the document what the server checks of the parameters every list and change
/// shares: `limit`'s range, `If-Match`'s form, and no control character anywhere.
fn describe_parameters(operation: &mut Operation) {
    for parameter in operation.parameters.iter_mut().flatten() {
        let Some(RefOr::T(Schema::Object(schema))) = parameter.schema.as_mut() else {
            continue;
        };
        match parameter.name.as_str() {
            "limit" => {
                schema.minimum = Some(utoipa::Number::UInt(1));
                schema.maximum = Some(utoipa::Number::UInt(MAX_LIMIT as usize));
            }
            "If-Match" => schema.pattern = Some(ETAG_PATTERN.to_owned()),
            "Idempotency-Key" => {
                schema.min_length = Some(1);
                schema.max_length = Some(255);
                schema.pattern = Some(PARAMETER_PATTERN.to_owned());
            }
            _ if is_string(&schema.schema_type) && schema.pattern.is_none() => {
                schema.pattern = Some(PARAMETER_PATTERN.to_owned());
            }
            _ => {}
        }
    }
}

fn document_problems(operation: &mut Operation, has_id: bool, writes: bool, versioned: bool) {
    describe_parameters(operation);
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
