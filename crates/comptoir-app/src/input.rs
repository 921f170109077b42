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
        if let Some(missing) = missing_field_name(&message) {
            let field = if field == "body" { missing.to_owned() } else { format!("{field}.{missing}") };
            return ValidationErrors::single(field, "is required");
        }
        ValidationErrors::single(field, in_our_words(&message))
    })
}

fn missing_field_name(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

/// The reader's message in the words of the rules, which every page translates: serde and
/// chrono speak of the Rust types a value missed (`expected u32`), not of what to type.
fn in_our_words(message: &str) -> String {
    if message.starts_with("unknown field") {
        return "is not a field of this record".to_owned();
    }
    // What chrono says of a date or a time it cannot read.
    if [
        "input contains invalid characters",
        "premature end of input",
        "input is out of range",
        "trailing input",
    ]
    .contains(&message)
    {
        return "must be a date written YYYY-MM-DD (with a time, in RFC 3339)".to_owned();
    }
    let Some((_, expected)) = message.rsplit_once(", expected ") else {
        return message.to_owned();
    };
    let whole_numbers = ["u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64", "isize"];
    if whole_numbers.contains(&expected) && message.starts_with("invalid value: integer") {
        "is out of range".to_owned()
    } else if whole_numbers.contains(&expected) {
        "must be a whole number".to_owned()
    } else if ["f32", "f64", "a number"].contains(&expected) {
        "must be a number".to_owned()
    } else if expected == "a boolean" {
        "must be true or false".to_owned()
    } else if expected == "a string" {
        "must be a string".to_owned()
    } else if expected.starts_with("a sequence") || expected.starts_with("a list") {
        "must be a list".to_owned()
    } else if message.starts_with("unknown variant") {
        format!("must be {}", expected.trim_start_matches("one of ").replace('`', ""))
    } else {
        message.to_owned()
    }
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

    #[test]
    fn errors_speak_of_what_to_type_not_of_rust_types() {
        let levels =
            |body| parse::<comptoir_domain::service_levels::ServiceLevels>(body).expect_err("refused");
        let errors = levels(json!({"warn_before_minutes": "soon"}));
        assert_eq!(errors.0[0].field, "warn_before_minutes");
        assert_eq!(errors.0[0].message, "must be a whole number");
        let errors = levels(json!({"warn_before_minutes": -5}));
        assert_eq!(errors.0[0].message, "is out of range");
        let errors = levels(json!({"business_hours": {"closed_days": ["31/12/2026"]}}));
        assert_eq!(errors.0[0].field, "business_hours.closed_days[0]");
        assert_eq!(errors.0[0].message, "must be a date written YYYY-MM-DD (with a time, in RFC 3339)");
        let errors = levels(json!({"raise_priority_when_missed": "yes"}));
        assert_eq!(errors.0[0].message, "must be true or false");
        let errors = parse::<ContactInput>(json!({"lifecycle_stage": "king"})).expect_err("bad enum");
        assert!(errors.0[0].message.starts_with("must be subscriber, lead,"), "{}", errors.0[0].message);
        let errors = levels(json!({}));
        assert_eq!(
            (errors.0[0].field.as_str(), errors.0[0].message.as_str()),
            ("business_hours", "is required")
        );
    }
}
