//! Import templates, kept for the whole team: anyone who imports keeps one, its author or an
//! admin replaces or deletes it. And the custom fields an admin makes of columns no field
//! takes, so nothing a file holds has to be left out.

use crate::contacts::Contacts;
use crate::kind::Kind;
use crate::{App, AppError};
use comptoir_domain::ValidationErrors;
use comptoir_domain::custom_fields::key_from_label;
use comptoir_domain::ids::ImportTemplateId;
use comptoir_domain::import_templates::{ImportTemplate, ImportTemplateInput};
use comptoir_domain::kinds::RecordKind;
use comptoir_domain::search::fold;
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_import::mapping::{RowKind, Target};
use serde_json::json;
use std::collections::BTreeMap;

const ONLY_THEIR_AUTHOR: &str = "only whoever kept a template, or an admin, changes or deletes it";

impl App {
    /// Every template, by name (every role sees them).
    pub async fn import_templates(&self, _actor: &Actor) -> Result<Vec<ImportTemplate>, AppError> {
        Ok(comptoir_store::import_templates::list(&self.db).await?)
    }

    /// Keeps `input`'s mapping under its name: a new template, or the one of that name (case
    /// and accents aside) with this mapping instead. Returns it, and whether it is new.
    pub async fn save_import_template(
        &self,
        actor: &Actor,
        input: ImportTemplateInput,
    ) -> Result<(ImportTemplate, bool), AppError> {
        if !Contacts::may_create(actor) {
            return Err(AppError::Forbidden("read-only users cannot keep import templates"));
        }
        let (name, mapping) = input.validate()?;
        // A template serves a contacts file or a companies file: each key names a field of one.
        let contact_fields = self.definitions(RecordKind::Contact).await?;
        let company_fields = self.definitions(RecordKind::Company).await?;
        let mut errors = ValidationErrors::new();
        for (column, key) in &mapping {
            let known = Target::parse(RowKind::Contacts, key, &contact_fields).is_some()
                || Target::parse(RowKind::Companies, key, &company_fields).is_some();
            if !key.is_empty() && !known {
                errors.add(format!("mapping.{column}"), "is not a field of a contact or a company");
            }
        }
        errors.into_result()?;
        let at = now();
        let (template, new) = match comptoir_store::import_templates::named(&self.db, &fold(&name)).await? {
            Some(kept) if kept.created_by != Some(actor.user_id) && !actor.is_admin() => {
                return Err(AppError::Forbidden(ONLY_THEIR_AUTHOR));
            }
            Some(kept) => (ImportTemplate { name, mapping, updated_at: at, ..kept }, false),
            None => {
                let id = ImportTemplateId::new();
                let created_by = Some(actor.user_id);
                (ImportTemplate { id, name, mapping, created_by, created_at: at, updated_at: at }, true)
            }
        };
        let mut tx = self.db.begin().await?;
        comptoir_store::import_templates::save(&mut tx, &template).await?;
        tx.commit().await?;
        Ok((template, new))
    }

    /// The template called `name`, case and accents aside.
    pub async fn import_template_named(&self, name: &str) -> Result<Option<ImportTemplate>, AppError> {
        Ok(comptoir_store::import_templates::named(&self.db, &fold(name)).await?)
    }

    pub async fn delete_import_template(&self, actor: &Actor, id: ImportTemplateId) -> Result<(), AppError> {
        let template =
            comptoir_store::import_templates::get(&self.db, id).await?.ok_or(AppError::NotFound)?;
        if template.created_by != Some(actor.user_id) && !actor.is_admin() {
            return Err(AppError::Forbidden(ONLY_THEIR_AUTHOR));
        }
        let mut tx = self.db.begin().await?;
        comptoir_store::import_templates::delete(&mut tx, id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// What the template `id` chooses for a file of `kind` with `header`.
    pub(super) async fn template_choices(
        &self,
        id: ImportTemplateId,
        kind: RowKind,
        header: &[String],
    ) -> Result<BTreeMap<String, String>, AppError> {
        let Some(template) = comptoir_store::import_templates::get(&self.db, id).await? else {
            return Err(ValidationErrors::single("template", "is not an import template").into());
        };
        let definitions = self.definitions(super::record_kind(kind)).await?;
        Ok(template.choices_for(header, |key| Target::parse(kind, key, &definitions).is_some()))
    }

    /// A text field of the records of `kind` for each of `columns`, named after it (an admin's
    /// choice): the field of that key when one exists. Returns column → field key, as a mapping
    /// takes it.
    pub async fn fields_for_columns(
        &self,
        actor: &Actor,
        kind: RowKind,
        columns: &[String],
    ) -> Result<BTreeMap<String, String>, AppError> {
        let record = super::record_kind(kind);
        let mut keys = BTreeMap::new();
        for column in columns {
            let key = key_from_label(column);
            let definitions = self.definitions(record).await?;
            if !definitions.iter().any(|d| d.key == key) {
                let label: String = column.trim().chars().take(100).collect();
                let body = json!({"object_type": record, "key": key, "label": label, "field_type": "text"});
                self.create_custom_field(actor, body, None).await?;
            }
            keys.insert(column.clone(), format!("custom_fields.{key}"));
        }
        Ok(keys)
    }
}
