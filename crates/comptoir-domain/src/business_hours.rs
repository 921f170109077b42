//! Business hours: the time a service-level agreement counts. A calendar opens at set hours
//! on each day of the week, in a time zone, and stays closed on public holidays; adding
//! business time to an instant gives a deadline, and the business time between two instants
//! is what was spent. Days are read in the calendar's zone, so a change to or from summer time
//! shortens or lengthens the day it falls on, as the clocks on the wall do.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use std::collections::BTreeSet;

/// Minutes in a day: an opening may run to the end of the day (`1440`, midnight).
pub const DAY_MINUTES: u16 = 24 * 60;

/// The longest jump of the clocks looked past, in minutes.
const MAX_JUMP_MINUTES: i64 = 180;

/// How far ahead a deadline is looked for before a calendar is taken to never open.
const HORIZON_DAYS: u32 = 3 * 366;

/// One opening of a day, in minutes from midnight: `[from, to)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opening {
    pub from: u16,
    pub to: u16,
}

/// The public holidays a calendar closes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PublicHolidays {
    None,
    /// The eleven French public holidays, Easter Monday, Ascension and Whit Monday included.
    France,
    /// France's, with Good Friday and St Stephen's Day (26 December) of Alsace and Moselle.
    AlsaceMoselle,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Calendar {
    pub zone: Tz,
    /// Monday first.
    week: [Vec<Opening>; 7],
    pub public_holidays: PublicHolidays,
    /// Days closed besides the public holidays (a bridge day, the annual closing).
    pub closed_days: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// A calendar open at `week`'s hours (Monday first), each day's openings in order, apart
    /// and within the day.
    pub fn new(
        zone: Tz,
        week: [Vec<Opening>; 7],
        public_holidays: PublicHolidays,
        closed_days: BTreeSet<NaiveDate>,
    ) -> Result<Calendar, String> {
        for day in &week {
            let mut end = 0;
            for opening in day {
                if opening.from >= opening.to || opening.to > DAY_MINUTES {
                    return Err("each opening ends after it starts, by midnight".to_owned());
                }
                if opening.from < end {
                    return Err("a day's openings are in order and apart".to_owned());
                }
                end = opening.to;
            }
        }
        Ok(Calendar { zone, week, public_holidays, closed_days })
    }

    /// An office in France: Monday to Friday, 9:00 to 12:30 and 14:00 to 18:00, Paris time,
    /// closed on French public holidays.
    pub fn french_office() -> Calendar {
        let day = vec![Opening { from: 9 * 60, to: 12 * 60 + 30 }, Opening { from: 14 * 60, to: 18 * 60 }];
        let week = [day.clone(), day.clone(), day.clone(), day.clone(), day, vec![], vec![]];
        Calendar {
            zone: chrono_tz::Europe::Paris,
            week,
            public_holidays: PublicHolidays::France,
            closed_days: BTreeSet::new(),
        }
    }

    /// Open all the time, in `zone`.
    pub fn always(zone: Tz) -> Calendar {
        let day = vec![Opening { from: 0, to: DAY_MINUTES }];
        let week = [day.clone(), day.clone(), day.clone(), day.clone(), day.clone(), day.clone(), day];
        Calendar { zone, week, public_holidays: PublicHolidays::None, closed_days: BTreeSet::new() }
    }

    pub fn is_closed_all_day(&self, day: NaiveDate) -> bool {
        self.closed_days.contains(&day) || is_public_holiday(self.public_holidays, day)
    }

    /// The day's openings as instants, in order.
    fn openings(&self, day: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        if self.is_closed_all_day(day) {
            return Vec::new();
        }
        let weekday = day.weekday().num_days_from_monday() as usize;
        self.week[weekday]
            .iter()
            .filter_map(|opening| {
                let from = self.instant(day, opening.from)?;
                let to = self.instant(day, opening.to)?;
                (from < to).then_some((from, to))
            })
            .collect()
    }

    /// `minutes` after midnight on `day`, on the wall clocks of the zone: a time the clocks
    /// skip (spring forward) is the first one after the jump; a time they show twice (fall
    /// back), the first time.
    fn instant(&self, day: NaiveDate, minutes: u16) -> Option<DateTime<Utc>> {
        let wall = day.and_hms_opt(0, 0, 0)? + Duration::minutes(i64::from(minutes));
        // Jumps are at most a few hours long; the first minute the clocks show after one is
        // where the skipped time lands.
        (0..=MAX_JUMP_MINUTES).find_map(|late| {
            let at = self.zone.from_local_datetime(&(wall + Duration::minutes(late))).earliest()?;
            Some(at.with_timezone(&Utc))
        })
    }

    fn local_day(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.zone).date_naive()
    }

    /// The instant `business` business time after `start`: a deadline. It always falls within
    /// an opening (at its very end when the time runs out there). `None` when the calendar
    /// does not open within three years.
    pub fn add(&self, start: DateTime<Utc>, business: Duration) -> Option<DateTime<Utc>> {
        let mut remaining = business.max(Duration::zero());
        let mut day = self.local_day(start);
        for _ in 0..HORIZON_DAYS {
            for (from, to) in self.openings(day) {
                let from = from.max(start);
                if from >= to {
                    continue;
                }
                let available = to - from;
                if remaining <= available {
                    return Some(from + remaining);
                }
                remaining -= available;
            }
            day = day.succ_opt()?;
        }
        None
    }

    /// The business time between `start` and `end` (nothing when `end` is not after it).
    pub fn between(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Duration {
        let mut total = Duration::zero();
        if end <= start {
            return total;
        }
        let last = self.local_day(end);
        let mut day = self.local_day(start);
        while day <= last {
            for (from, to) in self.openings(day) {
                let (from, to) = (from.max(start), to.min(end));
                if from < to {
                    total += to - from;
                }
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        total
    }

    /// Whether the calendar is open at `at`.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        self.openings(self.local_day(at)).iter().any(|(from, to)| *from <= at && at < *to)
    }
}

/// Easter Sunday of `year` in the Gregorian calendar (the anonymous computus).
pub fn easter(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// The public holidays of `year` under `rule`, in date order.
pub fn public_holidays(rule: PublicHolidays, year: i32) -> Vec<NaiveDate> {
    if rule == PublicHolidays::None {
        return Vec::new();
    }
    let fixed = |month, day| NaiveDate::from_ymd_opt(year, month, day);
    let mut days: Vec<NaiveDate> = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
        .into_iter()
        .filter_map(|(month, day)| fixed(month, day))
        .collect();
    if let Some(easter) = easter(year) {
        days.extend([easter + Duration::days(1), easter + Duration::days(39), easter + Duration::days(50)]);
        if rule == PublicHolidays::AlsaceMoselle {
            days.push(easter - Duration::days(2));
        }
    }
    if rule == PublicHolidays::AlsaceMoselle {
        days.extend(fixed(12, 26));
    }
    days.sort_unstable();
    days
}

fn is_public_holiday(rule: PublicHolidays, day: NaiveDate) -> bool {
    rule != PublicHolidays::None && public_holidays(rule, day.year()).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn paris(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        chrono_tz::Europe::Paris
            .with_ymd_and_hms(y, mo, d, h, mi, 0)
            .earliest()
            .map(|at| at.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn easter_and_the_holidays_that_follow_it() {
        assert_eq!(easter(2026), Some(day(2026, 4, 5)));
        assert_eq!(easter(2027), Some(day(2027, 3, 28)));
        assert_eq!(easter(2025), Some(day(2025, 4, 20)));
        assert_eq!(easter(2038), Some(day(2038, 4, 25)), "the latest Easter of the century");
        let france = public_holidays(PublicHolidays::France, 2026);
        assert_eq!(france.len(), 11);
        for holiday in [day(2026, 4, 6), day(2026, 5, 14), day(2026, 5, 25), day(2026, 7, 14)] {
            assert!(france.contains(&holiday), "{holiday}");
        }
        let alsace = public_holidays(PublicHolidays::AlsaceMoselle, 2026);
        assert!(alsace.contains(&day(2026, 4, 3)) && alsace.contains(&day(2026, 12, 26)));
        assert_eq!(alsace.len(), 13);
    }

    #[test]
    fn a_deadline_skips_the_night_the_weekend_and_the_holidays() {
        let office = Calendar::french_office();
        // Thursday 30 April 2026, 17:00: one hour left that day, then 1 May is a holiday and
        // the weekend follows; 3 hours run to Monday 4 May, 11:00.
        let due = office.add(paris(2026, 4, 30, 17, 0), Duration::hours(3));
        assert_eq!(due, Some(paris(2026, 5, 4, 11, 0)));
        // Started during lunch, the clock starts at 14:00.
        assert_eq!(
            office.add(paris(2026, 6, 2, 13, 0), Duration::minutes(30)),
            Some(paris(2026, 6, 2, 14, 30))
        );
        assert_eq!(office.between(paris(2026, 6, 2, 12, 0), paris(2026, 6, 2, 15, 0)), Duration::minutes(90));
        // Ends exactly at closing time: the deadline is the closing, not the next morning.
        assert_eq!(office.add(paris(2026, 6, 2, 17, 0), Duration::hours(1)), Some(paris(2026, 6, 2, 18, 0)));
    }

    #[test]
    fn summer_time_changes_are_read_on_the_wall_clock() {
        let office = Calendar::french_office();
        // Friday 27 March 2026 17:00 (UTC+1) plus 2 hours: Monday 30 March 10:00 (UTC+2).
        let due = office.add(paris(2026, 3, 27, 17, 0), Duration::hours(2));
        assert_eq!(due, Some(paris(2026, 3, 30, 10, 0)));
        assert_eq!(due.map(|d| d.to_rfc3339()), Some("2026-03-30T08:00:00+00:00".to_owned()));
        // Open all the time: the night the clocks go forward has 23 hours, the one they go
        // back 25.
        let always = Calendar::always(chrono_tz::Europe::Paris);
        assert_eq!(always.between(paris(2026, 3, 28, 12, 0), paris(2026, 3, 29, 12, 0)), Duration::hours(23));
        assert_eq!(
            always.between(paris(2026, 10, 24, 12, 0), paris(2026, 10, 25, 12, 0)),
            Duration::hours(25)
        );
        // An opening at a time the clocks skip starts when they land.
        let early = Calendar::new(
            chrono_tz::Europe::Paris,
            std::array::from_fn(|_| vec![Opening { from: 2 * 60 + 30, to: 4 * 60 }]),
            PublicHolidays::None,
            BTreeSet::new(),
        );
        let early = early.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(early.between(paris(2026, 3, 29, 0, 0), paris(2026, 3, 29, 6, 0)), Duration::hours(1));
    }

    #[test]
    fn a_calendar_refuses_openings_that_overlap_or_run_backwards() {
        let paris_zone = chrono_tz::Europe::Paris;
        let week = |day: Vec<Opening>| std::array::from_fn(|_| day.clone());
        let backwards = week(vec![Opening { from: 600, to: 540 }]);
        assert!(Calendar::new(paris_zone, backwards, PublicHolidays::None, BTreeSet::new()).is_err());
        let overlapping = week(vec![Opening { from: 540, to: 720 }, Opening { from: 700, to: 800 }]);
        assert!(Calendar::new(paris_zone, overlapping, PublicHolidays::None, BTreeSet::new()).is_err());
        let never = Calendar::new(paris_zone, week(vec![]), PublicHolidays::None, BTreeSet::new());
        assert_eq!(never.ok().and_then(|c| c.add(paris(2026, 1, 5, 9, 0), Duration::hours(1))), None);
    }

    fn instants() -> impl Strategy<Value = DateTime<Utc>> {
        // From 2025 to 2028, to the minute: three changes of summer time each way, and Easter
        // in March and in April.
        (1_735_689_600i64..1_830_297_600)
            .prop_map(|s| DateTime::from_timestamp(s - s % 60, 0).unwrap_or_default())
    }

    proptest! {
        #[test]
        fn adding_business_time_then_measuring_it_gives_it_back(start in instants(), minutes in 0i64..30_000) {
            for calendar in [Calendar::french_office(), Calendar::always(chrono_tz::Europe::Paris)] {
                let business = Duration::minutes(minutes);
                let due = calendar.add(start, business);
                prop_assert!(due.is_some());
                let due = due.unwrap_or(start);
                prop_assert!(due >= start);
                prop_assert_eq!(calendar.between(start, due), business);
            }
        }

        #[test]
        fn deadlines_fall_within_opening_hours(start in instants(), minutes in 1i64..30_000) {
            let office = Calendar::french_office();
            let due = office.add(start, Duration::minutes(minutes)).unwrap_or(start);
            // Open just before it: the time ran out during an opening, possibly at its end.
            prop_assert!(office.is_open(due - Duration::seconds(1)));
            let local = due.with_timezone(&office.zone);
            prop_assert!(!office.is_closed_all_day(local.date_naive()));
            prop_assert!(local.weekday().num_days_from_monday() < 5);
        }

        #[test]
        fn business_time_adds_up_over_consecutive_spans(a in instants(), b in 0i64..5_000_000, c in 0i64..5_000_000) {
            let office = Calendar::french_office();
            let mid = a + Duration::seconds(b);
            let end = mid + Duration::seconds(c);
            prop_assert_eq!(office.between(a, end), office.between(a, mid) + office.between(mid, end));
        }
    }
}
