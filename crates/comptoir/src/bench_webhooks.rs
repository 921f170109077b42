//! `comptoir bench --webhooks`: how fast the dispatcher delivers events to a webhook, and what
//! delivering costs a write. A receiver on this machine answers 200 to every message; the
//! dispatcher is the one `comptoir serve` runs, on the configured database.

use crate::serve::{open, redact};
use anyhow::Context;
use comptoir_app::App;
use comptoir_app::contacts::Contacts;
use comptoir_domain::users::{Actor, Role};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const BENCH_EMAIL: &str = "bench-webhooks@exemple.fr";
/// Writers creating contacts at once while the write rate is measured.
const WRITERS: usize = 8;

pub async fn run(database_url: &str, events: usize) -> anyhow::Result<()> {
    let app = App::new(open(database_url).await?).allowing_private_webhooks(true);
    let user = match app.find_user_by_email(BENCH_EMAIL).await? {
        Some(user) => user,
        None => app
            .create_user(None, json!({"email": BENCH_EMAIL, "role": "admin"}), None)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?,
    };
    let actor = Actor { user_id: user.id, role: Role::Admin };
    let received = Arc::new(AtomicUsize::new(0));
    let receiver_url = start_receiver(received.clone()).await?;
    println!("Webhook delivery on {} ({} events)", redact(database_url), events);
    println!();

    // Writes with the dispatcher running and nobody subscribed, then with a subscriber it
    // delivers to while the writes go on.
    let dispatcher = tokio::spawn(dispatch_forever(app.clone()));
    let without = write_rate(&app, &actor, events / 2).await?;
    let webhook = app
        .create_webhook(&actor, json!({"url": receiver_url, "event_types": ["contact.created"]}), None)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let with = write_rate(&app, &actor, events / 2).await?;
    wait_for(&received, events / 2, Duration::from_secs(120)).await;
    dispatcher.abort();

    // Throughput: events written while no dispatcher runs, then delivered from a standing start.
    received.store(0, Ordering::SeqCst);
    write_rate(&app, &actor, events).await?;
    let started = Instant::now();
    let dispatcher = tokio::spawn(dispatch_forever(app.clone()));
    let delivered = wait_for(&received, events, Duration::from_secs(600)).await;
    let elapsed = started.elapsed();
    dispatcher.abort();
    app.delete_webhook(&actor, webhook.webhook.id, None).await.map_err(|e| anyhow::anyhow!("{e}"))?;

    println!("| measure | value |");
    println!("|---|---|");
    println!("| contacts created/s, {WRITERS} writers, no webhook | {without:.0} |");
    println!("| contacts created/s, {WRITERS} writers, one webhook delivered meanwhile | {with:.0} |");
    println!(
        "| events delivered/s from a backlog of {events} | {:.0} ({delivered} in {:.1} s) |",
        delivered as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64()
    );
    Ok(())
}

/// The loop `comptoir serve` runs, without the pause between passes when there is work.
async fn dispatch_forever(app: App) {
    loop {
        match app.dispatch_webhooks(comptoir_domain::time::now()).await {
            Ok(pass) if pass.fanned_out > 0 || !pass.sends.is_empty() => tokio::task::yield_now().await,
            _ => app.wait_for_dispatch(Duration::from_millis(50)).await,
        }
    }
}

/// Contacts created per second by [`WRITERS`] concurrent writers, `count` in all.
async fn write_rate(app: &App, actor: &Actor, count: usize) -> anyhow::Result<f64> {
    let started = Instant::now();
    let mut writers = tokio::task::JoinSet::new();
    for writer in 0..WRITERS {
        let (app, actor) = (app.clone(), *actor);
        writers.spawn(async move {
            for i in (writer..count).step_by(WRITERS) {
                let body = json!({"first_name": "Webhook", "last_name": format!("Banc {i}")});
                app.create::<Contacts>(&actor, body, None).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            }
            anyhow::Ok(())
        });
    }
    for outcome in writers.join_all().await {
        outcome?;
    }
    Ok(count as f64 / started.elapsed().as_secs_f64())
}

async fn wait_for(received: &AtomicUsize, count: usize, limit: Duration) -> usize {
    let until = Instant::now() + limit;
    while received.load(Ordering::SeqCst) < count && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    received.load(Ordering::SeqCst)
}

/// A receiver that counts what it is sent and answers 200.
async fn start_receiver(received: Arc<AtomicUsize>) -> anyhow::Result<String> {
    let router = axum::Router::new().route(
        "/hook",
        axum::routing::post(move || {
            let received = received.clone();
            async move {
                received.fetch_add(1, Ordering::SeqCst);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.context("a port for the receiver")?;
    let url = format!("http://{}/hook", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(url)
}
