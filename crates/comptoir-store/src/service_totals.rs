//! The service report's counts, kept per day and group of tickets as tickets change (see
//! `comptoir_domain::service_report`), and read back for a period.

use crate::db::{Db, StoreError, Tx};
use crate::{on_pool, on_tx};
use comptoir_domain::ids::UserId;
use comptoir_domain::service_report::{ServiceCounts, ServiceTally, TicketGroup};
use comptoir_domain::tickets::{TicketChannel, TicketPriority};
use uuid::Uuid;

/// Adds each change to its day and group's counts, in the transaction that made it.
pub async fn keep(tx: &mut Tx, changes: &[(ServiceTally, ServiceCounts)]) -> Result<(), StoreError> {
    for (tally, c) in changes.iter().filter(|(_, c)| !c.is_zero()) {
        on_tx!(tx, |conn| {
            sqlx::query(
                "INSERT INTO ticket_day_totals (day, assignee_id, channel, priority, opened, solved,
                    first_response_met, first_response_missed, resolution_met, resolution_missed,
                    first_contact_resolutions, reopened, answered, first_response_millis)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                 ON CONFLICT (day, assignee_id, channel, priority) DO UPDATE SET
                    opened = ticket_day_totals.opened + excluded.opened,
                    solved = ticket_day_totals.solved + excluded.solved,
                    first_response_met = ticket_day_totals.first_response_met + excluded.first_response_met,
                    first_response_missed = ticket_day_totals.first_response_missed
                        + excluded.first_response_missed,
                    resolution_met = ticket_day_totals.resolution_met + excluded.resolution_met,
                    resolution_missed = ticket_day_totals.resolution_missed + excluded.resolution_missed,
                    first_contact_resolutions = ticket_day_totals.first_contact_resolutions
                        + excluded.first_contact_resolutions,
                    reopened = ticket_day_totals.reopened + excluded.reopened,
                    answered = ticket_day_totals.answered + excluded.answered,
                    first_response_millis = ticket_day_totals.first_response_millis
                        + excluded.first_response_millis",
            )
            .bind(tally.day.format("%Y-%m-%d").to_string())
            .bind(tally.group.assignee_id.map_or(Uuid::nil(), |id| id.0))
            .bind(tally.group.channel.as_str())
            .bind(tally.group.priority.as_str())
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
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// A group's counts over a period, as [`read`] sums them.
type GroupRow = (Uuid, String, String, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64);

/// Each group's counts over the tickets opened from `from` until (not including) `until`.
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
                CAST(sum(answered) AS BIGINT), CAST(sum(first_response_millis) AS BIGINT)
             FROM ticket_day_totals WHERE day >= $1 AND day < $2
             GROUP BY assignee_id, channel, priority",
        )
        .bind(from.format("%Y-%m-%d").to_string())
        .bind(until.format("%Y-%m-%d").to_string())
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
    };
    Ok((group, counts))
}
