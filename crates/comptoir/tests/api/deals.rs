use comptoir_domain::users::Role;
use comptoir_testkit::{ADMIN_EMAIL, Answer, TestServer, on_both_databases};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    the_forecast_converts_other_currencies_at_the_rate_of_their_day,
    admins_keep_exchange_rates_from_their_page,
    a_deal_goes_through_its_pipeline_to_won_and_keeps_its_stages,
    losing_a_deal_takes_one_of_its_pipelines_reasons,
    sales_users_move_only_their_own_deals_and_admins_shape_pipelines,
    stages_and_pipelines_with_deals_are_kept,
    deal_lists_sort_by_amount_and_totals_add_up_exactly,
    activities_on_a_deal_show_on_its_contact_and_company_timelines,
    deals_take_custom_fields_and_bulk_changes,
    the_forecast_adds_up_committed_weighted_and_best_case_by_month,
    the_forecasts_kept_figures_follow_every_change,
    a_boards_kept_totals_follow_every_change,
    deals_moving_past_each_other_at_once_all_land,
    a_pipeline_report_follows_deals_through_their_stages,
    a_pipeline_report_adds_up_values_in_the_base_currency,
    a_pipeline_reports_values_follow_each_change_of_the_deal,
);

/// A pipeline with three open stages (10 %, 40 %, 70 %), won and lost.
pub async fn pipeline(s: &TestServer, name: &str) -> Value {
    let created = s
        .post(
            "/api/v1/pipelines",
            &s.admin,
            json!({"name": name, "lost_reasons": ["Prix", "Concurrent", "Pas de budget"], "stages": [
                {"name": "Qualification", "probability": 10},
                {"name": "Proposition", "probability": 40},
                {"name": "Négociation", "probability": 70},
                {"name": "Gagné", "outcome": "won"},
                {"name": "Perdu", "outcome": "lost"},
            ]}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    created.body
}

fn stage(pipeline: &Value, i: usize) -> String {
    pipeline["stages"][i]["id"].as_str().expect("a stage id").to_owned()
}

async fn move_to(s: &TestServer, token: &str, deal: &str, body: Value) -> Answer {
    s.post(&format!("/api/v1/deals/{deal}/move"), token, body).await
}

async fn a_deal_goes_through_its_pipeline_to_won_and_keeps_its_stages(s: TestServer) {
    let sales = pipeline(&s, "Nouveaux clients").await;
    let created =
        s.post("/api/v1/deals", &s.admin, json!({"title": "Contrat cadre 2027", "amount": "12500.5"})).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let deal = created.id();
    assert_eq!(created.body["pipeline_id"], sales["id"], "the first pipeline by default");
    assert_eq!(created.body["stage_id"], sales["stages"][0]["id"]);
    assert_eq!(created.body["probability"], 10);
    assert_eq!(created.body["status"], "open");
    assert_eq!(
        created.body["amount"],
        json!({"amount": "12500.50", "currency": "EUR", "minor_units": 1_250_050})
    );
    assert_eq!(created.body["closed_at"], Value::Null);

    let moved = move_to(&s, &s.admin, &deal, json!({"stage_id": stage(&sales, 2)})).await;
    assert_eq!(moved.status, StatusCode::OK, "{:?}", moved.body);
    assert_eq!(moved.body["probability"], 70, "the new stage's probability");
    let hand = s.patch(&format!("/api/v1/deals/{deal}"), &s.admin, json!({"probability": 55})).await;
    assert_eq!(hand.body["probability"], 55);
    let won = move_to(&s, &s.admin, &deal, json!({"stage_id": stage(&sales, 3)})).await;
    assert_eq!((won.body["status"].as_str(), won.body["probability"].as_i64()), (Some("won"), Some(100)));
    assert!(won.body["closed_at"].is_string());

    let history = s.get(&format!("/api/v1/deals/{deal}/stages"), &s.admin).await;
    let path: Vec<(Value, Value)> = history.body["data"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| (e["from_stage_id"].clone(), e["to_stage_id"].clone()))
        .collect();
    assert_eq!(
        path,
        [
            (Value::Null, sales["stages"][0]["id"].clone()),
            (sales["stages"][0]["id"].clone(), sales["stages"][2]["id"].clone()),
            (sales["stages"][2]["id"].clone(), sales["stages"][3]["id"].clone()),
        ]
    );

    let other = pipeline(&s, "Renouvellements").await;
    let elsewhere = move_to(&s, &s.admin, &deal, json!({"stage_id": stage(&other, 1)})).await;
    assert_eq!(elsewhere.body["pipeline_id"], other["id"], "a deal follows its stage into its pipeline");
    assert_eq!(elsewhere.body["status"], "open");
    assert_eq!(elsewhere.body["closed_at"], Value::Null, "reopened");
    let mismatch =
        s.patch(&format!("/api/v1/deals/{deal}"), &s.admin, json!({"stage_id": stage(&sales, 0)})).await;
    assert_eq!(mismatch.error_fields(), ["stage_id"]);
    let unknown = move_to(&s, &s.admin, &deal, json!({"stage_id": uuid::Uuid::now_v7()})).await;
    assert_eq!(unknown.error_fields(), ["stage_id"]);
}

async fn losing_a_deal_takes_one_of_its_pipelines_reasons(s: TestServer) {
    let sales = pipeline(&s, "Ventes").await;
    let deal = s.post("/api/v1/deals", &s.admin, json!({"title": "Équipement atelier"})).await.id();
    let lost = stage(&sales, 4);
    let no_reason = move_to(&s, &s.admin, &deal, json!({"stage_id": lost})).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(no_reason.error_fields(), ["lost_reason"]);
    let unknown = move_to(&s, &s.admin, &deal, json!({"stage_id": lost, "lost_reason": "La météo"})).await;
    assert_eq!(unknown.error_fields(), ["lost_reason"]);
    let unchanged = s.get(&format!("/api/v1/deals/{deal}"), &s.admin).await;
    assert_eq!(
        (unchanged.body["status"].as_str(), unchanged.body["version"].as_i64()),
        (Some("open"), Some(1))
    );
    let lost = move_to(&s, &s.admin, &deal, json!({"stage_id": lost, "lost_reason": "concurrent"})).await;
    assert_eq!(lost.status, StatusCode::OK, "{:?}", lost.body);
    assert_eq!(
        (lost.body["status"].as_str(), lost.body["lost_reason"].as_str()),
        (Some("lost"), Some("Concurrent"))
    );
    assert_eq!(lost.body["probability"], 0);
    let listed = s.get("/api/v1/deals?filter[status]=lost&filter[lost_reason]=concurrent", &s.admin).await;
    assert_eq!(listed.body["data"][0]["id"], json!(deal));
}

async fn sales_users_move_only_their_own_deals_and_admins_shape_pipelines(s: TestServer) {
    let sales = pipeline(&s, "Ventes").await;
    let (seller, seller_token) = s.user(Role::Sales).await;
    let (_, readonly) = s.user(Role::Readonly).await;
    let theirs = s.post("/api/v1/deals", &seller_token, json!({"title": "Le sien"})).await;
    assert_eq!(theirs.body["owner_id"], json!(seller));
    let mine = s.post("/api/v1/deals", &s.admin, json!({"title": "Celui de l'admin"})).await.id();
    let moved = move_to(&s, &seller_token, &theirs.id(), json!({"stage_id": stage(&sales, 1)})).await;
    assert_eq!(moved.status, StatusCode::OK);
    let refused = move_to(&s, &seller_token, &mine, json!({"stage_id": stage(&sales, 1)})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let unchanged = s.get(&format!("/api/v1/deals/{mine}"), &seller_token).await;
    assert_eq!(unchanged.body["stage_id"], sales["stages"][0]["id"], "every role reads every deal");
    let given = s
        .patch(&format!("/api/v1/deals/{}", theirs.id()), &seller_token, json!({"owner_id": s.admin_id}))
        .await;
    assert_eq!(given.status, StatusCode::FORBIDDEN);
    let read_only = s.post("/api/v1/deals", &readonly, json!({"title": "Non"})).await;
    assert_eq!(read_only.status, StatusCode::FORBIDDEN);
    let shaped = s.post("/api/v1/pipelines", &seller_token, json!({"name": "Le mien"})).await;
    assert_eq!(shaped.status, StatusCode::FORBIDDEN);
    let renamed = s
        .patch(
            &format!("/api/v1/pipelines/{}", sales["id"].as_str().unwrap_or_default()),
            &seller_token,
            json!({"name": "X"}),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::FORBIDDEN);
    let listed = s.get("/api/v1/pipelines", &readonly).await;
    assert_eq!(listed.body["data"][0]["name"], "Ventes", "every role reads the pipelines");
}

async fn stages_and_pipelines_with_deals_are_kept(s: TestServer) {
    let sales = pipeline(&s, "Ventes").await;
    let id = sales["id"].as_str().expect("an id").to_owned();
    s.post("/api/v1/deals", &s.admin, json!({"title": "Dans la proposition", "stage_id": stage(&sales, 1)}))
        .await;
    let mut stages = sales["stages"].as_array().expect("stages").clone();
    stages.remove(1);
    let refused = s.patch(&format!("/api/v1/pipelines/{id}"), &s.admin, json!({"stages": stages})).await;
    assert_eq!(refused.error_fields(), ["stages"]);
    assert!(refused.body["errors"][0]["message"].as_str().unwrap_or_default().contains("Proposition"));
    let mut renamed = sales["stages"].as_array().expect("stages").clone();
    renamed[1]["name"] = json!("Devis envoyé");
    renamed.remove(0);
    renamed.insert(2, json!({"name": "Relance", "probability": 80}));
    let changed = s.patch(&format!("/api/v1/pipelines/{id}"), &s.admin, json!({"stages": renamed})).await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    let names: Vec<&str> = changed.body["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(names, ["Devis envoyé", "Négociation", "Relance", "Gagné", "Perdu"]);
    assert_eq!(changed.body["stages"][0]["id"], sales["stages"][1]["id"], "kept by id");
    let deleted = s.delete(&format!("/api/v1/pipelines/{id}"), &s.admin).await;
    assert_eq!(deleted.status, StatusCode::CONFLICT);
    let empty = pipeline(&s, "Vide").await;
    let gone =
        s.delete(&format!("/api/v1/pipelines/{}", empty["id"].as_str().unwrap_or_default()), &s.admin).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    let bad = s
        .post(
            "/api/v1/pipelines",
            &s.admin,
            json!({"name": "Sans fin", "stages": [{"name": "A", "probability": 5}]}),
        )
        .await;
    assert_eq!(bad.error_fields(), ["stages", "stages", "lost_reasons"]);
}

async fn deal_lists_sort_by_amount_and_totals_add_up_exactly(s: TestServer) {
    let sales = pipeline(&s, "Ventes").await;
    let id = sales["id"].as_str().expect("an id").to_owned();
    let (seller, seller_token) = s.user(Role::Sales).await;
    for (title, amount, currency, close, token) in [
        ("Dix centimes", "0.10", "EUR", "2026-12-05", &s.admin),
        ("Vingt centimes", "0.20", "EUR", "2026-12-20", &s.admin),
        ("Gros contrat", "99999.99", "EUR", "2027-01-15", &seller_token),
        ("En yens", "150000", "JPY", "2026-12-31", &s.admin),
    ] {
        let created = s
            .post(
                "/api/v1/deals",
                token,
                json!({"title": title, "amount": amount, "currency": currency, "expected_close_on": close}),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    }
    s.post("/api/v1/deals", &s.admin, json!({"title": "Sans montant"})).await;
    let by_amount = s.get("/api/v1/deals?filter[currency]=EUR&sort=-amount&limit=2", &s.admin).await;
    let titles: Vec<&str> = by_amount.body["data"]
        .as_array()
        .expect("deals")
        .iter()
        .filter_map(|d| d["title"].as_str())
        .collect();
    assert_eq!(titles, ["Gros contrat", "Vingt centimes"]);
    let next = by_amount.body["next_cursor"].as_str().expect("a next page");
    let rest = s
        .get(&format!("/api/v1/deals?filter[currency]=EUR&sort=-amount&limit=2&cursor={next}"), &s.admin)
        .await;
    assert_eq!(rest.body["data"][0]["title"], "Dix centimes");
    let december =
        s.get("/api/v1/deals?filter[expected_close_on][gte]=2026-12-01&filter[expected_close_on][lt]=2027-01-01", &s.admin).await;
    assert_eq!(december.body["data"].as_array().map(Vec::len), Some(3));
    let found = s.get("/api/v1/deals?q=centime", &s.admin).await;
    assert_eq!(found.body["data"].as_array().map(Vec::len), Some(2), "searched by title");

    let totals = s.get(&format!("/api/v1/pipelines/{id}/totals"), &s.admin).await;
    assert_eq!(totals.status, StatusCode::OK, "{:?}", totals.body);
    let row = |currency: Option<&str>| {
        totals.body["data"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["currency"].as_str() == currency)
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(row(Some("EUR"))["deals"], 3);
    assert_eq!(row(Some("EUR"))["amount_minor_units"], 10_000_029, "0.10 + 0.20 + 99999.99, exactly");
    assert_eq!(row(Some("EUR"))["weighted_minor_units"], 1_000_002, "10 % of it, rounded down once");
    assert_eq!(row(Some("JPY"))["amount_minor_units"], 150_000);
    assert_eq!(row(None)["deals"], 1);

    // In euros: the yen have no rate yet, then one.
    let in_base = |totals: &Value| -> (u64, u64, Vec<String>) {
        let stages = totals["in_base"].as_array().cloned().unwrap_or_default();
        let sum = |key: &str| stages.iter().filter_map(|t| t[key].as_u64()).sum();
        let unconverted = stages
            .iter()
            .flat_map(|t| t["unconverted"].as_array().cloned().unwrap_or_default())
            .filter_map(|c| c.as_str().map(str::to_owned))
            .collect();
        (sum("deals"), sum("amount_minor_units"), unconverted)
    };
    assert_eq!(in_base(&totals.body), (5, 10_000_029, vec!["JPY".to_owned()]));
    let yen = json!({"rates": [{"currency": "JPY", "on": "2026-01-02", "per_base": "150"}]});
    let set = s.request(reqwest::Method::PUT, "/api/v1/exchange-rates", Some(&s.admin), Some(yen), &[]).await;
    assert_eq!(set.status, StatusCode::OK, "{:?}", set.body);
    let totals = s.get(&format!("/api/v1/pipelines/{id}/totals"), &s.admin).await;
    assert_eq!(in_base(&totals.body), (5, 10_000_029 + 100_000, vec![]), "150,000 yen are 1,000 euros");
    assert_eq!(totals.body["in_base"][0]["currency"], "EUR");
    let board =
        s.signed_in(comptoir_testkit::ADMIN_EMAIL).await.get(&format!("/deals/board?pipeline={id}")).await;
    assert!(board.contains("in all <strong>€101,000.29</strong>"), "{}", board.text);

    let theirs =
        s.get(&format!("/api/v1/pipelines/{id}/totals?owner_id={seller}&closing=2027-01"), &s.admin).await;
    assert_eq!(theirs.body["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(theirs.body["data"][0]["amount_minor_units"], 9_999_999);
    let bad = s.get(&format!("/api/v1/pipelines/{id}/totals?closing=décembre"), &s.admin).await;
    assert_eq!(bad.error_fields(), ["closing"]);
}

async fn activities_on_a_deal_show_on_its_contact_and_company_timelines(s: TestServer) {
    pipeline(&s, "Ventes").await;
    let company = s.post("/api/v1/companies", &s.admin, json!({"name": "Boulangerie Martin"})).await.id();
    let contact = s
        .post("/api/v1/contacts", &s.admin, json!({"last_name": "Martin", "company_id": company}))
        .await
        .id();
    let deal = s
        .post(
            "/api/v1/deals",
            &s.admin,
            json!({"title": "Four neuf", "company_id": company, "contact_id": contact}),
        )
        .await;
    assert_eq!(deal.body["company"], json!({"id": company, "name": "Boulangerie Martin"}));
    assert_eq!(deal.body["contact"], json!({"id": contact, "name": "Martin"}));
    let deal = deal.id();
    let by_name = s.get("/api/v1/deals?filter[company_name]=boulangerie martin", &s.admin).await;
    assert_eq!(by_name.body["data"][0]["id"], json!(deal));
    let call = s
        .post(
            "/api/v1/activities",
            &s.admin,
            json!({"kind": "call", "subject": "Devis du four", "deal_id": deal}),
        )
        .await;
    assert_eq!(call.status, StatusCode::CREATED, "{:?}", call.body);
    assert_eq!(
        (call.body["contact_id"].as_str(), call.body["company_id"].as_str()),
        (Some(contact.as_str()), Some(company.as_str()))
    );
    // Someone else on the deal, of another company: the deal's activities are theirs to see too.
    let engineer = s.post("/api/v1/contacts", &s.admin, json!({"last_name": "Lambert"})).await.id();
    let bystander = s.post("/api/v1/contacts", &s.admin, json!({"last_name": "Ailleurs"})).await.id();
    let people =
        json!({"contacts": [{"contact_id": contact, "role": "decision_maker"}, {"contact_id": engineer}]});
    let named = s.patch(&format!("/api/v1/deals/{deal}"), &s.admin, people).await;
    assert_eq!(named.status, StatusCode::OK, "{:?}", named.body);
    for path in [
        format!("deals/{deal}"),
        format!("contacts/{contact}"),
        format!("companies/{company}"),
        format!("contacts/{engineer}"),
    ] {
        let timeline = s.get(&format!("/api/v1/{path}/timeline"), &s.admin).await;
        assert_eq!(timeline.body["data"][0]["id"], json!(call.id()), "{path}");
    }
    let theirs = s.get(&format!("/api/v1/contacts/{bystander}/timeline"), &s.admin).await;
    assert_eq!(theirs.body["data"], json!([]), "not on the deal, not on its timeline");
    let stray = s
        .post(
            "/api/v1/activities",
            &s.admin,
            json!({"kind": "note", "body": "x", "deal_id": uuid::Uuid::now_v7()}),
        )
        .await;
    assert_eq!(stray.error_fields(), ["deal_id"]);
    let by_deal =
        s.get(&format!("/api/v1/deals?filter[company_id]={company}&filter[status]=open"), &s.admin).await;
    assert_eq!(by_deal.body["data"][0]["id"], json!(deal), "a company's open deals");
    s.delete(&format!("/api/v1/deals/{deal}"), &s.admin).await;
    let kept = s.get(&format!("/api/v1/activities/{}", call.id()), &s.admin).await;
    assert_eq!((kept.status, kept.body["deal_id"].clone()), (StatusCode::OK, Value::Null), "the call stays");
}

async fn deals_take_custom_fields_and_bulk_changes(s: TestServer) {
    pipeline(&s, "Ventes").await;
    let field = s
        .post(
            "/api/v1/custom-fields",
            &s.admin,
            json!({"object_type": "deal", "key": "canal", "label": "Canal", "field_type": "select", "options": ["Salon", "Web"]}),
        )
        .await;
    assert_eq!(field.status, StatusCode::CREATED, "{:?}", field.body);
    let deal = s
        .post("/api/v1/deals", &s.admin, json!({"title": "Salon", "custom_fields": {"canal": "Salon"}}))
        .await;
    assert_eq!(deal.body["custom_fields"]["canal"], "Salon");
    let bad =
        s.post("/api/v1/deals", &s.admin, json!({"title": "X", "custom_fields": {"canal": "Radio"}})).await;
    assert_eq!(bad.error_fields(), ["custom_fields.canal"]);
    let found = s.get("/api/v1/deals?filter[cf.canal]=Salon", &s.admin).await;
    assert_eq!(found.body["data"][0]["id"], json!(deal.id()));
    let tagged = s
        .post(
            "/api/v1/deals/bulk",
            &s.admin,
            json!({"ids": [deal.id()], "action": "tag", "tag": "salon-2026"}),
        )
        .await;
    assert_eq!(tagged.status, StatusCode::OK, "{:?}", tagged.body);
    let read = s.get(&format!("/api/v1/deals/{}", deal.id()), &s.admin).await;
    assert_eq!(read.body["tags"], json!(["salon-2026"]));
}

async fn the_forecast_adds_up_committed_weighted_and_best_case_by_month(s: TestServer) {
    let sales = pipeline(&s, "Ventes").await;
    let (seller, seller_token) = s.user(Role::Sales).await;
    for (title, amount, currency, close, stage_at, token) in [
        ("Mars A", "1000.00", "EUR", "2031-03-02", 0, &s.admin),
        ("Mars B", "333.33", "EUR", "2031-03-31", 1, &seller_token),
        ("Janvier", "50", "EUR", "2031-01-15", 2, &s.admin),
        ("Mars en dollars", "999", "USD", "2031-03-10", 0, &s.admin),
        ("Avril", "10", "EUR", "2031-04-01", 0, &s.admin),
    ] {
        let created = s
            .post(
                "/api/v1/deals",
                token,
                json!({"title": title, "amount": amount, "currency": currency, "expected_close_on": close,
                       "stage_id": stage(&sales, stage_at)}),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    }
    let forecast = s.get("/api/v1/forecast?from=2031-01&months=3", &s.admin).await;
    assert_eq!(forecast.status, StatusCode::OK, "{:?}", forecast.body);
    assert_eq!(forecast.body["currency"], "EUR");
    assert_eq!(forecast.body["left_out"], 1, "the dollars are not converted");
    let months: Vec<(String, i64, i64, i64)> = forecast.body["data"]
        .as_array()
        .expect("months")
        .iter()
        .map(|m| {
            let n = |k: &str| m[k].as_i64().unwrap_or(-1);
            (
                m["month"].as_str().unwrap_or_default().to_owned(),
                n("open_deals"),
                n("weighted"),
                n("best_case"),
            )
        })
        .collect();
    assert_eq!(
        months,
        [
            ("2031-01".to_owned(), 1, 3_500, 5_000),
            ("2031-02".to_owned(), 0, 0, 0),
            // 10 % of 1000.00 + 40 % of 333.33 = 100.00 + 133.332, rounded down once: 233.33.
            ("2031-03".to_owned(), 2, 23_333, 133_333),
        ]
    );
    let theirs = s.get(&format!("/api/v1/forecast?from=2031-03&months=1&owner_id={seller}"), &s.admin).await;
    assert_eq!(theirs.body["data"][0]["best_case"], 33_333);
    let split = s.get("/api/v1/forecast?from=2031-03&months=1&by=owner", &s.admin).await;
    assert_eq!(split.body["data"].as_array().map(Vec::len), Some(2), "a row per owner");
    let per_pipeline = s.get("/api/v1/forecast?from=2031-03&months=1&by=pipeline", &s.admin).await;
    assert_eq!(per_pipeline.body["data"].as_array().map(Vec::len), Some(1), "one pipeline has deals");
    assert_eq!(per_pipeline.body["data"][0]["group_id"], sales["id"]);

    // Per quarter, February and four months read as the whole of the first two quarters.
    let quarters = s.get("/api/v1/forecast?from=2031-02&months=4&per=quarter", &s.admin).await;
    assert_eq!(quarters.status, StatusCode::OK, "{:?}", quarters.body);
    assert_eq!(quarters.body["per"], "quarter");
    let rows: Vec<(&str, i64, i64, i64)> = quarters.body["data"]
        .as_array()
        .expect("quarters")
        .iter()
        .map(|q| {
            let n = |k: &str| q[k].as_i64().unwrap_or(-1);
            (q["month"].as_str().unwrap_or_default(), n("open_deals"), n("weighted"), n("best_case"))
        })
        .collect();
    // April's 10.00 at its first stage's 10 %: 1.00.
    assert_eq!(rows, [("2031-01", 3, 3_500 + 23_333, 5_000 + 133_333), ("2031-04", 1, 100, 1_000)]);
    assert_eq!(s.get("/api/v1/forecast?from=2031-01&months=3", &s.admin).await.body["per"], "month");

    let won = s.get("/api/v1/deals?filter[title]=Avril", &s.admin).await.body["data"][0]["id"].clone();
    let won = won.as_str().expect("a deal");
    move_to(&s, &s.admin, won, json!({"stage_id": stage(&sales, 3)})).await;
    let this_month = chrono::Utc::now().format("%Y-%m").to_string();
    let now = s.get(&format!("/api/v1/forecast?from={this_month}&months=1"), &s.admin).await;
    assert_eq!(now.body["data"][0]["won_deals"], 1, "won deals count in the month they were won");
    assert_eq!(now.body["data"][0]["committed"], 1_000);
    assert_eq!(now.body["data"][0]["weighted"], 1_000);
    for (bad, field) in [
        ("from=2031-13", "from"),
        ("months=0", "months"),
        ("months=37", "months"),
        ("by=team", "by"),
        ("per=week", "per"),
        ("colour=red", "colour"),
    ] {
        let refused = s.get(&format!("/api/v1/forecast?{bad}"), &s.admin).await;
        assert_eq!(refused.error_fields(), [field], "{bad}");
    }
}

/// The forecast reads figures kept as deals change: whatever happens to a deal, it counts
/// once, where it is now, and nowhere it was.
async fn the_forecasts_kept_figures_follow_every_change(s: TestServer) {
    let sales = pipeline(&s, "Ventes").await;
    let (seller, seller_token) = s.user(Role::Sales).await;
    let mut deals = vec![];
    for (title, amount, close, stage_at, token) in [
        ("A", Some("1000"), "2032-01-10", 0, &s.admin),
        ("B", Some("200"), "2032-02-05", 1, &seller_token),
        ("C", Some("50"), "2032-02-20", 2, &s.admin),
        ("D", None, "2032-01-01", 0, &s.admin),
        ("E", Some("400"), "2032-02-01", 0, &s.admin),
        ("F", Some("80"), "2032-03-15", 0, &s.admin),
    ] {
        let mut body =
            json!({"title": title, "expected_close_on": close, "stage_id": stage(&sales, stage_at)});
        if let Some(amount) = amount {
            body["amount"] = json!(amount);
            body["currency"] = json!("EUR");
        }
        let created = s.post("/api/v1/deals", token, body).await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
        deals.push(created.id());
    }
    let deal = |i: usize| format!("/api/v1/deals/{}", deals[i]);
    let changed = s.patch(&deal(0), &s.admin, json!({"expected_close_on": "2032-03-01"})).await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    let changed = s.patch(&deal(1), &seller_token, json!({"amount": "300", "probability": 50})).await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    move_to(&s, &s.admin, &deals[2], json!({"stage_id": stage(&sales, 4), "lost_reason": "Prix"})).await;
    s.delete(&deal(4), &s.admin).await;
    let refused = s.patch(&deal(1), &s.admin, json!({"amount": "1.001"})).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "a refused change counts for nothing");
    move_to(&s, &s.admin, &deals[5], json!({"stage_id": stage(&sales, 3)})).await;
    let this_month = chrono::Utc::now().format("%Y-%m").to_string();
    let now = s.get(&format!("/api/v1/forecast?from={this_month}&months=1"), &s.admin).await;
    assert_eq!(
        (&now.body["data"][0]["won_deals"], &now.body["data"][0]["committed"]),
        (&json!(1), &json!(8_000))
    );
    move_to(&s, &s.admin, &deals[5], json!({"stage_id": stage(&sales, 1)})).await;
    let now = s.get(&format!("/api/v1/forecast?from={this_month}&months=1"), &s.admin).await;
    assert_eq!(now.body["data"][0]["won_deals"], 0, "reopened, it is no longer won");

    let months = |answer: Answer| -> Vec<(String, Value, i64, i64, i64)> {
        answer.body["data"]
            .as_array()
            .expect("months")
            .iter()
            .map(|m| {
                let n = |k: &str| m[k].as_i64().unwrap_or(-1);
                let month = m["month"].as_str().unwrap_or_default().to_owned();
                (month, m["group_id"].clone(), n("open_deals"), n("weighted"), n("best_case"))
            })
            .collect()
    };
    let whole = months(s.get("/api/v1/forecast?from=2032-01&months=3", &s.admin).await);
    assert_eq!(
        whole,
        [
            ("2032-01".to_owned(), Value::Null, 0, 0, 0),
            // 50 % of 300.00
            ("2032-02".to_owned(), Value::Null, 1, 15_000, 30_000),
            // 10 % of 1000.00 + 40 % of 80.00
            ("2032-03".to_owned(), Value::Null, 2, 13_200, 108_000),
        ]
    );
    let february = months(s.get("/api/v1/forecast?from=2032-02&months=1&by=owner", &s.admin).await);
    assert_eq!(february, [("2032-02".to_owned(), json!(seller), 1, 15_000, 30_000)]);
    let reassigned = s.patch(&deal(1), &s.admin, json!({"owner_id": s.admin_id})).await;
    assert_eq!(reassigned.status, StatusCode::OK, "{:?}", reassigned.body);
    let february = months(s.get("/api/v1/forecast?from=2032-02&months=1&by=owner", &s.admin).await);
    assert_eq!(february, [("2032-02".to_owned(), json!(s.admin_id), 1, 15_000, 30_000)]);
    let theirs =
        months(s.get(&format!("/api/v1/forecast?from=2032-01&months=3&owner_id={seller}"), &s.admin).await);
    assert!(theirs.iter().all(|m| m.2 == 0), "nothing is the seller's any more: {theirs:?}");
}

async fn send_ecb_file(s: &TestServer, token: &str, text: &str) -> Answer {
    let response = s
        .client
        .post(format!("{}/api/v1/exchange-rates/ecb", s.base_url))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(text.to_owned())
        .send()
        .await
        .expect("the server answers");
    let (status, headers) = (response.status(), response.headers().clone());
    let text = response.text().await.expect("a body");
    Answer { status, headers, body: serde_json::from_str(&text).unwrap_or(Value::String(text)) }
}

async fn the_forecast_converts_other_currencies_at_the_rate_of_their_day(s: TestServer) {
    let sales = pipeline(&s, "Ventes").await;
    for (title, amount, currency, close) in [
        ("Dollars tôt", "1000", "USD", "2031-03-10"),
        ("Dollars tard", "1000", "USD", "2031-03-20"),
        ("Yens", "16000", "JPY", "2031-03-05"),
        ("Francs suisses", "100", "CHF", "2031-03-10"),
    ] {
        let body = json!({"title": title, "amount": amount, "currency": currency, "expected_close_on": close,
                          "stage_id": stage(&sales, 0)});
        assert_eq!(s.post("/api/v1/deals", &s.admin, body).await.status, StatusCode::CREATED);
    }
    let march = "/api/v1/forecast?from=2031-03&months=1";
    assert_eq!(s.get(march, &s.admin).await.body["left_out"], 4, "no rate yet");

    let (_, seller) = s.user(Role::Sales).await;
    let rates = json!({"rates": [
        {"currency": "USD", "on": "2031-03-01", "per_base": "1.25"},
        {"currency": "usd", "on": "2031-03-15", "per_base": "1.6"},
        {"currency": "JPY", "on": "2031-02-27", "per_base": "160"},
    ]});
    let refused = s
        .request(reqwest::Method::PUT, "/api/v1/exchange-rates", Some(&seller), Some(rates.clone()), &[])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let bad = json!({"rates": [{"currency": "EUR", "on": "2031-03-01", "per_base": "1"},
                              {"currency": "USD", "on": "2031-03-01", "per_base": "-2"}]});
    let bad = s.request(reqwest::Method::PUT, "/api/v1/exchange-rates", Some(&s.admin), Some(bad), &[]).await;
    assert_eq!(bad.error_fields(), ["rates[0].currency", "rates[1].per_base"]);
    let set =
        s.request(reqwest::Method::PUT, "/api/v1/exchange-rates", Some(&s.admin), Some(rates), &[]).await;
    assert_eq!((set.status, set.body["written"].as_u64()), (StatusCode::OK, Some(3)), "{:?}", set.body);

    let forecast = s.get(march, &s.admin).await;
    let month = &forecast.body["data"][0];
    assert_eq!(forecast.body["left_out"], 1, "the Swiss francs still have no rate");
    assert_eq!(month["open_deals"], 3);
    // 1000 $ at 1.25 the 10th, 1000 $ at 1.6 the 20th, 16000 ¥ at 160 from February.
    assert_eq!(month["best_case"], 80_000 + 62_500 + 10_000);
    assert_eq!(month["weighted"], 8_000 + 6_250 + 1_000, "10 % of each");

    let file = "Date,USD,CHF,ZZZ,\n2031-03-01,1.25,0.5,N/A,\n";
    assert_eq!(send_ecb_file(&s, &seller, file).await.status, StatusCode::FORBIDDEN);
    let wrong = send_ecb_file(&s, &s.admin, "name,email\nA,a@exemple.fr\n").await;
    assert_eq!(wrong.error_fields(), ["file"]);
    let imported = send_ecb_file(&s, &s.admin, file).await;
    assert_eq!(imported.body["written"], 2, "{:?}", imported.body);
    let converted = s.get(march, &s.admin).await;
    assert_eq!(converted.body["left_out"], 0);
    assert_eq!(converted.body["data"][0]["best_case"], 152_500 + 20_000, "100 CHF at 0.5");

    let listed = s.get("/api/v1/exchange-rates?currency=usd", &seller).await;
    assert_eq!(listed.status, StatusCode::OK, "every role reads them");
    let days: Vec<(&str, &str)> = listed.body["data"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| (r["on"].as_str().unwrap_or(""), r["per_base"].as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(days, [("2031-03-15", "1.6"), ("2031-03-01", "1.25")], "newest first");
    assert_eq!(s.get("/api/v1/exchange-rates?until=soon", &s.admin).await.error_fields(), ["until"]);
}

async fn admins_keep_exchange_rates_from_their_page(s: TestServer) {
    let browser = s.signed_in(ADMIN_EMAIL).await;
    browser.accept_language("fr");
    let empty = browser.get("/settings/exchange-rates").await;
    assert!(empty.contains("Aucun taux de change"), "{}", empty.text);
    let unread = browser
        .post("/settings/exchange-rates", &[("currency", "USD"), ("on", "hier"), ("per_base", "1,1")])
        .await;
    assert_eq!(unread.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unread.contains("Indiquez une devise, un jour et un taux") && unread.contains(r#"value="hier""#));
    let base = browser
        .post("/settings/exchange-rates", &[("currency", "EUR"), ("on", "2031-03-01"), ("per_base", "1")])
        .await;
    assert!(base.contains("est la devise de référence"), "{}", base.text);
    let added = browser
        .post(
            "/settings/exchange-rates",
            &[("currency", "usd"), ("on", "2031-03-01"), ("per_base", "1,0567")],
        )
        .await;
    assert_eq!(added.location(), Some("/settings/exchange-rates?written=1"));
    let file = b"Date,USD,JPY,\n2031-03-02,1.06,161.5,\nhier,1,2,\n";
    let csrf = browser.csrf();
    let refused = browser
        .upload_with("/settings/exchange-rates/file", &[("_csrf", &csrf)], "eurofxref.csv", "text/csv", file)
        .await;
    assert!(refused.contains("Ligne 3 : ne commence pas par un jour"), "{}", refused.text);
    let file = b"Date,USD,JPY,\n2031-03-02,1.06,161.5,\n";
    let csrf = browser.csrf();
    let sent = browser
        .upload_with("/settings/exchange-rates/file", &[("_csrf", &csrf)], "eurofxref.csv", "text/csv", file)
        .await;
    assert_eq!(sent.location(), Some("/settings/exchange-rates?written=2"));
    let shown = browser.get("/settings/exchange-rates?written=2").await;
    assert!(shown.contains("2 taux enregistrés"), "{}", shown.text);
    assert!(
        shown.contains("<th scope=\"row\">USD</th><td>02/03/2031</td><td>1,06</td>")
            && shown.contains("<th scope=\"row\">JPY</th><td>02/03/2031</td><td>161,5</td>"),
        "the latest rate of each currency: {}",
        shown.text
    );
    let (_, seller_email) = s.user_with_password(Role::Sales).await;
    let seller = s.signed_in(&seller_email).await;
    assert_eq!(seller.get("/settings/exchange-rates").await.status, StatusCode::FORBIDDEN);
    let forged = seller
        .post("/settings/exchange-rates", &[("currency", "USD"), ("on", "2031-03-01"), ("per_base", "9")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let kept = s.get("/api/v1/exchange-rates?currency=USD&from=2031-03-01&until=2031-03-02", &s.admin).await;
    assert_eq!(kept.body["data"][0]["per_base"], "1.0567", "the forged rate changed nothing");
}

/// The whole board's totals are kept with every change; one owner's are added up from the
/// deals. With one owner they must agree, whatever happened to the deals.
async fn a_boards_kept_totals_follow_every_change(s: TestServer) {
    let sales = pipeline(&s, "Ventes").await;
    let id = sales["id"].as_str().expect("an id").to_owned();
    let mut deals = vec![];
    for (title, amount, currency, at) in
        [("A", "100.10", "EUR", 0), ("B", "2500", "EUR", 1), ("C", "7", "JPY", 1), ("D", "99.99", "EUR", 2)]
    {
        let created = s
            .post("/api/v1/deals", &s.admin, json!({"title": title, "amount": amount, "currency": currency, "stage_id": stage(&sales, at)}))
            .await;
        deals.push(created.id());
    }
    s.post("/api/v1/deals", &s.admin, json!({"title": "Sans montant"})).await;
    move_to(&s, &s.admin, &deals[0], json!({"stage_id": stage(&sales, 2)})).await;
    s.patch(&format!("/api/v1/deals/{}", deals[1]), &s.admin, json!({"amount": "2600.5", "probability": 33}))
        .await;
    s.patch(&format!("/api/v1/deals/{}", deals[2]), &s.admin, json!({"title": "C renommée"})).await;
    move_to(&s, &s.admin, &deals[3], json!({"stage_id": stage(&sales, 4), "lost_reason": "Prix"})).await;
    s.delete(&format!("/api/v1/deals/{}", deals[2]), &s.admin).await;
    s.post("/api/v1/deals/bulk", &s.admin, json!({"ids": [deals[0]], "action": "delete"})).await;
    let refused = s.patch(&format!("/api/v1/deals/{}", deals[1]), &s.admin, json!({"amount": "1.001"})).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "a refused change leaves the totals alone");

    let rows = |answer: Answer| {
        let mut rows: Vec<(String, Value, i64, i64, i64)> = answer.body["data"]
            .as_array()
            .expect("totals")
            .iter()
            .map(|t| {
                let n = |k: &str| t[k].as_i64().unwrap_or(-1);
                (
                    t["stage_id"].as_str().unwrap_or_default().to_owned(),
                    t["currency"].clone(),
                    n("deals"),
                    n("amount_minor_units"),
                    n("weighted_minor_units"),
                )
            })
            .collect();
        rows.sort_by(|a, b| (&a.0, a.1.to_string()).cmp(&(&b.0, b.1.to_string())));
        rows
    };
    let kept = rows(s.get(&format!("/api/v1/pipelines/{id}/totals"), &s.admin).await);
    let counted =
        rows(s.get(&format!("/api/v1/pipelines/{id}/totals?owner_id={}", s.admin_id), &s.admin).await);
    assert_eq!(kept, counted);
    let eur_b = kept.iter().find(|r| r.0 == stage(&sales, 1) && r.1 == json!("EUR")).cloned();
    assert_eq!(eur_b.map(|r| (r.2, r.3, r.4)), Some((1, 260_050, 85_816)), "33 % of 2600.50, rounded down");
}

/// Many changes at once, half moving deals one way between two rows of the kept totals and
/// half the other way: each takes the rows in the same order, so none waits on another for
/// ever and every one lands.
async fn deals_moving_past_each_other_at_once_all_land(s: TestServer) {
    let sales = pipeline(&s, "Ventes").await;
    let id = sales["id"].as_str().expect("an id").to_owned();
    let (early, late) = ("2033-01-10", "2033-02-10");
    let mut deals = vec![];
    for i in 0..24 {
        let (at, close) = if i % 2 == 0 { (0, early) } else { (1, late) };
        let body = json!({"title": format!("Affaire {i}"), "amount": "100", "currency": "EUR",
                          "expected_close_on": close, "stage_id": stage(&sales, at)});
        let created = s.post("/api/v1/deals", &s.admin, body).await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
        deals.push(created.id());
    }
    let server = &s;
    let moves = deals.iter().enumerate().map(|(i, deal)| {
        let to = stage(&sales, if i % 2 == 0 { 1 } else { 0 });
        async move { move_to(server, &server.admin, deal, json!({"stage_id": to})).await.status }
    });
    let moved = futures_util::future::join_all(moves).await;
    assert!(moved.iter().all(|s| *s == StatusCode::OK), "{moved:?}");
    let changes = deals.iter().enumerate().map(|(i, deal)| {
        let close = if i % 2 == 0 { late } else { early };
        let path = format!("/api/v1/deals/{deal}");
        async move { server.patch(&path, &server.admin, json!({"expected_close_on": close})).await.status }
    });
    let changed = futures_util::future::join_all(changes).await;
    assert!(changed.iter().all(|s| *s == StatusCode::OK), "{changed:?}");

    let totals = s.get(&format!("/api/v1/pipelines/{id}/totals"), &s.admin).await;
    let deals_in = |at: usize| {
        totals.body["data"]
            .as_array()
            .expect("totals")
            .iter()
            .find(|t| t["stage_id"] == json!(stage(&sales, at)))
            .map(|t| t["deals"].clone())
    };
    assert_eq!((deals_in(0), deals_in(1)), (Some(json!(12)), Some(json!(12))));
    let forecast = s.get("/api/v1/forecast?from=2033-01&months=2", &s.admin).await;
    let open: Vec<&Value> =
        forecast.body["data"].as_array().expect("months").iter().map(|m| &m["open_deals"]).collect();
    assert_eq!(open, [&json!(12), &json!(12)]);
}

async fn a_pipeline_report_follows_deals_through_their_stages(s: TestServer) {
    let sales = pipeline(&s, "Ventes").await;
    let id = sales["id"].as_str().expect("an id").to_owned();
    let mut deals = vec![];
    for title in ["A", "B", "C", "D"] {
        deals.push(s.post("/api/v1/deals", &s.admin, json!({"title": title})).await.id());
    }
    for (deal, to) in [(0, 1), (1, 1), (0, 2), (0, 3)] {
        move_to(&s, &s.admin, &deals[deal], json!({"stage_id": stage(&sales, to)})).await;
    }
    move_to(&s, &s.admin, &deals[2], json!({"stage_id": stage(&sales, 4), "lost_reason": "Prix"})).await;
    let this_month = chrono::Utc::now().format("%Y-%m").to_string();
    let report = s.get(&format!("/api/v1/pipelines/{id}/report?from={this_month}&months=1"), &s.admin).await;
    assert_eq!(report.status, StatusCode::OK, "{:?}", report.body);
    let stages = report.body["stages"].as_array().expect("stages").clone();
    let entered: Vec<i64> = stages.iter().filter_map(|st| st["entered"].as_i64()).collect();
    assert_eq!(entered, [4, 2, 1, 1, 1]);
    let conversion: Vec<Value> = stages.iter().map(|st| st["conversion"].clone()).collect();
    assert_eq!(conversion, [json!(0.5), json!(0.5), json!(1.0), Value::Null, Value::Null]);
    let first = stages[0]["average_days_in_stage"].as_f64().expect("three of four moved on");
    assert!((0.0..0.01).contains(&first), "{first}");
    assert_eq!(stages[3]["average_days_in_stage"], Value::Null, "the won deal is still won");
    assert_eq!((report.body["won"].as_i64(), report.body["lost"].as_i64()), (Some(1), Some(1)));
    assert_eq!(report.body["win_rate"], json!(0.5));
    assert!(report.body["average_cycle_days"].as_f64().is_some_and(|d| (0.0..0.01).contains(&d)));

    let (seller, _) = s.user(Role::Sales).await;
    let theirs = s.get(&format!("/api/v1/pipelines/{id}/report?owner_id={seller}"), &s.admin).await;
    assert_eq!(theirs.body["stages"][0]["entered"], 0);
    assert_eq!(
        (theirs.body["win_rate"].clone(), theirs.body["stages"][0]["conversion"].clone()),
        (Value::Null, Value::Null)
    );
    let bad = s.get(&format!("/api/v1/pipelines/{id}/report?from=hier"), &s.admin).await;
    assert_eq!(bad.error_fields(), ["from"]);
}

/// Values of stage entries and closings are in euros: another currency converts at the rate of
/// the day the deal closes, or is left out (and counted) when no rate is known.
async fn a_pipeline_report_adds_up_values_in_the_base_currency(s: TestServer) {
    let sales = pipeline(&s, "Ventes").await;
    let id = sales["id"].as_str().expect("an id").to_owned();
    let rates = json!({"rates": [{"currency": "USD", "on": "2031-03-01", "per_base": "1.25"}]});
    let set =
        s.request(reqwest::Method::PUT, "/api/v1/exchange-rates", Some(&s.admin), Some(rates), &[]).await;
    assert_eq!(set.status, StatusCode::OK, "{:?}", set.body);
    let mut deals = vec![];
    for body in [
        json!({"title": "Euros", "amount": "1000"}),
        json!({"title": "Dollars", "amount": "1000", "currency": "USD", "expected_close_on": "2031-03-10"}),
        json!({"title": "Francs", "amount": "100", "currency": "CHF", "expected_close_on": "2031-03-10"}),
        json!({"title": "Sans montant"}),
    ] {
        let created = s.post("/api/v1/deals", &s.admin, body).await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
        deals.push(created.id());
    }
    move_to(&s, &s.admin, &deals[0], json!({"stage_id": stage(&sales, 1)})).await;
    move_to(&s, &s.admin, &deals[0], json!({"stage_id": stage(&sales, 3)})).await;
    let this_month = chrono::Utc::now().format("%Y-%m").to_string();
    let report = s.get(&format!("/api/v1/pipelines/{id}/report?from={this_month}&months=1"), &s.admin).await;
    assert_eq!(report.status, StatusCode::OK, "{:?}", report.body);
    assert_eq!(report.body["currency"], "EUR");
    let values: Vec<i64> = report.body["stages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|st| st["value"].as_i64())
        .collect();
    // 1000 € and 1000 $ at 1.25 entered the first stage; the euros went on and were won.
    assert_eq!(values, [100_000 + 80_000, 100_000, 0, 100_000, 0]);
    assert_eq!(
        (report.body["won_value"].as_i64(), report.body["lost_value"].as_i64()),
        (Some(100_000), Some(0))
    );
    assert_eq!(report.body["left_out"], 1, "the Swiss francs have no rate");

    let browser = s.signed_in(ADMIN_EMAIL).await;
    browser.accept_language("fr");
    let page = browser.get(&format!("/deals/report?pipeline={id}&from={this_month}&months=1")).await;
    assert!(page.contains("<td class=\"num\">1\u{202f}800,00\u{a0}€</td>"), "{}", page.text);
    assert!(page.contains("1 passage dans une autre devise"), "{}", page.text);
}

/// Each entry into a stage counts at its deal's amount, currency, owner and closing day as they
/// are now, whatever they were when it entered.
async fn a_pipeline_reports_values_follow_each_change_of_the_deal(s: TestServer) {
    let sales = pipeline(&s, "Ventes").await;
    let id = sales["id"].as_str().expect("an id").to_owned();
    let rates = json!({"rates": [{"currency": "USD", "on": "2031-03-01", "per_base": "1.25"},
                                 {"currency": "USD", "on": "2031-04-01", "per_base": "2"}]});
    let set =
        s.request(reqwest::Method::PUT, "/api/v1/exchange-rates", Some(&s.admin), Some(rates), &[]).await;
    assert_eq!(set.status, StatusCode::OK, "{:?}", set.body);
    let body =
        json!({"title": "Dollars", "amount": "1000", "currency": "USD", "expected_close_on": "2031-03-10"});
    let deal = s.post("/api/v1/deals", &s.admin, body).await.id();
    move_to(&s, &s.admin, &deal, json!({"stage_id": stage(&sales, 1)})).await;
    let this_month = chrono::Utc::now().format("%Y-%m").to_string();
    let report = |owner: Option<String>| {
        let mut path = format!("/api/v1/pipelines/{id}/report?from={this_month}&months=1");
        if let Some(owner) = owner {
            path.push_str(&format!("&owner_id={owner}"));
        }
        let s = &s;
        async move {
            let report = s.get(&path, &s.admin).await;
            assert_eq!(report.status, StatusCode::OK, "{:?}", report.body);
            report.body["stages"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|st| (st["entered"].as_i64().unwrap_or(-1), st["value"].as_i64().unwrap_or(-1)))
                .take(2)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(report(None).await, [(1, 80_000), (1, 80_000)], "1000 $ at 1.25");
    let path = format!("/api/v1/deals/{deal}");
    for (change, expected, why) in [
        (json!({"amount": "2000"}), 160_000, "2000 $ at 1.25"),
        (json!({"expected_close_on": "2031-04-10"}), 100_000, "2000 $ at April's 2"),
        (json!({"amount": "500", "currency": "EUR"}), 50_000, "500 €"),
    ] {
        let changed = s.patch(&path, &s.admin, change).await;
        assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
        assert_eq!(report(None).await, [(1, expected), (1, expected)], "{why}");
    }
    let (seller, _) = s.user(Role::Sales).await;
    let reassigned = s.patch(&path, &s.admin, json!({"owner_id": seller})).await;
    assert_eq!(reassigned.status, StatusCode::OK, "{:?}", reassigned.body);
    assert_eq!(report(Some(seller.to_string())).await, [(1, 50_000), (1, 50_000)], "the seller's now");
    assert_eq!(report(Some(s.admin_id.to_string())).await, [(0, 0), (0, 0)], "no longer the admin's");
    s.delete(&path, &s.admin).await;
    assert_eq!(report(None).await, [(0, 0), (0, 0)], "a deleted deal's entries go with it");
}
