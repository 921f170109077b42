//! "My account": what every user sets for themselves, without an admin: their language, their
//! time zone and their password.

use super::auth::append_cookie;
use super::errors::PageError;
use super::forms::{FormField, place_errors};
use super::session::{SESSION_COOKIE, Submission, Visitor, over_https, set_cookie};
use super::{Chrome, redirect, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use comptoir_app::AppError;
use comptoir_domain::ValidationErrors;
use comptoir_domain::sessions::REMEMBERED_LIFETIME;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(show))
        .route("/account/preferences", post(save_preferences))
        .route("/account/password", post(change_password))
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    page: Chrome,
    email: String,
    preferences: Vec<FormField>,
    password: Vec<FormField>,
}

impl AccountPage {
    /// The page with its forms empty, as the visitor's settings stand.
    fn new(visitor: &Visitor, default_zone: &str) -> AccountPage {
        AccountPage {
            page: Chrome::new(visitor, "account"),
            email: visitor.user.email.clone(),
            preferences: preference_fields(visitor, default_zone),
            password: password_fields(visitor),
        }
    }

    /// The page again after a refusal, with each error beside its field, as a 422.
    fn refused(mut self, errors: &ValidationErrors, lang: crate::i18n::Lang) -> Response {
        let page = &mut self;
        place_errors(&mut page.preferences, errors, lang, |name| name.to_owned());
        place_errors(&mut page.password, errors, lang, |name| name.to_owned());
        (StatusCode::UNPROCESSABLE_ENTITY, render(page)).into_response()
    }
}

fn preference_fields(visitor: &Visitor, default_zone: &str) -> Vec<FormField> {
    let lang = visitor.lang;
    let languages = vec![
        (String::new(), lang.t("account-language-browser")),
        ("fr".to_owned(), "Français".to_owned()),
        ("en".to_owned(), "English".to_owned()),
    ];
    let mut zones = vec![(String::new(), lang.t1("account-timezone-default", "zone", default_zone))];
    zones.extend(
        chrono_tz::TZ_VARIANTS.iter().map(|zone| (zone.name().to_owned(), zone.name().replace('_', " "))),
    );
    vec![
        FormField::select(
            "locale",
            lang.t("account-language"),
            visitor.user.locale.clone().unwrap_or_default(),
            languages,
        ),
        FormField::select(
            "timezone",
            lang.t("account-timezone"),
            visitor.user.timezone.clone().unwrap_or_default(),
            zones,
        ),
    ]
}

fn password_fields(visitor: &Visitor) -> Vec<FormField> {
    let lang = visitor.lang;
    vec![
        FormField::new("current_password", lang.t("account-current-password"), "password", "")
            .required()
            .autocomplete("current-password"),
        FormField::new("new_password", lang.t("account-new-password"), "password", "")
            .required()
            .autocomplete("new-password")
            .hint(lang.t("account-new-password-hint")),
    ]
}

/// What the page says after a change: `?saved=1` or `?password=1`.
#[derive(Deserialize, Default)]
struct Outcome {
    saved: Option<u8>,
    password: Option<u8>,
}

async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(outcome): Query<Outcome>,
) -> Result<Response, PageError> {
    let flash = match (outcome.saved, outcome.password) {
        (_, Some(_)) => Some(visitor.lang.t("account-password-changed")),
        (Some(_), None) => Some(visitor.lang.t("account-saved")),
        (None, None) => None,
    };
    let mut page = AccountPage::new(&visitor, state.timezone.name());
    page.page.flash = flash;
    Ok(render(&page))
}

async fn save_preferences(State(state): State<AppState>, form: Submission) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let chosen = |name: &str| form.fields.get(name).map(str::trim).filter(|v| !v.is_empty());
    match state.app.set_own_preferences(&visitor.actor, chosen("locale"), chosen("timezone")).await {
        Ok(_) => Ok(redirect("/account?saved=1", false)),
        Err(AppError::Validation(errors)) => {
            Ok(AccountPage::new(visitor, state.timezone.name()).refused(&errors, visitor.lang))
        }
        Err(other) => Err(other.into()),
    }
}

async fn change_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let current = form.fields.get("current_password").unwrap_or_default();
    let new = form.fields.get("new_password").unwrap_or_default();
    match state.app.change_own_password(&visitor.actor, current, new, visitor.remembered).await {
        Ok(signed_in) => {
            let mut response = redirect("/account?password=1", false);
            let max_age = visitor.remembered.then(|| REMEMBERED_LIFETIME.num_seconds());
            let cookie = set_cookie(SESSION_COOKIE, &signed_in.secret, max_age, over_https(&headers));
            append_cookie(response.headers_mut(), &cookie);
            Ok(response)
        }
        Err(AppError::Validation(errors)) => {
            Ok(AccountPage::new(visitor, state.timezone.name()).refused(&errors, visitor.lang))
        }
        Err(other) => Err(other.into()),
    }
}
