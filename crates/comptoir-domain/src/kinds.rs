//! The names Comptoir gives what it keeps: the kinds of record (with a list, a page and custom
//! fields), every kind of object the audit log and the events speak of, and the events
//! themselves. Each is an enum, so a new kind is added in one place and every `match` on it
//! fails to compile until it is handled.

use crate::audit::Action;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// The kinds of record with a list, a page, saved views, a timeline and custom fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Contact,
    Company,
    Deal,
    Ticket,
}

impl RecordKind {
    pub const ALL: [RecordKind; 4] =
        [RecordKind::Contact, RecordKind::Company, RecordKind::Deal, RecordKind::Ticket];

    /// The singular name stored in the database and used in event names: `contact`.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Contact => "contact",
            RecordKind::Company => "company",
            RecordKind::Deal => "deal",
            RecordKind::Ticket => "ticket",
        }
    }

    /// The collection's name, in URLs (`/contacts`, `/api/v1/contacts`) and file names.
    pub fn plural(self) -> &'static str {
        match self {
            RecordKind::Contact => "contacts",
            RecordKind::Company => "companies",
            RecordKind::Deal => "deals",
            RecordKind::Ticket => "tickets",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl FromStr for RecordKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|k| k.as_str()).collect();
            format!("must be one of {}", names.join(", "))
        })
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One record of a kind, where a kind-independent caller needs to name it (the open tasks on
/// a record's page, a recently viewed record).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordRef {
    pub kind: RecordKind,
    pub id: Uuid,
}

/// Everything the audit log records changes to and events are announced about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ObjectType {
    Record(RecordKind),
    Activity,
    Pipeline,
    Product,
    Article,
    Macro,
    Team,
    /// A file attached to a ticket.
    Attachment,
    Quote,
    Order,
    CustomField,
    User,
    Token,
    Webhook,
    /// The organisation's settings: the seller's identity.
    Settings,
}

impl ObjectType {
    /// The objects whose events leave the building (webhooks); a webhook's own changes do not.
    pub const ANNOUNCED: [ObjectType; 15] = [
        ObjectType::Record(RecordKind::Contact),
        ObjectType::Record(RecordKind::Company),
        ObjectType::Record(RecordKind::Deal),
        ObjectType::Record(RecordKind::Ticket),
        ObjectType::Activity,
        ObjectType::Pipeline,
        ObjectType::Product,
        ObjectType::Article,
        ObjectType::Macro,
        ObjectType::Team,
        ObjectType::Quote,
        ObjectType::Order,
        ObjectType::CustomField,
        ObjectType::User,
        ObjectType::Token,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ObjectType::Record(kind) => kind.as_str(),
            ObjectType::Activity => "activity",
            ObjectType::Pipeline => "pipeline",
            ObjectType::Product => "product",
            ObjectType::Article => "article",
            ObjectType::Macro => "macro",
            ObjectType::Team => "team",
            ObjectType::Attachment => "attachment",
            ObjectType::Quote => "quote",
            ObjectType::Order => "order",
            ObjectType::CustomField => "custom_field",
            ObjectType::User => "user",
            ObjectType::Token => "token",
            ObjectType::Webhook => "webhook",
            ObjectType::Settings => "settings",
        }
    }

    pub fn is_announced(name: &str) -> bool {
        Self::ANNOUNCED.iter().any(|o| o.as_str() == name)
    }

    /// What else is announced about this kind of object besides its changes.
    pub fn milestones(self) -> &'static [Milestone] {
        match self {
            ObjectType::Record(RecordKind::Deal) => {
                &[Milestone::StageChanged, Milestone::Won, Milestone::Lost]
            }
            ObjectType::Quote => &[Milestone::Sent, Milestone::Accepted, Milestone::Refused],
            ObjectType::Record(RecordKind::Contact | RecordKind::Company) => {
                &[Milestone::Merged, Milestone::MergeUndone]
            }
            ObjectType::Record(RecordKind::Ticket) => &[
                Milestone::Assigned,
                Milestone::Solved,
                Milestone::Reopened,
                Milestone::SlaAtRisk,
                Milestone::SlaBreached,
                Milestone::Rated,
                Milestone::Merged,
            ],
            _ => &[],
        }
    }
}

impl From<RecordKind> for ObjectType {
    fn from(kind: RecordKind) -> Self {
        ObjectType::Record(kind)
    }
}

impl fmt::Display for ObjectType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A moment in an object's life worth its own event, announced beside the change that made
/// it (`deal.updated` and `deal.won`), so a subscriber need not read the change to notice it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Milestone {
    StageChanged,
    Won,
    Lost,
    Sent,
    Accepted,
    Refused,
    /// Another record was merged into this one: a contact, or a ticket and its conversation.
    Merged,
    /// A merge into this contact was undone.
    MergeUndone,
    /// Given to someone to handle.
    Assigned,
    Solved,
    /// Opened again after it was solved.
    Reopened,
    /// A service-level deadline comes close, and nobody met it yet.
    SlaAtRisk,
    /// A service-level deadline passed.
    SlaBreached,
    /// Its requester scored it in the satisfaction survey.
    Rated,
}

impl Milestone {
    pub fn event_suffix(self) -> &'static str {
        match self {
            Milestone::StageChanged => "stage_changed",
            Milestone::Won => "won",
            Milestone::Lost => "lost",
            Milestone::Sent => "sent",
            Milestone::Accepted => "accepted",
            Milestone::Refused => "refused",
            Milestone::Merged => "merged",
            Milestone::MergeUndone => "merge_undone",
            Milestone::Assigned => "assigned",
            Milestone::Solved => "solved",
            Milestone::Reopened => "reopened",
            Milestone::SlaAtRisk => "sla_at_risk",
            Milestone::SlaBreached => "sla_breached",
            Milestone::Rated => "rated",
        }
    }
}

/// What an event says happened: a change, or a milestone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Happening {
    Change(Action),
    Milestone(Milestone),
}

/// An event's name: what happened to which kind of object, written `contact.updated`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventName {
    pub object: ObjectType,
    pub happening: Happening,
}

impl EventName {
    pub fn change(object: ObjectType, action: Action) -> Self {
        Self { object, happening: Happening::Change(action) }
    }

    /// Whether `object.what` (`deal.won`, `contact.created`) is an event Comptoir announces,
    /// `what` being `*` for all of an announced object's events.
    pub fn is_announced(object: &str, what: &str) -> bool {
        let Some(object) = ObjectType::ANNOUNCED.into_iter().find(|o| o.as_str() == object) else {
            return false;
        };
        what == "*"
            || Action::ALL.iter().any(|a| a.event_suffix() == what)
            || object.milestones().iter().any(|m| m.event_suffix() == what)
    }
}

impl fmt::Display for EventName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.happening {
            Happening::Change(action) => action.event_suffix(),
            Happening::Milestone(milestone) => milestone.event_suffix(),
        };
        write!(f, "{}.{what}", self.object.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in RecordKind::ALL {
            assert_eq!(kind.as_str().parse::<RecordKind>(), Ok(kind));
        }
        assert!("deals".parse::<RecordKind>().is_err());
    }

    #[test]
    fn event_names_join_object_and_past_tense() {
        let name = EventName::change(RecordKind::Company.into(), Action::Delete);
        assert_eq!(name.to_string(), "company.deleted");
        assert!(ObjectType::is_announced("custom_field"));
        assert!(!ObjectType::is_announced("webhook"));
        let won =
            EventName { object: RecordKind::Deal.into(), happening: Happening::Milestone(Milestone::Won) };
        assert_eq!(won.to_string(), "deal.won");
        assert!(EventName::is_announced("deal", "stage_changed"));
        assert!(!EventName::is_announced("contact", "won"), "milestones belong to their object");
    }
}
