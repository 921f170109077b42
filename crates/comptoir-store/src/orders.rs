//! Orders in the database.

use crate::db::{Db, StoreError, Tx};
use crate::documents::{day, read_day, read_lines};
use crate::listing::{Catalog, ColumnKind, Page, column};
use crate::on_pool;
use crate::sql::{Bind, Sql, delete_row, insert_rows, json, update_row};
use chrono::{DateTime, Utc};
use comptoir_domain::contacts::{CompanySummary, ContactSummary, name_of};
use comptoir_domain::documents::DealSummary;
use comptoir_domain::ids::{CompanyId, ContactId, DealId, OrderId, QuoteId, UserId};
use comptoir_domain::lines::Line;
use comptoir_domain::listing::{Count, ListQuery};
use comptoir_domain::orders::{Order, OrderFields, OrderStatus};
use comptoir_domain::validation::ValidationErrors;
use sqlx::FromRow;
use sqlx::types::Json;
use uuid::Uuid;

pub static CATALOG: Catalog = Catalog {
    columns: &[
        column("id", "o.id", ColumnKind::Id, false, "/id"),
        column("number", "o.number", ColumnKind::Key, false, "/number"),
        column("external_id", "o.external_id", ColumnKind::Key, true, "/external_id"),
        column("status", "o.status", ColumnKind::Key, false, "/status"),
        column("quote_id", "o.quote_id", ColumnKind::Id, true, "/quote_id"),
        column("deal_id", "o.deal_id", ColumnKind::Id, true, "/deal_id"),
        column("company_id", "o.company_id", ColumnKind::Id, true, "/company_id"),
        column("contact_id", "o.contact_id", ColumnKind::Id, true, "/contact_id"),
        column("owner_id", "o.owner_id", ColumnKind::Id, true, "/owner_id"),
        column("currency", "o.currency", ColumnKind::Key, false, "/currency"),
        column("ordered_on", "o.ordered_on", ColumnKind::Key, false, "/ordered_on"),
        column(
            "total",
            "o.total_excluding_minor",
            ColumnKind::Int,
            false,
            "/totals/excluding_tax/minor_units",
        ),
        column("version", "o.version", ColumnKind::Int, false, "/version"),
        column("created_at", "o.created_at", ColumnKind::Timestamp, false, "/created_at"),
        column("updated_at", "o.updated_at", ColumnKind::Timestamp, false, "/updated_at"),
    ],
    id_sql: "o.id",
    custom_sql: None,
    default_sort: "created_at",
    default_descending: true,
    search: None,
    sort_indexes: &["id", "created_at", "updated_at", "ordered_on"],
    broad_filters: &["status", "currency"],
    creation_ordered: &[],
};

macro_rules! orders_from {
    () => {
        " FROM orders o LEFT JOIN deals d ON d.id = o.deal_id LEFT JOIN companies co ON co.id = o.company_id
         LEFT JOIN contacts ct ON ct.id = o.contact_id"
    };
}

macro_rules! select_orders {
    () => {
        concat!(
            "SELECT o.id, o.number, o.external_id, o.version, o.quote_id, o.deal_id, o.company_id, o.contact_id,
            o.owner_id, o.currency, o.ordered_on, o.status, o.lines, o.notes, o.created_at, o.updated_at,
            d.title AS deal_title, co.name AS company_name, ct.first_name AS contact_first_name,
            ct.last_name AS contact_last_name, ct.email AS contact_email",
            orders_from!()
        )
    };
}

#[derive(FromRow)]
struct OrderRow {
    id: Uuid,
    number: String,
    external_id: Option<String>,
    version: i64,
    quote_id: Option<Uuid>,
    deal_id: Option<Uuid>,
    company_id: Option<Uuid>,
    contact_id: Option<Uuid>,
    owner_id: Option<Uuid>,
    currency: String,
    ordered_on: String,
    status: String,
    lines: Json<Vec<Line>>,
    notes: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    deal_title: Option<String>,
    company_name: Option<String>,
    contact_first_name: Option<String>,
    contact_last_name: Option<String>,
    contact_email: Option<String>,
}

impl TryFrom<OrderRow> for Order {
    type Error = StoreError;
    fn try_from(row: OrderRow) -> Result<Self, StoreError> {
        let status = OrderStatus::parse(&row.status)
            .ok_or_else(|| StoreError::corrupt("order status", &row.status))?;
        let (currency, lines, totals) = read_lines(&row.currency, row.lines.0)?;
        Ok(Order {
            id: OrderId(row.id),
            number: row.number,
            version: row.version,
            fields: OrderFields {
                external_id: row.external_id,
                quote_id: row.quote_id.map(QuoteId),
                deal_id: row.deal_id.map(DealId),
                company_id: row.company_id.map(CompanyId),
                contact_id: row.contact_id.map(ContactId),
                owner_id: row.owner_id.map(UserId),
                currency,
                ordered_on: read_day(&row.ordered_on)?,
                status,
                lines,
                notes: row.notes,
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
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

pub async fn get(db: &Db, id: OrderId) -> Result<Option<Order>, StoreError> {
    let row: Option<OrderRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(select_orders!(), " WHERE o.id = $1")).bind(id.0).fetch_optional(pool).await
    })?;
    row.map(Order::try_from).transpose()
}

/// The order a shop or an ERP sent under `external_id`.
pub async fn by_external_id(db: &Db, external_id: &str) -> Result<Option<Order>, StoreError> {
    let row: Option<OrderRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(select_orders!(), " WHERE o.external_id = $1"))
            .bind(external_id)
            .fetch_optional(pool)
            .await
    })?;
    row.map(Order::try_from).transpose()
}

pub async fn list(db: &Db, query: &ListQuery) -> Result<Result<Page<Order>, ValidationErrors>, StoreError> {
    crate::fetch::page::<OrderRow, Order>(db, concat!(select_orders!(), " WHERE TRUE"), &CATALOG, query, &[])
        .await
}

pub async fn count_matching(
    db: &Db,
    query: &ListQuery,
) -> Result<Result<Count, ValidationErrors>, StoreError> {
    let base = "SELECT count(*) FROM (SELECT 1 FROM orders o WHERE TRUE";
    crate::count::count_list(db, base, &CATALOG, query, &[], "orders").await
}

/// The columns an order's changes write, in the order of [`changeable_values`].
macro_rules! changeable_columns {
    () => {
        "version, external_id, quote_id, deal_id, company_id, contact_id, owner_id, currency, ordered_on,
         status, lines, notes, total_excluding_minor, total_tax_minor, total_including_minor, updated_at"
    };
}

fn changeable_values(order: &Order) -> Vec<Bind> {
    let f = &order.fields;
    vec![
        Bind::Int(order.version),
        Bind::OptText(f.external_id.clone()),
        Bind::OptUuid(f.quote_id.map(|q| q.0)),
        Bind::OptUuid(f.deal_id.map(|d| d.0)),
        Bind::OptUuid(f.company_id.map(|c| c.0)),
        Bind::OptUuid(f.contact_id.map(|c| c.0)),
        Bind::OptUuid(f.owner_id.map(|o| o.0)),
        Bind::Text(f.currency.code().to_owned()),
        Bind::Text(day(f.ordered_on)),
        Bind::Text(f.status.as_str().to_owned()),
        json(&f.lines),
        Bind::OptText(f.notes.clone()),
        Bind::Int(order.totals.excluding_tax.minor_units),
        Bind::Int(order.totals.tax.minor_units),
        Bind::Int(order.totals.including_tax.minor_units),
        Bind::Time(order.updated_at),
    ]
}

pub async fn insert(tx: &mut Tx, order: &Order) -> Result<(), StoreError> {
    const HEAD: &str = concat!("INSERT INTO orders (id, number, created_at, ", changeable_columns!(), ")");
    let mut row =
        vec![Bind::Uuid(order.id.0), Bind::Text(order.number.clone()), Bind::Time(order.created_at)];
    row.extend(changeable_values(order));
    insert_rows(tx, HEAD, [row]).await
}

pub async fn update(tx: &mut Tx, before: &Order, after: &Order) -> Result<(), StoreError> {
    const HEAD: &str = concat!("UPDATE orders SET (", changeable_columns!(), ") = ");
    update_row(tx, HEAD, changeable_values(after), after.id.0, before.version).await
}

pub async fn delete(tx: &mut Tx, order: &Order) -> Result<(), StoreError> {
    delete_row(tx, "DELETE FROM orders WHERE id = $1 AND version = $2", order.id.0, order.version).await
}

/// A customer's orders, newest first: a company's or a contact's purchase history.
pub async fn history(
    db: &Db,
    company: Option<CompanyId>,
    contact: Option<ContactId>,
    limit: i64,
) -> Result<Vec<Order>, StoreError> {
    let mut sql = Sql::new(concat!(select_orders!(), " WHERE "));
    match (company, contact) {
        (Some(company), _) => sql.push("o.company_id = ").bind(Bind::Uuid(company.0)),
        (None, Some(contact)) => sql.push("o.contact_id = ").bind(Bind::Uuid(contact.0)),
        (None, None) => return Ok(Vec::new()),
    };
    sql.push(" ORDER BY o.ordered_on DESC, o.id DESC LIMIT ").bind(Bind::Int(limit));
    let rows: Vec<OrderRow> = crate::fetch::all(db, sql).await?;
    rows.into_iter().map(Order::try_from).collect()
}
