//! Teams in the database: the team's row, its members in theirs (each with the turn that last
//! gave them a ticket), and the rotation that hands out new tickets.

use crate::db::{Db, StoreError, Tx};
use crate::listing::{Catalog, ColumnKind, Page, column};
use crate::sql::{Bind, delete_row, insert_rows_then, json, update_row};
use crate::{on_pool, on_tx};
use chrono::{DateTime, Utc};
use comptoir_domain::ids::{TeamId, UserId};
use comptoir_domain::listing::{Count, ListQuery};
use comptoir_domain::teams::{Assignment, Team, TeamFields, TeamMember, TeamRoute};
use comptoir_domain::validation::ValidationErrors;
use sqlx::FromRow;
use sqlx::types::Json;
use std::collections::HashMap;
use uuid::Uuid;

pub static CATALOG: Catalog = Catalog {
    columns: &[
        column("id", "tm.id", ColumnKind::Id, false, "/id"),
        column("name", "tm.name", ColumnKind::Text, false, "/name"),
        column("assignment", "tm.assignment", ColumnKind::Key, false, "/assignment"),
        column("lead_id", "tm.lead_id", ColumnKind::Id, true, "/lead_id"),
        column("version", "tm.version", ColumnKind::Int, false, "/version"),
        column("created_at", "tm.created_at", ColumnKind::Timestamp, false, "/created_at"),
        column("updated_at", "tm.updated_at", ColumnKind::Timestamp, false, "/updated_at"),
    ],
    id_sql: "tm.id",
    custom_sql: None,
    default_sort: "name",
    default_descending: false,
    search: None,
    sort_indexes: &["id", "created_at", "updated_at", "name"],
    broad_filters: &["assignment"],
    creation_ordered: &[],
};

macro_rules! select_teams {
    () => {
        "SELECT tm.id, tm.version, tm.name, tm.lead_id, tm.assignment, tm.categories, tm.languages,
         tm.created_at, tm.updated_at FROM teams tm"
    };
}

#[derive(FromRow)]
struct TeamRow {
    id: Uuid,
    version: i64,
    name: String,
    lead_id: Option<Uuid>,
    assignment: String,
    categories: Json<Vec<String>>,
    languages: Json<Vec<String>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// A team as its own row holds it; its members are read beside it.
impl TryFrom<TeamRow> for Team {
    type Error = StoreError;
    fn try_from(row: TeamRow) -> Result<Self, StoreError> {
        let assignment = Assignment::parse(&row.assignment)
            .ok_or_else(|| StoreError::corrupt("team assignment", &row.assignment))?;
        Ok(Team {
            id: TeamId(row.id),
            version: row.version,
            fields: TeamFields {
                name: row.name,
                lead_id: row.lead_id.map(UserId),
                assignment,
                members: Vec::new(),
                categories: row.categories.0,
                languages: row.languages.0,
            },
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[derive(FromRow)]
struct MemberRow {
    team_id: Uuid,
    user_id: Uuid,
    available: bool,
}

/// Fills in the members of `teams`, in their order, from one read of every team's members:
/// a company has few teams of few people.
async fn with_members(db: &Db, mut teams: Vec<Team>) -> Result<Vec<Team>, StoreError> {
    if teams.is_empty() {
        return Ok(teams);
    }
    let rows: Vec<MemberRow> = on_pool!(db, |pool| {
        sqlx::query_as("SELECT team_id, user_id, available FROM team_members ORDER BY team_id, position")
            .fetch_all(pool)
            .await
    })?;
    let mut by_team: HashMap<Uuid, Vec<TeamMember>> = HashMap::new();
    for row in rows {
        by_team
            .entry(row.team_id)
            .or_default()
            .push(TeamMember { user_id: UserId(row.user_id), available: row.available });
    }
    for team in &mut teams {
        team.fields.members = by_team.remove(&team.id.0).unwrap_or_default();
    }
    Ok(teams)
}

pub async fn get(db: &Db, id: TeamId) -> Result<Option<Team>, StoreError> {
    let row: Option<TeamRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(select_teams!(), " WHERE tm.id = $1")).bind(id.0).fetch_optional(pool).await
    })?;
    let Some(team) = row.map(Team::try_from).transpose()? else { return Ok(None) };
    let rows: Vec<MemberRow> = on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT team_id, user_id, available FROM team_members WHERE team_id = $1 ORDER BY position",
        )
        .bind(id.0)
        .fetch_all(pool)
        .await
    })?;
    let members = rows.into_iter().map(|r| TeamMember { user_id: UserId(r.user_id), available: r.available });
    Ok(Some(Team { fields: TeamFields { members: members.collect(), ..team.fields }, ..team }))
}

pub async fn list(db: &Db, query: &ListQuery) -> Result<Result<Page<Team>, ValidationErrors>, StoreError> {
    let page = match crate::fetch::page::<TeamRow, Team>(
        db,
        concat!(select_teams!(), " WHERE TRUE"),
        &CATALOG,
        query,
        &[],
    )
    .await?
    {
        Ok(page) => page,
        Err(errors) => return Ok(Err(errors)),
    };
    let data = with_members(db, page.data).await?;
    Ok(Ok(Page { data, ..page }))
}

pub async fn count_matching(
    db: &Db,
    query: &ListQuery,
) -> Result<Result<Count, ValidationErrors>, StoreError> {
    let base = "SELECT count(*) FROM (SELECT 1 FROM teams tm WHERE TRUE";
    crate::count::count_list(db, base, &CATALOG, query, &[], "teams").await
}

/// Every team's claims, by name: what routing a new ticket reads.
pub async fn routes(db: &Db) -> Result<Vec<TeamRoute>, StoreError> {
    let rows: Vec<TeamRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(select_teams!(), " ORDER BY lower(tm.name), tm.id")).fetch_all(pool).await
    })?;
    rows.into_iter().map(|row| Team::try_from(row).map(|team| TeamRoute::from(&team))).collect()
}

/// The columns a team's changes write, in the order of [`changeable_values`].
macro_rules! changeable_columns {
    () => {
        "version, name, lead_id, assignment, categories, languages, updated_at"
    };
}

fn changeable_values(team: &Team) -> Vec<Bind> {
    let f = &team.fields;
    vec![
        Bind::Int(team.version),
        Bind::Text(f.name.clone()),
        Bind::OptUuid(f.lead_id.map(|u| u.0)),
        Bind::Text(f.assignment.as_str().to_owned()),
        json(&f.categories),
        json(&f.languages),
        Bind::Time(team.updated_at),
    ]
}

pub async fn insert(tx: &mut Tx, team: &Team) -> Result<(), StoreError> {
    const HEAD: &str = concat!("INSERT INTO teams (id, created_at, ", changeable_columns!(), ")");
    let mut row = vec![Bind::Uuid(team.id.0), Bind::Time(team.created_at)];
    row.extend(changeable_values(team));
    crate::sql::insert_rows(tx, HEAD, [row]).await?;
    keep_members(tx, team).await
}

/// Stores `after` in place of `before`, if `before` is still the stored version. Members who
/// stay keep their place in the rotation.
pub async fn update(tx: &mut Tx, before: &Team, after: &Team) -> Result<(), StoreError> {
    const HEAD: &str = concat!("UPDATE teams SET (", changeable_columns!(), ") = ");
    update_row(tx, HEAD, changeable_values(after), after.id.0, before.version).await?;
    for gone in before.fields.members.iter().filter(|m| !after.fields.has_member(m.user_id)) {
        on_tx!(tx, |conn| {
            sqlx::query("DELETE FROM team_members WHERE team_id = $1 AND user_id = $2")
                .bind(after.id.0)
                .bind(gone.user_id.0)
                .execute(&mut *conn)
                .await
                .map(|r| r.rows_affected())
        })?;
    }
    keep_members(tx, after).await
}

/// Writes `team`'s members with their order and availability, leaving each one's last turn.
async fn keep_members(tx: &mut Tx, team: &Team) -> Result<(), StoreError> {
    let mut rows = Vec::with_capacity(team.fields.members.len());
    for (position, member) in (0_i64..).zip(&team.fields.members) {
        rows.push(vec![
            Bind::Uuid(team.id.0),
            Bind::Uuid(member.user_id.0),
            Bind::Int(position),
            Bind::Bool(member.available),
        ]);
    }
    insert_rows_then(
        tx,
        "INSERT INTO team_members (team_id, user_id, position, available)",
        " ON CONFLICT (team_id, user_id) DO UPDATE SET position = excluded.position, available = excluded.available",
        rows,
    )
    .await
}

/// Deletes `team` if it is still at its version; its tickets stay, in no team, and so do
/// their kept counts.
pub async fn delete(tx: &mut Tx, team: &Team) -> Result<(), StoreError> {
    delete_row(tx, "DELETE FROM teams WHERE id = $1 AND version = $2", team.id.0, team.version).await?;
    crate::service_totals::forget_team(tx, team.id).await
}

/// The member of `team` a new ticket goes to, when the team hands out in turn: the available
/// member, among those still active, whose last ticket from the rotation is the oldest (never
/// first, then in the team's order). Taking the turn writes the team's row before anything is
/// read, so two transactions handing out at once take turns one after the other, each seeing
/// what the other gave.
pub async fn take_turn(tx: &mut Tx, team: TeamId) -> Result<Option<UserId>, StoreError> {
    let turn: Option<i64> = on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "UPDATE teams SET turns = turns + 1 WHERE id = $1 AND assignment = 'round_robin' RETURNING turns",
        )
        .bind(team.0)
        .fetch_optional(&mut *conn)
        .await
    })?;
    let Some(turn) = turn else { return Ok(None) };
    let next: Option<Uuid> = on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "SELECT m.user_id FROM team_members m JOIN users u ON u.id = m.user_id
             WHERE m.team_id = $1 AND m.available AND u.active
             ORDER BY m.last_turn ASC NULLS FIRST, m.position LIMIT 1",
        )
        .bind(team.0)
        .fetch_optional(&mut *conn)
        .await
    })?;
    let Some(next) = next else { return Ok(None) };
    on_tx!(tx, |conn| {
        sqlx::query("UPDATE team_members SET last_turn = $3 WHERE team_id = $1 AND user_id = $2")
            .bind(team.0)
            .bind(next)
            .bind(turn)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(Some(UserId(next)))
}

/// Who leads `team`, if anyone does.
pub async fn lead_of(db: &Db, team: TeamId) -> Result<Option<UserId>, StoreError> {
    let lead: Option<Option<Uuid>> = on_pool!(db, |pool| {
        sqlx::query_scalar("SELECT lead_id FROM teams WHERE id = $1").bind(team.0).fetch_optional(pool).await
    })?;
    Ok(lead.flatten().map(UserId))
}
