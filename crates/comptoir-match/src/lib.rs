//! Record linkage for contacts: profiles normalised once, candidate pairs found by blocking
//! keys, each pair scored with its reasons. Pure computation: the store reads the contacts and
//! keeps the pairs.

mod blocking;
mod compare;
mod frequencies;
mod keys;
mod profile;

pub use blocking::{candidate_pairs, pair};
pub use compare::{Verdict, compare};
pub use frequencies::Frequencies;
pub use profile::{Person, Profile, Sounds};

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
}

/// Compares every candidate pair of `profiles`, on every core, and keeps those scoring at
/// least `min_score`.
pub fn find_duplicates(profiles: &[Profile], min_score: u8) -> Linkage {
    let candidates = candidate_pairs(profiles);
    let frequencies = Frequencies::of(profiles);
    let frequencies = &frequencies;
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = candidates.len().div_ceil(threads).max(1);
    let found = std::thread::scope(|scope| {
        let workers: Vec<_> = candidates
            .chunks(chunk)
            .map(|pairs| {
                scope.spawn(move || {
                    pairs
                        .iter()
                        .filter_map(|&packed| {
                            let (first, second) = pair(packed);
                            let verdict = compare(&profiles[first], &profiles[second], frequencies);
                            (verdict.score >= min_score).then_some(Found { first, second, verdict })
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    Linkage { compared: candidates.len(), found }
}
