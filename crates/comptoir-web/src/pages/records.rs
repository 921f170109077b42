//! The fields of a record form, declared once per kind of record: how each is drawn, read
//! back from what was typed into the API's JSON, and shown on the record's page. The full
//! edit form, the create form and inline editing all use the same declaration.

use super::codes::{code_name, code_of};
use super::forms::FormField;
use super::session::Fields;
use crate::i18n::Lang;
use comptoir_domain::phone::PhoneNumber;
use comptoir_domain::teams::TeamSummary;
use comptoir_domain::users::User;
use serde_json::{Map, Value, json};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Url,
    /// A day, `YYYY-MM-DD`.
    Date,
    /// A number, typed as people write it (`12 500,50`).
    Number,
    /// One email address per line (`emails`).
    EmailLines,
    /// One phone number per line (`phones`).
    PhoneLines,
    /// Comma-separated.
    Tags,
    /// A user, by id.
    Owner,
    /// A team, by id.
    Team,
    /// A company typed by name and resolved by the page.
    Company,
    /// A contact typed by name (or picked among suggestions that tell namesakes apart) and
    /// resolved by the page.
    Contact,
    /// A closed set of values, with `"{label_key}-{value}"` messages.
    Choice(&'static [&'static str]),
    /// A code of an open set (a country, a language), typed and shown by its name in either
    /// language ("France", "anglais") with `"{prefix}-{code}"` messages, suggested among
    /// these codes; one without a name here is typed and shown as its code.
    Code(&'static str, &'static [&'static str]),
    /// Yes or no, as a checkbox.
    Check,
}

#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// The form field's name: the API's path with dots (`address.city`).
    pub name: &'static str,
    pub label_key: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub autocomplete: &'static str,
}

pub const fn spec(name: &'static str, label_key: &'static str, kind: Kind) -> Spec {
    Spec { name, label_key, kind, required: false, autocomplete: "" }
}

impl Spec {
    pub const fn required(self) -> Spec {
        Spec { required: true, ..self }
    }

    pub const fn autocomplete(self, autocomplete: &'static str) -> Spec {
        Spec { autocomplete, ..self }
    }

    fn path(&self) -> impl Iterator<Item = &'static str> {
        self.name.split('.')
    }

    /// The stored value at this field's path in the record's JSON.
    fn stored<'a>(&self, record: &'a Value) -> Option<&'a Value> {
        let mut at = record;
        for step in self.path() {
            at = at.get(step)?;
        }
        Some(at)
    }

    /// The record's value as the input shows it.
    pub fn editable(&self, record: &Value) -> String {
        let Some(value) = self.stored(record) else {
            return String::new();
        };
        match (self.kind, value) {
            (Kind::EmailLines, Value::Array(items)) => lines(items, "address", "\n"),
            (Kind::PhoneLines, Value::Array(items)) => lines(items, "number", "\n"),
            (Kind::Tags, Value::Array(items)) => lines(items, "", ", "),
            (Kind::Company, _) => {
                record.pointer("/company/name").and_then(Value::as_str).unwrap_or_default().to_owned()
            }
            (Kind::Contact, _) => {
                record.pointer("/contact/name").and_then(Value::as_str).unwrap_or_default().to_owned()
            }
            (_, Value::String(s)) => s.clone(),
            (_, Value::Null) => String::new(),
            (_, other) => other.to_string(),
        }
    }

    /// The record's value as the page shows it.
    pub fn display(&self, record: &Value, lang: Lang, users: &[User]) -> String {
        match self.kind {
            Kind::Choice(_) => {
                let value = self.editable(record);
                if value.is_empty() { value } else { lang.t(&choice_key(self.label_key, &value)) }
            }
            Kind::Owner => {
                let id = self.editable(record);
                users.iter().find(|u| u.id.to_string() == id).map(|u| u.name().to_owned()).unwrap_or_default()
            }
            Kind::Code(prefix, _) => {
                let code = self.editable(record);
                if code.is_empty() { code } else { code_name(lang, prefix, &code) }
            }
            Kind::Check => lang.t(if self.editable(record) == "true" { "yes" } else { "no" }),
            Kind::Team => record.pointer("/team/name").and_then(Value::as_str).unwrap_or_default().to_owned(),
            Kind::EmailLines => self.editable(record).replace('\n', ", "),
            Kind::PhoneLines => self
                .editable(record)
                .lines()
                .map(|number| {
                    PhoneNumber::try_from(number.to_owned())
                        .map_or_else(|_| number.to_owned(), |p| p.readable())
                })
                .collect::<Vec<_>>()
                .join(", "),
            _ => self.editable(record),
        }
    }

    /// The input for this field holding `value`; users and teams are chosen among `users`
    /// and `teams`.
    pub fn form_field(&self, value: String, lang: Lang, users: &[User], teams: &[TeamSummary]) -> FormField {
        let label = lang.t(self.label_key);
        let field = match self.kind {
            Kind::Text | Kind::Company | Kind::Contact => FormField::new(self.name, label, "text", value),
            Kind::Url => FormField::new(self.name, label, "url", value),
            Kind::Check => FormField::new(self.name, label, "checkbox", value),
            Kind::Date => FormField::new(self.name, label, "date", value),
            // Text, not `number`: a browser's number input refuses "12 500,50" as people type it.
            Kind::Number => FormField::new(self.name, label, "text", value).input_mode("decimal"),
            Kind::EmailLines | Kind::PhoneLines => {
                FormField::new(self.name, label, "textarea", value).hint(lang.t("one-per-line"))
            }
            Kind::Tags => FormField::new(self.name, label, "text", value).hint(lang.t("comma-separated")),
            Kind::Owner => {
                let mut options = vec![(String::new(), String::new())];
                options.extend(users.iter().map(|u| (u.id.to_string(), u.name().to_owned())));
                FormField::select(self.name, label, value, options)
            }
            Kind::Team => {
                let mut options = vec![(String::new(), String::new())];
                options.extend(teams.iter().map(|t| (t.id.to_string(), t.name.clone())));
                FormField::select(self.name, label, value, options)
            }
            Kind::Code(prefix, codes) => {
                let shown = if value.is_empty() { value } else { code_name(lang, prefix, &value) };
                let mut field = FormField::new(self.name, label, "text", shown)
                    .list(&format!("{prefix}-names"))
                    .hint(lang.t(&format!("{prefix}-hint")));
                field.options = codes.iter().map(|c| ((*c).to_owned(), code_name(lang, prefix, c))).collect();
                field
            }
            Kind::Choice(values) => {
                let options = values
                    .iter()
                    .map(|v| ((*v).to_owned(), lang.t(&choice_key(self.label_key, v))))
                    .collect();
                FormField::select(self.name, label, value, options)
            }
        };
        let field = match self.kind {
            Kind::Company => field.list("company-names"),
            Kind::Contact => field.list("contact-names"),
            _ => field,
        };
        let field = if self.required { field.required() } else { field };
        field.autocomplete(self.autocomplete)
    }

    /// What was typed, as the API's JSON value for this field.
    fn typed(&self, fields: &Fields) -> Value {
        let text = fields.text(self.name);
        match self.kind {
            Kind::EmailLines | Kind::PhoneLines => {
                let raw = fields.get(self.name).unwrap_or_default();
                Value::Array(raw.lines().map(str::trim).filter(|l| !l.is_empty()).map(Value::from).collect())
            }
            Kind::Tags => {
                let raw = fields.get(self.name).unwrap_or_default();
                Value::Array(
                    raw.split(',').map(str::trim).filter(|t| !t.is_empty()).map(Value::from).collect(),
                )
            }
            Kind::Number => text.map(|t| typed_number(&t)).unwrap_or(Value::Null),
            Kind::Check => Value::Bool(fields.checked(self.name)),
            Kind::Code(prefix, codes) => {
                text.map(|t| Value::String(code_of(prefix, codes, &t))).unwrap_or(Value::Null)
            }
            _ => text.map(Value::String).unwrap_or(Value::Null),
        }
    }
}

/// A text field as typed, trimmed; nothing typed is no value.
pub fn typed_text(typed: &str) -> Value {
    let typed = typed.trim();
    if typed.is_empty() { Value::Null } else { Value::String(typed.to_owned()) }
}

/// What [`typed_number`] reads, with nothing typed read as no value.
pub fn typed_optional_number(typed: &str) -> Value {
    if typed.trim().is_empty() { Value::Null } else { typed_number(typed) }
}

/// A number as people type it (`12 500,50`, `12,500.50`, `55`): a whole number becomes a JSON
/// number, a decimal a string the API reads exactly; anything else stays as typed, for the
/// API to refuse by name.
pub fn typed_number(typed: &str) -> Value {
    let mut text: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '\u{202f}').collect();
    if text.contains(',') {
        text = if text.contains('.') { text.replace(',', "") } else { text.replace(',', ".") };
    }
    if let Ok(whole) = text.parse::<i64>() {
        return Value::from(whole);
    }
    let decimal = text.strip_prefix('-').unwrap_or(&text);
    let is_decimal = decimal.split_once('.').is_some_and(|(whole, fraction)| {
        !(whole.is_empty() && fraction.is_empty())
            && whole.chars().chain(fraction.chars()).all(|c| c.is_ascii_digit())
    });
    Value::String(if is_decimal { text } else { typed.to_owned() })
}

/// The message naming one value of a closed set; Fluent keys cannot hold `+`.
pub fn choice_key(label_key: &str, value: &str) -> String {
    format!("{label_key}-{}", value.replace('+', "-plus"))
}

fn set_path(object: &mut Map<String, Value>, steps: &[&str], value: Value) {
    match steps {
        [] => {}
        [last] => {
            object.insert((*last).to_owned(), value);
        }
        [first, rest @ ..] => {
            let entry = object.entry((*first).to_owned()).or_insert_with(|| json!({}));
            if let Some(inner) = entry.as_object_mut() {
                set_path(inner, rest, value);
            }
        }
    }
}

fn lines(items: &[Value], member: &str, separator: &str) -> String {
    items
        .iter()
        .filter_map(|item| if member.is_empty() { item.as_str() } else { item.get(member)?.as_str() })
        .collect::<Vec<_>>()
        .join(separator)
}

/// The API body a form describes: every declared field (or only `only`), set at its path.
/// Companies and contacts typed by name are left to the page, which resolves them.
pub fn body_from_form(specs: &[Spec], fields: &Fields, only: Option<&str>) -> Value {
    let mut body = Map::new();
    let typed_by_name = |s: &Spec| matches!(s.kind, Kind::Company | Kind::Contact);
    for spec in specs.iter().filter(|s| !typed_by_name(s) && only.is_none_or(|o| o == s.name)) {
        let steps: Vec<&str> = spec.path().collect();
        set_path(&mut body, &steps, spec.typed(fields));
    }
    Value::Object(body)
}

/// The version a form was loaded at, which its submission must still find.
pub fn version_of(fields: &Fields) -> Option<i64> {
    fields.get("version").and_then(|v| v.parse().ok())
}

/// How the user with this id is shown; empty when there is none.
pub fn user_name(users: &[User], id: Option<String>) -> String {
    id.and_then(|id| users.iter().find(|u| u.id.to_string() == id))
        .map(|u| u.name().to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[Spec] = &[
        spec("first_name", "field-first-name", Kind::Text),
        spec("emails", "field-emails", Kind::EmailLines),
        spec("address.city", "field-city", Kind::Text),
        spec("tags", "field-tags", Kind::Tags),
    ];

    fn typed(pairs: &[(&str, &str)]) -> Fields {
        Fields(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    #[test]
    fn a_form_becomes_the_api_body_with_nested_paths_lists_and_cleared_fields() {
        let body = body_from_form(
            SPECS,
            &typed(&[
                ("first_name", " "),
                ("emails", "a@exemple.fr\n\nb@exemple.fr"),
                ("address.city", "Lyon"),
                ("tags", "vip, , lyon"),
            ]),
            None,
        );
        assert_eq!(
            body,
            json!({"first_name": null, "emails": ["a@exemple.fr", "b@exemple.fr"], "address": {"city": "Lyon"}, "tags": ["vip", "lyon"]})
        );
        let only = body_from_form(SPECS, &typed(&[("address.city", "Paris")]), Some("address.city"));
        assert_eq!(only, json!({"address": {"city": "Paris"}}));
    }

    #[test]
    fn numbers_are_read_as_people_type_them() {
        assert_eq!(typed_number("12 500,50"), json!("12500.50"));
        assert_eq!(typed_number("12,500.50"), json!("12500.50"));
        assert_eq!(typed_number("12\u{a0}500"), json!(12500));
        assert_eq!(typed_number("55"), json!(55));
        assert_eq!(typed_number("-3,5"), json!("-3.5"));
        assert_eq!(typed_number("beaucoup"), json!("beaucoup"));
    }

    #[test]
    fn stored_values_are_shown_for_editing() {
        let record = json!({"emails": [{"address": "a@exemple.fr"}, {"address": "b@exemple.fr"}], "address": {"city": "Lyon"}, "tags": ["x", "y"]});
        assert_eq!(SPECS[1].editable(&record), "a@exemple.fr\nb@exemple.fr");
        assert_eq!(SPECS[2].editable(&record), "Lyon");
        assert_eq!(SPECS[3].editable(&record), "x, y");
    }
}
