use comptoir_domain::users::Role;
use comptoir_testkit::{ADMIN_EMAIL, Answer, TestServer, on_both_databases};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    a_ticket_is_numbered_answered_solved_reopened_and_closed,
    a_tickets_conversation_is_on_its_requesters_and_companys_timelines,
    agents_take_tickets_nobody_has_and_change_only_their_own,
    queues_are_filtered_lists_and_tickets_take_custom_fields_and_bulk_changes,
    merging_a_requester_moves_their_tickets,
    deadlines_follow_the_service_levels_and_a_missed_one_is_recorded_once,
    each_later_message_of_the_requester_waits_for_an_answer_by_its_own_deadline,
    a_ticket_late_moves_up_one_priority_when_the_levels_say_so,
    a_policy_names_the_service_tier_of_the_tickets_company,
    the_service_report_counts_deadlines_first_contact_resolutions_and_reopenings,
    a_ticket_asked_twice_is_merged_into_the_other_with_its_conversation,
    a_message_asking_something_else_is_split_into_a_ticket_of_its_own,
    a_ticket_names_the_order_or_the_deal_it_is_about,
    a_contact_a_company_and_a_deal_list_their_newest_tickets,
);

/// A contact at a company, and both ids.
async fn requester(s: &TestServer) -> (String, String) {
    let company = s.post("/api/v1/companies", &s.admin, json!({"name": "Imprimerie Lenoir"})).await.id();
    let contact = s
        .post(
            "/api/v1/contacts",
            &s.admin,
            json!({"first_name": "Hélène", "last_name": "Lenoir", "emails": ["helene@lenoir.fr"], "company_id": company}),
        )
        .await
        .id();
    (contact, company)
}

async fn message(s: &TestServer, token: &str, ticket: &str, body: Value) -> Answer {
    s.post(&format!("/api/v1/tickets/{ticket}/messages"), token, body).await
}

async fn a_ticket_is_numbered_answered_solved_reopened_and_closed(s: TestServer) {
    let (contact, company) = requester(&s).await;
    let created = s
        .post(
            "/api/v1/tickets",
            &s.admin,
            json!({"subject": "L’imprimante n’imprime plus", "contact_id": contact, "channel": "phone"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let ticket = created.id();
    let body = &created.body;
    assert_eq!((body["number"].as_i64(), body["reference"].as_str()), (Some(1), Some("T-000001")));
    assert_eq!(body["company_id"], json!(company), "the requester's company");
    assert_eq!(body["contact"]["name"], "Hélène Lenoir");
    assert_eq!(body["requester_email"], "helene@lenoir.fr");
    assert_eq!((body["status"].as_str(), body["priority"].as_str()), (Some("new"), Some("normal")));
    assert_eq!(body["assignee_id"], Value::Null, "an admin's ticket waits in the team's queue");
    let second = s.post("/api/v1/tickets", &s.admin, json!({"subject": "Facture en double"})).await;
    assert_eq!(second.body["reference"], "T-000002");

    let answered =
        message(&s, &s.admin, &ticket, json!({"body": "Pouvez-vous redémarrer l’imprimante ?"})).await;
    assert_eq!(answered.status, StatusCode::CREATED, "{:?}", answered.body);
    let t = &answered.body["ticket"];
    assert_eq!(t["status"], "open", "an answer opens a new ticket");
    assert_eq!(t["assignee_id"], json!(s.admin_id), "whoever answers a ticket nobody had takes it");
    assert_eq!(t["public_replies"], 1);
    let first_response = t["first_response_at"].clone();
    assert!(first_response.is_string());
    let activity = &answered.body["activity"];
    assert_eq!(
        (activity["kind"].as_str(), activity["direction"].as_str()),
        (Some("email"), Some("outbound"))
    );
    assert_eq!(activity["ticket_id"], json!(ticket));
    assert_eq!(activity["subject"], "[T-000001] L’imprimante n’imprime plus");

    let noted = message(&s, &s.admin, &ticket, json!({"body": "Modèle ancien", "internal": true})).await;
    assert_eq!(noted.body["activity"]["kind"], "note");
    assert_eq!(noted.body["ticket"]["version"], t["version"], "a note leaves the ticket as it was");
    let again =
        message(&s, &s.admin, &ticket, json!({"body": "Et maintenant ?", "status": "pending_customer"}))
            .await;
    assert_eq!(again.body["ticket"]["status"], "pending_customer");
    assert_eq!(again.body["ticket"]["public_replies"], 2);
    assert_eq!(again.body["ticket"]["first_response_at"], first_response, "the first answer stays the first");

    let url = format!("/api/v1/tickets/{ticket}");
    let solved = s.patch(&url, &s.admin, json!({"status": "solved"})).await;
    assert!(solved.body["solved_at"].is_string(), "{:?}", solved.body);
    let reply =
        message(&s, &s.admin, &ticket, json!({"body": "Ça recommence", "from_requester": true})).await;
    assert_eq!(reply.body["activity"]["direction"], "inbound");
    let t = &reply.body["ticket"];
    assert_eq!((t["status"].as_str(), t["reopened"].as_i64()), (Some("open"), Some(1)));
    assert_eq!(t["solved_at"], Value::Null);
    let back_to_new = s.patch(&url, &s.admin, json!({"status": "new"})).await;
    assert_eq!(back_to_new.error_fields(), ["status"]);

    let closed = s.patch(&url, &s.admin, json!({"status": "closed"})).await;
    assert!(closed.body["closed_at"].is_string() && closed.body["solved_at"].is_string());
    let reopened = s.patch(&url, &s.admin, json!({"status": "open"})).await;
    assert_eq!(reopened.error_fields(), ["status"]);
    let late = message(&s, &s.admin, &ticket, json!({"body": "Encore moi", "from_requester": true})).await;
    assert_eq!(late.error_fields(), ["body"]);
    let unchanged = s.get(&url, &s.admin).await;
    assert_eq!(unchanged.body["version"], closed.body["version"], "a refused message changes nothing");
    let timeline = s.get(&format!("{url}/timeline"), &s.admin).await;
    assert_eq!(timeline.body["data"].as_array().map(Vec::len), Some(4), "the refused message is not kept");
    let note = message(&s, &s.admin, &ticket, json!({"body": "Pour mémoire", "internal": true})).await;
    assert_eq!(note.status, StatusCode::CREATED, "the team may still write notes on a closed ticket");

    let empty = message(&s, &s.admin, &ticket, json!({"body": "  "})).await;
    assert_eq!(empty.error_fields(), ["body"]);
    let both =
        message(&s, &s.admin, &ticket, json!({"body": "x", "internal": true, "from_requester": true})).await;
    assert_eq!(both.error_fields(), ["internal"]);
    let stale = s
        .request(
            reqwest::Method::POST,
            &format!("{url}/messages"),
            Some(&s.admin),
            Some(json!({"body": "Note", "internal": true})),
            &[("If-Match", "\"1\"")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    let nameless = s.post("/api/v1/tickets", &s.admin, json!({"priority": "critical"})).await;
    assert_eq!(nameless.error_fields(), ["priority"]);
    let subjectless = s.post("/api/v1/tickets", &s.admin, json!({"priority": "urgent"})).await;
    assert_eq!(subjectless.error_fields(), ["subject"]);
    let nobody = s
        .post("/api/v1/tickets", &s.admin, json!({"subject": "x", "contact_id": uuid::Uuid::now_v7()}))
        .await;
    assert_eq!(nobody.error_fields(), ["contact_id"]);
}

async fn a_tickets_conversation_is_on_its_requesters_and_companys_timelines(s: TestServer) {
    let (contact, company) = requester(&s).await;
    let ticket =
        s.post("/api/v1/tickets", &s.admin, json!({"subject": "Toner", "contact_id": contact})).await.id();
    let answered = message(&s, &s.admin, &ticket, json!({"body": "Envoyé ce matin"})).await;
    let activity = answered.body["activity"]["id"].clone();
    for path in [format!("tickets/{ticket}"), format!("contacts/{contact}"), format!("companies/{company}")] {
        let timeline = s.get(&format!("/api/v1/{path}/timeline"), &s.admin).await;
        assert_eq!(timeline.body["data"][0]["id"], activity, "{path}");
    }
    // A call logged on the ticket from the activities API belongs to its conversation too.
    let call = s.post("/api/v1/activities", &s.admin, json!({"kind": "call", "ticket_id": ticket})).await;
    assert_eq!(call.status, StatusCode::CREATED, "{:?}", call.body);
    assert_eq!(call.body["contact_id"], json!(contact), "the ticket's requester");
    let timeline = s.get(&format!("/api/v1/tickets/{ticket}/timeline"), &s.admin).await;
    assert_eq!(timeline.body["data"][0]["id"], json!(call.id()));
    let unknown = s
        .post("/api/v1/activities", &s.admin, json!({"kind": "call", "ticket_id": uuid::Uuid::now_v7()}))
        .await;
    assert_eq!(unknown.error_fields(), ["ticket_id"]);

    let deleted = s.delete(&format!("/api/v1/tickets/{ticket}"), &s.admin).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let kept = s.get(&format!("/api/v1/activities/{}", call.id()), &s.admin).await;
    assert_eq!(kept.body["ticket_id"], Value::Null, "what was said stays on the requester's timeline");
    assert_eq!(kept.body["contact_id"], json!(contact));
    let gone = s.get(&format!("/api/v1/tickets/{ticket}/timeline"), &s.admin).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

async fn agents_take_tickets_nobody_has_and_change_only_their_own(s: TestServer) {
    let (agent, agent_token) = s.user(Role::Support).await;
    let (other, other_token) = s.user(Role::Support).await;
    let (_, readonly) = s.user(Role::Readonly).await;
    let own = s.post("/api/v1/tickets", &agent_token, json!({"subject": "Pris au téléphone"})).await;
    assert_eq!(own.body["assignee_id"], json!(agent), "an agent's ticket is theirs");
    let queued = s.post("/api/v1/tickets", &s.admin, json!({"subject": "En file"})).await.id();
    let queued_url = format!("/api/v1/tickets/{queued}");

    let taken = s.patch(&queued_url, &agent_token, json!({"assignee_id": agent})).await;
    assert_eq!(taken.status, StatusCode::OK, "{:?}", taken.body);
    let snatched = s.patch(&queued_url, &other_token, json!({"assignee_id": other})).await;
    assert_eq!(snatched.status, StatusCode::FORBIDDEN, "a colleague's ticket is theirs");
    let answered = message(&s, &other_token, &queued, json!({"body": "Je m’en occupe"})).await;
    assert_eq!(answered.status, StatusCode::FORBIDDEN);
    let noted =
        message(&s, &other_token, &queued, json!({"body": "Déjà vu chez un autre client", "internal": true}))
            .await;
    assert_eq!(noted.status, StatusCode::CREATED, "anyone who writes may leave a note");
    let given = s.patch(&queued_url, &agent_token, json!({"assignee_id": other})).await;
    assert_eq!(given.status, StatusCode::FORBIDDEN, "only managers hand tickets to someone else");
    let dropped = s.patch(&queued_url, &agent_token, json!({"assignee_id": null})).await;
    assert_eq!(dropped.status, StatusCode::FORBIDDEN);
    let removed = s.delete(&queued_url, &other_token).await;
    assert_eq!(removed.status, StatusCode::FORBIDDEN);

    let team = s.post("/api/v1/tickets", &s.admin, json!({"subject": "Pour qui veut"})).await.id();
    let took = message(&s, &other_token, &team, json!({"body": "Bonjour, je regarde"})).await;
    assert_eq!(took.body["ticket"]["assignee_id"], json!(other), "answering a queued ticket takes it");

    let read_only = s.post("/api/v1/tickets", &readonly, json!({"subject": "Non"})).await;
    assert_eq!(read_only.status, StatusCode::FORBIDDEN);
    let read_only_note = message(&s, &readonly, &team, json!({"body": "Non", "internal": true})).await;
    assert_eq!(read_only_note.status, StatusCode::FORBIDDEN);
    let seen = s.get(&queued_url, &readonly).await;
    assert_eq!(seen.body["assignee_id"], json!(agent), "every role reads every ticket");
}

async fn queues_are_filtered_lists_and_tickets_take_custom_fields_and_bulk_changes(s: TestServer) {
    let (agent, agent_token) = s.user(Role::Support).await;
    let field = s
        .post(
            "/api/v1/custom-fields",
            &s.admin,
            json!({"object_type": "ticket", "key": "serial", "label": "N° de série", "field_type": "text"}),
        )
        .await;
    assert_eq!(field.status, StatusCode::CREATED, "{:?}", field.body);
    let mut ids = vec![];
    for (subject, priority) in [("Écran noir", "urgent"), ("Clavier", "low"), ("Souris", "normal")] {
        let created = s
            .post(
                "/api/v1/tickets",
                &agent_token,
                json!({"subject": subject, "priority": priority, "custom_fields": {"serial": format!("SN-{subject}")}}),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
        ids.push(created.id());
    }
    s.patch(&format!("/api/v1/tickets/{}", ids[1]), &agent_token, json!({"status": "solved"})).await;
    let queue = s
        .get(
            &format!(
                "/api/v1/tickets?filter[assignee_id]={agent}&filter[status][in]=new,open&sort=created_at"
            ),
            &s.admin,
        )
        .await;
    let subjects: Vec<&str> =
        queue.body["data"].as_array().expect("a page").iter().filter_map(|t| t["subject"].as_str()).collect();
    assert_eq!(subjects, ["Écran noir", "Souris"], "{:?}", queue.body);
    let urgent = s.get("/api/v1/tickets?filter[priority]=urgent", &s.admin).await;
    assert_eq!(urgent.body["data"][0]["custom_fields"]["serial"], "SN-Écran noir");
    let found = s.get("/api/v1/tickets?q=ecran", &s.admin).await;
    assert_eq!(found.body["data"].as_array().map(Vec::len), Some(1), "accent-blind search on the subject");
    let by_reference = s.get("/api/v1/tickets?q=T-000002", &s.admin).await;
    assert_eq!(by_reference.body["data"][0]["subject"], "Clavier", "{:?}", by_reference.body);
    assert_eq!(by_reference.body["data"].as_array().map(Vec::len), Some(1));
    let typed_short = s.get("/api/v1/tickets?q=t2", &s.admin).await;
    assert_eq!(typed_short.body["data"][0]["subject"], "Clavier");
    let bad = s.get("/api/v1/tickets?filter[mood]=happy", &s.admin).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    let tagged = s
        .post("/api/v1/tickets/bulk", &agent_token, json!({"ids": ids, "action": "tag", "tag": "matériel"}))
        .await;
    assert_eq!(tagged.status, StatusCode::OK, "{:?}", tagged.body);
    let with_tag = s.get("/api/v1/tickets?filter[tags]=matériel", &s.admin).await;
    assert_eq!(with_tag.body["data"].as_array().map(Vec::len), Some(3), "{:?}", with_tag.body);
    let csv = s
        .request(
            reqwest::Method::GET,
            "/api/v1/tickets?sort=number",
            Some(&s.admin),
            None,
            &[("accept", "text/csv")],
        )
        .await;
    let text = csv.body.as_str().unwrap_or_default().to_owned();
    assert!(text.starts_with("id,number,subject,status,priority"), "{text}");
    assert_eq!(text.lines().count(), 4, "a header and three tickets");
}

async fn merging_a_requester_moves_their_tickets(s: TestServer) {
    let keep =
        s.post("/api/v1/contacts", &s.admin, json!({"first_name": "Paul", "last_name": "Martin"})).await.id();
    let twin =
        s.post("/api/v1/contacts", &s.admin, json!({"first_name": "Paul", "last_name": "Martin"})).await.id();
    let ticket =
        s.post("/api/v1/tickets", &s.admin, json!({"subject": "Livraison", "contact_id": twin})).await.id();
    let merged = s.post("/api/v1/merges", &s.admin, json!({"survivor_id": keep, "merged_id": twin})).await;
    assert_eq!(merged.status, StatusCode::CREATED, "{:?}", merged.body);
    let moved = s.get(&format!("/api/v1/tickets/{ticket}"), &s.admin).await;
    assert_eq!(moved.body["contact_id"], json!(keep));
    let undone = s.post(&format!("/api/v1/merges/{}/undo", merged.id()), &s.admin, json!({})).await;
    assert_eq!(undone.status, StatusCode::OK, "{:?}", undone.body);
    let back = s.get(&format!("/api/v1/tickets/{ticket}"), &s.admin).await;
    assert_eq!(back.body["contact_id"], json!(twin));
}

/// Service levels open all the time, in UTC, with `policies`.
pub fn round_the_clock(policies: Value) -> Value {
    let hours: serde_json::Map<String, Value> =
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
            .iter()
            .map(|d| ((*d).to_owned(), json!(["00:00-24:00"])))
            .collect();
    json!({
        "business_hours": {"time_zone": "Etc/UTC", "hours": hours, "public_holidays": "none"},
        "policies": policies
    })
}

fn instant(value: &Value) -> chrono::DateTime<chrono::Utc> {
    value.as_str().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("an instant: {value}"))
}

async fn deadlines_follow_the_service_levels_and_a_missed_one_is_recorded_once(s: TestServer) {
    let defaults = s.get("/api/v1/settings/service-levels", &s.admin).await;
    assert_eq!(defaults.header("etag"), Some("\"0\""));
    assert_eq!(defaults.body["business_hours"]["time_zone"], "Europe/Paris");
    assert_eq!(defaults.body["policies"].as_array().map(Vec::len), Some(4));
    let (_, agent) = s.user(Role::Support).await;
    let levels = round_the_clock(json!([{"name": "Pannes urgentes", "priorities": ["urgent"],
        "categories": ["panne"], "first_response_minutes": 60, "resolution_minutes": 600}]));
    let put = |token: String, body: Value| {
        let s = &s;
        async move {
            s.request(reqwest::Method::PUT, "/api/v1/settings/service-levels", Some(&token), Some(body), &[])
                .await
        }
    };
    assert_eq!(put(agent.clone(), levels.clone()).await.status, StatusCode::FORBIDDEN);
    let mut wrong = levels.clone();
    wrong["business_hours"]["time_zone"] = json!("Mars/Olympus");
    wrong["business_hours"]["hours"]["monday"] = json!(["9h-18h"]);
    let refused = put(s.admin.clone(), wrong).await;
    assert_eq!(refused.error_fields(), ["business_hours.time_zone", "business_hours.hours.monday[0]"]);
    let set = put(s.admin.clone(), levels).await;
    assert_eq!(set.status, StatusCode::OK, "{:?}", set.body);
    assert_eq!(set.header("etag"), Some("\"1\""));

    let urgent = s
        .post(
            "/api/v1/tickets",
            &s.admin,
            json!({"subject": "Serveur arrêté", "priority": "urgent", "category": "Panne"}),
        )
        .await;
    let sla = &urgent.body["sla"];
    assert_eq!(sla["policy"], "Pannes urgentes");
    let created = instant(&urgent.body["created_at"]);
    assert_eq!(instant(&sla["first_response_due_at"]) - created, chrono::Duration::minutes(60));
    assert_eq!(instant(&sla["resolution_due_at"]) - created, chrono::Duration::minutes(600));
    let other =
        s.post("/api/v1/tickets", &s.admin, json!({"subject": "Question", "category": "Panne"})).await;
    assert_eq!(other.body["sla"]["policy"], Value::Null, "no policy names a normal ticket");
    assert_eq!(other.body["sla"]["first_response_due_at"], Value::Null);

    let url = format!("/api/v1/tickets/{}", urgent.id());
    let waiting = s.patch(&url, &s.admin, json!({"status": "pending_customer"})).await;
    assert_eq!(waiting.body["sla"]["resolution_due_at"], Value::Null, "the clock stops");
    assert!(waiting.body["sla"]["paused_at"].is_string());
    let back = s.patch(&url, &s.admin, json!({"status": "open"})).await;
    let resumed = instant(&back.body["sla"]["resolution_due_at"]);
    assert!(resumed >= instant(&sla["resolution_due_at"]), "the time waiting moves it on");
    assert_eq!(back.body["sla"]["paused_at"], Value::Null);

    // Two servers look for missed deadlines two hours on: the first answer's is recorded once.
    let later = created + chrono::Duration::hours(2);
    let (a, b) = tokio::join!(s.app.watch_deadlines(later), s.app.watch_deadlines(later));
    assert_eq!(a.expect("a pass").missed + b.expect("a pass").missed, 1);
    assert_eq!(s.app.watch_deadlines(later).await.expect("a pass").missed, 0, "never twice");
    assert_eq!(s.events_named("ticket.sla_breached").await, 1);
    let missed = s.get(&url, &s.admin).await;
    assert!(missed.body["sla"]["first_response_breached_at"].is_string(), "{:?}", missed.body);
    assert_eq!(missed.body["sla"]["resolution_breached_at"], Value::Null);
    assert_eq!(missed.body["version"].as_i64(), back.body["version"].as_i64().map(|v| v + 1));
    let stale = s
        .request(
            reqwest::Method::PATCH,
            &url,
            Some(&s.admin),
            Some(json!({"priority": "high"})),
            &[("If-Match", &format!("\"{}\"", back.body["version"]))],
        )
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED, "an edit read before the record is refused");
    let overdue = s.get("/api/v1/tickets?filter[first_response_breached_at][is-empty]=false", &s.admin).await;
    assert_eq!(overdue.body["data"].as_array().map(Vec::len), Some(1));

    // Answered in time, then left open past its resolution deadline.
    let late = s
        .post(
            "/api/v1/tickets",
            &s.admin,
            json!({"subject": "Lent", "priority": "urgent", "category": "panne"}),
        )
        .await;
    let answered = message(&s, &s.admin, &late.id(), json!({"body": "Vu"})).await;
    assert_eq!(answered.body["ticket"]["sla"]["first_response_breached_at"], Value::Null, "answered in time");
    let far = instant(&late.body["created_at"]) + chrono::Duration::hours(11);
    assert_eq!(
        s.app.watch_deadlines(far).await.expect("a pass").missed,
        2,
        "the first ticket's and this one's resolutions"
    );
    assert_eq!(s.events_named("ticket.sla_breached").await, 3);
}

async fn each_later_message_of_the_requester_waits_for_an_answer_by_its_own_deadline(s: TestServer) {
    let levels = round_the_clock(json!([{"name": "Tous", "first_response_minutes": 60,
        "next_response_minutes": 30, "resolution_minutes": 6000}]));
    let set = s
        .request(reqwest::Method::PUT, "/api/v1/settings/service-levels", Some(&s.admin), Some(levels), &[])
        .await;
    assert_eq!(set.status, StatusCode::OK, "{:?}", set.body);
    let (_, token) = s.user(Role::Support).await;
    let id = s.post("/api/v1/tickets", &token, json!({"subject": "Facture fausse"})).await.id();
    let url = format!("/api/v1/tickets/{id}");
    let ask = |body: &'static str| {
        let (s, id) = (&s, id.clone());
        async move { message(s, &s.admin, &id, json!({"body": body, "from_requester": true})).await }
    };
    let answer = |body: &'static str| {
        let (s, token, id) = (&s, token.clone(), id.clone());
        async move { message(s, &token, &id, json!({"body": body})).await }
    };
    let before_any_answer = ask("J'ajoute une pièce").await;
    assert_eq!(before_any_answer.body["ticket"]["sla"]["next_response_due_at"], Value::Null);
    answer("Nous regardons").await;

    let asked = ask("Et alors ?").await;
    let ticket = &asked.body["ticket"];
    let since = instant(&ticket["awaiting_reply_since"]);
    assert_eq!(instant(&ticket["sla"]["next_response_due_at"]) - since, chrono::Duration::minutes(30));
    let again = ask("Toujours rien").await;
    let (_, email) = s.user_with_password(Role::Support).await;
    let agent = s.signed_in(&email).await;
    agent.accept_language("en");
    assert!(agent.get(&format!("/tickets/{id}")).await.contains("answer due"));
    assert_eq!(again.body["ticket"]["sla"]["next_response_due_at"], ticket["sla"]["next_response_due_at"]);
    let soon = chrono::Utc::now() + chrono::Duration::minutes(10);
    assert_eq!(s.app.watch_deadlines(soon).await.expect("a pass").at_risk, 1, "warned of it");
    assert_eq!(s.app.watch_deadlines(soon).await.expect("a pass").at_risk, 0, "once");
    let on_time = answer("Corrigée").await;
    let ticket = &on_time.body["ticket"];
    assert_eq!(
        (ticket["next_responses_met"].as_i64(), ticket["next_responses_missed"].as_i64()),
        (Some(1), Some(0))
    );
    assert_eq!(ticket["sla"]["next_response_due_at"], Value::Null);
    assert_eq!(ticket["awaiting_reply_since"], Value::Null);

    ask("Elle ne l'est pas").await;
    let soon = chrono::Utc::now() + chrono::Duration::minutes(10);
    assert_eq!(s.app.watch_deadlines(soon).await.expect("a pass").at_risk, 1, "a new wait is warned of anew");
    // Two servers look an hour on: the late answer is recorded once.
    let later = chrono::Utc::now() + chrono::Duration::hours(1);
    let (a, b) = tokio::join!(s.app.watch_deadlines(later), s.app.watch_deadlines(later));
    assert_eq!(a.expect("a pass").missed + b.expect("a pass").missed, 1);
    assert_eq!(s.app.watch_deadlines(later).await.expect("a pass").missed, 0, "never twice");
    assert_eq!(s.events_named("ticket.sla_breached").await, 1);
    let late = s.get(&url, &s.admin).await;
    assert!(late.body["sla"]["next_response_breached_at"].is_string(), "{:?}", late.body);
    let (_, email) = s.user_with_password(Role::Manager).await;
    let manager = s.signed_in(&email).await;
    manager.accept_language("fr");
    let page = manager.get(&format!("/tickets/{id}")).await;
    assert!(
        page.contains("réponse en retard") && !page.contains("première réponse en retard"),
        "{}",
        page.text
    );
    assert_eq!(late.body["next_responses_missed"], 1);
    let overdue = s.get("/api/v1/tickets?filter[next_response_breached_at][is-empty]=false", &s.admin).await;
    assert_eq!(overdue.body["data"].as_array().map(Vec::len), Some(1));
    let answered = answer("Pardon, c'est fait").await;
    let ticket = &answered.body["ticket"];
    assert_eq!(ticket["sla"]["next_response_breached_at"], Value::Null, "the next wait starts clean");
    assert_eq!(
        (ticket["next_responses_met"].as_i64(), ticket["next_responses_missed"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(s.events_named("ticket.sla_breached").await, 1, "the late answer was already recorded");

    let report = s.get("/api/v1/tickets/report", &s.admin).await;
    let total = &report.body["total"];
    assert_eq!(
        (total["next_response_met"].as_i64(), total["next_response_missed"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(total["next_response_compliance"].as_f64(), Some(0.5));

    ask("Et la suivante ?").await;
    let answered_and_solved =
        message(&s, &token, &id, json!({"body": "Corrigée aussi", "status": "solved"})).await;
    let ticket = &answered_and_solved.body["ticket"];
    assert_eq!(ticket["status"], "solved");
    assert_eq!(ticket["next_responses_met"], 2, "an answer that solves still answers");

    ask("Merci").await;
    let solved = s.patch(&url, &token, json!({"status": "solved"})).await;
    assert_eq!(solved.body["sla"]["next_response_due_at"], Value::Null, "a solved ticket owes no answer");
    assert_eq!(solved.body["awaiting_reply_since"], Value::Null);
}

async fn a_ticket_late_moves_up_one_priority_when_the_levels_say_so(s: TestServer) {
    let mut levels =
        round_the_clock(json!([{"name": "Tous", "first_response_minutes": 60, "resolution_minutes": 600}]));
    levels["raise_priority_when_missed"] = json!(true);
    let set = s
        .request(reqwest::Method::PUT, "/api/v1/settings/service-levels", Some(&s.admin), Some(levels), &[])
        .await;
    assert_eq!(set.status, StatusCode::OK, "{:?}", set.body);
    let created = s.post("/api/v1/tickets", &s.admin, json!({"subject": "Lent", "priority": "low"})).await;
    let url = format!("/api/v1/tickets/{}", created.id());
    let done = s.post("/api/v1/tickets", &s.admin, json!({"subject": "Réglé", "priority": "low"})).await;
    s.patch(&format!("/api/v1/tickets/{}", done.id()), &s.admin, json!({"status": "solved"})).await;

    let later = chrono::Utc::now() + chrono::Duration::hours(2);
    assert_eq!(s.app.watch_deadlines(later).await.expect("a pass").missed, 2);
    let raised = s.get(&url, &s.admin).await;
    assert_eq!(raised.body["priority"], "normal", "{:?}", raised.body);
    assert_eq!(raised.body["version"].as_i64(), created.body["version"].as_i64().map(|v| v + 2));
    let solved = s.get(&format!("/api/v1/tickets/{}", done.id()), &s.admin).await;
    assert_eq!(solved.body["priority"], "low", "a solved ticket is past hurrying");
    assert_eq!(s.app.watch_deadlines(later).await.expect("a pass").missed, 0);
    assert_eq!(s.get(&url, &s.admin).await.body["priority"], "normal", "once per deadline");
    let report = s.get("/api/v1/tickets/report?by=priority", &s.admin).await;
    let opened: Vec<(String, i64)> = report.body["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .filter(|g| g["opened"].as_i64() != Some(0))
        .map(|g| {
            (g["group"].as_str().unwrap_or_default().to_owned(), g["opened"].as_i64().unwrap_or_default())
        })
        .collect();
    assert_eq!(opened, [("low".to_owned(), 1), ("normal".to_owned(), 1)], "its counts moved with it");

    let far = chrono::Utc::now() + chrono::Duration::hours(11);
    assert_eq!(s.app.watch_deadlines(far).await.expect("a pass").missed, 1, "its resolution");
    assert_eq!(s.get(&url, &s.admin).await.body["priority"], "high");
}

async fn a_policy_names_the_service_tier_of_the_tickets_company(s: TestServer) {
    let mut levels = round_the_clock(json!([
        {"name": "Premium", "service_tiers": ["premium"], "first_response_minutes": 30},
        {"name": "Tous", "first_response_minutes": 60, "resolution_minutes": 600}]));
    levels["raise_priority_when_missed"] = json!(true);
    let set = s
        .request(reqwest::Method::PUT, "/api/v1/settings/service-levels", Some(&s.admin), Some(levels), &[])
        .await;
    assert_eq!(set.status, StatusCode::OK, "{:?}", set.body);
    let too_long =
        s.post("/api/v1/companies", &s.admin, json!({"name": "X", "service_tier": "x".repeat(51)})).await;
    assert_eq!(too_long.error_fields(), ["service_tier"]);
    let company =
        s.post("/api/v1/companies", &s.admin, json!({"name": "Acier SA", "service_tier": " Premium "})).await;
    assert_eq!(company.body["service_tier"], "Premium");
    let premium =
        s.post("/api/v1/tickets", &s.admin, json!({"subject": "Presse", "company_id": company.id()})).await;
    let sla = &premium.body["sla"];
    assert_eq!(sla["policy"], "Premium");
    let created = instant(&premium.body["created_at"]);
    assert_eq!(instant(&sla["first_response_due_at"]) - created, chrono::Duration::minutes(30));
    let other = s.post("/api/v1/tickets", &s.admin, json!({"subject": "Presse"})).await;
    assert_eq!(other.body["sla"]["policy"], "Tous", "no company, no tier");
    let listed = s.get("/api/v1/companies?filter[service_tier]=Premium", &s.admin).await;
    assert_eq!(listed.body["data"].as_array().map(Vec::len), Some(1));

    // Raised when late, the ticket keeps its company's policy.
    let later = created + chrono::Duration::minutes(45);
    assert_eq!(s.app.watch_deadlines(later).await.expect("a pass").missed, 1);
    let raised = s.get(&format!("/api/v1/tickets/{}", premium.id()), &s.admin).await;
    assert_eq!(
        (raised.body["priority"].as_str(), raised.body["sla"]["policy"].as_str()),
        (Some("high"), Some("Premium"))
    );

    // The company no longer premium: its ticket's next change follows.
    let company_url = format!("/api/v1/companies/{}", company.id());
    s.patch(&company_url, &s.admin, json!({"service_tier": "Standard"})).await;
    let changed = s
        .patch(&format!("/api/v1/tickets/{}", premium.id()), &s.admin, json!({"category": "Machines"}))
        .await;
    assert_eq!(changed.body["sla"]["policy"], "Tous", "{:?}", changed.body);
}

async fn the_service_report_counts_deadlines_first_contact_resolutions_and_reopenings(s: TestServer) {
    let levels =
        round_the_clock(json!([{"name": "Tous", "first_response_minutes": 60, "resolution_minutes": 600}]));
    let set = s
        .request(reqwest::Method::PUT, "/api/v1/settings/service-levels", Some(&s.admin), Some(levels), &[])
        .await;
    assert_eq!(set.status, StatusCode::OK, "{:?}", set.body);
    let (agent, token) = s.user(Role::Support).await;
    let mut ids = vec![];
    for (subject, channel) in [("Un", "phone"), ("Deux", "email"), ("Trois", "email"), ("Quatre", "email")] {
        ids.push(
            s.post("/api/v1/tickets", &token, json!({"subject": subject, "channel": channel})).await.id(),
        );
    }
    let solve = |id: String| {
        let (s, token) = (&s, token.clone());
        async move { s.patch(&format!("/api/v1/tickets/{id}"), &token, json!({"status": "solved"})).await }
    };
    // Solved at the first answer.
    message(&s, &token, &ids[0], json!({"body": "Voilà"})).await;
    solve(ids[0].clone()).await;
    // Two answers.
    message(&s, &token, &ids[1], json!({"body": "Une question"})).await;
    message(&s, &token, &ids[1], json!({"body": "Voilà"})).await;
    solve(ids[1].clone()).await;
    // Never answered: its first answer's deadline passes.
    // Solved, opened again by the requester, solved again.
    message(&s, &token, &ids[3], json!({"body": "Voilà"})).await;
    solve(ids[3].clone()).await;
    message(&s, &token, &ids[3], json!({"body": "Non", "from_requester": true})).await;
    solve(ids[3].clone()).await;
    s.app.watch_deadlines(chrono::Utc::now() + chrono::Duration::hours(2)).await.expect("a pass");

    let report = s.get("/api/v1/tickets/report?by=channel", &s.admin).await;
    assert_eq!(report.status, StatusCode::OK, "{:?}", report.body);
    let total = &report.body["total"];
    assert_eq!(
        (total["opened"].as_i64(), total["solved"].as_i64(), total["unresolved"].as_i64()),
        (Some(4), Some(3), Some(1))
    );
    assert_eq!(
        (total["first_response_met"].as_i64(), total["first_response_missed"].as_i64()),
        (Some(3), Some(1))
    );
    assert_eq!(total["first_response_compliance"].as_f64(), Some(0.75));
    assert_eq!(total["resolution_met"].as_i64(), Some(3));
    assert_eq!(total["first_contact_resolutions"].as_i64(), Some(1));
    assert_eq!(total["first_contact_resolution_rate"].as_f64(), Some(1.0 / 3.0));
    assert_eq!((total["reopened"].as_i64(), total["reopen_rate"].as_f64()), (Some(1), Some(1.0 / 3.0)));
    assert!(total["mean_first_response_seconds"].as_f64().is_some_and(|m| (0.0..60.0).contains(&m)));
    assert_eq!(
        (total["first_response_waits"][0].as_i64(), total["resolution_waits"][0].as_i64()),
        (Some(3), Some(3))
    );
    assert!(total["median_first_response_seconds"].as_f64().is_some_and(|m| (0.0..=300.0).contains(&m)));
    assert!(total["median_resolution_seconds"].as_f64().is_some_and(|m| (0.0..=300.0).contains(&m)));
    let groups: Vec<(String, i64)> = report.body["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| {
            (g["group"].as_str().unwrap_or_default().to_owned(), g["opened"].as_i64().unwrap_or_default())
        })
        .collect();
    assert_eq!(groups, [("email".to_owned(), 3), ("phone".to_owned(), 1)]);
    let by_agent = s.get("/api/v1/tickets/report?by=assignee", &s.admin).await;
    assert_eq!(by_agent.body["groups"][0]["group"], json!(agent));
    assert_eq!(by_agent.body["groups"][0]["first_contact_resolutions"], 1);
    let last_year = s.get("/api/v1/tickets/report?from=2020-01&months=12", &s.admin).await;
    assert_eq!(last_year.body["total"]["opened"], 0);
    assert_eq!(last_year.body["total"]["first_contact_resolution_rate"], Value::Null, "nothing to divide");
    let wrong = s.get("/api/v1/tickets/report?by=mood", &s.admin).await;
    assert_eq!(wrong.error_fields(), ["by"]);

    // The counts are kept as tickets change: handed to someone else, they count for them;
    // deleted, they count no more.
    let (colleague, _) = s.user(Role::Support).await;
    let handed =
        s.patch(&format!("/api/v1/tickets/{}", ids[2]), &s.admin, json!({"assignee_id": colleague})).await;
    assert_eq!(handed.status, StatusCode::OK, "{:?}", handed.body);
    let deleted = s
        .request(reqwest::Method::DELETE, &format!("/api/v1/tickets/{}", ids[1]), Some(&s.admin), None, &[])
        .await;
    assert!(deleted.status.is_success(), "{:?}", deleted.body);
    let by_agent = s.get("/api/v1/tickets/report?by=assignee", &s.admin).await;
    let opened: Vec<(String, i64, i64)> = by_agent.body["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| {
            let count = |key: &str| g[key].as_i64().unwrap_or_default();
            (
                g["group"].as_str().unwrap_or_default().to_owned(),
                count("opened"),
                count("first_response_missed"),
            )
        })
        .collect();
    let mut expected = vec![(agent.0.to_string(), 2, 0), (colleague.0.to_string(), 1, 1)];
    expected.sort();
    let mut opened = opened;
    opened.sort();
    assert_eq!(opened, expected);
    let total = &by_agent.body["total"];
    assert_eq!((total["opened"].as_i64(), total["solved"].as_i64()), (Some(3), Some(2)));
    let backlog: Vec<i64> = by_agent.body["backlog"]
        .as_array()
        .expect("bands")
        .iter()
        .filter_map(|b| b["tickets"].as_i64())
        .collect();
    assert_eq!(backlog, [1, 0, 0, 0, 0], "the one ticket waiting, opened today");
    assert_eq!(last_year.body["backlog"][0]["tickets"], 1, "whatever the period");
    assert_eq!(total["first_response_met"].as_i64(), Some(2));

    // The backlog is kept too: a requester's answer opens a solved ticket again, a deleted
    // ticket waits no more, a solved one neither.
    message(&s, &token, &ids[0], json!({"body": "Encore", "from_requester": true})).await;
    assert_eq!(waiting(&s).await, 2, "reopened");
    s.request(reqwest::Method::DELETE, &format!("/api/v1/tickets/{}", ids[2]), Some(&s.admin), None, &[])
        .await;
    assert_eq!(waiting(&s).await, 1, "deleted");
    solve(ids[0].clone()).await;
    assert_eq!(waiting(&s).await, 0, "solved");
}

/// The tickets the service report says are waiting, of any age.
async fn waiting(s: &TestServer) -> i64 {
    let report = s.get("/api/v1/tickets/report", &s.admin).await;
    report.body["backlog"].as_array().expect("bands").iter().filter_map(|b| b["tickets"].as_i64()).sum()
}

async fn a_ticket_asked_twice_is_merged_into_the_other_with_its_conversation(s: TestServer) {
    let (contact, _) = requester(&s).await;
    let open = |subject: &'static str| {
        let s = &s;
        let contact = contact.clone();
        async move {
            s.post("/api/v1/tickets", &s.admin, json!({"subject": subject, "contact_id": contact})).await
        }
    };
    let kept = open("Imprimante en panne").await;
    let twice = open("Imprimante toujours en panne").await;
    let (kept_id, twice_id) = (kept.id(), twice.id());
    message(&s, &s.admin, &twice_id, json!({"body": "Elle clignote en rouge", "from_requester": true})).await;
    message(&s, &s.admin, &twice_id, json!({"body": "Client pressé", "internal": true})).await;
    let report_before = s.get("/api/v1/tickets/report", &s.admin).await;
    assert_eq!(report_before.body["total"]["opened"], 2);

    let merge = |from: String, into: Value| {
        let s = &s;
        async move { s.post(&format!("/api/v1/tickets/{from}/merge"), &s.admin, json!({"into": into})).await }
    };
    assert_eq!(merge(twice_id.clone(), json!(twice_id)).await.error_fields(), ["into"], "not into itself");
    assert_eq!(merge(twice_id.clone(), json!("T-999999")).await.error_fields(), ["into"]);
    let stranger = s.post("/api/v1/contacts", &s.admin, json!({"last_name": "Autre"})).await.id();
    let theirs =
        s.post("/api/v1/tickets", &s.admin, json!({"subject": "Autre", "contact_id": stranger})).await;
    assert_eq!(
        merge(twice_id.clone(), json!(theirs.id())).await.error_fields(),
        ["into"],
        "another requester's"
    );
    let (_, reader) = s.user(Role::Readonly).await;
    let refused =
        s.post(&format!("/api/v1/tickets/{twice_id}/merge"), &reader, json!({"into": kept_id})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let reference = kept.body["reference"].as_str().expect("a reference").to_owned();
    let merged = merge(twice_id.clone(), json!(reference)).await;
    assert_eq!(merged.status, StatusCode::OK, "{:?}", merged.body);
    assert_eq!(merged.body["moved"].as_array().map(Vec::len), Some(2));
    let closed = s.get(&format!("/api/v1/tickets/{twice_id}"), &s.admin).await;
    assert_eq!(
        (closed.body["status"].as_str(), closed.body["merged_into_id"].as_str()),
        (Some("closed"), Some(kept_id.as_str()))
    );
    assert_eq!(s.events_named("ticket.merged").await, 1);
    let conversation = s.get(&format!("/api/v1/tickets/{kept_id}/timeline"), &s.admin).await;
    let bodies: Vec<&str> = conversation.body["data"]
        .as_array()
        .expect("activities")
        .iter()
        .filter_map(|a| a["body"].as_str())
        .collect();
    assert!(bodies.contains(&"Elle clignote en rouge") && bodies.contains(&"Client pressé"), "{bodies:?}");
    let left = s.get(&format!("/api/v1/tickets/{twice_id}/timeline"), &s.admin).await;
    assert_eq!(left.body["data"], json!([]));
    let report = s.get("/api/v1/tickets/report", &s.admin).await;
    assert_eq!(
        report.body["total"]["opened"], 2,
        "one request asked twice counts once, beside the stranger's"
    );
    assert_eq!(report.body["total"]["solved"], 0, "merged is not solved");
    assert_eq!(merge(twice_id.clone(), json!(kept_id)).await.error_fields(), ["status"], "merged once");

    let page = s.signed_in(comptoir_testkit::ADMIN_EMAIL).await;
    let shown = page.get(&format!("/tickets/{twice_id}")).await;
    assert!(shown.contains(&format!("Merged into {reference}")), "{}", shown.text);
    let third = open("Encore l’imprimante").await.id();
    page.get(&format!("/tickets/{third}")).await;
    let version = "1".to_owned();
    let moved =
        page.post(&format!("/tickets/{third}/merge"), &[("into", &reference), ("version", &version)]).await;
    assert_eq!(moved.location(), Some(format!("/tickets/{kept_id}#timeline").as_str()), "{}", moved.text);

    // The ticket they joined deleted, the merged ones still count for nothing, also when changed.
    let opened = |report: Answer| report.body["total"]["opened"].as_i64();
    assert_eq!(opened(s.get("/api/v1/tickets/report", &s.admin).await), Some(2));
    assert_eq!(
        s.delete(&format!("/api/v1/tickets/{kept_id}"), &s.admin).await.status,
        StatusCode::NO_CONTENT
    );
    let tagged =
        s.patch(&format!("/api/v1/tickets/{twice_id}"), &s.admin, json!({"tags": ["doublon"]})).await;
    assert_eq!(tagged.body["merged_into_id"], json!(kept_id), "{:?}", tagged.body);
    assert_eq!(opened(s.get("/api/v1/tickets/report", &s.admin).await), Some(1), "the stranger's alone");
    assert!(page.get(&format!("/tickets/{twice_id}")).await.contains("Merged into —"));
}

async fn a_message_asking_something_else_is_split_into_a_ticket_of_its_own(s: TestServer) {
    let (contact, company) = requester(&s).await;
    let body =
        json!({"subject": "Imprimante", "contact_id": contact, "priority": "high", "category": "Matériel"});
    let first = s.post("/api/v1/tickets", &s.admin, body).await.id();
    let said =
        message(&s, &s.admin, &first, json!({"body": "Et ma facture de mars ?", "from_requester": true}))
            .await;
    let activity = said.body["activity"]["id"].as_str().expect("the message").to_owned();
    let other =
        s.post("/api/v1/tickets", &s.admin, json!({"subject": "Autre", "contact_id": contact})).await.id();

    let split = |from: String, body: Value| {
        let s = &s;
        async move { s.post(&format!("/api/v1/tickets/{from}/split"), &s.admin, body).await }
    };
    assert_eq!(split(other.clone(), json!({"activity_id": activity})).await.error_fields(), ["activity_id"]);
    assert_eq!(split(first.clone(), json!({})).await.error_fields(), ["activity_id"]);
    let (_, reader) = s.user(Role::Readonly).await;
    let refused =
        s.post(&format!("/api/v1/tickets/{first}/split"), &reader, json!({"activity_id": activity})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let done = split(first.clone(), json!({"activity_id": activity, "subject": "Facture de mars"})).await;
    assert_eq!(done.status, StatusCode::CREATED, "{:?}", done.body);
    let new = &done.body["ticket"];
    assert_eq!(
        (new["subject"].as_str(), new["contact_id"].as_str(), new["company_id"].as_str()),
        (Some("Facture de mars"), Some(contact.as_str()), Some(company.as_str()))
    );
    assert_eq!((new["priority"].as_str(), new["category"].as_str()), (Some("high"), Some("Matériel")));
    let new_id = new["id"].as_str().expect("an id").to_owned();
    let moved = s.get(&format!("/api/v1/tickets/{new_id}/timeline"), &s.admin).await;
    assert_eq!(moved.body["data"][0]["id"], json!(activity));
    let left = s.get(&format!("/api/v1/tickets/{first}/timeline"), &s.admin).await;
    assert_eq!(left.body["data"], json!([]));
    assert_eq!(s.events_named("ticket.created").await, 3);

    // From the ticket's page: the message chosen, the new ticket shown.
    let again = message(&s, &s.admin, &first, json!({"body": "Et le toner ?", "from_requester": true})).await;
    let toner = again.body["activity"]["id"].as_str().expect("the message").to_owned();
    let page = s.signed_in(comptoir_testkit::ADMIN_EMAIL).await;
    let shown = page.get(&format!("/tickets/{first}")).await;
    assert!(shown.contains(&format!("<option value=\"{toner}\">")), "{}", shown.text);
    let split_page =
        page.post(&format!("/tickets/{first}/split"), &[("activity_id", &toner), ("subject", "")]).await;
    let location = split_page.location().unwrap_or_default().to_owned();
    assert!(
        location.starts_with("/tickets/") && !location.contains(&first),
        "{location}: {}",
        split_page.text
    );
}

async fn a_ticket_names_the_order_or_the_deal_it_is_about(s: TestServer) {
    let (contact, company) = requester(&s).await;
    super::deals::pipeline(&s, "Ventes").await;
    let line = json!([{"description": "Imprimante", "unit_price": "900", "vat_rate": "20"}]);
    let order = s.post("/api/v1/orders", &s.admin, json!({"company_id": company, "lines": line})).await;
    assert_eq!(order.status, StatusCode::CREATED, "{:?}", order.body);
    let number = order.body["number"].as_str().unwrap_or_default().to_owned();
    let deal = s.post("/api/v1/deals", &s.admin, json!({"title": "Renouvellement du parc"})).await.id();
    let about = json!({"subject": "Livraison incomplète", "contact_id": contact, "order_id": order.id(), "deal_id": deal});
    let ticket = s.post("/api/v1/tickets", &s.admin, about).await;
    assert_eq!(ticket.status, StatusCode::CREATED, "{:?}", ticket.body);
    assert_eq!(ticket.body["order"], json!({"id": order.id(), "number": number}));
    assert_eq!(ticket.body["deal"]["title"], "Renouvellement du parc");
    let id = ticket.id();
    let listed = s.get(&format!("/api/v1/tickets?filter[order_id]={}", order.id()), &s.admin).await;
    assert_eq!(listed.body["data"].as_array().map(Vec::len), Some(1), "{:?}", listed.body);
    let wrong = s
        .post("/api/v1/tickets", &s.admin, json!({"subject": "x", "order_id": deal, "deal_id": order.id()}))
        .await;
    assert_eq!(wrong.error_fields(), ["order_id", "deal_id"]);

    // On the ticket's page, the order is typed by its number and both are links.
    let browser = s.signed_in(comptoir_testkit::ADMIN_EMAIL).await;
    let page = browser.get(&format!("/tickets/{id}")).await;
    assert!(
        page.contains(&format!(r#"href="/orders/{}""#, order.id()))
            && page.contains(&format!(r#"href="/deals/{deal}""#))
    );
    let plain = browser.get(&format!("/tickets/{id}/edit")).await;
    assert!(plain.contains(&format!(r#"value="{number}""#)), "{}", plain.text);
    let unknown =
        browser.post_htmx(&format!("/tickets/{id}/fields/order"), &[("order", "C-1999-0001")]).await;
    assert!(unknown.contains("no order has this number"), "{}", unknown.text);
    let cleared = browser.post_htmx(&format!("/tickets/{id}/fields/order"), &[("order", "")]).await;
    assert!(cleared.status.is_success(), "{}", cleared.text);
    assert_eq!(s.get(&format!("/api/v1/tickets/{id}"), &s.admin).await.body["order"], Value::Null);
    let typed =
        browser.post_htmx(&format!("/tickets/{id}/fields/order"), &[("order", &number.to_lowercase())]).await;
    assert!(typed.status.is_success(), "{}", typed.text);
    assert_eq!(s.get(&format!("/api/v1/tickets/{id}"), &s.admin).await.body["order_id"], json!(order.id()));

    // Deleted, the deal leaves the ticket, about nothing in particular.
    assert_eq!(s.delete(&format!("/api/v1/deals/{deal}"), &s.admin).await.status, StatusCode::NO_CONTENT);
    let kept = s.get(&format!("/api/v1/tickets/{id}"), &s.admin).await;
    assert_eq!((kept.body["deal_id"].clone(), kept.body["deal"].clone()), (Value::Null, Value::Null));
}

/// A contact's, a company's and a deal's pages list their newest tickets, each linked, and link
/// to the tickets list filtered to theirs; a ticket's own page lists none.
async fn a_contact_a_company_and_a_deal_list_their_newest_tickets(s: TestServer) {
    let company = s.post("/api/v1/companies", &s.admin, json!({"name": "Lenoir SA"})).await.id();
    let contact = s
        .post(
            "/api/v1/contacts",
            &s.admin,
            json!({"first_name": "Hélène", "last_name": "Lenoir", "company_id": company}),
        )
        .await
        .id();
    let other =
        s.post("/api/v1/contacts", &s.admin, json!({"first_name": "Paul", "last_name": "Autre"})).await.id();
    crate::deals::pipeline(&s, "Ventes").await;
    let deal =
        s.post("/api/v1/deals", &s.admin, json!({"title": "Four à sole", "company_id": company})).await.id();
    let mut references = vec![];
    for body in [
        json!({"subject": "Four en panne", "contact_id": contact}),
        json!({"subject": "Livraison du four", "contact_id": contact, "deal_id": deal}),
        json!({"subject": "Question d’un autre", "contact_id": other}),
    ] {
        let created = s.post("/api/v1/tickets", &s.admin, body).await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
        references.push(created.body["reference"].as_str().unwrap_or_default().to_owned());
    }
    let browser = s.signed_in(ADMIN_EMAIL).await;
    browser.accept_language("fr");
    for (path, listed, not_listed) in [
        (format!("/contacts/{contact}"), vec![0, 1], vec![2]),
        (format!("/companies/{company}"), vec![0, 1], vec![2]),
        (format!("/deals/{deal}"), vec![1], vec![0, 2]),
    ] {
        let page = browser.get(&path).await;
        assert!(page.contains("Tous ses tickets, du plus récent au plus ancien"), "{path}: {}", page.text);
        assert!(
            !page.contains("apparaîtront ici"),
            "{path} promises nothing it does not show: {}",
            page.text
        );
        for i in listed {
            assert!(page.contains(&references[i]), "{path} lists {}: {}", references[i], page.text);
        }
        for i in not_listed {
            assert!(!page.contains(&references[i]), "{path} does not list {}", references[i]);
        }
    }
    // Newest first.
    let page = browser.get(&format!("/contacts/{contact}")).await;
    let (newest, oldest) = (page.text.find(&references[1]), page.text.find(&references[0]));
    assert!(newest.is_some() && newest < oldest, "{}", page.text);
    let all = format!("/tickets?filter%5Bcontact_id%5D={contact}&#38;sort=-created_at");
    assert!(page.contains(&all), "{}", page.text);
    let list = browser.get(&all.replace("&#38;", "&")).await;
    assert!(list.contains(&references[0]) && list.contains(&references[1]), "{}", list.text);
    assert!(!list.contains(&references[2]), "only theirs");

    let ticket =
        s.get("/api/v1/tickets?filter[subject]=Four en panne", &s.admin).await.body["data"][0]["id"].clone();
    let page = browser.get(&format!("/tickets/{}", ticket.as_str().unwrap_or_default())).await;
    assert!(!page.contains("Tous ses tickets"), "a ticket's page lists no tickets");
    assert!(!page.contains("id=\"consent-title\""), "nor consents");
}
