//! The pages of contacts and companies, served by the same handlers (`Area` answers what
//! differs): the record's page with its timeline, composer and inline editing, and the create
//! and edit forms. The lists are in `record_lists`.

use super::activities::{Composer, TaskLine, TimelineItem, composer_body, task_lines, timeline_items};
use super::area::Area;
use super::errors::{PageError, fail};
use super::forms::{FormField, form_name, place_errors};
use super::record::Record;
use super::record_lists;
use super::records::{Kind, choice_key, version_of};
use super::session::{Fields, Submission, Visitor};
use super::{Chrome, redirect, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Utc;
use comptoir_app::AppError;
use comptoir_domain::ValidationErrors;
use comptoir_domain::users::User;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

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

pub fn router() -> Router<AppState> {
    let mut router = Router::new();
    for base in ["/contacts", "/companies"] {
        router = router
            .route(base, get(record_lists::list).post(create))
            .route(&format!("{base}/new"), get(new_form))
            .route(&format!("{base}/export.csv"), get(record_lists::export))
            .route(&format!("{base}/bulk"), post(record_lists::bulk))
            .route(&format!("{base}/views"), post(record_lists::save_view))
            .route(&format!("{base}/{{id}}"), get(show).post(update))
            .route(&format!("{base}/{{id}}/edit"), get(edit_form))
            .route(&format!("{base}/{{id}}/delete"), post(delete))
            .route(&format!("{base}/{{id}}/activities"), post(log_activity))
            .route(&format!("{base}/{{id}}/fields/{{field}}"), get(show_field).post(save_field))
            .route(&format!("{base}/{{id}}/fields/{{field}}/edit"), get(edit_field));
    }
    router.route("/views/{id}/delete", post(record_lists::delete_view))
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
    let outcome = async {
        let body = area.body(&state, &visitor.actor, &form.fields, None, None).await?;
        area.create(&state.app, &visitor.actor, body).await
    }
    .await;
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
    let outcome = async {
        let current = area.get(&state.app, &visitor.actor, id).await?;
        let body = area.body(&state, &visitor.actor, &form.fields, None, Some(&current)).await?;
        area.update(&state.app, &visitor.actor, id, &body, version).await
    }
    .await;
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
    users: &[User],
) -> Result<Vec<Prop>, AppError> {
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
            text: spec.display(&json, visitor.lang, users),
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
            let query = super::list_query(&[
                ("filter[company_id]", company.id.to_string()),
                ("sort", "last_name".to_owned()),
                ("limit", "100".to_owned()),
            ])?;
            let contacts = state.app.list_contacts(&visitor.actor, &query).await?.data;
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
    let mut pairs = vec![("limit", TIMELINE_PAGE.to_string())];
    pairs.extend(cursor.clone().map(|c| ("cursor", c)));
    let found = area.timeline(app, actor, id, &super::list_query(&pairs)?).await?;
    let older_href = found.next_cursor.map(|c| format!("{base}?cursor={}", super::encode(&c)));
    let timeline = timeline_items(&page, actor, &found.data);
    if cursor.is_some() && visitor.htmx {
        return Ok(render(&TimelineFragment { page, timeline, older_href, back: base }));
    }
    app.record_view(actor, area.kind(), id).await?;
    let tasks = app.open_tasks_on(actor, area.open_tasks_of(id), 20).await?;
    let tasks = task_lines(app, actor, tasks, Utc::now()).await?;
    let (subtitle, badge, members) = context(state, visitor, &record).await?;
    let users = app.colleagues(actor).await?;
    let composer = composer.with_assignees(&users, actor.user_id);
    let show = ShowPage {
        name: record.name(),
        props: props(state, area, visitor, &record, &users).await?,
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
    let outcome = async {
        let body = composer_body(&form.fields, area.about(id), visitor.timezone)?;
        state.app.create_activity(&visitor.actor, body, None).await.map(|_| ())
    }
    .await;
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
    let users = state.app.colleagues(&visitor.actor).await.map_err(fail(visitor.lang))?;
    let prop = props(state, area, visitor, record, &users)
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
    let outcome = async {
        let body = area.body(&state, &visitor.actor, &form.fields, Some(&name), Some(&current)).await?;
        area.update(&state.app, &visitor.actor, id, &body, version).await
    }
    .await;
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
