use comptoir_testkit::{TestServer, on_both_databases};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    timelines_list_activities_newest_first,
    activity_fields_are_checked_by_kind,
    tasks_are_completed_by_their_assignee,
);

fn subjects(answer: &Value) -> Vec<String> {
    answer["data"]
        .as_array()
        .map(|rows| rows.iter().map(|r| r["subject"].as_str().unwrap_or_default().to_owned()).collect())
        .unwrap_or_default()
}

async fn timelines_list_activities_newest_first(s: TestServer) {
    let company = s.post("/api/v1/companies", &s.admin, json!({"name": "Acme"})).await.id();
    let anne =
        s.post("/api/v1/contacts", &s.admin, json!({"last_name": "Anne", "company_id": company})).await.id();
    let bob = s.post("/api/v1/contacts", &s.admin, json!({"last_name": "Bob"})).await.id();
    for (subject, contact, company_id, at) in [
        ("appel 1", Some(&anne), None, "2026-01-01T09:00:00Z"),
        ("note société", None, Some(&company), "2026-01-02T09:00:00Z"),
        ("appel 2", Some(&anne), None, "2026-01-03T09:00:00Z"),
        ("bob", Some(&bob), None, "2026-01-04T09:00:00Z"),
    ] {
        let body = json!({"kind": "call", "subject": subject, "contact_id": contact, "company_id": company_id,
                          "occurred_at": at, "direction": "outbound", "duration_seconds": 60, "outcome": "connected"});
        let created = s.post("/api/v1/activities", &s.admin, body).await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    }
    let anne_timeline = s.get(&format!("/api/v1/contacts/{anne}/timeline"), &s.admin).await;
    assert_eq!(subjects(&anne_timeline.body), ["appel 2", "appel 1"]);
    let company_timeline = s.get(&format!("/api/v1/companies/{company}/timeline"), &s.admin).await;
    assert_eq!(subjects(&company_timeline.body), ["appel 2", "note société", "appel 1"]);
    let paged = s.get(&format!("/api/v1/companies/{company}/timeline?limit=2"), &s.admin).await;
    let next = paged.body["next_cursor"].as_str().unwrap_or_default().to_owned();
    let rest = s.get(&format!("/api/v1/companies/{company}/timeline?limit=2&cursor={next}"), &s.admin).await;
    assert_eq!(subjects(&rest.body), ["appel 1"]);
    let contact = s.get(&format!("/api/v1/contacts/{anne}"), &s.admin).await;
    assert_eq!(contact.body["last_activity_at"], "2026-01-03T09:00:00Z");
    let missing = s.get(&format!("/api/v1/contacts/{}/timeline", uuid::Uuid::now_v7()), &s.admin).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

async fn activity_fields_are_checked_by_kind(s: TestServer) {
    let contact = s.post("/api/v1/contacts", &s.admin, json!({"last_name": "Zoé"})).await.id();
    let bad = s
        .post(
            "/api/v1/activities",
            &s.admin,
            json!({"kind": "note", "body": "x", "contact_id": contact, "duration_seconds": 5}),
        )
        .await;
    assert_eq!(bad.error_fields(), ["duration_seconds"]);
    let orphan = s.post("/api/v1/activities", &s.admin, json!({"kind": "note", "body": "x"})).await;
    assert_eq!(orphan.error_fields(), ["contact_id"]);
    let unknown = s
        .post(
            "/api/v1/activities",
            &s.admin,
            json!({"kind": "note", "body": "x", "contact_id": uuid::Uuid::now_v7()}),
        )
        .await;
    assert_eq!(unknown.error_fields(), ["contact_id"]);
    let meeting = s
        .post(
            "/api/v1/activities",
            &s.admin,
            json!({"kind": "meeting", "subject": "Démo", "contact_id": contact, "starts_at": "2026-03-01T10:00:00Z",
                   "ends_at": "2026-03-01T09:00:00Z"}),
        )
        .await;
    assert_eq!(meeting.error_fields(), ["ends_at"]);
}

async fn tasks_are_completed_by_their_assignee(s: TestServer) {
    let (support, support_token) = s.user(comptoir_domain::users::Role::Support).await;
    let contact = s.post("/api/v1/contacts", &s.admin, json!({"last_name": "Client"})).await.id();
    let task = s
        .post(
            "/api/v1/activities",
            &s.admin,
            json!({"kind": "task", "subject": "Rappeler", "contact_id": contact, "due_at": "2026-12-01T09:00:00Z", "assignee_id": support}),
        )
        .await;
    assert_eq!(task.status, StatusCode::CREATED, "{:?}", task.body);
    assert_eq!(task.body["done"], false);
    let open = s.get("/api/v1/activities?filter[kind]=task&filter[done]=false", &s.admin).await;
    assert_eq!(open.body["data"].as_array().map(Vec::len), Some(1));
    let done =
        s.patch(&format!("/api/v1/activities/{}", task.id()), &support_token, json!({"done": true})).await;
    assert_eq!(done.status, StatusCode::OK, "{:?}", done.body);
    assert_eq!(done.body["done"], true);
    assert!(done.body["done_at"].is_string());
    let open = s.get("/api/v1/activities?filter[kind]=task&filter[done]=false", &s.admin).await;
    assert_eq!(open.body["data"], json!([]));
}
