//! Activities: the timeline of a relationship — notes, calls, emails, meetings and tasks.

use crate::ids::{ActivityId, CompanyId, ContactId, DealId, TicketId, UserId};
use crate::kinds::RecordRef;
use crate::validation::{ValidationErrors, check_length, clean_text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Note,
    Call,
    /// An email logged on the timeline.
    Email,
    Meeting,
    Task,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 5] = [
        ActivityKind::Note,
        ActivityKind::Call,
        ActivityKind::Email,
        ActivityKind::Meeting,
        ActivityKind::Task,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Note => "note",
            ActivityKind::Call => "call",
            ActivityKind::Email => "email",
            ActivityKind::Meeting => "meeting",
            ActivityKind::Task => "task",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Inbound,
    Outbound,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Direction::Inbound, Direction::Outbound].into_iter().find(|d| d.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    Connected,
    NoAnswer,
    LeftVoicemail,
    Busy,
    WrongNumber,
}

impl CallOutcome {
    pub const ALL: [CallOutcome; 5] = [
        CallOutcome::Connected,
        CallOutcome::NoAnswer,
        CallOutcome::LeftVoicemail,
        CallOutcome::Busy,
        CallOutcome::WrongNumber,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CallOutcome::Connected => "connected",
            CallOutcome::NoAnswer => "no_answer",
            CallOutcome::LeftVoicemail => "left_voicemail",
            CallOutcome::Busy => "busy",
            CallOutcome::WrongNumber => "wrong_number",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// What a client sends. Kind-specific fields are refused on other kinds, so a call's duration
/// is never silently stored on a note.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityInput {
    #[serde(default)]
    pub kind: Option<ActivityKind>,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub contact_id: Option<ContactId>,
    #[serde(default)]
    pub company_id: Option<CompanyId>,
    /// The deal it moves forward; its contact and company are the deal's when not given.
    #[serde(default)]
    pub deal_id: Option<DealId>,
    /// The ticket whose conversation it is part of; its requester and company are the
    /// ticket's when not given.
    #[serde(default)]
    pub ticket_id: Option<TicketId>,
    /// When it happened; defaults to now.
    #[serde(default)]
    pub occurred_at: Option<DateTime<Utc>>,
    /// Calls and emails.
    #[serde(default)]
    pub direction: Option<Direction>,
    /// Calls.
    #[serde(default)]
    pub duration_seconds: Option<i64>,
    /// Calls.
    #[serde(default)]
    pub outcome: Option<CallOutcome>,
    /// Meetings.
    #[serde(default)]
    pub starts_at: Option<DateTime<Utc>>,
    /// Meetings.
    #[serde(default)]
    pub ends_at: Option<DateTime<Utc>>,
    /// Meetings.
    #[serde(default)]
    pub location: Option<String>,
    /// Tasks.
    #[serde(default)]
    pub due_at: Option<DateTime<Utc>>,
    /// Tasks; defaults to the owner.
    #[serde(default)]
    pub assignee_id: Option<UserId>,
    /// Tasks.
    #[serde(default)]
    pub done: Option<bool>,
    #[serde(default)]
    pub owner_id: Option<UserId>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ActivityFields {
    pub kind: ActivityKind,
    pub subject: Option<String>,
    pub body: Option<String>,
    pub contact_id: Option<ContactId>,
    pub company_id: Option<CompanyId>,
    pub deal_id: Option<DealId>,
    pub ticket_id: Option<TicketId>,
    pub occurred_at: DateTime<Utc>,
    pub direction: Option<Direction>,
    pub duration_seconds: Option<i64>,
    pub outcome: Option<CallOutcome>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub location: Option<String>,
    pub due_at: Option<DateTime<Utc>>,
    pub assignee_id: Option<UserId>,
    pub done: bool,
    pub done_at: Option<DateTime<Utc>>,
    pub owner_id: Option<UserId>,
}

impl ActivityInput {
    /// `owner_default` owns an activity that names no owner: whoever records it, or nobody
    /// for what a customer wrote in the portal. `previous_done_at` keeps the moment a task was
    /// first completed across later edits.
    pub fn validate(
        self,
        owner_default: Option<UserId>,
        now: DateTime<Utc>,
        previous_done_at: Option<DateTime<Utc>>,
    ) -> Result<ActivityFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let Some(kind) = self.kind else {
            return Err(ValidationErrors::single("kind", "is required (note, call, email, meeting or task)"));
        };
        let subject = clean_text(self.subject);
        check_length(&mut errors, "subject", &subject, 300);
        let body = clean_text(self.body);
        check_length(&mut errors, "body", &body, 100_000);
        if self.contact_id.is_none()
            && self.company_id.is_none()
            && self.deal_id.is_none()
            && self.ticket_id.is_none()
        {
            errors.add("contact_id", "an activity belongs to a contact, a company, a deal or a ticket");
        }
        if kind == ActivityKind::Note && body.is_none() && subject.is_none() {
            errors.add("body", "a note needs some text");
        }
        let refuse_unless =
            |errors: &mut ValidationErrors, present: bool, field: &str, kinds: &[ActivityKind]| {
                if present && !kinds.contains(&kind) {
                    let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
                    errors.add(field, format!("only applies to {}", names.join(" and ")));
                }
            };
        use ActivityKind::{Call, Email, Meeting, Task};
        refuse_unless(&mut errors, self.direction.is_some(), "direction", &[Call, Email]);
        refuse_unless(&mut errors, self.duration_seconds.is_some(), "duration_seconds", &[Call]);
        refuse_unless(&mut errors, self.outcome.is_some(), "outcome", &[Call]);
        refuse_unless(&mut errors, self.starts_at.is_some(), "starts_at", &[Meeting]);
        refuse_unless(&mut errors, self.ends_at.is_some(), "ends_at", &[Meeting]);
        refuse_unless(&mut errors, self.location.is_some(), "location", &[Meeting]);
        refuse_unless(&mut errors, self.due_at.is_some(), "due_at", &[Task]);
        refuse_unless(&mut errors, self.assignee_id.is_some(), "assignee_id", &[Task]);
        refuse_unless(&mut errors, self.done.is_some(), "done", &[Task]);
        if let Some(seconds) = self.duration_seconds
            && !(0..=86_400).contains(&seconds)
        {
            errors.add("duration_seconds", "must be between 0 and 86400");
        }
        if let (Some(start), Some(end)) = (self.starts_at, self.ends_at)
            && end < start
        {
            errors.add("ends_at", "must not be before starts_at");
        }
        let location = clean_text(self.location);
        check_length(&mut errors, "location", &location, 300);
        errors.into_result()?;

        let owner_id = self.owner_id.or(owner_default);
        let done = self.done.unwrap_or(false);
        Ok(ActivityFields {
            kind,
            subject,
            body,
            contact_id: self.contact_id,
            company_id: self.company_id,
            deal_id: self.deal_id,
            ticket_id: self.ticket_id,
            occurred_at: self.occurred_at.unwrap_or(now),
            direction: self.direction,
            duration_seconds: self.duration_seconds,
            outcome: self.outcome,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            location,
            due_at: self.due_at,
            assignee_id: if kind == Task { self.assignee_id.or(owner_id) } else { None },
            done,
            done_at: if done { Some(previous_done_at.unwrap_or(now)) } else { None },
            owner_id,
        })
    }
}

impl ActivityFields {
    pub fn to_input(&self) -> ActivityInput {
        let is_task = self.kind == ActivityKind::Task;
        ActivityInput {
            kind: Some(self.kind),
            subject: self.subject.clone(),
            body: self.body.clone(),
            contact_id: self.contact_id,
            company_id: self.company_id,
            deal_id: self.deal_id,
            ticket_id: self.ticket_id,
            occurred_at: Some(self.occurred_at),
            direction: self.direction,
            duration_seconds: self.duration_seconds,
            outcome: self.outcome,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            location: self.location.clone(),
            due_at: self.due_at,
            assignee_id: self.assignee_id,
            done: is_task.then_some(self.done),
            owner_id: self.owner_id,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Activity {
    pub id: ActivityId,
    pub version: i64,
    #[serde(flatten)]
    pub fields: ActivityFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Which open tasks a task list shows: whose, about which record, due when.
#[derive(Clone, Debug, Default)]
pub struct TaskWindow {
    /// Everyone's when `None`.
    pub assignee: Option<UserId>,
    /// A company's include those on its contacts.
    pub about: Option<RecordRef>,
    /// Due at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Due before this instant.
    pub to: Option<DateTime<Utc>>,
    /// Tasks without a due date too.
    pub undated: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn validate(value: serde_json::Value) -> Result<ActivityFields, ValidationErrors> {
        serde_json::from_value::<ActivityInput>(value).expect("well-formed").validate(
            Some(UserId::new()),
            crate::time::now(),
            None,
        )
    }

    #[test]
    fn kind_specific_fields_are_refused_elsewhere() {
        let contact = ContactId::new();
        let errors =
            validate(json!({"kind": "note", "body": "x", "contact_id": contact, "duration_seconds": 3}))
                .expect_err("duration on a note");
        assert_eq!(errors.0[0].field, "duration_seconds");
        assert!(
            validate(
                json!({"kind": "call", "contact_id": contact, "duration_seconds": 3, "outcome": "connected"})
            )
            .is_ok()
        );
    }

    #[test]
    fn an_activity_needs_a_record() {
        let errors = validate(json!({"kind": "note", "body": "x"})).expect_err("orphan");
        assert_eq!(errors.0[0].field, "contact_id");
    }

    #[test]
    fn a_task_defaults_to_its_owner_and_records_completion() {
        let fields = validate(
            json!({"kind": "task", "subject": "Rappeler", "company_id": CompanyId::new(), "done": true}),
        )
        .expect("valid");
        assert_eq!(fields.assignee_id, fields.owner_id);
        assert!(fields.done_at.is_some());
    }
}
