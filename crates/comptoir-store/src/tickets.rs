//! Tickets in the database.

use crate::db::{Db, StoreError, Tx};
use crate::listing::{Catalog, ColumnKind, Page, Search, column};
use crate::on_pool;
use crate::service_totals;
use crate::sql::{Bind, delete_row, insert_rows, json, update_row};
use chrono::{DateTime, Utc};
use comptoir_domain::contacts::{CompanySummary, ContactSummary, name_of};
use comptoir_domain::custom_fields::CustomFieldDefinition;
use comptoir_domain::documents::{DealSummary, OrderSummary};
use comptoir_domain::ids::{CompanyId, ContactId, DealId, OrderId, TeamId, TicketId, UserId};
use comptoir_domain::listing::{Count, ListQuery};
use comptoir_domain::service_report::{ServiceCounts, ServiceTally, moves};
use comptoir_domain::teams::TeamSummary;
pub use comptoir_domain::tickets::Deadline;
use comptoir_domain::tickets::{
    Ticket, TicketChannel, TicketFields, TicketPriority, TicketSla, TicketStatus, TicketTrack, reference,
};
use comptoir_domain::validation::ValidationErrors;
use serde_json::{Map, Value};
use sqlx::FromRow;
use sqlx::types::Json;
use std::collections::HashMap;
use uuid::Uuid;

pub static CATALOG: Catalog = Catalog {
    columns: &[
        column("id", "t.id", ColumnKind::Id, false, "/id"),
        column("number", "t.number", ColumnKind::Int, false, "/number"),
        column("subject", "t.subject", ColumnKind::Text, false, "/subject"),
        column("status", "t.status", ColumnKind::Key, false, "/status"),
        column("priority", "t.priority", ColumnKind::Key, false, "/priority"),
        column("channel", "t.channel", ColumnKind::Key, false, "/channel"),
        column("category", "t.category", ColumnKind::Text, true, "/category"),
        column("contact_id", "t.contact_id", ColumnKind::Id, true, "/contact_id"),
        column("company_id", "t.company_id", ColumnKind::Id, true, "/company_id"),
        column("company_name", "co.name", ColumnKind::Text, true, "/company/name"),
        column("assignee_id", "t.assignee_id", ColumnKind::Id, true, "/assignee_id"),
        column("team_id", "t.team_id", ColumnKind::Id, true, "/team_id"),
        column("team_name", "tm.name", ColumnKind::Text, true, "/team/name"),
        column("order_id", "t.order_id", ColumnKind::Id, true, "/order_id"),
        column("deal_id", "t.deal_id", ColumnKind::Id, true, "/deal_id"),
        column("tags", "t.tags", ColumnKind::Tags, false, "/tags"),
        column("version", "t.version", ColumnKind::Int, false, "/version"),
        column("first_response_at", "t.first_response_at", ColumnKind::Timestamp, true, "/first_response_at"),
        column("public_replies", "t.public_replies", ColumnKind::Int, false, "/public_replies"),
        column("reopened", "t.reopened", ColumnKind::Int, false, "/reopened"),
        column("solved_at", "t.solved_at", ColumnKind::Timestamp, true, "/solved_at"),
        column("closed_at", "t.closed_at", ColumnKind::Timestamp, true, "/closed_at"),
        column("satisfaction", "t.satisfaction", ColumnKind::Int, true, "/satisfaction"),
        column("merged_into_id", "t.merged_into_id", ColumnKind::Id, true, "/merged_into_id"),
        column("sla_policy", "t.sla_policy", ColumnKind::Text, true, "/sla/policy"),
        column(
            "first_response_due_at",
            "t.first_response_due_at",
            ColumnKind::Timestamp,
            true,
            "/sla/first_response_due_at",
        ),
        column(
            "resolution_due_at",
            "t.resolution_due_at",
            ColumnKind::Timestamp,
            true,
            "/sla/resolution_due_at",
        ),
        column(
            "first_response_breached_at",
            "t.first_response_breached_at",
            ColumnKind::Timestamp,
            true,
            "/sla/first_response_breached_at",
        ),
        column(
            "resolution_breached_at",
            "t.resolution_breached_at",
            ColumnKind::Timestamp,
            true,
            "/sla/resolution_breached_at",
        ),
        column(
            "awaiting_reply_since",
            "t.awaiting_reply_since",
            ColumnKind::Timestamp,
            true,
            "/awaiting_reply_since",
        ),
        column(
            "next_response_due_at",
            "t.next_response_due_at",
            ColumnKind::Timestamp,
            true,
            "/sla/next_response_due_at",
        ),
        column(
            "next_response_breached_at",
            "t.next_response_breached_at",
            ColumnKind::Timestamp,
            true,
            "/sla/next_response_breached_at",
        ),
        column("created_at", "t.created_at", ColumnKind::Timestamp, false, "/created_at"),
        column("updated_at", "t.updated_at", ColumnKind::Timestamp, false, "/updated_at"),
    ],
    id_sql: "t.id",
    custom_sql: Some("t.custom_fields"),
    default_sort: "created_at",
    default_descending: true,
    search: Some(Search {
        sqlite: "t.seq IN (SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH ",
        postgres: "t.search_tsv @@ to_tsquery('simple', ",
        sqlite_rowid: "t.seq",
        sqlite_rowid_of: [
            "COALESCE((SELECT seq FROM tickets WHERE id = ",
            "), (SELECT seq FROM tickets WHERE id > ",
            " ORDER BY id LIMIT 1))",
        ],
    }),
    sort_indexes: &["id", "number", "created_at", "updated_at", "subject"],
    broad_filters: &["status", "priority", "channel"],
    creation_ordered: &["status"],
};

/// The rows a ticket is read from, which lists filter on: the ticket, its requester and company.
macro_rules! tickets_from {
    () => {
        " FROM tickets t LEFT JOIN companies co ON co.id = t.company_id
         LEFT JOIN contacts ct ON ct.id = t.contact_id LEFT JOIN teams tm ON tm.id = t.team_id
         LEFT JOIN orders od ON od.id = t.order_id LEFT JOIN deals dl ON dl.id = t.deal_id"
    };
}

macro_rules! select_tickets {
    () => {
        concat!(
            "SELECT t.id, t.number, t.version, t.subject, t.description, t.status, t.priority, t.channel,
            t.category, t.contact_id, t.company_id, t.assignee_id, t.team_id, t.order_id, t.deal_id, t.tags, t.custom_fields,
            t.first_response_at, t.public_replies, t.reopened, t.solved_at, t.closed_at, t.satisfaction, t.merged_into_id,
            t.sla_policy, t.first_response_due_at, t.resolution_due_at, t.sla_paused_at, t.sla_paused_seconds,
            t.first_response_breached_at, t.resolution_breached_at, t.awaiting_reply_since, t.next_responses_met,
            t.next_responses_missed, t.next_response_due_at, t.next_response_breached_at, t.created_at, t.updated_at, co.name AS company_name, ct.first_name AS contact_first_name,
            ct.last_name AS contact_last_name, ct.email AS contact_email, tm.name AS team_name,
            od.number AS order_number, dl.title AS deal_title",
            tickets_from!()
        )
    };
}

#[derive(FromRow)]
struct TicketRow {
    id: Uuid,
    number: i64,
    version: i64,
    subject: String,
    description: Option<String>,
    status: String,
    priority: String,
    channel: String,
    category: Option<String>,
    contact_id: Option<Uuid>,
    company_id: Option<Uuid>,
    assignee_id: Option<Uuid>,
    team_id: Option<Uuid>,
    order_id: Option<Uuid>,
    deal_id: Option<Uuid>,
    tags: Json<Vec<String>>,
    custom_fields: Json<Map<String, Value>>,
    first_response_at: Option<DateTime<Utc>>,
    public_replies: i64,
    reopened: i64,
    solved_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    satisfaction: Option<i16>,
    merged_into_id: Option<Uuid>,
    sla_policy: Option<String>,
    first_response_due_at: Option<DateTime<Utc>>,
    resolution_due_at: Option<DateTime<Utc>>,
    sla_paused_at: Option<DateTime<Utc>>,
    sla_paused_seconds: i64,
    first_response_breached_at: Option<DateTime<Utc>>,
    resolution_breached_at: Option<DateTime<Utc>>,
    awaiting_reply_since: Option<DateTime<Utc>>,
    next_responses_met: i64,
    next_responses_missed: i64,
    next_response_due_at: Option<DateTime<Utc>>,
    next_response_breached_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    company_name: Option<String>,
    contact_first_name: Option<String>,
    contact_last_name: Option<String>,
    contact_email: Option<String>,
    team_name: Option<String>,
    order_number: Option<String>,
    deal_title: Option<String>,
}

impl TryFrom<TicketRow> for Ticket {
    type Error = StoreError;
    fn try_from(row: TicketRow) -> Result<Self, StoreError> {
        let status = TicketStatus::parse(&row.status)
            .ok_or_else(|| StoreError::corrupt("ticket status", &row.status))?;
        let priority = TicketPriority::parse(&row.priority)
            .ok_or_else(|| StoreError::corrupt("ticket priority", &row.priority))?;
        let channel = TicketChannel::parse(&row.channel)
            .ok_or_else(|| StoreError::corrupt("ticket channel", &row.channel))?;
        Ok(Ticket {
            id: TicketId(row.id),
            number: row.number,
            reference: reference(row.number),
            version: row.version,
            fields: TicketFields {
                subject: row.subject,
                description: row.description,
                status,
                priority,
                channel,
                category: row.category,
                contact_id: row.contact_id.map(ContactId),
                company_id: row.company_id.map(CompanyId),
                assignee_id: row.assignee_id.map(UserId),
                team_id: row.team_id.map(TeamId),
                order_id: row.order_id.map(OrderId),
                deal_id: row.deal_id.map(DealId),
                tags: row.tags.0,
                custom_fields: row.custom_fields.0,
            },
            contact: row.contact_id.map(|id| ContactSummary {
                id: ContactId(id),
                name: name_of(
                    row.contact_first_name.as_deref(),
                    row.contact_last_name.as_deref(),
                    row.contact_email.as_deref(),
                ),
            }),
            requester_email: row.contact_id.and(row.contact_email.clone()),
            company: row
                .company_id
                .zip(row.company_name)
                .map(|(id, name)| CompanySummary { id: CompanyId(id), name }),
            team: row.team_id.zip(row.team_name).map(|(id, name)| TeamSummary { id: TeamId(id), name }),
            order: row
                .order_id
                .zip(row.order_number)
                .map(|(id, number)| OrderSummary { id: OrderId(id), number }),
            deal: row.deal_id.zip(row.deal_title).map(|(id, title)| DealSummary { id: DealId(id), title }),
            track: TicketTrack {
                first_response_at: row.first_response_at,
                public_replies: row.public_replies,
                reopened: row.reopened,
                solved_at: row.solved_at,
                closed_at: row.closed_at,
                satisfaction: row.satisfaction,
                merged_into_id: row.merged_into_id.map(TicketId),
                awaiting_reply_since: row.awaiting_reply_since,
                next_responses_met: row.next_responses_met,
                next_responses_missed: row.next_responses_missed,
            },
            sla: TicketSla {
                policy: row.sla_policy,
                first_response_due_at: row.first_response_due_at,
                resolution_due_at: row.resolution_due_at,
                paused_at: row.sla_paused_at,
                paused_seconds: row.sla_paused_seconds,
                first_response_breached_at: row.first_response_breached_at,
                resolution_breached_at: row.resolution_breached_at,
                next_response_due_at: row.next_response_due_at,
                next_response_breached_at: row.next_response_breached_at,
            },
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

pub async fn get(db: &Db, id: TicketId) -> Result<Option<Ticket>, StoreError> {
    let row: Option<TicketRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(select_tickets!(), " WHERE t.id = $1")).bind(id.0).fetch_optional(pool).await
    })?;
    row.map(Ticket::try_from).transpose()
}

/// `id`'s ticket as `tx` sees it, changes it made included.
pub async fn get_in(tx: &mut Tx, id: TicketId) -> Result<Option<Ticket>, StoreError> {
    let row: Option<TicketRow> = crate::on_tx!(tx, |conn| {
        sqlx::query_as(concat!(select_tickets!(), " WHERE t.id = $1"))
            .bind(id.0)
            .fetch_optional(&mut *conn)
            .await
    })?;
    row.map(Ticket::try_from).transpose()
}

pub async fn list(
    db: &Db,
    query: &ListQuery,
    custom: &[CustomFieldDefinition],
) -> Result<Result<Page<Ticket>, ValidationErrors>, StoreError> {
    crate::fetch::page::<TicketRow, Ticket>(
        db,
        concat!(select_tickets!(), " WHERE TRUE"),
        &CATALOG,
        query,
        custom,
    )
    .await
}

/// How many tickets `query` matches (see [`crate::count`]).
pub async fn count_matching(
    db: &Db,
    query: &ListQuery,
    custom: &[CustomFieldDefinition],
) -> Result<Result<Count, ValidationErrors>, StoreError> {
    let base = concat!("SELECT count(*) FROM (SELECT 1", tickets_from!(), " WHERE TRUE");
    crate::count::count_list(db, base, &CATALOG, query, custom, "tickets").await
}

pub async fn insert(tx: &mut Tx, ticket: &Ticket) -> Result<(), StoreError> {
    insert_many(tx, std::iter::once(ticket)).await
}

/// Writes many tickets in few statements (benchmarks, demo data), their counts added up
/// before they are kept.
pub async fn insert_many<'a>(
    tx: &mut Tx,
    tickets: impl IntoIterator<Item = &'a Ticket>,
) -> Result<(), StoreError> {
    const HEAD: &str = concat!("INSERT INTO tickets (id, number, created_at, ", changeable_columns!(), ")");
    let mut counts: HashMap<ServiceTally, ServiceCounts> = HashMap::new();
    let mut rows = Vec::new();
    for ticket in tickets {
        counts.entry(ServiceTally::of(ticket)).or_default().add(&ServiceCounts::of(ticket));
        rows.push(new_row(ticket));
    }
    insert_rows(tx, HEAD, rows).await?;
    service_totals::keep(tx, &counts.into_iter().collect::<Vec<_>>()).await
}

fn new_row(ticket: &Ticket) -> Vec<Bind> {
    let mut row = vec![Bind::Uuid(ticket.id.0), Bind::Int(ticket.number), Bind::Time(ticket.created_at)];
    row.extend(changeable_values(ticket));
    row
}

/// The columns a ticket's changes write, in the order of [`changeable_values`].
macro_rules! changeable_columns {
    () => {
        "version, subject, description, status, priority, channel, category, contact_id, company_id,
         assignee_id, team_id, order_id, deal_id, tags, custom_fields, search_text, first_response_at, public_replies, reopened,
         solved_at, closed_at, satisfaction, merged_into_id, sla_policy, first_response_due_at, resolution_due_at, sla_paused_at,
         sla_paused_seconds, first_response_breached_at, resolution_breached_at, awaiting_reply_since,
         next_responses_met, next_responses_missed, next_response_due_at, next_response_breached_at, updated_at"
    };
}
use changeable_columns;

fn changeable_values(ticket: &Ticket) -> Vec<Bind> {
    let f = &ticket.fields;
    let track = &ticket.track;
    vec![
        Bind::Int(ticket.version),
        Bind::Text(f.subject.clone()),
        Bind::OptText(f.description.clone()),
        Bind::Text(f.status.as_str().to_owned()),
        Bind::Text(f.priority.as_str().to_owned()),
        Bind::Text(f.channel.as_str().to_owned()),
        Bind::OptText(f.category.clone()),
        Bind::OptUuid(f.contact_id.map(|c| c.0)),
        Bind::OptUuid(f.company_id.map(|c| c.0)),
        Bind::OptUuid(f.assignee_id.map(|u| u.0)),
        Bind::OptUuid(f.team_id.map(|t| t.0)),
        Bind::OptUuid(f.order_id.map(|o| o.0)),
        Bind::OptUuid(f.deal_id.map(|d| d.0)),
        json(&f.tags),
        json(&f.custom_fields),
        Bind::Text(ticket.search_text()),
        Bind::OptTime(track.first_response_at),
        Bind::Int(track.public_replies),
        Bind::Int(track.reopened),
        Bind::OptTime(track.solved_at),
        Bind::OptTime(track.closed_at),
        Bind::OptInt(track.satisfaction.map(i64::from)),
        Bind::OptUuid(track.merged_into_id.map(|t| t.0)),
        Bind::OptText(ticket.sla.policy.clone()),
        Bind::OptTime(ticket.sla.first_response_due_at),
        Bind::OptTime(ticket.sla.resolution_due_at),
        Bind::OptTime(ticket.sla.paused_at),
        Bind::Int(ticket.sla.paused_seconds),
        Bind::OptTime(ticket.sla.first_response_breached_at),
        Bind::OptTime(ticket.sla.resolution_breached_at),
        Bind::OptTime(track.awaiting_reply_since),
        Bind::Int(track.next_responses_met),
        Bind::Int(track.next_responses_missed),
        Bind::OptTime(ticket.sla.next_response_due_at),
        Bind::OptTime(ticket.sla.next_response_breached_at),
        Bind::Time(ticket.updated_at),
    ]
}

/// Stores `after` in place of `before`, if `before` is still the stored version.
pub async fn update(tx: &mut Tx, before: &Ticket, after: &Ticket) -> Result<(), StoreError> {
    const HEAD: &str = concat!("UPDATE tickets SET (", changeable_columns!(), ") = ");
    update_row(tx, HEAD, changeable_values(after), after.id.0, before.version).await?;
    service_totals::keep(tx, &moves(before, after)).await
}

/// Deletes `ticket`, if it is still the stored version.
pub async fn delete(tx: &mut Tx, ticket: &Ticket) -> Result<(), StoreError> {
    delete_row(tx, "DELETE FROM tickets WHERE id = $1 AND version = $2", ticket.id.0, ticket.version).await?;
    service_totals::keep(tx, &[(ServiceTally::of(ticket), ServiceCounts::of(ticket).negated())]).await
}

pub async fn count(db: &Db) -> Result<i64, StoreError> {
    Ok(on_pool!(db, |pool| sqlx::query_scalar("SELECT count(*) FROM tickets").fetch_one(pool).await)?)
}

/// The ids of up to `n` tickets still waiting for someone, for benchmarks.
pub async fn sample_unresolved(db: &Db, n: u32) -> Result<Vec<TicketId>, StoreError> {
    let ids: Vec<Uuid> = on_pool!(db, |pool| {
        sqlx::query_scalar("SELECT id FROM tickets WHERE status IN ('new', 'open') LIMIT $1")
            .bind(i64::from(n))
            .fetch_all(pool)
            .await
    })?;
    Ok(ids.into_iter().map(TicketId).collect())
}

/// A deadline found close or missed, and the ticket's version after it was recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct Reached {
    pub id: Uuid,
    pub number: i64,
    pub version: i64,
    pub due_at: DateTime<Utc>,
    pub subject: String,
    pub assignee_id: Option<UserId>,
    pub team_id: Option<TeamId>,
}

/// A deadline reached, and where its ticket's counts are kept.
#[derive(FromRow)]
struct ReachedRow {
    id: Uuid,
    number: i64,
    version: i64,
    due_at: DateTime<Utc>,
    subject: String,
    created_at: DateTime<Utc>,
    assignee_id: Option<Uuid>,
    team_id: Option<Uuid>,
    channel: String,
    priority: String,
}

impl ReachedRow {
    fn tally(&self) -> Result<ServiceTally, StoreError> {
        Ok(ServiceTally::opened(
            self.created_at,
            self.assignee_id.map(UserId),
            self.team_id.map(TeamId),
            TicketChannel::parse(&self.channel)
                .ok_or_else(|| StoreError::corrupt("ticket channel", &self.channel))?,
            TicketPriority::parse(&self.priority)
                .ok_or_else(|| StoreError::corrupt("ticket priority", &self.priority))?,
        ))
    }

    fn reached(self) -> Reached {
        Reached {
            id: self.id,
            number: self.number,
            version: self.version,
            due_at: self.due_at,
            subject: self.subject,
            assignee_id: self.assignee_id.map(UserId),
            team_id: self.team_id.map(TeamId),
        }
    }
}

/// Records as missed, at `at`, up to `limit` `deadline`s passed by `at` and not yet met nor
/// recorded, and returns them. Read from the deadline's partial index; each ticket is written
/// once whoever else runs this at the same time (the second writer finds it recorded), and its
/// version moves, so an edit read before it is refused rather than undoing it. A deadline
/// recorded missed was neither met nor missed before, so each adds one miss to its counts.
pub async fn record_missed(
    tx: &mut Tx,
    deadline: Deadline,
    at: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Reached>, StoreError> {
    let statement = match deadline {
        Deadline::FirstResponse => {
            "UPDATE tickets SET first_response_breached_at = $1, version = version + 1, updated_at = $1
             WHERE id IN (SELECT id FROM tickets WHERE first_response_at IS NULL
                AND first_response_breached_at IS NULL AND first_response_due_at <= $1
                ORDER BY first_response_due_at LIMIT $2)
             AND first_response_at IS NULL AND first_response_breached_at IS NULL
             RETURNING id, number, version, first_response_due_at AS due_at, subject, created_at, assignee_id,
                team_id, channel, priority"
        }
        Deadline::NextResponse => {
            "UPDATE tickets SET next_response_breached_at = $1, next_responses_missed = next_responses_missed + 1,
                version = version + 1, updated_at = $1
             WHERE id IN (SELECT id FROM tickets WHERE next_response_due_at IS NOT NULL
                AND next_response_breached_at IS NULL AND next_response_due_at <= $1
                ORDER BY next_response_due_at LIMIT $2)
             AND next_response_breached_at IS NULL AND next_response_due_at <= $1
             RETURNING id, number, version, next_response_due_at AS due_at, subject, created_at, assignee_id,
                team_id, channel, priority"
        }
        Deadline::Resolution => {
            "UPDATE tickets SET resolution_breached_at = $1, version = version + 1, updated_at = $1
             WHERE id IN (SELECT id FROM tickets WHERE solved_at IS NULL
                AND resolution_breached_at IS NULL AND resolution_due_at <= $1
                ORDER BY resolution_due_at LIMIT $2)
             AND solved_at IS NULL AND resolution_breached_at IS NULL
             RETURNING id, number, version, resolution_due_at AS due_at, subject, created_at, assignee_id,
                team_id, channel, priority"
        }
    };
    let rows: Vec<ReachedRow> = crate::on_tx!(tx, |conn| {
        sqlx::query_as(statement).bind(at).bind(limit).fetch_all(&mut *conn).await
    })?;
    let miss = match deadline {
        Deadline::FirstResponse => ServiceCounts { first_response_missed: 1, ..ServiceCounts::default() },
        Deadline::NextResponse => ServiceCounts { next_response_missed: 1, ..ServiceCounts::default() },
        Deadline::Resolution => ServiceCounts { resolution_missed: 1, ..ServiceCounts::default() },
    };
    let mut misses: HashMap<ServiceTally, ServiceCounts> = HashMap::new();
    for row in &rows {
        misses.entry(row.tally()?).or_default().add(&miss);
    }
    service_totals::keep(tx, &misses.into_iter().collect::<Vec<_>>()).await?;
    Ok(rows.into_iter().map(ReachedRow::reached).collect())
}

/// Records, at `at`, up to `limit` `deadline`s due by `horizon`, neither met nor missed nor
/// warned of yet, and returns them: once each, whoever else runs this at the same time. Read
/// from the deadline's partial index. The ticket's version stays: nothing its editors write
/// changed.
pub async fn record_at_risk(
    tx: &mut Tx,
    deadline: Deadline,
    at: DateTime<Utc>,
    horizon: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Reached>, StoreError> {
    let statement = match deadline {
        Deadline::FirstResponse => {
            "UPDATE tickets SET first_response_warned_at = $1
             WHERE id IN (SELECT id FROM tickets WHERE first_response_at IS NULL
                AND first_response_breached_at IS NULL AND first_response_due_at <= $2
                AND first_response_warned_at IS NULL
                ORDER BY first_response_due_at LIMIT $3)
             AND first_response_at IS NULL AND first_response_breached_at IS NULL
             AND first_response_warned_at IS NULL
             RETURNING id, number, version, first_response_due_at AS due_at, subject, created_at, assignee_id,
                team_id, channel, priority"
        }
        // Each wait is warned of once: its deadline is kept as the one warned of, and the next
        // wait has another. The pass's time (`$1`) is not written.
        Deadline::NextResponse => {
            "UPDATE tickets SET next_response_warned_for = next_response_due_at
             WHERE id IN (SELECT id FROM tickets WHERE next_response_due_at IS NOT NULL
                AND next_response_breached_at IS NULL AND next_response_due_at <= $2
                AND (next_response_warned_for IS NULL OR next_response_warned_for <> next_response_due_at)
                ORDER BY next_response_due_at LIMIT $3)
             AND next_response_breached_at IS NULL AND next_response_due_at <= $2
             AND (next_response_warned_for IS NULL OR next_response_warned_for <> next_response_due_at)
             RETURNING id, number, version, next_response_due_at AS due_at, subject, created_at, assignee_id,
                team_id, channel, priority"
        }
        Deadline::Resolution => {
            "UPDATE tickets SET resolution_warned_at = $1
             WHERE id IN (SELECT id FROM tickets WHERE solved_at IS NULL
                AND resolution_breached_at IS NULL AND resolution_due_at <= $2
                AND resolution_warned_at IS NULL
                ORDER BY resolution_due_at LIMIT $3)
             AND solved_at IS NULL AND resolution_breached_at IS NULL AND resolution_warned_at IS NULL
             RETURNING id, number, version, resolution_due_at AS due_at, subject, created_at, assignee_id,
                team_id, channel, priority"
        }
    };
    let rows: Vec<ReachedRow> = crate::on_tx!(tx, |conn| {
        sqlx::query_as(statement).bind(at).bind(horizon).bind(limit).fetch_all(&mut *conn).await
    })?;
    Ok(rows.into_iter().map(ReachedRow::reached).collect())
}
