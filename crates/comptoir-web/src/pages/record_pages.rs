//! The pages of every kind of record, served by handlers generic over the kind (its
//! [`KindPages`] answers what differs): the record's page with its timeline, composer and
//! inline editing, and the create and edit forms. The lists are in `record_lists`.

use super::activities::{Composer, TaskLine, TimelineItem, composer_body, task_lines, timeline_items};
use super::deal_people::{People, TypedPerson, role_label};
use super::errors::PageError;
use super::forms::{FormField, form_name, place_errors};
use super::kind::{
    Header, KindPages, Link, ReplyForm, TypedReply, base, key, may_change, may_delete, section,
};
use super::path::PagePath;
use super::record_lists;
use super::records::{Kind, version_of};
use super::session::{Fields, Submission, Visitor};
use super::{Chrome, redirect, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use comptoir_app::AppError;
use comptoir_app::activities::Activities;
use comptoir_domain::ValidationErrors;
use comptoir_domain::activities::TaskWindow;
use comptoir_domain::kinds::{RecordKind, RecordRef};
use comptoir_domain::users::{Actor, User};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
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
    /// Records already on file with this one's email, phone or identifier, before it is saved.
    pub namesakes: Vec<Link>,
}

/// One property of the identity card, editable in place.
pub struct Prop {
    pub name: String,
    pub label: String,
    pub text: String,
    pub href: Option<String>,
    /// `(text, href)` of each address or number, for a field that lists them: one tap writes
    /// or calls.
    pub links: Vec<(String, String)>,
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
    /// The page's head again, swapped in beside the field: a new name or stage shows there too.
    pub head: RecordHead,
}

/// What a record's page shows at its top: its name, a line of facts, its badge and the ways
/// to reach it.
pub struct RecordHead {
    pub name: String,
    pub subtitle: Vec<Link>,
    pub badge: Option<(String, String)>,
    pub reach: Vec<Link>,
    pub twins: Vec<Link>,
}

async fn record_head<K: KindPages>(
    app: &comptoir_app::App,
    actor: &comptoir_domain::users::Actor,
    page: &Chrome,
    record: &K::Record,
) -> Result<(RecordHead, Option<Vec<Link>>), AppError> {
    let Header { subtitle, badge, members, reach, twins } = K::header(app, actor, page, record).await?;
    Ok((RecordHead { name: K::name(record), subtitle, badge, reach, twins }, members))
}

#[derive(Template)]
#[template(path = "partials/inline_edit.html")]
pub struct InlineEdit {
    pub page: Chrome,
    pub base: String,
    pub name: String,
    pub version: i64,
    pub field: FormField,
    /// The value someone else saved meanwhile, when this edit was refused as stale: the form
    /// then offers to keep theirs or to save this one over it.
    pub theirs: Option<String>,
}

/// The routes of one kind's pages, under its base (`/contacts`). A kind without a line in
/// `pages::router` has no route, so its address answers 404.
pub fn routes<K: KindPages>() -> Router<AppState> {
    let base = base::<K>();
    Router::new()
        .route(&base, get(record_lists::list::<K>).post(create::<K>))
        .route(&format!("{base}/new"), get(new_form::<K>))
        .route(&format!("{base}/export.csv"), get(record_lists::export::<K>))
        .route(&format!("{base}/filter-line"), get(record_lists::filter_line::<K>))
        .route(&format!("{base}/bulk"), post(record_lists::bulk::<K>))
        .route(&format!("{base}/views"), post(record_lists::save_view::<K>))
        .route(&format!("{base}/{{id}}"), get(show::<K>).post(update::<K>))
        .route(&format!("{base}/{{id}}/edit"), get(edit_form::<K>))
        .route(&format!("{base}/{{id}}/delete"), post(delete::<K>))
        .route(&format!("{base}/{{id}}/activities"), post(log_activity::<K>))
        .route(&format!("{base}/{{id}}/fields/{{field}}"), get(show_field::<K>).post(save_field::<K>))
        .route(&format!("{base}/{{id}}/fields/{{field}}/edit"), get(edit_field::<K>))
}

/// The form's inputs, showing `typed` after a failed submission, else the record's values.
async fn form_fields<K: KindPages>(
    state: &AppState,
    visitor: &Visitor,
    record: &Value,
    typed: Option<&Fields>,
) -> Result<Vec<FormField>, AppError> {
    let users = state.app.colleagues(&visitor.actor).await?;
    let teams = if K::SPECS.iter().any(|spec| spec.kind == Kind::Team) {
        state.app.teams_by_name().await?
    } else {
        Vec::new()
    };
    let definitions = state.app.definitions(K::KIND).await?;
    let mut fields: Vec<FormField> = K::SPECS
        .iter()
        .map(|spec| {
            let value = match typed {
                Some(typed) => typed.get(spec.name).unwrap_or_default().to_owned(),
                None => spec.editable(record),
            };
            spec.form_field(value, visitor.lang, &users, &teams)
        })
        .collect();
    let empty = Map::new();
    let values = record.get("custom_fields").and_then(Value::as_object).unwrap_or(&empty);
    fields.extend(super::custom::form_fields(&definitions, values, typed, visitor.lang));
    Ok(fields)
}

/// The API body a submitted form (or its one field `only`) describes: the kind's own fields,
/// and the custom fields defined for the kind.
async fn form_body<K: KindPages>(
    state: &AppState,
    actor: &Actor,
    fields: &Fields,
    only: Option<&str>,
    current: Option<&K::Record>,
) -> Result<Value, AppError> {
    let mut body = K::body(&state.app, actor, fields, only, current).await?;
    if let Some(object) = body.as_object_mut()
        && only.is_none_or(|o| o.starts_with("custom_fields."))
    {
        let definitions = state.app.definitions(K::KIND).await?;
        let mut values = super::custom::values_from_form(&definitions, fields);
        if let Some(key) = only.and_then(|o| o.strip_prefix("custom_fields.")) {
            values.retain(|k, _| k == key);
        }
        if !values.is_empty() {
            object.insert("custom_fields".to_owned(), Value::Object(values));
        }
    }
    Ok(body)
}

/// What an activity logged from a record's page is attached to: `{"contact_id": …}`.
fn about<K: KindPages>(id: Uuid) -> Value {
    let mut about = Map::new();
    about.insert(format!("{}_id", K::KIND.as_str()), Value::from(id.to_string()));
    Value::Object(about)
}

/// A new record's form may start in a company (`?company=<id>`): "add a contact" on its page.
#[derive(serde::Deserialize, Default)]
struct NewIn {
    company: Option<comptoir_domain::ids::CompanyId>,
}

async fn new_form<K: KindPages>(
    State(state): State<AppState>,
    visitor: Visitor,
    axum::extract::Query(within): axum::extract::Query<NewIn>,
) -> Result<Response, PageError> {
    let mut defaults = K::new_defaults(&visitor.actor);
    let mut cancel = base::<K>();
    if let Some(company) = within.company {
        let name = state.app.company_label(&visitor.actor, company).await?;
        defaults["company"] = serde_json::json!({ "id": company, "name": name });
        cancel = format!("/companies/{company}");
    }
    let fields = form_fields::<K>(&state, &visitor, &defaults, None).await?;
    Ok(render(&FormPage {
        title: visitor.lang.t(&key::<K>("new")),
        page: Chrome::new(&visitor, section::<K>()),
        action: base::<K>(),
        cancel,
        version: None,
        fields,
        errors: vec![],
        namesakes: vec![],
    }))
}

async fn create<K: KindPages>(
    State(state): State<AppState>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    // A record that may already be on file is pointed out before it is saved twice; the
    // visitor can still go ahead.
    if !form.fields.checked("allow_namesakes") {
        let namesakes = K::namesakes(&state.app, &visitor.actor, &form.fields).await?;
        if !namesakes.is_empty() {
            let title = visitor.lang.t(&key::<K>("new"));
            let on_file = Refusal::OnFile(namesakes);
            return refused_form::<K>(&state, visitor, &form.fields, on_file, base::<K>(), None, title).await;
        }
    }
    let outcome = async {
        let body = form_body::<K>(&state, &visitor.actor, &form.fields, None, None).await?;
        K::create(&state.app, &visitor.actor, body).await
    }
    .await;
    match outcome {
        Ok(record) => Ok(redirect(&format!("{}/{}", base::<K>(), K::id(&record)), false)),
        Err(AppError::Validation(errors)) => {
            let title = visitor.lang.t(&key::<K>("new"));
            refused_form::<K>(
                &state,
                visitor,
                &form.fields,
                Refusal::Invalid(&errors),
                base::<K>(),
                None,
                title,
            )
            .await
        }
        Err(other) => Err(PageError::from(other)),
    }
}

/// Why a submitted form comes back instead of being saved.
enum Refusal<'a> {
    /// Fields the rules refused.
    Invalid(&'a ValidationErrors),
    /// Records already on file with what the form gives, to look at before saving anyway.
    OnFile(Vec<Link>),
}

/// The form again, with what was typed, and each error next to its field or the records
/// already on file above it.
async fn refused_form<K: KindPages>(
    state: &AppState,
    visitor: &Visitor,
    typed: &Fields,
    refusal: Refusal<'_>,
    action: String,
    version: Option<i64>,
    title: String,
) -> Result<Response, PageError> {
    let mut fields = form_fields::<K>(state, visitor, &Value::Null, Some(typed)).await?;
    let (status, errors, namesakes) = match refusal {
        Refusal::Invalid(errors) => {
            let unplaced = place_errors(&mut fields, errors, visitor.lang, form_name);
            (StatusCode::UNPROCESSABLE_ENTITY, unplaced, vec![])
        }
        Refusal::OnFile(namesakes) => {
            if let Some(first) = fields.first_mut() {
                first.autofocus = true;
            }
            (StatusCode::CONFLICT, vec![], namesakes)
        }
    };
    let page = FormPage {
        page: Chrome::new(visitor, section::<K>()),
        title,
        cancel: action.clone(),
        action,
        version,
        fields,
        errors,
        namesakes,
    };
    Ok((status, render(&page)).into_response())
}

async fn edit_form<K: KindPages>(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<Uuid>,
) -> Result<Response, PageError> {
    let record = K::get(&state.app, &visitor.actor, id).await?;
    if !may_change::<K>(&visitor.actor, &record) {
        return Err(PageError::from(AppError::Forbidden("not yours to change")));
    }
    let fields = form_fields::<K>(&state, &visitor, &K::form_json(&record), None).await?;
    Ok(render(&FormPage {
        title: visitor.lang.t1(&key::<K>("edit"), "name", K::name(&record)),
        page: Chrome::new(&visitor, section::<K>()),
        action: format!("{}/{id}", base::<K>()),
        cancel: format!("{}/{id}", base::<K>()),
        version: Some(K::version(&record)),
        fields,
        errors: vec![],
        namesakes: vec![],
    }))
}

async fn update<K: KindPages>(
    State(state): State<AppState>,
    PagePath(id): PagePath<Uuid>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let version = version_of(&form.fields);
    let outcome = async {
        let current = K::get(&state.app, &visitor.actor, id).await?;
        let body = form_body::<K>(&state, &visitor.actor, &form.fields, None, Some(&current)).await?;
        K::update(&state.app, &visitor.actor, id, &body, version).await
    }
    .await;
    match outcome {
        Ok(_) => Ok(redirect(&format!("{}/{id}", base::<K>()), false)),
        Err(AppError::Validation(errors)) => {
            let title = visitor.lang.t(&key::<K>("edit-title"));
            let action = format!("{}/{id}", base::<K>());
            refused_form::<K>(
                &state,
                visitor,
                &form.fields,
                Refusal::Invalid(&errors),
                action,
                version,
                title,
            )
            .await
        }
        Err(other) => Err(PageError::from(other)),
    }
}

async fn delete<K: KindPages>(
    State(state): State<AppState>,
    PagePath(id): PagePath<Uuid>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    K::delete(&state.app, &visitor.actor, id, version_of(&form.fields)).await?;
    Ok(redirect(&base::<K>(), false))
}

#[derive(Template)]
#[template(path = "record_show.html")]
struct ShowPage {
    page: Chrome,
    id: Uuid,
    base: String,
    version: i64,
    head: RecordHead,
    props: Vec<Prop>,
    can_modify: bool,
    can_delete: bool,
    composer: Composer,
    timeline: Vec<TimelineItem>,
    older_href: Option<String>,
    tasks: Vec<TaskLine>,
    /// A company's contacts; `None` on a contact's page.
    members: Option<Vec<Link>>,
    /// A deal's people and their part.
    people: Option<People>,
    /// A contact's or a company's open deals; `None` on a deal's page.
    deals: Option<Vec<DealLine>>,
    /// Where "new deal" starts, with the company filled in.
    new_deal_href: Option<String>,
    /// A deal's quotes, or a contact's or a company's orders.
    documents: Option<Documents>,
    /// A contact's, a company's or a deal's newest tickets; `None` on a ticket's page.
    tickets: Option<super::record_tickets::RecordTickets>,
    /// A ticket's answer form.
    reply: Option<ReplyForm>,
    /// A ticket's files.
    files: Option<Files>,
}

/// A ticket's files, and why the last one sent was refused.
struct Files {
    lines: Vec<super::ticket_files::FileLine>,
    refused: Option<String>,
}

/// The quotes or orders a record's page lists.
pub struct Documents {
    pub title: String,
    pub empty: String,
    pub lines: Vec<DocumentLine>,
    /// Where a new one starts (a quote for this deal).
    pub new_href: Option<(String, String)>,
}

/// One quote or order on a record's page.
pub struct DocumentLine {
    pub href: String,
    pub number: String,
    pub status: String,
    pub day: String,
    pub total: String,
}

/// A deal's quotes, or a contact's or a company's latest orders: its purchase history.
async fn documents(
    app: &comptoir_app::App,
    actor: &comptoir_domain::users::Actor,
    page: &Chrome,
    of: RecordRef,
) -> Result<Documents, AppError> {
    let lang = page.lang;
    if of.kind == RecordKind::Deal {
        let quotes = app.deal_quotes(actor, comptoir_domain::ids::DealId(of.id)).await?;
        return Ok(Documents {
            title: page.t("quotes-title"),
            empty: page.t("quote-none"),
            lines: quotes
                .into_iter()
                .map(|q| DocumentLine {
                    href: format!("/quotes/{}", q.id),
                    number: q.number,
                    status: page.t(&format!("quote-status-{}", q.fields.status.as_str())),
                    day: lang.day(q.fields.issued_on),
                    total: lang.amount(&q.totals.including_tax),
                })
                .collect(),
            new_href: page.can_create.then(|| (format!("/quotes/new?deal={}", of.id), page.t("quote-new"))),
        });
    }
    let (company, contact) = match of.kind {
        RecordKind::Company => (Some(comptoir_domain::ids::CompanyId(of.id)), None),
        _ => (None, Some(comptoir_domain::ids::ContactId(of.id))),
    };
    let orders = app.purchase_history(actor, company, contact).await?;
    Ok(Documents {
        title: page.t("orders-title"),
        empty: page.t("order-none"),
        lines: orders
            .into_iter()
            .map(|o| DocumentLine {
                href: format!("/orders/{}", o.id),
                number: o.number,
                status: page.t(&format!("order-status-{}", o.fields.status.as_str())),
                day: lang.day(o.fields.ordered_on),
                total: lang.amount(&o.totals.including_tax),
            })
            .collect(),
        new_href: None,
    })
}

/// One open deal on a contact's or a company's page.
pub struct DealLine {
    pub href: String,
    pub title: String,
    pub stage: String,
    pub amount: Option<String>,
    pub closes: Option<String>,
    /// The contact's part in it, when they are one of its people.
    pub role: Option<String>,
}

/// How many open deals a record's page lists.
const OPEN_DEALS_SHOWN: u32 = 20;

/// The open deals of a contact (those they are the main contact of, then those they take part
/// in) or of a company, soonest to close first.
async fn open_deals(
    app: &comptoir_app::App,
    actor: &comptoir_domain::users::Actor,
    page: &Chrome,
    of: RecordRef,
) -> Result<Vec<DealLine>, AppError> {
    let filter = match of.kind {
        RecordKind::Contact => "filter[contact_id]",
        RecordKind::Company => "filter[company_id]",
        RecordKind::Deal | RecordKind::Ticket => return Ok(vec![]),
    };
    let query = super::list_query(&[
        (filter, of.id.to_string()),
        ("filter[status]", "open".to_owned()),
        ("sort", "expected_close_on".to_owned()),
        ("limit", OPEN_DEALS_SHOWN.to_string()),
    ])?;
    let mut deals = app.list::<comptoir_app::deals::Deals>(actor, &query).await?.data;
    if of.kind == RecordKind::Contact {
        let contact = comptoir_domain::ids::ContactId(of.id);
        let taken_part = app.deals_taken_part_in(actor, contact, OPEN_DEALS_SHOWN).await?;
        let shown: HashSet<_> = deals.iter().map(|d| d.id).collect();
        deals.extend(taken_part.into_iter().filter(|d| !shown.contains(&d.id)));
        deals.sort_by_key(|d| (d.fields.expected_close_on.is_none(), d.fields.expected_close_on));
        deals.truncate(OPEN_DEALS_SHOWN as usize);
    }
    let role_of = |deal: &comptoir_domain::deals::Deal| {
        let person = deal.fields.contacts.iter().find(|p| p.contact_id.0 == of.id)?;
        Some(role_label(page, person.role))
    };
    Ok(deals
        .into_iter()
        .map(|deal| DealLine {
            href: format!("/deals/{}", deal.id),
            role: role_of(&deal),
            title: deal.fields.title,
            stage: deal.stage_name,
            amount: deal.fields.amount.map(|m| page.lang.amount(&m)),
            closes: deal.fields.expected_close_on.map(|d| page.lang.day(d)),
        })
        .collect())
}

/// How many timeline entries a page shows at once; older ones load on demand.
pub const TIMELINE_PAGE: u32 = 30;

async fn props<K: KindPages>(
    state: &AppState,
    visitor: &Visitor,
    record: &K::Record,
    users: &[User],
) -> Result<Vec<Prop>, AppError> {
    let definitions = state.app.definitions(K::KIND).await?;
    let json = K::form_json(record);
    let company_href =
        json.pointer("/company/id").and_then(Value::as_str).map(|id| format!("/companies/{id}"));
    let mut props: Vec<Prop> = K::SPECS
        .iter()
        .map(|spec| Prop {
            name: spec.name.to_owned(),
            label: visitor.lang.t(spec.label_key),
            text: spec.display(&json, visitor.lang, users),
            href: (spec.kind == Kind::Company).then(|| company_href.clone()).flatten(),
            links: reach_links(spec.kind, &json, spec.name),
        })
        .collect();
    props.extend(definitions.iter().map(|definition| {
        Prop {
            name: super::custom::field_name(definition),
            label: definition.label.clone(),
            text: K::custom_fields(record)
                .get(&definition.key)
                .map(|v| super::custom::display(definition, v, visitor.lang))
                .unwrap_or_default(),
            href: None,
            links: vec![],
        }
    }));
    Ok(props)
}

/// The `mailto:` and `tel:` links of a field listing email addresses or phone numbers.
fn reach_links(kind: Kind, json: &Value, name: &str) -> Vec<(String, String)> {
    let (key, scheme) = match kind {
        Kind::EmailLines => ("address", "mailto:"),
        Kind::PhoneLines => ("number", "tel:"),
        _ => return vec![],
    };
    let items = json.get(name).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    items
        .iter()
        .filter_map(|item| item.get(key).and_then(Value::as_str))
        .map(|value| (super::reach::shown(kind == Kind::PhoneLines, value), format!("{scheme}{value}")))
        .collect()
}

/// What the address or a form asked of a record's page beyond the record itself.
#[derive(Debug, Default)]
pub(super) struct Asked {
    /// Where the timeline goes on from, for older entries.
    pub cursor: Option<String>,
    /// Someone the visitor is adding to a deal.
    pub person: TypedPerson,
}

/// A record's page; `typed_reply` is an answer the visitor typed that was refused, with why.
pub(super) async fn show_page<K: KindPages>(
    state: &AppState,
    visitor: &Visitor,
    id: Uuid,
    composer: Composer,
    typed_reply: Option<TypedReply>,
    asked: Asked,
    file_refused: Option<String>,
) -> Result<Response, AppError> {
    let Asked { cursor, person } = asked;
    let app = &state.app;
    let actor = &visitor.actor;
    let record = K::get(app, actor, id).await?;
    let page = Chrome::new(visitor, section::<K>());
    let base = format!("{}/{id}", base::<K>());
    let mut pairs = vec![("limit", TIMELINE_PAGE.to_string())];
    pairs.extend(cursor.clone().map(|c| ("cursor", c)));
    let this = RecordRef { kind: K::KIND, id };
    let found = app.timeline(actor, this, &super::list_query(&pairs)?).await?;
    let older_href = found.next_cursor.map(|c| format!("{base}?cursor={}", super::encode(&c)));
    // On a company's or a deal's timeline, the entries of its contacts say whose they are.
    let contact_names = match K::KIND {
        RecordKind::Company | RecordKind::Deal | RecordKind::Ticket => {
            let contacts: Vec<RecordRef> = found
                .data
                .iter()
                .filter_map(|a| a.fields.contact_id.map(|c| RecordRef { kind: RecordKind::Contact, id: c.0 }))
                .collect();
            app.record_names(actor, &contacts).await?
        }
        RecordKind::Contact => HashMap::new(),
    };
    let timeline = timeline_items(&page, actor, &found.data, &contact_names);
    if cursor.is_some() && visitor.htmx {
        return Ok(render(&TimelineFragment { page, timeline, older_href, back: base }));
    }
    app.record_view(actor, K::KIND, id).await?;
    // A company's open tasks include those on its contacts, as its timeline does.
    let tasks = app
        .open_tasks(actor, &TaskWindow { about: Some(this), undated: true, ..TaskWindow::default() }, 20)
        .await?;
    let tasks = task_lines(app, actor, tasks, visitor.timezone).await?;
    let (head, members) = record_head::<K>(app, actor, &page, &record).await?;
    let people = K::people(app, actor, &page, &record, &person).await?;
    let (deals, new_deal_href) = match K::KIND {
        RecordKind::Deal | RecordKind::Ticket => (None, None),
        RecordKind::Contact => {
            (Some(open_deals(app, actor, &page, this).await?), Some("/deals/new".to_owned()))
        }
        RecordKind::Company => {
            (Some(open_deals(app, actor, &page, this).await?), Some(format!("/deals/new?company={id}")))
        }
    };
    let documents = match K::KIND {
        RecordKind::Ticket => None,
        _ => Some(documents(app, actor, &page, this).await?),
    };
    let tickets = super::record_tickets::of(app, actor, &page, this).await?;
    let mut reply = K::reply_form(page.lang, &record);
    if let Some(reply) = reply.as_mut()
        && K::KIND == RecordKind::Ticket
    {
        let suggested = app.suggested_articles(actor, comptoir_domain::ids::TicketId(id)).await?;
        let public = app.help_addresses(&suggested).await?;
        reply.suggestions = suggested
            .into_iter()
            .zip(public)
            .map(|(article, public)| (format!("/articles/{}", article.id), article.fields.title, public))
            .collect();
    }
    if let Some(reply) = reply.as_mut()
        && K::KIND == RecordKind::Ticket
    {
        // The messages shown may be split out: an answer, a note, the requester's words.
        reply.messages = timeline
            .iter()
            .filter(|item| matches!(item.kind, "email" | "note"))
            .map(|item| {
                let text = item.body.as_deref().or(item.subject.as_deref()).unwrap_or_default();
                let short: String = text.chars().take(60).collect();
                (item.id.to_string(), format!("{} · {short}", item.when))
            })
            .collect();
    }
    if let Some(reply) = reply.as_mut() {
        let query = super::list_query(&[("limit", "200".to_owned())])?;
        let macros = app.list::<comptoir_app::macros::Macros>(actor, &query).await?.data;
        reply.macros = macros.into_iter().map(|m| (m.id.to_string(), m.fields.name)).collect();
    }
    if let (Some(reply), Some(typed)) = (reply.as_mut(), typed_reply) {
        reply.body = typed.body;
        reply.status = typed.status.unwrap_or_default();
        reply.error = typed.error;
    }
    let files = match K::KIND {
        RecordKind::Ticket => {
            let attached = app.ticket_attachments(actor, comptoir_domain::ids::TicketId(id)).await?;
            let lines = super::ticket_files::file_lines(page.lang, &base, &attached, |at| page.datetime(&at));
            Some(Files { lines, refused: file_refused })
        }
        _ => None,
    };
    let users = app.colleagues(actor).await?;
    let composer = composer.with_assignees(&users, actor.user_id);
    let show = ShowPage {
        id,
        head,
        props: props::<K>(state, visitor, &record, &users).await?,
        can_modify: may_change::<K>(actor, &record),
        can_delete: may_delete::<K>(actor, &record),
        version: K::version(&record),
        page,
        base,
        composer,
        timeline,
        older_href,
        tasks,
        members,
        people,
        deals,
        new_deal_href,
        documents,
        tickets,
        reply,
        files,
    };
    Ok(render(&show))
}

#[derive(Deserialize)]
struct ShowQuery {
    cursor: Option<String>,
    /// Someone to add to a deal, as typed: the page says whom it may mean.
    who: Option<String>,
    role: Option<String>,
    /// A macro to fill in the reply form with, on a ticket's page.
    #[serde(rename = "macro")]
    use_macro: Option<String>,
}

async fn show<K: KindPages>(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<Uuid>,
    Query(query): Query<ShowQuery>,
) -> Result<Response, PageError> {
    let filled = match (K::KIND, query.use_macro.as_deref().and_then(|m| m.parse().ok())) {
        (RecordKind::Ticket, Some(chosen)) => {
            let filled =
                state.app.fill_macro(&visitor.actor, comptoir_domain::ids::TicketId(id), chosen).await?;
            Some(TypedReply {
                body: filled.body,
                status: filled.status.map(|s| s.as_str().to_owned()),
                error: None,
            })
        }
        _ => None,
    };
    let asked =
        Asked { cursor: query.cursor, person: TypedPerson { who: query.who, role: query.role, error: None } };
    show_page::<K>(&state, &visitor, id, Composer::empty(visitor.lang), filled, asked, None)
        .await
        .map_err(PageError::from)
}

async fn log_activity<K: KindPages>(
    State(state): State<AppState>,
    PagePath(id): PagePath<Uuid>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let lang = visitor.lang;
    let outcome = async {
        let body = composer_body(&form.fields, about::<K>(id), visitor.timezone)?;
        state.app.create::<Activities>(&visitor.actor, body, None).await.map(|_| ())
    }
    .await;
    match outcome {
        Ok(()) => Ok(redirect(&format!("{}/{id}#timeline", base::<K>()), false)),
        Err(AppError::Validation(errors)) => {
            let composer = Composer::from_fields(lang, &form.fields).with_errors(&errors, lang);
            let response =
                show_page::<K>(&state, visitor, id, composer, None, Asked::default(), None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
        }
        Err(other) => Err(PageError::from(other)),
    }
}

/// The one input of the record's form named `name`.
async fn single_field<K: KindPages>(
    state: &AppState,
    visitor: &Visitor,
    record: &K::Record,
    name: &str,
    typed: Option<&Fields>,
) -> Result<FormField, PageError> {
    let fields = form_fields::<K>(state, visitor, &K::form_json(record), typed).await?;
    fields.into_iter().find(|f| f.name == name).ok_or(PageError::from(AppError::NotFound))
}

async fn edit_field<K: KindPages>(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath((id, name)): PagePath<(Uuid, String)>,
) -> Result<Response, PageError> {
    let record = K::get(&state.app, &visitor.actor, id).await?;
    if !may_change::<K>(&visitor.actor, &record) {
        return Err(PageError::from(AppError::Forbidden("not yours to change")));
    }
    let mut field = single_field::<K>(&state, &visitor, &record, &name, None).await?;
    field.autofocus = true;
    Ok(render(&InlineEdit {
        page: Chrome::new(&visitor, section::<K>()),
        base: format!("{}/{id}", base::<K>()),
        name,
        version: K::version(&record),
        field,
        theirs: None,
    }))
}

async fn show_field<K: KindPages>(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath((id, name)): PagePath<(Uuid, String)>,
) -> Result<Response, PageError> {
    let record = K::get(&state.app, &visitor.actor, id).await?;
    prop_fragment::<K>(&state, &visitor, &record, &name).await
}

async fn prop_fragment<K: KindPages>(
    state: &AppState,
    visitor: &Visitor,
    record: &K::Record,
    name: &str,
) -> Result<Response, PageError> {
    let users = state.app.colleagues(&visitor.actor).await?;
    let prop = props::<K>(state, visitor, record, &users)
        .await?
        .into_iter()
        .find(|p| p.name == name)
        .ok_or(PageError::from(AppError::NotFound))?;
    let page = Chrome::new(visitor, section::<K>());
    let (head, _) = record_head::<K>(&state.app, &visitor.actor, &page, record).await?;
    Ok(render(&PropFragment {
        base: format!("{}/{}", base::<K>(), K::id(record)),
        prop,
        can_modify: may_change::<K>(&visitor.actor, record),
        head,
        page,
    }))
}

/// Saves one field edited in place; answers the new value, or the input again with its error.
async fn save_field<K: KindPages>(
    State(state): State<AppState>,
    PagePath((id, name)): PagePath<(Uuid, String)>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let lang = visitor.lang;
    let version = version_of(&form.fields);
    let current = K::get(&state.app, &visitor.actor, id).await?;
    let outcome = async {
        let body = form_body::<K>(&state, &visitor.actor, &form.fields, Some(&name), Some(&current)).await?;
        K::update(&state.app, &visitor.actor, id, &body, version).await
    }
    .await;
    match outcome {
        Ok(record) if visitor.htmx => prop_fragment::<K>(&state, visitor, &record, &name).await,
        Ok(_) => Ok(redirect(&format!("{}/{id}", base::<K>()), false)),
        Err(AppError::Validation(errors)) => {
            let field = single_field::<K>(&state, visitor, &current, &name, Some(&form.fields)).await?;
            let mut one = [field];
            let unplaced = place_errors(&mut one, &errors, lang, form_name);
            let [mut field] = one;
            if field.error.is_none() {
                field.error = unplaced.into_iter().next();
            }
            field.autofocus = true;
            let status = if visitor.htmx { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            let edit = InlineEdit {
                page: Chrome::new(visitor, section::<K>()),
                base: format!("{}/{id}", base::<K>()),
                name,
                version: version.unwrap_or(K::version(&current)),
                field,
                theirs: None,
            };
            // htmx swaps only successful answers, so the refused input comes back as a 200.
            Ok((status, render(&edit)).into_response())
        }
        Err(AppError::PreconditionFailed { .. } | AppError::Conflict(_)) if visitor.htmx => {
            // Someone saved this record since the form was drawn: say so, show their value
            // and keep what was typed, ready to be saved over theirs (at their version).
            let users = state.app.colleagues(&visitor.actor).await?;
            let theirs = props::<K>(&state, visitor, &current, &users)
                .await?
                .into_iter()
                .find(|p| p.name == name)
                .map(|p| p.text)
                .unwrap_or_default();
            let mut field = single_field::<K>(&state, visitor, &current, &name, Some(&form.fields)).await?;
            field.autofocus = true;
            let edit = InlineEdit {
                page: Chrome::new(visitor, section::<K>()),
                base: format!("{}/{id}", base::<K>()),
                name,
                version: K::version(&current),
                field,
                theirs: Some(if theirs.is_empty() { lang.t("empty-value") } else { theirs }),
            };
            Ok(render(&edit))
        }
        Err(other) => Err(PageError::from(other)),
    }
}
