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
         first_response_missed = ticket_month_totals.first_response_missed + excluded.first_response_missed,
         resolution_met = ticket_month_totals.resolution_met + excluded.resolution_met,
         resolution_missed = ticket_month_totals.resolution_missed + excluded.resolution_missed,
         first_contact_resolutions = ticket_month_totals.first_contact_resolutions + excluded.first_contact_resolutions,
         reopened = ticket_month_totals.reopened + excluded.reopened,
         answered = ticket_month_totals.answered + excluded.answered,
         first_response_millis = ticket_month_totals.first_response_millis + excluded.first_response_millis,
         rated = ticket_month_totals.rated + excluded.rated,
         satisfied = ticket_month_totals.satisfied + excluded.satisfied,
         rating_points = ticket_month_totals.rating_points + excluded.rating_points,
         next_response_met = ticket_month_totals.next_response_met + excluded.next_response_met,
         next_response_missed = ticket_month_totals.next_response_missed + excluded.next_response_missed,
         first_response_w0 = ticket_month_totals.first_response_w0 + excluded.first_response_w0,
         first_response_w1 = ticket_month_totals.first_response_w1 + excluded.first_response_w1,
         first_response_w2 = ticket_month_totals.first_response_w2 + excluded.first_response_w2,
         first_response_w3 = ticket_month_totals.first_response_w3 + excluded.first_response_w3,
         first_response_w4 = ticket_month_totals.first_response_w4 + excluded.first_response_w4,
         first_response_w5 = ticket_month_totals.first_response_w5 + excluded.first_response_w5,
         first_response_w6 = ticket_month_totals.first_response_w6 + excluded.first_response_w6,
         first_response_w7 = ticket_month_totals.first_response_w7 + excluded.first_response_w7,
         first_response_w8 = ticket_month_totals.first_response_w8 + excluded.first_response_w8,
         first_response_w9 = ticket_month_totals.first_response_w9 + excluded.first_response_w9,
         first_response_w10 = ticket_month_totals.first_response_w10 + excluded.first_response_w10,
         first_response_w11 = ticket_month_totals.first_response_w11 + excluded.first_response_w11,
         first_response_w12 = ticket_month_totals.first_response_w12 + excluded.first_response_w12,
         first_response_w13 = ticket_month_totals.first_response_w13 + excluded.first_response_w13,
         resolution_w0 = ticket_month_totals.resolution_w0 + excluded.resolution_w0,
         resolution_w1 = ticket_month_totals.resolution_w1 + excluded.resolution_w1,
         resolution_w2 = ticket_month_totals.resolution_w2 + excluded.resolution_w2,
         resolution_w3 = ticket_month_totals.resolution_w3 + excluded.resolution_w3,
         resolution_w4 = ticket_month_totals.resolution_w4 + excluded.resolution_w4,
         resolution_w5 = ticket_month_totals.resolution_w5 + excluded.resolution_w5,
         resolution_w6 = ticket_month_totals.resolution_w6 + excluded.resolution_w6,
         resolution_w7 = ticket_month_totals.resolution_w7 + excluded.resolution_w7,
         resolution_w8 = ticket_month_totals.resolution_w8 + excluded.resolution_w8,
         resolution_w9 = ticket_month_totals.resolution_w9 + excluded.resolution_w9,
         resolution_w10 = ticket_month_totals.resolution_w10 + excluded.resolution_w10,
         resolution_w11 = ticket_month_totals.resolution_w11 + excluded.resolution_w11,
         resolution_w12 = ticket_month_totals.resolution_w12 + excluded.resolution_w12,
         resolution_w13 = ticket_month_totals.resolution_w13 + excluded.resolution_w13"
    };
}

/// The columns of the kept counts, in one order for writing, copying and reading them: the
/// counts, then the tickets answered in each band of wait, then those solved.
macro_rules! counts {
    () => {
        "opened, solved, first_response_met, first_response_missed, resolution_met,
         resolution_missed, first_contact_resolutions, reopened, answered, first_response_millis,
         rated, satisfied, rating_points, next_response_met, next_response_missed, first_response_w0, first_response_w1,
         first_response_w2, first_response_w3, first_response_w4, first_response_w5,
         first_response_w6, first_response_w7, first_response_w8, first_response_w9,
         first_response_w10, first_response_w11, first_response_w12, first_response_w13,
         resolution_w0, resolution_w1, resolution_w2, resolution_w3, resolution_w4,
         resolution_w5, resolution_w6, resolution_w7, resolution_w8, resolution_w9,
         resolution_w10, resolution_w11, resolution_w12, resolution_w13"
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
            let mut query = sqlx::query(concat!(
                "INSERT INTO ticket_month_totals (month, assignee_id, team_id, channel, priority, ",
                counts!(),
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44, $45, $46, $47, $48)
                 ON CONFLICT (month, assignee_id, team_id, channel, priority) DO UPDATE SET ",
                add_up!()
            ))
            .bind(month)
            .bind(assignee)
            .bind(team)
            .bind(*channel)
            .bind(*priority);
            for count in flat(c) {
                query = query.bind(count);
            }
            query.execute(&mut *conn).await.map(|r| r.rows_affected())
        })?;
    }
    for (hour, change) in hours.iter().filter(|(_, change)| **change != 0) {
        keep_unresolved(tx, hour, *change).await?;
    }
    Ok(())
}

/// `c`'s counts in the order of [`counts!`].
fn flat(c: &ServiceCounts) -> Vec<i64> {
    let mut flat = vec![
        c.opened,
        c.solved,
        c.first_response_met,
        c.first_response_missed,
        c.resolution_met,
        c.resolution_missed,
        c.first_contact_resolutions,
        c.reopened,
        c.answered,
        c.first_response_millis,
        c.rated,
        c.satisfied,
        c.rating_points,
        c.next_response_met,
        c.next_response_missed,
    ];
    flat.extend(c.first_response_waits);
    flat.extend(c.resolution_waits);
    flat
}

/// Counts read in the order of [`counts!`]; missing ones are zero.
fn unflat(values: &[i64]) -> ServiceCounts {
    let at = |i: usize| values.get(i).copied().unwrap_or_default();
    let mut c = ServiceCounts {
        opened: at(0),
        solved: at(1),
        first_response_met: at(2),
        first_response_missed: at(3),
        resolution_met: at(4),
        resolution_missed: at(5),
        first_contact_resolutions: at(6),
        reopened: at(7),
        answered: at(8),
        first_response_millis: at(9),
        rated: at(10),
        satisfied: at(11),
        rating_points: at(12),
        next_response_met: at(13),
        next_response_missed: at(14),
        ..ServiceCounts::default()
    };
    let bands = c.first_response_waits.len();
    for band in 0..bands {
        c.first_response_waits[band] = at(15 + band);
        c.resolution_waits[band] = at(15 + bands + band);
    }
    c
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

/// Each group's counts over the tickets opened in the months from `from`'s until (not
/// including) `until`'s.
pub async fn read(
    db: &Db,
    from: chrono::NaiveDate,
    until: chrono::NaiveDate,
) -> Result<Vec<(TicketGroup, ServiceCounts)>, StoreError> {
    let (from, until) = (from.format("%Y-%m").to_string(), until.format("%Y-%m").to_string());
    let rows = on_pool!(db, |pool| {
        let rows = sqlx::query(
            "SELECT assignee_id, team_id, channel, priority,
                CAST(sum(opened) AS BIGINT),
                CAST(sum(solved) AS BIGINT),
                CAST(sum(first_response_met) AS BIGINT),
                CAST(sum(first_response_missed) AS BIGINT),
                CAST(sum(resolution_met) AS BIGINT),
                CAST(sum(resolution_missed) AS BIGINT),
                CAST(sum(first_contact_resolutions) AS BIGINT),
                CAST(sum(reopened) AS BIGINT),
                CAST(sum(answered) AS BIGINT),
                CAST(sum(first_response_millis) AS BIGINT),
                CAST(sum(rated) AS BIGINT),
                CAST(sum(satisfied) AS BIGINT),
                CAST(sum(rating_points) AS BIGINT),
                CAST(sum(next_response_met) AS BIGINT),
                CAST(sum(next_response_missed) AS BIGINT),
                CAST(sum(first_response_w0) AS BIGINT),
                CAST(sum(first_response_w1) AS BIGINT),
                CAST(sum(first_response_w2) AS BIGINT),
                CAST(sum(first_response_w3) AS BIGINT),
                CAST(sum(first_response_w4) AS BIGINT),
                CAST(sum(first_response_w5) AS BIGINT),
                CAST(sum(first_response_w6) AS BIGINT),
                CAST(sum(first_response_w7) AS BIGINT),
                CAST(sum(first_response_w8) AS BIGINT),
                CAST(sum(first_response_w9) AS BIGINT),
                CAST(sum(first_response_w10) AS BIGINT),
                CAST(sum(first_response_w11) AS BIGINT),
                CAST(sum(first_response_w12) AS BIGINT),
                CAST(sum(first_response_w13) AS BIGINT),
                CAST(sum(resolution_w0) AS BIGINT),
                CAST(sum(resolution_w1) AS BIGINT),
                CAST(sum(resolution_w2) AS BIGINT),
                CAST(sum(resolution_w3) AS BIGINT),
                CAST(sum(resolution_w4) AS BIGINT),
                CAST(sum(resolution_w5) AS BIGINT),
                CAST(sum(resolution_w6) AS BIGINT),
                CAST(sum(resolution_w7) AS BIGINT),
                CAST(sum(resolution_w8) AS BIGINT),
                CAST(sum(resolution_w9) AS BIGINT),
                CAST(sum(resolution_w10) AS BIGINT),
                CAST(sum(resolution_w11) AS BIGINT),
                CAST(sum(resolution_w12) AS BIGINT),
                CAST(sum(resolution_w13) AS BIGINT)
             FROM ticket_month_totals WHERE month >= $1 AND month < $2
             GROUP BY assignee_id, team_id, channel, priority",
        )
        .bind(&from)
        .bind(&until)
        .fetch_all(pool)
        .await?;
        rows.iter().map(group_of).collect::<Result<Vec<_>, sqlx::Error>>()
    })?;
    rows.into_iter()
        .map(|(assignee, team, channel, priority, counts)| {
            Ok((group_named(assignee, team, &channel, &priority)?, unflat(&counts)))
        })
        .collect()
}

/// A summed row's group keys and counts, as [`read`] selects them.
fn group_of<R: sqlx::Row>(row: &R) -> Result<(Uuid, Uuid, String, String, Vec<i64>), sqlx::Error>
where
    usize: sqlx::ColumnIndex<R>,
    for<'r> Uuid: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let counts = (4..row.len()).map(|i| row.try_get::<i64, _>(i)).collect::<Result<Vec<_>, _>>()?;
    Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?, counts))
}

/// The group a row's keys name, the nil id standing for nobody and no team.
fn group_named(assignee: Uuid, team: Uuid, channel: &str, priority: &str) -> Result<TicketGroup, StoreError> {
    Ok(TicketGroup {
        assignee_id: (!assignee.is_nil()).then_some(UserId(assignee)),
        team_id: (!team.is_nil()).then_some(TeamId(team)),
        channel: TicketChannel::parse(channel)
            .ok_or_else(|| StoreError::corrupt("ticket channel", channel))?,
        priority: TicketPriority::parse(priority)
            .ok_or_else(|| StoreError::corrupt("ticket priority", priority))?,
    })
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
