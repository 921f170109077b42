use comptoir_domain::users::Role;
use comptoir_store::duplicates::{CompanyLinkedTable, Follows};
use comptoir_testkit::{TestServer, on_both_databases};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;

on_both_databases!(
    duplicate_companies_are_found_merged_and_put_back,
    every_reference_to_a_company_is_one_a_merge_moves,
    merging_companies_is_refused_to_whoever_may_not_change_both,
    the_pages_review_merge_and_put_back_duplicate_companies,
);

async fn company(s: &TestServer, token: &str, body: Value) -> String {
    let created = s.post("/api/v1/companies", token, body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    created.id()
}

/// Scans for duplicates, contacts and companies, and waits for the scan to end.
async fn scan(s: &TestServer) -> Value {
    let started = s.post("/api/v1/duplicates/scan", &s.admin, json!({})).await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{:?}", started.body);
    for _ in 0..200 {
        let scan = s.get("/api/v1/duplicates/scan", &s.admin).await.body;
        if scan["running"] == false && scan["last"]["finished_at"].is_string() {
            return scan["last"].clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the scan did not finish");
}

async fn contacts_named(s: &TestServer, words: &str) -> usize {
    let found = s.get(&format!("/api/v1/contacts?q={words}"), &s.admin).await.body;
    found["data"].as_array().map_or(0, Vec::len)
}

async fn duplicate_companies_are_found_merged_and_put_back(s: TestServer) {
    let lyon = json!([{"street": "3 rue Garibaldi", "postal_code": "69003", "city": "Lyon"}]);
    let blanc = company(
        &s,
        &s.admin,
        json!({"name": "Menuiserie Blanc", "addresses": lyon, "phones": ["04 78 12 34 56"], "tags": ["bois"]}),
    )
    .await;
    let sarl = company(
        &s,
        &s.admin,
        json!({"name": "Menuiserie Blanc SARL", "siren": "732829320", "domain": "blanc.fr",
            "addresses": [{"postal_code": "69003", "city": "Lyon"}], "phones": ["+33478123456"]}),
    )
    .await;
    // A group's two entities share a name and a domain, not a SIREN: two companies.
    company(&s, &s.admin, json!({"name": "Groupe Laurent", "siren": "552100554", "domain": "laurent.fr"}))
        .await;
    company(&s, &s.admin, json!({"name": "Groupe Laurent", "siren": "542107651", "domain": "laurent.fr"}))
        .await;
    company(&s, &s.admin, json!({"name": "Plomberie Durand", "addresses": [{"postal_code": "69003"}]})).await;

    let last = scan(&s).await;
    assert_eq!((last["companies"].as_u64(), last["company_pairs"].as_u64()), (Some(5), Some(1)), "{last:?}");
    let pairs = s.get("/api/v1/company-duplicates", &s.admin).await.body;
    let pair = &pairs["data"][0];
    assert_eq!((pair["first_id"].as_str(), pair["second_id"].as_str()), (Some(&*blanc), Some(&*sarl)));
    assert!(pair["score"].as_u64() >= Some(70), "likely: {pair:?}");
    assert_eq!(pair["reasons"], json!(["same_phone", "same_name", "same_postal_code"]));
    let read =
        s.get(&format!("/api/v1/company-duplicates/{}", pair["id"].as_str().unwrap_or("")), &s.admin).await;
    assert_eq!(read.body["id"], pair["id"]);
    let listed = tokio::process::Command::new(env!("CARGO_BIN_EXE_comptoir"))
        .args(["duplicates", "list", "--companies"])
        .env("COMPTOIR_DATABASE_URL", &s.database_url)
        .output()
        .await
        .expect("comptoir duplicates list runs");
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed.contains("Menuiserie Blanc SARL")
            && listed.contains("same_phone, same_name, same_postal_code"),
        "{listed}"
    );

    // What points at the merged company: an employee and a note.
    let employee =
        s.post("/api/v1/contacts", &s.admin, json!({"last_name": "Fabre", "company_id": sarl})).await.id();
    let call = s
        .post(
            "/api/v1/activities",
            &s.admin,
            json!({"kind": "note", "body": "Devis atelier envoyé", "company_id": sarl}),
        )
        .await;
    assert_eq!(call.status, StatusCode::CREATED, "{:?}", call.body);
    let call = call.id();
    assert_eq!(contacts_named(&s, "sarl").await, 1, "an employee is found by the company's name");

    let itself =
        s.post("/api/v1/company-merges", &s.admin, json!({"survivor_id": blanc, "merged_id": blanc})).await;
    assert_eq!(itself.error_fields(), ["merged_id"]);
    let merged =
        s.post("/api/v1/company-merges", &s.admin, json!({"survivor_id": blanc, "merged_id": sarl})).await;
    assert_eq!(merged.status, StatusCode::CREATED, "{:?}", merged.body);
    let merge = merged.id();
    assert_eq!(merged.header("location"), Some(&*format!("/api/v1/company-merges/{merge}")));
    let moved: BTreeSet<&str> =
        merged.body["moved"].as_array().into_iter().flatten().filter_map(|m| m["table"].as_str()).collect();
    assert_eq!(moved, BTreeSet::from(["activities", "contacts"]));

    let survivor = s.get(&format!("/api/v1/companies/{blanc}"), &s.admin).await.body;
    assert_eq!(survivor["name"], "Menuiserie Blanc", "the survivor keeps its name");
    assert_eq!(
        (survivor["siren"].as_str(), survivor["domain"].as_str()),
        (Some("732829320"), Some("blanc.fr"))
    );
    assert_eq!(survivor["phones"].as_array().map(Vec::len), Some(1), "one number, written two ways");
    assert_eq!(s.get(&format!("/api/v1/companies/{sarl}"), &s.admin).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        s.get(&format!("/api/v1/contacts/{employee}"), &s.admin).await.body["company_id"],
        json!(blanc)
    );
    assert_eq!(s.get(&format!("/api/v1/activities/{call}"), &s.admin).await.body["company_id"], json!(blanc));
    assert_eq!(contacts_named(&s, "sarl").await, 0, "found by the survivor's name now");
    assert_eq!(contacts_named(&s, "menuiserie").await, 1);
    assert_eq!(s.get("/api/v1/company-duplicates", &s.admin).await.body["data"], json!([]));
    assert_eq!(s.events_named("company.merged").await, 1);
    let contact_merge = s.get(&format!("/api/v1/merges/{merge}"), &s.admin).await;
    assert_eq!(contact_merge.status, StatusCode::NOT_FOUND, "a merge of companies is not one of contacts");

    let undone = s.post(&format!("/api/v1/company-merges/{merge}/undo"), &s.admin, json!({})).await;
    assert_eq!(undone.status, StatusCode::OK, "{:?}", undone.body);
    assert_eq!(undone.body["survivor_left_alone"], false);
    let back = s.get(&format!("/api/v1/companies/{sarl}"), &s.admin).await;
    assert_eq!(back.body["name"], "Menuiserie Blanc SARL", "{:?}", back.body);
    assert!(s.get(&format!("/api/v1/companies/{blanc}"), &s.admin).await.body["siren"].is_null());
    assert_eq!(
        s.get(&format!("/api/v1/contacts/{employee}"), &s.admin).await.body["company_id"],
        json!(sarl)
    );
    assert_eq!(s.get(&format!("/api/v1/activities/{call}"), &s.admin).await.body["company_id"], json!(sarl));
    assert_eq!(contacts_named(&s, "sarl").await, 1);
    assert_eq!(s.events_named("company.merge_undone").await, 1);
    let again = s.post(&format!("/api/v1/company-merges/{merge}/undo"), &s.admin, json!({})).await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    // Two companies someone said are two stay apart.
    let pair = scan(&s).await;
    assert_eq!(pair["company_pairs"], 1);
    let id = s.get("/api/v1/company-duplicates", &s.admin).await.body["data"][0]["id"].clone();
    let id = id.as_str().unwrap_or_default().to_owned();
    let (_, reader) = s.user(Role::Readonly).await;
    let refused = s.post(&format!("/api/v1/company-duplicates/{id}/dismiss"), &reader, json!({})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let dismissed = s.post(&format!("/api/v1/company-duplicates/{id}/dismiss"), &s.admin, json!({})).await;
    assert_eq!(dismissed.body["status"], "dismissed");
    scan(&s).await;
    assert_eq!(s.get("/api/v1/company-duplicates", &s.admin).await.body["data"], json!([]));
    let kept = s.get("/api/v1/company-duplicates?status=dismissed", &s.admin).await.body;
    assert_eq!(kept["data"][0]["id"], json!(id));
}

/// A table that points at companies and is not moved by a merge would lose its rows or their
/// link when the merged company goes.
async fn every_reference_to_a_company_is_one_a_merge_moves(s: TestServer) {
    let references: BTreeSet<(String, String)> =
        s.db.references_to("companies").await.expect("the schema").into_iter().collect();
    let declared: BTreeSet<(String, String)> =
        CompanyLinkedTable::ALL.iter().map(|t| (t.name().to_owned(), t.column().to_owned())).collect();
    assert_eq!(references, declared, "add the new table to comptoir_store::duplicates::CompanyLinkedTable");
}

async fn merging_companies_is_refused_to_whoever_may_not_change_both(s: TestServer) {
    let (_, seller) = s.user(Role::Sales).await;
    let mine = company(&s, &seller, json!({"name": "Atelier Roux"})).await;
    let theirs = company(&s, &s.admin, json!({"name": "Atelier Roux"})).await;
    let refused =
        s.post("/api/v1/company-merges", &seller, json!({"survivor_id": mine, "merged_id": theirs})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{:?}", refused.body);
    let refused =
        s.post("/api/v1/company-merges", &seller, json!({"survivor_id": theirs, "merged_id": mine})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "the survivor changes too: {:?}", refused.body);
    for id in [&mine, &theirs] {
        assert_eq!(s.get(&format!("/api/v1/companies/{id}"), &s.admin).await.status, StatusCode::OK);
    }
    let unknown = s
        .post(
            "/api/v1/company-merges",
            &s.admin,
            json!({"survivor_id": mine, "merged_id": uuid::Uuid::new_v4()}),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let merged =
        s.post("/api/v1/company-merges", &s.admin, json!({"survivor_id": mine, "merged_id": theirs})).await;
    let undo = s.post(&format!("/api/v1/company-merges/{}/undo", merged.id()), &seller, json!({})).await;
    assert_eq!(undo.status, StatusCode::FORBIDDEN, "only whoever merged, or an admin");
}

async fn the_pages_review_merge_and_put_back_duplicate_companies(s: TestServer) {
    let older = company(&s, &s.admin, json!({"name": "Crème & Cie", "siren": "732829320"})).await;
    let newer = company(
        &s,
        &s.admin,
        json!({"name": "Creme et Compagnie", "siren": "732 829 320", "industry": "Restauration"}),
    )
    .await;
    let employee =
        s.post("/api/v1/contacts", &s.admin, json!({"last_name": "Fabre", "company_id": older})).await.id();
    let browser = s.signed_in(comptoir_testkit::ADMIN_EMAIL).await;
    browser.accept_language("fr");
    assert!(browser.get("/companies").await.contains("href=\"/duplicates/companies\""));
    scan(&s).await;
    let list = browser.get("/duplicates/companies").await;
    assert!(list.contains("même SIREN") && list.contains("Crème &#38; Cie"), "{}", list.text);
    assert!(list.contains("aria-current=\"page\">Entreprises"), "the companies' tab: {}", list.text);
    let pair = list.link_id("/duplicates/companies/").expect("a pair to compare");
    let page = browser.get(&format!("/companies/{newer}")).await;
    assert!(page.contains("Doublon possible"), "the company's page says so: {}", page.text);
    assert!(page.contains(&format!("href=\"/duplicates/companies/{pair}\"")), "{}", page.text);
    let compare = browser.get(&format!("/duplicates/companies/{pair}")).await;
    assert!(compare.contains("Raison sociale") && compare.contains("Restauration"), "{}", compare.text);

    let (_, reader_email) = s.user_with_password(Role::Readonly).await;
    let reader = s.signed_in(&reader_email).await;
    let refused = reader.post(&format!("/duplicates/companies/{pair}/merge"), &[("survivor", "first")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // The older company stays, under the newer one's name.
    let merged = browser
        .post(
            &format!("/duplicates/companies/{pair}/merge"),
            &[("survivor", "first"), ("take.name", "second")],
        )
        .await;
    let merge = merged.location().expect("the merge's page").to_owned();
    assert!(merge.starts_with("/company-merges/"), "{merge}");
    let page = browser.get(&merge).await;
    assert!(page.contains("n’en font plus qu’une"), "{}", page.text);
    let kept = s.get(&format!("/api/v1/companies/{older}"), &s.admin).await.body;
    assert_eq!(
        (kept["name"].as_str(), kept["industry"].as_str()),
        (Some("Creme et Compagnie"), Some("Restauration"))
    );
    assert_eq!(s.get(&format!("/api/v1/companies/{newer}"), &s.admin).await.status, StatusCode::NOT_FOUND);

    let undone = browser.post(&format!("{merge}/undo"), &[]).await;
    assert_eq!(undone.location(), Some(merge.as_str()));
    assert!(browser.get(&merge).await.contains("l’entreprise fusionnée est revenue"));
    assert_eq!(s.get(&format!("/api/v1/companies/{newer}"), &s.admin).await.status, StatusCode::OK);
    assert_eq!(
        s.get(&format!("/api/v1/contacts/{employee}"), &s.admin).await.body["company_id"],
        json!(older)
    );
}
