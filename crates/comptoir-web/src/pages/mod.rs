//! The browser interface: server-rendered pages that call the same use cases as the JSON API,
//! enhanced with htmx where a fragment saves a page load.

mod account;
mod activities;
mod articles;
mod assets;
mod auth;
mod board;
mod bulk_run;
mod catalogue;
mod chart;
mod codes;
mod companies;
mod company_duplicates;
mod contacts;
mod custom;
mod days;
mod deal_people;
mod deal_people_forms;
mod deals;
mod duplicates;
mod errors;
mod filters;
mod forecast;
pub(crate) mod forms;
mod help;
mod home;
mod import_progress;
mod imports;
mod kind;
pub(crate) mod lists;
mod localize;
mod macros;
mod orders;
mod owners;
mod path;
mod portal;
mod progress_events;
mod quotes;
mod reach;
pub(crate) mod record_lists;
mod record_pages;
mod record_tickets;
mod records;
mod report;
mod scan_progress;
mod search;
mod service_report;
mod session;
mod settings;
mod settings_mail;
mod settings_pipelines;
mod settings_rates;
mod settings_seller;
mod settings_service_levels;
mod settings_webhooks;
mod survey;
mod tasks;
mod teams;
mod ticket_files;
mod tickets;

use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use session::Visitor;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(assets::router())
        .merge(auth::router())
        .merge(survey::router())
        .merge(help::router())
        .merge(portal::router())
        .merge(home::router())
        .merge(record_pages::routes::<contacts::Contacts>())
        .route("/contacts/{id}/card.vcf", axum::routing::get(contacts::card))
        .route("/contacts/export.vcf", axum::routing::get(record_lists::export_cards))
        .merge(record_pages::routes::<companies::Companies>())
        .merge(board::router())
        .merge(forecast::router())
        .merge(report::router())
        .merge(record_pages::routes::<deals::Deals>())
        .merge(deal_people_forms::router())
        .merge(service_report::router())
        .merge(articles::router())
        .merge(macros::router())
        .merge(teams::router())
        .merge(record_pages::routes::<tickets::Tickets>())
        .merge(tickets::router())
        .merge(quotes::router())
        .merge(orders::router())
        .merge(catalogue::router())
        .merge(imports::router())
        .merge(bulk_run::router())
        .merge(company_duplicates::router())
        .merge(duplicates::router())
        .route("/views/{id}/delete", axum::routing::post(record_lists::delete_view))
        .merge(activities::router())
        .merge(tasks::router())
        .merge(account::router())
        .merge(search::router())
        .merge(settings::router())
        .merge(settings_webhooks::router())
        .merge(settings_seller::router())
        .merge(settings_mail::router())
        .merge(settings_pipelines::router())
        .merge(settings_rates::router())
        .merge(settings_service_levels::router())
        // An address that names no page answers the site's own page, in the visitor's language.
        .fallback(|| async { errors::PageError::from(comptoir_app::AppError::NotFound) })
        // The longest form is an activity's 100,000-character text, URL-encoded.
        .layer(axum::extract::DefaultBodyLimit::max(1024 * 1024))
        .layer(axum::middleware::from_fn(localize::localize))
}

/// What every signed-in page shows around its content, and the helpers its template uses to
/// speak the visitor's language.
pub struct Chrome {
    pub lang: Lang,
    pub csrf: String,
    pub user_name: String,
    pub is_admin: bool,
    pub can_create: bool,
    pub section: &'static str,
    pub timezone: Tz,
    pub asset_version: &'static str,
    pub flash: Option<String>,
    /// The visitor's tasks due today or late, shown beside "Tasks" in the navigation.
    pub due_now: Option<u64>,
}

impl Chrome {
    /// What the home page greets the visitor by: the first word of their name ("Claire" of
    /// "Claire Dubois"), as a colleague would.
    pub fn greeting_name(&self) -> &str {
        self.user_name.split_whitespace().next().unwrap_or(&self.user_name)
    }
    pub fn new(visitor: &Visitor, section: &'static str) -> Chrome {
        Chrome {
            lang: visitor.lang,
            csrf: visitor.csrf.clone(),
            user_name: visitor.name().to_owned(),
            is_admin: visitor.actor.is_admin(),
            can_create: visitor.actor.can_create_records(),
            section,
            timezone: visitor.timezone,
            asset_version: assets::version(),
            flash: None,
            due_now: visitor.due_now.filter(|n| *n > 0),
        }
    }

    pub fn with_flash(mut self, flash: Option<String>) -> Chrome {
        self.flash = flash;
        self
    }

    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// The message naming `value` of a closed set, such as `type-currency`.
    pub fn choice(&self, prefix: &str, value: &str) -> String {
        self.lang.t(&records::choice_key(prefix, value))
    }

    pub fn t1(&self, key: &str, name: &'static str, value: impl ToString) -> String {
        self.lang.t1(key, name, value)
    }

    /// The navigation's badge: the count, capped so it stays small.
    pub fn badge(&self, n: &u64) -> String {
        if *n > 99 { "99+".to_owned() } else { n.to_string() }
    }

    /// What the badge says, for screen readers: "(3 due today or late)".
    pub fn due_label(&self, n: &u64) -> String {
        self.lang.count("nav-tasks-due", i64::try_from(*n).unwrap_or(i64::MAX))
    }

    pub fn count(&self, key: &str, n: usize) -> String {
        self.lang.count(key, n as i64)
    }

    pub fn date(&self, at: &DateTime<Utc>) -> String {
        self.lang.date(*at, self.timezone)
    }

    pub fn datetime(&self, at: &DateTime<Utc>) -> String {
        self.lang.datetime(*at, self.timezone)
    }

    pub fn other_langs(&self) -> Vec<Lang> {
        Lang::ALL.into_iter().filter(|l| *l != self.lang).collect()
    }

    pub fn lang_name(&self, lang: &Lang) -> String {
        lang_name(lang)
    }
}

/// A language's name in that language, as a language switch shows it.
pub fn lang_name(lang: &Lang) -> String {
    match lang {
        Lang::En => "English".to_owned(),
        Lang::Fr => "Français".to_owned(),
    }
}

/// Renders a page; a template that fails to render is a bug, answered with a 500.
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => {
            let mut response = Html(html).into_response();
            // The same URL answers a whole page or an htmx fragment.
            response.headers_mut().insert(header::VARY, HeaderValue::from_static("HX-Request"));
            response
        }
        Err(error) => {
            tracing::error!(%error, "template failed to render");
            axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Sends the browser to `to` after a form (303, so a reload does not post again); htmx
/// follows `HX-Redirect` instead.
pub fn redirect(to: &str, htmx: bool) -> Response {
    if htmx {
        let mut response = axum::http::StatusCode::NO_CONTENT.into_response();
        if let Ok(value) = HeaderValue::from_str(to) {
            response.headers_mut().insert("hx-redirect", value);
        }
        return response;
    }
    // A target that is no valid header value (it never comes from a client unchecked) goes
    // home rather than failing the request.
    let to = if HeaderValue::from_str(to).is_ok() { to } else { "/" };
    axum::response::Redirect::to(to).into_response()
}

/// A list query from parameters a page chose, in the API's syntax.
pub fn list_query(
    pairs: &[(&str, String)],
) -> Result<comptoir_domain::listing::ListQuery, comptoir_app::AppError> {
    let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
    Ok(comptoir_domain::listing::ListQuery::parse(&pairs, &[])?)
}

/// Percent-encodes a query-string value.
pub fn encode(value: &str) -> String {
    serde_urlencoded::to_string([("v", value)]).map(|s| s[2..].to_owned()).unwrap_or_default()
}
