//! Undoing an import: every record it created is deleted and every record it changed is put
//! back as it was, unless someone changed it since, which the undo leaves as it is and names.
//! The undo is an operation of its own, audited and announced like any change.

use super::{App, as_seen};
use crate::AppError;
use crate::companies::Companies;
use crate::contacts::Contacts;
use crate::kind::Kind;
use comptoir_domain::audit::{Action, AuditEntry, AuditFilter};
use comptoir_domain::ids::{AuditId, OperationId};
use comptoir_domain::imports::{Import, ImportStatus, NAMED_LEFT_ALONE, UndoReport};
use comptoir_domain::kinds::{ObjectType, RecordKind};
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_store::Tx;
use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

/// How many audit entries are undone in one transaction.
const UNDO_BATCH: u32 = 500;

/// What undoing one entry comes to, worked out before the transaction that does it.
pub(crate) enum Step<K: Kind> {
    Delete(K::Record),
    Restore { current: K::Record, restored: K::Record },
    LeaveAlone(Uuid),
}

impl App {
    pub async fn undo_import(&self, actor: &Actor, id: OperationId) -> Result<Import, AppError> {
        let mut import = comptoir_store::imports::get(&self.db, id).await?.ok_or(AppError::NotFound)?;
        import = as_seen(import, now());
        if import.created_by != Some(actor.user_id) && !actor.is_admin() {
            return Err(AppError::Forbidden("only whoever ran an import, or an admin, undoes it"));
        }
        match import.status {
            ImportStatus::Running => {
                return Err(AppError::Conflict("the import is still running".to_owned()));
            }
            ImportStatus::Undone => {
                return Err(AppError::Conflict("the import is already undone".to_owned()));
            }
            _ if import.dry_run => {
                return Err(AppError::Conflict("a dry run wrote nothing to undo".to_owned()));
            }
            _ => {}
        }
        let undo = OperationId::new();
        let mut report = UndoReport::default();
        // Companies go last: contacts the import created may still point at them until then.
        let mut companies: Vec<AuditEntry> = Vec::new();
        let mut before: Option<AuditId> = None;
        loop {
            let filter =
                AuditFilter { operation_id: Some(id), before, limit: UNDO_BATCH, ..AuditFilter::default() };
            let entries = comptoir_store::audit::list(&self.db, &filter).await?;
            let Some(last) = entries.last() else { break };
            before = Some(last.id);
            let mut steps = Vec::new();
            for entry in entries {
                if entry.object_type == ObjectType::Record(RecordKind::Company).to_string() {
                    companies.push(entry);
                } else {
                    steps.push(self.undo_step::<Contacts>(actor, &entry).await?);
                }
            }
            let mut tx = self.db.begin().await?;
            for step in steps {
                self.take_step::<Contacts>(&mut tx, actor, step, undo, &mut report).await?;
            }
            tx.commit().await?;
        }
        for chunk in companies.chunks(UNDO_BATCH as usize) {
            let mut steps = Vec::new();
            for entry in chunk {
                let step = match self.undo_step::<Companies>(actor, entry).await? {
                    Step::Delete(company)
                        if comptoir_store::contacts::any_of_company(&self.db, company.id).await? =>
                    {
                        Step::LeaveAlone(company.id.0)
                    }
                    step => step,
                };
                steps.push(step);
            }
            let mut tx = self.db.begin().await?;
            for step in steps {
                self.take_step::<Companies>(&mut tx, actor, step, undo, &mut report).await?;
            }
            tx.commit().await?;
        }
        let at = now();
        report.undone_at = Some(at);
        import.undo = Some(report);
        import.status = ImportStatus::Undone;
        import.updated_at = at;
        let mut tx = self.db.begin().await?;
        comptoir_store::imports::save(&mut tx, &import).await?;
        tx.commit().await?;
        Ok(import)
    }

    /// What undoing `entry` takes, read before any write: nothing when the record changed
    /// since (or is gone).
    pub(crate) async fn undo_step<K>(&self, actor: &Actor, entry: &AuditEntry) -> Result<Step<K>, AppError>
    where
        K: Kind,
        K::Fields: DeserializeOwned,
    {
        let object = entry.object_id;
        if comptoir_store::audit::changed_since(&self.db, &entry.object_type, object, entry.id).await? {
            return Ok(Step::LeaveAlone(object));
        }
        let Some(current) = K::fetch(self, K::Id::from(object)).await? else {
            return Ok(Step::LeaveAlone(object));
        };
        match entry.action {
            Action::Create => Ok(Step::Delete(current)),
            Action::Update => {
                let mut fields = serde_json::to_value(K::fields(&current))
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                for (key, change) in &entry.changes {
                    if let Some(map) = fields.as_object_mut() {
                        map.insert(key.clone(), change.get("before").cloned().unwrap_or(Value::Null));
                    }
                }
                let restored: K::Fields =
                    serde_json::from_value(fields).map_err(|e| AppError::Internal(e.to_string()))?;
                match self.prepare_change::<K>(actor, &current, |_| Ok(K::input(&restored)), None).await {
                    Ok(restored) => Ok(Step::Restore { current, restored }),
                    Err(AppError::Forbidden(_) | AppError::Validation(_)) => Ok(Step::LeaveAlone(object)),
                    Err(other) => Err(other),
                }
            }
            Action::Delete => Ok(Step::LeaveAlone(object)),
        }
    }

    async fn take_step<K: Kind>(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        step: Step<K>,
        undo: OperationId,
        report: &mut UndoReport,
    ) -> Result<(), AppError> {
        let result = match &step {
            Step::Delete(record) => self.remove::<K>(tx, actor, record, None, Some(undo)).await,
            Step::Restore { current, restored } => {
                self.store_change::<K>(tx, actor, current, restored, None, Some(undo)).await
            }
            Step::LeaveAlone(_) => Ok(()),
        };
        match (step, result) {
            (Step::LeaveAlone(id), _) => leave(report, id),
            (Step::Delete(record) | Step::Restore { current: record, .. }, Err(AppError::Forbidden(_))) => {
                leave(report, K::id(&record).into())
            }
            (_, Err(other)) => return Err(other),
            (_, Ok(())) => report.reverted += 1,
        }
        Ok(())
    }
}

fn leave(report: &mut UndoReport, id: Uuid) {
    report.left_alone += 1;
    if report.left_alone_ids.len() < NAMED_LEFT_ALONE {
        report.left_alone_ids.push(id);
    }
}
