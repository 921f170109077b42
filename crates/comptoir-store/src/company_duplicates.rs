//! Companies as duplicate detection reads them: only what tells companies apart.

use crate::db::{Db, StoreError};
use crate::on_pool;
use comptoir_domain::ids::CompanyId;
use serde::Deserialize;
use sqlx::FromRow;
use sqlx::types::Json;
use uuid::Uuid;

pub struct CompanyProfileRow {
    pub id: CompanyId,
    pub name: String,
    pub siren: Option<String>,
    pub domain: Option<String>,
    pub phones: Vec<String>,
    /// The head office's.
    pub postal_code: Option<String>,
}

#[derive(Deserialize)]
struct Phone {
    number: String,
}

#[derive(FromRow)]
struct RawProfile {
    id: Uuid,
    name: String,
    siren: Option<String>,
    domain: Option<String>,
    phones: Json<Vec<Phone>>,
    address_postal_code: Option<String>,
}

/// Up to `limit` companies after `after` in id order: a scan reads them page by page.
pub async fn profiles_after(
    db: &Db,
    after: Option<CompanyId>,
    limit: u32,
) -> Result<Vec<CompanyProfileRow>, StoreError> {
    let rows: Vec<RawProfile> = on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT id, name, siren, domain, phones, address_postal_code
             FROM companies WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after.map_or(Uuid::nil(), |id| id.0))
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|row| CompanyProfileRow {
            id: CompanyId(row.id),
            name: row.name,
            siren: row.siren,
            domain: row.domain,
            phones: row.phones.0.into_iter().map(|p| p.number).collect(),
            postal_code: row.address_postal_code,
        })
        .collect())
}
