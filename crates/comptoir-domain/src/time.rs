//! Timestamps are UTC and kept to the microsecond, the finest precision both databases store,
//! so a value read back compares equal to the value written.

use chrono::{DateTime, SubsecRound, Utc};

pub type Timestamp = DateTime<Utc>;

pub fn now() -> Timestamp {
    Utc::now().trunc_subsecs(6)
}
