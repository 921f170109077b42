//! What linkage compares of a contact, normalised once per scan rather than once per pair.

use crate::keys::name_key;
use comptoir_domain::search::fold;
use rphonetic::{DoubleMetaphone, Encoder};
use uuid::Uuid;

/// Words a name is often written with or without ("de Gaulle", "Van Damme"): they say
/// nothing about who someone is.
const PARTICLES: &[&str] =
    &["de", "d", "du", "des", "la", "le", "l", "van", "von", "der", "den", "di", "da", "del"];

/// A contact as it is written, as the store reads it.
#[derive(Clone, Debug, Default)]
pub struct Person<'a> {
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub emails: &'a [String],
    pub phones: &'a [String],
    pub company: Option<Uuid>,
    pub postal_code: Option<&'a str>,
    pub street: Option<&'a str>,
    /// The values of the fields marked as identifying, by field key.
    pub identifiers: &'a [(String, String)],
}

/// A contact reduced to what tells people apart, each part normalised.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    pub id: Uuid,
    /// The name's folded words, first name first, particles left out.
    pub name: Vec<Box<str>>,
    /// How each word of the name sounds, in the same order.
    pub sounds: Vec<Box<str>>,
    /// The name's words in any order, hashed: how common the name is is counted under it.
    pub name_key: u64,
    /// The first name and the surname apart, folded, when both are known: a surname can
    /// change, a first name rarely does.
    pub first_name: Option<Box<str>>,
    pub surname: Option<Box<str>>,
    pub emails: Vec<Box<str>>,
    /// E.164, as every stored number already is.
    pub phones: Vec<Box<str>>,
    pub company: Option<Uuid>,
    /// Without spaces: "69 003" and "69003" are one code.
    pub postal_code: Option<Box<str>>,
    /// Folded, with the usual abbreviations spelt out.
    pub street: Option<Box<str>>,
    /// Identifying fields' values by key, folded and without spaces: "FR 123 456" is "fr123456".
    pub identifiers: Vec<(Box<str>, Box<str>)>,
}

impl Profile {
    pub fn new(id: Uuid, person: &Person<'_>, encoder: &Sounds) -> Self {
        let written = format!("{} {}", person.first_name.unwrap_or(""), person.last_name.unwrap_or(""));
        let folded = fold(&written);
        let mut name: Vec<Box<str>> =
            folded.split(' ').filter(|w| !w.is_empty() && !PARTICLES.contains(w)).map(Box::from).collect();
        if name.is_empty() {
            name = folded.split(' ').filter(|w| !w.is_empty()).map(Box::from).collect();
        }
        let sounds = name.iter().map(|word| encoder.code(word)).collect();
        let part = |written: Option<&str>| {
            let words: Vec<String> = fold(written.unwrap_or(""))
                .split(' ')
                .filter(|w| !w.is_empty() && !PARTICLES.contains(w))
                .map(str::to_owned)
                .collect();
            (!words.is_empty()).then(|| Box::from(words.join(" ")))
        };
        let (first_name, surname) = match (part(person.first_name), part(person.last_name)) {
            (Some(first), Some(last)) => (Some(first), Some(last)),
            _ => (None, None),
        };
        let postal_code = person
            .postal_code
            .map(|code| code.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase())
            .filter(|code| !code.is_empty())
            .map(Box::from);
        let street = person.street.map(street).filter(|s| !s.is_empty()).map(Box::from);
        let mut sorted: Vec<&str> = name.iter().map(AsRef::as_ref).collect();
        sorted.sort_unstable();
        let name_key = name_key(&sorted);
        Self {
            id,
            name,
            sounds,
            name_key,
            first_name,
            surname,
            emails: person.emails.iter().map(|e| Box::from(email(e))).collect(),
            phones: person.phones.iter().map(|p| Box::from(p.as_str())).collect(),
            company: person.company,
            postal_code,
            street,
            identifiers: person
                .identifiers
                .iter()
                .map(|(key, value)| (key, fold(value).replace(' ', "")))
                .filter(|(_, value)| !value.is_empty())
                .map(|(key, value)| (Box::from(key.as_str()), Box::from(value)))
                .collect(),
        }
    }

    /// The name's words in alphabetical order, which "Dupont Jean" and "Jean Dupont" share.
    pub fn sorted_name(&self) -> Vec<&str> {
        let mut words: Vec<&str> = self.name.iter().map(AsRef::as_ref).collect();
        words.sort_unstable();
        words
    }

    pub fn sorted_sounds(&self) -> Vec<&str> {
        let mut sounds: Vec<&str> = self.sounds.iter().map(AsRef::as_ref).filter(|s| !s.is_empty()).collect();
        sounds.sort_unstable();
        sounds
    }
}

/// The phonetic encoder, built once: a name's words as they sound, so "Lefebvre" and
/// "Lefèvre", or "Philippe" and "Filipe", meet.
#[derive(Default)]
pub struct Sounds(DoubleMetaphone);

impl Sounds {
    pub fn code(&self, word: &str) -> Box<str> {
        Box::from(self.0.encode(word))
    }
}

/// An address as people mean it: "jean.dupont+crm@exemple.fr" reaches jean.dupont.
fn email(address: &str) -> String {
    let address = address.trim().to_lowercase();
    match address.split_once('@') {
        Some((local, domain)) => {
            let local = local.split_once('+').map_or(local, |(before, _)| before);
            format!("{local}@{domain}")
        }
        None => address,
    }
}

/// A street folded, its number kept, "bd" and "boulevard" one word.
fn street(written: &str) -> String {
    fold(written)
        .split(' ')
        .map(|word| match word {
            "bd" | "blvd" | "bld" => "boulevard",
            "av" | "ave" => "avenue",
            "r" => "rue",
            "pl" => "place",
            "ch" | "chem" => "chemin",
            "imp" => "impasse",
            "rte" => "route",
            "st" => "saint",
            "ste" => "sainte",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(first: &str, last: &str) -> Profile {
        let person = Person { first_name: Some(first), last_name: Some(last), ..Person::default() };
        Profile::new(Uuid::nil(), &person, &Sounds::default())
    }

    #[test]
    fn names_are_folded_and_particles_dropped() {
        assert_eq!(profile("Hélène", "de la Tour").name, vec![Box::from("helene"), Box::from("tour")]);
        assert_eq!(profile("Jean-Pierre", "DUPONT").sorted_name(), vec!["dupont", "jean", "pierre"]);
        assert_eq!(profile("", "De").name, vec![Box::from("de")], "a name made of a particle is kept");
    }

    #[test]
    fn spellings_that_sound_alike_share_a_code() {
        assert_eq!(profile("Philippe", "Dupont").sounds, profile("Filipe", "Dupond").sounds);
    }

    #[test]
    fn emails_lose_their_tags_and_streets_their_abbreviations() {
        assert_eq!(email("Jean.Dupont+crm@Exemple.fr"), "jean.dupont@exemple.fr");
        assert_eq!(street("12, bd Saint-Germain"), street("12 Boulevard St Germain"));
    }
}
