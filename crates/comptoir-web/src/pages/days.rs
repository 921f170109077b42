//! The days a page speaks of ("today", "this week") where the team works: they end at
//! midnight in its time zone, not in UTC.

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use chrono_tz::Tz;

/// The edges of today and this week, as instants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayEdges {
    pub start_of_today: DateTime<Utc>,
    pub end_of_today: DateTime<Utc>,
    /// Next Monday's first instant: a week runs Monday to Sunday, as in France.
    pub end_of_week: DateTime<Utc>,
}

/// The first instant of `day` in `zone`.
pub fn start_of(day: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    midnight.and_local_timezone(zone).earliest().map_or_else(|| midnight.and_utc(), |at| at.to_utc())
}

impl DayEdges {
    pub fn around(now: DateTime<Utc>, zone: Tz) -> DayEdges {
        let today = now.with_timezone(&zone).date_naive();
        let tomorrow = today.checked_add_days(Days::new(1)).unwrap_or(today);
        let to_monday = 7 - u64::from(today.weekday().num_days_from_monday());
        let next_monday = today.checked_add_days(Days::new(to_monday)).unwrap_or(tomorrow);
        DayEdges {
            start_of_today: start_of(today, zone),
            end_of_today: start_of(tomorrow, zone),
            end_of_week: start_of(next_monday, zone),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_end_at_midnight_where_the_team_works() {
        // Monday 30 November 2026, 23:30 in Paris, 22:30 in UTC.
        let now = "2026-11-30T22:30:00Z".parse::<DateTime<Utc>>().expect("an instant");
        let paris = DayEdges::around(now, chrono_tz::Europe::Paris);
        assert_eq!(
            paris.start_of_today.to_rfc3339(),
            "2026-11-29T23:00:00+00:00",
            "Monday starts at midnight in Paris"
        );
        assert_eq!(paris.end_of_today.to_rfc3339(), "2026-11-30T23:00:00+00:00");
        assert_eq!(
            paris.end_of_week.to_rfc3339(),
            "2026-12-06T23:00:00+00:00",
            "the week ends on Sunday night"
        );
    }
}
