//! Merging a ticket into another (the same request asked twice becomes one, its conversation
//! moved to the ticket it joins, itself closed and pointing there), and splitting one (a
//! message that asks something else becomes a ticket of its own).

use crate::changes::{Origin, announce};
use crate::kind::Kind;
use crate::tickets::Tickets;
use crate::{App, AppError};
use comptoir_domain::ValidationErrors;
use comptoir_domain::ids::{ActivityId, TicketId};
use comptoir_domain::kinds::Milestone;
use comptoir_domain::listing::ListQuery;
use comptoir_domain::tickets::{Ticket, TicketInput, TicketStatus, parse_reference};
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use serde_json::json;
use uuid::Uuid;

/// A merge done: the ticket that remains, the one merged into it, and the messages moved.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TicketMerged {
    /// The ticket that remains, where the conversation goes on.
    pub ticket: Ticket,
    /// The ticket merged into it: closed, with `merged_into_id`.
    pub merged: Ticket,
    /// The activities moved from one to the other.
    pub moved: Vec<ActivityId>,
}

/// What a merge names as the ticket to join.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct TicketMergeInput {
    /// The ticket to merge into: its id or its reference (`T-000123`).
    #[serde(default)]
    pub into: Option<String>,
}

impl App {
    /// Merges ticket `id` into the one `input` names, in one transaction: every message,
    /// activity and file of `id` moves there (still on their contacts' timelines), `id` is
    /// closed with `merged_into_id`, and the ticket that remains announces `ticket.merged`.
    /// Both must be tickets the actor may change,
    /// neither closed, and from the same requester: a customer reads their ticket's
    /// conversation in the portal, and must never find someone else's there. `if_match` is
    /// `id`'s version.
    pub async fn merge_ticket(
        &self,
        actor: &Actor,
        id: TicketId,
        input: TicketMergeInput,
        if_match: Option<i64>,
    ) -> Result<TicketMerged, AppError> {
        let into = self.named_ticket(actor, input.into.as_deref()).await?;
        let current = self.get::<Tickets>(actor, id).await?;
        let target = match self.get::<Tickets>(actor, into).await {
            Err(AppError::NotFound) => return Err(no_ticket().into()),
            found => found?,
        };
        if target.id == current.id {
            return Err(ValidationErrors::single("into", "a ticket cannot be merged into itself").into());
        }
        if target.fields.status == TicketStatus::Closed {
            return Err(ValidationErrors::single("into", "is closed; merge into a ticket still open").into());
        }
        if current.fields.status == TicketStatus::Closed {
            return Err(ValidationErrors::single("status", "a closed ticket is not merged").into());
        }
        if target.fields.contact_id != current.fields.contact_id {
            return Err(ValidationErrors::single(
                "into",
                "has another requester; only one person's requests are merged",
            )
            .into());
        }
        if !Tickets::may_change(actor, &target) {
            return Err(AppError::Forbidden(Tickets::REFUSALS.change));
        }
        let close = |mut input: TicketInput| {
            input.status = Some(TicketStatus::Closed);
            Ok(input)
        };
        let mut merged = self.prepare_change::<Tickets>(actor, &current, close, if_match).await?;
        merged.track.merged_into_id = Some(target.id);
        let mut tx = self.db.begin().await?;
        self.store_change::<Tickets>(&mut tx, actor, &current, &merged, if_match, None).await?;
        let moved = comptoir_store::activities::move_to_ticket(&mut tx, current.id, target.id, now()).await?;
        comptoir_store::attachments::move_to(&mut tx, current.id, target.id).await?;
        // Announced on the ticket that remains, as a merge of contacts is on the survivor.
        let payload =
            json!({"merged_id": merged.id, "merged_reference": merged.reference, "moved": moved.len()});
        let origin = Origin { actor: Some(actor), operation: None };
        announce(&mut tx, origin, Tickets::OBJECT, target.id.0, Milestone::Merged, payload).await?;
        tx.commit().await?;
        Ok(TicketMerged { ticket: target, merged, moved })
    }

    /// The ticket `named` by its id or its reference; a validation error on `into` otherwise.
    async fn named_ticket(&self, actor: &Actor, named: Option<&str>) -> Result<TicketId, AppError> {
        let named = named.map(str::trim).unwrap_or_default();
        if named.is_empty() {
            return Err(ValidationErrors::single("into", "is required").into());
        }
        if let Ok(id) = Uuid::parse_str(named) {
            return Ok(TicketId(id));
        }
        let number = parse_reference(named).ok_or_else(no_ticket)?;
        let pairs = [("filter[number]".to_owned(), number.to_string()), ("limit".to_owned(), "1".to_owned())];
        let query = ListQuery::parse(&pairs, &[])?;
        let found = self.list::<Tickets>(actor, &query).await?.data.into_iter().next();
        Ok(found.ok_or_else(no_ticket)?.id)
    }
}

/// What a split takes out of a ticket.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct TicketSplitInput {
    /// The message (an activity of the ticket) that asks something else.
    #[serde(default)]
    pub activity_id: Option<ActivityId>,
    /// The new ticket's subject; the ticket's own when omitted.
    #[serde(default)]
    pub subject: Option<String>,
}

/// A split done: the new ticket, and the one it came out of.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TicketSplit {
    pub ticket: Ticket,
    pub from: Ticket,
}

impl App {
    /// Splits a message out of ticket `id` into a new ticket for the same requester and
    /// company, with the same priority, channel and category, in one transaction: the message
    /// moves there and opens its conversation. The actor must be able to change `id` and to
    /// open tickets; the new one is assigned as any ticket they open.
    pub async fn split_ticket(
        &self,
        actor: &Actor,
        id: TicketId,
        input: TicketSplitInput,
    ) -> Result<TicketSplit, AppError> {
        let from = self.get::<Tickets>(actor, id).await?;
        if !Tickets::may_change(actor, &from) {
            return Err(AppError::Forbidden(Tickets::REFUSALS.change));
        }
        let not_here = || ValidationErrors::single("activity_id", "is no message of this ticket");
        let activity =
            input.activity_id.ok_or_else(|| ValidationErrors::single("activity_id", "is required"))?;
        comptoir_store::activities::get(&self.db, activity)
            .await?
            .filter(|a| a.fields.ticket_id == Some(id))
            .ok_or_else(not_here)?;
        let f = &from.fields;
        let asked = TicketInput {
            subject: input.subject.or_else(|| Some(f.subject.clone())),
            priority: Some(f.priority),
            channel: Some(f.channel),
            category: f.category.clone(),
            contact_id: f.contact_id,
            company_id: f.company_id,
            ..TicketInput::default()
        };
        let created = self.prepare_new::<Tickets>(actor, asked).await?;
        let mut tx = self.db.begin().await?;
        let created = self.store_new::<Tickets>(&mut tx, actor, created).await?;
        if !comptoir_store::activities::move_one_to_ticket(&mut tx, activity, id, created.id, now()).await? {
            return Err(not_here().into());
        }
        tx.commit().await?;
        Ok(TicketSplit { ticket: created, from })
    }
}

fn no_ticket() -> ValidationErrors {
    ValidationErrors::single("into", "is no ticket's id or reference (T-000123)")
}
