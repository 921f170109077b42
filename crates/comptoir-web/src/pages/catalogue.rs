//! The catalogue's pages: every role reads the products and services sold, managers and admins
//! add and change them through the same use cases as `/api/v1/products`.

use super::errors::PageError;
use super::path::PagePath;
use super::session::{Fields, Submission, Visitor};
use super::{Chrome, redirect, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use comptoir_app::products::Products;
use comptoir_app::{App, AppError};
use comptoir_domain::ValidationErrors;
use comptoir_domain::ids::ProductId;
use comptoir_domain::products::Product;
use serde_json::{Value, json};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/products", get(catalogue).post(create))
        .route("/products/{id}", get(product).post(update))
}

/// The most products the catalogue's page lists.
const LISTED: u32 = 500;

/// A product's form, as typed or as stored.
#[derive(Default)]
pub struct Typed {
    pub sku: String,
    pub name: String,
    pub description: String,
    pub unit_price: String,
    pub currency: String,
    pub unit: String,
    pub vat_rate: String,
    pub active: bool,
}

impl Typed {
    fn of(product: &Product) -> Typed {
        let f = &product.fields;
        Typed {
            sku: f.sku.clone(),
            name: f.name.clone(),
            description: f.description.clone().unwrap_or_default(),
            unit_price: f.unit_price.amount.to_string(),
            currency: f.unit_price.currency.code().to_owned(),
            unit: f.unit.clone().unwrap_or_default(),
            vat_rate: f.vat_rate.normalize().to_string(),
            active: f.active,
        }
    }

    fn from_form(fields: &Fields) -> Typed {
        let kept = |name: &str| fields.get(name).unwrap_or_default().to_owned();
        Typed {
            sku: kept("sku"),
            name: kept("name"),
            description: kept("description"),
            unit_price: kept("unit_price"),
            currency: kept("currency"),
            unit: kept("unit"),
            vat_rate: kept("vat_rate"),
            active: fields.checked("active"),
        }
    }

    /// The form's text inputs: name, label key, value.
    pub fn inputs(&self) -> Vec<(&'static str, &'static str, &str)> {
        vec![
            ("sku", "product-sku", &self.sku),
            ("name", "product-name", &self.name),
            ("unit_price", "product-unit-price", &self.unit_price),
            ("unit", "product-unit", &self.unit),
            ("currency", "product-currency", &self.currency),
        ]
    }

    /// The API's body: numbers read as people type them (`1 200,50`).
    fn body(&self) -> Value {
        let text = super::records::typed_text;
        let number = super::records::typed_optional_number;
        json!({
            "sku": text(&self.sku),
            "name": text(&self.name),
            "description": text(&self.description),
            "unit_price": number(&self.unit_price),
            "currency": text(&self.currency),
            "unit": text(&self.unit),
            "vat_rate": number(&self.vat_rate),
            "active": self.active,
        })
    }
}

pub struct ProductLine {
    pub id: ProductId,
    pub sku: String,
    pub name: String,
    pub price: String,
    pub unit: String,
    pub vat_rate: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "catalogue.html")]
struct CataloguePage {
    page: Chrome,
    products: Vec<ProductLine>,
    can_change: bool,
    typed: Typed,
    vat_rates: Vec<String>,
    errors: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "product.html")]
struct ProductPage {
    page: Chrome,
    id: ProductId,
    version: i64,
    can_change: bool,
    typed: Typed,
    vat_rates: Vec<String>,
    errors: Vec<(String, String)>,
}

trait FieldErrors {
    fn errors(&self) -> &[(String, String)];
    fn error(&self, field: &str) -> Option<&str> {
        self.errors().iter().find(|(name, _)| name == field).map(|(_, m)| m.as_str())
    }
}

impl FieldErrors for CataloguePage {
    fn errors(&self) -> &[(String, String)] {
        &self.errors
    }
}

impl FieldErrors for ProductPage {
    fn errors(&self) -> &[(String, String)] {
        &self.errors
    }
}

/// The VAT rates a form offers, in percent: the seller's, then each of `kept` (rates the
/// record already has) that is none of them, so that saving a form never changes a rate
/// nobody touched.
pub async fn vat_rates(app: &App, kept: &[&str]) -> Result<Vec<String>, AppError> {
    let (seller, _) = app.seller().await?;
    let mut rates: Vec<String> =
        seller.offered_vat_rates().iter().map(|rate| rate.normalize().to_string()).collect();
    for rate in kept {
        if !rate.is_empty() && !rates.iter().any(|r| r == rate) {
            rates.push((*rate).to_owned());
        }
    }
    Ok(rates)
}

fn translated(visitor: &Visitor, errors: ValidationErrors) -> Vec<(String, String)> {
    errors.0.into_iter().map(|e| (e.field, visitor.lang.message(&e.message))).collect()
}

async fn catalogue_page(
    state: &AppState,
    visitor: &Visitor,
    typed: Typed,
    errors: Vec<(String, String)>,
) -> Result<Response, PageError> {
    let page = Chrome::new(visitor, "deals");
    let query = super::list_query(&[("limit", LISTED.to_string())])?;
    let products = state.app.list::<Products>(&visitor.actor, &query).await?.data;
    let lang = page.lang;
    let products = products
        .into_iter()
        .map(|p| ProductLine {
            id: p.id,
            price: lang.amount(&p.fields.unit_price),
            vat_rate: format!("{}\u{a0}%", crate::printing::decimal(lang, p.fields.vat_rate)),
            unit: p.fields.unit.unwrap_or_default(),
            sku: p.fields.sku,
            name: p.fields.name,
            active: p.fields.active,
        })
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let can_change = visitor.actor.can_modify(None);
    let vat_rates = vat_rates(&state.app, &[&typed.vat_rate]).await?;
    let catalogue = CataloguePage { page, products, can_change, typed, vat_rates, errors };
    Ok((status, render(&catalogue)).into_response())
}

async fn catalogue(State(state): State<AppState>, visitor: Visitor) -> Result<Response, PageError> {
    // No rate chosen yet: the select shows the seller's first.
    let typed = Typed { active: true, ..Typed::default() };
    catalogue_page(&state, &visitor, typed, Vec::new()).await
}

async fn create(State(state): State<AppState>, form: Submission) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let typed = Typed { active: true, ..Typed::from_form(&form.fields) };
    match state.app.create::<Products>(&visitor.actor, typed.body(), None).await {
        Ok(_) => Ok(redirect("/products", false)),
        Err(AppError::Validation(errors)) => {
            catalogue_page(&state, visitor, typed, translated(visitor, errors)).await
        }
        Err(other) => Err(other.into()),
    }
}

async fn product(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<ProductId>,
) -> Result<Response, PageError> {
    let product = state.app.get::<Products>(&visitor.actor, id).await?;
    let typed = Typed::of(&product);
    let page = ProductPage {
        page: Chrome::new(&visitor, "deals"),
        id,
        version: product.version,
        can_change: visitor.actor.can_modify(None),
        vat_rates: vat_rates(&state.app, &[&typed.vat_rate]).await?,
        typed,
        errors: Vec::new(),
    };
    Ok(render(&page))
}

async fn update(
    State(state): State<AppState>,
    PagePath(id): PagePath<ProductId>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let typed = Typed::from_form(&form.fields);
    let version = super::records::version_of(&form.fields);
    match state.app.update::<Products>(&visitor.actor, id, &typed.body(), version).await {
        Ok(_) => Ok(redirect("/products", false)),
        Err(AppError::Validation(errors)) => {
            let page = ProductPage {
                page: Chrome::new(visitor, "deals"),
                id,
                version: version.unwrap_or_default(),
                can_change: true,
                vat_rates: vat_rates(&state.app, &[&typed.vat_rate]).await?,
                typed,
                errors: translated(visitor, errors),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
