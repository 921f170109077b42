//! Record linkage for contacts and companies: profiles normalised once, candidate pairs found
//! by blocking keys, each pair scored with its reasons. Pure computation: the store reads the
//! records and keeps the pairs.

mod blocking;
mod companies;
mod compare;
mod estimate;
mod frequencies;
mod keys;
mod prior;
mod profile;
mod weights;

pub use blocking::{candidate_pairs, pair};
pub use companies::{Company, CompanyProfile};
pub use compare::{Evidence, Observation, Verdict, compare, evidence, observe};
pub use estimate::{Observed, estimate};
pub use frequencies::Frequencies;
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
    /// Matching pairs per record that the scores were read against, when estimated.
    pub share: Option<f64>,
}

/// Compares every candidate pair of `profiles`, on every core, and keeps those scoring at
/// least `min_score` against the prior and weights the pairs' own outcomes set (`estimate`).
pub fn find_duplicates(profiles: &[Profile], min_score: u8) -> Linkage {
    let candidates = candidate_pairs(profiles);
    let frequencies = Frequencies::of(profiles);
    // Before the estimates are known, a pair is kept if the widest of them would keep it.
    let (widest_prior, widest_weights) = (Prior::greatest(profiles.len()), Weights::greatest());
    let parts = on_every_core(&candidates, |pairs| {
        let mut observed = Observed::default();
        // Kept without their reasons, which only the pairs kept in the end are compared again for.
        let mut kept: Vec<(u64, [u8; weights::FIELDS], f32)> = Vec::new();
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
    let (prior, weights) = estimate(&observed, profiles.len(), &frequencies);
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
    Linkage { compared: candidates.len(), found, share: Some(prior.share(profiles.len())) }
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

/// Runs `work` over the `candidates` (packed pairs of indexes) in one share per core.
fn on_every_core<R: Send>(candidates: &[u64], work: impl Fn(&[u64]) -> R + Sync) -> Vec<R> {
    let work = &work;
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = candidates.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> =
            candidates.chunks(chunk).map(|pairs| scope.spawn(move || work(pairs))).collect();
        workers
            .into_iter()
            .map(|worker| worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    })
}
