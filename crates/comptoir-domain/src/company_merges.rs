//! Likely duplicate companies and merging one into the other: which of the two values of each
//! field the surviving company keeps. Pairs are scored and reasoned as contacts' are
//! (`duplicates`); what differs is the record.

use crate::address::Address;
use crate::companies::{CompanyFields, CompanyInput, MAX_ADDRESSES};
use crate::contacts::{MAX_PHONES, RawLabelled};
use crate::duplicates::{LIKELY, MovedLinks, PairStatus, Reason, keep_both, union};
use crate::ids::{CompanyId, OperationId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Two companies that look like one. `first_id` is the older of the two.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CompanyPair {
    pub id: Uuid,
    #[schema(value_type = String, format = Uuid)]
    pub first_id: CompanyId,
    #[schema(value_type = String, format = Uuid)]
    pub second_id: CompanyId,
    /// 0 to 100: how sure the scan is that they are one company.
    pub score: u8,
    pub reasons: Vec<Reason>,
    pub status: PairStatus,
    pub found_at: DateTime<Utc>,
}

impl CompanyPair {
    pub fn likely(&self) -> bool {
        self.score >= LIKELY
    }
}

/// A field of a company whose value a merge takes from one side or the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CompanyMergeField {
    Name,
    Domain,
    Website,
    Industry,
    SizeBand,
    /// SIREN, SIRET and VAT number together: one legal entity's numbers.
    LegalIds,
    /// Which side's head office comes first; both sides' addresses are kept.
    Addresses,
    /// Which side's main number comes first; both sides' numbers are kept.
    Phones,
    RelationshipType,
    ServiceTier,
    OwnerId,
    /// Which side wins a custom field both sides fill; the others are kept.
    CustomFields,
}

impl CompanyMergeField {
    pub const ALL: [CompanyMergeField; 12] = [
        CompanyMergeField::Name,
        CompanyMergeField::Domain,
        CompanyMergeField::Website,
        CompanyMergeField::Industry,
        CompanyMergeField::SizeBand,
        CompanyMergeField::LegalIds,
        CompanyMergeField::Addresses,
        CompanyMergeField::Phones,
        CompanyMergeField::RelationshipType,
        CompanyMergeField::ServiceTier,
        CompanyMergeField::OwnerId,
        CompanyMergeField::CustomFields,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CompanyMergeField::Name => "name",
            CompanyMergeField::Domain => "domain",
            CompanyMergeField::Website => "website",
            CompanyMergeField::Industry => "industry",
            CompanyMergeField::SizeBand => "size_band",
            CompanyMergeField::LegalIds => "legal_ids",
            CompanyMergeField::Addresses => "addresses",
            CompanyMergeField::Phones => "phones",
            CompanyMergeField::RelationshipType => "relationship_type",
            CompanyMergeField::ServiceTier => "service_tier",
            CompanyMergeField::OwnerId => "owner_id",
            CompanyMergeField::CustomFields => "custom_fields",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|field| field.as_str() == s)
    }
}

/// Merging `merged_id` into `survivor_id`: the survivor keeps its own value of each field,
/// except those listed in `take_from_merged` and those it leaves empty, where the merged
/// company's value wins. Addresses, phone numbers and tags of both are kept.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompanyMergeRequest {
    #[schema(value_type = String, format = Uuid)]
    pub survivor_id: CompanyId,
    #[schema(value_type = String, format = Uuid)]
    pub merged_id: CompanyId,
    #[serde(default)]
    pub take_from_merged: Vec<CompanyMergeField>,
}

/// A merge of two companies, kept so it can be undone: the merged company as it was, and
/// the records (contacts, activities, deals, quotes, orders, tickets) that moved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CompanyMerge {
    /// Also the operation id on every audit entry and event the merge wrote.
    #[schema(value_type = String, format = Uuid)]
    pub id: OperationId,
    #[schema(value_type = String, format = Uuid)]
    pub survivor_id: CompanyId,
    #[schema(value_type = String, format = Uuid)]
    pub merged_id: CompanyId,
    /// The merged company before it went, as the API shows a company.
    #[schema(value_type = Object)]
    pub merged_record: serde_json::Value,
    pub moved: Vec<MovedLinks>,
    #[schema(value_type = Option<String>, format = Uuid)]
    pub merged_by: Option<UserId>,
    pub merged_at: DateTime<Utc>,
    pub undone_at: Option<DateTime<Utc>>,
    /// Set by the undo when the survivor changed after the merge and kept those changes.
    #[serde(default)]
    pub survivor_left_alone: bool,
}

/// The surviving company's fields after the merge, as input to validate.
pub fn merged_company_fields(
    survivor: &CompanyFields,
    merged: &CompanyFields,
    take: &[CompanyMergeField],
) -> CompanyInput {
    let takes = |field: CompanyMergeField| take.contains(&field);
    let pick = |field: CompanyMergeField, ours: &Option<String>, theirs: &Option<String>| -> Option<String> {
        if (takes(field) && theirs.is_some()) || ours.is_none() { theirs.clone() } else { ours.clone() }
    };
    let mut input = survivor.to_input();
    let theirs = merged.to_input();
    if takes(CompanyMergeField::Name) {
        input.name = theirs.name.clone();
    }
    input.domain = pick(CompanyMergeField::Domain, &input.domain, &theirs.domain);
    input.website = pick(CompanyMergeField::Website, &input.website, &theirs.website);
    input.industry = pick(CompanyMergeField::Industry, &input.industry, &theirs.industry);
    input.service_tier = pick(CompanyMergeField::ServiceTier, &input.service_tier, &theirs.service_tier);
    if (takes(CompanyMergeField::SizeBand) && merged.size_band.is_some()) || survivor.size_band.is_none() {
        input.size_band = merged.size_band;
    }
    let has_ids =
        |input: &CompanyInput| input.siren.is_some() || input.siret.is_some() || input.vat_number.is_some();
    if (takes(CompanyMergeField::LegalIds) && has_ids(&theirs)) || !has_ids(&input) {
        input.siren = theirs.siren.clone();
        input.siret = theirs.siret.clone();
        input.vat_number = theirs.vat_number.clone();
    }
    input.addresses = union(
        input.addresses,
        theirs.addresses,
        takes(CompanyMergeField::Addresses),
        MAX_ADDRESSES,
        |a: &Address| {
            crate::search::fold(&format!(
                "{} {} {}",
                a.street.as_deref().unwrap_or(""),
                a.postal_code.as_deref().unwrap_or(""),
                a.city.as_deref().unwrap_or("")
            ))
        },
    );
    input.phones =
        union(input.phones, theirs.phones, takes(CompanyMergeField::Phones), MAX_PHONES, |raw| match raw {
            RawLabelled::Phone { number, .. } | RawLabelled::Plain(number) => number.clone(),
            RawLabelled::Email { address, .. } => address.clone(),
        });
    if takes(CompanyMergeField::RelationshipType) {
        input.relationship_type = Some(merged.relationship_type);
    }
    if (takes(CompanyMergeField::OwnerId) && merged.owner_id.is_some()) || survivor.owner_id.is_none() {
        input.owner_id = merged.owner_id;
    }
    keep_both(
        &mut input.tags,
        &mut input.custom_fields,
        &merged.tags,
        &merged.custom_fields,
        takes(CompanyMergeField::CustomFields),
    );
    input
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(input: serde_json::Value) -> CompanyFields {
        let input: CompanyInput = serde_json::from_value(input).expect("an input");
        input.validate(&[], UserId::new()).expect("valid fields")
    }

    #[test]
    fn the_survivor_keeps_its_values_fills_its_gaps_and_loses_no_address() {
        let survivor = fields(serde_json::json!({
            "name": "Menuiserie Blanc", "phones": ["04 78 12 34 56"],
            "addresses": [{"street": "3 rue Garibaldi", "postal_code": "69003", "city": "Lyon"}],
            "tags": ["bois"]
        }));
        let merged = fields(serde_json::json!({
            "name": "Menuiserie Blanc SARL", "siren": "732829320", "domain": "blanc.fr",
            "phones": ["04 78 12 34 56", "06 12 34 56 78"],
            "addresses": [
                {"street": "3, rue Garibaldi", "postal_code": "69003", "city": "LYON"},
                {"label": "atelier", "city": "Villeurbanne"}
            ],
            "tags": ["bois", "salon"]
        }));
        let input = merged_company_fields(&survivor, &merged, &[]);
        assert_eq!(input.name.as_deref(), Some("Menuiserie Blanc"));
        assert_eq!(input.siren.as_deref(), Some("732829320"), "an empty field is filled");
        assert_eq!(input.domain.as_deref(), Some("blanc.fr"));
        assert_eq!(input.phones.len(), 2, "both numbers, once each");
        assert_eq!(input.addresses.len(), 2, "one head office written twice, and the workshop");
        assert_eq!(input.tags, vec!["bois".to_owned(), "salon".to_owned()]);

        let input = merged_company_fields(
            &survivor,
            &merged,
            &[CompanyMergeField::Name, CompanyMergeField::Addresses],
        );
        assert_eq!(input.name.as_deref(), Some("Menuiserie Blanc SARL"));
        assert_eq!(input.addresses[0].city.as_deref(), Some("LYON"), "their head office first");
        input.validate(&[], UserId::new()).expect("a merge validates");
    }
}
