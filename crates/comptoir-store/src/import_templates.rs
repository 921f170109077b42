//! Import templates in the database: one row each, its mapping as JSON.

use crate::db::{Db, StoreError, Tx};
use crate::sql::{Bind, insert_rows_then, json};
use crate::{on_pool, on_tx};
use chrono::{DateTime, Utc};
use comptoir_domain::ids::{ImportTemplateId, UserId};
use comptoir_domain::import_templates::ImportTemplate;
use sqlx::FromRow;
use sqlx::types::Json;
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(FromRow)]
struct TemplateRow {
    id: Uuid,
    name: String,
    mapping: Json<BTreeMap<String, String>>,
    created_by: Option<Uuid>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<TemplateRow> for ImportTemplate {
    fn from(row: TemplateRow) -> Self {
        ImportTemplate {
            id: ImportTemplateId(row.id),
            name: row.name,
            mapping: row.mapping.0,
            created_by: row.created_by.map(UserId),
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

macro_rules! select_templates {
    () => {
        "SELECT id, name, mapping, created_by, created_at, updated_at FROM import_templates"
    };
}

/// Every template, by name: a team keeps a handful.
pub async fn list(db: &Db) -> Result<Vec<ImportTemplate>, StoreError> {
    let rows: Vec<TemplateRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(select_templates!(), " ORDER BY folded_name")).fetch_all(pool).await
    })?;
    Ok(rows.into_iter().map(ImportTemplate::from).collect())
}

pub async fn get(db: &Db, id: ImportTemplateId) -> Result<Option<ImportTemplate>, StoreError> {
    let row: Option<TemplateRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(select_templates!(), " WHERE id = $1")).bind(id.0).fetch_optional(pool).await
    })?;
    Ok(row.map(ImportTemplate::from))
}

/// The template whose name folds to `folded`.
pub async fn named(db: &Db, folded: &str) -> Result<Option<ImportTemplate>, StoreError> {
    let row: Option<TemplateRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(select_templates!(), " WHERE folded_name = $1"))
            .bind(folded)
            .fetch_optional(pool)
            .await
    })?;
    Ok(row.map(ImportTemplate::from))
}

/// Writes `template`, in place of the one of the same id if there is one.
pub async fn save(tx: &mut Tx, template: &ImportTemplate) -> Result<(), StoreError> {
    const HEAD: &str =
        "INSERT INTO import_templates (id, name, folded_name, mapping, created_by, created_at, updated_at)";
    let row = [
        Bind::Uuid(template.id.0),
        Bind::Text(template.name.clone()),
        Bind::Text(template.folded_name()),
        json(&template.mapping),
        Bind::OptUuid(template.created_by.map(|u| u.0)),
        Bind::Time(template.created_at),
        Bind::Time(template.updated_at),
    ];
    let tail = " ON CONFLICT (id) DO UPDATE SET name = excluded.name, folded_name = excluded.folded_name,
                 mapping = excluded.mapping, updated_at = excluded.updated_at";
    insert_rows_then(tx, HEAD, tail, [row]).await
}

/// Deletes the template `id`; whether there was one.
pub async fn delete(tx: &mut Tx, id: ImportTemplateId) -> Result<bool, StoreError> {
    let deleted = on_tx!(tx, |conn| {
        sqlx::query("DELETE FROM import_templates WHERE id = $1")
            .bind(id.0)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(deleted == 1)
}
