//! Cell values as spreadsheets write them, read into the shapes the API takes: dates in
//! `dd/mm/yyyy` or ISO, decimal commas, "oui"/"non", countries and languages by name.

use chrono::NaiveDate;
use comptoir_domain::search::fold;
use rust_decimal::Decimal;
use std::str::FromStr;

/// A cell as its writer meant it: trimmed, and without the `'` a spreadsheet export puts before
/// text that would otherwise run as a formula.
pub fn clean_cell(cell: &str) -> &str {
    let cell = cell.trim();
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => cell,
    }
}

/// A date as `yyyy-mm-dd`, from ISO or the day-first forms French files use
/// (`31/12/2026`, `31-12-2026`, `31.12.2026`); a time after the date is ignored.
pub fn date(cell: &str) -> Option<String> {
    let day = cell.split([' ', 'T']).next().unwrap_or(cell);
    ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d"]
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(day, format).ok())
        .map(|d| d.format("%Y-%m-%d").to_string())
}

/// A decimal number with a comma or a point, and spaces or other grouping marks between
/// thousands (`1 234,56`, `1,234.56`, `1.234,56`), with any currency sign around it.
pub fn decimal(cell: &str) -> Option<Decimal> {
    let kept: String = cell.chars().filter(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '-')).collect();
    if !kept.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    // With both marks the last one is decimal; a mark that comes once is decimal (French files
    // write `1,5`); a mark that comes several times groups thousands.
    let commas = kept.matches(',').count();
    let points = kept.matches('.').count();
    let plain = match (commas, points) {
        (0, 0) => kept,
        (c, p) if c > 0 && p > 0 => {
            let decimal_mark = if kept.rfind(',') > kept.rfind('.') { ',' } else { '.' };
            let grouping = if decimal_mark == ',' { '.' } else { ',' };
            kept.replace(grouping, "").replace(decimal_mark, ".")
        }
        (1, 0) => kept.replace(',', "."),
        (0, 1) => kept,
        _ => kept.replace([',', '.'], ""),
    };
    Decimal::from_str(&plain).ok()
}

/// The currency a cell names by its sign or code, if any.
pub fn currency(cell: &str) -> Option<&'static str> {
    let upper = cell.to_uppercase();
    [("€", "EUR"), ("EUR", "EUR"), ("$", "USD"), ("USD", "USD"), ("£", "GBP"), ("GBP", "GBP"), ("CHF", "CHF")]
        .iter()
        .find(|(sign, _)| upper.contains(sign))
        .map(|(_, code)| *code)
}

pub fn boolean(cell: &str) -> Option<bool> {
    match fold(cell).as_str() {
        "oui" | "o" | "yes" | "y" | "true" | "vrai" | "1" | "x" => Some(true),
        "non" | "n" | "no" | "false" | "faux" | "0" => Some(false),
        _ => None,
    }
}

/// An ISO 3166 code from a code or a country's common name in French or English.
pub fn country(cell: &str) -> String {
    let folded = fold(cell);
    let known = [
        ("FR", &["france"][..]),
        ("BE", &["belgique", "belgium"]),
        ("CH", &["suisse", "switzerland"]),
        ("LU", &["luxembourg"]),
        ("MC", &["monaco"]),
        ("CA", &["canada"]),
        ("DE", &["allemagne", "germany"]),
        ("ES", &["espagne", "spain"]),
        ("IT", &["italie", "italy"]),
        ("PT", &["portugal"]),
        ("NL", &["pays bas", "netherlands"]),
        ("GB", &["royaume uni", "united kingdom", "uk", "angleterre", "england"]),
        ("IE", &["irlande", "ireland"]),
        ("US", &["etats unis", "united states", "usa", "etats unis d amerique"]),
        ("MA", &["maroc", "morocco"]),
        ("TN", &["tunisie", "tunisia"]),
        ("DZ", &["algerie", "algeria"]),
        ("SN", &["senegal"]),
        ("CI", &["cote d ivoire", "ivory coast"]),
    ];
    known
        .iter()
        .find(|(_, names)| names.contains(&folded.as_str()))
        .map_or_else(|| cell.trim().to_uppercase(), |(code, _)| (*code).to_owned())
}

/// An ISO 639-1 code from a code or a language's name in French or English.
pub fn language(cell: &str) -> String {
    let folded = fold(cell);
    let known = [
        ("fr", &["francais", "french"][..]),
        ("en", &["anglais", "english"]),
        ("de", &["allemand", "german"]),
        ("es", &["espagnol", "spanish"]),
        ("it", &["italien", "italian"]),
        ("nl", &["neerlandais", "dutch"]),
        ("pt", &["portugais", "portuguese"]),
        ("ar", &["arabe", "arabic"]),
    ];
    known
        .iter()
        .find(|(_, names)| names.contains(&folded.as_str()))
        .map_or_else(|| cell.trim().to_lowercase(), |(code, _)| (*code).to_owned())
}

/// Several values in one cell, as spreadsheets list them.
pub fn list(cell: &str) -> Vec<String> {
    cell.split([',', ';', '|']).map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_day_first_or_iso() {
        assert_eq!(date("31/12/2026").as_deref(), Some("2026-12-31"));
        assert_eq!(date("2026-12-31").as_deref(), Some("2026-12-31"));
        assert_eq!(date("01.02.2026 10:30").as_deref(), Some("2026-02-01"));
        assert_eq!(date("31/02/2026"), None);
        assert_eq!(date("demain"), None);
    }

    #[test]
    fn decimals_with_commas_and_groups() {
        let d = |s: &str| decimal(s).map(|d| d.to_string());
        assert_eq!(d("1 234,56").as_deref(), Some("1234.56"));
        assert_eq!(d("1\u{202f}234,56 €").as_deref(), Some("1234.56"));
        assert_eq!(d("1,234.56").as_deref(), Some("1234.56"));
        assert_eq!(d("1.234,56").as_deref(), Some("1234.56"));
        assert_eq!(d("1.234.567").as_deref(), Some("1234567"));
        assert_eq!(d("0,5").as_deref(), Some("0.5"));
        assert_eq!(d("12.5").as_deref(), Some("12.5"));
        assert_eq!(d("-3").as_deref(), Some("-3"));
        assert_eq!(d("n/a"), None);
    }

    #[test]
    fn formulas_kept_inert_by_an_export_come_back() {
        assert_eq!(clean_cell("'=1+1"), "=1+1");
        assert_eq!(clean_cell(" 'quoted "), "'quoted");
        assert_eq!(country("Belgique"), "BE");
        assert_eq!(country("fr"), "FR");
        assert_eq!(language("Français"), "fr");
        assert_eq!(boolean("Oui"), Some(true));
    }
}
