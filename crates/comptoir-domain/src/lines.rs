//! Line items and their totals, as quotes and orders carry them.
//!
//! Rounding happens in two places only, both to the currency's minor unit and half away from
//! zero (the commercial rounding French invoices use): each line's amount excluding tax
//! (quantity × unit price, less its discount), and the VAT of each rate, computed once on the
//! sum of that rate's lines. So the total excluding tax is exactly the sum of the lines, the
//! VAT breakdown adds up to the total VAT, and the order of the lines changes nothing.

use crate::ids::ProductId;
use crate::money::{Currency, Money};
use crate::validation::{ValidationErrors, check_length, clean_text};
use rust_decimal::prelude::RoundingStrategy;
use rust_decimal::{Decimal, dec};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The VAT rates of France, in percent: standard, intermediate, reduced, particular, none.
pub const FRENCH_VAT_RATES: [Decimal; 5] = [dec!(20), dec!(10), dec!(5.5), dec!(2.1), dec!(0)];

/// The most lines one document holds.
pub const MAX_LINES: usize = 200;

/// What a line's catalogue item lends it when the line leaves a value out.
#[derive(Clone, Debug, PartialEq)]
pub struct LineDefaults {
    pub name: String,
    pub unit: Option<String>,
    pub unit_price: Money,
    pub vat_rate: Decimal,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineInput {
    /// A catalogue item: its name, unit, price and VAT rate fill what the line leaves out.
    #[serde(default)]
    pub product_id: Option<ProductId>,
    /// Required without a product.
    #[serde(default)]
    pub description: Option<String>,
    /// A decimal with at most three decimals; 1 when omitted.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub quantity: Option<Decimal>,
    /// `hour`, `day`, `piece`…
    #[serde(default)]
    pub unit: Option<String>,
    /// Excluding tax, in the document's currency.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub unit_price: Option<Decimal>,
    /// A discount in percent of the line…
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub discount_percent: Option<Decimal>,
    /// …or as an amount off the line, not both.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub discount_amount: Option<Decimal>,
    /// In percent (`20`, `5.5`).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub vat_rate: Option<Decimal>,
}

/// A discount on one line.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Discount {
    #[schema(value_type = String)]
    Percent(Decimal),
    #[schema(value_type = String)]
    Amount(Decimal),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Line {
    pub product_id: Option<ProductId>,
    pub description: String,
    #[schema(value_type = String)]
    pub quantity: Decimal,
    pub unit: Option<String>,
    pub unit_price: Money,
    pub discount: Option<Discount>,
    #[schema(value_type = String)]
    pub vat_rate: Decimal,
    /// Quantity × unit price less the discount, rounded to the minor unit.
    pub net: Money,
}

impl Line {
    pub fn to_input(&self) -> LineInput {
        LineInput {
            product_id: self.product_id,
            description: Some(self.description.clone()),
            quantity: Some(self.quantity),
            unit: self.unit.clone(),
            unit_price: Some(self.unit_price.amount),
            discount_percent: match self.discount {
                Some(Discount::Percent(p)) => Some(p),
                _ => None,
            },
            discount_amount: match self.discount {
                Some(Discount::Amount(a)) => Some(a),
                _ => None,
            },
            vat_rate: Some(self.vat_rate),
        }
    }
}

/// One VAT rate's share of a document.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct VatShare {
    #[schema(value_type = String)]
    pub rate: Decimal,
    /// The lines at this rate, excluding tax.
    pub base: Money,
    pub tax: Money,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Totals {
    pub excluding_tax: Money,
    /// By rate, highest first.
    pub vat: Vec<VatShare>,
    pub tax: Money,
    pub including_tax: Money,
}

/// Rounds to `currency`'s minor unit, half away from zero.
fn round(value: Decimal, currency: Currency) -> Result<Money, String> {
    let rounded = value.round_dp_with_strategy(currency.decimals(), RoundingStrategy::MidpointAwayFromZero);
    Money::new(rounded, currency)
}

/// Reads a VAT rate: a percentage below 100 with at most two decimals.
pub fn vat_rate(rate: Decimal) -> Result<Decimal, &'static str> {
    if rate < Decimal::ZERO || rate >= dec!(100) {
        return Err("must be a percentage from 0 to less than 100");
    }
    if rate.normalize().scale() > 2 {
        return Err("has more than two decimals");
    }
    Ok(rate.normalize())
}

/// Reads `inputs` into lines in `currency`, each error named `lines[n].field`. `defaults`
/// answers for the catalogue items the lines name (`None`: no such item).
pub fn validate_lines(
    inputs: Vec<LineInput>,
    currency: Currency,
    defaults: impl Fn(ProductId) -> Option<LineDefaults>,
    errors: &mut ValidationErrors,
) -> Vec<Line> {
    if inputs.len() > MAX_LINES {
        errors.add("lines", format!("at most {MAX_LINES} lines"));
        return Vec::new();
    }
    let mut lines = Vec::with_capacity(inputs.len());
    for (n, input) in inputs.into_iter().enumerate() {
        let mut line_errors = ValidationErrors::new();
        if let Some(line) = validate_line(input, currency, &defaults, &mut line_errors) {
            lines.push(line);
        }
        for error in line_errors.0 {
            errors.add(format!("lines[{n}].{}", error.field), error.message);
        }
    }
    lines
}

fn validate_line(
    input: LineInput,
    currency: Currency,
    defaults: &impl Fn(ProductId) -> Option<LineDefaults>,
    errors: &mut ValidationErrors,
) -> Option<Line> {
    let complete = input.description.is_some() && input.unit_price.is_some() && input.vat_rate.is_some();
    let product = match input.product_id {
        Some(id) => match defaults(id) {
            Some(product) => Some(product),
            // A line that says everything keeps naming its product after the product left the
            // catalogue: a draft written from it stays editable.
            None if complete => None,
            None => {
                errors.add("product_id", "is not an active product of the catalogue");
                return None;
            }
        },
        None => None,
    };
    let description = clean_text(input.description).or_else(|| product.as_ref().map(|p| p.name.clone()));
    check_length(errors, "description", &description, 2000);
    if description.is_none() {
        errors.add("description", "is required without a product");
    }
    let quantity = input.quantity.unwrap_or(Decimal::ONE).normalize();
    if quantity <= Decimal::ZERO || quantity >= dec!(1_000_000) {
        errors.add("quantity", "must be more than 0 and less than a million");
    } else if quantity.scale() > 3 {
        errors.add("quantity", "has more than three decimals");
    }
    let unit = clean_text(input.unit).or_else(|| product.as_ref().and_then(|p| p.unit.clone()));
    check_length(errors, "unit", &unit, 30);
    let unit_price = match (input.unit_price, &product) {
        (Some(price), _) if price < Decimal::ZERO => {
            errors.add("unit_price", "must not be negative; discounts lower a price");
            None
        }
        (Some(price), _) => errors.check("unit_price", Money::new(price, currency)),
        (None, Some(product)) if product.unit_price.currency == currency => Some(product.unit_price),
        (None, Some(_)) => {
            errors.add("unit_price", "is required: the product is priced in another currency");
            None
        }
        (None, None) => {
            errors.add("unit_price", "is required without a product");
            None
        }
    };
    let vat_rate = match (input.vat_rate, &product) {
        (Some(rate), _) => errors.check("vat_rate", vat_rate(rate)),
        (None, Some(product)) => Some(product.vat_rate),
        (None, None) => {
            errors.add("vat_rate", "is required without a product");
            None
        }
    };
    let discount = match (input.discount_percent, input.discount_amount) {
        (Some(_), Some(_)) => {
            errors.add("discount_amount", "cannot be given with a discount in percent");
            None
        }
        (Some(percent), None) if percent < Decimal::ZERO || percent > dec!(100) => {
            errors.add("discount_percent", "must be from 0 to 100");
            None
        }
        (Some(percent), None) if percent.normalize().scale() > 2 => {
            errors.add("discount_percent", "has more than two decimals");
            None
        }
        (Some(percent), None) => Some(Discount::Percent(percent.normalize())),
        (None, Some(amount)) if amount < Decimal::ZERO => {
            errors.add("discount_amount", "must not be negative");
            None
        }
        (None, Some(amount)) => errors
            .check("discount_amount", Money::new(amount, currency))
            .map(|money| Discount::Amount(money.amount)),
        (None, None) => None,
    };
    let (description, unit_price, vat_rate) = (description?, unit_price?, vat_rate?);
    if !errors.is_empty() {
        return None;
    }
    let gross = quantity * unit_price.amount;
    let off = match discount {
        Some(Discount::Percent(percent)) => gross * percent / dec!(100),
        Some(Discount::Amount(amount)) if amount > gross => {
            errors.add("discount_amount", "is more than the line");
            return None;
        }
        Some(Discount::Amount(amount)) => amount,
        None => Decimal::ZERO,
    };
    let net = errors.check("unit_price", round(gross - off, currency))?;
    Some(Line {
        product_id: input.product_id,
        description,
        quantity,
        unit,
        unit_price,
        discount,
        vat_rate,
        net,
    })
}

/// The totals of `lines`, all in `currency`.
pub fn totals(lines: &[Line], currency: Currency) -> Result<Totals, String> {
    let mut bases: BTreeMap<Decimal, i64> = BTreeMap::new();
    for line in lines {
        *bases.entry(line.vat_rate.normalize()).or_default() += line.net.minor_units;
    }
    let mut vat = Vec::with_capacity(bases.len());
    for (rate, base) in bases.into_iter().rev() {
        let base = Money::from_minor(base, currency);
        let tax = round(base.amount * rate / dec!(100), currency)?;
        vat.push(VatShare { rate, base, tax });
    }
    let excluding: i64 = vat.iter().map(|share| share.base.minor_units).sum();
    let tax: i64 = vat.iter().map(|share| share.tax.minor_units).sum();
    let excluding_tax = Money::new(Money::from_minor(excluding, currency).amount, currency)?;
    let tax = Money::from_minor(tax, currency);
    let including_tax =
        Money::new(Money::from_minor(excluding + tax.minor_units, currency).amount, currency)?;
    Ok(Totals { excluding_tax, vat, tax, including_tax })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::BASE_CURRENCY;
    use proptest::prelude::*;

    fn free_line(quantity: Decimal, price: Decimal, vat: Decimal) -> LineInput {
        LineInput {
            description: Some("Conseil".into()),
            quantity: Some(quantity),
            unit_price: Some(price),
            vat_rate: Some(vat),
            ..LineInput::default()
        }
    }

    fn read(inputs: Vec<LineInput>) -> Result<Vec<Line>, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let lines = validate_lines(inputs, BASE_CURRENCY, |_| None, &mut errors);
        errors.into_result().map(|()| lines)
    }

    #[test]
    fn a_line_rounds_once_half_away_from_zero() {
        let mut discounted = free_line(dec!(3), dec!(19.99), dec!(20));
        discounted.discount_percent = Some(dec!(12.5));
        let lines = read(vec![discounted]).unwrap_or_default();
        // 59.97 × 0.875 = 52.47375
        assert_eq!(lines.first().map(|l| l.net.amount), Some(dec!(52.47)));
        let half = read(vec![free_line(dec!(0.5), dec!(0.05), dec!(20))]).unwrap_or_default();
        assert_eq!(half.first().map(|l| l.net.amount), Some(dec!(0.03)), "0.025 rounds up");
    }

    #[test]
    fn vat_is_computed_per_rate_on_the_sum_of_its_lines() {
        // Three lines of 0.05 at 20 %: per line the VAT would be 3 × 0.01 = 0.03; on the sum it
        // is 0.15 × 20 % = 0.03 as well, but 0.10 at 5.5 % is 0.0055 → 0.01 once, not 2 × 0.00.
        let lines = read(vec![
            free_line(dec!(1), dec!(0.05), dec!(20)),
            free_line(dec!(1), dec!(0.05), dec!(20)),
            free_line(dec!(1), dec!(0.05), dec!(20)),
            free_line(dec!(1), dec!(0.05), dec!(5.5)),
            free_line(dec!(1), dec!(0.05), dec!(5.5)),
        ])
        .unwrap_or_default();
        let totals = totals(&lines, BASE_CURRENCY).map_err(|e| e.to_string());
        let totals = totals.as_ref().ok();
        assert_eq!(totals.map(|t| t.excluding_tax.amount), Some(dec!(0.25)));
        let rates: Vec<(Decimal, Decimal, Decimal)> = totals
            .map(|t| t.vat.iter().map(|s| (s.rate, s.base.amount, s.tax.amount)).collect())
            .unwrap_or_default();
        assert_eq!(rates, vec![(dec!(20), dec!(0.15), dec!(0.03)), (dec!(5.5), dec!(0.10), dec!(0.01))]);
        assert_eq!(totals.map(|t| t.including_tax.amount), Some(dec!(0.29)));
    }

    #[test]
    fn products_fill_what_a_line_leaves_out() {
        let product = ProductId::new();
        let defaults = |id: ProductId| {
            (id == product).then(|| LineDefaults {
                name: "Audit RGPD".into(),
                unit: Some("jour".into()),
                unit_price: Money::from_minor(90_000, BASE_CURRENCY),
                vat_rate: dec!(20),
            })
        };
        let mut errors = ValidationErrors::new();
        let input = LineInput { product_id: Some(product), quantity: Some(dec!(2)), ..LineInput::default() };
        let lines = validate_lines(vec![input], BASE_CURRENCY, defaults, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        let line = lines.first();
        assert_eq!(line.map(|l| l.description.as_str()), Some("Audit RGPD"));
        assert_eq!(line.map(|l| l.net.minor_units), Some(180_000));
        let unknown = LineInput { product_id: Some(ProductId::new()), ..LineInput::default() };
        validate_lines(vec![unknown], BASE_CURRENCY, defaults, &mut errors);
        assert_eq!(errors.0.first().map(|e| e.field.as_str()), Some("lines[0].product_id"));
    }

    #[test]
    fn bad_lines_are_refused_field_by_field() {
        let mut both = free_line(dec!(1), dec!(10), dec!(20));
        both.discount_percent = Some(dec!(10));
        both.discount_amount = Some(dec!(1));
        let mut too_much = free_line(dec!(1), dec!(10), dec!(20));
        too_much.discount_amount = Some(dec!(11));
        let inputs = vec![
            free_line(dec!(0), dec!(10), dec!(20)),
            free_line(dec!(1), dec!(10.001), dec!(20)),
            free_line(dec!(1), dec!(10), dec!(120)),
            both,
            too_much,
            LineInput::default(),
        ];
        let fields: Vec<String> =
            read(inputs).err().map(|e| e.0.into_iter().map(|e| e.field).collect()).unwrap_or_default();
        for field in [
            "lines[0].quantity",
            "lines[1].unit_price",
            "lines[2].vat_rate",
            "lines[3].discount_amount",
            "lines[4].discount_amount",
            "lines[5].description",
            "lines[5].unit_price",
            "lines[5].vat_rate",
        ] {
            assert!(fields.iter().any(|f| f == field), "{field} missing from {fields:?}");
        }
    }

    fn any_line() -> impl Strategy<Value = LineInput> {
        let rates = prop::sample::select(FRENCH_VAT_RATES.to_vec());
        (1..=100_000i64, 0..=10_000_000i64, rates, prop::option::of(0..=10_000i64), any::<bool>()).prop_map(
            |(quantity, price, vat, discount, in_percent)| {
                let mut line = free_line(Decimal::new(quantity, 3), Decimal::new(price, 2), vat);
                match (discount, in_percent) {
                    (Some(d), true) => line.discount_percent = Some(Decimal::new(d, 2)),
                    (Some(d), false) => {
                        let gross = Decimal::new(quantity, 3) * Decimal::new(price, 2);
                        line.discount_amount = Some(Decimal::new(d, 2).min(gross.trunc_with_scale(2)));
                    }
                    (None, _) => {}
                }
                line
            },
        )
    }

    proptest! {
        #[test]
        fn totals_are_the_sum_of_their_lines(inputs in prop::collection::vec(any_line(), 0..30)) {
            let lines = read(inputs).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            let totals = totals(&lines, BASE_CURRENCY).map_err(TestCaseError::fail)?;
            let sum: i64 = lines.iter().map(|l| l.net.minor_units).sum();
            prop_assert_eq!(totals.excluding_tax.minor_units, sum);
            let bases: i64 = totals.vat.iter().map(|s| s.base.minor_units).sum();
            prop_assert_eq!(bases, sum);
            let taxes: i64 = totals.vat.iter().map(|s| s.tax.minor_units).sum();
            prop_assert_eq!(totals.tax.minor_units, taxes);
            prop_assert_eq!(totals.including_tax.minor_units, sum + taxes);
            for share in &totals.vat {
                let exact = share.base.amount * share.rate / dec!(100);
                prop_assert!((share.tax.amount - exact).abs() <= dec!(0.005), "{share:?}");
            }
        }

        #[test]
        fn each_line_is_within_half_a_cent_of_exact(input in any_line()) {
            let exact = {
                let gross = input.quantity.unwrap_or_default() * input.unit_price.unwrap_or_default();
                match (input.discount_percent, input.discount_amount) {
                    (Some(p), _) => gross - gross * p / dec!(100),
                    (_, Some(a)) => gross - a,
                    _ => gross,
                }
            };
            let lines = read(vec![input]).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            let net = lines.first().map(|l| l.net.amount).unwrap_or_default();
            prop_assert!((net - exact).abs() <= dec!(0.005), "{net} vs {exact}");
            prop_assert!(net >= Decimal::ZERO);
        }

        #[test]
        fn the_order_of_lines_changes_nothing(inputs in prop::collection::vec(any_line(), 1..20)) {
            let lines = read(inputs).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            let mut reversed = lines.clone();
            reversed.reverse();
            prop_assert_eq!(totals(&lines, BASE_CURRENCY), totals(&reversed, BASE_CURRENCY));
        }
    }
}
