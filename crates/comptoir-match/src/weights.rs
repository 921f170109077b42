//! How often one person's two records show each outcome of each comparison (Fellegi and
//! Sunter's m): assumed from experience of contact data, or estimated by a scan from its own
//! pairs within bounds around the assumed values.

use crate::outcomes::{Evidence, FIELDS, OUTCOMES, Observation, UNKNOWN};

/// The assumed m of each outcome, unknown first; outcomes a comparison lacks are zero.
const ASSUMED: [[f64; OUTCOMES]; FIELDS] = [
    // Emails and phones: people keep old ones, so having none in common is common enough.
    [1.0, 0.85, 0.15, 0.0, 0.0, 0.0],
    [1.0, 0.85, 0.15, 0.0, 0.0, 0.0],
    // The same name (or its words swapped), similar, sounding alike, different, the first
    // name alone (a surname taken on marriage).
    [1.0, 0.8, 0.12, 0.04, 0.04, 0.03],
    [1.0, 0.5, 0.1, 0.0, 0.0, 0.0],
    // The same street, a similar one, the postal code alone, elsewhere.
    [1.0, 0.6, 0.15, 0.15, 0.1, 0.0],
];

/// How far an estimate may move from the assumed value, either way: enough for data whose
/// copies are typed with more slips than assumed, not enough for a household (one address,
/// one surname, several first names) to pass for one person however many households a base
/// holds.
const LEEWAY: f64 = 4.0;
/// No outcome of one person's two records is certain.
const MOST: f64 = 0.99;

#[derive(Clone, Debug, PartialEq)]
pub struct Weights {
    m: [[f64; OUTCOMES]; FIELDS],
}

impl Weights {
    pub fn assumed() -> Self {
        Self { m: ASSUMED }
    }

    /// Every outcome at the most an estimate can give it: what a scan keeps pairs against
    /// before it knows the estimate.
    pub fn greatest() -> Self {
        Self { m: ASSUMED.map(|field| field.map(|m| (m * LEEWAY).min(MOST))) }
    }

    /// The m of each outcome from how many expected matches showed it, within the bounds; a
    /// comparison no expected match was known on keeps its assumed values.
    pub(crate) fn from_matches(matches: &[[f64; OUTCOMES]; FIELDS]) -> Self {
        let mut m = ASSUMED;
        for (field, counts) in matches.iter().enumerate() {
            let known: f64 = counts[1..].iter().sum();
            if known <= 0.0 {
                continue;
            }
            for outcome in 1..OUTCOMES {
                let assumed = ASSUMED[field][outcome];
                m[field][outcome] =
                    (counts[outcome] / known).clamp(assumed / LEEWAY, (assumed * LEEWAY).min(MOST));
            }
        }
        Self { m }
    }

    /// The bits the outcomes weigh, without how rare the shared values are.
    pub fn bits(&self, outcomes: &[u8; FIELDS]) -> f64 {
        outcomes
            .iter()
            .enumerate()
            .filter(|(_, outcome)| **outcome != UNKNOWN)
            .map(|(field, outcome)| self.m[field][usize::from(*outcome)].log2())
            .sum()
    }

    pub fn evidence(&self, observation: Observation) -> Evidence {
        Evidence { bits: self.weigh(&observation), reasons: observation.reasons }
    }

    pub fn weigh(&self, observation: &Observation) -> f64 {
        observation.rarity + self.bits(&observation.outcomes)
    }

    /// The largest move of any outcome's weight from `other`'s, in bits.
    pub(crate) fn distance(&self, other: &Self) -> f64 {
        self.m
            .iter()
            .flatten()
            .zip(other.m.iter().flatten())
            .filter(|(a, b)| **a > 0.0 && **b > 0.0)
            .map(|(a, b)| (a.log2() - b.log2()).abs())
            .fold(0.0, f64::max)
    }

    /// The m of one outcome.
    pub fn m(&self, field: usize, outcome: u8) -> f64 {
        self.m[field][usize::from(outcome)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcomes::{ADDRESS, DIFFERENT, DIFFERENT_NAME, ELSEWHERE, EMAIL, NAME, SAME, SIMILAR};

    #[test]
    fn estimates_follow_the_matches_within_their_bounds() {
        let mut matches = [[0.0; OUTCOMES]; FIELDS];
        matches[NAME] = [0.0, 60.0, 30.0, 5.0, 5.0, 0.0];
        matches[ADDRESS] = [0.0, 100.0, 0.0, 0.0, 0.0, 0.0];
        let weights = Weights::from_matches(&matches);
        assert!((weights.m(NAME, SIMILAR) - 0.3).abs() < 1e-9);
        assert_eq!(weights.m(ADDRESS, SAME), MOST);
        assert_eq!(weights.m(ADDRESS, ELSEWHERE), 0.1 / LEEWAY);
        assert_eq!(weights.m(EMAIL, SAME), 0.85, "no match known on emails: assumed");
    }

    #[test]
    fn the_greatest_weights_bound_every_estimate() {
        let greatest = Weights::greatest();
        let mut matches = [[0.0; OUTCOMES]; FIELDS];
        matches[NAME] = [0.0, 1.0, 1.0, 1.0, 97.0, 0.0];
        let estimated = Weights::from_matches(&matches);
        let outcomes = [SAME, DIFFERENT, DIFFERENT_NAME, SAME, ELSEWHERE];
        assert!(greatest.bits(&outcomes) >= estimated.bits(&outcomes));
        assert!(greatest.bits(&outcomes) >= Weights::assumed().bits(&outcomes));
    }
}
