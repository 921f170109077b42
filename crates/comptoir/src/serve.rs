//! `comptoir serve` and `comptoir migrate`.

use anyhow::Context;
use comptoir_app::App;
use comptoir_store::Db;
use comptoir_web::AppState;
use std::net::SocketAddr;

/// Opens and migrates the database: every command starts here.
pub async fn open(database_url: &str) -> anyhow::Result<Db> {
    let db = Db::connect(database_url)
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

/// Serves until a shutdown signal; `state` adds the settings to the application.
pub async fn run(
    database_url: &str,
    addr: SocketAddr,
    state: impl FnOnce(App) -> AppState,
) -> anyhow::Result<()> {
    let db = open(database_url).await?;
    let app = App::new(db.clone());
    spawn_housekeeping(app.clone());
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

/// Periodic clean-up that needs no scheduler: every server does it, and doing it twice is
/// harmless.
fn spawn_housekeeping(app: App) {
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
