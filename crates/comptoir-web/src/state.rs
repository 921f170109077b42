//! What every handler can reach.

use comptoir_app::App;
use metrics_exporter_prometheus::PrometheusHandle;

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub metrics: PrometheusHandle,
}

impl AppState {
    pub fn new(app: App) -> Self {
        Self { app, metrics: crate::metrics::handle() }
    }
}
