//! The teams' page: every team with its members, who is away, and what comes to it; managers
//! and admins set teams up there, and a member says they are away or back, through the same
//! use cases as `/api/v1/teams`.

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
use axum::routing::{get, post};
use comptoir_app::AppError;
use comptoir_app::kind::Kind;
use comptoir_app::teams::Teams;
use comptoir_domain::ValidationErrors;
use comptoir_domain::ids::TeamId;
use comptoir_domain::teams::{Assignment, Team};
use comptoir_domain::users::{Role, User};
use serde_json::{Value, json};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/teams", get(teams).post(create))
        .route("/teams/{id}", get(edit).post(update))
        .route("/teams/{id}/availability", post(availability))
        .route("/teams/{id}/delete", post(delete))
}

/// A team's form, as typed or as stored.
#[derive(Default)]
struct Typed {
    name: String,
    lead_id: String,
    assignment: String,
    members: Vec<String>,
    categories: String,
    languages: String,
}

impl Typed {
    fn of(team: &Team) -> Typed {
        let f = &team.fields;
        Typed {
            name: f.name.clone(),
            lead_id: f.lead_id.map(|id| id.to_string()).unwrap_or_default(),
            assignment: f.assignment.as_str().to_owned(),
            members: f.members.iter().map(|m| m.user_id.to_string()).collect(),
            categories: f.categories.join(", "),
            languages: f.languages.join(", "),
        }
    }

    fn from_form(fields: &Fields) -> Typed {
        let kept = |name: &str| fields.get(name).unwrap_or_default().to_owned();
        Typed {
            name: kept("name"),
            lead_id: kept("lead_id"),
            assignment: kept("assignment"),
            members: fields.all("members").map(str::to_owned).collect(),
            categories: kept("categories"),
            languages: kept("languages"),
        }
    }

    /// The API's body; members who stay keep whether they said they were away.
    fn body(&self, current: Option<&Team>) -> Value {
        let text = super::records::typed_text;
        let list = |typed: &str| -> Vec<String> {
            typed.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned).collect()
        };
        let members: Vec<Value> = self
            .members
            .iter()
            .map(|id| {
                let available = current
                    .and_then(|team| team.fields.members.iter().find(|m| m.user_id.to_string() == *id))
                    .is_none_or(|m| m.available);
                json!({"user_id": id, "available": available})
            })
            .collect();
        json!({
            "name": text(&self.name),
            "lead_id": text(&self.lead_id),
            "assignment": text(&self.assignment),
            "members": members,
            "categories": list(&self.categories),
            "languages": list(&self.languages),
        })
    }

    fn is_member(&self, user: &str) -> bool {
        self.members.iter().any(|m| m == user)
    }
}

/// A team as the list shows it.
struct Listed {
    id: TeamId,
    version: i64,
    name: String,
    assignment: String,
    lead: Option<String>,
    /// Names, and whether each is available.
    members: Vec<(String, bool)>,
    routes: String,
    /// Whether the visitor is of the team, and available in it.
    mine: Option<bool>,
}

#[derive(Template)]
#[template(path = "teams.html")]
struct TeamsPage {
    page: Chrome,
    /// Listed on the list page; none on a team's own.
    listed: Option<Vec<Listed>>,
    action: String,
    version: Option<i64>,
    can_write: bool,
    typed: Typed,
    assignments: Vec<(&'static str, String)>,
    /// Everyone who may be of a team or lead one: id and name.
    people: Vec<(String, String)>,
    errors: Vec<(String, String)>,
}

impl TeamsPage {
    fn new(
        visitor: &Visitor,
        users: &[User],
        action: String,
        version: Option<i64>,
        typed: Typed,
    ) -> TeamsPage {
        let page = Chrome::new(visitor, "tickets");
        let assignments = Assignment::ALL
            .into_iter()
            .map(|a| (a.as_str(), page.t(&format!("team-assignment-{}", a.as_str()))))
            .collect();
        let people = users
            .iter()
            .filter(|u| u.role != Role::Readonly)
            .map(|u| (u.id.to_string(), u.name().to_owned()))
            .collect();
        TeamsPage {
            page,
            listed: None,
            action,
            version,
            can_write: Teams::may_create(&visitor.actor),
            typed,
            assignments,
            people,
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

async fn listed(state: &AppState, visitor: &Visitor, users: &[User]) -> Result<Vec<Listed>, AppError> {
    let query = super::list_query(&[("limit", "200".to_owned())])?;
    let found = state.app.list::<Teams>(&visitor.actor, &query).await?.data;
    let name = |id: comptoir_domain::ids::UserId| {
        users.iter().find(|u| u.id == id).map_or_else(|| id.to_string(), |u| u.name().to_owned())
    };
    Ok(found
        .into_iter()
        .map(|team| {
            let f = &team.fields;
            let mine = f.members.iter().find(|m| m.user_id == visitor.actor.user_id).map(|m| m.available);
            Listed {
                id: team.id,
                version: team.version,
                name: f.name.clone(),
                assignment: visitor.lang.t(&format!("team-assignment-{}", f.assignment.as_str())),
                lead: f.lead_id.map(name),
                members: f.members.iter().map(|m| (name(m.user_id), m.available)).collect(),
                routes: f.categories.iter().chain(&f.languages).cloned().collect::<Vec<_>>().join(", "),
                mine,
            }
        })
        .collect())
}

/// The list page, with the form for a new team.
async fn list_page(state: &AppState, visitor: &Visitor, typed: Typed) -> Result<TeamsPage, AppError> {
    let users = state.app.colleagues(&visitor.actor).await?;
    let mut page = TeamsPage::new(visitor, &users, "/teams".into(), None, typed);
    page.listed = Some(listed(state, visitor, &users).await?);
    Ok(page)
}

async fn teams(State(state): State<AppState>, visitor: Visitor) -> Result<Response, PageError> {
    let typed = Typed { assignment: Assignment::RoundRobin.as_str().to_owned(), ..Typed::default() };
    Ok(render(&list_page(&state, &visitor, typed).await?))
}

async fn create(State(state): State<AppState>, form: Submission) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let typed = Typed::from_form(&form.fields);
    match state.app.create::<Teams>(&visitor.actor, typed.body(None), None).await {
        Ok(_) => Ok(redirect("/teams", false)),
        Err(AppError::Validation(errors)) => {
            Ok(list_page(&state, visitor, typed).await?.refused(visitor, errors))
        }
        Err(other) => Err(other.into()),
    }
}

async fn edit(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<TeamId>,
) -> Result<Response, PageError> {
    let team = state.app.get::<Teams>(&visitor.actor, id).await?;
    let users = state.app.colleagues(&visitor.actor).await?;
    Ok(render(&TeamsPage::new(
        &visitor,
        &users,
        format!("/teams/{id}"),
        Some(team.version),
        Typed::of(&team),
    )))
}

async fn update(
    State(state): State<AppState>,
    PagePath(id): PagePath<TeamId>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let typed = Typed::from_form(&form.fields);
    let version = super::records::version_of(&form.fields);
    let current = state.app.get::<Teams>(&visitor.actor, id).await?;
    match state.app.update::<Teams>(&visitor.actor, id, &typed.body(Some(&current)), version).await {
        Ok(_) => Ok(redirect("/teams", false)),
        Err(AppError::Validation(errors)) => {
            let users = state.app.colleagues(&visitor.actor).await?;
            Ok(TeamsPage::new(visitor, &users, format!("/teams/{id}"), version, typed)
                .refused(visitor, errors))
        }
        Err(other) => Err(other.into()),
    }
}

/// Deletes a team; its tickets stay, in no team.
async fn delete(
    State(state): State<AppState>,
    PagePath(id): PagePath<TeamId>,
    form: Submission,
) -> Result<Response, PageError> {
    let version = super::records::version_of(&form.fields);
    state.app.delete::<Teams>(&form.visitor.actor, id, version).await?;
    Ok(redirect("/teams", false))
}

/// A member saying they are away, or back.
async fn availability(
    State(state): State<AppState>,
    PagePath(id): PagePath<TeamId>,
    form: Submission,
) -> Result<Response, PageError> {
    let available = form.fields.get("available") == Some("true");
    let version = super::records::version_of(&form.fields);
    state.app.set_availability(&form.visitor.actor, id, available, version).await?;
    Ok(redirect("/teams", false))
}
