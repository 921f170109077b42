//! Tags: short free labels, compared without regard to case or surrounding spaces.

use crate::validation::ValidationErrors;
use std::collections::HashSet;

pub const MAX_TAG_LENGTH: usize = 50;
/// More tags than this on one record are refused before any is looked at, so a huge list
/// costs nothing but its parsing.
pub const MAX_TAGS: usize = 100;

/// Trims, drops empties and duplicates (keeping the first spelling), and checks length.
pub fn clean_tags(tags: Vec<String>, errors: &mut ValidationErrors) -> Vec<String> {
    if tags.len() > MAX_TAGS {
        errors.add("tags", format!("at most {MAX_TAGS} tags"));
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    let mut seen: HashSet<String> = HashSet::with_capacity(tags.len());
    for (i, tag) in tags.into_iter().enumerate() {
        let tag = tag.trim().to_owned();
        if tag.is_empty() || !seen.insert(tag.to_ascii_lowercase()) {
            continue;
        }
        if tag.chars().count() > MAX_TAG_LENGTH {
            errors.add(format!("tags[{i}]"), format!("must be at most {MAX_TAG_LENGTH} characters"));
        }
        out.push(tag);
    }
    out
}
