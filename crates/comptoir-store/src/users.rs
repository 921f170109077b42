//! Users and API tokens in the database.

use crate::db::{Db, StoreError, Tx};
use crate::listing::{self, Catalog, ColumnKind, Page, column};
use crate::sql::{Sql, versioned};
use crate::{on_pool, on_tx};
use chrono::{DateTime, Utc};
use comptoir_domain::ids::{TokenId, UserId};
use comptoir_domain::listing::ListQuery;
use comptoir_domain::users::{Actor, ApiToken, Role, User};
use comptoir_domain::validation::ValidationErrors;
use sqlx::FromRow;
use uuid::Uuid;

pub static CATALOG: Catalog = Catalog {
    columns: &[
        column("id", "u.id", ColumnKind::Id, false, "/id"),
        column("email", "u.email", ColumnKind::Text, false, "/email"),
        column("display_name", "u.display_name", ColumnKind::Text, true, "/display_name"),
        column("role", "u.role", ColumnKind::Key, false, "/role"),
        column("active", "u.active", ColumnKind::Bool, false, "/active"),
        column("created_at", "u.created_at", ColumnKind::Timestamp, false, "/created_at"),
    ],
    id_sql: "u.id",
    custom_sql: None,
    default_sort: "email",
    default_descending: false,
    search: None,
    sort_indexes: &["id"],
    broad_filters: &[],
    creation_ordered: &[],
};

macro_rules! select_users {
    () => {
        "SELECT u.id, u.version, u.email, u.display_name, u.role, u.locale, u.timezone, u.active,
            u.created_at, u.updated_at
         FROM users u"
    };
}

#[derive(FromRow)]
struct UserRow {
    id: Uuid,
    version: i64,
    email: String,
    display_name: Option<String>,
    role: String,
    locale: Option<String>,
    timezone: Option<String>,
    active: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

fn parse_role(role: &str) -> Result<Role, StoreError> {
    role.parse().map_err(|_| StoreError::Corrupt(format!("role {role}")))
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(row: UserRow) -> Result<Self, StoreError> {
        Ok(User {
            id: UserId(row.id),
            version: row.version,
            email: row.email,
            display_name: row.display_name,
            role: parse_role(&row.role)?,
            locale: row.locale,
            timezone: row.timezone,
            active: row.active,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

pub async fn get(db: &Db, id: UserId) -> Result<Option<User>, StoreError> {
    let row: Option<UserRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(select_users!(), " WHERE u.id = $1")).bind(id.0).fetch_optional(pool).await
    })?;
    row.map(User::try_from).transpose()
}

pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<User>, StoreError> {
    let row: Option<UserRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(select_users!(), " WHERE u.email = $1")).bind(email).fetch_optional(pool).await
    })?;
    row.map(User::try_from).transpose()
}

/// Every active user, by name: the people records can be assigned to.
pub async fn active(db: &Db) -> Result<Vec<User>, StoreError> {
    let rows: Vec<UserRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(select_users!(), " WHERE u.active ORDER BY COALESCE(u.display_name, u.email)"))
            .fetch_all(pool)
            .await
    })?;
    rows.into_iter().map(User::try_from).collect()
}

pub async fn password_hash(db: &Db, id: UserId) -> Result<Option<String>, StoreError> {
    let hash: Option<Option<String>> = on_pool!(db, |pool| {
        sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
            .bind(id.0)
            .fetch_optional(pool)
            .await
    })?;
    Ok(hash.flatten())
}

pub async fn count(db: &Db) -> Result<i64, StoreError> {
    Ok(on_pool!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(pool).await)?)
}

/// Whether any user exists, answered so that no other transaction can add one before `tx`
/// ends: PostgreSQL locks the table against inserts, SQLite's write transaction already
/// excludes other writers. "No user yet" and the first insert are then one step.
pub async fn any_locked(tx: &mut Tx) -> Result<bool, StoreError> {
    if let Tx::Postgres(tx) = tx {
        sqlx::query("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE").execute(&mut **tx).await?;
    }
    Ok(on_tx!(tx, |conn| {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users)").fetch_one(&mut *conn).await
    })?)
}

pub async fn list(db: &Db, query: &ListQuery) -> Result<Result<Page<User>, ValidationErrors>, StoreError> {
    let base = Sql::new(concat!(select_users!(), " WHERE TRUE"));
    let (sql, plan) = match listing::build(base, db.dialect(), &CATALOG, query, &[]) {
        Ok(built) => built,
        Err(errors) => return Ok(Err(errors)),
    };
    let rows: Vec<UserRow> = crate::fetch::rows(db, sql, &plan).await?;
    let users = rows.into_iter().map(User::try_from).collect::<Result<Vec<_>, _>>()?;
    Ok(Ok(listing::paginate(users, query.limit, &plan)))
}

pub async fn insert(tx: &mut Tx, user: &User, password_hash: Option<&str>) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO users (id, version, email, display_name, role, password_hash, locale, active,
                created_at, updated_at, timezone)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(user.id.0)
        .bind(user.version)
        .bind(&user.email)
        .bind(&user.display_name)
        .bind(user.role.as_str())
        .bind(password_hash)
        .bind(&user.locale)
        .bind(user.active)
        .bind(user.created_at)
        .bind(user.updated_at)
        .bind(&user.timezone)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

pub async fn update(
    tx: &mut Tx,
    user: &User,
    expected_version: i64,
    new_password_hash: Option<&str>,
) -> Result<(), StoreError> {
    let affected = on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE users SET version = $2, email = $3, display_name = $4, role = $5, locale = $6,
                active = $7, updated_at = $8, password_hash = COALESCE($9, password_hash), timezone = $11
             WHERE id = $1 AND version = $10",
        )
        .bind(user.id.0)
        .bind(user.version)
        .bind(&user.email)
        .bind(&user.display_name)
        .bind(user.role.as_str())
        .bind(&user.locale)
        .bind(user.active)
        .bind(user.updated_at)
        .bind(new_password_hash)
        .bind(expected_version)
        .bind(&user.timezone)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    versioned(affected)
}

pub async fn insert_token(tx: &mut Tx, token: &ApiToken, token_hash: &[u8]) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token.id.0)
        .bind(token.user_id.0)
        .bind(&token.name)
        .bind(token_hash)
        .bind(token.created_at)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// The actor a live token acts for: the token exists, is not revoked, and its user is active.
/// Marks the token used at `now`.
pub async fn actor_for_token(
    db: &Db,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> Result<Option<Actor>, StoreError> {
    let row: Option<(Uuid, String)> = on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT u.id, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active",
        )
        .bind(token_hash)
        .fetch_optional(pool)
        .await
    })?;
    if row.is_some() {
        on_pool!(db, |pool| {
            sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE token_hash = $1")
                .bind(token_hash)
                .bind(now)
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })?;
    }
    row.map(|(id, role)| Ok(Actor { user_id: UserId(id), role: parse_role(&role)? })).transpose()
}

#[derive(FromRow)]
struct TokenRow {
    id: Uuid,
    user_id: Uuid,
    name: String,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

impl From<TokenRow> for ApiToken {
    fn from(row: TokenRow) -> Self {
        ApiToken {
            id: TokenId(row.id),
            user_id: UserId(row.user_id),
            name: row.name,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
        }
    }
}

pub async fn get_token(db: &Db, id: TokenId) -> Result<Option<ApiToken>, StoreError> {
    let row: Option<TokenRow> = on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(pool)
        .await
    })?;
    Ok(row.map(ApiToken::from))
}

pub async fn list_tokens(db: &Db) -> Result<Vec<ApiToken>, StoreError> {
    let rows: Vec<TokenRow> = on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens ORDER BY id",
        )
        .fetch_all(pool)
        .await
    })?;
    Ok(rows.into_iter().map(ApiToken::from).collect())
}

pub async fn revoke_token(tx: &mut Tx, id: TokenId, at: DateTime<Utc>) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
            .bind(id.0)
            .bind(at)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}
