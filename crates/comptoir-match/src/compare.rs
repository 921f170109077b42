//! Whether two profiles are one person: each piece of evidence weighs for or against, as in
//! Fellegi and Sunter's model, and the sum becomes a score from 0 to 100 with its reasons.
//!
//! Weights are in bits: log2 of how much likelier the evidence is between two records of one
//! person than between two people who only share a blocking key. They were set by hand and
//! checked against generated sets with known duplicates (see `comptoir bench --duplicates`).

use crate::profile::Profile;
use comptoir_domain::duplicates::Reason;
use strsim::jaro_winkler;

/// Bits of evidence a pair needs to reach a score of 50: sharing a blocking key alone makes
/// one person about seven hundred times less likely than two.
const PRIOR: f64 = 9.5;

const SAME_EMAIL: f64 = 12.0;
const SAME_PHONE: f64 = 10.0;
const SAME_NAME: f64 = 7.0;
const SWAPPED_NAME: f64 = 6.5;
const SIMILAR_NAME: f64 = 5.5;
const SOUNDS_ALIKE: f64 = 4.0;
/// Two different names: a shared family email or switchboard number, not one person.
const OTHER_NAME: f64 = -9.0;
const SAME_COMPANY: f64 = 2.5;
const OTHER_COMPANY: f64 = -1.0;
const SAME_ADDRESS: f64 = 4.5;
const SIMILAR_ADDRESS: f64 = 3.5;
const SAME_POSTAL_CODE: f64 = 1.5;
const OTHER_POSTAL_CODE: f64 = -2.5;
/// Both sides have addresses (or numbers) and none in common: people keep old ones.
const NONE_IN_COMMON: f64 = -1.0;

/// Word similarity from which two spellings are taken as one word mistyped.
const CLOSE_WORDS: f64 = 0.9;
/// Street similarity from which two streets are one written differently.
const CLOSE_STREETS: f64 = 0.9;

/// The score of a pair and the evidence for it, strongest first.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    pub score: u8,
    pub reasons: Vec<Reason>,
}

pub fn compare(a: &Profile, b: &Profile) -> Verdict {
    let mut bits = 0.0;
    let mut reasons = Vec::new();
    let mut weigh = |weight: f64, reason: Option<Reason>| {
        bits += weight;
        reasons.extend(reason);
    };
    match shared(&a.emails, &b.emails) {
        Some(true) => weigh(SAME_EMAIL, Some(Reason::SameEmail)),
        Some(false) => weigh(NONE_IN_COMMON, None),
        None => {}
    }
    match shared(&a.phones, &b.phones) {
        Some(true) => weigh(SAME_PHONE, Some(Reason::SamePhone)),
        Some(false) => weigh(NONE_IN_COMMON, None),
        None => {}
    }
    match names(a, b) {
        Names::Alike(reason) => {
            let weight = match reason {
                Reason::SameName => SAME_NAME,
                Reason::SwappedName => SWAPPED_NAME,
                Reason::SimilarName => SIMILAR_NAME,
                _ => SOUNDS_ALIKE,
            };
            weigh(weight, Some(reason));
        }
        Names::Different => weigh(OTHER_NAME, None),
        Names::Unknown => {}
    }
    match (a.company, b.company) {
        (Some(x), Some(y)) if x == y => weigh(SAME_COMPANY, Some(Reason::SameCompany)),
        (Some(_), Some(_)) => weigh(OTHER_COMPANY, None),
        _ => {}
    }
    match (&a.postal_code, &b.postal_code) {
        (Some(x), Some(y)) if x == y => match (&a.street, &b.street) {
            (Some(s), Some(t)) if s == t => weigh(SAME_ADDRESS, Some(Reason::SameAddress)),
            (Some(s), Some(t)) if jaro_winkler(s, t) >= CLOSE_STREETS => {
                weigh(SIMILAR_ADDRESS, Some(Reason::SimilarAddress))
            }
            _ => weigh(SAME_POSTAL_CODE, Some(Reason::SamePostalCode)),
        },
        (Some(_), Some(_)) => weigh(OTHER_POSTAL_CODE, None),
        _ => {}
    }
    reasons.sort_unstable();
    Verdict { score: score(bits), reasons }
}

/// Bits of evidence as a 0–100 likelihood that the pair is one person.
fn score(bits: f64) -> u8 {
    let likelihood = 1.0 / (1.0 + (PRIOR - bits).exp2());
    // In 0..=100 by construction, so the conversion cannot truncate.
    (likelihood * 100.0).round().clamp(0.0, 100.0) as u8
}

/// Whether the lists share a value; `None` when either is empty, which says nothing.
fn shared(a: &[Box<str>], b: &[Box<str>]) -> Option<bool> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    Some(a.iter().any(|x| b.contains(x)))
}

/// How two names compare.
enum Names {
    /// One side has no name: nothing to weigh.
    Unknown,
    Alike(Reason),
    Different,
}

fn names(a: &Profile, b: &Profile) -> Names {
    if a.name.is_empty() || b.name.is_empty() {
        return Names::Unknown;
    }
    if a.name == b.name {
        return Names::Alike(Reason::SameName);
    }
    if a.sorted_name() == b.sorted_name() {
        return Names::Alike(Reason::SwappedName);
    }
    if word_similarity(a, b) >= CLOSE_WORDS {
        return Names::Alike(Reason::SimilarName);
    }
    let (x, y) = (a.sorted_sounds(), b.sorted_sounds());
    if !x.is_empty() && !y.is_empty() && (contains_all(&x, &y) || contains_all(&y, &x)) {
        return Names::Alike(Reason::SoundsAlike);
    }
    Names::Different
}

/// How closely the words of the shorter name match words of the other, each to its best
/// partner: 1.0 when every word is found, whatever the order or extra middle names. An
/// initial matches a word it starts.
fn word_similarity(a: &Profile, b: &Profile) -> f64 {
    let (short, long) = if a.name.len() <= b.name.len() { (&a.name, &b.name) } else { (&b.name, &a.name) };
    let total: f64 = short
        .iter()
        .map(|word| {
            long.iter()
                .map(|other| {
                    if (word.len() == 1 && other.starts_with(word.as_ref()))
                        || (other.len() == 1 && word.starts_with(other.as_ref()))
                    {
                        0.92
                    } else {
                        jaro_winkler(word, other)
                    }
                })
                .fold(0.0, f64::max)
        })
        .sum();
    total / short.len() as f64
}

/// Whether every code of `small` is in `large`.
fn contains_all(small: &[&str], large: &[&str]) -> bool {
    small.iter().all(|code| large.contains(code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{Person, Sounds};
    use uuid::Uuid;

    struct Contact {
        first: &'static str,
        last: &'static str,
        emails: Vec<String>,
        phones: Vec<String>,
        postal_code: Option<&'static str>,
        street: Option<&'static str>,
    }

    fn contact(first: &'static str, last: &'static str) -> Contact {
        Contact { first, last, emails: vec![], phones: vec![], postal_code: None, street: None }
    }

    impl Contact {
        fn email(mut self, email: &str) -> Self {
            self.emails.push(email.to_owned());
            self
        }
        fn phone(mut self, phone: &str) -> Self {
            self.phones.push(phone.to_owned());
            self
        }
        fn at(mut self, postal_code: &'static str, street: &'static str) -> Self {
            self.postal_code = Some(postal_code);
            self.street = Some(street);
            self
        }
        fn profile(&self) -> Profile {
            let person = Person {
                first_name: Some(self.first),
                last_name: Some(self.last),
                emails: &self.emails,
                phones: &self.phones,
                company: None,
                postal_code: self.postal_code,
                street: self.street,
            };
            Profile::new(Uuid::nil(), &person, &Sounds::default())
        }
    }

    fn verdict(a: &Contact, b: &Contact) -> Verdict {
        compare(&a.profile(), &b.profile())
    }

    #[test]
    fn one_email_and_one_name_is_one_person() {
        let v = verdict(
            &contact("Jean", "Dupont").email("jean@x.fr"),
            &contact("jean", "DUPONT").email("Jean@x.fr"),
        );
        assert_eq!(v.reasons, vec![Reason::SameEmail, Reason::SameName]);
        assert!(v.score >= 99, "{v:?}");
    }

    #[test]
    fn swapped_names_typos_and_dropped_accents_are_found_with_an_address() {
        let home = |c: Contact| c.at("69003", "12 rue de la République");
        for (first, last, at_least) in
            [("Jean", "Dupont", 70), ("Dupont", "Jean", 70), ("Jaen", "Dupont", 50), ("Jean", "Dupond", 50)]
        {
            let v = verdict(&home(contact("Jean", "Dupont")), &home(contact(first, last)));
            assert!(v.score >= at_least, "{first} {last}: {v:?}");
            assert!(v.reasons.contains(&Reason::SameAddress));
        }
        let accents = verdict(
            &contact("Hélène", "Lefèvre").phone("+33612345678"),
            &contact("Helene", "Lefevre").phone("+33612345678"),
        );
        assert_eq!(accents.reasons, vec![Reason::SamePhone, Reason::SameName]);
    }

    #[test]
    fn a_shared_email_with_another_name_is_a_family_not_a_duplicate() {
        let v = verdict(
            &contact("Jean", "Dupont").email("famille@x.fr"),
            &contact("Marie", "Martin").email("famille@x.fr"),
        );
        assert!(v.score < 30, "{v:?}");
    }

    #[test]
    fn a_common_name_alone_is_only_a_possibility() {
        let v = verdict(&contact("Jean", "Martin"), &contact("Jean", "Martin"));
        assert!(v.score < 30, "{v:?}");
        let v = verdict(
            &contact("Jean", "Martin").at("75011", "3 rue Oberkampf"),
            &contact("Jean", "Martin").at("13001", "1 La Canebière"),
        );
        assert!(v.score < 10, "{v:?}");
    }

    #[test]
    fn an_initial_stands_for_its_name() {
        let home = |c: Contact| c.at("44000", "5 place Royale");
        let v = verdict(&home(contact("J.", "Dupont")), &home(contact("Jean", "Dupont")));
        assert!(v.reasons.contains(&Reason::SimilarName), "{v:?}");
    }

    #[test]
    fn scores_rise_with_evidence() {
        assert!(score(0.0) < score(5.0));
        assert_eq!(score(PRIOR), 50);
        assert!(score(PRIOR + 1.0) > 50);
        assert_eq!(score(100.0), 100);
        assert_eq!(score(-100.0), 0);
    }
}
