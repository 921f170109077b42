//! A row of a file read into what a client would send to create a contact, plus the name of
//! the company it works for. The contact's own validation then checks it like any input.

use crate::mapping::{Mapping, Target};
use crate::table::{MAX_CELL_CHARS, Row};
use crate::values::{boolean, clean_cell, country, currency, date, decimal, language, list};
use comptoir_domain::ValidationErrors;
use comptoir_domain::address::Address;
use comptoir_domain::contacts::{ContactInput, LifecycleStage, RawLabelled};
use comptoir_domain::custom_fields::{CustomFieldDefinition, FieldType};
use comptoir_domain::search::fold;
use serde_json::{Value, json};

/// A row as a contact's input, and the name of its company if the file gives one.
#[derive(Clone, Debug)]
pub struct ContactRow {
    pub line: u64,
    pub input: ContactInput,
    pub company: Option<String>,
}

/// Reads `row` with `mapping`; `width` is how many columns the header names. What the
/// contact's validation will check (an email's form, a name's length) is left to it.
pub fn read(
    row: &Row,
    mapping: &Mapping,
    width: usize,
    definitions: &[CustomFieldDefinition],
) -> Result<ContactRow, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    if row.cells.iter().skip(width).any(|c| !c.trim().is_empty()) {
        errors.add("row", "has more cells than the header names columns");
    }
    let mut input = ContactInput::default();
    let mut address = Address::default();
    let mut company = None;
    let mut full_name = None;
    for ((cell, target), label) in row.cells.iter().zip(&mapping.columns).zip(&mapping.labels) {
        let Some(target) = target else { continue };
        let value = clean_cell(cell);
        if value.is_empty() {
            continue;
        }
        if value.chars().count() > MAX_CELL_CHARS {
            errors.add(target.key(), format!("is longer than {MAX_CELL_CHARS} characters"));
            continue;
        }
        let text = Some(value.to_owned());
        let label = label.map(str::to_owned);
        match target {
            Target::FirstName => input.first_name = text,
            Target::LastName => input.last_name = text,
            Target::FullName => full_name = text,
            Target::Email => input.emails.extend(
                list(value).into_iter().map(|address| RawLabelled::Email { address, label: label.clone() }),
            ),
            Target::Phone => input.phones.push(RawLabelled::Phone { number: value.to_owned(), label }),
            Target::JobTitle => input.job_title = text,
            Target::Company => company = text,
            Target::Street => address.street = text,
            Target::PostalCode => address.postal_code = text,
            Target::City => address.city = text,
            Target::Region => address.region = text,
            Target::Country => address.country = Some(country(value)),
            Target::Language => input.language = Some(language(value)),
            Target::LifecycleStage => match stage(value) {
                Some(stage) => input.lifecycle_stage = Some(stage),
                None => errors.add("lifecycle_stage", "is not a lifecycle stage"),
            },
            Target::Source => input.source = text,
            Target::ExternalId => input.external_id = text,
            Target::Tags => input.tags.extend(list(value)),
            // A company's own fields are not a contact's: a contacts mapping never names them.
            Target::Name
            | Target::Domain
            | Target::Website
            | Target::Industry
            | Target::SizeBand
            | Target::Siren
            | Target::Siret
            | Target::VatNumber
            | Target::RelationshipType
            | Target::ServiceTier => {}
            Target::Custom(key) => {
                if let Some(definition) = definitions.iter().find(|d| &d.key == key) {
                    input.custom_fields.insert(key.clone(), custom_value(definition.field_type, value));
                }
            }
        }
    }
    if let Some(full_name) = full_name
        && input.first_name.is_none()
        && input.last_name.is_none()
    {
        let (first, last) = split_name(&full_name);
        input.first_name = first;
        input.last_name = Some(last);
    }
    if address != Address::default() {
        input.address = Some(address);
    }
    errors.into_result()?;
    Ok(ContactRow { line: row.line, input, company })
}

/// "Dupont, Jean" is last name first; "Jean Dupont" and "Jean-Marc de la Tour" put the last
/// word (or the words from a particle on) last.
fn split_name(full: &str) -> (Option<String>, String) {
    if let Some((last, first)) = full.split_once(',') {
        let first = first.trim();
        return ((!first.is_empty()).then(|| first.to_owned()), last.trim().to_owned());
    }
    let words: Vec<&str> = full.split_whitespace().collect();
    if words.len() < 2 {
        return (None, full.trim().to_owned());
    }
    let particle = words[1..words.len() - 1]
        .iter()
        .position(|w| {
            ["de", "du", "des", "le", "la", "van", "von", "di", "da", "d'"]
                .contains(&w.to_lowercase().as_str())
        })
        .map_or(words.len() - 1, |at| at + 1);
    (Some(words[..particle].join(" ")), words[particle..].join(" "))
}

/// A stage by its key or by its name in either language ("Client", "Qualifié marketing").
fn stage(value: &str) -> Option<LifecycleStage> {
    let folded = fold(value);
    let names: [(&str, &str, LifecycleStage); 8] = [
        ("abonne", "subscriber", LifecycleStage::Subscriber),
        ("piste", "lead", LifecycleStage::Lead),
        ("qualifie marketing", "marketing qualified", LifecycleStage::MarketingQualified),
        ("qualifie commercial", "sales qualified", LifecycleStage::SalesQualified),
        ("opportunite", "opportunity", LifecycleStage::Opportunity),
        ("client", "customer", LifecycleStage::Customer),
        ("ambassadeur", "evangelist", LifecycleStage::Evangelist),
        ("autre", "other", LifecycleStage::Other),
    ];
    names.iter().find(|(fr, en, _)| folded == *fr || folded == *en).map(|(_, _, stage)| *stage)
}

/// A custom field's cell in the JSON its validation takes. A cell that does not read as its
/// type is passed on as text, so the validation's own message names the problem.
pub(crate) fn custom_value(field_type: FieldType, cell: &str) -> Value {
    let read = match field_type {
        FieldType::Number => decimal(cell).and_then(|d| {
            // Whole numbers stay integers, so a number exported and imported again is unchanged.
            if d.fract().is_zero() {
                i64::try_from(d).ok().map(Value::from)
            } else {
                f64::try_from(d).ok().map(Value::from)
            }
        }),
        FieldType::Date => date(cell).map(Value::from),
        FieldType::Bool => boolean(cell).map(Value::from),
        FieldType::MultiSelect => Some(Value::from(list(cell))),
        FieldType::Currency => decimal(cell)
            .map(|amount| json!({"amount": amount.to_string(), "currency": currency(cell).unwrap_or("EUR")})),
        FieldType::Text | FieldType::Select | FieldType::Url | FieldType::Email | FieldType::Phone => None,
    };
    read.unwrap_or_else(|| Value::from(cell))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::RowKind;
    use chrono::Utc;
    use comptoir_domain::ids::{CustomFieldId, UserId};
    use comptoir_domain::kinds::RecordKind;

    fn definition(key: &str, field_type: FieldType) -> CustomFieldDefinition {
        CustomFieldDefinition {
            id: CustomFieldId::new(),
            object_type: RecordKind::Contact,
            key: key.to_owned(),
            label: key.to_owned(),
            field_type,
            options: Vec::new(),
            position: 0,
            identifying: false,
            version: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn row_of(
        header: &[&str],
        cells: &[&str],
        definitions: &[CustomFieldDefinition],
    ) -> Result<ContactRow, ValidationErrors> {
        let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
        let mapping = Mapping::suggest(RowKind::Contacts, &header, definitions);
        let row = Row { line: 2, cells: cells.iter().map(|c| (*c).to_owned()).collect() };
        read(&row, &mapping, header.len(), definitions)
    }

    #[test]
    fn a_french_row_becomes_a_valid_contact() {
        let definitions = [definition("budget", FieldType::Number), definition("signed_on", FieldType::Date)];
        let row = row_of(
            &[
                "Nom complet",
                "Courriel",
                "Téléphone portable",
                "Société",
                "Pays",
                "Étape",
                "budget",
                "signed_on",
            ],
            &[
                "Hélène Dupré",
                "helene@exemple.fr",
                "06 12 34 56 78",
                "Crème & Cie",
                "France",
                "Client",
                "1 234,50",
                "31/12/2026",
            ],
            &definitions,
        )
        .expect("a row");
        assert_eq!(row.company.as_deref(), Some("Crème & Cie"));
        let fields = row.input.validate(&definitions, UserId::new()).expect("valid");
        assert_eq!(
            (fields.first_name.as_deref(), fields.last_name.as_deref()),
            (Some("Hélène"), Some("Dupré"))
        );
        assert_eq!(fields.phones[0].number.as_str(), "+33612345678");
        assert_eq!(fields.phones[0].label.as_deref(), Some("mobile"));
        assert_eq!(fields.address.country.as_deref(), Some("FR"));
        assert_eq!(fields.lifecycle_stage, LifecycleStage::Customer);
        assert_eq!(fields.custom_fields["budget"], json!(1234.5));
        assert_eq!(fields.custom_fields["signed_on"], json!("2026-12-31"));
    }

    #[test]
    fn names_split_as_people_write_them() {
        assert_eq!(split_name("Dupont, Jean"), (Some("Jean".into()), "Dupont".into()));
        assert_eq!(split_name("Jean-Marc de la Tour"), (Some("Jean-Marc".into()), "de la Tour".into()));
        assert_eq!(split_name("Madonna"), (None, "Madonna".into()));
    }

    #[test]
    fn a_bad_row_names_its_problems() {
        let errors =
            row_of(&["Nom", "Étape"], &["Dupont", "Peut-être", "surplus"], &[]).expect_err("refused");
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["row", "lifecycle_stage"]);
        let long = "x".repeat(MAX_CELL_CHARS + 1);
        assert!(row_of(&["Nom"], &[&long], &[]).is_err());
    }
}
