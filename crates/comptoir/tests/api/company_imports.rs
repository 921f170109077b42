//! Importing companies: a French file checked, imported, matched by SIREN, domain and name on
//! a second pass, undone; through the API and the pages.

use super::imports::{finished, settled, upload};
use comptoir_domain::users::Role;
use comptoir_testkit::{ADMIN_EMAIL, TestServer, on_both_databases};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(a_companies_file_is_checked_imported_matched_and_undone, the_pages_import_companies_too,);

fn windows_1252(text: &str) -> Vec<u8> {
    encoding_rs::WINDOWS_1252.encode(text).0.into_owned()
}

/// A French Excel export of accounts: a new company, one known by its SIREN under another
/// name, one known by its name only, one by its domain, and a row with a bad head count.
const ACCOUNTS: &str = "Raison sociale;SIREN;Site web;Domaine;Ville;Effectif;Type;Étiquettes\r\n\
Boulangerie Dupré;542065479;https://dupre.fr;;Lyon;12;Client;salon-2026\r\n\
Crème et Compagnie;732829320;;;Villeurbanne;;;\r\n\
ATELIER ZOE;;;;Nantes;5000+;Fournisseur;\r\n\
Menuiserie Blanc;;;blanc.fr;;;Partenaire;bois\r\n\
Garage Roux;;;;Paris;beaucoup;;\r\n";

async fn companies(s: &TestServer) -> Vec<Value> {
    s.get("/api/v1/companies?limit=100&sort=name", &s.admin).await.body["data"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn named<'a>(list: &'a [Value], name: &str) -> &'a Value {
    list.iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("{name} in {list:?}"))
}

async fn a_companies_file_is_checked_imported_matched_and_undone(s: TestServer) {
    let creme = s
        .post(
            "/api/v1/companies",
            &s.admin,
            json!({"name": "Crème & Cie", "siren": "732829320", "industry": "Pâtisserie"}),
        )
        .await
        .id();
    let zoe =
        s.post("/api/v1/companies", &s.admin, json!({"name": "Atelier Zoé", "tags": ["vip"]})).await.id();
    let blanc =
        s.post("/api/v1/companies", &s.admin, json!({"name": "Blanc SAS", "domain": "blanc.fr"})).await.id();
    let before = companies(&s).await;

    let (_, reader) = s.user(Role::Readonly).await;
    let refused = upload(&s, "kind=companies", &reader, windows_1252(ACCOUNTS)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused = upload(&s, "kind=suppliers", &s.admin, windows_1252(ACCOUNTS)).await;
    assert_eq!(refused.error_fields(), ["kind"]);
    let nameless = upload(&s, "kind=companies", &s.admin, b"Ville;SIREN\nLyon;542065479\n".to_vec()).await;
    assert_eq!(nameless.error_fields(), ["mapping"], "{:?}", nameless.body);

    let checked =
        finished(&s, &upload(&s, "kind=companies&dry_run=true", &s.admin, windows_1252(ACCOUNTS)).await)
            .await;
    assert_eq!(checked["kind"], "companies");
    assert_eq!(checked["mapping"]["Raison sociale"], "name", "{checked:?}");
    assert_eq!(checked["mapping"]["Effectif"], "size_band");
    assert_eq!(
        (
            checked["counts"]["created"].as_u64(),
            checked["counts"]["updated"].as_u64(),
            checked["counts"]["skipped"].as_u64()
        ),
        (Some(1), Some(3), Some(1)),
        "{checked:?}"
    );
    assert_eq!(checked["errors"][0]["line"], 6);
    assert_eq!(checked["errors"][0]["field"], "size_band");
    assert_eq!(companies(&s).await, before, "a check writes nothing");

    let imported = finished(&s, &upload(&s, "kind=companies", &s.admin, windows_1252(ACCOUNTS)).await).await;
    assert_eq!(imported["counts"], checked["counts"], "{imported:?}");
    let after = companies(&s).await;
    assert_eq!(after.len(), 4);
    let dupre = named(&after, "Boulangerie Dupré");
    assert_eq!(
        (dupre["siren"].as_str(), dupre["size_band"].as_str(), dupre["relationship_type"].as_str()),
        (Some("542065479"), Some("10-49"), Some("customer"))
    );
    assert_eq!(dupre["addresses"][0]["city"], "Lyon");
    let by_siren = named(&after, "Crème et Compagnie");
    assert_eq!(by_siren["id"], creme.as_str(), "found by its SIREN, renamed");
    assert_eq!(by_siren["industry"], "Pâtisserie", "an empty cell keeps the value");
    let by_name = named(&after, "ATELIER ZOE");
    assert_eq!(by_name["id"], zoe.as_str(), "found by its name, accents and case aside");
    assert_eq!(
        (by_name["size_band"].as_str(), by_name["relationship_type"].as_str(), by_name["tags"].clone()),
        (Some("5000+"), Some("supplier"), json!(["vip"]))
    );
    let by_domain = named(&after, "Menuiserie Blanc");
    assert_eq!(by_domain["id"], blanc.as_str(), "found by its domain");
    assert_eq!(by_domain["tags"], json!(["bois"]));

    let again = finished(&s, &upload(&s, "kind=companies", &s.admin, windows_1252(ACCOUNTS)).await).await;
    assert_eq!(
        (again["counts"]["created"].as_u64(), again["counts"]["unchanged"].as_u64()),
        (Some(0), Some(4)),
        "the same file again changes nothing: {again:?}"
    );

    let id = imported["id"].as_str().expect("an id");
    let undone = s.post(&format!("/api/v1/imports/{id}/undo"), &s.admin, json!({})).await;
    assert_eq!(undone.status, StatusCode::OK, "{:?}", undone.body);
    assert_eq!(undone.body["undo"]["reverted"], 4, "{:?}", undone.body);
    let restored = companies(&s).await;
    let strip = |list: &[Value]| -> Vec<(Value, Value, Value)> {
        list.iter().map(|c| (c["id"].clone(), c["name"].clone(), c["tags"].clone())).collect()
    };
    assert_eq!(strip(&restored), strip(&before), "created gone, changed back");
}

async fn the_pages_import_companies_too(s: TestServer) {
    let browser = s.signed_in(ADMIN_EMAIL).await;
    browser.accept_language("fr");
    let list = browser.get("/imports").await;
    assert!(list.contains(r#"<option value="companies">Entreprises</option>"#), "{}", list.text);
    let csrf = browser.csrf();
    let file = "Société;N° SIREN;Secteur;Remarque\nBoulangerie Dupré;542065479;Boulangerie;à rappeler\n";
    let sent = browser
        .upload_with(
            "/imports",
            &[("_csrf", &csrf), ("kind", "companies")],
            "comptes.csv",
            "text/csv",
            file.as_bytes(),
        )
        .await;
    let checked = sent.location().expect("the check's page").to_owned();
    let page = settled(&browser, &checked).await;
    assert!(
        page.contains(r#"<option value="name" selected>Nom de l’entreprise</option>"#)
            && page.contains(r#"<option value="industry" selected>Secteur d’activité</option>"#),
        "{}",
        page.text
    );
    assert!(page.contains("Nouveau champ « Remarque »"));
    let run = browser
        .post(
            &format!("{checked}/run"),
            &[
                ("map.Société", "name"),
                ("map.N° SIREN", "siren"),
                ("map.Secteur", "industry"),
                ("map.Remarque", "new_field"),
            ],
        )
        .await;
    let imported = run.location().expect("the import's page").to_owned();
    let page = settled(&browser, &imported).await;
    assert!(page.contains("Terminé"), "{}", page.text);
    let listed = companies(&s).await;
    let dupre = named(&listed, "Boulangerie Dupré");
    assert_eq!(dupre["custom_fields"]["remarque"], "à rappeler", "a new field of companies: {dupre:?}");
    let fields = s.get("/api/v1/custom-fields", &s.admin).await.body;
    let remarque = fields["data"].as_array().into_iter().flatten().find(|f| f["key"] == "remarque");
    assert_eq!(remarque.map(|f| f["object_type"].clone()), Some(json!("company")));
}
