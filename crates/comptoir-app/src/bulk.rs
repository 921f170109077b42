//! Bulk changes: one action applied to many records of a kind, as one operation. Every record
//! goes through the same permission check and validation as a single change; the whole runs
//! in one transaction, so it lands entirely or not at all, and every audit entry and event it
//! writes carries the operation's id. Records chosen by a filter are read a batch at a time,
//! so a change over a hundred thousand records never holds them all in memory.

use crate::kind::Kind;
use crate::{App, AppError};
use comptoir_domain::ValidationErrors;
use comptoir_domain::bulk::{BulkAction, BulkOutcome, BulkRequest, Selection};
use comptoir_domain::ids::{OperationId, UserId};
use comptoir_domain::kinds::RecordKind;
use comptoir_domain::users::Actor;
use comptoir_store::Tx;

/// How many refused ids an outcome lists; beyond them it only counts.
const LISTED_REFUSALS: usize = 100;

/// What a bulk change needs from a kind of record beyond its use cases: where its input keeps
/// the owner and the tags.
pub trait BulkKind: Kind {
    const KIND: RecordKind;

    fn owner_mut(input: &mut Self::Input) -> &mut Option<UserId>;
    fn tags_mut(input: &mut Self::Input) -> &mut Vec<String>;
}

/// The new input of a record after `action`, or `None` when the record already is so.
fn edited<K: BulkKind>(record: &K::Record, action: &BulkAction) -> Option<K::Input> {
    let mut input = K::input(K::fields(record));
    match action {
        BulkAction::Assign(owner) => {
            let current = K::owner_mut(&mut input);
            if *current == Some(*owner) {
                return None;
            }
            *current = Some(*owner);
        }
        BulkAction::Tag(tag) => {
            let tags = K::tags_mut(&mut input);
            if tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
                return None;
            }
            tags.push(tag.clone());
        }
        BulkAction::Untag(tag) => {
            let tags = K::tags_mut(&mut input);
            let before = tags.len();
            tags.retain(|t| !t.eq_ignore_ascii_case(tag));
            if tags.len() == before {
                return None;
            }
        }
        // A deletion edits nothing; `apply` removes the record instead.
        BulkAction::Delete => return None,
    }
    Some(input)
}

/// A bulk request found valid and allowed, before it runs: what a caller that runs it later
/// (in the background) can still refuse at once.
pub struct CheckedBulk {
    action: BulkAction,
    selection: Selection,
}

impl CheckedBulk {
    /// Which records the change is to reach.
    pub fn selection(&self) -> &Selection {
        &self.selection
    }
}

impl App {
    /// Applies `request` to the records of kind `K` it selects, as one operation. `progress`
    /// hears how many records have been looked at, after each batch.
    pub async fn bulk<K: BulkKind>(
        &self,
        actor: &Actor,
        request: BulkRequest,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<BulkOutcome, AppError> {
        let checked = self.check_bulk(actor, request).await?;
        self.run_bulk::<K>(actor, checked, progress).await
    }

    /// Refuses what a bulk request asks that the actor may not do or that is malformed, without
    /// touching a record.
    pub async fn check_bulk(&self, actor: &Actor, request: BulkRequest) -> Result<CheckedBulk, AppError> {
        if !actor.can_create_records() {
            return Err(AppError::Forbidden("read-only users cannot change records"));
        }
        let (action, selection) = request.validate()?;
        if let BulkAction::Assign(owner) = action {
            if !actor.can_assign_to(Some(owner)) {
                return Err(AppError::Forbidden("only managers and admins give records to someone else"));
            }
            let mut errors = ValidationErrors::new();
            self.check_user_exists(Some(owner), "owner_id", &mut errors).await?;
            errors.into_result()?;
        }
        Ok(CheckedBulk { action, selection })
    }

    /// Runs a checked bulk change over the records of kind `K`; see [`App::bulk`].
    pub async fn run_bulk<K: BulkKind>(
        &self,
        actor: &Actor,
        checked: CheckedBulk,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<BulkOutcome, AppError> {
        let CheckedBulk { action, selection } = checked;
        let mut outcome = BulkOutcome { operation_id: OperationId::new(), ..BulkOutcome::default() };
        let mut tx = self.db.begin().await?;
        let mut seen = 0;
        match selection {
            Selection::Ids(ids) => {
                for chunk in ids.chunks(comptoir_domain::bulk::BULK_BATCH as usize) {
                    for id in chunk {
                        match self.get::<K>(actor, K::Id::from(*id)).await {
                            Ok(record) => {
                                self.apply::<K>(&mut tx, actor, &record, &action, &mut outcome).await?
                            }
                            Err(AppError::NotFound) => outcome.not_found.push(*id),
                            Err(other) => return Err(other),
                        }
                    }
                    seen += chunk.len() as u64;
                    progress(seen);
                }
            }
            Selection::Query(mut query) => loop {
                let page = self.list::<K>(actor, &query).await?;
                for record in &page.data {
                    self.apply::<K>(&mut tx, actor, record, &action, &mut outcome).await?;
                }
                seen += page.data.len() as u64;
                progress(seen);
                match page.next_cursor {
                    Some(cursor) => query.cursor = Some(cursor),
                    None => break,
                }
            },
        }
        tx.commit().await?;
        Ok(outcome)
    }

    /// One record of a bulk change. A record the actor may not change, or that the change
    /// would make invalid, is left alone and counted; any other failure ends the operation.
    async fn apply<K: BulkKind>(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        record: &K::Record,
        action: &BulkAction,
        outcome: &mut BulkOutcome,
    ) -> Result<(), AppError> {
        let operation = outcome.operation_id;
        let result = match action {
            BulkAction::Delete => self.remove::<K>(tx, actor, record, None, Some(operation)).await,
            other => match edited::<K>(record, other) {
                Some(input) => {
                    self.change::<K>(tx, actor, record, |_| Ok(input), None, Some(operation)).await.map(drop)
                }
                None => {
                    outcome.unchanged += 1;
                    return Ok(());
                }
            },
        };
        match result {
            Ok(()) => outcome.changed += 1,
            Err(AppError::Forbidden(_) | AppError::Validation(_)) => {
                outcome.refused += 1;
                if outcome.refused_ids.len() < LISTED_REFUSALS {
                    outcome.refused_ids.push(K::id(record).into());
                }
            }
            Err(other) => return Err(other),
        }
        Ok(())
    }
}
