use comptoir_domain::users::Role;
use comptoir_testkit::{TestServer, on_both_databases};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::HashMap;

on_both_databases!(
    a_team_hands_out_its_tickets_in_turn_to_its_available_members,
    a_ticket_goes_to_the_team_of_its_category_or_of_its_requesters_language,
    only_managers_set_up_teams_and_only_a_member_says_they_are_away,
    a_team_is_set_up_on_its_page_and_a_member_says_there_they_are_away,
    the_report_counts_by_team_and_a_deleted_teams_tickets_count_in_no_team,
    the_waits_the_upgrade_counts_are_those_kept_as_tickets_change,
);

/// Creates `count` tickets of `category` at once, as the admin (who takes none himself), and
/// answers who each went to.
async fn tickets_at_once(s: &TestServer, category: &str, count: usize) -> Vec<Value> {
    let creations = (0..count).map(|n| {
        s.post("/api/v1/tickets", &s.admin, json!({"subject": format!("Demande {n}"), "category": category}))
    });
    let created = futures_util::future::join_all(creations).await;
    created
        .into_iter()
        .map(|answer| {
            assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
            answer.body
        })
        .collect()
}

fn tickets_per_assignee(tickets: &[Value]) -> HashMap<String, usize> {
    let mut per = HashMap::new();
    for ticket in tickets {
        *per.entry(ticket["assignee_id"].as_str().unwrap_or("nobody").to_owned()).or_default() += 1;
    }
    per
}

async fn a_team_hands_out_its_tickets_in_turn_to_its_available_members(s: TestServer) {
    let mut agents = Vec::new();
    for _ in 0..3 {
        agents.push(s.user(Role::Support).await);
    }
    let members: Vec<Value> = agents.iter().map(|(id, _)| json!({"user_id": id})).collect();
    let team = s
        .post(
            "/api/v1/teams",
            &s.admin,
            json!({"name": "Support N1", "members": members, "categories": ["Panne"]}),
        )
        .await;
    assert_eq!(team.status, StatusCode::CREATED, "{:?}", team.body);
    assert_eq!(team.body["assignment"], "round_robin");
    let team_id = team.id();

    // Six tickets arriving together: two each, never two at once to the same member.
    let first = tickets_at_once(&s, "panne", 6).await;
    assert!(first.iter().all(|t| t["team_id"] == json!(team_id) && t["team"]["name"] == "Support N1"));
    let per = tickets_per_assignee(&first);
    assert_eq!(per.len(), 3, "{per:?}");
    assert!(per.values().all(|n| *n == 2), "{per:?}");
    assert_eq!(s.events_named("ticket.assigned").await, 6);

    // One member away, another no longer a user who signs in: the third takes them all.
    let (away_id, away) = &agents[0];
    let said =
        s.post(&format!("/api/v1/teams/{team_id}/availability"), away, json!({"available": false})).await;
    assert_eq!(said.status, StatusCode::OK, "{:?}", said.body);
    assert_eq!(said.body["members"][0], json!({"user_id": away_id, "available": false}));
    let (gone, _) = &agents[1];
    let deactivated = s.patch(&format!("/api/v1/users/{gone}"), &s.admin, json!({"active": false})).await;
    assert_eq!(deactivated.status, StatusCode::OK, "{:?}", deactivated.body);
    let second = tickets_at_once(&s, "Panne", 2).await;
    let per = tickets_per_assignee(&second);
    assert_eq!(per.get(&agents[2].0.to_string()), Some(&2), "{per:?}");

    // Nobody left to take them: they wait in the team's queue.
    let said = s
        .post(&format!("/api/v1/teams/{team_id}/availability"), &agents[2].1, json!({"available": false}))
        .await;
    assert_eq!(said.status, StatusCode::OK);
    let waiting = tickets_at_once(&s, "Panne", 1).await;
    assert_eq!(waiting[0]["assignee_id"], Value::Null);
    let queue = s
        .get(
            &format!("/api/v1/tickets?filter[team_id]={team_id}&filter[assignee_id][is-empty]=true"),
            &s.admin,
        )
        .await;
    assert_eq!(queue.status, StatusCode::OK, "{:?}", queue.body);
    assert_eq!(queue.body["data"].as_array().map(Vec::len), Some(1));

    // Someone named keeps the ticket: the rotation only fills in nobody.
    let named = s
        .post(
            "/api/v1/tickets",
            &s.admin,
            json!({"subject": "Pour Claire", "category": "Panne", "assignee_id": away_id}),
        )
        .await;
    assert_eq!(named.body["assignee_id"], json!(away_id));

    // A team deleted leaves its tickets, in no team.
    let deleted = s.delete(&format!("/api/v1/teams/{team_id}"), &s.admin).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let kept =
        s.get(&format!("/api/v1/tickets/{}", first[0]["id"].as_str().unwrap_or_default()), &s.admin).await;
    assert_eq!((kept.body["team_id"].clone(), kept.body["team"].clone()), (Value::Null, Value::Null));
}

async fn a_ticket_goes_to_the_team_of_its_category_or_of_its_requesters_language(s: TestServer) {
    let (agent, _) = s.user(Role::Support).await;
    let billing = s
        .post(
            "/api/v1/teams",
            &s.admin,
            json!({"name": "Facturation", "categories": ["Facture", "Remboursement"], "members": [{"user_id": agent}]}),
        )
        .await
        .id();
    let english = s
        .post(
            "/api/v1/teams",
            &s.admin,
            json!({"name": "English desk", "languages": ["en"], "assignment": "manual", "members": [{"user_id": agent}]}),
        )
        .await;
    assert_eq!(english.status, StatusCode::CREATED, "{:?}", english.body);
    let english = english.id();
    let clash = s.post("/api/v1/teams", &s.admin, json!({"name": "Compta", "categories": ["facture"]})).await;
    assert_eq!(clash.error_fields(), ["categories"]);

    let john = s
        .post(
            "/api/v1/contacts",
            &s.admin,
            json!({"first_name": "John", "last_name": "Smith", "language": "en"}),
        )
        .await
        .id();
    let open = |category: Option<&str>| {
        let mut body = json!({"subject": "Help", "contact_id": john});
        if let Some(category) = category {
            body["category"] = json!(category);
        }
        s.post("/api/v1/tickets", &s.admin, body)
    };
    let by_category = open(Some("Facture")).await;
    assert_eq!(by_category.body["team_id"], json!(billing));
    assert_eq!(by_category.body["assignee_id"], json!(agent), "the billing team hands out in turn");
    let by_language = open(Some("Livraison")).await;
    assert_eq!(by_language.body["team_id"], json!(english));
    assert_eq!(by_language.body["assignee_id"], Value::Null, "the English desk leaves them in its queue");
    let by_language = open(None).await;
    assert_eq!(by_language.body["team_id"], json!(english));

    // A team named by whoever records it is theirs to choose; one that does not exist is refused.
    let chosen = s
        .post("/api/v1/tickets", &s.admin, json!({"subject": "Help", "contact_id": john, "team_id": billing}))
        .await;
    assert_eq!(chosen.body["team_id"], json!(billing));
    let wrong = s
        .post(
            "/api/v1/tickets",
            &s.admin,
            json!({"subject": "Help", "team_id": "00000000-0000-7000-8000-000000000000"}),
        )
        .await;
    assert_eq!(wrong.error_fields(), ["team_id"]);
    // Moving a ticket to another team is a change like any other.
    let moved =
        s.patch(&format!("/api/v1/tickets/{}", chosen.id()), &s.admin, json!({"team_id": english})).await;
    assert_eq!(moved.body["team"]["name"], "English desk", "{:?}", moved.body);
    assert_eq!(moved.body["assignee_id"], json!(agent), "moved, it keeps whoever has it");
    // Waiting in the English desk's queue for nobody, moved to a team that hands out in turn.
    let waiting = by_language.id();
    let handed = s.patch(&format!("/api/v1/tickets/{waiting}"), &s.admin, json!({"team_id": billing})).await;
    assert_eq!(
        (handed.body["team_id"].clone(), handed.body["assignee_id"].clone()),
        (json!(billing), json!(agent))
    );
}

async fn only_managers_set_up_teams_and_only_a_member_says_they_are_away(s: TestServer) {
    let (member, member_token) = s.user(Role::Support).await;
    let (_, outsider) = s.user(Role::Support).await;
    let (_, manager) = s.user(Role::Manager).await;
    let (reader, _) = s.user(Role::Readonly).await;
    let team = json!({"name": "Support", "members": [{"user_id": member}]});
    assert_eq!(s.post("/api/v1/teams", &member_token, team.clone()).await.status, StatusCode::FORBIDDEN);
    let created = s.post("/api/v1/teams", &manager, team).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let id = created.id();
    let patch = json!({"name": "Support N1"});
    assert_eq!(
        s.patch(&format!("/api/v1/teams/{id}"), &member_token, patch.clone()).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(s.delete(&format!("/api/v1/teams/{id}"), &member_token).await.status, StatusCode::FORBIDDEN);
    let away = json!({"available": false});
    let path = format!("/api/v1/teams/{id}/availability");
    assert_eq!(s.post(&path, &outsider, away.clone()).await.status, StatusCode::FORBIDDEN);
    assert_eq!(s.post(&path, &member_token, away).await.status, StatusCode::OK);
    assert_eq!(s.get(&format!("/api/v1/teams/{id}"), &outsider).await.body["members"][0]["available"], false);

    let refused = s
        .patch(
            &format!("/api/v1/teams/{id}"),
            &manager,
            json!({"members": [{"user_id": member}, {"user_id": member}], "languages": ["english"]}),
        )
        .await;
    assert_eq!(refused.error_fields(), ["members", "languages"]);
    let reader_in =
        s.patch(&format!("/api/v1/teams/{id}"), &manager, json!({"members": [{"user_id": reader}]})).await;
    assert_eq!(reader_in.error_fields(), ["members"]);
    let renamed = s.patch(&format!("/api/v1/teams/{id}"), &manager, patch).await;
    assert_eq!(renamed.status, StatusCode::OK);
    assert_eq!(renamed.body["members"][0]["available"], false, "a change keeps what the member said");
    assert_eq!(s.events_named("team.updated").await, 2);
}

async fn a_team_is_set_up_on_its_page_and_a_member_says_there_they_are_away(s: TestServer) {
    let (_, manager) = s.user_with_password(Role::Manager).await;
    let (agent, agent_email) = s.user_with_password(Role::Support).await;
    let (other, _) = s.user_with_password(Role::Support).await;
    let (agent, other) = (agent.to_string(), other.to_string());
    let browser = s.signed_in(&manager).await;
    browser.accept_language("fr");
    let page = browser.get("/teams").await;
    assert!(page.contains("Nouvelle équipe") && page.contains("Aucune équipe"), "{}", page.text);
    let fields = [
        ("name", "Support N1"),
        ("assignment", "round_robin"),
        ("lead_id", ""),
        ("members", agent.as_str()),
        ("members", other.as_str()),
        ("categories", "Panne, Livraison"),
        ("languages", ""),
    ];
    let created = browser.post("/teams", &fields).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text);
    let listed = browser.get("/teams").await;
    assert!(listed.contains("Support N1") && listed.contains("Panne, Livraison"), "{}", listed.text);
    // A language that is no code, then the same category twice (it would go nowhere): each
    // refused, in French, with what was typed kept.
    let wrong = browser.post("/teams", &[("name", "Logistique"), ("languages", "anglais")]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.contains("doit être des codes de deux lettres") && wrong.contains(r#"value="anglais""#));
    let clash = browser.post("/teams", &[("name", "Logistique"), ("categories", "livraison")]).await;
    assert_eq!(clash.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        clash.contains("l’une d’elles va déjà à une autre équipe") && clash.contains(r#"value="Logistique""#),
        "{}",
        clash.text
    );

    // The member says they are away from the list; the team shows it.
    let member = s.signed_in(&agent_email).await;
    let listed = member.get("/teams").await;
    assert!(listed.contains("I am away") && !listed.contains("New team"), "{}", listed.text);
    let team = s.get("/api/v1/teams", &s.admin).await.body["data"][0].clone();
    let (id, version) = (team["id"].as_str().unwrap_or_default(), team["version"].to_string());
    let away = member
        .post(&format!("/teams/{id}/availability"), &[("available", "false"), ("version", version.as_str())])
        .await;
    assert_eq!(away.status, StatusCode::SEE_OTHER, "{}", away.text);
    assert!(member.get("/teams").await.contains("I am back"));
    assert_eq!(s.get(&format!("/api/v1/teams/{id}"), &s.admin).await.body["members"][0]["available"], false);

    // A ticket's form offers the teams, and its page names its team.
    let form = browser.get("/tickets/new").await;
    assert!(form.contains(r#"name="team_id""#) && form.contains(">Support N1</option>"), "{}", form.text);
    let ticket =
        s.post("/api/v1/tickets", &s.admin, json!({"subject": "Écran noir", "category": "panne"})).await;
    assert_eq!(ticket.body["assignee_id"], json!(other), "the member who is away is passed by");
    let shown = browser.get(&format!("/tickets/{}", ticket.id())).await;
    assert!(shown.contains("Support N1"), "{}", shown.text);

    // Deleted from its page, after confirming; its tickets stay.
    let edit = browser.get(&format!("/teams/{id}")).await;
    assert!(edit.contains("Supprimer cette équipe ?"), "{}", edit.text);
    let version = s.get(&format!("/api/v1/teams/{id}"), &s.admin).await.body["version"].to_string();
    let deleted = browser.post(&format!("/teams/{id}/delete"), &[("version", version.as_str())]).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.text);
    assert_eq!(s.get(&format!("/api/v1/teams/{id}"), &s.admin).await.status, StatusCode::NOT_FOUND);
    assert_eq!(s.get(&format!("/api/v1/tickets/{}", ticket.id()), &s.admin).await.status, StatusCode::OK);
}

/// The report's row of `group` (`None`: no team), grouped by team.
async fn by_team(s: &TestServer, group: Option<&str>) -> Option<Value> {
    let report = s.get("/api/v1/tickets/report?by=team", &s.admin).await;
    assert_eq!(report.status, StatusCode::OK, "{:?}", report.body);
    let groups = report.body["groups"].as_array().cloned().unwrap_or_default();
    groups.into_iter().find(|row| row["group"].as_str() == group)
}

async fn the_report_counts_by_team_and_a_deleted_teams_tickets_count_in_no_team(s: TestServer) {
    let (agent, _) = s.user(Role::Support).await;
    let team = s
        .post(
            "/api/v1/teams",
            &s.admin,
            json!({"name": "Support N1", "members": [{"user_id": agent}], "categories": ["Panne"]}),
        )
        .await
        .id();
    let ours = tickets_at_once(&s, "Panne", 2).await;
    tickets_at_once(&s, "Livraison", 1).await;
    let row = by_team(&s, Some(&team)).await.expect("the team's row");
    assert_eq!((row["opened"].as_i64(), row["unresolved"].as_i64()), (Some(2), Some(2)));
    assert_eq!(by_team(&s, None).await.and_then(|row| row["opened"].as_i64()), Some(1));
    let page = s.signed_in(comptoir_testkit::ADMIN_EMAIL).await.get("/tickets/report?by=team").await;
    assert!(page.contains("Support N1") && page.contains("No team"), "{}", page.text);

    // Deleted, the team's tickets count in no team, and their later changes move counts from there.
    assert_eq!(s.delete(&format!("/api/v1/teams/{team}"), &s.admin).await.status, StatusCode::NO_CONTENT);
    assert_eq!(by_team(&s, Some(&team)).await, None);
    let id = ours[0]["id"].as_str().unwrap_or_default();
    let solved = s.patch(&format!("/api/v1/tickets/{id}"), &s.admin, json!({"status": "solved"})).await;
    assert_eq!(solved.status, StatusCode::OK, "{:?}", solved.body);
    let row = by_team(&s, None).await.expect("no team's row");
    let counts = ["opened", "solved", "unresolved"].map(|key| row[key].as_i64());
    assert_eq!(counts, [Some(3), Some(1), Some(2)], "{row:?}");
    let report = s.get("/api/v1/tickets/report?by=team", &s.admin).await;
    assert_eq!(report.body["groups"].as_array().map(Vec::len), Some(1), "{:?}", report.body);
}

/// The upgrade that introduced the waits' bands counted them for the tickets already there;
/// run again over today's tickets, it must find what was kept as they changed.
async fn the_waits_the_upgrade_counts_are_those_kept_as_tickets_change(s: TestServer) {
    let (agent, token) = s.user(Role::Support).await;
    let team = json!({"name": "Support N1", "members": [{"user_id": agent}], "categories": ["Panne"]});
    assert_eq!(s.post("/api/v1/teams", &s.admin, team).await.status, StatusCode::CREATED);
    let ours = tickets_at_once(&s, "Panne", 2).await;
    let nobodys = tickets_at_once(&s, "Livraison", 2).await;
    for ticket in [&ours[0], &nobodys[0]] {
        let id = ticket["id"].as_str().unwrap_or_default();
        let answered =
            s.post(&format!("/api/v1/tickets/{id}/messages"), &token, json!({"body": "Voilà"})).await;
        assert_eq!(answered.status, StatusCode::CREATED, "{:?}", answered.body);
        let solved = s.patch(&format!("/api/v1/tickets/{id}"), &token, json!({"status": "solved"})).await;
        assert_eq!(solved.status, StatusCode::OK, "{:?}", solved.body);
    }
    let merged = s
        .post(
            &format!("/api/v1/tickets/{}/merge", ours[1]["id"].as_str().unwrap_or_default()),
            &s.admin,
            json!({"into": ours[0]["id"]}),
        )
        .await;
    assert_eq!(merged.status, StatusCode::OK, "{:?}", merged.body);
    let report = async || {
        let mut rows = Vec::new();
        for by in ["team", "assignee"] {
            let answer = s.get(&format!("/api/v1/tickets/report?by={by}"), &s.admin).await;
            rows.push((answer.body["total"].clone(), answer.body["groups"].clone()));
        }
        rows
    };
    let kept = report().await;
    assert_eq!(kept[0].0["first_response_waits"][0], 2, "{:?}", kept[0].0);
    const FORGOTTEN: &str = "first_response_w0 = 0, first_response_w1 = 0, first_response_w2 = 0, first_response_w3 = 0, first_response_w4 = 0, first_response_w5 = 0, first_response_w6 = 0, first_response_w7 = 0, first_response_w8 = 0, first_response_w9 = 0, first_response_w10 = 0, first_response_w11 = 0, first_response_w12 = 0, first_response_w13 = 0, resolution_w0 = 0, resolution_w1 = 0, resolution_w2 = 0, resolution_w3 = 0, resolution_w4 = 0, resolution_w5 = 0, resolution_w6 = 0, resolution_w7 = 0, resolution_w8 = 0, resolution_w9 = 0, resolution_w10 = 0, resolution_w11 = 0, resolution_w12 = 0, resolution_w13 = 0";
    let upgrade = |migration: &str| {
        let start = migration.find("UPDATE ticket_month_totals").expect("the counting");
        format!("UPDATE ticket_month_totals SET {FORGOTTEN};\n{}", &migration[start..])
    };
    s.execute_sql(
        &upgrade(include_str!("../../../comptoir-store/migrations/sqlite/0031_service_waits.sql")),
        &upgrade(include_str!("../../../comptoir-store/migrations/postgres/0031_service_waits.sql")),
    )
    .await;
    assert_eq!(report().await, kept);
}
