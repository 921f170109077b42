//! "My tasks": open tasks grouped by when they are due (late, today, this week, later), for
//! the visitor or a colleague, about any record or one; each marked done where it stands.

use super::activities::{TaskLine, task_lines};
use super::days::DayEdges;
use super::errors::PageError;
use super::session::Visitor;
use super::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use chrono::Utc;
use comptoir_domain::activities::TaskWindow;
use comptoir_domain::ids::UserId;
use comptoir_domain::kinds::{RecordKind, RecordRef};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/tasks", get(tasks))
}

/// How many tasks a group shows at first, and when asked for all of it.
const GROUP_FIRST: i64 = 50;
const GROUP_ALL: i64 = 500;

/// Which tasks, from the address: `assignee` is `me` (the default), `all` or a user's id;
/// `all` names the one group shown whole.
#[derive(Deserialize, Default)]
struct TasksRequest {
    #[serde(default)]
    assignee: Option<String>,
    #[serde(default)]
    all: Option<String>,
    /// Only the tasks about one record, such as `companies/<id>` (with its contacts').
    #[serde(default)]
    about: Option<String>,
}

/// `contacts/<id>` or `companies/<id>`, as a record page links to its tasks.
fn record_of(about: &str) -> Option<RecordRef> {
    let (plural, id) = about.split_once('/')?;
    let kind = RecordKind::ALL.into_iter().find(|kind| kind.plural() == plural)?;
    Some(RecordRef { kind, id: id.parse().ok()? })
}

pub struct TaskGroup {
    pub key: &'static str,
    pub title: String,
    pub count: String,
    pub tasks: Vec<TaskLine>,
    /// "Show all 73", when the group has more than it shows.
    pub more_href: Option<String>,
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    page: Chrome,
    groups: Vec<TaskGroup>,
    /// `(value, name)` of the assignee picker, "me" first and "everyone" last.
    assignees: Vec<(String, String)>,
    assignee: String,
    /// The record the list is narrowed to: `(about value, its page, its name)`.
    about: Option<(String, String, String)>,
}

async fn tasks(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(wanted): Query<TasksRequest>,
) -> Result<Response, PageError> {
    let app = &state.app;
    let actor = &visitor.actor;
    let lang = visitor.lang;
    let users = app.colleagues(actor).await?;
    let chosen = wanted.assignee.clone().unwrap_or_else(|| "me".to_owned());
    let assignee = match chosen.as_str() {
        "all" => None,
        "me" => Some(actor.user_id),
        id => Some(id.parse::<UserId>().ok().filter(|id| users.iter().any(|u| u.id == *id)).ok_or(
            comptoir_app::AppError::Validation(comptoir_domain::ValidationErrors::single(
                "assignee",
                "is not a colleague",
            )),
        )?),
    };
    let about = match wanted.about.as_deref().filter(|a| !a.is_empty()) {
        Some(text) => Some(record_of(text).ok_or(comptoir_app::AppError::NotFound)?),
        None => None,
    };
    let about_name = match about {
        Some(record) => app
            .record_names(actor, &[record])
            .await?
            .remove(&record.id)
            .map(Some)
            .ok_or(comptoir_app::AppError::NotFound)?,
        None => None,
    };
    let now = Utc::now();
    let edges = DayEdges::around(now, visitor.timezone);
    let windows = [
        ("overdue", None, Some(edges.start_of_today), false),
        ("today", Some(edges.start_of_today), Some(edges.end_of_today), false),
        ("week", Some(edges.end_of_today), Some(edges.end_of_week), false),
        ("later", Some(edges.end_of_week), None, true),
    ];
    let mut groups = Vec::with_capacity(windows.len());
    for (key, from, to, undated) in windows {
        let window = TaskWindow { assignee, about, from, to, undated };
        let limit = if wanted.all.as_deref() == Some(key) { GROUP_ALL } else { GROUP_FIRST };
        let count = app.count_open_tasks(actor, &window).await?;
        let found = app.open_tasks(actor, &window, limit).await?;
        let shown = found.len();
        let more = count.exceeds(shown);
        let count_text = lang.count_words("tasks-count", count);
        groups.push(TaskGroup {
            key,
            title: lang.t(&format!("tasks-{key}")),
            count: count_text,
            tasks: task_lines(app, actor, found, visitor.timezone).await?,
            more_href: (more && limit == GROUP_FIRST).then(|| {
                let about = wanted
                    .about
                    .as_deref()
                    .map(|a| format!("&about={}", super::encode(a)))
                    .unwrap_or_default();
                format!("/tasks?assignee={}{about}&all={key}#group-{key}", super::encode(&chosen))
            }),
        });
    }
    let mut assignees = vec![("me".to_owned(), lang.t("filter-me"))];
    assignees.extend(
        users.iter().filter(|u| u.id != actor.user_id).map(|u| (u.id.to_string(), u.name().to_owned())),
    );
    assignees.push(("all".to_owned(), lang.t("tasks-everyone")));
    let about = about.zip(about_name).map(|(record, name)| {
        (
            format!("{}/{}", record.kind.plural(), record.id),
            format!("/{}/{}", record.kind.plural(), record.id),
            name,
        )
    });
    Ok(render(&TasksPage {
        page: Chrome::new(&visitor, "tasks"),
        groups,
        assignees,
        assignee: chosen,
        about,
    }))
}
