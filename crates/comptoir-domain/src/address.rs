//! Postal addresses, kept as separate fields so lists can filter by city or country.

use crate::validation::{ValidationErrors, check_length, clean_text};
use serde::{Deserialize, Serialize};

/// Read from a JSON object only: serde would also read a struct from an array, by position,
/// so `["1 rue Neuve", "Lyon"]` would become a label and a street.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, remote = "Self")]
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

impl Serialize for Address {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Address::serialize(self, serializer)
    }
}

impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectOnly;
        impl<'de> serde::de::Visitor<'de> for ObjectOnly {
            type Value = Address;
            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("an address object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Address, A::Error> {
                Address::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        deserializer.deserialize_map(ObjectOnly)
    }
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

#[cfg(test)]
mod object_only {
    use super::Address;
    use serde_json::json;

    #[test]
    fn an_address_is_read_from_an_object_and_never_from_an_array() {
        let read: Address = serde_json::from_value(json!({"city": "Lyon"})).expect("an object");
        assert_eq!(read.city.as_deref(), Some("Lyon"));
        assert!(serde_json::from_value::<Address>(json!(["1 rue Neuve", "Lyon"])).is_err());
        assert!(serde_json::from_value::<Address>(json!({"town": "Lyon"})).is_err());
        assert_eq!(serde_json::to_value(&read).expect("written")["city"], "Lyon");
    }
}
