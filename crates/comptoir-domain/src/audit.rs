//! The audit trail (who changed what, when, from which value to which) and the domain events
//! other parts of Comptoir react to.

use crate::ids::{AuditId, OperationId, UserId};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Delete,
}

impl Action {
    pub const ALL: [Action; 3] = [Action::Create, Action::Update, Action::Delete];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The past tense used in event names: `contact.created`.
    pub fn event_suffix(self) -> &'static str {
        match self {
            Action::Create => "created",
            Action::Update => "updated",
            Action::Delete => "deleted",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: AuditId,
    pub occurred_at: DateTime<Utc>,
    /// Absent for changes made by the system itself (the command line, migrations).
    pub actor_id: Option<UserId>,
    pub action: Action,
    /// `contact`, `company`, `activity`, `custom_field`, `user`, `token`.
    pub object_type: String,
    pub object_id: Uuid,
    /// The operation this change was part of, when it was one of many made as one.
    pub operation_id: Option<OperationId>,
    /// `{"field": {"before": …, "after": …}}`.
    #[schema(value_type = Object)]
    pub changes: Map<String, Value>,
}

/// Which audit entries to read, newest first: all of them, one kind of object's, one
/// object's or one operation's, before a cursor.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub object_type: Option<String>,
    pub object_id: Option<Uuid>,
    pub operation_id: Option<OperationId>,
    pub before: Option<AuditId>,
    pub limit: u32,
}

/// Something that happened, for automation, webhooks and live views to react to.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DomainEvent {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    /// `contact.created`, `contact.updated`, …
    pub name: String,
    pub object_type: String,
    pub object_id: Uuid,
    pub actor_id: Option<UserId>,
    pub payload: Value,
}
