use comptoir_testkit::{TestServer, on_both_databases};
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_databases!(
    a_contact_is_created_read_updated_and_deleted,
    each_bad_field_is_named_in_a_422,
    stale_if_match_is_refused_with_412,
    idempotent_retry_returns_the_first_answer_and_creates_nothing_twice,
    a_failed_update_leaves_the_contact_as_it_was,
    unknown_and_malformed_ids_are_404,
    a_contact_shows_its_company,
    every_change_is_audited_with_before_and_after,
);

async fn a_contact_is_created_read_updated_and_deleted(s: TestServer) {
    let created = s
        .post(
            "/api/v1/contacts",
            &s.admin,
            json!({"first_name": "Hélène", "last_name": "Dupont", "emails": ["Helene.Dupont@Exemple.fr"],
                   "phones": [{"number": "06 12 34 56 78", "label": "mobile"}], "tags": ["vip"],
                   "address": {"label": "bureau", "city": "Lyon", "country": "fr"}, "lifecycle_stage": "customer"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let id = created.id();
    assert_eq!(created.header("location"), Some(format!("/api/v1/contacts/{id}").as_str()));
    assert_eq!(created.header("etag"), Some("\"1\""));
    assert_eq!(created.body["emails"][0]["address"], "helene.dupont@exemple.fr");
    assert_eq!(created.body["phones"][0]["number"], "+33612345678");
    assert_eq!(created.body["address"]["country"], "FR");
    assert_eq!(created.body["address"]["label"], "bureau");
    assert_eq!(created.body["owner_id"], json!(s.admin_id));

    let read = s.get(&format!("/api/v1/contacts/{id}"), &s.admin).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.body, created.body);

    let updated =
        s.patch(&format!("/api/v1/contacts/{id}"), &s.admin, json!({"job_title": "DAF", "tags": null})).await;
    assert_eq!(updated.status, StatusCode::OK, "{:?}", updated.body);
    assert_eq!(updated.body["job_title"], "DAF");
    assert_eq!(updated.body["tags"], json!([]));
    assert_eq!(updated.body["first_name"], "Hélène", "fields not in the patch stay");
    assert_eq!(updated.body["version"], 2);
    assert_eq!(updated.header("etag"), Some("\"2\""));

    let deleted = s.delete(&format!("/api/v1/contacts/{id}"), &s.admin).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(s.get(&format!("/api/v1/contacts/{id}"), &s.admin).await.status, StatusCode::NOT_FOUND);
}

async fn each_bad_field_is_named_in_a_422(s: TestServer) {
    let bad = s
        .post(
            "/api/v1/contacts",
            &s.admin,
            json!({"first_name": "Jean", "emails": ["jean@", "ok@exemple.fr"], "phones": ["12"], "language": "french",
                   "address": {"country": "France"}}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.header("content-type"), Some("application/problem+json"));
    assert_eq!(bad.body["status"], 422);
    assert_eq!(bad.error_fields(), ["emails[0]", "phones[0]", "address.country", "language"]);

    let unknown = s.post("/api/v1/contacts", &s.admin, json!({"last_name": "X", "colour": "red"})).await;
    assert_eq!(unknown.error_fields(), ["colour"]);
    let wrong_enum =
        s.post("/api/v1/contacts", &s.admin, json!({"last_name": "X", "lifecycle_stage": "king"})).await;
    assert_eq!(wrong_enum.error_fields(), ["lifecycle_stage"]);
    let unknown_custom =
        s.post("/api/v1/contacts", &s.admin, json!({"last_name": "X", "custom_fields": {"nope": 1}})).await;
    assert_eq!(unknown_custom.error_fields(), ["custom_fields.nope"]);
    let no_company = s
        .post("/api/v1/contacts", &s.admin, json!({"last_name": "X", "company_id": uuid::Uuid::now_v7()}))
        .await;
    assert_eq!(no_company.error_fields(), ["company_id"]);
    let malformed = s
        .request(
            Method::POST,
            "/api/v1/contacts",
            Some(&s.admin),
            None,
            &[("content-type", "application/json")],
        )
        .await;
    assert_eq!(malformed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(malformed.error_fields(), ["body"]);

    let list = s.get("/api/v1/contacts", &s.admin).await;
    assert_eq!(list.body["data"], json!([]), "nothing was created by the refused requests");
}

async fn stale_if_match_is_refused_with_412(s: TestServer) {
    let id = s.post("/api/v1/contacts", &s.admin, json!({"last_name": "Martin"})).await.id();
    let path = format!("/api/v1/contacts/{id}");
    let first = s
        .request(
            Method::PATCH,
            &path,
            Some(&s.admin),
            Some(json!({"first_name": "Paul"})),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(first.status, StatusCode::OK);
    let stale = s
        .request(
            Method::PATCH,
            &path,
            Some(&s.admin),
            Some(json!({"first_name": "Pierre"})),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(stale.header("content-type"), Some("application/problem+json"));
    assert_eq!(s.get(&path, &s.admin).await.body["first_name"], "Paul");
    let stale_delete = s.request(Method::DELETE, &path, Some(&s.admin), None, &[("if-match", "\"1\"")]).await;
    assert_eq!(stale_delete.status, StatusCode::PRECONDITION_FAILED);
    let current = s.request(Method::DELETE, &path, Some(&s.admin), None, &[("if-match", "W/\"2\"")]).await;
    assert_eq!(current.status, StatusCode::NO_CONTENT);
}

async fn idempotent_retry_returns_the_first_answer_and_creates_nothing_twice(s: TestServer) {
    let body = json!({"last_name": "Bernard"});
    let send = |body: serde_json::Value| {
        s.request(
            Method::POST,
            "/api/v1/contacts",
            Some(&s.admin),
            Some(body),
            &[("idempotency-key", "retry-1")],
        )
    };
    let first = send(body.clone()).await;
    let retry = send(body.clone()).await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(retry.status, StatusCode::CREATED);
    assert_eq!(retry.body, first.body);
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(retry.header("location"), first.header("location"));
    let list = s.get("/api/v1/contacts", &s.admin).await;
    assert_eq!(list.body["data"].as_array().map(Vec::len), Some(1));

    let reused = send(json!({"last_name": "Autre"})).await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reused.error_fields(), ["Idempotency-Key"]);

    // A refused request does not use up its key: the corrected retry goes through.
    let refused = s
        .request(
            Method::POST,
            "/api/v1/contacts",
            Some(&s.admin),
            Some(json!({"emails": ["x@"]})),
            &[("idempotency-key", "retry-2")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let corrected = s
        .request(
            Method::POST,
            "/api/v1/contacts",
            Some(&s.admin),
            Some(json!({"emails": ["x@exemple.fr"]})),
            &[("idempotency-key", "retry-2")],
        )
        .await;
    assert_eq!(corrected.status, StatusCode::CREATED);
}

async fn a_failed_update_leaves_the_contact_as_it_was(s: TestServer) {
    let created =
        s.post("/api/v1/contacts", &s.admin, json!({"last_name": "Petit", "emails": ["p@exemple.fr"]})).await;
    let path = format!("/api/v1/contacts/{}", created.id());
    let refused = s.patch(&path, &s.admin, json!({"last_name": "Grand", "emails": ["nope"]})).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.error_fields(), ["emails[0]"]);
    assert_eq!(s.get(&path, &s.admin).await.body, created.body);
}

async fn unknown_and_malformed_ids_are_404(s: TestServer) {
    let missing = s.get(&format!("/api/v1/contacts/{}", uuid::Uuid::now_v7()), &s.admin).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.body["type"], "/problems/not-found");
    assert_eq!(s.get("/api/v1/contacts/not-an-id", &s.admin).await.status, StatusCode::NOT_FOUND);
    assert_eq!(s.get("/api/v1/nothing-here", &s.admin).await.status, StatusCode::NOT_FOUND);
}

async fn a_contact_shows_its_company(s: TestServer) {
    let company = s.post("/api/v1/companies", &s.admin, json!({"name": "Boulangerie Lefèvre"})).await;
    let contact = s
        .post("/api/v1/contacts", &s.admin, json!({"last_name": "Lefèvre", "company_id": company.id()}))
        .await;
    assert_eq!(contact.body["company"], json!({"id": company.id(), "name": "Boulangerie Lefèvre"}));
    let renamed = s
        .patch(
            &format!("/api/v1/companies/{}", company.id()),
            &s.admin,
            json!({"name": "Pâtisserie Lefèvre"}),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK);
    let read = s.get(&format!("/api/v1/contacts/{}", contact.id()), &s.admin).await;
    assert_eq!(read.body["company"]["name"], "Pâtisserie Lefèvre");
    let found = s.get("/api/v1/contacts?q=patisserie", &s.admin).await;
    assert_eq!(found.body["data"][0]["id"], contact.id(), "contacts are found by their company's new name");
}

async fn every_change_is_audited_with_before_and_after(s: TestServer) {
    let id = s.post("/api/v1/contacts", &s.admin, json!({"last_name": "Roux"})).await.id();
    s.patch(&format!("/api/v1/contacts/{id}"), &s.admin, json!({"last_name": "Rousseau"})).await;
    s.delete(&format!("/api/v1/contacts/{id}"), &s.admin).await;
    let audit = s.get(&format!("/api/v1/audit?object=contact&object_id={id}"), &s.admin).await;
    assert_eq!(audit.status, StatusCode::OK);
    let entries = audit.body["data"].as_array().cloned().unwrap_or_default();
    let actions: Vec<&str> = entries.iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions, ["delete", "update", "create"]);
    assert_eq!(entries[1]["changes"], json!({"last_name": {"before": "Roux", "after": "Rousseau"}}));
    assert_eq!(entries[1]["actor_id"], json!(s.admin_id));
    let events = comptoir_store::audit::event_names(&s.db, id.parse().expect("an id")).await.expect("events");
    assert_eq!(events, ["contact.created", "contact.updated", "contact.deleted"]);
}
