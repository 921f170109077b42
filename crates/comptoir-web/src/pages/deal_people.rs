//! The people of a deal on its page: who weighs on it and their part, and the contacts what
//! was typed to add someone may mean. The forms that change them are in `deal_people_forms`.

use super::Chrome;
use super::session::Fields;
use comptoir_app::contacts::Contacts;
use comptoir_app::{App, AppError};
use comptoir_domain::ValidationErrors;
use comptoir_domain::contacts::{Contact, ContactSummary};
use comptoir_domain::deals::{Deal, DealRole};
use comptoir_domain::ids::ContactId;
use comptoir_domain::search::fold;
use comptoir_domain::users::Actor;
use serde_json::{Value, json};

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

/// What separates a contact's name from what tells them apart in [`told_apart`].
const APART: &str = " · ";

/// A contact's name with what tells them from namesakes: their address and company.
pub(super) fn told_apart(contact: &Contact) -> String {
    let mut text = contact.fields.display_name();
    if let Some(email) = contact.fields.primary_email() {
        text.push_str(&format!("{APART}{email}"));
    }
    if let Some(company) = &contact.company {
        text.push_str(&format!("{APART}{}", company.name));
    }
    text
}

/// Sets `contact_id` in a form's `body` from the contact typed in its `contact` field: the
/// `current` one left as the form showed it, a suggestion as offered (name, address,
/// company), or a name only one contact bears. Nothing typed takes the contact away.
pub async fn typed_contact(
    app: &App,
    actor: &Actor,
    fields: &Fields,
    only: Option<&str>,
    body: &mut Value,
    current: Option<&ContactSummary>,
) -> Result<(), AppError> {
    if only.is_some_and(|o| o != "contact") {
        return Ok(());
    }
    let id = match (fields.text("contact"), current) {
        // A namesake found since must not stop the rest of the form from being saved.
        (Some(typed), Some(current)) if typed.trim() == current.name => Some(current.id),
        (Some(typed), _) => Some(contact_typed(app, actor, &typed).await?),
        (None, _) => None,
    };
    if let Some(object) = body.as_object_mut() {
        object.insert("contact_id".to_owned(), json!(id));
    }
    Ok(())
}

async fn contact_typed(app: &App, actor: &Actor, typed: &str) -> Result<ContactId, AppError> {
    let name = typed.split(APART).next().unwrap_or(typed).trim();
    let found = candidates(app, actor, name).await?;
    if let Some(picked) = found.iter().find(|c| told_apart(c) == typed.trim()) {
        return Ok(picked.id);
    }
    let named: Vec<&Contact> =
        found.iter().filter(|c| fold(&c.fields.display_name()) == fold(name)).collect();
    match named.as_slice() {
        [one] => Ok(one.id),
        [] => Err(ValidationErrors::single("contact", "no contact has this name").into()),
        _ => Err(ValidationErrors::single(
            "contact",
            "several contacts have this name; pick one from the list",
        )
        .into()),
    }
}

/// The contacts `who` (a name, an address, a number) may mean.
pub(super) async fn candidates(app: &App, actor: &Actor, who: &str) -> Result<Vec<Contact>, AppError> {
    let query = super::list_query(&[("q", who.trim().to_owned()), ("limit", CHOICES.to_string())])?;
    Ok(app.list::<Contacts>(actor, &query).await?.data)
}
