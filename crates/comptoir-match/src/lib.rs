//! Record linkage for contacts and companies: profiles normalised once, candidate pairs found
//! by blocking keys, each pair scored with its reasons. Pure computation: the store reads the
//! records and keeps the pairs.

mod blocking;
mod companies;
mod compare;
mod estimate;
mod frequencies;
mod keys;
mod lookup;
mod outcomes;
mod parallel;
mod prior;
mod profile;
mod weights;

pub use blocking::{candidate_pairs, pair};
pub use companies::{Company, CompanyProfile};
pub use compare::{compare, evidence, observe};
pub use estimate::{Observed, estimate, sample_outcomes};
pub use frequencies::Frequencies;
pub use lookup::{Lookup, OnFile};
pub use outcomes::{Evidence, Observation, Verdict};
use parallel::on_every_core;
pub use prior::Prior;
pub use profile::{Person, Profile, Sounds};
pub use weights::Weights;

/// A pair of profiles, by index, that looks like one person.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    pub first: usize,
    pub second: usize,
    pub verdict: Verdict,
}

/// What a search for duplicates among profiles found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Linkage {
    /// Pairs compared.
    pub compared: usize,
    /// Pairs scoring `min_score` or more.
    pub found: Vec<Found>,
    /// Matching pairs per record that the scores were read against, when estimated (from a
    /// thousand records).
    pub share: Option<f64>,
}

/// Compares every candidate pair of `profiles`, on every core, and keeps those scoring at
/// least `min_score` against the prior and weights the pairs' own outcomes set (`estimate`).
pub fn find_duplicates(profiles: &[Profile], min_score: u8) -> Linkage {
    let candidates = candidate_pairs(profiles);
    let frequencies = sample_outcomes(profiles, Frequencies::of(profiles));
    // Before the estimates are known, a pair is kept if the widest of them would keep it.
    let (widest_prior, widest_weights) = (Prior::greatest(profiles.len()), Weights::greatest());
    let parts = on_every_core(&candidates, |pairs| {
        let mut observed = Observed::default();
        // Kept without their reasons, which only the pairs kept in the end are compared again for.
        let mut kept: Vec<(u64, [u8; outcomes::FIELDS], f32)> = Vec::new();
        for &packed in pairs {
            let (first, second) = pair(packed);
            let observation = observe(&profiles[first], &profiles[second], &frequencies);
            observed.add(&observation);
            if widest_prior.score(widest_weights.weigh(&observation)) >= min_score {
                kept.push((packed, observation.outcomes, observation.rarity as f32));
            }
        }
        (kept, observed)
    });
    let mut observed = Observed::default();
    let mut kept = Vec::new();
    for (part, seen) in parts {
        observed = observed.merge(seen);
        kept.extend(part);
    }
    let estimated = estimate(&observed, profiles.len(), &frequencies);
    let share = estimated.as_ref().map(|(prior, _)| prior.share(profiles.len()));
    let (prior, weights) = estimated.unwrap_or_else(|| (Prior::assumed(&frequencies), Weights::assumed()));
    let found = kept
        .into_iter()
        // Within a point of the bound, as the rarity was kept rounded; the verdict decides.
        .filter(|(_, outcomes, rarity)| {
            prior.score(f64::from(*rarity) + weights.bits(outcomes)) >= min_score.saturating_sub(1)
        })
        .filter_map(|(packed, _, _)| {
            let (first, second) = pair(packed);
            let verdict =
                prior.verdict(weights.evidence(observe(&profiles[first], &profiles[second], &frequencies)));
            (verdict.score >= min_score).then_some(Found { first, second, verdict })
        })
        .collect();
    Linkage { compared: candidates.len(), found, share }
}

/// Companies that look like one company, as [`find_duplicates`] finds contacts.
pub fn find_company_duplicates(profiles: &[CompanyProfile], min_score: u8) -> Linkage {
    let candidates = companies::candidate_pairs(profiles);
    let found = on_every_core(&candidates, |pairs| {
        pairs
            .iter()
            .filter_map(|&packed| {
                let (first, second) = pair(packed);
                let verdict = companies::compare(&profiles[first], &profiles[second]);
                (verdict.score >= min_score).then_some(Found { first, second, verdict })
            })
            .collect::<Vec<_>>()
    });
    Linkage { compared: candidates.len(), found: found.into_iter().flatten().collect(), share: None }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    /// A made-up surname for each number, unlike every other one: eight letters scattered by
    /// a multiplicative hash.
    fn surname(n: usize) -> String {
        let mut scattered = (n as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (0..8)
            .map(|_| {
                let letter = char::from(b'a' + (scattered % 26) as u8);
                scattered /= 26;
                letter
            })
            .collect()
    }

    #[test]
    fn a_base_full_of_copies_reads_its_doubtful_pairs_by_what_it_holds() {
        let sounds = Sounds::default();
        // 1,500 people, a postal code for every fifty, and 600 copies with the surname
        // mistyped and the street left out: a name close to another's in one postal code.
        let mut written: Vec<(String, String, String)> = (0..1_500)
            .map(|n| ("Camille".to_owned(), surname(n), format!("{:05}", 10_000 + n / 50)))
            .collect();
        for n in 0..600 {
            let (first, last, code) = written[n * 2].clone();
            written.push((first, format!("{last}x"), code));
        }
        let profiles: Vec<Profile> = written
            .iter()
            .map(|(first, last, code)| {
                let person = Person {
                    first_name: Some(first),
                    last_name: Some(last),
                    postal_code: Some(code),
                    ..Person::default()
                };
                Profile::new(Uuid::nil(), &person, &sounds)
            })
            .collect();
        let copy_of_first = 1_500;
        let alone = compare(&profiles[0], &profiles[copy_of_first], &Frequencies::of(&profiles));
        assert!(alone.score < 30, "against what is assumed, only a doubt: {alone:?}");
        let linkage = find_duplicates(&profiles, 30);
        let found = linkage.found.iter().find(|f| (f.first, f.second) == (0, copy_of_first));
        assert!(found.is_some_and(|f| f.verdict.score > alone.score), "{found:?}");
        let share = linkage.share.unwrap_or_default();
        assert!(share > 0.2, "600 pairs among 2,100 contacts: {share}");
        let strangers = linkage.found.iter().filter(|f| f.second < 1_500).count();
        assert_eq!(strangers, 0, "two people with different surnames are not taken as one");
    }
}
