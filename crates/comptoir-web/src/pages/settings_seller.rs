//! Settings, for admins: the seller's identity every quote is printed under.

use super::errors::PageError;
use super::session::{Submission, Visitor, check_origin};
use super::ticket_files;
use super::{Chrome, redirect, render};
use crate::attached::{MAX_UPLOAD_REQUEST, logo_image};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use comptoir_app::AppError;
use comptoir_domain::seller::Seller;
use serde_json::{Value, json};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/seller", get(seller).post(save))
        .route(
            "/settings/logo",
            get(logo).post(set_logo).layer(axum::extract::DefaultBodyLimit::max(MAX_UPLOAD_REQUEST)),
        )
        .route("/settings/logo/delete", post(remove_logo))
}

/// The form's inputs: name as the API spells it, label key, value.
pub struct Input {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "settings/seller.html")]
struct SellerPage {
    page: Chrome,
    version: i64,
    inputs: Vec<Input>,
    payment_terms: String,
    payment_terms_error: Option<String>,
    has_logo: bool,
    logo_error: Option<String>,
}

const FIELDS: [(&str, &str); 12] = [
    ("name", "seller-name"),
    ("legal_form", "seller-legal-form"),
    ("share_capital", "seller-share-capital"),
    ("siren", "seller-siren"),
    ("rcs_city", "seller-rcs-city"),
    ("vat_number", "seller-vat-number"),
    ("address.street", "seller-street"),
    ("address.postal_code", "seller-postal-code"),
    ("address.city", "seller-city"),
    ("address.country", "seller-country"),
    ("email", "seller-email"),
    ("phone", "seller-phone"),
];

fn stored(seller: &Seller, name: &str) -> String {
    let json = serde_json::to_value(seller).unwrap_or(Value::Null);
    let value = match name.split_once('.') {
        Some((outer, inner)) => &json[outer][inner],
        None if name == "share_capital" => &json["share_capital"]["amount"],
        None => &json[name],
    };
    value.as_str().unwrap_or_default().to_owned()
}

/// What the page shows beside the identity: whether a logo is set, and why the last one sent
/// was refused.
struct LogoState {
    set: bool,
    refused: Option<String>,
}

fn page_of(
    visitor: &Visitor,
    version: i64,
    value: impl Fn(&str) -> String,
    errors: &[(String, String)],
    flash: Option<String>,
    logo: LogoState,
) -> SellerPage {
    let error = |name: &str| errors.iter().find(|(f, _)| f == name).map(|(_, m)| m.clone());
    SellerPage {
        page: Chrome::new(visitor, "settings").with_flash(flash),
        version,
        inputs: FIELDS
            .iter()
            .map(|(name, label)| Input { name, label, value: value(name), error: error(name) })
            .collect(),
        payment_terms: value("payment_terms"),
        payment_terms_error: error("payment_terms"),
        has_logo: logo.set,
        logo_error: logo.refused,
    }
}

async fn seller(
    State(state): State<AppState>,
    visitor: Visitor,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    if !visitor.actor.is_admin() {
        return Err(AppError::Forbidden("only admins set the seller's identity").into());
    }
    let (seller, version) = state.app.seller().await?;
    let flash = match query.as_deref() {
        Some("saved") => Some(visitor.lang.t("seller-saved")),
        Some("logo") => Some(visitor.lang.t("seller-logo-saved")),
        _ => None,
    };
    let logo = LogoState { set: state.app.seller_has_logo().await?, refused: None };
    Ok(render(&page_of(&visitor, version, |name| stored(&seller, name), &[], flash, logo)))
}

/// The logo, for the page's preview (every signed-in user may see what quotes print).
async fn logo(State(state): State<AppState>, _visitor: Visitor) -> Result<Response, PageError> {
    let logo = state.app.seller_logo().await?.ok_or(AppError::NotFound)?;
    Ok(logo_image(logo))
}

async fn set_logo(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    form: Multipart,
) -> Result<Response, PageError> {
    check_origin(&headers)?;
    let read = ticket_files::read_form(form, &visitor.csrf).await?;
    let refused = match crate::attached::set_logo(&state.app, &visitor.actor, read).await {
        Ok(_) => return Ok(redirect("/settings/seller?logo", false)),
        Err(AppError::Validation(errors)) => ticket_files::said(visitor.lang, &errors),
        Err(other) => return Err(other.into()),
    };
    let (seller, version) = state.app.seller().await?;
    let logo = LogoState { set: state.app.seller_has_logo().await?, refused: Some(refused) };
    let page = page_of(&visitor, version, |name| stored(&seller, name), &[], None, logo);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
}

async fn remove_logo(State(state): State<AppState>, form: Submission) -> Result<Response, PageError> {
    state.app.remove_seller_logo(&form.visitor.actor).await?;
    Ok(redirect("/settings/seller", false))
}

async fn save(State(state): State<AppState>, form: Submission) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let text = |name: &str| form.fields.text(name).map_or(Value::Null, Value::String);
    let capital = super::records::typed_optional_number(form.fields.get("share_capital").unwrap_or_default());
    let body = json!({
        "name": text("name"), "legal_form": text("legal_form"), "share_capital": capital,
        "siren": text("siren"), "rcs_city": text("rcs_city"), "vat_number": text("vat_number"),
        "email": text("email"), "phone": text("phone"), "payment_terms": text("payment_terms"),
        "address": {"street": text("address.street"), "postal_code": text("address.postal_code"),
            "city": text("address.city"), "country": text("address.country")},
    });
    let version = super::records::version_of(&form.fields);
    match state.app.set_seller(&visitor.actor, &body, version).await {
        Ok(_) => Ok(redirect("/settings/seller?saved", false)),
        Err(AppError::Validation(errors)) => {
            let errors: Vec<(String, String)> =
                errors.0.into_iter().map(|e| (e.field, visitor.lang.message(&e.message))).collect();
            let typed = |name: &str| form.fields.get(name).unwrap_or_default().to_owned();
            let logo = LogoState { set: state.app.seller_has_logo().await?, refused: None };
            let page = page_of(visitor, version.unwrap_or_default(), typed, &errors, None, logo);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
