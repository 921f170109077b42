//! Custom fields on forms and pages: one input per definition, typed values read back from
//! what was typed, and values written for the visitor's language.

use super::forms::FormField;
use super::session::Fields;
use crate::i18n::Lang;
use comptoir_domain::custom_fields::{CustomFieldDefinition, FieldType};
use serde_json::{Map, Value, json};

pub fn field_name(definition: &CustomFieldDefinition) -> String {
    format!("custom_fields.{}", definition.key)
}

/// The inputs for `definitions`, showing `typed` when a submission failed, else `values`.
pub fn form_fields(
    definitions: &[CustomFieldDefinition],
    values: &Map<String, Value>,
    typed: Option<&Fields>,
    lang: Lang,
) -> Vec<FormField> {
    definitions
        .iter()
        .map(|definition| {
            let name = field_name(definition);
            let stored = values.get(&definition.key);
            let label = definition.label.clone();
            match definition.field_type {
                FieldType::Bool => {
                    let on = match typed {
                        Some(typed) => typed.checked(&name),
                        None => stored.and_then(Value::as_bool).unwrap_or(false),
                    };
                    FormField::new(name, label, "checkbox", if on { "true" } else { "false" })
                }
                FieldType::Select => {
                    let value = match typed {
                        Some(typed) => typed.get(&name).unwrap_or_default().to_owned(),
                        None => stored.and_then(Value::as_str).unwrap_or_default().to_owned(),
                    };
                    let mut options = vec![(String::new(), String::new())];
                    options.extend(definition.options.iter().map(|o| (o.clone(), o.clone())));
                    FormField::select(&name, label, value, options)
                }
                FieldType::MultiSelect => {
                    let values: Vec<String> = match typed {
                        Some(typed) => typed.all(&name).map(str::to_owned).collect(),
                        None => stored
                            .and_then(Value::as_array)
                            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                            .unwrap_or_default(),
                    };
                    let options = definition.options.iter().map(|o| (o.clone(), o.clone())).collect();
                    FormField::select(&name, label, "", options).multiple(values)
                }
                other => {
                    let value = match typed {
                        Some(typed) => typed.get(&name).unwrap_or_default().to_owned(),
                        None => stored.map(|v| editable(other, v)).unwrap_or_default(),
                    };
                    let kind = match other {
                        FieldType::Number => "number",
                        FieldType::Date => "date",
                        FieldType::Url => "url",
                        FieldType::Email => "email",
                        FieldType::Phone => "tel",
                        _ => "text",
                    };
                    let field = FormField::new(name, label, kind, value);
                    if other == FieldType::Currency { field.hint(lang.t("currency-hint")) } else { field }
                }
            }
        })
        .collect()
}

/// A stored value as an input shows it.
fn editable(field_type: FieldType, value: &Value) -> String {
    match (field_type, value) {
        (FieldType::Currency, Value::Object(map)) => format!(
            "{} {}",
            map.get("amount").and_then(Value::as_str).unwrap_or_default(),
            map.get("currency").and_then(Value::as_str).unwrap_or_default()
        ),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

/// The custom values a form describes, as the API takes them: an empty input removes the
/// value (`null`), text that is not of the field's type is passed on for the rules to refuse
/// with their usual message.
pub fn values_from_form(definitions: &[CustomFieldDefinition], fields: &Fields) -> Map<String, Value> {
    definitions
        .iter()
        .map(|definition| {
            let name = field_name(definition);
            let text = fields.text(&name);
            let value = match definition.field_type {
                FieldType::Bool => Value::Bool(fields.checked(&name)),
                FieldType::MultiSelect => {
                    let chosen: Vec<Value> =
                        fields.all(&name).filter(|v| !v.is_empty()).map(Value::from).collect();
                    if chosen.is_empty() { Value::Null } else { Value::Array(chosen) }
                }
                FieldType::Number => match text {
                    None => Value::Null,
                    Some(text) => text
                        .replace(',', ".")
                        .replace([' ', '\u{a0}', '\u{202f}'], "")
                        .parse::<f64>()
                        .ok()
                        .and_then(|n| serde_json::Number::from_f64(n).map(Value::Number))
                        .unwrap_or(Value::String(text)),
                },
                FieldType::Currency => match text {
                    None => Value::Null,
                    Some(text) => currency(&text),
                },
                _ => text.map(Value::String).unwrap_or(Value::Null),
            };
            (definition.key.clone(), value)
        })
        .collect()
}

/// Reads "1 234,50 €", "1234.50 EUR" or "99" (euros) into the API's currency shape.
fn currency(text: &str) -> Value {
    let compact: String = text.chars().filter(|c| !c.is_whitespace() && *c != '\u{202f}').collect();
    let (amount, code) = match compact.char_indices().find(|(_, c)| c.is_alphabetic() || "€$£".contains(*c))
    {
        Some((at, _)) => (&compact[..at], &compact[at..]),
        None => (compact.as_str(), "EUR"),
    };
    let code = match code {
        "€" => "EUR",
        "$" => "USD",
        "£" => "GBP",
        other => other,
    };
    json!({ "amount": amount.replace(',', "."), "currency": code })
}

/// The list cell of column `cf.<key>`: the value as written for reading, and whether it is a
/// number (right-aligned).
pub fn cell(
    column: &str,
    values: &Map<String, Value>,
    definitions: &[CustomFieldDefinition],
    lang: Lang,
) -> (String, bool) {
    let Some(definition) = column.strip_prefix("cf.").and_then(|k| definitions.iter().find(|d| d.key == k))
    else {
        return (String::new(), false);
    };
    let text = values.get(&definition.key).map(|v| display(definition, v, lang)).unwrap_or_default();
    (text, super::lists::Column::custom(definition).numeric)
}

/// A stored value written for reading.
pub fn display(definition: &CustomFieldDefinition, value: &Value, lang: Lang) -> String {
    match (definition.field_type, value) {
        (FieldType::Bool, Value::Bool(b)) => lang.t(if *b { "yes" } else { "no" }),
        (FieldType::Number, Value::Number(n)) => {
            let n = n.as_f64().unwrap_or_default();
            let decimals = if n.fract() == 0.0 { 0 } else { 2 };
            lang.number(n, decimals)
        }
        (FieldType::Currency, Value::Object(map)) => {
            let amount = map.get("amount").and_then(Value::as_str).and_then(|a| a.parse::<f64>().ok());
            let code = map.get("currency").and_then(Value::as_str).unwrap_or("EUR");
            amount.map(|a| lang.money(a, code)).unwrap_or_default()
        }
        (FieldType::MultiSelect, Value::Array(items)) => {
            items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", ")
        }
        (_, Value::String(s)) => s.clone(),
        (_, Value::Null) => String::new(),
        (_, other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_is_read_as_typed_in_france_or_elsewhere() {
        assert_eq!(currency("1 234,50 €"), json!({"amount": "1234.50", "currency": "EUR"}));
        assert_eq!(currency("99"), json!({"amount": "99", "currency": "EUR"}));
        assert_eq!(currency("12.5 usd"), json!({"amount": "12.5", "currency": "usd"}));
    }
}
