//! The home page: my open tasks due today or late, what I opened lately, and the latest
//! activity on the contacts I own.

use super::errors::PageError;
use super::session::Visitor;
use super::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use chrono::{Days, Utc};
use comptoir_app::contacts::Contacts;
use comptoir_app::{App, AppError};
use comptoir_domain::contacts::Contact;
use comptoir_domain::kinds::RecordRef;
use comptoir_domain::users::Actor;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

/// A record on the recently-viewed list.
pub struct Recent {
    pub href: String,
    pub name: String,
    pub kind_key: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: Chrome,
    tasks: Vec<super::activities::TaskLine>,
    recent: Vec<Recent>,
    active_contacts: Vec<Contact>,
}

async fn home(State(state): State<AppState>, visitor: Visitor) -> Result<Response, PageError> {
    let app = &state.app;
    let actor = &visitor.actor;
    // "Today" ends at midnight where the team works.
    let tomorrow = Utc::now().with_timezone(&visitor.timezone).date_naive().checked_add_days(Days::new(1));
    let end_of_today = tomorrow
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .and_then(|at| at.and_local_timezone(visitor.timezone).earliest())
        .map_or_else(Utc::now, |at| at.to_utc());
    let tasks = app.my_open_tasks(actor, end_of_today, 50).await?;
    let tasks = super::activities::task_lines(app, actor, tasks, Utc::now()).await?;
    let recent = recent(app, actor).await?;
    let active = super::list_query(&[
        ("filter[owner_id]", actor.user_id.to_string()),
        ("filter[last_activity_at][is-empty]", "false".to_owned()),
        ("sort", "-last_activity_at".to_owned()),
        ("limit", "10".to_owned()),
    ])?;
    let active_contacts = app.list::<Contacts>(actor, &active).await?.data;
    Ok(render(&HomePage { page: Chrome::new(&visitor, "home"), tasks, recent, active_contacts }))
}

async fn recent(app: &App, actor: &Actor) -> Result<Vec<Recent>, AppError> {
    let mut recent = vec![];
    for view in app.recent_views(actor, 10).await? {
        let record = RecordRef { kind: view.kind, id: view.id };
        let found = app.record_name(actor, record).await.map(|name| Recent {
            href: format!("/{}/{}", view.kind.plural(), view.id),
            name,
            kind_key: format!("kind-{}", view.kind.as_str()),
        });
        match found {
            Ok(item) => recent.push(item),
            // Deleted since it was viewed.
            Err(AppError::NotFound) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(recent)
}
