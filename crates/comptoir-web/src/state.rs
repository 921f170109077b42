//! What every handler can reach.

use chrono_tz::Tz;
use comptoir_app::App;
use metrics_exporter_prometheus::PrometheusHandle;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub metrics: PrometheusHandle,
    /// The zone in which the pages show times and decide what "today" is.
    pub timezone: Tz,
    /// When set, `/metrics` is served only to requests bearing it.
    pub metrics_token: Option<Arc<SecretToken>>,
    /// The bulk changes started from the pages, running or just finished.
    pub bulk_runs: crate::bulk_runs::BulkRuns,
}

/// A secret that prints as `***`, so it cannot reach a log by accident.
pub struct SecretToken(String);

impl SecretToken {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl AppState {
    pub fn new(app: App) -> Self {
        Self {
            app,
            metrics: crate::metrics::handle(),
            timezone: chrono_tz::Europe::Paris,
            metrics_token: None,
            bulk_runs: crate::bulk_runs::BulkRuns::default(),
        }
    }

    pub fn with_metrics_token(self, token: Option<String>) -> Self {
        let metrics_token = token.filter(|t| !t.is_empty()).map(|t| Arc::new(SecretToken(t)));
        Self { metrics_token, ..self }
    }

    pub fn with_timezone(self, timezone: Tz) -> Self {
        Self { timezone, ..self }
    }
}
