//! Audit entries and domain events for every change, written in the change's transaction.

use crate::AppError;
use comptoir_domain::audit::{Action, AuditEntry, DomainEvent};
use comptoir_domain::changes::diff;
use comptoir_domain::ids::AuditId;
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_store::Tx;
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

/// Records that `actor` applied `action` to an object, from `before` to `after` (each `None`
/// when the object did not exist on that side), and announces `<object_type>.<action>`.
pub async fn record<T: Serialize>(
    tx: &mut Tx,
    actor: Option<&Actor>,
    action: Action,
    object_type: &str,
    object_id: Uuid,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<(), AppError> {
    let to_json = |v: Option<&T>| v.map(serde_json::to_value).transpose().map(|v| v.unwrap_or(Value::Null));
    let before = to_json(before).map_err(|e| AppError::Internal(e.to_string()))?;
    let after = to_json(after).map_err(|e| AppError::Internal(e.to_string()))?;
    let changes = diff(&before, &after);
    let at = now();
    let actor_id = actor.map(|a| a.user_id);
    comptoir_store::audit::record(
        tx,
        &AuditEntry {
            id: AuditId::new(),
            occurred_at: at,
            actor_id,
            action,
            object_type: object_type.to_owned(),
            object_id,
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
            name: format!("{object_type}.{}", action.event_suffix()),
            object_type: object_type.to_owned(),
            object_id,
            actor_id,
            // Field names only: values are in the audit log, which erasure knows how to clean.
            payload: json!({ "changed_fields": changed_fields }),
        },
    )
    .await?;
    Ok(())
}
