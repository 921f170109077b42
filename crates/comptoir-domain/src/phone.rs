//! Phone numbers, normalised to E.164 so "06 12 34 56 78" and "+33612345678" are one number.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

/// Whether `s` is already in canonical E.164 form, as every stored number is.
fn is_e164(s: &str) -> bool {
    s.strip_prefix('+')
        .is_some_and(|digits| (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("is not a phone number that can be dialled (use +33… or a French national number)")]
pub struct InvalidPhone;

/// Numbers written without a country code are read as French: most of our users are.
const DEFAULT_REGION: phonenumber::country::Id = phonenumber::country::Id::FR;

impl PhoneNumber {
    pub fn parse(input: &str) -> Result<Self, InvalidPhone> {
        let parsed = phonenumber::parse(Some(DEFAULT_REGION), input.trim()).map_err(|_| InvalidPhone)?;
        if !phonenumber::is_valid(&parsed) {
            return Err(InvalidPhone);
        }
        Ok(Self(parsed.format().mode(phonenumber::Mode::E164).to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as people write it: French numbers in pairs ("04 78 12 34 56"), others in
    /// their international format ("+44 20 7946 0018").
    pub fn readable(&self) -> String {
        if let Some(national) = self.national_digits()
            && national.len() == 10
        {
            let pairs: Vec<&str> = (0..5).map(|i| &national[i * 2..i * 2 + 2]).collect();
            return pairs.join(" ");
        }
        phonenumber::parse(None, &self.0)
            .map(|parsed| parsed.format().mode(phonenumber::Mode::International).to_string())
            .unwrap_or_else(|_| self.0.clone())
    }

    /// The digits a person types for a French number ("0612345678"), so a search for "0612"
    /// finds "+33612345678".
    pub fn national_digits(&self) -> Option<String> {
        self.0.strip_prefix("+33").map(|rest| format!("0{rest}"))
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = InvalidPhone;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        // Stored values are canonical already; re-checking them against the numbering plan on
        // every read would cost more than the read itself.
        if is_e164(&value) { Ok(Self(value)) } else { Self::parse(&value) }
    }
}

impl From<PhoneNumber> for String {
    fn from(value: PhoneNumber) -> Self {
        value.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(PhoneNumber::parse("0478123456").map(|p| p.readable()), Ok("04 78 12 34 56".to_owned()));
        assert_eq!(
            PhoneNumber::parse("+44 20 7946 0018").map(|p| p.readable()),
            Ok("+44 20 7946 0018".to_owned())
        );
    }

    #[test]
    fn french_national_and_international_forms_are_one_number() {
        let a = PhoneNumber::parse("06 12 34 56 78").expect("valid");
        let b = PhoneNumber::parse("+33 6 12 34 56 78").expect("valid");
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "+33612345678");
        assert_eq!(a.national_digits().as_deref(), Some("0612345678"));
    }

    #[test]
    fn foreign_numbers_keep_their_country() {
        let uk = PhoneNumber::parse("+44 20 7946 0958").expect("valid");
        assert_eq!(uk.as_str(), "+442079460958");
    }

    #[test]
    fn nonsense_is_refused() {
        for bad in ["", "abc", "12", "+33 1"] {
            assert_eq!(PhoneNumber::parse(bad), Err(InvalidPhone), "{bad}");
        }
    }
}
