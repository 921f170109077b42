use crate::mail::{set_mail, through, ticket_from};
use crate::surveys::mail_with_links;
use chrono::Utc;
use comptoir_testkit::{ADMIN_EMAIL, Browser, SmtpServer, TestServer, on_both_databases};
use reqwest::StatusCode;
use serde_json::json;

on_both_databases!(
    a_customer_signs_in_by_mail_and_sees_opens_and_answers_only_their_own_tickets,
    sign_in_links_work_once_for_a_while_and_only_so_many_are_sent,
    a_portal_session_opens_nothing_of_the_teams_and_ends_with_its_contact,
    a_company_that_shares_lets_its_contacts_read_each_others_tickets,
    a_requester_attaches_files_to_their_own_ticket_and_reads_no_one_elses,
);

/// The sign-in page's path in the latest mail received.
fn sign_in_path(s: &TestServer, server: &SmtpServer) -> String {
    let text = server.received().last().map(|m| m.text()).unwrap_or_default();
    let start =
        text.find(&format!("{}/portal/sign-in/", s.base_url)).expect("a sign-in link") + s.base_url.len();
    text[start..].split_whitespace().next().unwrap_or_default().to_owned()
}

/// A customer signed in to the portal as whoever `email` is, through the mailed link.
async fn signed_in_customer(s: &TestServer, server: &SmtpServer, email: &str) -> Browser {
    let customer = s.browser();
    customer.accept_language("fr");
    customer.get("/portal").await;
    let asked = customer.post("/portal", &[("email", email)]).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.text);
    assert_eq!(s.app.send_due_mail(Utc::now()).await.expect("a pass"), 1, "one link for {email}");
    let link = sign_in_path(s, server);
    let page = customer.get(&link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let entered = customer.post(&link, &[]).await;
    assert_eq!(entered.status, StatusCode::SEE_OTHER, "{}", entered.text);
    assert_eq!(entered.location(), Some("/portal/tickets"));
    customer
}

async fn a_customer_signs_in_by_mail_and_sees_opens_and_answers_only_their_own_tickets(s: TestServer) {
    let server = SmtpServer::start().await;
    mail_with_links(&s, &server).await;
    let (mine, reference) = ticket_from(&s, "helene@lenoir.fr", "fr").await;
    let (theirs, _) = ticket_from(&s, "jane@lenoir.co.uk", "en").await;

    let customer = s.browser();
    customer.accept_language("fr-FR,fr;q=0.9");
    let start = customer.get("/portal").await;
    assert!(start.contains("Connexion à votre espace client"), "{}", start.text);
    // Whether an address is a customer's is never said: a stranger's gets the same answer.
    let stranger = customer.post("/portal", &[("email", "nobody@example.test")]).await;
    assert!(stranger.contains("un lien de connexion est en route"), "{}", stranger.text);
    assert_eq!(s.app.send_due_mail(Utc::now()).await.expect("a pass"), 0, "nothing to a stranger");
    customer.get("/portal").await;
    let asked = customer.post("/portal", &[("email", " Helene@Lenoir.FR ")]).await;
    assert_eq!(asked.text, stranger.text);
    assert_eq!(s.app.send_due_mail(Utc::now()).await.expect("a pass"), 1);
    let mail = server.received().last().cloned().expect("the link");
    assert_eq!(mail.recipients, ["helene@lenoir.fr"]);
    assert_eq!(mail.subject(), "Votre lien de connexion à l'espace client");
    let link = sign_in_path(&s, &server);
    // Opening the link (as a mail scanner does) uses nothing up; the button signs in, once.
    let scanner = s.browser();
    scanner.accept_language("fr");
    assert_eq!(scanner.get(&link).await.status, StatusCode::OK);
    let page = customer.get(&link).await;
    assert!(page.contains("Se connecter"), "{}", page.text);
    let entered = customer.post(&link, &[]).await;
    assert_eq!(entered.location(), Some("/portal/tickets"), "{}", entered.text);
    assert!(customer.cookie("comptoir_portal").is_some());
    let late = scanner.post(&link, &[]).await;
    assert_eq!(late.status, StatusCode::GONE, "a link works once");
    assert!(late.contains("a expiré ou a déjà servi") && scanner.cookie("comptoir_portal").is_none());

    let list = customer.get("/portal/tickets").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    assert!(list.contains(&reference) && list.contains("Printer jammed"), "{}", list.text);
    assert_eq!(
        list.text.matches("/portal/tickets/").count() - list.text.matches("/portal/tickets/new").count(),
        1
    );
    assert_eq!(list.headers.get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));

    // The team answers and keeps a note for itself: the customer reads the answer only.
    let path = format!("/api/v1/tickets/{mine}/messages");
    s.post(&path, &s.admin, json!({"body": "Note interne : client fidèle", "internal": true})).await;
    s.post(&path, &s.admin, json!({"body": "Avez-vous redémarré l’imprimante ?"})).await;
    let supplier = s.post("/api/v1/contacts", &s.admin, json!({"last_name": "Fournisseur"})).await.id();
    let logged = json!({"kind": "email", "subject": "Pièce", "body": "Pièce commandée chez le fournisseur",
        "ticket_id": mine, "contact_id": supplier, "direction": "outbound"});
    assert_eq!(s.post("/api/v1/activities", &s.admin, logged).await.status, StatusCode::CREATED);
    let shown = customer.get(&format!("/portal/tickets/{mine}")).await;
    assert!(shown.contains("Avez-vous redémarré l’imprimante ?"), "{}", shown.text);
    assert!(!shown.contains("client fidèle"), "{}", shown.text);
    assert!(!shown.contains("fournisseur"), "an email with someone else is the team's: {}", shown.text);
    // Public articles that may answer it are offered to read while waiting; internal ones never.
    for (title, visibility) in
        [("Printer jammed: open the tray", "public"), ("Printer jammed: our supplier", "internal")]
    {
        let article = json!({"title": title, "body": "…", "status": "published", "visibility": visibility});
        assert_eq!(s.post("/api/v1/articles", &s.admin, article).await.status, StatusCode::CREATED);
    }
    let helped = customer.get(&format!("/portal/tickets/{mine}")).await;
    assert!(helped.contains("open the tray") && !helped.contains("our supplier"), "{}", helped.text);

    // Solved, then answered by the customer: open again, on the contact's timeline.
    s.patch(&format!("/api/v1/tickets/{mine}"), &s.admin, json!({"status": "solved"})).await;
    let said =
        customer.post(&format!("/portal/tickets/{mine}/replies"), &[("body", "Toujours bloquée")]).await;
    assert_eq!(said.status, StatusCode::SEE_OTHER, "{}", said.text);
    let ticket = s.get(&format!("/api/v1/tickets/{mine}"), &s.admin).await;
    assert_eq!(ticket.body["status"], "open");
    assert_eq!(s.events_named("ticket.reopened").await, 1);
    let contact = ticket.body["contact_id"].as_str().expect("a requester").to_owned();
    let timeline = s.get(&format!("/api/v1/contacts/{contact}/timeline"), &s.admin).await;
    let inbound: Vec<&str> = timeline.body["data"]
        .as_array()
        .expect("activities")
        .iter()
        .filter(|a| a["direction"] == "inbound")
        .filter_map(|a| a["body"].as_str())
        .collect();
    assert_eq!(inbound, ["Toujours bloquée"]);
    // The agent who holds the ticket (who answered it) is told, in the outbox's next pass.
    s.app.send_due_mail(Utc::now()).await.expect("a pass");
    let told = server.received().into_iter().find(|m| m.recipients == [ADMIN_EMAIL]);
    let told = told.expect("a notice to the agent");
    assert_eq!(
        told.subject(),
        format!("[{reference}] Le client a répondu"),
        "in the mail settings' language"
    );
    assert!(told.text().contains("Toujours bloquée"), "{}", told.text());
    let empty = customer.post(&format!("/portal/tickets/{mine}/replies"), &[("body", "  ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.contains("est obligatoire"), "{}", empty.text);

    // Someone else's ticket does not exist, whatever is tried on it.
    assert_eq!(customer.get(&format!("/portal/tickets/{theirs}")).await.status, StatusCode::NOT_FOUND);
    let other_before = s.get(&format!("/api/v1/tickets/{theirs}"), &s.admin).await;
    let pried = customer.post(&format!("/portal/tickets/{theirs}/replies"), &[("body", "Coucou")]).await;
    assert_eq!(pried.status, StatusCode::NOT_FOUND);
    let other_after = s.get(&format!("/api/v1/tickets/{theirs}"), &s.admin).await;
    assert_eq!(other_after.body["version"], other_before.body["version"]);
    assert_eq!(customer.get("/portal/tickets/not-an-id").await.status, StatusCode::NOT_FOUND);

    // A new request lands in the team's queue, from the portal, for the customer.
    customer.get("/portal/tickets/new").await;
    let csrf = customer.csrf();
    // Refused, the request comes back as typed, and a file sent with it must be chosen again.
    let pdf = ("facture.pdf", "application/pdf", &b"%PDF-1.4"[..]);
    let blank = [("_csrf", csrf.as_str()), ("subject", "Facture"), ("description", "")];
    let blank = customer.upload_with("/portal/tickets", &blank, pdf.0, pdf.1, pdf.2).await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        blank.contains("id=\"description-error\"")
            && blank.contains("value=\"Facture\"")
            && blank.contains("Choisissez de nouveau le fichier"),
        "{}",
        blank.text
    );
    let sent =
        [("_csrf", csrf.as_str()), ("subject", "Facture en double"), ("description", "Reçue deux fois.")];
    let opened = customer.upload_with("/portal/tickets", &sent, pdf.0, pdf.1, pdf.2).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.text);
    let new_id =
        opened.location().and_then(|l| l.strip_prefix("/portal/tickets/")).expect("the ticket").to_owned();
    let created = s.get(&format!("/api/v1/tickets/{new_id}"), &s.admin).await;
    assert_eq!(
        (
            created.body["channel"].as_str(),
            created.body["contact_id"].as_str(),
            created.body["status"].as_str()
        ),
        (Some("portal"), Some(contact.as_str()), Some("new"))
    );
    assert_eq!(created.body["assignee_id"], json!(null), "waits in the team's queue");
    let files = s.get(&format!("/api/v1/tickets/{new_id}/attachments"), &s.admin).await;
    assert_eq!(files.body["data"][0]["file_name"], "facture.pdf", "the file came with the request");
    assert_eq!(files.body["data"][0]["from_requester"], true);
    assert!(customer.get(&format!("/portal/tickets/{new_id}")).await.contains("Reçue deux fois."));
    s.app.send_due_mail(Utc::now()).await.expect("a pass");
    let new_reference = created.body["reference"].as_str().expect("a reference").to_owned();
    let received = server.received().last().cloned().expect("the acknowledgement");
    assert_eq!(received.recipients, ["helene@lenoir.fr"]);
    assert_eq!(received.subject(), format!("[{new_reference}] Demande reçue : Facture en double"));
    assert!(
        received.text().contains(&format!("{}/portal/tickets/{new_id}", s.base_url)),
        "{}",
        received.text()
    );

    // A form without the session's token changes nothing.
    let forged =
        customer.post_exactly(&format!("/portal/tickets/{mine}/replies"), &[("body", "Forgé")], &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let english = customer.get("/portal/tickets?lang=en").await;
    assert!(english.contains("My requests") && english.contains("In progress"), "{}", english.text);

    customer.post("/portal/sign-out", &[]).await;
    assert_eq!(customer.get("/portal/tickets").await.location(), Some("/portal"));
}

async fn sign_in_links_work_once_for_a_while_and_only_so_many_are_sent(s: TestServer) {
    let server = SmtpServer::start().await;
    let customer = s.browser();
    customer.accept_language("fr");
    ticket_from(&s, "helene@lenoir.fr", "fr").await;
    // Without mail nobody can be sent a link: the portal says it is not open.
    assert!(customer.get("/portal").await.contains("pas encore ouvert"));
    let set = set_mail(&s, &s.admin, through(server.port)).await;
    assert_eq!(set.status, StatusCode::OK, "{:?}", set.body);
    assert!(customer.get("/portal").await.contains("pas encore ouvert"), "links need the site's address");
    mail_with_links(&s, &server).await;
    for _ in 0..5 {
        customer.get("/portal").await;
        let asked = customer.post("/portal", &[("email", "helene@lenoir.fr")]).await;
        assert!(asked.contains("un lien de connexion est en route"), "the same answer: {}", asked.text);
    }
    assert_eq!(s.app.send_due_mail(Utc::now()).await.expect("a pass"), 3, "three links a quarter of an hour");
    let link = sign_in_path(&s, &server);
    let late = s.browser();
    late.accept_language("fr");
    assert_eq!(late.get(&link).await.status, StatusCode::OK);
    s.execute_sql(
        "UPDATE portal_links SET expires_at = '2000-01-01 00:00:00+00:00'",
        "UPDATE portal_links SET expires_at = now() - interval '1 minute'",
    )
    .await;
    let expired = customer.get(&link).await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert!(expired.contains("a expiré ou a déjà servi"), "{}", expired.text);
    assert_eq!(late.post(&link, &[]).await.status, StatusCode::GONE, "the page was open before it expired");
    assert!(late.cookie("comptoir_portal").is_none());
    assert_eq!(customer.get("/portal/sign-in/made-up").await.status, StatusCode::GONE);
    // A form from elsewhere, without the page's token, signs nobody in.
    let forged = s.browser().post_exactly(&link, &[], &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(s.app.expire_sessions(Utc::now()).await.expect("swept") >= 3, "the expired links are forgotten");
}

async fn a_portal_session_opens_nothing_of_the_teams_and_ends_with_its_contact(s: TestServer) {
    let server = SmtpServer::start().await;
    mail_with_links(&s, &server).await;
    let (mine, _) = ticket_from(&s, "helene@lenoir.fr", "fr").await;
    let customer = signed_in_customer(&s, &server, "helene@lenoir.fr").await;
    for team_page in ["/", "/contacts", &format!("/tickets/{mine}")] {
        let page = customer.get(team_page).await;
        assert!(page.location().is_some_and(|l| l.starts_with("/sign-in")), "{team_page}: {:?}", page.status);
    }
    let team = s.signed_in(ADMIN_EMAIL).await;
    assert_eq!(team.get("/portal/tickets").await.location(), Some("/portal"), "a user is no customer");

    let ticket = s.get(&format!("/api/v1/tickets/{mine}"), &s.admin).await;
    let contact = ticket.body["contact_id"].as_str().expect("a requester").to_owned();
    let erased = s.delete(&format!("/api/v1/contacts/{contact}"), &s.admin).await;
    assert_eq!(erased.status, StatusCode::NO_CONTENT, "{:?}", erased.body);
    assert_eq!(customer.get("/portal/tickets").await.location(), Some("/portal"), "gone with its contact");
}

async fn a_company_that_shares_lets_its_contacts_read_each_others_tickets(s: TestServer) {
    let server = SmtpServer::start().await;
    mail_with_links(&s, &server).await;
    let company = s.post("/api/v1/companies", &s.admin, json!({"name": "Lenoir SA"})).await;
    assert_eq!(company.body["portal_shares_tickets"], false, "off unless turned on");
    let company = company.id();
    let mut tickets = Vec::new();
    for (last_name, email, subject, company_id) in [
        ("Lenoir", "helene@lenoir.fr", "Imprimante", Some(&company)),
        ("Morel", "paul@lenoir.fr", "Scanner", Some(&company)),
        ("Smith", "jane@smith.co.uk", "Printer", None),
    ] {
        let body = json!({"last_name": last_name, "emails": [email], "company_id": company_id});
        let contact = s.post("/api/v1/contacts", &s.admin, body).await.id();
        let ticket =
            s.post("/api/v1/tickets", &s.admin, json!({"subject": subject, "contact_id": contact})).await;
        tickets.push(ticket.id());
    }
    let [mine, colleagues, strangers] = [&tickets[0], &tickets[1], &tickets[2]];
    let customer = signed_in_customer(&s, &server, "helene@lenoir.fr").await;
    let list = customer.get("/portal/tickets").await;
    assert!(list.contains("Imprimante") && !list.contains("Scanner"), "{}", list.text);
    assert_eq!(customer.get(&format!("/portal/tickets/{colleagues}")).await.status, StatusCode::NOT_FOUND);

    let shared = s
        .patch(&format!("/api/v1/companies/{company}"), &s.admin, json!({"portal_shares_tickets": true}))
        .await;
    assert_eq!(shared.status, StatusCode::OK, "{:?}", shared.body);
    let list = customer.get("/portal/tickets").await;
    assert!(
        list.contains("Imprimante") && list.contains("Scanner") && list.contains("Morel"),
        "{}",
        list.text
    );
    assert!(!list.contains("Printer"), "{}", list.text);
    let theirs = customer.get(&format!("/portal/tickets/{colleagues}")).await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(theirs.contains("c’est lui qui y répond") && !theirs.contains("/replies"), "{}", theirs.text);
    let answered =
        customer.post(&format!("/portal/tickets/{colleagues}/replies"), &[("body", "Moi aussi")]).await;
    assert_eq!(answered.status, StatusCode::FORBIDDEN, "read, not answered");
    assert!(customer.get(&format!("/portal/tickets/{mine}")).await.contains("/replies"));
    for path in [format!("/portal/tickets/{strangers}"), format!("/portal/tickets/{strangers}/replies")] {
        let tried = if path.ends_with("replies") {
            customer.post(&path, &[("body", "Coucou")]).await
        } else {
            customer.get(&path).await
        };
        assert_eq!(tried.status, StatusCode::NOT_FOUND, "{path}");
    }
}

async fn a_requester_attaches_files_to_their_own_ticket_and_reads_no_one_elses(s: TestServer) {
    let server = SmtpServer::start().await;
    mail_with_links(&s, &server).await;
    let (mine, _) = ticket_from(&s, "helene@lenoir.fr", "fr").await;
    let (theirs, _) = ticket_from(&s, "jane@lenoir.co.uk", "en").await;
    let customer = signed_in_customer(&s, &server, "helene@lenoir.fr").await;
    let page = customer.get(&format!("/portal/tickets/{mine}")).await;
    assert!(page.contains("Ajouter un fichier"), "{}", page.text);
    let csrf = customer.csrf();
    let path = format!("/portal/tickets/{mine}/files");
    let sent =
        customer.upload_with(&path, &[("_csrf", &csrf)], "capture.txt", "text/plain", b"Erreur 42").await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);
    let listed = s.get(&format!("/api/v1/tickets/{mine}/attachments"), &s.admin).await;
    let file = listed.body["data"][0].clone();
    assert_eq!(
        (file["file_name"].as_str(), file["from_requester"].as_bool()),
        (Some("capture.txt"), Some(true))
    );
    let href = format!("{path}/{}", file["id"].as_str().unwrap_or_default());
    let page = customer.get(&format!("/portal/tickets/{mine}")).await;
    assert!(page.contains(&href) && page.contains("de votre part"), "{}", page.text);
    assert_eq!(customer.get(&href).await.text, "Erreur 42");

    // Someone else's ticket and files are nowhere to be found, by reading or by writing.
    let jane = signed_in_customer(&s, &server, "jane@lenoir.co.uk").await;
    assert_eq!(jane.get(&href).await.status, StatusCode::NOT_FOUND);
    jane.get(&format!("/portal/tickets/{theirs}")).await;
    let csrf = jane.csrf();
    let into_mine = jane.upload_with(&path, &[("_csrf", &csrf)], "x.txt", "text/plain", b"x").await;
    assert_eq!(into_mine.status, StatusCode::NOT_FOUND);
    let sideways = format!("/portal/tickets/{theirs}/files/{}", file["id"].as_str().unwrap_or_default());
    assert_eq!(
        jane.get(&sideways).await.status,
        StatusCode::NOT_FOUND,
        "a file is read through its own ticket"
    );
    assert_eq!(
        s.get(&format!("/api/v1/tickets/{mine}/attachments"), &s.admin).await.body["data"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );

    // Closed, the ticket takes no more files.
    let closed = s.patch(&format!("/api/v1/tickets/{mine}"), &s.admin, json!({"status": "closed"})).await;
    assert_eq!(closed.status, StatusCode::OK, "{:?}", closed.body);
    let csrf = customer.csrf();
    let late = customer.upload_with(&path, &[("_csrf", &csrf)], "encore.txt", "text/plain", b"y").await;
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(late.contains("un ticket clos ne prend plus de fichiers"), "{}", late.text);
}
