//! Customer service over a period, as a table: tickets opened and solved, deadlines kept,
//! first-contact resolutions, reopenings and the time to a first answer, whole and by agent,
//! channel or priority.

use super::chart::{BarChart, Period};
use super::errors::PageError;
use super::report::{lengths, period};
use super::session::Visitor;
use super::{Chrome, render};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use comptoir_domain::service_report::{BacklogBand, ReportGrouping, ServiceReportRow, ServiceReportScope};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/tickets/report", get(report))
}

#[derive(Deserialize, Default)]
struct ReportRequest {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    months: Option<u32>,
    #[serde(default)]
    by: Option<String>,
}

/// One row of the table, as shown.
struct Line {
    name: String,
    total: bool,
    opened: i64,
    solved: i64,
    first_response: String,
    next_response: String,
    resolution: String,
    fcr: String,
    reopen: String,
    mean_first_response: String,
    median_first_response: String,
    median_resolution: String,
    satisfaction: String,
}

#[derive(Template)]
#[template(path = "service_report.html")]
struct ReportPage {
    page: Chrome,
    lines: Vec<Line>,
    group_label: String,
    from: String,
    lengths: Vec<(String, String)>,
    months: String,
    groupings: Vec<(String, String)>,
    by: String,
    backlog: Vec<(String, i64)>,
    chart: BarChart,
    chart_id: &'static str,
    chart_title: String,
}

async fn report(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(wanted): Query<ReportRequest>,
) -> Result<Response, PageError> {
    let app = &state.app;
    let actor = &visitor.actor;
    let lang = visitor.lang;
    let (from, until, months) = period(&visitor, wanted.from.as_deref(), wanted.months, 1)?;
    let by = wanted.by.as_deref().and_then(ReportGrouping::parse).unwrap_or(ReportGrouping::Assignee);
    let report = app.service_report(actor, &ServiceReportScope { from, until, by: Some(by) }).await?;
    let users = app.colleagues(actor).await?;
    let teams = if by == ReportGrouping::Team { app.teams_by_name().await? } else { Vec::new() };
    let name = |group: &Option<String>| match (by, group) {
        (ReportGrouping::Team, None) => lang.t("service-report-no-team"),
        (_, None) => lang.t("service-report-nobody"),
        (ReportGrouping::Team, Some(id)) => {
            teams.iter().find(|t| t.id.to_string() == *id).map(|t| t.name.clone()).unwrap_or_default()
        }
        (ReportGrouping::Assignee, Some(id)) => {
            users.iter().find(|u| u.id.to_string() == *id).map(|u| u.name().to_owned()).unwrap_or_default()
        }
        (ReportGrouping::Channel, Some(code)) => lang.t(&format!("ticket-channel-{code}")),
        (ReportGrouping::Priority, Some(code)) => lang.t(&format!("ticket-priority-{code}")),
    };
    let mut lines: Vec<Line> =
        report.groups.iter().map(|row| line(lang, name(&row.group), false, row)).collect();
    lines.push(line(lang, lang.t("service-report-total"), true, &report.total));
    let groupings =
        [ReportGrouping::Assignee, ReportGrouping::Team, ReportGrouping::Channel, ReportGrouping::Priority]
            .iter()
            .map(|g| (g.as_str().to_owned(), lang.t(&format!("service-report-by-{}", g.as_str()))))
            .collect();
    let backlog: Vec<(String, i64)> =
        report.backlog.iter().map(|band| (band_label(lang, band), band.tickets)).collect();
    let bars = backlog
        .iter()
        .map(|(label, tickets)| Period {
            label: label.clone(),
            values: vec![("backlog", *tickets, lang.count("service-report-backlog-tickets", *tickets))],
        })
        .collect();
    Ok(render(&ReportPage {
        chart: BarChart::nested(bars, |n| lang.number(n as f64, 0)),
        chart_id: "backlog-chart",
        chart_title: lang.t("service-report-backlog"),
        backlog,
        page: Chrome::new(&visitor, "tickets"),
        lines,
        group_label: lang.t(&format!("service-report-by-{}", by.as_str())),
        from: from.format("%Y-%m").to_string(),
        lengths: lengths(lang),
        months: months.to_string(),
        groupings,
        by: by.as_str().to_owned(),
    }))
}

/// "1 to 3 days", "30 days and more": the age of one band of the backlog.
fn band_label(lang: Lang, band: &BacklogBand) -> String {
    match band.until_days {
        Some(1) if band.from_days == 0 => lang.t("service-report-backlog-today"),
        Some(until) => lang.tn(
            "service-report-backlog-between",
            &[("from", &band.from_days.to_string()), ("until", &until.to_string())],
        ),
        None => lang.t1("service-report-backlog-older", "n", band.from_days),
    }
}

fn line(lang: Lang, name: String, total: bool, row: &ServiceReportRow) -> Line {
    let percent = |share: Option<f64>| {
        share.map(|s| lang.t1("report-percent", "n", lang.number(s * 100.0, 0))).unwrap_or_default()
    };
    // Minutes below an hour, hours below two days, days beyond.
    let wait = |seconds: Option<f64>| match seconds {
        None => String::new(),
        Some(s) if s < 3600.0 => lang.t1("service-report-minutes", "n", lang.number((s / 60.0).round(), 0)),
        Some(s) if s < 172_800.0 => lang.t1("service-report-hours", "n", lang.number(s / 3600.0, 1)),
        Some(s) => lang.t1("service-report-days", "n", lang.number(s / 86_400.0, 1)),
    };
    Line {
        name,
        total,
        opened: row.opened,
        solved: row.solved,
        first_response: percent(row.first_response_compliance),
        next_response: percent(row.next_response_compliance),
        resolution: percent(row.resolution_compliance),
        fcr: percent(row.first_contact_resolution_rate),
        reopen: percent(row.reopen_rate),
        mean_first_response: wait(row.mean_first_response_seconds),
        median_first_response: wait(row.median_first_response_seconds),
        median_resolution: wait(row.median_resolution_seconds),
        satisfaction: match (row.satisfaction, row.mean_rating) {
            (Some(share), Some(mean)) => lang.tn(
                "service-report-csat",
                &[
                    ("percent", &percent(Some(share))),
                    ("mean", &lang.number(mean, 1)),
                    ("rated", &row.rated.to_string()),
                ],
            ),
            _ => String::new(),
        },
    }
}
