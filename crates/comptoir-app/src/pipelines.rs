//! Sales pipelines: admins shape them; everyone reads them.

use crate::changes::{Origin, record};
use crate::idempotency::{Once, settle};
use crate::input::{parse, patched};
use crate::users::check_version;
use crate::{App, AppError, admin_only};
use comptoir_domain::ValidationErrors;
use comptoir_domain::audit::Action;
use comptoir_domain::ids::PipelineId;
use comptoir_domain::kinds::ObjectType;
use comptoir_domain::pipelines::{Pipeline, PipelineInput, PipelineWords};
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use serde_json::Value;

const ONLY_ADMINS: &str = "only admins shape the sales pipelines";

impl App {
    /// Every pipeline with its stages, in order.
    pub async fn pipelines(&self, _actor: &Actor) -> Result<Vec<Pipeline>, AppError> {
        Ok(comptoir_store::pipelines::list(&self.db).await?)
    }

    pub async fn pipeline(&self, _actor: &Actor, id: PipelineId) -> Result<Pipeline, AppError> {
        comptoir_store::pipelines::get(&self.db, id).await?.ok_or(AppError::NotFound)
    }

    pub async fn create_pipeline(
        &self,
        actor: &Actor,
        body: Value,
        once: Option<&Once>,
    ) -> Result<Pipeline, AppError> {
        admin_only(Some(actor), ONLY_ADMINS)?;
        let input = parse::<PipelineInput>(body)?;
        self.insert_pipeline(actor, input, once).await
    }

    /// The first pipeline, in the words of whoever starts selling with Comptoir; refused once
    /// a pipeline exists, so two clicks make one.
    pub async fn create_starter_pipeline(
        &self,
        actor: &Actor,
        words: PipelineWords,
    ) -> Result<Pipeline, AppError> {
        admin_only(Some(actor), ONLY_ADMINS)?;
        if !self.pipelines(actor).await?.is_empty() {
            return Err(AppError::Conflict("a pipeline already exists".to_owned()));
        }
        self.insert_pipeline(actor, words.starter(), None).await
    }

    async fn insert_pipeline(
        &self,
        actor: &Actor,
        input: PipelineInput,
        once: Option<&Once>,
    ) -> Result<Pipeline, AppError> {
        let fields = input.validate(None)?;
        let at = now();
        let pipeline = Pipeline { id: PipelineId::new(), version: 1, fields, created_at: at, updated_at: at };
        let mut tx = self.db.begin().await?;
        comptoir_store::pipelines::insert(&mut tx, &pipeline).await?;
        let origin = Origin { actor: Some(actor), operation: None };
        record(
            &mut tx,
            origin,
            Action::Create,
            ObjectType::Pipeline,
            pipeline.id.0,
            None,
            Some(&pipeline.fields),
        )
        .await?;
        settle(&mut tx, actor, once, &pipeline).await?;
        tx.commit().await?;
        Ok(pipeline)
    }

    /// Applies a JSON merge patch. A stage that still has deals cannot be removed: they are
    /// moved first, so no deal is left in a stage that is gone.
    pub async fn update_pipeline(
        &self,
        actor: &Actor,
        id: PipelineId,
        patch: &Value,
        if_match: Option<i64>,
    ) -> Result<Pipeline, AppError> {
        admin_only(Some(actor), ONLY_ADMINS)?;
        let current = self.pipeline(actor, id).await?;
        check_version(if_match, current.version)?;
        let fields = patched(&current.fields.to_input(), patch)?.validate(Some(&current))?;
        let mut errors = ValidationErrors::new();
        for gone in current.fields.stages.iter().filter(|s| !fields.stages.iter().any(|f| f.id == s.id)) {
            let deals = comptoir_store::deals::count_in_stage(&self.db, gone.id).await?;
            if deals > 0 {
                // The stage's name last, after the words, so the words translate alone.
                let message =
                    format!("a stage taken out still holds deals ({deals}); move them first: {}", gone.name);
                errors.add("stages", message);
            }
        }
        errors.into_result()?;
        let at = now();
        let changed = Pipeline { version: current.version + 1, fields, updated_at: at, ..current.clone() };
        let mut tx = self.db.begin().await?;
        comptoir_store::pipelines::update(&mut tx, &current, &changed).await?;
        let origin = Origin { actor: Some(actor), operation: None };
        let (before, after) = (Some(&current.fields), Some(&changed.fields));
        record(&mut tx, origin, Action::Update, ObjectType::Pipeline, id.0, before, after).await?;
        tx.commit().await?;
        Ok(changed)
    }

    /// Deletes a pipeline without deals.
    pub async fn delete_pipeline(
        &self,
        actor: &Actor,
        id: PipelineId,
        if_match: Option<i64>,
    ) -> Result<(), AppError> {
        admin_only(Some(actor), ONLY_ADMINS)?;
        let current = self.pipeline(actor, id).await?;
        check_version(if_match, current.version)?;
        let deals = comptoir_store::deals::count_in_pipeline(&self.db, id).await?;
        if deals > 0 {
            return Err(AppError::Conflict(format!(
                "the pipeline still holds deals ({deals}); move or delete them first"
            )));
        }
        let mut tx = self.db.begin().await?;
        comptoir_store::pipelines::delete(&mut tx, id, current.version).await?;
        let origin = Origin { actor: Some(actor), operation: None };
        record(&mut tx, origin, Action::Delete, ObjectType::Pipeline, id.0, Some(&current.fields), None)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
