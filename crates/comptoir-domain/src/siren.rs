//! French company identifiers and VAT numbers.
//!
//! `Siren`: the 9-digit number INSEE gives every French company. `Siret`: 14 digits, the SIREN
//! plus 5 digits naming one establishment. Both end with a Luhn check digit, which catches
//! most typing mistakes before they reach an invoice.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InvalidIdentifier {
    #[error("must be {0} digits")]
    Length(usize),
    #[error("has a wrong check digit")]
    Checksum,
    #[error("is not a valid VAT number (two-letter country code then 2 to 12 letters or digits)")]
    VatFormat,
    #[error("does not match its SIREN: the French VAT key is wrong")]
    VatKey,
}

fn digits_only(input: &str) -> String {
    input.chars().filter(|c| !c.is_whitespace() && *c != '.' && *c != '-').collect()
}

fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0;
    for (i, c) in digits.chars().rev().enumerate() {
        let Some(mut d) = c.to_digit(10) else {
            return false;
        };
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

fn parse_digits(input: &str, len: usize) -> Result<String, InvalidIdentifier> {
    let digits = digits_only(input);
    if digits.len() != len || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(InvalidIdentifier::Length(len));
    }
    Ok(digits)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siren(String);

impl Siren {
    pub fn parse(input: &str) -> Result<Self, InvalidIdentifier> {
        let digits = parse_digits(input, 9)?;
        if !luhn_valid(&digits) {
            return Err(InvalidIdentifier::Checksum);
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// La Poste's establishments share one SIREN and use a different rule for their SIRET.
const LA_POSTE_SIREN: &str = "356000000";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siret(String);

impl Siret {
    pub fn parse(input: &str) -> Result<Self, InvalidIdentifier> {
        let digits = parse_digits(input, 14)?;
        let valid = if digits.starts_with(LA_POSTE_SIREN) {
            digits.chars().filter_map(|c| c.to_digit(10)).sum::<u32>() % 5 == 0
        } else {
            luhn_valid(&digits)
        };
        if !valid {
            return Err(InvalidIdentifier::Checksum);
        }
        Ok(Self(digits))
    }

    pub fn siren(&self) -> &str {
        &self.0[..9]
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An intra-community VAT number. French ones are checked against their SIREN; others only
/// for shape, since each country has its own rule and VIES is the authority.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct VatNumber(String);

impl VatNumber {
    pub fn parse(input: &str) -> Result<Self, InvalidIdentifier> {
        let compact: String = digits_only(input).to_uppercase();
        let (country, rest) = compact.split_at_checked(2).ok_or(InvalidIdentifier::VatFormat)?;
        if !country.chars().all(|c| c.is_ascii_uppercase())
            || !(2..=12).contains(&rest.len())
            || !rest.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Err(InvalidIdentifier::VatFormat);
        }
        if country == "FR" {
            let (key, siren) = rest.split_at_checked(2).ok_or(InvalidIdentifier::VatFormat)?;
            let siren: u64 = siren.parse().map_err(|_| InvalidIdentifier::VatFormat)?;
            if rest.len() != 11 {
                return Err(InvalidIdentifier::VatFormat);
            }
            // Only the numeric key is checkable; the alphanumeric keys of newer numbers are not.
            if let Ok(key) = key.parse::<u64>()
                && key != (12 + 3 * (siren % 97)) % 97
            {
                return Err(InvalidIdentifier::VatKey);
            }
        }
        Ok(Self(compact))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_conversions {
    ($($t:ident),*) => {$(
        impl TryFrom<String> for $t {
            type Error = InvalidIdentifier;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }
        impl From<$t> for String {
            fn from(value: $t) -> Self {
                value.0
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    )*};
}
string_conversions!(Siren, Siret, VatNumber);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_siren_and_siret_pass() {
        // Numbers of a well-known French company, published in the SIRENE register.
        assert!(Siren::parse("552 100 554").is_ok());
        let siret = Siret::parse("552 100 554 00013").expect("valid");
        assert_eq!(siret.siren(), "552100554");
    }

    #[test]
    fn a_typo_breaks_the_check_digit() {
        assert_eq!(Siren::parse("552100555"), Err(InvalidIdentifier::Checksum));
        assert_eq!(Siren::parse("55210055"), Err(InvalidIdentifier::Length(9)));
    }

    #[test]
    fn french_vat_key_is_derived_from_the_siren() {
        assert!(VatNumber::parse("FR 40 303 265 045").is_ok());
        assert_eq!(VatNumber::parse("FR41303265045"), Err(InvalidIdentifier::VatKey));
        assert!(VatNumber::parse("DE123456789").is_ok());
        assert_eq!(VatNumber::parse("12"), Err(InvalidIdentifier::VatFormat));
    }
}
