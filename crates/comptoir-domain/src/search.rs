//! The text a record is found by, folded the same way on both databases: accents removed,
//! lower case, split on anything that is not a letter or a digit. Folding here rather than in
//! each engine's tokenizer means "Hélène", "HELENE" and "helene" meet in one form everywhere.

/// Folds free text into space-separated search tokens.
pub fn fold(text: &str) -> String {
    let ascii = deunicode::deunicode(text).to_lowercase();
    let mut out = String::with_capacity(ascii.len());
    for token in ascii.split(|c: char| !c.is_ascii_alphanumeric()).filter(|t| !t.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(token);
    }
    out
}

/// The tokens of what someone typed in a search box; every one must match, the last one (or
/// each one) as a prefix so results appear while typing.
pub fn query_terms(input: &str) -> Vec<String> {
    fold(input).split(' ').filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_and_case_fold_away() {
        assert_eq!(fold("Hélène DUPONT-Lefèvre"), "helene dupont lefevre");
        assert_eq!(fold("Œuvre d'Ébène"), "oeuvre d ebene");
        assert_eq!(query_terms("  jean  Dup "), vec!["jean", "dup"]);
    }

    #[test]
    fn punctuation_cannot_inject_query_syntax() {
        assert_eq!(query_terms("dup* OR \"x\" NEAR(a b)"), vec!["dup", "or", "x", "near", "a", "b"]);
    }
}
