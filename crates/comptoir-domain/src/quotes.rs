//! Quotes (*devis*): priced offers sent to a customer, numbered without gaps, changed only
//! while they are drafts, then accepted, refused or left to expire.

use crate::address::Address;
use crate::contacts::{CompanySummary, ContactSummary};
use crate::documents::{DealSummary, check_customer, read_currency};
use crate::ids::{CompanyId, ContactId, DealId, OrderId, ProductId, QuoteId, UserId};
use crate::lines::{Line, LineDefaults, LineInput, Totals, totals, validate_lines};
use crate::money::Currency;
use crate::seller::Seller;
use crate::validation::{ValidationErrors, check_length, clean_text};
use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// How long a quote is valid when no date is given.
pub const DEFAULT_VALIDITY_DAYS: u64 = 30;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuoteStatus {
    Draft,
    Sent,
    Accepted,
    Refused,
    Expired,
}

impl QuoteStatus {
    pub const ALL: [QuoteStatus; 5] = [
        QuoteStatus::Draft,
        QuoteStatus::Sent,
        QuoteStatus::Accepted,
        QuoteStatus::Refused,
        QuoteStatus::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            QuoteStatus::Draft => "draft",
            QuoteStatus::Sent => "sent",
            QuoteStatus::Accepted => "accepted",
            QuoteStatus::Refused => "refused",
            QuoteStatus::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }

    /// A draft is sent; a sent quote is answered, or expires. Nothing comes back.
    pub fn may_become(self, next: QuoteStatus) -> bool {
        use QuoteStatus::*;
        self == next
            || matches!((self, next), (Draft, Sent) | (Sent, Accepted) | (Sent, Refused) | (Sent, Expired))
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteInput {
    /// The deal the quote prices; its company and contact are the quote's when none is given.
    #[serde(default)]
    pub deal_id: Option<DealId>,
    #[serde(default)]
    pub company_id: Option<CompanyId>,
    #[serde(default)]
    pub contact_id: Option<ContactId>,
    #[serde(default)]
    pub owner_id: Option<UserId>,
    /// ISO 4217; EUR when omitted. Every line is priced in it.
    #[serde(default)]
    pub currency: Option<String>,
    /// Today when omitted.
    #[serde(default)]
    pub issued_on: Option<NaiveDate>,
    /// 30 days after it was issued when omitted.
    #[serde(default)]
    pub valid_until: Option<NaiveDate>,
    #[serde(default)]
    pub lines: Vec<LineInput>,
    #[serde(default)]
    pub payment_terms: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    /// `draft` when omitted; use `send`, `accept` and `refuse` to move it on.
    #[serde(default)]
    pub status: Option<QuoteStatus>,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct QuoteFields {
    pub deal_id: Option<DealId>,
    pub company_id: Option<CompanyId>,
    pub contact_id: Option<ContactId>,
    pub owner_id: Option<UserId>,
    #[schema(value_type = String)]
    pub currency: Currency,
    pub issued_on: NaiveDate,
    pub valid_until: NaiveDate,
    pub lines: Vec<Line>,
    pub payment_terms: Option<String>,
    pub notes: Option<String>,
    pub status: QuoteStatus,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Quote {
    pub id: QuoteId,
    /// `D-2026-0001`: given when it is created, in a yearly series without gaps.
    pub number: String,
    pub version: i64,
    #[serde(flatten)]
    pub fields: QuoteFields,
    pub totals: Totals,
    pub deal: Option<DealSummary>,
    pub company: Option<CompanySummary>,
    pub contact: Option<ContactSummary>,
    /// The order its acceptance created.
    pub order_id: Option<OrderId>,
    /// Who it was issued by and to, as they were when it was sent: a sent quote prints the
    /// same whatever changes later. Absent on a draft.
    pub issued_as: Option<IssuedAs>,
    pub sent_at: Option<DateTime<Utc>>,
    /// When it was accepted, refused or expired.
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The parties of a sent quote as they stood when it was sent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IssuedAs {
    pub seller: Seller,
    pub company: Option<String>,
    pub contact: Option<String>,
    /// The company's addresses then, head office first.
    pub addresses: Vec<Address>,
}

/// The records a quote names, as it shows them, and (when it is being sent) who it is
/// issued by and to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QuoteRefs {
    pub deal: Option<DealSummary>,
    pub company: Option<CompanySummary>,
    pub contact: Option<ContactSummary>,
    pub issued_as: Option<IssuedAs>,
}

impl Quote {
    /// A new draft; its number is given when it is stored.
    pub fn new(fields: QuoteFields, totals: Totals, refs: QuoteRefs, at: DateTime<Utc>) -> Self {
        Self {
            id: QuoteId::new(),
            number: String::new(),
            version: 1,
            sent_at: (fields.status == QuoteStatus::Sent).then_some(at),
            decided_at: None,
            fields,
            totals,
            deal: refs.deal,
            company: refs.company,
            contact: refs.contact,
            order_id: None,
            issued_as: refs.issued_as,
            created_at: at,
            updated_at: at,
        }
    }

    pub fn changed(&self, fields: QuoteFields, totals: Totals, refs: QuoteRefs, at: DateTime<Utc>) -> Self {
        let moved = fields.status != self.fields.status;
        let sent_at = if moved && fields.status == QuoteStatus::Sent { Some(at) } else { self.sent_at };
        let decided =
            matches!(fields.status, QuoteStatus::Accepted | QuoteStatus::Refused | QuoteStatus::Expired);
        Self {
            version: self.version + 1,
            sent_at,
            decided_at: if moved && decided { Some(at) } else { self.decided_at },
            fields,
            totals,
            issued_as: self.issued_as.clone().or(refs.issued_as),
            deal: refs.deal,
            company: refs.company,
            contact: refs.contact,
            updated_at: at,
            ..self.clone()
        }
    }
}

impl QuoteFields {
    pub fn to_input(&self) -> QuoteInput {
        QuoteInput {
            deal_id: self.deal_id,
            company_id: self.company_id,
            contact_id: self.contact_id,
            owner_id: self.owner_id,
            currency: Some(self.currency.code().to_owned()),
            issued_on: Some(self.issued_on),
            valid_until: Some(self.valid_until),
            lines: self.lines.iter().map(Line::to_input).collect(),
            payment_terms: self.payment_terms.clone(),
            notes: self.notes.clone(),
            status: Some(self.status),
        }
    }

    /// Whether `after` changes what was offered (anything but the status and the owner),
    /// which only a draft may.
    pub fn offer_differs(&self, after: &QuoteFields) -> bool {
        let offer =
            |f: &QuoteFields| (f.deal_id, f.company_id, f.contact_id, f.currency, f.issued_on, f.valid_until);
        offer(self) != offer(after)
            || self.lines != after.lines
            || self.payment_terms != after.payment_terms
            || self.notes != after.notes
    }
}

impl QuoteInput {
    /// Parses every field, collecting all errors. `products` answers for the catalogue items
    /// lines name; `today` dates a quote issued without a date.
    pub fn validate(
        self,
        products: impl Fn(ProductId) -> Option<LineDefaults>,
        owner_default: UserId,
        today: NaiveDate,
    ) -> Result<(QuoteFields, Totals), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        check_customer(self.company_id, self.contact_id, &mut errors);
        let currency = read_currency(self.currency, &mut errors);
        let issued_on = self.issued_on.unwrap_or(today);
        let valid_until = self.valid_until.unwrap_or_else(|| {
            issued_on.checked_add_days(Days::new(DEFAULT_VALIDITY_DAYS)).unwrap_or(issued_on)
        });
        if valid_until < issued_on {
            errors.add("valid_until", "must not be before the day it is issued");
        }
        let payment_terms = clean_text(self.payment_terms);
        check_length(&mut errors, "payment_terms", &payment_terms, 2000);
        let notes = clean_text(self.notes);
        check_length(&mut errors, "notes", &notes, 5000);
        let Some(currency) = currency else {
            return Err(errors);
        };
        let lines = validate_lines(self.lines, currency, products, &mut errors);
        let status = self.status.unwrap_or(QuoteStatus::Draft);
        if lines.is_empty() && status != QuoteStatus::Draft && errors.is_empty() {
            errors.add("lines", "a quote is sent with at least one line");
        }
        errors.into_result()?;
        let totals = totals(&lines, currency).map_err(|e| ValidationErrors::single("lines", e))?;
        let fields = QuoteFields {
            deal_id: self.deal_id,
            company_id: self.company_id,
            contact_id: self.contact_id,
            owner_id: Some(self.owner_id.unwrap_or(owner_default)),
            currency,
            issued_on,
            valid_until,
            lines,
            payment_terms,
            notes,
            status,
        };
        Ok((fields, totals))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn a_quote_moves_forward_only() {
        use QuoteStatus::*;
        assert!(Draft.may_become(Sent));
        assert!(Sent.may_become(Accepted));
        assert!(!Draft.may_become(Accepted), "a quote is sent before it is answered");
        assert!(!Accepted.may_become(Draft));
        assert!(!Refused.may_become(Accepted));
    }

    #[test]
    fn a_quote_needs_a_customer_and_is_valid_thirty_days() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default();
        let owner = UserId::new();
        let refused = QuoteInput::default().validate(|_| None, owner, today);
        assert_eq!(
            refused.err().and_then(|e| e.0.first().map(|e| e.field.clone())),
            Some("company_id".into())
        );
        let input = QuoteInput {
            company_id: Some(CompanyId::new()),
            lines: vec![LineInput {
                description: Some("Formation".into()),
                unit_price: Some(dec!(1200)),
                vat_rate: Some(dec!(20)),
                ..LineInput::default()
            }],
            ..QuoteInput::default()
        };
        let (fields, totals) = match input.validate(|_| None, owner, today) {
            Ok(read) => read,
            Err(errors) => panic!("{errors}"),
        };
        assert_eq!(fields.valid_until, NaiveDate::from_ymd_opt(2026, 12, 30).unwrap_or_default());
        assert_eq!(fields.status, QuoteStatus::Draft);
        assert_eq!(totals.including_tax.minor_units, 144_000);
    }
}
