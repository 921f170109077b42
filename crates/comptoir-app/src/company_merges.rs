//! Merging one company into another, and undoing it, as contacts are merged (`merges`): one
//! operation whose id is on the survivor's change, every record moved to it (its contacts,
//! activities, deals, quotes, orders and tickets) and the merged company's deletion; the
//! merge row keeps the merged company as it was, so the whole can be put back.

use crate::changes::{Origin, announce};
use crate::companies::Companies;
use crate::imports::Step;
use crate::kind::Kind;
use crate::merges::{Moves, move_all, move_back};
use crate::{App, AppError};
use comptoir_domain::ValidationErrors;
use comptoir_domain::companies::Company;
use comptoir_domain::company_merges::{
    CompanyMerge, CompanyMergeRequest, CompanyPair, merged_company_fields,
};
use comptoir_domain::ids::OperationId;
use comptoir_domain::kinds::{Milestone, ObjectType, RecordKind};
use comptoir_domain::search::fold;
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_store::duplicates::CompanyLinkedTable;
use serde_json::json;

const COMPANY: ObjectType = ObjectType::Record(RecordKind::Company);

impl Moves for CompanyLinkedTable {
    fn object(self) -> ObjectType {
        match self {
            CompanyLinkedTable::Contacts => ObjectType::Record(RecordKind::Contact),
            CompanyLinkedTable::Activities => ObjectType::Activity,
            CompanyLinkedTable::Deals => ObjectType::Record(RecordKind::Deal),
            CompanyLinkedTable::Quotes => ObjectType::Quote,
            CompanyLinkedTable::Orders => ObjectType::Order,
            CompanyLinkedTable::Tickets => ObjectType::Record(RecordKind::Ticket),
        }
    }
}

impl App {
    /// Merges `request.merged_id` into `request.survivor_id`: the survivor takes the chosen
    /// values, every record of the merged company moves to it, and the merged company goes.
    pub async fn merge_companies(
        &self,
        actor: &Actor,
        request: &CompanyMergeRequest,
    ) -> Result<CompanyMerge, AppError> {
        if request.survivor_id == request.merged_id {
            let mut errors = ValidationErrors::new();
            errors.add("merged_id", "is the survivor itself");
            return Err(errors.into());
        }
        let survivor = self.get::<Companies>(actor, request.survivor_id).await?;
        let merged = self.get::<Companies>(actor, request.merged_id).await?;
        if !actor.can_modify(merged.fields.owner_id) {
            return Err(AppError::Forbidden(Companies::REFUSALS.delete));
        }
        let input = merged_company_fields(&survivor.fields, &merged.fields, &request.take_from_merged);
        let changed = self.prepare_change::<Companies>(actor, &survivor, |_| Ok(input), None).await?;
        let merged_record = serde_json::to_value(&merged).map_err(|e| AppError::Internal(e.to_string()))?;
        let operation = OperationId::new();
        let origin = Origin { actor: Some(actor), operation: Some(operation) };
        let at = now();

        let mut tx = self.db.begin().await?;
        let moved = move_all::<CompanyLinkedTable>(&mut tx, origin, merged.id.0, survivor.id.0, at).await?;
        self.store_change::<Companies>(&mut tx, actor, &survivor, &changed, None, Some(operation)).await?;
        // The contacts that came are found by the survivor's name from now on.
        comptoir_store::contacts::set_company_search(&mut tx, survivor.id, &fold(&changed.fields.name))
            .await?;
        comptoir_store::duplicates::hand_pairs_over::<CompanyPair>(&mut tx, merged.id.0, survivor.id.0)
            .await?;
        comptoir_store::duplicates::forget_pairs_of::<CompanyPair>(&mut tx, merged.id.0).await?;
        self.remove::<Companies>(&mut tx, actor, &merged, None, Some(operation)).await?;
        let merge = CompanyMerge {
            id: operation,
            survivor_id: survivor.id,
            merged_id: merged.id,
            merged_record,
            moved,
            merged_by: Some(actor.user_id),
            merged_at: at,
            undone_at: None,
            survivor_left_alone: false,
        };
        comptoir_store::duplicates::insert_merge(&mut tx, &merge).await?;
        let payload = json!({ "merged_id": merged.id });
        announce(&mut tx, origin, COMPANY, survivor.id.0, Milestone::Merged, payload).await?;
        tx.commit().await?;
        Ok(merge)
    }

    pub async fn company_merge(&self, _actor: &Actor, id: OperationId) -> Result<CompanyMerge, AppError> {
        comptoir_store::duplicates::get_merge(&self.db, id).await?.ok_or(AppError::NotFound)
    }

    /// Puts a merge of companies back: the merged company returns as it was, with the records
    /// that moved (those still on the survivor), and the survivor gets its earlier values back
    /// unless it changed since, in which case it keeps them and the merge says so.
    pub async fn undo_company_merge(&self, actor: &Actor, id: OperationId) -> Result<CompanyMerge, AppError> {
        let mut merge = self.company_merge(actor, id).await?;
        if merge.merged_by != Some(actor.user_id) && !actor.is_admin() {
            return Err(AppError::Forbidden("only whoever merged two companies, or an admin, undoes it"));
        }
        if merge.undone_at.is_some() {
            return Err(AppError::Conflict("the merge is already undone".to_owned()));
        }
        let restored = self.restorable_company(actor, &merge).await?;
        let survivor_step =
            self.survivor_step::<Companies>(actor, COMPANY, merge.survivor_id.0, merge.id).await?;
        let undo = OperationId::new();
        let origin = Origin { actor: Some(actor), operation: Some(undo) };
        let at = now();

        let mut tx = self.db.begin().await?;
        let restored = self.store_new::<Companies>(&mut tx, actor, restored).await?;
        let (from, to) = (merge.survivor_id.0, merge.merged_id.0);
        move_back::<CompanyLinkedTable>(&mut tx, origin, &merge.moved, from, to, at).await?;
        comptoir_store::contacts::set_company_search(&mut tx, restored.id, &fold(&restored.fields.name))
            .await?;
        merge.survivor_left_alone = match &survivor_step {
            Step::Restore { current, restored } => {
                self.store_change::<Companies>(&mut tx, actor, current, restored, None, Some(undo)).await?;
                false
            }
            _ => true,
        };
        merge.undone_at = Some(at);
        if !comptoir_store::duplicates::mark_undone(&mut tx, merge.id, at, merge.survivor_left_alone).await? {
            return Err(AppError::Conflict("the merge is already undone".to_owned()));
        }
        let payload = json!({ "merged_id": merge.merged_id, "merge_id": merge.id });
        announce(&mut tx, origin, COMPANY, merge.survivor_id.0, Milestone::MergeUndone, payload).await?;
        tx.commit().await?;
        Ok(merge)
    }

    /// The merged company as it was, its owner dropped if they are gone since.
    async fn restorable_company(&self, actor: &Actor, merge: &CompanyMerge) -> Result<Company, AppError> {
        let mut company: Company = serde_json::from_value(merge.merged_record.clone())
            .map_err(|e| AppError::Internal(format!("a merge's company: {e}")))?;
        let mut errors = ValidationErrors::new();
        self.check_user_exists(company.fields.owner_id, "owner_id", &mut errors).await?;
        if !errors.is_empty() {
            company.fields.owner_id = Some(actor.user_id);
        }
        company.version += 1;
        company.updated_at = now();
        Ok(company)
    }
}
