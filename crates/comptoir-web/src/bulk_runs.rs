//! Bulk changes started from a list's page run beside the request that started them, so a
//! change over tens of thousands of records answers at once and its page can follow it. How
//! far each has got lives in this process, not in the database: on SQLite the change holds
//! the only write lock until it commits, so nothing else could write its progress there, and
//! a change that dies with the process leaves nothing to report (its transaction is rolled
//! back). Several servers behind one address must therefore send a visitor back to the one
//! that runs their change.

use comptoir_domain::ids::UserId;
use comptoir_domain::kinds::RecordKind;
use comptoir_domain::listing::Count;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::watch;
use uuid::Uuid;

/// How long a finished run is kept for its page to say how it ended.
const KEPT_AFTER: Duration = Duration::from_secs(15 * 60);

/// Where a run has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunState {
    /// `seen` records looked at so far.
    Running { seen: u64 },
    /// Committed: `done` records are as asked (changed, or already so), `refused` were left
    /// alone (not the visitor's to change, or gone).
    Done { done: u64, refused: u64 },
    /// Rolled back whole: nothing changed.
    Failed,
}

impl RunState {
    pub fn is_running(self) -> bool {
        matches!(self, RunState::Running { .. })
    }
}

/// One bulk change and what its page needs to show it.
pub struct BulkRun {
    pub id: Uuid,
    pub starter: UserId,
    pub kind: RecordKind,
    /// How many records the change was to reach when it started.
    pub total: Count,
    /// The list's query string it was started from, to go back to it.
    pub back_query: String,
    state: watch::Sender<RunState>,
    settled_at: Mutex<Option<Instant>>,
}

impl BulkRun {
    pub fn state(&self) -> RunState {
        *self.state.borrow()
    }

    /// Hears of every change of state from now on.
    pub fn follow(&self) -> watch::Receiver<RunState> {
        self.state.subscribe()
    }

    pub fn advance(&self, seen: u64) {
        self.state.send_replace(RunState::Running { seen });
    }

    pub fn settle(&self, state: RunState) {
        *self.settled_at.lock().unwrap_or_else(PoisonError::into_inner) = Some(Instant::now());
        self.state.send_replace(state);
    }

    fn forgotten(&self, now: Instant) -> bool {
        let settled_at = *self.settled_at.lock().unwrap_or_else(PoisonError::into_inner);
        settled_at.is_some_and(|at| now.duration_since(at) > KEPT_AFTER)
    }

    /// Whole percent of the records looked at; a total that was an estimate never lets the
    /// bar go past its end.
    pub fn percent(&self, seen: u64) -> u64 {
        let total = match self.total {
            Count::Exact(n) | Count::MoreThan(n) | Count::About(n) => n,
        };
        (seen * 100).checked_div(total.max(seen)).unwrap_or(0)
    }
}

/// The bulk changes this process runs or has just run.
#[derive(Clone, Default)]
pub struct BulkRuns {
    runs: Arc<Mutex<HashMap<Uuid, Arc<BulkRun>>>>,
}

impl BulkRuns {
    /// Records a new run, unless `starter` is running one already: that one is the error, and
    /// two clicks at once start one change between them. Runs settled long ago are forgotten
    /// on the way.
    pub fn start(
        &self,
        starter: UserId,
        kind: RecordKind,
        total: Count,
        back_query: String,
    ) -> Result<Arc<BulkRun>, Arc<BulkRun>> {
        let mut runs = self.runs.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(running) = running_of(&runs, starter) {
            return Err(running);
        }
        let run = Arc::new(BulkRun {
            id: Uuid::new_v4(),
            starter,
            kind,
            total,
            back_query,
            state: watch::Sender::new(RunState::Running { seen: 0 }),
            settled_at: Mutex::new(None),
        });
        let now = Instant::now();
        runs.retain(|_, run| !run.forgotten(now));
        runs.insert(run.id, run.clone());
        Ok(run)
    }

    /// The run `id`, if `visitor` started it: nobody follows another's change.
    pub fn get(&self, id: Uuid, visitor: UserId) -> Option<Arc<BulkRun>> {
        let runs = self.runs.lock().unwrap_or_else(PoisonError::into_inner);
        runs.get(&id).filter(|run| run.starter == visitor).cloned()
    }

    /// The change `visitor` is running, if any: one at a time each, so a second click waits
    /// on the first instead of queueing behind its lock.
    pub fn running_for(&self, visitor: UserId) -> Option<Arc<BulkRun>> {
        running_of(&self.runs.lock().unwrap_or_else(PoisonError::into_inner), visitor)
    }
}

/// The run of `runs` that `starter` has going, if any.
fn running_of(runs: &HashMap<Uuid, Arc<BulkRun>>, starter: UserId) -> Option<Arc<BulkRun>> {
    runs.values().find(|run| run.starter == starter && run.state().is_running()).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_is_seen_only_by_who_started_it_and_reports_its_end() {
        let runs = BulkRuns::default();
        let (me, other) = (UserId::new(), UserId::new());
        let started = runs.start(me, RecordKind::Contact, Count::Exact(200), "col=name".into());
        let Ok(run) = started else { panic!("nothing ran before") };
        assert!(runs.get(run.id, other).is_none());
        assert_eq!(runs.running_for(me).map(|r| r.id), Some(run.id));
        let again = runs.start(me, RecordKind::Contact, Count::Exact(3), String::new());
        assert_eq!(again.err().map(|r| r.id), Some(run.id), "one change at a time each");
        let theirs = runs.start(other, RecordKind::Contact, Count::Exact(3), String::new());
        assert!(theirs.is_ok(), "another's runs beside it");
        run.advance(50);
        assert_eq!(run.state(), RunState::Running { seen: 50 });
        assert_eq!(run.percent(50), 25);
        run.settle(RunState::Done { done: 190, refused: 10 });
        assert!(runs.running_for(me).is_none());
        assert_eq!(runs.get(run.id, me).map(|r| r.state()), Some(RunState::Done { done: 190, refused: 10 }));
    }

    #[test]
    fn an_estimated_total_never_takes_the_bar_past_its_end() {
        let runs = BulkRuns::default();
        let Ok(run) = runs.start(UserId::new(), RecordKind::Deal, Count::About(100), String::new()) else {
            panic!("nothing ran before")
        };
        assert_eq!(run.percent(150), 100);
        assert_eq!(run.percent(0), 0);
    }
}
