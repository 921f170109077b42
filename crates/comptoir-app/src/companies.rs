//! Company use cases.

use crate::changes::record;
use crate::contacts::stale;
use crate::idempotency::{Once, settle};
use crate::input::{parse, patched};
use crate::users::check_version;
use crate::{App, AppError};
use comptoir_domain::ValidationErrors;
use comptoir_domain::audit::Action;
use comptoir_domain::companies::{Company, CompanyInput};
use comptoir_domain::custom_fields::ObjectType;
use comptoir_domain::ids::CompanyId;
use comptoir_domain::listing::ListQuery;
use comptoir_domain::search::fold;
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_store::Page;
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
        let definitions = self.definitions(ObjectType::Company).await?;
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
        record(&mut tx, Some(actor), Action::Create, "company", company.id.0, None, Some(&company.fields))
            .await?;
        settle(&mut tx, actor, once, &company).await?;
        tx.commit().await?;
        Ok(company)
    }

    pub async fn get_company(&self, _actor: &Actor, id: CompanyId) -> Result<Company, AppError> {
        comptoir_store::companies::get(&self.db, id).await?.ok_or(AppError::NotFound)
    }

    pub async fn list_companies(&self, _actor: &Actor, query: &ListQuery) -> Result<Page<Company>, AppError> {
        let definitions = self.definitions(ObjectType::Company).await?;
        Ok(comptoir_store::companies::list(&self.db, query, &definitions).await??)
    }

    pub async fn update_company(
        &self,
        actor: &Actor,
        id: CompanyId,
        patch: &Value,
        if_match: Option<i64>,
    ) -> Result<Company, AppError> {
        let current = self.get_company(actor, id).await?;
        if !actor.can_modify(current.fields.owner_id) {
            return Err(AppError::Forbidden("you may only change companies you own"));
        }
        check_version(if_match, current.version)?;
        let definitions = self.definitions(ObjectType::Company).await?;
        let fields = patched(&current.fields.to_input(), patch)?.validate(&definitions, actor.user_id)?;
        if fields.owner_id != current.fields.owner_id && !actor.can_assign_to(fields.owner_id) {
            return Err(AppError::Forbidden("only managers and admins give a company to someone else"));
        }
        let mut errors = ValidationErrors::new();
        self.check_user_exists(fields.owner_id, "owner_id", &mut errors).await?;
        errors.into_result()?;
        let company = Company { version: current.version + 1, fields, updated_at: now(), ..current.clone() };
        let mut tx = self.db.begin().await?;
        comptoir_store::companies::update(&mut tx, &company, current.version)
            .await
            .map_err(|e| stale(e, if_match, current.version))?;
        if company.fields.name != current.fields.name {
            comptoir_store::contacts::set_company_search(&mut tx, id, &fold(&company.fields.name)).await?;
        }
        record(
            &mut tx,
            Some(actor),
            Action::Update,
            "company",
            id.0,
            Some(&current.fields),
            Some(&company.fields),
        )
        .await?;
        tx.commit().await?;
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
        if !actor.can_modify(current.fields.owner_id) {
            return Err(AppError::Forbidden("you may only delete companies you own"));
        }
        check_version(if_match, current.version)?;
        let mut tx = self.db.begin().await?;
        comptoir_store::contacts::set_company_search(&mut tx, id, "").await?;
        comptoir_store::companies::delete(&mut tx, id, current.version)
            .await
            .map_err(|e| stale(e, if_match, current.version))?;
        record(&mut tx, Some(actor), Action::Delete, "company", id.0, Some(&current.fields), None).await?;
        tx.commit().await?;
        Ok(())
    }
}
