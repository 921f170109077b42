//! What is particular to tickets' pages: the form's fields, the list's columns and cells, the
//! header that says where the ticket stands, and the form that answers it.

use super::Chrome;
use super::activities::Composer;
use super::companies::typed_company;
use super::custom;
use super::errors::PageError;
use super::filters::{Control, common_control};
use super::kind::{Header, KindPages, Link, ReplyForm, TypedReply};
use super::lists::Cell;
use super::path::PagePath;
use super::record_pages::{Asked, show_page};
use super::records::{Kind, Spec, body_from_form, spec, user_name, version_of};
use super::redirect;
use super::session::check_origin;
use super::session::{Fields, Submission, Visitor};
use super::ticket_files;
use crate::attached::{MAX_UPLOAD_REQUEST, download};
use crate::i18n::Lang;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use comptoir_app::ticket_merges::{TicketMergeInput, TicketSplitInput};
use comptoir_app::{App, AppError};
use comptoir_domain::custom_fields::CustomFieldDefinition;
use comptoir_domain::ids::{ActivityId, TicketId};
use comptoir_domain::kinds::RecordKind;
use comptoir_domain::mail::OutboxEntry;
use comptoir_domain::tickets::{Ticket, TicketInput, TicketMessageInput, TicketStatus};
use comptoir_domain::users::{Actor, User};
use serde_json::{Map, Value, json};
use uuid::Uuid;

const STATUSES: &[&str] = &["new", "open", "pending_customer", "pending_third_party", "solved", "closed"];
const PRIORITIES: &[&str] = &["low", "normal", "high", "urgent"];
const CHANNELS: &[&str] = &["email", "phone", "web_form", "chat", "portal", "api"];

/// The ticket form, in display order. The requester is typed as their email address.
const SPECS: &[Spec] = &[
    spec("subject", "field-subject", Kind::Text).required().autocomplete("off"),
    spec("requester", "field-requester", Kind::Text).autocomplete("off"),
    spec("company", "field-company", Kind::Company),
    spec("status", "ticket-status", Kind::Choice(STATUSES)),
    spec("priority", "ticket-priority", Kind::Choice(PRIORITIES)),
    spec("channel", "ticket-channel", Kind::Choice(CHANNELS)),
    spec("category", "field-category", Kind::Text),
    spec("assignee_id", "field-assignee", Kind::Owner),
    spec("team_id", "field-team", Kind::Team),
    spec("order", "field-order", Kind::Text).autocomplete("off"),
    spec("tags", "field-tags", Kind::Tags),
];

const DEFAULT_COLUMNS: &[&str] =
    &["number", "subject", "requester", "status", "priority", "assignee_id", "created_at"];
const LIST_COLUMNS: &[&str] = &[
    "number",
    "subject",
    "requester",
    "company_name",
    "status",
    "priority",
    "channel",
    "category",
    "assignee_id",
    "team_name",
    "tags",
    "first_response_at",
    "sla_policy",
    "first_response_due_at",
    "resolution_due_at",
    "first_response_breached_at",
    "resolution_breached_at",
    "next_response_due_at",
    "awaiting_reply_since",
    "public_replies",
    "reopened",
    "solved_at",
    "closed_at",
    "created_at",
    "updated_at",
];

pub struct Tickets;

impl KindPages for Tickets {
    type Record = Ticket;
    type UseCases = comptoir_app::tickets::Tickets;
    const KIND: RecordKind = RecordKind::Ticket;
    const SPECS: &'static [Spec] = SPECS;
    const DEFAULT_COLUMNS: &'static [&'static str] = DEFAULT_COLUMNS;
    const LIST_COLUMNS: &'static [&'static str] = LIST_COLUMNS;

    fn filter_control(lang: Lang, key: &str) -> Control {
        match key {
            "status" => Control::choice(lang, "ticket-status", STATUSES),
            "priority" => Control::choice(lang, "ticket-priority", PRIORITIES),
            "channel" => Control::choice(lang, "ticket-channel", CHANNELS),
            "number" | "public_replies" | "reopened" => Control::Number,
            "first_response_at"
            | "solved_at"
            | "closed_at"
            | "first_response_due_at"
            | "resolution_due_at"
            | "first_response_breached_at"
            | "resolution_breached_at"
            | "next_response_due_at"
            | "awaiting_reply_since" => Control::Date,
            other => common_control(lang, other),
        }
    }

    fn version(ticket: &Ticket) -> i64 {
        ticket.version
    }

    fn name(ticket: &Ticket) -> String {
        format!("{} · {}", ticket.reference, ticket.fields.subject)
    }

    fn custom_fields(ticket: &Ticket) -> &Map<String, Value> {
        &ticket.fields.custom_fields
    }

    /// The API's JSON, with the requester as the form types them: their address.
    fn form_json(ticket: &Ticket) -> Value {
        let mut value = serde_json::to_value(ticket).unwrap_or_default();
        value["requester"] = json!(ticket.requester_email);
        value["order"] = json!(ticket.order.as_ref().map(|order| &order.number));
        value
    }

    fn new_defaults(actor: &Actor) -> Value {
        json!({ "assignee_id": actor.user_id, "status": "new", "priority": "normal", "channel": "phone" })
    }

    fn cell(
        page: &Chrome,
        ticket: &Ticket,
        key: &str,
        users: &[User],
        definitions: &[CustomFieldDefinition],
    ) -> Cell {
        let f = &ticket.fields;
        let track = &ticket.track;
        let mut numeric = false;
        let when =
            |at: Option<chrono::DateTime<chrono::Utc>>| at.map(|at| page.date(&at)).unwrap_or_default();
        let value = match key {
            "number" => ticket.reference.clone(),
            "subject" => f.subject.clone(),
            "requester" => ticket.contact.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
            "company_name" => ticket.company.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
            "status" => page.t(&format!("ticket-status-{}", f.status.as_str())),
            "priority" => page.t(&format!("ticket-priority-{}", f.priority.as_str())),
            "channel" => page.t(&format!("ticket-channel-{}", f.channel.as_str())),
            "category" => f.category.clone().unwrap_or_default(),
            "assignee_id" => user_name(users, f.assignee_id.map(|id| id.to_string())),
            "team_name" => ticket.team.as_ref().map(|t| t.name.clone()).unwrap_or_default(),
            "tags" => f.tags.join(", "),
            "first_response_at" => when(track.first_response_at),
            "sla_policy" => ticket.sla.policy.clone().unwrap_or_default(),
            "first_response_due_at" => when(ticket.sla.first_response_due_at),
            "resolution_due_at" => when(ticket.sla.resolution_due_at),
            "first_response_breached_at" => when(ticket.sla.first_response_breached_at),
            "resolution_breached_at" => when(ticket.sla.resolution_breached_at),
            "next_response_due_at" => when(ticket.sla.next_response_due_at),
            "awaiting_reply_since" => when(track.awaiting_reply_since),
            "public_replies" => {
                numeric = true;
                track.public_replies.to_string()
            }
            "reopened" => {
                numeric = true;
                track.reopened.to_string()
            }
            "solved_at" => when(track.solved_at),
            "closed_at" => when(track.closed_at),
            "created_at" => page.date(&ticket.created_at),
            "updated_at" => page.date(&ticket.updated_at),
            custom_key => {
                let (text, is_numeric) = custom::cell(custom_key, &f.custom_fields, definitions, page.lang);
                numeric = is_numeric;
                text
            }
        };
        let href = match key {
            "number" | "subject" => Some(format!("/tickets/{}", ticket.id)),
            "requester" => ticket.contact.as_ref().map(|c| format!("/contacts/{}", c.id)),
            "company_name" => ticket.company.as_ref().map(|c| format!("/companies/{}", c.id)),
            _ => None,
        };
        Cell { text: value, href, numeric }
    }

    async fn body(
        app: &App,
        actor: &Actor,
        fields: &Fields,
        only: Option<&str>,
        current: Option<&Ticket>,
    ) -> Result<Value, AppError> {
        let mut body = body_from_form(SPECS, fields, only);
        if let Some(object) = body.as_object_mut() {
            object.remove("requester");
            object.remove("order");
        }
        if only.is_none_or(|o| o == "order") {
            let order = match fields.text("order") {
                Some(number) => Some(app.order_by_number(actor, &number, "order").await?),
                None => None,
            };
            body["order_id"] = json!(order);
        }
        if only.is_none_or(|o| o == "requester") {
            let requester = match fields.text("requester") {
                Some(email) => Some(app.requester_by_email(actor, &email, "requester").await?),
                None => None,
            };
            body["contact_id"] = json!(requester);
        }
        typed_company(app, actor, fields, only, &mut body, async |body: &Value| {
            let definitions = app.definitions(RecordKind::Ticket).await?;
            let current = current.map(|t| &t.fields);
            Ok(serde_json::from_value::<TicketInput>(body.clone())
                .ok()
                .and_then(|input| input.validate(&definitions, current, Some(actor.user_id)).err())
                .unwrap_or_default())
        })
        .await?;
        Ok(body)
    }

    /// Tickets repeat by nature: the same customer asks again.
    async fn namesakes(_app: &App, _actor: &Actor, _fields: &Fields) -> Result<Vec<Link>, AppError> {
        Ok(vec![])
    }

    async fn header(app: &App, actor: &Actor, page: &Chrome, ticket: &Ticket) -> Result<Header, AppError> {
        let f = &ticket.fields;
        let mut subtitle = vec![Link { text: ticket.reference.clone(), href: None }];
        subtitle.extend(
            ticket
                .contact
                .as_ref()
                .map(|c| Link { text: c.name.clone(), href: Some(format!("/contacts/{}", c.id)) }),
        );
        subtitle.extend(
            ticket
                .company
                .as_ref()
                .map(|c| Link { text: c.name.clone(), href: Some(format!("/companies/{}", c.id)) }),
        );
        subtitle.extend(ticket.order.as_ref().map(|order| Link {
            text: page.lang.t1("ticket-about-order", "number", &order.number),
            href: Some(format!("/orders/{}", order.id)),
        }));
        subtitle.extend(ticket.deal.as_ref().map(|deal| Link {
            text: page.lang.t1("ticket-about-deal", "title", &deal.title),
            href: Some(format!("/deals/{}", deal.id)),
        }));
        subtitle.push(Link {
            text: format!(
                "{} · {}",
                page.t(&format!("ticket-priority-{}", f.priority.as_str())),
                page.t(&format!("ticket-channel-{}", f.channel.as_str()))
            ),
            href: None,
        });
        subtitle.extend(deadlines(page, ticket).into_iter().map(|text| Link { text, href: None }));
        let last_mail = app.ticket_mail(actor, ticket.id, 1).await?.into_iter().next();
        subtitle.extend(last_mail.map(|mail| Link { text: mail_said(page, &mail), href: None }));
        if ticket.track.satisfaction.is_some()
            && let Some(said) = app.ticket_satisfaction(actor, ticket.id).await?
        {
            let text = match &said.comment {
                Some(comment) => page.lang.tn(
                    "ticket-satisfaction-said",
                    &[("score", &said.score.to_string()), ("comment", comment)],
                ),
                None => page.lang.t1("ticket-satisfaction", "score", said.score),
            };
            subtitle.push(Link { text, href: None });
        }
        if let Some(into) = ticket.track.merged_into_id {
            // The ticket it joined may have been deleted since: the merge is still told.
            let (reference, href) = match app.get::<comptoir_app::tickets::Tickets>(actor, into).await {
                Ok(joined) => (joined.reference, Some(format!("/tickets/{into}"))),
                Err(AppError::NotFound) => ("—".to_owned(), None),
                Err(other) => return Err(other),
            };
            subtitle.push(Link { text: page.lang.t1("ticket-merged-into", "reference", reference), href });
        }
        let status = f.status.as_str();
        let badge = Some((format!("ticket-{status}"), page.t(&format!("ticket-status-{status}"))));
        Ok(Header { subtitle, badge, ..Header::default() })
    }

    /// The visitor's queue: the tickets given to them that still wait for someone.
    fn mine(actor: &Actor) -> String {
        format!(
            "filter%5Bassignee_id%5D%5Beq%5D={}&filter%5Bsolved_at%5D%5Bis-empty%5D=true&sort=created_at",
            actor.user_id
        )
    }

    fn reply_form(lang: Lang, ticket: &Ticket) -> Option<ReplyForm> {
        let mut statuses = vec![(String::new(), lang.t("ticket-reply-status-keep"))];
        statuses.extend(
            TicketStatus::ALL
                .iter()
                .filter(|s| **s != TicketStatus::New && **s != ticket.fields.status)
                .map(|s| (s.as_str().to_owned(), lang.t(&format!("ticket-status-{}", s.as_str())))),
        );
        (ticket.fields.status != TicketStatus::Closed).then_some(ReplyForm {
            statuses,
            body: String::new(),
            error: None,
            suggestions: Vec::new(),
            macros: Vec::new(),
            status: String::new(),
            messages: Vec::new(),
        })
    }
}

/// What became of the latest mail about the ticket: sent, waiting for another try, or given up.
fn mail_said(page: &Chrome, mail: &OutboxEntry) -> String {
    let to = mail.recipient.as_str();
    match (mail.status.as_str(), mail.sent_at) {
        ("sent", Some(at)) => page.lang.tn("ticket-mail-sent", &[("to", to), ("when", &page.datetime(&at))]),
        ("failed", _) => page.lang.tn("ticket-mail-failed", &[("to", to)]),
        _ => page.lang.tn("ticket-mail-pending", &[("to", to)]),
    }
}

/// Where the ticket stands against its service levels: the first answer (given, due or
/// late), the answer the requester's latest message waits for (due or late), and the
/// solution (due, late, or its clock stopped while the requester is awaited).
fn deadlines(page: &Chrome, ticket: &Ticket) -> Vec<String> {
    let (sla, track) = (&ticket.sla, &ticket.track);
    let mut said = Vec::new();
    match (track.first_response_at, sla.first_response_breached_at, sla.first_response_due_at) {
        (Some(at), None, _) => said.push(page.t1("ticket-first-response", "when", page.datetime(&at))),
        (_, Some(_), _) => said.push(page.t("ticket-first-response-missed")),
        (None, None, Some(due)) => {
            said.push(page.t1("ticket-first-response-due", "when", page.datetime(&due)))
        }
        (None, None, None) => {}
    }
    match (sla.next_response_breached_at, sla.next_response_due_at) {
        (Some(_), _) => said.push(page.t("ticket-next-response-missed")),
        (None, Some(due)) => said.push(page.t1("ticket-next-response-due", "when", page.datetime(&due))),
        (None, None) => {}
    }
    if ticket.fields.status.is_unresolved() {
        match (sla.resolution_breached_at, sla.paused_at, sla.resolution_due_at) {
            (Some(_), _, _) => said.push(page.t("ticket-resolution-missed")),
            (None, Some(_), _) => said.push(page.t("ticket-clock-stopped")),
            (None, None, Some(due)) => {
                said.push(page.t1("ticket-resolution-due", "when", page.datetime(&due)))
            }
            (None, None, None) => {}
        }
    }
    said
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tickets/{id}/messages", axum::routing::post(add_message))
        .route("/tickets/{id}/merge", axum::routing::post(merge))
        .route("/tickets/{id}/split", axum::routing::post(split))
        .route(
            "/tickets/{id}/files",
            axum::routing::post(attach).layer(axum::extract::DefaultBodyLimit::max(MAX_UPLOAD_REQUEST)),
        )
        .route("/tickets/{id}/files/{file}", axum::routing::get(read_file))
        .route("/tickets/{id}/files/{file}/delete", axum::routing::post(remove_file))
}

/// Splits the chosen message out into a new ticket, then shows that one.
async fn split(
    State(state): State<AppState>,
    PagePath(id): PagePath<Uuid>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let activity_id = form.fields.get("activity_id").and_then(|a| Uuid::parse_str(a).ok()).map(ActivityId);
    let input = TicketSplitInput { activity_id, subject: form.fields.text("subject") };
    let split = state.app.split_ticket(&visitor.actor, TicketId(id), input).await;
    go_to_or_refuse(&state, visitor, id, split.map(|split| split.ticket.id)).await
}

/// Merges the ticket into the one the form names, then shows that one.
async fn merge(
    State(state): State<AppState>,
    PagePath(id): PagePath<Uuid>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let input = TicketMergeInput { into: form.fields.text("into") };
    let merged = state.app.merge_ticket(&visitor.actor, TicketId(id), input, version_of(&form.fields)).await;
    go_to_or_refuse(&state, visitor, id, merged.map(|merged| merged.ticket.id)).await
}

/// After an action on ticket `id` that leads to another: that ticket's page, or `id`'s again
/// with why the form was refused.
async fn go_to_or_refuse(
    state: &AppState,
    visitor: &Visitor,
    id: Uuid,
    outcome: Result<TicketId, AppError>,
) -> Result<Response, PageError> {
    match outcome {
        Ok(next) => Ok(redirect(&format!("/tickets/{next}#timeline"), false)),
        Err(AppError::Validation(errors)) => {
            let message = errors.0.first().map(|e| visitor.lang.message(&e.message)).unwrap_or_default();
            let typed = TypedReply { body: String::new(), status: None, error: Some(message) };
            let response = show_page::<Tickets>(
                state,
                visitor,
                id,
                Composer::empty(visitor.lang),
                Some(typed),
                Asked::default(),
                None,
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
        }
        Err(other) => Err(PageError::from(other)),
    }
}

/// An answer, a note or the requester's words, from the form on the ticket's page.
async fn add_message(
    State(state): State<AppState>,
    PagePath(id): PagePath<Uuid>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let fields = &form.fields;
    let kind = fields.get("as").unwrap_or("answer");
    let input = TicketMessageInput {
        body: fields.text("body"),
        internal: kind == "note",
        from_requester: kind == "requester",
        status: fields.text("status").and_then(|s| TicketStatus::parse(&s)),
    };
    let outcome = state.app.add_ticket_message(&visitor.actor, TicketId(id), input, version_of(fields)).await;
    match outcome {
        Ok(_) => Ok(redirect(&format!("/tickets/{id}#timeline"), false)),
        Err(AppError::Validation(errors)) => {
            let message = errors.0.first().map(|e| visitor.lang.message(&e.message)).unwrap_or_default();
            let typed = TypedReply {
                body: fields.get("body").unwrap_or_default().to_owned(),
                status: fields.get("status").map(str::to_owned),
                error: Some(message),
            };
            let response = show_page::<Tickets>(
                &state,
                visitor,
                id,
                Composer::empty(visitor.lang),
                Some(typed),
                Asked::default(),
                None,
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
        }
        Err(other) => Err(PageError::from(other)),
    }
}

/// Attaches the form's file to a ticket from its page, then shows the page at its files; a
/// refused file shows the page again saying why.
async fn attach(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    PagePath(id): PagePath<TicketId>,
    form: Multipart,
) -> Result<Response, PageError> {
    check_origin(&headers)?;
    let refused = match ticket_files::receive(form, &visitor.csrf).await? {
        ticket_files::Received::File(upload) => {
            match state.app.attach_to_ticket(&visitor.actor, id, &upload).await {
                Ok(_) => return Ok(redirect(&format!("/tickets/{id}#files"), false)),
                Err(AppError::Validation(errors)) => ticket_files::said(visitor.lang, &errors),
                Err(other) => return Err(other.into()),
            }
        }
        ticket_files::Received::Refused(why) => visitor.lang.message(why),
    };
    let composer = Composer::empty(visitor.lang);
    let mut page =
        show_page::<Tickets>(&state, &visitor, id.0, composer, None, Asked::default(), Some(refused)).await?;
    *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(page)
}

async fn read_file(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (id, file) = ticket_files::ids(&id, &file)?;
    let (attachment, bytes) = state.app.ticket_attachment(&visitor.actor, id, file).await?;
    Ok(download(&attachment, bytes))
}

/// Deletes a file of the ticket, then shows the ticket's files again.
async fn remove_file(
    State(state): State<AppState>,
    Path((id, file)): Path<(String, String)>,
    form: Submission,
) -> Result<Response, PageError> {
    let (id, file) = ticket_files::ids(&id, &file)?;
    state.app.remove_ticket_attachment(&form.visitor.actor, id, file).await?;
    Ok(redirect(&format!("/tickets/{id}#files"), false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use comptoir_domain::tickets::{TicketChannel, TicketPriority};

    #[test]
    fn the_pages_offer_every_status_priority_and_channel() {
        let names = |all: &[&'static str]| all.to_vec();
        assert_eq!(TicketStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(), names(STATUSES));
        assert_eq!(TicketPriority::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(), names(PRIORITIES));
        assert_eq!(TicketChannel::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(), names(CHANNELS));
    }
}
