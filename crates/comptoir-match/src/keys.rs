//! The hashes a field's value is blocked and counted under: one per kind of value, so an email
//! and a phone number never meet by chance.

use std::hash::{DefaultHasher, Hash, Hasher};

/// The hash a field's value is counted and blocked under.
pub fn key(parts: impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    parts.hash(&mut hasher);
    hasher.finish()
}

/// The key of a name whatever the order of its words: its words sorted.
pub fn name_key(sorted_words: &[&str]) -> u64 {
    key(("name", sorted_words))
}

pub fn first_name_key(first_name: &str) -> u64 {
    key(("first name", first_name))
}

pub fn email_key(email: &str) -> u64 {
    key(("email", email))
}

pub fn phone_key(phone: &str) -> u64 {
    key(("phone", phone))
}

pub fn postal_key(postal_code: &str) -> u64 {
    key(("postal", postal_code))
}

pub fn street_key(postal_code: &str, street: &str) -> u64 {
    key(("street", postal_code, street))
}

pub fn identifier_key(field: &str, value: &str) -> u64 {
    key(("identifier", field, value))
}

pub fn company_key(company: &uuid::Uuid) -> u64 {
    key(("company", company))
}
