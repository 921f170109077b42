//! `comptoir serve` and `comptoir migrate`.

use anyhow::Context;
use comptoir_app::App;
use comptoir_store::{Db, DbOptions};
use comptoir_web::AppState;
use std::net::SocketAddr;

/// Opens and migrates the database: every command starts here.
pub async fn open(database_url: &str) -> anyhow::Result<Db> {
    open_with(database_url, DbOptions::default()).await
}

pub async fn open_with(database_url: &str, options: DbOptions) -> anyhow::Result<Db> {
    let db = Db::connect_with(database_url, options)
        .await
        .with_context(|| format!("cannot open the database {}", redact(database_url)))?;
    db.migrate().await.context("cannot migrate the database")?;
    Ok(db)
}

/// Hides a password in a connection string before it is printed.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

pub async fn migrate(database_url: &str) -> anyhow::Result<()> {
    open(database_url).await?;
    println!("Database {} is up to date.", redact(database_url));
    Ok(())
}

/// What `comptoir serve` is told beyond where to listen.
pub struct ServeOptions {
    /// Webhooks may reach this machine and private networks.
    pub webhooks_allow_private: bool,
    /// How long delivered events and finished deliveries are kept.
    pub event_retention: chrono::TimeDelta,
    pub database: DbOptions,
}

/// Serves until a shutdown signal; `state` adds the settings to the application.
pub async fn run(
    database_url: &str,
    addr: SocketAddr,
    options: ServeOptions,
    state: impl FnOnce(App) -> AppState,
) -> anyhow::Result<()> {
    let db = open_with(database_url, options.database).await?;
    let app = App::new(db.clone()).allowing_private_webhooks(options.webhooks_allow_private);
    spawn_housekeeping(app.clone(), options.event_retention);
    spawn_dispatcher(app.clone());
    spawn_deadline_watch(app.clone());
    spawn_survey_asker(app.clone());
    spawn_mail_sender(app.clone());
    let listener =
        tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {}", addr))?;
    let url = format!("http://{}", listener.local_addr()?);
    println!("Comptoir is serving {url} (database: {})", redact(database_url));
    if app.count_users().await? == 0 {
        println!(
            "No user yet: open {url} to create the first admin, or from the command line:\n  \
             comptoir user create --email you@example.com --role admin --password-stdin"
        );
    }
    comptoir_web::serve(listener, state(app), shutdown_signal()).await?;
    db.close().await;
    Ok(())
}

/// Delivers domain events to webhooks: every server runs it; the database decides who sends
/// what. Idle, it looks again four times a second, or as soon as a send ends; busy, at once.
fn spawn_dispatcher(app: App) {
    tokio::spawn(async move {
        loop {
            match app.dispatch_webhooks(comptoir_domain::time::now()).await {
                Ok(pass) if pass.fanned_out > 0 || !pass.sends.is_empty() => tokio::task::yield_now().await,
                Ok(_) => app.wait_for_dispatch(std::time::Duration::from_millis(250)).await,
                Err(error) => {
                    tracing::warn!(%error, "webhook dispatch failed; trying again shortly");
                    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                }
            }
        }
    });
}

/// Records the service-level deadlines that pass, twice a minute: every server runs it; each
/// missed deadline is recorded and announced once, by whichever server gets to it.
fn spawn_deadline_watch(app: App) {
    tokio::spawn(async move {
        let mut every_half_minute = tokio::time::interval(std::time::Duration::from_secs(30));
        loop {
            every_half_minute.tick().await;
            match app.watch_deadlines(comptoir_domain::time::now()).await {
                Ok(watch) if watch.missed + watch.at_risk == 0 => {}
                Ok(watch) => tracing::info!(
                    missed = watch.missed,
                    at_risk = watch.at_risk,
                    notices = watch.notices,
                    "service-level deadlines reached"
                ),
                Err(error) => tracing::warn!(%error, "could not look for missed deadlines"),
            }
        }
    });
}

/// Asks the requesters of solved tickets for their satisfaction, once a minute: every server
/// runs it; each ticket is claimed by one.
fn spawn_survey_asker(app: App) {
    tokio::spawn(async move {
        let mut every_minute = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            every_minute.tick().await;
            match app.send_surveys(comptoir_domain::time::now()).await {
                Ok(0) => {}
                Ok(asked) => tracing::info!(asked, "satisfaction surveys queued"),
                Err(error) => tracing::warn!(%error, "could not ask for satisfaction"),
            }
        }
    });
}

/// Sends the outbox's mail: every server runs it; the database decides who sends what. A
/// message written now goes out within five seconds, sooner when the outbox was busy.
fn spawn_mail_sender(app: App) {
    tokio::spawn(async move {
        loop {
            match app.send_due_mail(comptoir_domain::time::now()).await {
                Ok(0) => tokio::time::sleep(std::time::Duration::from_secs(5)).await,
                Ok(sent) => tracing::info!(sent, "mail sent"),
                Err(error) => {
                    tracing::warn!(%error, "could not send the outbox's mail; trying again shortly");
                    tokio::time::sleep(std::time::Duration::from_secs(30)).await;
                }
            }
        }
    });
}

/// Periodic clean-up that needs no scheduler: every server does it, and doing it twice is
/// harmless.
fn spawn_housekeeping(app: App, event_retention: chrono::TimeDelta) {
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every_hour.tick().await;
            let now = comptoir_domain::time::now();
            match app.expire_idempotency_keys(now).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(expired = n, "forgot old idempotency keys"),
                Err(error) => tracing::warn!(%error, "could not expire idempotency keys"),
            }
            match app.expire_sessions(now).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(expired = n, "removed expired sessions"),
                Err(error) => tracing::warn!(%error, "could not remove expired sessions"),
            }
            match app.expire_quotes(now.date_naive()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(expired = n, "quotes past their validity expired"),
                Err(error) => tracing::warn!(%error, "could not expire quotes"),
            }
            // A checked file waits a day for its import, then goes.
            match comptoir_web::forget_stale_uploads(std::time::Duration::from_secs(24 * 3600)) {
                0 => {}
                n => tracing::info!(removed = n, "removed files checked but never imported"),
            }
            match app.rescan_duplicates_if_older_than(chrono::TimeDelta::days(1)).await {
                Ok(Some(scan)) => {
                    tracing::info!(contacts = scan.contacts, pairs = scan.pairs, "looked for duplicates")
                }
                Ok(None) => {}
                Err(error) => tracing::warn!(%error, "could not look for duplicates"),
            }
            match app.sweep_webhook_history(now - event_retention).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(swept = n, "forgot delivered events and finished deliveries"),
                Err(error) => tracing::warn!(%error, "could not sweep delivered events"),
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_in_urls_are_hidden() {
        assert_eq!(redact("postgres://app:s3cret@db/comptoir"), "postgres://app:***@db/comptoir");
        assert_eq!(redact("postgres://postgres@127.0.0.1/x"), "postgres://postgres@127.0.0.1/x");
        assert_eq!(redact("sqlite://comptoir-data/comptoir.db"), "sqlite://comptoir-data/comptoir.db");
    }
}
