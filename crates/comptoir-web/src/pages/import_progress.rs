//! An import's progress pushed to its page as server-sent events: whoever imports (the server
//! or `comptoir import` on the command line) writes how far it got in the database after each
//! batch, so the stream reads it there and tells the page every half second, until the import
//! stops running. The page refreshes itself instead when scripts are off.

use super::path::PagePath;
use super::progress_events::{self, Events};
use super::session::Visitor;
use crate::state::AppState;
use axum::response::Response;
use axum::response::sse::Event;
use comptoir_app::{App, AppError};
use comptoir_domain::ids::OperationId;
use comptoir_domain::imports::{Import, ImportCounts, ImportStatus};
use comptoir_domain::users::Actor;
use serde::Serialize;
use std::time::Duration;

/// How often a running import is read again for the page.
const EVERY: Duration = Duration::from_millis(500);

/// What the page shows of a running import.
#[derive(Serialize)]
struct Progress<'a> {
    status: ImportStatus,
    /// The bar's end and position, as every progress the pages follow has them.
    max: u64,
    value: u64,
    bytes_read: u64,
    file_bytes: u64,
    percent: u64,
    counts: &'a ImportCounts,
}

/// A `progress` event while the import runs, then one `settled` event once it has stopped
/// (done, failed or interrupted), after which the stream ends.
fn event_of(import: &Import) -> Event {
    let progress = Progress {
        status: import.status,
        max: import.file_bytes,
        value: import.bytes_read,
        bytes_read: import.bytes_read,
        file_bytes: import.file_bytes,
        percent: percent(import),
        counts: &import.counts,
    };
    let name = if import.status == ImportStatus::Running { "progress" } else { "settled" };
    match Event::default().event(name).json_data(&progress) {
        Ok(event) => event,
        Err(_) => Event::default().event(name).data("{}"),
    }
}

/// How much of its file the import has read, in whole percent.
pub(super) fn percent(import: &Import) -> u64 {
    (import.bytes_read * 100).checked_div(import.file_bytes).unwrap_or(0).min(100)
}

pub(super) async fn progress(
    axum::extract::State(state): axum::extract::State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<OperationId>,
) -> Result<Response, super::errors::PageError> {
    let first = state.app.get_import(&visitor.actor, id).await?;
    Ok(progress_events::stream(|events| follow(state.app.clone(), visitor.actor, first, events)))
}

/// Sends `import` as it is, then as it becomes, until it stops running or the page goes away.
async fn follow(app: App, actor: Actor, mut import: Import, events: Events) {
    loop {
        let running = import.status == ImportStatus::Running;
        if events.send(Ok(event_of(&import))).await.is_err() || !running {
            return;
        }
        tokio::time::sleep(EVERY).await;
        import = match app.get_import(&actor, import.id).await {
            Ok(import) => import,
            Err(AppError::NotFound) => return,
            Err(error) => {
                tracing::warn!(%error, "an import's progress stopped");
                return;
            }
        };
    }
}
