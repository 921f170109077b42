//! Whether two profiles are one person, in Fellegi and Sunter's model: each comparison
//! (emails, phones, names, company, address) lands on an outcome (the same, similar, different,
//! unknown), weighing log2(m / u) bits, where m is how often one person's two records show
//! that outcome and u how often two people's do. For agreement, u is how common the shared
//! value is among the contacts (a rare surname weighs more than a common one); the m values
//! are assumed from experience of contact data, or estimated by a scan (`weights`). The sum is the pair's evidence; with the prior
//! odds that two contacts are one person (`prior`), it is a likelihood from 0 to 100, with the
//! outcomes that raised it as reasons.

use crate::frequencies::Frequencies;
use crate::keys::{
    company_key, email_key, first_name_key, identifier_key, phone_key, postal_key, street_key,
};
use crate::outcomes::{
    ADDRESS, COMPANY, DIFFERENT, DIFFERENT_NAME, ELSEWHERE, EMAIL, Evidence, FIELDS, NAME, Observation,
    PHONE, SAME, SAME_FIRST_NAME, SAME_POSTAL_CODE, SIMILAR, SOUNDS_ALIKE, UNKNOWN, Verdict,
};
use crate::prior::Prior;
use crate::profile::Profile;
use crate::weights::Weights;
use comptoir_domain::duplicates::Reason;
use strsim::jaro_winkler;

/// How often one person's two records share an identifying field's value.
const M_SAME_IDENTIFIER: f64 = 0.95;
/// An admin declared the field identifying: two people share a value only by a slip, far more
/// rarely than how often the value occurs says.
const IDENTIFIER_SLIP: f64 = 1e-3;
/// Two customer numbers (or national ids) are two people, barring a typo.
const M_OTHER_IDENTIFIER: f64 = 0.01;

/// How many more people share a similar spelling of a name, or one that sounds alike, than
/// share the name itself.
const SIMILAR_SPREAD: f64 = 10.0;
const SOUNDS_SPREAD: f64 = 50.0;
const SIMILAR_STREET_SPREAD: f64 = 5.0;
/// First names come from a far smaller stock than surnames: even a rare one is taken as shared
/// by one person in a thousand.
const FIRST_NAME_LEAST_CHANCE: f64 = 1e-3;

/// Word similarity from which two spellings are taken as one word mistyped.
const CLOSE_WORDS: f64 = 0.9;
/// Street similarity from which two streets are one written differently.
const CLOSE_STREETS: f64 = 0.9;

/// Two profiles compared on their own, with the assumed weights and prior.
pub fn compare(a: &Profile, b: &Profile, frequencies: &Frequencies) -> Verdict {
    Prior::assumed(frequencies).verdict(evidence(a, b, frequencies))
}

/// The evidence of two profiles with the assumed weights.
pub fn evidence(a: &Profile, b: &Profile, frequencies: &Frequencies) -> Evidence {
    Weights::assumed().evidence(observe(a, b, frequencies))
}

pub fn observe(a: &Profile, b: &Profile, frequencies: &Frequencies) -> Observation {
    let chance = |x: u64, y: u64| frequencies.chance_of_either(x, y);
    let rare = |u: f64| -u.min(1.0).log2();
    let mut outcomes = [UNKNOWN; FIELDS];
    let mut rarity = 0.0;
    let mut reasons = Vec::new();
    // An outcome, and for one that shares a value, how likely two people share it and the
    // reason it gives.
    let mut land = |field: usize, outcome: u8, shared: Option<(f64, Reason)>| {
        outcomes[field] = outcome;
        if let Some((u, reason)) = shared {
            rarity += rare(u);
            reasons.push(reason);
        }
    };
    let colleagues = matches!((&a.company, &b.company), (Some(x), Some(y)) if x == y);
    // Colleagues share their office's address far more often than the address's frequency
    // among all contacts says, and one person's two records share it too: once the company is
    // shared, the address says nothing more, either way. Weighed as if independent, it would
    // count the company twice, and any two colleagues would read as one person.
    let address = if colleagues { Address::Unknown } else { address(a, b) };
    let emails = common(&a.emails, &b.emails);
    let phones = common(&a.phones, &b.phones);
    // A surname taken on marriage keeps something of the person's own: an email, a phone, a
    // home. Without any, the same first name is what colleagues and namesakes share.
    let own_kept = matches!(emails, Some(Some(_)))
        || matches!(phones, Some(Some(_)))
        || matches!(address, Address::Same(..) | Address::Similar(..));
    match emails {
        Some(Some(email)) => {
            land(EMAIL, SAME, Some((frequencies.chance(email_key(email)), Reason::SameEmail)))
        }
        Some(None) => land(EMAIL, DIFFERENT, None),
        None => {}
    }
    match phones {
        Some(Some(phone)) => {
            land(PHONE, SAME, Some((frequencies.chance(phone_key(phone)), Reason::SamePhone)))
        }
        Some(None) => land(PHONE, DIFFERENT, None),
        None => {}
    }
    match names(a, b) {
        Names::Alike(reason) => {
            let u = chance(a.name_key, b.name_key);
            match reason {
                Reason::SameName | Reason::SwappedName => land(NAME, SAME, Some((u, reason))),
                Reason::SimilarName => {
                    let u = (u * SIMILAR_SPREAD).max(frequencies.outcome_chance(NAME, SIMILAR));
                    land(NAME, SIMILAR, Some((u, reason)))
                }
                _ => {
                    let u = (u * SOUNDS_SPREAD).max(frequencies.outcome_chance(NAME, SOUNDS_ALIKE));
                    land(NAME, SOUNDS_ALIKE, Some((u, reason)))
                }
            }
        }
        Names::SameFirstName(first_name) if own_kept => land(
            NAME,
            SAME_FIRST_NAME,
            Some((
                frequencies.chance(first_name_key(first_name)).max(FIRST_NAME_LEAST_CHANCE),
                Reason::SameFirstName,
            )),
        ),
        Names::SameFirstName(_) | Names::Different => land(NAME, DIFFERENT_NAME, None),
        Names::Unknown => {}
    }
    match (&a.company, &b.company) {
        (Some(x), Some(y)) if x == y => {
            land(COMPANY, SAME, Some((frequencies.chance(company_key(x)), Reason::SameCompany)))
        }
        (Some(_), Some(_)) => land(COMPANY, DIFFERENT, None),
        _ => {}
    }
    match address {
        Address::Same(postal_code, street) => {
            let u = frequencies.chance(street_key(postal_code.unwrap_or(""), street));
            land(ADDRESS, SAME, Some((u, Reason::SameAddress)));
        }
        Address::Similar(postal_code, street) => {
            let u = (frequencies.chance(street_key(postal_code.unwrap_or(""), street))
                * SIMILAR_STREET_SPREAD)
                .max(frequencies.outcome_chance(ADDRESS, SIMILAR));
            land(ADDRESS, SIMILAR, Some((u, Reason::SimilarAddress)));
        }
        Address::SamePostalCode(code) => land(
            ADDRESS,
            SAME_POSTAL_CODE,
            Some((frequencies.chance(postal_key(code)), Reason::SamePostalCode)),
        ),
        Address::Elsewhere => land(ADDRESS, ELSEWHERE, None),
        Address::Unknown => {}
    }
    for (field, value) in &a.identifiers {
        match b.identifiers.iter().find(|(other, _)| other == field) {
            Some((_, other)) if other == value => {
                let u = frequencies.chance(identifier_key(field, value)) * IDENTIFIER_SLIP;
                rarity += M_SAME_IDENTIFIER.log2() + rare(u);
                reasons.push(Reason::SameIdentifier);
            }
            Some(_) => rarity += M_OTHER_IDENTIFIER.log2(),
            None => {}
        }
    }
    reasons.sort_unstable();
    Observation { outcomes, rarity, reasons }
}

/// How two addresses compare, with what they share.
enum Address<'a> {
    /// The same street, in the same postal code or one close to it (a typo) or unknown.
    Same(Option<&'a str>, &'a str),
    Similar(Option<&'a str>, &'a str),
    SamePostalCode(&'a str),
    /// Different postal codes, not a typo apart, and different streets.
    Elsewhere,
    Unknown,
}

fn address<'a>(a: &'a Profile, b: &'a Profile) -> Address<'a> {
    let codes = match (a.postal_code.as_deref(), b.postal_code.as_deref()) {
        (Some(x), Some(y)) if x == y => Some(Some(x)),
        (Some(x), Some(y)) if one_slip_apart(x, y) => Some(None),
        (Some(_), Some(_)) => None,
        _ => Some(None),
    };
    match (codes, a.street.as_deref(), b.street.as_deref()) {
        (Some(code), Some(s), Some(t)) if s == t => Address::Same(code, s),
        (Some(code), Some(s), Some(t))
            if jaro_winkler(s, t) >= CLOSE_STREETS || street_without_number(s, t) =>
        {
            Address::Similar(code, s)
        }
        (Some(Some(code)), _, _) => Address::SamePostalCode(code),
        (None, Some(s), Some(t)) if s == t => Address::Same(None, s),
        (None, _, _) => Address::Elsewhere,
        _ => Address::Unknown,
    }
}

/// Whether two codes of one length differ by one character, or two swapped neighbours.
fn one_slip_apart(x: &str, y: &str) -> bool {
    let (x, y): (Vec<char>, Vec<char>) = (x.chars().collect(), y.chars().collect());
    if x.len() != y.len() {
        return false;
    }
    let differ: Vec<usize> = (0..x.len()).filter(|&i| x[i] != y[i]).collect();
    match differ.as_slice() {
        [_] => true,
        [i, j] => *j == i + 1 && x[*i] == y[*j] && x[*j] == y[*i],
        _ => false,
    }
}

/// Whether one street is the other without its number: "38 maltby circuit", "maltby circuit".
fn street_without_number(s: &str, t: &str) -> bool {
    let bare = |street: &str| street.trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ').to_owned();
    !bare(s).is_empty() && bare(s) == bare(t)
}

/// The first value both lists hold: `Some(None)` when both have values and share none, `None`
/// when either is empty, which says nothing.
fn common<'a>(a: &'a [Box<str>], b: &[Box<str>]) -> Option<Option<&'a str>> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    Some(a.iter().find(|x| b.contains(x)).map(AsRef::as_ref))
}

/// How two names compare.
enum Names<'a> {
    /// One side has no name: nothing to weigh.
    Unknown,
    Alike(Reason),
    /// The same first name, and surnames neither alike nor sounding alike.
    SameFirstName(&'a str),
    Different,
}

fn names<'a>(a: &'a Profile, b: &Profile) -> Names<'a> {
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
    match (&a.first_name, &b.first_name, &a.surname, &b.surname) {
        (Some(first), Some(other), Some(_), Some(_)) if first == other => Names::SameFirstName(first),
        _ => Names::Different,
    }
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
    use crate::frequencies::Frequencies;
    use crate::outcomes::score;
    use crate::profile::{Person, Sounds};
    use uuid::Uuid;

    struct Contact {
        first: &'static str,
        last: &'static str,
        emails: Vec<String>,
        phones: Vec<String>,
        postal_code: Option<&'static str>,
        street: Option<&'static str>,
        identifiers: Vec<(String, String)>,
        company: Option<Uuid>,
    }

    fn contact(first: &'static str, last: &'static str) -> Contact {
        Contact {
            first,
            last,
            emails: vec![],
            phones: vec![],
            postal_code: None,
            street: None,
            identifiers: vec![],
            company: None,
        }
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
        fn numbered(mut self, number: &str) -> Self {
            self.identifiers.push(("customer_number".to_owned(), number.to_owned()));
            self
        }
        fn works_at(mut self, company: Uuid) -> Self {
            self.company = Some(company);
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
                company: self.company,
                postal_code: self.postal_code,
                street: self.street,
                identifiers: &self.identifiers,
            };
            Profile::new(Uuid::nil(), &person, &Sounds::default())
        }
    }

    fn verdict(a: &Contact, b: &Contact) -> Verdict {
        compare(&a.profile(), &b.profile(), &Frequencies::uniform())
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
    fn a_surname_taken_on_marriage_is_weighed_apart_from_a_household() {
        let home = |c: Contact| c.at("35000", "4 rue de Fougères");
        let married = verdict(&home(contact("Clémence", "Morvan")), &home(contact("Clemence", "Le Gall")));
        assert_eq!(married.reasons, vec![Reason::SameFirstName, Reason::SameAddress]);
        let household = verdict(&home(contact("Clémence", "Morvan")), &home(contact("Yann", "Morvan")));
        assert_eq!(household.reasons, vec![Reason::SameAddress]);
        assert!(household.score < 30, "{household:?}");
        assert!((30..70).contains(&married.score), "possible, not likely: {married:?}");
    }

    #[test]
    fn colleagues_of_one_first_name_are_two_people_and_their_office_counts_once() {
        let office = |c: Contact| c.works_at(Uuid::from_u128(7)).at("38000", "2 place Grenette");
        let colleagues = verdict(
            &office(contact("Grace", "Johnson").email("grace.johnson@gauthier.fr")),
            &office(contact("Grace", "Hall").email("grace.hall@gauthier.fr")),
        );
        assert!(colleagues.score < 30, "{colleagues:?}");
        assert!(!colleagues.reasons.contains(&Reason::SameAddress), "the company's address: {colleagues:?}");
        let typed_twice = verdict(
            &office(contact("Grace", "Johnson").email("grace.johnson@gauthier.fr")),
            &office(contact("Grace", "Johnson")),
        );
        assert!(typed_twice.score >= 70, "{typed_twice:?}");
        let married_at_work = verdict(
            &office(contact("Grace", "Johnson").email("grace.johnson@gauthier.fr").phone("+33612345678")),
            &office(contact("Grace", "Hall").email("grace.hall@gauthier.fr").phone("+33612345678")),
        );
        assert!(married_at_work.reasons.contains(&Reason::SameFirstName), "{married_at_work:?}");
        assert!(married_at_work.score >= 30, "her own phone came along: {married_at_work:?}");
    }

    #[test]
    fn an_initial_stands_for_its_name() {
        let home = |c: Contact| c.at("44000", "5 place Royale");
        let v = verdict(&home(contact("J.", "Dupont")), &home(contact("Jean", "Dupont")));
        assert!(v.reasons.contains(&Reason::SimilarName), "{v:?}");
    }

    #[test]
    fn scores_rise_with_evidence() {
        assert!(score(-1.0) < score(1.0));
        assert_eq!(score(0.0), 50);
        assert_eq!(score(100.0), 100);
        assert_eq!(score(-100.0), 0);
    }

    #[test]
    fn a_common_name_weighs_less_than_a_rare_one() {
        let home = |c: Contact| c.at("69003", "12 rue de la République");
        let (a, b) = (home(contact("Jean", "Martin")).profile(), home(contact("Jean", "Martin")).profile());
        let rare = compare(&a, &b, &Frequencies::uniform());
        let many: Vec<Profile> = (0..2000).map(|_| contact("Jean", "Martin").profile()).collect();
        let common = compare(&a, &b, &Frequencies::of(&many));
        assert!(common.score < rare.score, "{common:?} {rare:?}");
    }

    #[test]
    fn a_street_written_without_its_number_is_similar() {
        let v = verdict(
            &contact("Kayla", "Harrington").at("3465", "38 maltby circuit"),
            &contact("Kayla", "Harrington").at("3465", "maltby circuit"),
        );
        assert_eq!(v.reasons, vec![Reason::SameName, Reason::SimilarAddress]);
    }

    #[test]
    fn an_identifying_field_decides_both_ways() {
        let same = verdict(
            &contact("J.", "Durand").numbered("C-0042"),
            &contact("Jean", "Durant").numbered("c 0042"),
        );
        assert!(same.reasons.contains(&Reason::SameIdentifier) && same.score >= 90, "{same:?}");
        let two = verdict(
            &contact("Jean", "Durand").numbered("C-0042"),
            &contact("Jean", "Durand").numbered("C-0043"),
        );
        let unknown = verdict(&contact("Jean", "Durand"), &contact("Jean", "Durand"));
        assert!(
            two.score < unknown.score && two.score < 2,
            "two customer numbers: {two:?} against {unknown:?}"
        );
    }
}
