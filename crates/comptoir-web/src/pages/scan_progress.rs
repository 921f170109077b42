//! A running scan for duplicates, followed by its page as server-sent events: `progress` every
//! half second while it runs, then `settled`, on which the page loads again with what it found.
//! Reviewing pairs meanwhile is left alone (the page used to reload itself every two seconds);
//! without scripts it still does.

use super::progress_events::{self, Events};
use super::session::Visitor;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use axum::response::sse::Event;
use comptoir_app::App;
use std::time::Duration;

/// How often the scan is asked whether it still runs.
const EVERY: Duration = Duration::from_millis(500);

/// Signed in only (the extractor sees to it): whoever may read the pairs may follow the scan.
pub(super) async fn progress(State(state): State<AppState>, _visitor: Visitor) -> Response {
    progress_events::stream(|events| follow(state.app.clone(), events))
}

/// Tells the page the scan runs until it has stopped or the page has gone away.
async fn follow(app: App, events: Events) {
    loop {
        let running = app.scanning_for_duplicates();
        let event = Event::default().event(if running { "progress" } else { "settled" }).data("{}");
        if events.send(Ok(event)).await.is_err() || !running {
            return;
        }
        tokio::time::sleep(EVERY).await;
    }
}
