//! Quotes: drafted, sent, then accepted (which makes an order and can win the deal), refused
//! or expired. A quote keeps its number for good: it is never deleted.

use crate::changes::{Origin, record};
use crate::deals::Deals;
use crate::kind::{Kind, Refusals};
use crate::orders::Orders;
use crate::{App, AppError};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use comptoir_domain::ValidationErrors;
use comptoir_domain::audit::Action;
use comptoir_domain::documents::Series;
use comptoir_domain::ids::{DealId, QuoteId, UserId};
use comptoir_domain::kinds::{Milestone, ObjectType};
use comptoir_domain::lines::Totals;
use comptoir_domain::listing::{Count, ListQuery, Page};
use comptoir_domain::orders::{Order, OrderInput};
use comptoir_domain::pipelines::Outcome;
use comptoir_domain::quotes::{IssuedAs, Quote, QuoteFields, QuoteInput, QuoteRefs, QuoteStatus};
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_store::{StoreError, Tx};
use serde_json::{Value, json};

pub struct Quotes;

impl Kind for Quotes {
    type Id = QuoteId;
    type Record = Quote;
    type Fields = QuoteFields;
    type Input = QuoteInput;
    /// The totals travel with the references: both are worked out before the quote is built.
    type Refs = (QuoteRefs, Totals);

    const OBJECT: ObjectType = ObjectType::Quote;
    const REFUSALS: Refusals = Refusals {
        create: "read-only users cannot write quotes",
        change: "you may only change quotes you own",
        delete: "quotes are never deleted",
        give: "only managers and admins give a quote to someone else",
    };

    fn id(quote: &Quote) -> QuoteId {
        quote.id
    }
    fn version(quote: &Quote) -> i64 {
        quote.version
    }
    fn fields(quote: &Quote) -> &QuoteFields {
        &quote.fields
    }
    fn owner(fields: &QuoteFields) -> Option<UserId> {
        fields.owner_id
    }
    fn input(fields: &QuoteFields) -> QuoteInput {
        fields.to_input()
    }

    /// A numbered quote stays, so its series has no gaps: it is refused or left to expire.
    fn may_delete(_current: &Quote) -> Result<(), AppError> {
        Err(AppError::Conflict("a quote keeps its number for good: refuse it instead of deleting it".into()))
    }

    fn may_make(_actor: &Actor, current: &Quote, after: &QuoteFields) -> Result<(), AppError> {
        let (before, next) = (current.fields.status, after.status);
        if !before.may_become(next) {
            return Err(ValidationErrors::single(
                "status",
                format!("a {} quote cannot become {}", before.as_str(), next.as_str()),
            )
            .into());
        }
        if before != QuoteStatus::Draft && current.fields.offer_differs(after) {
            return Err(AppError::Conflict(format!(
                "quote {} was sent: only a draft's content changes",
                current.number
            )));
        }
        Ok(())
    }

    async fn validate(
        app: &App,
        actor: &Actor,
        mut input: QuoteInput,
        current: Option<&Quote>,
        at: DateTime<Utc>,
    ) -> Result<QuoteFields, AppError> {
        app.fill_from_deal(
            &mut input.deal_id,
            &mut input.company_id,
            &mut input.contact_id,
            &mut input.currency,
        )
        .await?;
        let products = app.line_defaults(&input.lines).await?;
        let (fields, _) = input.validate(|id| products.get(&id).cloned(), actor.user_id, at.date_naive())?;
        if current.is_none() && !matches!(fields.status, QuoteStatus::Draft | QuoteStatus::Sent) {
            return Err(ValidationErrors::single("status", "a new quote is a draft, or sent at once").into());
        }
        Ok(fields)
    }

    async fn references(
        app: &App,
        current: Option<&Quote>,
        fields: &QuoteFields,
    ) -> Result<(QuoteRefs, Totals), AppError> {
        let mut errors = ValidationErrors::new();
        let parties = app
            .parties(fields.deal_id, fields.company_id, fields.contact_id, fields.owner_id, &mut errors)
            .await?;
        errors.into_result()?;
        let totals = comptoir_domain::lines::totals(&fields.lines, fields.currency)
            .map_err(|e| ValidationErrors::single("lines", e))?;
        // Sending fixes who the quote is issued by and to, once.
        let sending = fields.status != QuoteStatus::Draft && current.is_none_or(|c| c.issued_as.is_none());
        let issued_as = match sending {
            true => Some(IssuedAs {
                seller: app.seller().await?.0,
                company: parties.company.as_ref().map(|c| c.name.clone()),
                contact: parties.contact.as_ref().map(|c| c.name.clone()),
                addresses: parties.addresses,
            }),
            false => None,
        };
        let refs =
            QuoteRefs { deal: parties.deal, company: parties.company, contact: parties.contact, issued_as };
        Ok((refs, totals))
    }

    fn build(
        current: Option<&Quote>,
        fields: QuoteFields,
        refs: (QuoteRefs, Totals),
        at: DateTime<Utc>,
    ) -> Quote {
        let (refs, totals) = refs;
        match current {
            Some(current) => current.changed(fields, totals, refs, at),
            None => Quote::new(fields, totals, refs, at),
        }
    }

    async fn allot(tx: &mut Tx, before: Option<&Quote>, quote: &mut Quote) -> Result<(), StoreError> {
        if before.is_some() {
            return Ok(());
        }
        quote.number =
            comptoir_store::documents::next_number(tx, Series::Quote, quote.created_at.year()).await?;
        Ok(())
    }

    fn milestones(before: Option<&Quote>, after: &Quote) -> Vec<(Milestone, Value)> {
        if before.is_some_and(|b| b.fields.status == after.fields.status) {
            return Vec::new();
        }
        let milestone = match after.fields.status {
            QuoteStatus::Sent => Milestone::Sent,
            QuoteStatus::Accepted => Milestone::Accepted,
            QuoteStatus::Refused => Milestone::Refused,
            QuoteStatus::Draft | QuoteStatus::Expired => return Vec::new(),
        };
        let payload =
            json!({"number": after.number, "deal_id": after.fields.deal_id, "totals": after.totals});
        vec![(milestone, payload)]
    }

    async fn fetch(app: &App, id: QuoteId) -> Result<Option<Quote>, AppError> {
        Ok(comptoir_store::quotes::get(&app.db, id).await?)
    }

    async fn page(app: &App, query: &ListQuery) -> Result<Page<Quote>, AppError> {
        Ok(comptoir_store::quotes::list(&app.db, query).await??)
    }

    async fn count(app: &App, query: &ListQuery) -> Result<Count, AppError> {
        Ok(comptoir_store::quotes::count_matching(&app.db, query).await??)
    }

    async fn insert(tx: &mut Tx, quote: &Quote) -> Result<(), StoreError> {
        comptoir_store::quotes::insert(tx, quote).await
    }

    async fn update(tx: &mut Tx, before: &Quote, after: &Quote) -> Result<(), StoreError> {
        comptoir_store::quotes::update(tx, before, after).await
    }

    async fn delete(tx: &mut Tx, quote: &Quote) -> Result<(), StoreError> {
        comptoir_store::quotes::delete(tx, quote).await
    }
}

impl App {
    /// A document written for a deal is for the deal's customer, in the deal's currency,
    /// unless it says otherwise.
    pub(crate) async fn fill_from_deal(
        &self,
        deal: &mut Option<DealId>,
        company: &mut Option<comptoir_domain::ids::CompanyId>,
        contact: &mut Option<comptoir_domain::ids::ContactId>,
        currency: &mut Option<String>,
    ) -> Result<(), AppError> {
        let Some(id) = *deal else {
            return Ok(());
        };
        if company.is_some() && contact.is_some() && currency.is_some() {
            return Ok(());
        }
        let Some(deal) = comptoir_store::deals::get(&self.db, id).await? else {
            return Err(ValidationErrors::single("deal_id", "is not a deal").into());
        };
        if company.is_none() && contact.is_none() {
            *company = deal.fields.company_id;
            *contact = deal.fields.contact_id;
        }
        if currency.is_none() {
            *currency = deal.fields.amount.map(|m| m.currency.code().to_owned());
        }
        Ok(())
    }

    /// Moves a quote on to `status` (sent, refused, expired); accepting goes through
    /// [`App::accept_quote`], which also makes its order.
    pub async fn set_quote_status(
        &self,
        actor: &Actor,
        id: QuoteId,
        status: QuoteStatus,
        if_match: Option<i64>,
    ) -> Result<Quote, AppError> {
        if status == QuoteStatus::Accepted {
            return Ok(self.accept_quote(actor, id, true, if_match).await?.0);
        }
        self.update::<Quotes>(actor, id, &json!({"status": status}), if_match).await
    }

    /// Accepts a sent quote: in one transaction the quote is accepted, an order is made of
    /// its lines, and (with `win_deal`) its deal, if still open, is won.
    pub async fn accept_quote(
        &self,
        actor: &Actor,
        id: QuoteId,
        win_deal: bool,
        if_match: Option<i64>,
    ) -> Result<(Quote, Order), AppError> {
        let current = self.get::<Quotes>(actor, id).await?;
        if current.fields.status != QuoteStatus::Sent {
            let status = current.fields.status.as_str();
            let message = format!("a {status} quote cannot be accepted: only a sent one");
            return Err(ValidationErrors::single("status", message).into());
        }
        let deal = match (win_deal, current.fields.deal_id) {
            (true, Some(deal)) => comptoir_store::deals::get(&self.db, deal).await?,
            _ => None,
        };
        let won_stage = match &deal {
            Some(deal) if deal.fields.status == Outcome::Open => {
                let pipeline = self.pipeline(actor, deal.fields.pipeline_id).await?;
                pipeline.fields.stages.iter().find(|s| s.outcome == Outcome::Won).map(|s| s.id)
            }
            _ => None,
        };
        let accepted = self
            .prepare_change::<Quotes>(
                actor,
                &current,
                |mut input| {
                    input.status = Some(QuoteStatus::Accepted);
                    Ok(input)
                },
                if_match,
            )
            .await?;
        let f = &accepted.fields;
        let order = OrderInput {
            quote_id: Some(accepted.id),
            deal_id: f.deal_id,
            company_id: f.company_id,
            contact_id: f.contact_id,
            owner_id: f.owner_id,
            currency: Some(f.currency.code().to_owned()),
            ordered_on: Some(now().date_naive()),
            lines: f.lines.iter().map(|line| line.to_input()).collect(),
            ..OrderInput::default()
        };
        let order = self.prepare_new::<Orders>(actor, order).await?;
        let won = match (&deal, won_stage) {
            (Some(deal), Some(stage)) => {
                let to_won = |mut input: comptoir_domain::deals::DealInput| {
                    input.stage_id = Some(stage);
                    Ok(input)
                };
                Some((deal, self.prepare_change::<Deals>(actor, deal, to_won, None).await?))
            }
            _ => None,
        };
        let mut tx = self.db.begin().await?;
        self.store_change::<Quotes>(&mut tx, actor, &current, &accepted, if_match, None).await?;
        let order = self.store_new::<Orders>(&mut tx, actor, order).await?;
        if let Some((deal, won)) = won {
            self.store_change::<Deals>(&mut tx, actor, deal, &won, None, None).await?;
        }
        tx.commit().await?;
        Ok((Quote { order_id: Some(order.id), ..accepted }, order))
    }

    /// A new draft with `id`'s deal, customer, currency, lines, terms and notes, numbered and
    /// dated anew: how a sent quote is revised.
    pub async fn copy_quote(&self, actor: &Actor, id: QuoteId) -> Result<Quote, AppError> {
        let original = self.get::<Quotes>(actor, id).await?;
        let input = QuoteInput {
            issued_on: None,
            valid_until: None,
            status: None,
            owner_id: None,
            ..original.fields.to_input()
        };
        let draft = self.prepare_new::<Quotes>(actor, input).await?;
        let mut tx = self.db.begin().await?;
        let draft = self.store_new::<Quotes>(&mut tx, actor, draft).await?;
        tx.commit().await?;
        Ok(draft)
    }

    /// A deal's quotes, newest first (every role reads every deal).
    pub async fn deal_quotes(&self, _actor: &Actor, deal: DealId) -> Result<Vec<Quote>, AppError> {
        Ok(comptoir_store::quotes::of_deal(&self.db, deal).await?)
    }
}

/// How many quotes one pass of [`App::expire_quotes`] reads at a time.
const EXPIRY_BATCH: i64 = 500;

impl App {
    /// Turns every sent quote whose validity ended before `today` into an expired one, each
    /// with its audit entry (by no one: the clock) and its `quote.updated` event. Returns how
    /// many expired.
    pub async fn expire_quotes(&self, today: NaiveDate) -> Result<u64, AppError> {
        let mut expired = 0;
        loop {
            let due = comptoir_store::quotes::past_validity(&self.db, today, EXPIRY_BATCH).await?;
            let read = due.len();
            for quote in due {
                let fields = QuoteFields { status: QuoteStatus::Expired, ..quote.fields.clone() };
                let refs = QuoteRefs {
                    deal: quote.deal.clone(),
                    company: quote.company.clone(),
                    contact: quote.contact.clone(),
                    issued_as: None,
                };
                let changed = quote.changed(fields, quote.totals.clone(), refs, now());
                let mut tx = self.db.begin().await?;
                match comptoir_store::quotes::update(&mut tx, &quote, &changed).await {
                    // Answered or changed meanwhile: it is no longer this pass's to expire.
                    Err(StoreError::VersionConflict) => continue,
                    other => other?,
                }
                let origin = Origin { actor: None, operation: None };
                let (before, after) = (Some(&quote.fields), Some(&changed.fields));
                record(&mut tx, origin, Action::Update, ObjectType::Quote, quote.id.0, before, after).await?;
                tx.commit().await?;
                expired += 1;
            }
            if read < EXPIRY_BATCH as usize {
                return Ok(expired);
            }
        }
    }
}
