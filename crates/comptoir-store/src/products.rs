//! The catalogue in the database.

use crate::db::{Db, StoreError, Tx};
use crate::listing::{Catalog, ColumnKind, Page, column};
use crate::on_pool;
use crate::sql::{Bind, Sql, delete_row, insert_rows, update_row};
use chrono::{DateTime, Utc};
use comptoir_domain::ids::ProductId;
use comptoir_domain::listing::{Count, ListQuery};
use comptoir_domain::money::{Currency, Money};
use comptoir_domain::products::{Product, ProductFields};
use comptoir_domain::validation::ValidationErrors;
use rust_decimal::Decimal;
use sqlx::FromRow;
use uuid::Uuid;

pub static CATALOG: Catalog = Catalog {
    columns: &[
        column("id", "p.id", ColumnKind::Id, false, "/id"),
        column("sku", "p.sku", ColumnKind::Text, false, "/sku"),
        column("name", "p.name", ColumnKind::Text, false, "/name"),
        column("unit_price", "p.unit_price_minor", ColumnKind::Int, false, "/unit_price/minor_units"),
        column("currency", "p.currency", ColumnKind::Key, false, "/unit_price/currency"),
        column("unit", "p.unit", ColumnKind::Text, true, "/unit"),
        column("vat_rate", "p.vat_rate", ColumnKind::Key, false, "/vat_rate"),
        column("active", "p.active", ColumnKind::Bool, false, "/active"),
        column("version", "p.version", ColumnKind::Int, false, "/version"),
        column("created_at", "p.created_at", ColumnKind::Timestamp, false, "/created_at"),
        column("updated_at", "p.updated_at", ColumnKind::Timestamp, false, "/updated_at"),
    ],
    id_sql: "p.id",
    custom_sql: None,
    default_sort: "name",
    default_descending: false,
    search: None,
    sort_indexes: &["id", "created_at", "name"],
    broad_filters: &["active", "currency", "vat_rate"],
    creation_ordered: &[],
};

macro_rules! select_products {
    () => {
        "SELECT p.id, p.version, p.sku, p.name, p.description, p.unit_price_minor, p.currency, p.unit,
            p.vat_rate, p.active, p.created_at, p.updated_at FROM products p"
    };
}

#[derive(FromRow)]
struct ProductRow {
    id: Uuid,
    version: i64,
    sku: String,
    name: String,
    description: Option<String>,
    unit_price_minor: i64,
    currency: String,
    unit: Option<String>,
    vat_rate: String,
    active: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<ProductRow> for Product {
    type Error = StoreError;
    fn try_from(row: ProductRow) -> Result<Self, StoreError> {
        let currency =
            Currency::parse(&row.currency).map_err(|_| StoreError::corrupt("currency", &row.currency))?;
        let vat_rate: Decimal =
            row.vat_rate.parse().map_err(|_| StoreError::corrupt("VAT rate", &row.vat_rate))?;
        Ok(Product {
            id: ProductId(row.id),
            version: row.version,
            fields: ProductFields {
                sku: row.sku,
                name: row.name,
                description: row.description,
                unit_price: Money::from_minor(row.unit_price_minor, currency),
                unit: row.unit,
                vat_rate,
                active: row.active,
            },
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

pub async fn get(db: &Db, id: ProductId) -> Result<Option<Product>, StoreError> {
    let row: Option<ProductRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(select_products!(), " WHERE p.id = $1")).bind(id.0).fetch_optional(pool).await
    })?;
    row.map(Product::try_from).transpose()
}

/// The products among `ids` that exist, in no particular order.
pub async fn get_many(db: &Db, ids: &[ProductId]) -> Result<Vec<Product>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(concat!(select_products!(), " WHERE p.id IN ("));
    for (n, id) in ids.iter().enumerate() {
        if n > 0 {
            sql.push(", ");
        }
        sql.bind(Bind::Uuid(id.0));
    }
    sql.push(")");
    let rows: Vec<ProductRow> = crate::fetch::all(db, sql).await?;
    rows.into_iter().map(Product::try_from).collect()
}

pub async fn list(db: &Db, query: &ListQuery) -> Result<Result<Page<Product>, ValidationErrors>, StoreError> {
    crate::fetch::page::<ProductRow, Product>(
        db,
        concat!(select_products!(), " WHERE TRUE"),
        &CATALOG,
        query,
        &[],
    )
    .await
}

pub async fn count_matching(
    db: &Db,
    query: &ListQuery,
) -> Result<Result<Count, ValidationErrors>, StoreError> {
    let base = "SELECT count(*) FROM (SELECT 1 FROM products p WHERE TRUE";
    crate::count::count_list(db, base, &CATALOG, query, &[], "products").await
}

/// The columns a product's changes write, in the order of [`changeable_values`].
macro_rules! changeable_columns {
    () => {
        "version, sku, name, description, unit_price_minor, currency, unit, vat_rate, active, updated_at"
    };
}

fn changeable_values(product: &Product) -> Vec<Bind> {
    let f = &product.fields;
    vec![
        Bind::Int(product.version),
        Bind::Text(f.sku.clone()),
        Bind::Text(f.name.clone()),
        Bind::OptText(f.description.clone()),
        Bind::Int(f.unit_price.minor_units),
        Bind::Text(f.unit_price.currency.code().to_owned()),
        Bind::OptText(f.unit.clone()),
        Bind::Text(f.vat_rate.normalize().to_string()),
        Bind::Bool(f.active),
        Bind::Time(product.updated_at),
    ]
}

pub async fn insert(tx: &mut Tx, product: &Product) -> Result<(), StoreError> {
    const HEAD: &str = concat!("INSERT INTO products (id, created_at, ", changeable_columns!(), ")");
    let mut row = vec![Bind::Uuid(product.id.0), Bind::Time(product.created_at)];
    row.extend(changeable_values(product));
    insert_rows(tx, HEAD, [row]).await
}

pub async fn update(tx: &mut Tx, before: &Product, after: &Product) -> Result<(), StoreError> {
    const HEAD: &str = concat!("UPDATE products SET (", changeable_columns!(), ") = ");
    update_row(tx, HEAD, changeable_values(after), after.id.0, before.version).await
}

pub async fn delete(tx: &mut Tx, product: &Product) -> Result<(), StoreError> {
    delete_row(tx, "DELETE FROM products WHERE id = $1 AND version = $2", product.id.0, product.version).await
}
