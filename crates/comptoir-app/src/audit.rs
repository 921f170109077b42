//! Reading the audit log: admins only, since it holds every past value of every field.

use crate::{App, AppError, admin_only};
use comptoir_domain::audit::AuditEntry;
use comptoir_domain::ids::AuditId;
use comptoir_domain::users::Actor;
use uuid::Uuid;

impl App {
    pub async fn list_audit(
        &self,
        actor: &Actor,
        object_type: Option<&str>,
        object_id: Option<Uuid>,
        before: Option<AuditId>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, AppError> {
        admin_only(Some(actor), "only admins read the audit log")?;
        Ok(comptoir_store::audit::list(&self.db, object_type, object_id, before, limit).await?)
    }
}
