//! Turning client JSON into input types, with errors that name the offending field.

use comptoir_domain::ValidationErrors;
use comptoir_domain::changes::merge_patch;
use comptoir_domain::validation::refuse_control_characters;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Reads `value` as a `T`; a type error names its field path (`address.city`, `emails[0]`).
/// Control characters are refused first, wherever they are, so none reaches a record.
pub fn parse<T: DeserializeOwned>(value: Value) -> Result<T, ValidationErrors> {
    if !value.is_object() {
        return Err(ValidationErrors::single("body", "must be a JSON object"));
    }
    refuse_control_characters(&value)?;
    serde_path_to_error::deserialize::<_, T>(value).map_err(|error| {
        let message = error.inner().to_string();
        let mut field = error.path().to_string();
        if field == "." || field.is_empty() {
            field = unknown_field_name(&message).unwrap_or("body").to_owned();
        } else if let Some(name) = unknown_field_name(&message)
            && !field.ends_with(name)
        {
            field = format!("{field}.{name}");
        }
        let message = if message.starts_with("unknown field") {
            "is not a field of this record".to_owned()
        } else {
            message
        };
        ValidationErrors::single(field, message)
    })
}

fn unknown_field_name(message: &str) -> Option<&str> {
    message.strip_prefix("unknown field `")?.split('`').next()
}

/// Applies a JSON merge patch to the input form of a current record and reads the result.
pub fn patched<T: Serialize + DeserializeOwned>(current: &T, patch: &Value) -> Result<T, ValidationErrors> {
    if !patch.is_object() {
        return Err(ValidationErrors::single("body", "must be a JSON object"));
    }
    let mut merged =
        serde_json::to_value(current).map_err(|e| ValidationErrors::single("body", e.to_string()))?;
    merge_patch(&mut merged, patch);
    parse(merged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use comptoir_domain::contacts::ContactInput;
    use serde_json::json;

    #[test]
    fn errors_name_the_field() {
        let errors = parse::<ContactInput>(json!({"lifecycle_stage": "king"})).expect_err("bad enum");
        assert_eq!(errors.0[0].field, "lifecycle_stage");
        let errors = parse::<ContactInput>(json!({"colour": "red"})).expect_err("unknown");
        assert_eq!(errors.0[0].field, "colour");
        let errors = parse::<ContactInput>(json!({"address": {"town": "Lyon"}})).expect_err("unknown nested");
        assert_eq!(errors.0[0].field, "address.town");
    }
}
