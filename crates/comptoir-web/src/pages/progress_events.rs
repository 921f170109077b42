//! Progress pushed to a page as server-sent events: a task of its own follows the work and
//! sends events until the work settles or the page goes away.

use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;

/// Where a follower sends its events; a send fails once the page has gone away.
pub type Events = tokio::sync::mpsc::Sender<Result<Event, Infallible>>;

/// The stream a page follows, fed by `follow` on a task of its own.
pub fn stream<F>(follow: impl FnOnce(Events) -> F) -> Response
where
    F: Future<Output = ()> + Send + 'static,
{
    let (sender, receiver) = tokio::sync::mpsc::channel(2);
    tokio::spawn(follow(sender));
    let events = tokio_stream::wrappers::ReceiverStream::new(receiver);
    Sse::new(events).keep_alive(KeepAlive::default()).into_response()
}
