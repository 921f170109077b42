//! The catalogue: the products and services a company sells, each with a price excluding
//! tax and a VAT rate, which quote and order lines start from.

use crate::ids::ProductId;
use crate::lines::{LineDefaults, vat_rate};
use crate::money::{BASE_CURRENCY, Currency, Money};
use crate::validation::{ValidationErrors, check_length, clean_text};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductInput {
    /// The reference, unique in the catalogue whatever its case.
    #[serde(default)]
    pub sku: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Excluding tax, a decimal as a string (`"900.00"`).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub unit_price: Option<Decimal>,
    /// ISO 4217; EUR when omitted.
    #[serde(default)]
    pub currency: Option<String>,
    /// `hour`, `day`, `piece`…
    #[serde(default)]
    pub unit: Option<String>,
    /// In percent; the seller's first VAT rate when omitted (20, the French standard rate,
    /// unless the seller chose others).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub vat_rate: Option<Decimal>,
    /// Whether new lines may use it; true when omitted.
    #[serde(default)]
    pub active: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ProductFields {
    pub sku: String,
    pub name: String,
    pub description: Option<String>,
    pub unit_price: Money,
    pub unit: Option<String>,
    #[schema(value_type = String)]
    pub vat_rate: Decimal,
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Product {
    pub id: ProductId,
    pub version: i64,
    #[serde(flatten)]
    pub fields: ProductFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Product {
    pub fn new(fields: ProductFields, at: DateTime<Utc>) -> Self {
        Self { id: ProductId::new(), version: 1, fields, created_at: at, updated_at: at }
    }

    pub fn changed(&self, fields: ProductFields, at: DateTime<Utc>) -> Self {
        Self { version: self.version + 1, fields, updated_at: at, ..self.clone() }
    }

    /// What a line naming it takes from it; an inactive product lends nothing to a new line.
    pub fn line_defaults(&self) -> Option<LineDefaults> {
        self.fields.active.then(|| LineDefaults {
            name: self.fields.name.clone(),
            unit: self.fields.unit.clone(),
            unit_price: self.fields.unit_price,
            vat_rate: self.fields.vat_rate,
        })
    }
}

impl ProductFields {
    pub fn to_input(&self) -> ProductInput {
        ProductInput {
            sku: Some(self.sku.clone()),
            name: Some(self.name.clone()),
            description: self.description.clone(),
            unit_price: Some(self.unit_price.amount),
            currency: Some(self.unit_price.currency.code().to_owned()),
            unit: self.unit.clone(),
            vat_rate: Some(self.vat_rate),
            active: Some(self.active),
        }
    }
}

impl ProductInput {
    /// Checks a product; `default_vat_rate` is its rate when none is given (the seller's first).
    pub fn validate(self, default_vat_rate: Decimal) -> Result<ProductFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let sku = clean_text(self.sku);
        check_length(&mut errors, "sku", &sku, 64);
        if sku.is_none() {
            errors.add("sku", "is required");
        }
        let name = clean_text(self.name);
        check_length(&mut errors, "name", &name, 200);
        if name.is_none() {
            errors.add("name", "is required");
        }
        let description = clean_text(self.description);
        check_length(&mut errors, "description", &description, 5000);
        let currency = match clean_text(self.currency) {
            Some(code) => errors.check("currency", Currency::parse(&code)),
            None => Some(BASE_CURRENCY),
        };
        let unit_price = match (self.unit_price, currency) {
            (Some(price), _) if price < Decimal::ZERO => {
                errors.add("unit_price", "must not be negative");
                None
            }
            (Some(price), Some(currency)) => errors.check("unit_price", Money::new(price, currency)),
            (None, _) => {
                errors.add("unit_price", "is required");
                None
            }
            (Some(_), None) => None,
        };
        let unit = clean_text(self.unit);
        check_length(&mut errors, "unit", &unit, 30);
        let vat_rate = errors.check("vat_rate", vat_rate(self.vat_rate.unwrap_or(default_vat_rate)));
        match (sku, name, unit_price, vat_rate) {
            (Some(sku), Some(name), Some(unit_price), Some(vat_rate)) if errors.is_empty() => {
                Ok(ProductFields {
                    sku,
                    name,
                    description,
                    unit_price,
                    unit,
                    vat_rate,
                    active: self.active.unwrap_or(true),
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lines::FRENCH_VAT_RATES;
    use rust_decimal::dec;

    #[test]
    fn a_product_needs_a_reference_a_name_and_a_price() {
        let fields: Vec<String> = ProductInput::default()
            .validate(FRENCH_VAT_RATES[0])
            .err()
            .map(|e| e.0.into_iter().map(|e| e.field).collect())
            .unwrap_or_default();
        assert_eq!(fields, ["sku", "name", "unit_price"]);
        let product = ProductInput {
            sku: Some(" AUD-01 ".into()),
            name: Some("Audit".into()),
            unit_price: Some(dec!(900)),
            vat_rate: Some(dec!(5.50)),
            ..ProductInput::default()
        }
        .validate(FRENCH_VAT_RATES[0]);
        let product = product.as_ref().ok();
        assert_eq!(product.map(|p| p.sku.as_str()), Some("AUD-01"));
        assert_eq!(product.map(|p| p.vat_rate.to_string()), Some("5.5".to_owned()));
        assert_eq!(product.map(|p| p.unit_price.minor_units), Some(90_000));
        assert_eq!(product.map(|p| p.active), Some(true));
    }
}
