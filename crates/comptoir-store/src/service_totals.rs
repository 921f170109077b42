//! The service report's counts, kept per month and group of tickets as tickets change (see
//! `comptoir_domain::service_report`), the tickets unresolved per hour of opening, and both read
//! back.

use crate::db::{Db, StoreError, Tx};
use crate::{on_pool, on_tx};
use chrono::{DateTime, Utc};
use comptoir_domain::ids::{TeamId, UserId};
use comptoir_domain::service_report::{ServiceCounts, ServiceTally, TicketGroup, unresolved_change};
use comptoir_domain::tickets::{TicketChannel, TicketPriority};
use std::collections::BTreeMap;
use uuid::Uuid;

/// What adding a row's counts to the same group's kept ones sets, after `ON CONFLICT … DO
/// UPDATE SET`.
macro_rules! add_up {
    () => {
        "opened = ticket_month_totals.opened + excluded.opened,
         solved = ticket_month_totals.solved + excluded.solved,
         first_response_met = ticket_month_totals.first_response_met + excluded.first_response_met,
         first_response_missed = ticket_month_totals.first_response_missed
         + excluded.first_response_missed,
         resolution_met = ticket_month_totals.resolution_met + excluded.resolution_met,
         resolution_missed = ticket_month_totals.resolution_missed + excluded.resolution_missed,
         first_contact_resolutions = ticket_month_totals.first_contact_resolutions
         + excluded.first_contact_resolutions,
         reopened = ticket_month_totals.reopened + excluded.reopened,
         answered = ticket_month_totals.answered + excluded.answered,
         first_response_millis = ticket_month_totals.first_response_millis
         + excluded.first_response_millis,
         rated = ticket_month_totals.rated + excluded.rated,
         satisfied = ticket_month_totals.satisfied + excluded.satisfied,
         rating_points = ticket_month_totals.rating_points + excluded.rating_points"
    };
}

/// The columns of the kept counts, in one order for writing and copying them.
macro_rules! counts {
    () => {
        "opened, solved, first_response_met, first_response_missed, resolution_met, resolution_missed,
         first_contact_resolutions, reopened, answered, first_response_millis, rated, satisfied, rating_points"
    };
}

/// Adds each change to its month and group's counts, and to its hour's unresolved tickets, in
/// the transaction that made it. Changes that land in the same row are added up first.
pub async fn keep(tx: &mut Tx, changes: &[(ServiceTally, ServiceCounts)]) -> Result<(), StoreError> {
    let mut months: BTreeMap<(String, Uuid, Uuid, &str, &str), ServiceCounts> = BTreeMap::new();
    let mut hours: BTreeMap<String, i64> = BTreeMap::new();
    for (tally, c) in changes {
        let group = &tally.group;
        let key = (
            tally.month().format("%Y-%m").to_string(),
            group.assignee_id.map_or(Uuid::nil(), |id| id.0),
            group.team_id.map_or(Uuid::nil(), |id| id.0),
            group.channel.as_str(),
            group.priority.as_str(),
        );
        months.entry(key).or_default().add(c);
        *hours.entry(hour_key(tally.hour)).or_default() += unresolved_change(c);
    }
    for ((month, assignee, team, channel, priority), c) in months.iter().filter(|(_, c)| !c.is_zero()) {
        on_tx!(tx, |conn| {
            sqlx::query(concat!(
                "INSERT INTO ticket_month_totals (month, assignee_id, team_id, channel, priority, ",
                counts!(),
                ") VALUES ($1, $2, $18, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
                 ON CONFLICT (month, assignee_id, team_id, channel, priority) DO UPDATE SET ",
                add_up!()
            ))
            .bind(month)
            .bind(assignee)
            .bind(*channel)
            .bind(*priority)
            .bind(c.opened)
            .bind(c.solved)
            .bind(c.first_response_met)
            .bind(c.first_response_missed)
            .bind(c.resolution_met)
            .bind(c.resolution_missed)
            .bind(c.first_contact_resolutions)
            .bind(c.reopened)
            .bind(c.answered)
            .bind(c.first_response_millis)
            .bind(c.rated)
            .bind(c.satisfied)
            .bind(c.rating_points)
            .bind(team)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
        })?;
    }
    for (hour, change) in hours.iter().filter(|(_, change)| **change != 0) {
        keep_unresolved(tx, hour, *change).await?;
    }
    Ok(())
}

/// Adds `change` to the tickets unresolved in `hour`; an hour left with none is removed, so the
/// backlog reads only hours that still wait.
async fn keep_unresolved(tx: &mut Tx, hour: &str, change: i64) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO ticket_backlog_hours (hour, unresolved) VALUES ($1, $2)
             ON CONFLICT (hour) DO UPDATE SET unresolved = ticket_backlog_hours.unresolved + excluded.unresolved",
        )
        .bind(hour)
        .bind(change)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    if change < 0 {
        on_tx!(tx, |conn| {
            sqlx::query("DELETE FROM ticket_backlog_hours WHERE hour = $1 AND unresolved = 0")
                .bind(hour)
                .execute(&mut *conn)
                .await
                .map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// How an hour of opening is written in `ticket_backlog_hours`: sorts as time does.
fn hour_key(hour: DateTime<Utc>) -> String {
    hour.format("%Y-%m-%dT%H").to_string()
}

/// How many tickets are unresolved now, by age: opened in or after the hour of `cuts[0]`, then
/// between each cut's hour and the next's, then before the last's.
pub async fn backlog(db: &Db, cuts: [DateTime<Utc>; 4]) -> Result<[i64; 5], StoreError> {
    let row: (i64, i64, i64, i64, i64) = on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT CAST(COALESCE(sum(CASE WHEN hour >= $1 THEN unresolved ELSE 0 END), 0) AS BIGINT),
                CAST(COALESCE(sum(CASE WHEN hour < $1 AND hour >= $2 THEN unresolved ELSE 0 END), 0) AS BIGINT),
                CAST(COALESCE(sum(CASE WHEN hour < $2 AND hour >= $3 THEN unresolved ELSE 0 END), 0) AS BIGINT),
                CAST(COALESCE(sum(CASE WHEN hour < $3 AND hour >= $4 THEN unresolved ELSE 0 END), 0) AS BIGINT),
                CAST(COALESCE(sum(CASE WHEN hour < $4 THEN unresolved ELSE 0 END), 0) AS BIGINT)
             FROM ticket_backlog_hours",
        )
        .bind(hour_key(cuts[0]))
        .bind(hour_key(cuts[1]))
        .bind(hour_key(cuts[2]))
        .bind(hour_key(cuts[3]))
        .fetch_one(pool)
        .await
    })?;
    Ok([row.0, row.1, row.2, row.3, row.4])
}

/// A group's counts over a period, as [`read`] sums them.
#[derive(sqlx::FromRow)]
struct GroupRow {
    assignee_id: Uuid,
    team_id: Uuid,
    channel: String,
    priority: String,
    opened: i64,
    solved: i64,
    first_response_met: i64,
    first_response_missed: i64,
    resolution_met: i64,
    resolution_missed: i64,
    first_contact_resolutions: i64,
    reopened: i64,
    answered: i64,
    first_response_millis: i64,
    rated: i64,
    satisfied: i64,
    rating_points: i64,
}

/// Each group's counts over the tickets opened in the months from `from`'s until (not
/// including) `until`'s.
pub async fn read(
    db: &Db,
    from: chrono::NaiveDate,
    until: chrono::NaiveDate,
) -> Result<Vec<(TicketGroup, ServiceCounts)>, StoreError> {
    let rows: Vec<GroupRow> = on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT assignee_id, team_id, channel, priority, CAST(sum(opened) AS BIGINT) AS opened,
                CAST(sum(solved) AS BIGINT) AS solved,
                CAST(sum(first_response_met) AS BIGINT) AS first_response_met,
                CAST(sum(first_response_missed) AS BIGINT) AS first_response_missed,
                CAST(sum(resolution_met) AS BIGINT) AS resolution_met,
                CAST(sum(resolution_missed) AS BIGINT) AS resolution_missed,
                CAST(sum(first_contact_resolutions) AS BIGINT) AS first_contact_resolutions,
                CAST(sum(reopened) AS BIGINT) AS reopened, CAST(sum(answered) AS BIGINT) AS answered,
                CAST(sum(first_response_millis) AS BIGINT) AS first_response_millis,
                CAST(sum(rated) AS BIGINT) AS rated, CAST(sum(satisfied) AS BIGINT) AS satisfied,
                CAST(sum(rating_points) AS BIGINT) AS rating_points
             FROM ticket_month_totals WHERE month >= $1 AND month < $2
             GROUP BY assignee_id, team_id, channel, priority",
        )
        .bind(from.format("%Y-%m").to_string())
        .bind(until.format("%Y-%m").to_string())
        .fetch_all(pool)
        .await
    })?;
    rows.into_iter().map(group_of).collect()
}

fn group_of(row: GroupRow) -> Result<(TicketGroup, ServiceCounts), StoreError> {
    let group = TicketGroup {
        assignee_id: (!row.assignee_id.is_nil()).then_some(UserId(row.assignee_id)),
        team_id: (!row.team_id.is_nil()).then_some(TeamId(row.team_id)),
        channel: TicketChannel::parse(&row.channel)
            .ok_or_else(|| StoreError::corrupt("ticket channel", &row.channel))?,
        priority: TicketPriority::parse(&row.priority)
            .ok_or_else(|| StoreError::corrupt("ticket priority", &row.priority))?,
    };
    let counts = ServiceCounts {
        opened: row.opened,
        solved: row.solved,
        first_response_met: row.first_response_met,
        first_response_missed: row.first_response_missed,
        resolution_met: row.resolution_met,
        resolution_missed: row.resolution_missed,
        first_contact_resolutions: row.first_contact_resolutions,
        reopened: row.reopened,
        answered: row.answered,
        first_response_millis: row.first_response_millis,
        rated: row.rated,
        satisfied: row.satisfied,
        rating_points: row.rating_points,
    };
    Ok((group, counts))
}

/// Moves the counts kept for `team`'s tickets to no team, as deleting the team leaves those
/// tickets: they keep counting, in no team, and their later changes move counts from there.
pub async fn forget_team(tx: &mut Tx, team: TeamId) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(concat!(
            "INSERT INTO ticket_month_totals (month, assignee_id, team_id, channel, priority, ",
            counts!(),
            ") SELECT month, assignee_id, $2, channel, priority, ",
            counts!(),
            " FROM ticket_month_totals WHERE team_id = $1
             ON CONFLICT (month, assignee_id, team_id, channel, priority) DO UPDATE SET ",
            add_up!()
        ))
        .bind(team.0)
        .bind(Uuid::nil())
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    on_tx!(tx, |conn| {
        sqlx::query("DELETE FROM ticket_month_totals WHERE team_id = $1")
            .bind(team.0)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}
