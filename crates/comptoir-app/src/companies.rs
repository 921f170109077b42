//! Company use cases.

use crate::changes::{Origin, record};
use crate::contacts::stale;
use crate::idempotency::{Once, settle};
use crate::input::{parse, patched};
use crate::users::check_version;
use crate::{App, AppError};
use comptoir_domain::ValidationErrors;
use comptoir_domain::audit::Action;
use comptoir_domain::companies::{Company, CompanyInput};
use comptoir_domain::ids::{CompanyId, OperationId};
use comptoir_domain::kinds::RecordKind;
use comptoir_domain::listing::ListQuery;
use comptoir_domain::search::fold;
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_store::{Page, Tx};
use serde_json::Value;

impl App {
    pub async fn create_company(
        &self,
        actor: &Actor,
        body: Value,
        once: Option<&Once>,
    ) -> Result<Company, AppError> {
        if !actor.can_create_records() {
            return Err(AppError::Forbidden("read-only users cannot create companies"));
        }
        let input: CompanyInput = parse(body)?;
        let definitions = self.definitions(RecordKind::Company).await?;
        let fields = input.validate(&definitions, actor.user_id)?;
        if !actor.can_assign_to(fields.owner_id) {
            return Err(AppError::Forbidden("only managers and admins give a company to someone else"));
        }
        let mut errors = ValidationErrors::new();
        self.check_user_exists(fields.owner_id, "owner_id", &mut errors).await?;
        errors.into_result()?;
        let at = now();
        let company = Company { id: CompanyId::new(), version: 1, fields, created_at: at, updated_at: at };
        let mut tx = self.db.begin().await?;
        comptoir_store::companies::insert(&mut tx, &company).await?;
        record(
            &mut tx,
            Origin { actor: Some(actor), operation: None },
            Action::Create,
            RecordKind::Company.into(),
            company.id.0,
            None,
            Some(&company.fields),
        )
        .await?;
        settle(&mut tx, actor, once, &company).await?;
        tx.commit().await?;
        Ok(company)
    }

    pub async fn get_company(&self, _actor: &Actor, id: CompanyId) -> Result<Company, AppError> {
        comptoir_store::companies::get(&self.db, id).await?.ok_or(AppError::NotFound)
    }

    pub async fn list_companies(&self, _actor: &Actor, query: &ListQuery) -> Result<Page<Company>, AppError> {
        let definitions = self.definitions(RecordKind::Company).await?;
        Ok(comptoir_store::companies::list(&self.db, query, &definitions).await??)
    }

    /// The one company a name designates, as a form where the company is typed by name needs
    /// it; a name that matches none or several is refused on `field`.
    pub async fn company_by_name(
        &self,
        actor: &Actor,
        name: &str,
        field: &str,
    ) -> Result<CompanyId, AppError> {
        let pairs = [("filter[name]".to_owned(), name.to_owned()), ("limit".to_owned(), "2".to_owned())];
        let found = self.list_companies(actor, &ListQuery::parse(&pairs, &[])?).await?;
        match found.data.as_slice() {
            [one] => Ok(one.id),
            [] => Err(ValidationErrors::single(field, "no company has this name").into()),
            _ => Err(ValidationErrors::single(
                field,
                "several companies have this name; pick one from the list",
            )
            .into()),
        }
    }

    pub async fn update_company(
        &self,
        actor: &Actor,
        id: CompanyId,
        patch: &Value,
        if_match: Option<i64>,
    ) -> Result<Company, AppError> {
        let current = self.get_company(actor, id).await?;
        let mut tx = self.db.begin().await?;
        let company = self
            .change_company(&mut tx, actor, &current, |input| patched(&input, patch), if_match, None)
            .await?;
        tx.commit().await?;
        Ok(company)
    }

    /// Replaces a company's fields with `input`, inside `tx`: permission, validation, write
    /// (with its contacts' search text when the name changes), audit entry and event.
    pub(crate) async fn change_company(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        current: &Company,
        edit: impl FnOnce(CompanyInput) -> Result<CompanyInput, ValidationErrors>,
        if_match: Option<i64>,
        operation: Option<OperationId>,
    ) -> Result<Company, AppError> {
        if !actor.can_modify(current.fields.owner_id) {
            return Err(AppError::Forbidden("you may only change companies you own"));
        }
        check_version(if_match, current.version)?;
        let definitions = self.definitions(RecordKind::Company).await?;
        let fields = edit(current.fields.to_input())?.validate(&definitions, actor.user_id)?;
        if fields.owner_id != current.fields.owner_id && !actor.can_assign_to(fields.owner_id) {
            return Err(AppError::Forbidden("only managers and admins give a company to someone else"));
        }
        let mut errors = ValidationErrors::new();
        self.check_user_exists(fields.owner_id, "owner_id", &mut errors).await?;
        errors.into_result()?;
        let company = Company { version: current.version + 1, fields, updated_at: now(), ..current.clone() };
        comptoir_store::companies::update(tx, &company, current.version)
            .await
            .map_err(|e| stale(e, if_match, current.version))?;
        if company.fields.name != current.fields.name {
            comptoir_store::contacts::set_company_search(tx, current.id, &fold(&company.fields.name)).await?;
        }
        let kind = RecordKind::Company.into();
        record(
            tx,
            Origin { actor: Some(actor), operation },
            Action::Update,
            kind,
            current.id.0,
            Some(&current.fields),
            Some(&company.fields),
        )
        .await?;
        Ok(company)
    }

    /// Deletes a company; its contacts stay, without a company.
    pub async fn delete_company(
        &self,
        actor: &Actor,
        id: CompanyId,
        if_match: Option<i64>,
    ) -> Result<(), AppError> {
        let current = self.get_company(actor, id).await?;
        let mut tx = self.db.begin().await?;
        self.remove_company(&mut tx, actor, &current, if_match, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a company inside `tx`, with its audit entry and event.
    pub(crate) async fn remove_company(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        current: &Company,
        if_match: Option<i64>,
        operation: Option<OperationId>,
    ) -> Result<(), AppError> {
        if !actor.can_modify(current.fields.owner_id) {
            return Err(AppError::Forbidden("you may only delete companies you own"));
        }
        check_version(if_match, current.version)?;
        comptoir_store::contacts::set_company_search(tx, current.id, "").await?;
        comptoir_store::companies::delete(tx, current.id, current.version)
            .await
            .map_err(|e| stale(e, if_match, current.version))?;
        let kind = RecordKind::Company.into();
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
}
