//! Settings, for admins: the SMTP server mail goes out through, and the outbox's latest mail.

use super::errors::PageError;
use super::forms::{FormField, place_errors};
use super::session::{Submission, Visitor};
use super::{Chrome, redirect, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use comptoir_app::AppError;
use comptoir_domain::mail::{MailSettingsView, OutboxEntry};
use serde_json::{Map, Value};

pub fn router() -> Router<AppState> {
    Router::new().route("/settings/mail", get(mail).post(save))
}

/// Messages of the outbox the page shows.
const OUTBOX_SHOWN: i64 = 20;

#[derive(Template)]
#[template(path = "settings/mail.html")]
struct MailPage {
    page: Chrome,
    version: i64,
    fields: Vec<FormField>,
    unplaced: Vec<String>,
    outbox: Vec<OutboxEntry>,
}

/// The form, filled from `value` (what is kept, or what was typed).
fn fields(visitor: &Visitor, value: impl Fn(&str) -> String, password_set: bool) -> Vec<FormField> {
    let t = |key: &str| visitor.lang.t(key);
    let choices = |pairs: &[(&str, &str)]| pairs.iter().map(|(v, key)| ((*v).to_owned(), t(key))).collect();
    let mut password =
        FormField::new("password", t("mail-password"), "password", "").autocomplete("new-password");
    if password_set {
        password = password.hint(t("mail-password-kept"));
    }
    let mut fields = vec![
        FormField::new("host", t("mail-host"), "text", value("host")).required().autocomplete("off"),
        FormField::select(
            "security",
            t("mail-security"),
            value("security"),
            choices(&[
                ("starttls", "mail-security-starttls"),
                ("tls", "mail-security-tls"),
                ("none", "mail-security-none"),
            ]),
        ),
        FormField::new("port", t("mail-port"), "text", value("port"))
            .input_mode("numeric")
            .hint(t("mail-port-hint")),
        FormField::new("username", t("mail-username"), "text", value("username")).autocomplete("off"),
        password,
    ];
    if password_set {
        fields.push(FormField::new(
            "forget_password",
            t("mail-forget-password"),
            "checkbox",
            value("forget_password"),
        ));
    }
    fields.extend([
        FormField::new("from_name", t("mail-from-name"), "text", value("from_name")),
        FormField::new("from_address", t("mail-from-address"), "email", value("from_address")).required(),
        FormField::new("reply_to_address", t("mail-reply-to"), "email", value("reply_to_address"))
            .hint(t("mail-reply-to-hint")),
        FormField::select(
            "default_language",
            t("mail-default-language"),
            value("default_language"),
            choices(&[("fr", "language-fr"), ("en", "language-en")]),
        ),
        FormField::new("site_address", t("mail-site-address"), "url", value("site_address"))
            .hint(t("mail-site-address-hint")),
    ]);
    fields
}

fn kept(settings: Option<&MailSettingsView>, name: &str) -> String {
    let json = settings.map(serde_json::to_value).and_then(Result::ok).unwrap_or(Value::Null);
    match &json[name] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

async fn mail(
    State(state): State<AppState>,
    visitor: Visitor,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let (settings, version) = state.app.mail_settings_view(&visitor.actor).await?;
    let outbox = state.app.outbox(&visitor.actor, None, OUTBOX_SHOWN).await?;
    let flash = (query.as_deref() == Some("saved")).then(|| visitor.lang.t("mail-saved"));
    let password_set = settings.as_ref().is_some_and(|s| s.password_set);
    let page = MailPage {
        fields: fields(&visitor, |name| kept(settings.as_ref(), name), password_set),
        page: Chrome::new(&visitor, "settings").with_flash(flash),
        version,
        unplaced: vec![],
        outbox,
    };
    Ok(render(&page))
}

async fn save(State(state): State<AppState>, form: Submission) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let mut body = Map::new();
    for name in [
        "host",
        "security",
        "username",
        "from_name",
        "from_address",
        "reply_to_address",
        "default_language",
        "site_address",
    ] {
        body.insert(name.to_owned(), form.fields.text(name).map_or(Value::Null, Value::String));
    }
    // A port that is not a number is sent as typed, for the rules to name it.
    if let Some(port) = form.fields.text("port") {
        body.insert("port".to_owned(), port.parse::<u16>().map_or(Value::String(port), Value::from));
    }
    // An empty password keeps the one kept; forgetting it is a choice of its own.
    if form.fields.get("forget_password").is_some() {
        body.insert("password".to_owned(), Value::String(String::new()));
    } else if let Some(password) = form.fields.get("password").filter(|p| !p.is_empty()) {
        body.insert("password".to_owned(), Value::String(password.to_owned()));
    }
    let version = super::records::version_of(&form.fields);
    match state.app.set_mail_settings(&visitor.actor, Value::Object(body), version).await {
        Ok(_) => Ok(redirect("/settings/mail?saved", false)),
        Err(AppError::Validation(errors)) => {
            let (settings, _) = state.app.mail_settings_view(&visitor.actor).await?;
            let password_set = settings.as_ref().is_some_and(|s| s.password_set);
            let typed = |name: &str| form.fields.get(name).unwrap_or_default().to_owned();
            let mut fields = fields(visitor, typed, password_set);
            let unplaced = place_errors(&mut fields, &errors, visitor.lang, str::to_owned);
            let page = MailPage {
                page: Chrome::new(visitor, "settings"),
                version: version.unwrap_or_default(),
                fields,
                unplaced,
                outbox: state.app.outbox(&visitor.actor, None, OUTBOX_SHOWN).await?,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
