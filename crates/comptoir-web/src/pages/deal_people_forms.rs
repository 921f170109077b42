//! The forms that change a deal's people from its page: someone added by name or address (a
//! choice when several contacts answer), someone taken off. Each change is an edit of the
//! deal's `contacts`, so its rules and its version check hold.

use super::deal_people::{TypedPerson, candidates};
use super::errors::PageError;
use super::path::PagePath;
use super::record_pages::{Asked, show_page};
use super::records::version_of;
use super::redirect;
use super::session::{Fields, Submission, Visitor};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use comptoir_app::AppError;
use comptoir_app::deals::Deals;
use comptoir_domain::deals::{DealContact, DealRole};
use comptoir_domain::ids::{ContactId, DealId};
use serde_json::json;
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new().route("/deals/{id}/people", post(add)).route("/deals/{id}/people/remove", post(remove))
}

/// Adds someone to the deal, or gives them another part when they are on it: the contact
/// chosen, or the only one what was typed names. Otherwise the page asks which.
async fn add(
    State(state): State<AppState>,
    PagePath(id): PagePath<Uuid>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let mut typed = TypedPerson { who: form.fields.text("who"), role: form.fields.text("role"), error: None };
    let role = typed.role.as_deref().and_then(DealRole::parse).unwrap_or_default();
    let chosen = form.fields.text("contact_id").and_then(|c| c.parse::<Uuid>().ok()).map(ContactId);
    let contact = match chosen {
        Some(contact) => contact,
        None => {
            let who = typed.who.clone().unwrap_or_default();
            if who.trim().is_empty() {
                typed.error = Some(visitor.lang.t("deal-person-needs-who"));
                return answer(&state, visitor, id, typed, StatusCode::UNPROCESSABLE_ENTITY).await;
            }
            match candidates(&state.app, &visitor.actor, &who).await?.as_slice() {
                [only] => only.id,
                // The page names the contacts it may mean, or says that none does.
                [] => return answer(&state, visitor, id, typed, StatusCode::UNPROCESSABLE_ENTITY).await,
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
