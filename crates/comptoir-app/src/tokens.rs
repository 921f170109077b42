//! API tokens: random secrets shown once, stored only as a hash, and resolved to an actor on
//! every request through a small cache.

use crate::changes::{Origin, record};
use crate::secrets::{random_secret, stored_hash as hash_token};
use crate::{App, AppError, CACHE_TTL, admin_only};
use comptoir_domain::ValidationErrors;
use comptoir_domain::audit::Action;
use comptoir_domain::ids::{TokenId, UserId};
use comptoir_domain::kinds::ObjectType;
use comptoir_domain::time::now;
use comptoir_domain::users::{Actor, ApiToken};
use comptoir_domain::validation::is_forbidden_control;
use std::time::Instant;

const ONLY_ADMINS: &str = "only admins manage API tokens";

/// Marks Comptoir tokens so secret scanners and people recognise them.
pub const TOKEN_PREFIX: &str = "cpt_";

/// A token just created: the secret exists only in this value.
pub struct NewToken {
    pub token: ApiToken,
    pub secret: String,
}

impl App {
    /// The actor a bearer token acts for, or `Unauthenticated`.
    pub async fn authenticate(&self, secret: &str) -> Result<Actor, AppError> {
        if !secret.starts_with(TOKEN_PREFIX) {
            return Err(AppError::Unauthenticated);
        }
        let hash = hash_token(secret);
        if let Ok(cache) = self.tokens.read()
            && let Some((actor, at)) = cache.get(&hash)
            && at.elapsed() < CACHE_TTL
        {
            return actor.ok_or(AppError::Unauthenticated);
        }
        let actor = comptoir_store::users::actor_for_token(&self.db, &hash, now()).await?;
        if let Ok(mut cache) = self.tokens.write() {
            // Unknown tokens are remembered too, so guessing costs no database work; the cache
            // is bounded by clearing it when it grows past what real use produces.
            if cache.len() > 10_000 {
                cache.clear();
            }
            cache.insert(hash, (actor, Instant::now()));
        }
        actor.ok_or(AppError::Unauthenticated)
    }

    /// Creates a token for `user_id`. `actor` is `None` when the command line does it.
    pub async fn create_token(
        &self,
        actor: Option<&Actor>,
        user_id: UserId,
        name: &str,
    ) -> Result<NewToken, AppError> {
        admin_only(actor, ONLY_ADMINS)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(ValidationErrors::single("name", "is required (at most 100 characters)").into());
        }
        if name.chars().any(is_forbidden_control) {
            return Err(ValidationErrors::single("name", "must not contain control characters").into());
        }
        if comptoir_store::users::get(&self.db, user_id).await?.is_none() {
            return Err(ValidationErrors::single("user_id", "is not a user").into());
        }
        let secret = format!("{TOKEN_PREFIX}{}", random_secret());
        let token = ApiToken {
            id: TokenId::new(),
            user_id,
            name: name.to_owned(),
            created_at: now(),
            last_used_at: None,
            revoked_at: None,
        };
        let mut tx = self.db.begin().await?;
        comptoir_store::users::insert_token(&mut tx, &token, &hash_token(&secret)).await?;
        record(
            &mut tx,
            Origin { actor, operation: None },
            Action::Create,
            ObjectType::Token,
            token.id.0,
            None,
            Some(&token),
        )
        .await?;
        tx.commit().await?;
        Ok(NewToken { token, secret })
    }

    pub async fn list_tokens(&self, actor: &Actor) -> Result<Vec<ApiToken>, AppError> {
        admin_only(Some(actor), ONLY_ADMINS)?;
        Ok(comptoir_store::users::list_tokens(&self.db).await?)
    }

    pub async fn get_token(&self, actor: &Actor, id: TokenId) -> Result<ApiToken, AppError> {
        admin_only(Some(actor), ONLY_ADMINS)?;
        comptoir_store::users::get_token(&self.db, id).await?.ok_or(AppError::NotFound)
    }

    pub async fn revoke_token(&self, actor: &Actor, id: TokenId) -> Result<(), AppError> {
        let before = self.get_token(actor, id).await?;
        if before.revoked_at.is_some() {
            return Ok(());
        }
        let at = now();
        let after = ApiToken { revoked_at: Some(at), ..before.clone() };
        let mut tx = self.db.begin().await?;
        comptoir_store::users::revoke_token(&mut tx, id, at).await?;
        record(
            &mut tx,
            Origin { actor: Some(actor), operation: None },
            Action::Delete,
            ObjectType::Token,
            id.0,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        self.forget_tokens();
        Ok(())
    }
}
