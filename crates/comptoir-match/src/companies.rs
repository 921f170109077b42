//! Whether two companies are one. A SIREN settles it either way: the same number is one legal
//! entity, two numbers are two (a group's subsidiaries share a name and a web domain, and stay
//! apart). Without both numbers, the name with its legal form left out ("Menuiserie Blanc
//! SARL" is "Menuiserie Blanc"), the web domain, a phone number and the postal code weigh for
//! or against. Companies are far fewer than contacts and their names carry less noise, so
//! fixed weights do, where contacts need their values' frequencies.

use crate::blocking::{PREFIX, pairs_sharing_keys};
use crate::keys::{key, phone_key};
use crate::outcomes::Verdict;
use crate::profile::Sounds;
use comptoir_domain::duplicates::Reason;
use comptoir_domain::search::fold;
use strsim::damerau_levenshtein;
use uuid::Uuid;

/// Words that say what kind of company it is, not which: legal forms and the little words
/// names are written with or without.
const NOT_THE_NAME: &[&str] = &[
    "sa", "sas", "sasu", "sarl", "eurl", "sci", "snc", "scop", "scp", "selarl", "sel", "gie", "sca", "ei",
    "eirl", "ltd", "llc", "inc", "gmbh", "plc", "corp", "co", "cie", "et", "and", "the", "de", "d", "du",
    "des", "la", "le", "l", "les",
];

/// Points each outcome adds to (or takes from) a pair's score, which is kept within 0–100;
/// a SIREN on both sides makes it 100 or 0 whatever else they share.
const SAME_DOMAIN: i32 = 45;
const OTHER_DOMAIN: i32 = -10;
const SAME_NAME: i32 = 60;
const SIMILAR_NAME: i32 = 30;
const OTHER_NAME: i32 = -40;
const SAME_PHONE: i32 = 30;
const NO_PHONE_IN_COMMON: i32 = -5;
const SAME_POSTAL_CODE: i32 = 15;
/// Shops and firms of one trade and one family name are many: the same name in another town
/// is another company more often than not, unless something else they share says otherwise.
const OTHER_POSTAL_CODE: i32 = -35;

/// The shortest word a slip of one letter may turn into another word of the same name: in
/// shorter ones ("Roux", "Rous") one letter is a different name.
const TYPO_WORD: usize = 5;

/// A company as it is written, as the store reads it.
#[derive(Clone, Debug, Default)]
pub struct Company<'a> {
    pub name: &'a str,
    pub siren: Option<&'a str>,
    pub domain: Option<&'a str>,
    /// E.164, as every stored number already is.
    pub phones: &'a [String],
    /// The head office's.
    pub postal_code: Option<&'a str>,
}

/// A company reduced to what tells companies apart, each part normalised.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CompanyProfile {
    pub id: Uuid,
    /// The name's folded words in alphabetical order, legal forms left out.
    pub name: Vec<Box<str>>,
    /// How each of those words sounds.
    pub sounds: Vec<Box<str>>,
    pub siren: Option<Box<str>>,
    pub domain: Option<Box<str>>,
    pub phones: Vec<Box<str>>,
    pub postal_code: Option<Box<str>>,
}

impl CompanyProfile {
    pub fn new(id: Uuid, company: &Company<'_>, encoder: &Sounds) -> Self {
        let folded = fold(company.name);
        let mut name: Vec<Box<str>> =
            folded.split(' ').filter(|w| !w.is_empty() && !NOT_THE_NAME.contains(w)).map(Box::from).collect();
        if name.is_empty() {
            name = folded.split(' ').filter(|w| !w.is_empty()).map(Box::from).collect();
        }
        name.sort_unstable();
        let sounds = name.iter().map(|word| encoder.code(word)).collect();
        let compact = |value: &str| -> Option<Box<str>> {
            let value: String =
                value.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
            (!value.is_empty()).then(|| Box::from(value))
        };
        Self {
            id,
            name,
            sounds,
            siren: company.siren.and_then(compact),
            domain: company.domain.map(|d| d.trim_start_matches("www.")).and_then(compact),
            phones: company.phones.iter().map(|p| Box::from(p.as_str())).collect(),
            postal_code: company.postal_code.and_then(compact),
        }
    }

    fn joined_name(&self) -> String {
        self.name.join(" ")
    }
}

/// Every pair of indexes into `profiles` sharing a key: a SIREN, a domain, a phone number,
/// the name, how it sounds, or a word's start in one postal code.
pub(crate) fn candidate_pairs(profiles: &[CompanyProfile]) -> Vec<u64> {
    pairs_sharing_keys(profiles, for_each_key, |profile| (profile.postal_code.clone(), profile.joined_name()))
}

fn for_each_key(profile: &CompanyProfile, emit: &mut dyn FnMut(u64)) {
    if let Some(siren) = &profile.siren {
        emit(key(("siren", siren)));
    }
    if let Some(domain) = &profile.domain {
        emit(key(("domain", domain)));
    }
    for phone in &profile.phones {
        emit(phone_key(phone));
    }
    if !profile.name.is_empty() {
        emit(key(("company name", &profile.name)));
    }
    let sounds: Vec<&str> = profile.sounds.iter().map(AsRef::as_ref).filter(|s| !s.is_empty()).collect();
    if !sounds.is_empty() {
        emit(key(("company sounds", &sounds)));
    }
    // Each word alone too, for a name mistyped in another word: a large block, windowed.
    for sound in sounds.iter().filter(|sound| sound.len() >= 2) {
        emit(key(("company word", sound)));
    }
    let Some(longest) = profile.name.iter().max_by_key(|word| word.len()) else { return };
    if let Some(postal_code) = &profile.postal_code {
        let start: String = longest.chars().take(PREFIX).collect();
        emit(key(("company place", postal_code, &start)));
    }
}

pub(crate) fn compare(a: &CompanyProfile, b: &CompanyProfile) -> Verdict {
    let mut points = 0;
    let mut reasons = Vec::new();
    let mut weigh = |weight: i32, reason: Option<Reason>| {
        points += weight;
        reasons.extend(reason);
    };
    match (&a.domain, &b.domain) {
        (Some(x), Some(y)) if x == y => weigh(SAME_DOMAIN, Some(Reason::SameDomain)),
        (Some(_), Some(_)) => weigh(OTHER_DOMAIN, None),
        _ => {}
    }
    if !a.name.is_empty() && !b.name.is_empty() {
        if a.name == b.name {
            weigh(SAME_NAME, Some(Reason::SameName));
        } else if one_slip_apart(&a.name, &b.name) {
            weigh(SIMILAR_NAME, Some(Reason::SimilarName));
        } else if a.sounds == b.sounds {
            weigh(SIMILAR_NAME, Some(Reason::SoundsAlike));
        } else {
            weigh(OTHER_NAME, None);
        }
    }
    if !a.phones.is_empty() && !b.phones.is_empty() {
        if a.phones.iter().any(|phone| b.phones.contains(phone)) {
            weigh(SAME_PHONE, Some(Reason::SamePhone));
        } else {
            weigh(NO_PHONE_IN_COMMON, None);
        }
    }
    match (&a.postal_code, &b.postal_code) {
        (Some(x), Some(y)) if x == y => weigh(SAME_POSTAL_CODE, Some(Reason::SamePostalCode)),
        (Some(_), Some(_)) => weigh(OTHER_POSTAL_CODE, None),
        _ => {}
    }
    match (&a.siren, &b.siren) {
        (Some(x), Some(y)) if x == y => {
            reasons.push(Reason::SameSiren);
            points = 100;
        }
        (Some(_), Some(_)) => points = 0,
        _ => {}
    }
    reasons.sort_unstable();
    // Within 0..=100 once clamped, so the conversion cannot fail.
    let score = u8::try_from(points.clamp(0, 100)).unwrap_or(0);
    Verdict { score, reasons }
}

/// Whether two names are the same words but one, and that one a slip of a letter (replaced,
/// left out, added, or two swapped): "Menuiserie Blanc" and "Menuiserie Blanq". Names sharing
/// a trade word and nothing else ("Boulangerie Martin", "Boulangerie Morin") are not.
fn one_slip_apart(a: &[Box<str>], b: &[Box<str>]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let only_a: Vec<&str> = a.iter().filter(|w| !b.contains(w)).map(AsRef::as_ref).collect();
    let only_b: Vec<&str> = b.iter().filter(|w| !a.contains(w)).map(AsRef::as_ref).collect();
    match (only_a.as_slice(), only_b.as_slice()) {
        ([x], [y]) => {
            x.chars().count().min(y.chars().count()) >= TYPO_WORD - 1
                && x.chars().count().max(y.chars().count()) >= TYPO_WORD
                && damerau_levenshtein(x, y) == 1
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blocking::pair;

    fn company(
        name: &str,
        siren: &'static str,
        domain: &'static str,
        phone: &str,
        postal_code: &'static str,
    ) -> CompanyProfile {
        let phones: Vec<String> = [phone].iter().filter(|p| !p.is_empty()).map(|p| (*p).to_owned()).collect();
        let given = |value: &'static str| (!value.is_empty()).then_some(value);
        let company = Company {
            name,
            siren: given(siren),
            domain: given(domain),
            phones: &phones,
            postal_code: given(postal_code),
        };
        CompanyProfile::new(Uuid::nil(), &company, &Sounds::default())
    }

    #[test]
    fn legal_forms_and_little_words_are_not_the_name() {
        let sarl = company("Menuiserie Blanc SARL", "", "", "", "");
        assert_eq!(sarl.name, company("MENUISERIE  BLANC", "", "", "", "").name);
        assert_eq!(
            company("Dupont & Cie", "", "", "", "").name,
            company("Dupont et Cie", "", "", "", "").name
        );
        assert_eq!(
            company("SAS", "", "", "", "").name,
            vec![Box::from("sas")],
            "a name made of a form is kept"
        );
    }

    #[test]
    fn a_siren_settles_it_either_way() {
        let one = compare(
            &company("Crème & Cie", "732829320", "", "", "69003"),
            &company("Creme et compagnie", "732 829 320", "", "", "75001"),
        );
        assert_eq!(one.score, 100);
        assert!(one.reasons.contains(&Reason::SameSiren));
        let two = compare(
            &company("Groupe Laurent", "732829320", "laurent.fr", "+33478123456", "69003"),
            &company("Groupe Laurent", "552100554", "laurent.fr", "+33478123456", "69003"),
        );
        assert_eq!(two.score, 0, "subsidiaries: same name, domain and switchboard, two entities");
    }

    #[test]
    fn names_domains_phones_and_places_weigh() {
        let here = company("Menuiserie Blanc SARL", "", "", "", "69003");
        let same = compare(&here, &company("Menuiserie Blanc", "", "", "", "69003"));
        assert_eq!((same.score, same.reasons.clone()), (75, vec![Reason::SameName, Reason::SamePostalCode]));
        let typo = compare(&here, &company("Menuiserie Blanq", "", "", "+33478123456", "69003"));
        assert!(typo.reasons.contains(&Reason::SimilarName) && typo.score < 70, "{typo:?}");
        let branch = compare(&here, &company("Menuiserie Blanc", "", "", "", "13001"));
        assert_eq!(branch.score, 25, "a namesake elsewhere: not kept on its name alone");
        let moved = compare(
            &company("Menuiserie Blanc", "", "", "+33478123456", "69003"),
            &company("Menuiserie Blanc", "", "", "+33478123456", "13001"),
        );
        assert_eq!(moved.score, 55, "elsewhere, but at the same number: possible");
        let domain = compare(
            &company("Boulangerie Martin", "", "martin.fr", "", ""),
            &company("Boulangerie Martim", "", "www.martin.fr", "", ""),
        );
        assert_eq!(domain.reasons, vec![Reason::SimilarName, Reason::SameDomain]);
        assert_eq!(domain.score, 75);
        let strangers = compare(&here, &company("Plomberie Durand", "", "", "", "69003"));
        assert_eq!(strangers.score, 0);
    }

    #[test]
    fn a_slip_of_one_letter_is_the_same_name_another_family_name_is_not() {
        let name = |written: &str| company(written, "", "", "", "").name;
        assert!(one_slip_apart(&name("Menuiserie Blanchard"), &name("Menuiserie Blanchrad")));
        assert!(one_slip_apart(&name("Garage Durand"), &name("Garage Durandd")));
        assert!(!one_slip_apart(&name("Boulangerie Martin"), &name("Boulangerie Morin")), "two letters");
        assert!(!one_slip_apart(&name("Atelier Roux"), &name("Atelier Rous")), "too short to tell");
        assert!(!one_slip_apart(&name("Garage Durand"), &name("Garage Durand Frères")));
    }

    #[test]
    fn pairs_share_a_key_and_strangers_do_not_meet() {
        let profiles = vec![
            company("Menuiserie Blanc", "", "", "", "69003"),
            company("Crème & Cie", "732829320", "", "", ""),
            company("Menuiserie Blanc SARL", "", "", "", "13001"),
            company("Plomberie Durand", "", "durand.fr", "", "33000"),
            company("Autre nom", "732829320", "", "", ""),
            company("Durand Plombier", "", "durand.fr", "", ""),
        ];
        let pairs: Vec<(usize, usize)> = candidate_pairs(&profiles).into_iter().map(pair).collect();
        assert_eq!(pairs, vec![(0, 2), (1, 4), (3, 5)]);
    }
}
