//! Import templates: a file's columns kept under a name and used for the next file of the
//! same shape; and columns no field takes made into custom fields.

use super::imports::{finished, settled, upload};
use comptoir_domain::users::Role;
use comptoir_testkit::{ADMIN_EMAIL, TestServer, on_both_databases};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    a_template_maps_the_next_file_of_the_same_shape,
    the_pages_keep_columns_as_a_template_and_make_new_fields_of_others,
);

/// A trade-fair list whose headers say nothing the suggestion knows.
const FAIR_LIST: &str = "Interlocuteur;Boîte;Stand;Ville\nHélène Dupré;Crème & Cie;B12;Lyon\n";

async fn a_template_maps_the_next_file_of_the_same_shape(s: TestServer) {
    let refused = s
        .post(
            "/api/v1/import-templates",
            &s.admin,
            json!({"name": "Salon", "mapping": {"Interlocuteur": "full_name", "Badge": "custom_fields.nope"}}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.error_fields(), ["mapping.Badge"]);
    let refused = s.post("/api/v1/import-templates", &s.admin, json!({"mapping": {}})).await;
    assert_eq!(refused.error_fields(), ["name", "mapping"]);

    let (_, seller) = s.user(Role::Sales).await;
    let kept = s
        .post(
            "/api/v1/import-templates",
            &seller,
            json!({"name": "Salon Équip'Hôtel", "mapping": {"Interlocuteur": "full_name", "Ville": ""}}),
        )
        .await;
    assert_eq!(kept.status, StatusCode::CREATED, "{:?}", kept.body);
    let template = kept.id();
    let replaced = s
        .post(
            "/api/v1/import-templates",
            &seller,
            json!({"name": "salon equip'hotel", "mapping": {"Interlocuteur": "full_name", "Boîte": "company", "Ville": ""}}),
        )
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "one name, case and accents aside: {:?}", replaced.body);
    assert_eq!(replaced.id(), template);
    let (_, colleague) = s.user(Role::Sales).await;
    let theirs = s
        .post(
            "/api/v1/import-templates",
            &colleague,
            json!({"name": "SALON ÉQUIP'HÔTEL", "mapping": {"Ville": "city"}}),
        )
        .await;
    assert_eq!(theirs.status, StatusCode::FORBIDDEN, "only its author or an admin replaces it");
    let (_, reader) = s.user(Role::Readonly).await;
    let refused = s
        .post("/api/v1/import-templates", &reader, json!({"name": "Mien", "mapping": {"Ville": "city"}}))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let listed = s.get("/api/v1/import-templates", &reader).await.body;
    assert_eq!(
        listed["data"][0]["mapping"],
        json!({"Interlocuteur": "full_name", "Boîte": "company", "Ville": ""})
    );

    // Without the template the file names nobody; with it, its columns are mapped, and a
    // `map.` choice still wins over it.
    let bare = upload(&s, "kind=contacts&dry_run=true", &seller, FAIR_LIST.as_bytes().to_vec()).await;
    assert_eq!(bare.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", bare.body);
    let checked = finished(
        &s,
        &upload(
            &s,
            &format!("kind=contacts&dry_run=true&template={template}&map.Ville=city"),
            &seller,
            FAIR_LIST.as_bytes().to_vec(),
        )
        .await,
    )
    .await;
    assert_eq!(checked["mapping"]["Interlocuteur"], "full_name", "{checked:?}");
    assert_eq!(checked["mapping"]["Boîte"], "company");
    assert_eq!(checked["mapping"]["Ville"], "city", "the request's choice wins");
    assert_eq!(checked["counts"]["created"], 1);
    let unknown = uuid::Uuid::now_v7();
    let refused =
        upload(&s, &format!("kind=contacts&template={unknown}"), &seller, FAIR_LIST.as_bytes().to_vec())
            .await;
    assert_eq!(refused.error_fields(), ["template"]);

    let path = format!("/api/v1/import-templates/{template}");
    assert_eq!(s.delete(&path, &colleague).await.status, StatusCode::FORBIDDEN);
    assert_eq!(s.delete(&path, &seller).await.status, StatusCode::NO_CONTENT);
    assert_eq!(s.delete(&path, &seller).await.status, StatusCode::NOT_FOUND);
    assert_eq!(s.get("/api/v1/import-templates", &seller).await.body["data"], json!([]));
}

async fn the_pages_keep_columns_as_a_template_and_make_new_fields_of_others(s: TestServer) {
    let browser = s.signed_in(ADMIN_EMAIL).await;
    browser.accept_language("fr");
    let csrf = browser.csrf();
    let sent = browser.upload("/imports", &csrf, "salon.csv", FAIR_LIST.as_bytes()).await;
    assert!(sent.contains("aucune colonne ne donne de nom"), "{}", sent.text);

    // The columns given by hand, the stand made a field of its own, then checked again.
    let file = "Interlocuteur;Courriel;Stand\nHélène Dupré;helene@exemple.fr;B12\n";
    let sent = browser.upload("/imports", &csrf, "salon.csv", file.as_bytes()).await;
    let checked = sent.location().expect("the check's page").to_owned();
    let page = settled(&browser, &checked).await;
    assert!(page.contains("Nouveau champ « Stand »"), "{}", page.text);
    let again = browser
        .post(
            &format!("{checked}/run"),
            &[
                ("map.Interlocuteur", "full_name"),
                ("map.Courriel", "email"),
                ("map.Stand", "new_field"),
                ("dry_run", "1"),
            ],
        )
        .await;
    let rechecked = again.location().expect("the new check's page").to_owned();
    settled(&browser, &rechecked).await;
    let fields = s.get("/api/v1/custom-fields", &s.admin).await.body;
    let stand = fields["data"].as_array().into_iter().flatten().find(|f| f["key"] == "stand");
    assert_eq!(
        stand.map(|f| (f["label"].clone(), f["field_type"].clone())),
        Some((json!("Stand"), json!("text")))
    );
    let import = s.get(&format!("/api/v1{rechecked}"), &s.admin).await.body;
    assert_eq!(import["mapping"]["Stand"], "custom_fields.stand", "{import:?}");

    let unnamed = browser.post(&format!("{rechecked}/template"), &[("name", " ")]).await;
    assert_eq!(unnamed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unnamed.contains("id=\"template-error\""), "{}", unnamed.text);
    let kept = browser.post(&format!("{rechecked}/template"), &[("name", "Salon 2026")]).await;
    assert_eq!(kept.location(), Some(format!("{rechecked}?kept").as_str()));
    assert!(browser.get(&format!("{rechecked}?kept")).await.contains("Colonnes gardées"));

    // The next file of that shape, sent with the template, is mapped at once.
    let list = browser.get("/imports").await;
    assert!(list.contains("Salon 2026") && list.contains("3 colonnes reconnues"), "{}", list.text);
    let templates = s.get("/api/v1/import-templates", &s.admin).await.body;
    let template = templates["data"][0]["id"].as_str().unwrap_or_default().to_owned();
    let csrf = browser.csrf();
    let next = "Interlocuteur;Courriel;Stand\nJosé Núñez;jose@exemple.fr;C3\n";
    let sent = browser
        .upload_with(
            "/imports",
            &[("_csrf", &csrf), ("template", &template)],
            "salon-2.csv",
            "text/csv",
            next.as_bytes(),
        )
        .await;
    let checked = sent.location().expect("the check's page").to_owned();
    settled(&browser, &checked).await;
    let import: Value = s.get(&format!("/api/v1{checked}"), &s.admin).await.body;
    assert_eq!(
        import["mapping"],
        json!({"Interlocuteur": "full_name", "Courriel": "email", "Stand": "custom_fields.stand"})
    );

    let deleted = browser.post(&format!("/imports/templates/{template}/delete"), &[]).await;
    assert_eq!(deleted.location(), Some("/imports"));
    assert!(!browser.get("/imports").await.contains("Salon 2026"));
}
