//! Comptoir's use cases. Every change goes through here, so it is validated, authorised,
//! audited and announced as a domain event in one place; the JSON API, the pages and the
//! command line all call the same functions.

pub mod activities;
pub mod articles;
pub mod attachments;
pub mod audit;
pub mod bulk;
mod changes;
pub mod columns;
pub mod companies;
pub mod company_duplicates;
pub mod company_merges;
pub mod contacts;
pub mod custom_fields;
pub mod deals;
mod documents;
pub mod duplicates;
mod error;
pub mod exchange_rates;
pub mod idempotency;
pub mod imports;
pub mod input;
pub mod kind;
pub mod macros;
pub mod mail;
pub mod merges;
pub mod orders;
pub mod passwords;
pub mod pipelines;
pub mod portal;
pub mod portal_files;
pub mod products;
pub mod quotes;
pub mod secrets;
pub mod seller;
pub mod service_levels;
pub mod sessions;
pub mod surveys;
pub mod teams;
pub mod ticket_merges;
pub mod tickets;
pub mod tokens;
pub mod users;
pub mod views;
pub mod webhooks;

pub use error::AppError;

use comptoir_domain::custom_fields::CustomFieldDefinition;
use comptoir_domain::kinds::RecordKind;
use comptoir_domain::users::Actor;
use comptoir_store::Db;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long a looked-up token or the custom field definitions are trusted before being read
/// again. Changes made through this process clear them at once; this bounds how long another
/// process sharing the database can serve a revoked token or an old definition.
const CACHE_TTL: Duration = Duration::from_secs(30);

type TokenCache = HashMap<[u8; 32], (Option<Actor>, Instant)>;

/// Every custom field definition, and when they were read.
type DefinitionCache = Option<(Instant, Arc<Vec<CustomFieldDefinition>>)>;

/// Refuses anyone but an admin, saying what only admins do. `None` is the command line,
/// which an operator with access to the database runs.
fn admin_only(actor: Option<&Actor>, only_admins: &'static str) -> Result<(), AppError> {
    match actor {
        Some(actor) if !actor.is_admin() => Err(AppError::Forbidden(only_admins)),
        _ => Ok(()),
    }
}

/// The use cases' shared state: the database and what is worth remembering between requests.
#[derive(Clone)]
pub struct App {
    db: Db,
    tokens: Arc<RwLock<TokenCache>>,
    definitions: Arc<RwLock<DefinitionCache>>,
    webhooks: webhooks::Webhooks,
    /// Set while a scan for duplicates runs: one at a time is enough.
    scanning: Arc<std::sync::atomic::AtomicBool>,
}

impl App {
    pub fn new(db: Db) -> Self {
        Self {
            db,
            tokens: Arc::default(),
            definitions: Arc::default(),
            webhooks: webhooks::Webhooks::new(false),
            scanning: Arc::default(),
        }
    }

    /// Lets webhooks reach this machine and private networks (an admin's choice, for
    /// receivers inside the company's own network); by default only public addresses.
    pub fn allowing_private_webhooks(self, allow: bool) -> Self {
        Self { webhooks: webhooks::Webhooks::new(allow), ..self }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Whether the database answers, for readiness checks.
    pub async fn ready(&self) -> Result<(), AppError> {
        Ok(self.db.ping().await?)
    }

    /// Custom field definitions of one kind of record, cached.
    pub async fn definitions(&self, object_type: RecordKind) -> Result<Vec<CustomFieldDefinition>, AppError> {
        let all = self.all_definitions().await?;
        Ok(all.iter().filter(|d| d.object_type == object_type).cloned().collect())
    }

    async fn all_definitions(&self) -> Result<Arc<Vec<CustomFieldDefinition>>, AppError> {
        if let Ok(guard) = self.definitions.read()
            && let Some((at, defs)) = guard.as_ref()
            && at.elapsed() < CACHE_TTL
        {
            return Ok(defs.clone());
        }
        let defs = Arc::new(comptoir_store::custom_fields::list(&self.db, None).await?);
        if let Ok(mut guard) = self.definitions.write() {
            *guard = Some((Instant::now(), defs.clone()));
        }
        Ok(defs)
    }

    fn forget_definitions(&self) {
        if let Ok(mut guard) = self.definitions.write() {
            *guard = None;
        }
    }

    fn forget_tokens(&self) {
        if let Ok(mut guard) = self.tokens.write() {
            guard.clear();
        }
    }
}
