//! Comptoir over HTTP: the pages, the JSON API under `/api/v1` (documented by the OpenAPI spec generated
//! from these handlers), health and metrics endpoints. Handlers parse, call one use case and
//! render; rules live in `comptoir-app`.

pub mod api;
mod attached;
mod bulk_runs;
mod download;
mod error;
mod extract;
mod health;
mod i18n;
#[cfg(test)]
mod i18n_coverage;
mod metrics;
mod pages;
mod printing;
mod security;
mod sheet_page;
mod state;
mod uploads;

pub use error::ApiError;
pub use extract::MAX_JSON_BODY;
pub use state::AppState;
pub use uploads::forget_stale as forget_stale_uploads;

use axum::Router;
use axum::http::{HeaderName, Request};
use std::time::Duration;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tracing::Level;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole application as one router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(health::router())
        .merge(pages::router())
        .nest("/api/v1", api::router())
        .layer(axum::middleware::from_fn(security::plain_queries))
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<_>| {
                    let request_id =
                        request.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or_default();
                    tracing::span!(
                        Level::INFO,
                        "request",
                        method = %request.method(),
                        uri = %request.uri().path(),
                        request_id,
                        actor = tracing::field::Empty,
                    )
                })
                .on_response(
                    |response: &axum::response::Response, latency: Duration, _span: &tracing::Span| {
                        tracing::debug!(
                            status = response.status().as_u16(),
                            latency_us = latency.as_micros() as u64,
                            "answered"
                        );
                    },
                ),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await
}
