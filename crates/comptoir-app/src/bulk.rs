//! Bulk changes: one action applied to many records of a kind, as one operation. Every record
//! goes through the same permission check and validation as a single change; the whole runs
//! in one transaction, so it lands entirely or not at all, and every audit entry and event it
//! writes carries the operation's id. Records chosen by a filter are read a batch at a time,
//! so a change over a hundred thousand records never holds them all in memory.

use crate::{App, AppError};
use comptoir_domain::ValidationErrors;
use comptoir_domain::bulk::{BulkAction, BulkOutcome, BulkRequest, Selection};
use comptoir_domain::companies::{Company, CompanyInput};
use comptoir_domain::contacts::{Contact, ContactInput};
use comptoir_domain::ids::{CompanyId, ContactId, OperationId, UserId};
use comptoir_domain::kinds::RecordKind;
use comptoir_domain::listing::{ListQuery, Page};
use comptoir_domain::users::Actor;
use comptoir_store::Tx;
use std::future::Future;
use uuid::Uuid;

/// How many refused ids an outcome lists; beyond them it only counts.
const LISTED_REFUSALS: usize = 100;

/// What a bulk change needs from a kind of record: reading it a batch at a time, and the
/// in-transaction halves of its update and delete use cases.
pub trait BulkKind {
    type Record: Send + Sync;
    type Input: Send;
    const KIND: RecordKind;

    fn id(record: &Self::Record) -> Uuid;
    fn input(record: &Self::Record) -> Self::Input;
    fn owner(input: &mut Self::Input) -> &mut Option<UserId>;
    fn tags(input: &mut Self::Input) -> &mut Vec<String>;

    fn page(
        app: &App,
        actor: &Actor,
        query: &ListQuery,
    ) -> impl Future<Output = Result<Page<Self::Record>, AppError>> + Send;

    fn get(app: &App, actor: &Actor, id: Uuid)
    -> impl Future<Output = Result<Self::Record, AppError>> + Send;

    fn change(
        app: &App,
        tx: &mut Tx,
        actor: &Actor,
        current: &Self::Record,
        input: Self::Input,
        operation: OperationId,
    ) -> impl Future<Output = Result<(), AppError>> + Send;

    fn remove(
        app: &App,
        tx: &mut Tx,
        actor: &Actor,
        current: &Self::Record,
        operation: OperationId,
    ) -> impl Future<Output = Result<(), AppError>> + Send;
}

pub struct Contacts;
pub struct Companies;

impl BulkKind for Contacts {
    type Record = Contact;
    type Input = ContactInput;
    const KIND: RecordKind = RecordKind::Contact;

    fn id(contact: &Contact) -> Uuid {
        contact.id.0
    }
    fn input(contact: &Contact) -> ContactInput {
        contact.fields.to_input()
    }
    fn owner(input: &mut ContactInput) -> &mut Option<UserId> {
        &mut input.owner_id
    }
    fn tags(input: &mut ContactInput) -> &mut Vec<String> {
        &mut input.tags
    }
    async fn page(app: &App, actor: &Actor, query: &ListQuery) -> Result<Page<Contact>, AppError> {
        app.list_contacts(actor, query).await
    }
    async fn get(app: &App, actor: &Actor, id: Uuid) -> Result<Contact, AppError> {
        app.get_contact(actor, ContactId(id)).await
    }
    async fn change(
        app: &App,
        tx: &mut Tx,
        actor: &Actor,
        current: &Contact,
        input: ContactInput,
        operation: OperationId,
    ) -> Result<(), AppError> {
        app.change_contact(tx, actor, current, |_| Ok(input), None, Some(operation)).await.map(drop)
    }
    async fn remove(
        app: &App,
        tx: &mut Tx,
        actor: &Actor,
        current: &Contact,
        operation: OperationId,
    ) -> Result<(), AppError> {
        app.remove_contact(tx, actor, current, None, Some(operation)).await
    }
}

impl BulkKind for Companies {
    type Record = Company;
    type Input = CompanyInput;
    const KIND: RecordKind = RecordKind::Company;

    fn id(company: &Company) -> Uuid {
        company.id.0
    }
    fn input(company: &Company) -> CompanyInput {
        company.fields.to_input()
    }
    fn owner(input: &mut CompanyInput) -> &mut Option<UserId> {
        &mut input.owner_id
    }
    fn tags(input: &mut CompanyInput) -> &mut Vec<String> {
        &mut input.tags
    }
    async fn page(app: &App, actor: &Actor, query: &ListQuery) -> Result<Page<Company>, AppError> {
        app.list_companies(actor, query).await
    }
    async fn get(app: &App, actor: &Actor, id: Uuid) -> Result<Company, AppError> {
        app.get_company(actor, CompanyId(id)).await
    }
    async fn change(
        app: &App,
        tx: &mut Tx,
        actor: &Actor,
        current: &Company,
        input: CompanyInput,
        operation: OperationId,
    ) -> Result<(), AppError> {
        app.change_company(tx, actor, current, |_| Ok(input), None, Some(operation)).await.map(drop)
    }
    async fn remove(
        app: &App,
        tx: &mut Tx,
        actor: &Actor,
        current: &Company,
        operation: OperationId,
    ) -> Result<(), AppError> {
        app.remove_company(tx, actor, current, None, Some(operation)).await
    }
}

/// The new input of a record after `action`, or `None` when the record already is so.
fn edited<K: BulkKind>(record: &K::Record, action: &BulkAction) -> Option<K::Input> {
    let mut input = K::input(record);
    match action {
        BulkAction::Assign(owner) => {
            let current = K::owner(&mut input);
            if *current == Some(*owner) {
                return None;
            }
            *current = Some(*owner);
        }
        BulkAction::Tag(tag) => {
            let tags = K::tags(&mut input);
            if tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
                return None;
            }
            tags.push(tag.clone());
        }
        BulkAction::Untag(tag) => {
            let tags = K::tags(&mut input);
            let before = tags.len();
            tags.retain(|t| !t.eq_ignore_ascii_case(tag));
            if tags.len() == before {
                return None;
            }
        }
        // A deletion edits nothing; `apply` removes the record instead.
        BulkAction::Delete => return None,
    }
    Some(input)
}

impl App {
    /// Applies `request` to the records of kind `K` it selects, as one operation. `progress`
    /// hears how many records have been looked at, after each batch.
    pub async fn bulk<K: BulkKind>(
        &self,
        actor: &Actor,
        request: BulkRequest,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<BulkOutcome, AppError> {
        if !actor.can_create_records() {
            return Err(AppError::Forbidden("read-only users cannot change records"));
        }
        let (action, selection) = request.validate()?;
        if let BulkAction::Assign(owner) = action {
            if !actor.can_assign_to(Some(owner)) {
                return Err(AppError::Forbidden("only managers and admins give records to someone else"));
            }
            let mut errors = ValidationErrors::new();
            self.check_user_exists(Some(owner), "owner_id", &mut errors).await?;
            errors.into_result()?;
        }
        let mut outcome = BulkOutcome { operation_id: OperationId::new(), ..BulkOutcome::default() };
        let mut tx = self.db.begin().await?;
        let mut seen = 0;
        match selection {
            Selection::Ids(ids) => {
                for chunk in ids.chunks(comptoir_domain::bulk::BULK_BATCH as usize) {
                    for id in chunk {
                        match K::get(self, actor, *id).await {
                            Ok(record) => {
                                self.apply::<K>(&mut tx, actor, &record, &action, &mut outcome).await?
                            }
                            Err(AppError::NotFound) => outcome.not_found.push(*id),
                            Err(other) => return Err(other),
                        }
                    }
                    seen += chunk.len() as u64;
                    progress(seen);
                }
            }
            Selection::Query(mut query) => loop {
                let page = K::page(self, actor, &query).await?;
                for record in &page.data {
                    self.apply::<K>(&mut tx, actor, record, &action, &mut outcome).await?;
                }
                seen += page.data.len() as u64;
                progress(seen);
                match page.next_cursor {
                    Some(cursor) => query.cursor = Some(cursor),
                    None => break,
                }
            },
        }
        tx.commit().await?;
        Ok(outcome)
    }

    /// One record of a bulk change. A record the actor may not change, or that the change
    /// would make invalid, is left alone and counted; any other failure ends the operation.
    async fn apply<K: BulkKind>(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        record: &K::Record,
        action: &BulkAction,
        outcome: &mut BulkOutcome,
    ) -> Result<(), AppError> {
        let operation = outcome.operation_id;
        let result = match action {
            BulkAction::Delete => K::remove(self, tx, actor, record, operation).await,
            other => match edited::<K>(record, other) {
                Some(input) => K::change(self, tx, actor, record, input, operation).await,
                None => {
                    outcome.unchanged += 1;
                    return Ok(());
                }
            },
        };
        match result {
            Ok(()) => outcome.changed += 1,
            Err(AppError::Forbidden(_) | AppError::Validation(_)) => {
                outcome.refused += 1;
                if outcome.refused_ids.len() < LISTED_REFUSALS {
                    outcome.refused_ids.push(K::id(record));
                }
            }
            Err(other) => return Err(other),
        }
        Ok(())
    }
}
