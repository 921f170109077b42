use comptoir_testkit::{TestServer, on_both_databases};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    search_ignores_accents_and_case_and_matches_prefixes,
    filters_apply_each_operator,
    custom_fields_are_validated_filtered_and_sorted,
    pages_stay_stable_while_rows_are_inserted,
    bad_list_parameters_are_named,
    a_list_is_counted_with_its_filters_and_search,
    free_text_filters_ignore_accents,
);

async fn a_list_is_counted_with_its_filters_and_search(s: TestServer) {
    for (first, city) in [("Hélène", "Lyon"), ("Jean", "Lyon"), ("Anne", "Paris")] {
        let body = json!({"first_name": first, "last_name": "Martin", "address": {"city": city}});
        assert_eq!(s.post("/api/v1/contacts", &s.admin, body).await.status, StatusCode::CREATED);
    }
    let all = s.get("/api/v1/contacts/count", &s.admin).await;
    assert_eq!(all.body, json!({"count": 3, "precision": "exact"}));
    let lyon = s.get("/api/v1/contacts/count?filter[city]=Lyon", &s.admin).await;
    assert_eq!(lyon.body["count"], 2);
    let searched = s.get("/api/v1/contacts/count?q=helene", &s.admin).await;
    assert_eq!(searched.body["count"], 1);
    let wrong = s.get("/api/v1/contacts/count?filter[mood]=happy", &s.admin).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    s.post("/api/v1/tickets", &s.admin, json!({"subject": "Panne", "priority": "urgent"})).await;
    let urgent = s.get("/api/v1/tickets/count?filter[priority]=urgent", &s.admin).await;
    assert_eq!(urgent.body["count"], 1);
    for collection in ["companies", "deals"] {
        let counted = s.get(&format!("/api/v1/{collection}/count"), &s.admin).await;
        assert_eq!(
            (counted.status, counted.body["count"].as_u64()),
            (StatusCode::OK, Some(0)),
            "{collection}"
        );
    }
    assert_eq!(s.get("/api/v1/contacts/count", "not-a-token").await.status, StatusCode::UNAUTHORIZED);
}

async fn free_text_filters_ignore_accents(server: TestServer) {
    let s = &server;
    let definition =
        json!({"object_type": "contact", "key": "quartier", "label": "Quartier", "field_type": "text"});
    assert_eq!(s.post("/api/v1/custom-fields", &s.admin, definition).await.status, StatusCode::CREATED);
    for (first, last, city, quartier) in [
        ("Hélène", "Blanc", "Orléans", "Saint-Marceau"),
        ("Helene", "Caron", "ORLEANS", "Bourgogne"),
        ("Émile", "Durand", "ÉVRY", "Pyramides"),
        ("Zoé", "Martin", "Lyon", "Croix-Rousse"),
        ("Anne", "Noël", "50% Nîmes", "Écusson"),
    ] {
        let body = json!({"first_name": first, "last_name": last, "address": {"city": city},
            "custom_fields": {"quartier": quartier}});
        assert_eq!(s.post("/api/v1/contacts", &s.admin, body).await.status, StatusCode::CREATED);
    }
    let names = |query: &'static str| async move {
        let answer = s.get(&format!("/api/v1/contacts?sort=last_name&{query}"), &s.admin).await;
        assert_eq!(answer.status, StatusCode::OK, "{query}: {:?}", answer.body);
        last_names(&answer.body)
    };
    assert_eq!(names("filter[first_name]=helene").await, ["Blanc", "Caron"]);
    assert_eq!(names("filter[first_name]=HÉLÈNE").await, ["Blanc", "Caron"], "accents typed, or not");
    assert_eq!(names("filter[city]=orleans").await, ["Blanc", "Caron"]);
    assert_eq!(names("filter[city]=evry").await, ["Durand"], "a capital with its accent");
    assert_eq!(names("filter[city][ne]=Orléans").await, ["Durand", "Martin", "Noël"]);
    assert_eq!(names("filter[city][in]=evry,lyon").await, ["Durand", "Martin"]);
    assert_eq!(names("filter[city][starts-with]=orl").await, ["Blanc", "Caron"]);
    assert_eq!(names("filter[city][starts-with]=ev&sort=-created_at").await, ["Durand"]);
    assert_eq!(names("filter[city][contains]=nimes").await, ["Noël"]);
    assert_eq!(names("filter[city][contains]=0%25%20n").await, ["Noël"], "% typed is a percent sign");
    assert_eq!(names("filter[city][contains]=0_").await, Vec::<String>::new(), "_ typed is an underscore");
    assert_eq!(names("filter[city][contains]=*").await, Vec::<String>::new(), "* typed is a star");
    assert_eq!(names("filter[last_name]=noel").await, ["Noël"]);
    assert_eq!(names("filter[first_name][starts-with]=zo").await, ["Martin"]);
    assert_eq!(names("filter[cf.quartier][contains]=ecu").await, ["Noël"], "custom text too");
    assert_eq!(names("filter[cf.quartier]=saint-marceau").await, ["Blanc"]);
    assert_eq!(names("filter[city]=orléan").await, Vec::<String>::new(), "equality is still whole");
    let counted = s.get("/api/v1/contacts/count?filter[city]=orleans", &s.admin).await;
    assert_eq!(counted.body["count"], 2);
}

fn last_names(answer: &Value) -> Vec<String> {
    answer["data"]
        .as_array()
        .map(|rows| rows.iter().map(|r| r["last_name"].as_str().unwrap_or_default().to_owned()).collect())
        .unwrap_or_default()
}

async fn search_ignores_accents_and_case_and_matches_prefixes(server: TestServer) {
    let s = &server;
    let company = s.post("/api/v1/companies", &s.admin, json!({"name": "Crédit Mutuel"})).await.id();
    for body in [
        json!({"first_name": "Hélène", "last_name": "Dupont", "phones": ["06 12 34 56 78"]}),
        json!({"first_name": "Jean", "last_name": "Dupuis", "emails": ["jean.dupuis@exemple.fr"], "company_id": company}),
        json!({"first_name": "Chloé", "last_name": "Martin"}),
    ] {
        assert_eq!(s.post("/api/v1/contacts", &s.admin, body).await.status, StatusCode::CREATED);
    }
    let search = |q: &'static str| async move {
        let mut names =
            last_names(&s.get(&format!("/api/v1/contacts?q={q}&sort=last_name"), &s.admin).await.body);
        names.sort();
        names
    };
    assert_eq!(search("helene").await, ["Dupont"]);
    assert_eq!(search("H%C3%89L%C3%88NE").await, ["Dupont"]);
    assert_eq!(search("dup").await, ["Dupont", "Dupuis"]);
    assert_eq!(search("jean%20dup").await, ["Dupuis"]);
    assert_eq!(search("credit").await, ["Dupuis"], "found by company name");
    assert_eq!(search("exemple.fr").await, ["Dupuis"], "found by email");
    assert_eq!(search("0612").await, ["Dupont"], "found by national phone digits");
    assert_eq!(search("chloe").await, ["Martin"]);
    assert_eq!(search("zzz").await, Vec::<String>::new());
    for extra in 0..4 {
        s.post("/api/v1/contacts", &s.admin, json!({"last_name": format!("Dupré {extra}")})).await;
    }
    let all = last_names(&s.get("/api/v1/contacts?q=dup", &s.admin).await.body);
    assert_eq!(all.len(), 6);
    assert!(all[0].starts_with("Dupré 3"), "newest first: {all:?}");
    let mut paged = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = s.get(&format!("/api/v1/contacts?q=dup&limit=2&cursor={cursor}"), &s.admin).await;
        paged.extend(last_names(&page.body));
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(paged, all, "search results page without gaps or repeats");

    // The row a cursor points after may be deleted before the next page is read.
    let first_page = s.get("/api/v1/contacts?q=dup&limit=2", &s.admin).await;
    let cursor = first_page.body["next_cursor"].as_str().unwrap_or_default().to_owned();
    let last_shown = first_page.body["data"][1]["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(
        s.delete(&format!("/api/v1/contacts/{last_shown}"), &s.admin).await.status,
        StatusCode::NO_CONTENT
    );
    let next_page = s.get(&format!("/api/v1/contacts?q=dup&limit=10&cursor={cursor}"), &s.admin).await;
    assert_eq!(last_names(&next_page.body), all[2..], "the next page still starts right after it");
    let companies = s.get("/api/v1/companies?q=mutu", &s.admin).await;
    assert_eq!(companies.body["data"][0]["name"], "Crédit Mutuel");
}

async fn filters_apply_each_operator(server: TestServer) {
    let s = &server;
    for (last, city, stage, tags) in [
        ("Arnaud", Some("Lyon"), "lead", json!(["vip"])),
        ("Blanc", Some("Lille"), "customer", json!([])),
        ("Caron", None, "customer", json!(["vip", "export"])),
        ("Durand", Some("Lyon"), "opportunity", json!([])),
    ] {
        let body =
            json!({"last_name": last, "address": {"city": city}, "lifecycle_stage": stage, "tags": tags});
        assert_eq!(s.post("/api/v1/contacts", &s.admin, body).await.status, StatusCode::CREATED);
    }
    let names = |query: &'static str| async move {
        let answer = s.get(&format!("/api/v1/contacts?sort=last_name&{query}"), &s.admin).await;
        assert_eq!(answer.status, StatusCode::OK, "{query}: {:?}", answer.body);
        last_names(&answer.body)
    };
    assert_eq!(names("filter[city]=Lyon").await, ["Arnaud", "Durand"]);
    assert_eq!(names("filter[city][ne]=Lyon").await, ["Blanc", "Caron"]);
    assert_eq!(names("filter[city]=lyon").await, ["Arnaud", "Durand"], "free text ignores case");
    assert_eq!(names("filter[city][ne]=LYON").await, ["Blanc", "Caron"]);
    assert_eq!(names("filter[city][in]=lille,LYON").await, ["Arnaud", "Blanc", "Durand"]);
    assert_eq!(names("filter[last_name]=durand&sort=created_at").await, ["Durand"]);
    assert_eq!(names("filter[city]=lyon&sort=-created_at").await, ["Durand", "Arnaud"]);
    assert_eq!(names("filter[lifecycle_stage]=Customer").await, Vec::<String>::new(), "codes are exact");
    assert_eq!(names("filter[last_name][lt]=Caron").await, ["Arnaud", "Blanc"]);
    assert_eq!(names("filter[last_name][gte]=Caron").await, ["Caron", "Durand"]);
    assert_eq!(names("filter[city][contains]=LL").await, ["Blanc"]);
    assert_eq!(names("filter[city][starts-with]=ly").await, ["Arnaud", "Durand"]);
    assert_eq!(names("filter[lifecycle_stage][in]=lead,opportunity").await, ["Arnaud", "Durand"]);
    assert_eq!(names("filter[city][is-empty]=true").await, ["Caron"]);
    assert_eq!(names("filter[tags]=vip").await, ["Arnaud", "Caron"]);
    assert_eq!(names("filter[tags][is-empty]=true").await, ["Blanc", "Durand"]);
    assert_eq!(names("filter[tags][ne]=vip&filter[city]=Lyon").await, ["Durand"]);
    assert_eq!(
        names("sort=-last_name&filter[lifecycle_stage]=customer").await,
        ["Caron", "Blanc"],
        "the last sort wins"
    );
    let descending = s.get("/api/v1/contacts?sort=-last_name", &s.admin).await;
    assert_eq!(last_names(&descending.body), ["Durand", "Caron", "Blanc", "Arnaud"]);
    let by_city = s.get("/api/v1/contacts?sort=city", &s.admin).await;
    assert_eq!(
        last_names(&by_city.body).first().map(String::as_str),
        Some("Caron"),
        "empty values sort first going up"
    );
    let by_city_down = s.get("/api/v1/contacts?sort=-city", &s.admin).await;
    assert_eq!(
        last_names(&by_city_down.body).last().map(String::as_str),
        Some("Caron"),
        "and last going down"
    );
    for sort in ["city", "-city", "last_activity_at", "-last_activity_at"] {
        let all = last_names(&s.get(&format!("/api/v1/contacts?sort={sort}"), &s.admin).await.body);
        let mut paged = Vec::new();
        let mut cursor = String::new();
        loop {
            let page =
                s.get(&format!("/api/v1/contacts?sort={sort}&limit=1&cursor={cursor}"), &s.admin).await;
            paged.extend(last_names(&page.body));
            match page.body["next_cursor"].as_str() {
                Some(next) => cursor = next.to_owned(),
                None => break,
            }
        }
        assert_eq!(paged, all, "paging one by one through sort={sort} sees every row once");
    }
}

async fn custom_fields_are_validated_filtered_and_sorted(server: TestServer) {
    let s = &server;
    for definition in [
        json!({"object_type": "contact", "key": "budget", "label": "Budget", "field_type": "number"}),
        json!({"object_type": "contact", "key": "segment", "label": "Segment", "field_type": "select", "options": ["pme", "eti", "ge"]}),
        json!({"object_type": "contact", "key": "interests", "label": "Intérêts", "field_type": "multi_select", "options": ["crm", "erp"]}),
    ] {
        let created = s.post("/api/v1/custom-fields", &s.admin, definition).await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    }
    for (last, budget, segment, interests) in [
        ("Alpha", 900, "pme", json!(["crm"])),
        ("Beta", 15000, "eti", json!(["crm", "erp"])),
        ("Gamma", 2500, "pme", json!([])),
    ] {
        let body = json!({"last_name": last, "custom_fields": {"budget": budget, "segment": segment, "interests": interests}});
        assert_eq!(s.post("/api/v1/contacts", &s.admin, body).await.status, StatusCode::CREATED);
    }
    let wrong_type = s
        .post("/api/v1/contacts", &s.admin, json!({"last_name": "X", "custom_fields": {"budget": "lots"}}))
        .await;
    assert_eq!(wrong_type.error_fields(), ["custom_fields.budget"]);
    let wrong_option = s
        .post("/api/v1/contacts", &s.admin, json!({"last_name": "X", "custom_fields": {"segment": "tpe"}}))
        .await;
    assert_eq!(wrong_option.error_fields(), ["custom_fields.segment"]);

    let names = |query: &'static str| async move {
        let answer = s.get(&format!("/api/v1/contacts?{query}"), &s.admin).await;
        assert_eq!(answer.status, StatusCode::OK, "{query}: {:?}", answer.body);
        last_names(&answer.body)
    };
    // Numbers compare as numbers, not as text ("900" > "15000" as text).
    assert_eq!(names("filter[cf.budget][gt]=1000&sort=cf.budget").await, ["Gamma", "Beta"]);
    assert_eq!(names("sort=-cf.budget").await, ["Beta", "Gamma", "Alpha"]);
    assert_eq!(names("filter[cf.segment]=pme&sort=last_name").await, ["Alpha", "Gamma"]);
    assert_eq!(names("filter[cf.interests]=erp").await, ["Beta"]);
    assert_eq!(names("filter[cf.interests][is-empty]=true").await, ["Gamma"]);
    let unknown = s.get("/api/v1/contacts?filter[cf.colour]=red", &s.admin).await;
    assert_eq!(unknown.error_fields(), ["filter[cf.colour][eq]"]);
}

async fn pages_stay_stable_while_rows_are_inserted(s: TestServer) {
    for i in 0..7 {
        s.post("/api/v1/contacts", &s.admin, json!({"last_name": format!("Avant {i}")})).await;
    }
    let mut seen: Vec<String> = Vec::new();
    let mut cursor: Option<String> = None;
    let mut inserted = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/contacts?limit=3&cursor={c}"),
            None => "/api/v1/contacts?limit=3".to_owned(),
        };
        let page = s.get(&path, &s.admin).await;
        assert_eq!(page.status, StatusCode::OK);
        seen.extend(last_names(&page.body));
        // Someone adds contacts while we page through.
        for _ in 0..2 {
            s.post("/api/v1/contacts", &s.admin, json!({"last_name": format!("Pendant {inserted}")})).await;
            inserted += 1;
        }
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let mut expected: Vec<String> = (0..7).rev().map(|i| format!("Avant {i}")).collect();
    assert_eq!(seen, expected, "every row present at the start is seen once, in order, and nothing else");
    expected.sort();
    let all = s.get("/api/v1/contacts?limit=500", &s.admin).await;
    assert_eq!(all.body["data"].as_array().map(Vec::len), Some(7 + inserted));
}

async fn bad_list_parameters_are_named(s: TestServer) {
    let answer = s.get("/api/v1/contacts?limit=0&filter[city][like]=x&colour=red", &s.admin).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.error_fields(), ["limit", "filter[city][like]", "colour"]);
    let sort = s.get("/api/v1/contacts?sort=shoe_size", &s.admin).await;
    assert_eq!(sort.error_fields(), ["sort"]);
    let cursor = s.get("/api/v1/contacts?cursor=garbage", &s.admin).await;
    assert_eq!(cursor.error_fields(), ["cursor"]);
    let value = s.get("/api/v1/contacts?filter[created_at][gt]=yesterday", &s.admin).await;
    assert_eq!(value.error_fields(), ["filter[created_at][gt]"]);
}
