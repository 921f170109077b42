//! Companies: every organisation the business deals with — customers and prospects, but also
//! partners, suppliers and resellers.

use crate::address::Address;
use crate::contacts::{LabelledPhone, MAX_PHONES, RawLabelled};
use crate::custom_fields::{CustomFieldDefinition, validate_values};
use crate::ids::{CompanyId, UserId};
use crate::phone::PhoneNumber;
use crate::search::fold;
use crate::siren::{Siren, Siret, VatNumber};
use crate::tags::clean_tags;
use crate::validation::{ValidationErrors, check_length, clean_text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub const MAX_ADDRESSES: usize = 10;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RelationshipType {
    #[default]
    Prospect,
    Customer,
    Partner,
    Supplier,
    Reseller,
    Other,
}

impl RelationshipType {
    pub const ALL: [RelationshipType; 6] = [
        RelationshipType::Prospect,
        RelationshipType::Customer,
        RelationshipType::Partner,
        RelationshipType::Supplier,
        RelationshipType::Reseller,
        RelationshipType::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RelationshipType::Prospect => "prospect",
            RelationshipType::Customer => "customer",
            RelationshipType::Partner => "partner",
            RelationshipType::Supplier => "supplier",
            RelationshipType::Reseller => "reseller",
            RelationshipType::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// Head-count bands, as INSEE and most registries publish them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub enum SizeBand {
    #[serde(rename = "1-9")]
    Micro,
    #[serde(rename = "10-49")]
    Small,
    #[serde(rename = "50-249")]
    Medium,
    #[serde(rename = "250-4999")]
    Large,
    #[serde(rename = "5000+")]
    Enterprise,
}

impl SizeBand {
    pub const ALL: [SizeBand; 5] =
        [SizeBand::Micro, SizeBand::Small, SizeBand::Medium, SizeBand::Large, SizeBand::Enterprise];

    pub fn as_str(self) -> &'static str {
        match self {
            SizeBand::Micro => "1-9",
            SizeBand::Small => "10-49",
            SizeBand::Medium => "50-249",
            SizeBand::Large => "250-4999",
            SizeBand::Enterprise => "5000+",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == s)
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompanyInput {
    #[serde(default)]
    pub name: Option<String>,
    /// Internet domain, such as "exemple.fr"; used to match incoming email.
    #[serde(default)]
    pub domain: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub industry: Option<String>,
    #[serde(default)]
    pub size_band: Option<SizeBand>,
    /// French SIREN (9 digits), checked.
    #[serde(default)]
    pub siren: Option<String>,
    /// French SIRET (14 digits), checked; fills the SIREN when it is missing.
    #[serde(default)]
    pub siret: Option<String>,
    #[serde(default)]
    pub vat_number: Option<String>,
    /// Head office first, then any others (billing, delivery…).
    #[serde(default)]
    pub addresses: Vec<Address>,
    #[serde(default)]
    #[schema(value_type = Vec<LabelledPhone>)]
    pub phones: Vec<RawLabelled>,
    #[serde(default)]
    pub relationship_type: Option<RelationshipType>,
    /// Whether its contacts see each other's tickets in the customer portal; `false` when
    /// omitted.
    #[serde(default)]
    pub portal_shares_tickets: Option<bool>,
    /// The level of service it is owed (`Premium`, `Standard`…), which service-level policies
    /// can name.
    #[serde(default)]
    pub service_tier: Option<String>,
    #[serde(default)]
    pub owner_id: Option<UserId>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub custom_fields: Map<String, Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CompanyFields {
    pub name: String,
    pub domain: Option<String>,
    pub website: Option<String>,
    pub industry: Option<String>,
    pub size_band: Option<SizeBand>,
    #[schema(value_type = Option<String>)]
    pub siren: Option<Siren>,
    #[schema(value_type = Option<String>)]
    pub siret: Option<Siret>,
    #[schema(value_type = Option<String>)]
    pub vat_number: Option<VatNumber>,
    /// The first is the head office, which lists filter on.
    pub addresses: Vec<Address>,
    pub phones: Vec<LabelledPhone>,
    pub relationship_type: RelationshipType,
    /// Its contacts see each other's tickets in the customer portal.
    pub portal_shares_tickets: bool,
    pub service_tier: Option<String>,
    pub owner_id: Option<UserId>,
    pub tags: Vec<String>,
    #[schema(value_type = Object)]
    pub custom_fields: Map<String, Value>,
}

fn clean_domain(raw: String) -> Result<String, &'static str> {
    let lower = raw.trim().to_lowercase();
    let host = lower
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("www.")
        .trim_end_matches('/');
    let valid = host.contains('.')
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if valid { Ok(host.to_owned()) } else { Err("is not a domain name such as exemple.fr") }
}

impl CompanyInput {
    pub fn validate(
        self,
        definitions: &[CustomFieldDefinition],
        owner_default: UserId,
    ) -> Result<CompanyFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = clean_text(self.name);
        check_length(&mut errors, "name", &name, 200);
        if name.is_none() {
            errors.add("name", "is required");
        }
        let domain = clean_text(self.domain).and_then(|d| errors.check("domain", clean_domain(d)));
        let website = clean_text(self.website);
        if let Some(site) = &website
            && !(site.starts_with("https://") || site.starts_with("http://"))
        {
            errors.add("website", "must start with http:// or https://");
        }
        check_length(&mut errors, "website", &website, 500);
        let industry = clean_text(self.industry);
        check_length(&mut errors, "industry", &industry, 100);
        let service_tier = clean_text(self.service_tier);
        check_length(&mut errors, "service_tier", &service_tier, 50);
        let siret = clean_text(self.siret).and_then(|s| errors.check("siret", Siret::parse(&s)));
        let mut siren = clean_text(self.siren).and_then(|s| errors.check("siren", Siren::parse(&s)));
        if let Some(siret) = &siret {
            match &siren {
                Some(siren) if siren.as_str() != siret.siren() => {
                    errors.add("siret", "does not belong to the SIREN given");
                }
                None => siren = Siren::parse(siret.siren()).ok(),
                _ => {}
            }
        }
        let vat_number =
            clean_text(self.vat_number).and_then(|v| errors.check("vat_number", VatNumber::parse(&v)));
        // Counts are checked before any item is parsed, so an oversized list costs nothing.
        let addresses: Vec<Address> = if self.addresses.len() > MAX_ADDRESSES {
            errors.add("addresses", format!("at most {MAX_ADDRESSES} addresses"));
            Vec::new()
        } else {
            self.addresses
                .into_iter()
                .enumerate()
                .map(|(i, address)| address.clean(&format!("addresses[{i}]"), &mut errors))
                .filter(|address| !address.is_empty())
                .collect()
        };
        let mut phones: Vec<LabelledPhone> = Vec::new();
        if self.phones.len() > MAX_PHONES {
            errors.add("phones", format!("at most {MAX_PHONES} numbers"));
        } else {
            let mut seen = std::collections::HashSet::new();
            for (i, raw) in self.phones.into_iter().enumerate() {
                let (value, label) = match raw {
                    RawLabelled::Plain(v) => (v, None),
                    RawLabelled::Phone { number, label } | RawLabelled::Email { address: number, label } => {
                        (number, clean_text(label))
                    }
                };
                if let Some(number) = errors.check(&format!("phones[{i}]"), PhoneNumber::parse(&value))
                    && seen.insert(number.clone())
                {
                    phones.push(LabelledPhone { number, label });
                }
            }
        }
        let tags = clean_tags(self.tags, &mut errors);
        let custom_fields = validate_values(self.custom_fields, definitions, &mut errors);
        errors.into_result()?;
        Ok(CompanyFields {
            name: name.unwrap_or_default(),
            domain,
            website,
            industry,
            size_band: self.size_band,
            siren,
            siret,
            vat_number,
            addresses,
            phones,
            relationship_type: self.relationship_type.unwrap_or_default(),
            portal_shares_tickets: self.portal_shares_tickets.unwrap_or(false),
            service_tier,
            owner_id: Some(self.owner_id.unwrap_or(owner_default)),
            tags,
            custom_fields,
        })
    }
}

impl CompanyFields {
    pub fn to_input(&self) -> CompanyInput {
        CompanyInput {
            name: Some(self.name.clone()),
            domain: self.domain.clone(),
            website: self.website.clone(),
            industry: self.industry.clone(),
            size_band: self.size_band,
            siren: self.siren.as_ref().map(ToString::to_string),
            siret: self.siret.as_ref().map(ToString::to_string),
            vat_number: self.vat_number.as_ref().map(ToString::to_string),
            addresses: self.addresses.clone(),
            phones: self
                .phones
                .iter()
                .map(|p| RawLabelled::Phone { number: p.number.to_string(), label: p.label.clone() })
                .collect(),
            relationship_type: Some(self.relationship_type),
            portal_shares_tickets: Some(self.portal_shares_tickets),
            service_tier: self.service_tier.clone(),
            owner_id: self.owner_id,
            tags: self.tags.clone(),
            custom_fields: self.custom_fields.clone(),
        }
    }

    /// The head office: the first address, or an empty one.
    pub fn head_office(&self) -> Address {
        self.addresses.first().cloned().unwrap_or_default()
    }

    pub fn primary_phone(&self) -> Option<&PhoneNumber> {
        self.phones.first().map(|p| &p.number)
    }

    /// The folded text a company is found by: its name, domain, identifiers and phones.
    pub fn search_text(&self) -> String {
        let mut parts: Vec<String> = vec![self.name.clone()];
        parts.extend(self.domain.iter().cloned());
        parts.extend(self.siren.iter().map(ToString::to_string));
        for phone in &self.phones {
            parts.push(phone.number.as_str().trim_start_matches('+').to_owned());
            parts.extend(phone.number.national_digits());
        }
        fold(&parts.join(" "))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Company {
    pub id: CompanyId,
    pub version: i64,
    #[serde(flatten)]
    pub fields: CompanyFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn validate(value: Value) -> Result<CompanyFields, ValidationErrors> {
        serde_json::from_value::<CompanyInput>(value).expect("well-formed").validate(&[], UserId::new())
    }

    #[test]
    fn siret_fills_a_missing_siren_and_must_match_a_given_one() {
        let fields = validate(json!({"name": "Acme", "siret": "55210055400013"})).expect("valid");
        assert_eq!(fields.siren.map(String::from).as_deref(), Some("552100554"));
        let errors = validate(json!({"name": "Acme", "siren": "303265045", "siret": "55210055400013"}))
            .expect_err("mismatch");
        assert_eq!(errors.0[0].field, "siret");
    }

    #[test]
    fn domain_is_cleaned_from_a_pasted_address() {
        let fields = validate(json!({"name": "Acme", "domain": "https://www.Exemple.fr/"})).expect("valid");
        assert_eq!(fields.domain.as_deref(), Some("exemple.fr"));
        assert!(validate(json!({"name": "Acme", "domain": "not a domain"})).is_err());
    }

    #[test]
    fn addresses_keep_their_order_and_drop_empty_ones() {
        let fields = validate(json!({"name": "Acme", "addresses": [
            {"label": "siège", "city": "Lyon", "country": "fr"}, {"label": "vide"}, {"label": "livraison", "city": "Vénissieux"}
        ]}))
        .expect("valid");
        let cities: Vec<Option<&str>> = fields.addresses.iter().map(|a| a.city.as_deref()).collect();
        assert_eq!(cities, [Some("Lyon"), Some("Vénissieux")]);
        assert_eq!(fields.head_office().country.as_deref(), Some("FR"));
        let errors =
            validate(json!({"name": "Acme", "addresses": [{}, {"country": "France"}]})).expect_err("bad");
        assert_eq!(errors.0[0].field, "addresses[1].country");
    }

    #[test]
    fn name_is_required() {
        let errors = validate(json!({"industry": "x"})).expect_err("no name");
        assert_eq!(errors.0[0].field, "name");
    }
}
