//! The rules write their validation messages in English, and the pages translate them by their
//! wording (`Lang::message`). A message added without its French line would reach French
//! readers in English, so this reads every crate's source for the messages it can give and
//! asks the French catalogue for each.

use crate::i18n::Lang;
use std::path::{Path, PathBuf};

/// Messages only API clients read (the API speaks English), or whose words are filled in at
/// run time so that no single line can translate them; each with where it comes from.
const NOT_SHOWN_ON_PAGES: &[&str] = &[
    // A list's cursor, sort and search parameters: links the pages build themselves.
    "is not a cursor from this list (it may be from another sort order)",
    "is not a parameter of this list",
    "is not a parameter of this resource",
    "names a field, optionally prefixed by - for descending order",
    "lists cannot be sorted on",
    "this list has no full-text search",
    "unknown field {sort_name}; use one of {}",
    "unknown field {}; use one of {}",
    // Request bodies and headers of the API.
    "is not JSON: {e}",
    "must be a JSON object",
    "must be 1 to 255 characters",
    "was already used for a different request",
    "give either ids or filter, not both",
    "give the records' ids, or a filter choosing them",
    "must name at least one record",
    "is incomplete",
    // A file a reader cannot read, with the reader's own words.
    "line {line}: {message}",
    "the file could not be read: {0}",
    // An upload cut short or not stored: the page answers with its own error page.
    "the file was not received whole",
    "the file could not be stored: {0}",
    // A quote's status buttons offer only the moves its status allows.
    "a {} quote cannot become {}",
    // The custom-field page moves a field with its own two buttons.
    "must be up or down",
];

/// Where the scan looks for a message: what follows is the call's arguments, the message last.
const MARKERS: &[&str] =
    &[".add(", "::single(", "#[error(", "Invalid(", "invalid(", "refused(", "Refused(", "Err("];

fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source directory").flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The string literals of the call that opens at the start of `text`, up to its closing
/// parenthesis.
fn literals_of_call(text: &str) -> Vec<String> {
    let mut literals = vec![];
    let mut depth = 1;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            '"' => {
                let mut literal = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some(escaped) = chars.next() {
                                literal.push(escaped);
                            }
                        }
                        '"' => break,
                        c => literal.push(c),
                    }
                }
                literals.push(literal);
            }
            _ => {}
        }
    }
    literals
}

/// A message as a reader sees it: the placeholders of a `format!` filled with a number, which
/// is what they hold (a length, a count, a limit).
fn as_given(message: &str) -> String {
    let mut given = String::new();
    let mut in_placeholder = false;
    for c in message.chars() {
        match c {
            '{' => {
                in_placeholder = true;
                given.push('1');
            }
            '}' => in_placeholder = false,
            c if !in_placeholder => given.push(c),
            _ => {}
        }
    }
    given
}

/// Whether a literal reads as a validation message rather than a field name or a key.
fn is_a_message(literal: &str) -> bool {
    literal.contains(' ') && literal.chars().next().is_some_and(|c| c.is_ascii_lowercase())
}

#[test]
fn every_validation_message_the_rules_give_reads_in_french() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = vec![];
    for name in ["comptoir-domain", "comptoir-app", "comptoir-store", "comptoir-import", "comptoir-web"] {
        sources(&crates.join(name).join("src"), &mut files);
    }
    let mut seen = 0;
    let mut untranslated = vec![];
    for file in files.iter().filter(|f| !f.ends_with(file!().rsplit('/').next().unwrap_or_default())) {
        let text = std::fs::read_to_string(file).expect("a source file");
        // The application's and the store's own errors are not validation messages: the pages
        // show a title of their own for each.
        let in_crate = |names: &[&str]| names.iter().any(|c| file.to_string_lossy().contains(c));
        let errors_are_messages = !in_crate(&["comptoir-app", "comptoir-store"]);
        // The rules' own crates return their messages as errors; elsewhere an `Err` is a
        // refusal the pages title themselves, or the API's.
        let returns_are_messages = in_crate(&["comptoir-domain", "comptoir-import"]);
        let scanned = |m: &&&str| match **m {
            "#[error(" => errors_are_messages,
            "Err(" => returns_are_messages,
            _ => true,
        };
        for marker in MARKERS.iter().filter(scanned) {
            for (at, _) in text.match_indices(marker) {
                let Some(message) = literals_of_call(&text[at + marker.len()..]).pop() else {
                    continue;
                };
                if !is_a_message(&message) || NOT_SHOWN_ON_PAGES.contains(&message.as_str()) {
                    continue;
                }
                seen += 1;
                if Lang::Fr.translated(&as_given(&message)).is_none() {
                    untranslated.push(format!("{}: {message:?}", file.display()));
                }
            }
        }
    }
    untranslated.sort();
    untranslated.dedup();
    assert!(seen > 100, "the scan found only {seen} messages: has the way they are written changed?");
    assert!(untranslated.is_empty(), "no French for:\n{}", untranslated.join("\n"));
}
