//! Countries and languages, kept as codes (`FR`, `fr`) and read and written by people as
//! names in their language ("France", "français").

use crate::i18n::Lang;
use comptoir_domain::search::fold;

/// The countries offered by name: where our users' customers mostly are. Others are still
/// kept and filtered by their code.
pub const COUNTRIES: &[&str] = &[
    "FR", "BE", "CH", "LU", "MC", "DE", "ES", "IT", "PT", "NL", "AT", "GB", "IE", "US", "CA", "MA", "TN",
    "DZ", "SN", "CI",
];

pub const LANGUAGES: &[&str] = &["fr", "en", "de", "es", "it", "nl", "pt", "ar"];

/// A country or language code as people read it ("France", "français"), or the code itself
/// when it has no name here.
pub fn code_name(lang: Lang, prefix: &str, code: &str) -> String {
    lang.try_t(&format!("{prefix}-{code}")).unwrap_or_else(|| code.to_owned())
}

/// The code a person means by `typed`: a name in either language ("Belgique", "belgium"), or a
/// code in any case ("be"); anything else stays as typed, for the API to refuse by name.
pub fn code_of(prefix: &str, codes: &[&str], typed: &str) -> String {
    let folded = fold(typed);
    codes
        .iter()
        .find(|code| {
            fold(code) == folded
                || Lang::ALL
                    .into_iter()
                    .any(|lang| lang.try_t(&format!("{prefix}-{code}")).is_some_and(|n| fold(&n) == folded))
        })
        .map_or_else(|| typed.trim().to_owned(), |code| (*code).to_owned())
}
