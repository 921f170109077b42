//! How common each value is among the profiles: sharing a rare surname, a street or an email
//! says more than sharing a common one. Values are counted under their keys (`keys`).

use crate::keys::{
    company_key, email_key, first_name_key, identifier_key, phone_key, postal_key, street_key,
};
use crate::outcomes::{FIELDS, OUTCOMES};
use crate::profile::Profile;
use std::collections::HashMap;

/// Below this many profiles, counts are read as if from this many: a handful of contacts says
/// little about how common a name is.
const LEAST_POPULATION: f64 = 10_000.0;

/// Counts of every value, and the population they were counted in.
pub struct Frequencies {
    counts: HashMap<u64, u32>,
    population: f64,
    /// How often two contacts picked at random show each outcome, when sampled: for the
    /// outcomes that share no one value (close spellings), whose chance no count tells.
    outcomes: [[f64; OUTCOMES]; FIELDS],
}

impl Frequencies {
    pub fn of(profiles: &[Profile]) -> Self {
        let mut frequencies = Self::with_capacity(profiles.len() * 4);
        profiles.iter().for_each(|profile| frequencies.count(profile));
        frequencies.counted_among(profiles.len())
    }

    /// Counts the values of one more profile, for counts gathered a page of profiles at a
    /// time; [`Self::counted_among`] then says how many there were.
    pub fn count(&mut self, profile: &Profile) {
        let mut count = |key: u64| *self.counts.entry(key).or_default() += 1;
        if !profile.name.is_empty() {
            count(profile.name_key);
        }
        if let Some(first_name) = &profile.first_name {
            count(first_name_key(first_name));
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

    /// Nothing counted yet, with room for `values` values.
    pub fn with_capacity(values: usize) -> Self {
        let mut frequencies = Self::uniform();
        frequencies.counts.reserve(values);
        frequencies
    }

    /// These counts, read as gathered from `profiles` profiles.
    pub fn counted_among(mut self, profiles: usize) -> Self {
        self.counts.shrink_to_fit();
        Self { population: (profiles as f64).max(LEAST_POPULATION), ..self }
    }

    /// Every value seen once, in the least population: for comparing two profiles alone.
    pub fn uniform() -> Self {
        Self { counts: HashMap::new(), population: LEAST_POPULATION, outcomes: [[0.0; OUTCOMES]; FIELDS] }
    }

    pub(crate) fn with_outcomes(self, outcomes: [[f64; OUTCOMES]; FIELDS]) -> Self {
        Self { outcomes, ..self }
    }

    /// How likely two people picked at random show this outcome, as sampled; zero unknown.
    pub(crate) fn outcome_chance(&self, field: usize, outcome: u8) -> f64 {
        self.outcomes[field][usize::from(outcome)]
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
