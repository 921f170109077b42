//! Activity use cases: logging calls, notes, emails, meetings and tasks, and reading timelines.

use crate::kind::{Kind, Refusals};
use crate::{App, AppError};
use chrono::{DateTime, Utc};
use comptoir_domain::ValidationErrors;
use comptoir_domain::activities::{Activity, ActivityFields, ActivityInput, ActivityKind, TaskWindow};
use comptoir_domain::ids::{ActivityId, CompanyId, ContactId, DealId, TicketId, UserId};
use comptoir_domain::kinds::{ObjectType, RecordKind, RecordRef};
use comptoir_domain::listing::{Count, ListQuery, Page};
use comptoir_domain::users::Actor;
use comptoir_store::{StoreError, Tx};

/// The owner (or a manager) edits an activity; the assignee of a task may also mark it done
/// or not done, and nothing else.
pub fn can_modify(actor: &Actor, activity: &Activity) -> bool {
    actor.can_modify(activity.fields.owner_id) || is_assignee_only(actor, activity)
}

/// Whether the actor reaches this activity only as the task's assignee, not as its owner.
fn is_assignee_only(actor: &Actor, activity: &Activity) -> bool {
    !actor.can_modify(activity.fields.owner_id)
        && actor.can_create_records()
        && activity.fields.kind == ActivityKind::Task
        && activity.fields.assignee_id == Some(actor.user_id)
}

/// What an assignee changed may only be whether the task is done.
fn only_completion_changed(before: &ActivityFields, after: &ActivityFields) -> bool {
    ActivityFields { done: after.done, done_at: after.done_at, ..before.clone() } == *after
}

pub struct Activities;

/// Anyone who may write logs activity on any record: a call with someone else's customer is
/// still part of that customer's history.
impl Kind for Activities {
    type Id = ActivityId;
    type Record = Activity;
    type Fields = ActivityFields;
    type Input = ActivityInput;
    type Refs = ();

    const OBJECT: ObjectType = ObjectType::Activity;
    const REFUSALS: Refusals = Refusals {
        create: "read-only users cannot log activities",
        change: "you may only change activities you own or tasks assigned to you",
        delete: "you may only delete activities you own",
        give: "only managers and admins give an activity to someone else",
    };

    fn id(activity: &Activity) -> ActivityId {
        activity.id
    }
    fn version(activity: &Activity) -> i64 {
        activity.version
    }
    fn fields(activity: &Activity) -> &ActivityFields {
        &activity.fields
    }
    fn owner(fields: &ActivityFields) -> Option<UserId> {
        fields.owner_id
    }
    fn input(fields: &ActivityFields) -> ActivityInput {
        fields.to_input()
    }

    fn may_change(actor: &Actor, current: &Activity) -> bool {
        can_modify(actor, current)
    }

    fn may_make(actor: &Actor, current: &Activity, after: &ActivityFields) -> Result<(), AppError> {
        if is_assignee_only(actor, current) && !only_completion_changed(&current.fields, after) {
            return Err(AppError::Forbidden(
                "the assignee of a task may mark it done; only its owner changes the rest",
            ));
        }
        Ok(())
    }

    /// An empty owner keeps the current one; a new activity's is the actor. An activity about
    /// a deal or a ticket and no one in particular is about its contact and company, so it
    /// shows on their timelines too.
    async fn validate(
        app: &App,
        actor: &Actor,
        mut input: ActivityInput,
        current: Option<&Activity>,
        at: DateTime<Utc>,
    ) -> Result<ActivityFields, AppError> {
        if let Some(deal) = input.deal_id
            && input.contact_id.is_none()
            && input.company_id.is_none()
            && let Some(deal) = comptoir_store::deals::get(&app.db, deal).await?
        {
            input.contact_id = deal.fields.contact_id;
            input.company_id = deal.fields.company_id;
        }
        if let Some(ticket) = input.ticket_id
            && input.contact_id.is_none()
            && input.company_id.is_none()
            && let Some(ticket) = comptoir_store::tickets::get(&app.db, ticket).await?
        {
            input.contact_id = ticket.fields.contact_id;
            input.company_id = ticket.fields.company_id;
        }
        let owner = current.and_then(|c| c.fields.owner_id).unwrap_or(actor.user_id);
        Ok(input.validate(Some(owner), at, current.and_then(|c| c.fields.done_at))?)
    }

    async fn references(
        app: &App,
        _current: Option<&Activity>,
        fields: &ActivityFields,
    ) -> Result<(), AppError> {
        let mut errors = ValidationErrors::new();
        if let Some(contact) = fields.contact_id
            && !comptoir_store::contacts::exists(&app.db, contact).await?
        {
            errors.add("contact_id", "is not a contact");
        }
        if let Some(company) = fields.company_id
            && comptoir_store::companies::get(&app.db, company).await?.is_none()
        {
            errors.add("company_id", "is not a company");
        }
        if let Some(deal) = fields.deal_id
            && comptoir_store::deals::get(&app.db, deal).await?.is_none()
        {
            errors.add("deal_id", "is not a deal");
        }
        if let Some(ticket) = fields.ticket_id
            && comptoir_store::tickets::get(&app.db, ticket).await?.is_none()
        {
            errors.add("ticket_id", "is not a ticket");
        }
        app.check_user_exists(fields.assignee_id, "assignee_id", &mut errors).await?;
        app.check_user_exists(fields.owner_id, "owner_id", &mut errors).await?;
        Ok(errors.into_result()?)
    }

    fn build(current: Option<&Activity>, fields: ActivityFields, _refs: (), at: DateTime<Utc>) -> Activity {
        match current {
            Some(current) => {
                Activity { version: current.version + 1, fields, updated_at: at, ..current.clone() }
            }
            None => Activity { id: ActivityId::new(), version: 1, fields, created_at: at, updated_at: at },
        }
    }

    async fn fetch(app: &App, id: ActivityId) -> Result<Option<Activity>, AppError> {
        Ok(comptoir_store::activities::get(&app.db, id).await?)
    }

    async fn page(app: &App, query: &ListQuery) -> Result<Page<Activity>, AppError> {
        Ok(comptoir_store::activities::list(&app.db, None, query).await??)
    }

    async fn count(app: &App, query: &ListQuery) -> Result<Count, AppError> {
        Ok(comptoir_store::activities::count_matching(&app.db, query).await??)
    }

    /// Its contact's last activity moves with it.
    async fn insert(tx: &mut Tx, activity: &Activity) -> Result<(), StoreError> {
        comptoir_store::activities::insert(tx, activity).await?;
        touch_contact(tx, activity).await
    }

    async fn update(tx: &mut Tx, before: &Activity, after: &Activity) -> Result<(), StoreError> {
        comptoir_store::activities::update(tx, after, before.version).await?;
        touch_contact(tx, after).await
    }

    async fn delete(tx: &mut Tx, activity: &Activity) -> Result<(), StoreError> {
        comptoir_store::activities::delete(tx, activity.id, activity.version).await
    }
}

async fn touch_contact(tx: &mut Tx, activity: &Activity) -> Result<(), StoreError> {
    match activity.fields.contact_id {
        Some(contact) => {
            comptoir_store::contacts::touch_last_activity(tx, contact, activity.fields.occurred_at).await
        }
        None => Ok(()),
    }
}

impl App {
    /// The open tasks in `window`, soonest due first. Every role reads every task.
    pub async fn open_tasks(
        &self,
        _actor: &Actor,
        window: &TaskWindow,
        limit: i64,
    ) -> Result<Vec<Activity>, AppError> {
        Ok(comptoir_store::activities::open_tasks(&self.db, window, limit).await?)
    }

    /// How many open tasks `window` holds (counted as lists count, see `comptoir_store::count`).
    pub async fn count_open_tasks(&self, _actor: &Actor, window: &TaskWindow) -> Result<Count, AppError> {
        Ok(comptoir_store::activities::count_open_tasks(&self.db, window).await?)
    }

    /// A record's activities (a contact's include those of the deals they take part in; a
    /// company's include its contacts'; a deal's are those linked to it), newest first unless
    /// `sort` says otherwise. Every role reads every timeline.
    pub async fn timeline(
        &self,
        _actor: &Actor,
        of: RecordRef,
        query: &ListQuery,
    ) -> Result<Page<Activity>, AppError> {
        let found = match of.kind {
            RecordKind::Contact => comptoir_store::contacts::exists(&self.db, ContactId(of.id)).await?,
            RecordKind::Company => {
                comptoir_store::companies::get(&self.db, CompanyId(of.id)).await?.is_some()
            }
            RecordKind::Deal => comptoir_store::deals::get(&self.db, DealId(of.id)).await?.is_some(),
            RecordKind::Ticket => comptoir_store::tickets::get(&self.db, TicketId(of.id)).await?.is_some(),
        };
        if !found {
            return Err(AppError::NotFound);
        }
        Ok(comptoir_store::activities::list(&self.db, Some(of), query).await??)
    }
}
