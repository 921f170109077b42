//! Orders: made by accepting a quote, or sent by a shop or an ERP under their own reference,
//! where sending the same reference again updates the order it made.

use crate::input::{parse, patched};
use crate::kind::{Kind, Refusals};
use crate::{App, AppError};
use chrono::{DateTime, Datelike, Utc};
use comptoir_domain::ValidationErrors;
use comptoir_domain::documents::Series;
use comptoir_domain::ids::{CompanyId, ContactId, OrderId, UserId};
use comptoir_domain::kinds::ObjectType;
use comptoir_domain::lines::Totals;
use comptoir_domain::listing::{Count, ListQuery, Page};
use comptoir_domain::orders::{Order, OrderFields, OrderInput, OrderRefs};
use comptoir_domain::users::Actor;
use comptoir_store::{StoreError, Tx};

pub struct Orders;

/// How many orders a customer's page shows.
pub const HISTORY_LENGTH: i64 = 20;

impl Kind for Orders {
    type Id = OrderId;
    type Record = Order;
    type Fields = OrderFields;
    type Input = OrderInput;
    type Refs = (OrderRefs, Totals);

    const OBJECT: ObjectType = ObjectType::Order;
    const REFUSALS: Refusals = Refusals {
        create: "read-only users cannot record orders",
        change: "you may only change orders you own",
        delete: "orders are never deleted",
        give: "only managers and admins give an order to someone else",
    };

    fn id(order: &Order) -> OrderId {
        order.id
    }
    fn version(order: &Order) -> i64 {
        order.version
    }
    fn fields(order: &Order) -> &OrderFields {
        &order.fields
    }
    fn owner(fields: &OrderFields) -> Option<UserId> {
        fields.owner_id
    }
    fn input(fields: &OrderFields) -> OrderInput {
        fields.to_input()
    }

    /// An order keeps its number for good, like a quote: it is cancelled, not deleted.
    fn may_delete(_current: &Order) -> Result<(), AppError> {
        Err(AppError::Conflict("an order keeps its number for good: cancel it instead of deleting it".into()))
    }

    async fn validate(
        app: &App,
        actor: &Actor,
        mut input: OrderInput,
        _current: Option<&Order>,
        at: DateTime<Utc>,
    ) -> Result<OrderFields, AppError> {
        app.fill_from_deal(
            &mut input.deal_id,
            &mut input.company_id,
            &mut input.contact_id,
            &mut input.currency,
        )
        .await?;
        let products = app.line_defaults(&input.lines).await?;
        let (fields, _) = input.validate(|id| products.get(&id).cloned(), actor.user_id, at.date_naive())?;
        Ok(fields)
    }

    async fn references(
        app: &App,
        _current: Option<&Order>,
        fields: &OrderFields,
    ) -> Result<(OrderRefs, Totals), AppError> {
        let mut errors = ValidationErrors::new();
        let parties = app
            .parties(fields.deal_id, fields.company_id, fields.contact_id, fields.owner_id, &mut errors)
            .await?;
        if let Some(quote) = fields.quote_id
            && comptoir_store::quotes::get(&app.db, quote).await?.is_none()
        {
            errors.add("quote_id", "is not a quote");
        }
        errors.into_result()?;
        let totals = comptoir_domain::lines::totals(&fields.lines, fields.currency)
            .map_err(|e| ValidationErrors::single("lines", e))?;
        let refs = OrderRefs { deal: parties.deal, company: parties.company, contact: parties.contact };
        Ok((refs, totals))
    }

    fn build(
        current: Option<&Order>,
        fields: OrderFields,
        refs: (OrderRefs, Totals),
        at: DateTime<Utc>,
    ) -> Order {
        let (refs, totals) = refs;
        match current {
            Some(current) => current.changed(fields, totals, refs, at),
            None => Order::new(fields, totals, refs, at),
        }
    }

    async fn allot(tx: &mut Tx, before: Option<&Order>, order: &mut Order) -> Result<(), StoreError> {
        if before.is_some() {
            return Ok(());
        }
        order.number =
            comptoir_store::documents::next_number(tx, Series::Order, order.created_at.year()).await?;
        Ok(())
    }

    async fn fetch(app: &App, id: OrderId) -> Result<Option<Order>, AppError> {
        Ok(comptoir_store::orders::get(&app.db, id).await?)
    }

    async fn page(app: &App, query: &ListQuery) -> Result<Page<Order>, AppError> {
        Ok(comptoir_store::orders::list(&app.db, query).await??)
    }

    async fn count(app: &App, query: &ListQuery) -> Result<Count, AppError> {
        Ok(comptoir_store::orders::count_matching(&app.db, query).await??)
    }

    async fn insert(tx: &mut Tx, order: &Order) -> Result<(), StoreError> {
        comptoir_store::orders::insert(tx, order).await
    }

    async fn update(tx: &mut Tx, before: &Order, after: &Order) -> Result<(), StoreError> {
        comptoir_store::orders::update(tx, before, after).await
    }

    async fn delete(tx: &mut Tx, order: &Order) -> Result<(), StoreError> {
        comptoir_store::orders::delete(tx, order).await
    }
}

/// What sending an order did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Received {
    Created,
    Updated,
    /// The same order was sent again: nothing changed.
    Unchanged,
}

impl App {
    /// The order a typed number (`C-2026-0042`, whatever its case) names, as a form where the
    /// order is typed needs it; a number of no order is refused on `field`.
    pub async fn order_by_number(
        &self,
        actor: &Actor,
        number: &str,
        field: &str,
    ) -> Result<OrderId, AppError> {
        let pairs = [
            ("filter[number]".to_owned(), number.trim().to_uppercase()),
            ("limit".to_owned(), "1".to_owned()),
        ];
        let query = ListQuery::parse(&pairs, &[])?;
        let found = self.list::<Orders>(actor, &query).await?.data.into_iter().next();
        found
            .map(|order| order.id)
            .ok_or_else(|| ValidationErrors::single(field, "no order has this number").into())
    }
}

impl App {
    /// Records an order sent by another system. With an `external_id` already known, what
    /// was sent is merged into the order it made (fields left out keep their value; nothing
    /// is written when nothing differs); otherwise a new order is numbered.
    pub async fn receive_order(
        &self,
        actor: &Actor,
        body: serde_json::Value,
    ) -> Result<(Order, Received), AppError> {
        let input: OrderInput = parse(body.clone())?;
        let reference =
            input.external_id.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
        for _ in 0..2 {
            if let Some(reference) = &reference
                && let Some(current) = comptoir_store::orders::by_external_id(&self.db, reference).await?
            {
                return self.merge_order(actor, &current, &body).await;
            }
            let order = self.prepare_new::<Orders>(actor, input.clone()).await?;
            let mut tx = self.db.begin().await?;
            match self.store_new::<Orders>(&mut tx, actor, order).await {
                Ok(order) => {
                    tx.commit().await?;
                    return Ok((order, Received::Created));
                }
                // Another request made the same order first: update that one.
                Err(AppError::Validation(errors))
                    if reference.is_some() && errors.0.iter().any(|e| e.field == "external_id") =>
                {
                    continue;
                }
                Err(other) => return Err(other),
            }
        }
        Err(AppError::Conflict("the order was being written by another request; send it again".into()))
    }

    async fn merge_order(
        &self,
        actor: &Actor,
        current: &Order,
        body: &serde_json::Value,
    ) -> Result<(Order, Received), AppError> {
        let changed =
            self.prepare_change::<Orders>(actor, current, |input| patched(&input, body), None).await?;
        if changed.fields == current.fields {
            // A resent order leaves no audit entry or event behind.
            return Ok((current.clone(), Received::Unchanged));
        }
        let mut tx = self.db.begin().await?;
        self.store_change::<Orders>(&mut tx, actor, current, &changed, None, None).await?;
        tx.commit().await?;
        Ok((changed, Received::Updated))
    }

    /// A company's or a contact's latest orders, newest first.
    pub async fn purchase_history(
        &self,
        _actor: &Actor,
        company: Option<CompanyId>,
        contact: Option<ContactId>,
    ) -> Result<Vec<Order>, AppError> {
        Ok(comptoir_store::orders::history(&self.db, company, contact, HISTORY_LENGTH).await?)
    }
}
