//! The seller's identity: admins set it, every document is issued under it.

use crate::changes::{Origin, record};
use crate::input::patched;
use crate::users::check_version;
use crate::{App, AppError, admin_only};
use comptoir_domain::audit::Action;
use comptoir_domain::kinds::ObjectType;
use comptoir_domain::seller::{Logo, Seller, SellerInput};
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

const KEY: &str = "seller";

impl App {
    /// The seller's identity and its version (0 and an empty identity until an admin sets
    /// it). Every role reads it: it is printed on every quote.
    pub async fn seller(&self) -> Result<(Seller, i64), AppError> {
        match comptoir_store::settings::get(&self.db, KEY).await? {
            Some((value, version)) => {
                let seller: Seller = serde_json::from_value(value)
                    .map_err(|e| AppError::Internal(format!("stored seller: {e}")))?;
                Ok((seller, version))
            }
            None => Ok((Seller::default(), 0)),
        }
    }

    /// Changes the seller's identity with a JSON merge patch (admins only).
    pub async fn set_seller(
        &self,
        actor: &Actor,
        patch: &serde_json::Value,
        if_match: Option<i64>,
    ) -> Result<(Seller, i64), AppError> {
        admin_only(Some(actor), "only admins set the seller's identity")?;
        let (current, version) = self.seller().await?;
        check_version(if_match, version)?;
        let input: SellerInput = patched(&current.to_input(), patch)?;
        let seller = input.validate()?;
        let value = serde_json::to_value(&seller).map_err(|e| AppError::Internal(e.to_string()))?;
        let mut tx = self.db.begin().await?;
        comptoir_store::settings::put(&mut tx, KEY, &value, version, now()).await?;
        let origin = Origin { actor: Some(actor), operation: None };
        let before = (version > 0).then_some(&current);
        record(&mut tx, origin, Action::Update, ObjectType::Settings, Uuid::nil(), before, Some(&seller))
            .await?;
        tx.commit().await?;
        Ok((seller, version + 1))
    }
}

impl App {
    /// The seller's logo, if one was set. Every role reads it: it is printed on every quote.
    pub async fn seller_logo(&self) -> Result<Option<Logo>, AppError> {
        Ok(comptoir_store::seller_logo::get(&self.db).await?)
    }

    /// Whether the seller has a logo, without reading it.
    pub async fn seller_has_logo(&self) -> Result<bool, AppError> {
        Ok(comptoir_store::seller_logo::is_set(&self.db).await?)
    }

    /// Sets the seller's logo from the bytes sent (admins only): a PNG or a JPEG of 1 MB at
    /// most. The audit keeps what it is, never its bytes.
    pub async fn set_seller_logo(&self, actor: &Actor, content: Vec<u8>) -> Result<Logo, AppError> {
        admin_only(Some(actor), "only admins set the seller's logo")?;
        let sha256 = crate::imports::hex(&Sha256::digest(&content));
        let logo = Logo::new(content, sha256)?;
        let mut tx = self.db.begin().await?;
        comptoir_store::seller_logo::put(&mut tx, &logo, now()).await?;
        let described = json!({"logo": {"content_type": logo.content_type, "size": logo.content.len(),
            "sha256": logo.sha256}});
        let origin = Origin { actor: Some(actor), operation: None };
        record(&mut tx, origin, Action::Update, ObjectType::Settings, Uuid::nil(), None, Some(&described))
            .await?;
        tx.commit().await?;
        Ok(logo)
    }

    /// Removes the seller's logo (admins only); not found when there is none.
    pub async fn remove_seller_logo(&self, actor: &Actor) -> Result<(), AppError> {
        admin_only(Some(actor), "only admins set the seller's logo")?;
        let mut tx = self.db.begin().await?;
        if !comptoir_store::seller_logo::delete(&mut tx).await? {
            return Err(AppError::NotFound);
        }
        let origin = Origin { actor: Some(actor), operation: None };
        let removed = json!({"logo": null});
        record(&mut tx, origin, Action::Update, ObjectType::Settings, Uuid::nil(), None, Some(&removed))
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
