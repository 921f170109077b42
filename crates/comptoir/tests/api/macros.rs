use comptoir_domain::users::Role;
use comptoir_testkit::{ADMIN_EMAIL, TestServer, on_both_databases};
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_databases!(a_macro_is_filled_in_for_a_ticket_read_over_and_sent_in_one_step);

async fn a_macro_is_filled_in_for_a_ticket_read_over_and_sent_in_one_step(s: TestServer) {
    let (agent_id, agent) = s.user(Role::Support).await;
    let (_, seller) = s.user(Role::Sales).await;
    let named = s
        .patch(&format!("/api/v1/users/{agent_id}"), &s.admin, json!({"display_name": "Claire Martin"}))
        .await;
    assert_eq!(named.status, StatusCode::OK, "{:?}", named.body);
    let body = "Bonjour {{contact.first_name}},\n\nVotre demande {{ticket.reference}} « {{ticket.subject}} » est traitée.\n\n{{agent.name}}";
    let canned = json!({"name": "Demande traitée", "body": body, "status": "solved"});
    assert_eq!(s.post("/api/v1/macros", &seller, canned.clone()).await.status, StatusCode::FORBIDDEN);
    let wrong =
        s.post("/api/v1/macros", &agent, json!({"name": "Faute", "body": "Bonjour {{client.prenom}}"})).await;
    assert_eq!(wrong.error_fields(), ["body"]);
    let saved = s.post("/api/v1/macros", &agent, canned).await;
    assert_eq!(saved.status, StatusCode::CREATED, "{:?}", saved.body);
    let id = saved.id();

    let contact = s
        .post("/api/v1/contacts", &s.admin, json!({"first_name": "Hélène", "last_name": "Dupont"}))
        .await
        .id();
    let ticket = s
        .post("/api/v1/tickets", &s.admin, json!({"subject": "Imprimante bloquée", "contact_id": contact}))
        .await;
    let (ticket, reference) = (ticket.id(), ticket.body["reference"].as_str().unwrap_or_default().to_owned());
    let filled = s.get(&format!("/api/v1/tickets/{ticket}/macros/{id}"), &agent).await;
    assert_eq!(filled.status, StatusCode::OK, "{:?}", filled.body);
    let expected = format!(
        "Bonjour Hélène,\n\nVotre demande {reference} « Imprimante bloquée » est traitée.\n\nClaire Martin"
    );
    assert_eq!(filled.body, json!({"body": expected, "status": "solved"}));
    let nothing = s.get(&format!("/api/v1/tickets/{ticket}/macros/not-an-id"), &agent).await;
    assert_eq!(nothing.status, StatusCode::NOT_FOUND);

    // The agent reads it over on the ticket's page, filled in, the status chosen.
    let (_, email) = s.user_with_password(Role::Support).await;
    let page = s.signed_in(&email).await.get(&format!("/tickets/{ticket}?macro={id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.contains("Bonjour Hélène,") && page.contains(r#"value="solved" selected"#), "{}", page.text);
    assert!(
        s.signed_in(ADMIN_EMAIL).await.get(&format!("/tickets/{ticket}")).await.contains("Demande traitée")
    );

    let sent = s
        .request(Method::POST, &format!("/api/v1/tickets/{ticket}/macros/{id}"), Some(&agent), None, &[])
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{:?}", sent.body);
    assert_eq!(sent.body["ticket"]["status"], "solved");
    assert_eq!(sent.body["ticket"]["public_replies"], 1);
    assert_eq!(sent.body["activity"]["body"], json!(expected));
    assert_eq!(s.events_named("macro.created").await, 1);
    // Written from its page, in French: a placeholder that does not exist is named.
    let browser = s.signed_in(&email).await;
    browser.accept_language("fr");
    browser.get("/macros").await;
    let refused = browser
        .post("/macros", &[("name", "Relance"), ("body", "Bonjour {{prenom}}"), ("language", "fr")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.contains("utilise une variable qui n’existe pas")
            && refused.contains(">Bonjour {{prenom}}</textarea>"),
        "{}",
        refused.text
    );
    let written = browser
        .post(
            "/macros",
            &[
                ("name", "Relance"),
                ("body", "Bonjour {{contact.first_name}}"),
                ("language", "fr"),
                ("status", "pending_customer"),
            ],
        )
        .await;
    assert!(written.status.is_redirection(), "{}", written.text);
    assert!(browser.get("/macros").await.contains("Relance"));

    let deleted = s.request(Method::DELETE, &format!("/api/v1/macros/{id}"), Some(&agent), None, &[]).await;
    assert_eq!(deleted.status, StatusCode::FORBIDDEN, "managers and admins delete");
}
