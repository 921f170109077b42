//! The `comptoir` command: serve the CRM, migrate, manage users and tokens, fill a demo
//! database, run the benchmarks, import files.

mod admin;
mod bench;
mod bench_company_duplicates;
mod bench_duplicates;
mod bench_import;
mod bench_lookalikes;
mod bench_tickets;
mod bench_webhooks;
mod cli;
mod config;
mod demo;
mod demo_deals;
mod duplicates;
mod import;
mod serve;

use clap::Parser;
use cli::{BenchArgs, Cli, Command};

/// glibc's allocator spends a quarter of a bulk load consolidating free lists; mimalloc does not.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let (addr, timezone) = match &cli.command {
        Command::Serve(args) => (args.addr, args.timezone.clone()),
        _ => (None, None),
    };
    let settings = config::resolve(config::Overrides {
        config: cli.config,
        database_url: cli.database_url,
        addr,
        log_format: cli.log_format,
        timezone,
    })?;
    cli::init_logging(&settings.log_format);
    let database_url = settings.database_url.as_str();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        match cli.command {
            Command::Serve(args) => {
                let state = |app| {
                    comptoir_web::AppState::new(app)
                        .with_timezone(settings.timezone)
                        .with_metrics_token(args.metrics_token)
                };
                let options = serve::ServeOptions {
                    webhooks_allow_private: args.webhooks_allow_private,
                    event_retention: chrono::TimeDelta::days(i64::from(args.event_retention_days)),
                    database: comptoir_store::DbOptions { sqlite_cache_mib: args.sqlite_cache_mib },
                };
                serve::run(database_url, settings.addr, options, state).await
            }
            Command::Migrate => serve::migrate(database_url).await,
            Command::User(command) => admin::user(database_url, command).await,
            Command::Token(command) => admin::token(database_url, command).await,
            Command::Demo(args) => demo::run(database_url, args).await,
            Command::Bench(args) if args.webhooks => bench_webhooks::run(database_url, args.events).await,
            Command::Bench(args) if args.import.is_some() => {
                bench_import::run(database_url, args.import.unwrap_or_default(), args.companies).await
            }
            Command::Bench(BenchArgs { lookalikes: Some(total), .. }) => {
                bench_lookalikes::run(database_url, total).await
            }
            Command::Bench(BenchArgs { duplicates: Some(total), companies: true, .. }) => {
                bench_company_duplicates::run(database_url, total).await
            }
            Command::Bench(BenchArgs { duplicates: Some(total), .. }) => {
                bench_duplicates::run(database_url, total).await
            }
            Command::Bench(BenchArgs {
                linkage: Some(file),
                linkage_pairs: Some(pairs),
                linkage_identifying,
                ..
            }) => bench_duplicates::linkage(&file, &pairs, &linkage_identifying),
            Command::Bench(BenchArgs { companies: true, .. }) => {
                Err(anyhow::anyhow!("--companies goes with --import or --duplicates"))
            }
            Command::Bench(args) => bench::run(database_url, args).await,
            Command::Duplicates(command) => duplicates::run(database_url, command).await,
            Command::Import(command) => import::run(database_url, command).await,
        }
    })
}
