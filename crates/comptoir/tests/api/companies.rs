use comptoir_testkit::{TestServer, on_both_databases};
use reqwest::StatusCode;
use serde_json::json;

on_both_databases!(
    a_company_is_created_with_checked_identifiers,
    deleting_a_company_keeps_its_contacts,
    a_company_has_several_addresses_and_lists_filter_on_its_head_office,
);

async fn a_company_has_several_addresses_and_lists_filter_on_its_head_office(s: TestServer) {
    let created = s
        .post(
            "/api/v1/companies",
            &s.admin,
            json!({"name": "Multi-sites SAS", "addresses": [
                {"label": "siège", "street": "3 rue Pasteur", "postal_code": "69003", "city": "Lyon", "country": "FR"},
                {"label": "entrepôt", "city": "Lille", "country": "FR"}
            ]}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.body["addresses"][1]["label"], "entrepôt");
    let lyon = s.get("/api/v1/companies?filter[city]=Lyon", &s.admin).await;
    assert_eq!(lyon.body["data"][0]["id"], created.id());
    let lille = s.get("/api/v1/companies?filter[city]=Lille", &s.admin).await;
    assert_eq!(lille.body["data"], json!([]), "filters read the head office");
    let moved = s
        .patch(
            &format!("/api/v1/companies/{}", created.id()),
            &s.admin,
            json!({"addresses": [{"label": "siège", "city": "Lille"}]}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK);
    let lille = s.get("/api/v1/companies?filter[city]=Lille", &s.admin).await;
    assert_eq!(lille.body["data"][0]["id"], created.id());
    let bad = s
        .post(
            "/api/v1/companies",
            &s.admin,
            json!({"name": "X", "addresses": [{"city": "Paris"}, {"country": "France"}]}),
        )
        .await;
    assert_eq!(bad.error_fields(), ["addresses[1].country"]);
}

async fn a_company_is_created_with_checked_identifiers(s: TestServer) {
    let created = s
        .post(
            "/api/v1/companies",
            &s.admin,
            json!({"name": "Exemple SA", "siret": "552 100 554 00013", "vat_number": "FR40303265045",
                   "domain": "https://www.Exemple.fr/", "relationship_type": "supplier", "size_band": "50-249"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.body["siren"], "552100554");
    assert_eq!(created.body["domain"], "exemple.fr");
    assert_eq!(created.body["relationship_type"], "supplier");

    let bad = s
        .post(
            "/api/v1/companies",
            &s.admin,
            json!({"siren": "552100555", "vat_number": "FR41303265045", "size_band": "huge"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.error_fields(), ["size_band"]);
    let bad = s
        .post("/api/v1/companies", &s.admin, json!({"siren": "552100555", "vat_number": "FR41303265045"}))
        .await;
    assert_eq!(bad.error_fields(), ["name", "siren", "vat_number"]);

    let suppliers = s.get("/api/v1/companies?filter[relationship_type]=supplier", &s.admin).await;
    assert_eq!(suppliers.body["data"][0]["name"], "Exemple SA");
}

async fn deleting_a_company_keeps_its_contacts(s: TestServer) {
    let company = s.post("/api/v1/companies", &s.admin, json!({"name": "Disparue SARL"})).await.id();
    let contact =
        s.post("/api/v1/contacts", &s.admin, json!({"last_name": "Reste", "company_id": company})).await.id();
    assert_eq!(
        s.delete(&format!("/api/v1/companies/{company}"), &s.admin).await.status,
        StatusCode::NO_CONTENT
    );
    let read = s.get(&format!("/api/v1/contacts/{contact}"), &s.admin).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.body["company_id"], json!(null));
    assert_eq!(s.get("/api/v1/contacts?q=disparue", &s.admin).await.body["data"], json!([]));
}
