//! Deals in the database, and the history of the stages they entered.

use crate::db::{Db, StoreError, Tx};
use crate::kept_figures::{Figures, moves};
use crate::listing::{Catalog, ColumnKind, Page, Search, column};
use crate::sql::{Bind, Sql, delete_row, insert_rows, json, update_row};
use crate::{bind_all, on_pool, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use comptoir_domain::contacts::{CompanySummary, ContactSummary, name_of};
use comptoir_domain::custom_fields::CustomFieldDefinition;
use comptoir_domain::deals::{
    BoardFilter, Deal, DealContact, DealFields, DealRole, PipelineReport, ReportScope, StageChange,
    StageReport, StageTotal,
};
use comptoir_domain::exchange_rates::RateBook;
use comptoir_domain::ids::{CompanyId, ContactId, DealId, PipelineId, StageId, UserId};
use comptoir_domain::listing::{Count, ListQuery};
use comptoir_domain::money::{Currency, Money};
use comptoir_domain::pipelines::Outcome;
use comptoir_domain::validation::ValidationErrors;
use serde_json::{Map, Value};
use sqlx::AssertSqlSafe;
use sqlx::FromRow;
use sqlx::types::Json;
use std::collections::HashMap;
use uuid::Uuid;

pub static CATALOG: Catalog = Catalog {
    columns: &[
        column("id", "d.id", ColumnKind::Id, false, "/id"),
        column("title", "d.title", ColumnKind::Text, false, "/title"),
        column("pipeline_id", "d.pipeline_id", ColumnKind::Id, false, "/pipeline_id"),
        column("stage_id", "d.stage_id", ColumnKind::Id, false, "/stage_id"),
        column("status", "d.status", ColumnKind::Key, false, "/status"),
        column("company_id", "d.company_id", ColumnKind::Id, true, "/company_id"),
        column("company_name", "co.name", ColumnKind::Text, true, "/company/name"),
        column("contact_id", "d.contact_id", ColumnKind::Id, true, "/contact_id"),
        column("owner_id", "d.owner_id", ColumnKind::Id, true, "/owner_id"),
        column("amount", "d.amount_minor", ColumnKind::Int, true, "/amount/minor_units"),
        column("currency", "d.currency", ColumnKind::Key, true, "/amount/currency"),
        column("probability", "d.probability", ColumnKind::Int, false, "/probability"),
        column("expected_close_on", "d.expected_close_on", ColumnKind::Key, true, "/expected_close_on"),
        column("source", "d.source", ColumnKind::Text, true, "/source"),
        column("lost_reason", "d.lost_reason", ColumnKind::Text, true, "/lost_reason"),
        column("tags", "d.tags", ColumnKind::Tags, false, "/tags"),
        column("version", "d.version", ColumnKind::Int, false, "/version"),
        column("stage_entered_at", "d.stage_entered_at", ColumnKind::Timestamp, false, "/stage_entered_at"),
        column("closed_at", "d.closed_at", ColumnKind::Timestamp, true, "/closed_at"),
        column("created_at", "d.created_at", ColumnKind::Timestamp, false, "/created_at"),
        column("updated_at", "d.updated_at", ColumnKind::Timestamp, false, "/updated_at"),
    ],
    id_sql: "d.id",
    custom_sql: Some("d.custom_fields"),
    default_sort: "created_at",
    default_descending: true,
    search: Some(Search {
        sqlite: "d.seq IN (SELECT rowid FROM deals_fts WHERE deals_fts MATCH ",
        postgres: "d.search_tsv @@ to_tsquery('simple', ",
        sqlite_rowid: "d.seq",
        sqlite_rowid_of: [
            "COALESCE((SELECT seq FROM deals WHERE id = ",
            "), (SELECT seq FROM deals WHERE id > ",
            " ORDER BY id LIMIT 1))",
        ],
    }),
    sort_indexes: &["id", "created_at", "updated_at", "title", "expected_close_on", "amount"],
    broad_filters: &["status", "pipeline_id", "currency"],
    creation_ordered: &[],
};

/// The rows a deal is read from, which lists filter on: the deal, its company and contact.
macro_rules! deals_from {
    () => {
        " FROM deals d JOIN pipelines p ON p.id = d.pipeline_id JOIN pipeline_stages st ON st.id = d.stage_id
         LEFT JOIN companies co ON co.id = d.company_id LEFT JOIN contacts ct ON ct.id = d.contact_id"
    };
}

macro_rules! select_deals {
    () => {
        concat!(
            "SELECT d.id, d.version, d.title, d.pipeline_id, d.stage_id, d.status, d.company_id,
            d.contact_id, d.owner_id, d.amount_minor, d.currency, d.probability, d.expected_close_on,
            d.source, d.lost_reason, d.tags, d.custom_fields, d.stage_entered_at, d.closed_at,
            d.created_at, d.updated_at, co.name AS company_name, ct.first_name AS contact_first_name,
            ct.last_name AS contact_last_name, ct.email AS contact_email, p.name AS pipeline_name,
            st.name AS stage_name",
            deals_from!()
        )
    };
}

#[derive(FromRow)]
struct DealRow {
    id: Uuid,
    version: i64,
    title: String,
    pipeline_id: Uuid,
    stage_id: Uuid,
    status: String,
    company_id: Option<Uuid>,
    contact_id: Option<Uuid>,
    owner_id: Option<Uuid>,
    amount_minor: Option<i64>,
    currency: Option<String>,
    probability: i64,
    expected_close_on: Option<String>,
    source: Option<String>,
    lost_reason: Option<String>,
    tags: Json<Vec<String>>,
    custom_fields: Json<Map<String, Value>>,
    stage_entered_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    company_name: Option<String>,
    contact_first_name: Option<String>,
    contact_last_name: Option<String>,
    contact_email: Option<String>,
    pipeline_name: String,
    stage_name: String,
}

impl TryFrom<DealRow> for Deal {
    type Error = StoreError;
    fn try_from(row: DealRow) -> Result<Self, StoreError> {
        let status =
            Outcome::parse(&row.status).ok_or_else(|| StoreError::corrupt("deal status", &row.status))?;
        let amount = match (row.amount_minor, row.currency) {
            (Some(minor), Some(code)) => {
                let currency = Currency::parse(&code).map_err(|_| StoreError::corrupt("currency", &code))?;
                Some(Money::from_minor(minor, currency))
            }
            _ => None,
        };
        let expected_close_on = row
            .expected_close_on
            .map(|d| d.parse::<NaiveDate>().map_err(|_| StoreError::corrupt("close date", &d)))
            .transpose()?;
        let probability = u8::try_from(row.probability)
            .map_err(|_| StoreError::corrupt("probability", &row.probability.to_string()))?;
        Ok(Deal {
            id: DealId(row.id),
            version: row.version,
            fields: DealFields {
                title: row.title,
                pipeline_id: PipelineId(row.pipeline_id),
                stage_id: StageId(row.stage_id),
                status,
                company_id: row.company_id.map(CompanyId),
                contact_id: row.contact_id.map(ContactId),
                contacts: Vec::new(),
                owner_id: row.owner_id.map(UserId),
                amount,
                probability,
                expected_close_on,
                source: row.source,
                lost_reason: row.lost_reason,
                tags: row.tags.0,
                custom_fields: row.custom_fields.0,
            },
            company: row
                .company_id
                .zip(row.company_name)
                .map(|(id, name)| CompanySummary { id: CompanyId(id), name }),
            contact: row.contact_id.map(|id| ContactSummary {
                id: ContactId(id),
                name: name_of(
                    row.contact_first_name.as_deref(),
                    row.contact_last_name.as_deref(),
                    row.contact_email.as_deref(),
                ),
            }),
            people: Vec::new(),
            pipeline_name: row.pipeline_name,
            stage_name: row.stage_name,
            stage_entered_at: row.stage_entered_at,
            closed_at: row.closed_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

pub async fn get(db: &Db, id: DealId) -> Result<Option<Deal>, StoreError> {
    let row: Option<DealRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(select_deals!(), " WHERE d.id = $1")).bind(id.0).fetch_optional(pool).await
    })?;
    let Some(deal) = row.map(Deal::try_from).transpose()? else { return Ok(None) };
    Ok(with_people(db, vec![deal]).await?.pop())
}

pub async fn list(
    db: &Db,
    query: &ListQuery,
    custom: &[CustomFieldDefinition],
) -> Result<Result<Page<Deal>, ValidationErrors>, StoreError> {
    let page = match crate::fetch::page::<DealRow, Deal>(
        db,
        concat!(select_deals!(), " WHERE TRUE"),
        &CATALOG,
        query,
        custom,
    )
    .await?
    {
        Ok(page) => page,
        Err(errors) => return Ok(Err(errors)),
    };
    let data = with_people(db, page.data).await?;
    Ok(Ok(Page { data, ..page }))
}

/// The open deals `contact` takes part in (not as their main contact), soonest to close first.
pub async fn taken_part_in(db: &Db, contact: ContactId, limit: u32) -> Result<Vec<Deal>, StoreError> {
    let rows: Vec<DealRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(
            select_deals!(),
            " WHERE d.id IN (SELECT deal_id FROM deal_contacts WHERE contact_id = $1) AND d.status = 'open'
              ORDER BY d.expected_close_on IS NULL, d.expected_close_on, d.id LIMIT $2"
        ))
        .bind(contact.0)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await
    })?;
    let deals = rows.into_iter().map(Deal::try_from).collect::<Result<Vec<_>, _>>()?;
    with_people(db, deals).await
}

#[derive(FromRow)]
struct PersonRow {
    deal_id: Uuid,
    contact_id: Uuid,
    role: String,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
}

/// Fills in the people of `deals`, named, from one read of theirs.
async fn with_people(db: &Db, mut deals: Vec<Deal>) -> Result<Vec<Deal>, StoreError> {
    if deals.is_empty() {
        return Ok(deals);
    }
    let mut sql = Sql::new(
        "SELECT dc.deal_id, dc.contact_id, dc.role, ct.first_name, ct.last_name, ct.email
         FROM deal_contacts dc JOIN contacts ct ON ct.id = dc.contact_id WHERE dc.deal_id IN ",
    );
    sql.values([deals.iter().map(|d| Bind::Uuid(d.id.0))]).push(" ORDER BY dc.deal_id, dc.position");
    let (text, binds) = sql.into_parts(db.dialect());
    let rows: Vec<PersonRow> = on_pool!(db, |pool| {
        bind_all!(sqlx::query_as(AssertSqlSafe(text)).persistent(false), binds).fetch_all(pool).await
    })?;
    let mut by_deal: HashMap<Uuid, Vec<PersonRow>> = HashMap::new();
    for row in rows {
        by_deal.entry(row.deal_id).or_default().push(row);
    }
    for deal in &mut deals {
        for row in by_deal.remove(&deal.id.0).unwrap_or_default() {
            let role =
                DealRole::parse(&row.role).ok_or_else(|| StoreError::corrupt("deal role", &row.role))?;
            let contact_id = ContactId(row.contact_id);
            deal.fields.contacts.push(DealContact { contact_id, role });
            let name = name_of(row.first_name.as_deref(), row.last_name.as_deref(), row.email.as_deref());
            deal.people.push(ContactSummary { id: contact_id, name });
        }
    }
    Ok(deals)
}

/// Writes the people of `deal` in place of those it had.
async fn keep_people(tx: &mut Tx, deal: DealId, people: &[DealContact]) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query("DELETE FROM deal_contacts WHERE deal_id = $1")
            .bind(deal.0)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    if people.is_empty() {
        return Ok(());
    }
    const HEAD: &str = "INSERT INTO deal_contacts (deal_id, contact_id, role, position)";
    let mut rows = Vec::with_capacity(people.len());
    for (person, position) in people.iter().zip(0..) {
        rows.push(vec![
            Bind::Uuid(deal.0),
            Bind::Uuid(person.contact_id.0),
            Bind::Text(person.role.as_str().to_owned()),
            Bind::Int(position),
        ]);
    }
    insert_rows(tx, HEAD, rows).await
}

/// The deals whose people include `contact`, as they stand in `tx`.
pub async fn with_person(tx: &mut Tx, contact: ContactId) -> Result<Vec<DealId>, StoreError> {
    let ids: Vec<Uuid> = on_tx!(tx, |conn| {
        sqlx::query_scalar("SELECT deal_id FROM deal_contacts WHERE contact_id = $1 ORDER BY deal_id")
            .bind(contact.0)
            .fetch_all(&mut *conn)
            .await
    })?;
    Ok(ids.into_iter().map(DealId).collect())
}

/// The people of `deal`, as they stand in `tx`.
pub async fn people_of(tx: &mut Tx, deal: DealId) -> Result<Vec<DealContact>, StoreError> {
    let rows: Vec<(Uuid, String)> = on_tx!(tx, |conn| {
        sqlx::query_as("SELECT contact_id, role FROM deal_contacts WHERE deal_id = $1 ORDER BY position")
            .bind(deal.0)
            .fetch_all(&mut *conn)
            .await
    })?;
    rows.into_iter()
        .map(|(contact, role)| {
            let role = DealRole::parse(&role).ok_or_else(|| StoreError::corrupt("deal role", &role))?;
            Ok(DealContact { contact_id: ContactId(contact), role })
        })
        .collect()
}

/// Gives `deal` the people `people`, as a change of the deal (its version moves, so an edit
/// made from an older copy fails rather than putting them back): what a merge of two of
/// them does.
pub async fn replace_people(
    tx: &mut Tx,
    deal: DealId,
    people: &[DealContact],
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    keep_people(tx, deal, people).await?;
    on_tx!(tx, |conn| {
        sqlx::query("UPDATE deals SET version = version + 1, updated_at = $1 WHERE id = $2")
            .bind(at)
            .bind(deal.0)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// How many deals `query` matches (see [`crate::count`]).
pub async fn count_matching(
    db: &Db,
    query: &ListQuery,
    custom: &[CustomFieldDefinition],
) -> Result<Result<Count, ValidationErrors>, StoreError> {
    let base = concat!("SELECT count(*) FROM (SELECT 1", deals_from!(), " WHERE TRUE");
    crate::count::count_list(db, base, &CATALOG, query, custom, "deals").await
}

pub async fn insert(tx: &mut Tx, deal: &Deal) -> Result<(), StoreError> {
    insert_many(tx, std::iter::once(deal)).await?;
    keep_people(tx, deal.id, &deal.fields.contacts).await?;
    follow_on_board(tx, None, Some(deal)).await?;
    crate::forecast::follow(tx, None, Some(deal)).await?;
    entered_stage(tx, deal, None).await
}

/// Writes many deals in few statements (demo data), without their people, their stage history
/// or their kept totals ([`rebuild_totals`] once they are all in).
pub async fn insert_many<'a>(
    tx: &mut Tx,
    deals: impl IntoIterator<Item = &'a Deal>,
) -> Result<(), StoreError> {
    const HEAD: &str = concat!("INSERT INTO deals (id, created_at, ", changeable_columns!(), ")");
    insert_rows(tx, HEAD, deals.into_iter().map(new_row)).await
}

fn new_row(deal: &Deal) -> Vec<Bind> {
    let mut row = vec![Bind::Uuid(deal.id.0), Bind::Time(deal.created_at)];
    row.extend(changeable_values(deal));
    row
}

/// The columns a deal's owner changes, in the order of [`changeable_values`].
macro_rules! changeable_columns {
    () => {
        "version, title, pipeline_id, stage_id, status, company_id, contact_id, owner_id, amount_minor,
         currency, probability, expected_close_on, source, lost_reason, tags, custom_fields, search_text,
         stage_entered_at, closed_at, closed_on, updated_at"
    };
}
use changeable_columns;

fn changeable_values(deal: &Deal) -> Vec<Bind> {
    let f = &deal.fields;
    vec![
        Bind::Int(deal.version),
        Bind::Text(f.title.clone()),
        Bind::Uuid(f.pipeline_id.0),
        Bind::Uuid(f.stage_id.0),
        Bind::Text(f.status.as_str().to_owned()),
        Bind::OptUuid(f.company_id.map(|c| c.0)),
        Bind::OptUuid(f.contact_id.map(|c| c.0)),
        Bind::OptUuid(f.owner_id.map(|o| o.0)),
        Bind::OptInt(f.amount.map(|m| m.minor_units)),
        Bind::OptText(f.amount.map(|m| m.currency.code().to_owned())),
        Bind::Int(i64::from(f.probability)),
        Bind::OptText(f.expected_close_on.map(|d| d.format("%Y-%m-%d").to_string())),
        Bind::OptText(f.source.clone()),
        Bind::OptText(f.lost_reason.clone()),
        json(&f.tags),
        json(&f.custom_fields),
        Bind::Text(f.search_text()),
        Bind::Time(deal.stage_entered_at),
        Bind::OptTime(deal.closed_at),
        Bind::OptText(deal.closed_at.map(|at| at.format("%Y-%m-%d").to_string())),
        Bind::Time(deal.updated_at),
    ]
}

/// Stores `after` in place of `before`, if `before` is still the stored version, and notes
/// the stage it entered when it moved.
pub async fn update(tx: &mut Tx, before: &Deal, after: &Deal) -> Result<(), StoreError> {
    const HEAD: &str = concat!("UPDATE deals SET (", changeable_columns!(), ") = ");
    update_row(tx, HEAD, changeable_values(after), after.id.0, before.version).await?;
    if after.fields.contacts != before.fields.contacts {
        keep_people(tx, after.id, &after.fields.contacts).await?;
    }
    entries_follow(tx, before, after).await?;
    if after.fields.stage_id != before.fields.stage_id {
        entered_stage(tx, after, Some(before.fields.stage_id)).await?;
    }
    follow_on_board(tx, Some(before), Some(after)).await?;
    crate::forecast::follow(tx, Some(before), Some(after)).await
}

/// Deletes `deal`, if it is still the stored version.
pub async fn delete(tx: &mut Tx, deal: &Deal) -> Result<(), StoreError> {
    delete_row(tx, "DELETE FROM deals WHERE id = $1 AND version = $2", deal.id.0, deal.version).await?;
    follow_on_board(tx, Some(deal), None).await?;
    crate::forecast::follow(tx, Some(deal), None).await
}

/// Where a deal counts on the board (its stage, and its currency, empty without an amount) and
/// what it adds there.
fn on_board(deal: &Deal) -> ((Uuid, &'static str), Figures) {
    let f = &deal.fields;
    let amount = f.amount.map_or(0, |m| m.minor_units);
    let currency = f.amount.map(|m| m.currency.code()).unwrap_or_default();
    ((f.stage_id.0, currency), Figures { deals: 1, amount, weighted: amount * i64::from(f.probability) })
}

/// Moves a deal's figures in the stages' totals from where `before` counted to where `after`
/// does; `None` for a deal not yet created, or deleted.
async fn follow_on_board(tx: &mut Tx, before: Option<&Deal>, after: Option<&Deal>) -> Result<(), StoreError> {
    for ((stage, currency), figures) in moves(before.map(on_board), after.map(on_board)) {
        on_tx!(tx, |conn| {
            sqlx::query(
                "INSERT INTO deal_stage_totals (stage_id, currency, deals, amount_minor, weighted)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (stage_id, currency) DO UPDATE SET deals = deal_stage_totals.deals + excluded.deals,
                    amount_minor = deal_stage_totals.amount_minor + excluded.amount_minor,
                    weighted = deal_stage_totals.weighted + excluded.weighted",
            )
            .bind(stage)
            .bind(currency)
            .bind(figures.deals)
            .bind(figures.amount)
            .bind(figures.weighted)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Counts every deal into its stage's totals and the forecast's again, from the deals
/// themselves (after a bulk load, which writes deals without them).
pub async fn rebuild_totals(db: &Db) -> Result<(), StoreError> {
    crate::forecast::rebuild(db).await?;
    on_pool!(db, |pool| {
        let mut tx = pool.begin().await?;
        sqlx::query("DELETE FROM deal_stage_totals").execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO deal_stage_totals (stage_id, currency, deals, amount_minor, weighted)
             SELECT stage_id, COALESCE(currency, ''), count(*), CAST(COALESCE(sum(amount_minor), 0) AS BIGINT),
                CAST(COALESCE(sum(amount_minor * probability), 0) AS BIGINT)
             FROM deals GROUP BY stage_id, COALESCE(currency, '')",
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    })?;
    Ok(())
}

async fn entered_stage(tx: &mut Tx, deal: &Deal, from: Option<StageId>) -> Result<(), StoreError> {
    if from.is_some() {
        // The stage it leaves: how long it stayed there is read from its entry.
        on_tx!(tx, |conn| {
            sqlx::query("UPDATE deal_stage_changes SET left_at = $2 WHERE deal_id = $1 AND left_at IS NULL")
                .bind(deal.id.0)
                .bind(deal.stage_entered_at)
                .execute(&mut *conn)
                .await
                .map(|r| r.rows_affected())
        })?;
    }
    let entry = StageChangeRow {
        pipeline: deal.fields.pipeline_id,
        from,
        to: deal.fields.stage_id,
        at: deal.stage_entered_at,
        left_at: None,
    };
    insert_stage_changes(tx, std::iter::once((deal, &entry))).await
}

/// What each entry of a deal into a stage keeps of it for the pipeline report: its owner,
/// currency and amount, and the day that amount converts at (the day it closed, or should).
#[derive(PartialEq)]
struct EntryValues {
    owner: Option<Uuid>,
    currency: Option<&'static str>,
    amount: Option<i64>,
    value_on: Option<String>,
}

impl EntryValues {
    fn of(deal: &Deal) -> EntryValues {
        let f = &deal.fields;
        let day = deal.closed_at.map(|at| at.date_naive()).or(f.expected_close_on);
        EntryValues {
            owner: f.owner_id.map(|o| o.0),
            currency: f.amount.map(|m| m.currency.code()),
            amount: f.amount.map(|m| m.minor_units),
            value_on: day.map(|d| d.format("%Y-%m-%d").to_string()),
        }
    }

    fn binds(self) -> [Bind; 4] {
        [
            Bind::OptUuid(self.owner),
            Bind::OptText(self.currency.map(str::to_owned)),
            Bind::OptInt(self.amount),
            Bind::OptText(self.value_on),
        ]
    }
}

/// Rewrites what `deal`'s entries into stages keep of it, when that changed since `before`.
async fn entries_follow(tx: &mut Tx, before: &Deal, deal: &Deal) -> Result<(), StoreError> {
    let values = EntryValues::of(deal);
    if EntryValues::of(before) == values {
        return Ok(());
    }
    on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE deal_stage_changes SET owner_id = $2, currency = $3, amount_minor = $4, value_on = $5
             WHERE deal_id = $1",
        )
        .bind(deal.id.0)
        .bind(values.owner)
        .bind(values.currency)
        .bind(values.amount)
        .bind(values.value_on.as_deref())
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// The stages a deal went through, oldest first.
pub async fn stage_history(db: &Db, id: DealId) -> Result<Vec<StageChange>, StoreError> {
    let rows: Vec<(Option<Uuid>, Uuid, DateTime<Utc>)> = on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT from_stage_id, to_stage_id, changed_at FROM deal_stage_changes
             WHERE deal_id = $1 ORDER BY changed_at, id",
        )
        .bind(id.0)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(from, to, at)| StageChange { from: from.map(StageId), to: StageId(to), at })
        .collect())
}

/// How many deals are in `stage` (a stage with deals cannot be removed).
pub async fn count_in_stage(db: &Db, stage: StageId) -> Result<i64, StoreError> {
    Ok(on_pool!(db, |pool| {
        sqlx::query_scalar("SELECT count(*) FROM deals WHERE stage_id = $1")
            .bind(stage.0)
            .fetch_one(pool)
            .await
    })?)
}

/// How many deals a pipeline has (a pipeline with deals cannot be deleted).
pub async fn count_in_pipeline(db: &Db, pipeline: PipelineId) -> Result<i64, StoreError> {
    Ok(on_pool!(db, |pool| {
        sqlx::query_scalar("SELECT count(*) FROM deals WHERE pipeline_id = $1")
            .bind(pipeline.0)
            .fetch_one(pool)
            .await
    })?)
}

/// The totals of each stage of a pipeline, per currency: kept with every change for the whole
/// board, added up by the database for one owner's deals or one month's.
pub async fn stage_totals(
    db: &Db,
    pipeline: PipelineId,
    filter: &BoardFilter,
) -> Result<Vec<StageTotal>, StoreError> {
    let sql = if filter.owner.is_none() && filter.closing.is_none() {
        let mut sql = Sql::new(
            "SELECT t.stage_id, NULLIF(t.currency, ''), t.deals, t.amount_minor, t.weighted
             FROM deal_stage_totals t JOIN pipeline_stages s ON s.id = t.stage_id
             WHERE t.deals > 0 AND s.pipeline_id = ",
        );
        sql.bind(Bind::Uuid(pipeline.0));
        sql
    } else {
        let mut sql = Sql::new(
            "SELECT stage_id, currency, count(*), CAST(COALESCE(sum(amount_minor), 0) AS BIGINT),
                CAST(COALESCE(sum(amount_minor * probability), 0) AS BIGINT) FROM deals WHERE pipeline_id = ",
        );
        sql.bind(Bind::Uuid(pipeline.0));
        push_board_filter(&mut sql, filter);
        sql.push(" GROUP BY stage_id, currency");
        sql
    };
    let (text, binds) = sql.into_parts(db.dialect());
    // Σ amount × probability stays exact in a 64-bit integer while a stage's amounts add up
    // to under 10^16 minor units; PostgreSQL sums into numeric, cast back.
    let rows: Vec<(Uuid, Option<String>, i64, i64, i64)> = on_pool!(db, |pool| {
        crate::bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(text)), binds).fetch_all(pool).await
    })?;
    Ok(rows
        .into_iter()
        .map(|(stage, currency, deals, amount_minor, weighted)| StageTotal {
            stage_id: StageId(stage),
            currency,
            deals,
            amount_minor,
            weighted_minor: weighted.div_euclid(100),
        })
        .collect())
}

fn push_board_filter(sql: &mut Sql, filter: &BoardFilter) {
    if let Some(owner) = filter.owner {
        sql.push(" AND owner_id = ").bind(Bind::Uuid(owner.0));
    }
    if let Some((from, until)) = filter.closing {
        sql.push(" AND expected_close_on >= ").bind(Bind::Text(from.format("%Y-%m-%d").to_string()));
        sql.push(" AND expected_close_on < ").bind(Bind::Text(until.format("%Y-%m-%d").to_string()));
    }
}

/// One stage a deal entered.
pub struct StageChangeRow {
    pub pipeline: PipelineId,
    pub from: Option<StageId>,
    pub to: StageId,
    pub at: DateTime<Utc>,
    /// When it moved on, if it did.
    pub left_at: Option<DateTime<Utc>>,
}

/// Writes stage changes in few statements, each with the deal it is of: the one a change of a
/// deal makes, or many at once (demo data, whose deals were inserted with [`insert_many`]).
pub async fn insert_stage_changes<'a>(
    tx: &mut Tx,
    changes: impl IntoIterator<Item = (&'a Deal, &'a StageChangeRow)>,
) -> Result<(), StoreError> {
    const HEAD: &str = "INSERT INTO deal_stage_changes (id, deal_id, pipeline_id, from_stage_id, to_stage_id,
        changed_at, left_at, owner_id, currency, amount_minor, value_on)";
    // Worked out before the first await: a lazy map over borrowed pairs would make the
    // future's lifetimes too narrow to be sent between threads.
    let rows: Vec<Vec<Bind>> = changes
        .into_iter()
        .map(|(deal, c)| {
            let mut row = vec![
                Bind::Uuid(Uuid::now_v7()),
                Bind::Uuid(deal.id.0),
                Bind::Uuid(c.pipeline.0),
                Bind::OptUuid(c.from.map(|s| s.0)),
                Bind::Uuid(c.to.0),
                Bind::Time(c.at),
                Bind::OptTime(c.left_at),
            ];
            row.extend(EntryValues::of(deal).binds());
            row
        })
        .collect();
    insert_rows(tx, HEAD, rows).await
}

pub async fn count(db: &Db) -> Result<i64, StoreError> {
    Ok(on_pool!(db, |pool| sqlx::query_scalar("SELECT count(*) FROM deals").fetch_one(pool).await)?)
}

/// Refreshes the planner's statistics of the sales tables after a bulk load, so their indexes
/// are weighed by what they now hold.
/// On PostgreSQL a vacuum also marks the new rows visible to all, without which the planner
/// would not read the covering indexes alone.
pub async fn analyze(db: &Db) -> Result<(), StoreError> {
    let statements: &[&'static str] = match db.dialect() {
        crate::Dialect::Sqlite => &["ANALYZE deals", "ANALYZE deal_stage_changes", "ANALYZE pipeline_stages"],
        crate::Dialect::Postgres => {
            &["VACUUM (ANALYZE) deals", "VACUUM (ANALYZE) deal_stage_changes", "ANALYZE pipeline_stages"]
        }
    };
    on_pool!(db, |pool| {
        for statement in statements {
            sqlx::query(*statement).execute(pool).await?;
        }
        Ok::<(), sqlx::Error>(())
    })?;
    Ok(())
}

/// A pipeline's report: per stage, the times deals entered it in the period, how many went on
/// to the next stage (or were won), how long they stayed (from each entry's `left_at`); and the deals closed in the period,
/// their win rate and cycle length. Read from the stage history and the closed deals.
pub async fn report(
    db: &Db,
    scope: &ReportScope,
    stages: &[comptoir_domain::pipelines::Stage],
    base: Currency,
) -> Result<PipelineReport, StoreError> {
    let from = Bind::Text(scope.from.format("%Y-%m-%d").to_string());
    let until = Bind::Text(scope.until.format("%Y-%m-%d").to_string());
    let dialect = db.dialect();
    // How long a deal stayed in a stage: until its next change, in days, written per engine
    // (SQLite keeps times as text, PostgreSQL as timestamps).
    let (days, since) = match dialect {
        crate::Dialect::Sqlite => (
            "avg(julianday(c.left_at) - julianday(c.changed_at))",
            "julianday(closed_at) - julianday(created_at)",
        ),
        crate::Dialect::Postgres => (
            "avg(EXTRACT(EPOCH FROM (c.left_at - c.changed_at)) / 86400.0)",
            "EXTRACT(EPOCH FROM (closed_at - created_at)) / 86400.0",
        ),
    };
    let mut sql = Sql::new("SELECT c.to_stage_id, count(*), CAST(");
    sql.push(days).push(" AS DOUBLE PRECISION) FROM deal_stage_changes c");
    sql.push(" WHERE c.pipeline_id = ").bind(Bind::Uuid(scope.pipeline.0));
    sql.push(" AND c.changed_at >= ").bind(start_of(scope.from));
    sql.push(" AND c.changed_at < ").bind(start_of(scope.until));
    if let Some(owner) = scope.owner {
        sql.push(" AND c.owner_id = ").bind(Bind::Uuid(owner.0));
    }
    sql.push(" GROUP BY c.to_stage_id");
    let (text, binds) = sql.into_parts(dialect);
    let entered: Vec<(Uuid, i64, Option<f64>)> = on_pool!(db, |pool| {
        crate::bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(text)), binds).fetch_all(pool).await
    })?;
    let entered_in = |stage: StageId| entered.iter().find(|e| e.0 == stage.0);
    let open: Vec<&comptoir_domain::pipelines::Stage> =
        stages.iter().filter(|s| s.outcome == Outcome::Open).collect();
    let won_stage = stages.iter().find(|s| s.outcome == Outcome::Won).map(|s| s.id);
    let reports = stages
        .iter()
        .map(|stage| {
            let (count, average) = entered_in(stage.id).map_or((0, None), |e| (e.1, e.2));
            // The next open stage, or winning after the last one.
            let next = open
                .iter()
                .position(|s| s.id == stage.id)
                .map(|i| open.get(i + 1).map(|s| s.id).or(won_stage));
            let conversion = match next.flatten() {
                Some(next) if count > 0 => Some(entered_in(next).map_or(0, |e| e.1) as f64 / count as f64),
                _ => None,
            };
            StageReport {
                stage_id: stage.id,
                entered: count,
                conversion,
                average_days_in_stage: average,
                value: 0,
            }
        })
        .collect::<Vec<_>>();
    let mut sql = Sql::new("SELECT status, count(*), CAST(avg(");
    sql.push(since)
        .push(") AS DOUBLE PRECISION) FROM deals WHERE status IN ('won', 'lost') AND closed_on >= ");
    sql.bind(from).push(" AND closed_on < ").bind(until);
    sql.push(" AND pipeline_id = ").bind(Bind::Uuid(scope.pipeline.0));
    if let Some(owner) = scope.owner {
        sql.push(" AND owner_id = ").bind(Bind::Uuid(owner.0));
    }
    sql.push(" GROUP BY status");
    let (text, binds) = sql.into_parts(dialect);
    let closed: Vec<(String, i64, Option<f64>)> = on_pool!(db, |pool| {
        crate::bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(text)), binds).fetch_all(pool).await
    })?;
    let of = |status: &str| closed.iter().find(|c| c.0 == status).map_or((0, None), |c| (c.1, c.2));
    let ((won, won_days), (lost, lost_days)) = (of("won"), of("lost"));
    let cycle = match (won_days, lost_days) {
        (Some(w), Some(l)) => Some((w * won as f64 + l * lost as f64) / (won + lost) as f64),
        (one, other) => one.or(other),
    };
    let values = report_values(db, scope, base).await?;
    Ok(PipelineReport {
        currency: base,
        stages: reports
            .into_iter()
            .map(|stage| StageReport { value: values.of(&stage.stage_id.0.to_string()), ..stage })
            .collect(),
        won,
        lost,
        won_value: values.of("won"),
        lost_value: values.of("lost"),
        left_out: values.left_out,
        win_rate: (won + lost > 0).then(|| won as f64 / (won + lost) as f64),
        average_cycle_days: cycle,
    })
}

/// What a report's values add up to: by stage (its id) and by closing (`won`, `lost`).
struct ReportValues {
    sums: std::collections::HashMap<String, i64>,
    left_out: i64,
}

impl ReportValues {
    fn of(&self, key: &str) -> i64 {
        self.sums.get(key).copied().unwrap_or(0)
    }
}

/// The amounts of a report's stage entries and closings, summed by the database per currency
/// (and, for another currency than `base`, per day, converted here at that day's rate).
async fn report_values(db: &Db, scope: &ReportScope, base: Currency) -> Result<ReportValues, StoreError> {
    let dialect = db.dialect();
    let entered_on = match dialect {
        crate::Dialect::Sqlite => "substr(c.changed_at, 1, 10)",
        crate::Dialect::Postgres => "to_char(c.changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
    };
    let base_code = Bind::Text(base.code().to_owned());
    // A row per key and currency; per day too for another currency.
    // Each entry keeps its deal's values (see `EntryValues`): no deal is read.
    let mut sql = Sql::new("SELECT c.to_stage_id, c.currency, CASE WHEN c.currency = ");
    sql.bind(base_code.clone()).push(" THEN '' ELSE COALESCE(c.value_on, ");
    sql.push(entered_on).push(") END AS day, count(*), CAST(sum(c.amount_minor) AS BIGINT)");
    sql.push(" FROM deal_stage_changes c WHERE c.pipeline_id = ").bind(Bind::Uuid(scope.pipeline.0));
    sql.push(" AND c.changed_at >= ").bind(start_of(scope.from));
    sql.push(" AND c.changed_at < ").bind(start_of(scope.until));
    sql.push(" AND c.amount_minor IS NOT NULL");
    if let Some(owner) = scope.owner {
        sql.push(" AND c.owner_id = ").bind(Bind::Uuid(owner.0));
    }
    sql.push(" GROUP BY c.to_stage_id, c.currency, day");
    let (text, binds) = sql.into_parts(dialect);
    let by_stage: Vec<(Uuid, String, String, i64, i64)> = on_pool!(db, |pool| {
        crate::bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(text)), binds).fetch_all(pool).await
    })?;
    let mut sql = Sql::new("SELECT status, currency, CASE WHEN currency = ");
    sql.bind(base_code)
        .push(" THEN '' ELSE closed_on END AS day, count(*), CAST(sum(amount_minor) AS BIGINT)");
    sql.push(" FROM deals WHERE status IN ('won', 'lost') AND closed_on >= ");
    sql.bind(Bind::Text(scope.from.format("%Y-%m-%d").to_string()));
    sql.push(" AND closed_on < ").bind(Bind::Text(scope.until.format("%Y-%m-%d").to_string()));
    sql.push(" AND pipeline_id = ").bind(Bind::Uuid(scope.pipeline.0));
    sql.push(" AND amount_minor IS NOT NULL");
    if let Some(owner) = scope.owner {
        sql.push(" AND owner_id = ").bind(Bind::Uuid(owner.0));
    }
    sql.push(" GROUP BY status, currency, day");
    let (text, binds) = sql.into_parts(dialect);
    let by_closing: Vec<(String, String, String, i64, i64)> = on_pool!(db, |pool| {
        crate::bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(text)), binds).fetch_all(pool).await
    })?;
    let by_stage = by_stage.into_iter().map(|(stage, currency, day, deals, amount)| ValueRow {
        key: stage.to_string(),
        currency,
        day,
        deals,
        amount,
    });
    let rows: Vec<ValueRow> = by_stage
        .chain(by_closing.into_iter().map(|(key, currency, day, deals, amount)| ValueRow {
            key,
            currency,
            day,
            deals,
            amount,
        }))
        .collect();

    let foreign: Vec<(Currency, NaiveDate)> = rows
        .iter()
        .filter(|row| row.currency != base.code())
        .filter_map(|row| Some((Currency::parse(&row.currency).ok()?, row.day.parse::<NaiveDate>().ok()?)))
        .collect();
    let mut codes: Vec<String> = foreign.iter().map(|(c, _)| c.code().to_owned()).collect();
    codes.sort_unstable();
    codes.dedup();
    let book = match (foreign.iter().map(|f| f.1).min(), foreign.iter().map(|f| f.1).max()) {
        (Some(first), Some(last)) => {
            let after = last.succ_opt().unwrap_or(last);
            RateBook::new(crate::exchange_rates::book_rates(db, &codes, first, after).await?)
        }
        _ => RateBook::new([]),
    };
    let mut values = ReportValues { sums: std::collections::HashMap::new(), left_out: 0 };
    for row in rows {
        let amount = if row.currency == base.code() {
            Some(row.amount)
        } else {
            let currency = Currency::parse(&row.currency).ok();
            let day = row.day.parse::<NaiveDate>().ok();
            currency.zip(day).and_then(|(currency, day)| book.to_base(row.amount, currency, day))
        };
        match amount {
            Some(amount) => *values.sums.entry(row.key).or_default() += amount,
            None => values.left_out += row.deals,
        }
    }
    Ok(values)
}

/// One key's deals in one currency (and, for another than the base, on one day).
struct ValueRow {
    key: String,
    currency: String,
    day: String,
    deals: i64,
    amount: i64,
}

/// Midnight UTC of `day`.
fn start_of(day: NaiveDate) -> Bind {
    Bind::Time(day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
}
