//! What every handler can reach.

use chrono_tz::Tz;
use comptoir_app::App;
use metrics_exporter_prometheus::PrometheusHandle;

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub metrics: PrometheusHandle,
    /// The zone in which the pages show times and decide what "today" is.
    pub timezone: Tz,
}

impl AppState {
    pub fn new(app: App) -> Self {
        Self { app, metrics: crate::metrics::handle(), timezone: chrono_tz::Europe::Paris }
    }

    pub fn with_timezone(self, timezone: Tz) -> Self {
        Self { timezone, ..self }
    }
}
