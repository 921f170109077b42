//! Dated exchange rates, to add up amounts in other currencies in the base currency: how many
//! units of a currency one euro bought on a day, as the European Central Bank publishes them.

use crate::money::{BASE_CURRENCY, Currency};
use crate::validation::ValidationErrors;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One currency's rate on one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ExchangeRate {
    /// ISO 4217 code, never the base currency's.
    pub currency: String,
    #[schema(value_type = String, format = Date)]
    pub on: NaiveDate,
    /// Units of `currency` for one euro, as a decimal string (`"1.0567"` for the dollar).
    #[schema(value_type = String)]
    pub per_base: Decimal,
}

#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeRateInput {
    pub currency: String,
    #[schema(value_type = String, format = Date)]
    pub on: NaiveDate,
    #[schema(value_type = String)]
    pub per_base: Decimal,
}

/// Most rates one request or file sets: the Central Bank's whole history since 1999 is about
/// 200,000.
pub const MAX_RATES: usize = 500_000;

impl ExchangeRateInput {
    /// Checks each rate, its errors named `rates[n].field`.
    pub fn validate_all(inputs: Vec<ExchangeRateInput>) -> Result<Vec<ExchangeRate>, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if inputs.len() > MAX_RATES {
            return Err(ValidationErrors::single("rates", "holds more than 500000 rates"));
        }
        let mut rates = Vec::with_capacity(inputs.len());
        for (i, input) in inputs.into_iter().enumerate() {
            match checked(&input.currency, input.per_base) {
                Ok(currency) => {
                    rates.push(ExchangeRate { currency, on: input.on, per_base: input.per_base.normalize() })
                }
                Err((field, message)) => errors.add(format!("rates[{i}].{field}"), message),
            }
        }
        errors.into_result()?;
        Ok(rates)
    }
}

fn checked(code: &str, per_base: Decimal) -> Result<String, (&'static str, &'static str)> {
    let currency = Currency::parse(code.trim()).map_err(|message| ("currency", message))?;
    if currency == BASE_CURRENCY {
        return Err(("currency", "is the base currency"));
    }
    if per_base <= Decimal::ZERO {
        return Err(("per_base", "must be more than 0"));
    }
    Ok(currency.code().to_owned())
}

/// Reads the euro reference rates file of the European Central Bank: the daily one
/// (`Date, USD, JPY, …` then `28 November 2026, 1.0567, …`) or the history
/// (`Date,USD,JPY,…` then `2026-11-28,1.0567,…`). `N/A` and empty cells are days a currency
/// was not quoted; currencies this build does not know are skipped. Errors name the line.
pub fn parse_ecb_csv(text: &str) -> Result<Vec<ExchangeRate>, ValidationErrors> {
    let mut lines = text.lines().enumerate().filter(|(_, line)| !line.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(ValidationErrors::single("file", "is empty"));
    };
    let columns: Vec<Option<String>> = header
        .trim_start_matches('\u{feff}')
        .split(',')
        .map(|cell| {
            Currency::parse(cell.trim()).ok().filter(|c| *c != BASE_CURRENCY).map(|c| c.code().to_owned())
        })
        .collect();
    if !header.trim_start_matches('\u{feff}').trim_start().starts_with("Date")
        || columns.iter().all(Option::is_none)
    {
        return Err(ValidationErrors::single("file", "is not the Central Bank's euro reference rates file"));
    }
    let mut rates = Vec::new();
    let mut errors = ValidationErrors::new();
    for (number, line) in lines {
        let mut cells = line.split(',').map(str::trim);
        let day = cells.next().unwrap_or_default();
        let Some(on) = ["%Y-%m-%d", "%d %B %Y"].iter().find_map(|f| NaiveDate::parse_from_str(day, f).ok())
        else {
            errors.add(format!("line {}", number + 1), "does not start with a day");
            continue;
        };
        for (cell, currency) in cells.zip(columns.iter().skip(1)) {
            let Some(currency) = currency else { continue };
            if cell.is_empty() || cell == "N/A" {
                continue;
            }
            match cell.parse::<Decimal>() {
                Ok(per_base) if per_base > Decimal::ZERO => rates.push(ExchangeRate {
                    currency: currency.clone(),
                    on,
                    per_base: per_base.normalize(),
                }),
                _ => errors.add(format!("line {}", number + 1), "holds a rate that is not a positive number"),
            }
        }
        if rates.len() > MAX_RATES {
            return Err(ValidationErrors::single("file", "holds more than 500000 rates"));
        }
    }
    errors.into_result()?;
    Ok(rates)
}

/// The rates a sum needs, by currency: each day's amount converts at the latest rate published
/// on or before it.
#[derive(Debug, Default)]
pub struct RateBook {
    /// Oldest first.
    by_currency: HashMap<String, Vec<(NaiveDate, Decimal)>>,
}

impl RateBook {
    pub fn new(rates: impl IntoIterator<Item = ExchangeRate>) -> RateBook {
        let mut by_currency: HashMap<String, Vec<(NaiveDate, Decimal)>> = HashMap::new();
        for rate in rates {
            by_currency.entry(rate.currency).or_default().push((rate.on, rate.per_base));
        }
        for days in by_currency.values_mut() {
            days.sort_unstable_by_key(|(on, _)| *on);
        }
        RateBook { by_currency }
    }

    /// The rate of `currency` on `day`: the latest published on or before it.
    pub fn rate_on(&self, currency: &str, day: NaiveDate) -> Option<Decimal> {
        let days = self.by_currency.get(currency)?;
        let after = days.partition_point(|(on, _)| *on <= day);
        after.checked_sub(1).map(|i| days[i].1)
    }

    /// `minor` units of `currency` on `day`, in the base currency's minor units, rounded to
    /// the nearest (half away from zero); `None` without a rate on or before that day.
    pub fn to_base(&self, minor: i64, currency: Currency, day: NaiveDate) -> Option<i64> {
        let rate = self.rate_on(currency.code(), day)?;
        let amount = Decimal::from(minor) / Decimal::from(10_i64.pow(currency.decimals())) / rate;
        let base = amount * Decimal::from(10_i64.pow(BASE_CURRENCY.decimals()));
        base.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero).to_i64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn both_files_of_the_central_bank_are_read() {
        let history = "Date,USD,JPY,CYP,XXX,\n2026-11-27,1.0567,161.42,N/A,1,\n2026-11-26,1.05,160,,2,\n";
        let rates = parse_ecb_csv(history).unwrap_or_default();
        assert_eq!(rates.len(), 4, "{rates:?}");
        assert_eq!(
            rates[0],
            ExchangeRate { currency: "USD".into(), on: day("2026-11-27"), per_base: dec!(1.0567) }
        );
        let daily = "Date, USD, JPY, \n27 November 2026, 1.0567, 161.42, \n";
        let rates = parse_ecb_csv(daily).unwrap_or_default();
        assert_eq!(rates.iter().map(|r| r.on).collect::<Vec<_>>(), [day("2026-11-27"); 2]);
        let refused = parse_ecb_csv("Date,USD\n2026-11-27,-1\nyesterday,1\n").err().map(|e| e.0);
        let fields: Vec<String> = refused.unwrap_or_default().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["line 2", "line 3"]);
        assert!(parse_ecb_csv("name,email\nA,a@b.fr\n").is_err());
    }

    #[test]
    fn an_amount_converts_at_the_latest_rate_on_or_before_its_day() {
        let book = RateBook::new([
            ExchangeRate { currency: "USD".into(), on: day("2026-11-02"), per_base: dec!(1.25) },
            ExchangeRate { currency: "USD".into(), on: day("2026-11-04"), per_base: dec!(1.5) },
            ExchangeRate { currency: "JPY".into(), on: day("2026-11-02"), per_base: dec!(160) },
        ]);
        let usd = Currency::parse("USD").map_err(|_| ()).unwrap_or(BASE_CURRENCY);
        let jpy = Currency::parse("JPY").map_err(|_| ()).unwrap_or(BASE_CURRENCY);
        assert_eq!(book.to_base(10_0000, usd, day("2026-11-01")), None, "nothing published yet");
        assert_eq!(book.to_base(10_0000, usd, day("2026-11-03")), Some(80_000));
        assert_eq!(book.to_base(10_0000, usd, day("2026-12-25")), Some(66_667), "the latest, rounded");
        assert_eq!(book.to_base(16_000, jpy, day("2026-11-02")), Some(10_000), "yen have no cents");
    }

    #[test]
    fn rates_are_checked_one_by_one() {
        let inputs = vec![
            ExchangeRateInput { currency: "usd".into(), on: day("2026-11-02"), per_base: dec!(1.10) },
            ExchangeRateInput { currency: "EUR".into(), on: day("2026-11-02"), per_base: dec!(1) },
            ExchangeRateInput { currency: "GBP".into(), on: day("2026-11-02"), per_base: dec!(0) },
        ];
        let refused = ExchangeRateInput::validate_all(inputs).err().map(|e| e.0);
        let fields: Vec<String> = refused.unwrap_or_default().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["rates[1].currency", "rates[2].per_base"]);
    }
}
