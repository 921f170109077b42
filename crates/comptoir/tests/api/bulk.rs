use comptoir_domain::bulk::{BulkActionName, BulkRequest};
use comptoir_domain::users::Role;
use comptoir_testkit::{TestServer, on_both_databases};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Mutex;

on_both_databases!(
    a_bulk_change_over_a_filter_walks_every_page_as_one_operation,
    a_bulk_change_leaves_alone_what_the_caller_may_not_change,
    a_refused_bulk_request_changes_nothing,
    a_bulk_change_that_fails_midway_lands_nothing,
    companies_have_the_same_bulk_changes,
);

async fn contact(s: &TestServer, token: &str, body: Value) -> String {
    let created = s.post("/api/v1/contacts", token, body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    created.id()
}

async fn tags_of(s: &TestServer, id: &str) -> Value {
    s.get(&format!("/api/v1/contacts/{id}"), &s.admin).await.body["tags"].clone()
}

async fn a_bulk_change_over_a_filter_walks_every_page_as_one_operation(s: TestServer) {
    // More than one batch of Lyon contacts, so the walk has to follow the cursor.
    let batch = comptoir_domain::bulk::BULK_BATCH as usize;
    let rows: Vec<Value> = (0..batch + 7)
        .map(|i| json!({"first_name": format!("Lyon {i}"), "address": {"city": "Lyon"}, "tags": ["vip"]}))
        .collect();
    for row in rows {
        contact(&s, &s.admin, row).await;
    }
    let paris = contact(&s, &s.admin, json!({"first_name": "Paris", "address": {"city": "Paris"}})).await;
    let already = contact(
        &s,
        &s.admin,
        json!({"first_name": "Déjà", "address": {"city": "Lyon"}, "tags": ["Salon-2026"]}),
    )
    .await;

    let seen = Mutex::new(vec![]);
    let request = BulkRequest {
        action: BulkActionName::Tag,
        owner_id: None,
        tag: Some("salon-2026".to_owned()),
        ids: None,
        filter: Some("filter[city]=Lyon&sort=-updated_at".to_owned()),
    };
    let admin = s.app.authenticate(&s.admin).await.expect("the admin's token");
    let outcome = s
        .app
        .bulk::<comptoir_app::contacts::Contacts>(&admin, request, &|n| {
            seen.lock().expect("progress").push(n)
        })
        .await
        .expect("a bulk change");
    assert_eq!((outcome.changed, outcome.unchanged, outcome.refused), (batch as u64 + 7, 1, 0));
    assert_eq!(
        *seen.lock().expect("progress"),
        [batch as u64, batch as u64 + 8],
        "progress after each batch"
    );
    assert_eq!(tags_of(&s, &paris).await, json!([]));
    assert_eq!(tags_of(&s, &already).await, json!(["Salon-2026"]), "already tagged: untouched");

    // The same, through the API: removing the tag again, and the audit shows the operation.
    let answer = s
        .post(
            "/api/v1/contacts/bulk",
            &s.admin,
            json!({"action": "untag", "tag": "SALON-2026", "filter": "filter[city]=Lyon"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    assert_eq!(answer.body["changed"], json!(batch + 8));
    let operation = answer.body["operation_id"].as_str().expect("an operation id").to_owned();
    let audit = s.get(&format!("/api/v1/audit?operation_id={operation}&limit=500"), &s.admin).await;
    assert_eq!(audit.status, StatusCode::OK, "{:?}", audit.body);
    let entries = audit.body["data"].as_array().expect("entries");
    assert_eq!(entries.len(), batch.min(500));
    assert!(entries.iter().all(|e| e["operation_id"] == json!(operation) && e["action"] == "update"));
    assert_eq!(tags_of(&s, &already).await, json!([]));
}

async fn a_bulk_change_leaves_alone_what_the_caller_may_not_change(s: TestServer) {
    let (sales_id, sales) = s.user(Role::Sales).await;
    let mine = contact(&s, &s.admin, json!({"first_name": "Mine", "owner_id": sales_id})).await;
    let theirs = contact(&s, &s.admin, json!({"first_name": "Theirs"})).await;
    let missing = uuid::Uuid::now_v7().to_string();
    let answer = s
        .post(
            "/api/v1/contacts/bulk",
            &sales,
            json!({"action": "delete", "ids": [mine, theirs, missing, mine]}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    assert_eq!(answer.body["changed"], 1);
    assert_eq!(answer.body["refused"], 1);
    assert_eq!(answer.body["refused_ids"], json!([theirs]));
    assert_eq!(answer.body["not_found"], json!([missing]));
    assert_eq!(s.get(&format!("/api/v1/contacts/{mine}"), &s.admin).await.status, StatusCode::NOT_FOUND);
    assert_eq!(s.get(&format!("/api/v1/contacts/{theirs}"), &s.admin).await.status, StatusCode::OK);

    // Giving records away is for managers and admins, whatever they are.
    let assign = s
        .post(
            "/api/v1/contacts/bulk",
            &sales,
            json!({"action": "assign", "owner_id": s.admin_id, "ids": [theirs]}),
        )
        .await;
    assert_eq!(assign.status, StatusCode::FORBIDDEN);
    let (_, reader) = s.user(Role::Readonly).await;
    let tag =
        s.post("/api/v1/contacts/bulk", &reader, json!({"action": "tag", "tag": "x", "ids": [theirs]})).await;
    assert_eq!(tag.status, StatusCode::FORBIDDEN);
}

async fn a_refused_bulk_request_changes_nothing(s: TestServer) {
    let id = contact(&s, &s.admin, json!({"first_name": "Hélène"})).await;
    for (body, field) in [
        (json!({"action": "tag", "ids": [id]}), "tag"),
        (json!({"action": "assign", "ids": [id]}), "owner_id"),
        (json!({"action": "assign", "owner_id": uuid::Uuid::now_v7(), "ids": [id]}), "owner_id"),
        (json!({"action": "delete"}), "ids"),
        (json!({"action": "delete", "ids": [id], "filter": "q=x"}), "ids"),
        (json!({"action": "delete", "filter": "filter[nope]=1"}), "filter[nope][eq]"),
        (json!({"action": "merge", "ids": [id]}), "action"),
        (json!({"action": "delete", "ids": [id], "extra": true}), "extra"),
    ] {
        let answer = s.post("/api/v1/contacts/bulk", &s.admin, body.clone()).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {:?}", answer.body);
        assert!(answer.error_fields().iter().any(|f| f == field), "{body}: {:?}", answer.body);
    }
    let too_many: Vec<String> = (0..1001).map(|_| uuid::Uuid::now_v7().to_string()).collect();
    let answer =
        s.post("/api/v1/contacts/bulk", &s.admin, json!({"action": "delete", "ids": too_many})).await;
    assert_eq!(answer.error_fields(), ["ids"]);
    assert_eq!(s.get(&format!("/api/v1/contacts/{id}"), &s.admin).await.status, StatusCode::OK);
}

async fn a_bulk_change_that_fails_midway_lands_nothing(s: TestServer) {
    let first = contact(&s, &s.admin, json!({"first_name": "Un", "tags": ["a"]})).await;
    // The second contact already carries the most tags a record may have: adding one more is
    // invalid for it alone, which leaves it alone and changes the first.
    let full: Vec<String> = (0..comptoir_domain::tags::MAX_TAGS).map(|i| format!("t{i}")).collect();
    let second = contact(&s, &s.admin, json!({"first_name": "Deux", "tags": full})).await;
    let answer = s
        .post("/api/v1/contacts/bulk", &s.admin, json!({"action": "tag", "tag": "b", "ids": [first, second]}))
        .await;
    assert_eq!((answer.body["changed"].clone(), answer.body["refused"].clone()), (json!(1), json!(1)));

    // A failure that is no refusal (here the database refusing a write) rolls back what the
    // operation had already written: the first contact keeps its tag.
    let boom = contact(&s, &s.admin, json!({"first_name": "Boom", "tags": ["b"]})).await;
    s.execute_sql(
        "CREATE TRIGGER boom BEFORE UPDATE ON contacts WHEN NEW.first_name = 'Boom'
         BEGIN SELECT RAISE(ABORT, 'boom'); END;",
        "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN IF NEW.first_name = 'Boom' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$;
         CREATE TRIGGER boom BEFORE UPDATE ON contacts FOR EACH ROW EXECUTE FUNCTION boom();",
    )
    .await;
    let failed = s
        .post("/api/v1/contacts/bulk", &s.admin, json!({"action": "untag", "tag": "b", "ids": [first, boom]}))
        .await;
    assert!(failed.status.is_server_error(), "{:?}", failed.body);
    assert_eq!(tags_of(&s, &first).await, json!(["a", "b"]));
    assert_eq!(tags_of(&s, &boom).await, json!(["b"]));
    let audit = s.get(&format!("/api/v1/audit?object_id={first}"), &s.admin).await;
    assert_eq!(audit.body["data"].as_array().map(Vec::len), Some(2), "created, then tagged once");
}

async fn companies_have_the_same_bulk_changes(s: TestServer) {
    let (sales_id, _) = s.user(Role::Sales).await;
    let acme = s.post("/api/v1/companies", &s.admin, json!({"name": "Acme"})).await.id();
    let answer = s
        .post(
            "/api/v1/companies/bulk",
            &s.admin,
            json!({"action": "assign", "owner_id": sales_id, "ids": [acme]}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    assert_eq!(answer.body["changed"], 1);
    let company = s.get(&format!("/api/v1/companies/{acme}"), &s.admin).await;
    assert_eq!(company.body["owner_id"], json!(sales_id));
    assert_eq!(company.body["version"], 2);
}
