//! The one sequence every change of a record goes through: permission, version, validation,
//! references, write, audit entry and event, in one transaction. A kind of record answers the
//! questions that differ (its fields, how they are validated, what they refer to, how they
//! are stored) once, in its own module, by implementing [`Kind`]; creating, reading, listing,
//! changing and deleting it are then the use cases below.

use crate::changes::{Origin, announce, record};
use crate::idempotency::{Once, settle};
use crate::input::{parse, patched};
use crate::users::check_version;
use crate::{App, AppError};
use chrono::{DateTime, Utc};
use comptoir_domain::ValidationErrors;
use comptoir_domain::audit::Action;
use comptoir_domain::ids::{OperationId, UserId};
use comptoir_domain::kinds::{Milestone, ObjectType};
use comptoir_domain::listing::{Count, ListQuery, Page};
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_store::{StoreError, Tx};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;
use uuid::Uuid;

/// What a kind says to someone it refuses.
pub struct Refusals {
    /// To a read-only user creating one.
    pub create: &'static str,
    /// To someone changing one they may not.
    pub change: &'static str,
    /// To someone deleting one they may not.
    pub delete: &'static str,
    /// To someone giving one to another user, which only managers and admins do.
    pub give: &'static str,
}

/// A kind of record, as its use cases see it.
pub trait Kind: Send + Sync + 'static {
    type Id: Copy + Send + Sync + From<Uuid> + Into<Uuid>;
    type Record: Clone + Serialize + Send + Sync;
    /// What its owner changes: the part of the record the audit log compares.
    type Fields: Serialize + Send + Sync;
    /// The fields as a client writes them, before validation.
    type Input: Serialize + DeserializeOwned + Send;
    /// What checking the fields' references found and the record keeps (a contact's company).
    type Refs: Send;

    const OBJECT: ObjectType;
    const REFUSALS: Refusals;
    /// Whether its records are someone's, handed over only by managers; a kind the whole team
    /// shares (the knowledge base) has no one to hand it to.
    const OWNED: bool = true;

    fn id(record: &Self::Record) -> Self::Id;
    fn version(record: &Self::Record) -> i64;
    fn fields(record: &Self::Record) -> &Self::Fields;
    fn owner(fields: &Self::Fields) -> Option<UserId>;
    fn input(fields: &Self::Fields) -> Self::Input;

    /// Whether `actor` may create one: by default anyone but a read-only user.
    fn may_create(actor: &Actor) -> bool {
        actor.can_create_records()
    }

    /// Whether `current` may be deleted at all, whoever asks: by default it may.
    fn may_delete(_current: &Self::Record) -> Result<(), AppError> {
        Ok(())
    }

    /// Whether `actor` may change `current` at all: by default its owner and those above them.
    /// Deleting always asks this default.
    fn may_change(actor: &Actor, current: &Self::Record) -> bool {
        actor.can_modify(Self::owner(Self::fields(current)))
    }

    /// Whether `actor` may turn `current` into `after`, once [`Kind::may_change`] let them in:
    /// by default any change.
    fn may_make(_actor: &Actor, _current: &Self::Record, _after: &Self::Fields) -> Result<(), AppError> {
        Ok(())
    }

    /// Reads `input` into valid fields; `current` is the record being changed, `None` for a
    /// new one.
    fn validate(
        app: &App,
        actor: &Actor,
        input: Self::Input,
        current: Option<&Self::Record>,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<Self::Fields, AppError>> + Send;

    /// Checks that the records and users `fields` refer to exist.
    fn references(
        app: &App,
        current: Option<&Self::Record>,
        fields: &Self::Fields,
    ) -> impl Future<Output = Result<Self::Refs, AppError>> + Send;

    /// The milestones a change from `before` (`None`: creation) to `after` reached, each with
    /// what its event says: a deal won. Announced beside the change.
    fn milestones(
        _before: Option<&Self::Record>,
        _after: &Self::Record,
    ) -> Vec<(Milestone, serde_json::Value)> {
        Vec::new()
    }

    /// Gives a record, inside the transaction that stores it new (`before` is `None`) or
    /// changed from `before`, what only that transaction can: the next number of a series
    /// without gaps, the next member of a team's rotation. By default nothing.
    fn allot(
        _tx: &mut Tx,
        _before: Option<&Self::Record>,
        _record: &mut Self::Record,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        async { Ok(()) }
    }

    /// The record with `fields`: a new one at version 1, or `current`'s next version.
    fn build(
        current: Option<&Self::Record>,
        fields: Self::Fields,
        refs: Self::Refs,
        at: DateTime<Utc>,
    ) -> Self::Record;

    fn fetch(app: &App, id: Self::Id) -> impl Future<Output = Result<Option<Self::Record>, AppError>> + Send;

    fn page(
        app: &App,
        query: &ListQuery,
    ) -> impl Future<Output = Result<Page<Self::Record>, AppError>> + Send;

    /// How many records `query` matches, counted up to a cap (see [`Count`]).
    fn count(app: &App, query: &ListQuery) -> impl Future<Output = Result<Count, AppError>> + Send;

    fn insert(tx: &mut Tx, record: &Self::Record) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Stores `after` in place of `before`, if `before` is still the stored version.
    fn update(
        tx: &mut Tx,
        before: &Self::Record,
        after: &Self::Record,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Deletes `current`, if it is still the stored version.
    fn delete(tx: &mut Tx, current: &Self::Record) -> impl Future<Output = Result<(), StoreError>> + Send;
}

impl App {
    pub async fn create<K: Kind>(
        &self,
        actor: &Actor,
        body: serde_json::Value,
        once: Option<&Once>,
    ) -> Result<K::Record, AppError> {
        let input: K::Input = parse(body)?;
        let created = self.prepare_new::<K>(actor, input).await?;
        let mut tx = self.db.begin().await?;
        let created = self.store_new::<K>(&mut tx, actor, created).await?;
        settle(&mut tx, actor, once, &created).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Works out a new record from `input`: permission, validation, references. Everything
    /// it reads is read here, before the write transaction: SQLite has one writer at a time,
    /// and a writer waiting on the pool for a read would hold up every other.
    pub(crate) async fn prepare_new<K: Kind>(
        &self,
        actor: &Actor,
        input: K::Input,
    ) -> Result<K::Record, AppError> {
        if !K::may_create(actor) {
            return Err(AppError::Forbidden(K::REFUSALS.create));
        }
        let at = now();
        let fields = K::validate(self, actor, input, None, at).await?;
        if K::OWNED && !actor.can_assign_to(K::owner(&fields)) {
            return Err(AppError::Forbidden(K::REFUSALS.give));
        }
        let refs = K::references(self, None, &fields).await?;
        Ok(K::build(None, fields, refs, at))
    }

    /// Stores a record [`App::prepare_new`] worked out, inside `tx`, with what its kind allots
    /// it there (a number), with its audit entry and events.
    pub(crate) async fn store_new<K: Kind>(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        created: K::Record,
    ) -> Result<K::Record, AppError> {
        self.store_new_from::<K>(tx, Origin { actor: Some(actor), operation: None }, created).await
    }

    /// Stores a new record inside `tx` as [`App::store_new`] does, made by `origin`: the
    /// system itself, or someone who is not a user (a customer in the portal).
    pub(crate) async fn store_new_from<K: Kind>(
        &self,
        tx: &mut Tx,
        origin: Origin<'_>,
        mut created: K::Record,
    ) -> Result<K::Record, AppError> {
        K::allot(tx, None, &mut created).await?;
        K::insert(tx, &created).await?;
        let id = K::id(&created).into();
        record(tx, origin, Action::Create, K::OBJECT, id, None, Some(K::fields(&created))).await?;
        for (milestone, payload) in K::milestones(None, &created) {
            announce(tx, origin, K::OBJECT, id, milestone, payload).await?;
        }
        Ok(created)
    }

    /// Every role reads every record.
    pub async fn get<K: Kind>(&self, _actor: &Actor, id: K::Id) -> Result<K::Record, AppError> {
        K::fetch(self, id).await?.ok_or(AppError::NotFound)
    }

    pub async fn list<K: Kind>(
        &self,
        _actor: &Actor,
        query: &ListQuery,
    ) -> Result<Page<K::Record>, AppError> {
        K::page(self, query).await
    }

    /// Every role reads every record, and so may count them.
    pub async fn count<K: Kind>(&self, _actor: &Actor, query: &ListQuery) -> Result<Count, AppError> {
        K::count(self, query).await
    }

    /// Applies a JSON merge patch. `if_match` is the version the client last saw.
    pub async fn update<K: Kind>(
        &self,
        actor: &Actor,
        id: K::Id,
        patch: &serde_json::Value,
        if_match: Option<i64>,
    ) -> Result<K::Record, AppError> {
        let current = self.get::<K>(actor, id).await?;
        let mut changed =
            self.prepare_change::<K>(actor, &current, |input| patched(&input, patch), if_match).await?;
        let mut tx = self.db.begin().await?;
        K::allot(&mut tx, Some(&current), &mut changed).await?;
        self.store_change::<K>(&mut tx, actor, &current, &changed, if_match, None).await?;
        tx.commit().await?;
        Ok(changed)
    }

    pub async fn delete<K: Kind>(
        &self,
        actor: &Actor,
        id: K::Id,
        if_match: Option<i64>,
    ) -> Result<(), AppError> {
        let current = self.get::<K>(actor, id).await?;
        let mut tx = self.db.begin().await?;
        self.remove::<K>(&mut tx, actor, &current, if_match, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces a record's fields with what `edit` makes of them, inside `tx`. `operation`
    /// names the bulk change this is one of.
    pub(crate) async fn change<K: Kind>(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        current: &K::Record,
        edit: impl FnOnce(K::Input) -> Result<K::Input, ValidationErrors>,
        if_match: Option<i64>,
        operation: Option<OperationId>,
    ) -> Result<K::Record, AppError> {
        let mut changed = self.prepare_change::<K>(actor, current, edit, if_match).await?;
        K::allot(tx, Some(current), &mut changed).await?;
        self.store_change::<K>(tx, actor, current, &changed, if_match, operation).await?;
        Ok(changed)
    }

    /// Works out `current` with the fields `edit` makes of its own: permission, version,
    /// validation, references, read before any write transaction (see [`App::prepare_new`]).
    pub(crate) async fn prepare_change<K: Kind>(
        &self,
        actor: &Actor,
        current: &K::Record,
        edit: impl FnOnce(K::Input) -> Result<K::Input, ValidationErrors>,
        if_match: Option<i64>,
    ) -> Result<K::Record, AppError> {
        if !K::may_change(actor, current) {
            return Err(AppError::Forbidden(K::REFUSALS.change));
        }
        check_version(if_match, K::version(current))?;
        let at = now();
        let input = edit(K::input(K::fields(current)))?;
        let fields = K::validate(self, actor, input, Some(current), at).await?;
        K::may_make(actor, current, &fields)?;
        let owner = K::owner(&fields);
        if owner != K::owner(K::fields(current)) && !actor.can_assign_to(owner) {
            return Err(AppError::Forbidden(K::REFUSALS.give));
        }
        let refs = K::references(self, Some(current), &fields).await?;
        Ok(K::build(Some(current), fields, refs, at))
    }

    /// Stores `changed` in place of `current` inside `tx`, if `current` is still the stored
    /// version, with its audit entry and events.
    pub(crate) async fn store_change<K: Kind>(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        current: &K::Record,
        changed: &K::Record,
        if_match: Option<i64>,
        operation: Option<OperationId>,
    ) -> Result<(), AppError> {
        self.store_change_from::<K>(tx, Origin { actor: Some(actor), operation }, current, changed, if_match)
            .await
    }

    /// Stores `changed` inside `tx` as [`App::store_change`] does, made by `origin`.
    pub(crate) async fn store_change_from<K: Kind>(
        &self,
        tx: &mut Tx,
        origin: Origin<'_>,
        current: &K::Record,
        changed: &K::Record,
        if_match: Option<i64>,
    ) -> Result<(), AppError> {
        let version = K::version(current);
        K::update(tx, current, changed).await.map_err(|e| stale(e, if_match, version))?;
        let (before, after) = (Some(K::fields(current)), Some(K::fields(changed)));
        let id = K::id(current).into();
        record(tx, origin, Action::Update, K::OBJECT, id, before, after).await?;
        for (milestone, payload) in K::milestones(Some(current), changed) {
            announce(tx, origin, K::OBJECT, id, milestone, payload).await?;
        }
        Ok(())
    }

    /// Deletes a record inside `tx`, with its audit entry and event.
    pub(crate) async fn remove<K: Kind>(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        current: &K::Record,
        if_match: Option<i64>,
        operation: Option<OperationId>,
    ) -> Result<(), AppError> {
        if !actor.can_modify(K::owner(K::fields(current))) {
            return Err(AppError::Forbidden(K::REFUSALS.delete));
        }
        K::may_delete(current)?;
        let version = K::version(current);
        check_version(if_match, version)?;
        K::delete(tx, current).await.map_err(|e| stale(e, if_match, version))?;
        let origin = Origin { actor: Some(actor), operation };
        let before = Some(K::fields(current));
        record(tx, origin, Action::Delete, K::OBJECT, K::id(current).into(), before, None).await?;
        Ok(())
    }
}

/// A write that lost a race: with `If-Match` that is a failed precondition, without it a
/// conflict the client may retry.
fn stale(error: StoreError, if_match: Option<i64>, version: i64) -> AppError {
    match (error, if_match) {
        (StoreError::VersionConflict, Some(expected)) => {
            AppError::PreconditionFailed { expected, current: version + 1 }
        }
        (other, _) => other.into(),
    }
}
