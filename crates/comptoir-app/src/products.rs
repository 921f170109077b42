//! The catalogue: managers and admins keep it, everyone reads it and prices lines from it.

use crate::kind::{Kind, Refusals};
use crate::{App, AppError};
use chrono::{DateTime, Utc};
use comptoir_domain::ids::{ProductId, UserId};
use comptoir_domain::kinds::ObjectType;
use comptoir_domain::lines::{LineDefaults, LineInput};
use comptoir_domain::listing::{Count, ListQuery, Page};
use comptoir_domain::products::{Product, ProductFields, ProductInput};
use comptoir_domain::users::Actor;
use comptoir_store::{StoreError, Tx};
use std::collections::HashMap;

pub struct Products;

/// A second product with the same reference, whatever its case.
fn taken(error: StoreError) -> StoreError {
    match error {
        StoreError::Duplicate { .. } => StoreError::Duplicate { column: "sku".to_owned() },
        other => other,
    }
}

impl Kind for Products {
    type Id = ProductId;
    type Record = Product;
    type Fields = ProductFields;
    type Input = ProductInput;
    type Refs = ();

    const OBJECT: ObjectType = ObjectType::Product;
    const REFUSALS: Refusals = Refusals {
        create: "only managers and admins add to the catalogue",
        change: "only managers and admins change the catalogue",
        delete: "only managers and admins remove from the catalogue",
        give: "products have no owner",
    };

    fn id(product: &Product) -> ProductId {
        product.id
    }
    fn version(product: &Product) -> i64 {
        product.version
    }
    fn fields(product: &Product) -> &ProductFields {
        &product.fields
    }
    /// Nobody owns the catalogue, so only those who may change anyone's records change it.
    fn owner(_fields: &ProductFields) -> Option<UserId> {
        None
    }
    fn input(fields: &ProductFields) -> ProductInput {
        fields.to_input()
    }

    fn may_create(actor: &Actor) -> bool {
        actor.can_modify(None)
    }

    async fn validate(
        app: &App,
        _actor: &Actor,
        input: ProductInput,
        _current: Option<&Product>,
        _at: DateTime<Utc>,
    ) -> Result<ProductFields, AppError> {
        let (seller, _) = app.seller().await?;
        let default_rate = seller.offered_vat_rates().first().copied().unwrap_or_default();
        Ok(input.validate(default_rate)?)
    }

    async fn references(
        _app: &App,
        _current: Option<&Product>,
        _fields: &ProductFields,
    ) -> Result<(), AppError> {
        Ok(())
    }

    fn build(current: Option<&Product>, fields: ProductFields, _refs: (), at: DateTime<Utc>) -> Product {
        match current {
            Some(current) => current.changed(fields, at),
            None => Product::new(fields, at),
        }
    }

    async fn fetch(app: &App, id: ProductId) -> Result<Option<Product>, AppError> {
        Ok(comptoir_store::products::get(&app.db, id).await?)
    }

    async fn page(app: &App, query: &ListQuery) -> Result<Page<Product>, AppError> {
        Ok(comptoir_store::products::list(&app.db, query).await??)
    }

    async fn count(app: &App, query: &ListQuery) -> Result<Count, AppError> {
        Ok(comptoir_store::products::count_matching(&app.db, query).await??)
    }

    async fn insert(tx: &mut Tx, product: &Product) -> Result<(), StoreError> {
        comptoir_store::products::insert(tx, product).await.map_err(taken)
    }

    async fn update(tx: &mut Tx, before: &Product, after: &Product) -> Result<(), StoreError> {
        comptoir_store::products::update(tx, before, after).await.map_err(taken)
    }

    async fn delete(tx: &mut Tx, product: &Product) -> Result<(), StoreError> {
        comptoir_store::products::delete(tx, product).await
    }
}

impl App {
    /// What the catalogue lends the lines that name one of its products, read in one query.
    pub(crate) async fn line_defaults(
        &self,
        lines: &[LineInput],
    ) -> Result<HashMap<ProductId, LineDefaults>, AppError> {
        let mut ids: Vec<ProductId> = lines.iter().filter_map(|line| line.product_id).collect();
        ids.sort();
        ids.dedup();
        let products = comptoir_store::products::get_many(&self.db, &ids).await?;
        Ok(products.iter().filter_map(|p| p.line_defaults().map(|defaults| (p.id, defaults))).collect())
    }
}
