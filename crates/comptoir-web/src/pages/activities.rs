//! Timelines, tasks and the quick composer that logs a note, a call or a task on a contact or
//! a company.

use super::errors::PageError;
use super::forms::{FormField, place_errors};
use super::path::PagePath;
use super::session::{Fields, Submission};
use super::{Chrome, redirect};
use crate::i18n::Lang;
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use comptoir_app::activities::Activities;
use comptoir_app::{App, AppError};
use comptoir_domain::ValidationErrors;
use comptoir_domain::activities::{Activity, ActivityKind, CallOutcome};
use comptoir_domain::ids::{ActivityId, UserId};
use comptoir_domain::kinds::{RecordKind, RecordRef};
use comptoir_domain::users::Actor;
use serde_json::{Value, json};
use std::collections::HashMap;
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/activities/{id}/done", post(toggle_done))
        .route("/activities/{id}/edit", get(edit_form))
        .route("/activities/{id}", post(update))
        .route("/activities/{id}/delete", post(delete))
}

/// One entry of a timeline as a page shows it.
pub struct TimelineItem {
    pub id: ActivityId,
    pub kind: &'static str,
    pub kind_label: String,
    pub subject: Option<String>,
    pub body: Option<String>,
    pub when: String,
    pub details: Vec<String>,
    pub is_task: bool,
    pub done: bool,
    pub can_modify: bool,
    /// The contact an entry on a company's timeline came from: its page and name.
    pub about: Option<(String, String)>,
}

/// The timeline's entries; `contact_names` names the contacts of entries rolled up from them
/// (a company's timeline holds its contacts' activities), which then say whose they are.
pub fn timeline_items(
    page: &Chrome,
    actor: &Actor,
    activities: &[Activity],
    contact_names: &HashMap<Uuid, String>,
) -> Vec<TimelineItem> {
    activities
        .iter()
        .map(|activity| {
            let f = &activity.fields;
            let kind = f.kind.as_str();
            let mut details = vec![];
            if let Some(direction) = f.direction {
                details.push(page.t(&format!("direction-{}", direction.as_str())));
            }
            if let Some(outcome) = f.outcome {
                details.push(page.t(&format!("outcome-{}", outcome.as_str())));
            }
            if let Some(seconds) = f.duration_seconds {
                details.push(page.lang.count("duration-minutes", (seconds + 59) / 60));
            }
            if let Some(due) = f.due_at {
                details.push(page.t1("task-due", "date", page.date(&due)));
            }
            if let Some(location) = &f.location {
                details.push(location.clone());
            }
            TimelineItem {
                id: activity.id,
                kind,
                kind_label: page.t(&format!("kind-{kind}")),
                subject: f.subject.clone(),
                body: f.body.clone(),
                when: page.datetime(&f.occurred_at),
                details,
                is_task: f.kind == ActivityKind::Task,
                done: f.done,
                can_modify: comptoir_app::activities::can_modify(actor, activity),
                about: f.contact_id.and_then(|contact| {
                    let name = contact_names.get(&contact.0)?;
                    Some((format!("/contacts/{contact}"), name.clone()))
                }),
            }
        })
        .collect()
}

/// An open task on a list of tasks.
pub struct TaskLine {
    pub id: ActivityId,
    pub subject: String,
    pub due_at: Option<DateTime<Utc>>,
    pub overdue: bool,
    pub about: Option<(String, String)>,
    pub can_modify: bool,
}

/// Tasks as lines; a task is late once the day it was due has ended where the visitor is,
/// as the tasks page groups them, so "today" never shows a task of today as late.
pub async fn task_lines(
    app: &App,
    actor: &Actor,
    tasks: Vec<Activity>,
    zone: Tz,
) -> Result<Vec<TaskLine>, AppError> {
    let late_before = super::days::DayEdges::around(Utc::now(), zone).start_of_today;
    let about = |task: &Activity| match (task.fields.contact_id, task.fields.company_id) {
        (Some(contact), _) => Some(RecordRef { kind: RecordKind::Contact, id: contact.0 }),
        (None, Some(company)) => Some(RecordRef { kind: RecordKind::Company, id: company.0 }),
        (None, None) => None,
    };
    let records: Vec<RecordRef> = tasks.iter().filter_map(about).collect();
    let names = app.record_names(actor, &records).await?;
    Ok(tasks
        .into_iter()
        .map(|task| TaskLine {
            id: task.id,
            about: about(&task).and_then(|record| {
                let name = names.get(&record.id)?.clone();
                Some((format!("/{}/{}", record.kind.plural(), record.id), name))
            }),
            subject: task.fields.subject.clone().or(task.fields.body.clone()).unwrap_or_default(),
            due_at: task.fields.due_at,
            overdue: task.fields.due_at.is_some_and(|due| due < late_before),
            can_modify: comptoir_app::activities::can_modify(actor, &task),
        })
        .collect())
}

/// The composer's fields, with what was typed when a submission failed.
pub struct Composer {
    pub fields: Vec<FormField>,
    pub error: Option<String>,
}

impl Composer {
    pub fn empty(lang: Lang) -> Composer {
        Composer::from_fields(lang, &Fields::default())
    }

    pub fn from_fields(lang: Lang, typed: &Fields) -> Composer {
        let value = |name: &str| typed.get(name).unwrap_or_default().to_owned();
        let mut kinds: Vec<(String, String)> = vec![];
        for kind in [
            ActivityKind::Note,
            ActivityKind::Call,
            ActivityKind::Task,
            ActivityKind::Email,
            ActivityKind::Meeting,
        ] {
            kinds.push((kind.as_str().to_owned(), lang.t(&format!("kind-{}", kind.as_str()))));
        }
        let mut outcomes = vec![(String::new(), String::new())];
        outcomes.extend(
            CallOutcome::ALL
                .iter()
                .map(|o| (o.as_str().to_owned(), lang.t(&format!("outcome-{}", o.as_str())))),
        );
        let directions = vec![
            ("outbound".to_owned(), lang.t("direction-outbound")),
            ("inbound".to_owned(), lang.t("direction-inbound")),
        ];
        let kind = typed.get("kind").unwrap_or("note").to_owned();
        Composer {
            fields: vec![
                FormField::select("kind", lang.t("composer-kind"), kind.clone(), kinds),
                FormField::new("subject", lang.t("field-subject"), "text", value("subject")),
                FormField::new("body", lang.t("field-body"), "textarea", value("body")).wide(),
                FormField::select("direction", lang.t("field-direction"), value("direction"), directions),
                FormField::select("outcome", lang.t("field-outcome"), value("outcome"), outcomes),
                FormField::new(
                    "duration_minutes",
                    lang.t("field-duration-minutes"),
                    "number",
                    value("duration_minutes"),
                ),
                FormField::new("due_date", lang.t("field-due-date"), "date", value("due_date")),
                FormField::select("assignee_id", lang.t("field-assignee"), value("assignee_id"), vec![]),
                FormField::new("occurred_at", lang.t("field-when"), "datetime-local", value("occurred_at"))
                    .hint(lang.t("when-hint")),
            ],
            error: None,
        }
    }

    /// Offers `users` for a task's assignee, `default` chosen unless something else was typed.
    pub fn with_assignees(mut self, users: &[comptoir_domain::users::User], default: UserId) -> Composer {
        if let Some(field) = self.fields.iter_mut().find(|f| f.name == "assignee_id") {
            field.options = users.iter().map(|u| (u.id.to_string(), u.name().to_owned())).collect();
            if field.value.is_empty() {
                field.value = default.to_string();
            }
        }
        self
    }

    /// Puts the refused fields' messages next to them.
    pub fn with_errors(mut self, errors: &ValidationErrors, lang: Lang) -> Composer {
        let unplaced = place_errors(&mut self.fields, errors, lang, |path| match path {
            "starts_at" => "occurred_at".to_owned(),
            "duration_seconds" => "duration_minutes".to_owned(),
            "due_at" => "due_date".to_owned(),
            other => other.to_owned(),
        });
        self.error = unplaced.into_iter().next();
        self
    }
}

/// The activity a composer submission describes, in the API's terms. Only the fields of the
/// chosen kind are sent, so switching kinds before submitting leaves nothing stray.
pub fn composer_body(fields: &Fields, about: Value, zone: Tz) -> Result<Value, ValidationErrors> {
    let kind = fields.get("kind").unwrap_or("note");
    let mut body = json!({ "kind": kind, "subject": fields.text("subject"), "body": fields.text("body") });
    if let (Some(object), Some(about)) = (body.as_object_mut(), about.as_object()) {
        object.extend(about.clone());
    }
    let mut errors = ValidationErrors::new();
    if let Some(when) = fields.text("occurred_at") {
        match local_time(&when, zone) {
            Some(at) => {
                body["occurred_at"] = json!(at);
                if kind == "meeting" {
                    body["starts_at"] = json!(at);
                }
            }
            None => errors.add("occurred_at", "is not a date"),
        }
    }
    match kind {
        "call" => {
            body["direction"] = json!(fields.text("direction"));
            body["outcome"] = json!(fields.text("outcome"));
            if let Some(minutes) = fields.text("duration_minutes") {
                match minutes.replace(',', ".").parse::<f64>() {
                    Ok(m) if m >= 0.0 => body["duration_seconds"] = json!((m * 60.0).round() as i64),
                    _ => errors.add("duration_minutes", "must be a number"),
                }
            }
        }
        "email" => body["direction"] = json!(fields.text("direction")),
        "task" => {
            if let Some(assignee) = fields.text("assignee_id") {
                body["assignee_id"] = json!(assignee);
            }
            if let Some(date) = fields.text("due_date") {
                match end_of_working_day(&date, zone) {
                    Some(due) => body["due_at"] = json!(due),
                    None => errors.add("due_date", "is not a date"),
                }
            }
        }
        _ => {}
    }
    errors.into_result()?;
    Ok(body)
}

/// A day and time typed in a `datetime-local` input, where the team is.
fn local_time(text: &str, zone: Tz) -> Option<DateTime<Utc>> {
    let at = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").ok()?;
    at.and_local_timezone(zone).earliest().map(|at| at.to_utc())
}

/// A due date typed as a day means "by the end of that working day" where the team is.
fn end_of_working_day(day: &str, zone: Tz) -> Option<DateTime<Utc>> {
    let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?;
    let time = NaiveTime::from_hms_opt(18, 0, 0)?;
    day.and_time(time).and_local_timezone(zone).earliest().map(|at| at.to_utc())
}

/// Ticks a task done or open again, from a task list or a timeline.
async fn toggle_done(
    State(state): State<AppState>,
    PagePath(id): PagePath<ActivityId>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let done = form.fields.checked("done");
    let task = state.app.update::<Activities>(&visitor.actor, id, &json!({ "done": done }), None).await?;
    if visitor.htmx && form.fields.checked("in_place") {
        // The task's line says it is done, where it stood; the next page load drops it.
        let subject = task.fields.subject.or(task.fields.body).unwrap_or_default();
        let line = format!(
            "<li class=\"task-done\" role=\"status\">{}</li>",
            askama::filters::escape(
                &visitor.lang.t1("task-marked-done", "subject", subject),
                askama::filters::Html
            )
            .map(|escaped| escaped.to_string())
            .unwrap_or_default()
        );
        return Ok(axum::response::Html(line).into_response());
    }
    let back = form.fields.get("back").filter(|b| b.starts_with('/') && !b.starts_with("//")).unwrap_or("/");
    Ok(redirect(back, visitor.htmx))
}

/// The page whose timeline an activity was logged on: its ticket's, its deal's, else its
/// contact's, else its company's.
fn home_of(activity: &Activity) -> String {
    let f = &activity.fields;
    if let Some(ticket) = f.ticket_id {
        return format!("/tickets/{ticket}#timeline");
    }
    match (f.deal_id, f.contact_id, f.company_id) {
        (Some(deal), _, _) => format!("/deals/{deal}#timeline"),
        (None, Some(contact), _) => format!("/contacts/{contact}#timeline"),
        (None, None, Some(company)) => format!("/companies/{company}#timeline"),
        (None, None, None) => "/".to_owned(),
    }
}

/// An activity's values as its edit form shows them.
fn as_typed(activity: &Activity, zone: Tz) -> Fields {
    let f = &activity.fields;
    let mut typed = vec![("kind".to_owned(), f.kind.as_str().to_owned())];
    let mut add = |name: &str, value: Option<String>| {
        if let Some(value) = value {
            typed.push((name.to_owned(), value));
        }
    };
    add("subject", f.subject.clone());
    add("body", f.body.clone());
    add("direction", f.direction.map(|d| d.as_str().to_owned()));
    add("outcome", f.outcome.map(|o| o.as_str().to_owned()));
    add("duration_minutes", f.duration_seconds.map(|s| (s as f64 / 60.0).to_string()));
    add("due_date", f.due_at.map(|at| at.with_timezone(&zone).date_naive().to_string()));
    add("assignee_id", f.assignee_id.map(|id| id.to_string()));
    add("occurred_at", Some(f.occurred_at.with_timezone(&zone).format("%Y-%m-%dT%H:%M").to_string()));
    Fields(typed)
}

#[derive(askama::Template)]
#[template(path = "activity_form.html")]
struct EditPage {
    page: Chrome,
    activity: Activity,
    kind_label: String,
    composer: Composer,
    back: String,
}

fn edit_page(
    visitor: &super::session::Visitor,
    activity: Activity,
    typed: &Fields,
    errors: Option<&ValidationErrors>,
    users: &[comptoir_domain::users::User],
) -> EditPage {
    let lang = visitor.lang;
    let mut composer = Composer::from_fields(lang, typed).with_assignees(users, visitor.actor.user_id);
    if let Some(errors) = errors {
        composer = composer.with_errors(errors, lang);
    }
    // The kind is kept: its fields are what the activity is.
    composer.fields.retain(|f| f.name != "kind");
    EditPage {
        page: Chrome::new(
            visitor,
            if activity.fields.contact_id.is_some() { "contacts" } else { "companies" },
        ),
        kind_label: lang.t(&format!("kind-{}", activity.fields.kind.as_str())),
        back: home_of(&activity),
        activity,
        composer,
    }
}

async fn edit_form(
    State(state): State<AppState>,
    visitor: super::session::Visitor,
    PagePath(id): PagePath<ActivityId>,
) -> Result<Response, PageError> {
    let activity = state.app.get::<Activities>(&visitor.actor, id).await?;
    if !comptoir_app::activities::can_modify(&visitor.actor, &activity) {
        return Err(PageError::from(AppError::Forbidden("not yours to change")));
    }
    let typed = as_typed(&activity, visitor.timezone);
    let users = state.app.colleagues(&visitor.actor).await?;
    Ok(super::render(&edit_page(&visitor, activity, &typed, None, &users)))
}

async fn update(
    State(state): State<AppState>,
    PagePath(id): PagePath<ActivityId>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let activity = state.app.get::<Activities>(&visitor.actor, id).await?;
    let mut typed = Fields(form.fields.0.iter().filter(|(k, _)| k != "kind").cloned().collect());
    typed.0.push(("kind".to_owned(), activity.fields.kind.as_str().to_owned()));
    let version = super::records::version_of(&typed);
    let outcome = async {
        let patch = composer_body(&typed, json!({}), visitor.timezone)?;
        state.app.update::<Activities>(&visitor.actor, id, &patch, version).await
    }
    .await;
    match outcome {
        Ok(updated) => Ok(redirect(&home_of(&updated), false)),
        Err(AppError::Validation(errors)) => {
            let users = state.app.colleagues(&visitor.actor).await?;
            let page = edit_page(visitor, activity, &typed, Some(&errors), &users);
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, super::render(&page)).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

async fn delete(
    State(state): State<AppState>,
    PagePath(id): PagePath<ActivityId>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let activity = state.app.get::<Activities>(&visitor.actor, id).await?;
    let version = super::records::version_of(&form.fields);
    state.app.delete::<Activities>(&visitor.actor, id, version).await?;
    Ok(redirect(&home_of(&activity), false))
}
