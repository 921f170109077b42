//! Custom field definitions in the database.

use crate::db::{Db, Dialect, StoreError, Tx};
use crate::sql::{delete_row, versioned};
use crate::{on_pool, on_tx};
use chrono::{DateTime, Utc};
use comptoir_domain::custom_fields::{CustomFieldDefinition, FieldType};
use comptoir_domain::ids::CustomFieldId;
use comptoir_domain::kinds::RecordKind;
use sqlx::FromRow;
use sqlx::types::Json;
use uuid::Uuid;

#[derive(FromRow)]
struct DefinitionRow {
    id: Uuid,
    version: i64,
    object_type: String,
    key: String,
    label: String,
    field_type: String,
    options: Json<Vec<String>>,
    position: i32,
    identifying: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<DefinitionRow> for CustomFieldDefinition {
    type Error = StoreError;
    fn try_from(row: DefinitionRow) -> Result<Self, StoreError> {
        Ok(CustomFieldDefinition {
            id: CustomFieldId(row.id),
            object_type: row.object_type.parse().map_err(StoreError::Corrupt)?,
            key: row.key,
            label: row.label,
            field_type: FieldType::parse(&row.field_type)
                .ok_or_else(|| StoreError::Corrupt(format!("field type {}", row.field_type)))?,
            options: row.options.0,
            position: row.position,
            identifying: row.identifying,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

macro_rules! select_definitions {
    () => {
        "SELECT id, version, object_type, key, label, field_type, options, position, identifying, created_at,
            updated_at
         FROM custom_field_definitions"
    };
}

pub async fn list(
    db: &Db,
    object_type: Option<RecordKind>,
) -> Result<Vec<CustomFieldDefinition>, StoreError> {
    let rows: Vec<DefinitionRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(
            select_definitions!(),
            " WHERE ($1 IS NULL OR object_type = $1) ORDER BY object_type, position, key"
        ))
        .bind(object_type.map(RecordKind::as_str))
        .fetch_all(pool)
        .await
    })?;
    rows.into_iter().map(CustomFieldDefinition::try_from).collect()
}

pub async fn get(db: &Db, id: CustomFieldId) -> Result<Option<CustomFieldDefinition>, StoreError> {
    let row: Option<DefinitionRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(select_definitions!(), " WHERE id = $1")).bind(id.0).fetch_optional(pool).await
    })?;
    row.map(CustomFieldDefinition::try_from).transpose()
}

pub async fn insert(tx: &mut Tx, definition: &CustomFieldDefinition) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO custom_field_definitions (id, version, object_type, key, label, field_type,
                options, position, created_at, updated_at, identifying)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(definition.id.0)
        .bind(definition.version)
        .bind(definition.object_type.as_str())
        .bind(&definition.key)
        .bind(&definition.label)
        .bind(definition.field_type.as_str())
        .bind(Json(&definition.options))
        .bind(definition.position)
        .bind(definition.created_at)
        .bind(definition.updated_at)
        .bind(definition.identifying)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Label, options and position may change; key, object type and field type may not, since
/// stored values depend on them.
pub async fn update(
    tx: &mut Tx,
    definition: &CustomFieldDefinition,
    expected_version: i64,
) -> Result<(), StoreError> {
    let affected = on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE custom_field_definitions SET version = $2, label = $3, options = $4, position = $5,
                updated_at = $6, identifying = $8
             WHERE id = $1 AND version = $7",
        )
        .bind(definition.id.0)
        .bind(definition.version)
        .bind(&definition.label)
        .bind(Json(&definition.options))
        .bind(definition.position)
        .bind(definition.updated_at)
        .bind(expected_version)
        .bind(definition.identifying)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    versioned(affected)
}

pub async fn delete(tx: &mut Tx, id: CustomFieldId, expected_version: i64) -> Result<(), StoreError> {
    delete_row(
        tx,
        "DELETE FROM custom_field_definitions WHERE id = $1 AND version = $2",
        id.0,
        expected_version,
    )
    .await
}

/// Removes the value `key` holds on every record of `object_type`, as a definition goes:
/// a value no definition describes could no longer be edited, and a later field reusing the
/// key with another type must not meet it. Each changed record gets a new version, so an
/// edit prepared before the removal is refused as stale. Returns how many records changed.
pub async fn remove_values(
    tx: &mut Tx,
    object_type: RecordKind,
    key: &str,
    at: DateTime<Utc>,
) -> Result<u64, StoreError> {
    // SQLite addresses the key by a JSON path, PostgreSQL by the key itself.
    let (statement, target) = match (tx.dialect(), object_type) {
        (Dialect::Sqlite, RecordKind::Contact) => (
            "UPDATE contacts SET custom_fields = json_remove(custom_fields, $1), version = version + 1,
                updated_at = $2 WHERE json_type(custom_fields, $1) IS NOT NULL",
            format!("$.\"{key}\""),
        ),
        (Dialect::Sqlite, RecordKind::Company) => (
            "UPDATE companies SET custom_fields = json_remove(custom_fields, $1), version = version + 1,
                updated_at = $2 WHERE json_type(custom_fields, $1) IS NOT NULL",
            format!("$.\"{key}\""),
        ),
        (Dialect::Sqlite, RecordKind::Deal) => (
            "UPDATE deals SET custom_fields = json_remove(custom_fields, $1), version = version + 1,
                updated_at = $2 WHERE json_type(custom_fields, $1) IS NOT NULL",
            format!("$.\"{key}\""),
        ),
        (Dialect::Sqlite, RecordKind::Ticket) => (
            "UPDATE tickets SET custom_fields = json_remove(custom_fields, $1), version = version + 1,
                updated_at = $2 WHERE json_type(custom_fields, $1) IS NOT NULL",
            format!("$.\"{key}\""),
        ),
        (Dialect::Postgres, RecordKind::Contact) => (
            "UPDATE contacts SET custom_fields = custom_fields - $1, version = version + 1, updated_at = $2
             WHERE custom_fields ? $1",
            key.to_owned(),
        ),
        (Dialect::Postgres, RecordKind::Company) => (
            "UPDATE companies SET custom_fields = custom_fields - $1, version = version + 1, updated_at = $2
             WHERE custom_fields ? $1",
            key.to_owned(),
        ),
        (Dialect::Postgres, RecordKind::Deal) => (
            "UPDATE deals SET custom_fields = custom_fields - $1, version = version + 1, updated_at = $2
             WHERE custom_fields ? $1",
            key.to_owned(),
        ),
        (Dialect::Postgres, RecordKind::Ticket) => (
            "UPDATE tickets SET custom_fields = custom_fields - $1, version = version + 1, updated_at = $2
             WHERE custom_fields ? $1",
            key.to_owned(),
        ),
    };
    Ok(on_tx!(tx, |conn| {
        sqlx::query(statement).bind(&target).bind(at).execute(&mut *conn).await.map(|r| r.rows_affected())
    })?)
}
