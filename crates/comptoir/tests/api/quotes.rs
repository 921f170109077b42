use chrono::{Datelike, Utc};
use comptoir_domain::users::Role;
use comptoir_testkit::{ADMIN_EMAIL, Answer, TestServer, on_both_databases};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    managers_keep_the_catalogue_and_references_are_unique,
    a_quote_is_priced_per_vat_rate_and_fixed_once_sent,
    accepting_a_quote_makes_its_order_and_wins_its_deal,
    quote_numbers_have_no_gaps_under_concurrent_creation,
    an_order_sent_again_updates_and_never_duplicates,
    a_customers_orders_are_their_purchase_history,
    admins_set_the_seller_every_document_names,
    the_sellers_vat_rates_are_offered_and_the_first_is_a_new_products,
    a_quote_prints_to_a_pdf_and_a_page_in_the_readers_language,
    the_sellers_logo_is_set_by_admins_and_printed_on_quotes,
    sent_quotes_past_their_validity_expire,
);

async fn company(s: &TestServer, name: &str) -> String {
    let created = s.post("/api/v1/companies", &s.admin, json!({"name": name})).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    created.id()
}

async fn product(s: &TestServer, sku: &str, price: &str, vat: &str) -> String {
    let body = json!({"sku": sku, "name": format!("Prestation {sku}"), "unit_price": price, "vat_rate": vat, "unit": "jour"});
    let created = s.post("/api/v1/products", &s.admin, body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    created.id()
}

fn year() -> i32 {
    Utc::now().year()
}

/// Sends every body to `path` at once, as the admin.
async fn at_once(s: &TestServer, path: &str, bodies: Vec<Value>) -> Vec<(StatusCode, Value)> {
    let mut requests = tokio::task::JoinSet::new();
    for body in bodies {
        let (client, url, token) = (s.client.clone(), format!("{}{path}", s.base_url), s.admin.clone());
        requests.spawn(async move {
            let response = client.post(url).bearer_auth(token).json(&body).send().await.expect("an answer");
            let status = response.status();
            (status, response.json::<Value>().await.unwrap_or(Value::Null))
        });
    }
    requests.join_all().await
}

/// A printed document at `path`, asked for by `token` in `language` (`Accept-Language`).
async fn asked_in(s: &TestServer, path: &str, token: &str, language: &str) -> reqwest::Response {
    s.client
        .get(format!("{}{path}", s.base_url))
        .bearer_auth(token)
        .header("accept-language", language)
        .send()
        .await
        .expect("an answer")
}

async fn quote(s: &TestServer, token: &str, body: Value) -> Answer {
    s.post("/api/v1/quotes", token, body).await
}

async fn managers_keep_the_catalogue_and_references_are_unique(s: TestServer) {
    let (_, seller) = s.user(Role::Sales).await;
    let (_, manager) = s.user(Role::Manager).await;
    let audit = json!({"sku": "AUD-01", "name": "Audit RGPD", "unit_price": "900", "unit": "jour"});
    let refused = s.post("/api/v1/products", &seller, audit.clone()).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let created = s.post("/api/v1/products", &manager, audit).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.body["vat_rate"], "20", "the French standard rate by default");
    assert_eq!(
        created.body["unit_price"],
        json!({"amount": "900.00", "currency": "EUR", "minor_units": 90_000})
    );
    let twice =
        s.post("/api/v1/products", &manager, json!({"sku": "aud-01", "name": "X", "unit_price": "1"})).await;
    assert_eq!(
        (twice.status, twice.error_fields()),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["sku".to_owned()])
    );
    let bad = s
        .post(
            "/api/v1/products",
            &manager,
            json!({"sku": "B", "name": "B", "unit_price": "1.001", "vat_rate": "120"}),
        )
        .await;
    assert_eq!(bad.error_fields(), ["unit_price", "vat_rate"]);
    let id = created.id();
    let renamed = s.patch(&format!("/api/v1/products/{id}"), &seller, json!({"name": "Audit"})).await;
    assert_eq!(renamed.status, StatusCode::FORBIDDEN);
    let retired = s.patch(&format!("/api/v1/products/{id}"), &manager, json!({"active": false})).await;
    assert_eq!(retired.body["active"], false);
    let active = s.get("/api/v1/products?filter[active]=true", &seller).await;
    assert_eq!(active.body["data"], json!([]), "every role reads the catalogue");
    let line = json!({"company_id": company(&s, "Client").await, "lines": [{"product_id": id}]});
    let from_retired = quote(&s, &s.admin, line).await;
    assert_eq!(from_retired.error_fields(), ["lines[0].product_id"], "retired products price no new line");
}

async fn a_quote_is_priced_per_vat_rate_and_fixed_once_sent(s: TestServer) {
    let customer = company(&s, "Boulangerie Martin").await;
    let audit = product(&s, "AUD", "900", "20").await;
    let book = product(&s, "LIV", "24.90", "5.5").await;
    let created = quote(
        &s,
        &s.admin,
        json!({"company_id": customer, "issued_on": "2026-11-30", "lines": [
            {"product_id": audit, "quantity": "2.5", "discount_percent": "10"},
            {"product_id": book, "quantity": "3"},
            {"description": "Déplacement", "unit_price": "120", "vat_rate": "20", "discount_amount": "20"},
        ]}),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let id = created.id();
    assert_eq!(created.body["number"], format!("D-{}-0001", year()));
    assert_eq!(created.body["status"], "draft");
    assert_eq!(created.body["valid_until"], "2026-12-30", "thirty days by default");
    assert_eq!(created.body["company"]["name"], "Boulangerie Martin");
    assert_eq!(created.body["lines"][0]["description"], "Prestation AUD", "the product's name");
    // 2.5 × 900 − 10 % = 2025.00; 3 × 24.90 = 74.70; 120 − 20 = 100.00.
    let nets: Vec<&str> =
        (0..3).map(|i| created.body["lines"][i]["net"]["amount"].as_str().unwrap_or_default()).collect();
    assert_eq!(nets, ["2025.00", "74.70", "100.00"]);
    let totals = &created.body["totals"];
    assert_eq!(totals["excluding_tax"]["amount"], "2199.70");
    // 20 % of 2125.00 = 425.00; 5.5 % of 74.70 = 4.1085 → 4.11.
    assert_eq!(
        totals["vat"],
        json!([
            {"rate": "20", "base": {"amount": "2125.00", "currency": "EUR", "minor_units": 212_500},
             "tax": {"amount": "425.00", "currency": "EUR", "minor_units": 42_500}},
            {"rate": "5.5", "base": {"amount": "74.70", "currency": "EUR", "minor_units": 7470},
             "tax": {"amount": "4.11", "currency": "EUR", "minor_units": 411}},
        ])
    );
    assert_eq!(totals["including_tax"]["amount"], "2628.81");

    let no_customer = quote(&s, &s.admin, json!({"lines": []})).await;
    assert_eq!(no_customer.error_fields(), ["company_id"]);
    let bad_line =
        quote(&s, &s.admin, json!({"company_id": customer, "lines": [{"description": "X"}]})).await;
    assert_eq!(bad_line.error_fields(), ["lines[0].unit_price", "lines[0].vat_rate"]);

    let path = format!("/api/v1/quotes/{id}");
    let edited = s
        .patch(
            &path,
            &s.admin,
            json!({"lines": [{"description": "Forfait", "unit_price": "1000", "vat_rate": "20"}]}),
        )
        .await;
    assert_eq!(edited.body["totals"]["including_tax"]["amount"], "1200.00", "a draft is changed");
    let sent = s.post(&format!("{path}/send"), &s.admin, json!({})).await;
    assert_eq!(sent.status, StatusCode::OK, "{:?}", sent.body);
    assert_eq!(sent.body["status"], "sent");
    assert!(sent.body["sent_at"].is_string());
    let fixed = s.patch(&path, &s.admin, json!({"notes": "Remise exceptionnelle"})).await;
    assert_eq!(fixed.status, StatusCode::CONFLICT, "a sent quote's content is fixed");
    let back = s.patch(&path, &s.admin, json!({"status": "draft"})).await;
    assert_eq!(back.error_fields(), ["status"]);
    let kept = s.delete(&path, &s.admin).await;
    assert_eq!(kept.status, StatusCode::CONFLICT, "numbered quotes are never deleted");
    let revised = s.post(&format!("{path}/copy"), &s.admin, json!({})).await;
    assert_eq!(revised.status, StatusCode::CREATED, "{:?}", revised.body);
    assert_eq!(
        (revised.body["status"].as_str(), revised.body["number"].as_str()),
        (Some("draft"), Some(format!("D-{}-0002", year()).as_str()))
    );
    assert_eq!(revised.body["lines"], sent.body["lines"], "a sent quote is revised as a copy");
    assert_eq!(revised.body["company_id"], sent.body["company_id"]);
    let refused = s.post(&format!("{path}/refuse"), &s.admin, json!({})).await;
    assert_eq!(
        (refused.body["status"].as_str(), refused.body["decided_at"].is_string()),
        (Some("refused"), true)
    );
    let empty = quote(&s, &s.admin, json!({"company_id": customer})).await.id();
    let unsent = s.post(&format!("/api/v1/quotes/{empty}/send"), &s.admin, json!({})).await;
    assert_eq!(unsent.error_fields(), ["lines"], "an empty quote is not sent");
}

async fn accepting_a_quote_makes_its_order_and_wins_its_deal(s: TestServer) {
    let pipeline = super::deals::pipeline(&s, "Ventes").await;
    let customer = company(&s, "Atelier Dupont").await;
    let (seller_id, seller) = s.user(Role::Sales).await;
    let deal = s
        .post("/api/v1/deals", &seller, json!({"title": "Refonte", "company_id": customer, "amount": "5000"}))
        .await
        .id();
    let created = quote(
        &s,
        &seller,
        json!({"deal_id": deal, "lines": [{"description": "Refonte du site", "unit_price": "5000", "vat_rate": "20"}]}),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.body["company_id"], customer.as_str(), "the deal's customer");
    assert_eq!(created.body["owner_id"], json!(seller_id));
    assert_eq!(created.body["deal"]["title"], "Refonte");
    let id = created.id();
    let early = s.post(&format!("/api/v1/quotes/{id}/accept"), &seller, json!({})).await;
    assert_eq!(early.error_fields(), ["status"], "a quote is sent before it is accepted");
    s.post(&format!("/api/v1/quotes/{id}/send"), &seller, json!({})).await;
    let (_, other_seller) = s.user(Role::Sales).await;
    let not_theirs = s.post(&format!("/api/v1/quotes/{id}/accept"), &other_seller, json!({})).await;
    assert_eq!(not_theirs.status, StatusCode::FORBIDDEN);

    let accepted = s.post(&format!("/api/v1/quotes/{id}/accept"), &seller, json!({})).await;
    assert_eq!(accepted.status, StatusCode::OK, "{:?}", accepted.body);
    assert_eq!(accepted.body["status"], "accepted");
    let order_id = accepted.body["order_id"].as_str().expect("an order").to_owned();
    let order = s.get(&format!("/api/v1/orders/{order_id}"), &seller).await;
    assert_eq!(order.body["number"], format!("C-{}-0001", year()));
    assert_eq!(order.body["quote_id"], id.as_str());
    assert_eq!(order.body["status"], "confirmed");
    assert_eq!(order.body["lines"], accepted.body["lines"]);
    assert_eq!(order.body["totals"], accepted.body["totals"]);
    assert_eq!(order.body["company"]["name"], "Atelier Dupont");
    // Its confirmation prints, naming the quote it came from, as a PDF and as a page.
    let quote_number = created.body["number"].as_str().unwrap_or_default().to_owned();
    let printed = asked_in(&s, &format!("/api/v1/orders/{order_id}/pdf"), &seller, "fr").await;
    assert_eq!(printed.headers()["content-type"], "application/pdf");
    let text = pdf_extract::extract_text_from_mem(&printed.bytes().await.expect("bytes")).expect("text");
    let shown = s.download(&format!("/api/v1/orders/{order_id}/html"), &seller).await.2;
    let shown = String::from_utf8_lossy(&shown);
    for expected in [
        format!("C-{}-0001", year()),
        quote_number,
        "Atelier Dupont".to_owned(),
        "Refonte du site".to_owned(),
    ] {
        assert!(text.contains(&expected), "{expected:?} missing from {text:?}");
        assert!(shown.contains(&expected), "{expected:?} missing from {shown}");
    }
    assert!(text.contains("CONFIRMATION DE COMMANDE") && text.contains("40 €"), "{text}");
    assert!(shown.contains("Order confirmation"), "English unless French is asked for");
    let missing = s.get("/api/v1/orders/01935f2e-0000-7000-8000-000000000000/pdf", &seller).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let won = s.get(&format!("/api/v1/deals/{deal}"), &seller).await;
    assert_eq!(won.body["status"], "won");
    assert_eq!(won.body["stage_id"], pipeline["stages"][3]["id"]);
    let read = s.get(&format!("/api/v1/quotes/{id}"), &seller).await;
    assert_eq!(read.body["order_id"], order_id.as_str());
    let again = s.post(&format!("/api/v1/quotes/{id}/accept"), &seller, json!({})).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", again.body);
    let of_deal = s.get(&format!("/api/v1/quotes?filter[deal_id]={deal}"), &seller).await;
    assert_eq!(of_deal.body["data"].as_array().map(Vec::len), Some(1));
}

async fn quote_numbers_have_no_gaps_under_concurrent_creation(s: TestServer) {
    let customer = company(&s, "Concurrente").await;
    let line = json!([{"description": "Ligne", "unit_price": "10", "vat_rate": "20"}]);
    let bodies = (0..12).map(|i| {
        // Every fourth request is refused: a refused quote takes no number.
        if i % 4 == 3 {
            json!({"company_id": customer, "lines": [{"description": "Sans prix"}]})
        } else {
            json!({"company_id": customer, "lines": line})
        }
    });
    let answers = at_once(&s, "/api/v1/quotes", bodies.collect()).await;
    let mut numbers: Vec<String> = answers
        .iter()
        .filter(|(status, _)| *status == StatusCode::CREATED)
        .map(|(_, body)| body["number"].as_str().unwrap_or_default().to_owned())
        .collect();
    numbers.sort();
    let expected: Vec<String> = (1..=9).map(|n| format!("D-{}-{n:04}", year())).collect();
    assert_eq!(numbers, expected);
}

async fn an_order_sent_again_updates_and_never_duplicates(s: TestServer) {
    let customer = company(&s, "Boutique en ligne").await;
    let order = json!({"external_id": "shop-1042", "company_id": customer, "ordered_on": "2026-11-28",
        "lines": [{"description": "Coffret", "quantity": "2", "unit_price": "49.90", "vat_rate": "20"}]});
    let first = s.post("/api/v1/orders", &s.admin, order.clone()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.body);
    assert_eq!(first.body["totals"]["including_tax"]["amount"], "119.76");
    let again = s.post("/api/v1/orders", &s.admin, order.clone()).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!((again.id(), again.body["version"].as_i64()), (first.id(), Some(1)), "nothing changed");
    let shipped =
        s.post("/api/v1/orders", &s.admin, json!({"external_id": "shop-1042", "status": "fulfilled"})).await;
    assert_eq!(shipped.status, StatusCode::OK, "{:?}", shipped.body);
    assert_eq!((shipped.id(), shipped.body["version"].as_i64()), (first.id(), Some(2)));
    assert_eq!(shipped.body["status"], "fulfilled");
    assert_eq!(shipped.body["lines"], first.body["lines"], "what is left out stays");

    let gift = json!({"external_id": "shop-2000", "company_id": customer,
        "lines": [{"description": "Carte cadeau", "unit_price": "50", "vat_rate": "0"}]});
    let answers = at_once(&s, "/api/v1/orders", vec![gift; 6]).await;
    let statuses: Vec<StatusCode> = answers.iter().map(|(status, _)| *status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CREATED).count(), 1, "{answers:?}");
    assert!(statuses.iter().all(|s| s.is_success()), "{answers:?}");
    let listed = s.get("/api/v1/orders?filter[external_id]=shop-2000", &s.admin).await;
    assert_eq!(listed.body["data"].as_array().map(Vec::len), Some(1));

    let nobody = s.post("/api/v1/orders", &s.admin, json!({"external_id": "x", "lines": []})).await;
    assert_eq!(nobody.error_fields(), ["company_id"]);
    let deleted = s.delete(&format!("/api/v1/orders/{}", first.id()), &s.admin).await;
    assert_eq!(deleted.status, StatusCode::CONFLICT, "orders are cancelled, never deleted");
}

async fn a_customers_orders_are_their_purchase_history(s: TestServer) {
    let customer = company(&s, "Fidèle").await;
    let other = company(&s, "Autre").await;
    for (on, to) in [("2026-01-15", &customer), ("2026-06-01", &customer), ("2026-03-01", &other)] {
        let body = json!({"company_id": to, "ordered_on": on,
            "lines": [{"description": "Abonnement", "unit_price": "100", "vat_rate": "20"}]});
        assert_eq!(s.post("/api/v1/orders", &s.admin, body).await.status, StatusCode::CREATED);
    }
    let history =
        s.get(&format!("/api/v1/orders?filter[company_id]={customer}&sort=-ordered_on"), &s.admin).await;
    let days: Vec<&str> = history.body["data"]
        .as_array()
        .map(|d| d.iter().filter_map(|o| o["ordered_on"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(days, ["2026-06-01", "2026-01-15"]);
}

/// A PNG of four by two red pixels.
const RED_PNG: [u8; 73] = [
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 4, 0, 0, 0, 2, 8, 2, 0, 0, 0, 240,
    202, 234, 52, 0, 0, 0, 16, 73, 68, 65, 84, 120, 156, 99, 56, 33, 39, 7, 71, 12, 200, 28, 0, 111, 10, 8,
    33, 6, 165, 210, 118, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

async fn the_sellers_logo_is_set_by_admins_and_printed_on_quotes(s: TestServer) {
    let (_, manager) = s.user(Role::Manager).await;
    let path = "/api/v1/settings/logo";
    let put = |token: String, name: &'static str, kind: &'static str, bytes: Vec<u8>| {
        let s = &s;
        async move {
            let sent = s.send_file(reqwest::Method::PUT, path, &token, name, kind, &bytes).await;
            (sent.status, sent.body)
        }
    };
    assert_eq!(
        put(manager.clone(), "logo.png", "image/png", RED_PNG.to_vec()).await.0,
        StatusCode::FORBIDDEN
    );
    let unread = put(manager.clone(), "logo.png", "image/png", RED_PNG[..40].to_vec()).await;
    assert_eq!(unread.0, StatusCode::FORBIDDEN, "refused for who asks before what is sent is read");
    let gif = put(s.admin.clone(), "logo.gif", "image/gif", b"GIF89a....".to_vec()).await;
    assert_eq!(
        (gif.0, gif.1["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("file"))
    );
    let broken = put(s.admin.clone(), "logo.png", "image/png", RED_PNG[..40].to_vec()).await;
    assert_eq!(
        broken.0,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a PNG cut short is refused before any quote prints it"
    );
    assert_eq!(s.download(path, &manager).await.0, StatusCode::NOT_FOUND, "none yet");
    let set = put(s.admin.clone(), "logo.png", "application/octet-stream", RED_PNG.to_vec()).await;
    assert_eq!(set.0, StatusCode::OK, "{:?}", set.1);
    assert_eq!((set.1["content_type"].as_str(), set.1["size"].as_u64()), (Some("image/png"), Some(73)));
    let (status, headers, bytes) = s.download(path, &manager).await;
    assert_eq!((status, bytes.as_slice()), (StatusCode::OK, &RED_PNG[..]));
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(headers["x-content-type-options"], "nosniff");

    let customer = s.post("/api/v1/companies", &s.admin, json!({"name": "Épicerie Müller"})).await.id();
    let lines = json!([{"description": "Étude", "unit_price": "450", "vat_rate": "20"}]);
    let created = quote(&s, &s.admin, json!({"company_id": customer, "lines": lines})).await;
    let pdf = format!("/api/v1/quotes/{}/pdf", created.id());
    let images = |pdf: &[u8]| pdf.windows(13).filter(|w| *w == b"/Subtype /Ima").count();
    let (status, _, printed) = s.download(&pdf, &manager).await;
    assert_eq!((status, images(&printed)), (StatusCode::OK, 1), "the logo on the quote");
    let shown = format!("/api/v1/quotes/{}/html", created.id());
    let (_, _, page) = s.download(&shown, &manager).await;
    assert!(String::from_utf8_lossy(&page).contains("src=\"data:image/png;base64,"), "the logo on its page");

    assert_eq!(s.delete(path, &manager).await.status, StatusCode::FORBIDDEN);
    assert_eq!(s.delete(path, &s.admin).await.status, StatusCode::NO_CONTENT);
    assert_eq!(s.delete(path, &s.admin).await.status, StatusCode::NOT_FOUND);
    assert_eq!(images(&s.download(&pdf, &manager).await.2), 0, "printed without it");

    // From the settings page, behind its token.
    let (_, email) = s.user_with_password(Role::Admin).await;
    let browser = s.signed_in(&email).await;
    browser.accept_language("fr");
    assert!(browser.get("/settings/seller").await.contains("Pas de logo"));
    let csrf = browser.csrf();
    let refused = browser
        .upload_with("/settings/logo", &[("_csrf", &csrf)], "logo.gif", "image/gif", b"GIF89a....")
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("doit être une image PNG ou JPEG"), "{}", refused.text);
    let forged = browser
        .upload_with("/settings/logo", &[("_csrf", "forged")], "logo.png", "image/png", &RED_PNG)
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let csrf = browser.csrf();
    let sent =
        browser.upload_with("/settings/logo", &[("_csrf", &csrf)], "logo.png", "image/png", &RED_PNG).await;
    assert_eq!(sent.location(), Some("/settings/seller?logo"));
    let page = browser.get("/settings/seller?logo").await;
    assert!(page.contains("Logo enregistré") && page.contains(r#"src="/settings/logo""#), "{}", page.text);
    assert_eq!(browser.get("/settings/logo").await.status, StatusCode::OK);
    let removed = browser.post("/settings/logo/delete", &[]).await;
    assert_eq!(removed.location(), Some("/settings/seller"));
    assert_eq!(s.download(path, &manager).await.0, StatusCode::NOT_FOUND);
}

async fn admins_set_the_seller_every_document_names(s: TestServer) {
    let (_, seller) = s.user(Role::Sales).await;
    let empty = s.get("/api/v1/settings/seller", &seller).await;
    assert_eq!((empty.status, empty.header("etag")), (StatusCode::OK, Some("\"0\"")));
    let identity = json!({"name": "Comptoir Conseil", "legal_form": "SAS", "share_capital": "10000",
        "siren": "732 829 320", "rcs_city": "Lyon", "vat_number": "FR44732829320",
        "address": {"street": "3 rue de la République", "postal_code": "69001", "city": "Lyon", "country": "fr"}});
    let refused = s.patch("/api/v1/settings/seller", &seller, identity.clone()).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let set = s.patch("/api/v1/settings/seller", &s.admin, identity).await;
    assert_eq!(set.status, StatusCode::OK, "{:?}", set.body);
    assert_eq!((set.body["siren"].as_str(), set.header("etag")), (Some("732829320"), Some("\"1\"")));
    assert_eq!(set.body["address"]["country"], "FR");
    let bad = s.patch("/api/v1/settings/seller", &s.admin, json!({"siren": "123456789", "name": null})).await;
    assert_eq!(bad.error_fields(), ["name", "siren"]);
    let stale = s
        .request(
            reqwest::Method::PATCH,
            "/api/v1/settings/seller",
            Some(&s.admin),
            Some(json!({"phone": "04 72 00 00 00"})),
            &[("if-match", "\"0\"")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    let read = s.get("/api/v1/settings/seller", &seller).await;
    assert_eq!(read.body["name"], "Comptoir Conseil", "a refused change changes nothing");
}

async fn the_sellers_vat_rates_are_offered_and_the_first_is_a_new_products(s: TestServer) {
    let french = s
        .post("/api/v1/products", &s.admin, json!({"sku": "FR", "name": "Audit", "unit_price": "100"}))
        .await;
    assert_eq!(french.body["vat_rate"], "20", "the French standard rate until the seller says otherwise");
    let bad = s
        .patch(
            "/api/v1/settings/seller",
            &s.admin,
            json!({"name": "Comptoir", "vat_rates": ["21", "100", "21"]}),
        )
        .await;
    assert_eq!(bad.error_fields(), ["vat_rates[1]", "vat_rates[2]"]);
    let set = s
        .patch(
            "/api/v1/settings/seller",
            &s.admin,
            json!({"name": "Comptoir", "vat_rates": ["21", "12", "6.00", "0"]}),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{:?}", set.body);
    assert_eq!(set.body["vat_rates"], json!(["21", "12", "6", "0"]));
    let belgian = s
        .post("/api/v1/products", &s.admin, json!({"sku": "BE", "name": "Audit", "unit_price": "100"}))
        .await;
    assert_eq!(belgian.body["vat_rate"], "21");
    let kept = s.get(&format!("/api/v1/products/{}", french.id()), &s.admin).await;
    assert_eq!(kept.body["vat_rate"], "20", "a product keeps its rate");

    let browser = s.signed_in(ADMIN_EMAIL).await;
    browser.accept_language("fr");
    let product = browser.get(&format!("/products/{}", french.id())).await;
    assert!(
        product.contains(r#"<option value="21">21 %</option>"#)
            && product.contains(r#"<option value="20" selected>20 %</option>"#),
        "the seller's rates, and the product's own: {}",
        product.text
    );
    let quote = browser.get("/quotes/new").await;
    assert!(
        quote.contains(r#"<option value="6">6 %</option>"#) && !quote.contains(r#"value="5.5""#),
        "{}",
        quote.text
    );
    let settings = browser.get("/settings/seller").await;
    assert!(settings.contains(r#"value="21 ; 12 ; 6 ; 0""#), "{}", settings.text);
    let refused = browser
        .post("/settings/seller", &[("name", "Comptoir"), ("vat_rates", "21 ; 150"), ("version", "1")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("150 % : doit être un pourcentage"), "{}", refused.text);
    let unreadable = browser
        .post("/settings/seller", &[("name", "Comptoir"), ("vat_rates", "21 ; vingt"), ("version", "1")])
        .await;
    assert!(unreadable.contains("séparés par des points-virgules"), "{}", unreadable.text);
    let saved = browser
        .post("/settings/seller", &[("name", "Comptoir"), ("vat_rates", "8,5 ; 2,1"), ("version", "1")])
        .await;
    assert_eq!(saved.location(), Some("/settings/seller?saved"));
    let read = s.get("/api/v1/settings/seller", &s.admin).await;
    assert_eq!(read.body["vat_rates"], json!(["8.5", "2.1"]));
    let cleared =
        browser.post("/settings/seller", &[("name", "Comptoir"), ("vat_rates", ""), ("version", "2")]).await;
    assert_eq!(cleared.location(), Some("/settings/seller?saved"));
    assert!(
        browser.get("/settings/seller").await.contains(r#"value="20 ; 10 ; 5,5 ; 2,1 ; 0""#),
        "back to the French rates"
    );
}

async fn a_quote_prints_to_a_pdf_and_a_page_in_the_readers_language(s: TestServer) {
    s.patch(
        "/api/v1/settings/seller",
        &s.admin,
        json!({"name": "Comptoir Conseil", "legal_form": "SAS", "share_capital": "10000", "siren": "732829320",
            "rcs_city": "Lyon", "payment_terms": "30 jours fin de mois"}),
    )
    .await;
    let customer = s
        .post(
            "/api/v1/companies",
            &s.admin,
            json!({"name": "Épicerie Müller", "addresses": [{"street": "12 place du Marché", "postal_code": "67000", "city": "Strasbourg"}]}),
        )
        .await
        .id();
    let created = quote(
        &s,
        &s.admin,
        json!({"company_id": customer, "lines": [
            {"description": "Étude préalable", "quantity": "2", "unit_price": "450", "vat_rate": "20", "discount_percent": "5"},
        ]}),
    )
    .await;
    let path = format!("/api/v1/quotes/{}/pdf", created.id());
    let response = asked_in(&s, &path, &s.admin, "fr-FR,fr;q=0.9").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let disposition = response.headers()["content-disposition"].to_str().unwrap_or_default().to_owned();
    assert!(disposition.contains(&format!("D-{}-0001.pdf", year())), "{disposition}");
    let bytes = response.bytes().await.expect("the document");
    let text = pdf_extract::extract_text_from_mem(&bytes).expect("text in the PDF");
    for expected in [
        "DEVIS",
        "Épicerie Müller",
        "Strasbourg",
        "Étude préalable",
        "Remise 5",
        "Total TTC",
        "1\u{202f}026,00",
        "30 jours fin de mois",
        "RCS Lyon 732 829 320",
        "40 €",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from {text:?}");
    }
    let english = asked_in(&s, &path, &s.admin, "en").await;
    let text = pdf_extract::extract_text_from_mem(&english.bytes().await.expect("bytes")).expect("text");
    assert!(text.contains("QUOTE") && text.contains("Total incl. VAT"), "{text}");
    // The same document as a page, self-contained, to send or show the customer.
    let page = asked_in(&s, &format!("/api/v1/quotes/{}/html", created.id()), &s.admin, "fr").await;
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    let policy = page.headers()["content-security-policy"].to_str().unwrap_or_default().to_owned();
    assert!(policy.contains("default-src 'none'") && !policy.contains("script-src"), "{policy}");
    let html = page.text().await.expect("the page");
    for expected in [
        "<html lang=\"fr\">",
        "Devis",
        "Épicerie Müller",
        "Strasbourg",
        "Étude préalable",
        "Remise 5",
        "Total TTC",
        "1\u{202f}026,00",
        "30 jours fin de mois",
        "RCS Lyon 732 829 320",
        "40 €",
        "Bon pour accord",
    ] {
        assert!(html.contains(expected), "{expected:?} missing from {html}");
    }
    let missing_page = s.get("/api/v1/quotes/01935f2e-0000-7000-8000-000000000000/html", &s.admin).await;
    assert_eq!(missing_page.status, StatusCode::NOT_FOUND);
    // Once sent, a quote prints who it was issued by and to then, whatever changes after.
    s.post(&format!("/api/v1/quotes/{}/send", created.id()), &s.admin, json!({})).await;
    s.patch(&format!("/api/v1/companies/{customer}"), &s.admin, json!({"name": "Épicerie Schmitt"})).await;
    s.patch("/api/v1/settings/seller", &s.admin, json!({"name": "Comptoir Nouveau Nom"})).await;
    let again =
        s.client.get(format!("{}{path}", s.base_url)).bearer_auth(&s.admin).send().await.expect("an answer");
    let text = pdf_extract::extract_text_from_mem(&again.bytes().await.expect("bytes")).expect("text");
    assert!(text.contains("Épicerie Müller") && text.contains("Comptoir Conseil"), "{text}");
    assert!(!text.contains("Schmitt") && !text.contains("Nouveau Nom"), "{text}");
    let straight_to_accepted =
        quote(&s, &s.admin, json!({"company_id": customer, "status": "accepted", "lines": [{"description": "X", "unit_price": "1", "vat_rate": "20"}]})).await;
    assert_eq!(
        straight_to_accepted.error_fields(),
        ["status"],
        "a quote is accepted once sent, not created so"
    );
    let missing = s.get("/api/v1/quotes/01935f2e-0000-7000-8000-000000000000/pdf", &s.admin).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

async fn sent_quotes_past_their_validity_expire(s: TestServer) {
    let customer = company(&s, "En retard").await;
    let lines = json!([{"description": "Forfait", "unit_price": "100", "vat_rate": "20"}]);
    let old = quote(&s, &s.admin, json!({"company_id": customer, "issued_on": "2026-01-05", "valid_until": "2026-02-04", "lines": lines})).await.id();
    let draft = quote(&s, &s.admin, json!({"company_id": customer, "issued_on": "2026-01-05", "valid_until": "2026-02-04", "lines": lines})).await.id();
    let current = quote(&s, &s.admin, json!({"company_id": customer, "lines": lines})).await.id();
    for id in [&old, &current] {
        s.post(&format!("/api/v1/quotes/{id}/send"), &s.admin, json!({})).await;
    }
    let today = chrono::NaiveDate::from_ymd_opt(2026, 2, 5).expect("a day");
    assert_eq!(s.app.expire_quotes(today).await.expect("a pass"), 1);
    let status = |id: String| {
        let s = &s;
        async move { s.get(&format!("/api/v1/quotes/{id}"), &s.admin).await.body["status"].clone() }
    };
    assert_eq!(status(old.clone()).await, "expired");
    assert_eq!(status(draft).await, "draft", "a draft was never offered, so it does not expire");
    assert_eq!(status(current).await, "sent");
    assert_eq!(s.app.expire_quotes(today).await.expect("a pass"), 0, "once");
    let accepted = s.post(&format!("/api/v1/quotes/{old}/accept"), &s.admin, json!({})).await;
    assert_eq!(accepted.error_fields(), ["status"], "an expired quote is not accepted");
}
