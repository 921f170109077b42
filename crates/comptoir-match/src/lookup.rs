//! The contacts on file held as the keys they are found by, to name the ones a new row looks
//! like while an import runs: a few dozen bytes a contact, where a whole profile takes hundreds,
//! so a base of a million contacts stays well inside an import's memory.

use crate::blocking::{WHOLE_BLOCK, for_each_narrow_key};
use crate::compare::compare;
use crate::frequencies::Frequencies;
use crate::outcomes::Verdict;
use crate::profile::Profile;
use uuid::Uuid;

/// A key and the contact it is one of, as three words rather than a `(u64, u32)` padded to
/// sixteen bytes: a million contacts hold three or four million of them. Sorted, they run by
/// key.
type Entry = [u32; 3];

fn entry(key: u64, index: u32) -> Entry {
    [(key >> 32) as u32, key as u32, index]
}

fn key_of(entry: &Entry) -> u64 {
    (u64::from(entry[0]) << 32) | u64::from(entry[1])
}

/// Contacts on file being gathered, a page at a time.
pub struct OnFile {
    keys: Vec<Entry>,
    ids: Vec<Uuid>,
    frequencies: Frequencies,
}

impl Default for OnFile {
    fn default() -> Self {
        Self::with_capacity(0)
    }
}

impl OnFile {
    /// Room for about `contacts` contacts' keys (up to four each) from the start: growing by
    /// doubling would hold the old and the new arrays at once.
    pub fn with_capacity(contacts: usize) -> Self {
        Self {
            keys: Vec::with_capacity(contacts * 4),
            ids: Vec::with_capacity(contacts),
            frequencies: Frequencies::uniform(),
        }
    }

    /// Takes in one contact on file; its profile is not kept.
    pub fn add(&mut self, profile: &Profile) {
        let index = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
        for_each_narrow_key(profile, &mut |key| self.keys.push(entry(key, index)));
        self.frequencies.count(profile);
        self.ids.push(profile.id);
    }

    pub fn finish(mut self) -> Lookup {
        self.keys.sort_unstable();
        self.keys.dedup();
        self.keys.shrink_to_fit();
        self.ids.shrink_to_fit();
        let frequencies = self.frequencies.counted_among(self.ids.len());
        Lookup { keys: self.keys, ids: self.ids, frequencies }
    }
}

/// The contacts on file, ready to be looked up.
pub struct Lookup {
    keys: Vec<Entry>,
    ids: Vec<Uuid>,
    frequencies: Frequencies,
}

impl Lookup {
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The contacts on file that share a narrow key with `profile`, each once. A key more
    /// contacts share than a block compared whole (a name as common as "Jean Martin" across the
    /// country) names none by itself: the same name in one place or at one company still does.
    pub fn candidates(&self, profile: &Profile) -> Vec<Uuid> {
        let mut found: Vec<u32> = Vec::new();
        for_each_narrow_key(profile, &mut |key| {
            let start = self.keys.partition_point(|e| key_of(e) < key);
            let end = start + self.keys[start..].partition_point(|e| key_of(e) == key);
            if end - start <= WHOLE_BLOCK {
                found.extend(self.keys[start..end].iter().map(|e| e[2]));
            }
        });
        found.sort_unstable();
        found.dedup();
        found.into_iter().map(|index| self.ids[index as usize]).collect()
    }

    /// Which of `on_file` (the profiles of [`Self::candidates`]) `row` looks likeliest to be,
    /// with the verdict, when any scores `min_score` or more. Values are weighed by how common
    /// they are on file.
    pub fn likeliest<'a>(
        &self,
        row: &Profile,
        on_file: impl IntoIterator<Item = &'a Profile>,
        min_score: u8,
    ) -> Option<(Uuid, Verdict)> {
        on_file
            .into_iter()
            .map(|candidate| (candidate.id, compare(row, candidate, &self.frequencies)))
            .filter(|(_, verdict)| verdict.score >= min_score)
            .max_by_key(|(_, verdict)| verdict.score)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{Person, Sounds};

    fn profile(id: u128, first: &str, last: &str, postal_code: &str, street: &str) -> Profile {
        let person = Person {
            first_name: Some(first),
            last_name: Some(last),
            postal_code: Some(postal_code),
            street: (!street.is_empty()).then_some(street),
            ..Person::default()
        };
        Profile::new(Uuid::from_u128(id), &person, &Sounds::default())
    }

    fn on_file(profiles: &[Profile]) -> Lookup {
        let mut gathering = OnFile::default();
        profiles.iter().for_each(|p| gathering.add(p));
        gathering.finish()
    }

    #[test]
    fn a_row_finds_the_contact_it_is_written_differently_as() {
        let file = vec![
            profile(1, "Hélène", "Lefèvre", "69003", "12 boulevard Vivier-Merle"),
            profile(2, "Paul", "Durand", "33000", "4 rue Sainte-Catherine"),
        ];
        let lookup = on_file(&file);
        let row = profile(0, "helene", "LEFEBVRE", "69003", "12 bd Vivier Merle");
        assert_eq!(lookup.candidates(&row), vec![Uuid::from_u128(1)]);
        let (id, verdict) = lookup.likeliest(&row, &file, 70).expect("a likely duplicate");
        assert_eq!(id, Uuid::from_u128(1));
        assert!(verdict.score >= 70, "{verdict:?}");
        let stranger = profile(0, "Marie", "Curie", "75005", "");
        assert!(lookup.candidates(&stranger).is_empty());
        assert_eq!(lookup.likeliest(&stranger, &file, 70), None);
    }

    #[test]
    fn a_name_too_common_to_tell_anyone_apart_names_nobody_by_itself() {
        let file: Vec<Profile> =
            (0..200).map(|n| profile(n, "Jean", "Martin", &format!("{:05}", 10_000 + n * 7), "")).collect();
        let lookup = on_file(&file);
        let elsewhere = profile(0, "Jean", "Martin", "99999", "");
        assert!(lookup.candidates(&elsewhere).is_empty());
        let in_one_place = profile(0, "Jean", "Martin", "10007", "");
        assert_eq!(lookup.candidates(&in_one_place), vec![Uuid::from_u128(1)]);
    }
}
