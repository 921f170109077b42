//! Macros: the team's canned answers, in French or English, with placeholders the ticket fills
//! (`{{contact.first_name}}`), and the status the ticket takes when one is sent.

use crate::ids::MacroId;
use crate::tickets::TicketStatus;
use crate::validation::{ValidationErrors, check_length, clean_text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The placeholders a macro may use, and what each stands for.
pub const PLACEHOLDERS: [&str; 6] = [
    "contact.first_name",
    "contact.last_name",
    "contact.name",
    "ticket.reference",
    "ticket.subject",
    "agent.name",
];

#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MacroInput {
    #[serde(default)]
    pub name: Option<String>,
    /// The answer, with placeholders such as `{{contact.first_name}}`.
    #[serde(default)]
    pub body: Option<String>,
    /// `fr` or `en`; `fr` when omitted.
    #[serde(default)]
    pub language: Option<String>,
    /// The status the ticket takes when the answer is sent; it follows from the answer when
    /// omitted.
    #[serde(default)]
    pub status: Option<TicketStatus>,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MacroFields {
    pub name: String,
    pub body: String,
    pub language: String,
    pub status: Option<TicketStatus>,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Macro {
    pub id: MacroId,
    pub version: i64,
    #[serde(flatten)]
    pub fields: MacroFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Macro {
    pub fn new(fields: MacroFields, at: DateTime<Utc>) -> Self {
        Self { id: MacroId::new(), version: 1, fields, created_at: at, updated_at: at }
    }

    pub fn changed(&self, fields: MacroFields, at: DateTime<Utc>) -> Self {
        Self { version: self.version + 1, fields, updated_at: at, ..self.clone() }
    }
}

impl MacroFields {
    pub fn to_input(&self) -> MacroInput {
        MacroInput {
            name: Some(self.name.clone()),
            body: Some(self.body.clone()),
            language: Some(self.language.clone()),
            status: self.status,
        }
    }
}

impl MacroInput {
    pub fn validate(self) -> Result<MacroFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = clean_text(self.name);
        check_length(&mut errors, "name", &name, 100);
        if name.is_none() {
            errors.add("name", "is required");
        }
        let body = self.body.map(|b| b.trim().replace("\r\n", "\n")).filter(|b| !b.is_empty());
        check_length(&mut errors, "body", &body, 10_000);
        match &body {
            None => errors.add("body", "is required"),
            Some(body) => {
                if placeholders(body).is_err() {
                    errors.add("body", "uses a placeholder that does not exist");
                }
            }
        }
        let language = clean_text(self.language).unwrap_or_else(|| "fr".to_owned());
        if language != "fr" && language != "en" {
            errors.add("language", "must be fr or en");
        }
        if self.status == Some(TicketStatus::New) {
            errors.add("status", "an answered ticket is no longer new");
        }
        errors.into_result()?;
        Ok(MacroFields {
            name: name.unwrap_or_default(),
            body: body.unwrap_or_default(),
            language,
            status: self.status,
        })
    }
}

/// The placeholders `body` names, in order; the first unknown or unclosed one as the error.
fn placeholders(body: &str) -> Result<Vec<&str>, String> {
    let mut named = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { return Err(after.chars().take(30).collect()) };
        let name = after[..end].trim();
        if !PLACEHOLDERS.contains(&name) {
            return Err(name.to_owned());
        }
        named.push(name);
        rest = &after[end + 2..];
    }
    Ok(named)
}

/// What the placeholders stand for on one ticket; an unknown value is left empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MacroValues {
    pub contact_first_name: Option<String>,
    pub contact_last_name: Option<String>,
    pub ticket_reference: String,
    pub ticket_subject: String,
    pub agent_name: Option<String>,
}

impl MacroValues {
    fn value(&self, name: &str) -> String {
        let contact_name = || {
            [&self.contact_first_name, &self.contact_last_name]
                .into_iter()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join(" ")
        };
        match name {
            "contact.first_name" => self.contact_first_name.clone().unwrap_or_default(),
            "contact.last_name" => self.contact_last_name.clone().unwrap_or_default(),
            "contact.name" => contact_name(),
            "ticket.reference" => self.ticket_reference.clone(),
            "ticket.subject" => self.ticket_subject.clone(),
            "agent.name" => self.agent_name.clone().unwrap_or_default(),
            _ => String::new(),
        }
    }
}

/// `body` with each placeholder replaced by its value. The values are inserted as they are,
/// never read again, so a customer's name that looks like a placeholder stays as written.
pub fn render(body: &str, values: &MacroValues) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        out.push_str(&rest[..start]);
        out.push_str(&values.value(after[..end].trim()));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn values() -> MacroValues {
        MacroValues {
            contact_first_name: Some("Hélène".into()),
            contact_last_name: Some("Dupont".into()),
            ticket_reference: "T-000042".into(),
            ticket_subject: "Imprimante".into(),
            agent_name: Some("Claire".into()),
        }
    }

    #[test]
    fn placeholders_are_filled_from_the_ticket_and_unknown_ones_refused() {
        let body = "Bonjour {{contact.first_name}},\n\nVotre demande {{ ticket.reference }} est traitée.\n{{agent.name}}";
        assert_eq!(render(body, &values()), "Bonjour Hélène,\n\nVotre demande T-000042 est traitée.\nClaire");
        let input = |body: &str| MacroInput {
            name: Some("Merci".into()),
            body: Some(body.into()),
            ..MacroInput::default()
        };
        assert!(input(body).validate().is_ok());
        let wrong = input("Bonjour {{contact.prenom}}").validate().map_err(|e| e.0[0].message.clone());
        assert_eq!(wrong, Err("uses a placeholder that does not exist".to_owned()));
        assert!(input("Bonjour {{contact.first_name").validate().is_err(), "an unclosed placeholder");
        let new = MacroInput { status: Some(TicketStatus::New), ..input("Merci") }.validate();
        assert_eq!(new.map_err(|e| e.0[0].field.clone()), Err("status".to_owned()));
    }

    proptest! {
        /// What a customer wrote is never read as a placeholder, and nothing of a placeholder
        /// is left in the answer.
        #[test]
        fn rendering_leaves_no_placeholder_and_never_reads_a_value_again(name in "[{}a-zé. ]{0,20}") {
            let values = MacroValues { contact_first_name: Some(name.clone()), ..values() };
            let rendered = render("Bonjour {{contact.first_name}} ({{ticket.reference}})", &values);
            prop_assert_eq!(rendered, format!("Bonjour {name} (T-000042)"));
        }
    }
}
