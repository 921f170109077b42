use comptoir_testkit::{TestServer, on_both_databases};
use reqwest::StatusCode;

on_both_databases!(demo_data_is_loaded_indexed_and_searchable, demo_deals_go_through_their_stages);

/// The bulk load drops and rebuilds indexes; afterwards everything must answer as before.
async fn demo_data_is_loaded_indexed_and_searchable(s: TestServer) {
    let tables = ["companies", "contacts", "activities"];
    let mut indexes_before = Vec::new();
    for table in tables {
        indexes_before.push(s.db.index_names(table).await.expect("indexes"));
    }
    assert!(indexes_before.iter().all(|names| names.len() >= 2), "{indexes_before:?}");
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_comptoir"))
        .args(["demo", "--contacts", "300", "--seed", "7"])
        .env("COMPTOIR_DATABASE_URL", &s.database_url)
        .output()
        .await
        .expect("comptoir demo runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let summary = String::from_utf8_lossy(&output.stdout);
    assert!(summary.contains("Created 300 contacts, 30 companies"), "{summary}");

    let page = s.get("/api/v1/contacts?limit=500", &s.admin).await;
    assert_eq!(page.body["data"].as_array().map(Vec::len), Some(300));
    let first = &page.body["data"][0];
    let last_name = first["last_name"].as_str().unwrap_or_default().to_owned();
    let found = s
        .get(&format!("/api/v1/contacts?q={}&limit=500", comptoir_domain::search::fold(&last_name)), &s.admin)
        .await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(found.body["data"].as_array().is_some_and(|rows| rows.iter().any(|r| r["id"] == first["id"])));
    let timeline = s
        .get(&format!("/api/v1/contacts/{}/timeline", first["id"].as_str().unwrap_or_default()), &s.admin)
        .await;
    assert_eq!(timeline.status, StatusCode::OK);
    let leads = s
        .get("/api/v1/contacts?filter[lifecycle_stage]=lead&filter[city]=Lyon&sort=last_name", &s.admin)
        .await;
    assert_eq!(leads.status, StatusCode::OK);
    for (table, before) in tables.into_iter().zip(indexes_before) {
        assert_eq!(s.db.index_names(table).await.expect("indexes"), before, "{table} indexes are rebuilt");
    }
}

/// Deals come with the stages they went through, in pipelines made for them, and add up.
async fn demo_deals_go_through_their_stages(s: TestServer) {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_comptoir"))
        .args(["demo", "--contacts", "50", "--deals", "400", "--seed", "7"])
        .env("COMPTOIR_DATABASE_URL", &s.database_url)
        .output()
        .await
        .expect("comptoir demo runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let summary = String::from_utf8_lossy(&output.stdout);
    assert!(summary.contains("Created 400 deals and "), "{summary}");
    let pipelines = s.get("/api/v1/pipelines", &s.admin).await;
    assert_eq!(pipelines.body["data"].as_array().map(Vec::len), Some(2));
    let won = s.get("/api/v1/deals?filter[status]=won&limit=1", &s.admin).await;
    let deal = won.body["data"][0]["id"].as_str().expect("a won deal").to_owned();
    let history = s.get(&format!("/api/v1/deals/{deal}/stages"), &s.admin).await;
    let steps = history.body["data"].as_array().expect("its stages");
    assert!(steps.len() >= 5, "a won deal went through every open stage: {steps:?}");
    assert_eq!(steps.last().map(|s| s["to_stage_id"].clone()), Some(won.body["data"][0]["stage_id"].clone()));
    let id = pipelines.body["data"][0]["id"].as_str().expect("a pipeline").to_owned();
    let totals = s.get(&format!("/api/v1/pipelines/{id}/totals"), &s.admin).await;
    let counted: i64 =
        totals.body["data"].as_array().expect("totals").iter().filter_map(|t| t["deals"].as_i64()).sum();
    assert!(counted > 250, "most deals are new business: {counted}");
    let forecast = s.get("/api/v1/forecast", &s.admin).await;
    assert!(forecast.body["data"][0]["best_case"].as_i64().is_some_and(|b| b > 0), "{:?}", forecast.body);
    let quarter = chrono::Utc::now().date_naive() - chrono::Months::new(2);
    let from = quarter.format("%Y-%m");
    let report = s.get(&format!("/api/v1/pipelines/{id}/report?from={from}&months=3"), &s.admin).await;
    let entered = &report.body["stages"][0];
    assert!(
        entered["entered"].as_i64().is_some_and(|n| n > 0)
            && entered["value"].as_i64().is_some_and(|v| v > 0),
        "the demo's stage entries carry their deals' values: {:?}",
        report.body
    );
}
