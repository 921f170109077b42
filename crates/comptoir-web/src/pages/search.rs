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
use comptoir_app::companies::{Companies, HOMONYM_SEPARATOR};
use comptoir_app::contacts::Contacts;
use comptoir_domain::listing::ListQuery;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/search", get(search)).route("/search/companies", get(company_names))
}

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
}

#[derive(Template)]
#[template(path = "search/dropdown.html")]
struct Dropdown {
    page: Chrome,
    contacts: Vec<Hit>,
    companies: Vec<Hit>,
}

#[derive(Template)]
#[template(path = "search/page.html")]
struct SearchPage {
    page: Chrome,
    q: String,
    contacts: Vec<Hit>,
    companies: Vec<Hit>,
}

fn prefix_query(q: &str, limit: u32) -> Result<ListQuery, AppError> {
    super::list_query(&[("q", q.to_owned()), ("limit", limit.to_string())])
}

async fn find(
    state: &AppState,
    visitor: &Visitor,
    q: &str,
    limit: u32,
) -> Result<(Vec<Hit>, Vec<Hit>), AppError> {
    if q.trim().is_empty() {
        return Ok((vec![], vec![]));
    }
    let query = prefix_query(q, limit)?;
    let contacts = state.app.list::<Contacts>(&visitor.actor, &query).await?.data;
    let companies = state.app.list::<Companies>(&visitor.actor, &query).await?.data;
    let contacts = contacts
        .into_iter()
        .map(|c| Hit {
            href: format!("/contacts/{}", c.id),
            detail: [c.fields.primary_email().map(ToString::to_string), c.company.map(|co| co.name)]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · "),
            name: c.fields.display_name(),
        })
        .collect();
    let companies = companies
        .into_iter()
        .map(|c| Hit {
            href: format!("/companies/{}", c.id),
            detail: c.fields.head_office().city.clone().unwrap_or_default(),
            name: c.fields.name,
        })
        .collect();
    Ok((contacts, companies))
}

async fn search(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let limit = if visitor.htmx { 5 } else { 50 };
    let (contacts, companies) = find(&state, &visitor, &query.q, limit).await?;
    let page = Chrome::new(&visitor, "search");
    if visitor.htmx {
        return Ok(render(&Dropdown { page, contacts, companies }));
    }
    Ok(render(&SearchPage { page, q: query.q, contacts, companies }))
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
                match company.fields.head_office().city {
                    Some(city) if namesakes > 1 => format!("{name}{HOMONYM_SEPARATOR}{city}"),
                    _ => name.clone(),
                }
            })
            .collect()
    };
    Ok(axum::Json(names).into_response())
}
