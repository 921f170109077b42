//! Settings, for admins: the seller's identity every quote is printed under.

use super::errors::PageError;
use super::session::{Submission, Visitor, check_origin};
use super::ticket_files;
use super::{Chrome, redirect, render};
use crate::attached::{MAX_UPLOAD_REQUEST, logo_image};
use crate::i18n::Lang;
use crate::printing;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use comptoir_app::AppError;
use comptoir_domain::seller::Seller;
use rust_decimal::Decimal;
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
    vat_rates: Input,
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

fn stored(lang: Lang, seller: &Seller, name: &str) -> String {
    if name == "vat_rates" {
        let rates =
            seller.offered_vat_rates().iter().map(|r| printing::decimal(lang, *r)).collect::<Vec<_>>();
        return rates.join(match lang {
            Lang::Fr => " ; ",
            Lang::En => "; ",
        });
    }
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
        vat_rates: Input {
            name: "vat_rates",
            label: "seller-vat-rates",
            value: value("vat_rates"),
            error: errors
                .iter()
                .filter(|(f, _)| f.starts_with("vat_rates"))
                .map(|(_, m)| m.clone())
                .reduce(|a, b| format!("{a} {b}")),
        },
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
    Ok(render(&page_of(&visitor, version, |name| stored(visitor.lang, &seller, name), &[], flash, logo)))
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
    let page = page_of(&visitor, version, |name| stored(visitor.lang, &seller, name), &[], None, logo);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
}

async fn remove_logo(State(state): State<AppState>, form: Submission) -> Result<Response, PageError> {
    state.app.remove_seller_logo(&form.visitor.actor).await?;
    Ok(redirect("/settings/seller", false))
}

async fn save(State(state): State<AppState>, form: Submission) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let version = super::records::version_of(&form.fields);
    let Some(rates) = typed_vat_rates(visitor.lang, form.fields.get("vat_rates").unwrap_or_default()) else {
        let message = visitor.lang.message("must be percentages separated by semicolons");
        return refused(&state, &form, version, vec![("vat_rates".to_owned(), message)]).await;
    };
    let text = |name: &str| form.fields.text(name).map_or(Value::Null, Value::String);
    let capital = super::records::typed_optional_number(form.fields.get("share_capital").unwrap_or_default());
    let body = json!({
        "name": text("name"), "legal_form": text("legal_form"), "share_capital": capital,
        "siren": text("siren"), "rcs_city": text("rcs_city"), "vat_number": text("vat_number"),
        "email": text("email"), "phone": text("phone"), "payment_terms": text("payment_terms"),
        "address": {"street": text("address.street"), "postal_code": text("address.postal_code"),
            "city": text("address.city"), "country": text("address.country")},
        "vat_rates": rates.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
    });
    match state.app.set_seller(&visitor.actor, &body, version).await {
        Ok(_) => Ok(redirect("/settings/seller?saved", false)),
        Err(AppError::Validation(errors)) => {
            let lang = visitor.lang;
            let errors = errors
                .0
                .into_iter()
                .map(|e| {
                    let message = lang.message(&e.message);
                    // "vat_rates[1]" is the second rate typed: say which.
                    let rate =
                        e.field.strip_prefix("vat_rates[").and_then(|i| i.trim_end_matches(']').parse().ok());
                    match rate.and_then(|i: usize| rates.get(i)) {
                        Some(rate) => {
                            let shown = printing::decimal(lang, *rate);
                            let said = lang
                                .tn("seller-vat-rate-refused", &[("rate", &shown), ("message", &message)]);
                            (e.field, said)
                        }
                        None => (e.field, message),
                    }
                })
                .collect();
            refused(&state, &form, version, errors).await
        }
        Err(other) => Err(other.into()),
    }
}

/// The form again, as it was typed, with why it was refused.
async fn refused(
    state: &AppState,
    form: &Submission,
    version: Option<i64>,
    errors: Vec<(String, String)>,
) -> Result<Response, PageError> {
    let typed = |name: &str| form.fields.get(name).unwrap_or_default().to_owned();
    let logo = LogoState { set: state.app.seller_has_logo().await?, refused: None };
    let page = page_of(&form.visitor, version.unwrap_or_default(), typed, &errors, None, logo);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
}

/// The rates as typed: separated by semicolons or spaces (and commas in English, where the
/// comma is no decimal separator), with or without `%`. `None` when one is not a number.
fn typed_vat_rates(lang: Lang, typed: &str) -> Option<Vec<Decimal>> {
    let separators: &[char] = match lang {
        Lang::Fr => &[';'],
        Lang::En => &[';', ','],
    };
    typed
        .split(|c: char| separators.contains(&c) || c.is_whitespace())
        .map(|part| part.trim().trim_end_matches('%').trim())
        .filter(|part| !part.is_empty())
        .map(|part| part.replace(',', ".").parse::<Decimal>().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn rates_are_read_as_each_language_writes_them() {
        assert_eq!(
            typed_vat_rates(Lang::Fr, "21 ; 12 ; 5,5 % ; 0"),
            Some(vec![dec!(21), dec!(12), dec!(5.5), dec!(0)])
        );
        assert_eq!(
            typed_vat_rates(Lang::En, "21, 12, 5.5%, 0"),
            Some(vec![dec!(21), dec!(12), dec!(5.5), dec!(0)])
        );
        assert_eq!(typed_vat_rates(Lang::Fr, ""), Some(vec![]));
        assert_eq!(typed_vat_rates(Lang::Fr, "20 ; vingt"), None);
    }
}
