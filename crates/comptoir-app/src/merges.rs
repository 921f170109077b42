//! Merging one contact into another, and undoing it. A merge is one operation: the survivor's
//! change, every record moved to it and the merged contact's deletion carry its id, and the
//! merge row keeps the merged contact as it was, so the whole can be put back.

use crate::changes::{Change, Origin, announce, record_all};
use crate::contacts::Contacts;
use crate::imports::Step;
use crate::kind::Kind;
use crate::{App, AppError};
use chrono::{DateTime, Utc};
use comptoir_domain::ValidationErrors;
use comptoir_domain::audit::{Action, AuditFilter};
use comptoir_domain::contacts::Contact;
use comptoir_domain::deals::{DealContact, people_after_merge};
use comptoir_domain::duplicates::{DuplicatePair, Merge, MergeRequest, MovedLinks, merged_fields};
use comptoir_domain::ids::{ContactId, DealId, OperationId};
use comptoir_domain::kinds::{Milestone, ObjectType, RecordKind};
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_store::Tx;
use comptoir_store::duplicates::{Follows, LinkedTable};
use serde_json::json;
use uuid::Uuid;

const CONTACT: ObjectType = ObjectType::Record(RecordKind::Contact);
const DEAL: ObjectType = ObjectType::Record(RecordKind::Deal);

/// A table whose rows follow a merged record, with the kind of record its rows are, as their
/// audit entries name it.
pub(crate) trait Moves: Follows {
    fn object(self) -> ObjectType;
}

impl Moves for LinkedTable {
    fn object(self) -> ObjectType {
        match self {
            LinkedTable::Activities => ObjectType::Activity,
            LinkedTable::Deals => DEAL,
            LinkedTable::Quotes => ObjectType::Quote,
            LinkedTable::Orders => ObjectType::Order,
            LinkedTable::Tickets => ObjectType::Record(RecordKind::Ticket),
        }
    }
}

impl App {
    /// Merges `request.merged_id` into `request.survivor_id`: the survivor takes the chosen
    /// values, every record of the merged contact moves to it, and the merged contact goes.
    pub async fn merge_contacts(&self, actor: &Actor, request: &MergeRequest) -> Result<Merge, AppError> {
        if request.survivor_id == request.merged_id {
            let mut errors = ValidationErrors::new();
            errors.add("merged_id", "is the survivor itself");
            return Err(errors.into());
        }
        let survivor = self.get::<Contacts>(actor, request.survivor_id).await?;
        let merged = self.get::<Contacts>(actor, request.merged_id).await?;
        if !actor.can_modify(merged.fields.owner_id) {
            return Err(AppError::Forbidden(Contacts::REFUSALS.delete));
        }
        let input = merged_fields(&survivor.fields, &merged.fields, &request.take_from_merged);
        let changed = self.prepare_change::<Contacts>(actor, &survivor, |_| Ok(input), None).await?;
        let merged_record = serde_json::to_value(&merged).map_err(|e| AppError::Internal(e.to_string()))?;
        let operation = OperationId::new();
        let origin = Origin { actor: Some(actor), operation: Some(operation) };
        let at = now();

        let mut tx = self.db.begin().await?;
        let mut moved = move_all::<LinkedTable>(&mut tx, origin, merged.id.0, survivor.id.0, at).await?;
        let shared = share_deals(&mut tx, origin, merged.id, survivor.id, at).await?;
        if !shared.is_empty() {
            moved.push(MovedLinks { table: DEAL_PEOPLE.to_owned(), ids: shared });
        }
        // The merged contact goes first: the survivor may take its external id, which is one
        // contact's at a time.
        comptoir_store::duplicates::hand_pairs_over::<DuplicatePair>(&mut tx, merged.id.0, survivor.id.0)
            .await?;
        comptoir_store::duplicates::forget_pairs_of::<DuplicatePair>(&mut tx, merged.id.0).await?;
        self.remove::<Contacts>(&mut tx, actor, &merged, None, Some(operation)).await?;
        self.store_change::<Contacts>(&mut tx, actor, &survivor, &changed, None, Some(operation)).await?;
        if let Some(last) = merged.last_activity_at {
            comptoir_store::contacts::touch_last_activity(&mut tx, survivor.id, last).await?;
        }
        let merge = Merge {
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
        announce(&mut tx, origin, CONTACT, survivor.id.0, Milestone::Merged, payload).await?;
        tx.commit().await?;
        Ok(merge)
    }

    pub async fn merge(&self, _actor: &Actor, id: OperationId) -> Result<Merge, AppError> {
        comptoir_store::duplicates::get_merge(&self.db, id).await?.ok_or(AppError::NotFound)
    }

    /// Puts a merge back: the merged contact returns as it was, with the records that moved
    /// (those still on the survivor), and the survivor gets its earlier values back unless it
    /// changed since, in which case it keeps them and the merge says so.
    pub async fn undo_merge(&self, actor: &Actor, id: OperationId) -> Result<Merge, AppError> {
        let mut merge = self.merge(actor, id).await?;
        if merge.merged_by != Some(actor.user_id) && !actor.is_admin() {
            return Err(AppError::Forbidden("only whoever merged two contacts, or an admin, undoes it"));
        }
        if merge.undone_at.is_some() {
            return Err(AppError::Conflict("the merge is already undone".to_owned()));
        }
        let mut restored = self.restorable(actor, &merge).await?;
        let survivor_step =
            self.survivor_step::<Contacts>(actor, CONTACT, merge.survivor_id.0, merge.id).await?;
        // A survivor that kept the merged contact's external id and changed since keeps it:
        // the contact comes back without it.
        if let Some(id) = restored.fields.external_id.clone() {
            let held =
                comptoir_store::contacts::matching(&self.db, std::slice::from_ref(&id), &[], &[]).await?;
            let freed = match &survivor_step {
                Step::Restore { restored: before, .. } => before.fields.external_id.as_ref() != Some(&id),
                _ => false,
            };
            if held.iter().any(|c| c.id != merge.survivor_id || !freed) {
                restored.fields.external_id = None;
            }
        }
        let undo = OperationId::new();
        let origin = Origin { actor: Some(actor), operation: Some(undo) };
        let at = now();

        let mut tx = self.db.begin().await?;
        // The survivor first, so an external id it took is free again.
        merge.survivor_left_alone = match &survivor_step {
            Step::Restore { current, restored } => {
                self.store_change::<Contacts>(&mut tx, actor, current, restored, None, Some(undo)).await?;
                false
            }
            _ => true,
        };
        let restored = self.store_new::<Contacts>(&mut tx, actor, restored).await?;
        if let Some(last) = restored.last_activity_at {
            comptoir_store::contacts::touch_last_activity(&mut tx, restored.id, last).await?;
        }
        for moved in merge.moved.iter().filter(|moved| moved.table == DEAL_PEOPLE) {
            self.unshare_deals(&mut tx, origin, &merge, &moved.ids, at).await?;
        }
        move_back::<LinkedTable>(&mut tx, origin, &merge.moved, merge.survivor_id.0, merge.merged_id.0, at)
            .await?;
        merge.undone_at = Some(at);
        if !comptoir_store::duplicates::mark_undone(&mut tx, merge.id, at, merge.survivor_left_alone).await? {
            return Err(AppError::Conflict("the merge is already undone".to_owned()));
        }
        let payload = json!({ "merged_id": merge.merged_id, "merge_id": merge.id });
        announce(&mut tx, origin, CONTACT, merge.survivor_id.0, Milestone::MergeUndone, payload).await?;
        tx.commit().await?;
        Ok(merge)
    }

    /// The merged contact as it was, its company and owner dropped if they are gone since.
    async fn restorable(&self, actor: &Actor, merge: &Merge) -> Result<Contact, AppError> {
        let mut contact: Contact = serde_json::from_value(merge.merged_record.clone())
            .map_err(|e| AppError::Internal(format!("a merge's contact: {e}")))?;
        if let Some(company) = contact.fields.company_id
            && comptoir_store::companies::get(&self.db, company).await?.is_none()
        {
            contact.fields.company_id = None;
        }
        let mut errors = ValidationErrors::new();
        self.check_user_exists(contact.fields.owner_id, "owner_id", &mut errors).await?;
        if !errors.is_empty() {
            contact.fields.owner_id = Some(actor.user_id);
        }
        contact.company = Contacts::references(self, None, &contact.fields).await?;
        contact.version += 1;
        contact.updated_at = now();
        Ok(contact)
    }

    /// What undoing the merge `merge` does to its survivor (`survivor`, a record of `object`):
    /// its earlier values, or nothing when it changed since the merge (or is gone).
    pub(crate) async fn survivor_step<K>(
        &self,
        actor: &Actor,
        object: ObjectType,
        survivor: Uuid,
        merge: OperationId,
    ) -> Result<Step<K>, AppError>
    where
        K: Kind,
        K::Fields: serde::de::DeserializeOwned,
    {
        let filter = AuditFilter {
            object_type: Some(object.to_string()),
            object_id: Some(survivor),
            operation_id: Some(merge),
            limit: 10,
            ..AuditFilter::default()
        };
        let entries = comptoir_store::audit::list(&self.db, &filter).await?;
        match entries.into_iter().find(|entry| entry.action == Action::Update) {
            Some(entry) => self.undo_step::<K>(actor, &entry).await,
            None => Ok(Step::LeaveAlone(survivor)),
        }
    }
}

/// Points every row of `T`'s tables that points at `from` at `to`, each an audited change;
/// returns what moved, table by table, for the merge to put back.
pub(crate) async fn move_all<T: Moves>(
    tx: &mut Tx,
    origin: Origin<'_>,
    from: Uuid,
    to: Uuid,
    at: DateTime<Utc>,
) -> Result<Vec<MovedLinks>, AppError> {
    let mut moved = Vec::new();
    for table in T::ALL.iter().copied() {
        let ids = comptoir_store::duplicates::move_links(tx, table, from, to, at).await?;
        record_moves(tx, origin, table.object(), table.column(), &ids, from, to).await?;
        if !ids.is_empty() {
            moved.push(MovedLinks { table: table.name().to_owned(), ids });
        }
    }
    Ok(moved)
}

/// Points back at `to` the rows of `T`'s tables that a merge moved (`moved`) and that still
/// point at `from`, each an audited change.
pub(crate) async fn move_back<T: Moves>(
    tx: &mut Tx,
    origin: Origin<'_>,
    moved: &[MovedLinks],
    from: Uuid,
    to: Uuid,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    for moved in moved {
        let Some(table) = T::parse(&moved.table) else { continue };
        comptoir_store::duplicates::move_links_back(tx, table, &moved.ids, from, to, at).await?;
        record_moves(tx, origin, table.object(), table.column(), &moved.ids, from, to).await?;
    }
    Ok(())
}

/// Where a merge notes the deals whose people it changed.
const DEAL_PEOPLE: &str = "deal_contacts";

/// Gives `to` the place of `from` among the people of every deal naming `from` (or leaves `to`
/// its own there), each a change of the deal; returns the deals changed.
async fn share_deals(
    tx: &mut Tx,
    origin: Origin<'_>,
    from: ContactId,
    to: ContactId,
    at: DateTime<Utc>,
) -> Result<Vec<Uuid>, AppError> {
    let deals = comptoir_store::deals::with_person(tx, from).await?;
    let mut changes = Vec::with_capacity(deals.len());
    for deal in &deals {
        let before = comptoir_store::deals::people_of(tx, *deal).await?;
        let after = people_after_merge(&before, from, to);
        comptoir_store::deals::replace_people(tx, *deal, &after, at).await?;
        changes.push(people_change(deal.0, &before, &after));
    }
    record_all(tx, origin, changes).await?;
    Ok(deals.into_iter().map(|deal| deal.0).collect())
}

fn people_change(deal: Uuid, before: &[DealContact], after: &[DealContact]) -> Change {
    Change {
        action: Action::Update,
        object_type: DEAL,
        object_id: deal,
        before: json!({ "contacts": before }),
        after: json!({ "contacts": after }),
    }
}

impl App {
    /// Gives the deals `ids` back the people they had before `merge`, those whose people are
    /// still what the merge left (a deal changed since keeps its change).
    async fn unshare_deals(
        &self,
        tx: &mut Tx,
        origin: Origin<'_>,
        merge: &Merge,
        ids: &[Uuid],
        at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let mut changes = Vec::new();
        for deal in ids {
            let filter = AuditFilter {
                object_type: Some(DEAL.to_string()),
                object_id: Some(*deal),
                operation_id: Some(merge.id),
                limit: 10,
                ..AuditFilter::default()
            };
            let entries = comptoir_store::audit::list(&self.db, &filter).await?;
            let Some(change) = entries.iter().find_map(|entry| entry.changes.get("contacts")) else {
                continue;
            };
            let people = |side: &str| -> Result<Vec<DealContact>, AppError> {
                serde_json::from_value(change.get(side).cloned().unwrap_or_default())
                    .map_err(|e| AppError::Internal(format!("a merge's deal people: {e}")))
            };
            let (before, after) = (people("before")?, people("after")?);
            let deal = DealId(*deal);
            if comptoir_store::deals::people_of(tx, deal).await? != after {
                continue;
            }
            comptoir_store::deals::replace_people(tx, deal, &before, at).await?;
            changes.push(people_change(deal.0, &after, &before));
        }
        record_all(tx, origin, changes).await
    }
}

/// Audits and announces that the rows `ids` (records of `object`) now point at `to` instead
/// of `from` by their `column`.
async fn record_moves(
    tx: &mut Tx,
    origin: Origin<'_>,
    object: ObjectType,
    column: &str,
    ids: &[Uuid],
    from: Uuid,
    to: Uuid,
) -> Result<(), AppError> {
    let changes: Vec<Change> = ids
        .iter()
        .map(|id| Change {
            action: Action::Update,
            object_type: object,
            object_id: *id,
            before: json!({ column: from }),
            after: json!({ column: to }),
        })
        .collect();
    record_all(tx, origin, changes).await
}
