//! Macros: support agents, managers and admins keep the team's canned answers; an agent fills
//! one in for a ticket, reads it over, and sends it.

use crate::kind::{Kind, Refusals};
use crate::tickets::{TicketMessageAdded, Tickets};
use crate::{App, AppError};
use chrono::{DateTime, Utc};
use comptoir_domain::ids::{MacroId, TicketId, UserId};
use comptoir_domain::kinds::ObjectType;
use comptoir_domain::listing::{Count, ListQuery, Page};
use comptoir_domain::macros::{Macro, MacroFields, MacroInput, MacroValues, render};
use comptoir_domain::tickets::{TicketMessageInput, TicketStatus};
use comptoir_domain::users::Actor;
use comptoir_store::{StoreError, Tx};
use serde::Serialize;

pub struct Macros;

impl Kind for Macros {
    type Id = MacroId;
    type Record = Macro;
    type Fields = MacroFields;
    type Input = MacroInput;
    type Refs = ();

    const OBJECT: ObjectType = ObjectType::Macro;
    const REFUSALS: Refusals = Refusals {
        create: "only support agents, managers and admins write macros",
        change: "only support agents, managers and admins change macros",
        delete: "only managers and admins delete macros",
        give: "macros have no owner",
    };
    const OWNED: bool = false;

    fn id(saved: &Macro) -> MacroId {
        saved.id
    }
    fn version(saved: &Macro) -> i64 {
        saved.version
    }
    fn fields(saved: &Macro) -> &MacroFields {
        &saved.fields
    }
    /// The team's macros are nobody's: only managers and admins delete one.
    fn owner(_fields: &MacroFields) -> Option<UserId> {
        None
    }
    fn input(fields: &MacroFields) -> MacroInput {
        fields.to_input()
    }

    fn may_create(actor: &Actor) -> bool {
        crate::articles::writes_the_knowledge_base(actor)
    }

    fn may_change(actor: &Actor, _current: &Macro) -> bool {
        Self::may_create(actor)
    }

    async fn validate(
        _app: &App,
        _actor: &Actor,
        input: MacroInput,
        _current: Option<&Macro>,
        _at: DateTime<Utc>,
    ) -> Result<MacroFields, AppError> {
        Ok(input.validate()?)
    }

    async fn references(_app: &App, _current: Option<&Macro>, _fields: &MacroFields) -> Result<(), AppError> {
        Ok(())
    }

    fn build(current: Option<&Macro>, fields: MacroFields, _refs: (), at: DateTime<Utc>) -> Macro {
        match current {
            Some(current) => current.changed(fields, at),
            None => Macro::new(fields, at),
        }
    }

    async fn fetch(app: &App, id: MacroId) -> Result<Option<Macro>, AppError> {
        Ok(comptoir_store::macros::get(&app.db, id).await?)
    }

    async fn page(app: &App, query: &ListQuery) -> Result<Page<Macro>, AppError> {
        Ok(comptoir_store::macros::list(&app.db, query).await??)
    }

    async fn count(app: &App, query: &ListQuery) -> Result<Count, AppError> {
        Ok(comptoir_store::macros::count_matching(&app.db, query).await??)
    }

    async fn insert(tx: &mut Tx, saved: &Macro) -> Result<(), StoreError> {
        comptoir_store::macros::insert(tx, saved).await
    }

    async fn update(tx: &mut Tx, before: &Macro, after: &Macro) -> Result<(), StoreError> {
        comptoir_store::macros::update(tx, before, after).await
    }

    async fn delete(tx: &mut Tx, saved: &Macro) -> Result<(), StoreError> {
        comptoir_store::macros::delete(tx, saved).await
    }
}

/// A macro filled in for a ticket: the answer to read over, and the status it gives.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FilledMacro {
    pub body: String,
    pub status: Option<TicketStatus>,
}

impl App {
    /// `id` filled in for `ticket`: its requester's names, its reference and subject, the
    /// agent's name.
    pub async fn fill_macro(
        &self,
        actor: &Actor,
        ticket: TicketId,
        id: MacroId,
    ) -> Result<FilledMacro, AppError> {
        let ticket = self.get::<Tickets>(actor, ticket).await?;
        let saved = self.get::<Macros>(actor, id).await?;
        let contact = match ticket.fields.contact_id {
            Some(contact) => comptoir_store::contacts::get(&self.db, contact).await?,
            None => None,
        };
        let agent = comptoir_store::users::get(&self.db, actor.user_id).await?;
        let values = MacroValues {
            contact_first_name: contact.as_ref().and_then(|c| c.fields.first_name.clone()),
            contact_last_name: contact.as_ref().and_then(|c| c.fields.last_name.clone()),
            ticket_reference: ticket.reference.clone(),
            ticket_subject: ticket.fields.subject.clone(),
            agent_name: agent.and_then(|a| a.display_name),
        };
        Ok(FilledMacro { body: render(&saved.fields.body, &values), status: saved.fields.status })
    }

    /// Sends `id` filled in for `ticket` as an answer to its requester, with the status it
    /// gives, in one step.
    pub async fn send_macro(
        &self,
        actor: &Actor,
        ticket: TicketId,
        id: MacroId,
        if_match: Option<i64>,
    ) -> Result<TicketMessageAdded, AppError> {
        let filled = self.fill_macro(actor, ticket, id).await?;
        let message = TicketMessageInput {
            body: Some(filled.body),
            status: filled.status,
            ..TicketMessageInput::default()
        };
        self.add_ticket_message(actor, ticket, message, if_match).await
    }
}
