//! A pipeline's report over a period: stage by stage, the deals that entered it, how many went
//! on to the next and how long they stayed; the deals won and lost, the win rate and the
//! sales cycle.

use super::errors::PageError;
use super::owners::{chosen_owner, owner_choices};
use super::session::Visitor;
use super::{Chrome, render};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use chrono::{Datelike, Months, NaiveDate, Utc};
use comptoir_app::AppError;
use comptoir_domain::ValidationErrors;
use comptoir_domain::deals::ReportScope;
use comptoir_domain::money::Money;
use comptoir_domain::time::month_span;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/deals/report", get(report))
}

/// The periods a report is offered over, in months.
const LENGTHS: [u32; 4] = [1, 3, 6, 12];

#[derive(Deserialize, Default)]
struct ReportRequest {
    #[serde(default)]
    pipeline: Option<String>,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    months: Option<u32>,
}

pub struct StageLine {
    pub name: String,
    pub entered: i64,
    pub conversion: String,
    pub days: String,
    pub value: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    page: Chrome,
    stages: Vec<StageLine>,
    won: i64,
    lost: i64,
    won_value: String,
    lost_value: String,
    /// Why some values are short: entries in a currency no rate converts.
    left_out: Option<String>,
    win_rate: String,
    cycle: String,
    pipelines: Vec<(String, String)>,
    pipeline: String,
    owners: Vec<(String, String)>,
    owner: String,
    from: String,
    lengths: Vec<(String, String)>,
    months: String,
}

async fn report(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(wanted): Query<ReportRequest>,
) -> Result<Response, PageError> {
    let app = &state.app;
    let actor = &visitor.actor;
    let lang = visitor.lang;
    let users = app.colleagues(actor).await?;
    let pipelines = app.pipelines(actor).await?;
    let pipeline = match wanted.pipeline.as_deref().filter(|p| !p.is_empty()) {
        Some(id) => pipelines.iter().find(|p| p.id.to_string() == id).ok_or(AppError::NotFound)?,
        None => pipelines.first().ok_or(AppError::NotFound)?,
    };
    let (from, until, months) = period(&visitor, wanted.from.as_deref(), wanted.months, 3)?;
    let owner = chosen_owner(actor, &users, wanted.owner.as_deref().unwrap_or_default(), "owner")?;
    let scope = ReportScope { pipeline: pipeline.id, owner, from, until };
    let report = app.pipeline_report(actor, &scope).await?;
    let percent = |share: Option<f64>| {
        share.map(|s| lang.t1("report-percent", "n", lang.number(s * 100.0, 0))).unwrap_or_default()
    };
    let days = |d: Option<f64>| d.map(|d| lang.t1("report-days", "n", lang.number(d, 1))).unwrap_or_default();
    let amount = |minor: i64| lang.amount(&Money::from_minor(minor, report.currency));
    let stages = pipeline
        .fields
        .stages
        .iter()
        .zip(&report.stages)
        .map(|(stage, line)| StageLine {
            name: stage.name.clone(),
            entered: line.entered,
            conversion: percent(line.conversion),
            days: days(line.average_days_in_stage),
            value: amount(line.value),
        })
        .collect();
    Ok(render(&ReportPage {
        page: Chrome::new(&visitor, "deals"),
        stages,
        won: report.won,
        lost: report.lost,
        won_value: amount(report.won_value),
        lost_value: amount(report.lost_value),
        left_out: (report.left_out > 0).then(|| lang.count("report-left-out", report.left_out)),
        win_rate: percent(report.win_rate),
        cycle: days(report.average_cycle_days),
        pipelines: pipelines.iter().map(|p| (p.id.to_string(), p.fields.name.clone())).collect(),
        pipeline: pipeline.id.to_string(),
        owners: owner_choices(lang, actor, &users),
        owner: wanted.owner.unwrap_or_default(),
        from: from.format("%Y-%m").to_string(),
        lengths: lengths(lang),
        months: months.to_string(),
    }))
}

/// The months a report covers, `[from, until)` and how many: from the month asked for (the
/// one that ends with this month, in the visitor's time zone, when none is), over one of the
/// offered lengths (`default_months` when another is asked).
pub(super) fn period(
    visitor: &Visitor,
    from: Option<&str>,
    months: Option<u32>,
    default_months: u32,
) -> Result<(NaiveDate, NaiveDate, u32), ValidationErrors> {
    let months = months.filter(|m| LENGTHS.contains(m)).unwrap_or(default_months);
    let today = Utc::now().with_timezone(&visitor.timezone).date_naive();
    let this_month = today.with_day(1).unwrap_or(today);
    let from = match from.filter(|f| !f.is_empty()) {
        Some(month) => {
            month_span(month)
                .ok_or_else(|| ValidationErrors::single("from", "is not a month such as 2026-12"))?
                .0
        }
        None => this_month.checked_sub_months(Months::new(months - 1)).unwrap_or(this_month),
    };
    let until = from.checked_add_months(Months::new(months)).unwrap_or(from);
    Ok((from, until, months))
}

/// The lengths a report is offered over, as the period selector names them.
pub(super) fn lengths(lang: Lang) -> Vec<(String, String)> {
    LENGTHS.iter().map(|m| (m.to_string(), lang.count("forecast-months", i64::from(*m)))).collect()
}
