//! Duplicate pairs and merges in the database, and the records that follow a contact when it
//! is merged into another.

use crate::db::{Db, StoreError, Tx};
use crate::sql::{Bind, Sql, insert_rows_then, json};
use crate::{bind_all, on_pool, on_tx};
use chrono::{DateTime, Utc};
use comptoir_domain::company_merges::{CompanyMerge, CompanyPair};
use comptoir_domain::duplicates::{DuplicatePair, Merge, MovedLinks, PairStatus, Reason, identifiers};
use comptoir_domain::ids::{CompanyId, ContactId, OperationId, UserId};
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
    /// The id another system knows the contact by and the values of the identifying custom
    /// fields asked for, by key ([`identifiers`]).
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
    external_id: Option<String>,
    custom_fields: Json<serde_json::Map<String, serde_json::Value>>,
}

macro_rules! select_profiles {
    () => {
        "SELECT id, first_name, last_name, emails, phones, company_id, address_postal_code, address_street,
            external_id, custom_fields
         FROM contacts"
    };
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
        sqlx::query_as(concat!(select_profiles!(), " WHERE id > $1 ORDER BY id LIMIT $2"))
            .bind(after.map_or(Uuid::nil(), |id| id.0))
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await
    })?;
    Ok(rows.into_iter().map(|row| row.read(identifying)).collect())
}

/// The contacts of `ids` as duplicate detection reads them, in no particular order.
pub async fn profiles_of(
    db: &Db,
    ids: &[Uuid],
    identifying: &[String],
) -> Result<Vec<ProfileRow>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(concat!(select_profiles!(), " WHERE id IN "));
    sql.values([ids.iter().map(|id| Bind::Uuid(*id))]);
    let (text, binds) = sql.into_parts(db.dialect());
    let rows: Vec<RawProfile> =
        on_pool!(db, |pool| { bind_all!(sqlx::query_as(AssertSqlSafe(text)), binds).fetch_all(pool).await })?;
    Ok(rows.into_iter().map(|row| row.read(identifying)).collect())
}

impl RawProfile {
    fn read(self, identifying: &[String]) -> ProfileRow {
        let identifiers = identifiers(self.external_id.as_deref(), &self.custom_fields.0, identifying);
        ProfileRow {
            id: ContactId(self.id),
            first_name: self.first_name,
            last_name: self.last_name,
            emails: self.emails.0.into_iter().map(|e| e.address).collect(),
            phones: self.phones.0.into_iter().map(|p| p.number).collect(),
            company_id: self.company_id,
            postal_code: self.address_postal_code,
            street: self.address_street,
            identifiers,
        }
    }
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

/// A pair as the database holds it, whichever records it joins.
pub struct PairParts {
    pub id: Uuid,
    pub first_id: Uuid,
    pub second_id: Uuid,
    pub score: u8,
    pub reasons: Vec<Reason>,
    pub status: PairStatus,
    pub found_at: DateTime<Utc>,
}

impl TryFrom<PairRow> for PairParts {
    type Error = StoreError;
    fn try_from(row: PairRow) -> Result<Self, StoreError> {
        Ok(PairParts {
            id: row.id,
            first_id: row.first_id,
            second_id: row.second_id,
            score: u8::try_from(row.score)
                .map_err(|_| StoreError::Corrupt(format!("pair score {}", row.score)))?,
            reasons: row.reasons.0,
            status: PairStatus::parse(&row.status)
                .ok_or_else(|| StoreError::Corrupt(format!("pair status {}", row.status)))?,
            found_at: row.found_at,
        })
    }
}

/// The kinds of record pairs are kept for: contacts, and companies.
pub trait StoredPair: Sized {
    /// The table the pairs are kept in, and the one their records are.
    const PAIRS: &'static str;
    const RECORDS: &'static str;
    const INSERT: &'static str;
    fn parts(&self) -> PairParts;
    fn from_parts(parts: PairParts) -> Self;
}

macro_rules! stored_pair {
    ($pair:ty, $id:ident, $pairs:literal, $records:literal) => {
        impl StoredPair for $pair {
            const PAIRS: &'static str = $pairs;
            const RECORDS: &'static str = $records;
            const INSERT: &'static str = concat!(
                "INSERT INTO ",
                $pairs,
                " (id, first_id, second_id, score, reasons, status, found_at)"
            );
            fn parts(&self) -> PairParts {
                PairParts {
                    id: self.id,
                    first_id: self.first_id.0,
                    second_id: self.second_id.0,
                    score: self.score,
                    reasons: self.reasons.clone(),
                    status: self.status,
                    found_at: self.found_at,
                }
            }
            fn from_parts(p: PairParts) -> Self {
                Self {
                    id: p.id,
                    first_id: $id(p.first_id),
                    second_id: $id(p.second_id),
                    score: p.score,
                    reasons: p.reasons,
                    status: p.status,
                    found_at: p.found_at,
                }
            }
        }
    };
}

stored_pair!(DuplicatePair, ContactId, "duplicate_pairs", "contacts");
stored_pair!(CompanyPair, CompanyId, "company_duplicate_pairs", "companies");

/// Pairs whose records both still exist: a pair carries no foreign key (see the migration).
fn select_pairs<P: StoredPair>() -> Sql {
    let mut sql =
        Sql::new("SELECT p.id, p.first_id, p.second_id, p.score, p.reasons, p.status, p.found_at FROM ");
    sql.push(P::PAIRS)
        .push(" p JOIN ")
        .push(P::RECORDS)
        .push(" a ON a.id = p.first_id JOIN ")
        .push(P::RECORDS)
        .push(" b ON b.id = p.second_id");
    sql
}

async fn fetch_pairs<P: StoredPair>(db: &Db, sql: Sql) -> Result<Vec<P>, StoreError> {
    let (text, binds) = sql.into_parts(db.dialect());
    let rows: Vec<PairRow> =
        on_pool!(db, |pool| { bind_all!(sqlx::query_as(AssertSqlSafe(text)), binds).fetch_all(pool).await })?;
    rows.into_iter().map(|row| PairParts::try_from(row).map(P::from_parts)).collect()
}

async fn execute(tx: &mut Tx, sql: Sql) -> Result<u64, StoreError> {
    let (text, binds) = sql.into_parts(tx.dialect());
    Ok(on_tx!(tx, |conn| {
        bind_all!(sqlx::query(AssertSqlSafe(text)), binds)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
    })?)
}

/// Replaces the open pairs with what a scan found; a pair someone dismissed stays dismissed,
/// and pairs whose records are gone are dropped.
pub async fn replace_open<P: StoredPair>(tx: &mut Tx, pairs: &[P]) -> Result<(), StoreError> {
    let mut sql = Sql::new("DELETE FROM ");
    sql.push(P::PAIRS)
        .push(" WHERE status = 'open' OR NOT EXISTS (SELECT 1 FROM ")
        .push(P::RECORDS)
        .push(" r WHERE r.id = ")
        .push(P::PAIRS)
        .push(".first_id) OR NOT EXISTS (SELECT 1 FROM ")
        .push(P::RECORDS)
        .push(" r WHERE r.id = ")
        .push(P::PAIRS)
        .push(".second_id)");
    execute(tx, sql).await?;
    let rows: Vec<[Bind; 7]> = pairs
        .iter()
        .map(|pair| {
            let pair = pair.parts();
            [
                Bind::Uuid(pair.id),
                Bind::Uuid(pair.first_id),
                Bind::Uuid(pair.second_id),
                Bind::Int(i64::from(pair.score)),
                json(&pair.reasons),
                Bind::Text(pair.status.as_str().to_owned()),
                Bind::Time(pair.found_at),
            ]
        })
        .collect();
    insert_rows_then(tx, P::INSERT, " ON CONFLICT (first_id, second_id) DO NOTHING", rows).await
}

/// A page of pairs in `status`, best first, after the pair `after` (its score and id).
pub async fn list<P: StoredPair>(
    db: &Db,
    status: PairStatus,
    after: Option<(u8, Uuid)>,
    limit: u32,
) -> Result<Vec<P>, StoreError> {
    let mut sql = select_pairs::<P>();
    sql.push(" WHERE p.status = ").bind(Bind::Text(status.as_str().to_owned()));
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
    fetch_pairs(db, sql).await
}

pub async fn get<P: StoredPair>(db: &Db, id: Uuid) -> Result<Option<P>, StoreError> {
    let mut sql = select_pairs::<P>();
    sql.push(" WHERE p.id = ").bind(Bind::Uuid(id));
    Ok(fetch_pairs(db, sql).await?.pop())
}

/// The open pairs `record` is one of, best first: what its page warns about.
pub async fn open_of<P: StoredPair>(db: &Db, record: Uuid) -> Result<Vec<P>, StoreError> {
    let mut sql = select_pairs::<P>();
    sql.push(" WHERE p.status = 'open' AND (p.first_id = ")
        .bind(Bind::Uuid(record))
        .push(" OR p.second_id = ")
        .bind(Bind::Uuid(record))
        .push(") ORDER BY p.score DESC LIMIT 10");
    fetch_pairs(db, sql).await
}

pub async fn set_status<P: StoredPair>(tx: &mut Tx, id: Uuid, status: PairStatus) -> Result<(), StoreError> {
    let mut sql = Sql::new("UPDATE ");
    sql.push(P::PAIRS)
        .push(" SET status = ")
        .bind(Bind::Text(status.as_str().to_owned()))
        .push(" WHERE id = ")
        .bind(Bind::Uuid(id));
    execute(tx, sql).await?;
    Ok(())
}

#[derive(FromRow)]
struct Partners {
    id: Uuid,
    first_id: Uuid,
    second_id: Uuid,
}

/// Hands the pairs of `merged` over to `survivor`, which now holds what made them: a pair still
/// to review stays to review, and one someone dismissed stays dismissed, so a later scan does
/// not ask again what was answered. Where the survivor already has a pair with the same
/// record, that pair stands; the older record of each pair stays first. Before
/// [`forget_pairs_of`] drops what is left of `merged`'s.
pub async fn hand_pairs_over<P: StoredPair>(
    tx: &mut Tx,
    merged: Uuid,
    survivor: Uuid,
) -> Result<u64, StoreError> {
    let mut sql = Sql::new("SELECT id, first_id, second_id FROM ");
    sql.push(P::PAIRS).push(" WHERE first_id IN ");
    sql.values([[Bind::Uuid(merged), Bind::Uuid(survivor)]]);
    sql.push(" OR second_id IN ");
    sql.values([[Bind::Uuid(merged), Bind::Uuid(survivor)]]);
    let (text, binds) = sql.into_parts(tx.dialect());
    let pairs: Vec<Partners> = on_tx!(tx, |conn| {
        bind_all!(sqlx::query_as(AssertSqlSafe(text)), binds).fetch_all(&mut *conn).await
    })?;
    let partner = |pair: &Partners, of: Uuid| {
        if pair.first_id == of {
            Some(pair.second_id)
        } else {
            (pair.second_id == of).then_some(pair.first_id)
        }
    };
    let mut taken: std::collections::HashSet<Uuid> =
        pairs.iter().filter_map(|pair| partner(pair, survivor)).collect();
    taken.insert(survivor);
    taken.insert(merged);
    let mut handed = 0;
    for pair in &pairs {
        let Some(other) = partner(pair, merged).filter(|other| taken.insert(*other)) else { continue };
        let (first, second) = if survivor < other { (survivor, other) } else { (other, survivor) };
        let mut sql = Sql::new("UPDATE ");
        sql.push(P::PAIRS)
            .push(" SET first_id = ")
            .bind(Bind::Uuid(first))
            .push(", second_id = ")
            .bind(Bind::Uuid(second))
            .push(" WHERE id = ")
            .bind(Bind::Uuid(pair.id));
        handed += execute(tx, sql).await?;
    }
    Ok(handed)
}

/// Drops every pair `record` is one of: it was merged away.
pub async fn forget_pairs_of<P: StoredPair>(tx: &mut Tx, record: Uuid) -> Result<(), StoreError> {
    let mut sql = Sql::new("DELETE FROM ");
    sql.push(P::PAIRS)
        .push(" WHERE first_id = ")
        .bind(Bind::Uuid(record))
        .push(" OR second_id = ")
        .bind(Bind::Uuid(record));
    execute(tx, sql).await?;
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

/// A table whose rows point at a company and follow it into the survivor of a merge. Every
/// foreign key to `companies` is one of these; a test compares this list with the schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompanyLinkedTable {
    Contacts,
    Activities,
    Deals,
    Quotes,
    Orders,
    Tickets,
}

/// Rows of a table that follow a record into the survivor of a merge.
pub trait Follows: Copy + 'static {
    const ALL: &'static [Self];
    fn name(self) -> &'static str;
    /// The column that points at the record.
    fn column(self) -> &'static str;
    /// `UPDATE <table> SET <column> = `.
    fn update_head(self) -> &'static str;
    /// ` WHERE <column> = `.
    fn matching(self) -> &'static str;

    fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|table| table.name() == name)
    }
}

impl LinkedTable {
    pub const ALL: [LinkedTable; 5] = [
        LinkedTable::Activities,
        LinkedTable::Deals,
        LinkedTable::Quotes,
        LinkedTable::Orders,
        LinkedTable::Tickets,
    ];
}

impl Follows for LinkedTable {
    const ALL: &'static [Self] = &LinkedTable::ALL;

    fn name(self) -> &'static str {
        match self {
            LinkedTable::Activities => "activities",
            LinkedTable::Deals => "deals",
            LinkedTable::Quotes => "quotes",
            LinkedTable::Orders => "orders",
            LinkedTable::Tickets => "tickets",
        }
    }

    fn column(self) -> &'static str {
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

    fn matching(self) -> &'static str {
        " WHERE contact_id = "
    }
}

impl CompanyLinkedTable {
    pub const ALL: [CompanyLinkedTable; 6] = [
        CompanyLinkedTable::Contacts,
        CompanyLinkedTable::Activities,
        CompanyLinkedTable::Deals,
        CompanyLinkedTable::Quotes,
        CompanyLinkedTable::Orders,
        CompanyLinkedTable::Tickets,
    ];
}

impl Follows for CompanyLinkedTable {
    const ALL: &'static [Self] = &CompanyLinkedTable::ALL;

    fn name(self) -> &'static str {
        match self {
            CompanyLinkedTable::Contacts => "contacts",
            CompanyLinkedTable::Activities => "activities",
            CompanyLinkedTable::Deals => "deals",
            CompanyLinkedTable::Quotes => "quotes",
            CompanyLinkedTable::Orders => "orders",
            CompanyLinkedTable::Tickets => "tickets",
        }
    }

    fn column(self) -> &'static str {
        "company_id"
    }

    fn update_head(self) -> &'static str {
        match self {
            CompanyLinkedTable::Contacts => "UPDATE contacts SET company_id = ",
            CompanyLinkedTable::Activities => "UPDATE activities SET company_id = ",
            CompanyLinkedTable::Deals => "UPDATE deals SET company_id = ",
            CompanyLinkedTable::Quotes => "UPDATE quotes SET company_id = ",
            CompanyLinkedTable::Orders => "UPDATE orders SET company_id = ",
            CompanyLinkedTable::Tickets => "UPDATE tickets SET company_id = ",
        }
    }

    fn matching(self) -> &'static str {
        " WHERE company_id = "
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
pub async fn move_links<T: Follows>(
    tx: &mut Tx,
    table: T,
    from: Uuid,
    to: Uuid,
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
fn moving<T: Follows>(table: T, from: Uuid, to: Uuid, at: DateTime<Utc>) -> Sql {
    let mut sql = Sql::new(table.update_head());
    sql.bind(Bind::Uuid(to))
        .push(", version = version + 1, updated_at = ")
        .bind(Bind::Time(at))
        .push(table.matching())
        .bind(Bind::Uuid(from));
    sql
}

/// Points the rows `ids` of `table` back from `from` to `to`, those still pointing at `from`;
/// returns how many moved.
pub async fn move_links_back<T: Follows>(
    tx: &mut Tx,
    table: T,
    ids: &[Uuid],
    from: Uuid,
    to: Uuid,
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
pub struct MergeRow {
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

/// The kinds of record merges join: contacts, and companies. One table keeps both, each row
/// with its kind, so a merge of companies is never read as one of contacts.
pub trait StoredMerge: Sized {
    const KIND: &'static str;
    fn row(&self) -> [Bind; 10];
    fn from_row(row: MergeRow) -> Self;
}

macro_rules! stored_merge {
    ($merge:ty, $id:ident, $kind:literal) => {
        impl StoredMerge for $merge {
            const KIND: &'static str = $kind;
            fn row(&self) -> [Bind; 10] {
                [
                    Bind::Uuid(self.id.0),
                    Bind::Text($kind.to_owned()),
                    Bind::Uuid(self.survivor_id.0),
                    Bind::Uuid(self.merged_id.0),
                    Bind::Json(self.merged_record.clone()),
                    json(&self.moved),
                    Bind::OptUuid(self.merged_by.map(|u| u.0)),
                    Bind::Time(self.merged_at),
                    Bind::OptTime(self.undone_at),
                    Bind::Bool(self.survivor_left_alone),
                ]
            }
            fn from_row(row: MergeRow) -> Self {
                Self {
                    id: OperationId(row.id),
                    survivor_id: $id(row.survivor_id),
                    merged_id: $id(row.merged_id),
                    merged_record: row.merged_record.0,
                    moved: row.moved.0,
                    merged_by: row.merged_by.map(UserId),
                    merged_at: row.merged_at,
                    undone_at: row.undone_at,
                    survivor_left_alone: row.survivor_left_alone,
                }
            }
        }
    };
}

stored_merge!(Merge, ContactId, "contact");
stored_merge!(CompanyMerge, CompanyId, "company");

pub async fn insert_merge<M: StoredMerge>(tx: &mut Tx, merge: &M) -> Result<(), StoreError> {
    const HEAD: &str = "INSERT INTO merges (id, kind, survivor_id, merged_id, merged_record, moved, merged_by, merged_at, undone_at, survivor_left_alone)";
    insert_rows_then(tx, HEAD, "", [merge.row()]).await
}

pub async fn get_merge<M: StoredMerge>(db: &Db, id: OperationId) -> Result<Option<M>, StoreError> {
    let row: Option<MergeRow> = on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT id, survivor_id, merged_id, merged_record, moved, merged_by, merged_at, undone_at,
                survivor_left_alone FROM merges WHERE id = $1 AND kind = $2",
        )
        .bind(id.0)
        .bind(M::KIND)
        .fetch_optional(pool)
        .await
    })?;
    Ok(row.map(M::from_row))
}

/// Records that the merge `id` was undone at `at`, if it was not already: `false` when
/// another undo won.
pub async fn mark_undone(
    tx: &mut Tx,
    id: OperationId,
    at: DateTime<Utc>,
    survivor_left_alone: bool,
) -> Result<bool, StoreError> {
    let affected = on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE merges SET undone_at = $1, survivor_left_alone = $2 WHERE id = $3 AND undone_at IS NULL",
        )
        .bind(at)
        .bind(survivor_left_alone)
        .bind(id.0)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(affected == 1)
}
