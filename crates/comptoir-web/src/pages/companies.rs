//! What is particular to companies' pages: the form's fields (the head office's address
//! among them), the list's columns and cells.

use super::Chrome;
use super::custom;
use super::lists::Cell;
use super::record::Record;
use super::records::{Kind, Spec, body_from_form, choice_key, spec, user_name};
use super::session::Fields;
use comptoir_domain::companies::Company;
use comptoir_domain::custom_fields::CustomFieldDefinition;
use comptoir_domain::users::User;
use serde_json::{Map, Value};

const SIZES: &[&str] = &["1-9", "10-49", "50-249", "250-4999", "5000+"];
const RELATIONSHIPS: &[&str] = &["prospect", "customer", "partner", "supplier", "reseller", "other"];

/// The company form, in display order.
pub const SPECS: &[Spec] = &[
    spec("name", "field-name", Kind::Text).required().autocomplete("organization"),
    spec("relationship_type", "relationship", Kind::Choice(RELATIONSHIPS)),
    spec("owner_id", "field-owner", Kind::Owner),
    spec("domain", "field-domain", Kind::Text),
    spec("website", "field-website", Kind::Url),
    spec("industry", "field-industry", Kind::Text),
    spec("size_band", "size", Kind::Choice(SIZES)),
    spec("phones", "field-phones", Kind::PhoneLines),
    spec("siren", "field-siren", Kind::Text),
    spec("siret", "field-siret", Kind::Text),
    spec("vat_number", "field-vat-number", Kind::Text),
    spec("address.street", "field-street", Kind::Text),
    spec("address.postal_code", "field-postal-code", Kind::Text),
    spec("address.city", "field-city", Kind::Text),
    spec("address.country", "field-country", Kind::Text),
    spec("tags", "field-tags", Kind::Tags),
];

pub const DEFAULT_COLUMNS: &[&str] = &["name", "city", "industry", "relationship_type", "owner_id"];
pub const LIST_COLUMNS: &[&str] = &[
    "name",
    "domain",
    "website",
    "industry",
    "size_band",
    "siren",
    "phone",
    "city",
    "postal_code",
    "country",
    "relationship_type",
    "owner_id",
    "tags",
    "created_at",
    "updated_at",
];

pub fn cell(
    page: &Chrome,
    company: &Company,
    key: &str,
    users: &[User],
    definitions: &[CustomFieldDefinition],
) -> Cell {
    let f = &company.fields;
    let text = |s: Option<&String>| s.cloned().unwrap_or_default();
    let office = f.head_office();
    let mut numeric = false;
    let value = match key {
        "name" => f.name.clone(),
        "domain" => text(f.domain.as_ref()),
        "website" => text(f.website.as_ref()),
        "industry" => text(f.industry.as_ref()),
        "size_band" => f.size_band.map(|s| page.t(&choice_key("size", s.as_str()))).unwrap_or_default(),
        "siren" => f.siren.as_ref().map(|s| String::from(s.clone())).unwrap_or_default(),
        "phone" => f.primary_phone().map(|p| p.readable()).unwrap_or_default(),
        "city" => text(office.city.as_ref()),
        "postal_code" => text(office.postal_code.as_ref()),
        "country" => text(office.country.as_ref()),
        "relationship_type" => page.t(&choice_key("relationship", f.relationship_type.as_str())),
        "owner_id" => user_name(users, f.owner_id.map(|id| id.to_string())),
        "tags" => f.tags.join(", "),
        "created_at" => page.date(&company.created_at),
        "updated_at" => page.date(&company.updated_at),
        custom_key => {
            let (text, is_numeric) = custom::cell(custom_key, &f.custom_fields, definitions, page.lang);
            numeric = is_numeric;
            text
        }
    };
    let href = (key == "name").then(|| format!("/companies/{}", company.id));
    Cell { text: value, href, numeric }
}

/// The API body of a submitted company form (or one field of it). The form edits the head
/// office, the first of the company's addresses; the others are kept as they are.
pub fn body(fields: &Fields, only: Option<&str>, current: Option<&Record>) -> Value {
    let mut body = body_from_form(SPECS, fields, only);
    let Some(object) = body.as_object_mut() else { return body };
    let Some(Value::Object(typed)) = object.remove("address") else { return body };
    let (mut office, others) = match current {
        Some(Record::Company(company)) => {
            let office = serde_json::to_value(company.fields.head_office()).unwrap_or_default();
            let others: Vec<Value> = company
                .fields
                .addresses
                .iter()
                .skip(1)
                .filter_map(|a| serde_json::to_value(a).ok())
                .collect();
            (office.as_object().cloned().unwrap_or_default(), others)
        }
        _ => (Map::new(), vec![]),
    };
    office.extend(typed);
    let mut addresses = vec![];
    if office.values().any(|v| !v.is_null()) {
        addresses.push(Value::Object(office));
    }
    addresses.extend(others);
    object.insert("addresses".to_owned(), Value::Array(addresses));
    body
}
