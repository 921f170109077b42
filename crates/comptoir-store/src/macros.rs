//! Macros in the database.

use crate::db::{Db, StoreError, Tx};
use crate::listing::{Catalog, ColumnKind, Page, column};
use crate::on_pool;
use crate::sql::{Bind, delete_row, insert_rows, update_row};
use chrono::{DateTime, Utc};
use comptoir_domain::ids::MacroId;
use comptoir_domain::listing::{Count, ListQuery};
use comptoir_domain::macros::{Macro, MacroFields};
use comptoir_domain::tickets::TicketStatus;
use comptoir_domain::validation::ValidationErrors;
use sqlx::FromRow;
use uuid::Uuid;

pub static CATALOG: Catalog = Catalog {
    columns: &[
        column("id", "m.id", ColumnKind::Id, false, "/id"),
        column("name", "m.name", ColumnKind::Text, false, "/name"),
        column("language", "m.language", ColumnKind::Key, false, "/language"),
        column("status", "m.status", ColumnKind::Key, true, "/status"),
        column("version", "m.version", ColumnKind::Int, false, "/version"),
        column("created_at", "m.created_at", ColumnKind::Timestamp, false, "/created_at"),
        column("updated_at", "m.updated_at", ColumnKind::Timestamp, false, "/updated_at"),
    ],
    id_sql: "m.id",
    custom_sql: None,
    default_sort: "name",
    default_descending: false,
    search: None,
    sort_indexes: &["id", "created_at", "updated_at", "name"],
    broad_filters: &["language", "status"],
    creation_ordered: &[],
};

macro_rules! select_macros {
    () => {
        "SELECT m.id, m.version, m.name, m.body, m.language, m.status, m.created_at, m.updated_at FROM macros m"
    };
}

#[derive(FromRow)]
struct MacroRow {
    id: Uuid,
    version: i64,
    name: String,
    body: String,
    language: String,
    status: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<MacroRow> for Macro {
    type Error = StoreError;
    fn try_from(row: MacroRow) -> Result<Self, StoreError> {
        let status = match row.status {
            Some(status) => Some(
                TicketStatus::parse(&status).ok_or_else(|| StoreError::corrupt("ticket status", &status))?,
            ),
            None => None,
        };
        Ok(Macro {
            id: MacroId(row.id),
            version: row.version,
            fields: MacroFields { name: row.name, body: row.body, language: row.language, status },
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

pub async fn get(db: &Db, id: MacroId) -> Result<Option<Macro>, StoreError> {
    let row: Option<MacroRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(select_macros!(), " WHERE m.id = $1")).bind(id.0).fetch_optional(pool).await
    })?;
    row.map(Macro::try_from).transpose()
}

pub async fn list(db: &Db, query: &ListQuery) -> Result<Result<Page<Macro>, ValidationErrors>, StoreError> {
    crate::fetch::page::<MacroRow, Macro>(db, concat!(select_macros!(), " WHERE TRUE"), &CATALOG, query, &[])
        .await
}

pub async fn count_matching(
    db: &Db,
    query: &ListQuery,
) -> Result<Result<Count, ValidationErrors>, StoreError> {
    let base = "SELECT count(*) FROM (SELECT 1 FROM macros m WHERE TRUE";
    crate::count::count_list(db, base, &CATALOG, query, &[], "macros").await
}

/// The columns a macro's changes write, in the order of [`changeable_values`].
macro_rules! changeable_columns {
    () => {
        "version, name, body, language, status, updated_at"
    };
}

fn changeable_values(saved: &Macro) -> Vec<Bind> {
    let f = &saved.fields;
    vec![
        Bind::Int(saved.version),
        Bind::Text(f.name.clone()),
        Bind::Text(f.body.clone()),
        Bind::Text(f.language.clone()),
        Bind::OptText(f.status.map(|s| s.as_str().to_owned())),
        Bind::Time(saved.updated_at),
    ]
}

pub async fn insert(tx: &mut Tx, saved: &Macro) -> Result<(), StoreError> {
    const HEAD: &str = concat!("INSERT INTO macros (id, created_at, ", changeable_columns!(), ")");
    let mut row = vec![Bind::Uuid(saved.id.0), Bind::Time(saved.created_at)];
    row.extend(changeable_values(saved));
    insert_rows(tx, HEAD, [row]).await
}

pub async fn update(tx: &mut Tx, before: &Macro, after: &Macro) -> Result<(), StoreError> {
    const HEAD: &str = concat!("UPDATE macros SET (", changeable_columns!(), ") = ");
    update_row(tx, HEAD, changeable_values(after), after.id.0, before.version).await
}

pub async fn delete(tx: &mut Tx, saved: &Macro) -> Result<(), StoreError> {
    delete_row(tx, "DELETE FROM macros WHERE id = $1 AND version = $2", saved.id.0, saved.version).await
}
