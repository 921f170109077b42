//! Activities and timelines in the database.

use crate::db::{Db, Dialect, StoreError, Tx};
use crate::listing::{self, Catalog, ColumnKind, Page, column};
use crate::on_pool;
use crate::sql::{Bind, Sql, delete_row, insert_rows, update_row};
use chrono::{DateTime, Utc};
use comptoir_domain::activities::{
    Activity, ActivityFields, ActivityKind, CallOutcome, Direction, TaskWindow,
};
use comptoir_domain::ids::{ActivityId, CompanyId, ContactId, DealId, TicketId, UserId};
use comptoir_domain::kinds::{RecordKind, RecordRef};
use comptoir_domain::listing::{Count, ListQuery};
use comptoir_domain::validation::ValidationErrors;
use sqlx::FromRow;
use uuid::Uuid;

pub static CATALOG: Catalog = Catalog {
    columns: &[
        column("id", "a.id", ColumnKind::Id, false, "/id"),
        column("kind", "a.kind", ColumnKind::Key, false, "/kind"),
        column("subject", "a.subject", ColumnKind::Text, true, "/subject"),
        column("contact_id", "a.contact_id", ColumnKind::Id, true, "/contact_id"),
        column("company_id", "a.company_id", ColumnKind::Id, true, "/company_id"),
        column("deal_id", "a.deal_id", ColumnKind::Id, true, "/deal_id"),
        column("ticket_id", "a.ticket_id", ColumnKind::Id, true, "/ticket_id"),
        column("occurred_at", "a.occurred_at", ColumnKind::Timestamp, false, "/occurred_at"),
        column("direction", "a.direction", ColumnKind::Key, true, "/direction"),
        column("outcome", "a.outcome", ColumnKind::Key, true, "/outcome"),
        column("duration_seconds", "a.duration_seconds", ColumnKind::Int, true, "/duration_seconds"),
        column("starts_at", "a.starts_at", ColumnKind::Timestamp, true, "/starts_at"),
        column("due_at", "a.due_at", ColumnKind::Timestamp, true, "/due_at"),
        column("assignee_id", "a.assignee_id", ColumnKind::Id, true, "/assignee_id"),
        column("done", "a.done", ColumnKind::Bool, false, "/done"),
        column("owner_id", "a.owner_id", ColumnKind::Id, true, "/owner_id"),
        column("version", "a.version", ColumnKind::Int, false, "/version"),
        column("created_at", "a.created_at", ColumnKind::Timestamp, false, "/created_at"),
        column("updated_at", "a.updated_at", ColumnKind::Timestamp, false, "/updated_at"),
    ],
    id_sql: "a.id",
    custom_sql: None,
    default_sort: "occurred_at",
    default_descending: true,
    search: None,
    sort_indexes: &["id"],
    broad_filters: &[],
    creation_ordered: &[],
};

macro_rules! select_activities {
    () => {
        "SELECT a.id, a.version, a.kind, a.subject, a.body, a.contact_id, a.company_id, a.deal_id, a.ticket_id,
            a.occurred_at, a.direction, a.duration_seconds, a.outcome, a.starts_at, a.ends_at,
            a.location, a.due_at, a.assignee_id, a.done, a.done_at, a.owner_id, a.created_at,
            a.updated_at
         FROM activities a"
    };
}

#[derive(FromRow)]
struct ActivityRow {
    id: Uuid,
    version: i64,
    kind: String,
    subject: Option<String>,
    body: Option<String>,
    contact_id: Option<Uuid>,
    company_id: Option<Uuid>,
    deal_id: Option<Uuid>,
    ticket_id: Option<Uuid>,
    occurred_at: DateTime<Utc>,
    direction: Option<String>,
    duration_seconds: Option<i64>,
    outcome: Option<String>,
    starts_at: Option<DateTime<Utc>>,
    ends_at: Option<DateTime<Utc>>,
    location: Option<String>,
    due_at: Option<DateTime<Utc>>,
    assignee_id: Option<Uuid>,
    done: bool,
    done_at: Option<DateTime<Utc>>,
    owner_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<ActivityRow> for Activity {
    type Error = StoreError;
    fn try_from(row: ActivityRow) -> Result<Self, StoreError> {
        let kind =
            ActivityKind::parse(&row.kind).ok_or_else(|| StoreError::corrupt("activity kind", &row.kind))?;
        let direction = row
            .direction
            .map(|d| Direction::parse(&d).ok_or_else(|| StoreError::corrupt("direction", &d)))
            .transpose()?;
        let outcome = row
            .outcome
            .map(|o| CallOutcome::parse(&o).ok_or_else(|| StoreError::corrupt("call outcome", &o)))
            .transpose()?;
        Ok(Activity {
            id: ActivityId(row.id),
            version: row.version,
            fields: ActivityFields {
                kind,
                subject: row.subject,
                body: row.body,
                contact_id: row.contact_id.map(ContactId),
                company_id: row.company_id.map(CompanyId),
                deal_id: row.deal_id.map(DealId),
                ticket_id: row.ticket_id.map(TicketId),
                occurred_at: row.occurred_at,
                direction,
                duration_seconds: row.duration_seconds,
                outcome,
                starts_at: row.starts_at,
                ends_at: row.ends_at,
                location: row.location,
                due_at: row.due_at,
                assignee_id: row.assignee_id.map(UserId),
                done: row.done,
                done_at: row.done_at,
                owner_id: row.owner_id.map(UserId),
            },
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

pub async fn get(db: &Db, id: ActivityId) -> Result<Option<Activity>, StoreError> {
    let row: Option<ActivityRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(select_activities!(), " WHERE a.id = $1"))
            .bind(id.0)
            .fetch_optional(pool)
            .await
    })?;
    row.map(Activity::try_from).transpose()
}

/// Which due dates a statement reads: a range, or none at all.
#[derive(Clone, Copy)]
enum Due {
    Dated,
    Undated,
}

/// The open tasks statement after `head`: read through the partial indexes on open tasks
/// (the predicate is written out, not bound, so both engines see that those indexes apply).
/// Dated and undated tasks are read by separate statements, each in index order, rather
/// than one with an `OR` that would sort every match.
fn open_tasks_where(head: &'static str, dialect: Dialect, window: &TaskWindow, due: Due) -> Sql {
    let mut sql = Sql::new(head);
    if dialect == Dialect::Sqlite && window.about.is_none() {
        // Named, because SQLite's planner prefers a skip-scan of the companies' open-task
        // index (whose company is nearly always empty) and then sorts every match: 36 ms
        // instead of 1 for a day of the team's tasks.
        sql.push(match window.assignee {
            Some(_) => " INDEXED BY activities_open_tasks",
            None => " INDEXED BY activities_open_tasks_due",
        });
    }
    sql.push(" WHERE a.kind = 'task' AND NOT a.done");
    if let Some(assignee) = window.assignee {
        sql.push(" AND a.assignee_id = ").bind(Bind::Uuid(assignee.0));
    }
    match window.about {
        Some(RecordRef { kind: RecordKind::Contact, id }) => {
            sql.push(" AND a.contact_id = ").bind(Bind::Uuid(id));
        }
        Some(RecordRef { kind: RecordKind::Company, id }) => {
            sql.push(" AND (a.company_id = ").bind(Bind::Uuid(id));
            sql.push(" OR a.contact_id IN (SELECT id FROM contacts WHERE company_id = ");
            sql.bind(Bind::Uuid(id)).push("))");
        }
        Some(RecordRef { kind: RecordKind::Deal, id }) => {
            sql.push(" AND a.deal_id = ").bind(Bind::Uuid(id));
        }
        Some(RecordRef { kind: RecordKind::Ticket, id }) => {
            sql.push(" AND a.ticket_id = ").bind(Bind::Uuid(id));
        }
        None => {}
    }
    match due {
        Due::Undated => {
            sql.push(" AND a.due_at IS NULL");
        }
        Due::Dated => {
            sql.push(" AND a.due_at IS NOT NULL");
            if let Some(from) = window.from {
                sql.push(" AND a.due_at >= ").bind(Bind::Time(from));
            }
            if let Some(to) = window.to {
                sql.push(" AND a.due_at < ").bind(Bind::Time(to));
            }
        }
    }
    sql
}

/// The parts of `window` to read, in the order they are shown.
fn parts(window: &TaskWindow) -> &'static [Due] {
    if window.undated { &[Due::Dated, Due::Undated] } else { &[Due::Dated] }
}

/// The open tasks in `window`, soonest due first, undated ones last.
pub async fn open_tasks(db: &Db, window: &TaskWindow, limit: i64) -> Result<Vec<Activity>, StoreError> {
    let mut found = vec![];
    for due in parts(window) {
        let wanted = limit - found.len() as i64;
        if wanted <= 0 {
            break;
        }
        let mut sql = open_tasks_where(select_activities!(), db.dialect(), window, *due);
        // The same order for undated tasks (their due date is NULL throughout): the order of
        // the open-task indexes, which PostgreSQL then reads instead of walking every
        // activity by id.
        sql.push(" ORDER BY a.due_at, a.id LIMIT ");
        sql.bind(Bind::Int(wanted));
        let (text, binds) = sql.into_parts(db.dialect());
        let rows: Vec<ActivityRow> = on_pool!(db, |pool| {
            crate::bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(text)), binds).fetch_all(pool).await
        })?;
        for row in rows {
            found.push(Activity::try_from(row)?);
        }
    }
    Ok(found)
}

/// How many open tasks `window` holds, to a thousand (see [`crate::count`]).
pub async fn count_open_tasks(db: &Db, window: &TaskWindow) -> Result<Count, StoreError> {
    let mut total = Count::Exact(0);
    for due in parts(window) {
        let sql =
            open_tasks_where("SELECT count(*) FROM (SELECT 1 FROM activities a", db.dialect(), window, *due);
        total = total.plus(crate::count::count_quickly(db, sql).await?);
    }
    Ok(total)
}

/// The activities of one record's timeline (a company's includes its contacts'), or all of
/// them when `scope` is `None`.
pub async fn list(
    db: &Db,
    scope: Option<RecordRef>,
    query: &ListQuery,
) -> Result<Result<Page<Activity>, ValidationErrors>, StoreError> {
    let mut base = Sql::new(concat!(select_activities!(), " WHERE "));
    match scope {
        None => {
            base.push("TRUE");
        }
        // A timeline of several sources names each by its own index, joined: written as an
        // `OR`, SQLite weighs the sides by their commonest value (NULL, for most activities'
        // deal and company) and reads the whole table instead.
        Some(RecordRef { kind: RecordKind::Contact, id }) => {
            // Their own, and those of every deal they take part in, whoever it was logged for.
            base.push("a.id IN (SELECT id FROM activities WHERE contact_id = ").bind(Bind::Uuid(id));
            base.push(" UNION ALL SELECT id FROM activities WHERE deal_id IN");
            base.push(" (SELECT deal_id FROM deal_contacts WHERE contact_id = ")
                .bind(Bind::Uuid(id))
                .push("))");
        }
        Some(RecordRef { kind: RecordKind::Company, id }) => {
            base.push("a.id IN (SELECT id FROM activities WHERE company_id = ").bind(Bind::Uuid(id));
            base.push(" UNION ALL SELECT id FROM activities WHERE contact_id IN");
            base.push(" (SELECT id FROM contacts WHERE company_id = ").bind(Bind::Uuid(id)).push("))");
        }
        Some(RecordRef { kind: RecordKind::Deal, id }) => {
            base.push("a.deal_id = ").bind(Bind::Uuid(id));
        }
        Some(RecordRef { kind: RecordKind::Ticket, id }) => {
            base.push("a.ticket_id = ").bind(Bind::Uuid(id));
        }
    }
    let (sql, plan) = match listing::build(base, db.dialect(), &CATALOG, query, &[]) {
        Ok(built) => built,
        Err(errors) => return Ok(Err(errors)),
    };
    let rows: Vec<ActivityRow> = crate::fetch::rows(db, sql, &plan).await?;
    let activities = rows.into_iter().map(Activity::try_from).collect::<Result<Vec<_>, _>>()?;
    Ok(Ok(listing::paginate(activities, query.limit, &plan)))
}

/// How many activities `query` matches (see [`crate::count`]).
pub async fn count_matching(
    db: &Db,
    query: &ListQuery,
) -> Result<Result<Count, ValidationErrors>, StoreError> {
    let base = "SELECT count(*) FROM (SELECT 1 FROM activities a WHERE TRUE";
    crate::count::count_list(db, base, &CATALOG, query, &[], "activities").await
}

pub async fn insert(tx: &mut Tx, activity: &Activity) -> Result<(), StoreError> {
    insert_many(tx, std::iter::once(activity)).await
}

/// Writes many activities in few statements (imports, demo data).
pub async fn insert_many<'a>(
    tx: &mut Tx,
    activities: impl IntoIterator<Item = &'a Activity>,
) -> Result<(), StoreError> {
    const HEAD: &str = concat!("INSERT INTO activities (id, created_at, ", changeable_columns!(), ")");
    insert_rows(tx, HEAD, activities.into_iter().map(new_row)).await
}

/// A new activity's values, in the order of the insert's columns.
fn new_row(activity: &Activity) -> Vec<Bind> {
    let mut row = vec![Bind::Uuid(activity.id.0), Bind::Time(activity.created_at)];
    row.extend(changeable_values(activity));
    row
}

/// The columns an activity's owner changes, in the order of [`changeable_values`].
macro_rules! changeable_columns {
    () => {
        "version, kind, subject, body, contact_id, company_id, deal_id, ticket_id, occurred_at, direction, duration_seconds,
         outcome, starts_at, ends_at, location, due_at, assignee_id, done, done_at, owner_id, updated_at"
    };
}
use changeable_columns;

fn changeable_values(activity: &Activity) -> Vec<Bind> {
    let f = &activity.fields;
    vec![
        Bind::Int(activity.version),
        Bind::Text(f.kind.as_str().to_owned()),
        Bind::OptText(f.subject.clone()),
        Bind::OptText(f.body.clone()),
        Bind::OptUuid(f.contact_id.map(|c| c.0)),
        Bind::OptUuid(f.company_id.map(|c| c.0)),
        Bind::OptUuid(f.deal_id.map(|d| d.0)),
        Bind::OptUuid(f.ticket_id.map(|t| t.0)),
        Bind::Time(f.occurred_at),
        Bind::OptText(f.direction.map(|d| d.as_str().to_owned())),
        Bind::OptInt(f.duration_seconds),
        Bind::OptText(f.outcome.map(|o| o.as_str().to_owned())),
        Bind::OptTime(f.starts_at),
        Bind::OptTime(f.ends_at),
        Bind::OptText(f.location.clone()),
        Bind::OptTime(f.due_at),
        Bind::OptUuid(f.assignee_id.map(|u| u.0)),
        Bind::Bool(f.done),
        Bind::OptTime(f.done_at),
        Bind::OptUuid(f.owner_id.map(|u| u.0)),
        Bind::Time(activity.updated_at),
    ]
}

pub async fn update(tx: &mut Tx, activity: &Activity, expected_version: i64) -> Result<(), StoreError> {
    const HEAD: &str = concat!("UPDATE activities SET (", changeable_columns!(), ") = ");
    update_row(tx, HEAD, changeable_values(activity), activity.id.0, expected_version).await
}

pub async fn delete(tx: &mut Tx, id: ActivityId, expected_version: i64) -> Result<(), StoreError> {
    delete_row(tx, "DELETE FROM activities WHERE id = $1 AND version = $2", id.0, expected_version).await
}

/// Points every activity of ticket `from` at ticket `to`, each as a change of it (its version
/// moves, so an edit from an older copy fails rather than putting it back); returns their ids.
pub async fn move_to_ticket(
    tx: &mut Tx,
    from: TicketId,
    to: TicketId,
    at: DateTime<Utc>,
) -> Result<Vec<ActivityId>, StoreError> {
    let ids: Vec<Uuid> = crate::on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "UPDATE activities SET ticket_id = $1, version = version + 1, updated_at = $2
             WHERE ticket_id = $3 RETURNING id",
        )
        .bind(to.0)
        .bind(at)
        .bind(from.0)
        .fetch_all(&mut *conn)
        .await
    })?;
    Ok(ids.into_iter().map(ActivityId).collect())
}

/// Points activity `id` at ticket `to`, if it is still on ticket `from` (its version moves);
/// says whether it moved.
pub async fn move_one_to_ticket(
    tx: &mut Tx,
    id: ActivityId,
    from: TicketId,
    to: TicketId,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let moved = crate::on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE activities SET ticket_id = $1, version = version + 1, updated_at = $2
             WHERE id = $3 AND ticket_id = $4",
        )
        .bind(to.0)
        .bind(at)
        .bind(id.0)
        .bind(from.0)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(moved == 1)
}
