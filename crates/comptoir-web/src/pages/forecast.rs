//! The sales forecast: month by month, what is won, what is weighted by probability and the
//! best case, as a chart and as a table, for one pipeline or all, one owner or everyone.

use super::chart::{BarChart, Period};
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
use chrono::{Datelike, Utc};
use comptoir_app::AppError;
use comptoir_domain::ValidationErrors;
use comptoir_domain::deals::{ForecastBy, ForecastMonth, ForecastPer, ForecastScope};
use comptoir_domain::ids::PipelineId;
use comptoir_domain::money::{BASE_CURRENCY, Money};
use comptoir_domain::time::month_span;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/deals/forecast", get(forecast))
}

/// The lengths a forecast is offered in, in months.
const LENGTHS: [u32; 4] = [3, 6, 12, 24];

#[derive(Deserialize, Default)]
struct ForecastRequest {
    #[serde(default)]
    pipeline: Option<String>,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    months: Option<u32>,
    #[serde(default)]
    per: Option<String>,
    #[serde(default)]
    by: Option<String>,
}

pub struct Row {
    pub month: String,
    pub won_deals: i64,
    pub committed: String,
    pub open_deals: i64,
    pub weighted: String,
    pub best_case: String,
}

#[derive(Template)]
#[template(path = "forecast.html")]
struct ForecastPage {
    page: Chrome,
    chart: BarChart,
    chart_id: &'static str,
    chart_title: String,
    rows: Vec<Row>,
    total: Row,
    left_out: Option<String>,
    /// The bar's controls, in order.
    controls: Vec<Control>,
    period_heading: String,
    /// The period's figures per owner or per pipeline, when asked.
    split: Option<Split>,
}

/// A control of the forecast's bar: a list to pick from, or, without choices, a month to type.
pub struct Control {
    id: &'static str,
    name: &'static str,
    label: String,
    choices: Vec<(String, String)>,
    chosen: String,
}

fn choices(lang: Lang, keys: &[(&str, &str)]) -> Vec<(String, String)> {
    keys.iter().map(|(value, key)| ((*value).to_owned(), lang.t(key))).collect()
}

pub struct Split {
    heading: String,
    column: String,
    rows: Vec<Row>,
}

async fn forecast(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(wanted): Query<ForecastRequest>,
) -> Result<Response, PageError> {
    let app = &state.app;
    let actor = &visitor.actor;
    let lang = visitor.lang;
    let users = app.colleagues(actor).await?;
    let pipelines = app.pipelines(actor).await?;
    let today = Utc::now().with_timezone(&visitor.timezone).date_naive();
    let this_month = today.with_day(1).unwrap_or(today);
    let from = match wanted.from.as_deref().filter(|f| !f.is_empty()) {
        Some(month) => {
            month_span(month)
                .ok_or_else(|| ValidationErrors::single("from", "is not a month such as 2026-12"))?
                .0
        }
        None => this_month,
    };
    let months = wanted.months.filter(|m| LENGTHS.contains(m)).unwrap_or(12);
    let owner = chosen_owner(actor, &users, wanted.owner.as_deref().unwrap_or_default(), "owner")?;
    let pipeline = match wanted.pipeline.as_deref().unwrap_or_default() {
        "" => None,
        id => Some(
            id.parse::<PipelineId>()
                .ok()
                .filter(|id| pipelines.iter().any(|p| p.id == *id))
                .ok_or(AppError::NotFound)?,
        ),
    };
    let per = match wanted.per.as_deref() {
        Some("quarter") => ForecastPer::Quarter,
        _ => ForecastPer::Month,
    };
    let (from, until) = per.span(from, months).unwrap_or((from, from));
    let scope = ForecastScope { pipeline, owner, from, until, by: None };
    let forecast = app.forecast(actor, &scope, per).await?;
    let money = |minor: i64| lang.amount(&Money::from_minor(minor, BASE_CURRENCY));
    let by = match wanted.by.as_deref() {
        Some("owner") => Some(ForecastBy::Owner),
        Some("pipeline") => Some(ForecastBy::Pipeline),
        _ => None,
    };
    let split = match by {
        None => None,
        Some(by) => {
            let split = app.forecast(actor, &ForecastScope { by: Some(by), ..scope.clone() }, per).await?;
            let name = |group: Option<uuid::Uuid>| match by {
                ForecastBy::Owner => {
                    users.iter().find(|u| Some(u.id.0) == group).map(|u| u.name().to_owned())
                }
                ForecastBy::Pipeline => {
                    pipelines.iter().find(|p| Some(p.id.0) == group).map(|p| p.fields.name.clone())
                }
            };
            let rows = per_group(&split.data)
                .into_iter()
                .map(|g| Row {
                    month: name(g.group_id).unwrap_or_else(|| lang.t("forecast-no-owner")),
                    ..row(lang, per, &g, &money)
                })
                .collect();
            let (heading, column) = match by {
                ForecastBy::Owner => ("forecast-by-owner", "board-owner"),
                ForecastBy::Pipeline => ("forecast-by-pipeline", "col-pipeline-name"),
            };
            Some(Split { heading: lang.t(heading), column: lang.t(column), rows })
        }
    };
    let rows: Vec<Row> = forecast.data.iter().map(|m| row(lang, per, m, &money)).collect();
    let sum = |f: fn(&ForecastMonth) -> i64| forecast.data.iter().map(f).sum::<i64>();
    let total = Row {
        month: lang.t("forecast-total"),
        won_deals: sum(|m| m.won_deals),
        committed: money(sum(|m| m.committed)),
        open_deals: sum(|m| m.open_deals),
        weighted: money(sum(|m| m.weighted)),
        best_case: money(sum(|m| m.best_case)),
    };
    let periods = forecast
        .data
        .iter()
        .map(|m| Period {
            label: period_label(lang, per, &m.month, false),
            values: vec![
                (
                    "best-case",
                    m.best_case,
                    format!("{} {}", lang.t("forecast-best-case"), money(m.best_case)),
                ),
                ("weighted", m.weighted, format!("{} {}", lang.t("forecast-weighted"), money(m.weighted))),
                (
                    "committed",
                    m.committed,
                    format!("{} {}", lang.t("forecast-committed"), money(m.committed)),
                ),
            ],
        })
        .collect();
    // The scale counts whole units of the currency: cents would only crowd it.
    let chart =
        BarChart::nested(periods, |minor| lang.whole_amount(&Money::from_minor(minor, BASE_CURRENCY)));
    let owners = owner_choices(lang, actor, &users);
    let mut pipeline_choices = vec![(String::new(), lang.t("forecast-all-pipelines"))];
    pipeline_choices.extend(pipelines.iter().map(|p| (p.id.to_string(), p.fields.name.clone())));
    Ok(render(&ForecastPage {
        page: Chrome::new(&visitor, "deals"),
        chart,
        chart_id: "forecast-chart",
        chart_title: lang.tn(
            match per {
                ForecastPer::Month => "forecast-chart-title",
                ForecastPer::Quarter => "forecast-chart-title-quarters",
            },
            &[("from", &rows.first().map(|r| r.month.clone()).unwrap_or_default())],
        ),
        rows,
        total,
        left_out: (forecast.left_out > 0).then(|| lang.count("forecast-left-out", forecast.left_out)),
        controls: vec![
            Control {
                id: "forecast-pipeline",
                name: "pipeline",
                label: lang.t("col-pipeline-name"),
                choices: pipeline_choices,
                chosen: wanted.pipeline.unwrap_or_default(),
            },
            Control {
                id: "forecast-owner",
                name: "owner",
                label: lang.t("board-owner"),
                choices: owners,
                chosen: wanted.owner.unwrap_or_default(),
            },
            Control {
                id: "forecast-from",
                name: "from",
                label: lang.t("forecast-from"),
                choices: Vec::new(),
                chosen: from.format("%Y-%m").to_string(),
            },
            Control {
                id: "forecast-months",
                name: "months",
                label: lang.t("forecast-length"),
                choices: LENGTHS
                    .iter()
                    .map(|m| (m.to_string(), lang.count("forecast-months", i64::from(*m))))
                    .collect(),
                chosen: months.to_string(),
            },
            Control {
                id: "forecast-per",
                name: "per",
                label: lang.t("forecast-per"),
                choices: choices(
                    lang,
                    &[("month", "forecast-per-month"), ("quarter", "forecast-per-quarter")],
                ),
                chosen: match per {
                    ForecastPer::Month => "month",
                    ForecastPer::Quarter => "quarter",
                }
                .to_owned(),
            },
            Control {
                id: "forecast-by",
                name: "by",
                label: lang.t("forecast-split"),
                choices: choices(
                    lang,
                    &[
                        ("", "forecast-split-none"),
                        ("owner", "forecast-split-owner"),
                        ("pipeline", "forecast-split-pipeline"),
                    ],
                ),
                chosen: match by {
                    None => "",
                    Some(ForecastBy::Owner) => "owner",
                    Some(ForecastBy::Pipeline) => "pipeline",
                }
                .to_owned(),
            },
        ],
        period_heading: lang.t(match per {
            ForecastPer::Month => "forecast-month",
            ForecastPer::Quarter => "forecast-quarter",
        }),
        split,
    }))
}

/// The whole period's figures for each owner or pipeline of a split forecast, those weighing
/// most first (their `month` left empty).
fn per_group(periods: &[ForecastMonth]) -> Vec<ForecastMonth> {
    let mut groups: Vec<ForecastMonth> = Vec::new();
    for period in periods {
        let group = match groups.iter_mut().find(|g| g.group_id == period.group_id) {
            Some(group) => group,
            None => {
                groups.push(ForecastMonth { group_id: period.group_id, ..ForecastMonth::default() });
                groups.last_mut().expect("just pushed")
            }
        };
        group.won_deals += period.won_deals;
        group.committed += period.committed;
        group.open_deals += period.open_deals;
        group.weighted += period.weighted;
        group.best_case += period.best_case;
    }
    // A split with no deal at all has one empty row, for nobody: nothing to show.
    groups.retain(|g| g.won_deals + g.open_deals > 0);
    groups.sort_by(|a, b| b.weighted.cmp(&a.weighted).then(b.best_case.cmp(&a.best_case)));
    groups
}

fn row(lang: Lang, per: ForecastPer, month: &ForecastMonth, money: &impl Fn(i64) -> String) -> Row {
    Row {
        month: period_label(lang, per, &month.month, true),
        won_deals: month.won_deals,
        committed: money(month.committed),
        open_deals: month.open_deals,
        weighted: money(month.weighted),
        best_case: money(month.best_case),
    }
}

/// `2026-12` as people say it: "déc. 2026", or "déc." under a chart's bar; the quarter it
/// starts, "T4 2026", per quarter.
fn period_label(lang: Lang, per: ForecastPer, month: &str, with_year: bool) -> String {
    let Some((year, number)) = month.split_once('-') else { return month.to_owned() };
    let number: u32 = number.parse().unwrap_or(1);
    let name = match per {
        ForecastPer::Month => lang.t(&format!("month-{number}")),
        ForecastPer::Quarter => lang.tn("quarter", &[("n", &((number - 1) / 3 + 1).to_string())]),
    };
    if with_year { format!("{name} {year}") } else { name }
}
