//! The tickets a contact, a company or a deal's page lists: the newest, with a link to them all.

use super::Chrome;
use comptoir_app::AppError;
use comptoir_app::tickets::Tickets;
use comptoir_domain::kinds::{RecordKind, RecordRef};
use comptoir_domain::users::Actor;

/// How many tickets a record's page lists, newest first; the tickets list has the rest.
const TICKETS_SHOWN: u32 = 10;

pub struct RecordTickets {
    /// The tickets list, filtered to this record's.
    pub all_href: String,
    pub lines: Vec<TicketLine>,
}

pub struct TicketLine {
    pub href: String,
    pub reference: String,
    pub subject: String,
    pub status: String,
    pub opened: String,
}

/// The newest tickets a contact asked, a company's people asked, or that are about a deal;
/// `None` on a ticket's own page.
pub async fn of(
    app: &comptoir_app::App,
    actor: &Actor,
    page: &Chrome,
    record: RecordRef,
) -> Result<Option<RecordTickets>, AppError> {
    let filter = match record.kind {
        RecordKind::Contact => "filter[contact_id]",
        RecordKind::Company => "filter[company_id]",
        RecordKind::Deal => "filter[deal_id]",
        RecordKind::Ticket => return Ok(None),
    };
    let query = super::list_query(&[
        (filter, record.id.to_string()),
        ("sort", "-created_at".to_owned()),
        ("limit", TICKETS_SHOWN.to_string()),
    ])?;
    let tickets = app.list::<Tickets>(actor, &query).await?.data;
    let lines = tickets
        .into_iter()
        .map(|ticket| TicketLine {
            href: format!("/tickets/{}", ticket.id),
            reference: ticket.reference,
            subject: ticket.fields.subject,
            status: page.t(&format!("ticket-status-{}", ticket.fields.status.as_str())),
            opened: page.datetime(&ticket.created_at),
        })
        .collect();
    let all_href = format!("/tickets?{}={}&sort=-created_at", super::encode(filter), record.id);
    Ok(Some(RecordTickets { all_href, lines }))
}
