//! Companies in the database.

use crate::db::{Db, StoreError, Tx};
use crate::listing::{Catalog, ColumnKind, Page, Search, column};
use crate::sql::{Bind, Sql, delete_row, insert_rows, json, update_row};
use crate::{bind_all, on_pool};
use chrono::{DateTime, Utc};
use comptoir_domain::address::Address;
use comptoir_domain::companies::{Company, CompanyFields, RelationshipType, SizeBand};
use comptoir_domain::contacts::LabelledPhone;
use comptoir_domain::custom_fields::CustomFieldDefinition;
use comptoir_domain::ids::{CompanyId, UserId};
use comptoir_domain::listing::{Count, ListQuery};
use comptoir_domain::search::fold;
use comptoir_domain::siren::{Siren, Siret, VatNumber};
use comptoir_domain::validation::ValidationErrors;
use serde_json::{Map, Value};
use sqlx::AssertSqlSafe;
use sqlx::FromRow;
use sqlx::types::Json;
use uuid::Uuid;

pub static CATALOG: Catalog = Catalog {
    columns: &[
        column("id", "co.id", ColumnKind::Id, false, "/id"),
        column("name", "co.name", ColumnKind::Text, false, "/name"),
        column("domain", "co.domain", ColumnKind::Text, true, "/domain"),
        column("website", "co.website", ColumnKind::Text, true, "/website"),
        column("industry", "co.industry", ColumnKind::Text, true, "/industry"),
        column("size_band", "co.size_band", ColumnKind::Key, true, "/size_band"),
        column("siren", "co.siren", ColumnKind::Text, true, "/siren"),
        column("siret", "co.siret", ColumnKind::Text, true, "/siret"),
        column("vat_number", "co.vat_number", ColumnKind::Text, true, "/vat_number"),
        column("street", "co.address_street", ColumnKind::Text, true, "/addresses/0/street"),
        column("postal_code", "co.address_postal_code", ColumnKind::Text, true, "/addresses/0/postal_code"),
        column("city", "co.address_city", ColumnKind::Text, true, "/addresses/0/city"),
        column("region", "co.address_region", ColumnKind::Text, true, "/addresses/0/region"),
        column("country", "co.address_country", ColumnKind::Key, true, "/addresses/0/country"),
        column("phone", "co.phone", ColumnKind::Text, true, "/phones/0/number"),
        column("relationship_type", "co.relationship_type", ColumnKind::Key, false, "/relationship_type"),
        column(
            "portal_shares_tickets",
            "co.portal_shares_tickets",
            ColumnKind::Bool,
            false,
            "/portal_shares_tickets",
        ),
        column("service_tier", "co.service_tier", ColumnKind::Text, true, "/service_tier"),
        column("owner_id", "co.owner_id", ColumnKind::Id, true, "/owner_id"),
        column("tags", "co.tags", ColumnKind::Tags, false, "/tags"),
        column("version", "co.version", ColumnKind::Int, false, "/version"),
        column("created_at", "co.created_at", ColumnKind::Timestamp, false, "/created_at"),
        column("updated_at", "co.updated_at", ColumnKind::Timestamp, false, "/updated_at"),
    ],
    id_sql: "co.id",
    custom_sql: Some("co.custom_fields"),
    default_sort: "created_at",
    default_descending: true,
    search: Some(Search {
        sqlite: "co.seq IN (SELECT rowid FROM companies_fts WHERE companies_fts MATCH ",
        postgres: "co.search_tsv @@ to_tsquery('simple', ",
        sqlite_rowid: "co.seq",
        sqlite_rowid_of: [
            "COALESCE((SELECT seq FROM companies WHERE id = ",
            "), (SELECT seq FROM companies WHERE id > ",
            " ORDER BY id LIMIT 1))",
        ],
    }),
    sort_indexes: &["id", "created_at", "updated_at", "name"],
    broad_filters: &["city", "country", "region", "industry", "size_band", "relationship_type"],
    creation_ordered: &[],
};

macro_rules! select_companies {
    () => {
        "SELECT co.id, co.version, co.name, co.domain, co.website, co.industry, co.size_band,
            co.siren, co.siret, co.vat_number, co.addresses, co.phones,
            co.relationship_type, co.portal_shares_tickets, co.service_tier, co.owner_id, co.tags, co.custom_fields, co.created_at,
            co.updated_at FROM companies co"
    };
}

#[derive(FromRow)]
struct CompanyRow {
    id: Uuid,
    version: i64,
    name: String,
    domain: Option<String>,
    website: Option<String>,
    industry: Option<String>,
    size_band: Option<String>,
    siren: Option<String>,
    siret: Option<String>,
    vat_number: Option<String>,
    addresses: Json<Vec<Address>>,
    phones: Json<Vec<LabelledPhone>>,
    relationship_type: String,
    portal_shares_tickets: bool,
    service_tier: Option<String>,
    owner_id: Option<Uuid>,
    tags: Json<Vec<String>>,
    custom_fields: Json<Map<String, Value>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<CompanyRow> for Company {
    type Error = StoreError;
    fn try_from(row: CompanyRow) -> Result<Self, StoreError> {
        let relationship_type = RelationshipType::parse(&row.relationship_type)
            .ok_or_else(|| StoreError::corrupt("relationship type", &row.relationship_type))?;
        let size_band = row
            .size_band
            .map(|s| SizeBand::parse(&s).ok_or_else(|| StoreError::corrupt("size band", &s)))
            .transpose()?;
        let siren =
            row.siren.map(|s| Siren::parse(&s).map_err(|_| StoreError::corrupt("siren", &s))).transpose()?;
        let siret =
            row.siret.map(|s| Siret::parse(&s).map_err(|_| StoreError::corrupt("siret", &s))).transpose()?;
        let vat_number = row
            .vat_number
            .map(|s| VatNumber::parse(&s).map_err(|_| StoreError::corrupt("vat number", &s)))
            .transpose()?;
        Ok(Company {
            id: CompanyId(row.id),
            version: row.version,
            fields: CompanyFields {
                name: row.name,
                domain: row.domain,
                website: row.website,
                industry: row.industry,
                size_band,
                siren,
                siret,
                vat_number,
                addresses: row.addresses.0,
                phones: row.phones.0,
                relationship_type,
                portal_shares_tickets: row.portal_shares_tickets,
                service_tier: row.service_tier,
                owner_id: row.owner_id.map(UserId),
                tags: row.tags.0,
                custom_fields: row.custom_fields.0,
            },
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

pub async fn get(db: &Db, id: CompanyId) -> Result<Option<Company>, StoreError> {
    let row: Option<CompanyRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(select_companies!(), " WHERE co.id = $1"))
            .bind(id.0)
            .fetch_optional(pool)
            .await
    })?;
    row.map(Company::try_from).transpose()
}

/// Up to `n` companies' ids, picked at random (demo data links deals to them).
pub async fn sample_ids(db: &Db, n: u32) -> Result<Vec<CompanyId>, StoreError> {
    let ids: Vec<Uuid> = on_pool!(db, |pool| {
        sqlx::query_scalar("SELECT id FROM companies ORDER BY random() LIMIT $1")
            .bind(i64::from(n))
            .fetch_all(pool)
            .await
    })?;
    Ok(ids.into_iter().map(CompanyId).collect())
}

pub async fn list(
    db: &Db,
    query: &ListQuery,
    custom: &[CustomFieldDefinition],
) -> Result<Result<Page<Company>, ValidationErrors>, StoreError> {
    crate::fetch::page::<CompanyRow, Company>(
        db,
        concat!(select_companies!(), " WHERE TRUE"),
        &CATALOG,
        query,
        custom,
    )
    .await
}

/// How many companies `query` matches (see [`crate::count`]).
pub async fn count_matching(
    db: &Db,
    query: &ListQuery,
    custom: &[CustomFieldDefinition],
) -> Result<Result<Count, ValidationErrors>, StoreError> {
    let base = "SELECT count(*) FROM (SELECT 1 FROM companies co WHERE TRUE";
    crate::count::count_list(db, base, &CATALOG, query, custom, "companies").await
}

/// The ids and names of the companies called one of `name_keys` (names folded by
/// `search::fold`), whatever their accents, case and punctuation.
pub async fn named(db: &Db, name_keys: &[String]) -> Result<Vec<(CompanyId, String)>, StoreError> {
    if name_keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT id, name FROM companies co WHERE name_key IN ");
    sql.values([name_keys.iter().map(|n| Bind::Text(n.clone()))]);
    sql.push(" ORDER BY created_at");
    let (text, binds) = sql.into_parts(db.dialect());
    let rows: Vec<(Uuid, String)> =
        on_pool!(db, |pool| { bind_all!(sqlx::query_as(AssertSqlSafe(text)), binds).fetch_all(pool).await })?;
    Ok(rows.into_iter().map(|(id, name)| (CompanyId(id), name)).collect())
}

/// The companies an import's rows may be about: those with one of `sirens`, one of `domains`
/// (lower case) or one of `name_keys` (names folded by `search::fold`). One statement per key, each read through its
/// index; a company found twice is listed once.
pub async fn matching(
    db: &Db,
    sirens: &[String],
    domains: &[String],
    name_keys: &[String],
) -> Result<Vec<Company>, StoreError> {
    let mut found: Vec<Company> = Vec::new();
    for (column, values) in [("co.siren", sirens), ("lower(co.domain)", domains), ("co.name_key", name_keys)]
    {
        for chunk in values.chunks(500) {
            let mut sql = Sql::new(concat!(select_companies!(), " WHERE "));
            sql.push(column).push(" IN ").values([chunk.iter().map(|v| Bind::Text(v.clone()))]);
            let (text, binds) = sql.into_parts(db.dialect());
            let rows: Vec<CompanyRow> = on_pool!(db, |pool| {
                bind_all!(sqlx::query_as(AssertSqlSafe(text)).persistent(false), binds).fetch_all(pool).await
            })?;
            for row in rows {
                let company = Company::try_from(row)?;
                if !found.iter().any(|c| c.id == company.id) {
                    found.push(company);
                }
            }
        }
    }
    Ok(found)
}

/// Folds the names of companies written before names were folded on writing, a thousand at
/// a time; a no-op once done.
pub async fn fill_name_keys(db: &Db) -> Result<(), StoreError> {
    loop {
        let rows: Vec<(Uuid, String)> = on_pool!(db, |pool| {
            sqlx::query_as("SELECT id, name FROM companies WHERE name_key IS NULL LIMIT 1000")
                .fetch_all(pool)
                .await
        })?;
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = db.begin().await?;
        for (id, name) in rows {
            crate::on_tx!(&mut tx, |conn| {
                sqlx::query("UPDATE companies SET name_key = $1 WHERE id = $2")
                    .bind(fold(&name))
                    .bind(id)
                    .execute(&mut *conn)
                    .await
                    .map(drop)
            })?;
        }
        tx.commit().await?;
    }
}

/// How many companies there are.
pub async fn count(db: &Db) -> Result<i64, StoreError> {
    Ok(on_pool!(db, |pool| { sqlx::query_scalar("SELECT count(*) FROM companies").fetch_one(pool).await })?)
}

pub async fn insert(tx: &mut Tx, company: &Company) -> Result<(), StoreError> {
    insert_many(tx, std::iter::once(company)).await
}

/// Writes many companies in few statements (imports, demo data).
pub async fn insert_many<'a>(
    tx: &mut Tx,
    companies: impl IntoIterator<Item = &'a Company>,
) -> Result<(), StoreError> {
    const HEAD: &str = concat!("INSERT INTO companies (id, created_at, ", changeable_columns!(), ")");
    insert_rows(tx, HEAD, companies.into_iter().map(new_row)).await
}

/// A new company's values, in the order of the insert's columns.
fn new_row(company: &Company) -> Vec<Bind> {
    let mut row = vec![Bind::Uuid(company.id.0), Bind::Time(company.created_at)];
    row.extend(changeable_values(company));
    row
}

/// The service tier of the company `id`, as `tx` sees it: what service-level policies name.
pub async fn service_tier(tx: &mut Tx, id: CompanyId) -> Result<Option<String>, StoreError> {
    let tier: Option<Option<String>> = crate::on_tx!(tx, |conn| {
        sqlx::query_scalar("SELECT service_tier FROM companies WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&mut *conn)
            .await
    })?;
    Ok(tier.flatten())
}

/// The columns a company's owner changes, in the order of [`changeable_values`].
macro_rules! changeable_columns {
    () => {
        "version, name, domain, website, industry, size_band, siren, siret, vat_number, address_street,
         address_postal_code, address_city, address_region, address_country, addresses, phones, phone,
         relationship_type, portal_shares_tickets, service_tier, owner_id, tags, custom_fields, search_text, name_key,
         updated_at"
    };
}
use changeable_columns;

fn changeable_values(company: &Company) -> Vec<Bind> {
    let f = &company.fields;
    // The head office's parts have columns of their own, so lists filter and sort on them.
    let head_office = f.head_office();
    vec![
        Bind::Int(company.version),
        Bind::Text(f.name.clone()),
        Bind::OptText(f.domain.clone()),
        Bind::OptText(f.website.clone()),
        Bind::OptText(f.industry.clone()),
        Bind::OptText(f.size_band.map(|b| b.as_str().to_owned())),
        Bind::OptText(f.siren.as_ref().map(|s| s.as_str().to_owned())),
        Bind::OptText(f.siret.as_ref().map(|s| s.as_str().to_owned())),
        Bind::OptText(f.vat_number.as_ref().map(|s| s.as_str().to_owned())),
        Bind::OptText(head_office.street),
        Bind::OptText(head_office.postal_code),
        Bind::OptText(head_office.city),
        Bind::OptText(head_office.region),
        Bind::OptText(head_office.country),
        json(&f.addresses),
        json(&f.phones),
        Bind::OptText(f.primary_phone().map(|p| p.as_str().to_owned())),
        Bind::Text(f.relationship_type.as_str().to_owned()),
        Bind::Bool(f.portal_shares_tickets),
        Bind::OptText(f.service_tier.clone()),
        Bind::OptUuid(f.owner_id.map(|o| o.0)),
        json(&f.tags),
        json(&f.custom_fields),
        Bind::Text(f.search_text()),
        Bind::Text(fold(&f.name)),
        Bind::Time(company.updated_at),
    ]
}

pub async fn update(tx: &mut Tx, company: &Company, expected_version: i64) -> Result<(), StoreError> {
    const HEAD: &str = concat!("UPDATE companies SET (", changeable_columns!(), ") = ");
    update_row(tx, HEAD, changeable_values(company), company.id.0, expected_version).await
}

pub async fn delete(tx: &mut Tx, id: CompanyId, expected_version: i64) -> Result<(), StoreError> {
    delete_row(tx, "DELETE FROM companies WHERE id = $1 AND version = $2", id.0, expected_version).await
}
