//! Who sells: the identity a quote or an order is issued under, with what French law asks a
//! business document to name (legal form, share capital, SIREN, RCS registry, VAT number).

use crate::address::Address;
use crate::email::EmailAddress;
use crate::lines::{FRENCH_VAT_RATES, vat_rate};
use crate::money::{BASE_CURRENCY, Money};
use crate::siren::{Siren, VatNumber};
use crate::validation::{ValidationErrors, check_length, clean_text};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SellerInput {
    /// The registered name.
    #[serde(default)]
    pub name: Option<String>,
    /// `SAS`, `SARL`, `EI`…
    #[serde(default)]
    pub legal_form: Option<String>,
    /// In euros, as a decimal string.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub share_capital: Option<Decimal>,
    #[serde(default)]
    pub address: Address,
    #[serde(default)]
    pub siren: Option<String>,
    /// The city of the commercial court's registry (`Lyon` for « RCS Lyon »).
    #[serde(default)]
    pub rcs_city: Option<String>,
    #[serde(default)]
    pub vat_number: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// Printed on every quote that states none of its own: « 30 jours fin de mois ».
    #[serde(default)]
    pub payment_terms: Option<String>,
    /// The VAT rates (percent) the product and quote forms offer, the first being a new
    /// product's; the French rates (20, 10, 5.5, 2.1, 0) when empty or `null`.
    #[serde(default)]
    #[schema(value_type = Option<Vec<String>>)]
    pub vat_rates: Option<Vec<Decimal>>,
}

/// A seller's identity, checked. Stored as JSON in the settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Seller {
    pub name: String,
    pub legal_form: Option<String>,
    pub share_capital: Option<Money>,
    pub address: Address,
    pub siren: Option<String>,
    pub rcs_city: Option<String>,
    pub vat_number: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub payment_terms: Option<String>,
    /// The VAT rates chosen for the forms; empty: the French rates.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub vat_rates: Vec<Decimal>,
}

/// Most rates a seller offers: a country has four or five.
pub const MAX_VAT_RATES: usize = 12;

impl Seller {
    /// The VAT rates the forms offer, the first being a new product's: those chosen, or the
    /// French ones.
    pub fn offered_vat_rates(&self) -> Vec<Decimal> {
        if self.vat_rates.is_empty() { FRENCH_VAT_RATES.to_vec() } else { self.vat_rates.clone() }
    }

    pub fn to_input(&self) -> SellerInput {
        SellerInput {
            name: Some(self.name.clone()).filter(|n| !n.is_empty()),
            legal_form: self.legal_form.clone(),
            share_capital: self.share_capital.map(|m| m.amount),
            address: self.address.clone(),
            siren: self.siren.clone(),
            rcs_city: self.rcs_city.clone(),
            vat_number: self.vat_number.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            payment_terms: self.payment_terms.clone(),
            vat_rates: Some(self.vat_rates.clone()).filter(|rates| !rates.is_empty()),
        }
    }

    /// The registration line of a document's footer: « SAS au capital de 10 000 € · RCS Lyon
    /// 123 456 789 · TVA FR12123456789 », as far as it is known. `capital` words « au capital
    /// de » in the reader's language; `amount` writes an amount.
    pub fn registration(&self, capital: &str, amount: impl Fn(&Money) -> String) -> String {
        let mut parts = Vec::new();
        match (&self.legal_form, &self.share_capital) {
            (Some(form), Some(money)) => parts.push(format!("{form} {capital} {}", amount(money))),
            (Some(form), None) => parts.push(form.clone()),
            (None, Some(money)) => parts.push(format!("{capital} {}", amount(money))),
            (None, None) => {}
        }
        let spaced = self.siren.as_deref().map(|s| {
            let digits: Vec<&str> =
                [&s[..3.min(s.len())], s.get(3..6).unwrap_or(""), s.get(6..).unwrap_or("")].into();
            digits.into_iter().filter(|d| !d.is_empty()).collect::<Vec<_>>().join(" ")
        });
        match (&self.rcs_city, spaced) {
            (Some(city), Some(siren)) => parts.push(format!("RCS {city} {siren}")),
            (None, Some(siren)) => parts.push(format!("SIREN {siren}")),
            _ => {}
        }
        if let Some(vat) = &self.vat_number {
            parts.push(format!("TVA {vat}"));
        }
        parts.join(" · ")
    }
}

impl SellerInput {
    pub fn validate(self) -> Result<Seller, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = clean_text(self.name);
        check_length(&mut errors, "name", &name, 200);
        if name.is_none() {
            errors.add("name", "is required");
        }
        let legal_form = clean_text(self.legal_form);
        check_length(&mut errors, "legal_form", &legal_form, 50);
        let share_capital = match self.share_capital {
            Some(capital) if capital < Decimal::ZERO => {
                errors.add("share_capital", "must not be negative");
                None
            }
            Some(capital) => errors.check("share_capital", Money::new(capital, BASE_CURRENCY)),
            None => None,
        };
        let address = self.address.clean("address", &mut errors);
        let siren = clean_text(self.siren)
            .and_then(|s| errors.check("siren", Siren::parse(&s)))
            .map(|s| s.as_str().to_owned());
        let rcs_city = clean_text(self.rcs_city);
        check_length(&mut errors, "rcs_city", &rcs_city, 100);
        let vat_number = clean_text(self.vat_number)
            .and_then(|v| errors.check("vat_number", VatNumber::parse(&v)))
            .map(|v| v.as_str().to_owned());
        let email = clean_text(self.email)
            .and_then(|e| {
                errors.check("email", EmailAddress::parse(&e).map_err(|_| "is not an email address"))
            })
            .map(|e| e.as_str().to_owned());
        let phone = clean_text(self.phone);
        check_length(&mut errors, "phone", &phone, 40);
        let payment_terms = clean_text(self.payment_terms);
        check_length(&mut errors, "payment_terms", &payment_terms, 2000);
        let vat_rates = checked_vat_rates(&mut errors, self.vat_rates.unwrap_or_default());
        errors.into_result()?;
        Ok(Seller {
            name: name.unwrap_or_default(),
            legal_form,
            share_capital,
            address,
            siren,
            rcs_city,
            vat_number,
            email,
            phone,
            payment_terms,
            vat_rates,
        })
    }
}

/// The rates as each is checked on a line, each error named `vat_rates[n]`.
fn checked_vat_rates(errors: &mut ValidationErrors, rates: Vec<Decimal>) -> Vec<Decimal> {
    if rates.len() > MAX_VAT_RATES {
        errors.add("vat_rates", "must hold at most 12 rates");
        return vec![];
    }
    let mut kept: Vec<Decimal> = Vec::with_capacity(rates.len());
    for (i, rate) in rates.into_iter().enumerate() {
        let field = format!("vat_rates[{i}]");
        match vat_rate(rate) {
            Ok(rate) if kept.contains(&rate) => errors.add(&field, "is listed twice"),
            Ok(rate) => kept.push(rate),
            Err(message) => errors.add(&field, message),
        }
    }
    kept
}

/// The largest logo kept: a logo is printed a few centimetres wide.
pub const MAX_LOGO_BYTES: usize = 1024 * 1024;

/// The seller's logo, printed above its name on its quotes.
#[derive(Clone, PartialEq, Eq)]
pub struct Logo {
    /// `image/png` or `image/jpeg`, read from the bytes, never from what the sender declared.
    pub content_type: String,
    pub content: Vec<u8>,
    pub sha256: String,
}

/// What a logo is, never its bytes.
impl std::fmt::Debug for Logo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Logo")
            .field("content_type", &self.content_type)
            .field("size", &self.content.len())
            .field("sha256", &self.sha256)
            .finish()
    }
}

impl Logo {
    /// A logo from the bytes sent, if they are a PNG or a JPEG image of 1 MB at most (whether
    /// the image reads whole is for the printer to say). `sha256` is their digest.
    pub fn new(content: Vec<u8>, sha256: String) -> Result<Logo, ValidationErrors> {
        if content.is_empty() {
            return Err(ValidationErrors::single("file", "is empty"));
        }
        if content.len() > MAX_LOGO_BYTES {
            return Err(ValidationErrors::single("file", "is larger than 1 MB"));
        }
        let content_type = if content.starts_with(b"\x89PNG\r\n\x1a\n") {
            "image/png"
        } else if content.starts_with(&[0xff, 0xd8, 0xff]) {
            "image/jpeg"
        } else {
            return Err(ValidationErrors::single("file", "must be a PNG or JPEG image"));
        };
        Ok(Logo { content_type: content_type.to_owned(), content, sha256 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn the_registration_line_says_what_is_known() {
        let seller = SellerInput {
            name: Some("Comptoir SAS".into()),
            legal_form: Some("SAS".into()),
            share_capital: Some(dec!(10000)),
            siren: Some("732 829 320".into()),
            rcs_city: Some("Lyon".into()),
            ..SellerInput::default()
        }
        .validate();
        let line = seller.map(|s| s.registration("au capital de", |m| format!("{} €", m.amount)));
        assert_eq!(line, Ok("SAS au capital de 10000.00 € · RCS Lyon 732 829 320".to_owned()));
        let refused = SellerInput { siren: Some("123".into()), ..SellerInput::default() }.validate();
        let fields: Vec<String> =
            refused.err().map(|e| e.0.into_iter().map(|e| e.field).collect()).unwrap_or_default();
        assert_eq!(fields, ["name", "siren"]);
    }

    #[test]
    fn the_vat_rates_offered_are_checked_and_default_to_the_french_ones() {
        let named = |rates: Vec<Decimal>| {
            SellerInput { name: Some("Comptoir".into()), vat_rates: Some(rates), ..SellerInput::default() }
                .validate()
        };
        let belgian = named(vec![dec!(21), dec!(12), dec!(6.00), dec!(0)]).map(|s| s.offered_vat_rates());
        assert_eq!(belgian, Ok(vec![dec!(21), dec!(12), dec!(6), dec!(0)]));
        let refused = named(vec![dec!(20), dec!(120), dec!(20.0), dec!(5.555)]).err().map(|e| e.0);
        let fields: Vec<(String, String)> =
            refused.unwrap_or_default().into_iter().map(|e| (e.field, e.message)).collect();
        assert_eq!(
            fields,
            [
                ("vat_rates[1]".to_owned(), "must be a percentage from 0 to less than 100".to_owned()),
                ("vat_rates[2]".to_owned(), "is listed twice".to_owned()),
                ("vat_rates[3]".to_owned(), "has more than two decimals".to_owned()),
            ]
        );
        let default = named(vec![]).map(|s| (s.offered_vat_rates(), s.to_input().vat_rates));
        assert_eq!(default, Ok((FRENCH_VAT_RATES.to_vec(), None)));
    }

    #[test]
    fn a_logo_is_a_png_or_a_jpeg_of_a_megabyte_at_most() {
        let png = b"\x89PNG\r\n\x1a\n....".to_vec();
        assert_eq!(Logo::new(png, String::new()).map(|l| l.content_type).ok().as_deref(), Some("image/png"));
        let jpeg = vec![0xff, 0xd8, 0xff, 0xe0];
        assert_eq!(
            Logo::new(jpeg, String::new()).map(|l| l.content_type).ok().as_deref(),
            Some("image/jpeg")
        );
        assert!(Logo::new(b"GIF89a".to_vec(), String::new()).is_err());
        assert!(Logo::new(Vec::new(), String::new()).is_err());
        let mut huge = b"\x89PNG\r\n\x1a\n".to_vec();
        huge.resize(MAX_LOGO_BYTES + 1, 0);
        assert!(Logo::new(huge, String::new()).is_err());
    }
}
