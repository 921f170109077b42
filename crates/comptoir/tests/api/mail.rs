use comptoir_domain::users::Role;
use comptoir_testkit::{ADMIN_EMAIL, Answer, SmtpServer, TestServer, on_both_databases};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_databases!(
    an_answer_goes_to_the_requester_by_mail_once_in_their_language,
    mail_that_cannot_go_out_waits_and_is_tried_again,
    a_deadline_coming_then_missed_is_told_once_to_the_assignee_then_the_managers,
    a_missed_deadline_of_a_teams_ticket_is_told_to_its_lead_rather_than_every_manager,
    admins_set_the_mail_server_from_a_page_and_see_what_went_out,
);

pub(crate) async fn set_mail(s: &TestServer, token: &str, settings: Value) -> Answer {
    s.request(Method::PUT, "/api/v1/settings/mail", Some(token), Some(settings), &[]).await
}

pub(crate) fn through(port: u16) -> Value {
    json!({
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "password": "s3cret-du-relais",
        "from_name": "Support Lenoir",
        "from_address": "support@lenoir.test",
        "reply_to_address": "support@lenoir.test",
    })
}

/// A ticket from a new requester speaking `language`, and its id and reference.
pub(crate) async fn ticket_from(s: &TestServer, email: &str, language: &str) -> (String, String) {
    let contact = s
        .post(
            "/api/v1/contacts",
            &s.admin,
            json!({"last_name": "Lenoir", "emails": [email], "language": language}),
        )
        .await
        .id();
    let ticket = s
        .post("/api/v1/tickets", &s.admin, json!({"subject": "Printer jammed", "contact_id": contact}))
        .await;
    assert_eq!(ticket.status, StatusCode::CREATED, "{:?}", ticket.body);
    (ticket.id(), ticket.body["reference"].as_str().unwrap_or_default().to_owned())
}

async fn say(s: &TestServer, ticket: &str, body: Value) {
    let said = s.post(&format!("/api/v1/tickets/{ticket}/messages"), &s.admin, body).await;
    assert_eq!(said.status, StatusCode::CREATED, "{:?}", said.body);
}

async fn an_answer_goes_to_the_requester_by_mail_once_in_their_language(s: TestServer) {
    let server = SmtpServer::start().await;
    let (_, agent) = s.user(Role::Support).await;
    assert_eq!(set_mail(&s, &agent, through(server.port)).await.status, StatusCode::FORBIDDEN);
    let set = set_mail(&s, &s.admin, through(server.port)).await;
    assert_eq!(set.status, StatusCode::OK, "{:?}", set.body);
    let read = s.get("/api/v1/settings/mail", &s.admin).await;
    assert_eq!(read.body["password_set"], true);
    assert!(!read.body.to_string().contains("s3cret"), "the password is never shown: {}", read.body);
    let audit = s.get("/api/v1/audit", &s.admin).await;
    assert!(!audit.body.to_string().contains("s3cret"), "nor kept in the audit log");

    let (ticket, reference) = ticket_from(&s, "helene@lenoir.fr", "fr").await;
    say(&s, &ticket, json!({"body": "Bonjour,\nle bac est débloqué.\n\nBonne journée"})).await;
    say(&s, &ticket, json!({"body": "Pièce commandée", "internal": true})).await;
    say(&s, &ticket, json!({"body": "Merci !", "from_requester": true})).await;
    // Two servers send at once: each message goes out from one of them.
    let now = chrono::Utc::now();
    let (one, other) = tokio::join!(s.app.send_due_mail(now), s.app.send_due_mail(now));
    assert_eq!(one.expect("a pass") + other.expect("a pass"), 1, "only the answer is mail");
    assert_eq!(s.app.send_due_mail(chrono::Utc::now()).await.expect("a pass"), 0, "never twice");
    let received = server.received();
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    assert_eq!(
        (mail.sender.as_str(), mail.recipients.clone()),
        ("support@lenoir.test", vec!["helene@lenoir.fr".to_owned()])
    );
    assert_eq!(mail.subject(), format!("[{reference}] Printer jammed"));
    assert_eq!(mail.header("Reply-To"), Some(format!("support+{reference}@lenoir.test")));
    assert!(
        mail.text().starts_with("Bonjour,\nle bac est débloqué.\n\nBonne journée\n\n-- \nVotre demande"),
        "{}",
        mail.text()
    );
    assert!(mail.html().contains("<p>Bonjour,<br>\nle bac est débloqué.</p>"), "{}", mail.html());

    let (english, _) = ticket_from(&s, "jane@lenoir.co.uk", "en").await;
    say(&s, &english, json!({"body": "Fixed."})).await;
    assert_eq!(s.app.send_due_mail(chrono::Utc::now()).await.expect("a pass"), 1);
    assert!(server.received().last().is_some_and(|m| m.text().contains("Your request")), "in English");

    let outbox = s.get(&format!("/api/v1/mail/outbox?ticket_id={ticket}"), &s.admin).await;
    assert_eq!(outbox.status, StatusCode::OK, "{:?}", outbox.body);
    let entries = outbox.body["data"].as_array().cloned().unwrap_or_default();
    assert_eq!(entries.len(), 1);
    assert_eq!((entries[0]["status"].as_str(), entries[0]["attempts"].as_i64()), (Some("sent"), Some(1)));
    assert_eq!(s.get("/api/v1/mail/outbox", &agent).await.status, StatusCode::FORBIDDEN);
    assert_eq!(s.get("/api/v1/mail/outbox?limit=0", &s.admin).await.error_fields(), ["limit"]);
}

async fn mail_that_cannot_go_out_waits_and_is_tried_again(s: TestServer) {
    // A port nobody listens on any more.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port());
    let set = set_mail(&s, &s.admin, through(closed.expect("a free port"))).await;
    assert_eq!(set.status, StatusCode::OK, "{:?}", set.body);
    let wrong = set_mail(&s, &s.admin, json!({"host": "smtp.lenoir.test", "from_address": "support"})).await;
    assert_eq!(wrong.error_fields(), ["from_address"]);

    let (ticket, _) = ticket_from(&s, "helene@lenoir.fr", "fr").await;
    say(&s, &ticket, json!({"body": "Voilà"})).await;
    let now = chrono::Utc::now();
    assert_eq!(s.app.send_due_mail(now).await.expect("a pass"), 0);
    let waiting = s.get("/api/v1/mail/outbox", &s.admin).await.body["data"][0].clone();
    assert_eq!((waiting["status"].as_str(), waiting["attempts"].as_i64()), (Some("pending"), Some(1)));
    assert!(
        waiting["last_error"].as_str().is_some_and(|e| !e.is_empty() && !e.contains("s3cret")),
        "{waiting}"
    );
    assert_eq!(s.app.send_due_mail(now).await.expect("a pass"), 0, "not before its next try");

    // A server that cannot even be found is each message's refusal too, told and tried again.
    let mut unnamed = through(1);
    unnamed["host"] = json!("relay:smtp");
    unnamed["security"] = json!("tls");
    assert_eq!(set_mail(&s, &s.admin, unnamed).await.status, StatusCode::OK);
    let next_try = now + chrono::Duration::minutes(2);
    assert_eq!(s.app.send_due_mail(next_try).await.expect("a pass, not an error"), 0);
    let refused = s.get("/api/v1/mail/outbox", &s.admin).await.body["data"][0].clone();
    assert_eq!(refused["attempts"].as_i64(), Some(2), "{refused}");
    assert!(
        refused["last_error"].as_str().is_some_and(|e| !e.is_empty() && !e.contains("s3cret")),
        "{refused}"
    );

    let server = SmtpServer::start().await;
    let mended = set_mail(&s, &s.admin, through(server.port)).await;
    assert_eq!(mended.status, StatusCode::OK, "{:?}", mended.body);
    let later = chrono::Utc::now() + chrono::Duration::minutes(10);
    assert_eq!(s.app.send_due_mail(later).await.expect("a pass"), 1);
    assert_eq!(server.received().len(), 1);
    let sent = s.get("/api/v1/mail/outbox", &s.admin).await.body["data"][0].clone();
    assert_eq!((sent["status"].as_str(), sent["attempts"].as_i64()), (Some("sent"), Some(3)));
}

async fn a_deadline_coming_then_missed_is_told_once_to_the_assignee_then_the_managers(s: TestServer) {
    let server = SmtpServer::start().await;
    assert_eq!(set_mail(&s, &s.admin, through(server.port)).await.status, StatusCode::OK);
    let mut levels = crate::tickets::round_the_clock(
        json!([{"name": "Tous", "first_response_minutes": 60, "resolution_minutes": 600}]),
    );
    levels["warn_before_minutes"] = json!(30);
    let set =
        s.request(Method::PUT, "/api/v1/settings/service-levels", Some(&s.admin), Some(levels), &[]).await;
    assert_eq!(set.status, StatusCode::OK, "{:?}", set.body);
    let email_of = |id: String| {
        let s = &s;
        async move {
            s.get(&format!("/api/v1/users/{id}"), &s.admin).await.body["email"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        }
    };
    let (agent_id, agent) = s.user(Role::Support).await;
    let (manager_id, _) = s.user(Role::Manager).await;
    let (agent_email, manager_email) =
        (email_of(agent_id.0.to_string()).await, email_of(manager_id.0.to_string()).await);
    let created = s.post("/api/v1/tickets", &agent, json!({"subject": "Imprimante"})).await;
    let opened: chrono::DateTime<chrono::Utc> =
        created.body["created_at"].as_str().and_then(|t| t.parse().ok()).expect("an instant");

    let quiet = s.app.watch_deadlines(opened + chrono::Duration::minutes(20)).await.expect("a pass");
    assert_eq!((quiet.at_risk, quiet.notices), (0, 0), "an hour to answer: nothing to say yet");
    let close = opened + chrono::Duration::minutes(35);
    let (a, b) = tokio::join!(s.app.watch_deadlines(close), s.app.watch_deadlines(close));
    let (a, b) = (a.expect("a pass"), b.expect("a pass"));
    assert_eq!((a.at_risk + b.at_risk, a.notices + b.notices), (1, 1), "once, to the assignee");
    assert_eq!(s.app.watch_deadlines(close).await.expect("a pass").at_risk, 0);
    let late = s.app.watch_deadlines(opened + chrono::Duration::minutes(61)).await.expect("a pass");
    assert_eq!((late.missed, late.notices), (1, 2), "to the assignee and the manager");
    assert_eq!(s.events_named("ticket.sla_at_risk").await, 1);

    assert_eq!(s.app.send_due_mail(opened + chrono::Duration::minutes(62)).await.expect("a pass"), 3);
    let mut told: Vec<(String, String)> =
        server.received().iter().map(|m| (m.recipients.join(","), m.subject())).collect();
    told.sort();
    let reference = created.body["reference"].as_str().unwrap_or_default();
    let due = opened + chrono::Duration::minutes(60);
    let mut expected = vec![
        (
            agent_email.clone(),
            format!(
                "[{reference}] Première réponse attendue avant {}",
                due.with_timezone(&chrono_tz::Etc::UTC).format("%H:%M")
            ),
        ),
        (agent_email, format!("[{reference}] Délai de première réponse dépassé")),
        (manager_email, format!("[{reference}] Délai de première réponse dépassé")),
    ];
    expected.sort();
    assert_eq!(told, expected);
}

async fn a_missed_deadline_of_a_teams_ticket_is_told_to_its_lead_rather_than_every_manager(s: TestServer) {
    let server = SmtpServer::start().await;
    assert_eq!(set_mail(&s, &s.admin, through(server.port)).await.status, StatusCode::OK);
    let levels = crate::tickets::round_the_clock(json!([{"name": "Tous", "first_response_minutes": 60}]));
    let set =
        s.request(Method::PUT, "/api/v1/settings/service-levels", Some(&s.admin), Some(levels), &[]).await;
    assert_eq!(set.status, StatusCode::OK, "{:?}", set.body);
    let (agent, _) = s.user(Role::Support).await;
    let (lead, _) = s.user(Role::Support).await;
    let _manager = s.user(Role::Manager).await;
    let email_of = async |id: String| {
        s.get(&format!("/api/v1/users/{id}"), &s.admin).await.body["email"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let (agent_email, lead_email) = (email_of(agent.to_string()).await, email_of(lead.to_string()).await);
    let team = json!({"name": "Support N1", "lead_id": lead, "members": [{"user_id": agent}], "categories": ["Panne"]});
    assert_eq!(s.post("/api/v1/teams", &s.admin, team).await.status, StatusCode::CREATED);
    let created =
        s.post("/api/v1/tickets", &s.admin, json!({"subject": "Four en panne", "category": "Panne"})).await;
    assert_eq!(created.body["assignee_id"], json!(agent), "{:?}", created.body);
    let opened: chrono::DateTime<chrono::Utc> =
        created.body["created_at"].as_str().and_then(|t| t.parse().ok()).expect("an instant");

    let late = s.app.watch_deadlines(opened + chrono::Duration::minutes(61)).await.expect("a pass");
    assert_eq!((late.missed, late.notices), (1, 2), "to the assignee and the team's lead");
    assert_eq!(s.app.send_due_mail(opened + chrono::Duration::minutes(62)).await.expect("a pass"), 2);
    let mut told: Vec<String> = server.received().iter().map(|m| m.recipients.join(",")).collect();
    told.sort();
    let mut expected = vec![agent_email, lead_email];
    expected.sort();
    assert_eq!(told, expected, "not the manager: the team has a lead");
}

async fn admins_set_the_mail_server_from_a_page_and_see_what_went_out(s: TestServer) {
    let browser = s.signed_in(ADMIN_EMAIL).await;
    browser.accept_language("fr");
    let empty = browser.get("/settings/mail").await;
    assert!(empty.contains("Aucun message pour l’instant"), "{}", empty.text);
    let wrong = browser
        .post(
            "/settings/mail",
            &[("host", "smtp.lenoir.test"), ("port", "0"), ("from_address", "support"), ("version", "0")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.contains("id=\"e-port\"") && wrong.contains("doit être entre 1 et 65535"),
        "{}",
        wrong.text
    );
    assert!(
        wrong.contains("id=\"e-from_address\"") && wrong.contains("value=\"smtp.lenoir.test\""),
        "typed values stay"
    );

    let server = SmtpServer::start().await;
    let port = server.port.to_string();
    let fields = [
        ("host", "127.0.0.1"),
        ("security", "none"),
        ("port", port.as_str()),
        ("password", "s3cret-du-relais"),
        ("from_address", "support@lenoir.test"),
        ("default_language", "fr"),
        ("version", "0"),
    ];
    let saved = browser.post("/settings/mail", &fields).await;
    assert_eq!(saved.location(), Some("/settings/mail?saved"), "{}", saved.text);
    let mut resaved = fields.to_vec();
    resaved.retain(|(name, _)| !["password", "version"].contains(name));
    resaved.extend([("password", ""), ("version", "1")]);
    let again = browser.post("/settings/mail", &resaved).await;
    assert_eq!(again.location(), Some("/settings/mail?saved"), "{}", again.text);
    let read = s.get("/api/v1/settings/mail", &s.admin).await;
    assert_eq!(
        (read.body["port"].as_u64(), read.body["password_set"].as_bool()),
        (Some(u64::from(server.port)), Some(true)),
        "an empty password keeps the kept one"
    );
    let page = browser.get("/settings/mail").await;
    assert!(page.contains("Un mot de passe est enregistré") && !page.contains("s3cret"), "{}", page.text);

    let (ticket, _) = ticket_from(&s, "helene@lenoir.fr", "fr").await;
    say(&s, &ticket, json!({"body": "Voilà"})).await;
    s.app.send_due_mail(chrono::Utc::now()).await.expect("a pass");
    let listed = browser.get("/settings/mail").await;
    assert!(listed.contains("helene@lenoir.fr") && listed.contains("envoyé"), "{}", listed.text);
    let ticket_page = browser.get(&format!("/tickets/{ticket}")).await;
    assert!(
        ticket_page.contains("message à helene@lenoir.fr envoyé"),
        "the agent sees it went: {}",
        ticket_page.text
    );

    let (_, agent_email) = s.user_with_password(Role::Support).await;
    let agent = s.signed_in(&agent_email).await;
    assert_eq!(agent.get("/settings/mail").await.status, StatusCode::FORBIDDEN);
    assert_eq!(agent.post("/settings/mail", &fields).await.status, StatusCode::FORBIDDEN);
}
