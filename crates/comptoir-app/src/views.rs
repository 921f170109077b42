//! What each user's lists remember: saved views and recently opened records. Both are
//! private to their user.

use crate::companies::Companies;
use crate::contacts::Contacts;
use crate::{App, AppError};
use comptoir_domain::ids::{CompanyId, ContactId, SavedViewId};
use comptoir_domain::kinds::{RecordKind, RecordRef};
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_domain::views::{RecentView, SavedView};
use uuid::Uuid;

impl App {
    pub async fn record_view(&self, actor: &Actor, kind: RecordKind, id: Uuid) -> Result<(), AppError> {
        Ok(comptoir_store::views::record_view(&self.db, actor.user_id, kind, id, now()).await?)
    }

    pub async fn recent_views(&self, actor: &Actor, limit: i64) -> Result<Vec<RecentView>, AppError> {
        Ok(comptoir_store::views::recent(&self.db, actor.user_id, limit).await?)
    }

    /// The name a record is shown by in lists of mixed kinds (recently viewed, search).
    pub async fn record_name(&self, actor: &Actor, record: RecordRef) -> Result<String, AppError> {
        Ok(match record.kind {
            RecordKind::Contact => {
                self.get::<Contacts>(actor, ContactId(record.id)).await?.fields.display_name()
            }
            RecordKind::Company => self.get::<Companies>(actor, CompanyId(record.id)).await?.fields.name,
        })
    }

    pub async fn saved_views(&self, actor: &Actor, kind: RecordKind) -> Result<Vec<SavedView>, AppError> {
        Ok(comptoir_store::views::list_saved(&self.db, actor.user_id, kind).await?)
    }

    pub async fn save_view(
        &self,
        actor: &Actor,
        kind: RecordKind,
        name: Option<String>,
        query: &str,
    ) -> Result<SavedView, AppError> {
        let (name, query) = SavedView::validate(name, query)?;
        let view = SavedView {
            id: SavedViewId::new(),
            user_id: actor.user_id,
            kind,
            name,
            query,
            created_at: now(),
        };
        comptoir_store::views::insert_saved(&self.db, &view).await?;
        Ok(view)
    }

    pub async fn delete_saved_view(&self, actor: &Actor, id: SavedViewId) -> Result<(), AppError> {
        if comptoir_store::views::delete_saved(&self.db, actor.user_id, id).await? {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }
}
