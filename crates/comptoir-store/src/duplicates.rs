//! Duplicate pairs and merges in the database, and the records that follow a contact when it
//! is merged into another.

use crate::db::{Db, StoreError, Tx};
use crate::sql::{Bind, Sql, insert_rows_then, json};
use crate::{bind_all, on_pool, on_tx};
use chrono::{DateTime, Utc};
use comptoir_domain::duplicates::{DuplicatePair, Merge, MovedLinks, PairStatus, Reason};
use comptoir_domain::ids::{ContactId, OperationId, UserId};
use serde::Deserialize;
use sqlx::types::Json;
use sqlx::{AssertSqlSafe, FromRow};
use uuid::Uuid;

/// A contact as duplicate detection reads it: only what tells people apart.
pub struct ProfileRow {
    pub id: ContactId,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub company_id: Option<Uuid>,
    pub postal_code: Option<String>,
    pub street: Option<String>,
    /// The values of the identifying custom fields asked for, by key.
    pub identifiers: Vec<(String, String)>,
}

#[derive(Deserialize)]
struct Email {
    address: String,
}

#[derive(Deserialize)]
struct Phone {
    number: String,
}

#[derive(FromRow)]
struct RawProfile {
    id: Uuid,
    first_name: Option<String>,
    last_name: Option<String>,
    emails: Json<Vec<Email>>,
    phones: Json<Vec<Phone>>,
    company_id: Option<Uuid>,
    address_postal_code: Option<String>,
    address_street: Option<String>,
    custom_fields: Json<serde_json::Map<String, serde_json::Value>>,
}

/// Up to `limit` contacts after `after` in id order: a scan reads them page by page.
/// `identifying` names the custom fields whose values it compares.
pub async fn profiles_after(
    db: &Db,
    after: Option<ContactId>,
    limit: u32,
    identifying: &[String],
) -> Result<Vec<ProfileRow>, StoreError> {
    let rows: Vec<RawProfile> = on_pool!(db, |pool| {
        let statement = "SELECT id, first_name, last_name, emails, phones, company_id, address_postal_code,
                address_street, custom_fields
             FROM contacts WHERE id > $1 ORDER BY id LIMIT $2";
        sqlx::query_as(statement)
            .bind(after.map_or(Uuid::nil(), |id| id.0))
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await
    })?;
    Ok(rows
        .into_iter()
        .map(|row| ProfileRow {
            id: ContactId(row.id),
            first_name: row.first_name,
            last_name: row.last_name,
            emails: row.emails.0.into_iter().map(|e| e.address).collect(),
            phones: row.phones.0.into_iter().map(|p| p.number).collect(),
            company_id: row.company_id,
            postal_code: row.address_postal_code,
            street: row.address_street,
            identifiers: identifying
                .iter()
                .filter_map(|key| {
                    let value = match row.custom_fields.0.get(key)? {
                        serde_json::Value::String(text) => text.clone(),
                        serde_json::Value::Number(number) => number.to_string(),
                        _ => return None,
                    };
                    Some((key.clone(), value))
                })
                .collect(),
        })
        .collect())
}

#[derive(FromRow)]
struct PairRow {
    id: Uuid,
    first_id: Uuid,
    second_id: Uuid,
    score: i32,
    reasons: Json<Vec<Reason>>,
    status: String,
    found_at: DateTime<Utc>,
}

impl TryFrom<PairRow> for DuplicatePair {
    type Error = StoreError;
    fn try_from(row: PairRow) -> Result<Self, StoreError> {
        Ok(DuplicatePair {
            id: row.id,
            first_id: ContactId(row.first_id),
            second_id: ContactId(row.second_id),
            score: u8::try_from(row.score)
                .map_err(|_| StoreError::Corrupt(format!("pair score {}", row.score)))?,
            reasons: row.reasons.0,
            status: PairStatus::parse(&row.status)
                .ok_or_else(|| StoreError::Corrupt(format!("pair status {}", row.status)))?,
            found_at: row.found_at,
        })
    }
}

/// Pairs whose contacts both still exist: a pair carries no foreign key (see the migration).
macro_rules! select_pairs {
    () => {
        "SELECT p.id, p.first_id, p.second_id, p.score, p.reasons, p.status, p.found_at
         FROM duplicate_pairs p JOIN contacts a ON a.id = p.first_id JOIN contacts b ON b.id = p.second_id"
    };
}

/// Replaces the open pairs with what a scan found; a pair someone dismissed stays dismissed,
/// and pairs whose contacts are gone are dropped.
pub async fn replace_open(tx: &mut Tx, pairs: &[DuplicatePair]) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "DELETE FROM duplicate_pairs WHERE status = 'open'
                OR NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = duplicate_pairs.first_id)
                OR NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = duplicate_pairs.second_id)",
        )
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    const HEAD: &str =
        "INSERT INTO duplicate_pairs (id, first_id, second_id, score, reasons, status, found_at)";
    let rows: Vec<[Bind; 7]> = pairs
        .iter()
        .map(|pair| {
            [
                Bind::Uuid(pair.id),
                Bind::Uuid(pair.first_id.0),
                Bind::Uuid(pair.second_id.0),
                Bind::Int(i64::from(pair.score)),
                json(&pair.reasons),
                Bind::Text(pair.status.as_str().to_owned()),
                Bind::Time(pair.found_at),
            ]
        })
        .collect();
    insert_rows_then(tx, HEAD, " ON CONFLICT (first_id, second_id) DO NOTHING", rows).await
}

/// A page of pairs in `status`, best first, after the pair `after` (its score and id).
pub async fn list(
    db: &Db,
    status: PairStatus,
    after: Option<(u8, Uuid)>,
    limit: u32,
) -> Result<Vec<DuplicatePair>, StoreError> {
    let mut sql = Sql::new(concat!(select_pairs!(), " WHERE p.status = "));
    sql.bind(Bind::Text(status.as_str().to_owned()));
    if let Some((score, id)) = after {
        sql.push(" AND (p.score < ")
            .bind(Bind::Int(i64::from(score)))
            .push(" OR (p.score = ")
            .bind(Bind::Int(i64::from(score)))
            .push(" AND p.id < ")
            .bind(Bind::Uuid(id))
            .push("))");
    }
    sql.push(" ORDER BY p.score DESC, p.id DESC LIMIT ").bind(Bind::Int(i64::from(limit)));
    let (text, binds) = sql.into_parts(db.dialect());
    let rows: Vec<PairRow> =
        on_pool!(db, |pool| { bind_all!(sqlx::query_as(AssertSqlSafe(text)), binds).fetch_all(pool).await })?;
    rows.into_iter().map(DuplicatePair::try_from).collect()
}

pub async fn get(db: &Db, id: Uuid) -> Result<Option<DuplicatePair>, StoreError> {
    let row: Option<PairRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(select_pairs!(), " WHERE p.id = $1")).bind(id).fetch_optional(pool).await
    })?;
    row.map(DuplicatePair::try_from).transpose()
}

/// The open pairs `contact` is one of, best first: what its page warns about.
pub async fn open_of(db: &Db, contact: ContactId) -> Result<Vec<DuplicatePair>, StoreError> {
    let rows: Vec<PairRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(
            select_pairs!(),
            " WHERE p.status = 'open' AND (p.first_id = $1 OR p.second_id = $1) ORDER BY p.score DESC LIMIT 10"
        ))
        .bind(contact.0)
        .fetch_all(pool)
        .await
    })?;
    rows.into_iter().map(DuplicatePair::try_from).collect()
}

pub async fn set_status(tx: &mut Tx, id: Uuid, status: PairStatus) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query("UPDATE duplicate_pairs SET status = $1 WHERE id = $2")
            .bind(status.as_str())
            .bind(id)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Drops every pair `contact` is one of: it was merged away.
pub async fn forget_pairs_of(tx: &mut Tx, contact: ContactId) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query("DELETE FROM duplicate_pairs WHERE first_id = $1 OR second_id = $1")
            .bind(contact.0)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// A table whose rows point at a contact and follow it into the survivor of a merge. Every
/// foreign key to `contacts` is one of these, or goes with the merged contact; a test
/// compares this list with the schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkedTable {
    Activities,
    Deals,
    Quotes,
    Orders,
    Tickets,
}

impl LinkedTable {
    pub const ALL: [LinkedTable; 5] = [
        LinkedTable::Activities,
        LinkedTable::Deals,
        LinkedTable::Quotes,
        LinkedTable::Orders,
        LinkedTable::Tickets,
    ];

    pub fn name(self) -> &'static str {
        match self {
            LinkedTable::Activities => "activities",
            LinkedTable::Deals => "deals",
            LinkedTable::Quotes => "quotes",
            LinkedTable::Orders => "orders",
            LinkedTable::Tickets => "tickets",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|table| table.name() == name)
    }

    /// The column that points at the contact.
    pub fn column(self) -> &'static str {
        "contact_id"
    }

    fn update_head(self) -> &'static str {
        match self {
            LinkedTable::Activities => "UPDATE activities SET contact_id = ",
            LinkedTable::Deals => "UPDATE deals SET contact_id = ",
            LinkedTable::Quotes => "UPDATE quotes SET contact_id = ",
            LinkedTable::Orders => "UPDATE orders SET contact_id = ",
            LinkedTable::Tickets => "UPDATE tickets SET contact_id = ",
        }
    }
}

/// The tables that point at contacts and that a merge leaves to end with the merged contact:
/// portal sign-in links and sessions are keys to one contact, and whoever held them signs in
/// again, as the survivor, with the same address.
pub const ENDING_WITH_THE_CONTACT: [(&str, &str); 2] =
    [("portal_links", "contact_id"), ("portal_sessions", "contact_id")];

/// The tables where a merge gives the merged contact's place to the survivor unless the
/// survivor already has one beside it, which it keeps: a deal's people, each named once.
pub const SHARED_WITH_THE_SURVIVOR: [(&str, &str); 1] = [("deal_contacts", "contact_id")];

/// Points every row of `table` that points at `from` at `to`; returns the rows moved.
pub async fn move_links(
    tx: &mut Tx,
    table: LinkedTable,
    from: ContactId,
    to: ContactId,
    at: DateTime<Utc>,
) -> Result<Vec<Uuid>, StoreError> {
    let mut sql = moving(table, from, to, at);
    sql.push(" RETURNING id");
    let (text, binds) = sql.into_parts(tx.dialect());
    Ok(on_tx!(tx, |conn| {
        bind_all!(sqlx::query_scalar(AssertSqlSafe(text)), binds).fetch_all(&mut *conn).await
    })?)
}

/// The rows of `table` that point at `from`, pointed at `to` as a change of each row: its
/// version moves, so an edit made from an older copy fails rather than putting the link back.
fn moving(table: LinkedTable, from: ContactId, to: ContactId, at: DateTime<Utc>) -> Sql {
    let mut sql = Sql::new(table.update_head());
    sql.bind(Bind::Uuid(to.0))
        .push(", version = version + 1, updated_at = ")
        .bind(Bind::Time(at))
        .push(" WHERE contact_id = ")
        .bind(Bind::Uuid(from.0));
    sql
}

/// Points the rows `ids` of `table` back from `from` to `to`, those still pointing at `from`;
/// returns how many moved.
pub async fn move_links_back(
    tx: &mut Tx,
    table: LinkedTable,
    ids: &[Uuid],
    from: ContactId,
    to: ContactId,
    at: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let mut moved = 0;
    for chunk in ids.chunks(1000) {
        let mut sql = moving(table, from, to, at);
        sql.push(" AND id IN ").values([chunk.iter().map(|id| Bind::Uuid(*id))]);
        let (text, binds) = sql.into_parts(tx.dialect());
        moved += on_tx!(tx, |conn| {
            bind_all!(sqlx::query(AssertSqlSafe(text)).persistent(false), binds)
                .execute(&mut *conn)
                .await
                .map(|r| r.rows_affected())
        })?;
    }
    Ok(moved)
}

#[derive(FromRow)]
struct MergeRow {
    id: Uuid,
    survivor_id: Uuid,
    merged_id: Uuid,
    merged_record: Json<serde_json::Value>,
    moved: Json<Vec<MovedLinks>>,
    merged_by: Option<Uuid>,
    merged_at: DateTime<Utc>,
    undone_at: Option<DateTime<Utc>>,
    survivor_left_alone: bool,
}

impl From<MergeRow> for Merge {
    fn from(row: MergeRow) -> Self {
        Merge {
            id: OperationId(row.id),
            survivor_id: ContactId(row.survivor_id),
            merged_id: ContactId(row.merged_id),
            merged_record: row.merged_record.0,
            moved: row.moved.0,
            merged_by: row.merged_by.map(UserId),
            merged_at: row.merged_at,
            undone_at: row.undone_at,
            survivor_left_alone: row.survivor_left_alone,
        }
    }
}

pub async fn insert_merge(tx: &mut Tx, merge: &Merge) -> Result<(), StoreError> {
    const HEAD: &str = "INSERT INTO merges (id, survivor_id, merged_id, merged_record, moved, merged_by, merged_at, undone_at, survivor_left_alone)";
    let row = [
        Bind::Uuid(merge.id.0),
        Bind::Uuid(merge.survivor_id.0),
        Bind::Uuid(merge.merged_id.0),
        Bind::Json(merge.merged_record.clone()),
        json(&merge.moved),
        Bind::OptUuid(merge.merged_by.map(|u| u.0)),
        Bind::Time(merge.merged_at),
        Bind::OptTime(merge.undone_at),
        Bind::Bool(merge.survivor_left_alone),
    ];
    insert_rows_then(tx, HEAD, "", [row]).await
}

pub async fn get_merge(db: &Db, id: OperationId) -> Result<Option<Merge>, StoreError> {
    let row: Option<MergeRow> = on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT id, survivor_id, merged_id, merged_record, moved, merged_by, merged_at, undone_at,
                survivor_left_alone FROM merges WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(pool)
        .await
    })?;
    Ok(row.map(Merge::from))
}

/// Records that `merge` was undone, if it was not already: `false` when another undo won.
pub async fn mark_undone(tx: &mut Tx, merge: &Merge) -> Result<bool, StoreError> {
    let affected = on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE merges SET undone_at = $1, survivor_left_alone = $2 WHERE id = $3 AND undone_at IS NULL",
        )
        .bind(merge.undone_at)
        .bind(merge.survivor_left_alone)
        .bind(merge.id.0)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(affected == 1)
}
