//! Free text compared as people mean it: without regard to case or accents, so "helene" finds
//! "Hélène" and "ORLEANS" finds "Orléans", on both engines and with no function of our own in
//! the database (any SQLite client can still write the tables). What was typed becomes a
//! pattern in which each letter matches its accented and capital forms: a GLOB on SQLite, a
//! regular expression on PostgreSQL.
//!
//! Ligatures stay themselves: "coeur" does not find "cœur".

/// Letters people write with or without their accent, with their accented forms in both cases.
const ACCENTED: &[(char, &str)] = &[
    ('a', "àáâãäåÀÁÂÃÄÅ"),
    ('c', "çÇ"),
    ('e', "èéêëÈÉÊË"),
    ('i', "ìíîïÌÍÎÏ"),
    ('n', "ñÑ"),
    ('o', "òóôõöøÒÓÔÕÖØ"),
    ('u', "ùúûüÙÚÛÜ"),
    ('y', "ýÿÝŸ"),
];

/// Where the typed text must sit in a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// The whole value (`eq`).
    Whole,
    /// Its beginning (`starts-with`).
    Start,
    /// Anywhere in it (`contains`).
    Anywhere,
}

/// The letter `c` stands for once its case and accent are put aside.
fn base(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    ACCENTED.iter().find(|(_, forms)| forms.contains(c)).map_or(c, |(letter, _)| *letter)
}

fn accented_forms(letter: char) -> Option<&'static str> {
    ACCENTED.iter().find(|(l, _)| *l == letter).map(|(_, forms)| *forms)
}

/// Every character a typed `c` matches in a value: itself in both cases and, for a letter
/// people accent, each accented form.
fn matching_chars(c: char) -> Vec<char> {
    let letter = base(c);
    let mut chars = vec![letter];
    if letter.is_ascii_alphabetic() {
        chars.push(letter.to_ascii_uppercase());
    } else if let (Some(lower), Some(upper)) = (single(c.to_lowercase()), single(c.to_uppercase())) {
        // A case change that is not one character (ß → SS) cannot sit in a class: such a
        // letter matches only itself.
        chars = vec![lower];
        if upper != lower {
            chars.push(upper);
        }
    }
    if let Some(forms) = accented_forms(letter) {
        chars.extend(forms.chars());
    }
    chars
}

fn single(mut chars: impl Iterator<Item = char>) -> Option<char> {
    let first = chars.next()?;
    chars.next().is_none().then_some(first)
}

/// Whether `typed` holds only characters that a lowered equality already compares as a
/// person would (ASCII with no letter people accent): then the lowered column's index answers.
pub fn is_plain(typed: &str) -> bool {
    typed.chars().all(|c| c.is_ascii() && accented_forms(base(c)).is_none())
}

/// `typed` with case and accents put aside, for a LIKE that decides on values without accents.
pub fn folded(typed: &str) -> String {
    typed.chars().map(base).collect()
}

/// A SQLite GLOB pattern (case-sensitive, so each letter is a class of its forms).
pub fn glob(typed: &str, anchor: Anchor) -> String {
    let mut out = String::new();
    if anchor == Anchor::Anywhere {
        out.push('*');
    }
    for c in typed.chars() {
        let chars = matching_chars(c);
        if chars.len() > 1 {
            out.push('[');
            out.extend(chars);
            out.push(']');
        } else if matches!(c, '*' | '?' | '[' | ']') {
            out.extend(['[', c, ']']);
        } else {
            out.push(c);
        }
    }
    if anchor != Anchor::Whole {
        out.push('*');
    }
    out
}

/// A PostgreSQL regular expression (`~`, case-sensitive, so each letter is a class of its forms).
pub fn regex(typed: &str, anchor: Anchor) -> String {
    let mut out = String::new();
    if anchor != Anchor::Anywhere {
        out.push('^');
    }
    for c in typed.chars() {
        let chars = matching_chars(c);
        if chars.len() > 1 {
            out.push('[');
            out.extend(chars);
            out.push(']');
        } else {
            if c.is_ascii() && !c.is_ascii_alphanumeric() {
                out.push('\\');
            }
            out.push(c);
        }
    }
    if anchor == Anchor::Whole {
        out.push('$');
    }
    out
}

/// The beginnings a value matching `typed` at its start can have, lowered as the engines lower
/// (ASCII letters; capitals with accents stay as they are on SQLite): the unaccented run typed
/// first, then each form of the next letter. A list of ranges on the lowered column's index then
/// narrows the rows to test. `None` when nothing certain leads (the text starts with a letter
/// outside ASCII that no form list covers).
pub fn leading_prefixes(typed: &str) -> Option<Vec<String>> {
    let mut prefix = String::new();
    let mut rest = typed.chars();
    for c in rest.by_ref() {
        if c.is_ascii() && accented_forms(base(c)).is_none() {
            prefix.push(c.to_ascii_lowercase());
            continue;
        }
        if let Some(forms) = accented_forms(base(c)) {
            let letter = base(c);
            let mut prefixes = vec![format!("{prefix}{letter}")];
            prefixes.extend(forms.chars().map(|form| format!("{prefix}{form}")));
            return Some(prefixes);
        }
        break;
    }
    (!prefix.is_empty()).then(|| vec![prefix])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A GLOB matcher as SQLite's, for the classes and wildcards `glob` writes.
    fn globs(pattern: &str, value: &str) -> bool {
        fn go(p: &[char], v: &[char]) -> bool {
            match p.first() {
                None => v.is_empty(),
                Some('*') => (0..=v.len()).any(|i| go(&p[1..], &v[i..])),
                Some('[') => {
                    let end = p.iter().skip(2).position(|c| *c == ']').map(|i| i + 2).unwrap_or(p.len());
                    let class = &p[1..end];
                    !v.is_empty() && class.contains(&v[0]) && go(&p[(end + 1).min(p.len())..], &v[1..])
                }
                Some(c) => v.first() == Some(c) && go(&p[1..], &v[1..]),
            }
        }
        let p: Vec<char> = pattern.chars().collect();
        let v: Vec<char> = value.chars().collect();
        go(&p, &v)
    }

    #[test]
    fn accents_and_case_are_put_aside_both_ways() {
        assert!(globs(&glob("helene", Anchor::Whole), "Hélène"));
        assert!(globs(&glob("HÉLÈNE", Anchor::Whole), "helene"));
        assert!(globs(&glob("orleans", Anchor::Start), "ORLÉANS-la-Source"));
        assert!(globs(&glob("çon", Anchor::Anywhere), "Besançon"));
        assert!(!globs(&glob("helene", Anchor::Whole), "Hélènes"));
        assert!(!globs(&glob("lene", Anchor::Start), "Hélène"));
    }

    #[test]
    fn wildcards_typed_match_only_themselves() {
        assert!(globs(&glob("a*b", Anchor::Whole), "A*B"));
        assert!(!globs(&glob("a*b", Anchor::Whole), "axxb"));
        assert!(!globs(&glob("a?", Anchor::Whole), "ab"));
        assert_eq!(regex("1.5 (net)", Anchor::Whole), "^1\\.5\\ \\([nNñÑ][eEèéêëÈÉÊË][tT]\\)$");
    }

    #[test]
    fn letters_beyond_the_list_keep_their_case_pair() {
        assert!(globs(&glob("жук", Anchor::Whole), "Жук"));
        assert!(globs(&glob("straße", Anchor::Whole), "Straße"));
    }

    #[test]
    fn plain_text_keeps_the_index_equality() {
        assert!(is_plain("75001"));
        assert!(is_plain("+33612345678"));
        assert!(!is_plain("lyon"));
        assert_eq!(folded("Hélène"), "helene");
    }

    #[test]
    fn leading_prefixes_cover_every_form_of_the_first_accentable_letter() {
        let prefixes = leading_prefixes("Lyon").unwrap_or_default();
        assert!(prefixes.contains(&"ly".to_owned()) && prefixes.contains(&"lÿ".to_owned()), "{prefixes:?}");
        assert!(prefixes.contains(&"lŸ".to_owned()), "capitals with accents stay capitals on SQLite");
        assert_eq!(leading_prefixes("75"), Some(vec!["75".to_owned()]));
        assert_eq!(leading_prefixes("Жук"), None);
        assert_eq!(leading_prefixes("bЖ"), Some(vec!["b".to_owned()]));
    }
}
