use comptoir_domain::users::Role;
use comptoir_store::duplicates::{ENDING_WITH_THE_CONTACT, Follows, LinkedTable, SHARED_WITH_THE_SURVIVOR};
use comptoir_testkit::{TestServer, on_both_databases};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;

on_both_databases!(
    a_scan_finds_duplicates_with_their_reasons_and_leaves_dismissed_pairs_alone,
    a_merge_moves_every_record_to_the_survivor_and_its_undo_puts_them_back,
    every_reference_to_a_contact_is_one_a_merge_moves,
    merging_is_refused_to_whoever_may_not_change_both_contacts,
    the_pages_list_pairs_compare_them_merge_and_undo,
    housekeeping_looks_again_once_a_day,
    an_identifying_custom_field_decides_who_is_who,
    a_base_of_a_thousand_contacts_is_read_against_its_own_estimate,
    a_merge_keeps_the_id_another_system_knows_the_person_by,
    a_merge_hands_the_merged_contacts_pairs_to_the_survivor,
);

async fn contact(s: &TestServer, token: &str, body: Value) -> String {
    let created = s.post("/api/v1/contacts", token, body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    created.id()
}

/// Runs a scan through the API and waits for it to end.
async fn scan(s: &TestServer) -> Value {
    let started = s.post("/api/v1/duplicates/scan", &s.admin, json!({})).await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{:?}", started.body);
    for _ in 0..2400 {
        let state = s.get("/api/v1/duplicates/scan", &s.admin).await.body;
        if state["running"] == false && state["last"]["finished_at"].is_string() {
            return state["last"].clone();
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the scan did not end");
}

async fn pairs(s: &TestServer, status: &str) -> Vec<Value> {
    let listed = s.get(&format!("/api/v1/duplicates?status={status}"), &s.admin).await;
    assert_eq!(listed.status, StatusCode::OK, "{:?}", listed.body);
    listed.body["data"].as_array().cloned().unwrap_or_default()
}

/// The pair of `a` and `b`, whichever comes first.
fn pair_of<'a>(pairs: &'a [Value], a: &str, b: &str) -> Option<&'a Value> {
    pairs.iter().find(|p| {
        let ids = [p["first_id"].as_str(), p["second_id"].as_str()];
        ids == [Some(a), Some(b)] || ids == [Some(b), Some(a)]
    })
}

async fn a_scan_finds_duplicates_with_their_reasons_and_leaves_dismissed_pairs_alone(s: TestServer) {
    let jean = contact(
        &s,
        &s.admin,
        json!({"first_name": "Jean", "last_name": "Dupont", "emails": ["jean.dupont@exemple.fr"]}),
    )
    .await;
    let swapped = contact(
        &s,
        &s.admin,
        json!({"first_name": "DUPONT", "last_name": "Jean", "emails": ["Jean.Dupont+crm@exemple.fr"]}),
    )
    .await;
    let helene = contact(
        &s,
        &s.admin,
        json!({"first_name": "Hélène", "last_name": "Lefèvre", "phones": ["06 12 34 56 78"]}),
    )
    .await;
    let accents = contact(
        &s,
        &s.admin,
        json!({"first_name": "Helene", "last_name": "Lefevre", "phones": ["+33612345678"]}),
    )
    .await;
    let street = |first: &str| {
        json!({"first_name": first, "last_name": "Moreau",
        "address": {"street": "12 bd Saint-Germain", "postal_code": "75005", "city": "Paris"}})
    };
    let typo = contact(&s, &s.admin, street("Mathilde")).await;
    let typo2 = contact(&s, &s.admin, street("Mathidle")).await;
    // A family address is not one person.
    let parent = contact(
        &s,
        &s.admin,
        json!({"first_name": "Paul", "last_name": "Girard", "emails": ["famille.girard@exemple.fr"]}),
    )
    .await;
    let child = contact(
        &s,
        &s.admin,
        json!({"first_name": "Zoé", "last_name": "Girard", "emails": ["famille.girard@exemple.fr"]}),
    )
    .await;

    let report = scan(&s).await;
    assert_eq!(report["contacts"], 8);
    assert!(report["duplicate_share"].is_null(), "eight contacts are too few to estimate from: {report}");
    let open = pairs(&s, "open").await;
    let found = pair_of(&open, &jean, &swapped).expect("the swapped name with the same email");
    assert_eq!(found["reasons"], json!(["same_email", "swapped_name"]));
    assert!(found["score"].as_u64() >= Some(90), "{found:?}");
    assert_eq!(found["first_id"], jean, "the older contact comes first");
    let found = pair_of(&open, &helene, &accents).expect("accents dropped, the same number");
    assert_eq!(found["reasons"], json!(["same_phone", "same_name"]));
    let found = pair_of(&open, &typo, &typo2).expect("a typo at the same address");
    assert_eq!(found["reasons"], json!(["similar_name", "same_address"]));
    assert!(pair_of(&open, &parent, &child).is_none_or(|p| p["score"].as_u64() < Some(50)), "{open:?}");
    let scores: Vec<u64> = open.iter().filter_map(|p| p["score"].as_u64()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "the likeliest first: {scores:?}");

    let first = s.get("/api/v1/duplicates?limit=1", &s.admin).await;
    let next = first.body["next"].as_str().expect("a next page").to_owned();
    let second = s.get(&format!("/api/v1/duplicates?limit=1&after={next}"), &s.admin).await;
    assert_eq!(second.body["data"][0]["id"], open[1]["id"], "pages follow each other");

    let pair = pair_of(&open, &jean, &swapped).and_then(|p| p["id"].as_str()).expect("an id").to_owned();
    let dismissed = s.post(&format!("/api/v1/duplicates/{pair}/dismiss"), &s.admin, json!({})).await;
    assert_eq!(dismissed.body["status"], "dismissed", "{:?}", dismissed.body);
    scan(&s).await;
    assert!(
        pair_of(&pairs(&s, "open").await, &jean, &swapped).is_none(),
        "a dismissed pair is not offered again"
    );
    assert!(pair_of(&pairs(&s, "dismissed").await, &jean, &swapped).is_some());

    let (_, reader) = s.user(Role::Readonly).await;
    assert_eq!(s.post("/api/v1/duplicates/scan", &reader, json!({})).await.status, StatusCode::FORBIDDEN);
    assert_eq!(s.get("/api/v1/duplicates?status=maybe", &s.admin).await.error_fields(), ["status"]);
    let unknown = s.get(&format!("/api/v1/duplicates/{}", uuid::Uuid::now_v7()), &s.admin).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

/// Creates one record of each kind that points at `contact`; returns their addresses.
async fn records_of(s: &TestServer, contact: &str) -> Vec<String> {
    let company = s.post("/api/v1/companies", &s.admin, json!({"name": "Atelier Dupont"})).await.id();
    super::deals::pipeline(s, "Ventes").await;
    let line = json!([{"description": "Audit", "unit_price": "900", "vat_rate": "20"}]);
    let made = [
        ("/api/v1/activities", json!({"kind": "note", "body": "Appel de suivi", "contact_id": contact})),
        ("/api/v1/deals", json!({"title": "Contrat 2027", "contact_id": contact})),
        ("/api/v1/quotes", json!({"company_id": company, "contact_id": contact, "lines": line})),
        ("/api/v1/orders", json!({"company_id": company, "contact_id": contact, "lines": line})),
    ];
    let mut addresses = Vec::new();
    for (path, body) in made {
        let created = s.post(path, &s.admin, body).await;
        assert_eq!(created.status, StatusCode::CREATED, "{path}: {:?}", created.body);
        addresses.push(format!("{path}/{}", created.id()));
    }
    addresses
}

async fn a_merge_moves_every_record_to_the_survivor_and_its_undo_puts_them_back(s: TestServer) {
    let survivor = contact(
        &s,
        &s.admin,
        json!({"first_name": "Jean", "last_name": "Dupont",
        "emails": ["jean@exemple.fr"], "tags": ["vip"]}),
    )
    .await;
    let merged = contact(
        &s,
        &s.admin,
        json!({"first_name": "Jean-Pierre", "last_name": "Dupont",
        "emails": ["jp@exemple.fr"], "phones": ["0478123456"], "job_title": "Gérant", "tags": ["salon"]}),
    )
    .await;
    let records = records_of(&s, &merged).await;
    let unrelated = contact(&s, &s.admin, json!({"last_name": "Autre"})).await;
    scan(&s).await;

    let refused =
        s.post("/api/v1/merges", &s.admin, json!({"survivor_id": survivor, "merged_id": survivor})).await;
    assert_eq!(refused.error_fields(), ["merged_id"]);
    let refused = s
        .post(
            "/api/v1/merges",
            &s.admin,
            json!({"survivor_id": survivor, "merged_id": merged,
        "take_from_merged": ["colour"]}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", refused.body);

    let done = s
        .post(
            "/api/v1/merges",
            &s.admin,
            json!({"survivor_id": survivor, "merged_id": merged,
        "take_from_merged": ["first_name"]}),
        )
        .await;
    assert_eq!(done.status, StatusCode::CREATED, "{:?}", done.body);
    let merge = done.id();
    assert_eq!(done.header("location"), Some(format!("/api/v1/merges/{merge}").as_str()));
    assert_eq!(s.get(&format!("/api/v1/contacts/{merged}"), &s.admin).await.status, StatusCode::NOT_FOUND);
    let kept = s.get(&format!("/api/v1/contacts/{survivor}"), &s.admin).await.body;
    assert_eq!(kept["first_name"], "Jean-Pierre", "taken from the merged contact");
    assert_eq!(kept["job_title"], "Gérant", "an empty field is filled");
    assert_eq!(kept["emails"].as_array().map(Vec::len), Some(2), "no address lost");
    assert_eq!(kept["tags"], json!(["vip", "salon"]));
    for record in &records {
        let moved = s.get(record, &s.admin).await.body;
        assert_eq!(moved["contact_id"], survivor, "{record} follows the survivor");
    }
    assert!(pairs(&s, "open").await.iter().all(|p| p["first_id"] != merged && p["second_id"] != merged));
    let audit = s.get(&format!("/api/v1/audit?operation_id={merge}"), &s.admin).await.body;
    let entries = audit["data"].as_array().map(Vec::len).unwrap_or_default();
    assert_eq!(entries, records.len() + 2, "every move, the survivor and the deletion: {audit:?}");

    // The survivor changes after the merge: the undo keeps that change.
    let renamed =
        s.patch(&format!("/api/v1/contacts/{survivor}"), &s.admin, json!({"job_title": "Directeur"})).await;
    assert_eq!(renamed.status, StatusCode::OK);
    let (_, other_admin) = s.user(Role::Admin).await;
    let (_, seller) = s.user(Role::Sales).await;
    assert_eq!(
        s.post(&format!("/api/v1/merges/{merge}/undo"), &seller, json!({})).await.status,
        StatusCode::FORBIDDEN
    );
    let undone = s.post(&format!("/api/v1/merges/{merge}/undo"), &other_admin, json!({})).await;
    assert_eq!(undone.status, StatusCode::OK, "{:?}", undone.body);
    assert!(undone.body["undone_at"].is_string());
    assert_eq!(undone.body["survivor_left_alone"], true);
    let back = s.get(&format!("/api/v1/contacts/{merged}"), &s.admin).await;
    assert_eq!(back.status, StatusCode::OK, "the merged contact is back");
    assert_eq!(back.body["first_name"], "Jean-Pierre");
    assert_eq!(back.body["phones"][0]["number"], "+33478123456");
    for record in &records {
        assert_eq!(s.get(record, &s.admin).await.body["contact_id"], merged, "{record} went back");
    }
    let again = s.post(&format!("/api/v1/merges/{merge}/undo"), &s.admin, json!({})).await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    // Undone at once, the survivor gets its own values back.
    let done =
        s.post("/api/v1/merges", &s.admin, json!({"survivor_id": unrelated, "merged_id": merged})).await;
    assert_eq!(done.status, StatusCode::CREATED, "{:?}", done.body);
    let undone = s.post(&format!("/api/v1/merges/{}/undo", done.id()), &s.admin, json!({})).await;
    assert_eq!(undone.body["survivor_left_alone"], false, "{:?}", undone.body);
    let unrelated = s.get(&format!("/api/v1/contacts/{unrelated}"), &s.admin).await.body;
    assert!(unrelated["first_name"].is_null() && unrelated["emails"] == json!([]), "{unrelated:?}");
}

/// A table that points at contacts and is not moved by a merge would lose its rows (cascade)
/// or their link (set null) when the merged contact goes.
async fn every_reference_to_a_contact_is_one_a_merge_moves(s: TestServer) {
    let references: BTreeSet<(String, String)> =
        s.db.references_to("contacts").await.expect("the schema").into_iter().collect();
    let moved = LinkedTable::ALL.iter().map(|t| (t.name().to_owned(), t.column().to_owned()));
    let ending = ENDING_WITH_THE_CONTACT.iter().chain(&SHARED_WITH_THE_SURVIVOR);
    let ending = ending.map(|(t, c)| ((*t).to_owned(), (*c).to_owned()));
    let declared: BTreeSet<(String, String)> = moved.chain(ending).collect();
    assert_eq!(references, declared, "add the new table to comptoir_store::duplicates::LinkedTable");
}

async fn merging_is_refused_to_whoever_may_not_change_both_contacts(s: TestServer) {
    let (_, seller) = s.user(Role::Sales).await;
    let mine = contact(&s, &seller, json!({"last_name": "Martin", "emails": ["m@exemple.fr"]})).await;
    let theirs = contact(&s, &s.admin, json!({"last_name": "Martin", "emails": ["m@exemple.fr"]})).await;
    for (survivor, merged) in [(&mine, &theirs), (&theirs, &mine)] {
        let refused =
            s.post("/api/v1/merges", &seller, json!({"survivor_id": survivor, "merged_id": merged})).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{:?}", refused.body);
    }
    assert_eq!(s.get(&format!("/api/v1/contacts/{theirs}"), &s.admin).await.status, StatusCode::OK);
    let (_, reader) = s.user(Role::Readonly).await;
    let refused = s.post("/api/v1/merges", &reader, json!({"survivor_id": mine, "merged_id": theirs})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let missing = json!({"survivor_id": mine, "merged_id": uuid::Uuid::now_v7()});
    assert_eq!(s.post("/api/v1/merges", &s.admin, missing).await.status, StatusCode::NOT_FOUND);
}

async fn the_pages_list_pairs_compare_them_merge_and_undo(s: TestServer) {
    let older = contact(
        &s,
        &s.admin,
        json!({"first_name": "Hélène", "last_name": "Lefèvre",
        "emails": ["helene@exemple.fr"]}),
    )
    .await;
    let newer = contact(
        &s,
        &s.admin,
        json!({"first_name": "Helene", "last_name": "Lefevre",
        "emails": ["helene@exemple.fr"], "job_title": "Acheteuse"}),
    )
    .await;
    let browser = s.signed_in(comptoir_testkit::ADMIN_EMAIL).await;
    browser.accept_language("fr");
    let list = browser.get("/duplicates").await;
    assert!(list.contains("Aucune recherche de doublons"), "{}", list.text);
    // A scan held back before it writes what it found: its page follows it without reloading
    // itself (scripts on), until the stream says it has settled.
    let held = s.hold_writes("duplicate_pairs").await;
    let scanning = browser.post("/duplicates/scan", &[]).await;
    assert_eq!(scanning.location(), Some("/duplicates"));
    let running = browser.get("/duplicates").await;
    assert!(running.contains("data-progress=\"/duplicates/scan/progress\""), "{}", running.text);
    assert!(
        running.contains("<noscript><meta http-equiv=\"refresh\""),
        "only without scripts: {}",
        running.text
    );
    let (stream, ()) = tokio::join!(browser.get("/duplicates/scan/progress"), async {
        tokio::time::sleep(Duration::from_millis(800)).await;
        held.release().await;
    });
    assert_eq!(stream.headers.get("content-type").and_then(|v| v.to_str().ok()), Some("text/event-stream"));
    let told: Vec<&str> = stream.text.lines().filter_map(|l| l.strip_prefix("event: ")).collect();
    assert_eq!((told.first(), told.last()), (Some(&"progress"), Some(&"settled")), "{}", stream.text);
    let mut list = browser.get("/duplicates").await;
    for _ in 0..2400 {
        if list.contains("Dernière recherche") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
        list = browser.get("/duplicates").await;
    }
    assert!(list.contains("même e-mail") && list.contains("même nom"), "{}", list.text);
    let pair = list.link_id("/duplicates/").expect("a pair to compare");
    let page = browser.get(&format!("/contacts/{older}")).await;
    assert!(page.contains(&format!("Doublon possible : <a href=\"/duplicates/{pair}\">")), "{}", page.text);
    let compare = browser.get(&format!("/duplicates/{pair}")).await;
    assert!(compare.contains("Acheteuse") && compare.contains("Fusionner"), "{}", compare.text);

    // A read-only user sees the pairs, but neither looks again nor merges.
    let (_, reader_email) = s.user_with_password(Role::Readonly).await;
    let reader = s.signed_in(&reader_email).await;
    assert!(!reader.get("/duplicates").await.contains("action=\"/duplicates/scan\""));
    let refused = reader.post(&format!("/duplicates/{pair}/merge"), &[("survivor", "first")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // The newer contact stays, and keeps the older one's spelling of the name.
    let merged = browser
        .post(
            &format!("/duplicates/{pair}/merge"),
            &[
                ("survivor", "second"),
                ("take.first_name", "first"),
                ("take.last_name", "first"),
                ("take.job_title", "second"),
            ],
        )
        .await;
    let merge = merged.location().expect("the merge's page").to_owned();
    let page = browser.get(&merge).await;
    assert!(page.contains("n’en font plus qu’une"), "{}", page.text);
    let kept = s.get(&format!("/api/v1/contacts/{newer}"), &s.admin).await.body;
    assert_eq!(
        (kept["first_name"].as_str(), kept["job_title"].as_str()),
        (Some("Hélène"), Some("Acheteuse"))
    );
    assert_eq!(s.get(&format!("/api/v1/contacts/{older}"), &s.admin).await.status, StatusCode::NOT_FOUND);

    let undone = browser.post(&format!("{merge}/undo"), &[]).await;
    assert_eq!(undone.location(), Some(merge.as_str()));
    assert!(browser.get(&merge).await.contains("Cette fusion est annulée"));
    assert_eq!(s.get(&format!("/api/v1/contacts/{older}"), &s.admin).await.status, StatusCode::OK);
}

async fn housekeeping_looks_again_once_a_day(s: TestServer) {
    contact(&s, &s.admin, json!({"last_name": "Roux", "emails": ["roux@exemple.fr"]})).await;
    contact(&s, &s.admin, json!({"last_name": "Roux", "emails": ["roux@exemple.fr"]})).await;
    let day = chrono::TimeDelta::days(1);
    let first = s.app.rescan_duplicates_if_older_than(day).await.expect("a scan");
    assert_eq!(first.map(|scan| scan.pairs), Some(1), "never scanned: it scans");
    assert!(s.app.rescan_duplicates_if_older_than(day).await.expect("no scan").is_none(), "scanned today");
    let again = s.app.rescan_duplicates_if_older_than(chrono::TimeDelta::zero()).await.expect("a scan");
    assert!(again.is_some());
}

async fn an_identifying_custom_field_decides_who_is_who(s: TestServer) {
    let field = json!({"object_type": "contact", "key": "numero_client", "label": "N° client", "field_type": "text",
        "identifying": true});
    let defined = s.post("/api/v1/custom-fields", &s.admin, field).await;
    assert_eq!(defined.status, StatusCode::CREATED, "{:?}", defined.body);
    assert_eq!(defined.body["identifying"], true);
    let numbered = |first: &str, last: &str, number: &str, email: &str| json!({"first_name": first, "last_name": last, "emails": [email], "custom_fields": {"numero_client": number}});
    let a = contact(&s, &s.admin, numbered("J.", "Durand", "C-0042", "jean@durand.fr")).await;
    let b = contact(&s, &s.admin, numbered("Jean", "Durant", "c 0042", "jdurant@travail.fr")).await;
    let c = contact(&s, &s.admin, numbered("Paul", "Martin", "C-1000", "paul@martin.fr")).await;
    let d = contact(&s, &s.admin, numbered("Paul", "Martin", "C-2000", "p.martin@ailleurs.fr")).await;
    scan(&s).await;
    let open = pairs(&s, "open").await;
    let found = pair_of(&open, &a, &b).expect("one customer number, one person");
    assert!(found["reasons"].as_array().is_some_and(|r| r.contains(&json!("same_identifier"))), "{found:?}");
    assert!(found["score"].as_u64() >= Some(70), "{found:?}");
    assert!(pair_of(&open, &c, &d).is_none(), "two customer numbers, two people: {open:?}");
}

/// A made-up surname per number, unlike the others: letters scattered by a multiplicative hash.
fn surname(n: u64) -> String {
    let mut scattered = (n + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut name = String::from("K");
    for _ in 0..7 {
        name.push(char::from(b'a' + (scattered % 26) as u8));
        scattered /= 26;
    }
    name
}

async fn a_base_of_a_thousand_contacts_is_read_against_its_own_estimate(s: TestServer) {
    // 900 people and 300 copies of them typed again, the surname mistyped: a base with a
    // duplicate for one contact in four, five times what is assumed.
    let home = |n: u64| format!("{n} rue des Essais;{}", 10_000 + n / 10);
    let mut file = String::from("Prénom;Nom;Rue;Code postal\n");
    for n in 0..900 {
        file.push_str(&format!("Camille;{};{}\n", surname(n), home(n)));
    }
    for n in (0..900).step_by(3) {
        file.push_str(&format!("Camille;{}e;{}\n", surname(n), home(n)));
    }
    let import = super::imports::upload(&s, "kind=contacts", &s.admin, file.into_bytes()).await;
    let imported = super::imports::finished(&s, &import).await;
    assert_eq!(imported["status"], "done", "{imported}");

    // The import looks for the duplicates it wrote; its scan is the one read.
    let mut report = Value::Null;
    for _ in 0..2400 {
        let state = s.get("/api/v1/duplicates/scan", &s.admin).await.body;
        if state["running"] == false && state["last"]["finished_at"].is_string() {
            report = state["last"].clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(report["contacts"], 1200, "{report}");
    let share = report["duplicate_share"].as_f64().unwrap_or_default();
    assert!((0.15..0.35).contains(&share), "300 pairs among 1,200 contacts: {report}");
    let browser = s.signed_in(comptoir_testkit::ADMIN_EMAIL).await;
    let page = browser.get("/duplicates").await;
    assert!(
        page.contains("The base itself suggests about 25.0 duplicates per 100 contacts"),
        "{}",
        page.text
    );
    browser.accept_language("fr");
    let page = browser.get("/duplicates").await;
    assert!(
        page.contains("D’après la base elle-même, environ 25,0 doublons pour 100 contacts ; les scores"),
        "{}",
        page.text
    );
}

/// One person has one id in another system: a survivor without one takes the merged
/// contact's, and gives it back when the merge is undone, unless it changed since.
async fn a_merge_keeps_the_id_another_system_knows_the_person_by(s: TestServer) {
    for keeps_it in [false, true] {
        let suffix = if keeps_it { "b" } else { "a" };
        let survivor = contact(&s, &s.admin, json!({"last_name": format!("Dupont {suffix}")})).await;
        let merged = contact(
            &s,
            &s.admin,
            json!({"last_name": format!("Dupont {suffix}"), "external_id": format!("C-{suffix}")}),
        )
        .await;
        let done =
            s.post("/api/v1/merges", &s.admin, json!({"survivor_id": survivor, "merged_id": merged})).await;
        assert_eq!(done.status, StatusCode::CREATED, "{:?}", done.body);
        let path = format!("/api/v1/contacts/{survivor}");
        assert_eq!(s.get(&path, &s.admin).await.body["external_id"], format!("C-{suffix}"));
        if keeps_it {
            let changed = s.patch(&path, &s.admin, json!({"job_title": "Gérant"})).await;
            assert_eq!(changed.status, StatusCode::OK);
        }
        let undone = s.post(&format!("/api/v1/merges/{}/undo", done.id()), &s.admin, json!({})).await;
        assert_eq!(undone.status, StatusCode::OK, "{:?}", undone.body);
        let back = s.get(&format!("/api/v1/contacts/{merged}"), &s.admin).await.body;
        let survivor = s.get(&path, &s.admin).await.body;
        if keeps_it {
            assert_eq!(
                (back["external_id"].clone(), survivor["external_id"].clone()),
                (Value::Null, json!("C-b"))
            );
        } else {
            assert_eq!(
                (back["external_id"].clone(), survivor["external_id"].clone()),
                (json!("C-a"), Value::Null)
            );
        }
    }
}

async fn a_merge_hands_the_merged_contacts_pairs_to_the_survivor(s: TestServer) {
    let same_phone = contact(
        &s,
        &s.admin,
        json!({"first_name": "Hélène", "last_name": "Lefèvre", "phones": ["06 12 34 56 78"]}),
    )
    .await;
    let same_email = contact(
        &s,
        &s.admin,
        json!({"first_name": "Hélène", "last_name": "Lefèvre", "emails": ["helene.lefevre@exemple.fr"]}),
    )
    .await;
    let merged = contact(
        &s,
        &s.admin,
        json!({"first_name": "Helene", "last_name": "Lefevre", "phones": ["+33612345678"],
            "emails": ["helene.lefevre@exemple.fr"]}),
    )
    .await;
    // The survivor looks like nobody yet: whoever merges may choose any contact to keep.
    let survivor = contact(&s, &s.admin, json!({"first_name": "Lena", "last_name": "Marchal"})).await;
    scan(&s).await;
    let open = pairs(&s, "open").await;
    let to_review = pair_of(&open, &merged, &same_phone).expect("the same phone").clone();
    let answered = pair_of(&open, &merged, &same_email).expect("the same email")["id"].clone();
    assert!(pair_of(&open, &survivor, &same_phone).is_none(), "{open:?}");
    // Seen from the comparison, the pairs around it make one group.
    let browser = s.signed_in(comptoir_testkit::ADMIN_EMAIL).await;
    let compared =
        browser.get(&format!("/duplicates/{}", to_review["id"].as_str().unwrap_or_default())).await;
    assert!(
        compared.contains(&format!("href=\"/duplicates/{}\"", answered.as_str().unwrap_or_default())),
        "{}",
        compared.text
    );
    let dismissed = s
        .post(
            &format!("/api/v1/duplicates/{}/dismiss", answered.as_str().unwrap_or_default()),
            &s.admin,
            json!({}),
        )
        .await;
    assert_eq!(dismissed.status, StatusCode::OK);

    let done = s
        .post(
            "/api/v1/merges",
            &s.admin,
            json!({"survivor_id": survivor, "merged_id": merged, "take_from_merged": ["first_name", "last_name"]}),
        )
        .await;
    assert_eq!(done.status, StatusCode::CREATED, "{:?}", done.body);
    let open = pairs(&s, "open").await;
    let handed =
        pair_of(&open, &survivor, &same_phone).expect("the pair still to review, now the survivor's");
    assert_eq!(handed["id"], to_review["id"]);
    assert_eq!(handed["first_id"], same_phone, "the older contact stays first");
    let dismissed = pairs(&s, "dismissed").await;
    assert_eq!(pair_of(&dismissed, &survivor, &same_email).map(|p| p["id"].clone()), Some(answered));
    assert!(open.iter().chain(&dismissed).all(|p| p["first_id"] != merged && p["second_id"] != merged));
    // The survivor now holds what made both pairs: a scan finds them again, and asks only
    // about the one nobody answered.
    scan(&s).await;
    assert!(pair_of(&pairs(&s, "open").await, &survivor, &same_phone).is_some());
    assert!(pair_of(&pairs(&s, "open").await, &survivor, &same_email).is_none(), "answered once");
}
