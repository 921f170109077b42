//! Global search over contacts and companies: a dropdown as the visitor types, a full page
//! when they submit, and company-name suggestions for company inputs.

use super::errors::PageError;
use super::session::Visitor;
use super::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use comptoir_app::AppError;
use comptoir_app::companies::{Companies, typed_name};
use comptoir_app::contacts::Contacts;
use comptoir_app::deals::Deals;
use comptoir_domain::listing::ListQuery;
use comptoir_domain::search::{name_score, query_terms};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/search", get(search))
        .route("/search/companies", get(company_names))
        .route("/search/contacts", get(contact_names))
}

/// How many hits the dropdown shows, and each section of the results page.
const DROPDOWN_HITS: usize = 8;
const PAGE_HITS: usize = 50;

#[derive(Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// A search result: where it leads, what it is called, and a line that tells it apart.
pub struct Hit {
    pub href: String,
    pub name: String,
    pub detail: String,
    /// `kind-contact` or `kind-company`.
    pub kind_key: &'static str,
    score: u32,
}

#[derive(Template)]
#[template(path = "search/dropdown.html")]
struct Dropdown {
    page: Chrome,
    hits: Vec<Hit>,
}

#[derive(Template)]
#[template(path = "search/page.html")]
struct SearchPage {
    page: Chrome,
    q: String,
    contacts: Vec<Hit>,
    companies: Vec<Hit>,
    deals: Vec<Hit>,
}

/// What a search found, each kind best first.
struct Found {
    contacts: Vec<Hit>,
    companies: Vec<Hit>,
    deals: Vec<Hit>,
}

/// How many of the newest matches are ranked: enough to hold the record meant among the
/// prefix matches of a common name, few enough to read in a few milliseconds.
const CANDIDATES: u32 = 100;

fn prefix_query(q: &str, limit: u32) -> Result<ListQuery, AppError> {
    super::list_query(&[("q", q.to_owned()), ("limit", limit.to_string())])
}

/// Contacts and companies matching `q`, each list ranked by how well the names answer it
/// (newest first among equals).
async fn find(state: &AppState, visitor: &Visitor, q: &str) -> Result<Found, AppError> {
    if q.trim().is_empty() {
        return Ok(Found { contacts: vec![], companies: vec![], deals: vec![] });
    }
    let terms = query_terms(q);
    let query = prefix_query(q, CANDIDATES)?;
    let (contacts, companies, deals) = tokio::try_join!(
        state.app.list::<Contacts>(&visitor.actor, &query),
        state.app.list::<Companies>(&visitor.actor, &query),
        state.app.list::<Deals>(&visitor.actor, &query),
    )?;
    let mut contacts: Vec<Hit> = contacts
        .data
        .into_iter()
        .map(|c| {
            let name = c.fields.display_name();
            Hit {
                href: format!("/contacts/{}", c.id),
                detail: [c.fields.primary_email().map(ToString::to_string), c.company.map(|co| co.name)]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · "),
                score: name_score(&terms, &name),
                name,
                kind_key: "kind-contact",
            }
        })
        .collect();
    let mut companies: Vec<Hit> = companies
        .data
        .into_iter()
        .map(|c| Hit {
            href: format!("/companies/{}", c.id),
            detail: c.fields.head_office().city.clone().unwrap_or_default(),
            score: name_score(&terms, &c.fields.name),
            name: c.fields.name,
            kind_key: "kind-company",
        })
        .collect();
    let mut deals: Vec<Hit> = deals
        .data
        .into_iter()
        .map(|d| Hit {
            href: format!("/deals/{}", d.id),
            detail: [d.company.map(|co| co.name), Some(d.stage_name)]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · "),
            score: name_score(&terms, &d.fields.title),
            name: d.fields.title,
            kind_key: "kind-deal",
        })
        .collect();
    // Stable: equal scores keep the newest first.
    for hits in [&mut contacts, &mut companies, &mut deals] {
        hits.sort_by_key(|hit| std::cmp::Reverse(hit.score));
    }
    Ok(Found { contacts, companies, deals })
}

/// The dropdown's few best hits of every kind; a company ties ahead of its people, and people
/// ahead of deals.
fn best_of(found: Found, limit: usize) -> Vec<Hit> {
    let Found { contacts, companies, deals } = found;
    let mut hits: Vec<Hit> = companies
        .into_iter()
        .take(limit)
        .chain(contacts.into_iter().take(limit))
        .chain(deals.into_iter().take(limit))
        .collect();
    hits.sort_by_key(|hit| std::cmp::Reverse(hit.score));
    hits.truncate(limit);
    hits
}

async fn search(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<SearchQuery>,
) -> Result<Response, PageError> {
    if visitor.htmx && query.q.trim().is_empty() {
        // An emptied search box (Escape clears it) closes the dropdown; it finds nothing to say.
        return Ok(axum::response::Html(String::new()).into_response());
    }
    let mut found = find(&state, &visitor, &query.q).await?;
    let page = Chrome::new(&visitor, "search");
    if visitor.htmx {
        return Ok(render(&Dropdown { page, hits: best_of(found, DROPDOWN_HITS) }));
    }
    for hits in [&mut found.contacts, &mut found.companies, &mut found.deals] {
        hits.truncate(PAGE_HITS);
    }
    let Found { contacts, companies, deals } = found;
    Ok(render(&SearchPage { page, q: query.q, contacts, companies, deals }))
}

/// Names of companies starting with what was typed, for a company input's suggestions.
async fn company_names(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let names: Vec<String> = if query.q.trim().is_empty() {
        vec![]
    } else {
        let found = state.app.list::<Companies>(&visitor.actor, &prefix_query(&query.q, 10)?).await?.data;
        found
            .iter()
            .map(|company| {
                let name = &company.fields.name;
                let namesakes =
                    found.iter().filter(|other| other.fields.name.eq_ignore_ascii_case(name)).count();
                typed_name(company, namesakes > 1)
            })
            .collect()
    };
    Ok(axum::Json(names).into_response())
}

/// Contacts matching what was typed, each with what tells namesakes apart, for a contact
/// input's suggestions.
async fn contact_names(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let labels: Vec<String> = if query.q.trim().is_empty() {
        vec![]
    } else {
        let found = super::deal_people::candidates(&state.app, &visitor.actor, &query.q).await?;
        found.iter().map(super::deal_people::told_apart).collect()
    };
    Ok(axum::Json(labels).into_response())
}
