//! The seller's identity: admins set it, every document is issued under it.

use crate::changes::{Origin, record};
use crate::input::patched;
use crate::users::check_version;
use crate::{App, AppError, admin_only};
use comptoir_domain::audit::Action;
use comptoir_domain::kinds::ObjectType;
use comptoir_domain::seller::{Seller, SellerInput};
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
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
