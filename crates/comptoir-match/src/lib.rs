//! Record linkage for contacts and companies: profiles normalised once, candidate pairs found
//! by blocking keys, each pair scored with its reasons. Pure computation: the store reads the
//! records and keeps the pairs.

mod blocking;
mod companies;
mod compare;
mod frequencies;
mod keys;
mod profile;

pub use blocking::{candidate_pairs, pair};
pub use companies::{Company, CompanyProfile};
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
    compare_all(profiles, &candidates, min_score, |a, b| compare(a, b, &frequencies))
}

/// Companies that look like one company, as [`find_duplicates`] finds contacts.
pub fn find_company_duplicates(profiles: &[CompanyProfile], min_score: u8) -> Linkage {
    let candidates = companies::candidate_pairs(profiles);
    compare_all(profiles, &candidates, min_score, companies::compare)
}

/// Scores each of the `candidates` (packed pairs of indexes into `items`) on every core and
/// keeps those scoring at least `min_score`.
fn compare_all<T: Sync>(
    items: &[T],
    candidates: &[u64],
    min_score: u8,
    compare: impl Fn(&T, &T) -> Verdict + Sync,
) -> Linkage {
    let compare = &compare;
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
                            let verdict = compare(&items[first], &items[second]);
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
