//! Comptoir's business vocabulary: the types a valid record is made of, and the rules that
//! decide what is valid. Nothing here knows about HTTP or SQL.

pub mod activities;
pub mod address;
pub mod articles;
pub mod audit;
pub mod bulk;
pub mod business_hours;
pub mod changes;
pub mod companies;
pub mod contacts;
pub mod custom_fields;
pub mod deals;
pub mod documents;
pub mod duplicates;
pub mod email;
pub mod ids;
pub mod imports;
pub mod kinds;
pub mod lines;
pub mod listing;
pub mod macros;
pub mod mail;
pub mod money;
pub mod orders;
pub mod phone;
pub mod pipelines;
pub mod portal;
pub mod privacy;
pub mod products;
pub mod quotes;
pub mod search;
pub mod secret;
pub mod seller;
pub mod service_levels;
pub mod service_report;
pub mod sessions;
pub mod siren;
pub mod surveys;
pub mod tags;
pub mod tickets;
pub mod time;
pub mod users;
pub mod validation;
pub mod views;
pub mod webhooks;

pub use validation::{FieldError, ValidationErrors};
