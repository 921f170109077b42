//! Sales pipelines and their stages in the database.

use crate::db::{Db, StoreError, Tx};
use crate::sql::delete_row;
use crate::{on_pool, on_tx};
use chrono::{DateTime, Utc};
use comptoir_domain::ids::{PipelineId, StageId};
use comptoir_domain::pipelines::{Outcome, Pipeline, PipelineFields, Stage};
use sqlx::FromRow;
use sqlx::types::Json;
use uuid::Uuid;

#[derive(FromRow)]
struct PipelineRow {
    id: Uuid,
    version: i64,
    name: String,
    position: i64,
    lost_reasons: Json<Vec<String>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct StageRow {
    id: Uuid,
    pipeline_id: Uuid,
    name: String,
    probability: i64,
    outcome: String,
}

impl TryFrom<StageRow> for Stage {
    type Error = StoreError;
    fn try_from(row: StageRow) -> Result<Self, StoreError> {
        Ok(Stage {
            id: StageId(row.id),
            name: row.name,
            probability: u8::try_from(row.probability)
                .map_err(|_| StoreError::corrupt("stage probability", &row.probability.to_string()))?,
            outcome: Outcome::parse(&row.outcome)
                .ok_or_else(|| StoreError::corrupt("stage outcome", &row.outcome))?,
        })
    }
}

/// Every pipeline with its stages, in order.
pub async fn list(db: &Db) -> Result<Vec<Pipeline>, StoreError> {
    let rows: Vec<PipelineRow> = on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT id, version, name, position, lost_reasons, created_at, updated_at FROM pipelines
             ORDER BY position, name, id",
        )
        .fetch_all(pool)
        .await
    })?;
    let stages: Vec<StageRow> = on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT id, pipeline_id, name, probability, outcome FROM pipeline_stages
             ORDER BY pipeline_id, position",
        )
        .fetch_all(pool)
        .await
    })?;
    let mut pipelines: Vec<Pipeline> = rows.into_iter().map(assemble).collect();
    for row in stages {
        if let Some(pipeline) = pipelines.iter_mut().find(|p| p.id.0 == row.pipeline_id) {
            pipeline.fields.stages.push(Stage::try_from(row)?);
        }
    }
    Ok(pipelines)
}

fn assemble(row: PipelineRow) -> Pipeline {
    Pipeline {
        id: PipelineId(row.id),
        version: row.version,
        fields: PipelineFields {
            name: row.name,
            position: row.position,
            stages: Vec::new(),
            lost_reasons: row.lost_reasons.0,
        },
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

pub async fn get(db: &Db, id: PipelineId) -> Result<Option<Pipeline>, StoreError> {
    Ok(list(db).await?.into_iter().find(|p| p.id == id))
}

pub async fn insert(tx: &mut Tx, pipeline: &Pipeline) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO pipelines (id, version, name, position, lost_reasons, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(pipeline.id.0)
        .bind(pipeline.version)
        .bind(&pipeline.fields.name)
        .bind(pipeline.fields.position)
        .bind(Json(&pipeline.fields.lost_reasons))
        .bind(pipeline.created_at)
        .bind(pipeline.updated_at)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    write_stages(tx, pipeline).await
}

/// Stores `after` in place of `before`, if `before` is still the stored version. Stages
/// `after` no longer has are deleted: the caller checks first that no deal is in them.
pub async fn update(tx: &mut Tx, before: &Pipeline, after: &Pipeline) -> Result<(), StoreError> {
    let affected = on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE pipelines SET version = $2, name = $3, position = $4, lost_reasons = $5, updated_at = $6
             WHERE id = $1 AND version = $7",
        )
        .bind(after.id.0)
        .bind(after.version)
        .bind(&after.fields.name)
        .bind(after.fields.position)
        .bind(Json(&after.fields.lost_reasons))
        .bind(after.updated_at)
        .bind(before.version)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    if affected == 0 {
        return Err(StoreError::VersionConflict);
    }
    for gone in before.fields.stages.iter().filter(|s| after.stage(s.id).is_none()) {
        on_tx!(tx, |conn| {
            sqlx::query("DELETE FROM pipeline_stages WHERE id = $1")
                .bind(gone.id.0)
                .execute(&mut *conn)
                .await
                .map(|r| r.rows_affected())
        })?;
    }
    write_stages(tx, after).await
}

/// Inserts the pipeline's stages, or updates those it already has, at their positions.
async fn write_stages(tx: &mut Tx, pipeline: &Pipeline) -> Result<(), StoreError> {
    for (position, stage) in pipeline.fields.stages.iter().enumerate() {
        let position = i64::try_from(position).unwrap_or(i64::MAX);
        on_tx!(tx, |conn| {
            sqlx::query(
                "INSERT INTO pipeline_stages (id, pipeline_id, position, name, probability, outcome)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (id) DO UPDATE SET position = excluded.position, name = excluded.name,
                    probability = excluded.probability, outcome = excluded.outcome",
            )
            .bind(stage.id.0)
            .bind(pipeline.id.0)
            .bind(position)
            .bind(&stage.name)
            .bind(i64::from(stage.probability))
            .bind(stage.outcome.as_str())
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Deletes a pipeline and its stages; the caller checks first that it has no deal.
pub async fn delete(tx: &mut Tx, id: PipelineId, expected_version: i64) -> Result<(), StoreError> {
    delete_row(tx, "DELETE FROM pipelines WHERE id = $1 AND version = $2", id.0, expected_version).await
}
