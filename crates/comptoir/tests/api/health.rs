use comptoir_testkit::{TestServer, on_both_databases};
use reqwest::{Method, StatusCode};

on_both_databases!(health_readiness_and_metrics_answer, the_openapi_document_matches_the_checked_in_one);

async fn health_readiness_and_metrics_answer(s: TestServer) {
    let health = s.request(Method::GET, "/healthz", None, None, &[]).await;
    assert_eq!(health.status, StatusCode::OK);
    assert!(health.header("x-request-id").is_some());
    assert_eq!(s.request(Method::GET, "/readyz", None, None, &[]).await.status, StatusCode::OK);
    s.get("/api/v1/contacts", &s.admin).await;
    let metrics = s.request(Method::GET, "/metrics", None, None, &[]).await;
    let text = metrics.body.as_str().unwrap_or_default();
    assert!(text.contains("http_requests_total"), "{text}");
    assert!(text.contains("route=\"/api/v1/contacts\""), "{text}");
    assert!(text.contains("http_request_duration_seconds_bucket"), "{text}");
}

/// The API contract is reviewed as a diff: regenerate `docs/openapi.json` with
/// `UPDATE_OPENAPI=1 cargo test openapi` when a change is intended.
async fn the_openapi_document_matches_the_checked_in_one(s: TestServer) {
    let served = s.request(Method::GET, "/api/v1/openapi.json", None, None, &[]).await;
    assert_eq!(served.status, StatusCode::OK);
    for path in
        ["/api/v1/contacts", "/api/v1/contacts/{id}/timeline", "/api/v1/companies/{id}", "/api/v1/audit"]
    {
        assert!(served.body["paths"].get(path).is_some(), "{path} is documented");
    }
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    let rendered = format!("{}\n", serde_json::to_string_pretty(&served.body).unwrap_or_default());
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&file, &rendered).expect("docs/openapi.json is writable");
    }
    let checked_in = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(checked_in == rendered, "the API changed: review it and run UPDATE_OPENAPI=1 cargo test openapi");
}
