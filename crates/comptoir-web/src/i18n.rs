//! The interface's two languages: messages from the Fluent catalogues in `locales/`, and
//! numbers, money and dates written the way each language writes them.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use comptoir_domain::listing::Count;
use comptoir_domain::money::Money;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};
use std::borrow::Cow;
use std::collections::HashMap;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Isolation marks around arguments would end up inside attributes and CSV cells.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static EN: LanguageIdentifier = langid!("en");
static FR: LanguageIdentifier = langid!("fr");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Fr,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.get(..2)?.to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            _ => None,
        }
    }

    /// The first language of `Accept-Language` we speak, by preference weight; English when
    /// none is.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut offers: Vec<(f32, Lang)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.trim().split(';');
                let lang = Lang::parse(pieces.next()?.trim())?;
                let weight = pieces
                    .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()))
                    .unwrap_or(1.0);
                Some((weight, lang))
            })
            .collect();
        // Stable: equal weights keep the header's order.
        offers.sort_by(|a, b| b.0.total_cmp(&a.0));
        offers.first().map_or(Lang::En, |(_, lang)| *lang)
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::En => &EN,
            Lang::Fr => &FR,
        }
    }

    /// The message `key`.
    pub fn t(self, key: &str) -> String {
        LOCALES.lookup(self.id(), key)
    }

    /// The message `key` with one named argument.
    pub fn t1(self, key: &str, name: &'static str, value: impl ToString) -> String {
        let args = HashMap::from([(Cow::Borrowed(name), FluentValue::from(value.to_string()))]);
        LOCALES.lookup_with_args(self.id(), key, &args)
    }

    /// The message `key`, when the catalogue has one.
    pub fn try_t(self, key: &str) -> Option<String> {
        LOCALES.try_lookup(self.id(), key)
    }

    /// The message `key` with named arguments.
    pub fn tn(self, key: &str, args: &[(&'static str, &str)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(name, value)| (Cow::Borrowed(*name), FluentValue::from((*value).to_owned())))
            .collect();
        LOCALES.lookup_with_args(self.id(), key, &args)
    }

    /// How many records a count found, in words: the message `key` for an exact count,
    /// `key-more-than` past where counting stopped, `key-about` for an estimate.
    pub fn count_words(self, key: &str, count: Count) -> String {
        let (key, n) = match count {
            Count::Exact(n) => (key.to_owned(), n),
            Count::MoreThan(n) => (format!("{key}-more-than"), n),
            Count::About(n) => (format!("{key}-about"), n),
        };
        self.count(&key, i64::try_from(n).unwrap_or(i64::MAX))
    }

    /// The message `key` with a count, for plurals: `$count` picks the plural form (French puts
    /// 0 and 1 in the singular), `$shown` is the number written in the language (`10 000`).
    pub fn count(self, key: &str, n: i64) -> String {
        let args = HashMap::from([
            (Cow::Borrowed("count"), FluentValue::from(n)),
            (Cow::Borrowed("shown"), FluentValue::from(self.number(n as f64, 0))),
        ]);
        LOCALES.lookup_with_args(self.id(), key, &args)
    }

    /// Every error of `errors` as `field: message`, in this language, one after the other.
    pub fn messages(self, errors: &comptoir_domain::ValidationErrors) -> String {
        let (colon, between) = if self == Lang::Fr { (" : ", " ; ") } else { (": ", "; ") };
        errors
            .0
            .iter()
            .map(|e| format!("{}{colon}{}", self.field_name(&e.field), self.message(&e.message)))
            .collect::<Vec<_>>()
            .join(between)
    }

    /// A field the rules name (`file`, `mapping.Prénom`) as the reader knows it: "Fichier",
    /// "Colonne « Prénom »"; a field without a name of its own keeps the rules' one.
    fn field_name(self, field: &str) -> String {
        if let Some(column) = field.strip_prefix("mapping.") {
            return self.t1("problem-field-column", "name", column);
        }
        self.try_t(&format!("problem-field-{}", field.replace('_', "-"))).unwrap_or_else(|| field.to_owned())
    }

    /// A validation message from the rules (written in English) in this language. The first
    /// number in the message becomes the `$n` argument of its translation, the second `$m`; a
    /// message without a translation is shown as written.
    pub fn message(self, english: &str) -> String {
        self.translated(english).unwrap_or_else(|| english.to_owned())
    }

    /// The translation of a validation message, when this language has one. A message that
    /// ends in a list of values ("must be one of: a, b") has its words translated and the
    /// values kept as they are.
    pub fn translated(self, english: &str) -> Option<String> {
        if self == Lang::En {
            return Some(english.to_owned());
        }
        self.translated_words(english).or_else(|| {
            let (words, values) = english.split_once(": ")?;
            let colon = if self == Lang::Fr { " : " } else { ": " };
            Some(format!("{}{colon}{values}", self.translated_words(words)?))
        })
    }

    fn translated_words(self, english: &str) -> Option<String> {
        let mut key = String::from("v-");
        let mut numbers: Vec<String> = Vec::new();
        let mut last_dash = true;
        let mut chars = english.chars().peekable();
        while let Some(c) = chars.next() {
            if c.is_ascii_digit() {
                let mut digits = String::from(c);
                while let Some(d) = chars.next_if(char::is_ascii_digit) {
                    digits.push(d);
                }
                numbers.push(digits);
                key.push('n');
                last_dash = false;
            } else if c.is_ascii_alphanumeric() {
                key.push(c.to_ascii_lowercase());
                last_dash = false;
            } else if !last_dash {
                key.push('-');
                last_dash = true;
            }
        }
        let key = key.trim_end_matches('-');
        let mut numbers = numbers.into_iter();
        let args = HashMap::from([
            (Cow::Borrowed("n"), FluentValue::from(numbers.next().unwrap_or_default())),
            (Cow::Borrowed("m"), FluentValue::from(numbers.next().unwrap_or_default())),
        ]);
        LOCALES.try_lookup_with_args(self.id(), key, &args)
    }

    /// A number with `decimals` digits: `1 234,56` in French (narrow no-break spaces), `1,234.56`
    /// in English.
    pub fn number(self, value: f64, decimals: usize) -> String {
        let text = format!("{:.*}", decimals, value.abs());
        let negative = value < 0.0 && value.abs() >= 0.5 * 10f64.powi(-(decimals as i32));
        self.grouped(&text, negative)
    }

    /// `digits` (`1234.56`, no sign) with the language's thousands separator and decimal point.
    fn grouped(self, digits: &str, negative: bool) -> String {
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let (group, point) = match self {
            Lang::En => (",", "."),
            Lang::Fr => ("\u{202f}", ","),
        };
        let mut grouped = String::new();
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push_str(group);
            }
            grouped.push(digit);
        }
        let sign = if negative { "-" } else { "" };
        if fraction.is_empty() {
            format!("{sign}{grouped}")
        } else {
            format!("{sign}{grouped}{point}{fraction}")
        }
    }

    /// An amount of money: `1 234,56 €` in French, `€1,234.56` in English.
    pub fn money(self, amount: f64, currency: &str) -> String {
        let number = self.number(amount.abs(), 2);
        self.with_symbol(&number, amount < 0.0, currency)
    }

    /// An exact amount, with as many decimals as its currency has: `1 234,56 €`, `¥150,000`.
    pub fn amount(self, money: &Money) -> String {
        let number = self.grouped(&money.amount.abs().to_string(), false);
        self.with_symbol(&number, money.amount.is_sign_negative(), money.currency.code())
    }

    /// An amount in whole units, as a chart's scale writes it: `60 000 €`.
    pub fn whole_amount(self, money: &Money) -> String {
        let number = self.grouped(&money.amount.abs().trunc().to_string(), false);
        self.with_symbol(&number, money.amount.is_sign_negative(), money.currency.code())
    }

    fn with_symbol(self, number: &str, negative: bool, currency: &str) -> String {
        let symbol = match currency {
            "EUR" => "€",
            "USD" => "$",
            "GBP" => "£",
            "JPY" => "¥",
            other => other,
        };
        let sign = if negative { "-" } else { "" };
        match self {
            Lang::Fr => format!("{sign}{number}\u{a0}{symbol}"),
            Lang::En if symbol.len() > 1 && symbol.is_ascii() => format!("{sign}{symbol}\u{a0}{number}"),
            Lang::En => format!("{sign}{symbol}{number}"),
        }
    }

    /// A day as typed in this language (`31/01/2026`, `01/31/2026`, `Jan 31, 2026`) or as a
    /// date picker sends it (`2026-01-31`).
    pub fn read_day(self, typed: &str) -> Option<NaiveDate> {
        let formats: &[&str] = match self {
            Lang::Fr => &["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"],
            Lang::En => &["%Y-%m-%d", "%m/%d/%Y", "%b %d, %Y", "%B %d, %Y", "%d %b %Y"],
        };
        let typed = typed.trim();
        formats.iter().find_map(|format| NaiveDate::parse_from_str(typed, format).ok())
    }

    /// A day in a list of days separated by commas, as `read_day` reads it back: `24/12/2026`
    /// in French, `2026-12-24` in English (whose written days hold a comma).
    pub fn listed_day(self, day: NaiveDate) -> String {
        match self {
            Lang::Fr => day.format("%d/%m/%Y").to_string(),
            Lang::En => day.format("%Y-%m-%d").to_string(),
        }
    }

    /// A calendar day: `23/11/2026` in French, `Nov 23, 2026` in English.
    pub fn day(self, day: NaiveDate) -> String {
        match self {
            Lang::Fr => day.format("%d/%m/%Y").to_string(),
            Lang::En => day.format("%b %-d, %Y").to_string(),
        }
    }

    /// A day: `23/11/2026` in French, `Nov 23, 2026` in English.
    pub fn date(self, at: DateTime<Utc>, zone: Tz) -> String {
        let local = at.with_timezone(&zone);
        match self {
            Lang::Fr => local.format("%d/%m/%Y").to_string(),
            Lang::En => local.format("%b %-d, %Y").to_string(),
        }
    }

    /// A day and time: `23/11/2026 14:05` in French, `Nov 23, 2026, 2:05 PM` in English.
    pub fn datetime(self, at: DateTime<Utc>, zone: Tz) -> String {
        let local = at.with_timezone(&zone);
        match self {
            Lang::Fr => local.format("%d/%m/%Y %H:%M").to_string(),
            Lang::En => local.format("%b %-d, %Y, %-I:%M %p").to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_money_follow_the_language() {
        assert_eq!(Lang::Fr.money(1234.56, "EUR"), "1\u{202f}234,56\u{a0}€");
        assert_eq!(Lang::En.money(1234.56, "EUR"), "€1,234.56");
        assert_eq!(Lang::En.number(-1234567.0, 0), "-1,234,567");
        assert_eq!(Lang::Fr.number(12.5, 1), "12,5");
        assert_eq!(Lang::En.money(-3.0, "USD"), "-$3.00");
        let eur = comptoir_domain::money::BASE_CURRENCY;
        assert_eq!(
            Lang::Fr.amount(&Money::from_minor(123_456_789, eur)),
            "1\u{202f}234\u{202f}567,89\u{a0}€"
        );
        let yen = comptoir_domain::money::Currency::parse("JPY").unwrap_or(eur);
        assert_eq!(Lang::En.amount(&Money::from_minor(150_000, yen)), "¥150,000");
        assert_eq!(Lang::Fr.whole_amount(&Money::from_minor(6_000_000, eur)), "60\u{202f}000\u{a0}€");
    }

    #[test]
    fn validation_messages_are_translated_with_their_numbers() {
        assert_eq!(Lang::Fr.message("is required"), "est obligatoire");
        assert_eq!(Lang::Fr.message("must be at most 200 characters"), "200 caractères au plus");
        assert_eq!(Lang::Fr.message("must be between 1 and 65535"), "doit être entre 1 et 65535");
        assert_eq!(Lang::En.message("is required"), "is required");
        assert_eq!(Lang::Fr.message("an unknown rule"), "an unknown rule");
        // The values a message lists are the reader's own: kept as they are.
        assert_eq!(
            Lang::Fr.message("must be one of: Rouge, Vert"),
            "doit être l’une de ces valeurs : Rouge, Vert"
        );
        assert_eq!(Lang::En.message("must be one of: Rouge, Vert"), "must be one of: Rouge, Vert");
        assert_eq!(Lang::Fr.message("unknown: Rouge"), "unknown: Rouge");
    }

    #[test]
    fn the_fields_of_a_refusal_are_named_as_the_reader_knows_them() {
        let mut errors = comptoir_domain::ValidationErrors::single("file", "the file is empty");
        errors.add("mapping.Prénom", "names a field another column fills");
        assert_eq!(
            Lang::Fr.messages(&errors),
            "Fichier : le fichier est vide ; Colonne « Prénom » : désigne un champ qu’une autre colonne remplit déjà"
        );
        assert_eq!(Lang::En.messages(&errors).split(": ").next(), Some("File"));
    }

    #[test]
    fn accept_language_picks_the_preferred_language_we_speak() {
        assert_eq!(Lang::from_accept_language("fr-FR,fr;q=0.9,en;q=0.8"), Lang::Fr);
        assert_eq!(Lang::from_accept_language("de-DE,en;q=0.5,fr;q=0.7"), Lang::Fr);
        assert_eq!(Lang::from_accept_language("de"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::En);
    }

    #[test]
    fn dates_follow_the_language_and_time_zone() {
        let at = DateTime::parse_from_rfc3339("2026-11-23T13:05:00Z").expect("date").to_utc();
        assert_eq!(Lang::Fr.datetime(at, chrono_tz::Europe::Paris), "23/11/2026 14:05");
        assert_eq!(Lang::En.datetime(at, chrono_tz::Europe::Paris), "Nov 23, 2026, 2:05 PM");
    }

    /// Removes every `open … close` span from `text`.
    fn strip(text: &str, open: &str, close: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find(open) {
            out.push_str(&rest[..start]);
            match rest[start..].find(close) {
                Some(end) => rest = &rest[start + end + close.len()..],
                None => rest = "",
            }
        }
        out.push_str(rest);
        out
    }

    fn templates(dir: &std::path::Path, found: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("templates").flatten() {
            let path = entry.path();
            if path.is_dir() {
                templates(&path, found);
            } else {
                found.push((path.display().to_string(), std::fs::read_to_string(&path).expect("a template")));
            }
        }
    }

    #[test]
    fn templates_show_no_text_of_their_own_and_name_only_known_messages() {
        let mut found = vec![];
        templates(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"), &mut found);
        assert!(found.len() > 10);
        for (path, text) in found {
            let mut visible = text.clone();
            for (open, close) in [("{{", "}}"), ("{%", "%}"), ("{#", "#}"), ("<", ">")] {
                visible = strip(&visible, open, close);
            }
            for line in visible.lines().map(|l| l.replace("Comptoir", "")) {
                assert!(
                    !line.chars().any(char::is_alphabetic),
                    "{path} shows text not from the catalogue: {line:?}"
                );
            }
            for (at, _) in text.match_indices("t(\"") {
                let key: String = text[at + 3..].chars().take_while(|c| *c != '"').collect();
                let args: HashMap<Cow<'static, str>, FluentValue> = ["count", "name", "q", "date"]
                    .into_iter()
                    .map(|name| (Cow::Borrowed(name), FluentValue::from(1)))
                    .collect();
                assert!(
                    LOCALES.try_lookup_with_args(&EN, &key, &args).is_some(),
                    "{path} names an unknown message {key}"
                );
            }
        }
    }

    #[test]
    fn both_catalogues_hold_the_same_messages() {
        let keys = |lang: &str| -> Vec<String> {
            let path = format!("{}/locales/{lang}/main.ftl", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(path).expect("catalogue");
            let mut keys: Vec<String> = text
                .lines()
                .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
                .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_owned()))
                .collect();
            keys.sort();
            keys
        };
        assert_eq!(keys("en"), keys("fr"));
    }
}
