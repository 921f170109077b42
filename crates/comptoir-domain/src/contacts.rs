//! Contacts: the people a company deals with, and what makes one valid.

use crate::address::Address;
use crate::custom_fields::{CustomFieldDefinition, validate_values};
use crate::email::EmailAddress;
use crate::ids::{CompanyId, ContactId, UserId};
use crate::phone::PhoneNumber;
use crate::search::fold;
use crate::tags::clean_tags;
use crate::validation::{ValidationErrors, check_length, clean_text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::HashSet;

/// Where a contact stands on the way from first touch to loyal customer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleStage {
    Subscriber,
    #[default]
    Lead,
    MarketingQualified,
    SalesQualified,
    Opportunity,
    Customer,
    Evangelist,
    Other,
}

impl LifecycleStage {
    pub const ALL: [LifecycleStage; 8] = [
        LifecycleStage::Subscriber,
        LifecycleStage::Lead,
        LifecycleStage::MarketingQualified,
        LifecycleStage::SalesQualified,
        LifecycleStage::Opportunity,
        LifecycleStage::Customer,
        LifecycleStage::Evangelist,
        LifecycleStage::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LifecycleStage::Subscriber => "subscriber",
            LifecycleStage::Lead => "lead",
            LifecycleStage::MarketingQualified => "marketing_qualified",
            LifecycleStage::SalesQualified => "sales_qualified",
            LifecycleStage::Opportunity => "opportunity",
            LifecycleStage::Customer => "customer",
            LifecycleStage::Evangelist => "evangelist",
            LifecycleStage::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|stage| stage.as_str() == s)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LabelledEmail {
    #[schema(value_type = String, example = "helene.dupont@exemple.fr")]
    pub address: EmailAddress,
    /// Free label such as "work" or "home".
    #[serde(default)]
    pub label: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LabelledPhone {
    /// E.164 once stored; national French numbers are accepted on input.
    #[schema(value_type = String, example = "+33612345678")]
    pub number: PhoneNumber,
    #[serde(default)]
    pub label: Option<String>,
}

/// What a client sends to create a contact, or the result of merging a `PATCH` into the
/// current contact. Everything is checked by [`ContactInput::validate`].
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    /// The first address is the primary one.
    #[serde(default)]
    #[schema(value_type = Vec<LabelledEmail>)]
    pub emails: Vec<RawLabelled>,
    /// The first number is the primary one.
    #[serde(default)]
    #[schema(value_type = Vec<LabelledPhone>)]
    pub phones: Vec<RawLabelled>,
    #[serde(default)]
    pub job_title: Option<String>,
    #[serde(default)]
    pub company_id: Option<CompanyId>,
    #[serde(default)]
    pub address: Option<Address>,
    /// ISO 639-1 language code, such as "fr".
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub lifecycle_stage: Option<LifecycleStage>,
    #[serde(default)]
    pub source: Option<String>,
    /// The id another system knows the contact by (an ERP's customer number): at most one
    /// contact has it, and imports match their rows on it first.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Defaults to the user who creates the contact.
    #[serde(default)]
    pub owner_id: Option<UserId>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub custom_fields: Map<String, Value>,
}

/// An email or phone as typed, before it is parsed. Accepts `{"address": …}`,
/// `{"number": …}` or a bare string.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RawLabelled {
    Plain(String),
    Email {
        address: String,
        #[serde(default)]
        label: Option<String>,
    },
    Phone {
        number: String,
        #[serde(default)]
        label: Option<String>,
    },
}

impl RawLabelled {
    fn parts(&self) -> (&str, Option<String>) {
        match self {
            RawLabelled::Plain(value) => (value, None),
            RawLabelled::Email { address, label } => (address, clean_text(label.clone())),
            RawLabelled::Phone { number, label } => (number, clean_text(label.clone())),
        }
    }
}

/// A contact's own data: everything a client may set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ContactFields {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub emails: Vec<LabelledEmail>,
    pub phones: Vec<LabelledPhone>,
    pub job_title: Option<String>,
    pub company_id: Option<CompanyId>,
    pub address: Address,
    pub language: Option<String>,
    pub lifecycle_stage: LifecycleStage,
    pub source: Option<String>,
    /// The id another system knows the contact by; unique.
    pub external_id: Option<String>,
    pub owner_id: Option<UserId>,
    pub tags: Vec<String>,
    #[schema(value_type = Object)]
    pub custom_fields: Map<String, Value>,
}

pub const MAX_EMAILS: usize = 10;
pub const MAX_PHONES: usize = 10;

impl ContactInput {
    /// Parses every field, collecting all errors. `owner_default` fills a missing owner.
    pub fn validate(
        self,
        definitions: &[CustomFieldDefinition],
        owner_default: UserId,
    ) -> Result<ContactFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let first_name = clean_text(self.first_name);
        let last_name = clean_text(self.last_name);
        check_length(&mut errors, "first_name", &first_name, 100);
        check_length(&mut errors, "last_name", &last_name, 100);

        // Counts are checked before any item is parsed, so an oversized list costs nothing.
        let mut emails: Vec<LabelledEmail> = Vec::new();
        if self.emails.len() > MAX_EMAILS {
            errors.add("emails", format!("at most {MAX_EMAILS} addresses"));
        } else {
            let mut seen = HashSet::new();
            for (i, raw) in self.emails.iter().enumerate() {
                let (value, label) = raw.parts();
                if let Some(address) = errors.check(&format!("emails[{i}]"), EmailAddress::parse(value))
                    && seen.insert(address.clone())
                {
                    emails.push(LabelledEmail { address, label });
                }
            }
        }
        let mut phones: Vec<LabelledPhone> = Vec::new();
        if self.phones.len() > MAX_PHONES {
            errors.add("phones", format!("at most {MAX_PHONES} numbers"));
        } else {
            let mut seen = HashSet::new();
            for (i, raw) in self.phones.iter().enumerate() {
                let (value, label) = raw.parts();
                if let Some(number) = errors.check(&format!("phones[{i}]"), PhoneNumber::parse(value))
                    && seen.insert(number.clone())
                {
                    phones.push(LabelledPhone { number, label });
                }
            }
        }
        if first_name.is_none() && last_name.is_none() && emails.is_empty() && self.emails.is_empty() {
            errors.add("last_name", "a contact needs a name or an email address");
        }

        let job_title = clean_text(self.job_title);
        check_length(&mut errors, "job_title", &job_title, 200);
        let address = self.address.unwrap_or_default().clean("address", &mut errors);
        let language = clean_text(self.language).map(|l| l.to_lowercase());
        if let Some(language) = &language
            && (language.len() != 2 || !language.chars().all(|c| c.is_ascii_lowercase()))
        {
            errors.add("language", "must be a two-letter ISO 639-1 code such as fr or en");
        }
        let source = clean_text(self.source);
        check_length(&mut errors, "source", &source, 100);
        let external_id = clean_text(self.external_id);
        check_length(&mut errors, "external_id", &external_id, 100);
        let tags = clean_tags(self.tags, &mut errors);
        let custom_fields = validate_values(self.custom_fields, definitions, &mut errors);

        errors.into_result()?;
        Ok(ContactFields {
            first_name,
            last_name,
            emails,
            phones,
            job_title,
            company_id: self.company_id,
            address,
            language,
            lifecycle_stage: self.lifecycle_stage.unwrap_or_default(),
            source,
            external_id,
            owner_id: Some(self.owner_id.unwrap_or(owner_default)),
            tags,
            custom_fields,
        })
    }
}

impl ContactFields {
    /// The same data in the shape a client sends, so a `PATCH` can be merged into it.
    pub fn to_input(&self) -> ContactInput {
        ContactInput {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            emails: self
                .emails
                .iter()
                .map(|e| RawLabelled::Email { address: e.address.to_string(), label: e.label.clone() })
                .collect(),
            phones: self
                .phones
                .iter()
                .map(|p| RawLabelled::Phone { number: p.number.to_string(), label: p.label.clone() })
                .collect(),
            job_title: self.job_title.clone(),
            company_id: self.company_id,
            address: Some(self.address.clone()),
            language: self.language.clone(),
            lifecycle_stage: Some(self.lifecycle_stage),
            source: self.source.clone(),
            external_id: self.external_id.clone(),
            owner_id: self.owner_id,
            tags: self.tags.clone(),
            custom_fields: self.custom_fields.clone(),
        }
    }

    pub fn primary_email(&self) -> Option<&EmailAddress> {
        self.emails.first().map(|e| &e.address)
    }

    pub fn primary_phone(&self) -> Option<&PhoneNumber> {
        self.phones.first().map(|p| &p.number)
    }

    pub fn display_name(&self) -> String {
        let email = self.primary_email().map(ToString::to_string);
        name_of(self.first_name.as_deref(), self.last_name.as_deref(), email.as_deref())
    }

    /// The folded text a contact is found by: names, every email (whole and split into its
    /// parts), every phone in international and national digits.
    pub fn search_text(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        parts.extend(self.first_name.iter().cloned());
        parts.extend(self.last_name.iter().cloned());
        for email in &self.emails {
            parts.push(email.address.to_string());
        }
        for phone in &self.phones {
            parts.push(phone.number.as_str().trim_start_matches('+').to_owned());
            parts.extend(phone.number.national_digits());
        }
        fold(&parts.join(" "))
    }
}

/// How a contact is named: first and last name, or its email address when it has neither.
pub fn name_of(first_name: Option<&str>, last_name: Option<&str>, email: Option<&str>) -> String {
    let name = [first_name, last_name].into_iter().flatten().collect::<Vec<_>>().join(" ");
    if name.is_empty() { email.unwrap_or_default().to_owned() } else { name }
}

/// A contact as shown with a record that names it (a deal's contact).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ContactSummary {
    pub id: ContactId,
    pub name: String,
}

/// The company a contact belongs to, as shown with the contact.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CompanySummary {
    pub id: CompanyId,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Contact {
    pub id: ContactId,
    /// Increases with every change; send it back in `If-Match` to update safely.
    pub version: i64,
    #[serde(flatten)]
    pub fields: ContactFields,
    pub company: Option<CompanySummary>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_activity_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(value: Value) -> ContactInput {
        serde_json::from_value(value).expect("well-formed input")
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let errors = input(json!({
            "first_name": "Hélène",
            "emails": ["not-an-email", {"address": "ok@exemple.fr"}],
            "phones": ["12"],
            "language": "french",
        }))
        .validate(&[], crate::ids::UserId::new())
        .expect_err("invalid");
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["emails[0]", "phones[0]", "language"]);
    }

    #[test]
    fn a_contact_needs_a_name_or_an_email() {
        let errors = input(json!({})).validate(&[], UserId::new()).expect_err("empty");
        assert_eq!(errors.0[0].field, "last_name");
        assert!(input(json!({"emails": ["a@exemple.fr"]})).validate(&[], UserId::new()).is_ok());
    }

    #[test]
    fn duplicates_are_dropped_and_owner_defaults_to_creator() {
        let me = UserId::new();
        let fields = input(json!({
            "last_name": "Dupont",
            "emails": ["A@exemple.fr", "a@exemple.fr"],
            "phones": ["06 12 34 56 78", "+33612345678"],
        }))
        .validate(&[], me)
        .expect("valid");
        assert_eq!(fields.emails.len(), 1);
        assert_eq!(fields.phones.len(), 1);
        assert_eq!(fields.owner_id, Some(me));
    }

    #[test]
    fn search_text_is_folded_and_holds_national_phone_digits() {
        let fields = input(json!({"first_name": "Hélène", "last_name": "Dupont", "phones": ["0612345678"]}))
            .validate(&[], UserId::new())
            .expect("valid");
        assert_eq!(fields.search_text(), "helene dupont 33612345678 0612345678");
    }

    #[test]
    fn to_input_round_trips() {
        let fields = input(json!({
            "first_name": "Jean", "emails": [{"address": "j@exemple.fr", "label": "work"}],
            "tags": ["vip"], "address": {"city": "Lyon", "country": "fr"},
        }))
        .validate(&[], UserId::new())
        .expect("valid");
        let again = fields.to_input().validate(&[], UserId::new()).expect("still valid");
        assert_eq!(fields, again);
    }
}
