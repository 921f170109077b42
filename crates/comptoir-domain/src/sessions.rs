//! Browser sessions and the sign-in rules: how long a session lives and how repeated failures
//! slow down whoever is guessing a password.

use crate::ids::UserId;
use chrono::{DateTime, TimeDelta, Utc};

/// A session without "remember me" ends after this long without a request.
pub const IDLE_LIFETIME: TimeDelta = TimeDelta::hours(12);
/// "Remember me" keeps a session for this long after the last request.
pub const REMEMBERED_LIFETIME: TimeDelta = TimeDelta::days(30);
/// Sessions are extended (one write) at most this often, not on every request.
pub const REFRESH_EVERY: TimeDelta = TimeDelta::minutes(1);

/// Failures allowed before each further attempt must wait.
pub const FREE_FAILURES: i32 = 5;
const FIRST_DELAY_SECONDS: i64 = 30;
const LONGEST_DELAY: TimeDelta = TimeDelta::minutes(15);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub user_id: UserId,
    /// Sent back with every form and htmx request; a request without it changes nothing.
    pub csrf_token: String,
    pub remember: bool,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl Session {
    pub fn lifetime(remember: bool) -> TimeDelta {
        if remember { REMEMBERED_LIFETIME } else { IDLE_LIFETIME }
    }

    /// Whether a request at `now` should push the expiry back.
    pub fn needs_refresh(&self, now: DateTime<Utc>) -> bool {
        now - self.last_seen_at >= REFRESH_EVERY
    }
}

/// How long sign-ins for an address are refused after its `failures`-th consecutive failure:
/// none for the first few, then 30 s doubling up to 15 min. Slows guessing to a few dozen
/// passwords a day while a user who mistyped waits seconds.
pub fn lockout_after(failures: i32) -> Option<TimeDelta> {
    if failures < FREE_FAILURES {
        return None;
    }
    let doublings = (failures - FREE_FAILURES).min(10) as u32;
    let delay = TimeDelta::seconds(FIRST_DELAY_SECONDS * 2_i64.pow(doublings));
    Some(delay.min(LONGEST_DELAY))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_mistakes_cost_nothing_then_the_wait_doubles_up_to_a_cap() {
        assert_eq!(lockout_after(1), None);
        assert_eq!(lockout_after(FREE_FAILURES - 1), None);
        assert_eq!(lockout_after(FREE_FAILURES), Some(TimeDelta::seconds(30)));
        assert_eq!(lockout_after(FREE_FAILURES + 1), Some(TimeDelta::seconds(60)));
        assert_eq!(lockout_after(FREE_FAILURES + 40), Some(TimeDelta::minutes(15)));
    }

    #[test]
    fn remembered_sessions_last_longer() {
        assert!(Session::lifetime(true) > Session::lifetime(false));
    }
}
