//! `Idempotency-Key` support for creations: the first answer is kept and replayed to retries.

use crate::{App, AppError};
use chrono::{DateTime, Utc};
use comptoir_domain::ValidationErrors;
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_store::idempotency::{self, Claim};
use sha2::{Digest, Sha256};

/// How long a key is remembered.
pub const KEY_LIFETIME: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// What to do with a request carrying an idempotency key.
pub enum Replay {
    /// First time: do the work, then call [`App::finish_idempotent`] or [`App::abandon_idempotent`].
    Proceed,
    /// Answer this, as the first request was answered.
    Answer { status: u16, body: String },
}

/// Fingerprints a request so a key reused for a different request is caught.
pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(method.as_bytes());
    hasher.update([0]);
    hasher.update(path.as_bytes());
    hasher.update([0]);
    hasher.update(body);
    hasher.finalize().to_vec()
}

impl App {
    pub async fn begin_idempotent(
        &self,
        actor: &Actor,
        key: &str,
        fingerprint: &[u8],
    ) -> Result<Replay, AppError> {
        if key.is_empty() || key.len() > 255 {
            return Err(ValidationErrors::single("Idempotency-Key", "must be 1 to 255 characters").into());
        }
        match idempotency::claim(&self.db, actor.user_id, key, fingerprint, now()).await? {
            Claim::Claimed => Ok(Replay::Proceed),
            Claim::Completed { request_hash, .. } | Claim::InProgress { request_hash }
                if request_hash != fingerprint =>
            {
                Err(ValidationErrors::single("Idempotency-Key", "was already used for a different request")
                    .into())
            }
            Claim::Completed { status, body, .. } => Ok(Replay::Answer { status, body }),
            Claim::InProgress { .. } => Err(AppError::Conflict(
                "a request with this Idempotency-Key is still being processed".to_owned(),
            )),
        }
    }

    pub async fn finish_idempotent(
        &self,
        actor: &Actor,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), AppError> {
        Ok(idempotency::complete(&self.db, actor.user_id, key, status, body).await?)
    }

    /// Forgets keys older than [`KEY_LIFETIME`]: a retry comes within minutes, not days.
    pub async fn expire_idempotency_keys(&self, now: DateTime<Utc>) -> Result<u64, AppError> {
        Ok(idempotency::expire(&self.db, now - KEY_LIFETIME).await?)
    }

    pub async fn abandon_idempotent(&self, actor: &Actor, key: &str) -> Result<(), AppError> {
        Ok(idempotency::release(&self.db, actor.user_id, key).await?)
    }
}
