//! An order's page: what was bought, for whom, from which quote, and its status.

use super::errors::PageError;
use super::path::PagePath;
use super::session::{Submission, Visitor};
use super::{Chrome, redirect, render};
use crate::printing;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use comptoir_app::AppError;
use comptoir_app::orders::Orders;
use comptoir_domain::ids::OrderId;
use comptoir_domain::orders::OrderStatus;
use comptoir_pdf::{Row, Total};
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orders/{id}", get(show))
        .route("/orders/{id}/status", post(set_status))
        .route("/orders/{id}/pdf", get(pdf))
        .route("/orders/{id}/document", get(document))
}

async fn pdf(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<OrderId>,
) -> Result<Response, PageError> {
    Ok(printing::print_order(&state.app, &visitor.actor, id, visitor.lang).await?.into_response())
}

/// The order's confirmation as its customer reads it, as a page to print or save.
async fn document(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<OrderId>,
) -> Result<Response, PageError> {
    Ok(printing::show_order(&state.app, &visitor.actor, id, visitor.lang).await?)
}

#[derive(Template)]
#[template(path = "order_show.html")]
struct ShowPage {
    page: Chrome,
    id: OrderId,
    number: String,
    version: i64,
    status: String,
    customer: Vec<(String, String)>,
    facts: Vec<(String, String)>,
    quote_href: Option<String>,
    lines: Vec<Row>,
    totals: Vec<Total>,
    notes: Option<String>,
    /// The statuses it may be given, with their words.
    moves: Vec<(String, String)>,
}

async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<OrderId>,
) -> Result<Response, PageError> {
    let order = state.app.get::<Orders>(&visitor.actor, id).await?;
    let page = Chrome::new(&visitor, "deals");
    let lang = page.lang;
    let f = &order.fields;
    let mut customer = Vec::new();
    customer.extend(order.company.as_ref().map(|c| (c.name.clone(), format!("/companies/{}", c.id))));
    customer.extend(order.contact.as_ref().map(|c| (c.name.clone(), format!("/contacts/{}", c.id))));
    let mut facts = vec![(page.t("print-ordered-on"), lang.day(f.ordered_on))];
    facts.extend(order.deal.as_ref().map(|d| (page.t("print-deal"), d.title.clone())));
    facts.extend(f.external_id.as_ref().map(|r| (page.t("order-external-id"), r.clone())));
    let word = |status: OrderStatus| page.t(&format!("order-status-{}", status.as_str()));
    let moves = if visitor.actor.can_modify(f.owner_id) {
        OrderStatus::ALL
            .into_iter()
            .filter(|s| *s != f.status)
            .map(|s| (s.as_str().to_owned(), word(s)))
            .collect()
    } else {
        Vec::new()
    };
    let show = ShowPage {
        id,
        number: order.number.clone(),
        version: order.version,
        status: word(f.status),
        customer,
        facts,
        quote_href: f.quote_id.map(|q| format!("/quotes/{q}")),
        lines: printing::rows(&f.lines, lang),
        totals: printing::totals(&order.totals, lang),
        notes: f.notes.clone(),
        moves,
        page,
    };
    Ok(render(&show))
}

async fn set_status(
    State(state): State<AppState>,
    PagePath(id): PagePath<OrderId>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let to = form.fields.text("to").and_then(|s| OrderStatus::parse(&s)).ok_or(AppError::NotFound)?;
    let version = super::records::version_of(&form.fields);
    state.app.update::<Orders>(&visitor.actor, id, &json!({"status": to}), version).await?;
    Ok(redirect(&format!("/orders/{id}"), false))
}
