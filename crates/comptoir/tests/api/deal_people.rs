//! The people of a deal: who weighs on it and their part, through the API and the pages, and
//! what a merge of two of them does.

use super::deals::pipeline;
use comptoir_domain::users::Role;
use comptoir_testkit::{ADMIN_EMAIL, TestServer, on_both_databases};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    a_deal_names_its_people_with_their_part,
    a_merge_gives_the_survivor_the_merged_contacts_place_on_deals_and_its_undo_takes_it_back,
    the_deal_page_adds_people_by_name_and_the_contact_page_shows_their_deals,
);

async fn contact(s: &TestServer, body: Value) -> String {
    let created = s.post("/api/v1/contacts", &s.admin, body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    created.id()
}

async fn deal(s: &TestServer, body: Value) -> Value {
    let created = s.post("/api/v1/deals", &s.admin, body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    created.body
}

/// `(contact id, role)` of each of the deal's people, in order.
fn people(deal: &Value) -> Vec<(String, String)> {
    let listed = deal["contacts"].as_array().cloned().unwrap_or_default();
    listed
        .iter()
        .map(|p| {
            (p["contact_id"].as_str().unwrap_or("?").to_owned(), p["role"].as_str().unwrap_or("?").to_owned())
        })
        .collect()
}

fn pair(id: &str, role: &str) -> (String, String) {
    (id.to_owned(), role.to_owned())
}

async fn a_deal_names_its_people_with_their_part(s: TestServer) {
    pipeline(&s, "Ventes").await;
    let buyer = contact(&s, json!({"first_name": "Claire", "last_name": "Morel"})).await;
    let engineer = contact(&s, json!({"first_name": "Hugo", "last_name": "Lambert"})).await;
    let created = deal(
        &s,
        json!({"title": "Renouvellement", "contact_id": buyer, "contacts": [
            {"contact_id": buyer, "role": "economic_buyer"},
            {"contact_id": engineer}
        ]}),
    )
    .await;
    let id = created["id"].as_str().expect("an id").to_owned();
    assert_eq!(people(&created), [pair(&buyer, "economic_buyer"), pair(&engineer, "other")]);
    assert_eq!(created["people"][1]["name"], "Hugo Lambert", "{created:?}");

    let read = s.get(&format!("/api/v1/deals/{id}"), &s.admin).await.body;
    assert_eq!(people(&read), people(&created), "kept in order");
    let listed = s.get("/api/v1/deals?limit=10", &s.admin).await.body;
    assert_eq!(people(&listed["data"][0]), people(&created), "lists carry them too");

    let path = format!("/api/v1/deals/{id}");
    let unknown = uuid::Uuid::now_v7().to_string();
    let refused = s.patch(&path, &s.admin, json!({"contacts": [{"contact_id": unknown}]})).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.error_fields(), ["contacts[0].contact_id"]);
    let twice = json!({"contacts": [{"contact_id": buyer}, {"contact_id": engineer}, {"contact_id": buyer}]});
    let refused = s.patch(&path, &s.admin, twice).await;
    assert_eq!(refused.error_fields(), ["contacts[2].contact_id"]);
    let refused =
        s.patch(&path, &s.admin, json!({"contacts": [{"contact_id": buyer, "role": "boss"}]})).await;
    assert!(refused.status.is_client_error(), "{:?}", refused.body);
    assert_eq!(people(&s.get(&path, &s.admin).await.body), people(&created), "refusals change nothing");

    let (_, seller) = s.user(Role::Sales).await;
    let forbidden = s.patch(&path, &seller, json!({"contacts": []})).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN, "only whoever may change the deal");

    let changed = s
        .patch(
            &path,
            &s.admin,
            json!({"contacts": [{"contact_id": engineer, "role": "technical_evaluator"}]}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    assert_eq!(people(&changed.body), [pair(&engineer, "technical_evaluator")]);
    let audit = s.get(&format!("/api/v1/audit?object_id={id}"), &s.admin).await.body;
    assert!(audit["data"][0]["changes"]["contacts"]["before"].is_array(), "{audit:?}");

    let gone = s.delete(&format!("/api/v1/contacts/{engineer}"), &s.admin).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    assert_eq!(people(&s.get(&path, &s.admin).await.body), [], "a deleted contact leaves the deal");
}

async fn a_merge_gives_the_survivor_the_merged_contacts_place_on_deals_and_its_undo_takes_it_back(
    s: TestServer,
) {
    pipeline(&s, "Ventes").await;
    let survivor =
        contact(&s, json!({"first_name": "Paul", "last_name": "Roux", "emails": ["p@roux.fr"]})).await;
    let merged =
        contact(&s, json!({"first_name": "Paul", "last_name": "Roux", "emails": ["paul@roux.fr"]})).await;
    let other = contact(&s, json!({"first_name": "Inès", "last_name": "Bernard"})).await;
    let alone = deal(
        &s,
        json!({"title": "Seul", "contacts": [
            {"contact_id": other, "role": "user"}, {"contact_id": merged, "role": "champion"}
        ]}),
    )
    .await;
    let both = deal(
        &s,
        json!({"title": "Les deux", "contacts": [
            {"contact_id": merged, "role": "blocker"}, {"contact_id": survivor, "role": "decision_maker"}
        ]}),
    )
    .await;
    let path = |deal: &Value| format!("/api/v1/deals/{}", deal["id"].as_str().unwrap_or_default());

    let done =
        s.post("/api/v1/merges", &s.admin, json!({"survivor_id": survivor, "merged_id": merged})).await;
    assert_eq!(done.status, StatusCode::CREATED, "{:?}", done.body);
    let merge = done.id();
    let moved: Vec<&Value> = done.body["moved"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["table"] == "deal_contacts")
        .collect();
    assert_eq!(moved.len(), 1, "{:?}", done.body);
    assert_eq!(moved[0]["ids"].as_array().map(Vec::len), Some(2));

    let after_alone = s.get(&path(&alone), &s.admin).await.body;
    assert_eq!(people(&after_alone), [pair(&other, "user"), pair(&survivor, "champion")]);
    assert_eq!(
        after_alone["version"],
        alone["version"].as_i64().unwrap_or_default() + 1,
        "a change of the deal"
    );
    let after_both = s.get(&path(&both), &s.admin).await.body;
    assert_eq!(people(&after_both), [pair(&survivor, "decision_maker")], "the survivor keeps its own part");
    let audit = s.get(&format!("/api/v1/audit?operation_id={merge}"), &s.admin).await.body;
    let deal_entries =
        audit["data"].as_array().into_iter().flatten().filter(|e| e["object_type"] == "deal").count();
    assert_eq!(deal_entries, 2, "{audit:?}");

    // One deal changed since the merge keeps its change; the other gets its people back.
    let version = after_alone["version"].as_i64().unwrap_or_default();
    let edited = s
        .request(
            reqwest::Method::PATCH,
            &path(&alone),
            Some(&s.admin),
            Some(json!({"contacts": [{"contact_id": survivor, "role": "influencer"}]})),
            &[("if-match", &format!("\"{version}\""))],
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{:?}", edited.body);
    let undone = s.post(&format!("/api/v1/merges/{merge}/undo"), &s.admin, json!({})).await;
    assert_eq!(undone.status, StatusCode::OK, "{:?}", undone.body);
    assert_eq!(people(&s.get(&path(&alone), &s.admin).await.body), [pair(&survivor, "influencer")]);
    assert_eq!(
        people(&s.get(&path(&both), &s.admin).await.body),
        [pair(&merged, "blocker"), pair(&survivor, "decision_maker")],
        "the merged contact is back in its place with its part"
    );
}

async fn the_deal_page_adds_people_by_name_and_the_contact_page_shows_their_deals(s: TestServer) {
    pipeline(&s, "Ventes").await;
    let claire =
        contact(&s, json!({"first_name": "Claire", "last_name": "Morel", "emails": ["c.morel@exemple.fr"]}))
            .await;
    contact(&s, json!({"first_name": "Léa", "last_name": "Martin", "emails": ["lea@alpha.fr"]})).await;
    let other_lea =
        contact(&s, json!({"first_name": "Léa", "last_name": "Martin", "emails": ["lea@beta.fr"]})).await;
    let created = deal(&s, json!({"title": "Parc de bornes", "expected_close_on": "2031-06-30"})).await;
    let id = created["id"].as_str().expect("an id").to_owned();
    let page = format!("/deals/{id}");

    let browser = s.signed_in(ADMIN_EMAIL).await;
    browser.accept_language("fr");
    let shown = browser.get(&page).await;
    assert!(shown.contains("Personnes impliquées") && shown.contains("Personne d’autre"), "{}", shown.text);

    let added = browser
        .post(&format!("{page}/people"), &[("who", "morel"), ("role", "decision_maker"), ("version", "1")])
        .await;
    assert_eq!(added.location(), Some(format!("{page}#people").as_str()), "{}", added.text);
    let nobody = browser
        .post(&format!("{page}/people"), &[("who", "Dupuis"), ("role", "user"), ("version", "2")])
        .await;
    assert!(nobody.contains("Aucun contact ne correspond à « Dupuis »"), "{}", nobody.text);
    assert_eq!(nobody.status, StatusCode::UNPROCESSABLE_ENTITY);
    let blank =
        browser.post(&format!("{page}/people"), &[("who", " "), ("role", "user"), ("version", "2")]).await;
    assert!(blank.contains("Tapez le nom"), "{}", blank.text);
    let several = browser
        .post(&format!("{page}/people"), &[("who", "Léa Martin"), ("role", "user"), ("version", "2")])
        .await;
    assert!(
        several.contains("Plusieurs contacts correspondent")
            && several.contains("lea@beta.fr")
            && several.contains("lea@alpha.fr"),
        "{}",
        several.text
    );
    let chosen = browser
        .post(
            &format!("{page}/people"),
            &[("who", "Léa Martin"), ("contact_id", &other_lea), ("role", "user"), ("version", "2")],
        )
        .await;
    assert_eq!(chosen.location(), Some(format!("{page}#people").as_str()), "{}", chosen.text);
    let stale =
        browser.post(&format!("{page}/people/remove"), &[("contact_id", &claire), ("version", "2")]).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text);
    assert!(stale.contains("Quelqu’un a modifié cette affaire"), "{}", stale.text);

    let read = s.get(&format!("/api/v1/deals/{id}"), &s.admin).await.body;
    assert_eq!(people(&read), [pair(&claire, "decision_maker"), pair(&other_lea, "user")]);
    let shown = browser.get(&page).await;
    assert!(shown.contains("Claire Morel") && shown.contains("Décideur"), "{}", shown.text);

    let contact_page = browser.get(&format!("/contacts/{claire}")).await;
    assert!(
        contact_page.contains("Parc de bornes") && contact_page.contains("· Décideur"),
        "the contact's page lists the deals they take part in, with their part: {}",
        contact_page.text
    );

    let removed =
        browser.post(&format!("{page}/people/remove"), &[("contact_id", &claire), ("version", "3")]).await;
    assert_eq!(removed.location(), Some(format!("{page}#people").as_str()), "{}", removed.text);
    assert_eq!(
        people(&s.get(&format!("/api/v1/deals/{id}"), &s.admin).await.body),
        [pair(&other_lea, "user")]
    );

    let (_, reader_email) = s.user_with_password(Role::Readonly).await;
    let reader = s.signed_in(&reader_email).await;
    let refused = reader.post(&format!("{page}/people"), &[("contact_id", &claire), ("version", "4")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        !reader.get(&page).await.contains("Ajouter à l’affaire"),
        "no form for whoever may not change it"
    );
}
