use crate::mail::{set_mail, through, ticket_from};
use chrono::{Duration, Utc};
use comptoir_domain::users::Role;
use comptoir_testkit::{ADMIN_EMAIL, SmtpServer, TestServer, on_both_databases};
use reqwest::StatusCode;
use serde_json::json;

on_both_databases!(
    a_solved_ticket_asks_its_requester_once_and_the_score_counts_for_its_agent,
    a_survey_is_only_for_recent_tickets_with_a_requester_and_its_link_only,
);

/// Mail through `server`, with links to this test's site.
pub(crate) async fn mail_with_links(s: &TestServer, server: &SmtpServer) {
    let mut settings = through(server.port);
    settings["site_address"] = json!(format!("{}/", s.base_url));
    let set = set_mail(s, &s.admin, settings).await;
    assert_eq!(set.status, StatusCode::OK, "{:?}", set.body);
    assert_eq!(set.body["site_address"], json!(s.base_url), "kept without its trailing slash");
}

/// The survey page's path in the latest mail received.
fn survey_path(s: &TestServer, server: &SmtpServer) -> String {
    let text = server.received().last().map(|m| m.text()).unwrap_or_default();
    let start = text.find(&format!("{}/survey/", s.base_url)).expect("a survey link") + s.base_url.len();
    let path = &text[start..];
    path[..path.find('?').expect("a score")].to_owned()
}

async fn a_solved_ticket_asks_its_requester_once_and_the_score_counts_for_its_agent(s: TestServer) {
    let server = SmtpServer::start().await;
    mail_with_links(&s, &server).await;
    let (agent, _) = s.user(Role::Support).await;
    let (ticket, reference) = ticket_from(&s, "helene@lenoir.fr", "fr").await;
    let path = format!("/api/v1/tickets/{ticket}");
    let solved = s.patch(&path, &s.admin, json!({"assignee_id": agent, "status": "solved"})).await;
    assert_eq!(solved.status, StatusCode::OK, "{:?}", solved.body);

    let now = Utc::now();
    assert_eq!(s.app.send_surveys(now).await.expect("a pass"), 0, "not while it may be opened again");
    // Two servers look at once: the ticket is asked about by one of them.
    let later = now + Duration::hours(2);
    let (one, other) = tokio::join!(s.app.send_surveys(later), s.app.send_surveys(later));
    assert_eq!(one.expect("a pass") + other.expect("a pass"), 1);
    assert_eq!(s.app.send_surveys(later).await.expect("a pass"), 0, "never twice");
    assert_eq!(s.app.send_due_mail(later).await.expect("a pass"), 1);
    let mail = server.received().last().cloned().expect("the survey");
    assert_eq!(mail.recipients, ["helene@lenoir.fr"]);
    assert_eq!(mail.subject(), format!("[{reference}] Votre avis sur notre réponse"));
    let survey = survey_path(&s, &server);

    let customer = s.browser();
    let page = customer.get(&format!("{survey}?score=4")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.contains("Printer jammed") && page.contains("Êtes-vous satisfait"), "{}", page.text);
    assert!(page.contains(r#"value="4" required checked"#), "the score chosen in the mail: {}", page.text);
    assert_eq!(page.headers.get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
    assert!(customer.get(&format!("{survey}?lang=en")).await.contains("Are you satisfied"));
    let wrong = customer.post_exactly(&survey, &[("score", "9"), ("comment", "Top")], &[]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.contains("choisissez une note de 1 à 5") && wrong.contains(">Top</textarea>"),
        "{}",
        wrong.text
    );
    let answered =
        customer.post_exactly(&survey, &[("score", "4"), ("comment", "Rapide et efficace")], &[]).await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.text);
    assert!(answered.contains("Votre avis est bien enregistré"), "{}", answered.text);
    let again = customer.post_exactly(&survey, &[("score", "1")], &[]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.contains("déjà reçu une réponse"), "{}", again.text);

    let rated = s.get(&path, &s.admin).await;
    assert_eq!(rated.body["satisfaction"], 4, "the first answer stays");
    assert_eq!(rated.body["version"], solved.body["version"].as_i64().map(|v| v + 1).expect("a version"));
    assert_eq!(s.events_named("ticket.rated").await, 1);
    let said = s.get(&format!("{path}/satisfaction"), &s.admin).await;
    assert_eq!(
        (said.body["score"].as_i64(), said.body["comment"].as_str()),
        (Some(4), Some("Rapide et efficace"))
    );
    let report = s.get("/api/v1/tickets/report?by=assignee", &s.admin).await;
    let row = &report.body["groups"][0];
    assert_eq!(row["group"], json!(agent));
    assert_eq!((row["rated"].as_i64(), row["satisfaction"].as_f64()), (Some(1), Some(1.0)));
    assert_eq!(row["mean_rating"].as_f64(), Some(4.0));
    let agents_page = s.signed_in(ADMIN_EMAIL).await.get("/tickets/report?by=assignee").await;
    assert!(agents_page.contains("100% (4.0/5, n = 1)"), "{}", agents_page.text);
    let ticket_page = s.signed_in(ADMIN_EMAIL).await.get(&format!("/tickets/{ticket}")).await;
    assert!(ticket_page.contains("Satisfaction: 4/5, “Rapide et efficace”"), "{}", ticket_page.text);

    // Handed to a colleague, the score counts for them; opened and solved again, the ticket
    // is not asked about twice.
    let (colleague, _) = s.user(Role::Support).await;
    s.patch(&path, &s.admin, json!({"assignee_id": colleague, "status": "open"})).await;
    s.patch(&path, &s.admin, json!({"status": "solved"})).await;
    let report = s.get("/api/v1/tickets/report?by=assignee", &s.admin).await;
    let rated_by: Vec<(String, i64)> = report.body["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .filter(|g| g["rated"].as_i64() > Some(0))
        .map(|g| {
            (g["group"].as_str().unwrap_or_default().to_owned(), g["rated"].as_i64().unwrap_or_default())
        })
        .collect();
    assert_eq!(rated_by, [(colleague.0.to_string(), 1)]);
    assert_eq!(s.app.send_surveys(later + Duration::hours(2)).await.expect("a pass"), 0);
}

async fn a_survey_is_only_for_recent_tickets_with_a_requester_and_its_link_only(s: TestServer) {
    let server = SmtpServer::start().await;
    let now = Utc::now();
    // Until the site's address is set, mail carries no link, so nobody is asked.
    let set = set_mail(&s, &s.admin, through(server.port)).await;
    assert_eq!(set.status, StatusCode::OK, "{:?}", set.body);
    let (ticket, _) = ticket_from(&s, "helene@lenoir.fr", "fr").await;
    s.patch(&format!("/api/v1/tickets/{ticket}"), &s.admin, json!({"status": "solved"})).await;
    assert_eq!(s.app.send_surveys(now + Duration::hours(2)).await.expect("a pass"), 0);
    let mut wrong = through(server.port);
    wrong["site_address"] = json!("crm.lenoir.test");
    assert_eq!(set_mail(&s, &s.admin, wrong).await.error_fields(), ["site_address"]);
    mail_with_links(&s, &server).await;
    // Solved more than a week ago: too late to ask.
    assert_eq!(s.app.send_surveys(now + Duration::days(8)).await.expect("a pass"), 0);
    // Nobody to write to about the second; the first is asked about now that links can be made.
    let anonymous = s.post("/api/v1/tickets", &s.admin, json!({"subject": "Sans demandeur"})).await.id();
    s.patch(&format!("/api/v1/tickets/{anonymous}"), &s.admin, json!({"status": "solved"})).await;
    assert_eq!(s.app.send_surveys(now + Duration::hours(2)).await.expect("a pass"), 1);
    assert_eq!(s.app.send_due_mail(now + Duration::hours(2)).await.expect("a pass"), 1);
    assert_eq!(
        server.received().last().map(|m| m.recipients.clone()),
        Some(vec!["helene@lenoir.fr".to_owned()])
    );

    let (other, _) = ticket_from(&s, "jane@lenoir.co.uk", "en").await;
    s.patch(&format!("/api/v1/tickets/{other}"), &s.admin, json!({"status": "solved"})).await;
    assert_eq!(s.app.send_surveys(now + Duration::hours(2)).await.expect("a pass"), 1);
    s.app.send_due_mail(now + Duration::hours(2)).await.expect("a pass");
    assert!(server.received().last().is_some_and(|m| m.text().contains("Are you satisfied")), "in English");
    let survey = survey_path(&s, &server);
    let stranger = s.browser();
    assert!(stranger.get(&survey).await.contains("Are you satisfied with our answer?"));
    for guess in ["/survey/x", "/survey/", &format!("{survey}x")] {
        let page = stranger.get(guess).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{guess}");
        let answer = stranger.post_exactly(guess, &[("score", "1")], &[]).await;
        assert!(matches!(answer.status, StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED), "{guess}");
    }
    assert_eq!(s.get(&format!("/api/v1/tickets/{other}"), &s.admin).await.body["satisfaction"], json!(null));
    let unanswered = s.get(&format!("/api/v1/tickets/{other}/satisfaction"), &s.admin).await;
    assert_eq!(unanswered.status, StatusCode::NOT_FOUND);
}
