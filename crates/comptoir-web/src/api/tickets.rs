//! `/api/v1/tickets`

use super::contacts::ActivityPage;
use super::{RecordId, kinds, versioned};
use crate::error::{ApiError, Problem};
use crate::extract::{Caller, IdempotencyKey, IfMatch, JsonBody, ListParams};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use comptoir_app::ticket_merges::{TicketMergeInput, TicketMerged, TicketSplit, TicketSplitInput};
use comptoir_app::tickets::{TicketMessageAdded, Tickets};
use comptoir_domain::ids::TicketId;
use comptoir_domain::kinds::{RecordKind, RecordRef};
use comptoir_domain::service_report::{ReportGrouping, ServiceReport, ServiceReportScope};
use comptoir_domain::surveys::SatisfactionAnswer;
use comptoir_domain::tickets::{Ticket, TicketInput, TicketMessageInput};
use serde::Serialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tickets", get(list).post(create))
        .route("/tickets/count", get(count))
        .route("/tickets/report", get(report))
        .route("/tickets/{id}", get(read).patch(update).delete(remove))
        .route("/tickets/{id}/messages", post(add_message))
        .route("/tickets/{id}/merge", post(merge))
        .route("/tickets/{id}/split", post(split))
        .route("/tickets/{id}/timeline", get(timeline))
        .route("/tickets/{id}/satisfaction", get(satisfaction))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TicketPage {
    pub data: Vec<Ticket>,
    pub next_cursor: Option<String>,
}

/// Count the tickets a list's filters and search match (the same `filter[…]` and `q` as the
/// list), without reading them.
#[utoipa::path(get, path = "/api/v1/tickets/count", tag = "tickets",
    params(("q" = Option<String>, Query, description = "the list's search")),
    responses((status = 200, body = super::kinds::ListCount), (status = 422, body = Problem)))]
pub async fn count(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ListParams(query): ListParams,
) -> Result<Response, ApiError> {
    super::kinds::count::<Tickets>(&state, &actor, &query).await
}

/// List tickets, with filters (an agent's queue: `filter[assignee_id]=…&filter[status][in]=new,open`;
/// `filter[priority]=urgent`, `filter[created_at][lt]=2027-01-01`), sort (`sort=created_at`,
/// oldest first), full-text search on the reference and subject (`q=imprimante`, `q=T-000123`)
/// and cursor pagination. With `Accept: text/csv`, every ticket the list matches, as CSV.
#[utoipa::path(get, path = "/api/v1/tickets", tag = "tickets",
    params(
        ("limit" = Option<u32>, Query, description = "1 to 500, default 50"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
        ("sort" = Option<String>, Query, description = "a field, - for descending; default -created_at"),
        ("q" = Option<String>, Query, description = "accent- and case-insensitive prefix search"),
    ),
    responses((status = 200, body = TicketPage), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    headers: axum::http::HeaderMap,
    ListParams(query): ListParams,
) -> Result<Response, ApiError> {
    if super::csv::wants_csv(&headers) {
        return super::csv::list::<Tickets>(&state, &actor, query, "tickets").await;
    }
    kinds::list::<Tickets>(&state, &actor, &query).await
}

/// Open a ticket (`ticket.created`, and `ticket.assigned`): numbered in one series
/// (`T-000123`), new, of normal priority and assigned to whoever records it unless told
/// otherwise; about the requester's company when only the requester is given.
#[utoipa::path(post, path = "/api/v1/tickets", tag = "tickets", request_body = TicketInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key creates nothing twice")),
    responses((status = 201, body = Ticket), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    IdempotencyKey(key): IdempotencyKey,
    body: JsonBody,
) -> Result<Response, ApiError> {
    kinds::create::<Tickets>(&state, &actor, key, "/api/v1/tickets", body).await
}

/// Read a ticket.
#[utoipa::path(get, path = "/api/v1/tickets/{id}", tag = "tickets",
    params(("id" = TicketId, Path)),
    responses((status = 200, body = Ticket), (status = 404, body = Problem)))]
pub async fn read(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<TicketId>,
) -> Result<Response, ApiError> {
    kinds::read::<Tickets>(&state, &actor, id).await
}

/// Change a ticket with a JSON merge patch; send `If-Match` to refuse a stale write. Solving
/// it announces `ticket.solved`, opening a solved one again `ticket.reopened`; a closed ticket
/// stays closed. Its assignee, a manager or an admin changes it; anyone who writes may take a
/// ticket nobody has.
#[utoipa::path(patch, path = "/api/v1/tickets/{id}", tag = "tickets", request_body = TicketInput,
    params(("id" = TicketId, Path), ("If-Match" = Option<String>, Header, description = "the ETag last read")),
    responses((status = 200, body = Ticket), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<TicketId>,
    IfMatch(if_match): IfMatch,
    body: JsonBody,
) -> Result<Response, ApiError> {
    kinds::update::<Tickets>(&state, &actor, id, if_match, body).await
}

/// Delete a ticket (its messages stay on their contact's and company's timelines).
#[utoipa::path(delete, path = "/api/v1/tickets/{id}", tag = "tickets",
    params(("id" = TicketId, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<TicketId>,
    IfMatch(if_match): IfMatch,
) -> Result<Response, ApiError> {
    kinds::remove::<Tickets>(&state, &actor, id, if_match).await
}

/// Add a message to a ticket's conversation: a public answer to the requester (counted, the
/// first dating the first response; a new ticket opens, a ticket nobody had goes to whoever
/// answers), an internal note, or what the requester said (a solved or pending ticket opens
/// again). `status` moves the ticket with it. The message is an activity on the ticket's
/// timeline, and on the requester's and company's.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/messages", tag = "tickets", request_body = TicketMessageInput,
    params(("id" = TicketId, Path), ("If-Match" = Option<String>, Header, description = "the ticket's ETag last read")),
    responses((status = 201, body = TicketMessageAdded), (status = 403, body = Problem), (status = 412, body = Problem),
        (status = 422, body = Problem)))]
pub async fn add_message(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<TicketId>,
    IfMatch(if_match): IfMatch,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let input: TicketMessageInput = comptoir_app::input::parse(body.value)?;
    let added = state.app.add_ticket_message(&actor, id, input, if_match).await?;
    Ok(versioned(StatusCode::CREATED, added.ticket.version, &added))
}

/// Merge the ticket into another of the same requester (`into`: its id or reference): its
/// messages and other activities move there, and it is closed with `merged_into_id`
/// (the other announces `ticket.merged`); it then counts in none of the report's figures.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/merge", tag = "tickets", request_body = TicketMergeInput,
    params(("id" = TicketId, Path), ("If-Match" = Option<String>, Header, description = "the ticket's ETag last read")),
    responses((status = 200, body = TicketMerged), (status = 403, body = Problem), (status = 412, body = Problem),
        (status = 422, body = Problem)))]
pub async fn merge(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<TicketId>,
    IfMatch(if_match): IfMatch,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let input: TicketMergeInput = comptoir_app::input::parse(body.value)?;
    let merged = state.app.merge_ticket(&actor, id, input, if_match).await?;
    Ok(versioned(StatusCode::OK, merged.merged.version, &merged))
}

/// Split a message (`activity_id`, one of the ticket's activities) out into a new ticket for
/// the same requester and company, with the same priority, channel and category and
/// `subject` (the ticket's own when omitted): the message moves there.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/split", tag = "tickets", request_body = TicketSplitInput,
    params(("id" = TicketId, Path)),
    responses((status = 201, body = TicketSplit), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn split(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<TicketId>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let input: TicketSplitInput = comptoir_app::input::parse(body.value)?;
    let split = state.app.split_ticket(&actor, id, input).await?;
    Ok(versioned(StatusCode::CREATED, split.ticket.version, &split))
}

/// What the ticket's requester answered to its satisfaction survey: the score, 1 to 5, and
/// their comment; 404 until they answer.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/satisfaction", tag = "tickets", params(("id" = TicketId, Path)),
    responses((status = 200, body = SatisfactionAnswer), (status = 404, body = Problem)))]
pub async fn satisfaction(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<TicketId>,
) -> Result<Response, ApiError> {
    let answer = state.app.ticket_satisfaction(&actor, id).await?.ok_or(comptoir_app::AppError::NotFound)?;
    Ok(axum::Json(answer).into_response())
}

/// A ticket's conversation and everything else linked to it, newest first.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/timeline", tag = "tickets",
    params(("id" = TicketId, Path), ("limit" = Option<u32>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = ActivityPage), (status = 404, body = Problem)))]
pub async fn timeline(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<TicketId>,
    ListParams(query): ListParams,
) -> Result<Response, ApiError> {
    let page = state.app.timeline(&actor, RecordRef { kind: RecordKind::Ticket, id: id.0 }, &query).await?;
    Ok(axum::Json(page).into_response())
}

/// `from` (`YYYY-MM`, this month by default), `months` (1), `by` (`assignee`, `channel`,
/// `priority`).
pub struct ReportParams(ServiceReportScope);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ReportParams {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        use chrono::Datelike;
        let today = chrono::Utc::now().date_naive();
        let mut from = today.with_day(1).unwrap_or(today);
        let mut months = 1;
        let mut by = None;
        for (key, value) in crate::extract::query_pairs(parts)? {
            match key.as_str() {
                "from" => from = super::forecast::first_day_of(&value)?,
                "months" => months = super::forecast::month_count(&value)?,
                "by" => {
                    by = Some(ReportGrouping::parse(&value).ok_or_else(|| {
                        crate::error::bad_request("by", "must be assignee, team, channel or priority")
                    })?)
                }
                other => return Err(crate::error::bad_request(other, "is not a parameter of this resource")),
            }
        }
        let until = from
            .checked_add_months(chrono::Months::new(months))
            .ok_or_else(|| crate::error::bad_request("months", "is too far"))?;
        Ok(ReportParams(ServiceReportScope { from, until, by }))
    }
}

/// Customer service over a period (this month by default): of the tickets opened in it, how
/// many were solved, how many first answers, later answers and solutions met their
/// service-level deadline or missed it (and the compliance, met over both), first-contact resolutions (solved with one
/// public answer at most, never reopened) and their rate over the tickets solved, reopenings,
/// the mean time to a first answer, and satisfaction; whole, and by `assignee`, `team`,
/// `channel` or `priority`.
#[utoipa::path(get, path = "/api/v1/tickets/report", tag = "tickets",
    params(("from" = Option<String>, Query, description = "first month, YYYY-MM"),
        ("months" = Option<u32>, Query, description = "1 to 36, default 1"),
        ("by" = Option<String>, Query, description = "assignee, team, channel or priority")),
    responses((status = 200, body = ServiceReport), (status = 422, body = Problem)))]
pub async fn report(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ReportParams(scope): ReportParams,
) -> Result<Response, ApiError> {
    let report = state.app.service_report(&actor, &scope).await?;
    Ok(axum::Json(report).into_response())
}
