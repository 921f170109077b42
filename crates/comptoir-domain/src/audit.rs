//! The audit trail (who changed what, when, from which value to which) and the domain events
//! other parts of Comptoir react to.

use crate::ids::{AuditId, UserId};
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
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Action::Create, Action::Update, Action::Delete].into_iter().find(|a| a.as_str() == s)
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
    /// `{"field": {"before": …, "after": …}}`.
    #[schema(value_type = Object)]
    pub changes: Map<String, Value>,
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
