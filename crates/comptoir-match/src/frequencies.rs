//! How common each value is among the profiles: sharing a rare surname, a street or an email
//! says more than sharing a common one. Values are counted by a hash of the field and value.

use crate::profile::Profile;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

/// Below this many profiles, counts are read as if from this many: a handful of contacts says
/// little about how common a name is.
const LEAST_POPULATION: f64 = 10_000.0;

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

/// Counts of every value, and the population they were counted in.
pub struct Frequencies {
    counts: HashMap<u64, u32>,
    population: f64,
}

impl Frequencies {
    pub fn of(profiles: &[Profile]) -> Self {
        let mut counts: HashMap<u64, u32> = HashMap::with_capacity(profiles.len() * 4);
        let mut count = |key: u64| *counts.entry(key).or_default() += 1;
        for profile in profiles {
            if !profile.name.is_empty() {
                count(profile.name_key);
            }
            profile.emails.iter().for_each(|e| count(email_key(e)));
            profile.phones.iter().for_each(|p| count(phone_key(p)));
            if let Some(postal_code) = &profile.postal_code {
                count(postal_key(postal_code));
            }
            if let Some(street) = &profile.street {
                count(street_key(profile.postal_code.as_deref().unwrap_or(""), street));
                if profile.postal_code.is_some() {
                    count(street_key("", street));
                }
            }
            if let Some(company) = &profile.company {
                count(company_key(company));
            }
            profile.identifiers.iter().for_each(|(field, value)| count(identifier_key(field, value)));
        }
        Self { counts, population: (profiles.len() as f64).max(LEAST_POPULATION) }
    }

    /// Every value seen once, in the least population: for comparing two profiles alone.
    pub fn uniform() -> Self {
        Self { counts: HashMap::new(), population: LEAST_POPULATION }
    }

    /// How likely two different people picked at random share the value of `key`.
    pub fn chance(&self, key: u64) -> f64 {
        f64::from(self.counts.get(&key).copied().unwrap_or(1).max(1)) / self.population
    }

    /// The likelier of two values' chances: the cautious one.
    pub fn chance_of_either(&self, a: u64, b: u64) -> f64 {
        self.chance(a).max(self.chance(b))
    }

    pub fn population(&self) -> f64 {
        self.population
    }
}
