//! The home page: my tasks due today, how many are late, what I opened lately, and the latest
//! activity on the contacts I own.

use super::days::DayEdges;
use super::errors::PageError;
use super::session::Visitor;
use super::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use chrono::Utc;
use comptoir_app::contacts::Contacts;
use comptoir_app::{App, AppError};
use comptoir_domain::activities::TaskWindow;
use comptoir_domain::contacts::Contact;
use comptoir_domain::kinds::RecordRef;
use comptoir_domain::listing::Count;
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
    /// Today's tasks, first of all.
    tasks: Vec<super::activities::TaskLine>,
    /// "12 more today", when today holds more than the home page shows.
    more_today: Option<String>,
    /// "3 late tasks", linking to them.
    late: Option<String>,
    recent: Vec<Recent>,
    active_contacts: Vec<Contact>,
}

async fn home(State(state): State<AppState>, visitor: Visitor) -> Result<Response, PageError> {
    let app = &state.app;
    let actor = &visitor.actor;
    let edges = DayEdges::around(Utc::now(), visitor.timezone);
    let mine = Some(actor.user_id);
    let today = TaskWindow {
        assignee: mine,
        from: Some(edges.start_of_today),
        to: Some(edges.end_of_today),
        ..TaskWindow::default()
    };
    let late = TaskWindow { assignee: mine, to: Some(edges.start_of_today), ..TaskWindow::default() };
    let today_count = app.count_open_tasks(actor, &today).await?;
    let tasks = app.open_tasks(actor, &today, HOME_TASKS).await?;
    let tasks = super::activities::task_lines(app, actor, tasks, visitor.timezone).await?;
    let more_today = today_count.exceeds(tasks.len()).then(|| match today_count {
        Count::Exact(n) => {
            let others = i64::try_from(n - tasks.len() as u64).unwrap_or(i64::MAX);
            visitor.lang.count("home-more-today", others)
        }
        Count::MoreThan(_) | Count::About(_) => visitor.lang.t("tasks-show-all"),
    });
    let late = match app.count_open_tasks(actor, &late).await? {
        Count::Exact(0) => None,
        late => Some(visitor.lang.count_words("home-late", late)),
    };
    let recent = recent(app, actor).await?;
    let active = super::list_query(&[
        ("filter[owner_id]", actor.user_id.to_string()),
        ("filter[last_activity_at][is-empty]", "false".to_owned()),
        ("sort", "-last_activity_at".to_owned()),
        ("limit", "10".to_owned()),
    ])?;
    let active_contacts = app.list::<Contacts>(actor, &active).await?.data;
    Ok(render(&HomePage {
        page: Chrome::new(&visitor, "home"),
        tasks,
        more_today,
        late,
        recent,
        active_contacts,
    }))
}

/// How many of today's tasks the home page lists; the tasks page has the rest.
const HOME_TASKS: i64 = 20;

async fn recent(app: &App, actor: &Actor) -> Result<Vec<Recent>, AppError> {
    let views = app.recent_views(actor, 10).await?;
    let records: Vec<RecordRef> =
        views.iter().map(|view| RecordRef { kind: view.kind, id: view.id }).collect();
    let names = app.record_names(actor, &records).await?;
    // A record deleted since it was viewed has no name, and no line.
    Ok(views
        .into_iter()
        .filter_map(|view| {
            Some(Recent {
                href: format!("/{}/{}", view.kind.plural(), view.id),
                name: names.get(&view.id)?.clone(),
                kind_key: format!("kind-{}", view.kind.as_str()),
            })
        })
        .collect())
}
