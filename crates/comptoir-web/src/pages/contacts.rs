//! Contact pages: the list, the 360° view with its timeline and composer, the forms, inline
//! editing, bulk actions and CSV export.

use super::activities::{Composer, TaskLine, TimelineItem, composer_body, task_lines, timeline_items};
use super::custom;
use super::errors::PageError;
use super::forms::{FormField, base_path, place_errors};
use super::lists::{Cell, Column, ListRequest, ListView, Row, csv, selected_ids};
use super::records::{Kind, Spec, body_from_form, spec};
use super::session::{Fields, Submission, Visitor};
use super::{Chrome, redirect, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Utc;
use comptoir_app::{App, AppError};
use comptoir_domain::ValidationErrors;
use comptoir_domain::contacts::Contact;
use comptoir_domain::custom_fields::{CustomFieldDefinition, ObjectType};
use comptoir_domain::ids::{ContactId, SavedViewId};
use comptoir_domain::listing::ListQuery;
use comptoir_domain::users::{Actor, User};
use comptoir_domain::views::RecordKind;
use serde_json::{Value, json};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contacts", get(list).post(create))
        .route("/contacts/new", get(new_form))
        .route("/contacts/export.csv", get(export))
        .route("/contacts/bulk", post(bulk))
        .route("/contacts/views", post(save_view))
        .route("/views/{id}/delete", post(delete_view))
        .route("/contacts/{id}", get(show).post(update))
        .route("/contacts/{id}/edit", get(edit_form))
        .route("/contacts/{id}/delete", post(delete))
        .route("/contacts/{id}/activities", post(log_activity))
        .route("/contacts/{id}/fields/{field}", get(show_field).post(save_field))
        .route("/contacts/{id}/fields/{field}/edit", get(edit_field))
}

const STAGES: &[&str] = &[
    "subscriber",
    "lead",
    "marketing_qualified",
    "sales_qualified",
    "opportunity",
    "customer",
    "evangelist",
    "other",
];

/// The contact form, in display order.
pub const SPECS: &[Spec] = &[
    spec("first_name", "field-first-name", Kind::Text).autocomplete("off"),
    spec("last_name", "field-last-name", Kind::Text).autocomplete("off"),
    spec("emails", "field-emails", Kind::EmailLines),
    spec("phones", "field-phones", Kind::PhoneLines),
    spec("job_title", "field-job-title", Kind::Text),
    spec("company", "field-company", Kind::Company),
    spec("lifecycle_stage", "stage", Kind::Choice(STAGES)),
    spec("owner_id", "field-owner", Kind::Owner),
    spec("tags", "field-tags", Kind::Tags),
    spec("address.street", "field-street", Kind::Text),
    spec("address.postal_code", "field-postal-code", Kind::Text),
    spec("address.city", "field-city", Kind::Text),
    spec("address.country", "field-country", Kind::Text),
    spec("language", "field-language", Kind::Text),
    spec("source", "field-source", Kind::Text),
];

const DEFAULT_COLUMNS: &[&str] = &["last_name", "first_name", "email", "company_name", "city", "lifecycle_stage", "owner_id"];
const LIST_COLUMNS: &[&str] = &[
    "last_name",
    "first_name",
    "email",
    "phone",
    "job_title",
    "company_name",
    "city",
    "postal_code",
    "country",
    "lifecycle_stage",
    "owner_id",
    "tags",
    "source",
    "language",
    "created_at",
    "updated_at",
    "last_activity_at",
];

fn fail(lang: crate::i18n::Lang) -> impl Fn(AppError) -> PageError {
    move |e| PageError::app(e, lang)
}

fn columns(lang: crate::i18n::Lang, definitions: &[CustomFieldDefinition]) -> Vec<Column> {
    let mut columns: Vec<Column> = LIST_COLUMNS.iter().map(|key| Column::builtin(lang, "col", key)).collect();
    columns.extend(definitions.iter().map(Column::custom));
    columns
}

fn cell(page: &Chrome, contact: &Contact, key: &str, users: &[User], definitions: &[CustomFieldDefinition]) -> Cell {
    let f = &contact.fields;
    let text = |s: Option<&String>| s.cloned().unwrap_or_default();
    let mut numeric = false;
    let value = match key {
        "last_name" => text(f.last_name.as_ref()),
        "first_name" => text(f.first_name.as_ref()),
        "email" => f.primary_email().map(ToString::to_string).unwrap_or_default(),
        "phone" => f.primary_phone().map(ToString::to_string).unwrap_or_default(),
        "job_title" => text(f.job_title.as_ref()),
        "company_name" => contact.company.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
        "city" => text(f.address.city.as_ref()),
        "postal_code" => text(f.address.postal_code.as_ref()),
        "country" => text(f.address.country.as_ref()),
        "lifecycle_stage" => page.t(&format!("stage-{}", f.lifecycle_stage.as_str())),
        "owner_id" => user_name(users, f.owner_id.map(|id| id.to_string())),
        "tags" => f.tags.join(", "),
        "source" => text(f.source.as_ref()),
        "language" => text(f.language.as_ref()),
        "created_at" => page.date(&contact.created_at),
        "updated_at" => page.date(&contact.updated_at),
        "last_activity_at" => contact.last_activity_at.map(|at| page.date(&at)).unwrap_or_default(),
        custom_key => match custom_key.strip_prefix("cf.").and_then(|k| definitions.iter().find(|d| d.key == k)) {
            Some(definition) => {
                numeric = Column::custom(definition).numeric;
                f.custom_fields.get(&definition.key).map(|v| custom::display(definition, v, page.lang)).unwrap_or_default()
            }
            None => String::new(),
        },
    };
    let href = matches!(key, "last_name" | "first_name" | "email").then(|| format!("/contacts/{}", contact.id));
    // A contact known only by an email still needs a link in a name column.
    let value = if value.is_empty() && key == "last_name" && f.first_name.is_none() { f.display_name() } else { value };
    Cell { text: value, href, numeric }
}

pub fn user_name(users: &[User], id: Option<String>) -> String {
    id.and_then(|id| users.iter().find(|u| u.id.to_string() == id))
        .map(|u| u.display_name.clone().unwrap_or_else(|| u.email.clone()))
        .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "contacts/list.html")]
struct ListPage {
    page: Chrome,
    list: ListView,
    users: Vec<User>,
    can_bulk: bool,
}

#[derive(Template)]
#[template(path = "partials/rows.html")]
struct RowsFragment {
    page: Chrome,
    list: ListView,
    can_bulk: bool,
}

async fn list(State(state): State<AppState>, visitor: Visitor, RawQuery(raw): RawQuery) -> Result<Response, PageError> {
    let lang = visitor.lang;
    let app = &state.app;
    let request = ListRequest::parse(raw.as_deref().unwrap_or_default(), DEFAULT_COLUMNS);
    let definitions = app.definitions(ObjectType::Contact).await.map_err(fail(lang))?;
    let users = app.colleagues(&visitor.actor).await.map_err(fail(lang))?;
    let saved = app.saved_views(&visitor.actor, RecordKind::Contact).await.map_err(fail(lang))?;
    let page = Chrome::new(&visitor, "contacts");
    let (contacts, next, error) = match &request.query {
        Ok(query) => match app.list_contacts(&visitor.actor, query).await {
            Ok(found) => (found.data, found.next_cursor, None),
            Err(AppError::Validation(errors)) => (vec![], None, Some(errors)),
            Err(other) => return Err(PageError::app(other, lang)),
        },
        Err(errors) => (vec![], None, Some(errors.clone())),
    };
    let rows = contacts
        .iter()
        .map(|contact| Row {
            id: contact.id.to_string(),
            cells: request.columns.iter().map(|key| cell(&page, contact, key, &users, &definitions)).collect(),
        })
        .collect();
    let list = ListView::new("/contacts", &page, &request, columns(lang, &definitions), rows, next, &saved, error.as_ref());
    let can_bulk = visitor.actor.can_create_records();
    let fragment = raw.as_deref().is_some_and(|q| q.contains("cursor=")) && visitor.htmx;
    if fragment {
        return Ok(render(&RowsFragment { page, list, can_bulk }));
    }
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&ListPage { page, list, users, can_bulk })).into_response())
}

/// Every contact the current list shows, all pages, with its chosen columns.
async fn export(State(state): State<AppState>, visitor: Visitor, RawQuery(raw): RawQuery) -> Result<Response, PageError> {
    let lang = visitor.lang;
    let app = &state.app;
    let request = ListRequest::parse(raw.as_deref().unwrap_or_default(), DEFAULT_COLUMNS);
    let mut query = request.query.clone().map_err(|e| PageError::app(AppError::Validation(e), lang))?;
    query.limit = comptoir_domain::listing::MAX_LIMIT;
    query.cursor = None;
    let definitions = app.definitions(ObjectType::Contact).await.map_err(fail(lang))?;
    let users = app.colleagues(&visitor.actor).await.map_err(fail(lang))?;
    let page = Chrome::new(&visitor, "contacts");
    let all_columns = columns(lang, &definitions);
    let header: Vec<String> = request
        .columns
        .iter()
        .map(|key| all_columns.iter().find(|c| &c.key == key).map(|c| c.label.clone()).unwrap_or_else(|| key.clone()))
        .collect();
    let mut rows = vec![];
    loop {
        let found = app.list_contacts(&visitor.actor, &query).await.map_err(fail(lang))?;
        for contact in &found.data {
            rows.push(request.columns.iter().map(|key| cell(&page, contact, key, &users, &definitions).text).collect());
        }
        match found.next_cursor {
            Some(cursor) => query.cursor = Some(cursor),
            None => break,
        }
    }
    let bytes = csv(lang, &header, &rows).map_err(|e| PageError::app(AppError::Internal(e.to_string()), lang))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"contacts.csv\""),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "confirm_bulk_delete.html")]
struct ConfirmBulkDelete {
    page: Chrome,
    action: &'static str,
    back: &'static str,
    ids: Vec<String>,
}

/// Applies one action to the ticked records, each through the same use case (and the same
/// permission check) as a single change; records the visitor may not change are counted, not
/// changed.
async fn bulk(State(state): State<AppState>, form: Submission) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let ids: Vec<ContactId> = selected_ids(&form.fields).iter().filter_map(|id| id.parse().ok()).collect();
    let action = form.fields.get("action").unwrap_or_default();
    let patch = match action {
        "assign" => Some(json!({ "owner_id": form.fields.text("owner_id") })),
        "delete" if !form.fields.checked("confirmed") => {
            return Ok(render(&ConfirmBulkDelete {
                page: Chrome::new(visitor, "contacts"),
                action: "/contacts/bulk",
                back: "/contacts",
                ids: ids.iter().map(ToString::to_string).collect(),
            }));
        }
        _ => None,
    };
    let tag = form.fields.text("tag");
    let (mut done, mut refused) = (0, 0);
    for id in ids {
        let outcome = match (action, &patch) {
            ("delete", _) => state.app.delete_contact(&visitor.actor, id, None).await,
            ("tag", _) => match (&tag, state.app.get_contact(&visitor.actor, id).await) {
                (Some(tag), Ok(contact)) => {
                    let mut tags = contact.fields.tags.clone();
                    tags.push(tag.clone());
                    state.app.update_contact(&visitor.actor, id, &json!({ "tags": tags }), None).await.map(|_| ())
                }
                (None, _) => Err(AppError::Validation(ValidationErrors::single("tag", "is required"))),
                (_, Err(e)) => Err(e),
            },
            (_, Some(patch)) => state.app.update_contact(&visitor.actor, id, patch, None).await.map(|_| ()),
            _ => Err(AppError::Validation(ValidationErrors::single("action", "is required"))),
        };
        match outcome {
            Ok(()) => done += 1,
            Err(AppError::Forbidden(_) | AppError::NotFound | AppError::Validation(_)) => refused += 1,
            Err(other) => return Err(PageError::app(other, visitor.lang)),
        }
    }
    let flash = format!("{}&refused={refused}", done);
    Ok(redirect(&format!("/contacts?done={flash}"), false))
}

async fn save_view(State(state): State<AppState>, form: Submission) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let query = form.fields.get("query").unwrap_or_default();
    let view = state
        .app
        .save_view(&visitor.actor, RecordKind::Contact, form.fields.text("name"), query)
        .await
        .map_err(fail(visitor.lang))?;
    Ok(redirect(&format!("/contacts?{}&view={}", view.query, view.id), false))
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

#[derive(Template)]
#[template(path = "contacts/form.html")]
struct FormPage {
    page: Chrome,
    title: String,
    action: String,
    cancel: String,
    version: Option<i64>,
    fields: Vec<FormField>,
    errors: Vec<String>,
}

/// The contact form's inputs, showing `typed` after a failed submission, else `record`.
async fn form_fields(
    app: &App,
    visitor: &Visitor,
    record: &Value,
    typed: Option<&Fields>,
) -> Result<Vec<FormField>, AppError> {
    let users = app.colleagues(&visitor.actor).await?;
    let definitions = app.definitions(ObjectType::Contact).await?;
    let mut fields: Vec<FormField> = SPECS
        .iter()
        .map(|spec| {
            let value = match typed {
                Some(typed) => typed.get(spec.name).unwrap_or_default().to_owned(),
                None => spec.editable(record),
            };
            spec.form_field(value, visitor.lang, &users)
        })
        .collect();
    let empty = serde_json::Map::new();
    let values = record.get("custom_fields").and_then(Value::as_object).unwrap_or(&empty);
    fields.extend(custom::form_fields(&definitions, values, typed, visitor.lang));
    Ok(fields)
}

async fn new_form(State(state): State<AppState>, visitor: Visitor) -> Result<Response, PageError> {
    let record = json!({ "owner_id": visitor.actor.user_id, "lifecycle_stage": "lead" });
    let fields = form_fields(&state.app, &visitor, &record, None).await.map_err(fail(visitor.lang))?;
    Ok(render(&FormPage {
        title: visitor.lang.t("contact-new"),
        page: Chrome::new(&visitor, "contacts"),
        action: "/contacts".to_owned(),
        cancel: "/contacts".to_owned(),
        version: None,
        fields,
        errors: vec![],
    }))
}

/// The API body of a submitted contact form (or one field of it), with the company typed by
/// name resolved to its id.
async fn contact_body(
    app: &App,
    actor: &Actor,
    fields: &Fields,
    only: Option<&str>,
) -> Result<Value, AppError> {
    let mut body = body_from_form(SPECS, fields, only);
    if let Some(object) = body.as_object_mut() {
        if only.is_none_or(|o| o == "company") {
            object.insert("company_id".to_owned(), json!(resolve_company(app, actor, fields.text("company")).await?));
        }
        if only.is_none_or(|o| o.starts_with("custom_fields.")) {
            let definitions = app.definitions(ObjectType::Contact).await?;
            let mut values = custom::values_from_form(&definitions, fields);
            if let Some(key) = only.and_then(|o| o.strip_prefix("custom_fields.")) {
                values.retain(|k, _| k == key);
            }
            if !values.is_empty() {
                object.insert("custom_fields".to_owned(), Value::Object(values));
            }
        }
    }
    Ok(body)
}

/// The company a name designates: it must match exactly one.
pub async fn resolve_company(app: &App, actor: &Actor, name: Option<String>) -> Result<Option<String>, AppError> {
    let Some(name) = name else { return Ok(None) };
    let pairs = vec![("filter[name]".to_owned(), name), ("limit".to_owned(), "2".to_owned())];
    let found = app.list_companies(actor, &ListQuery::parse(&pairs, &[])?).await?;
    match found.data.as_slice() {
        [one] => Ok(Some(one.id.to_string())),
        [] => Err(ValidationErrors::single("company", "no company has this name").into()),
        _ => Err(ValidationErrors::single("company", "several companies have this name; pick one from the list").into()),
    }
}

/// The form field a rule's error path belongs to.
fn form_name(path: &str) -> String {
    match base_path(path).as_str() {
        "company_id" => "company".to_owned(),
        other => other.to_owned(),
    }
}

async fn create(State(state): State<AppState>, form: Submission) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let app = &state.app;
    let outcome = match contact_body(app, &visitor.actor, &form.fields, None).await {
        Ok(body) => app.create_contact(&visitor.actor, body).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(contact) => Ok(redirect(&format!("/contacts/{}", contact.id), false)),
        Err(AppError::Validation(errors)) => {
            refused_form(app, visitor, &form.fields, &errors, "/contacts".to_owned(), None, "contact-new").await
        }
        Err(other) => Err(PageError::app(other, visitor.lang)),
    }
}

/// The form again, with what was typed and each error next to its field.
async fn refused_form(
    app: &App,
    visitor: &Visitor,
    typed: &Fields,
    errors: &ValidationErrors,
    action: String,
    version: Option<i64>,
    title_key: &str,
) -> Result<Response, PageError> {
    let mut fields = form_fields(app, visitor, &Value::Null, Some(typed)).await.map_err(fail(visitor.lang))?;
    let unplaced = place_errors(&mut fields, errors, visitor.lang, form_name);
    let cancel = if action == "/contacts" { action.clone() } else { action.clone() };
    let page = FormPage {
        page: Chrome::new(visitor, "contacts"),
        title: visitor.lang.t(title_key),
        action,
        cancel,
        version,
        fields,
        errors: unplaced,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
}

async fn edit_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<ContactId>,
) -> Result<Response, PageError> {
    let contact = state.app.get_contact(&visitor.actor, id).await.map_err(fail(visitor.lang))?;
    if !visitor.actor.can_modify(contact.fields.owner_id) {
        return Err(PageError::app(AppError::Forbidden("not yours to change"), visitor.lang));
    }
    let record = serde_json::to_value(&contact).unwrap_or_default();
    let fields = form_fields(&state.app, &visitor, &record, None).await.map_err(fail(visitor.lang))?;
    Ok(render(&FormPage {
        title: visitor.lang.t1("contact-edit", "name", contact.fields.display_name()),
        page: Chrome::new(&visitor, "contacts"),
        action: format!("/contacts/{id}"),
        cancel: format!("/contacts/{id}"),
        version: Some(contact.version),
        fields,
        errors: vec![],
    }))
}

fn version_of(fields: &Fields) -> Option<i64> {
    fields.get("version").and_then(|v| v.parse().ok())
}

async fn update(
    State(state): State<AppState>,
    Path(id): Path<ContactId>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let app = &state.app;
    let version = version_of(&form.fields);
    let outcome = match contact_body(app, &visitor.actor, &form.fields, None).await {
        Ok(body) => app.update_contact(&visitor.actor, id, &body, version).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(_) => Ok(redirect(&format!("/contacts/{id}"), false)),
        Err(AppError::Validation(errors)) => {
            refused_form(app, visitor, &form.fields, &errors, format!("/contacts/{id}"), version, "contact-edit-title")
                .await
        }
        Err(other) => Err(PageError::app(other, visitor.lang)),
    }
}

async fn delete(
    State(state): State<AppState>,
    Path(id): Path<ContactId>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    state.app.delete_contact(&visitor.actor, id, version_of(&form.fields)).await.map_err(fail(visitor.lang))?;
    Ok(redirect("/contacts", false))
}

/// One property of the identity card, editable in place.
pub struct Prop {
    pub name: String,
    pub label: String,
    pub text: String,
    pub href: Option<String>,
}

#[derive(Template)]
#[template(path = "contacts/show.html")]
struct ShowPage {
    page: Chrome,
    contact: Contact,
    name: String,
    stage_label: String,
    props: Vec<Prop>,
    can_modify: bool,
    composer: Composer,
    timeline: Vec<TimelineItem>,
    older_href: Option<String>,
    tasks: Vec<TaskLine>,
}

#[derive(Template)]
#[template(path = "partials/timeline_items.html")]
struct TimelineFragment {
    page: Chrome,
    timeline: Vec<TimelineItem>,
    older_href: Option<String>,
    back: String,
}

/// How many timeline entries a page shows at once.
const TIMELINE_PAGE: &str = "30";

async fn props(app: &App, visitor: &Visitor, contact: &Contact) -> Result<Vec<Prop>, AppError> {
    let users = app.colleagues(&visitor.actor).await?;
    let definitions = app.definitions(ObjectType::Contact).await?;
    let record = serde_json::to_value(contact).unwrap_or_default();
    let mut props: Vec<Prop> = SPECS
        .iter()
        .map(|spec| Prop {
            name: spec.name.to_owned(),
            label: visitor.lang.t(spec.label_key),
            text: spec.display(&record, visitor.lang, &users),
            href: (spec.kind == Kind::Company)
                .then(|| contact.company.as_ref().map(|c| format!("/companies/{}", c.id)))
                .flatten(),
        })
        .collect();
    props.extend(definitions.iter().map(|definition| Prop {
        name: custom::field_name(definition),
        label: definition.label.clone(),
        text: contact
            .fields
            .custom_fields
            .get(&definition.key)
            .map(|v| custom::display(definition, v, visitor.lang))
            .unwrap_or_default(),
        href: None,
    }));
    Ok(props)
}

async fn show_page(
    app: &App,
    visitor: &Visitor,
    id: ContactId,
    composer: Composer,
    cursor: Option<String>,
) -> Result<Response, AppError> {
    let actor = &visitor.actor;
    let contact = app.get_contact(actor, id).await?;
    let page = Chrome::new(visitor, "contacts");
    let mut pairs = vec![("limit".to_owned(), TIMELINE_PAGE.to_owned())];
    pairs.extend(cursor.clone().map(|c| ("cursor".to_owned(), c)));
    let found = app.contact_timeline(actor, id, &ListQuery::parse(&pairs, &[])?).await?;
    let older_href = found.next_cursor.map(|c| format!("/contacts/{id}?cursor={}", super::encode(&c)));
    let timeline = timeline_items(&page, actor, &found.data);
    if cursor.is_some() && visitor.htmx {
        return Ok(render(&TimelineFragment { page, timeline, older_href, back: format!("/contacts/{id}") }));
    }
    app.record_view(actor, RecordKind::Contact, id.0).await?;
    let open_tasks = open_tasks_query(id)?;
    let tasks = app.list_activities(actor, &open_tasks).await?.data;
    let tasks = task_lines(app, actor, tasks, Utc::now()).await?;
    let show = ShowPage {
        name: contact.fields.display_name(),
        stage_label: visitor.lang.t(&format!("stage-{}", contact.fields.lifecycle_stage.as_str())),
        props: props(app, visitor, &contact).await?,
        can_modify: actor.can_modify(contact.fields.owner_id),
        page,
        contact,
        composer,
        timeline,
        older_href,
        tasks,
    };
    Ok(render(&show))
}

fn open_tasks_query(id: ContactId) -> Result<ListQuery, AppError> {
    let pairs = vec![
        ("filter[contact_id]".to_owned(), id.to_string()),
        ("filter[kind]".to_owned(), "task".to_owned()),
        ("filter[done]".to_owned(), "false".to_owned()),
        ("sort".to_owned(), "due_at".to_owned()),
        ("limit".to_owned(), "20".to_owned()),
    ];
    Ok(ListQuery::parse(&pairs, &[])?)
}

#[derive(serde::Deserialize)]
struct ShowQuery {
    cursor: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<ContactId>,
    axum::extract::Query(query): axum::extract::Query<ShowQuery>,
) -> Result<Response, PageError> {
    let composer = Composer::empty(visitor.lang);
    show_page(&state.app, &visitor, id, composer, query.cursor).await.map_err(fail(visitor.lang))
}

async fn log_activity(
    State(state): State<AppState>,
    Path(id): Path<ContactId>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let lang = visitor.lang;
    let about = super::activities::about_contact(id);
    let outcome = match composer_body(&form.fields, about, visitor.timezone) {
        Ok(body) => state.app.create_activity(&visitor.actor, body).await.map(|_| ()),
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match outcome {
        Ok(()) => Ok(redirect(&format!("/contacts/{id}#timeline"), false)),
        Err(AppError::Validation(errors)) => {
            let composer = Composer::from_fields(lang, &form.fields).with_errors(&errors, lang);
            let response = show_page(&state.app, visitor, id, composer, None).await.map_err(fail(lang))?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
        }
        Err(other) => Err(PageError::app(other, lang)),
    }
}

#[derive(Template)]
#[template(path = "partials/prop.html")]
struct PropFragment {
    page: Chrome,
    base: String,
    prop: Prop,
    can_modify: bool,
}

#[derive(Template)]
#[template(path = "partials/inline_edit.html")]
struct InlineEdit {
    page: Chrome,
    base: String,
    name: String,
    version: i64,
    field: FormField,
}

/// The one input of the contact form named `name`, holding the contact's value.
async fn single_field(
    app: &App,
    visitor: &Visitor,
    contact: &Contact,
    name: &str,
    typed: Option<&Fields>,
) -> Result<FormField, PageError> {
    let record = serde_json::to_value(contact).unwrap_or_default();
    let fields = form_fields(app, visitor, &record, typed).await.map_err(fail(visitor.lang))?;
    fields.into_iter().find(|f| f.name == name).ok_or(PageError::app(AppError::NotFound, visitor.lang))
}

async fn edit_field(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, name)): Path<(ContactId, String)>,
) -> Result<Response, PageError> {
    let contact = state.app.get_contact(&visitor.actor, id).await.map_err(fail(visitor.lang))?;
    if !visitor.actor.can_modify(contact.fields.owner_id) {
        return Err(PageError::app(AppError::Forbidden("not yours to change"), visitor.lang));
    }
    let field = single_field(&state.app, &visitor, &contact, &name, None).await?;
    Ok(render(&InlineEdit {
        page: Chrome::new(&visitor, "contacts"),
        base: format!("/contacts/{id}"),
        name,
        version: contact.version,
        field,
    }))
}

async fn show_field(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, name)): Path<(ContactId, String)>,
) -> Result<Response, PageError> {
    let contact = state.app.get_contact(&visitor.actor, id).await.map_err(fail(visitor.lang))?;
    prop_fragment(&state.app, &visitor, &contact, &name).await
}

async fn prop_fragment(app: &App, visitor: &Visitor, contact: &Contact, name: &str) -> Result<Response, PageError> {
    let prop = props(app, visitor, contact)
        .await
        .map_err(fail(visitor.lang))?
        .into_iter()
        .find(|p| p.name == name)
        .ok_or(PageError::app(AppError::NotFound, visitor.lang))?;
    Ok(render(&PropFragment {
        page: Chrome::new(visitor, "contacts"),
        base: format!("/contacts/{}", contact.id),
        prop,
        can_modify: visitor.actor.can_modify(contact.fields.owner_id),
    }))
}

/// Saves one field edited in place; answers the new value, or the input again with its error.
async fn save_field(
    State(state): State<AppState>,
    Path((id, name)): Path<(ContactId, String)>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let app = &state.app;
    let version = version_of(&form.fields);
    let outcome = match contact_body(app, &visitor.actor, &form.fields, Some(&name)).await {
        Ok(body) => app.update_contact(&visitor.actor, id, &body, version).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(contact) if visitor.htmx => prop_fragment(app, visitor, &contact, &name).await,
        Ok(_) => Ok(redirect(&format!("/contacts/{id}"), false)),
        Err(AppError::Validation(errors)) => {
            let contact = app.get_contact(&visitor.actor, id).await.map_err(fail(visitor.lang))?;
            let mut field = single_field(app, visitor, &contact, &name, Some(&form.fields)).await?;
            let mut one = [field];
            place_errors(&mut one, &errors, visitor.lang, form_name);
            [field] = one;
            if field.error.is_none() {
                field.error = errors.0.first().map(|e| visitor.lang.message(&e.message));
            }
            Ok(render(&InlineEdit {
                page: Chrome::new(visitor, "contacts"),
                base: format!("/contacts/{id}"),
                name,
                version: version.unwrap_or(contact.version),
                field,
            }))
        }
        Err(other) => Err(PageError::app(other, visitor.lang)),
    }
}
