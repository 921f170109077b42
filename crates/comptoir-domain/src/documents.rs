//! What quotes and orders have in common: a number in a yearly series without gaps, a
//! customer, a currency and lines.

use crate::ids::{CompanyId, ContactId, DealId, OrderId};
use crate::money::{BASE_CURRENCY, Currency};
use crate::validation::{ValidationErrors, clean_text};
use serde::{Deserialize, Serialize};

/// A series of numbers: each year counts from 1 again, and no number is skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Series {
    /// `D-2026-0001`: *devis*.
    Quote,
    /// `C-2026-0001`: *commande*.
    Order,
}

impl Series {
    pub fn as_str(self) -> &'static str {
        match self {
            Series::Quote => "quote",
            Series::Order => "order",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            Series::Quote => "D",
            Series::Order => "C",
        }
    }

    /// The `n`th number of `year`: `D-2026-0001`.
    pub fn number(self, year: i32, n: i64) -> String {
        format!("{}-{year}-{n:04}", self.prefix())
    }
}

/// The deal a quote or an order belongs to, as shown with it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DealSummary {
    pub id: DealId,
    pub title: String,
}

/// An order as a ticket about it names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderSummary {
    pub id: OrderId,
    pub number: String,
}

/// Reads a document's currency: EUR when none is given.
pub fn read_currency(code: Option<String>, errors: &mut ValidationErrors) -> Option<Currency> {
    match clean_text(code) {
        Some(code) => errors.check("currency", Currency::parse(&code)),
        None => Some(BASE_CURRENCY),
    }
}

/// A document is for a company, a person, or both; never for no one.
pub fn check_customer(company: Option<CompanyId>, contact: Option<ContactId>, errors: &mut ValidationErrors) {
    if company.is_none() && contact.is_none() {
        errors.add("company_id", "a company or a contact is required");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_padded_and_carry_their_year() {
        assert_eq!(Series::Quote.number(2026, 1), "D-2026-0001");
        assert_eq!(Series::Order.number(2027, 12_345), "C-2027-12345");
    }
}
