use comptoir_domain::users::Role;
use comptoir_testkit::{TestServer, on_both_databases};
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_databases!(admins_manage_users_and_tokens, custom_field_definitions_keep_their_key_and_type);

async fn admins_manage_users_and_tokens(s: TestServer) {
    let created = s
        .post(
            "/api/v1/users",
            &s.admin,
            json!({"email": "Nadia@Exemple.fr", "role": "sales", "password": "un mot de passe long"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.body["email"], "nadia@exemple.fr");
    assert!(created.body.get("password").is_none() && created.body.get("password_hash").is_none());
    let duplicate =
        s.post("/api/v1/users", &s.admin, json!({"email": "nadia@exemple.fr", "role": "sales"})).await;
    assert_eq!(duplicate.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(duplicate.error_fields(), ["email"]);
    let short = s
        .post(
            "/api/v1/users",
            &s.admin,
            json!({"email": "a@exemple.fr", "role": "sales", "password": "court"}),
        )
        .await;
    assert_eq!(short.error_fields(), ["password"]);
    let user = s.app.verify_password("nadia@exemple.fr", "un mot de passe long").await.expect("verified");
    assert!(user.is_some(), "the password was hashed and checks");
    assert!(s.app.verify_password("nadia@exemple.fr", "wrong password!").await.expect("verified").is_none());

    let promoted =
        s.patch(&format!("/api/v1/users/{}", created.id()), &s.admin, json!({"role": "manager"})).await;
    assert_eq!(promoted.body["role"], "manager");
    let self_demotion =
        s.patch(&format!("/api/v1/users/{}", s.admin_id), &s.admin, json!({"role": "sales"})).await;
    assert_eq!(self_demotion.status, StatusCode::FORBIDDEN);

    let token =
        s.post("/api/v1/tokens", &s.admin, json!({"user_id": created.id(), "name": "intégration"})).await;
    assert_eq!(token.status, StatusCode::CREATED, "{:?}", token.body);
    let secret = token.body["token_secret"].as_str().unwrap_or_default().to_owned();
    assert!(secret.starts_with("cpt_"));
    assert_eq!(s.get("/api/v1/contacts", &secret).await.status, StatusCode::OK);
    let listed = s.get("/api/v1/tokens", &s.admin).await;
    assert!(!listed.body.to_string().contains(&secret), "the secret is never listed");
    let used = s.get(&format!("/api/v1/tokens/{}", token.id()), &s.admin).await;
    assert!(used.body["last_used_at"].is_string(), "{:?}", used.body);
    let replay = s
        .request(
            Method::POST,
            "/api/v1/tokens",
            Some(&s.admin),
            Some(json!({"user_id": created.id(), "name": "x"})),
            &[("idempotency-key", "k")],
        )
        .await;
    assert_eq!(replay.error_fields(), ["Idempotency-Key"]);
}

async fn custom_field_definitions_keep_their_key_and_type(s: TestServer) {
    let created = s
        .post("/api/v1/custom-fields", &s.admin, json!({"object_type": "company", "key": "tier", "label": "Rang", "field_type": "select", "options": ["or", "argent"]}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let duplicate = s
        .post(
            "/api/v1/custom-fields",
            &s.admin,
            json!({"object_type": "company", "key": "tier", "label": "x", "field_type": "text"}),
        )
        .await;
    assert_eq!(duplicate.error_fields(), ["key"]);
    let bad = s
        .post(
            "/api/v1/custom-fields",
            &s.admin,
            json!({"object_type": "company", "key": "Bad Key", "label": "", "field_type": "select"}),
        )
        .await;
    assert_eq!(bad.error_fields(), ["key", "label", "options"]);
    let path = format!("/api/v1/custom-fields/{}", created.id());
    let retyped = s.patch(&path, &s.admin, json!({"field_type": "number"})).await;
    assert_eq!(retyped.error_fields(), ["field_type"]);
    let relabelled =
        s.patch(&path, &s.admin, json!({"label": "Niveau", "options": ["or", "argent", "bronze"]})).await;
    assert_eq!(relabelled.status, StatusCode::OK);
    let company = s
        .post("/api/v1/companies", &s.admin, json!({"name": "X", "custom_fields": {"tier": "bronze"}}))
        .await;
    assert_eq!(company.status, StatusCode::CREATED, "the new option is accepted at once");
    let listed = s.get("/api/v1/custom-fields?object_type=company", &s.admin).await;
    assert_eq!(listed.body["data"][0]["label"], "Niveau");
    assert_eq!(s.delete(&path, &s.admin).await.status, StatusCode::NO_CONTENT);
    let refused =
        s.post("/api/v1/companies", &s.admin, json!({"name": "Y", "custom_fields": {"tier": "or"}})).await;
    assert_eq!(refused.error_fields(), ["custom_fields.tier"]);
}

mod reads {
    use super::*;

    on_both_databases!(every_record_reads_back_by_id_with_its_etag);

    async fn every_record_reads_back_by_id_with_its_etag(s: TestServer) {
        let company = s.post("/api/v1/companies", &s.admin, json!({"name": "Lecture SA"})).await;
        let contact = s
            .post("/api/v1/contacts", &s.admin, json!({"last_name": "Lu", "company_id": company.id()}))
            .await;
        let activity = s
            .post("/api/v1/activities", &s.admin, json!({"kind": "email", "subject": "Bonjour", "company_id": company.id(), "direction": "inbound"}))
            .await;
        let field = s
            .post(
                "/api/v1/custom-fields",
                &s.admin,
                json!({"object_type": "contact", "key": "vu", "label": "Vu", "field_type": "bool"}),
            )
            .await;
        let user =
            s.post("/api/v1/users", &s.admin, json!({"email": "lu@exemple.fr", "role": "readonly"})).await;
        for (collection, created) in [
            ("companies", &company),
            ("contacts", &contact),
            ("activities", &activity),
            ("custom-fields", &field),
            ("users", &user),
        ] {
            assert_eq!(created.status, StatusCode::CREATED, "{collection}: {:?}", created.body);
            let read = s.get(&format!("/api/v1/{collection}/{}", created.id()), &s.admin).await;
            assert_eq!(read.status, StatusCode::OK, "{collection}");
            assert_eq!(read.body, created.body, "{collection} reads back as created");
            assert_eq!(read.header("etag"), Some("\"1\""), "{collection}");
            let listed = s.get(&format!("/api/v1/{collection}"), &s.admin).await;
            assert!(
                listed.body["data"]
                    .as_array()
                    .is_some_and(|rows| rows.iter().any(|r| r["id"] == created.body["id"])),
                "{collection} lists it"
            );
        }
        let (readonly_id, readonly) = s.user(Role::Readonly).await;
        let other = s.get(&format!("/api/v1/users/{}", user.id()), &readonly).await;
        assert_eq!(other.status, StatusCode::NOT_FOUND, "others' accounts are not disclosed");
        let me = s.get(&format!("/api/v1/users/{readonly_id}"), &readonly).await;
        assert_eq!(me.status, StatusCode::OK, "everyone reads their own account");
    }
}
