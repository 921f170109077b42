//! Bringing a database to the current schema: the engine's migrations, then the values that
//! only Comptoir can compute for rows written before a migration added their column.

use crate::db::{Db, StoreError};

impl Db {
    /// Applies the migrations that have not run yet; safe to call at every start.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await?,
            Db::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        crate::companies::fill_name_keys(self).await
    }
}
