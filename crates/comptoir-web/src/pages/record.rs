//! A contact or a company, as the shared record pages handle either.

use comptoir_domain::companies::Company;
use comptoir_domain::contacts::Contact;
use comptoir_domain::ids::UserId;
use serde_json::{Map, Value};
use uuid::Uuid;

/// A contact or a company, as the shared pages handle them.
pub enum Record {
    Contact(Contact),
    Company(Company),
}

impl Record {
    pub fn id(&self) -> Uuid {
        match self {
            Record::Contact(c) => c.id.0,
            Record::Company(c) => c.id.0,
        }
    }

    pub fn version(&self) -> i64 {
        match self {
            Record::Contact(c) => c.version,
            Record::Company(c) => c.version,
        }
    }

    pub fn owner(&self) -> Option<UserId> {
        match self {
            Record::Contact(c) => c.fields.owner_id,
            Record::Company(c) => c.fields.owner_id,
        }
    }

    pub fn name(&self) -> String {
        match self {
            Record::Contact(c) => c.fields.display_name(),
            Record::Company(c) => c.fields.name.clone(),
        }
    }

    pub fn custom_fields(&self) -> &Map<String, Value> {
        match self {
            Record::Contact(c) => &c.fields.custom_fields,
            Record::Company(c) => &c.fields.custom_fields,
        }
    }

    /// The record as the form's fields read it: the API's JSON, with a company's head office
    /// as `address` like a contact's.
    pub fn form_json(&self) -> Value {
        match self {
            Record::Contact(c) => serde_json::to_value(c).unwrap_or_default(),
            Record::Company(c) => {
                let mut value = serde_json::to_value(c).unwrap_or_default();
                value["address"] = serde_json::to_value(c.fields.head_office()).unwrap_or_default();
                value
            }
        }
    }
}
