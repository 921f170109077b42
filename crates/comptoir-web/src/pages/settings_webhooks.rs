//! Settings, for admins: webhooks, their deliveries log, a test event. Every action goes
//! through the same admin-only use cases as `/api/v1/webhooks`.

use super::errors::PageError;
use super::path::PagePath;
use super::session::{Fields, Submission, Visitor};
use super::{Chrome, redirect, render};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use comptoir_app::AppError;
use comptoir_domain::ids::WebhookId;
use comptoir_domain::webhooks::{Delivery, Webhook};
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/webhooks", get(webhooks).post(create))
        .route("/settings/webhooks/{id}", get(webhook))
        .route("/settings/webhooks/{id}/test", post(send_test))
        .route("/settings/webhooks/{id}/active", post(set_active))
        .route("/settings/webhooks/{id}/delete", post(delete))
}

/// What the creation form was given, kept when it is refused.
#[derive(Default)]
struct Typed {
    url: String,
    events: String,
    description: String,
}

/// A webhook with the events it takes, as a person reads them.
struct WebhookLine {
    webhook: Webhook,
    events: String,
}

impl WebhookLine {
    fn new(lang: Lang, webhook: Webhook) -> WebhookLine {
        let events = if webhook.event_types.is_empty() {
            lang.t("webhook-all-events")
        } else {
            webhook.event_types.join(", ")
        };
        WebhookLine { webhook, events }
    }
}

#[derive(Template)]
#[template(path = "settings/webhooks.html")]
struct WebhooksPage {
    page: Chrome,
    webhooks: Vec<WebhookLine>,
    new_secret: Option<String>,
    typed: Typed,
    /// Field name and translated message of each refused field.
    errors: Vec<(String, String)>,
}

impl WebhooksPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(name, _)| name == field || name.starts_with(&format!("{field}[")))
            .map(|(_, m)| m.as_str())
    }
}

async fn webhooks_page(
    state: &AppState,
    visitor: &Visitor,
    new_secret: Option<String>,
    typed: Typed,
    errors: Vec<(String, String)>,
) -> Result<Response, PageError> {
    let webhooks = state.app.list_webhooks(&visitor.actor).await?;
    let webhooks = webhooks.into_iter().map(|w| WebhookLine::new(visitor.lang, w)).collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = WebhooksPage { page: Chrome::new(visitor, "settings"), webhooks, new_secret, typed, errors };
    let mut response = (status, render(&page)).into_response();
    // A page showing a secret must not be kept by the browser or a proxy.
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

async fn webhooks(State(state): State<AppState>, visitor: Visitor) -> Result<Response, PageError> {
    webhooks_page(&state, &visitor, None, Typed::default(), Vec::new()).await
}

fn event_types(fields: &Fields) -> Vec<String> {
    fields
        .get("events")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_owned)
        .collect()
}

async fn create(State(state): State<AppState>, form: Submission) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let body = json!({
        "url": form.fields.text("url"),
        "event_types": event_types(&form.fields),
        "description": form.fields.text("description"),
    });
    match state.app.create_webhook(&visitor.actor, body, None).await {
        Ok(created) => {
            webhooks_page(&state, visitor, Some(created.secret), Typed::default(), Vec::new()).await
        }
        Err(AppError::Validation(errors)) => {
            let typed = Typed {
                url: form.fields.get("url").unwrap_or_default().to_owned(),
                events: form.fields.get("events").unwrap_or_default().to_owned(),
                description: form.fields.get("description").unwrap_or_default().to_owned(),
            };
            let errors = errors.0.into_iter().map(|e| (e.field, visitor.lang.message(&e.message))).collect();
            webhooks_page(&state, visitor, None, typed, errors).await
        }
        Err(other) => Err(PageError::from(other)),
    }
}

#[derive(Template)]
#[template(path = "settings/webhook.html")]
struct WebhookPage {
    page: Chrome,
    line: WebhookLine,
    deliveries: Vec<Delivery>,
}

async fn webhook(
    State(state): State<AppState>,
    PagePath(id): PagePath<WebhookId>,
    RawQuery(query): RawQuery,
    visitor: Visitor,
) -> Result<Response, PageError> {
    let lang = visitor.lang;
    let webhook = state.app.get_webhook(&visitor.actor, id).await?;
    let deliveries = state.app.webhook_deliveries(&visitor.actor, id, 100).await?;
    let flash = (query.as_deref() == Some("test=sent")).then(|| lang.t("webhook-test-queued"));
    let page = Chrome::new(&visitor, "settings").with_flash(flash);
    Ok(render(&WebhookPage { page, line: WebhookLine::new(lang, webhook), deliveries }))
}

async fn send_test(
    State(state): State<AppState>,
    PagePath(id): PagePath<WebhookId>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    state.app.send_test_event(&visitor.actor, id).await?;
    Ok(redirect(&format!("/settings/webhooks/{id}?test=sent"), false))
}

async fn set_active(
    State(state): State<AppState>,
    PagePath(id): PagePath<WebhookId>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let patch = json!({ "active": form.fields.checked("active") });
    let version = form.fields.get("version").and_then(|v| v.parse().ok());
    state.app.update_webhook(&visitor.actor, id, &patch, version).await?;
    Ok(redirect(&format!("/settings/webhooks/{id}"), false))
}

async fn delete(
    State(state): State<AppState>,
    PagePath(id): PagePath<WebhookId>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    state.app.delete_webhook(&visitor.actor, id, None).await?;
    Ok(redirect("/settings/webhooks", false))
}
