//! Command-line arguments; every flag can also come from a `COMPTOIR_…` environment variable.

use clap::{Args, Parser, Subcommand};
use comptoir_domain::users::Role;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "comptoir", version, about = "Comptoir, an open-source CRM")]
pub struct Cli {
    /// A TOML file with `database_url`, `addr`, `log_format` and `timezone`; flags and environment
    /// variables override it. Default: `comptoir.toml` in the working folder, when present.
    #[arg(long, env = "COMPTOIR_CONFIG", global = true)]
    pub config: Option<PathBuf>,

    /// `sqlite://path/to/file.db` (created when missing) or `postgres://user@host/db`
    /// [default: sqlite://comptoir-data/comptoir.db]
    #[arg(long, env = "COMPTOIR_DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// `text` for people, `json` for log collectors [default: text]
    #[arg(long, env = "COMPTOIR_LOG_FORMAT", global = true)]
    pub log_format: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the web interface and the API (migrates the database first).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Fill the database with realistic French and English demo data.
    Demo(DemoArgs),
    /// Measure reads and writes against the configured database and print a table.
    Bench(BenchArgs),
    /// Import records from a file, list the imports, undo one.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Look for likely duplicate contacts, list them.
    #[command(subcommand)]
    Duplicates(DuplicatesCommand),
}

#[derive(Subcommand)]
pub enum DuplicatesCommand {
    /// Compare every contact with those that share a blocking key (an email, a phone, how the
    /// name sounds, a place), then every company likewise (a SIREN, a domain, the name): the
    /// pairs found replace the open ones; dismissed pairs stay so.
    Scan,
    /// List the likeliest open pairs of contacts (or of companies).
    List {
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Pairs of companies instead of contacts.
        #[arg(long)]
        companies: bool,
    },
}

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Import contacts from a CSV or TSV file (any delimiter and encoding a spreadsheet
    /// writes) or from vCards. Rows are matched to existing contacts by email or phone;
    /// importing a file again after an interruption takes it up where it stopped.
    Contacts(FileImport),
    /// Import companies from a CSV or TSV file. Rows are matched to existing companies by
    /// SIREN, then internet domain, then name.
    Companies(FileImport),
    /// List the latest imports.
    List,
    /// Undo an import: delete what it created, put back what it changed.
    Undo {
        id: String,
        /// The email of the user undoing it (whoever ran it, or an admin)
        #[arg(long = "as", env = "COMPTOIR_IMPORT_AS")]
        user: String,
    },
}

/// A file to import, and how.
#[derive(Args)]
pub struct FileImport {
    /// The file to read
    pub file: PathBuf,
    /// The email of the user the import is made as (and who owns the new records)
    #[arg(long = "as", env = "COMPTOIR_IMPORT_AS")]
    pub user: String,
    /// Check every row and report what would be written, writing nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Leave out the rows that would make a new contact looking like one already on file
    /// (they are imported and listed for review otherwise)
    #[arg(long)]
    pub skip_lookalikes: bool,
    /// A column's field in place of the one its header suggests: `--map "Client=last_name"`,
    /// `--map "Notes="` to leave a column out
    #[arg(long = "map", value_parser = parse_mapping)]
    pub mapping: Vec<(String, String)>,
    /// An import template, by name, whose mapping comes first (`--map` wins over it)
    #[arg(long)]
    pub template: Option<String>,
    /// SQLite's page cache for the import, in MiB: the indexes every new record goes into
    /// are read from it rather than from the file. Twice as much saves about 5 % of a large
    /// import's time and holds 32 MiB more
    #[arg(long, env = "COMPTOIR_SQLITE_CACHE_MIB", default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=65536))]
    pub sqlite_cache_mib: u32,
}

fn parse_mapping(value: &str) -> Result<(String, String), String> {
    value
        .split_once('=')
        .map(|(header, field)| (header.to_owned(), field.trim().to_owned()))
        .ok_or_else(|| "write it HEADER=field".to_owned())
}

#[derive(Args)]
pub struct ServeArgs {
    /// Where to listen [default: 127.0.0.1:8080]
    #[arg(long, env = "COMPTOIR_ADDR")]
    pub addr: Option<SocketAddr>,
    /// The team's time zone, for the times pages show and what "today" means
    /// [default: Europe/Paris]
    #[arg(long, env = "COMPTOIR_TIMEZONE")]
    pub timezone: Option<String>,
    /// When set, `/metrics` answers only requests with `Authorization: Bearer <this token>`
    #[arg(long, env = "COMPTOIR_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Let webhooks reach this machine and private networks (refused by default, so a
    /// webhook cannot probe the internal network)
    #[arg(long, env = "COMPTOIR_WEBHOOKS_ALLOW_PRIVATE")]
    pub webhooks_allow_private: bool,
    /// Days delivered events and finished webhook deliveries are kept
    #[arg(long, env = "COMPTOIR_EVENT_RETENTION_DAYS", default_value_t = 30)]
    pub event_retention_days: u32,
    /// SQLite's page cache in MiB, all connections together: the server's largest use of
    /// memory; more makes repeated reads of the same records faster
    #[arg(long, env = "COMPTOIR_SQLITE_CACHE_MIB", default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=65536))]
    pub sqlite_cache_mib: u32,
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user.
    Create {
        #[arg(long, env = "COMPTOIR_USER_EMAIL")]
        email: String,
        #[arg(long, env = "COMPTOIR_USER_ROLE", value_parser = parse_role)]
        role: Role,
        #[arg(long, env = "COMPTOIR_USER_NAME")]
        name: Option<String>,
        /// Read the password from standard input (so it stays out of the shell history).
        #[arg(long, env = "COMPTOIR_PASSWORD_STDIN")]
        password_stdin: bool,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse().map_err(|e: comptoir_domain::users::UnknownRole| e.to_string())
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user and print it (only its hash is stored).
    Create {
        #[arg(long, env = "COMPTOIR_TOKEN_EMAIL")]
        email: String,
        #[arg(long, env = "COMPTOIR_TOKEN_NAME")]
        name: String,
    },
}

#[derive(Args)]
pub struct DemoArgs {
    /// How many contacts to create.
    #[arg(long, env = "COMPTOIR_DEMO_CONTACTS", default_value_t = 1000)]
    pub contacts: u64,
    /// Activities per contact, on average.
    #[arg(long, env = "COMPTOIR_DEMO_ACTIVITIES_PER_CONTACT", default_value_t = 5)]
    pub activities_per_contact: u64,
    /// Seed for the generator, for reproducible data.
    #[arg(long, env = "COMPTOIR_DEMO_SEED", default_value_t = 42)]
    pub seed: u64,
    /// How many deals to create, with the stages each went through, in the demo's pipelines
    /// (made when there is none) for its companies and contacts.
    #[arg(long, env = "COMPTOIR_DEMO_DEALS", default_value_t = 0)]
    pub deals: u64,
}

#[derive(Args)]
pub struct BenchArgs {
    /// Seconds per HTTP load phase.
    #[arg(long, env = "COMPTOIR_BENCH_SECONDS", default_value_t = 10)]
    pub seconds: u64,
    /// Concurrent HTTP clients.
    #[arg(long, env = "COMPTOIR_BENCH_CLIENTS", default_value_t = 32)]
    pub clients: usize,
    /// Requests per latency phase (filtered list, search).
    #[arg(long, env = "COMPTOIR_BENCH_SAMPLES", default_value_t = 500)]
    pub samples: usize,
    /// Measure only the pages (a contact with 10,000 activities, lists, search), not the API.
    #[arg(long)]
    pub pages_only: bool,
    /// Measure webhook delivery instead: write rate with and without a subscriber, and how
    /// fast a backlog of `--events` events is delivered to a receiver on this machine.
    #[arg(long)]
    pub webhooks: bool,
    /// Measure the sales pages and API instead: the deals board's first load, the forecast for
    /// 12 months, a pipeline's totals, deal lists, a quote printed to PDF (`comptoir demo
    /// --deals 200000` first).
    #[arg(long)]
    pub deals: bool,
    /// Measure customer service instead: load tickets until there are this many, five messages
    /// each, over the demo's contacts and fifty agents, then time an agent's queue (page and
    /// API), the team's queue, a ticket's page and timeline, a search by reference.
    #[arg(long)]
    pub tickets: Option<u64>,
    /// Events for `--webhooks`.
    #[arg(long, default_value_t = 10_000)]
    pub events: usize,
    /// Measure imports instead: write a CSV file of this many contacts, import it with
    /// `comptoir import contacts` (time and peak memory), then import it again (every row
    /// matched, nothing to change).
    #[arg(long)]
    pub import: Option<u64>,
    /// With `--import`: the file's rows are companies (`comptoir import companies`), each with
    /// its SIREN, domain, head count and address. With `--duplicates`: the records are
    /// companies, a fifth of them copies of others.
    #[arg(long)]
    pub companies: bool,
    /// Measure duplicate detection instead: load this many contacts, a fifth of them mistyped
    /// copies of others, into a database without contacts, scan them (time, memory) and check
    /// the pairs found against the truth (precision, recall).
    #[arg(long)]
    pub duplicates: Option<u64>,
    /// Measure how an import names the rows that look like a contact on file instead: load the
    /// people `--duplicates` would generate for this many, but a few thousand newcomers, into a
    /// database without contacts, then check a file of those newcomers and of copies of people
    /// on file (time, memory), and the rows it names against the truth (precision, recall).
    #[arg(long)]
    pub lookalikes: Option<u64>,
    /// Measure duplicate detection on a record-linkage set with known pairs instead (a CSV file
    /// with the Febrl columns), in memory; the true pairs are in `--linkage-pairs`.
    #[arg(long, requires = "linkage_pairs")]
    pub linkage: Option<PathBuf>,
    /// The true pairs of `--linkage`: a CSV file `a,b` of record ids.
    #[arg(long)]
    pub linkage_pairs: Option<PathBuf>,
    /// Columns of `--linkage` read as fields an admin marked as identifying (Febrl's
    /// `date_of_birth,soc_sec_id`).
    #[arg(long, value_delimiter = ',', requires = "linkage")]
    pub linkage_identifying: Vec<String>,
}

pub fn init_logging(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("COMPTOIR_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}
