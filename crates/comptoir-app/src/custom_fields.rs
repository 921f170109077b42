//! Custom field definitions: admins shape the data; everyone reads the shape.

use crate::changes::{Origin, record};
use crate::idempotency::{Once, settle};
use crate::input::{parse, patched};
use crate::users::check_version;
use crate::{App, AppError, admin_only};
use comptoir_domain::ValidationErrors;
use comptoir_domain::audit::Action;
use comptoir_domain::custom_fields::{CustomFieldDefinition, FieldType, validate_key};
use comptoir_domain::ids::CustomFieldId;
use comptoir_domain::kinds::{ObjectType, RecordKind};
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What an admin sends to define a field. `object_type`, `key` and `field_type` are fixed once
/// created, since stored values depend on them.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomFieldInput {
    #[serde(default)]
    pub object_type: Option<RecordKind>,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub field_type: Option<FieldType>,
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub position: Option<i32>,
    /// Whether the field tells records apart (a customer number, a national id): duplicate
    /// detection takes the same value as one record, two values as two.
    #[serde(default)]
    pub identifying: Option<bool>,
}

struct ValidDefinition {
    object_type: RecordKind,
    key: String,
    label: String,
    field_type: FieldType,
    options: Vec<String>,
    position: i32,
    identifying: bool,
}

impl CustomFieldInput {
    fn validate(self) -> Result<ValidDefinition, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if self.object_type.is_none() {
            errors.add("object_type", "is required (contact, company or deal)");
        }
        let key = self.key.unwrap_or_default().trim().to_owned();
        if let Err(message) = validate_key(&key) {
            errors.add("key", message);
        }
        let label = self.label.unwrap_or_default().trim().to_owned();
        if label.is_empty() || label.chars().count() > 100 {
            errors.add("label", "is required (at most 100 characters)");
        }
        if self.field_type.is_none() {
            errors.add("field_type", "is required");
        }
        let mut options: Vec<String> = Vec::new();
        if self.options.len() > MAX_OPTIONS {
            errors.add("options", format!("at most {MAX_OPTIONS} options"));
        } else {
            let mut seen = std::collections::HashSet::new();
            for (i, option) in self.options.into_iter().enumerate() {
                let option = option.trim().to_owned();
                if option.chars().count() > 100 {
                    errors.add(format!("options[{i}]"), "must be at most 100 characters");
                }
                if !option.is_empty() && seen.insert(option.clone()) {
                    options.push(option);
                }
            }
        }
        let is_choice = matches!(self.field_type, Some(FieldType::Select | FieldType::MultiSelect));
        if is_choice && options.is_empty() {
            errors.add("options", "select fields need at least one option");
        }
        if !is_choice && !options.is_empty() {
            errors.add("options", "only select and multi_select fields have options");
        }
        errors.into_result()?;
        let (Some(object_type), Some(field_type)) = (self.object_type, self.field_type) else {
            return Err(ValidationErrors::single("field_type", "is required"));
        };
        Ok(ValidDefinition {
            object_type,
            key,
            label,
            field_type,
            options,
            position: self.position.unwrap_or(0),
            identifying: self.identifying.unwrap_or(false),
        })
    }
}

fn to_input(definition: &CustomFieldDefinition) -> CustomFieldInput {
    CustomFieldInput {
        object_type: Some(definition.object_type),
        key: Some(definition.key.clone()),
        label: Some(definition.label.clone()),
        field_type: Some(definition.field_type),
        options: definition.options.clone(),
        position: Some(definition.position),
        identifying: Some(definition.identifying),
    }
}

/// The most choices a select field offers; each value is looked up among them.
const MAX_OPTIONS: usize = 200;

const ONLY_ADMINS: &str = "only admins define custom fields";

impl App {
    pub async fn create_custom_field(
        &self,
        actor: &Actor,
        body: Value,
        once: Option<&Once>,
    ) -> Result<CustomFieldDefinition, AppError> {
        admin_only(Some(actor), ONLY_ADMINS)?;
        let valid = parse::<CustomFieldInput>(body)?.validate()?;
        let at = now();
        let definition = CustomFieldDefinition {
            id: CustomFieldId::new(),
            object_type: valid.object_type,
            key: valid.key,
            label: valid.label,
            field_type: valid.field_type,
            options: valid.options,
            position: valid.position,
            identifying: valid.identifying,
            version: 1,
            created_at: at,
            updated_at: at,
        };
        let mut tx = self.db.begin().await?;
        comptoir_store::custom_fields::insert(&mut tx, &definition).await.map_err(|e| match e {
            comptoir_store::StoreError::Duplicate { .. } => AppError::Validation(ValidationErrors::single(
                "key",
                "is already used by this kind of record",
            )),
            other => other.into(),
        })?;
        record(
            &mut tx,
            Origin { actor: Some(actor), operation: None },
            Action::Create,
            ObjectType::CustomField,
            definition.id.0,
            None,
            Some(&definition),
        )
        .await?;
        settle(&mut tx, actor, once, &definition).await?;
        tx.commit().await?;
        self.forget_definitions();
        Ok(definition)
    }

    pub async fn list_custom_fields(
        &self,
        _actor: &Actor,
        object_type: Option<RecordKind>,
    ) -> Result<Vec<CustomFieldDefinition>, AppError> {
        Ok(comptoir_store::custom_fields::list(&self.db, object_type).await?)
    }

    pub async fn get_custom_field(
        &self,
        _actor: &Actor,
        id: CustomFieldId,
    ) -> Result<CustomFieldDefinition, AppError> {
        comptoir_store::custom_fields::get(&self.db, id).await?.ok_or(AppError::NotFound)
    }

    pub async fn update_custom_field(
        &self,
        actor: &Actor,
        id: CustomFieldId,
        patch: &Value,
        if_match: Option<i64>,
    ) -> Result<CustomFieldDefinition, AppError> {
        admin_only(Some(actor), ONLY_ADMINS)?;
        let current = self.get_custom_field(actor, id).await?;
        check_version(if_match, current.version)?;
        let input = patched(&to_input(&current), patch)?;
        // Stored values were checked against the key and type: those cannot move.
        let mut errors = ValidationErrors::new();
        if input.key.as_deref() != Some(current.key.as_str()) {
            errors.add("key", "cannot change once created");
        }
        if input.object_type != Some(current.object_type) {
            errors.add("object_type", "cannot change once created");
        }
        if input.field_type != Some(current.field_type) {
            errors.add("field_type", "cannot change once created");
        }
        errors.into_result()?;
        let valid = input.validate()?;
        let definition = CustomFieldDefinition {
            label: valid.label,
            options: valid.options,
            position: valid.position,
            identifying: valid.identifying,
            version: current.version + 1,
            updated_at: now(),
            ..current.clone()
        };
        let mut tx = self.db.begin().await?;
        comptoir_store::custom_fields::update(&mut tx, &definition, current.version).await?;
        record(
            &mut tx,
            Origin { actor: Some(actor), operation: None },
            Action::Update,
            ObjectType::CustomField,
            id.0,
            Some(&current),
            Some(&definition),
        )
        .await?;
        tx.commit().await?;
        self.forget_definitions();
        Ok(definition)
    }

    /// Removes the definition and, in the same transaction, every value records hold for it,
    /// so no record is left with a value nothing can edit, and the key can be reused with
    /// another type.
    pub async fn delete_custom_field(
        &self,
        actor: &Actor,
        id: CustomFieldId,
        if_match: Option<i64>,
    ) -> Result<(), AppError> {
        admin_only(Some(actor), ONLY_ADMINS)?;
        let current = self.get_custom_field(actor, id).await?;
        check_version(if_match, current.version)?;
        let mut tx = self.db.begin().await?;
        comptoir_store::custom_fields::delete(&mut tx, id, current.version).await?;
        let cleared =
            comptoir_store::custom_fields::remove_values(&mut tx, current.object_type, &current.key, now())
                .await?;
        tracing::info!(key = %current.key, cleared, "custom field removed with its values");
        record(
            &mut tx,
            Origin { actor: Some(actor), operation: None },
            Action::Delete,
            ObjectType::CustomField,
            id.0,
            Some(&current),
            None,
        )
        .await?;
        tx.commit().await?;
        self.forget_definitions();
        Ok(())
    }
}
