//! Postal addresses, kept as separate fields so lists can filter by city or country.

use crate::validation::{ValidationErrors, check_length, clean_text};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// Free label such as "siège", "facturation" or "livraison".
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub street: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2 country code ("FR").
    #[serde(default)]
    pub country: Option<String>,
}

impl Address {
    pub fn clean(self, field: &str, errors: &mut ValidationErrors) -> Address {
        let address = Address {
            label: clean_text(self.label),
            street: clean_text(self.street),
            postal_code: clean_text(self.postal_code),
            city: clean_text(self.city),
            region: clean_text(self.region),
            country: clean_text(self.country).map(|c| c.to_uppercase()),
        };
        check_length(errors, &format!("{field}.label"), &address.label, 50);
        check_length(errors, &format!("{field}.street"), &address.street, 300);
        check_length(errors, &format!("{field}.postal_code"), &address.postal_code, 20);
        check_length(errors, &format!("{field}.city"), &address.city, 120);
        check_length(errors, &format!("{field}.region"), &address.region, 120);
        if let Some(country) = &address.country
            && (country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()))
        {
            errors.add(format!("{field}.country"), "must be a two-letter ISO country code");
        }
        address
    }

    /// Whether it says where anything is (a label alone does not).
    pub fn is_empty(&self) -> bool {
        Address { label: None, ..self.clone() } == Address::default()
    }
}
