use comptoir_domain::users::Role;
use comptoir_testkit::{TestServer, on_both_databases};
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_databases!(
    each_role_may_do_exactly_what_it_should_on_contacts,
    admin_areas_are_refused_to_other_roles,
    requests_without_a_valid_token_are_401,
    only_managers_give_records_to_someone_else,
);

/// What each role may do with a contact it owns and with one someone else owns.
#[derive(Debug)]
struct Expected {
    create: StatusCode,
    update_own: StatusCode,
    update_other: StatusCode,
    delete_own: StatusCode,
    delete_other: StatusCode,
}

async fn each_role_may_do_exactly_what_it_should_on_contacts(s: TestServer) {
    const OK: StatusCode = StatusCode::OK;
    const CREATED: StatusCode = StatusCode::CREATED;
    const GONE: StatusCode = StatusCode::NO_CONTENT;
    const NO: StatusCode = StatusCode::FORBIDDEN;
    let matrix = [
        (
            Role::Admin,
            Expected {
                create: CREATED,
                update_own: OK,
                update_other: OK,
                delete_own: GONE,
                delete_other: GONE,
            },
        ),
        (
            Role::Manager,
            Expected {
                create: CREATED,
                update_own: OK,
                update_other: OK,
                delete_own: GONE,
                delete_other: GONE,
            },
        ),
        (
            Role::Sales,
            Expected {
                create: CREATED,
                update_own: OK,
                update_other: NO,
                delete_own: GONE,
                delete_other: NO,
            },
        ),
        (
            Role::Support,
            Expected {
                create: CREATED,
                update_own: OK,
                update_other: NO,
                delete_own: GONE,
                delete_other: NO,
            },
        ),
        (
            Role::Readonly,
            Expected { create: NO, update_own: NO, update_other: NO, delete_own: NO, delete_other: NO },
        ),
    ];
    for (role, expected) in matrix {
        let (user, token) = s.user(role).await;
        let own =
            s.post("/api/v1/contacts", &s.admin, json!({"last_name": "À moi", "owner_id": user})).await.id();
        let other = s.post("/api/v1/contacts", &s.admin, json!({"last_name": "À un autre"})).await.id();
        let context = format!("{role}: {expected:?}");

        assert_eq!(s.get(&format!("/api/v1/contacts/{other}"), &token).await.status, OK, "{context} read");
        assert_eq!(s.get("/api/v1/contacts", &token).await.status, OK, "{context} list");
        let created = s.post("/api/v1/contacts", &token, json!({"last_name": "Nouveau"})).await;
        assert_eq!(created.status, expected.create, "{context} create");
        if created.status == CREATED {
            assert_eq!(created.body["owner_id"], json!(user), "{context}: the creator owns it");
        }
        let patch = json!({"job_title": "Changé"});
        assert_eq!(
            s.patch(&format!("/api/v1/contacts/{own}"), &token, patch.clone()).await.status,
            expected.update_own,
            "{context} update own"
        );
        assert_eq!(
            s.patch(&format!("/api/v1/contacts/{other}"), &token, patch).await.status,
            expected.update_other,
            "{context} update other"
        );
        assert_eq!(
            s.delete(&format!("/api/v1/contacts/{own}"), &token).await.status,
            expected.delete_own,
            "{context} delete own"
        );
        assert_eq!(
            s.delete(&format!("/api/v1/contacts/{other}"), &token).await.status,
            expected.delete_other,
            "{context} delete other"
        );
        let activity = s
            .post("/api/v1/activities", &token, json!({"kind": "note", "body": "vu", "contact_id": other}))
            .await;
        let may_log = if role == Role::Readonly { NO } else { CREATED };
        if expected.delete_other != GONE {
            assert_eq!(activity.status, may_log, "{context} log an activity on someone else's contact");
        }
    }
}

async fn admin_areas_are_refused_to_other_roles(s: TestServer) {
    for role in [Role::Manager, Role::Sales, Role::Support, Role::Readonly] {
        let (_, token) = s.user(role).await;
        for path in ["/api/v1/users", "/api/v1/tokens", "/api/v1/audit"] {
            let answer = s.get(path, &token).await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{role} GET {path}");
            assert_eq!(answer.header("content-type"), Some("application/problem+json"));
        }
        let field = json!({"object_type": "contact", "key": "k", "label": "K", "field_type": "text"});
        assert_eq!(
            s.post("/api/v1/custom-fields", &token, field).await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
        let user = json!({"email": "new@exemple.fr", "role": "admin"});
        assert_eq!(s.post("/api/v1/users", &token, user).await.status, StatusCode::FORBIDDEN, "{role}");
        assert_eq!(
            s.get("/api/v1/custom-fields", &token).await.status,
            StatusCode::OK,
            "{role} reads definitions"
        );
    }
    for path in ["/api/v1/users", "/api/v1/tokens", "/api/v1/audit"] {
        assert_eq!(s.get(path, &s.admin).await.status, StatusCode::OK, "admin GET {path}");
    }
}

async fn requests_without_a_valid_token_are_401(s: TestServer) {
    let none = s.request(Method::GET, "/api/v1/contacts", None, None, &[]).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_eq!(none.header("www-authenticate"), Some("Bearer"));
    assert_eq!(s.get("/api/v1/contacts", "cpt_forged").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(s.get("/api/v1/contacts", "something-else").await.status, StatusCode::UNAUTHORIZED);

    let (user, token) = s.user(Role::Sales).await;
    assert_eq!(s.get("/api/v1/contacts", &token).await.status, StatusCode::OK);
    let tokens = s.get("/api/v1/tokens", &s.admin).await;
    let token_id = tokens.body["data"]
        .as_array()
        .and_then(|all| all.iter().find(|t| t["user_id"] == json!(user)))
        .map(|t| t["id"].as_str().unwrap_or_default().to_owned())
        .unwrap_or_default();
    assert_eq!(
        s.delete(&format!("/api/v1/tokens/{token_id}"), &s.admin).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(s.get("/api/v1/contacts", &token).await.status, StatusCode::UNAUTHORIZED, "revoked at once");

    let (other, other_token) = s.user(Role::Sales).await;
    assert_eq!(s.get("/api/v1/contacts", &other_token).await.status, StatusCode::OK);
    let deactivated = s.patch(&format!("/api/v1/users/{other}"), &s.admin, json!({"active": false})).await;
    assert_eq!(deactivated.status, StatusCode::OK);
    assert_eq!(
        s.get("/api/v1/contacts", &other_token).await.status,
        StatusCode::UNAUTHORIZED,
        "deactivated at once"
    );
}

async fn only_managers_give_records_to_someone_else(s: TestServer) {
    let (sales, sales_token) = s.user(Role::Sales).await;
    let (manager, manager_token) = s.user(Role::Manager).await;
    let given =
        s.post("/api/v1/contacts", &sales_token, json!({"last_name": "X", "owner_id": manager})).await;
    assert_eq!(given.status, StatusCode::FORBIDDEN);
    let own = s.post("/api/v1/contacts", &sales_token, json!({"last_name": "X"})).await.id();
    let handed =
        s.patch(&format!("/api/v1/contacts/{own}"), &sales_token, json!({"owner_id": manager})).await;
    assert_eq!(handed.status, StatusCode::FORBIDDEN);
    let reassigned =
        s.patch(&format!("/api/v1/contacts/{own}"), &manager_token, json!({"owner_id": manager})).await;
    assert_eq!(reassigned.status, StatusCode::OK);
    let back = s.patch(&format!("/api/v1/contacts/{own}"), &sales_token, json!({"job_title": "x"})).await;
    assert_eq!(back.status, StatusCode::FORBIDDEN, "{sales} no longer owns it");
}

mod companies_and_activities {
    use super::*;

    on_both_databases!(companies_and_activities_follow_the_same_ownership_rules);

    async fn companies_and_activities_follow_the_same_ownership_rules(s: TestServer) {
        let (sales, sales_token) = s.user(Role::Sales).await;
        let (_, readonly_token) = s.user(Role::Readonly).await;
        let (_, manager_token) = s.user(Role::Manager).await;
        let own = s.post("/api/v1/companies", &sales_token, json!({"name": "À moi SARL"})).await;
        assert_eq!(own.status, StatusCode::CREATED);
        assert_eq!(own.body["owner_id"], json!(sales));
        let other = s.post("/api/v1/companies", &s.admin, json!({"name": "Autre SA"})).await.id();
        let patch = json!({"industry": "BTP"});
        assert_eq!(
            s.patch(&format!("/api/v1/companies/{}", own.id()), &sales_token, patch.clone()).await.status,
            StatusCode::OK
        );
        assert_eq!(
            s.patch(&format!("/api/v1/companies/{other}"), &sales_token, patch.clone()).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            s.patch(&format!("/api/v1/companies/{other}"), &readonly_token, patch.clone()).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            s.post("/api/v1/companies", &readonly_token, json!({"name": "X"})).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            s.patch(&format!("/api/v1/companies/{other}"), &manager_token, patch).await.status,
            StatusCode::OK
        );
        assert_eq!(
            s.delete(&format!("/api/v1/companies/{other}"), &sales_token).await.status,
            StatusCode::FORBIDDEN
        );

        let note = s
            .post(
                "/api/v1/activities",
                &s.admin,
                json!({"kind": "note", "body": "x", "company_id": own.id()}),
            )
            .await
            .id();
        let path = format!("/api/v1/activities/{note}");
        assert_eq!(
            s.patch(&path, &sales_token, json!({"body": "y"})).await.status,
            StatusCode::FORBIDDEN,
            "not the owner"
        );
        assert_eq!(s.delete(&path, &sales_token).await.status, StatusCode::FORBIDDEN);
        assert_eq!(s.get(&path, &readonly_token).await.status, StatusCode::OK);
        assert_eq!(s.patch(&path, &manager_token, json!({"body": "z"})).await.status, StatusCode::OK);
        assert_eq!(s.delete(&path, &manager_token).await.status, StatusCode::NO_CONTENT);
    }
}
