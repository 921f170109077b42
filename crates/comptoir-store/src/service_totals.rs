//! The service report's counts, kept per month and group of tickets as tickets change (see
//! `comptoir_domain::service_report`), the tickets unresolved per hour of opening, and both read
//! back.

use crate::db::{Db, StoreError, Tx};
use crate::{on_pool, on_tx};
use chrono::{DateTime, Utc};
use comptoir_domain::ids::UserId;
use comptoir_domain::service_report::{ServiceCounts, ServiceTally, TicketGroup, unresolved_change};
use comptoir_domain::tickets::{TicketChannel, TicketPriority};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Adds each change to its month and group's counts, and to its hour's unresolved tickets, in
/// the transaction that made it. Changes that land in the same row are added up first.
pub async fn keep(tx: &mut Tx, changes: &[(ServiceTally, ServiceCounts)]) -> Result<(), StoreError> {
    let mut months: BTreeMap<(String, Uuid, &str, &str), ServiceCounts> = BTreeMap::new();
    let mut hours: BTreeMap<String, i64> = BTreeMap::new();
    for (tally, c) in changes {
        let group = &tally.group;
        let key = (
            tally.month().format("%Y-%m").to_string(),
            group.assignee_id.map_or(Uuid::nil(), |id| id.0),
            group.channel.as_str(),
            group.priority.as_str(),
        );
        months.entry(key).or_default().add(c);
        *hours.entry(hour_key(tally.hour)).or_default() += unresolved_change(c);
    }
    for ((month, assignee, channel, priority), c) in months.iter().filter(|(_, c)| !c.is_zero()) {
        on_tx!(tx, |conn| {
            sqlx::query(
                "INSERT INTO ticket_month_totals (month, assignee_id, channel, priority, opened, solved,
                    first_response_met, first_response_missed, resolution_met, resolution_missed,
                    first_contact_resolutions, reopened, answered, first_response_millis, rated, satisfied,
                    rating_points)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
                 ON CONFLICT (month, assignee_id, channel, priority) DO UPDATE SET
                    opened = ticket_month_totals.opened + excluded.opened,
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
                    rating_points = ticket_month_totals.rating_points + excluded.rating_points",
            )
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
type GroupRow = (Uuid, String, String, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64);

/// Each group's counts over the tickets opened in the months from `from`'s until (not
/// including) `until`'s.
pub async fn read(
    db: &Db,
    from: chrono::NaiveDate,
    until: chrono::NaiveDate,
) -> Result<Vec<(TicketGroup, ServiceCounts)>, StoreError> {
    let rows: Vec<GroupRow> = on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT assignee_id, channel, priority, CAST(sum(opened) AS BIGINT), CAST(sum(solved) AS BIGINT),
                CAST(sum(first_response_met) AS BIGINT), CAST(sum(first_response_missed) AS BIGINT),
                CAST(sum(resolution_met) AS BIGINT), CAST(sum(resolution_missed) AS BIGINT),
                CAST(sum(first_contact_resolutions) AS BIGINT), CAST(sum(reopened) AS BIGINT),
                CAST(sum(answered) AS BIGINT), CAST(sum(first_response_millis) AS BIGINT),
                CAST(sum(rated) AS BIGINT), CAST(sum(satisfied) AS BIGINT), CAST(sum(rating_points) AS BIGINT)
             FROM ticket_month_totals WHERE month >= $1 AND month < $2
             GROUP BY assignee_id, channel, priority",
        )
        .bind(from.format("%Y-%m").to_string())
        .bind(until.format("%Y-%m").to_string())
        .fetch_all(pool)
        .await
    })?;
    rows.into_iter().map(group_of).collect()
}

fn group_of(row: GroupRow) -> Result<(TicketGroup, ServiceCounts), StoreError> {
    let (
        assignee,
        channel,
        priority,
        opened,
        solved,
        fr_met,
        fr_missed,
        res_met,
        res_missed,
        fcr,
        reopened,
        answered,
        millis,
        rated,
        satisfied,
        rating_points,
    ) = row;
    let group = TicketGroup {
        assignee_id: (!assignee.is_nil()).then_some(UserId(assignee)),
        channel: TicketChannel::parse(&channel)
            .ok_or_else(|| StoreError::corrupt("ticket channel", &channel))?,
        priority: TicketPriority::parse(&priority)
            .ok_or_else(|| StoreError::corrupt("ticket priority", &priority))?,
    };
    let counts = ServiceCounts {
        opened,
        solved,
        first_response_met: fr_met,
        first_response_missed: fr_missed,
        resolution_met: res_met,
        resolution_missed: res_missed,
        first_contact_resolutions: fcr,
        reopened,
        answered,
        first_response_millis: millis,
        rated,
        satisfied,
        rating_points,
    };
    Ok((group, counts))
}
