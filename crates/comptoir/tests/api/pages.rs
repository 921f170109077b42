//! The browser interface over HTTP: every page, its permissions and its forms, on SQLite and on
//! PostgreSQL.

use comptoir_domain::ids::UserId;
use comptoir_domain::users::Role;
use comptoir_testkit::{ADMIN_EMAIL, ADMIN_PASSWORD, TestServer, on_both_databases};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    admins_shape_pipelines_from_their_settings,
    an_empty_instance_offers_to_create_the_first_admin,
    visitors_sign_in_and_out_and_are_sent_back_where_they_were,
    repeated_failures_lock_the_address_for_a_while,
    forms_without_the_session_token_or_from_another_site_change_nothing,
    every_page_answers_for_an_admin,
    a_readonly_user_sees_no_edit_controls_and_a_forged_post_is_refused,
    a_refused_form_keeps_what_was_typed_and_names_the_field,
    the_composer_logs_calls_and_tasks_and_home_lists_what_is_due,
    a_field_is_edited_in_place_and_a_bad_value_changes_nothing,
    lists_filter_sort_choose_columns_and_save_views,
    a_period_stays_a_period_in_the_address_and_saved_views,
    a_range_of_days_is_one_line_of_the_bar,
    bulk_actions_apply_to_what_the_user_may_change,
    the_current_view_exports_to_csv_for_the_language,
    global_search_ignores_accents,
    pages_speak_the_browser_language_until_the_user_chooses,
    settings_are_for_admins_and_manage_users_tokens_and_fields,
    a_long_timeline_is_paged,
    a_company_page_shows_its_contacts_and_edits_its_head_office,
    an_activity_is_edited_and_deleted_by_whoever_may_change_it,
    expired_sessions_and_old_failures_are_swept,
    a_past_call_is_logged_and_a_task_given_to_a_colleague,
    the_home_page_greets_by_first_name,
    the_filter_bar_reads_peoples_words,
    lists_count_what_they_match_and_bulk_actions_reach_every_result,
    numbers_and_addresses_are_one_tap_away,
    the_tasks_page_groups_what_is_due_and_marks_it_done_in_place,
    every_user_sets_their_own_language_time_zone_and_password,
    a_new_record_already_on_file_is_pointed_out_before_saving,
    a_closed_set_sorts_by_its_labels_in_the_readers_language,
    the_deals_board_starts_a_pipeline_adds_and_moves_deals,
    a_deal_is_created_and_edited_from_its_form,
    a_quote_is_written_from_its_deal_sent_accepted_and_printed,
    managers_keep_the_catalogue_and_admins_the_sellers_identity_from_their_pages,
    a_ticket_is_opened_from_its_form_answered_and_solved_from_its_page,
    an_article_is_written_from_its_form_found_and_suggested_beside_a_ticket,
    admins_set_business_hours_and_policies_from_a_page,
    countries_and_languages_are_typed_and_shown_by_their_names,
);

/// A country and a language are chosen by their names in the visitor's language or the
/// other one, kept as codes, and shown by name; one without a name here is typed as its code.
async fn countries_and_languages_are_typed_and_shown_by_their_names(s: TestServer) {
    let browser = s.signed_in(ADMIN_EMAIL).await;
    browser.accept_language("fr");
    let form = browser.get("/contacts/new").await;
    assert!(form.contains("<label for=\"f-address.country\">Pays</label>"), "{}", form.text);
    assert!(form.contains("list=\"country-names\""), "{}", form.text);
    assert!(form.contains("<option value=\"Belgique\">"), "suggested by name: {}", form.text);
    assert!(!form.contains("(FR, BE"), "no codes asked of people");

    let created = browser
        .post(
            "/contacts",
            &[("last_name", "Peeters"), ("address.country", "belgique"), ("language", "Dutch")],
        )
        .await;
    let page = created.location().expect("the new contact").to_owned();
    let id = page.trim_start_matches("/contacts/");
    let stored = s.get(&format!("/api/v1/contacts/{id}"), &s.admin).await;
    assert_eq!((&stored.body["address"]["country"], &stored.body["language"]), (&json!("BE"), &json!("nl")));
    let shown = browser.get(&page).await;
    assert!(shown.contains("Belgique") && shown.contains("néerlandais"), "{}", shown.text);
    let edit = browser.get(&format!("{page}/edit")).await;
    assert!(edit.contains("value=\"Belgique\""), "the form shows the name: {}", edit.text);

    browser
        .post(
            &page,
            &[("last_name", "Peeters"), ("address.country", "jp"), ("language", ""), ("version", "1")],
        )
        .await;
    let stored = s.get(&format!("/api/v1/contacts/{id}"), &s.admin).await;
    assert_eq!((&stored.body["address"]["country"], &stored.body["language"]), (&json!("JP"), &Value::Null));
    assert!(browser.get(&page).await.contains(">JP<"), "a country without a name here shows its code");

    let refused = browser
        .post(&page, &[("last_name", "Peeters"), ("address.country", "Atlantide"), ("version", "2")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("value=\"Atlantide\""), "what was typed stays: {}", refused.text);
}

async fn admins_set_business_hours_and_policies_from_a_page(s: TestServer) {
    let admin = s.signed_in(ADMIN_EMAIL).await;
    admin.accept_language("fr");
    let shown = admin.get("/settings/service-levels").await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.contains(r#"name="hours_monday" value="09:00-12:30, 14:00-18:00""#), "{}", shown.text);
    let form = |first_response: &'static str, closed_days: &'static str| {
        vec![
            ("time_zone", "Europe/Paris"),
            ("public_holidays", "alsace_moselle"),
            ("hours_monday", "08:30-12:00, 13:30-17:30"),
            ("hours_saturday", "09:00-12:00"),
            ("closed_days", closed_days),
            ("warn_before_minutes", "45"),
            ("raise_priority_when_missed", "on"),
            ("policy", "0"),
            ("policy_0_name", "Urgences"),
            ("policy_0_priorities", "urgent"),
            ("policy_0_priorities", "high"),
            ("policy_0_categories", "Panne, Sécurité"),
            ("policy_0_service_tiers", "Premium, Or"),
            ("policy_0_first_response", first_response),
            ("policy_0_next_response", "120"),
            ("policy_0_resolution", "480"),
            ("policy", "1"),
            ("policy_1_name", ""),
        ]
    };
    let refused = admin.post("/settings/service-levels", &form("30", "24 déc")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .contains("Autres jours de fermeture : « 24 déc » n’est pas une date (par exemple 31/01/2026).")
            && refused.contains(r#"value="24 déc""#),
        "{}",
        refused.text
    );
    let refused = admin.post("/settings/service-levels", &form("vite", "24/12/2026")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.contains("« Urgences » › Première réponse sous (minutes) : doit être un nombre entier")
            && !refused.contains("first_response_minutes")
            && refused.contains(r#"value="vite""#),
        "{}",
        refused.text
    );
    let saved = admin.post("/settings/service-levels", &form("30", "24/12/2026")).await;
    assert!(saved.status.is_redirection(), "{}", saved.text);
    let levels = s.get("/api/v1/settings/service-levels", &s.admin).await.body;
    assert_eq!(levels["business_hours"]["public_holidays"], "alsace_moselle");
    assert_eq!(levels["business_hours"]["hours"]["saturday"], json!(["09:00-12:00"]));
    assert_eq!(levels["business_hours"]["hours"]["tuesday"], Value::Null, "left empty: closed");
    assert_eq!(levels["warn_before_minutes"], 45);
    assert_eq!(levels["raise_priority_when_missed"], true);
    assert_eq!(
        levels["business_hours"]["closed_days"],
        json!(["2026-12-24"]),
        "a day as the French write it"
    );
    assert_eq!(
        levels["policies"],
        json!([{"name": "Urgences", "priorities": ["urgent", "high"], "categories": ["Panne", "Sécurité"],
                "service_tiers": ["Premium", "Or"],
                "first_response_minutes": 30, "next_response_minutes": 120, "resolution_minutes": 480}])
    );
    let shown = admin.get("/settings/service-levels?saved").await;
    assert!(shown.contains("Niveaux de service enregistrés") && shown.contains(r#"value="24/12/2026""#));
    let (_, email) = s.user_with_password(Role::Support).await;
    assert_eq!(s.signed_in(&email).await.get("/settings/service-levels").await.status, StatusCode::FORBIDDEN);
}

async fn an_article_is_written_from_its_form_found_and_suggested_beside_a_ticket(s: TestServer) {
    let (_, email) = s.user_with_password(Role::Support).await;
    let agent = s.signed_in(&email).await;
    agent.accept_language("fr");
    let form = agent.get("/articles/new").await;
    assert_eq!(form.status, StatusCode::OK);
    let refused = agent.post("/articles", &[("title", ""), ("body", "Texte"), ("language", "fr")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.contains("id=\"article-title-error\"") && refused.contains(">Texte</textarea>"),
        "{}",
        refused.text
    );
    let body = "Éteignez l’imprimante.\r\n\r\nAttendez dix secondes, puis rallumez-la.";
    let written = agent
        .post(
            "/articles",
            &[
                ("title", "Réinitialiser l’imprimante"),
                ("body", body),
                ("language", "fr"),
                ("category", "Matériel"),
                ("status", "published"),
                ("visibility", "internal"),
                ("translation_of", ""),
            ],
        )
        .await;
    assert_eq!(written.status, StatusCode::SEE_OTHER, "{}", written.text);
    let at = written.location().expect("the article's page").to_owned();
    let shown = agent.get(&at).await;
    assert!(
        shown.contains("<p>Éteignez l’imprimante.</p>") && shown.contains("<p>Attendez dix secondes"),
        "{}",
        shown.text
    );
    assert!(shown.contains("Publié") && shown.contains("1 version conservée"), "{}", shown.text);
    assert!(agent.post(&format!("{at}/vote"), &[("helpful", "yes")]).await.status.is_redirection());
    assert!(agent.get(&at).await.contains("Utile : 1 · Pas utile : 0"));
    let found = agent.get("/articles?q=reinitialiser").await;
    assert!(found.contains("Réinitialiser l’imprimante"), "found without its accents");
    assert!(agent.get("/articles?q=toner").await.contains("Aucun article ne contient ces mots"));

    let ticket =
        s.post("/api/v1/tickets", &s.admin, json!({"subject": "Mon imprimante ne répond plus"})).await.id();
    let page = agent.get(&format!("/tickets/{ticket}")).await;
    assert!(page.contains("Articles qui peuvent y répondre"), "{}", page.text);
    assert!(page.contains(&format!("<a href=\"{at}\">Réinitialiser l’imprimante</a>")), "{}", page.text);

    let (_, seller) = s.user_with_password(Role::Sales).await;
    let seller = s.signed_in(&seller).await;
    assert!(
        !seller.get("/articles").await.contains("href=\"/articles/new\""),
        "sales read, they do not write"
    );
    let forged = seller.post("/articles", &[("title", "T"), ("body", "B")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

async fn an_empty_instance_offers_to_create_the_first_admin(s: TestServer) {
    s.forget_all_users().await;
    let browser = s.browser();
    let home = browser.get("/").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    let sign_in = browser.get(home.location().expect("a redirect")).await;
    assert_eq!(sign_in.location(), Some("/setup"));
    let setup = browser.get("/setup").await;
    assert!(setup.contains("name=\"password\""), "{}", setup.text);

    let refused = browser.post("/setup", &[("email", "marie@exemple.fr"), ("password", "short")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("id=\"e-password\""), "{}", refused.text);
    assert!(refused.contains("value=\"marie@exemple.fr\""), "what was typed is kept");

    let created = browser
        .post(
            "/setup",
            &[
                ("email", "marie@exemple.fr"),
                ("display_name", "Marie"),
                ("password", "a-long-enough-password"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text);
    let home = browser.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.contains("Marie"));
    let user = s.app.find_user_by_email("marie@exemple.fr").await.expect("read").expect("created");
    assert_eq!(user.role, Role::Admin);

    // Once someone exists, the set-up page is closed.
    let again = s.browser().get("/setup").await;
    assert_eq!(again.location(), Some("/sign-in"));
    let other = s.browser();
    other.get("/sign-in").await;
    let taken =
        other.post("/setup", &[("email", "eve@exemple.fr"), ("password", "a-long-enough-password")]).await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER);
    assert!(s.app.find_user_by_email("eve@exemple.fr").await.expect("read").is_none());
}

async fn visitors_sign_in_and_out_and_are_sent_back_where_they_were(s: TestServer) {
    let browser = s.browser();
    let contacts = browser.get("/contacts?sort=-created_at").await;
    assert_eq!(contacts.status, StatusCode::SEE_OTHER);
    assert_eq!(contacts.location(), Some("/sign-in?next=%2Fcontacts%3Fsort%3D-created_at"));

    let wrong = browser.try_sign_in(ADMIN_EMAIL, "not the password", false).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.contains("Wrong email or password"));
    assert!(browser.cookie("comptoir_session").is_none());

    browser.get("/sign-in?next=%2Fcontacts%3Fsort%3D-created_at").await;
    let signed_in = browser
        .post(
            "/sign-in",
            &[
                ("email", "ADMIN@exemple.fr "),
                ("password", ADMIN_PASSWORD),
                ("next", "/contacts?sort=-created_at"),
            ],
        )
        .await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    assert_eq!(signed_in.location(), Some("/contacts?sort=-created_at"));
    let cookie =
        signed_in.headers.get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Max-Age"), "without remember me the cookie ends with the browser");
    assert_eq!(browser.get("/contacts").await.status, StatusCode::OK);

    // Another site cannot be where sign-in sends the visitor.
    let elsewhere = s.browser();
    elsewhere.get("/sign-in").await;
    let answer = elsewhere
        .post("/sign-in", &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD), ("next", "//evil.example")])
        .await;
    assert_eq!(answer.location(), Some("/"));

    let remembered = s.browser();
    remembered.get("/sign-in").await;
    let answer = remembered
        .post("/sign-in", &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD), ("remember", "on")])
        .await;
    let cookie = answer.headers.get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(cookie.contains("Max-Age=2592000"), "{cookie}");

    let session = browser.cookie("comptoir_session").expect("a session");
    let out = browser.post("/sign-out", &[]).await;
    assert_eq!(out.location(), Some("/sign-in"));
    // The old cookie no longer opens anything, even if kept.
    let replay = s.browser();
    let replayed = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(format!("{}/", s.base_url))
        .header("cookie", format!("comptoir_session={session}"))
        .send()
        .await
        .expect("answer");
    assert_eq!(replayed.status(), StatusCode::SEE_OTHER);
    drop(replay);
}

async fn repeated_failures_lock_the_address_for_a_while(s: TestServer) {
    let browser = s.browser();
    for attempt in 1..=5 {
        let answer = browser.try_sign_in(ADMIN_EMAIL, "guess", false).await;
        let expected = if attempt < 5 { StatusCode::UNAUTHORIZED } else { StatusCode::TOO_MANY_REQUESTS };
        assert_eq!(answer.status, expected, "attempt {attempt}");
    }
    // Even the right password waits until the delay is over.
    let locked = browser.try_sign_in(ADMIN_EMAIL, ADMIN_PASSWORD, false).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.contains("Try again in one minute"), "{}", locked.text);
    // Other addresses are not affected.
    let (_, email) = s.user_with_password(Role::Sales).await;
    s.browser().sign_in(&email, ADMIN_PASSWORD, false).await;
}

async fn forms_without_the_session_token_or_from_another_site_change_nothing(s: TestServer) {
    let browser = s.signed_in(ADMIN_EMAIL).await;
    let body = [("first_name", "Forgé"), ("last_name", "Par un autre site")];
    let no_token = browser.post_exactly("/contacts", &body, &[]).await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    let other = s.signed_in(ADMIN_EMAIL).await;
    let mut with_other = body.to_vec();
    let other_token = other.csrf();
    with_other.push(("_csrf", &other_token));
    assert_eq!(browser.post_exactly("/contacts", &with_other, &[]).await.status, StatusCode::FORBIDDEN);
    let token = browser.csrf();
    let mut with_own = body.to_vec();
    with_own.push(("_csrf", &token));
    let cross_site =
        browser.post_exactly("/contacts", &with_own, &[("origin", "https://evil.example")]).await;
    assert_eq!(cross_site.status, StatusCode::FORBIDDEN);
    let listed = s.get("/api/v1/contacts", &s.admin).await;
    assert_eq!(listed.body["data"], json!([]), "nothing was created");
    // The sign-in form is protected too (double submit).
    let login = s.browser();
    let forged =
        login.post_exactly("/sign-in", &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)], &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

async fn seed(s: &TestServer) -> (String, String) {
    let company = s
        .post(
            "/api/v1/companies",
            &s.admin,
            json!({"name": "Boulangerie Dupont", "addresses": [{"city": "Lyon"}]}),
        )
        .await
        .id();
    let contact = s
        .post(
            "/api/v1/contacts",
            &s.admin,
            json!({"first_name": "Hélène", "last_name": "Dupont", "emails": ["helene@exemple.fr"],
                   "company_id": company, "address": {"city": "Lyon"}, "tags": ["vip"]}),
        )
        .await
        .id();
    (contact, company)
}

async fn every_page_answers_for_an_admin(s: TestServer) {
    let (contact, company) = seed(&s).await;
    let browser = s.signed_in(ADMIN_EMAIL).await;
    let pages = [
        ("/", "Hello, Admin"),
        ("/contacts", "Hélène"),
        ("/contacts/new", "name=\"first_name\""),
        (&format!("/contacts/{contact}"), "Boulangerie Dupont"),
        (&format!("/contacts/{contact}/edit"), "value=\"Hélène\""),
        ("/companies", "Boulangerie Dupont"),
        ("/companies/new", "name=\"name\""),
        (&format!("/companies/{company}"), "Hélène Dupont"),
        (&format!("/companies/{company}/edit"), "value=\"Boulangerie Dupont\""),
        ("/search?q=dup", "Boulangerie Dupont"),
        ("/settings/users", ADMIN_EMAIL),
        ("/settings/tokens", "tests"),
        ("/settings/fields", "name=\"field_type\""),
        ("/deals", "New deal"),
        ("/deals/new", "name=\"title\""),
        ("/deals/board", "No pipeline yet"),
        ("/products", "The catalogue is empty"),
        ("/quotes", "Awaiting an answer"),
        ("/settings/seller", "name=\"siren\""),
        ("/settings/mail", "name=\"from_address\""),
        ("/settings/exchange-rates", "No exchange rates"),
        ("/settings/pipelines", "No pipelines yet"),
        ("/settings/pipelines/new", "name=\"stage_name\""),
        ("/tickets", "New ticket"),
        ("/tickets/new", "name=\"requester\""),
        ("/tickets/report", "Service report"),
        ("/articles", "No article yet"),
        ("/articles/new", "name=\"translation_of\""),
        ("/macros", "No canned answer yet"),
    ];
    for (path, expected) in pages {
        let page = browser.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.contains(expected), "{path} should show {expected}");
        assert!(page.text.starts_with("<!doctype html>"), "{path}");
        assert!(page.contains("<html lang=\"en\">"), "{path}");
    }
    let missing = browser.get("/contacts/01a209c5-454c-70c1-8b42-1b1057ca6694").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    // A kind of record that has no pages is no address, never another kind's pages; an
    // address that names nothing, or an id that does not read, is the site's own 404 page.
    for path in [
        "/invoices",
        "/invoices/new",
        "/tickets/01a209c5-454c-70c1-8b42-1b1057ca6694",
        "/quotes/01a209c5-454c-70c1-8b42-1b1057ca6694",
        "/deals/01a209c5-454c-70c1-8b42-1b1057ca6694",
        "/deals/not-an-id",
        "/companiesx",
        "/contacts/not-an-id",
        "/contacts/not-an-id/edit",
        "/settings/users/42",
        "/nowhere/at/all",
    ] {
        let page = browser.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            page.text.starts_with("<!doctype html>") && page.contains("Not found"),
            "{path}: {}",
            page.text
        );
    }
    let css = browser.get("/assets/app.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(
        css.headers
            .get("cache-control")
            .is_some_and(|v| v.to_str().unwrap_or_default().contains("immutable"))
    );
}

async fn a_readonly_user_sees_no_edit_controls_and_a_forged_post_is_refused(s: TestServer) {
    let (contact, _) = seed(&s).await;
    let (_, email) = s.user_with_password(Role::Readonly).await;
    let browser = s.signed_in(&email).await;
    let page = browser.get(&format!("/contacts/{contact}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.contains("Hélène"));
    assert!(!page.contains("/edit\""), "no edit link");
    assert!(!page.contains("hx-get=\"/contacts/"), "no inline editing");
    assert!(!page.contains("/activities\""), "no composer");
    assert!(!page.contains(">Delete<"), "no delete button");
    let list = browser.get("/contacts").await;
    assert!(!list.contains("/contacts/new"), "no create button");
    assert!(!list.contains("name=\"ids\""), "no bulk selection");

    let forged = browser.post(&format!("/contacts/{contact}"), &[("first_name", "Piraté")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let inline = browser
        .post_htmx(&format!("/contacts/{contact}/fields/first_name"), &[("first_name", "Piraté")])
        .await;
    assert_eq!(inline.status, StatusCode::FORBIDDEN);
    assert_eq!(browser.post("/contacts", &[("first_name", "Nouveau")]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(browser.post(&format!("/contacts/{contact}/delete"), &[]).await.status, StatusCode::FORBIDDEN);
    let call =
        browser.post(&format!("/contacts/{contact}/activities"), &[("kind", "note"), ("body", "x")]).await;
    assert_eq!(call.status, StatusCode::FORBIDDEN);
    assert_eq!(browser.get("/settings/users").await.status, StatusCode::FORBIDDEN);
    let read = s.get(&format!("/api/v1/contacts/{contact}"), &s.admin).await;
    assert_eq!(read.body["first_name"], "Hélène");
    assert_eq!(read.body["version"], 1);
}

async fn a_refused_form_keeps_what_was_typed_and_names_the_field(s: TestServer) {
    let browser = s.signed_in(ADMIN_EMAIL).await;
    let refused = browser
        .post(
            "/contacts",
            &[
                ("first_name", "Jean"),
                ("last_name", "Martin"),
                ("emails", "jean.martin@"),
                ("company", "Nulle Part"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("id=\"e-emails\""), "{}", refused.text);
    assert!(refused.contains("is not a valid email address"));
    assert!(refused.contains("id=\"e-company\""), "the unknown company is named");
    assert!(refused.contains("value=\"Jean\"") && refused.contains("jean.martin@"), "typed values are kept");
    assert_eq!(s.get("/api/v1/contacts", &s.admin).await.body["data"], json!([]));

    let created =
        browser.post("/contacts", &[("first_name", "Jean"), ("emails", "jean.martin@exemple.fr")]).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text);
    let page = browser.get(created.location().expect("the new contact")).await;
    assert!(page.contains("jean.martin@exemple.fr"));
}

async fn the_composer_logs_calls_and_tasks_and_home_lists_what_is_due(s: TestServer) {
    let (contact, _) = seed(&s).await;
    let browser = s.signed_in(ADMIN_EMAIL).await;
    let path = format!("/contacts/{contact}");
    browser.get(&path).await;
    let call = browser
        .post(
            &format!("{path}/activities"),
            &[
                ("kind", "call"),
                ("subject", "Relance devis"),
                ("direction", "outbound"),
                ("outcome", "connected"),
                ("duration_minutes", "4,5"),
            ],
        )
        .await;
    assert_eq!(call.status, StatusCode::SEE_OTHER, "{}", call.text);
    let bad =
        browser.post(&format!("{path}/activities"), &[("kind", "call"), ("duration_minutes", "long")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains("id=\"e-duration_minutes\""));
    assert!(bad.contains("value=\"long\""), "the typed duration is kept");
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Paris).date_naive().to_string();
    let task = browser
        .post(
            &format!("{path}/activities"),
            &[("kind", "task"), ("subject", "Envoyer la brochure"), ("due_date", &today)],
        )
        .await;
    assert_eq!(task.status, StatusCode::SEE_OTHER, "{}", task.text);

    let page = browser.get(&path).await;
    assert!(
        page.contains("Relance devis") && page.contains("Connected") && page.contains("5 minutes"),
        "{}",
        page.text
    );
    assert!(page.contains("Envoyer la brochure"));
    let admin_id = s.app.find_user_by_email(ADMIN_EMAIL).await.expect("read").expect("the admin").id;
    let two_days_ago = (chrono::Utc::now() - chrono::TimeDelta::days(2)).to_rfc3339();
    let late = s
        .post(
            "/api/v1/activities",
            &s.admin,
            json!({"kind": "task", "subject": "Relancer le devis", "contact_id": contact, "assignee_id": admin_id, "due_at": two_days_ago}),
        )
        .await;
    assert_eq!(late.status, StatusCode::CREATED, "{:?}", late.body);
    let home = browser.get("/").await;
    assert!(home.contains("Envoyer la brochure"), "today's task is on the home page");
    assert!(!home.contains("Relancer le devis"), "today's tasks come first; late ones are counted");
    assert!(home.contains("<a href=\"/tasks#group-overdue\">1 late task</a>"), "{}", home.text);
    assert!(home.contains("Hélène Dupont"), "recently viewed and recent activity");
    assert!(
        home.contains("<span class=\"nav-count\" aria-hidden=\"true\">2</span>"),
        "due or late, in the navigation"
    );
    // Due at the first minute of today: today's, not late, until the day is over.
    let paris = chrono_tz::Europe::Paris;
    let first_minute =
        chrono::Utc::now().with_timezone(&paris).date_naive().and_hms_opt(0, 1, 0).expect("a time");
    let first_minute =
        first_minute.and_local_timezone(paris).earliest().expect("in Paris").to_utc().to_rfc3339();
    let early = s
        .post(
            "/api/v1/activities",
            &s.admin,
            json!({"kind": "task", "subject": "Appeler le transporteur", "contact_id": contact, "assignee_id": admin_id, "due_at": first_minute}),
        )
        .await;
    assert_eq!(early.status, StatusCode::CREATED, "{:?}", early.body);
    let tasks = browser.get("/tasks").await;
    let late_group = tasks.text.split("id=\"group-today\"").next().unwrap_or_default();
    assert!(late_group.contains("Relancer le devis"), "{}", tasks.text);
    // Late is said in words, not by colour alone.
    assert!(late_group.contains("overdue since"));
    let today_group = tasks.text.split("id=\"group-today\"").nth(1).unwrap_or_default();
    let today_group = today_group.split("id=\"group-week\"").next().unwrap_or_default();
    assert!(today_group.contains("Envoyer la brochure") && today_group.contains("Appeler le transporteur"));
    assert!(!today_group.contains("overdue since"), "{today_group}");
    let home = browser.get("/").await;
    assert!(home.contains("Appeler le transporteur") && !home.contains("overdue since"), "{}", home.text);

    let timeline = s.get(&format!("/api/v1/contacts/{contact}/timeline"), &s.admin).await;
    let task_id = timeline.body["data"]
        .as_array()
        .and_then(|items| items.iter().find(|a| a["subject"] == "Envoyer la brochure"))
        .and_then(|a| a["id"].as_str())
        .expect("the task")
        .to_owned();
    let done = browser.post(&format!("/activities/{task_id}/done"), &[("done", "true"), ("back", "/")]).await;
    assert_eq!(done.location(), Some("/"));
    assert!(!browser.get("/").await.contains("Envoyer la brochure"), "a done task leaves the home page");
}

async fn a_field_is_edited_in_place_and_a_bad_value_changes_nothing(s: TestServer) {
    let (contact, _) = seed(&s).await;
    let browser = s.signed_in(ADMIN_EMAIL).await;
    let base = format!("/contacts/{contact}");
    browser.get(&base).await;
    let form = browser.get_htmx(&format!("{base}/fields/job_title/edit")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.contains("name=\"job_title\"") && !form.contains("<html"), "a fragment: {}", form.text);

    let saved = browser
        .post_htmx(&format!("{base}/fields/job_title"), &[("job_title", "Gérante"), ("version", "1")])
        .await;
    assert_eq!(saved.status, StatusCode::OK);
    assert!(saved.contains("Gérante") && !saved.contains("<form"), "{}", saved.text);

    let refused = browser
        .post_htmx(&format!("{base}/fields/emails"), &[("emails", "pas-un-email"), ("version", "2")])
        .await;
    assert_eq!(refused.status, StatusCode::OK, "htmx swaps the refused input back in");
    assert!(refused.contains("field-error") && refused.contains("pas-un-email"), "{}", refused.text);

    let stale = browser
        .post_htmx(&format!("{base}/fields/job_title"), &[("job_title", "Autre"), ("version", "1")])
        .await;
    assert_eq!(stale.status, StatusCode::OK, "htmx swaps the answer in, so it must say what happened");
    assert!(stale.contains("Someone else saved this record"), "{}", stale.text);
    assert!(
        stale.contains("Their value: Gérante") && stale.contains("value=\"Autre\""),
        "theirs, and mine kept"
    );
    assert!(stale.contains("name=\"version\" value=\"2\"") && stale.contains("Save mine over theirs"));
    let read = s.get(&format!("/api/v1/contacts/{contact}"), &s.admin).await;
    assert_eq!(read.body["job_title"], "Gérante");
    assert_eq!(read.body["emails"][0]["address"], "helene@exemple.fr");
    assert_eq!(read.body["version"], 2);
    let overwritten = browser
        .post_htmx(&format!("{base}/fields/job_title"), &[("job_title", "Autre"), ("version", "2")])
        .await;
    assert!(overwritten.contains("Autre") && !overwritten.contains("<form"));
    assert_eq!(s.get(&format!("/api/v1/contacts/{contact}"), &s.admin).await.body["job_title"], "Autre");

    let stage = browser
        .post_htmx(
            &format!("{base}/fields/lifecycle_stage"),
            &[("lifecycle_stage", "customer"), ("version", "3")],
        )
        .await;
    assert!(
        stage.contains("<div id=\"record-head\" hx-swap-oob=\"true\">")
            && stage.contains("badge stage-customer"),
        "the page's head follows: {}",
        stage.text
    );

    s.post(
        "/api/v1/companies",
        &s.admin,
        json!({"name": "Boulangerie Dupont", "addresses": [{"city": "Nantes"}]}),
    )
    .await;
    let names = browser.get("/search/companies?q=boulangerie").await;
    assert!(
        names.contains("Boulangerie Dupont — Lyon") && names.contains("Boulangerie Dupont — Nantes"),
        "{}",
        names.text
    );
    let moved = browser
        .post_htmx(
            &format!("{base}/fields/company"),
            &[("company", "Boulangerie Dupont — Nantes"), ("version", "4")],
        )
        .await;
    assert!(moved.contains("Boulangerie Dupont") && !moved.contains("field-error"), "{}", moved.text);
    let read = s.get(&format!("/api/v1/contacts/{contact}"), &s.admin).await;
    assert_eq!(read.body["company"]["name"], "Boulangerie Dupont");
    let nantes = s.get("/api/v1/companies?filter[city]=Nantes", &s.admin).await;
    assert_eq!(read.body["company_id"], nantes.body["data"][0]["id"], "the namesake in Nantes");
    let form = browser.get_htmx(&format!("{base}/fields/company/edit")).await;
    assert!(form.contains("list=\"company-names\"") && form.contains("<datalist id=\"company-names\">"));
}

async fn lists_filter_sort_choose_columns_and_save_views(s: TestServer) {
    for (first, city) in [("Ana", "Lyon"), ("Bruno", "Paris"), ("Chloé", "Lyon")] {
        s.post(
            "/api/v1/contacts",
            &s.admin,
            json!({"first_name": first, "last_name": first, "address": {"city": city}}),
        )
        .await;
    }
    let browser = s.signed_in(ADMIN_EMAIL).await;
    let lyon = browser.get("/contacts?f=city&o=eq&v=Lyon&sort=first_name&col=first_name&col=city").await;
    assert_eq!(lyon.status, StatusCode::OK);
    let ana = lyon.text.find(">Ana<").expect("Ana");
    let chloe = lyon.text.find(">Chloé<").expect("Chloé");
    assert!(ana < chloe, "sorted by first name");
    assert!(!lyon.contains(">Bruno<"), "filtered");
    assert!(lyon.contains("aria-sort=\"ascending\""));
    assert!(!lyon.contains(">Stage</a></th>"), "only the chosen columns");
    let descending = browser.get("/contacts?f=city&o=eq&v=Lyon&sort=-first_name&col=first_name").await;
    assert!(descending.text.find(">Chloé<") < descending.text.find(">Ana<"));

    let bad = browser.get("/contacts?f=city&o=near&v=Lyon").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains("City: pick a condition"), "{}", bad.text);

    let query = "filter%5Bcity%5D%5Beq%5D=Lyon&col=first_name";
    let saved = browser.post("/contacts/views", &[("name", "Mes contacts à Lyon"), ("query", query)]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let list = browser.get("/contacts").await;
    assert!(list.contains("Mes contacts à Lyon"));
    let view = browser.get(saved.location().expect("the view")).await;
    assert!(view.contains(">Ana<") && !view.contains(">Bruno<"));
    assert!(view.contains("aria-current=\"true\""));
    // Views are private to their user.
    let (_, other) = s.user_with_password(Role::Sales).await;
    assert!(!s.signed_in(&other).await.get("/contacts").await.contains("Mes contacts à Lyon"));

    let paged = browser.get("/contacts?limit=2&sort=first_name&col=first_name").await;
    assert!(paged.contains("cursor="), "a next page link");
    let next = paged
        .text
        .split("hx-get=\"/contacts?")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("next link");
    let rows = browser.get_htmx(&format!("/contacts?{}", next.replace("&#38;", "&"))).await;
    assert!(rows.contains(">Chloé<") && !rows.contains("<html"), "{}", rows.text);
}

/// "Created this month" is kept as that line of the bar, not as this month's dates, so a view
/// saved with it still means the current month when it is opened later.
async fn a_period_stays_a_period_in_the_address_and_saved_views(s: TestServer) {
    for first in ["Ana", "Bruno"] {
        s.post("/api/v1/contacts", &s.admin, json!({"first_name": first, "last_name": first})).await;
    }
    let browser = s.signed_in(ADMIN_EMAIL).await;
    browser.accept_language("fr");
    let this_month = browser.get("/contacts?f=created_at&o=this-month&v=&col=first_name").await;
    assert_eq!(this_month.status, StatusCode::OK, "{}", this_month.text);
    assert!(this_month.contains(">Ana<") && this_month.contains(">Bruno<"));
    assert!(
        this_month.contains(r#"<option value="this-month" selected>ce mois-ci</option>"#),
        "{}",
        this_month.text
    );
    assert!(!this_month.contains(r#"<option value="since" selected>"#), "one line, not its two dates");
    assert!(
        this_month
            .contains(r#"name="query" value="f=created_at&#38;o=this-month&#38;v=&#38;col=first_name""#)
    );
    assert!(
        this_month.contains("name=\"selection\" value=\"filter%5Bcreated_at%5D%5Bgte%5D="),
        "an action on every result takes today's dates"
    );
    let last_month = browser.get("/contacts?f=created_at&o=last-month&v=&col=first_name").await;
    assert!(!last_month.contains(">Ana<"), "nobody was created last month");
    for period in ["today", "this-week", "this-year", "last-30-days"] {
        let page = browser.get(&format!("/contacts?f=created_at&o={period}&v=&col=first_name")).await;
        assert!(page.contains(">Ana<"), "{period}: {}", page.text);
    }

    let query = "f=created_at&o=this-month&v=&col=first_name";
    let saved = browser.post("/contacts/views", &[("name", "Nouveaux ce mois-ci"), ("query", query)]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let at = saved.location().expect("the view");
    assert!(at.contains("o=this-month") && !at.contains("gte"), "{at}");
    let view = browser.get(at).await;
    assert!(view.contains(">Ana<") && view.contains("aria-current=\"true\""));
    let export = browser.get(&format!("/contacts/export.csv?{query}")).await;
    assert!(export.contains("Ana"), "{}", export.text);
}

/// "Between two days" is one line with both days, in the address, a saved view and the export;
/// both days are included, and a range given backwards says so.
async fn a_range_of_days_is_one_line_of_the_bar(s: TestServer) {
    let deal_line = |close: &str| json!({"title": format!("Clôture {close}"), "expected_close_on": close});
    super::deals::pipeline(&s, "Ventes").await;
    for close in ["2031-03-01", "2031-03-31", "2031-04-01"] {
        assert_eq!(s.post("/api/v1/deals", &s.admin, deal_line(close)).await.status, StatusCode::CREATED);
    }
    let browser = s.signed_in(ADMIN_EMAIL).await;
    browser.accept_language("fr");
    let query = "f=expected_close_on&o=between&v=01%2F03%2F2031&w=2031-03-31&col=title";
    let march = browser.get(&format!("/deals?{query}")).await;
    assert_eq!(march.status, StatusCode::OK, "{}", march.text);
    assert!(march.contains("Clôture 2031-03-01") && march.contains("Clôture 2031-03-31"), "{}", march.text);
    assert!(!march.contains("Clôture 2031-04-01"), "the day after the range");
    assert!(march.contains(r#"<option value="between" selected>entre le</option>"#), "{}", march.text);
    assert!(
        march.contains(r#"class="range-end shown""#)
            && march.contains(r#"name="w" type="date" value="2031-03-31""#)
    );
    assert!(!march.contains(r#"<option value="since" selected>"#), "one line, not two");

    let saved = browser.post("/deals/views", &[("name", "Clôtures de mars"), ("query", query)]).await;
    let at = saved.location().expect("the view").to_owned();
    assert!(at.contains("o=between") && at.contains("w=2031-03-31") && !at.contains("gte"), "{at}");
    let view = browser.get(&at).await;
    assert!(view.contains("Clôture 2031-03-31") && !view.contains("Clôture 2031-04-01"), "{}", view.text);
    let export = browser.get(&format!("/deals/export.csv?{query}")).await;
    assert!(
        export.contains("Clôture 2031-03-01") && !export.contains("Clôture 2031-04-01"),
        "{}",
        export.text
    );

    let backwards = browser.get("/deals?f=expected_close_on&o=between&v=2031-03-31&w=2031-03-01").await;
    assert!(backwards.contains("le premier jour tombe après le dernier"), "{}", backwards.text);
    let half = browser.get("/deals?f=expected_close_on&o=between&v=2031-03-31&w=").await;
    assert!(half.contains("les deux dates"), "{}", half.text);
}

async fn bulk_actions_apply_to_what_the_user_may_change(s: TestServer) {
    let (sales_id, sales_email) = s.user_with_password(Role::Sales).await;
    let mine =
        s.post("/api/v1/contacts", &s.admin, json!({"first_name": "Mine", "owner_id": sales_id})).await.id();
    let theirs = s.post("/api/v1/contacts", &s.admin, json!({"first_name": "Theirs"})).await.id();
    let browser = s.signed_in(&sales_email).await;
    browser.get("/contacts").await;
    let tagged = browser
        .post("/contacts/bulk", &[("action", "tag"), ("tag", "salon-2026"), ("ids", &mine), ("ids", &theirs)])
        .await;
    assert_eq!(tagged.location(), Some("/contacts?done=1&refused=1"));
    let page = browser.get(tagged.location().expect("back to the list")).await;
    assert!(page.contains("One record changed") && page.contains("not yours to change"), "{}", page.text);
    assert_eq!(
        s.get(&format!("/api/v1/contacts/{mine}"), &s.admin).await.body["tags"],
        json!(["salon-2026"])
    );
    assert_eq!(s.get(&format!("/api/v1/contacts/{theirs}"), &s.admin).await.body["tags"], json!([]));

    let admin = s.signed_in(ADMIN_EMAIL).await;
    admin.get("/contacts").await;
    let sales_text = sales_id.to_string();
    let assigned = admin
        .post("/contacts/bulk", &[("action", "assign"), ("owner_id", &sales_text), ("ids", &theirs)])
        .await;
    assert_eq!(assigned.location(), Some("/contacts?done=1&refused=0"));
    assert_eq!(
        s.get(&format!("/api/v1/contacts/{theirs}"), &s.admin).await.body["owner_id"],
        json!(sales_id)
    );

    let confirm =
        admin.post("/contacts/bulk", &[("action", "delete"), ("ids", &mine), ("ids", &theirs)]).await;
    assert_eq!(confirm.status, StatusCode::OK, "deleting asks first");
    assert!(confirm.contains("Delete these 2 records?"));
    assert_eq!(s.get(&format!("/api/v1/contacts/{mine}"), &s.admin).await.status, StatusCode::OK);
    let deleted = admin
        .post(
            "/contacts/bulk",
            &[("action", "delete"), ("confirmed", "true"), ("ids", &mine), ("ids", &theirs)],
        )
        .await;
    assert_eq!(deleted.location(), Some("/contacts?done=2&refused=0"));
    assert_eq!(s.get(&format!("/api/v1/contacts/{mine}"), &s.admin).await.status, StatusCode::NOT_FOUND);
}

async fn the_current_view_exports_to_csv_for_the_language(s: TestServer) {
    seed(&s).await;
    s.post("/api/v1/contacts", &s.admin, json!({"first_name": "Paul", "address": {"city": "Paris"}})).await;
    let browser = s.signed_in(ADMIN_EMAIL).await;
    let csv = browser
        .get("/contacts/export.csv?filter%5Bcity%5D%5Beq%5D=Lyon&col=first_name&col=last_name&col=tags")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(
        csv.headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("text/csv; charset=utf-8")
    );
    assert_eq!(csv.text, "\u{feff}First name,Last name,Tags\nHélène,Dupont,vip\n");
    browser.post("/language", &[("lang", "fr")]).await;
    let french =
        browser.get("/contacts/export.csv?filter%5Bcity%5D%5Beq%5D=Lyon&col=first_name&col=last_name").await;
    assert_eq!(french.text, "\u{feff}Prénom;Nom\nHélène;Dupont\n", "French spreadsheets expect semicolons");

    // Numbers go out as a spreadsheet reads them: no thousands separators.
    s.post(
        "/api/v1/custom-fields",
        &s.admin,
        json!({"object_type": "contact", "key": "headcount", "label": "Effectif", "field_type": "number"}),
    )
    .await;
    s.post(
        "/api/v1/contacts",
        &s.admin,
        json!({"first_name": "Grand", "custom_fields": {"headcount": 1234567.5}}),
    )
    .await;
    let query = "/contacts/export.csv?filter%5Bfirst_name%5D=Grand&col=first_name&col=cf.headcount";
    assert_eq!(browser.get(query).await.text, "\u{feff}Prénom;Effectif\nGrand;1234567,50\n");
    browser.post("/language", &[("lang", "en")]).await;
    assert_eq!(browser.get(query).await.text, "\u{feff}First name,Effectif\nGrand,1234567.50\n");
}

async fn global_search_ignores_accents(s: TestServer) {
    let (contact, company) = seed(&s).await;
    let browser = s.signed_in(ADMIN_EMAIL).await;
    let dropdown = browser.get_htmx("/search?q=helene").await;
    assert_eq!(dropdown.status, StatusCode::OK);
    assert!(!dropdown.contains("<html"), "a fragment");
    assert!(dropdown.contains(&format!("/contacts/{contact}")), "{}", dropdown.text);
    let page = browser.get("/search?q=boulang").await;
    assert!(page.contains(&format!("/companies/{company}")));
    let names = browser.get("/search/companies?q=boul").await;
    assert_eq!(names.text, "[\"Boulangerie Dupont\"]");
    assert_eq!(browser.get_htmx("/search?q=").await.text, "", "an emptied box closes the dropdown silently");
    s.post("/api/v1/pipelines", &s.admin, json!({"name": "Ventes", "lost_reasons": ["Prix"], "stages": [
        {"name": "Découverte", "probability": 20}, {"name": "Gagnée", "outcome": "won"}, {"name": "Perdue", "outcome": "lost"}
    ]}))
    .await;
    let deal =
        s.post("/api/v1/deals", &s.admin, json!({"title": "Pétrin géant", "company_id": company})).await.id();
    let found = browser.get_htmx("/search?q=petrin").await;
    assert!(
        found.contains(&format!("/deals/{deal}")) && found.contains("Découverte"),
        "deals are found by their title: {}",
        found.text
    );

    // What people mean comes first: the name before other fields, the company before its people.
    let blanc = s.post("/api/v1/companies", &s.admin, json!({"name": "Menuiserie Blanc"})).await.id();
    let laurent = s.post("/api/v1/companies", &s.admin, json!({"name": "Groupe Laurent"})).await.id();
    let helene_blanc = s
        .post(
            "/api/v1/contacts",
            &s.admin,
            json!({"first_name": "Hélène", "last_name": "Blanc", "phones": ["04 78 12 34 56"]}),
        )
        .await
        .id();
    for (first, last, company) in
        [("Hélène", "Chevalier", &blanc), ("Marc", "Petit", &laurent), ("Lucie", "Roy", &laurent)]
    {
        s.post(
            "/api/v1/contacts",
            &s.admin,
            json!({"first_name": first, "last_name": last, "company_id": company}),
        )
        .await;
    }
    let first_hit = |html: &str| {
        html.split("href=\"").nth(1).and_then(|rest| rest.split('"').next()).unwrap_or_default().to_owned()
    };
    let dropdown = browser.get_htmx("/search?q=helene%20blanc").await;
    assert_eq!(first_hit(&dropdown.text), format!("/contacts/{helene_blanc}"), "{}", dropdown.text);
    let dropdown = browser.get_htmx("/search?q=groupe%20laurent").await;
    assert_eq!(first_hit(&dropdown.text), format!("/companies/{laurent}"), "{}", dropdown.text);
    let dropdown = browser.get_htmx("/search?q=04%2078%2012%2034%2056").await;
    assert_eq!(first_hit(&dropdown.text), format!("/contacts/{helene_blanc}"), "a number as displayed");
}

async fn pages_speak_the_browser_language_until_the_user_chooses(s: TestServer) {
    let guest = s.browser();
    guest.accept_language("fr-FR,fr;q=0.9,en;q=0.8");
    let sign_in = guest.get("/sign-in").await;
    assert!(sign_in.contains("<html lang=\"fr\">") && sign_in.contains("Mot de passe"), "{}", sign_in.text);
    let english = guest.get("/sign-in?lang=en").await;
    assert!(english.contains("Password"), "a visitor can switch before signing in");
    assert!(guest.get("/sign-in").await.contains("Password"), "and the choice is remembered");

    s.post(
        "/api/v1/custom-fields",
        &s.admin,
        json!({"object_type": "contact", "key": "budget", "label": "Budget", "field_type": "currency"}),
    )
    .await;
    let contact = s
        .post("/api/v1/contacts", &s.admin, json!({"first_name": "Léa", "custom_fields": {"budget": {"amount": "1234.56", "currency": "EUR"}}}))
        .await
        .id();
    let browser = s.signed_in(ADMIN_EMAIL).await;
    browser.accept_language("fr");
    let page = browser.get(&format!("/contacts/{contact}")).await;
    assert!(page.contains("Historique") && page.contains("1\u{202f}234,56\u{a0}€"), "{}", page.text);
    browser.accept_language("fr");
    let switched = browser.post("/language", &[("lang", "en")]).await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    let page = browser.get(&format!("/contacts/{contact}")).await;
    assert!(page.contains("Timeline") && page.contains("€1,234.56"), "the user's choice beats the browser's");
    // Error pages too: drawn after the handler, in the language the visitor chose.
    let missing = browser.get("/contacts/01a209c5-454c-70c1-8b42-1b1057ca6694").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.contains("Not found") && !missing.contains("Introuvable"), "{}", missing.text);
    let guest = s.browser();
    guest.accept_language("fr");
    let forged = guest.post("/sign-in", &[("email", "x@exemple.fr")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.contains("<html lang=\"fr\">"), "{}", forged.text);
    let user = s.app.find_user_by_email(ADMIN_EMAIL).await.expect("read").expect("admin");
    assert_eq!(user.locale.as_deref(), Some("en"));
}

async fn settings_are_for_admins_and_manage_users_tokens_and_fields(s: TestServer) {
    let (_, manager) = s.user_with_password(Role::Manager).await;
    let managers = s.signed_in(&manager).await;
    for path in ["/settings/users", "/settings/tokens", "/settings/fields"] {
        assert_eq!(managers.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert!(!managers.get("/").await.contains("href=\"/settings\""), "no settings link for non-admins");
    let forged = managers.post("/settings/users", &[("email", "x@exemple.fr"), ("role", "admin")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let admin = s.signed_in(ADMIN_EMAIL).await;
    admin.get("/settings/users").await;
    let refused = admin.post("/settings/users", &[("email", "nope"), ("role", "sales")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("id=\"e-email\""));
    let created = admin
        .post(
            "/settings/users",
            &[
                ("email", "lucas@exemple.fr"),
                ("display_name", "Lucas"),
                ("role", "support"),
                ("password", "un-mot-de-passe-long"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    s.browser().sign_in("lucas@exemple.fr", "un-mot-de-passe-long", false).await;

    let form = admin.get("/settings/tokens").await;
    let admin_id = s.app.find_user_by_email(ADMIN_EMAIL).await.expect("read").expect("the admin").id;
    assert!(
        form.contains(&format!("<option value=\"{admin_id}\" selected>")),
        "a new token acts for the admin creating it unless another user is picked"
    );
    let token = admin.post("/settings/tokens", &[("name", "intégration")]).await;
    assert_eq!(token.status, StatusCode::OK);
    assert_eq!(token.headers.get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
    let secret = token
        .text
        .split("<code id=\"new-token\">")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .expect("the secret");
    assert_eq!(s.get("/api/v1/contacts", secret).await.status, StatusCode::OK, "the new token works");
    assert!(!admin.get("/settings/tokens").await.contains(secret), "shown once");

    admin.get("/settings/fields").await;
    for (key, label) in [("budget", "Budget"), ("secteur", "Secteur")] {
        let created = admin
            .post(
                "/settings/fields",
                &[
                    ("object_type", "contact"),
                    ("key", key),
                    ("label", label),
                    ("field_type", "select"),
                    ("options", "A\nB"),
                ],
            )
            .await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text);
    }
    let fields = s.get("/api/v1/custom-fields", &s.admin).await;
    let secteur = fields.body["data"]
        .as_array()
        .and_then(|d| d.iter().find(|f| f["key"] == "secteur"))
        .and_then(|f| f["id"].as_str())
        .expect("secteur")
        .to_owned();
    let moved = admin.post(&format!("/settings/fields/{secteur}/move"), &[("direction", "up")]).await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    let page = admin.get("/settings/fields").await;
    assert!(page.text.find(">Secteur<") < page.text.find(">Budget<"), "reordered");
    let new_contact = admin.get("/contacts/new").await;
    assert!(new_contact.contains("name=\"custom_fields.secteur\""), "custom fields appear on forms");
}

async fn a_long_timeline_is_paged(s: TestServer) {
    let (contact, _) = seed(&s).await;
    for i in 0..35 {
        s.post(
            "/api/v1/activities",
            &s.admin,
            json!({"kind": "note", "contact_id": contact, "body": format!("note {i:02}")}),
        )
        .await;
    }
    let browser = s.signed_in(ADMIN_EMAIL).await;
    let page = browser.get(&format!("/contacts/{contact}")).await;
    assert_eq!(page.text.matches("class=\"item").count(), 30);
    assert!(page.contains("note 34") && !page.contains("note 04"), "newest first");
    let older = page
        .text
        .split("id=\"older-row\"><a class=\"button\" href=\"")
        .nth(1)
        .and_then(|r| r.split('#').next())
        .expect("older");
    let rest = browser.get_htmx(&older.replace("&#38;", "&")).await;
    assert_eq!(rest.text.matches("class=\"item").count(), 5);
    assert!(rest.contains("note 00") && !rest.contains("<html"));
}

async fn a_company_page_shows_its_contacts_and_edits_its_head_office(s: TestServer) {
    let (_, company) = seed(&s).await;
    s.patch(
        &format!("/api/v1/companies/{company}"),
        &s.admin,
        json!({"addresses": [{"city": "Lyon"}, {"label": "entrepôt", "city": "Vénissieux"}]}),
    )
    .await;
    let browser = s.signed_in(ADMIN_EMAIL).await;
    let page = browser.get(&format!("/companies/{company}")).await;
    assert!(page.contains("Hélène Dupont"));
    let saved = browser
        .post_htmx(
            &format!("/companies/{company}/fields/address.city"),
            &[("address.city", "Villeurbanne"), ("version", "2")],
        )
        .await;
    assert!(saved.contains("Villeurbanne"), "{}", saved.text);
    let read = s.get(&format!("/api/v1/companies/{company}"), &s.admin).await;
    assert_eq!(read.body["addresses"][0]["city"], "Villeurbanne");
    assert_eq!(read.body["addresses"][1]["city"], "Vénissieux", "other addresses are kept");
    let bad = browser
        .post(&format!("/companies/{company}"), &[("name", ""), ("siren", "12"), ("version", "3")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains("id=\"e-name\"") && bad.contains("id=\"e-siren\""));
}

async fn an_activity_is_edited_and_deleted_by_whoever_may_change_it(s: TestServer) {
    let (contact, _) = seed(&s).await;
    let call = s
        .post(
            "/api/v1/activities",
            &s.admin,
            json!({"kind": "call", "contact_id": contact, "subject": "Appel", "direction": "outbound", "duration_seconds": 120}),
        )
        .await
        .id();
    let (_, readonly) = s.user_with_password(Role::Readonly).await;
    let reader = s.signed_in(&readonly).await;
    assert!(!reader.get(&format!("/contacts/{contact}")).await.contains(&format!("/activities/{call}/edit")));
    assert_eq!(reader.get(&format!("/activities/{call}/edit")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        reader.post(&format!("/activities/{call}"), &[("subject", "x")]).await.status,
        StatusCode::FORBIDDEN
    );

    let browser = s.signed_in(ADMIN_EMAIL).await;
    assert!(browser.get(&format!("/contacts/{contact}")).await.contains(&format!("/activities/{call}/edit")));
    let form = browser.get(&format!("/activities/{call}/edit")).await;
    assert!(form.contains("value=\"Appel\"") && form.contains("value=\"2\""), "{}", form.text);
    let refused = browser
        .post(
            &format!("/activities/{call}"),
            &[("subject", "Appel"), ("duration_minutes", "-3"), ("version", "1")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("id=\"e-duration_minutes\""));
    let saved = browser
        .post(
            &format!("/activities/{call}"),
            &[
                ("subject", "Appel de suivi"),
                ("direction", "inbound"),
                ("outcome", "busy"),
                ("duration_minutes", "3"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(saved.location(), Some(format!("/contacts/{contact}#timeline").as_str()));
    let read = s.get(&format!("/api/v1/activities/{call}"), &s.admin).await;
    assert_eq!(read.body["subject"], "Appel de suivi");
    assert_eq!(read.body["direction"], "inbound");
    assert_eq!(read.body["duration_seconds"], 180);
    let deleted = browser.post(&format!("/activities/{call}/delete"), &[]).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(s.get(&format!("/api/v1/activities/{call}"), &s.admin).await.status, StatusCode::NOT_FOUND);
}

async fn expired_sessions_and_old_failures_are_swept(s: TestServer) {
    let browser = s.signed_in(ADMIN_EMAIL).await;
    for _ in 0..5 {
        s.browser().try_sign_in(ADMIN_EMAIL, "guess", false).await;
    }
    let now = chrono::Utc::now();
    assert_eq!(s.app.expire_sessions(now).await.expect("swept"), 0, "a live session stays");
    assert_eq!(browser.get("/").await.status, StatusCode::OK);
    // A day and a half later the browser session has ended and the lock-out is forgotten.
    let later = now + chrono::TimeDelta::hours(36);
    assert_eq!(s.app.expire_sessions(later).await.expect("swept"), 1);
    assert_eq!(browser.get("/").await.status, StatusCode::SEE_OTHER);
    let fresh = s.browser();
    fresh.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD, false).await;
}

async fn a_past_call_is_logged_and_a_task_given_to_a_colleague(s: TestServer) {
    let (contact, _) = seed(&s).await;
    let (colleague_id, colleague) = s.user_with_password(Role::Sales).await;
    let browser = s.signed_in(ADMIN_EMAIL).await;
    let path = format!("/contacts/{contact}");
    let page = browser.get(&path).await;
    assert!(page.contains(&format!("<option value=\"{colleague_id}\"")), "colleagues are offered");
    let call = browser
        .post(
            &format!("{path}/activities"),
            &[("kind", "call"), ("subject", "Hier"), ("occurred_at", "2026-03-02T09:30")],
        )
        .await;
    assert_eq!(call.status, StatusCode::SEE_OTHER, "{}", call.text);
    let bad = browser
        .post(&format!("{path}/activities"), &[("kind", "note"), ("body", "x"), ("occurred_at", "hier")])
        .await;
    assert!(bad.contains("id=\"e-occurred_at\""));
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Paris).date_naive().to_string();
    let colleague_text = colleague_id.to_string();
    let task = browser
        .post(
            &format!("{path}/activities"),
            &[
                ("kind", "task"),
                ("subject", "Rappeler Hélène"),
                ("due_date", &today),
                ("assignee_id", &colleague_text),
            ],
        )
        .await;
    assert_eq!(task.status, StatusCode::SEE_OTHER, "{}", task.text);
    let timeline = s.get(&format!("/api/v1/contacts/{contact}/timeline"), &s.admin).await;
    let items = timeline.body["data"].as_array().cloned().unwrap_or_default();
    let logged = items.iter().find(|a| a["subject"] == "Hier").expect("the call");
    assert_eq!(logged["occurred_at"], "2026-03-02T08:30:00Z", "typed in Paris time");
    assert!(!browser.get("/").await.contains("Rappeler Hélène"), "not on my home page");
    assert!(s.signed_in(&colleague).await.get("/").await.contains("Rappeler Hélène"), "on theirs");
}

async fn the_home_page_greets_by_first_name(s: TestServer) {
    let admin = s.app.find_user_by_email(ADMIN_EMAIL).await.expect("read").expect("the admin").id;
    let renamed =
        s.patch(&format!("/api/v1/users/{admin}"), &s.admin, json!({"display_name": "Claire Dubois"})).await;
    assert_eq!(renamed.status, StatusCode::OK, "{:?}", renamed.body);
    let browser = s.signed_in(ADMIN_EMAIL).await;
    browser.post("/language", &[("lang", "fr")]).await;
    assert!(browser.get("/").await.contains("<h1>Bonjour Claire</h1>"), "French: no comma, the first name");
    browser.post("/language", &[("lang", "en")]).await;
    assert!(browser.get("/").await.contains("<h1>Hello, Claire</h1>"));
}

/// The filter bar takes labels, names, days, numbers and phone numbers as people write them,
/// in French as in English, and says in their language what it could not read.
async fn the_filter_bar_reads_peoples_words(s: TestServer) {
    let (sophie, _) = s.user_with_password(Role::Sales).await;
    s.patch(&format!("/api/v1/users/{sophie}"), &s.admin, json!({"display_name": "Sophie Leroy"})).await;
    s.post(
        "/api/v1/custom-fields",
        &s.admin,
        json!({"object_type": "contact", "key": "budget", "label": "Budget", "field_type": "number"}),
    )
    .await;
    for (last, stage, owner, phone, budget, country) in [
        ("Arnaud", "customer", s.admin_id, "06 12 34 56 78", 12_000, "FR"),
        ("Blanc", "lead", sophie, "04 78 12 34 56", 500, "BE"),
        ("Caron", "customer", sophie, "07 81 22 33 44", 25_000, "FR"),
    ] {
        let body = json!({"last_name": last, "lifecycle_stage": stage, "owner_id": owner, "phones": [phone],
                          "custom_fields": {"budget": budget}, "address": {"city": "Lyon", "country": country}});
        let created = s.post("/api/v1/contacts", &s.admin, body).await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    }
    let browser = s.signed_in(ADMIN_EMAIL).await;
    browser.accept_language("fr");
    let found = |query: &'static str| {
        let browser = &browser;
        async move {
            let page = browser.get(&format!("/contacts?sort=last_name&col=last_name&{query}")).await;
            assert_eq!(page.status, StatusCode::OK, "{query}: {}", page.text);
            ["Arnaud", "Blanc", "Caron"]
                .into_iter()
                .filter(|name| page.contains(&format!(">{name}<")))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(found("f=lifecycle_stage&o=eq&v=client").await, ["Arnaud", "Caron"], "a stage by its label");
    assert_eq!(found("f=owner_id&o=eq&v=Sophie+Leroy").await, ["Blanc", "Caron"], "an owner by name");
    assert_eq!(found("f=owner_id&o=eq&v=moi").await, ["Arnaud"]);
    assert_eq!(found("f=city&o=eq&v=lyon").await, ["Arnaud", "Blanc", "Caron"], "text ignores case");
    assert_eq!(found("f=last_name&o=starts-with&v=%C3%82RN").await, ["Arnaud"], "and accents");
    assert_eq!(found("f=country&o=eq&v=France").await, ["Arnaud", "Caron"], "a country by its name");
    assert_eq!(found("f=phone&o=starts-with&v=06").await, ["Arnaud"], "a national number");
    assert_eq!(found("f=cf.budget&o=gt&v=10+000").await, ["Arnaud", "Caron"], "a number with spaces");
    assert_eq!(found("f=cf.budget&o=is-empty&v=").await, Vec::<&str>::new(), "is empty needs no value");
    assert_eq!(found("f=created_at&o=last-30-days&v=").await, ["Arnaud", "Blanc", "Caron"]);
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Paris).format("%d/%m/%Y").to_string();
    let on_today = browser.get(&format!("/contacts?col=last_name&f=created_at&o=on&v={today}")).await;
    assert!(on_today.contains(">Arnaud<"), "a day typed as the French write it");

    let stage = browser.get("/contacts?f=lifecycle_stage&o=eq&v=client").await;
    assert!(stage.contains("<option value=\"customer\" selected>Client</option>"), "a list of stages");
    assert!(stage.contains("href=\"/contacts?filter%5Bowner_id%5D%5Beq%5D="), "a link to my contacts");
    let line = browser.get_htmx("/contacts/filter-line?f=owner_id&i=2").await;
    assert!(
        line.contains("id=\"v-2\"")
            && line.contains(">Moi</option>")
            && line.contains(">Sophie Leroy</option>")
    );
    assert!(!line.contains("<html"), "only the line");
    let company = browser.get_htmx("/contacts/filter-line?f=company_name&i=3").await;
    assert!(
        company.contains("list=\"company-names-3\"") && company.contains("<datalist id=\"company-names-3\">")
    );

    for (query, message) in [
        ("f=owner_id&o=eq&v=Paul", "Responsable : aucun collègue ne s’appelle « Paul »."),
        (
            "f=lifecycle_stage&o=eq&v=Fournisseur",
            "Étape : « Fournisseur » ne fait pas partie des valeurs possibles",
        ),
        ("f=cf.budget&o=gt&v=beaucoup", "Budget : « beaucoup » n’est pas un nombre."),
        ("f=created_at&o=on&v=31/02/2026", "Créé le : « 31/02/2026 » n’est pas une date"),
    ] {
        let refused = browser.get(&format!("/contacts?{query}")).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        let text = refused.text.replace("&#8217;", "’").replace("&#171;", "«").replace("&#187;", "»");
        assert!(text.contains(message), "{query}: {message} in {text}");
        assert!(!text.contains("filter["), "no API names shown");
        assert!(refused.contains("aria-invalid=\"true\""), "the line is marked");
    }
}

/// A list says how many records match, in each language's plural; "every result" reaches the
/// records past the first page; a bulk action comes back to the same view, and one with
/// nothing chosen says so.
async fn lists_count_what_they_match_and_bulk_actions_reach_every_result(s: TestServer) {
    let browser = s.signed_in(ADMIN_EMAIL).await;
    browser.accept_language("fr");
    assert!(browser.get("/contacts").await.contains(">0 contact</p>"), "French puts 0 in the singular");
    for (last, city) in [("Arnaud", "Lyon"), ("Blanc", "Lyon"), ("Caron", "Lyon"), ("Dumas", "Paris")] {
        s.post("/api/v1/contacts", &s.admin, json!({"last_name": last, "address": {"city": city}})).await;
    }
    assert!(browser.get("/contacts").await.contains(">4 contacts</p>"));
    assert!(browser.get("/contacts?f=city&o=eq&v=Paris").await.contains(">1 contact</p>"));
    browser.accept_language("en");
    let lyon = browser.get("/contacts?filter%5Bcity%5D%5Beq%5D=Lyon&limit=2&col=last_name").await;
    assert!(lyon.contains(">3 contacts</p>"), "the count covers every page: {}", lyon.text);
    assert!(lyon.contains(">Arnaud<") != lyon.contains(">Caron<"), "one page of two rows");
    assert!(
        lyon.contains("Every result of the list (3 contacts), not only the ticked rows"),
        "every result, counted, not the two rows shown: {}",
        lyon.text
    );

    let nothing = browser
        .post("/contacts/bulk", &[("action", "tag"), ("tag", "salon"), ("back", "col=last_name")])
        .await;
    assert_eq!(nothing.location(), Some("/contacts?col=last_name&none=1"));
    let told = browser.get(nothing.location().expect("back")).await;
    assert!(told.contains("Tick at least one row"), "{}", told.text);

    let everything = browser
        .post(
            "/contacts/bulk",
            &[
                ("action", "tag"),
                ("tag", "salon"),
                ("scope", "all"),
                ("selection", "filter%5Bcity%5D%5Beq%5D=Lyon"),
                ("back", "filter%5Bcity%5D%5Beq%5D=Lyon&col=last_name"),
            ],
        )
        .await;
    assert_eq!(
        everything.location(),
        Some("/contacts?filter%5Bcity%5D%5Beq%5D=Lyon&col=last_name&done=3&refused=0"),
        "back to the same view"
    );
    let tagged = s.get("/api/v1/contacts?filter[tags]=salon&sort=last_name", &s.admin).await;
    let names: Vec<&str> = tagged.body["data"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|c| c["last_name"].as_str())
        .collect();
    assert_eq!(names, ["Arnaud", "Blanc", "Caron"], "every result, not only the first page");

    let confirm = browser
        .post(
            "/contacts/bulk",
            &[("action", "delete"), ("scope", "all"), ("selection", "filter%5Bcity%5D%5Beq%5D=Lyon")],
        )
        .await;
    assert!(confirm.contains("Delete every record of this list (3 contacts)?"), "{}", confirm.text);
    assert_eq!(s.get("/api/v1/contacts", &s.admin).await.body["data"].as_array().map(Vec::len), Some(4));
}

/// Numbers and addresses are links that call or write, on lists and at the top of a record.
async fn numbers_and_addresses_are_one_tap_away(s: TestServer) {
    let contact = s
        .post(
            "/api/v1/contacts",
            &s.admin,
            json!({"last_name": "Roux", "emails": ["nicolas.roux@exemple.fr"], "phones": ["04 78 12 34 56", "06 12 34 56 78"]}),
        )
        .await
        .id();
    let browser = s.signed_in(ADMIN_EMAIL).await;
    browser.accept_language("fr");
    let page = browser.get(&format!("/contacts/{contact}")).await;
    assert!(
        page.contains("<a class=\"button\" href=\"tel:+33478123456\">Appeler le 04 78 12 34 56</a>"),
        "{}",
        page.text
    );
    assert!(page.contains("href=\"mailto:nicolas.roux@exemple.fr\""));
    assert!(page.contains("<a href=\"tel:+33612345678\">06 12 34 56 78</a>"), "every number of the card");
    let list = browser.get("/contacts?col=last_name&col=email&col=phone").await;
    assert!(list.contains("<a href=\"tel:+33478123456\">04 78 12 34 56</a>"), "{}", list.text);
    assert!(list.contains("<a href=\"mailto:nicolas.roux@exemple.fr\">nicolas.roux@exemple.fr</a>"));
    assert!(list.contains("data-label=\"Téléphone\""), "cells name their column for the phone layout");
}

/// "My tasks": late, today, this week, later; a colleague's or everyone's; a long group is
/// never cut without saying so; a task is marked done where it stands; a company's page
/// lists the open tasks of its contacts too.
async fn the_tasks_page_groups_what_is_due_and_marks_it_done_in_place(s: TestServer) {
    let company = s.post("/api/v1/companies", &s.admin, json!({"name": "Atelier Roux"})).await.id();
    let contact =
        s.post("/api/v1/contacts", &s.admin, json!({"last_name": "Roux", "company_id": company})).await.id();
    let (colleague, _) = s.user_with_password(Role::Sales).await;
    let now = chrono::Utc::now();
    let task = |subject: &str, due: Option<chrono::DateTime<chrono::Utc>>, assignee: UserId| {
        json!({"kind": "task", "subject": subject, "contact_id": contact, "assignee_id": assignee,
               "due_at": due.map(|d| d.to_rfc3339())})
    };
    let far = now + chrono::TimeDelta::days(30);
    for (subject, due, assignee) in [
        ("Rappeler", Some(now - chrono::TimeDelta::days(3)), s.admin_id),
        ("Un jour", None, s.admin_id),
        ("Le mois prochain", Some(far), s.admin_id),
        ("Pour la collègue", Some(far), colleague),
    ] {
        assert_eq!(
            s.post("/api/v1/activities", &s.admin, task(subject, due, assignee)).await.status,
            StatusCode::CREATED
        );
    }
    for n in 0..51 {
        s.post("/api/v1/activities", &s.admin, task(&format!("Série {n:02}"), Some(far), s.admin_id)).await;
    }
    let browser = s.signed_in(ADMIN_EMAIL).await;
    let page = browser.get("/tasks").await;
    assert_eq!(page.status, StatusCode::OK);
    let group = |html: &str, key: &str| -> String {
        html.split(&format!("id=\"group-{key}\""))
            .nth(1)
            .unwrap_or_default()
            .split("</section>")
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    assert!(group(&page.text, "overdue").contains("Rappeler"));
    let later = group(&page.text, "later");
    assert!(later.contains("Le mois prochain"));
    assert!(later.contains("53 tasks"), "the whole group is counted: {later}");
    assert!(
        later.contains("/tasks?assignee=me&#38;all=later#group-later"),
        "never cut without a way on: {later}"
    );
    assert!(!later.contains("Pour la collègue"), "mine only");
    let whole = group(&browser.get("/tasks?assignee=me&all=later").await.text, "later");
    let (last_dated, undated) = (whole.find("Série 50"), whole.find("Un jour"));
    assert!(last_dated.is_some() && undated > last_dated, "all of it, undated tasks last");
    let theirs = browser.get(&format!("/tasks?assignee={colleague}")).await;
    assert!(group(&theirs.text, "later").contains("Pour la collègue") && !theirs.contains("Rappeler"));
    let everyone = browser.get("/tasks?assignee=all").await;
    assert!(everyone.contains("Pour la collègue") && everyone.contains("Rappeler"));
    assert_eq!(browser.get("/tasks?assignee=not-an-id").await.status, StatusCode::UNPROCESSABLE_ENTITY);

    let timeline = s.get(&format!("/api/v1/contacts/{contact}/timeline?limit=100"), &s.admin).await;
    let late = timeline.body["data"]
        .as_array()
        .and_then(|items| items.iter().find(|a| a["subject"] == "Rappeler"))
        .and_then(|a| a["id"].as_str())
        .expect("the late task")
        .to_owned();
    let done = browser
        .post_htmx(
            &format!("/activities/{late}/done"),
            &[("done", "true"), ("in_place", "true"), ("back", "/tasks")],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.contains("<li class=\"task-done\" role=\"status\">Done: Rappeler</li>"), "{}", done.text);
    assert_eq!(s.get(&format!("/api/v1/activities/{late}"), &s.admin).await.body["done"], true);

    let company_page = browser.get(&format!("/companies/{company}")).await;
    let open = company_page.text.split("id=\"open-tasks-title\"").nth(1).unwrap_or_default();
    assert!(
        open.contains("Le mois prochain") && open.contains(">Roux</a>"),
        "its contacts' tasks, naming them"
    );

    // Its timeline holds its contacts' entries, each naming whose it is.
    let timeline = company_page.text.split("id=\"timeline-items\"").nth(1).unwrap_or_default();
    assert!(timeline.contains(&format!(" · <a href=\"/contacts/{contact}\">Roux</a></span>")), "{timeline}");

    // One record's tasks, a company's with its contacts', from a link on its page.
    let elsewhere = s.post("/api/v1/contacts", &s.admin, json!({"last_name": "Ailleurs"})).await.id();
    s.post(
        "/api/v1/activities",
        &s.admin,
        json!({"kind": "task", "subject": "Sans rapport", "contact_id": elsewhere,
        "assignee_id": s.admin_id, "due_at": far.to_rfc3339()}),
    )
    .await;
    let link = format!("/tasks?assignee=all&amp;about=companies/{company}");
    assert!(company_page.contains(&link), "{}", company_page.text);
    let about = browser.get(&link.replace("&amp;", "&")).await;
    assert!(about.contains("Le mois prochain") && about.contains(">Atelier Roux</a>"), "{}", about.text);
    assert!(!about.contains("Sans rapport"), "only the company's");
    assert_eq!(browser.get("/tasks?about=companies/not-an-id").await.status, StatusCode::NOT_FOUND);

    // A contact added from the company's page starts in it.
    assert!(company_page.contains(&format!("href=\"/contacts/new?company={company}\"")));
    let form = browser.get(&format!("/contacts/new?company={company}")).await;
    assert!(
        form.contains("value=\"Atelier Roux\"") && form.contains(&format!("href=\"/companies/{company}\"")),
        "{}",
        form.text
    );
}

/// Any user, read-only included, sets their own language, time zone and password; a wrong
/// current password changes nothing; a new one ends their other sessions and keeps this one.
async fn every_user_sets_their_own_language_time_zone_and_password(s: TestServer) {
    let (_, email) = s.user_with_password(Role::Readonly).await;
    let browser = s.signed_in(&email).await;
    let elsewhere = s.signed_in(&email).await;
    let account = browser.get("/account").await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(
        account.contains("My account") && account.contains("The team’s (Europe/Paris)"),
        "{}",
        account.text
    );

    let refused =
        browser.post("/account/preferences", &[("locale", "fr"), ("timezone", "Mars/Olympus")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("must be an IANA time zone"), "{}", refused.text);
    let saved =
        browser.post("/account/preferences", &[("locale", "fr"), ("timezone", "America/Montreal")]).await;
    assert_eq!(saved.location(), Some("/account?saved=1"));
    let page = browser.get("/account?saved=1").await;
    assert!(page.contains("<html lang=\"fr\"") && page.contains("Enregistré."), "{}", page.text);
    assert!(page.contains("<option value=\"America/Montreal\" selected>"), "the zone is kept");
    let user = s.app.find_user_by_email(&email).await.expect("read").expect("the user");
    assert_eq!(user.timezone.as_deref(), Some("America/Montreal"));

    let wrong = browser
        .post(
            "/account/password",
            &[("current_password", "pas le bon mot de passe"), ("new_password", "un tout nouveau secret")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.contains("n’est pas votre mot de passe actuel"), "{}", wrong.text);
    let short = browser
        .post("/account/password", &[("current_password", ADMIN_PASSWORD), ("new_password", "court")])
        .await;
    assert!(short.contains("12 caractères au moins"), "{}", short.text);
    let changed = browser
        .post(
            "/account/password",
            &[("current_password", ADMIN_PASSWORD), ("new_password", "un tout nouveau secret")],
        )
        .await;
    assert_eq!(changed.location(), Some("/account?password=1"), "{}", changed.text);
    assert_eq!(browser.get("/account?password=1").await.status, StatusCode::OK, "this session goes on");
    assert_eq!(elsewhere.get("/").await.status, StatusCode::SEE_OTHER, "the others ended");
    let fresh = s.browser();
    assert_eq!(fresh.try_sign_in(&email, ADMIN_PASSWORD, false).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        fresh.try_sign_in(&email, "un tout nouveau secret", false).await.status,
        StatusCode::SEE_OTHER
    );
}

/// A new contact with an email or phone number already on file, or a company with a known
/// SIREN, is pointed out with a link before it is saved; the visitor may still go ahead.
async fn a_new_record_already_on_file_is_pointed_out_before_saving(s: TestServer) {
    let (contact, company) = seed(&s).await;
    s.patch(&format!("/api/v1/companies/{company}"), &s.admin, json!({"siren": "732829320"})).await;
    let browser = s.signed_in(ADMIN_EMAIL).await;
    browser.get("/contacts/new").await;
    let typed = [("first_name", "Hélène"), ("last_name", "Dupont-Martin"), ("emails", "HELENE@exemple.fr")];
    let warned = browser.post("/contacts", &typed).await;
    assert_eq!(warned.status, StatusCode::CONFLICT);
    assert!(
        warned.contains(&format!("<a href=\"/contacts/{contact}\">Hélène Dupont (helene@exemple.fr)</a>")),
        "{}",
        warned.text
    );
    assert!(warned.contains("value=\"Dupont-Martin\""), "what was typed is kept");
    assert_eq!(
        s.get("/api/v1/contacts", &s.admin).await.body["data"].as_array().map(Vec::len),
        Some(1),
        "nothing saved yet"
    );
    let mut anyway = typed.to_vec();
    anyway.push(("allow_namesakes", "true"));
    let created = browser.post("/contacts", &anyway).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text);
    assert_eq!(s.get("/api/v1/contacts", &s.admin).await.body["data"].as_array().map(Vec::len), Some(2));

    browser.get("/companies/new").await;
    let twin =
        browser.post("/companies", &[("name", "Boulangerie Dupont SARL"), ("siren", "732 829 320")]).await;
    assert_eq!(twin.status, StatusCode::CONFLICT);
    assert!(twin.contains(&format!("/companies/{company}")), "{}", twin.text);

    // A number on file, typed as people say it.
    let caller = s
        .post("/api/v1/contacts", &s.admin, json!({"last_name": "Moreau", "phones": ["+33 6 98 76 54 32"]}))
        .await
        .id();
    browser.get("/contacts/new").await;
    let same_number =
        browser.post("/contacts", &[("last_name", "Moreau-Petit"), ("phones", "06 98 76 54 32")]).await;
    assert_eq!(same_number.status, StatusCode::CONFLICT);
    assert!(same_number.contains(&format!("<a href=\"/contacts/{caller}\">")), "{}", same_number.text);

    // Another system's number on file is refused on its field, what was typed kept.
    s.patch(&format!("/api/v1/contacts/{caller}"), &s.admin, json!({"external_id": "C-77"})).await;
    let taken = browser.post("/contacts", &[("last_name", "Autre"), ("external_id", "C-77")]).await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.contains("id=\"e-external_id\"") && taken.contains("value=\"C-77\""), "{}", taken.text);
}

/// Sorting by stage follows the stages' names as the reader reads them, page after page.
async fn a_closed_set_sorts_by_its_labels_in_the_readers_language(s: TestServer) {
    for (last, stage) in
        [("A", "lead"), ("B", "customer"), ("C", "subscriber"), ("D", "evangelist"), ("E", "opportunity")]
    {
        s.post("/api/v1/contacts", &s.admin, json!({"last_name": last, "lifecycle_stage": stage})).await;
    }
    let browser = s.signed_in(ADMIN_EMAIL).await;
    let sorted = |lang: &'static str| {
        let browser = &browser;
        async move {
            browser.accept_language(lang);
            let mut stages = vec![];
            let mut path = "/contacts?sort=lifecycle_stage&limit=2&col=lifecycle_stage".to_owned();
            loop {
                let page = browser.get_htmx(&path).await;
                for cell in page.text.split("data-label=").skip(1) {
                    let text = cell.split('>').nth(1).and_then(|t| t.split('<').next()).unwrap_or_default();
                    stages.push(text.to_owned());
                }
                let more = page.text.split("id=\"more-row\"").nth(1).unwrap_or_default();
                let next = more.split("hx-get=\"").nth(1).and_then(|rest| rest.split('"').next());
                match next {
                    Some(next) if next.contains("cursor=") => path = next.replace("&#38;", "&"),
                    _ => break,
                }
            }
            stages
        }
    };
    browser.get("/contacts").await;
    assert_eq!(sorted("fr").await, ["Abonné", "Ambassadeur", "Client", "Opportunité", "Piste"]);
    assert_eq!(sorted("en").await, ["Customer", "Evangelist", "Lead", "Opportunity", "Subscriber"]);
}

async fn the_deals_board_starts_a_pipeline_adds_and_moves_deals(s: TestServer) {
    let browser = s.signed_in(ADMIN_EMAIL).await;
    let empty = browser.get("/deals/board").await;
    assert!(empty.contains("action=\"/deals/board/starter\""), "{}", empty.text);
    let started = browser.post("/deals/board/starter", &[]).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    let again = browser.post("/deals/board/starter", &[]).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "one starter pipeline");
    let pipelines = s.get("/api/v1/pipelines", &s.admin).await;
    let stages = pipelines.body["data"][0]["stages"].clone();
    let stage = |i: usize| stages[i]["id"].as_str().expect("a stage").to_owned();
    assert_eq!(stages[0]["name"], "Qualification");
    assert_eq!(pipelines.body["data"][0]["lost_reasons"][1], "Competitor");

    let added = browser
        .post(
            "/deals/board/add",
            &[("title", "Vitrine réfrigérée"), ("stage_id", &stage(1)), ("back", "/deals/board")],
        )
        .await;
    assert_eq!(added.location(), Some("/deals/board"));
    let deal = s.get("/api/v1/deals?q=vitrine", &s.admin).await.body["data"][0].clone();
    let id = deal["id"].as_str().expect("a deal").to_owned();
    s.patch(&format!("/api/v1/deals/{id}"), &s.admin, json!({"amount": "1234.5"})).await;
    let board = browser.get("/deals/board").await;
    assert!(board.contains("Vitrine réfrigérée") && board.contains("€1,234.50"), "{}", board.text);
    assert!(board.contains("weighted €308.62"), "25 % of €1,234.50, rounded down: {}", board.text);

    let back = "/deals/board?owner=me";
    let lost = browser
        .post(
            "/deals/board/move",
            &[("deal", &id), ("stage_id", &stage(5)), ("version", "2"), ("back", back)],
        )
        .await;
    assert_eq!(lost.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(lost.contains("Lost reason: is required to lose a deal"), "{}", lost.text);
    let moved = browser
        .post(
            "/deals/board/move",
            &[
                ("deal", &id),
                ("stage_id", &stage(5)),
                ("lost_reason", "Price"),
                ("version", "2"),
                ("back", back),
            ],
        )
        .await;
    assert_eq!(moved.location(), Some(back));
    let read = s.get(&format!("/api/v1/deals/{id}"), &s.admin).await;
    assert_eq!(
        (read.body["status"].as_str(), read.body["lost_reason"].as_str()),
        (Some("lost"), Some("Price"))
    );
    let stale = browser
        .post(
            "/deals/board/move",
            &[
                ("deal", &id),
                ("stage_id", &stage(0)),
                ("version", "2"),
                ("back", "https://ailleurs.example/"),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "a card moved since the board was drawn");

    let (_, seller) = s.user_with_password(Role::Sales).await;
    let theirs = s.signed_in(&seller).await;
    let refused =
        theirs.post("/deals/board/move", &[("deal", &id), ("stage_id", &stage(0)), ("version", "3")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "a seller moves only their own deals");
    let their_board = theirs.get("/deals/board").await;
    assert!(their_board.contains("Vitrine réfrigérée"), "every role reads every deal");
    let this_month = chrono::Utc::now().format("%Y-%m").to_string();
    s.post("/api/v1/deals", &s.admin, json!({"title": "Prévue", "amount": "2000", "stage_id": stage(3), "expected_close_on": format!("{this_month}-28")})).await;
    // The month asked for by name: the page's own "this month" is the visitor's, which the
    // last hour of a month in UTC is already the next one in Paris.
    let forecast = browser.get(&format!("/deals/forecast?from={this_month}")).await;
    assert_eq!(forecast.status, StatusCode::OK);
    assert!(forecast.contains("<svg class=\"chart\""), "{}", forecast.text);
    assert!(
        forecast.contains("€1,500.00") && forecast.contains("€2,000.00"),
        "75 % weighted, whole best case: {}",
        forecast.text
    );
    let per_quarter = browser.get(&format!("/deals/forecast?from={this_month}&per=quarter&months=3")).await;
    use chrono::Datelike;
    let now = chrono::Utc::now();
    let quarter = format!("Q{} {}", now.month0() / 3 + 1, now.year());
    assert!(
        per_quarter.contains(&format!("<th scope=\"row\">{quarter}</th>"))
            && per_quarter.contains("<th scope=\"col\">Quarter</th>")
            && per_quarter.contains("€1,500.00")
            && per_quarter.contains("<option value=\"quarter\" selected>"),
        "this quarter, a row of its own: {}",
        per_quarter.text
    );
    let by_owner = browser.get(&format!("/deals/forecast?from={this_month}&months=3&by=owner")).await;
    let admins = by_owner.text.split("<th scope=\"row\">Admin</th>").nth(1).unwrap_or_default();
    assert!(
        by_owner.contains(">By owner</h2>")
            && admins.split("</tr>").next().is_some_and(|r| r.contains("€1,500.00")),
        "the period's figures per owner: {}",
        by_owner.text
    );
    let report = browser.get("/deals/report").await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(
        report.contains("Win rate") && report.contains("<dd>0%</dd>"),
        "none won, one lost: {}",
        report.text
    );
    let refused = browser.get("/deals/forecast?from=someday").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!their_board.contains(&format!("data-deal=\"{id}\"")), "another's card does not drag");
}

async fn a_deal_is_created_and_edited_from_its_form(s: TestServer) {
    let (helene, company) = seed(&s).await;
    s.post("/api/v1/pipelines", &s.admin, json!({"name": "Ventes", "lost_reasons": ["Prix"], "stages": [
        {"name": "Découverte", "probability": 20}, {"name": "Gagnée", "outcome": "won"}, {"name": "Perdue", "outcome": "lost"}
    ]}))
    .await;
    let browser = s.signed_in(ADMIN_EMAIL).await;
    browser.post("/language", &[("lang", "fr")]).await;
    let refused = browser
        .post(
            "/deals",
            &[
                ("title", "Four"),
                ("amount", "12,505"),
                ("company", "Boulangerie Dupont"),
                ("contact", "Paul Inconnu"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("id=\"e-amount\""), "{}", refused.text);
    assert!(refused.contains("aucun contact ne porte ce nom"), "every fault at once: {}", refused.text);
    assert!(refused.contains("value=\"12,505\""), "what was typed is kept");
    let created = browser
        .post(
            "/deals",
            &[
                ("title", "Four à pain"),
                ("amount", "12 500,50"),
                ("currency", ""),
                ("company", "Boulangerie Dupont"),
                ("contact", "helene dupont"),
                ("expected_close_on", "2026-12-18"),
                ("probability", ""),
            ],
        )
        .await;
    let location = created.location().expect("the new deal's page").to_owned();
    let page = browser.get(&location).await;
    assert!(page.contains("12\u{202f}500,50\u{a0}€"), "{}", page.text);
    assert!(page.contains("Ventes › Découverte") && page.contains("18/12/2026"), "{}", page.text);
    assert!(page.contains(&format!("/companies/{company}")));
    let id = location.trim_start_matches("/deals/");
    let main_contact = |deal: Value| deal["contact_id"].as_str().map(str::to_owned);
    let deal = s.get(&format!("/api/v1/deals/{id}"), &s.admin).await.body;
    assert_eq!(main_contact(deal), Some(helene.clone()), "a name only she bears, accents and case aside");

    // A namesake: the name alone no longer says who; the suggestion, which tells them apart, does.
    let namesake = s
        .post(
            "/api/v1/contacts",
            &s.admin,
            json!({"first_name": "Hélène", "last_name": "Dupont", "emails": ["h.dupont@ailleurs.fr"]}),
        )
        .await
        .id();
    let suggested = browser.get("/search/contacts?q=helene%20dup").await;
    let labels: Vec<String> = serde_json::from_str(&suggested.text).expect("a JSON list");
    assert!(labels.contains(&"Hélène Dupont · h.dupont@ailleurs.fr".to_owned()), "{labels:?}");
    let hers = "Hélène Dupont · helene@exemple.fr · Boulangerie Dupont";
    assert!(labels.contains(&hers.to_owned()), "{labels:?}");
    let edit = format!("{location}/fields/contact");
    let kept = browser.post_htmx(&edit, &[("contact", "Hélène Dupont"), ("version", "1")]).await;
    assert_eq!(kept.status, StatusCode::OK, "the name the field shows keeps its contact: {}", kept.text);
    let deal = s.get(&format!("/api/v1/deals/{id}"), &s.admin).await.body;
    assert_eq!(main_contact(deal.clone()), Some(helene.clone()));
    let version = deal["version"].as_i64().unwrap_or_default().to_string();
    let cleared = browser.post_htmx(&edit, &[("contact", ""), ("version", &version)]).await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.text);
    let deal = s.get(&format!("/api/v1/deals/{id}"), &s.admin).await.body;
    assert_eq!(main_contact(deal.clone()), None, "nothing typed takes the contact away");
    let version = deal["version"].as_i64().unwrap_or_default().to_string();
    let ambiguous = browser.post_htmx(&edit, &[("contact", "Hélène Dupont"), ("version", &version)]).await;
    assert!(ambiguous.contains("plusieurs contacts portent ce nom"), "{}", ambiguous.text);
    let picked = browser
        .post_htmx(&edit, &[("contact", "Hélène Dupont · h.dupont@ailleurs.fr"), ("version", &version)])
        .await;
    assert_eq!(picked.status, StatusCode::OK, "{}", picked.text);
    let deal = s.get(&format!("/api/v1/deals/{id}"), &s.admin).await.body;
    assert_eq!(main_contact(deal.clone()), Some(namesake));
    let version = deal["version"].as_i64().unwrap_or_default().to_string();
    let back = browser.post_htmx(&edit, &[("contact", hers), ("version", &version)]).await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.text);
    let deal = s.get(&format!("/api/v1/deals/{id}"), &s.admin).await.body;
    assert_eq!(main_contact(deal), Some(helene.clone()));
    let logged = browser
        .post(&format!("/deals/{id}/activities"), &[("kind", "note"), ("body", "Devis envoyé au gérant")])
        .await;
    assert_eq!(logged.status, StatusCode::SEE_OTHER);
    assert!(browser.get(&location).await.contains("Devis envoyé au gérant"), "on the deal's timeline");
    let on_company = s.get(&format!("/api/v1/companies/{company}/timeline"), &s.admin).await;
    assert_eq!(on_company.body["data"][0]["deal_id"], json!(id), "and on its company's");
    let note = on_company.body["data"][0]["id"].as_str().unwrap_or_default().to_owned();
    let edited =
        browser.post(&format!("/activities/{note}"), &[("body", "Devis relu"), ("version", "1")]).await;
    assert_eq!(edited.location(), Some(format!("{location}#timeline").as_str()), "back to the deal");
    let read = s.get(&format!("/api/v1/deals/{id}"), &s.admin).await;
    assert_eq!(read.body["amount"]["minor_units"], 1_250_050);
    let dollars = s
        .post("/api/v1/deals", &s.admin, json!({"title": "Export", "amount": "100", "currency": "USD"}))
        .await;
    let dollars_page = format!("/deals/{}", dollars.id());
    browser.get(&dollars_page).await;
    let inline = browser
        .post_htmx(&format!("{dollars_page}/fields/amount"), &[("amount", "2 500,5"), ("version", "1")])
        .await;
    assert_eq!(inline.status, StatusCode::OK, "{}", inline.text);
    let kept = s.get(&format!("/api/v1/deals/{}", dollars.id()), &s.admin).await;
    assert_eq!(
        kept.body["amount"],
        json!({"amount": "2500.50", "currency": "USD", "minor_units": 250_050}),
        "an amount edited alone keeps its currency"
    );
    assert_eq!(read.body["probability"], 20);
    let list = browser.get("/deals?filter[amount][gte]=1000000&filter[currency]=EUR").await;
    assert!(list.contains("Four à pain"), "{}", list.text);
    let company_page = browser.get(&format!("/companies/{company}")).await;
    assert!(
        company_page.contains("Affaires en cours") && company_page.contains("Four à pain"),
        "{}",
        company_page.text
    );
    assert!(company_page.contains(&format!("/deals/new?company={company}")));
    let prefilled = browser.get(&format!("/deals/new?company={company}")).await;
    assert!(prefilled.contains("value=\"Boulangerie Dupont\""), "{}", prefilled.text);
}

async fn a_quote_is_written_from_its_deal_sent_accepted_and_printed(s: TestServer) {
    let browser = s.signed_in(ADMIN_EMAIL).await;
    browser.accept_language("fr");
    super::deals::pipeline(&s, "Ventes").await;
    let company = s.post("/api/v1/companies", &s.admin, json!({"name": "Fromagerie Vidal"})).await.id();
    let deal = s
        .post("/api/v1/deals", &s.admin, json!({"title": "Caisse enregistreuse", "company_id": company}))
        .await
        .id();
    let deal_page = browser.get(&format!("/deals/{deal}")).await;
    assert!(deal_page.contains(&format!("href=\"/quotes/new?deal={deal}\"")), "{}", deal_page.text);
    let form = browser.get(&format!("/quotes/new?deal={deal}")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.contains("name=\"unit_price\""));

    let line = |description: &'static str, price: &'static str, discount: &'static str| {
        [
            ("description", description),
            ("quantity", "2"),
            ("unit", ""),
            ("unit_price", price),
            ("vat_rate", "20"),
            ("discount", discount),
        ]
    };
    let mut refused_fields = vec![("deal", deal.as_str())];
    refused_fields.extend(line("Caisse tactile", "", ""));
    let refused = browser.post("/quotes/new", &refused_fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("Ligne 1 · Prix unitaire HT"), "{}", refused.text);
    assert!(refused.contains("value=\"Caisse tactile\""), "what was typed is kept");

    let mut fields = vec![("deal", deal.as_str()), ("notes", "Livraison incluse")];
    fields.extend(line("Caisse tactile", "1 490,50", "10"));
    fields.extend(line("", "", ""));
    let created = browser.post("/quotes/new", &fields).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text);
    let quote = created.location().expect("the quote's page").to_owned();
    let page = browser.get(&quote).await;
    // 2 × 1 490,50 − 10 % = 2 682,90 HT; 3 219,48 TTC.
    for expected in ["D-", "Brouillon", "2\u{202f}682,90", "3\u{202f}219,48", "Livraison incluse"] {
        assert!(page.contains(expected), "{expected:?} missing from {}", page.text);
    }
    let sent = browser.post(&format!("{quote}/status"), &[("to", "sent"), ("version", "1")]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let awaiting = browser.get("/quotes").await;
    assert!(
        awaiting.contains(&format!("href=\"{quote}\"")) && awaiting.contains("Fromagerie Vidal"),
        "{}",
        awaiting.text
    );
    assert!(!browser.get("/quotes?status=accepted").await.contains(&format!("href=\"{quote}\"")));
    let accepted = browser.post(&format!("{quote}/status"), &[("to", "accepted"), ("version", "2")]).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    assert!(browser.get(&quote).await.contains("Accepté"));
    assert!(browser.get("/quotes?status=accepted").await.contains(&format!("href=\"{quote}\"")));
    let copied = browser.post(&format!("{quote}/copy"), &[]).await;
    let edit = copied.location().expect("the copy's form").to_owned();
    assert!(edit.starts_with("/quotes/") && edit.ends_with("/edit") && !edit.starts_with(&quote), "{edit}");
    assert!(browser.get(&edit).await.contains("value=\"Caisse tactile\""), "the copy has the lines");
    // A rate that is none of the presets stays offered, and chosen, when the quote is edited.
    let lines = json!([{"description": "Service", "unit_price": "100", "vat_rate": "8.5"}]);
    let other = s.post("/api/v1/quotes", &s.admin, json!({"company_id": company, "lines": lines})).await;
    let other_form = browser.get(&format!("/quotes/{}/edit", other.id())).await;
    assert!(other_form.contains(r#"<option value="8.5" selected>"#), "{}", other_form.text);
    assert_eq!(s.get(&format!("/api/v1/deals/{deal}"), &s.admin).await.body["status"], "won");
    let printed = browser.get(&format!("{quote}/pdf")).await;
    assert_eq!(printed.status, StatusCode::OK);
    assert!(printed.text.starts_with("%PDF-"));
    let shown = browser.get(&format!("{quote}/document")).await;
    assert!(shown.contains("Caisse tactile") && shown.contains("Bon pour accord"), "{}", shown.text);
    assert!(
        browser.get(&quote).await.contains(&format!("href=\"{quote}/document\"")),
        "linked from the quote"
    );
    let company_page = browser.get(&format!("/companies/{company}")).await;
    assert!(company_page.contains("C-"), "the order is in the company's purchase history");
    let order = company_page.text.split("href=\"/orders/").nth(1).and_then(|rest| rest.split('"').next());
    let order = format!("/orders/{}", order.expect("a link to the order"));
    let order_page = browser.get(&order).await;
    assert!(order_page.contains("Caisse tactile") && order_page.contains("Confirmée"), "{}", order_page.text);
    assert!(order_page.contains(&format!("href=\"{quote}\"")), "the order links its quote");
    let confirmation = browser.get(&format!("{order}/document")).await;
    assert!(confirmation.contains("Confirmation de commande") && confirmation.contains("Caisse tactile"));
    assert!(browser.get(&format!("{order}/pdf")).await.text.starts_with("%PDF-"));
    let fulfilled = browser.post(&format!("{order}/status"), &[("to", "fulfilled"), ("version", "1")]).await;
    assert_eq!(fulfilled.location(), Some(order.as_str()));
    assert!(browser.get(&order).await.contains("Livrée"));
    let deal_page = browser.get(&format!("/deals/{deal}")).await;
    assert!(deal_page.contains(&format!("href=\"{quote}\"")), "the deal lists its quote");
}

async fn managers_keep_the_catalogue_and_admins_the_sellers_identity_from_their_pages(s: TestServer) {
    let browser = s.signed_in(ADMIN_EMAIL).await;
    browser.accept_language("fr");
    let empty = browser.get("/products").await;
    assert!(empty.contains("Le catalogue est vide"), "{}", empty.text);
    let refused = browser
        .post("/products", &[("sku", "AUD"), ("name", "Audit"), ("unit_price", "9,999"), ("vat_rate", "20")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("id=\"product-unit_price-error\""), "{}", refused.text);
    assert!(refused.contains("value=\"Audit\""), "what was typed is kept");
    let added = browser
        .post(
            "/products",
            &[
                ("sku", "AUD"),
                ("name", "Audit RGPD"),
                ("unit_price", "1 200,50"),
                ("unit", "jour"),
                ("vat_rate", "20"),
            ],
        )
        .await;
    assert_eq!(added.location(), Some("/products"));
    let listed = browser.get("/products").await;
    assert!(listed.contains("Audit RGPD") && listed.contains("1\u{202f}200,50"), "{}", listed.text);

    let (_, seller_email) = s.user_with_password(Role::Sales).await;
    let seller = s.signed_in(&seller_email).await;
    let read_only = seller.get("/products").await;
    assert!(read_only.contains("Audit RGPD") && !read_only.contains("action=\"/products\""));
    let forged = seller.post("/products", &[("sku", "X"), ("name", "X"), ("unit_price", "1")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(seller.get("/settings/seller").await.status, StatusCode::FORBIDDEN);

    let identity = browser.get("/settings/seller").await;
    assert!(identity.contains("name=\"address.city\""), "{}", identity.text);
    let bad =
        browser.post("/settings/seller", &[("name", "Comptoir"), ("siren", "123"), ("version", "0")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains("id=\"seller-siren-error\""), "{}", bad.text);
    let saved = browser
        .post(
            "/settings/seller",
            &[
                ("name", "Comptoir Conseil"),
                ("siren", "732 829 320"),
                ("rcs_city", "Lyon"),
                ("share_capital", "10 000"),
                ("address.city", "Lyon"),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(saved.location(), Some("/settings/seller?saved"));
    let read = s.get("/api/v1/settings/seller", &s.admin).await;
    assert_eq!(
        (read.body["siren"].as_str(), read.body["address"]["city"].as_str()),
        (Some("732829320"), Some("Lyon"))
    );
    assert_eq!(read.body["share_capital"]["amount"], "10000.00");
}

async fn a_ticket_is_opened_from_its_form_answered_and_solved_from_its_page(s: TestServer) {
    let (contact, company) = seed(&s).await;
    let (agent, agent_email) = s.user_with_password(Role::Support).await;
    let browser = s.signed_in(&agent_email).await;
    browser.post("/language", &[("lang", "fr")]).await;
    let unknown =
        browser.post("/tickets", &[("subject", "Four en panne"), ("requester", "personne@exemple.fr")]).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.contains("id=\"e-requester\"") && unknown.contains("aucun contact"), "{}", unknown.text);
    assert!(unknown.contains("value=\"Four en panne\""), "what was typed is kept");
    let created = browser
        .post(
            "/tickets",
            &[
                ("subject", "Four en panne"),
                ("requester", "HELENE@exemple.fr"),
                ("status", "new"),
                ("priority", "urgent"),
                ("channel", "phone"),
            ],
        )
        .await;
    let location = created.location().expect("the new ticket's page").to_owned();
    let id = location.trim_start_matches("/tickets/").to_owned();
    let ticket = s.get(&format!("/api/v1/tickets/{id}"), &s.admin).await.body;
    assert_eq!(ticket["contact_id"], json!(contact));
    assert_eq!(ticket["company_id"], json!(company), "the requester's company");
    assert_eq!(ticket["assignee_id"], json!(agent), "an agent's ticket is theirs");
    let page = browser.get(&location).await;
    assert!(
        page.contains("T-000001") && page.contains("Urgente") && page.contains("Nouveau"),
        "{}",
        page.text
    );
    assert!(page.contains(&format!("action=\"{location}/messages\"")), "{}", page.text);

    let empty = browser.post(&format!("{location}/messages"), &[("body", ""), ("as", "answer")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.contains("id=\"reply-error\"") && empty.contains("est obligatoire"), "{}", empty.text);
    let answered = browser
        .post(
            &format!("{location}/messages"),
            &[("body", "Un technicien passe demain"), ("as", "answer"), ("status", "")],
        )
        .await;
    assert_eq!(answered.location(), Some(format!("{location}#timeline").as_str()));
    let solved = browser
        .post(&format!("{location}/messages"), &[("body", "Réparé"), ("as", "note"), ("status", "solved")])
        .await;
    assert_eq!(solved.status, StatusCode::SEE_OTHER);
    let ticket = s.get(&format!("/api/v1/tickets/{id}"), &s.admin).await.body;
    assert_eq!((ticket["status"].as_str(), ticket["public_replies"].as_i64()), (Some("solved"), Some(1)));
    let page = browser.get(&location).await;
    assert!(page.contains("Un technicien passe demain") && page.contains("Résolu"), "{}", page.text);
    let contact_page = browser.get(&format!("/contacts/{contact}")).await;
    assert!(contact_page.contains("[T-000001] Four en panne"), "on the requester's timeline");

    let queue = browser.get(&format!("/tickets?filter[assignee_id]={agent}&filter[status]=solved")).await;
    assert!(queue.contains("T-000001") && queue.contains("Hélène Dupont"), "{}", queue.text);
    let list = browser.get("/tickets").await;
    assert!(list.contains("Ma file") && list.contains("filter%5Bassignee_id%5D"), "{}", list.text);
    assert!(list.contains(r#"placeholder="Numéro ou objet…""#), "what a ticket is found by: {}", list.text);
    // A ticket nobody has: the agent may work on it, not delete it.
    let queued = s.post("/api/v1/tickets", &s.admin, json!({"subject": "En file"})).await.id();
    let queued_page = browser.get(&format!("/tickets/{queued}")).await;
    assert!(queued_page.contains(&format!("/tickets/{queued}/edit")), "{}", queued_page.text);
    assert!(!queued_page.contains(&format!("/tickets/{queued}/delete")), "{}", queued_page.text);
    let own_page = browser.get(&location).await;
    assert!(own_page.contains(&format!("{location}/delete")), "the agent's own ticket may go");
    let month = chrono::Utc::now().format("%Y-%m");
    let report = browser.get(&format!("/tickets/report?by=channel&from={month}")).await;
    assert!(report.contains("Rapport du service client") && report.contains("Téléphone"), "{}", report.text);
    assert!(report.contains("100\u{a0}%"), "one ticket solved at first contact: {}", report.text);
    let edit = browser.get(&format!("{location}/edit")).await;
    assert!(edit.contains("value=\"helene@exemple.fr\""), "the requester by their address: {}", edit.text);
}

/// Pipelines are set up on their settings page: stages in order with their chances, won and
/// lost stages, lost reasons; a stage or a pipeline with deals stays until they are moved.
async fn admins_shape_pipelines_from_their_settings(s: TestServer) {
    let browser = s.signed_in(ADMIN_EMAIL).await;
    assert!(browser.get("/settings/pipelines").await.contains("No pipelines yet."));
    let blank = browser.get("/settings/pipelines/new").await;
    assert!(
        blank.contains("value=\"Qualification\""),
        "a new pipeline starts from the starter's stages: {}",
        blank.text
    );

    let stage_lines = |lines: &[(&'static str, &'static str, &'static str, &'static str)]| {
        let mut fields = vec![];
        for (id, name, probability, outcome) in lines {
            fields.extend([
                ("stage_id", *id),
                ("stage_name", *name),
                ("stage_probability", *probability),
                ("stage_outcome", *outcome),
            ]);
        }
        fields
    };
    let mut refused = vec![("name", "Renewals"), ("lost_reasons", "Price")];
    refused.extend(stage_lines(&[("", "Contacted", "lots", "open"), ("", "Signed", "", "won")]));
    let refused = browser.post("/settings/pipelines/new", &refused).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.contains("needs exactly one lost stage")
            && refused.contains("must be a percentage, from 0 to 100"),
        "what is wrong, the stage's on its line: {}",
        refused.text
    );
    assert!(refused.contains("value=\"Contacted\""), "what was typed is still there");

    let mut fields =
        vec![("name", "Renewals"), ("version", "0"), ("lost_reasons", "Price\n\nWent elsewhere\n")];
    fields.extend(stage_lines(&[
        ("", "Contacted", "20 %", "open"),
        ("", "Proposal", "60", "open"),
        ("", "Signed", "", "won"),
        ("", "Not renewed", "", "lost"),
        ("", "", "", "open"),
    ]));
    let created = browser.post("/settings/pipelines/new", &fields).await;
    assert_eq!(created.location(), Some("/settings/pipelines"), "{}", created.text);
    let renewals = s.get("/api/v1/pipelines", &s.admin).await.body["data"][0].clone();
    let stages: Vec<(&str, i64, &str)> = renewals["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|st| {
            (
                st["name"].as_str().unwrap_or_default(),
                st["probability"].as_i64().unwrap_or(-1),
                st["outcome"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        stages,
        [
            ("Contacted", 20, "open"),
            ("Proposal", 60, "open"),
            ("Signed", 100, "won"),
            ("Not renewed", 0, "lost")
        ]
    );
    assert_eq!(renewals["lost_reasons"], json!(["Price", "Went elsewhere"]));
    let id = renewals["id"].as_str().expect("an id").to_owned();
    let listed = browser.get("/settings/pipelines").await;
    assert!(listed.contains("Contacted → Proposal → Signed → Not renewed"), "{}", listed.text);

    let stage_id = |i: usize| renewals["stages"][i]["id"].as_str().expect("a stage").to_owned();
    let (contacted, proposal, signed, lost) = (stage_id(0), stage_id(1), stage_id(2), stage_id(3));
    s.post("/api/v1/deals", &s.admin, json!({"title": "Contrat 2027", "stage_id": proposal})).await;
    let edit = browser.get(&format!("/settings/pipelines/{id}")).await;
    assert!(edit.contains(&format!("value=\"{proposal}\"")), "each stage keeps its id: {}", edit.text);
    let lines = |proposal_name: &str| -> Vec<(&'static str, String)> {
        let mut fields = vec![
            ("name", "Renewals".to_owned()),
            ("version", "1".to_owned()),
            ("lost_reasons", "Price".to_owned()),
        ];
        for (id, name, probability, outcome) in [
            (&contacted, "First call", "15", "open"),
            (&proposal, proposal_name, "60", "open"),
            (&signed, "Signed", "", "won"),
            (&lost, "Not renewed", "", "lost"),
        ] {
            fields.extend([
                ("stage_id", id.clone()),
                ("stage_name", name.to_owned()),
                ("stage_probability", probability.to_owned()),
                ("stage_outcome", outcome.to_owned()),
            ]);
        }
        fields
    };
    let taken_out = lines("");
    let taken_out: Vec<(&str, &str)> = taken_out.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let kept = browser.post(&format!("/settings/pipelines/{id}"), &taken_out).await;
    assert_eq!(kept.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        kept.contains("a stage taken out still holds deals (1); move them first: Proposal"),
        "{}",
        kept.text
    );
    let renaming = lines("Proposal");
    let renaming: Vec<(&str, &str)> = renaming.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let renamed = browser.post(&format!("/settings/pipelines/{id}"), &renaming).await;
    assert_eq!(renamed.location(), Some("/settings/pipelines"), "{}", renamed.text);
    let after = s.get(&format!("/api/v1/pipelines/{id}"), &s.admin).await.body;
    assert_eq!(
        (after["stages"][0]["id"].as_str(), after["stages"][0]["name"].as_str()),
        (Some(contacted.as_str()), Some("First call"))
    );
    assert_eq!(after["lost_reasons"], json!(["Price"]));

    let stays = browser.post(&format!("/settings/pipelines/{id}/delete"), &[("version", "2")]).await;
    assert_eq!(stays.status, StatusCode::CONFLICT);
    assert!(stays.contains("the pipeline still holds deals (1)"), "{}", stays.text);

    let (_, seller) = s.user_with_password(Role::Sales).await;
    let seller = s.signed_in(&seller).await;
    assert_eq!(seller.get("/settings/pipelines").await.status, StatusCode::FORBIDDEN);
    let sent = seller.post(&format!("/settings/pipelines/{id}/delete"), &[("version", "2")]).await;
    assert_eq!(sent.status, StatusCode::FORBIDDEN);
}
