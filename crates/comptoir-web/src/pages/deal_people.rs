//! The people of a deal on its page: who weighs on it and their part, someone added by name
//! or address (a choice when several contacts answer), someone taken off. Each change is an
//! edit of the deal's `contacts`, so its rules and its version check hold.

use super::errors::PageError;
use super::path::PagePath;
use super::record_pages::{Asked, show_page};
use super::records::version_of;
use super::session::{Fields, Submission, Visitor};
use super::{Chrome, redirect};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use comptoir_app::contacts::Contacts;
use comptoir_app::deals::Deals;
use comptoir_app::{App, AppError};
use comptoir_domain::contacts::Contact;
use comptoir_domain::deals::{Deal, DealContact, DealRole};
use comptoir_domain::ids::{ContactId, DealId};
use comptoir_domain::users::Actor;
use serde_json::json;
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new().route("/deals/{id}/people", post(add)).route("/deals/{id}/people/remove", post(remove))
}

/// How many contacts the page offers to choose from when a name is not enough.
const CHOICES: u32 = 8;

/// What the visitor typed in the form that adds someone, when the page answers it.
#[derive(Clone, Debug, Default)]
pub struct TypedPerson {
    pub who: Option<String>,
    pub role: Option<String>,
    /// Why the deal refused the change.
    pub error: Option<String>,
}

/// Someone on the deal, as its page lists them.
pub struct PersonLine {
    pub id: ContactId,
    pub href: String,
    pub name: String,
    pub role: String,
}

/// The section of a deal's page that lists its people and adds one.
pub struct People {
    pub lines: Vec<PersonLine>,
    /// `(value, label, chosen)` of each part someone can play.
    pub roles: Vec<(String, String, bool)>,
    pub who: String,
    /// `(contact id, how they are told apart)` when what was typed names several contacts.
    pub choices: Vec<(String, String)>,
    pub error: Option<String>,
}

/// The label of a part on the deal, in the visitor's language.
pub fn role_label(page: &Chrome, role: DealRole) -> String {
    page.t(&format!("deal-role-{}", role.as_str()))
}

/// The people section of `deal`'s page; `typed` is what the add form sent, answered here: the
/// contacts it may mean, or that none does.
pub async fn section(
    app: &App,
    actor: &Actor,
    page: &Chrome,
    deal: &Deal,
    typed: &TypedPerson,
) -> Result<People, AppError> {
    let lines = deal
        .fields
        .contacts
        .iter()
        .zip(&deal.people)
        .map(|(person, named)| PersonLine {
            id: person.contact_id,
            href: format!("/contacts/{}", person.contact_id),
            name: named.name.clone(),
            role: role_label(page, person.role),
        })
        .collect();
    let chosen = typed.role.as_deref().and_then(DealRole::parse).unwrap_or_default();
    let roles = DealRole::ALL
        .into_iter()
        .map(|role| (role.as_str().to_owned(), role_label(page, role), role == chosen))
        .collect();
    let who = typed.who.clone().unwrap_or_default();
    let mut choices = Vec::new();
    let mut error = typed.error.clone();
    if error.is_none() && !who.trim().is_empty() {
        let found = candidates(app, actor, &who).await?;
        if found.is_empty() {
            error = Some(page.t1("deal-person-none", "who", who.trim()));
        }
        choices = found.iter().map(|c| (c.id.to_string(), told_apart(c))).collect();
    }
    Ok(People { lines, roles, who, choices, error })
}

/// A contact's name with what tells them from namesakes: their address and company.
fn told_apart(contact: &Contact) -> String {
    let mut text = contact.fields.display_name();
    if let Some(email) = contact.fields.primary_email() {
        text.push_str(&format!(" · {email}"));
    }
    if let Some(company) = &contact.company {
        text.push_str(&format!(" · {}", company.name));
    }
    text
}

/// The contacts `who` (a name, an address, a number) may mean.
async fn candidates(app: &App, actor: &Actor, who: &str) -> Result<Vec<Contact>, AppError> {
    let query = super::list_query(&[("q", who.trim().to_owned()), ("limit", CHOICES.to_string())])?;
    Ok(app.list::<Contacts>(actor, &query).await?.data)
}

/// Adds someone to the deal, or gives them another part when they are on it: the contact
/// chosen, or the only one what was typed names. Otherwise the page asks which.
async fn add(
    State(state): State<AppState>,
    PagePath(id): PagePath<Uuid>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let typed = TypedPerson { who: form.fields.text("who"), role: form.fields.text("role"), error: None };
    let role = typed.role.as_deref().and_then(DealRole::parse).unwrap_or_default();
    let chosen = form.fields.text("contact_id").and_then(|c| c.parse::<Uuid>().ok()).map(ContactId);
    let contact = match chosen {
        Some(contact) => contact,
        None => {
            let who = typed.who.as_deref().unwrap_or_default();
            let found = if who.trim().is_empty() {
                Vec::new()
            } else {
                candidates(&state.app, &visitor.actor, who).await?
            };
            match found.as_slice() {
                [only] => only.id,
                _ => return answer(&state, visitor, id, typed, StatusCode::OK).await,
            }
        }
    };
    let deal = state.app.get::<Deals>(&visitor.actor, DealId(id)).await?;
    let mut people = deal.fields.contacts.clone();
    match people.iter_mut().find(|p| p.contact_id == contact) {
        Some(person) => person.role = role,
        None => people.push(DealContact { contact_id: contact, role }),
    }
    change(&state, visitor, id, &form.fields, people, typed).await
}

/// Takes someone off the deal.
async fn remove(
    State(state): State<AppState>,
    PagePath(id): PagePath<Uuid>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let gone = form.fields.text("contact_id").and_then(|c| c.parse::<Uuid>().ok()).map(ContactId);
    let deal = state.app.get::<Deals>(&visitor.actor, DealId(id)).await?;
    let people: Vec<DealContact> =
        deal.fields.contacts.iter().filter(|p| Some(p.contact_id) != gone).copied().collect();
    change(&state, visitor, id, &form.fields, people, TypedPerson::default()).await
}

/// Saves `people` as the deal's, from the version the form showed; a refusal shows the page
/// again with why.
async fn change(
    state: &AppState,
    visitor: &Visitor,
    id: Uuid,
    fields: &Fields,
    people: Vec<DealContact>,
    mut typed: TypedPerson,
) -> Result<Response, PageError> {
    let patch = json!({ "contacts": people });
    match state.app.update::<Deals>(&visitor.actor, DealId(id), &patch, version_of(fields)).await {
        Ok(_) => Ok(redirect(&format!("/deals/{id}#people"), false)),
        Err(AppError::Validation(errors)) => {
            let messages: Vec<String> = errors.0.iter().map(|e| visitor.lang.message(&e.message)).collect();
            typed.error = Some(messages.join(" "));
            answer(state, visitor, id, typed, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(AppError::PreconditionFailed { .. }) => {
            typed.error = Some(visitor.lang.t("deal-person-stale"));
            answer(state, visitor, id, typed, StatusCode::CONFLICT).await
        }
        Err(other) => Err(other.into()),
    }
}

/// The deal's page, its people section answering what was typed.
async fn answer(
    state: &AppState,
    visitor: &Visitor,
    id: Uuid,
    person: TypedPerson,
    status: StatusCode,
) -> Result<Response, PageError> {
    let composer = super::activities::Composer::empty(visitor.lang);
    let asked = Asked { person, ..Asked::default() };
    let page = show_page::<super::deals::Deals>(state, visitor, id, composer, None, asked, None).await?;
    Ok((status, page).into_response())
}
