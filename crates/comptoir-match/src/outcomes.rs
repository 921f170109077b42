//! What comparing two profiles can come to: each comparison's outcomes, what one comparison
//! of a pair observed, and what it is worth once weighed.

use comptoir_domain::duplicates::Reason;

/// The comparisons that weigh, by their place in an observation's outcomes.
pub(crate) const EMAIL: usize = 0;
pub(crate) const PHONE: usize = 1;
pub(crate) const NAME: usize = 2;
pub(crate) const COMPANY: usize = 3;
pub(crate) const ADDRESS: usize = 4;
pub(crate) const FIELDS: usize = 5;
/// The most outcomes one comparison has, unknown included.
pub(crate) const OUTCOMES: usize = 6;

/// One side lacks the value: nothing to weigh.
pub(crate) const UNKNOWN: u8 = 0;
pub(crate) const SAME: u8 = 1;
/// Emails, phones, companies: both sides have some and share none.
pub(crate) const DIFFERENT: u8 = 2;
/// Names and streets: close spellings.
pub(crate) const SIMILAR: u8 = 2;
pub(crate) const SOUNDS_ALIKE: u8 = 3;
pub(crate) const DIFFERENT_NAME: u8 = 4;
/// Names: the same first name under another surname.
pub(crate) const SAME_FIRST_NAME: u8 = 5;
/// Addresses: another street, or none, in the same postal code.
pub(crate) const SAME_POSTAL_CODE: u8 = 3;
pub(crate) const ELSEWHERE: u8 = 4;

/// The score of a pair and the evidence for it, strongest first.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    pub score: u8,
    pub reasons: Vec<Reason>,
}

/// What comparing two profiles found: bits for (above zero) or against their being one person,
/// before the prior, and the outcomes that weighed for.
#[derive(Clone, Debug, PartialEq)]
pub struct Evidence {
    pub bits: f64,
    pub reasons: Vec<Reason>,
}

/// What comparing two profiles observed, before any outcome is weighed: each comparison's
/// outcome, how rare the values they share are, and the outcomes that speak for the pair.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    pub outcomes: [u8; FIELDS],
    /// log2(1 / u) summed over the shared values, with the identifying fields' whole weight
    /// (their m is an admin's declaration, never estimated).
    pub rarity: f64,
    pub reasons: Vec<Reason>,
}

/// Bits of evidence (log2 of the odds) as a 0–100 likelihood that the pair is one person.
pub(crate) fn score(bits: f64) -> u8 {
    let likelihood = 1.0 / (1.0 + (-bits).exp2());
    // In 0..=100 by construction, so the conversion cannot truncate.
    (likelihood * 100.0).round().clamp(0.0, 100.0) as u8
}
