//! Password hashing with Argon2id, off the async workers since each hash takes tens of ms.

use crate::AppError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::sync::OnceLock;

pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
}

fn hash_now(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))
}

pub async fn verify(password: String, stored: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || verify_now(&password, &stored))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

fn verify_now(password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
}

/// Checks `password` against a hash no password matches, taking the time a real check takes.
pub async fn verify_dummy(password: String) -> Result<(), AppError> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    tokio::task::spawn_blocking(move || {
        let stored = match DUMMY.get() {
            Some(stored) => stored.clone(),
            None => {
                let made = hash_now(&crate::secrets::random_secret())?;
                DUMMY.get_or_init(|| made).clone()
            }
        };
        verify_now(&password, &stored);
        Ok(())
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}
