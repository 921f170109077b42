//! Webhooks end to end: a real HTTP receiver in the test gets the events, checks their
//! signatures with its own HMAC code, answers 500 or hangs when told to; on SQLite and on
//! PostgreSQL, with one server or two.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, TimeDelta, Utc};
use comptoir_app::App;
use comptoir_domain::time::now;
use comptoir_domain::users::{Actor, Role};
use comptoir_testkit::{TestServer, on_both_databases};
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::{Arc, Mutex};
use std::time::Duration;

on_both_databases!(
    events_reach_a_webhook_signed_once_and_in_order,
    failed_deliveries_are_retried_then_the_webhook_is_disabled,
    a_receiver_that_hangs_does_not_hold_up_the_others,
    two_servers_deliver_each_event_once_and_in_order,
    webhooks_never_reach_internal_addresses_by_default,
    webhooks_are_for_admins_and_answer_a_test_event,
    admins_manage_webhooks_from_the_settings_pages,
    a_deal_announces_its_stage_changes_and_its_outcome,
    accepting_a_quote_announces_the_quote_its_order_and_the_won_deal,
    a_ticket_announces_its_assignment_its_solution_and_its_reopening,
);

/// What the receiver does with the next message.
#[derive(Clone, Copy, PartialEq)]
enum Behaviour {
    Accept,
    Fail,
    Hang,
}

/// One message as it arrived.
#[derive(Clone, Debug)]
struct Received {
    id: String,
    timestamp: String,
    signature: String,
    body: String,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

#[derive(Clone)]
struct Receiver {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
    behaviour: Arc<Mutex<Behaviour>>,
}

impl Receiver {
    async fn start(behaviour: Behaviour) -> Receiver {
        let receiver = Receiver {
            url: String::new(),
            received: Arc::default(),
            behaviour: Arc::new(Mutex::new(behaviour)),
        };
        let app =
            axum::Router::new().route("/hook", axum::routing::post(receive)).with_state(receiver.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let url = format!("http://{}/hook", listener.local_addr().expect("an address"));
        tokio::spawn(async move { axum::serve(listener, app).await.expect("the receiver runs") });
        Receiver { url, ..receiver }
    }

    fn set(&self, behaviour: Behaviour) {
        *self.behaviour.lock().expect("lock") = behaviour;
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: String) -> AxumStatus {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let behaviour = *receiver.behaviour.lock().expect("lock");
    if behaviour == Behaviour::Hang {
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
    receiver.received.lock().expect("lock").push(Received {
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        body,
    });
    if behaviour == Behaviour::Fail { AxumStatus::INTERNAL_SERVER_ERROR } else { AxumStatus::OK }
}

async fn a_ticket_announces_its_assignment_its_solution_and_its_reopening(s: TestServer) {
    let receiver = Receiver::start(Behaviour::Accept).await;
    subscribe(&s, &receiver.url, json!(["ticket.*"])).await;
    let ticket = s.post("/api/v1/tickets", &s.admin, json!({"subject": "Annoncé"})).await.id();
    let messages = format!("/api/v1/tickets/{ticket}/messages");
    s.post(&messages, &s.admin, json!({"body": "Je m’en charge"})).await;
    s.patch(&format!("/api/v1/tickets/{ticket}"), &s.admin, json!({"status": "solved"})).await;
    s.post(&messages, &s.admin, json!({"body": "Toujours en panne", "from_requester": true})).await;
    deliver(&s.app, now()).await;

    let received = receiver.received();
    let types: Vec<String> =
        received.iter().map(|m| m.json()["type"].as_str().unwrap_or_default().to_owned()).collect();
    assert_eq!(
        types,
        [
            "ticket.created",
            "ticket.updated",
            "ticket.assigned",
            "ticket.updated",
            "ticket.solved",
            "ticket.updated",
            "ticket.reopened"
        ]
    );
    let assigned = received.iter().find(|m| m.json()["type"] == "ticket.assigned").expect("an assignment");
    assert_eq!(assigned.json()["data"]["assignee_id"], json!(s.admin_id), "the admin took it by answering");
}

/// The Standard Webhooks check, written here from the specification rather than taken from
/// the server: HMAC-SHA256 over `id.timestamp.body` with the base64 key after `whsec_`.
fn verifies(secret: &str, message: &Received) -> bool {
    let key = BASE64.decode(secret.trim_start_matches("whsec_")).expect("a base64 key");
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("any key length");
    mac.update(format!("{}.{}.{}", message.id, message.timestamp, message.body).as_bytes());
    let expected = format!("v1,{}", BASE64.encode(mac.finalize().into_bytes()));
    message.signature.split(' ').any(|candidate| candidate == expected)
}

#[test]
fn the_independent_check_accepts_the_specification_test_vector() {
    let message = Received {
        id: "msg_p5jXN8AQM9LWM0D4loKWxJek".to_owned(),
        timestamp: "1614265330".to_owned(),
        signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=".to_owned(),
        body: r#"{"test": 2432232314}"#.to_owned(),
    };
    assert!(verifies("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", &message));
}

/// One dispatcher pass at `at`, waiting for the sends it started.
async fn deliver_once(app: &App, at: DateTime<Utc>) {
    let pass = app.dispatch_webhooks(at).await.expect("a dispatcher pass");
    for send in pass.sends {
        send.await.expect("a send ends");
    }
}

/// Dispatcher passes at `at`, each waiting for the sends it started, until one finds nothing
/// to do (a record's next event goes once the one before it is answered).
async fn deliver(app: &App, at: DateTime<Utc>) {
    loop {
        let pass = app.dispatch_webhooks(at).await.expect("a dispatcher pass");
        if pass.fanned_out == 0 && pass.sends.is_empty() {
            return;
        }
        for send in pass.sends {
            send.await.expect("a send ends");
        }
    }
}

async fn subscribe(s: &TestServer, url: &str, events: Value) -> (String, String) {
    let created = s.post("/api/v1/webhooks", &s.admin, json!({"url": url, "event_types": events})).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let secret = created.body["secret"].as_str().expect("the secret, once").to_owned();
    assert!(secret.starts_with("whsec_"));
    (created.id(), secret)
}

async fn events_reach_a_webhook_signed_once_and_in_order(s: TestServer) {
    let receiver = Receiver::start(Behaviour::Accept).await;
    let (webhook, secret) = subscribe(&s, &receiver.url, json!(["contact.*"])).await;
    let read = s.get(&format!("/api/v1/webhooks/{webhook}"), &s.admin).await;
    assert!(read.body.get("secret").is_none(), "the secret is shown once");

    let contact = s.post("/api/v1/contacts", &s.admin, json!({"last_name": "Webhook"})).await.id();
    s.patch(&format!("/api/v1/contacts/{contact}"), &s.admin, json!({"first_name": "Un"})).await;
    s.patch(&format!("/api/v1/contacts/{contact}"), &s.admin, json!({"first_name": "Deux"})).await;
    s.post("/api/v1/companies", &s.admin, json!({"name": "Pas abonnée"})).await;
    s.delete(&format!("/api/v1/contacts/{contact}"), &s.admin).await;
    deliver(&s.app, now()).await;
    deliver(&s.app, now()).await;

    let received = receiver.received();
    let types: Vec<String> =
        received.iter().map(|m| m.json()["type"].as_str().unwrap_or_default().to_owned()).collect();
    assert_eq!(types, ["contact.created", "contact.updated", "contact.updated", "contact.deleted"]);
    for message in &received {
        assert!(verifies(&secret, message), "{message:?}");
        assert!(!verifies("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", message), "another secret fails");
        assert_eq!(message.json()["data"]["id"], json!(contact));
    }
    assert_eq!(received[1].json()["data"]["changed_fields"], json!(["first_name"]));
    let mut ids: Vec<&str> = received.iter().map(|m| m.id.as_str()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 4, "one message id per event");

    let log = s.get(&format!("/api/v1/webhooks/{webhook}/deliveries"), &s.admin).await;
    let statuses: Vec<(&str, i64)> = log.body["data"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            (d["status"].as_str().unwrap_or_default(), d["last_status_code"].as_i64().unwrap_or_default())
        })
        .collect();
    assert_eq!(statuses, vec![("delivered", 200); 4]);
}

async fn failed_deliveries_are_retried_then_the_webhook_is_disabled(s: TestServer) {
    let receiver = Receiver::start(Behaviour::Fail).await;
    let (webhook, _) = subscribe(&s, &receiver.url, json!([])).await;
    s.post("/api/v1/contacts", &s.admin, json!({"last_name": "Injoignable"})).await;
    let log = format!("/api/v1/webhooks/{webhook}/deliveries");
    let mut at = now();
    let mut waits = Vec::new();
    for _ in 0..8 {
        // One pass per attempt: the last two waits are equal, so a retry made during a pass
        // at a time in the future could already be due in that pass.
        deliver_once(&s.app, at).await;
        let delivery = s.get(&log, &s.admin).await.body["data"][0].clone();
        match delivery["next_attempt_at"].as_str() {
            Some(next) => {
                let next: DateTime<Utc> = next.parse().expect("a time");
                waits.push((next - now()).num_seconds());
                // Nothing is sent again before its time…
                deliver(&s.app, now()).await;
                at = next + TimeDelta::seconds(1);
            }
            None => assert_eq!(delivery["status"], "failed", "{delivery}"),
        }
    }
    // …and then on the schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
    let expected = [5, 300, 1800, 7200, 18000, 36000, 36000];
    assert_eq!(waits.len(), expected.len(), "{waits:?}");
    for (wait, expected) in waits.iter().zip(expected) {
        assert!((expected - 2..=expected).contains(wait), "{waits:?}");
    }
    let received = receiver.received();
    assert_eq!(received.len(), 8, "the first attempt and seven retries");
    assert!(received.iter().all(|m| m.id == received[0].id), "every retry carries the same webhook-id");
    let delivery = s.get(&log, &s.admin).await.body["data"][0].clone();
    assert_eq!((delivery["status"].as_str(), delivery["attempts"].as_i64()), (Some("failed"), Some(8)));
    assert_eq!(delivery["last_status_code"], 500);
    let disabled = s.get(&format!("/api/v1/webhooks/{webhook}"), &s.admin).await;
    assert_eq!(disabled.body["active"], false);
    assert!(
        disabled.body["disabled_reason"].as_str().is_some_and(|r| r.contains("HTTP 500")),
        "{:?}",
        disabled.body
    );
    // Turned back on by an admin, it receives what comes next.
    receiver.set(Behaviour::Accept);
    let enabled = s.patch(&format!("/api/v1/webhooks/{webhook}"), &s.admin, json!({"active": true})).await;
    assert_eq!(enabled.body["disabled_reason"], Value::Null);
    s.post("/api/v1/contacts", &s.admin, json!({"last_name": "Joignable"})).await;
    deliver(&s.app, now()).await;
    assert_eq!(receiver.received().len(), 9);
}

async fn a_receiver_that_hangs_does_not_hold_up_the_others(s: TestServer) {
    let hanging = Receiver::start(Behaviour::Hang).await;
    let prompt = Receiver::start(Behaviour::Accept).await;
    subscribe(&s, &hanging.url, json!([])).await;
    subscribe(&s, &prompt.url, json!([])).await;
    s.post("/api/v1/contacts", &s.admin, json!({"last_name": "Pressé"})).await;
    let started = std::time::Instant::now();
    let pass = s.app.dispatch_webhooks(now()).await.expect("a pass");
    assert_eq!(pass.sends.len(), 2);
    while prompt.received().is_empty() && started.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(prompt.received().len(), 1, "the prompt receiver was served while the other hung");
    assert!(started.elapsed() < Duration::from_secs(5));
    // And a request to the API is not held either.
    let answer = s.get("/api/v1/contacts", &s.admin).await;
    assert_eq!(answer.status, StatusCode::OK);
}

async fn two_servers_deliver_each_event_once_and_in_order(s: TestServer) {
    let receiver = Receiver::start(Behaviour::Accept).await;
    subscribe(&s, &receiver.url, json!(["contact.*"])).await;
    let mut contacts = Vec::new();
    for i in 0..3 {
        let id = s.post("/api/v1/contacts", &s.admin, json!({"last_name": format!("Client {i}")})).await.id();
        contacts.push(id);
    }
    for round in 0..6 {
        for id in &contacts {
            s.patch(&format!("/api/v1/contacts/{id}"), &s.admin, json!({"first_name": format!("v{round}")}))
                .await;
        }
    }
    let expected = contacts.len() * 7;
    // A second server: its own connections to the same database.
    let other = App::new(comptoir_store::Db::connect(&s.database_url).await.expect("a second pool"))
        .allowing_private_webhooks(true);
    let mut servers = tokio::task::JoinSet::new();
    for app in [s.app.clone(), other] {
        let receiver = receiver.clone();
        servers.spawn(async move {
            let until = std::time::Instant::now() + Duration::from_secs(20);
            while receiver.received().len() < expected && std::time::Instant::now() < until {
                deliver(&app, now()).await;
            }
            // A few more passes: nothing may arrive twice.
            for _ in 0..5 {
                deliver(&app, now()).await;
            }
        });
    }
    servers.join_all().await;
    let received = receiver.received();
    let mut ids: Vec<&str> = received.iter().map(|m| m.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!((received.len(), ids.len()), (expected, expected), "every event exactly once");
    for contact in &contacts {
        let versions: Vec<String> = received
            .iter()
            .map(Received::json)
            .filter(|m| m["data"]["id"] == json!(contact))
            .map(|m| m["timestamp"].as_str().unwrap_or_default().to_owned())
            .collect();
        let mut in_order = versions.clone();
        in_order.sort();
        assert_eq!(versions, in_order, "contact {contact}'s events arrive in the order they happened");
        assert_eq!(versions.len(), 7);
    }
}

async fn webhooks_never_reach_internal_addresses_by_default(s: TestServer) {
    let careful = App::new(s.db.clone());
    let admin = Actor { user_id: s.admin_id, role: Role::Admin };
    for url in [
        "http://127.0.0.1:9/hook",
        "http://169.254.169.254/latest",
        "http://[::1]/",
        "http://localhost/",
        "http://10.0.0.8/",
    ] {
        let refused = careful.create_webhook(&admin, json!({"url": url}), None).await;
        match refused {
            Err(comptoir_app::AppError::Validation(errors)) => assert_eq!(errors.0[0].field, "url", "{url}"),
            other => panic!("{url} was not refused: {:?}", other.map(|w| w.webhook.url)),
        }
    }
    // A webhook made while the setting allowed it is still not sent once it no longer does.
    let receiver = Receiver::start(Behaviour::Accept).await;
    let (webhook, _) = subscribe(&s, &receiver.url, json!([])).await;
    s.post("/api/v1/contacts", &s.admin, json!({"last_name": "Interne"})).await;
    deliver(&careful, now()).await;
    assert!(receiver.received().is_empty());
    let log = s.get(&format!("/api/v1/webhooks/{webhook}/deliveries"), &s.admin).await;
    let error = log.body["data"][0]["last_error"].as_str().unwrap_or_default().to_owned();
    assert!(error.contains("public internet"), "{}", log.body);
}

async fn webhooks_are_for_admins_and_answer_a_test_event(s: TestServer) {
    let (_, manager) = s.user(Role::Manager).await;
    assert_eq!(s.get("/api/v1/webhooks", &manager).await.status, StatusCode::FORBIDDEN);
    let refused = s.post("/api/v1/webhooks", &manager, json!({"url": "https://hooks.exemple.fr/"})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let bad = s
        .post("/api/v1/webhooks", &s.admin, json!({"url": "ftp://x", "event_types": ["contact.exploded"]}))
        .await;
    assert_eq!(bad.error_fields(), ["url", "event_types[0]"]);
    let receiver = Receiver::start(Behaviour::Accept).await;
    let (webhook, secret) = subscribe(&s, &receiver.url, json!(["company.created"])).await;
    let test = s.post(&format!("/api/v1/webhooks/{webhook}/test"), &s.admin, json!({})).await;
    assert_eq!(test.status, StatusCode::ACCEPTED);
    deliver(&s.app, now()).await;
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].json()["type"], "webhook.test");
    assert!(verifies(&secret, &received[0]));
    let listed = s.get("/api/v1/webhooks", &s.admin).await;
    assert_eq!(listed.body["data"][0]["id"], json!(webhook));
}

async fn admins_manage_webhooks_from_the_settings_pages(s: TestServer) {
    let (_, manager) = s.user_with_password(Role::Manager).await;
    let managers = s.signed_in(&manager).await;
    assert_eq!(managers.get("/settings/webhooks").await.status, StatusCode::FORBIDDEN);

    let admin = s.signed_in(comptoir_testkit::ADMIN_EMAIL).await;
    admin.accept_language("fr");
    admin.get("/settings/webhooks").await;
    let refused =
        admin.post("/settings/webhooks", &[("url", "ftp://x"), ("events", "contact.exploded")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("id=\"webhook-url-error\"") && refused.contains("id=\"webhook-events-error\""));
    assert!(refused.contains("value=\"contact.exploded\""), "what was typed is kept");
    assert!(refused.contains("n’est pas un type d’événement"), "{}", refused.text);

    let receiver = Receiver::start(Behaviour::Accept).await;
    let created = admin
        .post("/settings/webhooks", &[("url", &receiver.url), ("events", "contact.*, company.created")])
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text);
    assert!(created.contains("id=\"new-webhook-secret\">whsec_"));
    assert_eq!(created.headers.get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
    let webhook = s.get("/api/v1/webhooks", &s.admin).await.body["data"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        s.get(&format!("/api/v1/webhooks/{webhook}"), &s.admin).await.body["event_types"],
        json!(["contact.*", "company.created"])
    );

    let page = format!("/settings/webhooks/{webhook}");
    admin.get(&page).await;
    let queued = admin.post(&format!("{page}/test"), &[]).await;
    assert_eq!(queued.location(), Some(format!("{page}?test=sent").as_str()));
    deliver(&s.app, now()).await;
    let shown = admin.get(&format!("{page}?test=sent")).await;
    assert!(
        shown.contains("webhook.test") && shown.contains("envoyé") && shown.contains("Envois"),
        "{}",
        shown.text
    );
    assert_eq!(receiver.received().len(), 1);

    let off = admin.post(&format!("{page}/active"), &[]).await;
    assert_eq!(off.location(), Some(page.as_str()));
    assert_eq!(s.get(&format!("/api/v1/webhooks/{webhook}"), &s.admin).await.body["active"], false);
    admin.get(&page).await;
    admin.post(&format!("{page}/delete"), &[]).await;
    assert_eq!(s.get(&format!("/api/v1/webhooks/{webhook}"), &s.admin).await.status, StatusCode::NOT_FOUND);
}

async fn a_deal_announces_its_stage_changes_and_its_outcome(s: TestServer) {
    let receiver = Receiver::start(Behaviour::Accept).await;
    subscribe(&s, &receiver.url, json!(["deal.*"])).await;
    let refused = s
        .post("/api/v1/webhooks", &s.admin, json!({"url": receiver.url, "event_types": ["contact.won"]}))
        .await;
    assert_eq!(refused.error_fields(), ["event_types[0]"], "milestones belong to their kind of record");
    let (_, won_only_secret) = subscribe(&s, &receiver.url, json!(["deal.won"])).await;
    assert!(won_only_secret.starts_with("whsec_"));
    let pipeline = super::deals::pipeline(&s, "Ventes").await;
    let deal = s.post("/api/v1/deals", &s.admin, json!({"title": "Annoncé"})).await.id();
    let to = |i: usize| json!({"stage_id": pipeline["stages"][i]["id"]});
    s.post(&format!("/api/v1/deals/{deal}/move"), &s.admin, to(1)).await;
    s.post(&format!("/api/v1/deals/{deal}/move"), &s.admin, to(3)).await;
    s.patch(&format!("/api/v1/deals/{deal}"), &s.admin, json!({"title": "Annoncé et gagné"})).await;
    deliver(&s.app, now()).await;
    deliver(&s.app, now()).await;

    let types: Vec<String> = receiver
        .received()
        .iter()
        .map(|m| m.json()["type"].as_str().unwrap_or_default().to_owned())
        .collect();
    let all: Vec<&str> = types.iter().map(String::as_str).filter(|t| *t != "deal.won").collect();
    assert_eq!(
        all,
        [
            "deal.created",
            "deal.updated",
            "deal.stage_changed",
            "deal.updated",
            "deal.stage_changed",
            "deal.updated"
        ]
    );
    assert_eq!(types.iter().filter(|t| *t == "deal.won").count(), 2, "to both subscribers");
    let moved =
        receiver.received().into_iter().find(|m| m.json()["type"] == "deal.stage_changed").expect("a move");
    assert_eq!(moved.json()["data"]["to_stage_id"], pipeline["stages"][1]["id"]);
}

async fn accepting_a_quote_announces_the_quote_its_order_and_the_won_deal(s: TestServer) {
    let receiver = Receiver::start(Behaviour::Accept).await;
    subscribe(&s, &receiver.url, json!(["quote.sent", "quote.accepted", "order.created", "deal.won"])).await;
    let pipeline = super::deals::pipeline(&s, "Ventes").await;
    let company = s.post("/api/v1/companies", &s.admin, json!({"name": "Annonces"})).await.id();
    let deal = s
        .post("/api/v1/deals", &s.admin, json!({"title": "Devis annoncé", "company_id": company}))
        .await
        .id();
    let lines = json!([{"description": "Forfait", "unit_price": "800", "vat_rate": "20"}]);
    let quote = s.post("/api/v1/quotes", &s.admin, json!({"deal_id": deal, "lines": lines})).await.id();
    s.post(&format!("/api/v1/quotes/{quote}/send"), &s.admin, json!({})).await;
    let accepted = s.post(&format!("/api/v1/quotes/{quote}/accept"), &s.admin, json!({})).await;
    assert_eq!(accepted.status, StatusCode::OK, "{:?}", accepted.body);
    deliver(&s.app, now()).await;

    let received: Vec<Value> = receiver.received().iter().map(|m| m.json()).collect();
    let mut types: Vec<&str> = received.iter().filter_map(|m| m["type"].as_str()).collect();
    types.sort_unstable();
    assert_eq!(types, ["deal.won", "order.created", "quote.accepted", "quote.sent"]);
    let sent = received.iter().find(|m| m["type"] == "quote.sent").expect("quote.sent");
    assert_eq!(sent["data"]["totals"]["including_tax"]["amount"], "960.00");
    let won = received.iter().find(|m| m["type"] == "deal.won").expect("deal.won");
    assert_eq!(won["data"]["stage_id"], pipeline["stages"][3]["id"]);
}
