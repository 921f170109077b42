//! Contact use cases.

use crate::changes::record;
use crate::input::{parse, patched};
use crate::users::check_version;
use crate::{App, AppError};
use comptoir_domain::ValidationErrors;
use comptoir_domain::audit::Action;
use comptoir_domain::contacts::{Contact, ContactFields, ContactInput};
use comptoir_domain::custom_fields::ObjectType;
use comptoir_domain::ids::{CompanyId, ContactId, UserId};
use comptoir_domain::listing::ListQuery;
use comptoir_domain::search::fold;
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_store::Page;
use serde_json::Value;

impl App {
    pub async fn create_contact(&self, actor: &Actor, body: Value) -> Result<Contact, AppError> {
        if !actor.can_create_records() {
            return Err(AppError::Forbidden("read-only users cannot create contacts"));
        }
        let input: ContactInput = parse(body)?;
        let definitions = self.definitions(ObjectType::Contact).await?;
        let fields = input.validate(&definitions, actor.user_id)?;
        if !actor.can_assign_to(fields.owner_id) {
            return Err(AppError::Forbidden("only managers and admins give a contact to someone else"));
        }
        let company_search = self.check_references(&fields).await?;
        let at = now();
        let contact = Contact {
            id: ContactId::new(),
            version: 1,
            fields,
            company: None,
            created_at: at,
            updated_at: at,
            last_activity_at: None,
        };
        let mut tx = self.db.begin().await?;
        comptoir_store::contacts::insert(&mut tx, &contact, &company_search).await?;
        record(&mut tx, Some(actor), Action::Create, "contact", contact.id.0, None, Some(&contact.fields))
            .await?;
        tx.commit().await?;
        self.get_contact(actor, contact.id).await
    }

    /// Every role reads every contact.
    pub async fn get_contact(&self, _actor: &Actor, id: ContactId) -> Result<Contact, AppError> {
        comptoir_store::contacts::get(&self.db, id).await?.ok_or(AppError::NotFound)
    }

    pub async fn list_contacts(&self, _actor: &Actor, query: &ListQuery) -> Result<Page<Contact>, AppError> {
        let definitions = self.definitions(ObjectType::Contact).await?;
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
        if !actor.can_modify(current.fields.owner_id) {
            return Err(AppError::Forbidden("you may only change contacts you own"));
        }
        check_version(if_match, current.version)?;
        let definitions = self.definitions(ObjectType::Contact).await?;
        let fields = patched(&current.fields.to_input(), patch)?.validate(&definitions, actor.user_id)?;
        if fields.owner_id != current.fields.owner_id && !actor.can_assign_to(fields.owner_id) {
            return Err(AppError::Forbidden("only managers and admins give a contact to someone else"));
        }
        let company_search = self.check_references(&fields).await?;
        let contact = Contact { version: current.version + 1, fields, updated_at: now(), ..current.clone() };
        let mut tx = self.db.begin().await?;
        comptoir_store::contacts::update(&mut tx, &contact, current.version, &company_search)
            .await
            .map_err(|e| stale(e, if_match, current.version))?;
        record(
            &mut tx,
            Some(actor),
            Action::Update,
            "contact",
            id.0,
            Some(&current.fields),
            Some(&contact.fields),
        )
        .await?;
        tx.commit().await?;
        self.get_contact(actor, id).await
    }

    pub async fn delete_contact(
        &self,
        actor: &Actor,
        id: ContactId,
        if_match: Option<i64>,
    ) -> Result<(), AppError> {
        let current = self.get_contact(actor, id).await?;
        if !actor.can_modify(current.fields.owner_id) {
            return Err(AppError::Forbidden("you may only delete contacts you own"));
        }
        check_version(if_match, current.version)?;
        let mut tx = self.db.begin().await?;
        comptoir_store::contacts::delete(&mut tx, id, current.version)
            .await
            .map_err(|e| stale(e, if_match, current.version))?;
        record(&mut tx, Some(actor), Action::Delete, "contact", id.0, Some(&current.fields), None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Checks that the company and owner exist; returns the company's folded name, which the
    /// contact is found by.
    async fn check_references(&self, fields: &ContactFields) -> Result<String, AppError> {
        let mut errors = ValidationErrors::new();
        let company_search = match fields.company_id {
            Some(id) => self.company_search_text(id, &mut errors).await?,
            None => String::new(),
        };
        self.check_user_exists(fields.owner_id, "owner_id", &mut errors).await?;
        errors.into_result()?;
        Ok(company_search)
    }

    pub(crate) async fn company_search_text(
        &self,
        id: CompanyId,
        errors: &mut ValidationErrors,
    ) -> Result<String, AppError> {
        match comptoir_store::companies::get(&self.db, id).await? {
            Some(company) => Ok(fold(&company.fields.name)),
            None => {
                errors.add("company_id", "is not a company");
                Ok(String::new())
            }
        }
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
