//! Comptoir's storage: one set of queries for SQLite and PostgreSQL. Statements are written
//! once with `$n` placeholders (which both drivers accept); the few places where the engines
//! differ (full-text search, JSON paths) branch on [`Dialect`] explicitly.

pub mod activities;
pub mod articles;
pub mod attachments;
pub mod audit;
pub mod bulk;
pub mod companies;
pub mod company_duplicates;
pub mod contacts;
pub mod count;
pub mod custom_fields;
mod db;
pub mod deals;
pub mod documents;
pub mod duplicates;
pub mod exchange_rates;
pub mod fetch;
pub mod forecast;
pub mod idempotency;
pub mod import_templates;
pub mod imports;
mod kept_figures;
pub mod listing;
pub mod macros;
pub mod mail;
mod migrate;
pub mod orders;
pub mod pipelines;
pub mod portal;
pub mod products;
pub mod quotes;
pub mod seller_logo;
pub mod service_totals;
pub mod sessions;
pub mod settings;
mod sql;
pub mod surveys;
pub mod teams;
mod text_match;
pub mod tickets;
pub mod users;
pub mod views;
pub mod webhooks;

pub use db::{DEFAULT_SQLITE_PATH, Db, DbOptions, Dialect, StoreError, Tx};
pub use listing::Page;
