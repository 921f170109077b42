//! The filter bar in people's words. Each field gets the control its values need (a list for a
//! closed set, a colleague picker, a date, a yes/no) and the conditions that make sense for
//! it; what a person picked or typed — "Client", "Sophie Leroy", "moi", "01/11/2026",
//! "10 000", "06" — becomes the API's filter, and what cannot is refused with a message in
//! their language that names the field by its label.

use super::codes::{COUNTRIES, LANGUAGES, code_name};
use crate::i18n::Lang;
use chrono::{DateTime, Datelike, Days, Months, NaiveDate, SecondsFormat, TimeZone, Utc};
use chrono_tz::Tz;
use comptoir_domain::custom_fields::{CustomFieldDefinition, FieldType};
use comptoir_domain::ids::UserId;
use comptoir_domain::listing::{Filter, FilterOp};
use comptoir_domain::money::{BASE_CURRENCY, Money};
use comptoir_domain::search::fold;
use comptoir_domain::users::User;
use rust_decimal::Decimal;

/// The control a field's value is entered with.
#[derive(Clone, Debug, PartialEq)]
pub enum Control {
    Text,
    /// Phone numbers, stored in international form and typed in national form.
    Phone,
    Number,
    /// An amount in the base currency (`10 000` €), compared with the records in that
    /// currency: amounts in another one are not comparable without a rate.
    Amount,
    /// A day, for a timestamp or a date field.
    Date,
    YesNo,
    /// A closed set: `(API value, label)`, in display order.
    Choice(Vec<(String, String)>),
    /// A colleague; the signed-in user is offered first, as "me".
    User,
    /// A list of labels, such as tags: a condition tests whether one is there.
    Labels,
    /// A company's name, with suggestions as it is typed.
    CompanyName,
}

impl Control {
    /// The control of a custom field, from its type.
    pub fn custom(definition: &CustomFieldDefinition) -> Control {
        match definition.field_type {
            FieldType::Number | FieldType::Currency => Control::Number,
            FieldType::Date => Control::Date,
            FieldType::Bool => Control::YesNo,
            FieldType::Select => {
                Control::Choice(definition.options.iter().map(|o| (o.clone(), o.clone())).collect())
            }
            FieldType::MultiSelect => Control::Labels,
            FieldType::Phone => Control::Phone,
            FieldType::Text | FieldType::Url | FieldType::Email => Control::Text,
        }
    }

    /// A closed set whose labels are the messages `{prefix}-{value}`.
    pub fn choice(lang: Lang, prefix: &str, values: &[&str]) -> Control {
        Control::Choice(
            values
                .iter()
                .map(|v| ((*v).to_owned(), lang.t(&super::records::choice_key(prefix, v))))
                .collect(),
        )
    }

    /// The conditions offered for this control, as the `o` values of the bar.
    pub fn conditions(&self) -> &'static [&'static str] {
        match self {
            Control::Text | Control::CompanyName => {
                &["contains", "eq", "ne", "starts-with", "is-empty", "is-not-empty"]
            }
            Control::Phone => &["starts-with", "contains", "eq", "is-empty", "is-not-empty"],
            Control::Number | Control::Amount => {
                &["eq", "ne", "gt", "gte", "lt", "lte", "is-empty", "is-not-empty"]
            }
            Control::Date => &[
                "on",
                "since",
                "before",
                "between",
                "today",
                "this-week",
                "this-month",
                "last-month",
                "last-30-days",
                "this-year",
                "is-empty",
                "is-not-empty",
            ],
            Control::YesNo => &["eq"],
            Control::Choice(_) | Control::User => &["eq", "ne", "is-empty", "is-not-empty"],
            Control::Labels => &["contains", "ne", "is-empty", "is-not-empty"],
        }
    }

    /// Whether the condition `op` needs a value typed or picked.
    pub fn needs_value(op: &str) -> bool {
        !matches!(op, "is-empty" | "is-not-empty") && !Control::is_period(op)
    }

    /// Whether `op` is a period counted from today ("ce mois-ci"): a list or a saved view
    /// keeps it as such, so it means this month whenever the list is opened.
    pub fn is_period(op: &str) -> bool {
        matches!(op, "today" | "this-week" | "this-month" | "last-month" | "last-30-days" | "this-year")
    }
}

/// The label of the condition `op` for this control: a date is "since" a day, not "at least".
pub fn condition_label(lang: Lang, control: &Control, op: &str) -> String {
    let specific = match (control, op) {
        (Control::Labels, "contains") => Some("op-has"),
        (Control::Labels, "ne") => Some("op-has-not"),
        (Control::Date, "lt") => Some("op-before"),
        (Control::Date, "gte") => Some("op-since"),
        _ => None,
    };
    lang.t(specific.unwrap_or(&format!("op-{op}")))
}

/// The control of a field every kind of record has the same way; plain text for the others.
pub fn common_control(lang: Lang, key: &str) -> Control {
    let named = |prefix: &str, codes: &[&str]| {
        Control::Choice(
            codes.iter().map(|code| ((*code).to_owned(), code_name(lang, prefix, code))).collect(),
        )
    };
    match key {
        "owner_id" | "assignee_id" => Control::User,
        "created_at" | "updated_at" | "last_activity_at" | "due_at" | "occurred_at" => Control::Date,
        "phone" => Control::Phone,
        "tags" => Control::Labels,
        "company_name" => Control::CompanyName,
        "country" => named("country", COUNTRIES),
        "language" => named("language", LANGUAGES),
        _ => Control::Text,
    }
}

/// A filterable field: its name in the API, its label, its control.
pub struct FilterField<'a> {
    pub key: &'a str,
    pub label: &'a str,
    pub control: &'a Control,
}

/// What turning a bar's line into API filters needs to know about the visitor.
pub struct FilterWords<'a> {
    pub lang: Lang,
    pub zone: Tz,
    pub me: Option<UserId>,
    pub users: &'a [User],
}

/// The built-in fields that hold a day rather than a moment, compared as `YYYY-MM-DD`.
const CALENDAR_DAYS: &[&str] = &["expected_close_on"];

impl FilterWords<'_> {
    /// The API filters (`filter[key][op]`, value) a line of the bar stands for, or the message
    /// that says why it cannot stand for any.
    pub fn translate(
        &self,
        field: &FilterField<'_>,
        op: &str,
        typed: &str,
    ) -> Result<Vec<(String, String)>, String> {
        let key = field.key;
        let pair = |api_op: &str, value: String| (format!("filter[{key}][{api_op}]"), value);
        let typed = typed.trim();
        match op {
            "is-empty" => return Ok(vec![pair("is-empty", "true".to_owned())]),
            "is-not-empty" => return Ok(vec![pair("is-empty", "false".to_owned())]),
            _ => {}
        }
        if *field.control == Control::Date {
            let today = Utc::now().with_timezone(&self.zone).date_naive();
            let (from, to) = match op {
                "today" => (Some(today), today.checked_add_days(Days::new(1))),
                "this-week" => {
                    let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
                    (Some(monday), monday.checked_add_days(Days::new(7)))
                }
                "this-month" => {
                    let first = today.with_day(1).unwrap_or(today);
                    (Some(first), first.checked_add_months(Months::new(1)))
                }
                "last-month" => {
                    let first = today.with_day(1).unwrap_or(today);
                    (first.checked_sub_months(Months::new(1)), Some(first))
                }
                "last-30-days" => {
                    (today.checked_sub_days(Days::new(29)), today.checked_add_days(Days::new(1)))
                }
                "this-year" => {
                    let first = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
                    (Some(first), first.checked_add_months(Months::new(12)))
                }
                _ => {
                    let day = self.day(field, typed)?;
                    match op {
                        "on" | "eq" => (Some(day), day.checked_add_days(Days::new(1))),
                        "since" | "gte" => (Some(day), None),
                        "before" | "lt" => (None, Some(day)),
                        "gt" => (day.checked_add_days(Days::new(1)), None),
                        "lte" => (None, day.checked_add_days(Days::new(1))),
                        _ => return Err(self.unknown_condition(field)),
                    }
                }
            };
            let mut pairs = vec![];
            if let Some(from) = from {
                pairs.push(pair("gte", self.start_of(field, from)));
            }
            if let Some(to) = to {
                pairs.push(pair("lt", self.start_of(field, to)));
            }
            return Ok(pairs);
        }
        let Some(api_op) = FilterOp::parse(op) else {
            return Err(self.unknown_condition(field));
        };
        if typed.is_empty() {
            return Err(self.message(field, "filter-needs-value", typed));
        }
        let value = match field.control {
            Control::Text | Control::CompanyName | Control::Labels | Control::Date => typed.to_owned(),
            Control::Phone => phone_digits(typed, api_op),
            Control::Number => {
                self.number(typed).ok_or_else(|| self.message(field, "filter-not-a-number", typed))?
            }
            Control::Amount => {
                let minor = self
                    .number(typed)
                    .and_then(|n| n.parse::<Decimal>().ok())
                    .and_then(|n| Money::new(n, BASE_CURRENCY).ok())
                    .ok_or_else(|| self.message(field, "filter-not-an-amount", typed))?
                    .minor_units;
                return Ok(vec![
                    pair(api_op.as_str(), minor.to_string()),
                    ("filter[currency]".to_owned(), BASE_CURRENCY.code().to_owned()),
                ]);
            }
            Control::YesNo => {
                yes_no(typed).ok_or_else(|| self.message(field, "filter-not-yes-no", typed))?.to_owned()
            }
            Control::Choice(choices) => self.choice(field, choices, typed)?,
            Control::User => self.user(field, typed)?,
        };
        Ok(vec![pair(api_op.as_str(), value)])
    }

    /// The bar's lines that show `filters` again: the condition and value as they were chosen.
    pub fn lines(&self, fields: &[FilterField<'_>], filters: &[Filter]) -> Vec<(String, String, String)> {
        filters
            .iter()
            .map(|filter| {
                let control = fields.iter().find(|f| f.key == filter.field).map(|f| f.control);
                let value = filter.value.clone();
                let (op, value) = match (control, filter.op) {
                    (_, FilterOp::IsEmpty) if value.trim() == "false" => ("is-not-empty", String::new()),
                    (_, FilterOp::IsEmpty) => ("is-empty", String::new()),
                    (Some(Control::Date), FilterOp::Gte) => ("since", self.shown_day(&value)),
                    (Some(Control::Date), FilterOp::Lt) => ("before", self.shown_day(&value)),
                    (Some(Control::Date), op) => (op.as_str(), self.shown_day(&value)),
                    (Some(Control::Phone), op) => (op.as_str(), national_phone(&value)),
                    (Some(Control::Amount), op) => (op.as_str(), self.shown_amount(&value)),
                    (_, op) => (op.as_str(), value),
                };
                (filter.field.clone(), op.to_owned(), value)
            })
            .collect()
    }

    /// The API filters of a range of days, both included: `from` and `to` as typed.
    pub fn translate_range(
        &self,
        field: &FilterField<'_>,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, String)>, String> {
        let (from, to) = (from.trim(), to.trim());
        if from.is_empty() || to.is_empty() {
            return Err(self.message(field, "filter-needs-two-days", ""));
        }
        let (first, last) = (self.day(field, from)?, self.day(field, to)?);
        if last < first {
            return Err(self.message(field, "filter-days-reversed", ""));
        }
        let key = field.key;
        let mut pairs = vec![(format!("filter[{key}][gte]"), self.start_of(field, first))];
        if let Some(after) = last.checked_add_days(Days::new(1)) {
            pairs.push((format!("filter[{key}][lt]"), self.start_of(field, after)));
        }
        Ok(pairs)
    }

    fn message(&self, field: &FilterField<'_>, key: &str, typed: &str) -> String {
        self.lang.tn(key, &[("field", field.label), ("value", typed)])
    }

    fn unknown_condition(&self, field: &FilterField<'_>) -> String {
        self.message(field, "filter-unknown-condition", "")
    }

    /// A day as typed in the visitor's language (`31/01/2026`, `01/31/2026`, `Jan 31, 2026`)
    /// or as a date picker sends it (`2026-01-31`).
    fn day(&self, field: &FilterField<'_>, typed: &str) -> Result<NaiveDate, String> {
        self.lang.read_day(typed).ok_or_else(|| self.message(field, "filter-not-a-date", typed))
    }

    /// The first instant of `day` where the visitor is, as the API compares it; a date field
    /// compares the day itself.
    fn start_of(&self, field: &FilterField<'_>, day: NaiveDate) -> String {
        if field.key.starts_with("cf.") || CALENDAR_DAYS.contains(&field.key) {
            return day.format("%Y-%m-%d").to_string();
        }
        let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
        let local = self.zone.from_local_datetime(&midnight).earliest();
        local
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| midnight.and_utc())
            .to_rfc3339_opts(SecondsFormat::Secs, true)
    }

    /// A day kept in the URL, as a date picker shows it (`2026-01-31`) in the visitor's zone.
    fn shown_day(&self, value: &str) -> String {
        match DateTime::parse_from_rfc3339(value) {
            Ok(at) => at.with_timezone(&self.zone).format("%Y-%m-%d").to_string(),
            Err(_) => value.to_owned(),
        }
    }

    /// A number as people type it: `10 000`, `1 234,5` in French, `1,234.5` in English.
    /// Minor units of the base currency kept in the URL, as the amount is typed (`10 000,5`).
    fn shown_amount(&self, value: &str) -> String {
        match value.trim().parse::<i64>() {
            Ok(minor) => {
                let amount = Money::from_minor(minor, BASE_CURRENCY).amount.normalize();
                let digits = amount.abs().to_string();
                let shown = match self.lang {
                    Lang::Fr => digits.replace('.', ","),
                    Lang::En => digits,
                };
                if amount.is_sign_negative() { format!("-{shown}") } else { shown }
            }
            Err(_) => value.to_owned(),
        }
    }

    fn number(&self, typed: &str) -> Option<String> {
        let kept: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '\'').collect();
        let normal = match self.lang {
            Lang::Fr => kept.replace('.', "").replace(',', "."),
            Lang::En => kept.replace(',', ""),
        };
        let number: f64 = normal.parse().ok().filter(|n: &f64| n.is_finite())?;
        Some(if number.fract() == 0.0 && number.abs() < 1e15 {
            format!("{number:.0}")
        } else {
            number.to_string()
        })
    }

    fn choice(
        &self,
        field: &FilterField<'_>,
        choices: &[(String, String)],
        typed: &str,
    ) -> Result<String, String> {
        let folded = fold(typed);
        choices
            .iter()
            .find(|(value, label)| value == typed || fold(label) == folded || fold(value) == folded)
            .map(|(value, _)| value.clone())
            .ok_or_else(|| {
                let labels: Vec<&str> = choices.iter().map(|(_, label)| label.as_str()).collect();
                self.lang.tn(
                    "filter-not-a-choice",
                    &[("field", field.label), ("value", typed), ("choices", &labels.join(", "))],
                )
            })
    }

    /// A colleague by id, by name or email (accents and case aside), or "me".
    fn user(&self, field: &FilterField<'_>, typed: &str) -> Result<String, String> {
        let folded = fold(typed);
        if let Some(me) = self.me
            && ["me", "moi", &fold(&self.lang.t("filter-me"))].contains(&folded.as_str())
        {
            return Ok(me.to_string());
        }
        if self.users.iter().any(|u| u.id.to_string() == typed) {
            return Ok(typed.to_owned());
        }
        let named: Vec<&User> = self
            .users
            .iter()
            .filter(|u| fold(u.name()) == folded || u.email.eq_ignore_ascii_case(typed))
            .collect();
        let named = if named.is_empty() {
            // "Sophie" for Sophie Leroy, when she is the only Sophie.
            self.users.iter().filter(|u| fold(u.name()).split(' ').any(|word| word == folded)).collect()
        } else {
            named
        };
        match named.as_slice() {
            [one] => Ok(one.id.to_string()),
            [] => Err(self.message(field, "filter-no-such-user", typed)),
            _ => Err(self.message(field, "filter-several-users", typed)),
        }
    }
}

/// What a phone condition compares: stored numbers are international (`+33612…`), so a French
/// national start (`06 12`) becomes `+33612`; digits elsewhere in a number are compared as
/// typed, without spaces or dots.
fn phone_digits(typed: &str, op: FilterOp) -> String {
    let digits: String = typed.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
    if let Some(rest) = digits.strip_prefix("00") {
        return format!("+{rest}");
    }
    match (op, digits.strip_prefix('0')) {
        (FilterOp::StartsWith | FilterOp::Eq | FilterOp::Ne, Some(rest)) => format!("+33{rest}"),
        (FilterOp::Contains, Some(rest)) if digits.len() > 2 => rest.to_owned(),
        _ => digits,
    }
}

/// A French number kept in the URL as it is typed at home: `+33612` as `0612`.
fn national_phone(value: &str) -> String {
    value.strip_prefix("+33").map_or_else(|| value.to_owned(), |rest| format!("0{rest}"))
}

fn yes_no(typed: &str) -> Option<&'static str> {
    match fold(typed).as_str() {
        "true" | "yes" | "oui" | "1" | "y" | "o" => Some("true"),
        "false" | "no" | "non" | "0" | "n" => Some("false"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use comptoir_domain::users::Role;

    fn words(lang: Lang, users: &[User]) -> FilterWords<'_> {
        FilterWords { lang, zone: chrono_tz::Europe::Paris, me: users.first().map(|u| u.id), users }
    }

    fn user(name: &str, email: &str) -> User {
        User {
            id: UserId::new(),
            version: 1,
            email: email.to_owned(),
            display_name: Some(name.to_owned()),
            role: Role::Sales,
            locale: None,
            timezone: None,
            active: true,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn field<'a>(key: &'a str, control: &'a Control) -> FilterField<'a> {
        FilterField { key, label: "Champ", control }
    }

    #[test]
    fn closed_sets_are_picked_by_their_label_in_any_case() {
        let stages = Control::choice(Lang::Fr, "stage", &["lead", "customer"]);
        let words = words(Lang::Fr, &[]);
        let stage = field("lifecycle_stage", &stages);
        assert_eq!(
            words.translate(&stage, "eq", "client").expect("a stage"),
            [("filter[lifecycle_stage][eq]".to_owned(), "customer".to_owned())]
        );
        assert_eq!(words.translate(&stage, "eq", "customer").expect("a key")[0].1, "customer");
        let refused = words.translate(&stage, "eq", "Fournisseur").expect_err("not a stage");
        assert!(refused.contains("Champ") && refused.contains("Piste, Client"), "{refused}");
    }

    #[test]
    fn colleagues_are_named_or_me() {
        let team = [user("Claire Dubois", "claire@exemple.fr"), user("Sophie Leroy", "sophie@exemple.fr")];
        let words = words(Lang::Fr, &team);
        let owner = field("owner_id", &Control::User);
        let id = |typed: &str| words.translate(&owner, "eq", typed).map(|pairs| pairs[0].1.clone());
        assert_eq!(id("Sophie Leroy"), Ok(team[1].id.to_string()));
        assert_eq!(id("sophie"), Ok(team[1].id.to_string()));
        assert_eq!(id("SOPHIE@exemple.fr"), Ok(team[1].id.to_string()));
        assert_eq!(id("moi"), Ok(team[0].id.to_string()));
        assert!(id("Paul").is_err_and(|m| m.contains("Paul")));
    }

    #[test]
    fn a_range_of_days_includes_both_ends() {
        let words = words(Lang::Fr, &[]);
        let created = field("created_at", &Control::Date);
        assert_eq!(
            words.translate_range(&created, "01/11/2026", "2026-11-30").expect("two days"),
            [
                ("filter[created_at][gte]".to_owned(), "2026-10-31T23:00:00Z".to_owned()),
                ("filter[created_at][lt]".to_owned(), "2026-11-30T23:00:00Z".to_owned()),
            ]
        );
        let closing = field("expected_close_on", &Control::Date);
        assert_eq!(
            words.translate_range(&closing, "30/11/2026", "30/11/2026").expect("one day")[1].1,
            "2026-12-01"
        );
        assert!(
            words.translate_range(&created, "30/11/2026", "01/11/2026").is_err_and(|m| m.contains("avant"))
        );
        assert!(words.translate_range(&created, "01/11/2026", "").is_err_and(|m| m.contains("deux dates")));
        assert!(words.translate_range(&created, "hier", "01/11/2026").is_err_and(|m| m.contains("hier")));
    }

    #[test]
    fn days_are_read_as_written_and_cover_the_whole_day_where_the_visitor_is() {
        let words = words(Lang::Fr, &[]);
        let created = field("created_at", &Control::Date);
        assert_eq!(
            words.translate(&created, "on", "01/11/2026").expect("a day"),
            [
                ("filter[created_at][gte]".to_owned(), "2026-10-31T23:00:00Z".to_owned()),
                ("filter[created_at][lt]".to_owned(), "2026-11-01T23:00:00Z".to_owned()),
            ]
        );
        assert_eq!(
            words.translate(&created, "before", "2026-07-14").expect("a day")[0].1,
            "2026-07-13T22:00:00Z"
        );
        assert!(words.translate(&created, "on", "31/02/2026").is_err());
        let lines = words.lines(
            &[created],
            &[Filter {
                field: "created_at".to_owned(),
                op: FilterOp::Gte,
                value: "2026-10-31T23:00:00Z".to_owned(),
            }],
        );
        assert_eq!(lines, [("created_at".to_owned(), "since".to_owned(), "2026-11-01".to_owned())]);
        let english = super::tests::words(Lang::En, &[]);
        let due = field("cf.due", &Control::Date);
        assert_eq!(english.translate(&due, "since", "11/01/2026").expect("a day")[0].1, "2026-11-01");
    }

    #[test]
    fn numbers_are_read_as_people_type_them() {
        let budget = field("cf.budget", &Control::Number);
        let fr = words(Lang::Fr, &[]);
        assert_eq!(fr.translate(&budget, "gt", "10 000").expect("a number")[0].1, "10000");
        assert_eq!(fr.translate(&budget, "gt", "1\u{202f}234,5").expect("a number")[0].1, "1234.5");
        assert_eq!(
            words(Lang::En, &[]).translate(&budget, "gt", "1,234.5").expect("a number")[0].1,
            "1234.5"
        );
        assert!(fr.translate(&budget, "gt", "beaucoup").is_err_and(|m| m.contains("beaucoup")));
    }

    #[test]
    fn amounts_are_compared_in_the_base_currency_s_minor_units() {
        let amount = field("amount", &Control::Amount);
        let fr = words(Lang::Fr, &[]);
        let pairs = fr.translate(&amount, "gte", "10 000,5").expect("an amount");
        assert_eq!(
            pairs,
            [
                ("filter[amount][gte]".to_owned(), "1000050".to_owned()),
                ("filter[currency]".to_owned(), "EUR".to_owned())
            ]
        );
        assert!(fr.translate(&amount, "gte", "0,001").is_err(), "no fraction of a cent");
        let filter = Filter { field: "amount".to_owned(), op: FilterOp::Gte, value: "1000050".to_owned() };
        assert_eq!(fr.lines(&[amount], &[filter])[0].2, "10000,5");
    }

    #[test]
    fn national_phone_numbers_match_stored_international_ones() {
        let words = words(Lang::Fr, &[]);
        let phone = field("phone", &Control::Phone);
        assert_eq!(words.translate(&phone, "starts-with", "06").expect("a start")[0].1, "+336");
        assert_eq!(words.translate(&phone, "eq", "04 78 12 34 56").expect("a number")[0].1, "+33478123456");
        assert_eq!(words.translate(&phone, "contains", "12 34").expect("digits")[0].1, "1234");
        assert_eq!(
            words.lines(
                &[phone],
                &[Filter { field: "phone".to_owned(), op: FilterOp::StartsWith, value: "+336".to_owned() }]
            )[0]
            .2,
            "06"
        );
    }

    #[test]
    fn emptiness_and_yes_no_need_no_true_or_false() {
        let words = words(Lang::Fr, &[]);
        let tags = field("tags", &Control::Labels);
        assert_eq!(words.translate(&tags, "is-not-empty", "").expect("no value")[0].1, "false");
        let vip = field("cf.vip", &Control::YesNo);
        assert_eq!(words.translate(&vip, "eq", "Oui").expect("yes")[0].1, "true");
        assert!(words.translate(&vip, "eq", "peut-être").is_err());
    }
}
