//! A bulk change from a list's page: started beside the request, waited for a moment (most are
//! done by then, and the visitor goes straight back to the list), otherwise followed on its
//! own page, whose bar the server pushes as server-sent events until the change commits or
//! rolls back; then the page takes the visitor back to the list, with the outcome.

use super::errors::PageError;
use super::kind::KindPages;
use super::path::PagePath;
use super::progress_events::{self, Events};
use super::session::Visitor;
use super::{Chrome, redirect, render};
use crate::bulk_runs::{BulkRun, RunState};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::response::sse::Event;
use axum::routing::get;
use comptoir_app::AppError;
use comptoir_app::bulk::CheckedBulk;
use comptoir_domain::bulk::Selection;
use comptoir_domain::listing::Count;
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// How long the request that starts a change waits for it before showing its page instead.
const WAITED: Duration = Duration::from_secs(1);

/// How often the page hears of a running change at most.
const EVERY: Duration = Duration::from_millis(250);

pub fn router() -> Router<AppState> {
    Router::new().route("/bulk-runs/{id}", get(show)).route("/bulk-runs/{id}/progress", get(progress))
}

/// Starts the checked change `checked` over records of kind `K`, and answers with the list and
/// the outcome if it is done within [`WAITED`], else with the change's page. A visitor already
/// running one is sent to that one's page.
pub(super) async fn start<K: KindPages>(
    state: &AppState,
    visitor: &Visitor,
    checked: CheckedBulk,
    back_query: String,
) -> Result<Response, PageError> {
    let actor = visitor.actor;
    if let Some(running) = state.bulk_runs.running_for(actor.user_id) {
        return Ok(redirect(&page_of(&running), false));
    }
    let total = match checked.selection() {
        Selection::Ids(ids) => Count::Exact(ids.len() as u64),
        Selection::Query(query) => K::count(&state.app, &actor, query).await?,
    };
    let run = match state.bulk_runs.start(actor.user_id, K::KIND, total, back_query) {
        Ok(run) => run,
        // Another click of theirs started one while this one was counting.
        Err(running) => return Ok(redirect(&page_of(&running), false)),
    };
    let mut settled = run.follow();
    let app = state.app.clone();
    let running = run.clone();
    tokio::spawn(async move {
        let outcome = app.run_bulk::<K::UseCases>(&actor, checked, &|seen| running.advance(seen)).await;
        running.settle(match outcome {
            Ok(outcome) => RunState::Done {
                done: outcome.changed + outcome.unchanged,
                refused: outcome.refused + outcome.not_found.len() as u64,
            },
            Err(error) => {
                tracing::error!(%error, kind = K::KIND.as_str(), "a bulk change failed and was rolled back");
                RunState::Failed
            }
        });
    });
    let finished = tokio::time::timeout(WAITED, settled.wait_for(|state| !state.is_running())).await;
    Ok(redirect(&finished.ok().and_then(|_| back_with_outcome(&run)).unwrap_or_else(|| page_of(&run)), false))
}

fn page_of(run: &BulkRun) -> String {
    format!("/bulk-runs/{}", run.id)
}

/// The list the change was started from, with its outcome; `None` until it has committed.
fn back_with_outcome(run: &BulkRun) -> Option<String> {
    let RunState::Done { done, refused } = run.state() else { return None };
    Some(back_to(run, &format!("done={done}&refused={refused}")))
}

fn back_to(run: &BulkRun, outcome: &str) -> String {
    let separator = if run.back_query.is_empty() || outcome.is_empty() { "" } else { "&" };
    format!("/{}?{}{separator}{outcome}", run.kind.plural(), run.back_query)
}

#[derive(Template)]
#[template(path = "bulk_run.html")]
struct RunPage {
    page: Chrome,
    id: Uuid,
    /// "67 052 contacts", "plus de 10 000 contacts".
    what: String,
    progress: Progress,
    failed: bool,
    back: String,
}

async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<Uuid>,
) -> Result<Response, PageError> {
    let run = state.bulk_runs.get(id, visitor.actor.user_id).ok_or(AppError::NotFound)?;
    if let Some(back) = back_with_outcome(&run) {
        return Ok(redirect(&back, false));
    }
    let lang = visitor.lang;
    Ok(render(&RunPage {
        page: Chrome::new(&visitor, run.kind.plural()),
        id,
        what: lang.count_words(&format!("count-{}", run.kind.plural()), run.total),
        progress: Progress::of(&run, lang),
        failed: run.state() == RunState::Failed,
        back: back_to(&run, ""),
    }))
}

/// What the page's bar and words show of a run, drawn first, then pushed as it changes.
#[derive(Serialize)]
struct Progress {
    /// `None` while the total is only an estimate: the bar then moves without an end.
    max: Option<u64>,
    value: u64,
    percent: u64,
    /// "12 000 contacts processed".
    seen_text: String,
}

impl Progress {
    fn of(run: &BulkRun, lang: Lang) -> Progress {
        let seen = match run.state() {
            RunState::Running { seen } => seen,
            RunState::Done { .. } | RunState::Failed => 0,
        };
        let max = match run.total {
            Count::Exact(n) => Some(n),
            Count::MoreThan(_) | Count::About(_) => None,
        };
        let seen_key = format!("bulk-run-seen-{}", run.kind.plural());
        Progress {
            max,
            value: seen,
            percent: run.percent(seen),
            seen_text: lang.count(&seen_key, i64::try_from(seen).unwrap_or(i64::MAX)),
        }
    }
}

async fn progress(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<Uuid>,
) -> Result<Response, PageError> {
    let run = state.bulk_runs.get(id, visitor.actor.user_id).ok_or(AppError::NotFound)?;
    Ok(progress_events::stream(|events| follow(run, visitor.lang, events)))
}

/// Sends the run's state as it is, then as it changes, until it settles (one `settled` event,
/// after which the page loads again and goes back to the list) or the page goes away.
async fn follow(run: Arc<BulkRun>, lang: Lang, events: Events) {
    let mut changes = run.follow();
    loop {
        let name = if changes.borrow_and_update().is_running() { "progress" } else { "settled" };
        let progress = Progress::of(&run, lang);
        let event = Event::default()
            .event(name)
            .json_data(&progress)
            .unwrap_or_else(|_| Event::default().event(name));
        if events.send(Ok(event)).await.is_err() || name == "settled" {
            return;
        }
        tokio::time::sleep(EVERY).await;
        if changes.changed().await.is_err() {
            return;
        }
    }
}
