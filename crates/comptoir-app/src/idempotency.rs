//! `Idempotency-Key` support for creations: the first answer is kept and replayed to retries.
//! The key and its answer are written in the creation's own transaction (see [`settle`]), so
//! a retry after a crash finds either the record and its answer, or neither.

use crate::{App, AppError};
use chrono::{DateTime, Utc};
use comptoir_domain::ValidationErrors;
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_store::Tx;
use comptoir_store::idempotency;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// How long a key is remembered.
pub const KEY_LIFETIME: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// A creation the client asked to happen at most once: its key and what the request was.
#[derive(Clone, Debug)]
pub struct Once {
    key: String,
    fingerprint: Vec<u8>,
}

impl Once {
    /// `fingerprint` tells a retry from a different request reusing the key.
    pub fn new(key: String, method: &str, path: &str, body: &[u8]) -> Result<Once, AppError> {
        if key.is_empty() || key.len() > 255 || key.chars().any(comptoir_domain::validation::is_ascii_control)
        {
            return Err(ValidationErrors::single("Idempotency-Key", "must be 1 to 255 characters").into());
        }
        let mut hasher = Sha256::new();
        for part in [method.as_bytes(), path.as_bytes(), body] {
            hasher.update(part);
            hasher.update([0]);
        }
        Ok(Once { key, fingerprint: hasher.finalize().to_vec() })
    }
}

/// The answer a completed request gave.
pub struct Answer {
    pub status: u16,
    pub body: String,
}

/// Records `created` as the answer to `once`, in the creation's transaction. Fails when
/// another request with the same key completed first; the caller's transaction is then
/// dropped and the other answer replayed.
pub(crate) async fn settle<T: Serialize>(
    tx: &mut Tx,
    actor: &Actor,
    once: Option<&Once>,
    created: &T,
) -> Result<(), AppError> {
    let Some(once) = once else {
        return Ok(());
    };
    let body = serde_json::to_string(created).map_err(|e| AppError::Internal(e.to_string()))?;
    let first =
        idempotency::complete(tx, actor.user_id, &once.key, &once.fingerprint, (201, &body), now()).await?;
    if first {
        Ok(())
    } else {
        Err(AppError::Conflict("a request with this Idempotency-Key was completed meanwhile".to_owned()))
    }
}

impl App {
    /// The answer to replay when `once` was completed before; `None` when the work is to do.
    pub async fn replay(&self, actor: &Actor, once: &Once) -> Result<Option<Answer>, AppError> {
        match idempotency::find(&self.db, actor.user_id, &once.key).await? {
            None => Ok(None),
            Some(done) if done.request_hash != once.fingerprint => {
                Err(ValidationErrors::single("Idempotency-Key", "was already used for a different request")
                    .into())
            }
            Some(done) => Ok(Some(Answer { status: done.status, body: done.body })),
        }
    }

    /// Forgets keys older than [`KEY_LIFETIME`]: a retry comes within minutes, not days.
    pub async fn expire_idempotency_keys(&self, now: DateTime<Utc>) -> Result<u64, AppError> {
        Ok(idempotency::expire(&self.db, now - KEY_LIFETIME).await?)
    }
}
