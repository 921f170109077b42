//! Activity use cases: logging calls, notes, emails, meetings and tasks, and reading timelines.

use crate::changes::{Origin, record};
use crate::contacts::stale;
use crate::idempotency::{Once, settle};
use crate::input::{parse, patched};
use crate::users::check_version;
use crate::{App, AppError};
use chrono::{DateTime, Utc};
use comptoir_domain::ValidationErrors;
use comptoir_domain::activities::{Activity, ActivityFields, ActivityInput, ActivityKind};
use comptoir_domain::audit::Action;
use comptoir_domain::ids::{ActivityId, CompanyId, ContactId};
use comptoir_domain::kinds::{ObjectType, RecordKind, RecordRef};
use comptoir_domain::listing::ListQuery;
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_store::Page;
use serde_json::Value;

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

impl App {
    /// Anyone who may write logs activity on any record: a call with someone else's customer is
    /// still part of that customer's history.
    pub async fn create_activity(
        &self,
        actor: &Actor,
        body: Value,
        once: Option<&Once>,
    ) -> Result<Activity, AppError> {
        if !actor.can_create_records() {
            return Err(AppError::Forbidden("read-only users cannot log activities"));
        }
        let input: ActivityInput = parse(body)?;
        let at = now();
        let fields = input.validate(actor.user_id, at, None)?;
        if !actor.can_assign_to(fields.owner_id) {
            return Err(AppError::Forbidden("only managers and admins log activities for someone else"));
        }
        self.check_activity_references(&fields).await?;
        let activity = Activity { id: ActivityId::new(), version: 1, fields, created_at: at, updated_at: at };
        let mut tx = self.db.begin().await?;
        comptoir_store::activities::insert(&mut tx, &activity).await?;
        if let Some(contact) = activity.fields.contact_id {
            comptoir_store::contacts::touch_last_activity(&mut tx, contact, activity.fields.occurred_at)
                .await?;
        }
        record(
            &mut tx,
            Origin { actor: Some(actor), operation: None },
            Action::Create,
            ObjectType::Activity,
            activity.id.0,
            None,
            Some(&activity.fields),
        )
        .await?;
        settle(&mut tx, actor, once, &activity).await?;
        tx.commit().await?;
        Ok(activity)
    }

    pub async fn get_activity(&self, _actor: &Actor, id: ActivityId) -> Result<Activity, AppError> {
        comptoir_store::activities::get(&self.db, id).await?.ok_or(AppError::NotFound)
    }

    /// The actor's open tasks due before `before`, soonest first.
    pub async fn my_open_tasks(
        &self,
        actor: &Actor,
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Activity>, AppError> {
        Ok(comptoir_store::activities::open_tasks_due(&self.db, actor.user_id, before, limit).await?)
    }

    /// Open tasks logged on one contact or company, soonest due first.
    pub async fn open_tasks_on(
        &self,
        _actor: &Actor,
        record: RecordRef,
        limit: i64,
    ) -> Result<Vec<Activity>, AppError> {
        Ok(comptoir_store::activities::open_tasks_on(&self.db, record, limit).await?)
    }

    pub async fn list_activities(
        &self,
        _actor: &Actor,
        query: &ListQuery,
    ) -> Result<Page<Activity>, AppError> {
        Ok(comptoir_store::activities::list(&self.db, None, query).await??)
    }

    /// A record's activities (a company's include its contacts'), newest first unless `sort`
    /// says otherwise. Every role reads every timeline.
    pub async fn timeline(
        &self,
        actor: &Actor,
        of: RecordRef,
        query: &ListQuery,
    ) -> Result<Page<Activity>, AppError> {
        let found = match of.kind {
            RecordKind::Contact => comptoir_store::contacts::exists(&self.db, ContactId(of.id)).await?,
            RecordKind::Company => self.get_company(actor, CompanyId(of.id)).await.map(|_| true)?,
        };
        if !found {
            return Err(AppError::NotFound);
        }
        Ok(comptoir_store::activities::list(&self.db, Some(of), query).await??)
    }

    pub async fn update_activity(
        &self,
        actor: &Actor,
        id: ActivityId,
        patch: &Value,
        if_match: Option<i64>,
    ) -> Result<Activity, AppError> {
        let current = self.get_activity(actor, id).await?;
        if !can_modify(actor, &current) {
            return Err(AppError::Forbidden(
                "you may only change activities you own or tasks assigned to you",
            ));
        }
        check_version(if_match, current.version)?;
        let at = now();
        let fields = patched(&current.fields.to_input(), patch)?.validate(
            current.fields.owner_id.unwrap_or(actor.user_id),
            at,
            current.fields.done_at,
        )?;
        if is_assignee_only(actor, &current) && !only_completion_changed(&current.fields, &fields) {
            return Err(AppError::Forbidden(
                "the assignee of a task may mark it done; only its owner changes the rest",
            ));
        }
        if fields.owner_id != current.fields.owner_id && !actor.can_assign_to(fields.owner_id) {
            return Err(AppError::Forbidden("only managers and admins give an activity to someone else"));
        }
        self.check_activity_references(&fields).await?;
        let activity = Activity { version: current.version + 1, fields, updated_at: at, ..current.clone() };
        let mut tx = self.db.begin().await?;
        comptoir_store::activities::update(&mut tx, &activity, current.version)
            .await
            .map_err(|e| stale(e, if_match, current.version))?;
        if let Some(contact) = activity.fields.contact_id {
            comptoir_store::contacts::touch_last_activity(&mut tx, contact, activity.fields.occurred_at)
                .await?;
        }
        record(
            &mut tx,
            Origin { actor: Some(actor), operation: None },
            Action::Update,
            ObjectType::Activity,
            id.0,
            Some(&current.fields),
            Some(&activity.fields),
        )
        .await?;
        tx.commit().await?;
        Ok(activity)
    }

    pub async fn delete_activity(
        &self,
        actor: &Actor,
        id: ActivityId,
        if_match: Option<i64>,
    ) -> Result<(), AppError> {
        let current = self.get_activity(actor, id).await?;
        if !actor.can_modify(current.fields.owner_id) {
            return Err(AppError::Forbidden("you may only delete activities you own"));
        }
        check_version(if_match, current.version)?;
        let mut tx = self.db.begin().await?;
        comptoir_store::activities::delete(&mut tx, id, current.version)
            .await
            .map_err(|e| stale(e, if_match, current.version))?;
        record(
            &mut tx,
            Origin { actor: Some(actor), operation: None },
            Action::Delete,
            ObjectType::Activity,
            id.0,
            Some(&current.fields),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn check_activity_references(&self, fields: &ActivityFields) -> Result<(), AppError> {
        let mut errors = ValidationErrors::new();
        if let Some(contact) = fields.contact_id
            && !comptoir_store::contacts::exists(&self.db, contact).await?
        {
            errors.add("contact_id", "is not a contact");
        }
        if let Some(company) = fields.company_id
            && comptoir_store::companies::get(&self.db, company).await?.is_none()
        {
            errors.add("company_id", "is not a company");
        }
        self.check_user_exists(fields.assignee_id, "assignee_id", &mut errors).await?;
        self.check_user_exists(fields.owner_id, "owner_id", &mut errors).await?;
        errors.into_result()?;
        Ok(())
    }
}
