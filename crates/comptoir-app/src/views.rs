//! What each user's lists remember: saved views and recently opened records. Both are
//! private to their user.

use crate::companies::Companies;
use crate::contacts::Contacts;
use crate::deals::Deals;
use crate::tickets::Tickets;
use crate::{App, AppError};
use comptoir_domain::ids::SavedViewId;
use comptoir_domain::kinds::{RecordKind, RecordRef};
use comptoir_domain::listing::{ListQuery, MAX_LIMIT};
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_domain::views::{RecentView, SavedView};
use std::collections::HashMap;
use uuid::Uuid;

impl App {
    pub async fn record_view(&self, actor: &Actor, kind: RecordKind, id: Uuid) -> Result<(), AppError> {
        Ok(comptoir_store::views::record_view(&self.db, actor.user_id, kind, id, now()).await?)
    }

    pub async fn recent_views(&self, actor: &Actor, limit: i64) -> Result<Vec<RecentView>, AppError> {
        Ok(comptoir_store::views::recent(&self.db, actor.user_id, limit).await?)
    }

    /// The names of many records at once, one read per kind (a task list names the record of
    /// each task). Records deleted meanwhile are left out.
    pub async fn record_names(
        &self,
        actor: &Actor,
        records: &[RecordRef],
    ) -> Result<HashMap<Uuid, String>, AppError> {
        let mut names = HashMap::new();
        for kind in RecordKind::ALL {
            let mut ids: Vec<String> =
                records.iter().filter(|r| r.kind == kind).map(|r| r.id.to_string()).collect();
            ids.sort_unstable();
            ids.dedup();
            for chunk in ids.chunks(MAX_LIMIT as usize) {
                let pairs = [
                    ("filter[id][in]".to_owned(), chunk.join(",")),
                    ("limit".to_owned(), MAX_LIMIT.to_string()),
                ];
                let query = ListQuery::parse(&pairs, &[])?;
                match kind {
                    RecordKind::Contact => names.extend(
                        self.list::<Contacts>(actor, &query)
                            .await?
                            .data
                            .into_iter()
                            .map(|c| (c.id.0, c.fields.display_name())),
                    ),
                    RecordKind::Company => names.extend(
                        self.list::<Companies>(actor, &query)
                            .await?
                            .data
                            .into_iter()
                            .map(|c| (c.id.0, c.fields.name)),
                    ),
                    RecordKind::Deal => names.extend(
                        self.list::<Deals>(actor, &query)
                            .await?
                            .data
                            .into_iter()
                            .map(|d| (d.id.0, d.fields.title)),
                    ),
                    RecordKind::Ticket => names.extend(
                        self.list::<Tickets>(actor, &query)
                            .await?
                            .data
                            .into_iter()
                            .map(|t| (t.id.0, format!("{} {}", t.reference, t.fields.subject))),
                    ),
                }
            }
        }
        Ok(names)
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
