//! Tickets: the requests customer service answers, each numbered (`T-000123`), from a
//! requester, through a channel, with a priority and a status from new to closed. What was
//! said on a ticket lives on the timeline (activities linked to it), so it also shows on the
//! requester's and their company's.

use crate::business_hours::Calendar;
use crate::contacts::{CompanySummary, ContactSummary};
use crate::custom_fields::{CustomFieldDefinition, validate_values};
use crate::documents::{DealSummary, OrderSummary};
use crate::ids::{CompanyId, ContactId, DealId, OrderId, TeamId, TicketId, UserId};
use crate::search::fold;
use crate::tags::clean_tags;
use crate::teams::TeamSummary;
use crate::validation::{ValidationErrors, check_length, clean_text};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Declares a closed set of names, each stored and written as its snake-case string.
macro_rules! named {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }
    };
}

named!(
    /// Where a ticket stands. A solved ticket that gets an answer from its requester opens
    /// again; a closed one is final (a new request is a new ticket).
    TicketStatus {
        /// Nobody has answered it yet.
        New => "new",
        Open => "open",
        /// Waiting for the requester's answer: its service-level clock stops.
        PendingCustomer => "pending_customer",
        /// Waiting for someone else (a supplier, a carrier).
        PendingThirdParty => "pending_third_party",
        Solved => "solved",
        Closed => "closed",
    }
);

named!(
    TicketPriority {
        Low => "low",
        Normal => "normal",
        High => "high",
        Urgent => "urgent",
    }
);

named!(
    /// How the request reached the company.
    TicketChannel {
        Email => "email",
        Phone => "phone",
        WebForm => "web_form",
        Chat => "chat",
        Portal => "portal",
        Api => "api",
    }
);

impl TicketStatus {
    /// Whether someone still has to act on it.
    pub fn is_unresolved(self) -> bool {
        !matches!(self, TicketStatus::Solved | TicketStatus::Closed)
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketInput {
    #[serde(default)]
    pub subject: Option<String>,
    /// The request as it was received.
    #[serde(default)]
    pub description: Option<String>,
    /// `new` when omitted.
    #[serde(default)]
    pub status: Option<TicketStatus>,
    /// `normal` when omitted.
    #[serde(default)]
    pub priority: Option<TicketPriority>,
    /// `api` when omitted.
    #[serde(default)]
    pub channel: Option<TicketChannel>,
    #[serde(default)]
    pub category: Option<String>,
    /// The requester.
    #[serde(default)]
    pub contact_id: Option<ContactId>,
    /// The requester's company when omitted.
    #[serde(default)]
    pub company_id: Option<CompanyId>,
    /// Who answers it. When omitted, whoever records it, unless they are a manager or an
    /// admin: the ticket then waits, unassigned, in the team's queue.
    #[serde(default)]
    pub assignee_id: Option<UserId>,
    /// The queue it waits in. When omitted on a new ticket, the team claiming its category,
    /// else its requester's language; a team that hands out in turn then gives it to one of
    /// its available members, unless someone was named.
    #[serde(default)]
    pub team_id: Option<TeamId>,
    /// The order it is about (a delivery, an invoice).
    #[serde(default)]
    pub order_id: Option<OrderId>,
    /// The deal it is about (a question before signing).
    #[serde(default)]
    pub deal_id: Option<DealId>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub custom_fields: Map<String, Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TicketFields {
    pub subject: String,
    pub description: Option<String>,
    pub status: TicketStatus,
    pub priority: TicketPriority,
    pub channel: TicketChannel,
    pub category: Option<String>,
    pub contact_id: Option<ContactId>,
    pub company_id: Option<CompanyId>,
    pub assignee_id: Option<UserId>,
    pub team_id: Option<TeamId>,
    pub order_id: Option<OrderId>,
    pub deal_id: Option<DealId>,
    pub tags: Vec<String>,
    #[schema(value_type = Object)]
    pub custom_fields: Map<String, Value>,
}

/// What a ticket's conversation has been so far, kept with it so service reports read one
/// row per ticket.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TicketTrack {
    /// The first public answer to the requester.
    pub first_response_at: Option<DateTime<Utc>>,
    /// Public answers to the requester.
    pub public_replies: i64,
    /// Times it opened again after being solved.
    pub reopened: i64,
    pub solved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The requester's score in the satisfaction survey, 1 to 5; none until they answer.
    pub satisfaction: Option<i16>,
    /// The ticket this one was merged into, where its conversation went on.
    pub merged_into_id: Option<TicketId>,
    /// Since when the requester waits for an answer to what they wrote after the first one:
    /// their oldest message not answered yet. None while nothing of theirs waits.
    pub awaiting_reply_since: Option<DateTime<Utc>>,
    /// Later messages of the requester answered within the next-response target, and after it.
    pub next_responses_met: i64,
    pub next_responses_missed: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Ticket {
    pub id: TicketId,
    /// In its series, from 1: the reference `T-000123` shows it.
    pub number: i64,
    pub reference: String,
    pub version: i64,
    #[serde(flatten)]
    pub fields: TicketFields,
    /// The requester and the company, named.
    pub contact: Option<ContactSummary>,
    /// Where answers to the requester go.
    pub requester_email: Option<String>,
    pub company: Option<CompanySummary>,
    /// The team, named.
    pub team: Option<TeamSummary>,
    /// The order and the deal it is about, named.
    pub order: Option<OrderSummary>,
    pub deal: Option<DealSummary>,
    #[serde(flatten)]
    pub track: TicketTrack,
    pub sla: TicketSla,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A ticket's service-level deadlines, and when they were missed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TicketSla {
    /// The policy that set them; none when no policy applies.
    pub policy: Option<String>,
    pub first_response_due_at: Option<DateTime<Utc>>,
    /// None while the ticket waits on its requester: the clock stops.
    pub resolution_due_at: Option<DateTime<Utc>>,
    /// When the clock stopped, while it is stopped.
    pub paused_at: Option<DateTime<Utc>>,
    /// Business seconds the clock stood still, added to the resolution target.
    pub paused_seconds: i64,
    /// When the first answer's deadline was found missed.
    pub first_response_breached_at: Option<DateTime<Utc>>,
    pub resolution_breached_at: Option<DateTime<Utc>>,
    /// The deadline to answer the requester's waiting message, while one waits.
    pub next_response_due_at: Option<DateTime<Utc>>,
    /// When that deadline was found missed, until the answer goes out.
    pub next_response_breached_at: Option<DateTime<Utc>>,
}

/// What the service levels promise a ticket: the policy that names it (if any), its targets
/// in business minutes, and the calendar they are counted in.
#[derive(Clone, Debug, PartialEq)]
pub struct SlaPlan {
    pub policy: Option<String>,
    pub first_response_minutes: Option<u32>,
    pub next_response_minutes: Option<u32>,
    pub resolution_minutes: Option<u32>,
    pub calendar: Calendar,
}

impl TicketPriority {
    /// The priority above, urgent staying urgent.
    pub fn raised(self) -> TicketPriority {
        match self {
            TicketPriority::Low => TicketPriority::Normal,
            TicketPriority::Normal => TicketPriority::High,
            TicketPriority::High | TicketPriority::Urgent => TicketPriority::Urgent,
        }
    }
}

impl SlaPlan {
    /// When a requester's message written at `since` is to be answered by.
    fn next_response_due(&self, since: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
        let minutes = self.next_response_minutes?;
        self.calendar.add(since?, Duration::minutes(i64::from(minutes)))
    }
}

impl TicketSla {
    /// The deadlines of a ticket with `fields`, created at `created_at`, as they stand at
    /// `at` under `plan`: waiting on the requester stops the resolution clock, and the
    /// business time it stood still moves its deadline. A deadline passed by the time the
    /// ticket was answered or solved is recorded as missed. Without a plan nothing changes.
    pub fn follow(
        &self,
        plan: Option<&SlaPlan>,
        fields: &TicketFields,
        track: &TicketTrack,
        created_at: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> TicketSla {
        let Some(plan) = plan else {
            return self.clone();
        };
        let calendar = &plan.calendar;
        let mut sla = self.clone();
        let waiting = fields.status == TicketStatus::PendingCustomer;
        match (sla.paused_at, waiting) {
            (None, true) => sla.paused_at = Some(at),
            (Some(since), false) => {
                sla.paused_seconds += calendar.between(since, at).num_seconds();
                sla.paused_at = None;
            }
            _ => {}
        }
        sla.policy = plan.policy.clone();
        sla.first_response_due_at = plan
            .first_response_minutes
            .and_then(|m| calendar.add(created_at, Duration::minutes(i64::from(m))));
        sla.resolution_due_at = match sla.paused_at {
            Some(_) => None,
            None => plan.resolution_minutes.and_then(|m| {
                calendar
                    .add(created_at, Duration::minutes(i64::from(m)) + Duration::seconds(sla.paused_seconds))
            }),
        };
        sla.next_response_due_at = plan.next_response_due(track.awaiting_reply_since);
        sla.missed(track)
    }

    /// Records the deadlines the answer or the solution came after.
    fn missed(mut self, track: &TicketTrack) -> TicketSla {
        if let (None, Some(due), Some(answered)) =
            (self.first_response_breached_at, self.first_response_due_at, track.first_response_at)
            && answered > due
        {
            self.first_response_breached_at = Some(due);
        }
        if let (None, Some(due), Some(solved)) =
            (self.resolution_breached_at, self.resolution_due_at, track.solved_at)
            && solved > due
        {
            self.resolution_breached_at = Some(due);
        }
        self
    }
}

/// The records a ticket names, as it shows them, and the service levels' promise its
/// deadlines follow.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TicketRefs {
    pub plan: Option<SlaPlan>,
    pub contact: Option<ContactSummary>,
    pub requester_email: Option<String>,
    pub company: Option<CompanySummary>,
    pub team: Option<TeamSummary>,
    pub order: Option<OrderSummary>,
    pub deal: Option<DealSummary>,
}

/// A service-level deadline a ticket can miss.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deadline {
    FirstResponse,
    NextResponse,
    Resolution,
}

impl Deadline {
    pub fn as_str(self) -> &'static str {
        match self {
            Deadline::FirstResponse => "first_response",
            Deadline::NextResponse => "next_response",
            Deadline::Resolution => "resolution",
        }
    }
}

/// A ticket's reference: `T-` and its number on at least six digits.
pub fn reference(number: i64) -> String {
    format!("T-{number:06}")
}

/// The number a typed reference names (`T-000123`, `t123`, `T-123`), if it is one.
pub fn parse_reference(text: &str) -> Option<i64> {
    let text = text.trim();
    let rest = text.strip_prefix(['T', 't'])?;
    let digits = rest.strip_prefix('-').unwrap_or(rest);
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|n| *n > 0)
}

impl Ticket {
    /// A new ticket, unnumbered until the transaction that stores it gives it its number.
    pub fn new(fields: TicketFields, refs: TicketRefs, at: DateTime<Utc>) -> Ticket {
        let mut ticket = Ticket {
            id: TicketId::new(),
            number: 0,
            reference: String::new(),
            version: 1,
            fields,
            contact: refs.contact,
            requester_email: refs.requester_email,
            company: refs.company,
            team: refs.team,
            order: refs.order,
            deal: refs.deal,
            track: TicketTrack::default(),
            sla: TicketSla::default(),
            created_at: at,
            updated_at: at,
        };
        ticket.track = ticket.track.after(None, ticket.fields.status, at);
        ticket.sla = ticket.sla.follow(refs.plan.as_ref(), &ticket.fields, &ticket.track, at, at);
        ticket
    }

    /// The records it names as it shows them, under `plan`: what a change of nothing it names
    /// keeps.
    pub fn refs(&self, plan: Option<SlaPlan>) -> TicketRefs {
        TicketRefs {
            plan,
            contact: self.contact.clone(),
            requester_email: self.requester_email.clone(),
            company: self.company.clone(),
            team: self.team.clone(),
            order: self.order.clone(),
            deal: self.deal.clone(),
        }
    }

    pub fn numbered(&mut self, number: i64) {
        self.number = number;
        self.reference = reference(number);
    }

    /// The ticket after `fields` replaced its own at `at`: solving it or closing it is dated,
    /// and opening it again after it was solved is counted.
    pub fn changed(&self, fields: TicketFields, refs: TicketRefs, at: DateTime<Utc>) -> Ticket {
        let track = self.track.after(Some(self.fields.status), fields.status, at);
        let sla = self.sla.follow(refs.plan.as_ref(), &fields, &track, self.created_at, at);
        Ticket {
            sla,
            version: self.version + 1,
            fields,
            contact: refs.contact,
            requester_email: refs.requester_email,
            company: refs.company,
            team: refs.team,
            order: refs.order,
            deal: refs.deal,
            track,
            updated_at: at,
            ..self.clone()
        }
    }

    /// The ticket once a public answer to its requester went out at `at`: the first one is
    /// dated, and one to a waiting message counts as on time or late (unless it was already
    /// found late) and ends the wait.
    pub fn answered(mut self, at: DateTime<Utc>) -> Ticket {
        self.track.first_response_at.get_or_insert(at);
        self.track.public_replies += 1;
        if self.track.awaiting_reply_since.take().is_some() {
            match self.sla.next_response_due_at.take() {
                Some(_) if self.sla.next_response_breached_at.is_some() => {}
                Some(due) if at > due => self.track.next_responses_missed += 1,
                Some(_) => self.track.next_responses_met += 1,
                None => {}
            }
            self.sla.next_response_breached_at = None;
        }
        self.sla = self.sla.missed(&self.track);
        self
    }

    /// The ticket once its requester wrote again at `at`: after the first answer, their
    /// message waits for the next one, by `plan`'s deadline, counted from the oldest message
    /// still unanswered.
    pub fn asked(mut self, at: DateTime<Utc>, plan: Option<&SlaPlan>) -> Ticket {
        if self.starts_a_wait() && self.fields.status.is_unresolved() {
            self.track.awaiting_reply_since = Some(at);
            if let Some(plan) = plan {
                self.sla.next_response_due_at = plan.next_response_due(Some(at));
            }
        }
        self
    }

    /// Whether a message of its requester now starts a wait for the next answer: after the
    /// first answer, when none of theirs waits yet.
    pub fn starts_a_wait(&self) -> bool {
        self.track.first_response_at.is_some() && self.track.awaiting_reply_since.is_none()
    }

    /// The ticket once its requester scored it at `at`.
    pub fn rated(&self, score: i16, at: DateTime<Utc>) -> Ticket {
        let mut rated = self.clone();
        rated.track.satisfaction = Some(score);
        rated.version += 1;
        rated.updated_at = at;
        rated
    }

    /// Solved at the first answer and never opened again: what first-contact resolution counts.
    pub fn resolved_at_first_contact(&self) -> bool {
        !self.fields.status.is_unresolved() && self.track.public_replies <= 1 && self.track.reopened == 0
    }

    /// The folded text a ticket is found by: its reference and its subject.
    pub fn search_text(&self) -> String {
        fold(&format!("{} {}", self.reference, self.fields.subject))
    }
}

impl TicketTrack {
    fn after(self, from: Option<TicketStatus>, to: TicketStatus, at: DateTime<Utc>) -> TicketTrack {
        let mut track = self;
        if from == Some(to) {
            return track;
        }
        // A solved ticket waits on nobody: no answer is owed any more.
        match to {
            TicketStatus::Solved => {
                track.solved_at = Some(at);
                track.awaiting_reply_since = None;
            }
            TicketStatus::Closed => {
                track.solved_at.get_or_insert(at);
                track.closed_at = Some(at);
                track.awaiting_reply_since = None;
            }
            _ => {
                if from == Some(TicketStatus::Solved) {
                    track.reopened += 1;
                }
                track.solved_at = None;
            }
        }
        track
    }
}

impl TicketInput {
    /// Parses every field, collecting all errors. `current` is the ticket being changed;
    /// `assignee_default` fills a missing assignee on a new ticket.
    pub fn validate(
        self,
        definitions: &[CustomFieldDefinition],
        current: Option<&TicketFields>,
        assignee_default: Option<UserId>,
    ) -> Result<TicketFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let subject = clean_text(self.subject);
        check_length(&mut errors, "subject", &subject, 200);
        if subject.is_none() {
            errors.add("subject", "is required");
        }
        let description = clean_text(self.description);
        check_length(&mut errors, "description", &description, 100_000);
        let category = clean_text(self.category);
        check_length(&mut errors, "category", &category, 100);
        let status = self.status.unwrap_or(TicketStatus::New);
        let before = current.map(|c| c.status);
        if let Some(before) = before
            && before != status
        {
            if before == TicketStatus::Closed {
                errors.add("status", "a closed ticket stays closed; a new request is a new ticket");
            } else if status == TicketStatus::New {
                errors.add("status", "a ticket that was worked on is no longer new");
            }
        }
        let tags = clean_tags(self.tags, &mut errors);
        let custom_fields = validate_values(self.custom_fields, definitions, &mut errors);
        errors.into_result()?;
        Ok(TicketFields {
            subject: subject.unwrap_or_default(),
            description,
            status,
            priority: self.priority.unwrap_or(TicketPriority::Normal),
            channel: self.channel.unwrap_or(TicketChannel::Api),
            category,
            contact_id: self.contact_id,
            company_id: self.company_id,
            assignee_id: match current {
                Some(_) => self.assignee_id,
                None => self.assignee_id.or(assignee_default),
            },
            team_id: self.team_id,
            order_id: self.order_id,
            deal_id: self.deal_id,
            tags,
            custom_fields,
        })
    }
}

impl TicketFields {
    pub fn to_input(&self) -> TicketInput {
        TicketInput {
            subject: Some(self.subject.clone()),
            description: self.description.clone(),
            status: Some(self.status),
            priority: Some(self.priority),
            channel: Some(self.channel),
            category: self.category.clone(),
            contact_id: self.contact_id,
            company_id: self.company_id,
            assignee_id: self.assignee_id,
            team_id: self.team_id,
            order_id: self.order_id,
            deal_id: self.deal_id,
            tags: self.tags.clone(),
            custom_fields: self.custom_fields.clone(),
        }
    }
}

/// A message added to a ticket's conversation by someone of the team: an answer to the
/// requester, an internal note, or what the requester said by another way (a call).
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketMessageInput {
    #[serde(default)]
    pub body: Option<String>,
    /// Seen by the team alone; a public answer to the requester when false or omitted.
    #[serde(default)]
    pub internal: bool,
    /// What the requester said, recorded by the team: it opens a solved ticket again.
    #[serde(default)]
    pub from_requester: bool,
    /// The status the ticket takes with it; an answer opens a new ticket, a requester's
    /// message opens a pending or solved one, when omitted.
    #[serde(default)]
    pub status: Option<TicketStatus>,
}

/// A message, read.
#[derive(Clone, Debug, PartialEq)]
pub struct TicketMessage {
    pub body: String,
    pub internal: bool,
    pub from_requester: bool,
    pub status: Option<TicketStatus>,
}

impl TicketMessageInput {
    pub fn validate(self) -> Result<TicketMessage, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let body = clean_text(self.body);
        check_length(&mut errors, "body", &body, 100_000);
        if body.is_none() {
            errors.add("body", "is required");
        }
        if self.internal && self.from_requester {
            errors.add("internal", "what the requester said is not an internal note");
        }
        errors.into_result()?;
        Ok(TicketMessage {
            body: body.unwrap_or_default(),
            internal: self.internal,
            from_requester: self.from_requester,
            status: self.status,
        })
    }
}

impl TicketMessage {
    /// The status a ticket now `current` takes with this message.
    pub fn next_status(&self, current: TicketStatus) -> TicketStatus {
        if let Some(status) = self.status {
            return status;
        }
        match (current, self.from_requester, self.internal) {
            (TicketStatus::New, false, false) => TicketStatus::Open,
            (TicketStatus::PendingCustomer | TicketStatus::Solved | TicketStatus::New, true, _) => {
                TicketStatus::Open
            }
            (current, _, _) => current,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, hour, 0, 0).single().unwrap_or_default()
    }

    fn fields(status: TicketStatus) -> TicketFields {
        TicketInput { subject: Some("Printer".into()), status: Some(status), ..TicketInput::default() }
            .validate(&[], None, None)
            .unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn a_ticket_needs_a_subject_and_starts_new_normal_and_assigned_to_who_records_it() {
        let errors = TicketInput::default().validate(&[], None, None).err().unwrap_or_default();
        assert_eq!(errors.0.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["subject"]);
        let me = UserId::new();
        let ticket = TicketInput { subject: Some(" Printer ".into()), ..TicketInput::default() }
            .validate(&[], None, Some(me))
            .ok();
        assert_eq!(ticket.as_ref().map(|t| t.status), Some(TicketStatus::New));
        assert_eq!(ticket.as_ref().map(|t| t.priority), Some(TicketPriority::Normal));
        assert_eq!(ticket.as_ref().and_then(|t| t.assignee_id), Some(me));
        assert_eq!(ticket.map(|t| t.subject), Some("Printer".to_owned()));
    }

    #[test]
    fn closed_is_final_and_new_is_only_the_beginning() {
        let closed = fields(TicketStatus::Closed);
        let reopen = TicketInput { status: Some(TicketStatus::Open), ..closed.to_input() };
        assert!(reopen.validate(&[], Some(&closed), None).is_err());
        let open = fields(TicketStatus::Open);
        let back = TicketInput { status: Some(TicketStatus::New), ..open.to_input() };
        assert!(back.validate(&[], Some(&open), None).is_err());
    }

    #[test]
    fn solving_dates_it_and_opening_it_again_counts() {
        let ticket = Ticket::new(fields(TicketStatus::New), TicketRefs::default(), at(8));
        let solved = ticket.changed(fields(TicketStatus::Solved), TicketRefs::default(), at(9));
        assert_eq!(solved.track.solved_at, Some(at(9)));
        let reopened = solved.changed(fields(TicketStatus::Open), TicketRefs::default(), at(10));
        assert_eq!((reopened.track.solved_at, reopened.track.reopened), (None, 1));
        let closed = reopened.changed(fields(TicketStatus::Closed), TicketRefs::default(), at(11));
        assert_eq!((closed.track.solved_at, closed.track.closed_at), (Some(at(11)), Some(at(11))));
        assert!(!closed.resolved_at_first_contact(), "it was opened again");
    }

    #[test]
    fn the_first_public_answer_is_kept_and_answers_are_counted() {
        let ticket = Ticket::new(fields(TicketStatus::New), TicketRefs::default(), at(8));
        let answered = ticket.answered(at(9)).answered(at(10));
        assert_eq!(answered.track.first_response_at, Some(at(9)));
        assert_eq!(answered.track.public_replies, 2);
    }

    fn round_the_clock() -> SlaPlan {
        SlaPlan {
            policy: Some("Toutes".into()),
            first_response_minutes: Some(60),
            next_response_minutes: Some(120),
            resolution_minutes: Some(600),
            calendar: Calendar::always(chrono_tz::Etc::UTC),
        }
    }

    #[test]
    fn waiting_on_the_requester_stops_the_resolution_clock_and_late_answers_are_recorded() {
        let refs = TicketRefs { plan: Some(round_the_clock()), ..TicketRefs::default() };
        let ticket = Ticket::new(fields(TicketStatus::New), refs.clone(), at(8));
        assert_eq!(ticket.sla.policy.as_deref(), Some("Toutes"));
        assert_eq!(
            (ticket.sla.first_response_due_at, ticket.sla.resolution_due_at),
            (Some(at(9)), Some(at(18)))
        );
        let waiting = ticket.changed(fields(TicketStatus::PendingCustomer), refs.clone(), at(10));
        assert_eq!((waiting.sla.paused_at, waiting.sla.resolution_due_at), (Some(at(10)), None));
        let back = waiting.changed(fields(TicketStatus::Open), refs.clone(), at(12));
        assert_eq!(back.sla.resolution_due_at, Some(at(20)), "two hours of waiting move it two hours");
        assert_eq!((back.sla.paused_at, back.sla.paused_seconds), (None, 7200));
        assert_eq!(back.sla.first_response_breached_at, None);
        let late = back.answered(at(13));
        assert_eq!(late.sla.first_response_breached_at, Some(at(9)), "answered after its deadline");
        let solved = late.changed(fields(TicketStatus::Solved), refs, at(21));
        assert_eq!(solved.sla.resolution_breached_at, Some(at(20)));
    }

    #[test]
    fn each_later_message_of_the_requester_is_owed_an_answer_by_its_own_deadline() {
        let refs = TicketRefs { plan: Some(round_the_clock()), ..TicketRefs::default() };
        let plan = refs.plan.as_ref();
        let ticket = Ticket::new(fields(TicketStatus::New), refs.clone(), at(8));
        let early = ticket.asked(at(8), plan);
        assert_eq!(early.track.awaiting_reply_since, None, "the first answer's deadline covers it");
        let answered = early.answered(at(9));
        let asked = answered.asked(at(10), plan).asked(at(11), plan);
        assert_eq!(asked.track.awaiting_reply_since, Some(at(10)), "the oldest unanswered message");
        assert_eq!(asked.sla.next_response_due_at, Some(at(12)));
        let edited = asked.changed(fields(TicketStatus::Open), refs.clone(), at(11));
        assert_eq!(edited.sla.next_response_due_at, Some(at(12)), "a change keeps the deadline");
        let on_time = edited.answered(at(12));
        assert_eq!((on_time.track.next_responses_met, on_time.track.next_responses_missed), (1, 0));
        assert_eq!((on_time.track.awaiting_reply_since, on_time.sla.next_response_due_at), (None, None));
        let late = on_time.asked(at(13), plan).answered(at(16));
        assert_eq!((late.track.next_responses_met, late.track.next_responses_missed), (1, 1));
        let mut found_late = late.asked(at(17), plan);
        // As the deadline watch records it: found missed, and counted.
        found_late.sla.next_response_breached_at = Some(at(19));
        found_late.track.next_responses_missed += 1;
        let counted_once = found_late.answered(at(20));
        assert_eq!(counted_once.track.next_responses_missed, 2, "the watch already counted it");
        assert_eq!(counted_once.sla.next_response_breached_at, None, "the next wait starts clean");
        let solved = counted_once.asked(at(21), plan).changed(fields(TicketStatus::Solved), refs, at(21));
        assert_eq!((solved.track.awaiting_reply_since, solved.sla.next_response_due_at), (None, None));
    }

    #[test]
    fn a_message_moves_the_ticket_as_a_help_desk_expects() {
        let message = |internal, from_requester| TicketMessage {
            body: "…".into(),
            internal,
            from_requester,
            status: None,
        };
        assert_eq!(message(false, false).next_status(TicketStatus::New), TicketStatus::Open);
        assert_eq!(message(true, false).next_status(TicketStatus::New), TicketStatus::New);
        assert_eq!(message(false, true).next_status(TicketStatus::Solved), TicketStatus::Open);
        assert_eq!(message(false, true).next_status(TicketStatus::PendingCustomer), TicketStatus::Open);
        assert_eq!(message(false, true).next_status(TicketStatus::Closed), TicketStatus::Closed);
        let pending = TicketMessage { status: Some(TicketStatus::PendingCustomer), ..message(false, false) };
        assert_eq!(pending.next_status(TicketStatus::New), TicketStatus::PendingCustomer);
        assert_eq!(reference(123), "T-000123");
        assert_eq!(parse_reference(" T-000123 "), Some(123));
        assert_eq!(parse_reference("t123"), Some(123));
        assert_eq!(
            (parse_reference("T-"), parse_reference("Toner"), parse_reference("123")),
            (None, None, None)
        );
        assert!(
            TicketMessageInput { body: Some("x".into()), internal: true, from_requester: true, status: None }
                .validate()
                .is_err()
        );
    }
}
