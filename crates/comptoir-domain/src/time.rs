//! Timestamps are UTC and kept to the microsecond, the finest precision both databases store,
//! so a value read back compares equal to the value written.

use chrono::{DateTime, Months, NaiveDate, SubsecRound, Utc};

pub type Timestamp = DateTime<Utc>;

pub fn now() -> Timestamp {
    Utc::now().trunc_subsecs(6)
}

/// The month written `YYYY-MM` as the first day of it and the first day of the next one, the
/// half-open range a month's days fall in.
pub fn month_span(month: &str) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()?;
    Some((first, first.checked_add_months(Months::new(1))?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_spans_its_days() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        assert_eq!(
            month_span("2026-12").map(|m| Some(m) == day("2026-12-01").zip(day("2027-01-01"))),
            Some(true)
        );
        assert_eq!(month_span("2026-13"), None);
        assert_eq!(month_span("décembre"), None);
    }
}
