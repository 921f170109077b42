//! A quote's pages: writing one for a deal (a few lines at a time, without script), reading
//! it with its totals per VAT rate, sending it, recording the customer's answer, printing it.

use super::errors::PageError;
use super::path::PagePath;
use super::session::{Fields, Submission, Visitor};
use super::{Chrome, redirect, render};
use crate::printing;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use comptoir_app::AppError;
use comptoir_app::quotes::Quotes;
use comptoir_domain::ValidationErrors;
use comptoir_domain::ids::{DealId, QuoteId};
use comptoir_domain::lines::Discount;
use comptoir_domain::quotes::{Quote, QuoteStatus};
use comptoir_pdf::{Row, Total};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Value, json};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/quotes", get(list))
        .route("/quotes/new", get(new_form).post(create))
        .route("/quotes/{id}", get(show))
        .route("/quotes/{id}/edit", get(edit_form).post(update))
        .route("/quotes/{id}/status", post(set_status))
        .route("/quotes/{id}/copy", post(copy))
        .route("/quotes/{id}/pdf", get(pdf))
        .route("/quotes/{id}/document", get(document))
}

/// How many empty lines a form offers beyond those written.
const BLANK_LINES: usize = 3;

/// One line of the form, as typed.
#[derive(Clone, Default)]
pub struct LineRow {
    /// A catalogue item's id, or empty.
    pub product: String,
    pub description: String,
    pub quantity: String,
    pub unit: String,
    pub unit_price: String,
    pub vat_rate: String,
    pub discount: String,
}

#[derive(Template)]
#[template(path = "quote_show.html")]
struct ShowPage {
    page: Chrome,
    id: QuoteId,
    number: String,
    version: i64,
    status: String,
    status_key: String,
    customer: Vec<(String, String)>,
    facts: Vec<(String, String)>,
    lines: Vec<Row>,
    totals: Vec<Total>,
    notes: Option<String>,
    can_edit: bool,
    can_send: bool,
    can_answer: bool,
    order_href: Option<String>,
}

#[derive(Template)]
#[template(path = "quote_form.html")]
struct FormPage {
    page: Chrome,
    title: String,
    action: String,
    cancel: String,
    version: Option<i64>,
    deal: Option<String>,
    issued_on: String,
    valid_until: String,
    payment_terms: String,
    notes: String,
    rows: Vec<LineRow>,
    /// The active products a line may start from: id and "SKU · name".
    products: Vec<(String, String)>,
    /// The seller's VAT rates, in percent.
    vat_presets: Vec<String>,
    errors: Vec<String>,
}

impl FormPage {
    /// The VAT rates each line may pick: the presets, and any rate a line already has, so
    /// that editing a quote never changes a rate nobody touched.
    fn offered_rates(&self) -> Vec<String> {
        let mut rates = self.vat_presets.clone();
        for row in &self.rows {
            if !row.vat_rate.is_empty() && !rates.contains(&row.vat_rate) {
                rates.push(row.vat_rate.clone());
            }
        }
        rates
    }
}

fn status_word(page: &Chrome, status: QuoteStatus) -> String {
    page.t(&format!("quote-status-{}", status.as_str()))
}

async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<QuoteId>,
) -> Result<Response, PageError> {
    let quote = state.app.get::<Quotes>(&visitor.actor, id).await?;
    let page = Chrome::new(&visitor, "deals");
    let lang = page.lang;
    let f = &quote.fields;
    let mut customer = Vec::new();
    customer.extend(quote.company.as_ref().map(|c| (c.name.clone(), format!("/companies/{}", c.id))));
    customer.extend(quote.contact.as_ref().map(|c| (c.name.clone(), format!("/contacts/{}", c.id))));
    let mut facts = vec![
        (page.t("print-issued-on"), lang.day(f.issued_on)),
        (page.t("print-valid-until"), lang.day(f.valid_until)),
    ];
    facts.extend(quote.deal.as_ref().map(|d| (page.t("print-deal"), d.title.clone())));
    let lines = printing::rows(&f.lines, lang);
    let totals = printing::totals(&quote.totals, lang);
    let may = visitor.actor.can_modify(f.owner_id);
    let show = ShowPage {
        id,
        number: quote.number.clone(),
        version: quote.version,
        status: status_word(&page, f.status),
        status_key: f.status.as_str().to_owned(),
        customer,
        facts,
        lines,
        totals,
        notes: f.notes.clone(),
        can_edit: may && f.status == QuoteStatus::Draft,
        can_send: may && f.status == QuoteStatus::Draft && !f.lines.is_empty(),
        can_answer: may && f.status == QuoteStatus::Sent,
        order_href: quote.order_id.map(|o| format!("/orders/{o}")),
        page,
    };
    Ok(render(&show))
}

#[derive(Deserialize)]
struct NewQuery {
    deal: Option<DealId>,
}

fn blank_rows(mut rows: Vec<LineRow>) -> Vec<LineRow> {
    rows.extend(std::iter::repeat_n(
        // No rate chosen yet: the select shows the seller's first.
        LineRow { quantity: "1".into(), ..LineRow::default() },
        BLANK_LINES,
    ));
    rows
}

/// What a line may be made of: the catalogue's active products and the seller's VAT rates.
async fn with_choices(state: &AppState, visitor: &Visitor, form: FormPage) -> Result<FormPage, AppError> {
    let query = super::list_query(&[("filter[active]", "true".to_owned()), ("limit", "500".to_owned())])?;
    let products = state.app.list::<comptoir_app::products::Products>(&visitor.actor, &query).await?.data;
    let products = products
        .into_iter()
        .map(|p| (p.id.to_string(), format!("{} · {}", p.fields.sku, p.fields.name)))
        .collect();
    let vat_presets = super::catalogue::vat_rates(&state.app, &[]).await?;
    Ok(FormPage { products, vat_presets, ..form })
}

async fn new_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<NewQuery>,
) -> Result<Response, PageError> {
    let deal = match query.deal {
        Some(id) => Some(state.app.get::<comptoir_app::deals::Deals>(&visitor.actor, id).await?),
        None => None,
    };
    let page = Chrome::new(&visitor, "deals");
    let form = FormPage {
        title: page.t("quote-new"),
        action: "/quotes/new".to_owned(),
        cancel: deal.as_ref().map_or("/deals".to_owned(), |d| format!("/deals/{}", d.id)),
        version: None,
        deal: deal.as_ref().map(|d| d.id.to_string()),
        issued_on: String::new(),
        valid_until: String::new(),
        payment_terms: String::new(),
        notes: String::new(),
        rows: blank_rows(Vec::new()),
        products: Vec::new(),
        vat_presets: Vec::new(),
        errors: vec![],
        page,
    };
    Ok(render(&with_choices(&state, &visitor, form).await?))
}

/// The lines of a submitted form: the rows with anything typed in them.
fn typed_rows(fields: &Fields) -> Vec<LineRow> {
    let column = |name: &str| fields.all(name).map(str::to_owned).collect::<Vec<_>>();
    let products = column("product");
    let (descriptions, quantities, units) = (column("description"), column("quantity"), column("unit"));
    let (prices, rates, discounts) = (column("unit_price"), column("vat_rate"), column("discount"));
    (0..descriptions.len())
        .map(|n| {
            let at = |values: &Vec<String>| values.get(n).cloned().unwrap_or_default();
            LineRow {
                product: at(&products),
                description: at(&descriptions),
                quantity: at(&quantities),
                unit: at(&units),
                unit_price: at(&prices),
                vat_rate: at(&rates),
                discount: at(&discounts),
            }
        })
        .filter(|row| {
            [&row.product, &row.description, &row.unit_price].into_iter().any(|v| !v.trim().is_empty())
        })
        .collect()
}

/// What a form says, as the API's body: numbers read as people type them (`1 490,50`).
fn body_of(fields: &Fields, rows: &[LineRow]) -> Value {
    let number = super::records::typed_optional_number;
    let lines: Vec<Value> = rows
        .iter()
        .map(|row| {
            let mut line = json!({
                "description": row.description,
                "quantity": number(&row.quantity),
                "unit": row.unit,
                "unit_price": number(&row.unit_price),
                "vat_rate": number(&row.vat_rate),
            });
            if !row.discount.trim().is_empty() {
                line["discount_percent"] = number(&row.discount);
            }
            if !row.product.is_empty() {
                line["product_id"] = Value::String(row.product.clone());
                // A line from the catalogue takes its price and VAT rate from it, unless a
                // price is typed.
                if row.unit_price.trim().is_empty() {
                    line["vat_rate"] = Value::Null;
                }
                if row.description.trim().is_empty() {
                    line["description"] = Value::Null;
                }
            }
            line
        })
        .collect();
    let text = |name: &str| fields.text(name).map_or(Value::Null, Value::String);
    let mut body = json!({
        "lines": lines,
        "issued_on": text("issued_on"),
        "valid_until": text("valid_until"),
        "payment_terms": text("payment_terms"),
        "notes": text("notes"),
    });
    if let Some(deal) = fields.text("deal") {
        body["deal_id"] = Value::String(deal);
    }
    body
}

/// The form again, with what was typed and why it was refused.
fn refused_form(
    visitor: &Visitor,
    mut form: FormPage,
    errors: &ValidationErrors,
    fields: &Fields,
    rows: Vec<LineRow>,
) -> Response {
    let lang = visitor.lang;
    form.errors = errors
        .0
        .iter()
        .map(|e| {
            let (line, field) = match e.field.strip_prefix("lines[").and_then(|r| r.split_once("].")) {
                Some((n, field)) => (n.parse::<usize>().ok().map(|n| n + 1), field.to_owned()),
                None => (None, e.field.clone()),
            };
            let label = lang.t(&format!("quote-field-{}", field.replace('_', "-")));
            let label = match line {
                Some(n) => format!("{} {n} · {label}", lang.t("quote-line")),
                None => label,
            };
            format!("{label} : {}", lang.message(&e.message))
        })
        .collect();
    let kept = |name: &str| fields.text(name).unwrap_or_default();
    form.issued_on = kept("issued_on");
    form.valid_until = kept("valid_until");
    form.payment_terms = kept("payment_terms");
    form.notes = kept("notes");
    form.rows = blank_rows(rows);
    (StatusCode::UNPROCESSABLE_ENTITY, render(&form)).into_response()
}

async fn create(State(state): State<AppState>, form: Submission) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let rows = typed_rows(&form.fields);
    let body = body_of(&form.fields, &rows);
    match state.app.create::<Quotes>(&visitor.actor, body, None).await {
        Ok(quote) => Ok(redirect(&format!("/quotes/{}", quote.id), false)),
        Err(AppError::Validation(errors)) => {
            let page = Chrome::new(visitor, "deals");
            let deal = form.fields.text("deal");
            let blank = FormPage {
                title: page.t("quote-new"),
                action: "/quotes/new".to_owned(),
                cancel: deal.as_ref().map_or("/deals".to_owned(), |d| format!("/deals/{d}")),
                version: None,
                deal,
                issued_on: String::new(),
                valid_until: String::new(),
                payment_terms: String::new(),
                notes: String::new(),
                rows: vec![],
                products: Vec::new(),
                vat_presets: Vec::new(),
                errors: vec![],
                page,
            };
            let blank = with_choices(&state, visitor, blank).await?;
            Ok(refused_form(visitor, blank, &errors, &form.fields, rows))
        }
        Err(other) => Err(other.into()),
    }
}

fn edit_page(visitor: &Visitor, quote: &Quote) -> FormPage {
    let page = Chrome::new(visitor, "deals");
    let f = &quote.fields;
    let plain = |d: Decimal| d.normalize().to_string();
    let rows = f
        .lines
        .iter()
        .map(|line| LineRow {
            product: line.product_id.map(|p| p.to_string()).unwrap_or_default(),
            description: line.description.clone(),
            quantity: plain(line.quantity),
            unit: line.unit.clone().unwrap_or_default(),
            unit_price: plain(line.unit_price.amount),
            vat_rate: plain(line.vat_rate),
            discount: match line.discount {
                Some(Discount::Percent(p)) => plain(p),
                _ => String::new(),
            },
        })
        .collect();
    FormPage {
        title: page.t1("quote-edit", "number", &quote.number),
        action: format!("/quotes/{}/edit", quote.id),
        cancel: format!("/quotes/{}", quote.id),
        version: Some(quote.version),
        deal: None,
        issued_on: f.issued_on.to_string(),
        valid_until: f.valid_until.to_string(),
        payment_terms: f.payment_terms.clone().unwrap_or_default(),
        notes: f.notes.clone().unwrap_or_default(),
        rows: blank_rows(rows),
        products: Vec::new(),
        vat_presets: Vec::new(),
        errors: vec![],
        page,
    }
}

async fn edit_form(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<QuoteId>,
) -> Result<Response, PageError> {
    let quote = state.app.get::<Quotes>(&visitor.actor, id).await?;
    Ok(render(&with_choices(&state, &visitor, edit_page(&visitor, &quote)).await?))
}

async fn update(
    State(state): State<AppState>,
    PagePath(id): PagePath<QuoteId>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let rows = typed_rows(&form.fields);
    let body = body_of(&form.fields, &rows);
    let version = super::records::version_of(&form.fields);
    match state.app.update::<Quotes>(&visitor.actor, id, &body, version).await {
        Ok(_) => Ok(redirect(&format!("/quotes/{id}"), false)),
        Err(AppError::Validation(errors)) => {
            let quote = state.app.get::<Quotes>(&visitor.actor, id).await?;
            let page = with_choices(&state, visitor, edit_page(visitor, &quote)).await?;
            Ok(refused_form(visitor, page, &errors, &form.fields, rows))
        }
        Err(other) => Err(other.into()),
    }
}

/// Sends a draft, or records the customer's answer.
async fn set_status(
    State(state): State<AppState>,
    PagePath(id): PagePath<QuoteId>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let to = form.fields.text("to").and_then(|s| QuoteStatus::parse(&s)).ok_or(AppError::NotFound)?;
    let version = super::records::version_of(&form.fields);
    state.app.set_quote_status(&visitor.actor, id, to, version).await?;
    Ok(redirect(&format!("/quotes/{id}"), false))
}

async fn pdf(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<QuoteId>,
) -> Result<Response, PageError> {
    Ok(crate::printing::print_quote(&state.app, &visitor.actor, id, visitor.lang).await?.into_response())
}

/// The quote as its customer reads it, as a page to print or save from the browser.
async fn document(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<QuoteId>,
) -> Result<Response, PageError> {
    Ok(printing::show_quote(&state.app, &visitor.actor, id, visitor.lang).await?)
}

/// How many quotes the list shows.
const LISTED: u32 = 200;

/// One quote in the list.
pub struct QuoteLine {
    pub href: String,
    pub number: String,
    pub customer: String,
    pub deal: String,
    pub status: String,
    pub issued: String,
    pub valid_until: String,
    pub late: bool,
    pub total: String,
}

#[derive(Template)]
#[template(path = "quote_list.html")]
struct ListPage {
    page: Chrome,
    /// The status shown (`sent`: awaiting an answer), or every quote.
    status: String,
    tabs: Vec<(String, String)>,
    quotes: Vec<QuoteLine>,
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
}

/// The quotes, newest first: by default those sent and awaiting an answer, the oldest offer
/// first so what expires soonest is on top.
async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let page = Chrome::new(&visitor, "deals");
    let lang = page.lang;
    let status = query
        .status
        .filter(|s| s == "all" || QuoteStatus::parse(s).is_some())
        .unwrap_or_else(|| "sent".to_owned());
    let mut pairs = vec![("limit", LISTED.to_string())];
    if status == "sent" {
        pairs.push(("filter[status]", status.clone()));
        pairs.push(("sort", "valid_until".to_owned()));
    } else if status != "all" {
        pairs.push(("filter[status]", status.clone()));
    }
    let found = state.app.list::<Quotes>(&visitor.actor, &super::list_query(&pairs)?).await?.data;
    let today = chrono::Utc::now().date_naive();
    let quotes = found
        .into_iter()
        .map(|q| QuoteLine {
            href: format!("/quotes/{}", q.id),
            customer: [
                q.company.as_ref().map(|c| c.name.clone()),
                q.contact.as_ref().map(|c| c.name.clone()),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · "),
            deal: q.deal.as_ref().map(|d| d.title.clone()).unwrap_or_default(),
            status: status_word(&page, q.fields.status),
            issued: lang.day(q.fields.issued_on),
            valid_until: lang.day(q.fields.valid_until),
            late: q.fields.status == QuoteStatus::Sent && q.fields.valid_until < today,
            total: lang.amount(&q.totals.including_tax),
            number: q.number,
        })
        .collect();
    let mut tabs = vec![("sent".to_owned(), page.t("quotes-awaiting"))];
    tabs.extend(
        [QuoteStatus::Draft, QuoteStatus::Accepted, QuoteStatus::Refused, QuoteStatus::Expired]
            .into_iter()
            .map(|s| (s.as_str().to_owned(), status_word(&page, s))),
    );
    tabs.push(("all".to_owned(), page.t("quotes-all")));
    Ok(render(&ListPage { page, status, tabs, quotes }))
}

/// A new draft copied from this quote, opened for editing.
async fn copy(
    State(state): State<AppState>,
    PagePath(id): PagePath<QuoteId>,
    form: Submission,
) -> Result<Response, PageError> {
    let draft = state.app.copy_quote(&form.visitor.actor, id).await?;
    Ok(redirect(&format!("/quotes/{}/edit", draft.id), false))
}
