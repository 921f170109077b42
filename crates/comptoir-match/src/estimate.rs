//! The prior and the weights a scan reads its pairs with, estimated from the pairs themselves
//! by expectation-maximisation, as Fellegi and Sunter's model is fitted: given the weights,
//! each pair is one person with some probability; given those probabilities, the prior is the
//! expected number of matches among all pairs, and each outcome's m the share of expected
//! matches that show it. Repeated, the two settle. How rare shared values are (u) stays
//! counted, not estimated.
//!
//! Pairs are counted, not kept: by their outcomes and their rarity in bins of a sixteenth of a
//! bit, a few thousand cells for tens of millions of pairs.
//!
//! How rare a close spelling is cannot be counted from values: it is sampled, from pairs
//! picked at random. Where many people's names are alike (one first name for half the base,
//! surnames from a few syllables), a similar name then says little, rather than leading the
//! estimation to read every such pair as one person.

use crate::blocking::pair;
use crate::compare::observe;
use crate::frequencies::Frequencies;
use crate::outcomes::Observation;
use crate::outcomes::{FIELDS, OUTCOMES, UNKNOWN};
use crate::parallel::on_every_core;
use crate::prior::Prior;
use crate::profile::Profile;
use crate::weights::Weights;
use std::collections::HashMap;

const BIN_BITS: f64 = 1.0 / 16.0;
/// Rounds of estimation at most; they settle in a few dozen.
const ROUNDS: usize = 200;
/// Weights and prior that move less than this, in bits, have settled.
const SETTLED_BITS: f64 = 1e-4;
/// Fewer contacts have too few pairs to estimate from: each pair would weigh in its own
/// reading. They keep the assumed prior and weights.
const LEAST_CONTACTS: usize = 1_000;
/// Pairs picked at random to learn how often two people's names or streets are close: a
/// hundred per contact, a million at most.
const SAMPLED_PER_CONTACT: usize = 100;
const MOST_SAMPLED: usize = 1_000_000;

/// How many pairs showed each combination of outcomes and rarity.
#[derive(Clone, Debug, Default)]
pub struct Observed {
    counts: HashMap<(u16, i32), u64>,
}

impl Observed {
    pub fn add(&mut self, observation: &Observation) {
        let outcomes = observation.outcomes.iter().fold(0u16, |code, outcome| code * 8 + u16::from(*outcome));
        // Rarity is a sum of a few dozen bits at most, so the bin fits.
        let bin = (observation.rarity / BIN_BITS).round() as i32;
        *self.counts.entry((outcomes, bin)).or_default() += 1;
    }

    pub fn merge(mut self, other: Self) -> Self {
        for (cell, count) in other.counts {
            *self.counts.entry(cell).or_default() += count;
        }
        self
    }

    /// The cells in a fixed order, so the estimate's sums, and the scores read from it, are the
    /// same on every run.
    fn cells(&self) -> Vec<([u8; FIELDS], f64, f64)> {
        let mut counts: Vec<(&(u16, i32), &u64)> = self.counts.iter().collect();
        counts.sort_unstable();
        counts
            .into_iter()
            .map(|(&(code, bin), &count)| {
                let mut outcomes = [UNKNOWN; FIELDS];
                let mut rest = code;
                for outcome in outcomes.iter_mut().rev() {
                    // Each outcome was packed in three bits.
                    *outcome = (rest % 8) as u8;
                    rest /= 8;
                }
                (outcomes, f64::from(bin) * BIN_BITS, count as f64)
            })
            .collect()
    }
}

/// The `frequencies` with how often pairs of `profiles` picked at random show each outcome,
/// among those whose outcome is known; unchanged for a base too small to estimate from.
pub fn sample_outcomes(profiles: &[Profile], frequencies: Frequencies) -> Frequencies {
    if profiles.len() < LEAST_CONTACTS {
        return frequencies;
    }
    // A fixed sequence (splitmix64): a scan of the same contacts reads them the same way.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |bound: usize| {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        // The bound is a count of profiles, so the remainder fits.
        ((z ^ (z >> 31)) % bound as u64) as usize
    };
    let sampled: Vec<u64> = (0..(profiles.len() * SAMPLED_PER_CONTACT).min(MOST_SAMPLED))
        .map(|_| (next(profiles.len()), next(profiles.len())))
        .filter(|(a, b)| a != b)
        .map(|(a, b)| ((a as u64) << 32) | b as u64)
        .collect();
    let parts = on_every_core(&sampled, |pairs| {
        let mut seen = [[0u64; OUTCOMES]; FIELDS];
        for &packed in pairs {
            let (a, b) = pair(packed);
            let outcomes = observe(&profiles[a], &profiles[b], &frequencies).outcomes;
            for (field, outcome) in outcomes.iter().enumerate() {
                seen[field][usize::from(*outcome)] += 1;
            }
        }
        seen
    });
    let mut seen = [[0u64; OUTCOMES]; FIELDS];
    for part in parts {
        for (all, counts) in seen.iter_mut().zip(part) {
            all.iter_mut().zip(counts).for_each(|(all, count)| *all += count);
        }
    }
    let chances = seen.map(|counts| {
        let known: u64 = counts[1..].iter().sum();
        counts.map(|count| if known == 0 { 0.0 } else { count as f64 / known as f64 })
    });
    frequencies.with_outcomes(chances)
}

/// The prior and weights under which the `observed` pairs, out of every pair of `contacts`,
/// are most likely, starting from the assumed ones; none for a base too small to estimate from.
pub fn estimate(observed: &Observed, contacts: usize, frequencies: &Frequencies) -> Option<(Prior, Weights)> {
    if contacts < LEAST_CONTACTS {
        return None;
    }
    let mut prior = Prior::assumed(frequencies);
    let mut weights = Weights::assumed();
    let cells = observed.cells();
    let every_pair = contacts as f64 * (contacts as f64 - 1.0) / 2.0;
    for _ in 0..ROUNDS {
        let mut expected = 0.0;
        let mut matches = [[0.0; OUTCOMES]; FIELDS];
        for (outcomes, rarity, count) in &cells {
            let matching = count * prior.probability(rarity + weights.bits(outcomes));
            expected += matching;
            for (field, outcome) in outcomes.iter().enumerate() {
                matches[field][usize::from(*outcome)] += matching;
            }
        }
        let next_prior = Prior::within_bounds(expected / every_pair, contacts, frequencies);
        let next_weights = Weights::from_matches(&matches);
        let moved = (next_prior.bits() - prior.bits()).abs().max(next_weights.distance(&weights));
        (prior, weights) = (next_prior, next_weights);
        if moved < SETTLED_BITS {
            break;
        }
    }
    Some((prior, weights))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcomes::{ADDRESS, DIFFERENT_NAME, ELSEWHERE, NAME, SAME, SIMILAR};

    fn observed(pairs: &[([u8; FIELDS], f64, usize)]) -> Observed {
        let mut observed = Observed::default();
        for (outcomes, rarity, count) in pairs {
            let observation = Observation { outcomes: *outcomes, rarity: *rarity, reasons: vec![] };
            (0..*count).for_each(|_| observed.add(&observation));
        }
        observed
    }

    fn estimated(observed: &Observed, contacts: usize, frequencies: &Frequencies) -> (Prior, Weights) {
        estimate(observed, contacts, frequencies).expect("enough contacts to estimate from")
    }

    const SAME_NAME_HERE: [u8; FIELDS] = [0, 0, SAME, 0, SAME];
    const TYPO_HERE: [u8; FIELDS] = [0, 0, SIMILAR, 0, SAME];
    const STRANGERS: [u8; FIELDS] = [0, 0, DIFFERENT_NAME, 0, ELSEWHERE];

    #[test]
    fn a_small_base_keeps_what_is_assumed() {
        let frequencies = Frequencies::uniform();
        let pairs = [(SAME_NAME_HERE, 30.0, 100), (TYPO_HERE, 30.0, 100)];
        assert_eq!(estimate(&observed(&pairs), 500, &frequencies), None);
    }

    #[test]
    fn a_clean_base_keeps_what_is_assumed() {
        let frequencies = Frequencies::uniform();
        let (prior, weights) = estimated(
            &observed(&[(SAME_NAME_HERE, 26.0, 10), (STRANGERS, 0.0, 50_000)]),
            10_000,
            &frequencies,
        );
        assert_eq!(prior, Prior::assumed(&frequencies));
        assert!(weights.m(NAME, SAME) > 0.8, "every pair in doubt has the same name: {weights:?}");
    }

    #[test]
    fn many_certain_pairs_raise_the_prior_to_what_they_are() {
        let frequencies = Frequencies::uniform();
        // 4,000 pairs, each certainly one person, among 10,000 contacts.
        let (prior, _) = estimated(
            &observed(&[(SAME_NAME_HERE, 60.0, 4_000), (STRANGERS, 0.0, 50_000)]),
            10_000,
            &frequencies,
        );
        assert!((prior.share(10_000) - 0.4).abs() < 0.01, "{prior:?}");
    }

    #[test]
    fn copies_typed_with_many_slips_teach_that_a_slip_is_common() {
        let frequencies = Frequencies::uniform();
        let pairs = [(SAME_NAME_HERE, 30.0, 1_500), (TYPO_HERE, 30.0, 1_500), (STRANGERS, 0.0, 50_000)];
        let (prior, weights) = estimated(&observed(&pairs), 10_000, &frequencies);
        assert!(weights.m(NAME, SIMILAR) > 0.4, "{weights:?}");
        assert!(weights.m(ADDRESS, SAME) > Weights::assumed().m(ADDRESS, SAME), "{weights:?}");
        assert!(prior.share(10_000) > 0.25, "{prior:?}");
    }

    #[test]
    fn households_do_not_pass_for_one_person_however_many() {
        let frequencies = Frequencies::uniform();
        // One address, several first names: as many as there are contacts.
        let household = [0, 0, DIFFERENT_NAME, 0, SAME];
        let pairs = [(SAME_NAME_HERE, 30.0, 300), (household, 14.0, 10_000), (STRANGERS, 0.0, 50_000)];
        let (prior, weights) = estimated(&observed(&pairs), 10_000, &frequencies);
        let household_bits = 14.0 + weights.bits(&household);
        assert!(prior.probability(household_bits) < 0.3, "{prior:?} {weights:?}");
    }
}
