//! Audit entries and domain events for every change, written in the change's transaction.

use crate::AppError;
use comptoir_domain::audit::{Action, AuditEntry, DomainEvent};
use comptoir_domain::changes::diff;
use comptoir_domain::ids::{AuditId, OperationId, UserId};
use comptoir_domain::kinds::{EventName, Happening, Milestone, ObjectType};
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_store::Tx;
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

/// Who made a change (`None`: the system itself), and the operation it is one change of.
#[derive(Clone, Copy)]
pub struct Origin<'a> {
    pub actor: Option<&'a Actor>,
    pub operation: Option<OperationId>,
}

impl Origin<'static> {
    /// A change no user made: the system's own, or what a customer wrote in the portal.
    pub const SYSTEM: Origin<'static> = Origin { actor: None, operation: None };
}

/// Records that `actor` applied `action` to an object, from `before` to `after` (each `None`
/// when the object did not exist on that side), and announces it (`contact.updated`). A change
/// made as part of an `operation` carries its id in both.
pub async fn record<T: Serialize>(
    tx: &mut Tx,
    origin: Origin<'_>,
    action: Action,
    object_type: ObjectType,
    object_id: Uuid,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<(), AppError> {
    let to_json = |v: Option<&T>| v.map(serde_json::to_value).transpose().map(|v| v.unwrap_or(Value::Null));
    let before = to_json(before).map_err(|e| AppError::Internal(e.to_string()))?;
    let after = to_json(after).map_err(|e| AppError::Internal(e.to_string()))?;
    let changes = diff(before, after);
    let at = now();
    let Origin { actor, operation } = origin;
    let actor_id = actor.map(|a| a.user_id);
    comptoir_store::audit::record(
        tx,
        &AuditEntry {
            id: AuditId::new(),
            occurred_at: at,
            actor_id,
            action,
            object_type: object_type.to_string(),
            object_id,
            operation_id: operation,
            changes: changes.clone(),
        },
    )
    .await?;
    let changed_fields: Vec<&String> = changes.keys().collect();
    comptoir_store::audit::emit(
        tx,
        &DomainEvent {
            id: Uuid::now_v7(),
            occurred_at: at,
            name: EventName::change(object_type, action).to_string(),
            object_type: object_type.to_string(),
            object_id,
            actor_id,
            // Field names only: values are in the audit log, which erasure knows how to clean.
            payload: match operation {
                Some(operation) => json!({ "changed_fields": changed_fields, "operation_id": operation }),
                None => json!({ "changed_fields": changed_fields }),
            },
        },
    )
    .await?;
    Ok(())
}

/// One change of many written together (an import's batch): the object before and after, as
/// JSON (`Null` on the side where it did not exist).
pub struct Change {
    pub action: Action,
    pub object_type: ObjectType,
    pub object_id: Uuid,
    pub before: Value,
    pub after: Value,
}

/// Records and announces many changes as [`record`] does one, in few statements.
pub async fn record_all(tx: &mut Tx, origin: Origin<'_>, changes: Vec<Change>) -> Result<(), AppError> {
    Recorded::of(origin.actor.map(|a| a.user_id), origin.operation, changes).write(tx).await
}

/// The audit entries and events of many changes, worked out before they are written: an
/// import works them out on another thread while its records are being written.
pub struct Recorded {
    entries: Vec<AuditEntry>,
    events: Vec<DomainEvent>,
}

impl Recorded {
    /// What `changes` made by `actor_id` (`None`: the system) as part of `operation` record and
    /// announce. The changes' values move into the entries.
    pub fn of(actor_id: Option<UserId>, operation: Option<OperationId>, changes: Vec<Change>) -> Recorded {
        let at = now();
        let mut entries = Vec::with_capacity(changes.len());
        let mut events = Vec::with_capacity(changes.len());
        for change in changes {
            let fields = diff(change.before, change.after);
            let changed_fields: Vec<&String> = fields.keys().collect();
            let mut payload = json!({ "changed_fields": changed_fields });
            if let (Some(operation), Some(map)) = (operation, payload.as_object_mut()) {
                map.insert("operation_id".to_owned(), json!(operation));
            }
            events.push(DomainEvent {
                id: Uuid::now_v7(),
                occurred_at: at,
                name: EventName::change(change.object_type, change.action).to_string(),
                object_type: change.object_type.to_string(),
                object_id: change.object_id,
                actor_id,
                payload,
            });
            entries.push(AuditEntry {
                id: AuditId::new(),
                occurred_at: at,
                actor_id,
                action: change.action,
                object_type: change.object_type.to_string(),
                object_id: change.object_id,
                operation_id: operation,
                changes: fields,
            });
        }
        Recorded { entries, events }
    }

    pub async fn write(self, tx: &mut Tx) -> Result<(), AppError> {
        comptoir_store::audit::record_many(tx, self.entries).await?;
        comptoir_store::audit::emit_many(tx, self.events).await?;
        Ok(())
    }
}

/// Announces that an object reached `milestone` (`deal.won`), beside the change that made it,
/// which [`record`] audits. `payload` says what a subscriber needs to act without reading the
/// change (never personal values).
pub async fn announce(
    tx: &mut Tx,
    origin: Origin<'_>,
    object_type: ObjectType,
    object_id: Uuid,
    milestone: Milestone,
    mut payload: Value,
) -> Result<(), AppError> {
    if let (Some(operation), Some(fields)) = (origin.operation, payload.as_object_mut()) {
        fields.insert("operation_id".to_owned(), json!(operation));
    }
    comptoir_store::audit::emit(
        tx,
        &DomainEvent {
            id: Uuid::now_v7(),
            occurred_at: now(),
            name: EventName { object: object_type, happening: Happening::Milestone(milestone) }.to_string(),
            object_type: object_type.to_string(),
            object_id,
            actor_id: origin.actor.map(|a| a.user_id),
            payload,
        },
    )
    .await?;
    Ok(())
}
