//! Contacts in the database.

use crate::db::{Db, StoreError, Tx};
use crate::listing::{Catalog, ColumnKind, Page, Search, column};
use crate::sql::{Bind, Sql, delete_row, insert_rows, json, update_row};
use crate::{bind_all, on_pool, on_tx};
use chrono::{DateTime, Utc};
use comptoir_domain::address::Address;
use comptoir_domain::contacts::{
    CompanySummary, Contact, ContactFields, LabelledEmail, LabelledPhone, LifecycleStage,
};
use comptoir_domain::custom_fields::CustomFieldDefinition;
use comptoir_domain::ids::{CompanyId, ContactId, UserId};
use comptoir_domain::listing::{Count, ListQuery};
use comptoir_domain::validation::ValidationErrors;
use serde_json::{Map, Value};
use sqlx::AssertSqlSafe;
use sqlx::FromRow;
use sqlx::types::Json;
use uuid::Uuid;

pub static CATALOG: Catalog = Catalog {
    columns: &[
        column("id", "c.id", ColumnKind::Id, false, "/id"),
        column("first_name", "c.first_name", ColumnKind::Text, true, "/first_name"),
        column("last_name", "c.last_name", ColumnKind::Text, true, "/last_name"),
        column("email", "c.email", ColumnKind::Text, true, "/emails/0/address"),
        column("phone", "c.phone", ColumnKind::Text, true, "/phones/0/number"),
        column("job_title", "c.job_title", ColumnKind::Text, true, "/job_title"),
        column("company_id", "c.company_id", ColumnKind::Id, true, "/company_id"),
        column("company_name", "co.name", ColumnKind::Text, true, "/company/name"),
        column("street", "c.address_street", ColumnKind::Text, true, "/address/street"),
        column("postal_code", "c.address_postal_code", ColumnKind::Text, true, "/address/postal_code"),
        column("city", "c.address_city", ColumnKind::Text, true, "/address/city"),
        column("region", "c.address_region", ColumnKind::Text, true, "/address/region"),
        column("country", "c.address_country", ColumnKind::Key, true, "/address/country"),
        column("language", "c.language", ColumnKind::Key, true, "/language"),
        column("lifecycle_stage", "c.lifecycle_stage", ColumnKind::Key, false, "/lifecycle_stage"),
        column("source", "c.source", ColumnKind::Text, true, "/source"),
        column("external_id", "c.external_id", ColumnKind::Text, true, "/external_id"),
        column("owner_id", "c.owner_id", ColumnKind::Id, true, "/owner_id"),
        column("tags", "c.tags", ColumnKind::Tags, false, "/tags"),
        column("version", "c.version", ColumnKind::Int, false, "/version"),
        column("created_at", "c.created_at", ColumnKind::Timestamp, false, "/created_at"),
        column("updated_at", "c.updated_at", ColumnKind::Timestamp, false, "/updated_at"),
        column("last_activity_at", "c.last_activity_at", ColumnKind::Timestamp, true, "/last_activity_at"),
    ],
    id_sql: "c.id",
    custom_sql: Some("c.custom_fields"),
    default_sort: "created_at",
    default_descending: true,
    search: Some(Search {
        sqlite: "c.seq IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ",
        postgres: "c.search_tsv @@ to_tsquery('simple', ",
        sqlite_rowid: "c.seq",
        sqlite_rowid_of: [
            "COALESCE((SELECT seq FROM contacts WHERE id = ",
            "), (SELECT seq FROM contacts WHERE id > ",
            " ORDER BY id LIMIT 1))",
        ],
    }),
    sort_indexes: &["id", "created_at", "updated_at", "last_name", "last_activity_at"],
    broad_filters: &["city", "country", "region", "language", "lifecycle_stage", "source"],
    creation_ordered: &["city", "lifecycle_stage"],
};

/// The rows a contact is read from, which lists filter on.
macro_rules! contacts_from {
    () => {
        " FROM contacts c LEFT JOIN companies co ON co.id = c.company_id"
    };
}

/// The columns every contact query reads; a macro so it can be `concat!`ed into static SQL.
macro_rules! select_contacts {
    () => {
        concat!(
            "SELECT c.id, c.version, c.first_name, c.last_name, c.emails, c.phones, c.job_title,
            c.company_id, c.address_label, c.address_street, c.address_postal_code, c.address_city, c.address_region,
            c.address_country, c.language, c.lifecycle_stage, c.source, c.external_id, c.owner_id, c.tags,
            c.custom_fields, c.created_at, c.updated_at, c.last_activity_at, co.name AS company_name",
            contacts_from!()
        )
    };
}

#[derive(FromRow)]
struct ContactRow {
    id: Uuid,
    version: i64,
    first_name: Option<String>,
    last_name: Option<String>,
    emails: Json<Vec<LabelledEmail>>,
    phones: Json<Vec<LabelledPhone>>,
    job_title: Option<String>,
    company_id: Option<Uuid>,
    address_label: Option<String>,
    address_street: Option<String>,
    address_postal_code: Option<String>,
    address_city: Option<String>,
    address_region: Option<String>,
    address_country: Option<String>,
    language: Option<String>,
    lifecycle_stage: String,
    source: Option<String>,
    external_id: Option<String>,
    owner_id: Option<Uuid>,
    tags: Json<Vec<String>>,
    custom_fields: Json<Map<String, Value>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    last_activity_at: Option<DateTime<Utc>>,
    company_name: Option<String>,
}

impl TryFrom<ContactRow> for Contact {
    type Error = StoreError;
    fn try_from(row: ContactRow) -> Result<Self, StoreError> {
        let lifecycle_stage = LifecycleStage::parse(&row.lifecycle_stage)
            .ok_or_else(|| StoreError::Corrupt(format!("lifecycle stage {}", row.lifecycle_stage)))?;
        let company = match (row.company_id, row.company_name) {
            (Some(id), Some(name)) => Some(CompanySummary { id: CompanyId(id), name }),
            _ => None,
        };
        Ok(Contact {
            id: ContactId(row.id),
            version: row.version,
            fields: ContactFields {
                first_name: row.first_name,
                last_name: row.last_name,
                emails: row.emails.0,
                phones: row.phones.0,
                job_title: row.job_title,
                company_id: row.company_id.map(CompanyId),
                address: Address {
                    label: row.address_label,
                    street: row.address_street,
                    postal_code: row.address_postal_code,
                    city: row.address_city,
                    region: row.address_region,
                    country: row.address_country,
                },
                language: row.language,
                lifecycle_stage,
                source: row.source,
                external_id: row.external_id,
                owner_id: row.owner_id.map(UserId),
                tags: row.tags.0,
                custom_fields: row.custom_fields.0,
            },
            company,
            created_at: row.created_at,
            updated_at: row.updated_at,
            last_activity_at: row.last_activity_at,
        })
    }
}

pub async fn get(db: &Db, id: ContactId) -> Result<Option<Contact>, StoreError> {
    let row: Option<ContactRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(select_contacts!(), " WHERE c.id = $1")).bind(id.0).fetch_optional(pool).await
    })?;
    row.map(Contact::try_from).transpose()
}

/// The contacts whose external id is one of `external_ids`, whose primary email is one of
/// `emails` (lower case) or whose primary phone is one of `phones` (E.164): those an import's
/// rows may be about.
pub async fn matching(
    db: &Db,
    external_ids: &[String],
    emails: &[String],
    phones: &[String],
) -> Result<Vec<Contact>, StoreError> {
    // Each side on its own index; a constant term in the `OR` would make SQLite read the table.
    let mut sql = Sql::new(concat!(select_contacts!(), " WHERE "));
    let mut sides = 0;
    for (column, values) in [("c.external_id", external_ids), ("lower(c.email)", emails), ("c.phone", phones)]
    {
        if values.is_empty() {
            continue;
        }
        if sides > 0 {
            sql.push(" OR ");
        }
        sql.push(column).push(" IN ").values([values.iter().map(|v| Bind::Text(v.clone()))]);
        sides += 1;
    }
    if sides == 0 {
        return Ok(Vec::new());
    }
    let (text, binds) = sql.into_parts(db.dialect());
    let rows: Vec<ContactRow> =
        on_pool!(db, |pool| { bind_all!(sqlx::query_as(AssertSqlSafe(text)), binds).fetch_all(pool).await })?;
    rows.into_iter().map(Contact::try_from).collect()
}

/// Brings PostgreSQL's statistics on contacts and companies up to date, so a table that grew
/// by a large import is still read through its indexes (with none, it takes every email for
/// one of thousands of rows, and a batch's lookup for a table scan). SQLite's planner picks
/// the indexes without them.
pub async fn refresh_statistics(db: &Db) -> Result<(), StoreError> {
    if let Db::Postgres(pool) = db {
        sqlx::query("ANALYZE contacts, companies").execute(pool).await?;
    }
    Ok(())
}

/// Whether any contact works for `company`.
pub async fn any_of_company(db: &Db, company: CompanyId) -> Result<bool, StoreError> {
    let found: Option<i32> = on_pool!(db, |pool| {
        sqlx::query_scalar("SELECT 1 FROM contacts WHERE company_id = $1 LIMIT 1")
            .bind(company.0)
            .fetch_optional(pool)
            .await
    })?;
    Ok(found.is_some())
}

/// Up to `n` contact ids picked at random, for benchmarks.
pub async fn sample_ids(db: &Db, n: u32) -> Result<Vec<ContactId>, StoreError> {
    let ids: Vec<Uuid> = on_pool!(db, |pool| {
        sqlx::query_scalar("SELECT id FROM contacts ORDER BY random() LIMIT $1")
            .bind(i64::from(n))
            .fetch_all(pool)
            .await
    })?;
    Ok(ids.into_iter().map(ContactId).collect())
}

pub async fn count(db: &Db) -> Result<i64, StoreError> {
    Ok(on_pool!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM contacts").fetch_one(pool).await)?)
}

pub async fn exists(db: &Db, id: ContactId) -> Result<bool, StoreError> {
    let found: Option<i32> = on_pool!(db, |pool| {
        sqlx::query_scalar("SELECT 1 FROM contacts WHERE id = $1").bind(id.0).fetch_optional(pool).await
    })?;
    Ok(found.is_some())
}

pub async fn list(
    db: &Db,
    query: &ListQuery,
    custom: &[CustomFieldDefinition],
) -> Result<Result<Page<Contact>, ValidationErrors>, StoreError> {
    crate::fetch::page::<ContactRow, Contact>(
        db,
        concat!(select_contacts!(), " WHERE TRUE"),
        &CATALOG,
        query,
        custom,
    )
    .await
}

/// How many contacts `query` matches (see [`crate::count`]).
pub async fn count_matching(
    db: &Db,
    query: &ListQuery,
    custom: &[CustomFieldDefinition],
) -> Result<Result<Count, ValidationErrors>, StoreError> {
    let base = concat!("SELECT count(*) FROM (SELECT 1", contacts_from!(), " WHERE TRUE");
    crate::count::count_list(db, base, &CATALOG, query, custom, "contacts").await
}

/// Writes a new contact. `company_search` is the folded name of its company, so the contact
/// is found by it.
pub async fn insert(tx: &mut Tx, contact: &Contact, company_search: &str) -> Result<(), StoreError> {
    insert_many(tx, std::iter::once((contact, company_search))).await
}

/// Writes many contacts in few statements (imports, demo data).
pub async fn insert_many<'a>(
    tx: &mut Tx,
    contacts: impl IntoIterator<Item = (&'a Contact, &'a str)>,
) -> Result<(), StoreError> {
    const HEAD: &str =
        concat!("INSERT INTO contacts (id, created_at, last_activity_at, ", changeable_columns!(), ")");
    insert_rows(tx, HEAD, contacts.into_iter().map(new_row)).await
}

/// A new contact's values, in the order of the insert's columns.
fn new_row((contact, company_search): (&Contact, &str)) -> Vec<Bind> {
    let mut row = vec![
        Bind::Uuid(contact.id.0),
        Bind::Time(contact.created_at),
        Bind::OptTime(contact.last_activity_at),
    ];
    row.extend(changeable_values(contact, company_search));
    row
}

/// The columns a contact's owner changes, in the order of [`changeable_values`]. Not
/// `last_activity_at`: logging an activity moves it without a new version.
macro_rules! changeable_columns {
    () => {
        "version, first_name, last_name, emails, email, phones, phone, job_title, company_id,
         address_label, address_street, address_postal_code, address_city, address_region, address_country, language,
         lifecycle_stage, source, external_id, owner_id, tags, custom_fields, search_text, company_search,
         updated_at"
    };
}
use changeable_columns;

fn changeable_values(contact: &Contact, company_search: &str) -> Vec<Bind> {
    let f = &contact.fields;
    vec![
        Bind::Int(contact.version),
        Bind::OptText(f.first_name.clone()),
        Bind::OptText(f.last_name.clone()),
        json(&f.emails),
        Bind::OptText(f.primary_email().map(|e| e.as_str().to_owned())),
        json(&f.phones),
        Bind::OptText(f.primary_phone().map(|p| p.as_str().to_owned())),
        Bind::OptText(f.job_title.clone()),
        Bind::OptUuid(f.company_id.map(|c| c.0)),
        Bind::OptText(f.address.label.clone()),
        Bind::OptText(f.address.street.clone()),
        Bind::OptText(f.address.postal_code.clone()),
        Bind::OptText(f.address.city.clone()),
        Bind::OptText(f.address.region.clone()),
        Bind::OptText(f.address.country.clone()),
        Bind::OptText(f.language.clone()),
        Bind::Text(f.lifecycle_stage.as_str().to_owned()),
        Bind::OptText(f.source.clone()),
        Bind::OptText(f.external_id.clone()),
        Bind::OptUuid(f.owner_id.map(|o| o.0)),
        json(&f.tags),
        json(&f.custom_fields),
        Bind::Text(f.search_text()),
        Bind::Text(company_search.to_owned()),
        Bind::Time(contact.updated_at),
    ]
}

/// Replaces a contact's fields if it is still at `expected_version`; the stored version becomes
/// `contact.version`.
pub async fn update(
    tx: &mut Tx,
    contact: &Contact,
    expected_version: i64,
    company_search: &str,
) -> Result<(), StoreError> {
    const HEAD: &str = concat!("UPDATE contacts SET (", changeable_columns!(), ") = ");
    update_row(tx, HEAD, changeable_values(contact, company_search), contact.id.0, expected_version).await
}

pub async fn delete(tx: &mut Tx, id: ContactId, expected_version: i64) -> Result<(), StoreError> {
    delete_row(tx, "DELETE FROM contacts WHERE id = $1 AND version = $2", id.0, expected_version).await
}

/// Moves a contact's "last activity" forward; never back, so logging an old call does not
/// hide a recent one.
pub async fn touch_last_activity(tx: &mut Tx, id: ContactId, at: DateTime<Utc>) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE contacts SET last_activity_at = $2
             WHERE id = $1 AND (last_activity_at IS NULL OR last_activity_at < $2)",
        )
        .bind(id.0)
        .bind(at)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Keeps contacts findable by their company's name after the company is renamed.
pub async fn set_company_search(
    tx: &mut Tx,
    company: CompanyId,
    company_search: &str,
) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query("UPDATE contacts SET company_search = $2 WHERE company_id = $1")
            .bind(company.0)
            .bind(company_search)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}
