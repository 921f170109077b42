//! The `comptoir` command: serve the CRM, migrate, manage users and tokens, fill a demo
//! database, run the benchmarks.

mod admin;
mod bench;
mod cli;
mod demo;
mod serve;

use clap::Parser;
use cli::{Cli, Command};

/// glibc's allocator spends a quarter of a bulk load consolidating free lists; mimalloc does not.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    cli::init_logging(&cli.log_format);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        match cli.command {
            Command::Serve(args) => serve::run(&cli.database_url, args).await,
            Command::Migrate => serve::migrate(&cli.database_url).await,
            Command::User(command) => admin::user(&cli.database_url, command).await,
            Command::Token(command) => admin::token(&cli.database_url, command).await,
            Command::Demo(args) => demo::run(&cli.database_url, args).await,
            Command::Bench(args) => bench::run(&cli.database_url, args).await,
        }
    })
}
