use comptoir_domain::users::Role;
use comptoir_testkit::{TestServer, on_both_databases};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_databases!(
    the_team_writes_articles_and_every_version_is_kept,
    articles_are_found_accents_or_not_and_suggested_beside_a_ticket,
    the_help_centre_shows_anyone_the_published_public_articles_only,
);

async fn the_help_centre_shows_anyone_the_published_public_articles_only(s: TestServer) {
    let (_, agent) = s.user(Role::Support).await;
    let mut ids = Vec::new();
    for (title, status, visibility) in [
        ("Réinitialiser l’imprimante", "published", "public"),
        ("Procédure interne de l’imprimante", "published", "internal"),
        ("Imprimante : brouillon", "draft", "public"),
    ] {
        let body = json!({"title": title, "body": "Éteignez-la.\n\nRallumez-la.", "status": status, "visibility": visibility});
        ids.push(s.post("/api/v1/articles", &agent, body).await.id());
    }
    let anyone = s.browser();
    let help = anyone.get("/help?q=imprimante").await;
    assert_eq!(help.status, StatusCode::OK);
    assert!(help.contains("Réinitialiser l’imprimante"), "{}", help.text);
    assert!(!help.contains("Procédure interne") && !help.contains("brouillon"), "{}", help.text);
    assert!(
        anyone.get("/help?q=reinitialiser").await.contains("Réinitialiser l’imprimante"),
        "accents or not"
    );
    let shown = anyone.get(&format!("/help/{}", ids[0])).await;
    assert!(shown.contains("<p>Éteignez-la.</p>") && shown.contains("lang=\"fr\""), "{}", shown.text);
    for hidden in [&ids[1], &ids[2], &"not-an-id".to_owned()] {
        assert_eq!(anyone.get(&format!("/help/{hidden}")).await.status, StatusCode::NOT_FOUND, "{hidden}");
    }

    // Beside a ticket, the public one carries the address a customer can open.
    let mail = json!({"host": "127.0.0.1", "port": 2525, "security": "none", "from_address": "support@exemple.fr",
                      "site_address": "https://crm.exemple.fr"});
    assert!(
        s.request(Method::PUT, "/api/v1/settings/mail", Some(&s.admin), Some(mail), &[])
            .await
            .status
            .is_success()
    );
    let ticket =
        s.post("/api/v1/tickets", &agent, json!({"subject": "Imprimante à réinitialiser"})).await.id();
    let page = s.signed_in(comptoir_testkit::ADMIN_EMAIL).await.get(&format!("/tickets/{ticket}")).await;
    assert!(page.contains(&format!("<code>https://crm.exemple.fr/help/{}</code>", ids[0])), "{}", page.text);
    assert!(!page.contains(&format!("/help/{}", ids[1])), "an internal article has no public address");
}

fn titles(answer: &Value) -> Vec<String> {
    answer["data"]
        .as_array()
        .map(|items| items.iter().filter_map(|a| a["title"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

async fn the_team_writes_articles_and_every_version_is_kept(s: TestServer) {
    let (_, agent) = s.user(Role::Support).await;
    let (_, seller) = s.user(Role::Sales).await;
    let (_, manager) = s.user(Role::Manager).await;
    let article = json!({"title": "Réinitialiser l’imprimante", "body": "Éteignez-la.\n\nAttendez dix secondes.", "category": "Matériel"});
    assert_eq!(s.post("/api/v1/articles", &seller, article.clone()).await.status, StatusCode::FORBIDDEN);
    let refused = s.post("/api/v1/articles", &agent, json!({"body": "Sans titre", "language": "de"})).await;
    assert_eq!(refused.error_fields(), ["title", "language"]);
    let written = s.post("/api/v1/articles", &agent, article).await;
    assert_eq!(written.status, StatusCode::CREATED, "{:?}", written.body);
    assert_eq!(
        (
            written.body["status"].as_str(),
            written.body["visibility"].as_str(),
            written.body["language"].as_str()
        ),
        (Some("draft"), Some("internal"), Some("fr"))
    );
    let id = written.id();
    let path = format!("/api/v1/articles/{id}");
    let published = s.patch(&path, &agent, json!({"status": "published", "visibility": "public"})).await;
    assert_eq!(published.status, StatusCode::OK, "{:?}", published.body);
    assert!(published.body["published_at"].is_string());
    let edited = s.patch(&path, &agent, json!({"body": "Éteignez-la, puis rallumez-la."})).await;
    assert_eq!(edited.body["version"], 3);
    assert_eq!(edited.body["published_at"], published.body["published_at"], "first publication stays");
    let versions = s.get(&format!("{path}/versions"), &s.admin).await;
    let kept: Vec<(i64, String, String)> = versions.body["data"]
        .as_array()
        .expect("versions")
        .iter()
        .map(|v| {
            (
                v["version"].as_i64().unwrap_or_default(),
                v["status"].as_str().unwrap_or_default().to_owned(),
                v["body"].as_str().unwrap_or_default().chars().take(11).collect(),
            )
        })
        .collect();
    assert_eq!(
        kept,
        [
            (3, "published".into(), "Éteignez-la".into()),
            (2, "published".into(), "Éteignez-la".into()),
            (1, "draft".into(), "Éteignez-la".into())
        ]
    );
    assert_eq!(s.events_named("article.created").await, 1);
    assert_eq!(s.events_named("article.updated").await, 2);

    // "Was this helpful?": one answer per reader, which they may change.
    let votes = format!("{path}/votes");
    let vote = |token: String, helpful: bool| {
        let (s, votes) = (&s, votes.clone());
        async move { s.request(Method::PUT, &votes, Some(&token), Some(json!({"helpful": helpful})), &[]).await }
    };
    assert_eq!(vote(agent.clone(), true).await.body, json!({"helpful": 1, "not_helpful": 0}));
    assert_eq!(vote(seller.clone(), false).await.body, json!({"helpful": 1, "not_helpful": 1}));
    assert_eq!(vote(agent.clone(), false).await.body, json!({"helpful": 0, "not_helpful": 2}));
    let wrong = s.request(Method::PUT, &votes, Some(&agent), Some(json!({"helpful": "oui"})), &[]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(s.get(&votes, &s.admin).await.body, json!({"helpful": 0, "not_helpful": 2}));

    // A translation is in the other language, of an article that exists.
    let english = json!({"title": "Reset the printer", "body": "Switch it off.", "language": "en", "translation_of": id});
    let translated = s.post("/api/v1/articles", &agent, english).await;
    assert_eq!(translated.status, StatusCode::CREATED, "{:?}", translated.body);
    let same = json!({"title": "Autre", "body": "Texte", "translation_of": id});
    assert_eq!(s.post("/api/v1/articles", &agent, same).await.error_fields(), ["translation_of"]);
    let nowhere = json!({"title": "Other", "body": "Text", "language": "en", "translation_of": "01900000-0000-7000-8000-000000000000"});
    assert_eq!(s.post("/api/v1/articles", &agent, nowhere).await.error_fields(), ["translation_of"]);
    let translations = s.get(&format!("/api/v1/articles?filter[translation_of]={id}"), &agent).await;
    assert_eq!(titles(&translations.body), ["Reset the printer"]);

    // Support writes; only managers and admins delete.
    assert_eq!(s.request(Method::DELETE, &path, Some(&agent), None, &[]).await.status, StatusCode::FORBIDDEN);
    assert!(s.request(Method::DELETE, &path, Some(&manager), None, &[]).await.status.is_success());
    assert_eq!(s.get(&format!("{path}/versions"), &s.admin).await.status, StatusCode::NOT_FOUND);
    let orphan = s.get(&format!("/api/v1/articles/{}", translated.id()), &agent).await;
    assert_eq!(orphan.body["translation_of"], Value::Null, "the translation stays, on its own");
}

async fn articles_are_found_accents_or_not_and_suggested_beside_a_ticket(s: TestServer) {
    let (_, agent) = s.user(Role::Support).await;
    for (title, body, status) in [
        ("Réinitialiser l’imprimante", "Quand l’imprimante ne répond plus, éteignez-la.", "published"),
        ("Changer le toner", "Le toner de l’imprimante se change par l’avant.", "published"),
        ("Imprimante en réseau", "Brouillon pas encore relu.", "draft"),
        ("Facture en double", "Une facture envoyée deux fois s’annule depuis la fiche.", "published"),
    ] {
        let written =
            s.post("/api/v1/articles", &agent, json!({"title": title, "body": body, "status": status})).await;
        assert_eq!(written.status, StatusCode::CREATED, "{:?}", written.body);
    }
    for query in ["reinitialiser", "Réinitialiser", "REINIT"] {
        let found = s.get(&format!("/api/v1/articles?q={query}"), &agent).await;
        assert_eq!(titles(&found.body), ["Réinitialiser l’imprimante"], "{query}");
    }
    let published = s.get("/api/v1/articles?q=imprimante&filter[status]=published&sort=title", &agent).await;
    assert_eq!(titles(&published.body), ["Changer le toner", "Réinitialiser l’imprimante"]);

    let ticket =
        s.post("/api/v1/tickets", &agent, json!({"subject": "L'imprimante ne répond plus"})).await.id();
    let suggested = s.get(&format!("/api/v1/tickets/{ticket}/suggested-articles"), &agent).await;
    assert_eq!(suggested.status, StatusCode::OK, "{:?}", suggested.body);
    assert_eq!(
        titles(&suggested.body),
        ["Réinitialiser l’imprimante", "Changer le toner"],
        "the one sharing most words first; never a draft"
    );
    let elsewhere = s.post("/api/v1/tickets", &agent, json!({"subject": "Question de livraison"})).await.id();
    let none = s.get(&format!("/api/v1/tickets/{elsewhere}/suggested-articles"), &agent).await;
    assert_eq!(titles(&none.body), Vec::<String>::new());
}
