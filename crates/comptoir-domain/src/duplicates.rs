//! Likely duplicate contacts, why they look alike, and merging one into the other: which of
//! the two values of each field the merged contact keeps.

use crate::contacts::{ContactFields, ContactInput, MAX_EMAILS, MAX_PHONES, RawLabelled};
use crate::ids::{ContactId, OperationId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use uuid::Uuid;

/// One piece of evidence that two contacts are the same person.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    SameEmail,
    SamePhone,
    SameName,
    /// The same words in another order: "Dupont Jean" and "Jean Dupont".
    SwappedName,
    /// Close spellings: a typo, a dropped accent, a middle name.
    SimilarName,
    SoundsAlike,
    /// The same first name under another surname: a name taken on marriage.
    SameFirstName,
    SameCompany,
    SameAddress,
    SimilarAddress,
    SamePostalCode,
    /// The same value of a field an admin marked as identifying (a customer number).
    SameIdentifier,
    /// Two companies with one SIREN: one legal entity.
    SameSiren,
    /// Two companies at one web domain.
    SameDomain,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::SameEmail => "same_email",
            Reason::SamePhone => "same_phone",
            Reason::SameName => "same_name",
            Reason::SwappedName => "swapped_name",
            Reason::SimilarName => "similar_name",
            Reason::SoundsAlike => "sounds_alike",
            Reason::SameFirstName => "same_first_name",
            Reason::SameCompany => "same_company",
            Reason::SameAddress => "same_address",
            Reason::SimilarAddress => "similar_address",
            Reason::SamePostalCode => "same_postal_code",
            Reason::SameIdentifier => "same_identifier",
            Reason::SameSiren => "same_siren",
            Reason::SameDomain => "same_domain",
        }
    }
}

/// From this score up, a pair is called a likely duplicate; below it, a possible one.
pub const LIKELY: u8 = 70;

/// What another system's id is called among a contact's identifiers: compared like an
/// identifying custom field, and no custom field's key (keys have no spaces).
pub const EXTERNAL_ID: &str = "external id";

/// What tells a contact apart by itself, by name: the id another system knows it by, then the
/// text or number each identifying custom field holds (`identifying` are their keys).
pub fn identifiers(
    external_id: Option<&str>,
    custom_fields: &serde_json::Map<String, serde_json::Value>,
    identifying: &[String],
) -> Vec<(String, String)> {
    let custom = identifying.iter().filter_map(|key| {
        let value = match custom_fields.get(key)? {
            serde_json::Value::String(text) => text.clone(),
            serde_json::Value::Number(number) => number.to_string(),
            _ => return None,
        };
        Some((key.clone(), value))
    });
    let external = external_id.map(|id| (EXTERNAL_ID.to_owned(), id.to_owned()));
    external.into_iter().chain(custom).collect()
}

/// Whether a pair still waits for someone's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PairStatus {
    Open,
    /// Someone said they are two people; scans leave the pair alone.
    Dismissed,
}

impl PairStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PairStatus::Open => "open",
            PairStatus::Dismissed => "dismissed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [PairStatus::Open, PairStatus::Dismissed].into_iter().find(|status| status.as_str() == s)
    }
}

/// Two contacts that look like one person. `first_id` is the older of the two.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DuplicatePair {
    pub id: Uuid,
    #[schema(value_type = String, format = Uuid)]
    pub first_id: ContactId,
    #[schema(value_type = String, format = Uuid)]
    pub second_id: ContactId,
    /// 0 to 100: how sure the scan is that they are one person.
    pub score: u8,
    pub reasons: Vec<Reason>,
    pub status: PairStatus,
    pub found_at: DateTime<Utc>,
}

impl DuplicatePair {
    pub fn likely(&self) -> bool {
        self.score >= LIKELY
    }
}

/// What the last scan for duplicates found, and how long it took.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScanReport {
    pub contacts: u64,
    /// Pairs compared: those sharing a blocking key, never all pairs.
    pub compared: u64,
    pub pairs: u64,
    /// Companies read, and the pairs of them kept.
    #[serde(default)]
    pub companies: u64,
    #[serde(default)]
    pub company_pairs: u64,
    /// Duplicate pairs per contact the scores were read against, estimated from the scan's
    /// own pairs (never below one in twenty contacts); none under a thousand contacts, read
    /// against that assumed share.
    #[serde(default)]
    pub duplicate_share: Option<f64>,
    pub seconds: f64,
    pub finished_at: Option<DateTime<Utc>>,
}

/// A field of a contact whose value a merge takes from one side or the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MergeField {
    FirstName,
    LastName,
    /// Which side's primary address comes first; both sides' addresses are kept.
    Emails,
    /// Which side's primary number comes first; both sides' numbers are kept.
    Phones,
    JobTitle,
    CompanyId,
    Address,
    Language,
    LifecycleStage,
    Source,
    OwnerId,
    /// Which side wins a custom field both sides fill; the others are kept.
    CustomFields,
}

impl MergeField {
    pub const ALL: [MergeField; 12] = [
        MergeField::FirstName,
        MergeField::LastName,
        MergeField::Emails,
        MergeField::Phones,
        MergeField::JobTitle,
        MergeField::CompanyId,
        MergeField::Address,
        MergeField::Language,
        MergeField::LifecycleStage,
        MergeField::Source,
        MergeField::OwnerId,
        MergeField::CustomFields,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MergeField::FirstName => "first_name",
            MergeField::LastName => "last_name",
            MergeField::Emails => "emails",
            MergeField::Phones => "phones",
            MergeField::JobTitle => "job_title",
            MergeField::CompanyId => "company_id",
            MergeField::Address => "address",
            MergeField::Language => "language",
            MergeField::LifecycleStage => "lifecycle_stage",
            MergeField::Source => "source",
            MergeField::OwnerId => "owner_id",
            MergeField::CustomFields => "custom_fields",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|field| field.as_str() == s)
    }
}

/// Merging `merged_id` into `survivor_id`: the survivor keeps its own value of each field,
/// except those listed in `take_from_merged` and those it leaves empty, where the merged
/// contact's value wins. Nothing either side holds is dropped silently: emails, phones and
/// tags of both are kept.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    #[schema(value_type = String, format = Uuid)]
    pub survivor_id: ContactId,
    #[schema(value_type = String, format = Uuid)]
    pub merged_id: ContactId,
    #[serde(default)]
    pub take_from_merged: Vec<MergeField>,
}

/// The records a merge moved from the merged contact to the survivor, by table.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MovedLinks {
    pub table: String,
    pub ids: Vec<Uuid>,
}

/// A merge done, kept so it can be undone: the merged contact as it was, and what moved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Merge {
    /// Also the operation id on every audit entry and event the merge wrote.
    #[schema(value_type = String, format = Uuid)]
    pub id: OperationId,
    #[schema(value_type = String, format = Uuid)]
    pub survivor_id: ContactId,
    #[schema(value_type = String, format = Uuid)]
    pub merged_id: ContactId,
    /// The merged contact before it went, as the API shows a contact.
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

/// The survivor's fields after the merge, as input to validate.
pub fn merged_fields(survivor: &ContactFields, merged: &ContactFields, take: &[MergeField]) -> ContactInput {
    let takes = |field: MergeField| take.contains(&field);
    let pick = |field: MergeField, ours: &Option<String>, theirs: &Option<String>| -> Option<String> {
        if (takes(field) && theirs.is_some()) || ours.is_none() { theirs.clone() } else { ours.clone() }
    };
    let mut input = survivor.to_input();
    let theirs = merged.to_input();
    input.first_name = pick(MergeField::FirstName, &survivor.first_name, &merged.first_name);
    input.last_name = pick(MergeField::LastName, &survivor.last_name, &merged.last_name);
    input.job_title = pick(MergeField::JobTitle, &survivor.job_title, &merged.job_title);
    input.language = pick(MergeField::Language, &survivor.language, &merged.language);
    input.source = pick(MergeField::Source, &survivor.source, &merged.source);
    // One person, one id in another system: the survivor's, or else the merged contact's.
    if input.external_id.is_none() {
        input.external_id.clone_from(&merged.external_id);
    }
    input.emails =
        union(input.emails, theirs.emails, takes(MergeField::Emails), MAX_EMAILS, |raw| match raw {
            RawLabelled::Email { address, .. } | RawLabelled::Plain(address) => address.to_lowercase(),
            RawLabelled::Phone { number, .. } => number.clone(),
        });
    input.phones =
        union(input.phones, theirs.phones, takes(MergeField::Phones), MAX_PHONES, |raw| match raw {
            RawLabelled::Phone { number, .. } | RawLabelled::Plain(number) => number.clone(),
            RawLabelled::Email { address, .. } => address.clone(),
        });
    if (takes(MergeField::CompanyId) && merged.company_id.is_some()) || survivor.company_id.is_none() {
        input.company_id = merged.company_id;
    }
    if (takes(MergeField::Address) && !merged.address.is_empty()) || survivor.address.is_empty() {
        input.address = Some(merged.address.clone());
    }
    if takes(MergeField::LifecycleStage) {
        input.lifecycle_stage = Some(merged.lifecycle_stage);
    }
    if (takes(MergeField::OwnerId) && merged.owner_id.is_some()) || survivor.owner_id.is_none() {
        input.owner_id = merged.owner_id;
    }
    keep_both(
        &mut input.tags,
        &mut input.custom_fields,
        &merged.tags,
        &merged.custom_fields,
        takes(MergeField::CustomFields),
    );
    input
}

/// What a merge keeps of the merged record's tags (all of them) and custom fields (those the
/// survivor leaves empty, or all when `take_custom_fields`): the same for every kind of record.
pub(crate) fn keep_both(
    tags: &mut Vec<String>,
    custom_fields: &mut serde_json::Map<String, serde_json::Value>,
    merged_tags: &[String],
    merged_custom_fields: &serde_json::Map<String, serde_json::Value>,
    take_custom_fields: bool,
) {
    for tag in merged_tags {
        if !tags.contains(tag) {
            tags.push(tag.clone());
        }
    }
    for (key, value) in merged_custom_fields {
        if take_custom_fields || !custom_fields.contains_key(key) {
            custom_fields.insert(key.clone(), value.clone());
        }
    }
}

/// Both lists without repeats, `theirs` first when it wins, at most `most` of them: what a
/// merge keeps of two records' emails, numbers or addresses.
pub(crate) fn union<T>(
    ours: Vec<T>,
    theirs: Vec<T>,
    theirs_first: bool,
    most: usize,
    key: impl Fn(&T) -> String,
) -> Vec<T> {
    let (first, second) = if theirs_first { (theirs, ours) } else { (ours, theirs) };
    let mut seen = HashSet::new();
    first.into_iter().chain(second).filter(|item| seen.insert(key(item))).take(most).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::address::Address;
    use crate::contacts::ContactInput;

    fn fields(input: serde_json::Value) -> ContactFields {
        let input: ContactInput = serde_json::from_value(input).expect("an input");
        input.validate(&[], UserId::new()).expect("valid fields")
    }

    #[test]
    fn the_survivor_keeps_its_values_fills_its_gaps_and_loses_no_address() {
        let survivor = fields(serde_json::json!({
            "first_name": "Jean", "last_name": "Dupont", "emails": ["jean@exemple.fr"],
            "tags": ["vip"], "custom_fields": {}
        }));
        let merged = fields(serde_json::json!({
            "first_name": "Jean-Pierre", "last_name": "Dupont", "job_title": "Gérant",
            "emails": ["JP@autre.fr", "jean@exemple.fr"], "phones": ["06 12 34 56 78"],
            "address": {"city": "Lyon"}, "tags": ["salon", "vip"]
        }));
        let input = merged_fields(&survivor, &merged, &[]);
        assert_eq!(input.first_name.as_deref(), Some("Jean"));
        assert_eq!(input.job_title.as_deref(), Some("Gérant"), "an empty field is filled");
        assert_eq!(input.emails.len(), 2, "both addresses, once each");
        assert_eq!(input.phones.len(), 1);
        assert_eq!(input.tags, vec!["vip".to_owned(), "salon".to_owned()]);
        assert_eq!(input.address.as_ref().and_then(|a| a.city.as_deref()), Some("Lyon"));

        let input = merged_fields(&survivor, &merged, &[MergeField::FirstName, MergeField::Emails]);
        assert_eq!(input.first_name.as_deref(), Some("Jean-Pierre"));
        let primary = input.emails.first().map(|raw| serde_json::to_value(raw).expect("json"));
        assert_eq!(
            primary.and_then(|v| v["address"].as_str().map(str::to_owned)).as_deref(),
            Some("jp@autre.fr")
        );
        let validated = input.validate(&[], UserId::new()).expect("a merge validates");
        assert_eq!(validated.address, Address { city: Some("Lyon".to_owned()), ..Address::default() });
    }
}
