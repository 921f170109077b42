//! Validation failures name the field they concern, so every client can show the message next
//! to the input that caused it.

use serde::Serialize;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The field's name as the API spells it (`emails[1]`, `custom_fields.budget`).
    pub field: String,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn single(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError { field: field.into(), message: message.into() });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Keeps the value when it parsed, records the error under `field` when it did not, so a
    /// form reports every bad field at once instead of the first one.
    pub fn check<T, E: fmt::Display>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.add(field, error.to_string());
                None
            }
        }
    }

    pub fn into_result(self) -> Result<(), ValidationErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
        write!(f, "{}", parts.join("; "))
    }
}

impl std::error::Error for ValidationErrors {}

/// Whether `c` is an ASCII control character (C0 or DEL): what breaks headers, terminals,
/// CSV cells and PostgreSQL, which refuses NUL outright.
pub fn is_ascii_control(c: char) -> bool {
    c < ' ' || c == '\u{7f}'
}

/// Whether `c` is a control character that no text field may hold. Tabs and line breaks
/// are text; NUL and the other ASCII controls are not.
pub fn is_forbidden_control(c: char) -> bool {
    is_ascii_control(c) && !matches!(c, '\t' | '\n' | '\r')
}

/// Refuses control characters anywhere in a client's JSON, in values and in keys, naming the
/// field by its path (`emails[0]`, `custom_fields.note`). One walk over the input before it
/// is read means no input type can forget the check.
pub fn refuse_control_characters(value: &serde_json::Value) -> Result<(), ValidationErrors> {
    fn walk(value: &serde_json::Value, path: &mut String, errors: &mut ValidationErrors) {
        const MESSAGE: &str = "must not contain control characters";
        match value {
            serde_json::Value::String(text) if text.chars().any(is_forbidden_control) => {
                errors.add(if path.is_empty() { "body" } else { path.as_str() }, MESSAGE);
            }
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    walk(item, path, errors);
                    path.truncate(len);
                }
            }
            serde_json::Value::Object(map) => {
                for (key, item) in map {
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    if key.chars().any(is_forbidden_control) {
                        path.push_str(&key.replace(is_forbidden_control, "?"));
                        errors.add(path.as_str(), MESSAGE);
                    } else {
                        path.push_str(key);
                        walk(item, path, errors);
                    }
                    path.truncate(len);
                }
            }
            _ => {}
        }
    }
    let mut errors = ValidationErrors::new();
    walk(value, &mut String::new(), &mut errors);
    errors.into_result()
}

/// Trims and turns an empty string into `None`: an empty form field means "no value".
pub fn clean_text(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Rejects text longer than `max` characters.
pub fn check_length(errors: &mut ValidationErrors, field: &str, value: &Option<String>, max: usize) {
    if let Some(v) = value
        && v.chars().count() > max
    {
        errors.add(field, format!("must be at most {max} characters"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn control_characters_are_refused_by_their_field_path() {
        let body = json!({"first_name": "Ana\u{0}", "emails": ["a@b.fr", "x\u{7}@y.fr"],
            "custom_fields": {"ok": "line\nbreak\tand tab", "bad\u{1b}": 1}});
        let errors = refuse_control_characters(&body).expect_err("controls");
        let mut fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["custom_fields.bad?", "emails[1]", "first_name"]);
        assert!(refuse_control_characters(&json!({"body": "a\r\nb\tc"})).is_ok());
    }
}
