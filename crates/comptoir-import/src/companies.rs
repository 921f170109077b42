//! A row of a companies file read into what a client would send to create a company. The
//! company's own validation then checks it like any input.

use crate::contacts::custom_value;
use crate::mapping::{Mapping, Target};
use crate::table::{MAX_CELL_CHARS, Row};
use crate::values::{clean_cell, country, decimal, list};
use comptoir_domain::ValidationErrors;
use comptoir_domain::address::Address;
use comptoir_domain::companies::{CompanyInput, RelationshipType, SizeBand};
use comptoir_domain::contacts::RawLabelled;
use comptoir_domain::custom_fields::CustomFieldDefinition;
use comptoir_domain::search::fold;

/// A row as a company's input.
#[derive(Clone, Debug)]
pub struct CompanyRow {
    pub line: u64,
    pub input: CompanyInput,
}

/// Reads `row` with `mapping`; `width` is how many columns the header names.
pub fn read(
    row: &Row,
    mapping: &Mapping,
    width: usize,
    definitions: &[CustomFieldDefinition],
) -> Result<CompanyRow, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    if row.cells.iter().skip(width).any(|c| !c.trim().is_empty()) {
        errors.add("row", "has more cells than the header names columns");
    }
    let mut input = CompanyInput::default();
    let mut address = Address::default();
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
        match target {
            Target::Name => input.name = text,
            Target::Domain => input.domain = text,
            Target::Website => input.website = text,
            Target::Phone => input
                .phones
                .push(RawLabelled::Phone { number: value.to_owned(), label: label.map(str::to_owned) }),
            Target::Industry => input.industry = text,
            Target::SizeBand => match size_band(value) {
                Some(band) => input.size_band = Some(band),
                None => errors.add("size_band", "is not a head count or a band such as 10-49"),
            },
            Target::Siren => input.siren = text,
            Target::Siret => input.siret = text,
            Target::VatNumber => input.vat_number = text,
            Target::Street => address.street = text,
            Target::PostalCode => address.postal_code = text,
            Target::City => address.city = text,
            Target::Region => address.region = text,
            Target::Country => address.country = Some(country(value)),
            Target::RelationshipType => match relationship(value) {
                Some(kind) => input.relationship_type = Some(kind),
                None => errors.add("relationship_type", "is not a kind of relationship"),
            },
            Target::ServiceTier => input.service_tier = text,
            Target::Tags => input.tags.extend(list(value)),
            Target::Custom(key) => {
                if let Some(definition) = definitions.iter().find(|d| &d.key == key) {
                    input.custom_fields.insert(key.clone(), custom_value(definition.field_type, value));
                }
            }
            // A contact's own fields: a companies mapping never names them.
            Target::FirstName
            | Target::LastName
            | Target::FullName
            | Target::Email
            | Target::JobTitle
            | Target::Company
            | Target::Language
            | Target::LifecycleStage
            | Target::Source
            | Target::ExternalId => {}
        }
    }
    if address != Address::default() {
        input.addresses.push(address);
    }
    errors.into_result()?;
    Ok(CompanyRow { line: row.line, input })
}

/// A band by its name (`10-49`, `5000+`) or the head count it holds (`35`, `1 200`).
fn size_band(value: &str) -> Option<SizeBand> {
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(band) = SizeBand::parse(&compact) {
        return Some(band);
    }
    let count = decimal(value)?;
    let bands =
        [(10, SizeBand::Micro), (50, SizeBand::Small), (250, SizeBand::Medium), (5000, SizeBand::Large)];
    if count < rust_decimal::Decimal::ONE || !count.fract().is_zero() {
        return None;
    }
    Some(
        bands
            .iter()
            .find(|(under, _)| count < rust_decimal::Decimal::from(*under))
            .map_or(SizeBand::Enterprise, |b| b.1),
    )
}

/// A kind of relationship by its key or its name in either language ("Client", "Fournisseur").
fn relationship(value: &str) -> Option<RelationshipType> {
    let folded = fold(value);
    let names = [
        ("prospect", RelationshipType::Prospect),
        ("client", RelationshipType::Customer),
        ("customer", RelationshipType::Customer),
        ("partenaire", RelationshipType::Partner),
        ("partner", RelationshipType::Partner),
        ("fournisseur", RelationshipType::Supplier),
        ("supplier", RelationshipType::Supplier),
        ("revendeur", RelationshipType::Reseller),
        ("distributeur", RelationshipType::Reseller),
        ("reseller", RelationshipType::Reseller),
        ("autre", RelationshipType::Other),
        ("other", RelationshipType::Other),
    ];
    names.iter().find(|(name, _)| folded == *name).map(|(_, kind)| *kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::RowKind;
    use comptoir_domain::ids::UserId;

    fn row_of(header: &[&str], cells: &[&str]) -> Result<CompanyRow, ValidationErrors> {
        let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
        let mapping = Mapping::suggest(RowKind::Companies, &header, &[]);
        let row = Row { line: 2, cells: cells.iter().map(|c| (*c).to_owned()).collect() };
        read(&row, &mapping, header.len(), &[])
    }

    #[test]
    fn a_french_row_becomes_a_valid_company() {
        let row = row_of(
            &[
                "Raison sociale",
                "SIREN",
                "N° TVA intracommunautaire",
                "Site web",
                "Téléphone",
                "Effectif",
                "Ville",
                "Pays",
                "Type",
            ],
            &[
                "Crème & Cie",
                "732 829 320",
                "FR44732829320",
                "https://creme.fr",
                "04 78 12 34 56",
                "35",
                "Lyon",
                "France",
                "Client",
            ],
        )
        .expect("a row");
        let fields = row.input.validate(&[], UserId::new()).expect("valid");
        assert_eq!(fields.name, "Crème & Cie");
        assert_eq!(fields.siren.as_ref().map(|s| s.as_str()), Some("732829320"));
        assert_eq!(fields.size_band, Some(SizeBand::Small));
        assert_eq!(fields.relationship_type, RelationshipType::Customer);
        assert_eq!(fields.addresses[0].city.as_deref(), Some("Lyon"));
        assert_eq!(fields.addresses[0].country.as_deref(), Some("FR"));
        assert_eq!(fields.phones[0].number.as_str(), "+33478123456");
    }

    #[test]
    fn bands_are_read_as_names_or_head_counts() {
        assert_eq!(size_band("10-49"), Some(SizeBand::Small));
        assert_eq!(size_band("5000 +"), Some(SizeBand::Enterprise));
        assert_eq!(size_band("1 200"), Some(SizeBand::Large));
        assert_eq!(size_band("9"), Some(SizeBand::Micro));
        assert_eq!(size_band("beaucoup"), None);
        let errors = row_of(&["Nom", "Effectif", "Type"], &["A", "beaucoup", "ami"]).expect_err("refused");
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["size_band", "relationship_type"]);
    }
}
