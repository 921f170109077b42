//! Loading many rows at once (imports, demo data). Secondary indexes are dropped for the load
//! and rebuilt from their own stored definitions afterwards: building an index from sorted
//! data is several times faster than growing it row by row. Everything happens in one
//! transaction, DDL included (both engines make DDL transactional), so an interrupted load
//! leaves the database exactly as it was, indexes and all.

use crate::db::{Db, Dialect, StoreError, Tx};
use crate::on_tx;

pub struct BulkLoad {
    tx: Tx,
    /// `CREATE INDEX …` statements to run again when the load is done.
    indexes: Vec<String>,
}

impl Db {
    /// Starts a load into `tables`. `rebuild_indexes` drops their secondary indexes until
    /// [`BulkLoad::finish`]: worth it when the load is large next to what the tables hold,
    /// wasteful when a few rows join millions.
    pub async fn begin_bulk_load(
        &self,
        tables: &[&str],
        rebuild_indexes: bool,
    ) -> Result<BulkLoad, StoreError> {
        let mut tx = self.begin().await?;
        let mut indexes: Vec<(String, String)> = Vec::new();
        if rebuild_indexes {
            for table in tables {
                indexes.extend(secondary_indexes(&mut tx, table).await?);
            }
        }
        for (name, _) in &indexes {
            // The name comes from the database's own catalogue, not from a client.
            let drop = format!("DROP INDEX \"{}\"", name.replace('"', "\"\""));
            on_tx!(&mut tx, |conn| sqlx::query(sqlx::AssertSqlSafe(drop))
                .execute(&mut *conn)
                .await
                .map(|r| r.rows_affected()))?;
        }
        Ok(BulkLoad { tx, indexes: indexes.into_iter().map(|(_, sql)| sql).collect() })
    }

    /// The names of a table's secondary indexes.
    pub async fn index_names(&self, table: &str) -> Result<Vec<String>, StoreError> {
        let mut tx = self.begin().await?;
        let names = secondary_indexes(&mut tx, table).await?.into_iter().map(|(name, _)| name).collect();
        tx.commit().await?;
        Ok(names)
    }
}

/// A table's indexes other than those backing a primary key or unique constraint, with the
/// statement that creates each.
async fn secondary_indexes(tx: &mut Tx, table: &str) -> Result<Vec<(String, String)>, StoreError> {
    let dialect = tx.dialect();
    Ok(on_tx!(tx, |conn| {
        match dialect {
            // Constraint indexes have no `sql`.
            Dialect::Sqlite => {
                sqlx::query_as(
                    "SELECT name, sql FROM sqlite_schema
                     WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL ORDER BY name",
                )
                .bind(table)
                .fetch_all(&mut *conn)
                .await
            }
            Dialect::Postgres => {
                sqlx::query_as(
                    "SELECT i.indexname::text, i.indexdef FROM pg_indexes i
                     WHERE i.schemaname = current_schema() AND i.tablename = $1
                       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
                     ORDER BY i.indexname",
                )
                .bind(table)
                .fetch_all(&mut *conn)
                .await
            }
        }
    })?)
}

impl BulkLoad {
    pub fn tx(&mut self) -> &mut Tx {
        &mut self.tx
    }

    /// Rebuilds the indexes and commits the whole load.
    pub async fn finish(mut self) -> Result<(), StoreError> {
        for create in self.indexes {
            on_tx!(&mut self.tx, |conn| sqlx::query(sqlx::AssertSqlSafe(create))
                .execute(&mut *conn)
                .await
                .map(|r| r.rows_affected()))?;
        }
        self.tx.commit().await
    }
}
