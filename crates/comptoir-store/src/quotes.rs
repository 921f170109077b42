//! Quotes in the database.

use crate::db::{Db, StoreError, Tx};
use crate::documents::{day, read_day, read_lines};
use crate::listing::{Catalog, ColumnKind, Page, column};
use crate::on_pool;
use crate::sql::{Bind, insert_rows, json, update_row};
use chrono::{DateTime, Utc};
use comptoir_domain::contacts::{CompanySummary, ContactSummary, name_of};
use comptoir_domain::documents::DealSummary;
use comptoir_domain::ids::{CompanyId, ContactId, DealId, OrderId, QuoteId, UserId};
use comptoir_domain::lines::Line;
use comptoir_domain::listing::{Count, ListQuery};
use comptoir_domain::quotes::{IssuedAs, Quote, QuoteFields, QuoteStatus};
use comptoir_domain::validation::ValidationErrors;
use sqlx::FromRow;
use sqlx::types::Json;
use uuid::Uuid;

pub static CATALOG: Catalog = Catalog {
    columns: &[
        column("id", "q.id", ColumnKind::Id, false, "/id"),
        column("number", "q.number", ColumnKind::Key, false, "/number"),
        column("status", "q.status", ColumnKind::Key, false, "/status"),
        column("deal_id", "q.deal_id", ColumnKind::Id, true, "/deal_id"),
        column("company_id", "q.company_id", ColumnKind::Id, true, "/company_id"),
        column("contact_id", "q.contact_id", ColumnKind::Id, true, "/contact_id"),
        column("owner_id", "q.owner_id", ColumnKind::Id, true, "/owner_id"),
        column("currency", "q.currency", ColumnKind::Key, false, "/currency"),
        column("issued_on", "q.issued_on", ColumnKind::Key, false, "/issued_on"),
        column("valid_until", "q.valid_until", ColumnKind::Key, false, "/valid_until"),
        column(
            "total",
            "q.total_excluding_minor",
            ColumnKind::Int,
            false,
            "/totals/excluding_tax/minor_units",
        ),
        column("version", "q.version", ColumnKind::Int, false, "/version"),
        column("created_at", "q.created_at", ColumnKind::Timestamp, false, "/created_at"),
        column("updated_at", "q.updated_at", ColumnKind::Timestamp, false, "/updated_at"),
    ],
    id_sql: "q.id",
    custom_sql: None,
    default_sort: "created_at",
    default_descending: true,
    search: None,
    sort_indexes: &["id", "created_at", "updated_at"],
    broad_filters: &["status", "currency"],
    creation_ordered: &[],
};

macro_rules! quotes_from {
    () => {
        " FROM quotes q LEFT JOIN deals d ON d.id = q.deal_id LEFT JOIN companies co ON co.id = q.company_id
         LEFT JOIN contacts ct ON ct.id = q.contact_id LEFT JOIN orders o ON o.quote_id = q.id"
    };
}

macro_rules! select_quotes {
    () => {
        concat!(
            "SELECT q.id, q.number, q.version, q.deal_id, q.company_id, q.contact_id, q.owner_id, q.currency,
            q.issued_on, q.valid_until, q.lines, q.payment_terms, q.notes, q.status, q.sent_at, q.decided_at,
            q.created_at, q.updated_at, d.title AS deal_title, co.name AS company_name,
            ct.first_name AS contact_first_name, ct.last_name AS contact_last_name,
            ct.email AS contact_email, o.id AS order_id, q.issued_as",
            quotes_from!()
        )
    };
}

#[derive(FromRow)]
struct QuoteRow {
    id: Uuid,
    number: String,
    version: i64,
    deal_id: Option<Uuid>,
    company_id: Option<Uuid>,
    contact_id: Option<Uuid>,
    owner_id: Option<Uuid>,
    currency: String,
    issued_on: String,
    valid_until: String,
    lines: Json<Vec<Line>>,
    payment_terms: Option<String>,
    notes: Option<String>,
    status: String,
    sent_at: Option<DateTime<Utc>>,
    decided_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    deal_title: Option<String>,
    company_name: Option<String>,
    contact_first_name: Option<String>,
    contact_last_name: Option<String>,
    contact_email: Option<String>,
    order_id: Option<Uuid>,
    issued_as: Option<Json<IssuedAs>>,
}

impl TryFrom<QuoteRow> for Quote {
    type Error = StoreError;
    fn try_from(row: QuoteRow) -> Result<Self, StoreError> {
        let status = QuoteStatus::parse(&row.status)
            .ok_or_else(|| StoreError::corrupt("quote status", &row.status))?;
        let (currency, lines, totals) = read_lines(&row.currency, row.lines.0)?;
        Ok(Quote {
            id: QuoteId(row.id),
            number: row.number,
            version: row.version,
            fields: QuoteFields {
                deal_id: row.deal_id.map(DealId),
                company_id: row.company_id.map(CompanyId),
                contact_id: row.contact_id.map(ContactId),
                owner_id: row.owner_id.map(UserId),
                currency,
                issued_on: read_day(&row.issued_on)?,
                valid_until: read_day(&row.valid_until)?,
                lines,
                payment_terms: row.payment_terms,
                notes: row.notes,
                status,
            },
            totals,
            deal: row.deal_id.zip(row.deal_title).map(|(id, title)| DealSummary { id: DealId(id), title }),
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
            order_id: row.order_id.map(OrderId),
            issued_as: row.issued_as.map(|i| i.0),
            sent_at: row.sent_at,
            decided_at: row.decided_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

pub async fn get(db: &Db, id: QuoteId) -> Result<Option<Quote>, StoreError> {
    let row: Option<QuoteRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(select_quotes!(), " WHERE q.id = $1")).bind(id.0).fetch_optional(pool).await
    })?;
    row.map(Quote::try_from).transpose()
}

pub async fn list(db: &Db, query: &ListQuery) -> Result<Result<Page<Quote>, ValidationErrors>, StoreError> {
    crate::fetch::page::<QuoteRow, Quote>(db, concat!(select_quotes!(), " WHERE TRUE"), &CATALOG, query, &[])
        .await
}

pub async fn count_matching(
    db: &Db,
    query: &ListQuery,
) -> Result<Result<Count, ValidationErrors>, StoreError> {
    let base = "SELECT count(*) FROM (SELECT 1 FROM quotes q WHERE TRUE";
    crate::count::count_list(db, base, &CATALOG, query, &[], "quotes").await
}

/// The columns a quote's changes write, in the order of [`changeable_values`].
macro_rules! changeable_columns {
    () => {
        "version, deal_id, company_id, contact_id, owner_id, currency, issued_on, valid_until, lines,
         payment_terms, notes, status, total_excluding_minor, total_tax_minor, total_including_minor,
         sent_at, decided_at, issued_as, updated_at"
    };
}

fn changeable_values(quote: &Quote) -> Vec<Bind> {
    let f = &quote.fields;
    vec![
        Bind::Int(quote.version),
        Bind::OptUuid(f.deal_id.map(|d| d.0)),
        Bind::OptUuid(f.company_id.map(|c| c.0)),
        Bind::OptUuid(f.contact_id.map(|c| c.0)),
        Bind::OptUuid(f.owner_id.map(|o| o.0)),
        Bind::Text(f.currency.code().to_owned()),
        Bind::Text(day(f.issued_on)),
        Bind::Text(day(f.valid_until)),
        json(&f.lines),
        Bind::OptText(f.payment_terms.clone()),
        Bind::OptText(f.notes.clone()),
        Bind::Text(f.status.as_str().to_owned()),
        Bind::Int(quote.totals.excluding_tax.minor_units),
        Bind::Int(quote.totals.tax.minor_units),
        Bind::Int(quote.totals.including_tax.minor_units),
        Bind::OptTime(quote.sent_at),
        Bind::OptTime(quote.decided_at),
        Bind::OptJson(quote.issued_as.as_ref().and_then(|i| serde_json::to_value(i).ok())),
        Bind::Time(quote.updated_at),
    ]
}

pub async fn insert(tx: &mut Tx, quote: &Quote) -> Result<(), StoreError> {
    const HEAD: &str = concat!("INSERT INTO quotes (id, number, created_at, ", changeable_columns!(), ")");
    let mut row =
        vec![Bind::Uuid(quote.id.0), Bind::Text(quote.number.clone()), Bind::Time(quote.created_at)];
    row.extend(changeable_values(quote));
    insert_rows(tx, HEAD, [row]).await
}

pub async fn update(tx: &mut Tx, before: &Quote, after: &Quote) -> Result<(), StoreError> {
    const HEAD: &str = concat!("UPDATE quotes SET (", changeable_columns!(), ") = ");
    update_row(tx, HEAD, changeable_values(after), after.id.0, before.version).await
}

/// A deal's quotes, newest first.
pub async fn of_deal(db: &Db, deal: DealId) -> Result<Vec<Quote>, StoreError> {
    let rows: Vec<QuoteRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(
            select_quotes!(),
            " WHERE q.deal_id = $1 ORDER BY q.created_at DESC, q.id DESC"
        ))
        .bind(deal.0)
        .fetch_all(pool)
        .await
    })?;
    rows.into_iter().map(Quote::try_from).collect()
}

pub async fn delete(tx: &mut Tx, quote: &Quote) -> Result<(), StoreError> {
    crate::sql::delete_row(tx, "DELETE FROM quotes WHERE id = $1 AND version = $2", quote.id.0, quote.version)
        .await
}

/// Sent quotes whose validity ended before `today`, oldest first, at most `limit`.
pub async fn past_validity(db: &Db, today: chrono::NaiveDate, limit: i64) -> Result<Vec<Quote>, StoreError> {
    let rows: Vec<QuoteRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(
            select_quotes!(),
            " WHERE q.status = 'sent' AND q.valid_until < $1 ORDER BY q.valid_until, q.id LIMIT $2"
        ))
        .bind(day(today))
        .bind(limit)
        .fetch_all(pool)
        .await
    })?;
    rows.into_iter().map(Quote::try_from).collect()
}
