//! Work over many pairs shared out between the cores.

/// Runs `work` over the `candidates` (packed pairs of indexes) in one share per core.
pub(crate) fn on_every_core<R: Send>(candidates: &[u64], work: impl Fn(&[u64]) -> R + Sync) -> Vec<R> {
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
