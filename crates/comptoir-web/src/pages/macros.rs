//! The macros' pages: the team's canned answers, listed with a form to write one; support
//! agents, managers and admins write them, through the same use cases as `/api/v1/macros`.

use super::errors::PageError;
use super::path::PagePath;
use super::session::{Fields, Submission, Visitor};
use super::{Chrome, redirect, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use comptoir_app::AppError;
use comptoir_app::kind::Kind;
use comptoir_app::macros::Macros;
use comptoir_domain::ValidationErrors;
use comptoir_domain::ids::MacroId;
use comptoir_domain::macros::{Macro, PLACEHOLDERS};
use serde_json::{Value, json};

pub fn router() -> Router<AppState> {
    Router::new().route("/macros", get(macros).post(create)).route("/macros/{id}", get(edit).post(update))
}

/// A macro's form, as typed or as stored.
#[derive(Default)]
struct Typed {
    name: String,
    body: String,
    language: String,
    status: String,
}

impl Typed {
    fn of(saved: &Macro) -> Typed {
        let f = &saved.fields;
        Typed {
            name: f.name.clone(),
            body: f.body.clone(),
            language: f.language.clone(),
            status: f.status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        }
    }

    fn from_form(fields: &Fields) -> Typed {
        let kept = |name: &str| fields.get(name).unwrap_or_default().to_owned();
        Typed { name: kept("name"), body: kept("body"), language: kept("language"), status: kept("status") }
    }

    fn body(&self) -> Value {
        let text = super::records::typed_text;
        json!({"name": text(&self.name), "body": text(&self.body), "language": text(&self.language), "status": text(&self.status)})
    }
}

#[derive(Template)]
#[template(path = "macros.html")]
struct MacrosPage {
    page: Chrome,
    /// Listed on the list page; none on a macro's own.
    listed: Option<Vec<(MacroId, String, String)>>,
    action: String,
    version: Option<i64>,
    can_write: bool,
    typed: Typed,
    languages: Vec<(&'static str, String)>,
    statuses: Vec<(&'static str, String)>,
    placeholders: String,
    errors: Vec<(String, String)>,
}

impl MacrosPage {
    fn new(visitor: &Visitor, action: String, version: Option<i64>, typed: Typed) -> MacrosPage {
        let page = Chrome::new(visitor, "articles");
        let languages = ["fr", "en"].into_iter().map(|v| (v, page.t(&format!("language-{v}")))).collect();
        let mut statuses = vec![("", page.t("ticket-reply-status-keep"))];
        statuses.extend(
            ["open", "pending_customer", "pending_third_party", "solved", "closed"]
                .into_iter()
                .map(|v| (v, page.t(&format!("ticket-status-{v}")))),
        );
        MacrosPage {
            page,
            listed: None,
            action,
            version,
            can_write: Macros::may_create(&visitor.actor),
            typed,
            languages,
            statuses,
            placeholders: PLACEHOLDERS.iter().map(|p| format!("{{{{{p}}}}}")).collect::<Vec<_>>().join(" "),
            errors: Vec::new(),
        }
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(name, _)| name == field).map(|(_, m)| m.as_str())
    }

    fn refused(mut self, visitor: &Visitor, errors: ValidationErrors) -> Response {
        self.errors = errors.0.into_iter().map(|e| (e.field, visitor.lang.message(&e.message))).collect();
        (StatusCode::UNPROCESSABLE_ENTITY, render(&self)).into_response()
    }
}

async fn listed(state: &AppState, visitor: &Visitor) -> Result<Vec<(MacroId, String, String)>, AppError> {
    let query = super::list_query(&[("limit", "200".to_owned())])?;
    let found = state.app.list::<Macros>(&visitor.actor, &query).await?.data;
    Ok(found
        .into_iter()
        .map(|m| (m.id, m.fields.name, visitor.lang.t(&format!("language-{}", m.fields.language))))
        .collect())
}

async fn macros(State(state): State<AppState>, visitor: Visitor) -> Result<Response, PageError> {
    let typed = Typed { language: visitor.lang.code().to_owned(), ..Typed::default() };
    let mut page = MacrosPage::new(&visitor, "/macros".into(), None, typed);
    page.listed = Some(listed(&state, &visitor).await?);
    Ok(render(&page))
}

async fn create(State(state): State<AppState>, form: Submission) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let typed = Typed::from_form(&form.fields);
    match state.app.create::<Macros>(&visitor.actor, typed.body(), None).await {
        Ok(_) => Ok(redirect("/macros", false)),
        Err(AppError::Validation(errors)) => {
            let mut page = MacrosPage::new(visitor, "/macros".into(), None, typed);
            page.listed = Some(listed(&state, visitor).await?);
            Ok(page.refused(visitor, errors))
        }
        Err(other) => Err(other.into()),
    }
}

async fn edit(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<MacroId>,
) -> Result<Response, PageError> {
    let saved = state.app.get::<Macros>(&visitor.actor, id).await?;
    Ok(render(&MacrosPage::new(&visitor, format!("/macros/{id}"), Some(saved.version), Typed::of(&saved))))
}

async fn update(
    State(state): State<AppState>,
    PagePath(id): PagePath<MacroId>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let typed = Typed::from_form(&form.fields);
    let version = super::records::version_of(&form.fields);
    match state.app.update::<Macros>(&visitor.actor, id, &typed.body(), version).await {
        Ok(_) => Ok(redirect("/macros", false)),
        Err(AppError::Validation(errors)) => {
            Ok(MacrosPage::new(visitor, format!("/macros/{id}"), version, typed).refused(visitor, errors))
        }
        Err(other) => Err(other.into()),
    }
}
