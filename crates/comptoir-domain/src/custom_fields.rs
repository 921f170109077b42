//! Custom fields: definitions are data (a table), values live in a JSON object on the record and
//! are checked against the definitions, so adding a field never alters the schema.

use crate::email::EmailAddress;
use crate::ids::CustomFieldId;
use crate::kinds::RecordKind;
use crate::phone::PhoneNumber;
use crate::validation::ValidationErrors;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Number,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    Bool,
    /// One of `options`.
    Select,
    /// Any subset of `options`.
    MultiSelect,
    /// `{"amount": "1234.50", "currency": "EUR"}`; the amount is a decimal string, never a float.
    Currency,
    Url,
    Email,
    Phone,
}

impl FieldType {
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Number => "number",
            FieldType::Date => "date",
            FieldType::Bool => "bool",
            FieldType::Select => "select",
            FieldType::MultiSelect => "multi_select",
            FieldType::Currency => "currency",
            FieldType::Url => "url",
            FieldType::Email => "email",
            FieldType::Phone => "phone",
        }
    }

    pub fn parse(s: &str) -> Option<FieldType> {
        serde_json::from_value(Value::String(s.to_owned())).ok()
    }

    /// Whether values of this type compare as numbers when filtered or sorted.
    pub fn is_numeric(self) -> bool {
        matches!(self, FieldType::Number)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CustomFieldDefinition {
    pub id: CustomFieldId,
    pub object_type: RecordKind,
    /// The name used in the API (`custom_fields.<key>`) and in filters (`cf.<key>`).
    pub key: String,
    pub label: String,
    pub field_type: FieldType,
    /// The allowed values of `select` and `multi_select` fields, in display order.
    pub options: Vec<String>,
    pub position: i32,
    /// Whether the field tells records apart (a customer number): duplicate detection takes
    /// the same value as strong evidence of one record, two values as evidence of two.
    #[serde(default)]
    pub identifying: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Keys are part of filter syntax and JSON paths, so they are kept to a plain identifier.
pub fn validate_key(key: &str) -> Result<(), String> {
    let mut chars = key.chars();
    let starts_well = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    if !starts_well
        || key.len() > 63
        || !key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(
            "must start with a lower-case letter and contain only a-z, 0-9 and _ (at most 63)".to_owned()
        );
    }
    Ok(())
}

/// A key for a field people named `label` ("Numéro client" → `numero_client`), one that
/// [`validate_key`] takes.
pub fn key_from_label(label: &str) -> String {
    let mut key = String::new();
    for c in crate::search::fold(label).chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            key.push(c);
        } else if !key.is_empty() && !key.ends_with('_') {
            key.push('_');
        }
    }
    let mut key = key.trim_end_matches('_').to_owned();
    if !key.starts_with(|c: char| c.is_ascii_lowercase()) {
        key.insert_str(0, "field_");
    }
    key.truncate(63);
    key.trim_end_matches('_').to_owned()
}

impl CustomFieldDefinition {
    /// Checks one value against this definition and returns it in stored form.
    pub fn normalise(&self, value: &Value) -> Result<Value, String> {
        match self.field_type {
            FieldType::Text => match value {
                Value::String(s) if s.chars().count() <= 10_000 => Ok(Value::String(s.clone())),
                Value::String(_) => Err("must be at most 10000 characters".to_owned()),
                _ => Err("must be a string".to_owned()),
            },
            FieldType::Number => match value {
                Value::Number(n) if n.as_f64().is_some_and(f64::is_finite) => Ok(value.clone()),
                _ => Err("must be a number".to_owned()),
            },
            FieldType::Date => match value {
                Value::String(s) if chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() => {
                    Ok(value.clone())
                }
                _ => Err("must be a date written YYYY-MM-DD".to_owned()),
            },
            FieldType::Bool => match value {
                Value::Bool(_) => Ok(value.clone()),
                _ => Err("must be true or false".to_owned()),
            },
            FieldType::Select => match value {
                Value::String(s) if self.options.contains(s) => Ok(value.clone()),
                _ => Err(format!("must be one of: {}", self.options.join(", "))),
            },
            FieldType::MultiSelect => {
                let Value::Array(items) = value else {
                    return Err("must be a list of options".to_owned());
                };
                if items.len() > MAX_CHOICES {
                    return Err(format!("at most {MAX_CHOICES} items"));
                }
                let mut chosen: Vec<Value> = Vec::with_capacity(items.len());
                let mut seen = std::collections::HashSet::with_capacity(items.len());
                for item in items {
                    match item {
                        Value::String(s) if self.options.contains(s) => {
                            if seen.insert(s.as_str()) {
                                chosen.push(item.clone());
                            }
                        }
                        _ => {
                            return Err(format!("each item must be one of: {}", self.options.join(", ")));
                        }
                    }
                }
                Ok(Value::Array(chosen))
            }
            FieldType::Currency => normalise_currency(value),
            FieldType::Url => match value {
                Value::String(s) if is_web_url(s) => Ok(value.clone()),
                _ => Err("must be an http or https address".to_owned()),
            },
            FieldType::Email => match value {
                Value::String(s) => {
                    EmailAddress::parse(s).map(|e| Value::String(e.into())).map_err(|e| e.to_string())
                }
                _ => Err("must be a string".to_owned()),
            },
            FieldType::Phone => match value {
                Value::String(s) => {
                    PhoneNumber::parse(s).map(|p| Value::String(p.into())).map_err(|e| e.to_string())
                }
                _ => Err("must be a string".to_owned()),
            },
        }
    }
}

fn is_web_url(s: &str) -> bool {
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or_default();
        host.contains('.') && !host.contains(char::is_whitespace)
    })
}

fn normalise_currency(value: &Value) -> Result<Value, String> {
    const SHAPE: &str = "must be {\"amount\": \"123.45\", \"currency\": \"EUR\"}";
    let Value::Object(map) = value else {
        return Err(SHAPE.to_owned());
    };
    let amount = match map.get("amount") {
        Some(Value::String(s)) => s.trim().to_owned(),
        _ => return Err(SHAPE.to_owned()),
    };
    let decimal_shape = {
        let unsigned = amount.strip_prefix('-').unwrap_or(&amount);
        let mut parts = unsigned.splitn(2, '.');
        let whole = parts.next().unwrap_or_default();
        let fraction = parts.next();
        !whole.is_empty()
            && whole.chars().all(|c| c.is_ascii_digit())
            && fraction.is_none_or(|f| !f.is_empty() && f.len() <= 4 && f.chars().all(|c| c.is_ascii_digit()))
    };
    if !decimal_shape {
        return Err("amount must be a decimal number written as a string, like \"1234.50\"".to_owned());
    }
    let currency = match map.get("currency") {
        Some(Value::String(c)) if c.len() == 3 && c.chars().all(|ch| ch.is_ascii_alphabetic()) => {
            c.to_uppercase()
        }
        _ => return Err("currency must be an ISO 4217 code such as EUR".to_owned()),
    };
    let mut out = Map::new();
    out.insert("amount".to_owned(), Value::String(amount));
    out.insert("currency".to_owned(), Value::String(currency));
    Ok(Value::Object(out))
}

/// The most items a multi-select value may list (repeats included), checked before any is read.
pub const MAX_CHOICES: usize = 200;

/// Validates a record's whole set of custom values against the definitions of its type.
/// `null` removes a value; unknown keys are refused so a typo never silently vanishes.
pub fn validate_values(
    values: Map<String, Value>,
    definitions: &[CustomFieldDefinition],
    errors: &mut ValidationErrors,
) -> Map<String, Value> {
    let mut out = Map::new();
    // A record holds at most one value per definition; more keys than that cannot all be
    // valid, and are refused before any is looked up.
    if values.len() > definitions.len().max(1) {
        errors.add("custom_fields", format!("at most {} values", definitions.len()));
        return out;
    }
    for (key, value) in values {
        let field = format!("custom_fields.{key}");
        let Some(definition) = definitions.iter().find(|d| d.key == key) else {
            errors.add(field, "is not a custom field of this kind of record");
            continue;
        };
        if value.is_null() {
            continue;
        }
        match definition.normalise(&value) {
            Ok(v) => {
                out.insert(key, v);
            }
            Err(message) => errors.add(field, message),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn definition(field_type: FieldType, options: &[&str]) -> CustomFieldDefinition {
        CustomFieldDefinition {
            id: CustomFieldId::new(),
            object_type: RecordKind::Contact,
            key: "f".to_owned(),
            label: "F".to_owned(),
            field_type,
            options: options.iter().map(|s| (*s).to_owned()).collect(),
            position: 0,
            identifying: false,
            version: 1,
            created_at: crate::time::now(),
            updated_at: crate::time::now(),
        }
    }

    #[test]
    fn each_type_accepts_its_values_and_refuses_others() {
        let cases = [
            (FieldType::Text, json!("x"), json!(1)),
            (FieldType::Number, json!(12.5), json!("12")),
            (FieldType::Date, json!("2026-02-28"), json!("2026-02-30")),
            (FieldType::Bool, json!(true), json!("yes")),
            (FieldType::Url, json!("https://exemple.fr/a"), json!("exemple.fr")),
            (FieldType::Email, json!("a@exemple.fr"), json!("a@")),
            (FieldType::Phone, json!("0612345678"), json!("12")),
            (
                FieldType::Currency,
                json!({"amount": "12.50", "currency": "eur"}),
                json!({"amount": 12.5, "currency": "EUR"}),
            ),
        ];
        for (field_type, good, bad) in cases {
            let def = definition(field_type, &[]);
            assert!(def.normalise(&good).is_ok(), "{field_type:?} should accept {good}");
            assert!(def.normalise(&bad).is_err(), "{field_type:?} should refuse {bad}");
        }
    }

    #[test]
    fn selects_accept_only_their_options() {
        let def = definition(FieldType::Select, &["gold", "silver"]);
        assert!(def.normalise(&json!("gold")).is_ok());
        assert!(def.normalise(&json!("bronze")).is_err());
        let multi = definition(FieldType::MultiSelect, &["a", "b"]);
        assert_eq!(multi.normalise(&json!(["a", "a", "b"])), Ok(json!(["a", "b"])));
        assert!(multi.normalise(&json!(["c"])).is_err());
    }

    #[test]
    fn unknown_keys_are_reported_by_name() {
        let mut errors = ValidationErrors::new();
        let values = json!({"nope": 1}).as_object().cloned().unwrap_or_default();
        validate_values(values, &[definition(FieldType::Number, &[])], &mut errors);
        assert_eq!(errors.0[0].field, "custom_fields.nope");
    }

    #[test]
    fn keys_are_plain_identifiers() {
        assert!(validate_key("budget_2026").is_ok());
        for bad in ["", "Budget", "2x", "a-b", "a.b", "a'b"] {
            assert!(validate_key(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_column_header_becomes_a_key() {
        for (label, key) in [
            ("Numéro client", "numero_client"),
            ("  Code TVA (intracom.) ", "code_tva_intracom"),
            ("2e adresse", "field_2e_adresse"),
            ("—", "field"),
        ] {
            assert_eq!(key_from_label(label), key);
            assert_eq!(validate_key(&key_from_label(label)), Ok(()), "{label}");
        }
        assert_eq!(key_from_label(&"a".repeat(80)).len(), 63);
    }
}
