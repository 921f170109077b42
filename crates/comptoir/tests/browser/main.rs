//! The interface in a real browser: headless Chromium driven through chromedriver (Debian's
//! `chromium` and `chromium-driver`), against a real server. Skipped, and said so, where they
//! are not installed; under CI their absence is a failure.
//!
//! `UPDATE_SCREENSHOTS=1 cargo test --test browser` refreshes `docs/screenshots/` (all but
//! `quote-pdf.png`, the first page of a printed quote, made with `pdftoppm -r 110 -png`).

mod driver;

use comptoir_testkit::{ADMIN_EMAIL, ADMIN_PASSWORD, TestServer};
use driver::Browser;
use serde_json::json;

/// Signs in, then creates a contact with a bad email, sees the error, fixes it, logs a call,
/// finds the contact again by an accent-free search, edits a field in place and switches the
/// language; axe-core checks every page on the way.
async fn a_salesperson_works_through_the_day(server: TestServer, save_screenshots: bool) {
    let Some(browser) = Browser::start(&server.base_url, save_screenshots).await else { return };
    server
        .post(
            "/api/v1/companies",
            &server.admin,
            json!({"name": "Boulangerie Dupont", "addresses": [{"city": "Lyon"}]}),
        )
        .await;

    browser.goto("/").await;
    browser.check_accessibility("sign-in").await;
    browser.fill("#email", ADMIN_EMAIL).await;
    browser.fill("#password", ADMIN_PASSWORD).await;
    browser.click("button[type=submit]").await;
    browser.wait_for("h1", "Hello, Admin").await;
    browser.check_accessibility("home").await;

    browser.goto("/contacts/new").await;
    browser.check_accessibility("new contact").await;
    browser.fill("#f-first_name", "Hélène").await;
    browser.fill("#f-last_name", "Dupont").await;
    browser.fill("#f-emails", "helene.dupont@").await;
    browser.fill("#f-company", "Boulangerie Dupont").await;
    browser.click("form.card button[type=submit]").await;
    browser.wait_for("#e-emails", "is not a valid email address").await;
    // Shown alone under its field, the message starts as a sentence does.
    let first_letter = browser
        .run("return getComputedStyle(document.querySelector('#e-emails'), '::first-letter').textTransform")
        .await;
    assert_eq!(first_letter, "uppercase");
    assert_eq!(browser.value("#f-first_name").await, "Hélène", "what was typed is still there");
    browser.check_accessibility("refused form").await;
    browser.fill("#f-emails", "helene.dupont@exemple.fr").await;
    browser.click("form.card button[type=submit]").await;
    browser.wait_for("h1", "Hélène Dupont").await;
    assert!(browser.text(".page-head").await.contains("Boulangerie Dupont"));

    browser.select("[data-composer] #f-kind", "call").await;
    browser.fill("[data-composer] #f-subject", "Premier appel").await;
    browser.select("[data-composer] #f-outcome", "connected").await;
    browser.fill("[data-composer] #f-duration_minutes", "7").await;
    browser.click("[data-composer] button[type=submit]").await;
    browser.wait_for("#timeline-items", "Premier appel").await;
    assert!(browser.text("#timeline-items").await.contains("7 minutes"));
    browser.check_accessibility("contact").await;

    browser.goto("/").await;
    browser.press("/").await;
    assert_eq!(browser.focused_id().await, "global-search", "/ jumps to the search");
    browser.type_into("#global-search", "helene").await;
    browser.wait_for("#search-results", "Hélène Dupont").await;
    browser.screenshot("search").await;
    browser.type_into("#global-search", "\u{E007}").await;
    browser.wait_for("h1", "Hélène Dupont").await;

    browser.click("#prop-job_title a.edit").await;
    browser.wait_for_element("#prop-job_title input[name=job_title]").await;
    browser.fill("#prop-job_title input[name=job_title]", "Gérante").await;
    browser.click("#prop-job_title button[type=submit]").await;
    browser.wait_for("#prop-job_title .inline-value", "Gérante").await;
    let read = server.get("/api/v1/contacts?q=helene", &server.admin).await;
    assert_eq!(read.body["data"][0]["job_title"], "Gérante", "the inline edit was saved");
    let contact = read.body["data"][0]["id"].as_str().unwrap_or_default().to_owned();
    let focus_on = |css: &'static str| format!("return document.activeElement.matches('{css}');");
    assert_eq!(
        browser.run(&focus_on("#prop-job_title a.edit")).await,
        json!(true),
        "focus back on the field"
    );
    // A click on the value opens it; Escape cancels and leaves the focus on the field.
    browser.click("#prop-job_title .inline-value").await;
    browser.wait_for_element("#prop-job_title input[name=job_title]").await;
    assert_eq!(browser.run(&focus_on("#prop-job_title input[name=job_title]")).await, json!(true));
    browser.type_into("#prop-job_title input[name=job_title]", "\u{E00C}").await;
    browser.wait_for("#prop-job_title .inline-value", "Gérante").await;
    assert_eq!(browser.run(&focus_on("#prop-job_title a.edit")).await, json!(true), "Escape keeps the focus");

    // Someone else saves the same field meanwhile: the edit says so instead of vanishing.
    browser.click("#prop-job_title a.edit").await;
    browser.wait_for_element("#prop-job_title input[name=job_title]").await;
    server
        .patch(&format!("/api/v1/contacts/{contact}"), &server.admin, json!({"job_title": "Directrice"}))
        .await;
    browser.fill("#prop-job_title input[name=job_title]", "Gérante associée").await;
    browser.click("#prop-job_title button[type=submit]").await;
    browser.wait_for("#prop-job_title", "Someone else saved this record").await;
    assert!(browser.text("#prop-job_title").await.contains("Their value: Directrice"));
    browser.check_accessibility("a conflicting edit").await;
    browser.click("#prop-job_title button[type=submit]").await;
    browser.wait_for("#prop-job_title .inline-value", "Gérante associée").await;

    // The stage changed in place shows in the page's head too.
    browser.click("#prop-lifecycle_stage a.edit").await;
    browser.wait_for_element("#prop-lifecycle_stage select").await;
    browser.select("#prop-lifecycle_stage select", "customer").await;
    browser.click("#prop-lifecycle_stage button[type=submit]").await;
    browser.wait_for("#record-head .badge", "Customer").await;

    browser.click(".usermenu button[name=lang]").await;
    browser.wait_for("nav.mainnav", "Entreprises").await;
    assert_eq!(browser.attribute("html", "lang").await.as_deref(), Some("fr"));
    browser.check_accessibility("contact in French").await;

    seed_a_working_week(&server, &contact).await;
    browser.goto("/contacts").await;
    browser.select("#f-1", "lifecycle_stage").await;
    browser.wait_for_element("select#v-1 option[value=customer]").await;
    browser.select("#v-1", "customer").await;
    browser.click("form.filter-bar button[type=submit]").await;
    browser.wait_for("table.data", "Bernard").await;
    let customers = browser.text("table.data").await;
    assert!(customers.contains("Lefèvre") && !customers.contains("Roux"), "only customers: {customers}");
    assert_eq!(browser.value("#v-1").await, "customer", "the bar shows the stage it filters on");
    browser.check_accessibility("contacts filtered by stage").await;
    // A company is filtered on as it is typed, with suggestions.
    browser.select("#f-2", "company_name").await;
    browser.wait_for_element("input#v-2[list=company-names-2]").await;
    browser.type_into("#v-2", "Boul").await;
    browser.wait_for_element("#company-names-2 option[value='Boulangerie Dupont']").await;
    // "Between" shows the range's last day beside the first, without a round trip.
    browser.select("#f-2", "created_at").await;
    browser.wait_for_element("input#w-2[type=date]").await;
    let shown = "return getComputedStyle(document.querySelector('#w-2').parentElement).display;";
    assert_eq!(browser.run(shown).await, json!("none"), "hidden until a range is chosen");
    browser.select("#o-2", "between").await;
    assert_eq!(browser.run(shown).await, json!("flex"), "a flex item of its line");
    browser.check_accessibility("a range of days in the filter bar").await;

    browser.goto(&format!("/contacts/{contact}")).await;
    browser.check_accessibility("contact with a full timeline").await;
    browser.screenshot("contact").await;
    for (path, name) in [("/contacts", "contacts"), ("/companies", "companies"), ("/", "home")] {
        browser.goto(path).await;
        browser.check_accessibility(name).await;
        browser.screenshot(name).await;
    }
    let company = browser.first_link("/companies/0").await;
    browser.goto(&company).await;
    browser.check_accessibility("company").await;
    browser.screenshot("company").await;
    server
        .post(
            "/api/v1/custom-fields",
            &server.admin,
            json!({"object_type": "contact", "key": "budget", "label": "Budget", "field_type": "currency"}),
        )
        .await;
    let timeline = server.get(&format!("/api/v1/contacts/{contact}/timeline"), &server.admin).await;
    let activity = timeline.body["data"][0]["id"].as_str().unwrap_or_default().to_owned();
    let field = server.get("/api/v1/custom-fields", &server.admin).await.body["data"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let webhook = server
        .post(
            "/api/v1/webhooks",
            &server.admin,
            json!({"url": "http://127.0.0.1:9/hook", "event_types": ["contact.*"]}),
        )
        .await
        .id();
    server.post(&format!("/api/v1/webhooks/{webhook}/test"), &server.admin, json!({})).await;
    server.post("/api/v1/duplicates/scan", &server.admin, json!({})).await;
    while server.get("/api/v1/duplicates/scan", &server.admin).await.body["running"] == true {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let pairs = server.get("/api/v1/duplicates?limit=1", &server.admin).await;
    let pair = pairs.body["data"][0]["id"].as_str().map(|id| format!("/duplicates/{id}"));
    let ticket = server
        .post("/api/v1/tickets", &server.admin, json!({"subject": "Four en panne", "contact_id": contact}))
        .await
        .id();
    server
        .post(
            &format!("/api/v1/tickets/{ticket}/messages"),
            &server.admin,
            json!({"body": "Un technicien passe demain"}),
        )
        .await;
    let article = server
        .post(
            "/api/v1/articles",
            &server.admin,
            json!({"title": "Quand le four tombe en panne", "body": "Coupez le courant.\n\nAppelez le service.",
                   "status": "published", "visibility": "public", "category": "Dépannage"}),
        )
        .await
        .id();
    let survey = survey_for(&server, &ticket).await;
    let team = json!({"name": "Support N1", "members": [{"user_id": server.admin_id}], "categories": ["Dépannage"], "languages": ["en"]});
    assert_eq!(server.post("/api/v1/teams", &server.admin, team).await.status, reqwest::StatusCode::CREATED);
    let template = json!({"name": "Salon 2026", "mapping": {"Interlocuteur": "full_name", "Stand": ""}});
    let kept = server.post("/api/v1/import-templates", &server.admin, template).await;
    assert_eq!(kept.status, reqwest::StatusCode::CREATED);
    let others = [
        survey.clone(),
        "/articles".to_owned(),
        "/articles/new".to_owned(),
        format!("/articles/{article}"),
        format!("/articles/{article}/edit"),
        "/macros".to_owned(),
        "/teams".to_owned(),
        "/help".to_owned(),
        format!("/help/{article}"),
        "/tickets".to_owned(),
        "/tickets/new".to_owned(),
        format!("/tickets/{ticket}"),
        "/tickets/report".to_owned(),
        "/imports".to_owned(),
        "/duplicates".to_owned(),
        pair.unwrap_or_else(|| "/duplicates".to_owned()),
        "/account".to_owned(),
        "/settings/webhooks".to_owned(),
        format!("/settings/webhooks/{webhook}"),
        "/settings/users".to_owned(),
        format!("/settings/users/{}", server.admin_id),
        "/settings/tokens".to_owned(),
        "/settings/mail".to_owned(),
        "/settings/exchange-rates".to_owned(),
        "/settings/pipelines".to_owned(),
        "/settings/pipelines/new".to_owned(),
        "/settings/service-levels".to_owned(),
        "/settings/fields".to_owned(),
        format!("/settings/fields/{field}"),
        "/contacts/new".to_owned(),
        format!("/contacts/{contact}/edit"),
        "/companies/new".to_owned(),
        format!("/activities/{activity}/edit"),
        "/search?q=dup".to_owned(),
        "/contacts/00000000-0000-7000-8000-000000000000".to_owned(),
    ];
    for path in &others {
        browser.goto(path).await;
        browser.check_accessibility(path).await;
    }
    browser.goto("/settings/fields").await;
    browser.screenshot("settings").await;

    browser.goto("/tasks").await;
    browser.check_accessibility("tasks").await;
    browser.screenshot("tasks").await;
    browser.click("#group-today button[type=submit]").await;
    browser.wait_for("#group-today", "Fait : Préparer le devis").await;
    assert!(
        browser.text("#group-today").await.contains("Fait : Préparer le devis"),
        "marked done where it stood"
    );
    let read = server.get(&format!("/api/v1/contacts/{contact}/timeline"), &server.admin).await;
    let task = read.body["data"]
        .as_array()
        .and_then(|items| items.iter().find(|a| a["subject"] == "Préparer le devis"));
    assert_eq!(task.map(|t| t["done"].clone()), Some(json!(true)));

    browser.resize(390, 844).await;
    browser.goto("/contacts").await;
    browser.check_accessibility("contacts on a phone").await;
    let layout = browser
        .run(
            "return { cards: getComputedStyle(document.querySelector('.data tbody tr')).display,
                      overflow: document.documentElement.scrollWidth > document.documentElement.clientWidth };",
        )
        .await;
    assert_eq!(layout, json!({"cards": "block", "overflow": false}), "a list of cards that fits the phone");
    browser.run("document.querySelector('.table-wrap').scrollIntoView(); return null;").await;
    browser.screenshot("contacts-phone").await;
    browser.goto(&format!("/contacts/{contact}")).await;
    let call = browser
        .run("var a = document.querySelector('.page-head a[href^=\"tel:\"]'); return a && a.getBoundingClientRect().bottom;")
        .await;
    assert!(call.as_f64().is_some_and(|bottom| bottom < 844.0), "tap-to-call on the first screen: {call}");
    browser.check_accessibility("contact on a phone").await;
    // Customer service's pages fit the phone too.
    let fits = "return document.documentElement.scrollWidth <= document.documentElement.clientWidth;";
    for path in [
        format!("/tickets/{ticket}"),
        "/tickets/report".to_owned(),
        "/articles".to_owned(),
        format!("/articles/{article}"),
        "/macros".to_owned(),
        "/teams".to_owned(),
        "/help".to_owned(),
        "/settings/service-levels".to_owned(),
    ] {
        browser.goto(&path).await;
        let wide = "var w = document.documentElement.clientWidth; return Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > w + 1).slice(0, 12).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right));";
        assert_eq!(
            browser.run(fits).await,
            json!(true),
            "{path} fits the phone: {}",
            browser.run(wide).await
        );
    }

    // The requester answers their survey on their phone.
    browser.goto(&survey).await;
    assert_eq!(browser.run(fits).await, json!(true), "the survey fits the phone");
    browser.click("input[name=score][value='5']").await;
    browser.fill("#comment", "Très réactifs").await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for("main", "Votre avis est bien enregistré").await;
    browser.check_accessibility("survey answered").await;
    let rated = server.get(&format!("/api/v1/tickets/{ticket}"), &server.admin).await;
    assert_eq!(rated.body["satisfaction"], 5);

    // And follows their requests in the portal, still on their phone.
    browser.goto(&portal_link_for(&server, "helene.dupont@exemple.fr").await).await;
    browser.check_accessibility("portal sign-in link").await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for("main", "Four en panne").await;
    for path in
        ["/portal/tickets".to_owned(), format!("/portal/tickets/{ticket}"), "/portal/tickets/new".to_owned()]
    {
        browser.goto(&path).await;
        browser.check_accessibility(&path).await;
        assert_eq!(browser.run(fits).await, json!(true), "{path} fits the phone");
    }
    browser.fill("#subject", "Porte du four").await;
    browser.fill("#description", "La porte ne ferme plus.").await;
    browser.click("main form.stack button[type=submit]").await;
    browser.wait_for("main", "La porte ne ferme plus.").await;
    browser.screenshot("portal-ticket").await;
    browser.click("nav.portal-nav form button[type=submit]").await;
    browser.wait_for_element("form[action='/portal'] input[type=email]").await;
    browser.check_accessibility("/portal").await;
    browser.close().await;
}

/// The path of a portal sign-in link mailed to `email`.
async fn portal_link_for(server: &TestServer, email: &str) -> String {
    let smtp = comptoir_testkit::SmtpServer::start().await;
    mail_through(server, &smtp).await;
    let french = comptoir_domain::mail::MailLanguage::Fr;
    assert!(server.app.request_portal_link(email, french).await.expect("a link"), "the portal is open");
    assert_eq!(server.app.send_due_mail(chrono::Utc::now()).await.expect("a pass"), 1);
    let text = smtp.received().last().map(|m| m.text()).unwrap_or_default();
    let start = text.find("/portal/sign-in/").expect("a sign-in link");
    text[start..].split_whitespace().next().unwrap_or_default().to_owned()
}

/// Solves `ticket` and returns the path of the survey its requester was sent.
async fn survey_for(server: &TestServer, ticket: &str) -> String {
    let smtp = comptoir_testkit::SmtpServer::start().await;
    mail_through(server, &smtp).await;
    server.patch(&format!("/api/v1/tickets/{ticket}"), &server.admin, json!({"status": "solved"})).await;
    let later = chrono::Utc::now() + chrono::Duration::hours(2);
    assert_eq!(server.app.send_surveys(later).await.expect("a pass"), 1);
    server.app.send_due_mail(later).await.expect("a pass");
    let text = smtp.received().last().map(|m| m.text()).unwrap_or_default();
    let start = text.find("/survey/").expect("a survey link");
    let path = &text[start..];
    path[..path.find('?').expect("a score")].to_owned()
}

/// Enough records for lists and pages to look like a team's, not an empty instance.
async fn seed_a_working_week(server: &TestServer, contact: &str) {
    let today = chrono::Utc::now();
    let companies = [
        ("Atelier Lefèvre", "Nantes", "Menuiserie", "customer"),
        ("Cave Moreau & Fils", "Bordeaux", "Vins", "prospect"),
        ("Imprimerie Garnier", "Lille", "Imprimerie", "supplier"),
        ("Studio Petitjean", "Paris", "Design", "partner"),
    ];
    for (name, city, industry, relationship) in companies {
        server
            .post(
                "/api/v1/companies",
                &server.admin,
                json!({"name": name, "industry": industry, "relationship_type": relationship, "addresses": [{"city": city}]}),
            )
            .await;
    }
    let people = [
        ("Camille", "Bernard", "Nantes", "customer"),
        ("Julien", "Moreau", "Bordeaux", "opportunity"),
        ("Sophie", "Garnier", "Lille", "lead"),
        ("Thomas", "Petitjean", "Paris", "sales_qualified"),
        ("Élodie", "Lefèvre", "Nantes", "customer"),
        ("Nicolas", "Roux", "Lyon", "lead"),
    ];
    for (first, last, city, stage) in people {
        let email = format!("{}.{}@exemple.fr", first.to_lowercase(), last.to_lowercase())
            .replace('é', "e")
            .replace('É', "e");
        server
            .post(
                "/api/v1/contacts",
                &server.admin,
                json!({"first_name": first, "last_name": last, "emails": [email], "address": {"city": city},
                       "lifecycle_stage": stage, "phones": ["06 12 34 56 78"]}),
            )
            .await;
    }
    server
        .patch(&format!("/api/v1/contacts/{contact}"), &server.admin, json!({"phones": ["04 78 12 34 56"], "tags": ["boulangerie", "fidèle"], "address": {"city": "Lyon"}}))
        .await;
    let entries = [
        json!({"kind": "note", "body": "Souhaite un devis pour trois fours avant la fin du mois."}),
        json!({"kind": "meeting", "subject": "Visite de la boutique", "location": "Lyon 2e"}),
        json!({"kind": "email", "subject": "Catalogue 2027 envoyé", "direction": "outbound"}),
        json!({"kind": "task", "subject": "Préparer le devis", "due_at": today.to_rfc3339(), "assignee_id": server.admin_id}),
    ];
    for entry in entries {
        let mut body = entry;
        body["contact_id"] = json!(contact);
        server.post("/api/v1/activities", &server.admin, body).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_salesperson_works_through_the_day_on_sqlite() {
    a_salesperson_works_through_the_day(TestServer::sqlite().await, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_salesperson_works_through_the_day_on_postgres() {
    if let Some(server) = TestServer::postgres().await {
        a_salesperson_works_through_the_day(server, false).await;
    }
}

/// A running import's page follows the progress the server pushes to it, then shows the
/// import whole once it has stopped, without anyone reloading it.
async fn an_import_page_follows_its_progress(server: TestServer) {
    let sent = server
        .client
        .post(format!("{}/api/v1/imports?kind=contacts", server.base_url))
        .bearer_auth(&server.admin)
        .header("content-type", "text/csv")
        .body("Nom;E-mail\r\nDupré;helene@exemple.fr\r\nNúñez;nunez@exemple.fr\r\n")
        .send()
        .await
        .expect("the server answers");
    let location = sent.headers()["location"].to_str().expect("the import's address").to_owned();
    let mut import = json!(null);
    for _ in 0..200 {
        import = server.get(&location, &server.admin).await.body;
        if import["status"] != "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let id = import["id"].as_str().expect("an id").to_owned();
    let size = import["file_bytes"].as_u64().expect("a size");
    // As the import is seen while it runs, a third of its file read, then two thirds.
    let at = |read: u64| {
        let now = chrono::Utc::now().to_rfc3339();
        let sql = format!("UPDATE imports SET status = 'running', bytes_read = {read}, updated_at = '{now}'");
        (sql.clone(), sql.replace(&format!("'{now}'"), "now()"))
    };
    let (sqlite, postgres) = at(size / 3);
    server.execute_sql(&sqlite, &postgres).await;

    let Some(browser) = signed_in(&server, false).await else { return };
    browser.goto(&format!("/imports/{id}")).await;
    browser.wait_for(".page-head p.muted", "In progress").await;
    let (sqlite, postgres) = at(size * 2 / 3);
    server.execute_sql(&sqlite, &postgres).await;
    browser.wait_for("[data-percent]", &(size * 2 / 3 * 100 / size).to_string()).await;
    let done = "UPDATE imports SET status = 'done', bytes_read = file_bytes";
    server.execute_sql(done, done).await;
    browser.wait_for(".page-head p.muted", "Done").await;
    assert_eq!(browser.run("return document.querySelectorAll('[data-progress]').length").await, json!(0));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_page_follows_its_progress_on_sqlite() {
    an_import_page_follows_its_progress(TestServer::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_page_follows_its_progress_on_postgres() {
    if let Some(server) = TestServer::postgres().await {
        an_import_page_follows_its_progress(server).await;
    }
}

/// The first visit to an empty instance creates the first admin and signs them in.
async fn the_first_visit_sets_up_an_admin(server: TestServer) {
    server.forget_all_users().await;
    let Some(browser) = Browser::start(&server.base_url, false).await else { return };
    browser.goto("/").await;
    browser.wait_for("h2", "Create the first administrator").await;
    browser.check_accessibility("set-up").await;
    browser.fill("#f-display_name", "Marie Curie").await;
    browser.fill("#f-email", "marie@exemple.fr").await;
    browser.fill("#f-password", "trop court").await;
    browser.click("button[type=submit]").await;
    browser.wait_for("#e-password", "at least 12 characters").await;
    browser.check_accessibility("refused set-up").await;
    browser.fill("#f-password", "un mot de passe assez long").await;
    browser.click("button[type=submit]").await;
    browser.wait_for("h1", "Hello, Marie").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_visit_sets_up_an_admin_on_sqlite() {
    the_first_visit_sets_up_an_admin(TestServer::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_visit_sets_up_an_admin_on_postgres() {
    if let Some(server) = TestServer::postgres().await {
        the_first_visit_sets_up_an_admin(server).await;
    }
}

/// A manager starts the first pipeline from the empty board, then moves deals: with the
/// keyboard through a card's own form, by dragging a card to another column, and to "lost",
/// which asks for the reason first. The forecast and a deal's page follow; axe-core checks
/// every page, and the board fits a phone by scrolling sideways inside itself.
async fn deals_move_across_the_board(server: TestServer, save_screenshots: bool) {
    let Some(browser) = signed_in(&server, save_screenshots).await else { return };
    browser.click(".lang-switch button[value=fr]").await;
    browser.wait_for("h1", "Bonjour").await;

    browser.goto("/deals/board").await;
    browser.check_accessibility("empty board").await;
    browser.click("form[action='/deals/board/starter'] button").await;
    browser.wait_for(".board", "Qualification").await;
    let pipeline = server.get("/api/v1/pipelines", &server.admin).await.body["data"][0].clone();
    let stage = |i: usize| pipeline["stages"][i]["id"].as_str().unwrap_or_default().to_owned();
    let company = server
        .post(
            "/api/v1/companies",
            &server.admin,
            json!({"name": "Boulangerie Dupont", "addresses": [{"city": "Lyon"}]}),
        )
        .await
        .id();
    let month = chrono::Utc::now().format("%Y-%m").to_string();
    let deals = [
        ("Four à sole", "18500", 0),
        ("Vitrine réfrigérée", "6200", 1),
        ("Contrat de maintenance", "2400", 1),
        ("Pétrin 60 L", "9800", 2),
        ("Laminoir", "12000", 3),
    ];
    let mut ids = vec![];
    for (title, amount, at) in deals {
        let created = server
            .post(
                "/api/v1/deals",
                &server.admin,
                json!({"title": title, "amount": amount, "company_id": company, "stage_id": stage(at),
                       "expected_close_on": format!("{month}-20")}),
            )
            .await;
        ids.push(created.id());
    }
    browser.goto("/deals/board").await;
    browser.wait_for(".board", "Four à sole").await;
    browser.check_accessibility("board").await;
    browser.screenshot("board").await;

    // With the keyboard: the card's "Move" opens its form, which moves it where it says.
    let oven = &ids[0];
    browser.run(&format!("document.querySelector('#deal-{oven} summary').focus(); return null;")).await;
    browser.type_into(&format!("#deal-{oven} summary"), "\u{E007}").await;
    browser.select(&format!("#to-{oven}"), &stage(2)).await;
    browser.click(&format!("#deal-{oven} form button[type=submit]")).await;
    browser.wait_for(&format!("section[data-stage='{}']", stage(2)), "Four à sole").await;

    // By dragging: the same form, sent with the column the card was dropped on.
    let drag = |deal: &str, to: &str| {
        format!(
            "var card = document.querySelector('#deal-{deal}');
             var column = document.querySelector(\"section[data-stage='{to}']\");
             var data = new DataTransfer();
             card.dispatchEvent(new DragEvent('dragstart', {{bubbles: true, dataTransfer: data}}));
             column.dispatchEvent(new DragEvent('dragover', {{bubbles: true, cancelable: true, dataTransfer: data}}));
             column.dispatchEvent(new DragEvent('drop', {{bubbles: true, cancelable: true, dataTransfer: data}}));
             return null;"
        )
    };
    let showcase = &ids[1];
    browser.run(&drag(showcase, &stage(4))).await;
    browser.wait_for(&format!("section[data-stage='{}']", stage(4)), "Vitrine réfrigérée").await;
    let won = server.get(&format!("/api/v1/deals/{showcase}"), &server.admin).await;
    assert_eq!(won.body["status"], "won");

    // Lost needs a reason: the drop opens the card's form on it instead of sending it.
    let upkeep = &ids[2];
    browser.run(&drag(upkeep, &stage(5))).await;
    assert_eq!(browser.focused_id().await, format!("reason-{upkeep}"));
    browser.wait_for("#request-error", "raison").await;
    browser.select(&format!("#reason-{upkeep}"), "Prix").await;
    browser.click(&format!("#deal-{upkeep} form button[type=submit]")).await;
    browser.wait_for(&format!("section[data-stage='{}']", stage(5)), "Contrat de maintenance").await;
    let lost = server.get(&format!("/api/v1/deals/{upkeep}"), &server.admin).await;
    assert_eq!(
        (lost.body["status"].as_str(), lost.body["lost_reason"].as_str()),
        (Some("lost"), Some("Prix"))
    );

    browser.goto("/deals/forecast").await;
    browser.wait_for_element("svg.chart").await;
    browser.check_accessibility("forecast").await;
    browser.screenshot("forecast").await;

    browser.goto(&format!("/deals/{oven}")).await;
    browser.wait_for(".page-head", "Ventes › Proposition").await;
    browser.check_accessibility("deal").await;
    // Someone added by a name no contact has: the page says so beside the form.
    browser.fill("#person-who", "Personne Inconnue").await;
    browser.click("#people form[action$='/people'] button[type=submit]").await;
    browser.wait_for("#person-error", "Aucun contact ne correspond").await;
    browser.check_accessibility("deal people refused").await;
    // A quote for the deal, written from its page without script, then sent.
    browser.click(&format!("a[href='/quotes/new?deal={oven}']")).await;
    browser.wait_for("h1", "Nouveau devis").await;
    browser.check_accessibility("quote form").await;
    let row = |n: usize, field: &str| format!(".quote-form tbody tr:nth-child({n}) [name={field}]");
    browser.fill(&row(1, "description"), "Four à sole, 4 bouches, 6 m²").await;
    browser.fill(&row(1, "unit_price"), "18 500").await;
    browser.fill(&row(2, "description"), "Installation et mise en service").await;
    browser.fill(&row(2, "quantity"), "1,5").await;
    browser.fill(&row(2, "unit"), "jour").await;
    browser.fill(&row(2, "unit_price"), "650").await;
    browser.fill(&row(2, "discount"), "10").await;
    browser.fill(&row(3, "description"), "Manuel de boulangerie").await;
    browser.fill(&row(3, "unit_price"), "39,90").await;
    browser.select(&row(3, "vat_rate"), "5.5").await;
    browser.click(".quote-form button[type=submit]").await;
    browser.wait_for("h1", "Devis D-").await;
    browser.wait_for(".lines tfoot", "Total TTC").await;
    browser.click("button[value=sent]").await;
    browser.wait_for(".page-head", "Envoyé").await;
    browser.check_accessibility("quote").await;
    browser.screenshot("quote").await;
    let quote = browser.run("return location.pathname;").await.as_str().unwrap_or_default().to_owned();
    // The page a customer is sent: its one style block is the one its policy allows by hash,
    // so the browser applies it.
    let printed = format!("{quote}/document");
    let styled = "return { styles: document.querySelectorAll('style, [style]').length,
                           title: getComputedStyle(document.querySelector('h1')).textTransform,
                           wide: document.documentElement.scrollWidth > document.documentElement.clientWidth };";
    browser.goto(&printed).await;
    browser.wait_for(".totals", "Total TTC").await;
    browser.check_axe("printed quote").await;
    assert_eq!(browser.run(styled).await, json!({"styles": 1, "title": "uppercase", "wide": false}));

    browser.goto(&format!("/companies/{company}")).await;
    browser.wait_for("#deals-title", "Affaires en cours").await;
    browser.check_accessibility("company with deals").await;

    browser.resize(390, 844).await;
    browser.goto("/deals/board").await;
    browser.check_accessibility("board on a phone").await;
    let layout = browser
        .run(
            "var board = document.querySelector('.board');
             return { page: document.documentElement.scrollWidth > document.documentElement.clientWidth,
                      board: board.scrollWidth > board.clientWidth };",
        )
        .await;
    assert_eq!(layout, json!({"page": false, "board": true}), "the board scrolls sideways, not the page");
    browser.goto(&quote).await;
    browser.wait_for(".lines", "Total TTC").await;
    browser.check_accessibility("quote on a phone").await;
    let wide = browser
        .run("return document.documentElement.scrollWidth > document.documentElement.clientWidth;")
        .await;
    assert_eq!(wide, json!(false), "a quote fits a phone's width");
    browser.goto(&printed).await;
    browser.wait_for(".totals", "Total TTC").await;
    browser.check_axe("printed quote on a phone").await;
    assert_eq!(
        browser.run(styled).await,
        json!({"styles": 1, "title": "uppercase", "wide": false}),
        "the printed quote fits a phone's width"
    );
    browser.goto(&quote).await;

    // In English on the phone, the newest fields read by name: a deal's main contact, a
    // company's country.
    let contact = server
        .post(
            "/api/v1/contacts",
            &server.admin,
            json!({"first_name": "Hélène", "last_name": "Dupont", "company_id": company}),
        )
        .await
        .id();
    let main_contact =
        server.patch(&format!("/api/v1/deals/{oven}"), &server.admin, json!({"contact_id": contact})).await;
    assert_eq!(main_contact.status, reqwest::StatusCode::OK, "{:?}", main_contact.body);
    let country = json!({"addresses": [{"city": "Bruxelles", "country": "BE"}]});
    let moved = server.patch(&format!("/api/v1/companies/{company}"), &server.admin, country).await;
    assert_eq!(moved.status, reqwest::StatusCode::OK, "{:?}", moved.body);
    browser.click(".lang-switch button[value=en]").await;
    browser.wait_for("nav.mainnav", "Companies").await;
    let fits = "return document.documentElement.scrollWidth <= document.documentElement.clientWidth;";
    // What the page says, its fields' values included.
    let shown = "return document.querySelector('main').innerText + '|' +
        Array.from(document.querySelectorAll('main input')).map(i => i.value).join('|');";
    for (path, name) in [
        (format!("/deals/{oven}"), "Hélène Dupont"),
        (format!("/deals/{oven}/edit"), "Hélène Dupont"),
        (format!("/companies/{company}"), "Belgium"),
        (format!("/companies/{company}/edit"), "Belgium"),
    ] {
        browser.goto(&path).await;
        browser.check_accessibility(&path).await;
        assert_eq!(browser.run(fits).await, json!(true), "{path} fits the phone");
        let text = browser.run(shown).await;
        assert!(text.as_str().is_some_and(|t| t.contains(name)), "{path} shows {name}: {text}");
    }
    // The printed quote follows the reader's language too.
    browser.goto(&printed).await;
    browser.wait_for(".totals", "Total incl. VAT").await;
    browser.check_axe("printed quote in English").await;
    assert_eq!(browser.run("return document.documentElement.lang;").await, json!("en"));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deals_move_across_the_board_on_sqlite() {
    deals_move_across_the_board(TestServer::sqlite().await, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deals_move_across_the_board_on_postgres() {
    if let Some(server) = TestServer::postgres().await {
        deals_move_across_the_board(server, false).await;
    }
}

/// Mail through `smtp`, with links to `server`'s site.
async fn mail_through(server: &TestServer, smtp: &comptoir_testkit::SmtpServer) {
    let mail = json!({"host": "127.0.0.1", "port": smtp.port, "security": "none",
        "from_address": "support@exemple.fr", "site_address": server.base_url});
    let set = server
        .request(reqwest::Method::PUT, "/api/v1/settings/mail", Some(&server.admin), Some(mail), &[])
        .await;
    assert!(set.status.is_success(), "{:?}", set.body);
}

/// A bulk change over every result that waits behind another's: the list's form leads to the
/// change's page, whose bar follows it, then back to the list with the outcome.
async fn a_bulk_change_page_follows_it_back_to_the_list(server: TestServer) {
    for last in ["Arnaud", "Blanc", "Caron"] {
        server
            .post("/api/v1/contacts", &server.admin, json!({"last_name": last, "address": {"city": "Lyon"}}))
            .await;
    }
    let Some(browser) = signed_in(&server, false).await else { return };
    browser.goto("/contacts?filter%5Bcity%5D%5Beq%5D=Lyon").await;
    browser.select("#bulk-action", "tag").await;
    browser.fill("#bulk-tag", "salon").await;
    browser.click("#bulk-all").await;
    let held = server.hold_writes("contacts").await;
    browser.click(".bulk-bar button[type=submit]").await;
    browser.wait_for("h1", "Bulk change in progress").await;
    browser.wait_for("[data-seen]", "0 contacts processed").await;
    browser.check_accessibility("bulk change").await;
    held.release().await;
    browser.wait_for(".flash.success", "3 records changed").await;
    let at = browser.run("return window.location.pathname + window.location.search").await;
    let at = at.as_str().unwrap_or_default();
    assert!(at.starts_with("/contacts?") && at.contains("Lyon") && at.ends_with("&done=3&refused=0"), "{at}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_change_page_follows_it_back_to_the_list_on_sqlite() {
    a_bulk_change_page_follows_it_back_to_the_list(TestServer::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_change_page_follows_it_back_to_the_list_on_postgres() {
    if let Some(server) = TestServer::postgres().await {
        a_bulk_change_page_follows_it_back_to_the_list(server).await;
    }
}

/// A browser signed in as the first admin, on the home page; `None` where Chromium is missing.
async fn signed_in(server: &TestServer, save_screenshots: bool) -> Option<Browser> {
    let browser = Browser::start(&server.base_url, save_screenshots).await?;
    browser.goto("/").await;
    browser.fill("#email", ADMIN_EMAIL).await;
    browser.fill("#password", ADMIN_PASSWORD).await;
    browser.click("button[type=submit]").await;
    browser.wait_for("h1", "Hello, Admin").await;
    Some(browser)
}
