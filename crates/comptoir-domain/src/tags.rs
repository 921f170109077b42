//! Tags: short free labels, compared without regard to case or surrounding spaces.

use crate::validation::ValidationErrors;

pub const MAX_TAG_LENGTH: usize = 50;

/// Trims, drops empties and duplicates (keeping the first spelling), and checks length.
pub fn clean_tags(tags: Vec<String>, errors: &mut ValidationErrors) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for (i, tag) in tags.into_iter().enumerate() {
        let tag = tag.trim().to_owned();
        if tag.is_empty() || out.iter().any(|t| t.eq_ignore_ascii_case(&tag)) {
            continue;
        }
        if tag.chars().count() > MAX_TAG_LENGTH {
            errors.add(format!("tags[{i}]"), format!("must be at most {MAX_TAG_LENGTH} characters"));
        }
        out.push(tag);
    }
    out
}
