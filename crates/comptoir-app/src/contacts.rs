//! Contact use cases.

use crate::changes::{Origin, record};
use crate::idempotency::{Once, settle};
use crate::input::{parse, patched};
use crate::users::check_version;
use crate::{App, AppError};
use comptoir_domain::ValidationErrors;
use comptoir_domain::audit::Action;
use comptoir_domain::companies::Company;
use comptoir_domain::contacts::{CompanySummary, Contact, ContactFields, ContactInput};
use comptoir_domain::ids::{ContactId, OperationId, UserId};
use comptoir_domain::kinds::RecordKind;
use comptoir_domain::listing::ListQuery;
use comptoir_domain::search::fold;
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_store::{Page, Tx};
use serde_json::Value;

impl App {
    pub async fn create_contact(
        &self,
        actor: &Actor,
        body: Value,
        once: Option<&Once>,
    ) -> Result<Contact, AppError> {
        if !actor.can_create_records() {
            return Err(AppError::Forbidden("read-only users cannot create contacts"));
        }
        let input: ContactInput = parse(body)?;
        let definitions = self.definitions(RecordKind::Contact).await?;
        let fields = input.validate(&definitions, actor.user_id)?;
        if !actor.can_assign_to(fields.owner_id) {
            return Err(AppError::Forbidden("only managers and admins give a contact to someone else"));
        }
        let company = self.check_references(&fields).await?;
        let at = now();
        let contact = Contact {
            id: ContactId::new(),
            version: 1,
            fields,
            company: company.as_ref().map(|c| CompanySummary { id: c.id, name: c.fields.name.clone() }),
            created_at: at,
            updated_at: at,
            last_activity_at: None,
        };
        let mut tx = self.db.begin().await?;
        comptoir_store::contacts::insert(&mut tx, &contact, &company_search(company.as_ref())).await?;
        record(
            &mut tx,
            Origin { actor: Some(actor), operation: None },
            Action::Create,
            RecordKind::Contact.into(),
            contact.id.0,
            None,
            Some(&contact.fields),
        )
        .await?;
        settle(&mut tx, actor, once, &contact).await?;
        tx.commit().await?;
        Ok(contact)
    }

    /// Every role reads every contact.
    pub async fn get_contact(&self, _actor: &Actor, id: ContactId) -> Result<Contact, AppError> {
        comptoir_store::contacts::get(&self.db, id).await?.ok_or(AppError::NotFound)
    }

    pub async fn list_contacts(&self, _actor: &Actor, query: &ListQuery) -> Result<Page<Contact>, AppError> {
        let definitions = self.definitions(RecordKind::Contact).await?;
        Ok(comptoir_store::contacts::list(&self.db, query, &definitions).await??)
    }

    /// Applies a JSON merge patch. `if_match` is the version the client last saw.
    pub async fn update_contact(
        &self,
        actor: &Actor,
        id: ContactId,
        patch: &Value,
        if_match: Option<i64>,
    ) -> Result<Contact, AppError> {
        let current = self.get_contact(actor, id).await?;
        let mut tx = self.db.begin().await?;
        self.change_contact(&mut tx, actor, &current, |input| patched(&input, patch), if_match, None).await?;
        tx.commit().await?;
        self.get_contact(actor, id).await
    }

    /// Replaces a contact's fields with `input`, inside `tx`: permission, validation, write,
    /// audit entry and event. `operation` names the bulk change this is one of.
    pub(crate) async fn change_contact(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        current: &Contact,
        edit: impl FnOnce(ContactInput) -> Result<ContactInput, ValidationErrors>,
        if_match: Option<i64>,
        operation: Option<OperationId>,
    ) -> Result<Contact, AppError> {
        if !actor.can_modify(current.fields.owner_id) {
            return Err(AppError::Forbidden("you may only change contacts you own"));
        }
        check_version(if_match, current.version)?;
        let definitions = self.definitions(RecordKind::Contact).await?;
        let fields = edit(current.fields.to_input())?.validate(&definitions, actor.user_id)?;
        if fields.owner_id != current.fields.owner_id && !actor.can_assign_to(fields.owner_id) {
            return Err(AppError::Forbidden("only managers and admins give a contact to someone else"));
        }
        let company_search =
            if fields.company_id == current.fields.company_id && fields.owner_id == current.fields.owner_id {
                // Neither reference moved: both were checked when set, and the database keeps
                // them (a deleted company clears them), so a bulk tag reads nothing more.
                current.company.as_ref().map(|c| fold(&c.name)).unwrap_or_default()
            } else {
                company_search(self.check_references(&fields).await?.as_ref())
            };
        let contact = Contact { version: current.version + 1, fields, updated_at: now(), ..current.clone() };
        comptoir_store::contacts::update(tx, &contact, current.version, &company_search)
            .await
            .map_err(|e| stale(e, if_match, current.version))?;
        let kind = RecordKind::Contact.into();
        record(
            tx,
            Origin { actor: Some(actor), operation },
            Action::Update,
            kind,
            current.id.0,
            Some(&current.fields),
            Some(&contact.fields),
        )
        .await?;
        Ok(contact)
    }

    pub async fn delete_contact(
        &self,
        actor: &Actor,
        id: ContactId,
        if_match: Option<i64>,
    ) -> Result<(), AppError> {
        let current = self.get_contact(actor, id).await?;
        let mut tx = self.db.begin().await?;
        self.remove_contact(&mut tx, actor, &current, if_match, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a contact inside `tx`, with its audit entry and event.
    pub(crate) async fn remove_contact(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        current: &Contact,
        if_match: Option<i64>,
        operation: Option<OperationId>,
    ) -> Result<(), AppError> {
        if !actor.can_modify(current.fields.owner_id) {
            return Err(AppError::Forbidden("you may only delete contacts you own"));
        }
        check_version(if_match, current.version)?;
        comptoir_store::contacts::delete(tx, current.id, current.version)
            .await
            .map_err(|e| stale(e, if_match, current.version))?;
        let kind = RecordKind::Contact.into();
        record(
            tx,
            Origin { actor: Some(actor), operation },
            Action::Delete,
            kind,
            current.id.0,
            Some(&current.fields),
            None,
        )
        .await?;
        Ok(())
    }

    /// Checks that the company and owner exist; returns the company.
    async fn check_references(&self, fields: &ContactFields) -> Result<Option<Company>, AppError> {
        let mut errors = ValidationErrors::new();
        let company = match fields.company_id {
            Some(id) => {
                let company = comptoir_store::companies::get(&self.db, id).await?;
                if company.is_none() {
                    errors.add("company_id", "is not a company");
                }
                company
            }
            None => None,
        };
        self.check_user_exists(fields.owner_id, "owner_id", &mut errors).await?;
        errors.into_result()?;
        Ok(company)
    }

    pub(crate) async fn check_user_exists(
        &self,
        user: Option<UserId>,
        field: &str,
        errors: &mut ValidationErrors,
    ) -> Result<(), AppError> {
        if let Some(user) = user
            && comptoir_store::users::get(&self.db, user).await?.is_none()
        {
            errors.add(field, "is not a user");
        }
        Ok(())
    }
}

/// The company's folded name, which its contacts are found by.
fn company_search(company: Option<&Company>) -> String {
    company.map(|c| fold(&c.fields.name)).unwrap_or_default()
}

/// A write that lost a race: with `If-Match` that is a failed precondition, without it a
/// conflict the client may retry.
pub(crate) fn stale(error: comptoir_store::StoreError, if_match: Option<i64>, version: i64) -> AppError {
    match (error, if_match) {
        (comptoir_store::StoreError::VersionConflict, Some(expected)) => {
            AppError::PreconditionFailed { expected, current: version + 1 }
        }
        (other, _) => other.into(),
    }
}
