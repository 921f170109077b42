//! Reading the audit log: admins only, since it holds every past value of every field.

use crate::{App, AppError, admin_only};
use comptoir_domain::audit::{AuditEntry, AuditFilter};
use comptoir_domain::users::Actor;

impl App {
    pub async fn list_audit(&self, actor: &Actor, filter: &AuditFilter) -> Result<Vec<AuditEntry>, AppError> {
        admin_only(Some(actor), "only admins read the audit log")?;
        Ok(comptoir_store::audit::list(&self.db, filter).await?)
    }
}
