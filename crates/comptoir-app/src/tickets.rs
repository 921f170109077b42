//! Tickets: customer service's requests, each answered on its own conversation, from new
//! to solved.

use crate::activities::Activities;
use crate::bulk::BulkKind;
use crate::contacts::Contacts;
use crate::kind::{Kind, Refusals};
use crate::{App, AppError};
use chrono::{DateTime, Datelike, Utc};
use comptoir_domain::ValidationErrors;
use comptoir_domain::activities::{Activity, ActivityInput, ActivityKind, Direction};
use comptoir_domain::contacts::{CompanySummary, ContactSummary};
use comptoir_domain::documents::{DealSummary, OrderSummary};
use comptoir_domain::ids::{ContactId, TicketId, UserId};
use comptoir_domain::kinds::{Milestone, ObjectType, RecordKind};
use comptoir_domain::listing::{Count, Filter, FilterOp, ListQuery, Page};
use comptoir_domain::service_report::{
    BACKLOG_CUTS_DAYS, ServiceReport, ServiceReportRow, ServiceReportScope, backlog_bands, gather,
};
use comptoir_domain::teams::route;
use comptoir_domain::tickets::{
    Ticket, TicketFields, TicketInput, TicketMessage, TicketMessageInput, TicketRefs, TicketStatus,
    parse_reference,
};
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_store::{StoreError, Tx};
use serde_json::{Value, json};
use std::borrow::Cow;

pub struct Tickets;

impl Kind for Tickets {
    type Id = TicketId;
    type Record = Ticket;
    type Fields = TicketFields;
    type Input = TicketInput;
    type Refs = TicketRefs;

    const OBJECT: ObjectType = ObjectType::Record(RecordKind::Ticket);
    const REFUSALS: Refusals = Refusals {
        create: "read-only users cannot open tickets",
        change: "you may only change tickets assigned to you or to no one",
        delete: "you may only delete tickets assigned to you",
        give: "only managers and admins give a ticket to someone else",
    };

    fn id(ticket: &Ticket) -> TicketId {
        ticket.id
    }
    fn version(ticket: &Ticket) -> i64 {
        ticket.version
    }
    fn fields(ticket: &Ticket) -> &TicketFields {
        &ticket.fields
    }
    fn owner(fields: &TicketFields) -> Option<UserId> {
        fields.assignee_id
    }
    fn input(fields: &TicketFields) -> TicketInput {
        fields.to_input()
    }

    /// A ticket nobody was given is the team's: anyone who writes may take it and work on it.
    fn may_change(actor: &Actor, current: &Ticket) -> bool {
        let assignee = current.fields.assignee_id;
        actor.can_modify(assignee) || (assignee.is_none() && actor.can_create_records())
    }

    /// A new ticket nobody is named for goes to whoever records it, unless they hand out work
    /// (managers and admins): then it waits in the team's queue.
    async fn validate(
        app: &App,
        actor: &Actor,
        input: TicketInput,
        current: Option<&Ticket>,
        _at: DateTime<Utc>,
    ) -> Result<TicketFields, AppError> {
        let assignee_default = (!actor.can_assign_to(None)).then_some(actor.user_id);
        ticket_fields(app, input, current, assignee_default).await
    }

    async fn references(
        app: &App,
        current: Option<&Ticket>,
        fields: &TicketFields,
    ) -> Result<TicketRefs, AppError> {
        let plan = Some(app.ticket_plan(fields).await?);
        if let Some(current) = current
            && fields.company_id == current.fields.company_id
            && fields.contact_id == current.fields.contact_id
            && fields.assignee_id == current.fields.assignee_id
            && fields.team_id == current.fields.team_id
            && fields.order_id == current.fields.order_id
            && fields.deal_id == current.fields.deal_id
        {
            // Each was checked when set, and the database keeps them (a deleted contact or
            // company clears them), so a change of anything else reads nothing more.
            return Ok(current.refs(plan));
        }
        let mut refs = TicketRefs { plan, ..TicketRefs::default() };
        let mut errors = ValidationErrors::new();
        if let Some(id) = fields.contact_id {
            match comptoir_store::contacts::get(&app.db, id).await? {
                Some(contact) => {
                    refs.contact = Some(ContactSummary { id, name: contact.fields.display_name() });
                    refs.requester_email = contact.fields.primary_email().map(ToString::to_string);
                }
                None => errors.add("contact_id", "is not a contact"),
            }
        }
        if let Some(id) = fields.company_id {
            match comptoir_store::companies::get(&app.db, id).await? {
                Some(company) => refs.company = Some(CompanySummary { id, name: company.fields.name }),
                None => errors.add("company_id", "is not a company"),
            }
        }
        app.check_user_exists(fields.assignee_id, "assignee_id", &mut errors).await?;
        if let Some(id) = fields.team_id {
            match comptoir_store::teams::get(&app.db, id).await? {
                Some(team) => refs.team = Some(team.summary()),
                None => errors.add("team_id", "is not a team"),
            }
        }
        if let Some(id) = fields.order_id {
            match comptoir_store::orders::get(&app.db, id).await? {
                Some(order) => refs.order = Some(OrderSummary { id, number: order.number }),
                None => errors.add("order_id", "is not an order"),
            }
        }
        if let Some(id) = fields.deal_id {
            match comptoir_store::deals::get(&app.db, id).await? {
                Some(deal) => refs.deal = Some(DealSummary { id, title: deal.fields.title }),
                None => errors.add("deal_id", "is not a deal"),
            }
        }
        errors.into_result()?;
        Ok(refs)
    }

    fn milestones(before: Option<&Ticket>, after: &Ticket) -> Vec<(Milestone, Value)> {
        let (was, is) = (before.map(|b| &b.fields), &after.fields);
        let mut reached = Vec::new();
        if let Some(assignee) = is.assignee_id
            && was.is_none_or(|was| was.assignee_id != Some(assignee))
        {
            reached.push((Milestone::Assigned, json!({"assignee_id": assignee})));
        }
        let status_before = was.map(|was| was.status);
        if status_before != Some(is.status) {
            if is.status == TicketStatus::Solved {
                reached.push((Milestone::Solved, json!({"reference": after.reference})));
            }
            if status_before == Some(TicketStatus::Solved) && is.status.is_unresolved() {
                reached.push((Milestone::Reopened, json!({"reference": after.reference})));
            }
        }
        // A deadline found missed by the change itself: answered or solved late.
        let (sla_before, sla) = (before.map(|b| &b.sla), &after.sla);
        for (deadline, was, is) in [
            (
                "first_response",
                sla_before.and_then(|s| s.first_response_breached_at),
                sla.first_response_breached_at,
            ),
            ("resolution", sla_before.and_then(|s| s.resolution_breached_at), sla.resolution_breached_at),
        ] {
            if let (None, Some(due_at)) = (was, is) {
                let payload = json!({"deadline": deadline, "due_at": due_at, "reference": after.reference});
                reached.push((Milestone::SlaBreached, payload));
            }
        }
        if let Some(before) = before
            && after.track.next_responses_missed > before.track.next_responses_missed
            && let Some(due_at) = before.sla.next_response_due_at
        {
            let payload =
                json!({"deadline": "next_response", "due_at": due_at, "reference": after.reference});
            reached.push((Milestone::SlaBreached, payload));
        }
        reached
    }

    /// A new ticket's number; and when a ticket comes to a team's queue (new, or moved there)
    /// for nobody in particular, the team member whose turn it is (when the team hands out in
    /// turn).
    async fn allot(tx: &mut Tx, before: Option<&Ticket>, ticket: &mut Ticket) -> Result<(), StoreError> {
        if before.is_none() {
            ticket.numbered(comptoir_store::documents::next_ticket_number(tx).await?);
        }
        let arrived = before.is_none_or(|before| before.fields.team_id != ticket.fields.team_id);
        if arrived
            && ticket.fields.assignee_id.is_none()
            && let Some(team) = ticket.fields.team_id
        {
            ticket.fields.assignee_id = comptoir_store::teams::take_turn(tx, team).await?;
        }
        Ok(())
    }

    fn build(current: Option<&Ticket>, fields: TicketFields, refs: TicketRefs, at: DateTime<Utc>) -> Ticket {
        match current {
            Some(current) => current.changed(fields, refs, at),
            None => Ticket::new(fields, refs, at),
        }
    }

    async fn fetch(app: &App, id: TicketId) -> Result<Option<Ticket>, AppError> {
        Ok(comptoir_store::tickets::get(&app.db, id).await?)
    }

    async fn page(app: &App, query: &ListQuery) -> Result<Page<Ticket>, AppError> {
        let definitions = app.definitions(RecordKind::Ticket).await?;
        let query = by_reference(query);
        Ok(comptoir_store::tickets::list(&app.db, &query, &definitions).await??)
    }

    async fn count(app: &App, query: &ListQuery) -> Result<Count, AppError> {
        let definitions = app.definitions(RecordKind::Ticket).await?;
        let query = by_reference(query);
        Ok(comptoir_store::tickets::count_matching(&app.db, &query, &definitions).await??)
    }

    async fn insert(tx: &mut Tx, ticket: &Ticket) -> Result<(), StoreError> {
        comptoir_store::tickets::insert(tx, ticket).await
    }

    async fn update(tx: &mut Tx, before: &Ticket, after: &Ticket) -> Result<(), StoreError> {
        comptoir_store::tickets::update(tx, before, after).await
    }

    async fn delete(tx: &mut Tx, ticket: &Ticket) -> Result<(), StoreError> {
        comptoir_store::tickets::delete(tx, ticket).await
    }
}

/// A ticket's fields from `input`. A ticket about someone and no company in particular is
/// about their company; a new one no team was named for goes where its category or its
/// requester's language sends it; `assignee_default` answers a new ticket that names nobody.
pub(crate) async fn ticket_fields(
    app: &App,
    mut input: TicketInput,
    current: Option<&Ticket>,
    assignee_default: Option<UserId>,
) -> Result<TicketFields, AppError> {
    let requester_changed = current.is_none_or(|c| c.fields.contact_id != input.contact_id);
    let unrouted = current.is_none() && input.team_id.is_none();
    let requester = match input.contact_id {
        Some(id) if unrouted || (requester_changed && input.company_id.is_none()) => {
            comptoir_store::contacts::get(&app.db, id).await?
        }
        _ => None,
    };
    if requester_changed && input.company_id.is_none() {
        input.company_id = requester.as_ref().and_then(|contact| contact.fields.company_id);
    }
    if unrouted {
        let routes = comptoir_store::teams::routes(&app.db).await?;
        let language = requester.as_ref().and_then(|contact| contact.fields.language.as_deref());
        input.team_id = route(&routes, input.category.as_deref(), language);
    }
    let definitions = app.definitions(RecordKind::Ticket).await?;
    Ok(input.validate(&definitions, current.map(|t| &t.fields), assignee_default)?)
}

/// A search for a reference (`T-000123`) is the ticket of that number, read by its unique
/// index, rather than a full-text search on which every ticket matches `t`.
fn by_reference(query: &ListQuery) -> Cow<'_, ListQuery> {
    match query.q.as_deref().and_then(parse_reference) {
        Some(number) => {
            let mut exact = query.clone();
            exact.q = None;
            exact.filters.push(Filter {
                field: "number".to_owned(),
                op: FilterOp::Eq,
                value: number.to_string(),
            });
            Cow::Owned(exact)
        }
        None => Cow::Borrowed(query),
    }
}

impl BulkKind for Tickets {
    const KIND: RecordKind = RecordKind::Ticket;

    fn owner_mut(input: &mut TicketInput) -> &mut Option<UserId> {
        &mut input.assignee_id
    }
    fn tags_mut(input: &mut TicketInput) -> &mut Vec<String> {
        &mut input.tags
    }
}

/// A message added to a ticket, and the ticket as it stands after it.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TicketMessageAdded {
    pub ticket: Ticket,
    /// The message, on the ticket's timeline.
    pub activity: Activity,
}

/// The activity that carries `message` on `ticket`'s timeline: an email to or from the
/// requester, or a note for the team.
pub(crate) fn message_activity(ticket: &Ticket, message: &TicketMessage) -> ActivityInput {
    let (kind, direction) = match (message.internal, message.from_requester) {
        (true, _) => (ActivityKind::Note, None),
        (false, true) => (ActivityKind::Email, Some(Direction::Inbound)),
        (false, false) => (ActivityKind::Email, Some(Direction::Outbound)),
    };
    ActivityInput {
        kind: Some(kind),
        subject: Some(format!("[{}] {}", ticket.reference, ticket.fields.subject)),
        body: Some(message.body.clone()),
        contact_id: ticket.fields.contact_id,
        company_id: ticket.fields.company_id,
        ticket_id: Some(ticket.id),
        direction,
        ..ActivityInput::default()
    }
}

impl App {
    /// Adds a message to a ticket's conversation and moves the ticket with it, in one
    /// transaction: an answer to the requester is counted (the first one dates the first
    /// response) and gives a ticket nobody had to whoever answers it; a message from the
    /// requester opens a solved or pending ticket again, and after the first answer waits for
    /// the next one. `if_match` is the ticket's version.
    pub async fn add_ticket_message(
        &self,
        actor: &Actor,
        id: TicketId,
        input: TicketMessageInput,
        if_match: Option<i64>,
    ) -> Result<TicketMessageAdded, AppError> {
        let message = input.validate()?;
        let current = self.get::<Tickets>(actor, id).await?;
        if current.fields.status == TicketStatus::Closed && !message.internal {
            return Err(ValidationErrors::single(
                "body",
                "a closed ticket takes no more messages; a new request is a new ticket",
            )
            .into());
        }
        let answer = !message.internal && !message.from_requester;
        let asks = !message.internal && message.from_requester;
        let status = message.next_status(current.fields.status);
        let takes = answer && current.fields.assignee_id.is_none();
        let activity = self.prepare_new::<Activities>(actor, message_activity(&current, &message)).await?;
        let waits = asks && current.starts_a_wait();
        let changed = if answer || status != current.fields.status || takes || waits {
            let edit = |mut input: TicketInput| {
                input.status = Some(status);
                if takes {
                    input.assignee_id = Some(actor.user_id);
                }
                Ok(input)
            };
            // The answer counts before the status it sets: an answer that also solves the
            // ticket still answers the requester's waiting message.
            let answered = answer.then(|| current.clone().answered(now()));
            let base = answered.as_ref().unwrap_or(&current);
            let changed = self.prepare_change::<Tickets>(actor, base, edit, if_match).await?;
            Some(if asks {
                let plan = self.ticket_plan(&changed.fields).await?;
                changed.asked(now(), Some(&plan))
            } else {
                changed
            })
        } else {
            crate::users::check_version(if_match, current.version)?;
            None
        };
        let mail = match &changed {
            Some(answered) if answer => self.ticket_answer_mail(answered, &message.body).await?,
            _ => None,
        };
        let mut tx = self.db.begin().await?;
        let activity = self.store_new::<Activities>(&mut tx, actor, activity).await?;
        if let Some(changed) = &changed {
            self.store_change::<Tickets>(&mut tx, actor, &current, changed, if_match, None).await?;
        }
        if let Some(mail) = &mail {
            comptoir_store::mail::queue(&mut tx, mail).await?;
        }
        tx.commit().await?;
        Ok(TicketMessageAdded { ticket: changed.unwrap_or(current), activity })
    }
}

impl App {
    /// The contact a form's requester address names: the one whose primary address it is.
    pub async fn requester_by_email(
        &self,
        actor: &Actor,
        email: &str,
        field: &str,
    ) -> Result<ContactId, AppError> {
        let pairs =
            [("filter[email]".to_owned(), email.trim().to_owned()), ("limit".to_owned(), "1".to_owned())];
        let query = ListQuery::parse(&pairs, &[])?;
        let found = self.list::<Contacts>(actor, &query).await?.data.into_iter().next();
        found.map(|contact| contact.id).ok_or_else(|| {
            ValidationErrors::single(field, "no contact has this email address; add them first").into()
        })
    }
}

/// The longest service report, in months.
pub const MAX_REPORT_MONTHS: u32 = 36;

impl App {
    /// Customer service over a period, whole and by assignee, channel or priority: tickets
    /// opened and solved, deadlines met and missed, first-contact resolutions, reopenings and
    /// the mean time to a first answer. Every role reads every ticket, so every role reads it.
    pub async fn service_report(
        &self,
        _actor: &Actor,
        scope: &ServiceReportScope,
    ) -> Result<ServiceReport, AppError> {
        let months = (scope.until.year() - scope.from.year()) * 12 + scope.until.month() as i32
            - scope.from.month() as i32;
        if months > MAX_REPORT_MONTHS as i32 {
            return Err(
                ValidationErrors::single("months", format!("at most {MAX_REPORT_MONTHS} months")).into()
            );
        }
        let kept = comptoir_store::service_totals::read(&self.db, scope.from, scope.until).await?;
        let (total, groups) = gather(kept, scope.by);
        let at = now();
        let cuts = BACKLOG_CUTS_DAYS.map(|days| at - chrono::Duration::days(days));
        let backlog = backlog_bands(&comptoir_store::service_totals::backlog(&self.db, cuts).await?);
        Ok(ServiceReport {
            from: scope.from,
            until: scope.until,
            by: scope.by,
            total: ServiceReportRow::new(None, total),
            groups: groups.into_iter().map(|(group, counts)| ServiceReportRow::new(group, counts)).collect(),
            backlog,
        })
    }
}
