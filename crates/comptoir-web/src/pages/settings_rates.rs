//! Settings, for admins: the exchange rates the forecast converts other currencies with, set
//! from the Central Bank's file or one by one.

use super::errors::PageError;
use super::session::{Submission, Visitor, check_origin};
use super::ticket_files::{self, Received};
use super::{Chrome, redirect, render};
use crate::attached::MAX_UPLOAD_REQUEST;
use crate::printing;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use comptoir_app::AppError;
use comptoir_domain::exchange_rates::ExchangeRateInput;
use rust_decimal::Decimal;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/exchange-rates", get(rates).post(add))
        .route("/settings/exchange-rates/file", post(import).layer(DefaultBodyLimit::max(MAX_UPLOAD_REQUEST)))
}

#[derive(Template)]
#[template(path = "settings/exchange_rates.html")]
struct RatesPage {
    page: Chrome,
    /// Currency, day and rate as the reader writes them.
    latest: Vec<(String, String, String)>,
    typed: Typed,
    /// Why the rate typed or the file sent was refused.
    refused: Option<String>,
}

#[derive(Default)]
struct Typed {
    currency: String,
    on: String,
    per_base: String,
}

async fn page(
    state: &AppState,
    visitor: &Visitor,
    flash: Option<String>,
    typed: Typed,
    refused: Option<String>,
) -> Result<Response, PageError> {
    if !visitor.actor.is_admin() {
        return Err(AppError::Forbidden("only admins set exchange rates").into());
    }
    let lang = visitor.lang;
    let latest = state
        .app
        .latest_exchange_rates()
        .await?
        .into_iter()
        .map(|rate| (rate.currency, lang.day(rate.on), printing::decimal(lang, rate.per_base)))
        .collect();
    let status = if refused.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = RatesPage { page: Chrome::new(visitor, "settings").with_flash(flash), latest, typed, refused };
    Ok((status, render(&page)).into_response())
}

async fn rates(
    State(state): State<AppState>,
    visitor: Visitor,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let written =
        query.as_deref().and_then(|q| q.strip_prefix("written=")).and_then(|n| n.parse::<i64>().ok());
    let flash = written.map(|n| visitor.lang.count("rates-written", n));
    page(&state, &visitor, flash, Typed::default(), None).await
}

/// One rate typed: a currency, a day (as a date picker sends it) and units for one euro.
async fn add(State(state): State<AppState>, form: Submission) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let lang = visitor.lang;
    let typed = Typed {
        currency: form.fields.get("currency").unwrap_or_default().trim().to_owned(),
        on: form.fields.get("on").unwrap_or_default().trim().to_owned(),
        per_base: form.fields.get("per_base").unwrap_or_default().trim().to_owned(),
    };
    let on = NaiveDate::parse_from_str(&typed.on, "%Y-%m-%d");
    let per_base = typed.per_base.replace(',', ".").replace(char::is_whitespace, "").parse::<Decimal>();
    let (Ok(on), Ok(per_base)) = (on, per_base) else {
        let refused = lang.t("rates-not-read");
        return page(&state, visitor, None, typed, Some(refused)).await;
    };
    let input = ExchangeRateInput { currency: typed.currency.clone(), on, per_base };
    match state.app.set_exchange_rates(&visitor.actor, vec![input]).await {
        Ok(written) => Ok(redirect(&format!("/settings/exchange-rates?written={written}"), false)),
        Err(AppError::Validation(errors)) => {
            let refused = ticket_files::said(lang, &errors);
            page(&state, visitor, None, typed, Some(refused)).await
        }
        Err(other) => Err(other.into()),
    }
}

/// The Central Bank's file, daily or history.
async fn import(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    form: Multipart,
) -> Result<Response, PageError> {
    check_origin(&headers)?;
    let received = ticket_files::receive(form, &visitor.csrf).await?;
    if !visitor.actor.is_admin() {
        return Err(AppError::Forbidden("only admins set exchange rates").into());
    }
    let lang = visitor.lang;
    let refused = match received {
        Received::Refused(message) => lang.message(message),
        Received::File(file) => match state.app.import_exchange_rates(&visitor.actor, &file.bytes).await {
            Ok(written) => {
                return Ok(redirect(&format!("/settings/exchange-rates?written={written}"), false));
            }
            Err(AppError::Validation(errors)) => errors
                .0
                .iter()
                .map(|e| match e.field.strip_prefix("line ") {
                    Some(line) => lang
                        .tn("rates-line-refused", &[("line", line), ("message", &lang.message(&e.message))]),
                    None => lang.message(&e.message),
                })
                .collect::<Vec<_>>()
                .join(" "),
            Err(other) => return Err(other.into()),
        },
    };
    page(&state, &visitor, None, Typed::default(), Some(refused)).await
}
