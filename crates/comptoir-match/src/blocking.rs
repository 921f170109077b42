//! Which pairs are worth comparing: those that share a blocking key (an email, a phone, how
//! the name sounds, a place or company with the name's start). Comparing every pair of a
//! million contacts would take days; comparing those is linear in practice.

use crate::keys::{email_key, identifier_key, key, phone_key, street_key};
use crate::profile::Profile;

/// Blocks up to this size are compared pair by pair.
pub(crate) const WHOLE_BLOCK: usize = 64;
/// In a larger block (a common name, a shared switchboard number), each member is compared
/// with this many neighbours once the block is sorted by place, where duplicates sit together.
const WINDOW: usize = 12;
/// How many letters of the name's longest word go with a place or company.
pub(crate) const PREFIX: usize = 3;

/// Every pair of indexes into `profiles` sharing a key, each once, as [`pair`] packs them:
/// tens of millions at a million contacts, so eight bytes each, allocated once.
pub fn candidate_pairs(profiles: &[Profile]) -> Vec<u64> {
    pairs_sharing_keys(
        profiles,
        |profile, emit| for_each_key(profile, emit),
        |profile| (profile.postal_code.clone(), profile.street.clone(), profile.sorted_name().join(" ")),
    )
}

/// Every pair of indexes into `items` that share one of the keys `keys_of` emits; a block too
/// large to compare whole is sorted by `place` and each member compared with its neighbours.
pub(crate) fn pairs_sharing_keys<T, O: Ord>(
    items: &[T],
    keys_of: impl Fn(&T, &mut dyn FnMut(u64)),
    place: impl Fn(&T) -> O,
) -> Vec<u64> {
    let mut keys: Vec<(u64, u32)> = Vec::with_capacity(items.len() * 8);
    for (index, item) in items.iter().enumerate() {
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        keys_of(item, &mut |key| keys.push((key, index)));
    }
    keys.sort_unstable();
    let blocks = || keys.chunk_by(|a, b| a.0 == b.0);
    let most: usize = blocks().map(|block| pairs_in(block.len())).sum();
    let mut pairs: Vec<u64> = Vec::with_capacity(most);
    let mut members: Vec<u32> = Vec::new();
    for block in blocks() {
        members.clear();
        members.extend(block.iter().map(|&(_, index)| index));
        members.dedup();
        pair_up(&mut members, &mut pairs, |index| place(&items[index as usize]));
    }
    drop(keys);
    pairs.sort_unstable();
    pairs.dedup();
    pairs.shrink_to_fit();
    pairs
}

/// The two indexes packed in a candidate pair, the smaller first.
pub fn pair(packed: u64) -> (usize, usize) {
    ((packed >> 32) as usize, (packed & u64::from(u32::MAX)) as usize)
}

/// How many pairs a block of `n` members yields, at most.
fn pairs_in(n: usize) -> usize {
    if n <= WHOLE_BLOCK { n * n.saturating_sub(1) / 2 } else { n * WINDOW }
}

fn pair_up<O: Ord>(block: &mut [u32], pairs: &mut Vec<u64>, place: impl Fn(u32) -> O) {
    let mut push = |a: u32, b: u32| pairs.push((u64::from(a.min(b)) << 32) | u64::from(a.max(b)));
    if block.len() <= WHOLE_BLOCK {
        for (i, &a) in block.iter().enumerate() {
            for &b in &block[i + 1..] {
                push(a, b);
            }
        }
        return;
    }
    block.sort_by_cached_key(|&index| place(index));
    for (i, &a) in block.iter().enumerate() {
        for &b in block.iter().skip(i + 1).take(WINDOW) {
            push(a, b);
        }
    }
}

fn for_each_key(profile: &Profile, emit: &mut dyn FnMut(u64)) {
    for email in &profile.emails {
        emit(email_key(email));
    }
    for phone in &profile.phones {
        emit(phone_key(phone));
    }
    for_each_narrow_key(profile, emit);
    // Each word alone too, for a name mistyped in its other word: a large block, windowed.
    for sound in profile.sorted_sounds().iter().filter(|sound| sound.len() >= 2) {
        emit(key(("word", sound)));
    }
}

/// The keys that single out a few people: an identifier, how the whole name sounds, a street,
/// the name's start in a place or at a company. What a row is looked up by among the contacts
/// on file, whose emails and phones an import already matches exactly.
pub(crate) fn for_each_narrow_key(profile: &Profile, emit: &mut dyn FnMut(u64)) {
    for (field, value) in &profile.identifiers {
        emit(identifier_key(field, value));
    }
    let sounds = profile.sorted_sounds();
    if !sounds.is_empty() {
        emit(key(("sounds", &sounds)));
    }
    if let (Some(postal_code), Some(street)) = (&profile.postal_code, &profile.street) {
        emit(street_key(postal_code, street));
    }
    let Some(longest) = profile.name.iter().max_by_key(|word| word.len()) else { return };
    let start: String = longest.chars().take(PREFIX).collect();
    if let Some(postal_code) = &profile.postal_code {
        emit(key(("place", postal_code, &start)));
    }
    if let Some(company) = &profile.company {
        emit(key(("company", company, &start)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{Person, Sounds};
    use uuid::Uuid;

    fn profile(first: &str, last: &str, email: &str, postal_code: &str) -> Profile {
        let emails = if email.is_empty() { vec![] } else { vec![email.to_owned()] };
        let person = Person {
            first_name: Some(first),
            last_name: Some(last),
            emails: &emails,
            postal_code: Some(postal_code),
            ..Person::default()
        };
        Profile::new(Uuid::nil(), &person, &Sounds::default())
    }

    #[test]
    fn pairs_share_a_key_and_strangers_do_not_meet() {
        let profiles = vec![
            profile("Jean", "Dupont", "", "69003"),
            profile("Marie", "Curie", "marie@x.fr", "75005"),
            profile("Dupont", "Jean", "", "13001"),
            profile("M.", "Curie-Skłodowska", "marie@x.fr", "75005"),
            profile("Paul", "Durand", "", "33000"),
        ];
        let pairs: Vec<(usize, usize)> = candidate_pairs(&profiles).into_iter().map(pair).collect();
        assert_eq!(pairs, vec![(0, 2), (1, 3)]);
    }

    #[test]
    fn a_huge_block_is_windowed_not_squared() {
        let profiles: Vec<Profile> =
            (0..1000).map(|i| profile("Jean", "Martin", "", &format!("{:05}", i))).collect();
        let pairs = candidate_pairs(&profiles);
        assert!(pairs.len() <= 1000 * WINDOW, "{}", pairs.len());
        assert!(pairs.iter().any(|p| pair(*p) == (0, 1)));
    }
}
