//! Amounts of money: an exact decimal with its ISO 4217 currency, never a float. Both
//! databases keep an amount as a whole number of the currency's minor unit (cents for the
//! euro, yen for the yen), so sums and sorts happen in the database, exactly.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The currency amounts are written in when none is given, and reports convert to.
pub const BASE_CURRENCY: Currency = Currency(iso_currency::Currency::EUR);

/// An ISO 4217 currency that has a minor unit (every national currency; not gold or SDRs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Currency(iso_currency::Currency);

impl Currency {
    /// Reads a code such as `EUR` (any case).
    pub fn parse(code: &str) -> Result<Self, &'static str> {
        let currency = iso_currency::Currency::from_code(&code.trim().to_ascii_uppercase())
            .ok_or("is not an ISO 4217 currency code such as EUR")?;
        match currency.exponent() {
            Some(_) => Ok(Self(currency)),
            None => Err("has no minor unit; amounts cannot be written in it"),
        }
    }

    pub fn code(self) -> &'static str {
        self.0.code()
    }

    /// How many digits follow the decimal point: 2 for the euro, 0 for the yen, 3 for the dinar.
    pub fn decimals(self) -> u32 {
        u32::from(self.0.exponent().unwrap_or(0))
    }

    pub fn symbol(self) -> String {
        self.0.symbol().to_string()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Self::parse(&code).map_err(serde::de::Error::custom)
    }
}

/// An amount in a currency, exact to the currency's minor unit. Read back (from a stored
/// document's JSON) through [`Money::new`], so a stored amount is checked like a new one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "WrittenMoney")]
pub struct Money {
    /// A decimal written as a string (`"1500.00"`), so no client reads it as a float.
    #[schema(value_type = String, example = "1500.00")]
    pub amount: Decimal,
    #[schema(value_type = String, example = "EUR")]
    pub currency: Currency,
    /// The same amount as a whole number of minor units (`150000` cents): what lists sort by.
    pub minor_units: i64,
}

/// Money as it is written: its minor units are recomputed, not trusted.
#[derive(Deserialize)]
struct WrittenMoney {
    amount: Decimal,
    currency: Currency,
}

impl TryFrom<WrittenMoney> for Money {
    type Error = String;
    fn try_from(written: WrittenMoney) -> Result<Self, String> {
        Money::new(written.amount, written.currency)
    }
}

/// Amounts are bounded well inside an `i64` of minor units, whatever the currency.
const MAX_AMOUNT: i64 = 1_000_000_000_000;

impl Money {
    /// `amount` in `currency`, refused when it has more decimals than the currency's minor
    /// unit (amounts are never rounded behind anyone's back) or is out of range.
    pub fn new(amount: Decimal, currency: Currency) -> Result<Self, String> {
        let decimals = currency.decimals();
        let normalized = amount.normalize();
        if normalized.scale() > decimals {
            return Err(format!("has more decimals than its currency allows ({decimals})"));
        }
        if amount.abs() >= Decimal::from(MAX_AMOUNT) {
            return Err(format!("must be less than {MAX_AMOUNT} in absolute value"));
        }
        let mut exact = normalized;
        exact.rescale(decimals);
        let minor = exact.mantissa();
        let minor_units = i64::try_from(minor).map_err(|_| "is too large".to_owned())?;
        Ok(Self { amount: exact, currency, minor_units })
    }

    /// An amount read back from its minor units.
    pub fn from_minor(minor_units: i64, currency: Currency) -> Self {
        Self { amount: Decimal::new(minor_units, currency.decimals()), currency, minor_units }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    #[test]
    fn amounts_keep_their_currencys_decimals() {
        let eur = Currency::parse("eur").unwrap_or(BASE_CURRENCY);
        let money = Money::new(dec("1500.5"), eur).map_err(|e| e.to_string());
        assert_eq!(money.as_ref().map(|m| m.amount.to_string()), Ok("1500.50".to_owned()));
        assert_eq!(money.map(|m| m.minor_units), Ok(150_050));
        let yen = Currency::parse("JPY").unwrap_or(BASE_CURRENCY);
        assert_eq!(Money::new(dec("1200"), yen).map(|m| m.minor_units), Ok(1200));
        assert!(Money::new(dec("12.5"), yen).is_err(), "the yen has no cents");
        assert!(Money::new(dec("1.005"), eur).is_err(), "never rounded");
        assert_eq!(Money::new(dec("1.000"), eur).map(|m| m.minor_units), Ok(100));
        let dinar = Currency::parse("BHD").unwrap_or(BASE_CURRENCY);
        assert_eq!(Money::new(dec("1.005"), dinar).map(|m| m.minor_units), Ok(1005));
    }

    #[test]
    fn minor_units_round_trip() {
        for minor in [0, 1, -1, 99, 150_050, 999_999_999_999] {
            let money = Money::from_minor(minor, BASE_CURRENCY);
            assert_eq!(Money::new(money.amount, BASE_CURRENCY), Ok(money));
        }
    }

    #[test]
    fn unknown_or_unit_less_currencies_are_refused() {
        assert!(Currency::parse("EUR").is_ok());
        assert!(Currency::parse("ABC").is_err());
        assert!(Currency::parse("XAU").is_err(), "gold has no minor unit");
        assert!(Money::new(dec("1e13"), BASE_CURRENCY).is_err());
    }

    #[test]
    fn money_is_written_as_strings_and_minor_units() {
        let money = Money::from_minor(123_456, BASE_CURRENCY);
        let json = serde_json::to_value(money).unwrap_or_default();
        assert_eq!(json, serde_json::json!({"amount": "1234.56", "currency": "EUR", "minor_units": 123_456}));
    }
}
