//! Orders (*commandes*): what customers bought, from an accepted quote or sent by a shop or an
//! ERP under their own reference. A customer's orders are their purchase history.

use crate::contacts::{CompanySummary, ContactSummary};
use crate::documents::{DealSummary, check_customer, read_currency};
use crate::ids::{CompanyId, ContactId, DealId, OrderId, ProductId, QuoteId, UserId};
use crate::lines::{Line, LineDefaults, LineInput, Totals, totals, validate_lines};
use crate::money::Currency;
use crate::validation::{ValidationErrors, check_length, clean_text};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Confirmed,
    Fulfilled,
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 3] =
        [OrderStatus::Confirmed, OrderStatus::Fulfilled, OrderStatus::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Confirmed => "confirmed",
            OrderStatus::Fulfilled => "fulfilled",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderInput {
    /// The order's reference in the system it comes from (a shop, an ERP): sending an order
    /// with a reference already known updates that order instead of adding one.
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(default)]
    pub quote_id: Option<QuoteId>,
    #[serde(default)]
    pub deal_id: Option<DealId>,
    #[serde(default)]
    pub company_id: Option<CompanyId>,
    #[serde(default)]
    pub contact_id: Option<ContactId>,
    #[serde(default)]
    pub owner_id: Option<UserId>,
    /// ISO 4217; EUR when omitted.
    #[serde(default)]
    pub currency: Option<String>,
    /// Today when omitted.
    #[serde(default)]
    pub ordered_on: Option<NaiveDate>,
    /// `confirmed` when omitted.
    #[serde(default)]
    pub status: Option<OrderStatus>,
    #[serde(default)]
    pub lines: Vec<LineInput>,
    #[serde(default)]
    pub notes: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OrderFields {
    pub external_id: Option<String>,
    pub quote_id: Option<QuoteId>,
    pub deal_id: Option<DealId>,
    pub company_id: Option<CompanyId>,
    pub contact_id: Option<ContactId>,
    pub owner_id: Option<UserId>,
    #[schema(value_type = String)]
    pub currency: Currency,
    pub ordered_on: NaiveDate,
    pub status: OrderStatus,
    pub lines: Vec<Line>,
    pub notes: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Order {
    pub id: OrderId,
    /// `C-2026-0001`: given when it is created, in a yearly series without gaps.
    pub number: String,
    pub version: i64,
    #[serde(flatten)]
    pub fields: OrderFields,
    pub totals: Totals,
    pub deal: Option<DealSummary>,
    pub company: Option<CompanySummary>,
    pub contact: Option<ContactSummary>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The records an order names, as it shows them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrderRefs {
    pub deal: Option<DealSummary>,
    pub company: Option<CompanySummary>,
    pub contact: Option<ContactSummary>,
}

impl Order {
    /// A new order; its number is given when it is stored.
    pub fn new(fields: OrderFields, totals: Totals, refs: OrderRefs, at: DateTime<Utc>) -> Self {
        Self {
            id: OrderId::new(),
            number: String::new(),
            version: 1,
            fields,
            totals,
            deal: refs.deal,
            company: refs.company,
            contact: refs.contact,
            created_at: at,
            updated_at: at,
        }
    }

    pub fn changed(&self, fields: OrderFields, totals: Totals, refs: OrderRefs, at: DateTime<Utc>) -> Self {
        Self {
            version: self.version + 1,
            fields,
            totals,
            deal: refs.deal,
            company: refs.company,
            contact: refs.contact,
            updated_at: at,
            ..self.clone()
        }
    }
}

impl OrderFields {
    pub fn to_input(&self) -> OrderInput {
        OrderInput {
            external_id: self.external_id.clone(),
            quote_id: self.quote_id,
            deal_id: self.deal_id,
            company_id: self.company_id,
            contact_id: self.contact_id,
            owner_id: self.owner_id,
            currency: Some(self.currency.code().to_owned()),
            ordered_on: Some(self.ordered_on),
            status: Some(self.status),
            lines: self.lines.iter().map(Line::to_input).collect(),
            notes: self.notes.clone(),
        }
    }
}

impl OrderInput {
    /// Parses every field, collecting all errors, like a quote's.
    pub fn validate(
        self,
        products: impl Fn(ProductId) -> Option<LineDefaults>,
        owner_default: UserId,
        today: NaiveDate,
    ) -> Result<(OrderFields, Totals), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let external_id = clean_text(self.external_id);
        check_length(&mut errors, "external_id", &external_id, 200);
        check_customer(self.company_id, self.contact_id, &mut errors);
        let currency = read_currency(self.currency, &mut errors);
        let notes = clean_text(self.notes);
        check_length(&mut errors, "notes", &notes, 5000);
        let Some(currency) = currency else {
            return Err(errors);
        };
        let lines = validate_lines(self.lines, currency, products, &mut errors);
        if lines.is_empty() && errors.is_empty() {
            errors.add("lines", "an order has at least one line");
        }
        errors.into_result()?;
        let totals = totals(&lines, currency).map_err(|e| ValidationErrors::single("lines", e))?;
        let fields = OrderFields {
            external_id,
            quote_id: self.quote_id,
            deal_id: self.deal_id,
            company_id: self.company_id,
            contact_id: self.contact_id,
            owner_id: Some(self.owner_id.unwrap_or(owner_default)),
            currency,
            ordered_on: self.ordered_on.unwrap_or(today),
            status: self.status.unwrap_or(OrderStatus::Confirmed),
            lines,
            notes,
        };
        Ok((fields, totals))
    }
}
