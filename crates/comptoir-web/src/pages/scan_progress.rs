//! A running scan for duplicates, followed by its page as server-sent events: `progress` every
//! half second while it runs, then `settled`, on which the page loads again with what it found.
//! Reviewing pairs meanwhile is left alone (the page used to reload itself every two seconds);
//! without scripts it still does.

use super::session::Visitor;
use crate::state::AppState;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use comptoir_app::App;
use std::convert::Infallible;
use std::time::Duration;

/// How often the scan is asked whether it still runs.
const EVERY: Duration = Duration::from_millis(500);

/// Signed in only (the extractor sees to it): whoever may read the pairs may follow the scan.
pub(super) async fn progress(State(state): State<AppState>, _visitor: Visitor) -> Response {
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Event, Infallible>>(2);
    tokio::spawn(follow(state.app.clone(), sender));
    let events = tokio_stream::wrappers::ReceiverStream::new(receiver);
    Sse::new(events).keep_alive(KeepAlive::default()).into_response()
}

/// Tells the page the scan runs until it has stopped or the page has gone away.
async fn follow(app: App, sender: tokio::sync::mpsc::Sender<Result<Event, Infallible>>) {
    loop {
        let running = app.scanning_for_duplicates();
        let event = Event::default().event(if running { "progress" } else { "settled" }).data("{}");
        if sender.send(Ok(event)).await.is_err() || !running {
            return;
        }
        tokio::time::sleep(EVERY).await;
    }
}
