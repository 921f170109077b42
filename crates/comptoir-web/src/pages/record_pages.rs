//! The pages of contacts and companies, served by the same handlers: lists with bulk actions,
//! saved views and export; the record's page with its timeline, composer and inline editing;
//! the create and edit forms. `Area` answers what differs.

use super::activities::{Composer, TaskLine, TimelineItem, composer_body, task_lines, timeline_items};
use super::area::{Area, Record};
use super::errors::PageError;
use super::forms::{FormField, form_name, place_errors};
use super::lists::{CSV_START, Column, ListRequest, ListView, Row, csv_rows, selected_ids};
use super::records::{Kind, choice_key};
use super::session::{Fields, Submission, Visitor};
use super::{Chrome, redirect, render};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Utc;
use comptoir_app::AppError;
use comptoir_domain::ValidationErrors;
use comptoir_domain::custom_fields::CustomFieldDefinition;
use comptoir_domain::ids::SavedViewId;
use comptoir_domain::listing::ListQuery;
use comptoir_domain::users::User;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

#[derive(Template)]
#[template(path = "confirm_bulk_delete.html")]
pub struct ConfirmBulkDelete {
    pub page: Chrome,
    pub action: String,
    pub back: &'static str,
    pub ids: Vec<String>,
}

#[derive(Template)]
#[template(path = "record_form_page.html")]
pub struct FormPage {
    pub page: Chrome,
    pub title: String,
    pub action: String,
    pub cancel: String,
    pub version: Option<i64>,
    pub fields: Vec<FormField>,
    pub errors: Vec<String>,
}

/// One property of the identity card, editable in place.
pub struct Prop {
    pub name: String,
    pub label: String,
    pub text: String,
    pub href: Option<String>,
}

#[derive(Template)]
#[template(path = "partials/timeline_items.html")]
pub struct TimelineFragment {
    pub page: Chrome,
    pub timeline: Vec<TimelineItem>,
    pub older_href: Option<String>,
    pub back: String,
}

#[derive(Template)]
#[template(path = "partials/prop.html")]
pub struct PropFragment {
    pub page: Chrome,
    pub base: String,
    pub prop: Prop,
    pub can_modify: bool,
}

#[derive(Template)]
#[template(path = "partials/inline_edit.html")]
pub struct InlineEdit {
    pub page: Chrome,
    pub base: String,
    pub name: String,
    pub version: i64,
    pub field: FormField,
}

pub fn version_of(fields: &Fields) -> Option<i64> {
    fields.get("version").and_then(|v| v.parse().ok())
}

pub fn user_name(users: &[User], id: Option<String>) -> String {
    id.and_then(|id| users.iter().find(|u| u.id.to_string() == id))
        .map(|u| u.display_name.clone().unwrap_or_else(|| u.email.clone()))
        .unwrap_or_default()
}

pub fn router() -> Router<AppState> {
    let mut router = Router::new();
    for base in ["/contacts", "/companies"] {
        router = router
            .route(base, get(list).post(create))
            .route(&format!("{base}/new"), get(new_form))
            .route(&format!("{base}/export.csv"), get(export))
            .route(&format!("{base}/bulk"), post(bulk))
            .route(&format!("{base}/views"), post(save_view))
            .route(&format!("{base}/{{id}}"), get(show).post(update))
            .route(&format!("{base}/{{id}}/edit"), get(edit_form))
            .route(&format!("{base}/{{id}}/delete"), post(delete))
            .route(&format!("{base}/{{id}}/activities"), post(log_activity))
            .route(&format!("{base}/{{id}}/fields/{{field}}"), get(show_field).post(save_field))
            .route(&format!("{base}/{{id}}/fields/{{field}}/edit"), get(edit_field));
    }
    router.route("/views/{id}/delete", post(delete_view))
}

fn fail(lang: Lang) -> impl Fn(AppError) -> PageError {
    move |e| PageError::app(e, lang)
}

fn columns(area: Area, lang: Lang, definitions: &[CustomFieldDefinition]) -> Vec<Column> {
    let mut columns: Vec<Column> =
        area.list_columns().iter().map(|key| Column::builtin(lang, "col", key)).collect();
    columns.extend(definitions.iter().map(Column::custom));
    columns
}

/// What drawing a list's cells needs besides the records: the custom fields (for their
/// columns and values), the users (owners' names) and every column offered.
struct ListSetting {
    definitions: Vec<CustomFieldDefinition>,
    users: Vec<User>,
    columns: Vec<Column>,
}

async fn list_setting(state: &AppState, area: Area, visitor: &Visitor) -> Result<ListSetting, PageError> {
    let definitions = state.app.definitions(area.object_type()).await.map_err(fail(visitor.lang))?;
    let users = state.app.colleagues(&visitor.actor).await.map_err(fail(visitor.lang))?;
    let columns = columns(area, visitor.lang, &definitions);
    Ok(ListSetting { definitions, users, columns })
}

#[derive(Template)]
#[template(path = "record_list.html")]
struct ListPage {
    page: Chrome,
    title: String,
    new_label: String,
    list: ListView,
    users: Vec<User>,
    can_bulk: bool,
    flash_error: Option<String>,
}

#[derive(Template)]
#[template(path = "partials/rows.html")]
struct RowsFragment {
    page: Chrome,
    list: ListView,
    can_bulk: bool,
}

#[derive(Deserialize, Default)]
struct BulkOutcome {
    done: Option<usize>,
    refused: Option<usize>,
}

async fn list(
    State(state): State<AppState>,
    area: Area,
    visitor: Visitor,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let lang = visitor.lang;
    let app = &state.app;
    let raw = raw.unwrap_or_default();
    let outcome: BulkOutcome = serde_urlencoded::from_str(&raw).unwrap_or_default();
    // The bulk outcome rides along in the URL after a bulk action; it is not a list parameter.
    let list_part: String = serde_urlencoded::from_str::<Vec<(String, String)>>(&raw)
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k != "done" && k != "refused")
        .map(|(k, v)| format!("{}={}", super::encode(&k), super::encode(&v)))
        .collect::<Vec<_>>()
        .join("&");
    let request = ListRequest::parse(&list_part, area.default_columns());
    let ListSetting { definitions, users, columns: all_columns } =
        list_setting(&state, area, &visitor).await?;
    let saved = app.saved_views(&visitor.actor, area.kind()).await.map_err(fail(lang))?;
    let flash = outcome.done.map(|n| lang.count("bulk-done", n as i64));
    let flash_error = outcome.refused.filter(|n| *n > 0).map(|n| lang.count("bulk-refused", n as i64));
    let page = Chrome::new(&visitor, area.section()).with_flash(flash);
    let (records, next, error) = match &request.query {
        Ok(query) => match area.list(app, &visitor.actor, query).await {
            Ok(found) => (found.data, found.next_cursor, None),
            Err(AppError::Validation(errors)) => (vec![], None, Some(errors)),
            Err(other) => return Err(PageError::app(other, lang)),
        },
        Err(errors) => (vec![], None, Some(errors.clone())),
    };
    let rows = records
        .iter()
        .map(|record| Row {
            id: record.id().to_string(),
            cells: request
                .columns
                .iter()
                .map(|key| area.cell(&page, record, key, &users, &definitions))
                .collect(),
        })
        .collect();
    let list = ListView::new(area.base(), &page, &request, all_columns, rows, next, &saved, error.as_ref());
    let can_bulk = visitor.actor.can_create_records();
    if visitor.htmx && request.query.as_ref().is_ok_and(|q| q.cursor.is_some()) {
        return Ok(render(&RowsFragment { page, list, can_bulk }));
    }
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let list_page = ListPage {
        title: lang.t(&format!("{}-title", area.section())),
        new_label: lang.t(&area.key("new")),
        page,
        list,
        users,
        can_bulk,
        flash_error,
    };
    Ok((status, render(&list_page)).into_response())
}

/// Every record the current list shows, all pages, with its chosen columns.
async fn export(
    State(state): State<AppState>,
    area: Area,
    visitor: Visitor,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let lang = visitor.lang;
    let request = ListRequest::parse(raw.as_deref().unwrap_or_default(), area.default_columns());
    let mut query = request.query.clone().map_err(|e| PageError::app(AppError::Validation(e), lang))?;
    query.limit = comptoir_domain::listing::MAX_LIMIT;
    query.cursor = None;
    let ListSetting { definitions, users, columns: all_columns } =
        list_setting(&state, area, &visitor).await?;
    let page = Chrome::new(&visitor, area.section());
    let header: Vec<String> = request
        .columns
        .iter()
        .map(|key| {
            all_columns.iter().find(|c| &c.key == key).map_or_else(|| key.clone(), |c| c.label.clone())
        })
        .collect();
    // The file is written as it is read, a page of rows at a time, so exporting a million
    // contacts holds one page in memory; a client that goes away stops the reading.
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let app = state.app.clone();
    let actor = visitor.actor;
    tokio::spawn(async move {
        let start = csv_rows(lang, &[header]).map(|rows| [CSV_START.as_bytes(), &rows].concat());
        if !send_chunk(&sender, start).await {
            return;
        }
        loop {
            let found = match area.list(&app, &actor, &query).await {
                Ok(found) => found,
                Err(error) => {
                    tracing::error!(%error, "export stopped");
                    let _ = sender.send(Err(std::io::Error::other("the export stopped"))).await;
                    return;
                }
            };
            let rows: Vec<Vec<String>> = found
                .data
                .iter()
                .map(|record| {
                    request
                        .columns
                        .iter()
                        .map(|key| area.cell(&page, record, key, &users, &definitions).text)
                        .collect()
                })
                .collect();
            if !send_chunk(&sender, csv_rows(lang, &rows)).await {
                return;
            }
            match found.next_cursor {
                Some(cursor) => query.cursor = Some(cursor),
                None => return,
            }
        }
    });
    let body = axum::body::Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(receiver));
    let disposition = format!("attachment; filename=\"{}.csv\"", area.section());
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// Hands a piece of an export to the response; `false` when there is nothing more to do (the
/// client went away, or the piece could not be written).
async fn send_chunk(
    sender: &tokio::sync::mpsc::Sender<Result<Vec<u8>, std::io::Error>>,
    chunk: Result<Vec<u8>, csv::Error>,
) -> bool {
    let failed = chunk.is_err();
    sender.send(chunk.map_err(std::io::Error::other)).await.is_ok() && !failed
}

/// Applies one action to the ticked records, each through the same use case (and the same
/// permission check) as a single change; records the visitor may not change are counted and
/// left alone.
async fn bulk(State(state): State<AppState>, area: Area, form: Submission) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let app = &state.app;
    let ids: Vec<Uuid> = selected_ids(&form.fields).iter().filter_map(|id| id.parse().ok()).collect();
    let action = form.fields.get("action").unwrap_or_default();
    if action == "delete" && !form.fields.checked("confirmed") {
        return Ok(render(&ConfirmBulkDelete {
            page: Chrome::new(visitor, area.section()),
            action: format!("{}/bulk", area.base()),
            back: area.base(),
            ids: ids.iter().map(ToString::to_string).collect(),
        }));
    }
    let tag = form.fields.text("tag");
    let (mut done, mut refused) = (0, 0);
    for id in ids {
        let outcome = match action {
            "delete" => area.delete(app, &visitor.actor, id, None).await,
            "assign" => {
                let patch = json!({ "owner_id": form.fields.text("owner_id") });
                area.update(app, &visitor.actor, id, &patch, None).await.map(|_| ())
            }
            "tag" => match (&tag, area.get(app, &visitor.actor, id).await) {
                (Some(tag), Ok(record)) => {
                    let mut tags: Vec<Value> =
                        record.form_json().get("tags").and_then(Value::as_array).cloned().unwrap_or_default();
                    tags.push(Value::from(tag.as_str()));
                    area.update(app, &visitor.actor, id, &json!({ "tags": tags }), None).await.map(|_| ())
                }
                (None, _) => Err(AppError::Validation(ValidationErrors::single("tag", "is required"))),
                (_, Err(e)) => Err(e),
            },
            _ => Err(AppError::Validation(ValidationErrors::single("action", "is required"))),
        };
        match outcome {
            Ok(()) => done += 1,
            Err(AppError::Forbidden(_) | AppError::NotFound | AppError::Validation(_)) => refused += 1,
            Err(other) => return Err(PageError::app(other, visitor.lang)),
        }
    }
    Ok(redirect(&format!("{}?done={done}&refused={refused}", area.base()), false))
}

async fn save_view(
    State(state): State<AppState>,
    area: Area,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let query = form.fields.get("query").unwrap_or_default();
    let view = state
        .app
        .save_view(&visitor.actor, area.kind(), form.fields.text("name"), query)
        .await
        .map_err(fail(visitor.lang))?;
    Ok(redirect(&format!("{}?{}&view={}", area.base(), view.query, view.id), false))
}

async fn delete_view(
    State(state): State<AppState>,
    Path(id): Path<SavedViewId>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    state.app.delete_saved_view(&visitor.actor, id).await.map_err(fail(visitor.lang))?;
    let back = form.fields.get("back").filter(|b| *b == "/companies").unwrap_or("/contacts");
    Ok(redirect(back, false))
}

/// The form's inputs, showing `typed` after a failed submission, else the record's values.
async fn form_fields(
    state: &AppState,
    area: Area,
    visitor: &Visitor,
    record: &Value,
    typed: Option<&Fields>,
) -> Result<Vec<FormField>, AppError> {
    let users = state.app.colleagues(&visitor.actor).await?;
    let definitions = state.app.definitions(area.object_type()).await?;
    let mut fields: Vec<FormField> = area
        .specs()
        .iter()
        .map(|spec| {
            let value = match typed {
                Some(typed) => typed.get(spec.name).unwrap_or_default().to_owned(),
                None => spec.editable(record),
            };
            spec.form_field(value, visitor.lang, &users)
        })
        .collect();
    let empty = Map::new();
    let values = record.get("custom_fields").and_then(Value::as_object).unwrap_or(&empty);
    fields.extend(super::custom::form_fields(&definitions, values, typed, visitor.lang));
    Ok(fields)
}

async fn new_form(
    State(state): State<AppState>,
    area: Area,
    visitor: Visitor,
) -> Result<Response, PageError> {
    let defaults = json!({ "owner_id": visitor.actor.user_id, "lifecycle_stage": "lead", "relationship_type": "prospect" });
    let fields = form_fields(&state, area, &visitor, &defaults, None).await.map_err(fail(visitor.lang))?;
    Ok(render(&FormPage {
        title: visitor.lang.t(&area.key("new")),
        page: Chrome::new(&visitor, area.section()),
        action: area.base().to_owned(),
        cancel: area.base().to_owned(),
        version: None,
        fields,
        errors: vec![],
    }))
}

async fn create(State(state): State<AppState>, area: Area, form: Submission) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let outcome = match area.body(&state, &visitor.actor, &form.fields, None, None).await {
        Ok(body) => area.create(&state.app, &visitor.actor, body).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(record) => Ok(redirect(&format!("{}/{}", area.base(), record.id()), false)),
        Err(AppError::Validation(errors)) => {
            let title = visitor.lang.t(&area.key("new"));
            refused_form(&state, area, visitor, &form.fields, &errors, area.base().to_owned(), None, title)
                .await
        }
        Err(other) => Err(PageError::app(other, visitor.lang)),
    }
}

/// The form again, with what was typed and each error next to its field.
#[expect(clippy::too_many_arguments, reason = "a refused form is drawn from all of these")]
async fn refused_form(
    state: &AppState,
    area: Area,
    visitor: &Visitor,
    typed: &Fields,
    errors: &ValidationErrors,
    action: String,
    version: Option<i64>,
    title: String,
) -> Result<Response, PageError> {
    let mut fields =
        form_fields(state, area, visitor, &Value::Null, Some(typed)).await.map_err(fail(visitor.lang))?;
    let unplaced = place_errors(&mut fields, errors, visitor.lang, form_name);
    let page = FormPage {
        page: Chrome::new(visitor, area.section()),
        title,
        cancel: action.clone(),
        action,
        version,
        fields,
        errors: unplaced,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
}

async fn edit_form(
    State(state): State<AppState>,
    area: Area,
    visitor: Visitor,
    Path(id): Path<Uuid>,
) -> Result<Response, PageError> {
    let record = area.get(&state.app, &visitor.actor, id).await.map_err(fail(visitor.lang))?;
    if !visitor.actor.can_modify(record.owner()) {
        return Err(PageError::app(AppError::Forbidden("not yours to change"), visitor.lang));
    }
    let fields =
        form_fields(&state, area, &visitor, &record.form_json(), None).await.map_err(fail(visitor.lang))?;
    Ok(render(&FormPage {
        title: visitor.lang.t1(&area.key("edit"), "name", record.name()),
        page: Chrome::new(&visitor, area.section()),
        action: format!("{}/{id}", area.base()),
        cancel: format!("{}/{id}", area.base()),
        version: Some(record.version()),
        fields,
        errors: vec![],
    }))
}

async fn update(
    State(state): State<AppState>,
    area: Area,
    Path(id): Path<Uuid>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let version = version_of(&form.fields);
    let outcome = match area.get(&state.app, &visitor.actor, id).await {
        Ok(current) => match area.body(&state, &visitor.actor, &form.fields, None, Some(&current)).await {
            Ok(body) => area.update(&state.app, &visitor.actor, id, &body, version).await,
            Err(error) => Err(error),
        },
        Err(error) => Err(error),
    };
    match outcome {
        Ok(_) => Ok(redirect(&format!("{}/{id}", area.base()), false)),
        Err(AppError::Validation(errors)) => {
            let title = visitor.lang.t(&area.key("edit-title"));
            let action = format!("{}/{id}", area.base());
            refused_form(&state, area, visitor, &form.fields, &errors, action, version, title).await
        }
        Err(other) => Err(PageError::app(other, visitor.lang)),
    }
}

async fn delete(
    State(state): State<AppState>,
    area: Area,
    Path(id): Path<Uuid>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    area.delete(&state.app, &visitor.actor, id, version_of(&form.fields))
        .await
        .map_err(fail(visitor.lang))?;
    Ok(redirect(area.base(), false))
}

/// A link on a record page's header line.
pub struct Link {
    pub text: String,
    pub href: Option<String>,
}

#[derive(Template)]
#[template(path = "record_show.html")]
struct ShowPage {
    page: Chrome,
    base: String,
    version: i64,
    name: String,
    subtitle: Vec<Link>,
    badge: Option<(String, String)>,
    props: Vec<Prop>,
    can_modify: bool,
    composer: Composer,
    timeline: Vec<TimelineItem>,
    older_href: Option<String>,
    tasks: Vec<TaskLine>,
    /// A company's contacts; `None` on a contact's page.
    members: Option<Vec<Link>>,
}

/// How many timeline entries a page shows at once; older ones load on demand.
pub const TIMELINE_PAGE: u32 = 30;

async fn props(
    state: &AppState,
    area: Area,
    visitor: &Visitor,
    record: &Record,
) -> Result<Vec<Prop>, AppError> {
    let users = state.app.colleagues(&visitor.actor).await?;
    let definitions = state.app.definitions(area.object_type()).await?;
    let json = record.form_json();
    let company_href =
        json.pointer("/company/id").and_then(Value::as_str).map(|id| format!("/companies/{id}"));
    let mut props: Vec<Prop> = area
        .specs()
        .iter()
        .map(|spec| Prop {
            name: spec.name.to_owned(),
            label: visitor.lang.t(spec.label_key),
            text: spec.display(&json, visitor.lang, &users),
            href: (spec.kind == Kind::Company).then(|| company_href.clone()).flatten(),
        })
        .collect();
    props.extend(definitions.iter().map(|definition| {
        Prop {
            name: super::custom::field_name(definition),
            label: definition.label.clone(),
            text: record
                .custom_fields()
                .get(&definition.key)
                .map(|v| super::custom::display(definition, v, visitor.lang))
                .unwrap_or_default(),
            href: None,
        }
    }));
    Ok(props)
}

/// The header line under a record's name, its badge, and a company's contacts.
async fn context(
    state: &AppState,
    visitor: &Visitor,
    record: &Record,
) -> Result<(Vec<Link>, Option<(String, String)>, Option<Vec<Link>>), AppError> {
    let lang = visitor.lang;
    Ok(match record {
        Record::Contact(contact) => {
            let mut line = vec![];
            line.extend(contact.fields.job_title.clone().map(|text| Link { text, href: None }));
            line.extend(
                contact
                    .company
                    .as_ref()
                    .map(|c| Link { text: c.name.clone(), href: Some(format!("/companies/{}", c.id)) }),
            );
            let stage = contact.fields.lifecycle_stage.as_str();
            (line, Some((format!("stage-{stage}"), lang.t(&format!("stage-{stage}")))), None)
        }
        Record::Company(company) => {
            let mut line = vec![];
            line.extend(company.fields.industry.clone().map(|text| Link { text, href: None }));
            line.extend(company.fields.head_office().city.map(|text| Link { text, href: None }));
            line.extend(company.fields.website.clone().map(|w| Link { text: w.clone(), href: Some(w) }));
            let relationship = company.fields.relationship_type.as_str();
            let badge = (format!("stage-{relationship}"), lang.t(&choice_key("relationship", relationship)));
            let pairs = vec![
                ("filter[company_id]".to_owned(), company.id.to_string()),
                ("sort".to_owned(), "last_name".to_owned()),
                ("limit".to_owned(), "100".to_owned()),
            ];
            let contacts =
                state.app.list_contacts(&visitor.actor, &ListQuery::parse(&pairs, &[])?).await?.data;
            let members = contacts
                .into_iter()
                .map(|c| Link {
                    text: [Some(c.fields.display_name()), c.fields.job_title.clone()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" · "),
                    href: Some(format!("/contacts/{}", c.id)),
                })
                .collect();
            (line, Some(badge), Some(members))
        }
    })
}

async fn show_page(
    state: &AppState,
    area: Area,
    visitor: &Visitor,
    id: Uuid,
    composer: Composer,
    cursor: Option<String>,
) -> Result<Response, AppError> {
    let app = &state.app;
    let actor = &visitor.actor;
    let record = area.get(app, actor, id).await?;
    let page = Chrome::new(visitor, area.section());
    let base = format!("{}/{id}", area.base());
    let mut pairs = vec![("limit".to_owned(), TIMELINE_PAGE.to_string())];
    pairs.extend(cursor.clone().map(|c| ("cursor".to_owned(), c)));
    let found = area.timeline(app, actor, id, &ListQuery::parse(&pairs, &[])?).await?;
    let older_href = found.next_cursor.map(|c| format!("{base}?cursor={}", super::encode(&c)));
    let timeline = timeline_items(&page, actor, &found.data);
    if cursor.is_some() && visitor.htmx {
        return Ok(render(&TimelineFragment { page, timeline, older_href, back: base }));
    }
    app.record_view(actor, area.kind(), id).await?;
    let tasks = app.open_tasks_on(actor, area.open_tasks_of(id), 20).await?;
    let tasks = task_lines(app, actor, tasks, Utc::now()).await?;
    let (subtitle, badge, members) = context(state, visitor, &record).await?;
    let composer = composer.with_assignees(&app.colleagues(actor).await?, actor.user_id);
    let show = ShowPage {
        name: record.name(),
        props: props(state, area, visitor, &record).await?,
        can_modify: actor.can_modify(record.owner()),
        version: record.version(),
        page,
        base,
        subtitle,
        badge,
        composer,
        timeline,
        older_href,
        tasks,
        members,
    };
    Ok(render(&show))
}

#[derive(Deserialize)]
struct ShowQuery {
    cursor: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    area: Area,
    visitor: Visitor,
    Path(id): Path<Uuid>,
    Query(query): Query<ShowQuery>,
) -> Result<Response, PageError> {
    show_page(&state, area, &visitor, id, Composer::empty(visitor.lang), query.cursor)
        .await
        .map_err(fail(visitor.lang))
}

async fn log_activity(
    State(state): State<AppState>,
    area: Area,
    Path(id): Path<Uuid>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let lang = visitor.lang;
    let outcome = match composer_body(&form.fields, area.about(id), visitor.timezone) {
        Ok(body) => state.app.create_activity(&visitor.actor, body).await.map(|_| ()),
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match outcome {
        Ok(()) => Ok(redirect(&format!("{}/{id}#timeline", area.base()), false)),
        Err(AppError::Validation(errors)) => {
            let composer = Composer::from_fields(lang, &form.fields).with_errors(&errors, lang);
            let response = show_page(&state, area, visitor, id, composer, None).await.map_err(fail(lang))?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
        }
        Err(other) => Err(PageError::app(other, lang)),
    }
}

/// The one input of the record's form named `name`.
async fn single_field(
    state: &AppState,
    area: Area,
    visitor: &Visitor,
    record: &Record,
    name: &str,
    typed: Option<&Fields>,
) -> Result<FormField, PageError> {
    let fields =
        form_fields(state, area, visitor, &record.form_json(), typed).await.map_err(fail(visitor.lang))?;
    fields.into_iter().find(|f| f.name == name).ok_or(PageError::app(AppError::NotFound, visitor.lang))
}

async fn edit_field(
    State(state): State<AppState>,
    area: Area,
    visitor: Visitor,
    Path((id, name)): Path<(Uuid, String)>,
) -> Result<Response, PageError> {
    let record = area.get(&state.app, &visitor.actor, id).await.map_err(fail(visitor.lang))?;
    if !visitor.actor.can_modify(record.owner()) {
        return Err(PageError::app(AppError::Forbidden("not yours to change"), visitor.lang));
    }
    let mut field = single_field(&state, area, &visitor, &record, &name, None).await?;
    field.autofocus = true;
    Ok(render(&InlineEdit {
        page: Chrome::new(&visitor, area.section()),
        base: format!("{}/{id}", area.base()),
        name,
        version: record.version(),
        field,
    }))
}

async fn show_field(
    State(state): State<AppState>,
    area: Area,
    visitor: Visitor,
    Path((id, name)): Path<(Uuid, String)>,
) -> Result<Response, PageError> {
    let record = area.get(&state.app, &visitor.actor, id).await.map_err(fail(visitor.lang))?;
    prop_fragment(&state, area, &visitor, &record, &name).await
}

async fn prop_fragment(
    state: &AppState,
    area: Area,
    visitor: &Visitor,
    record: &Record,
    name: &str,
) -> Result<Response, PageError> {
    let prop = props(state, area, visitor, record)
        .await
        .map_err(fail(visitor.lang))?
        .into_iter()
        .find(|p| p.name == name)
        .ok_or(PageError::app(AppError::NotFound, visitor.lang))?;
    Ok(render(&PropFragment {
        page: Chrome::new(visitor, area.section()),
        base: format!("{}/{}", area.base(), record.id()),
        prop,
        can_modify: visitor.actor.can_modify(record.owner()),
    }))
}

/// Saves one field edited in place; answers the new value, or the input again with its error.
async fn save_field(
    State(state): State<AppState>,
    area: Area,
    Path((id, name)): Path<(Uuid, String)>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let lang = visitor.lang;
    let version = version_of(&form.fields);
    let current = area.get(&state.app, &visitor.actor, id).await.map_err(fail(lang))?;
    let outcome = match area.body(&state, &visitor.actor, &form.fields, Some(&name), Some(&current)).await {
        Ok(body) => area.update(&state.app, &visitor.actor, id, &body, version).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(record) if visitor.htmx => prop_fragment(&state, area, visitor, &record, &name).await,
        Ok(_) => Ok(redirect(&format!("{}/{id}", area.base()), false)),
        Err(AppError::Validation(errors)) => {
            let field = single_field(&state, area, visitor, &current, &name, Some(&form.fields)).await?;
            let mut one = [field];
            let unplaced = place_errors(&mut one, &errors, lang, form_name);
            let [mut field] = one;
            if field.error.is_none() {
                field.error = unplaced.into_iter().next();
            }
            field.autofocus = true;
            let status = if visitor.htmx { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            let edit = InlineEdit {
                page: Chrome::new(visitor, area.section()),
                base: format!("{}/{id}", area.base()),
                name,
                version: version.unwrap_or(current.version()),
                field,
            };
            // htmx swaps only successful answers, so the refused input comes back as a 200.
            Ok((status, render(&edit)).into_response())
        }
        Err(other) => Err(PageError::app(other, lang)),
    }
}
