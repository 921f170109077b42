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

/// `typed` with case and accents put aside, for a LIKE that decides on values without accents.
pub fn folded(typed: &str) -> String {
    typed.chars().map(base).collect()
}

/// A SQLite GLOB pattern (case-sensitive, so each letter is a class of its forms).
pub fn glob(typed: &str, anchor: Anchor) -> String {
    let body = pattern(typed, |c, out| {
        if matches!(c, '*' | '?' | '[' | ']') {
            out.extend(['[', c, ']']);
        } else {
            out.push(c);
        }
    });
    match anchor {
        Anchor::Whole => body,
        Anchor::Start => format!("{body}*"),
        Anchor::Anywhere => format!("*{body}*"),
    }
}

/// A PostgreSQL regular expression (`~`, case-sensitive, so each letter is a class of its forms).
pub fn regex(typed: &str, anchor: Anchor) -> String {
    let body = pattern(typed, |c, out| {
        if c.is_ascii() && !c.is_ascii_alphanumeric() {
            out.push('\\');
        }
        out.push(c);
    });
    match anchor {
        Anchor::Whole => format!("^{body}$"),
        Anchor::Start => format!("^{body}"),
        Anchor::Anywhere => body,
    }
}

/// Each typed character as a class of the characters it matches, or as itself written by
/// `literal` (which escapes what the pattern language would read otherwise).
fn pattern(typed: &str, literal: impl Fn(char, &mut String)) -> String {
    let mut out = String::new();
    for c in typed.chars() {
        let chars = matching_chars(c);
        if chars.len() > 1 {
            out.push('[');
            out.extend(chars);
            out.push(']');
        } else {
            literal(c, &mut out);
        }
    }
    out
}

/// How many of the typed letters people accent get index probes of their own: each adds a
/// probe per accented form (up to twelve), and after the fourth the beginning is long enough.
const PROBED_LETTERS: usize = 4;

/// A look-up on the lowered column's index that finds values a whole or leading match may be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Probe {
    /// Values equal to this, lowered: the typed text without accents, whose matches need no
    /// other test (the index alone answers, as for any equality).
    Equal(String),
    /// Values starting with this, lowered; `tested` when they must still pass the pattern.
    Prefix { start: String, tested: bool },
}

/// The probes that together find every value matching `typed` as a whole or at its start:
/// the text as typed without accents (what most values are), and for each of the first letters
/// people accent, the beginnings with one of its accented forms there (few values each, then
/// tested). `None` when nothing certain leads (the text starts with a letter outside ASCII that
/// no form list covers), and for a match anywhere.
pub fn probes(typed: &str, anchor: Anchor) -> Option<Vec<Probe>> {
    if anchor == Anchor::Anywhere {
        return None;
    }
    let mut plain = String::new();
    let mut probes = Vec::new();
    let mut probed = 0;
    for c in typed.chars() {
        let letter = base(c);
        let cut_here = !letter.is_ascii() || (accented_forms(letter).is_some() && probed == PROBED_LETTERS);
        if cut_here {
            // Past here nothing is certain: the beginning so far, tested.
            if plain.is_empty() {
                return None;
            }
            probes.push(Probe::Prefix { start: plain, tested: true });
            return Some(probes);
        }
        if let Some(forms) = accented_forms(letter) {
            probed += 1;
            probes.extend(
                forms.chars().map(|form| Probe::Prefix { start: format!("{plain}{form}"), tested: true }),
            );
        }
        plain.push(letter);
    }
    probes.push(match anchor {
        Anchor::Whole => Probe::Equal(plain),
        _ => Probe::Prefix { start: plain, tested: false },
    });
    Some(probes)
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
    fn folding_puts_accents_and_case_aside() {
        assert_eq!(folded("Hélène"), "helene");
    }

    #[test]
    fn probes_find_the_plain_text_by_the_index_and_each_accented_beginning() {
        let lyon = probes("Lyon", Anchor::Whole).unwrap_or_default();
        assert_eq!(lyon.last(), Some(&Probe::Equal("lyon".to_owned())), "the plain text: an equality");
        let starts: Vec<&str> = lyon
            .iter()
            .filter_map(|p| match p {
                Probe::Prefix { start, tested: true } => Some(start.as_str()),
                _ => None,
            })
            .collect();
        assert!(
            starts.contains(&"lÿ") && starts.contains(&"lŸ"),
            "capitals with accents stay capitals on SQLite"
        );
        assert!(starts.contains(&"lyô") && starts.contains(&"lyoñ"), "{starts:?}");
        assert_eq!(lyon.len(), 1 + 4 + 12 + 2);
        assert_eq!(
            probes("75", Anchor::Start),
            Some(vec![Probe::Prefix { start: "75".to_owned(), tested: false }])
        );
        assert_eq!(probes("Жук", Anchor::Whole), None);
        assert_eq!(
            probes("bЖ", Anchor::Whole),
            Some(vec![Probe::Prefix { start: "b".to_owned(), tested: true }])
        );
        let long = probes("saint-etienne", Anchor::Whole).unwrap_or_default();
        assert_eq!(
            long.last(),
            Some(&Probe::Prefix { start: "saint-et".to_owned(), tested: true }),
            "after four accentable letters, the beginning so far"
        );
    }
}
