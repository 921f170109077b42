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
    if let Some(number) = typed_phone_number(input) {
        return vec![number];
    }
    fold(input).split(' ').filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

/// A phone number typed as it is displayed ("04 78 12 34 56", "+33 4 78 12 34 56",
/// "04.78.12.34.56") as the one term it is indexed under: its French national digits.
fn typed_phone_number(input: &str) -> Option<String> {
    let input = input.trim();
    let phone_like = input.chars().all(|c| c.is_ascii_digit() || " .-+()/".contains(c));
    let digits: String = input.chars().filter(char::is_ascii_digit).collect();
    if !phone_like || digits.len() < 6 || !input.contains([' ', '.', '-', '+', '(', '/']) {
        return None;
    }
    match digits.strip_prefix("33") {
        Some(national) if input.starts_with('+') => Some(format!("0{national}")),
        _ => Some(digits),
    }
}

/// How well a record's name answers what was typed: each term that is a whole word of the
/// name counts 3, one that starts a word of it 2. Terms that matched elsewhere (a contact's
/// company, an email) count nothing, so "helene blanc" ranks Hélène Blanc above Hélène
/// Chevalier of Menuiserie Blanc.
pub fn name_score(terms: &[String], name: &str) -> u32 {
    let words = fold(name);
    let words: Vec<&str> = words.split(' ').collect();
    terms
        .iter()
        .map(|term| {
            if words.iter().any(|w| w == term) {
                3
            } else if words.iter().any(|w| w.starts_with(term.as_str())) {
                2
            } else {
                0
            }
        })
        .sum()
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
    fn numbers_typed_as_displayed_are_one_term() {
        assert_eq!(query_terms("04 78 12 34 56"), vec!["0478123456"]);
        assert_eq!(query_terms("+33 4 78 12 34 56"), vec!["0478123456"]);
        assert_eq!(query_terms("04.78.12"), vec!["047812"]);
        assert_eq!(query_terms("0612"), vec!["0612"], "digits alone stay a prefix");
        assert_eq!(query_terms("jean 06"), vec!["jean", "06"]);
    }

    #[test]
    fn the_name_ranks_before_other_fields() {
        let terms = query_terms("helene blanc");
        assert!(name_score(&terms, "Hélène Blanc") > name_score(&terms, "Hélène Chevalier"));
        assert!(name_score(&terms, "Hélène Blanc") > name_score(&terms, "Hélène Blancard"));
        assert_eq!(name_score(&query_terms("groupe laurent"), "Groupe Laurent"), 6);
    }

    #[test]
    fn punctuation_cannot_inject_query_syntax() {
        assert_eq!(query_terms("dup* OR \"x\" NEAR(a b)"), vec!["dup", "or", "x", "near", "a", "b"]);
    }
}
