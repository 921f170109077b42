//! How likely two contacts are one person before anything about them is compared: the prior
//! odds every pair's evidence is added to. One base has a duplicate for one contact in twenty,
//! a base filled from three merged spreadsheets one for every other contact; a fixed guess
//! misreads one of them by several bits. So a scan estimates it from its own pairs
//! (`estimate`), within bounds.

use crate::frequencies::Frequencies;
use crate::outcomes::{Evidence, Verdict, score};

/// Matching pairs per contact assumed when nothing has been estimated (one contact in twenty
/// with a duplicate), and the least a scan will estimate: a clean base, or a small one whose
/// own pairs say little, keeps the review as wide as it was.
const ASSUMED_SHARE: f64 = 0.05;
/// The most a scan will estimate, ten times the assumed: one duplicate for every other contact.
/// Febrl 3's copies (1.3 per record) would ask for more; a base where names cluster by place
/// far beyond chance would be read as full of duplicates if it were allowed.
const GREATEST_SHARE: f64 = 0.5;

/// The odds, in bits, that two contacts picked at random are one person.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prior {
    /// The chance that a pair picked at random is one person.
    chance: f64,
    bits: f64,
}

impl Prior {
    /// The assumed share, read in the population the frequencies were counted in: a handful of
    /// contacts is taken as a few of many, as their values' frequencies are.
    pub fn assumed(frequencies: &Frequencies) -> Self {
        Self::of(chance(ASSUMED_SHARE, frequencies.population()))
    }

    /// The widest prior an estimate among `contacts` can reach: what a scan keeps pairs against
    /// before it knows the estimate.
    pub fn greatest(contacts: usize) -> Self {
        Self::of(chance(GREATEST_SHARE, contacts as f64))
    }

    /// The prior of a chance estimated among `contacts`, kept between the assumed and the
    /// greatest.
    pub(crate) fn within_bounds(chance: f64, contacts: usize, frequencies: &Frequencies) -> Self {
        let least = Self::assumed(frequencies).chance;
        let most = Self::greatest(contacts).chance.max(least);
        Self::of(chance.clamp(least, most))
    }

    fn of(chance: f64) -> Self {
        Self { chance, bits: (chance / (1.0 - chance)).log2() }
    }

    /// Matching pairs per contact among `contacts` under this prior.
    pub fn share(&self, contacts: usize) -> f64 {
        self.chance * (contacts as f64 - 1.0) / 2.0
    }

    /// The probability that a pair with this evidence is one person.
    pub(crate) fn probability(&self, evidence_bits: f64) -> f64 {
        1.0 / (1.0 + (-(evidence_bits + self.bits)).exp2())
    }

    pub(crate) fn bits(&self) -> f64 {
        self.bits
    }

    pub fn score(&self, evidence_bits: f64) -> u8 {
        score(evidence_bits + self.bits)
    }

    pub fn verdict(&self, evidence: Evidence) -> Verdict {
        Verdict { score: self.score(evidence.bits), reasons: evidence.reasons }
    }
}

/// The chance that a pair among `population` contacts matches when there are `share` matching
/// pairs per contact (each pair counted from both sides).
fn chance(share: f64, population: f64) -> f64 {
    (2.0 * share / (population - 1.0).max(1.0)).min(0.5)
}
