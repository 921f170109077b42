//! Import templates: a file's column mapping kept under a name, so the next file of the same
//! shape (the same supplier's export, the same trade-fair list) is mapped the same way.

use crate::ids::{ImportTemplateId, UserId};
use crate::search::fold;
use crate::validation::{ValidationErrors, check_length, clean_text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The most columns a template maps.
pub const MAX_TEMPLATE_COLUMNS: usize = 500;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImportTemplate {
    pub id: ImportTemplateId,
    pub name: String,
    /// Header → field key (`first_name`, `custom_fields.budget`), `""` for a column left out.
    pub mapping: BTreeMap<String, String>,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ImportTemplate {
    /// The name as templates are told apart: two names that differ only by case or accents
    /// are one template.
    pub fn folded_name(&self) -> String {
        fold(&self.name)
    }

    /// The choices it makes for a file with `header`: those of its columns the file has, whose
    /// field `known` still holds (a custom field deleted since is left to the suggestion).
    pub fn choices_for(&self, header: &[String], known: impl Fn(&str) -> bool) -> BTreeMap<String, String> {
        self.mapping
            .iter()
            .filter(|(column, key)| header.contains(column) && (key.is_empty() || known(key)))
            .map(|(column, key)| (column.clone(), key.clone()))
            .collect()
    }
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportTemplateInput {
    #[serde(default)]
    pub name: Option<String>,
    /// Header → field key, `""` to leave the column out; the keys an import's `map.<header>`
    /// takes.
    #[serde(default)]
    pub mapping: BTreeMap<String, String>,
}

impl ImportTemplateInput {
    /// The name and mapping, checked but for the field keys, which the fields defined now decide.
    pub fn validate(self) -> Result<(String, BTreeMap<String, String>), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = clean_text(self.name);
        check_length(&mut errors, "name", &name, 100);
        if name.is_none() {
            errors.add("name", "is required");
        }
        if self.mapping.is_empty() {
            errors.add("mapping", "is required");
        }
        if self.mapping.len() > MAX_TEMPLATE_COLUMNS {
            errors.add("mapping", format!("at most {MAX_TEMPLATE_COLUMNS}"));
        }
        for column in self.mapping.keys().filter(|c| c.chars().count() > 200) {
            let shown: String = column.chars().take(40).collect();
            errors.add(format!("mapping.{shown}"), "must be at most 200 characters");
        }
        errors.into_result()?;
        Ok((name.unwrap_or_default(), self.mapping))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_template_maps_the_columns_a_file_has_to_fields_that_still_exist() {
        let input: ImportTemplateInput = serde_json::from_value(json!({
            "name": " Salon 2026 ",
            "mapping": {"Nom": "last_name", "Stand": "custom_fields.stand", "Remarque": "", "Badge": "custom_fields.gone"}
        }))
        .expect("well-formed");
        let (name, mapping) = input.validate().expect("valid");
        assert_eq!(name, "Salon 2026");
        let at = Utc::now();
        let template = ImportTemplate {
            id: ImportTemplateId::new(),
            name,
            mapping,
            created_by: None,
            created_at: at,
            updated_at: at,
        };
        let header: Vec<String> = ["Nom", "Remarque", "Badge", "Ville"].map(String::from).into();
        let choices = template.choices_for(&header, |key| key != "custom_fields.gone");
        assert_eq!(
            choices.into_iter().collect::<Vec<_>>(),
            [("Nom".to_owned(), "last_name".to_owned()), ("Remarque".to_owned(), String::new())]
        );
    }

    #[test]
    fn a_template_needs_a_name_and_columns() {
        let errors = ImportTemplateInput::default().validate().expect_err("empty");
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "mapping"]);
    }
}
