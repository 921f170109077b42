//! Contacts: people the company has a relationship with.

use crate::bulk::BulkKind;
use crate::kind::{Kind, Refusals};
use crate::{App, AppError};
use chrono::{DateTime, Utc};
use comptoir_domain::ValidationErrors;
use comptoir_domain::contacts::{CompanySummary, Contact, ContactFields, ContactInput};
use comptoir_domain::ids::{ContactId, UserId};
use comptoir_domain::kinds::{ObjectType, RecordKind};
use comptoir_domain::listing::{Count, ListQuery, Page};
use comptoir_domain::search::fold;
use comptoir_domain::users::Actor;
use comptoir_store::{StoreError, Tx};

pub struct Contacts;

impl Kind for Contacts {
    type Id = ContactId;
    type Record = Contact;
    type Fields = ContactFields;
    type Input = ContactInput;
    /// The company the contact works for, as the contact shows it.
    type Refs = Option<CompanySummary>;

    const OBJECT: ObjectType = ObjectType::Record(RecordKind::Contact);
    const REFUSALS: Refusals = Refusals {
        create: "read-only users cannot create contacts",
        change: "you may only change contacts you own",
        delete: "you may only delete contacts you own",
        give: "only managers and admins give a contact to someone else",
    };

    fn id(contact: &Contact) -> ContactId {
        contact.id
    }
    fn version(contact: &Contact) -> i64 {
        contact.version
    }
    fn fields(contact: &Contact) -> &ContactFields {
        &contact.fields
    }
    fn owner(fields: &ContactFields) -> Option<UserId> {
        fields.owner_id
    }
    fn input(fields: &ContactFields) -> ContactInput {
        fields.to_input()
    }

    async fn validate(
        app: &App,
        actor: &Actor,
        input: ContactInput,
        _current: Option<&Contact>,
        _at: DateTime<Utc>,
    ) -> Result<ContactFields, AppError> {
        let definitions = app.definitions(RecordKind::Contact).await?;
        Ok(input.validate(&definitions, actor.user_id)?)
    }

    async fn references(
        app: &App,
        current: Option<&Contact>,
        fields: &ContactFields,
    ) -> Result<Option<CompanySummary>, AppError> {
        if let Some(current) = current
            && fields.company_id == current.fields.company_id
            && fields.owner_id == current.fields.owner_id
        {
            // Neither reference moved: both were checked when set, and the database keeps
            // them (a deleted company clears them), so a bulk tag reads nothing more.
            return Ok(current.company.clone());
        }
        let mut errors = ValidationErrors::new();
        let company = match fields.company_id {
            Some(id) => {
                let company = comptoir_store::companies::get(&app.db, id).await?;
                if company.is_none() {
                    errors.add("company_id", "is not a company");
                }
                company
            }
            None => None,
        };
        app.check_user_exists(fields.owner_id, "owner_id", &mut errors).await?;
        errors.into_result()?;
        Ok(company.map(|c| CompanySummary { id: c.id, name: c.fields.name }))
    }

    fn build(
        current: Option<&Contact>,
        fields: ContactFields,
        company: Option<CompanySummary>,
        at: DateTime<Utc>,
    ) -> Contact {
        match current {
            Some(current) => {
                Contact { version: current.version + 1, fields, company, updated_at: at, ..current.clone() }
            }
            None => Contact {
                id: ContactId::new(),
                version: 1,
                fields,
                company,
                created_at: at,
                updated_at: at,
                last_activity_at: None,
            },
        }
    }

    async fn fetch(app: &App, id: ContactId) -> Result<Option<Contact>, AppError> {
        Ok(comptoir_store::contacts::get(&app.db, id).await?)
    }

    async fn page(app: &App, query: &ListQuery) -> Result<Page<Contact>, AppError> {
        let definitions = app.definitions(RecordKind::Contact).await?;
        Ok(comptoir_store::contacts::list(&app.db, query, &definitions).await??)
    }

    async fn count(app: &App, query: &ListQuery) -> Result<Count, AppError> {
        let definitions = app.definitions(RecordKind::Contact).await?;
        Ok(comptoir_store::contacts::count_matching(&app.db, query, &definitions).await??)
    }

    async fn insert(tx: &mut Tx, contact: &Contact) -> Result<(), StoreError> {
        comptoir_store::contacts::insert(tx, contact, &company_search(contact)).await
    }

    async fn update(tx: &mut Tx, before: &Contact, after: &Contact) -> Result<(), StoreError> {
        comptoir_store::contacts::update(tx, after, before.version, &company_search(after)).await
    }

    async fn delete(tx: &mut Tx, contact: &Contact) -> Result<(), StoreError> {
        comptoir_store::contacts::delete(tx, contact.id, contact.version).await
    }
}

impl BulkKind for Contacts {
    const KIND: RecordKind = RecordKind::Contact;

    fn owner_mut(input: &mut ContactInput) -> &mut Option<UserId> {
        &mut input.owner_id
    }
    fn tags_mut(input: &mut ContactInput) -> &mut Vec<String> {
        &mut input.tags
    }
}

/// The company's folded name, which its contacts are found by.
pub(crate) fn company_search(contact: &Contact) -> String {
    contact.company.as_ref().map(|c| fold(&c.name)).unwrap_or_default()
}
