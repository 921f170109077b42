//! Settings › Service levels: the business hours deadlines are counted in, and the policies
//! that set them, written by admins through the same use case as
//! `PUT /api/v1/settings/service-levels`.

use super::errors::PageError;
use super::session::{Fields, Submission, Visitor};
use super::{Chrome, redirect, render};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;
use comptoir_app::AppError;
use comptoir_domain::service_levels::{ServiceLevels, WEEKDAYS};
use serde_json::{Map, Value, json};

pub fn router() -> Router<AppState> {
    Router::new().route("/settings/service-levels", get(levels).post(save))
}

const PRIORITIES: [&str; 4] = ["low", "normal", "high", "urgent"];
const HOLIDAYS: [&str; 3] = ["france", "alsace_moselle", "none"];

/// One policy's row, as stored or as typed.
struct PolicyRow {
    index: usize,
    priorities: Vec<(&'static str, String, bool)>,
    typed: TypedPolicy,
}

/// A policy as the form shows it: targets in minutes, as typed.
#[derive(Default)]
struct TypedPolicy {
    name: String,
    priorities: Vec<String>,
    categories: String,
    service_tiers: String,
    first_response: String,
    next_response: String,
    resolution: String,
}

#[derive(Template)]
#[template(path = "settings/service_levels.html")]
struct LevelsPage {
    page: Chrome,
    version: i64,
    time_zone: String,
    holidays: Vec<(&'static str, String, bool)>,
    days: Vec<(&'static str, String, String)>,
    closed_days: String,
    warn_before: String,
    raise_priority: bool,
    policies: Vec<PolicyRow>,
    errors: Vec<String>,
}

/// What the form shows, as typed or as stored.
struct Typed {
    time_zone: String,
    holidays: String,
    days: Vec<String>,
    closed_days: String,
    warn_before: String,
    raise_priority: bool,
    policies: Vec<TypedPolicy>,
}

impl Typed {
    fn of(levels: &ServiceLevels, lang: Lang) -> Typed {
        let hours = &levels.business_hours;
        let holidays =
            serde_json::to_value(hours.public_holidays).ok().and_then(|v| v.as_str().map(str::to_owned));
        let minutes = |m: Option<u32>| m.map(|m| m.to_string()).unwrap_or_default();
        Typed {
            time_zone: hours.time_zone.clone(),
            holidays: holidays.unwrap_or_default(),
            days: WEEKDAYS
                .iter()
                .map(|d| hours.hours.get(*d).map(|o| o.join(", ")).unwrap_or_default())
                .collect(),
            closed_days: hours.closed_days.iter().map(|d| lang.listed_day(*d)).collect::<Vec<_>>().join(", "),
            warn_before: levels.warn_before_minutes.to_string(),
            raise_priority: levels.raise_priority_when_missed,
            policies: levels
                .policies
                .iter()
                .map(|p| TypedPolicy {
                    name: p.name.clone(),
                    priorities: p.priorities.iter().map(|p| p.as_str().to_owned()).collect(),
                    categories: p.categories.join(", "),
                    service_tiers: p.service_tiers.join(", "),
                    first_response: minutes(p.first_response_minutes),
                    next_response: minutes(p.next_response_minutes),
                    resolution: minutes(p.resolution_minutes),
                })
                .collect(),
        }
    }

    fn from_form(fields: &Fields) -> Typed {
        let kept = |name: &str| fields.get(name).unwrap_or_default().to_owned();
        let rows = fields.all("policy").count();
        Typed {
            time_zone: kept("time_zone"),
            holidays: kept("public_holidays"),
            days: WEEKDAYS.iter().map(|d| kept(&format!("hours_{d}"))).collect(),
            closed_days: kept("closed_days"),
            warn_before: kept("warn_before_minutes"),
            raise_priority: fields.get("raise_priority_when_missed").is_some(),
            policies: (0..rows)
                .map(|n| TypedPolicy {
                    name: kept(&format!("policy_{n}_name")),
                    priorities: fields.all(&format!("policy_{n}_priorities")).map(str::to_owned).collect(),
                    categories: kept(&format!("policy_{n}_categories")),
                    service_tiers: kept(&format!("policy_{n}_service_tiers")),
                    first_response: kept(&format!("policy_{n}_first_response")),
                    next_response: kept(&format!("policy_{n}_next_response")),
                    resolution: kept(&format!("policy_{n}_resolution")),
                })
                .filter(|policy| !policy.name.trim().is_empty())
                .collect(),
        }
    }

    /// The closed days as the API reads them (`2026-12-24`), each typed as the language writes
    /// it; one that is not a day is kept as typed.
    fn closed_days(&self, lang: Lang) -> Vec<String> {
        split_list(&self.closed_days)
            .into_iter()
            .map(|typed| lang.read_day(&typed).map_or(typed, |day| day.to_string()))
            .collect()
    }

    /// The API's document: lists split at commas, numbers read when they are numbers and sent
    /// as typed when not, for the rules to name them.
    fn body(&self, lang: Lang) -> Value {
        let number = |text: &str| match text.trim() {
            "" => Value::Null,
            typed => typed.parse::<u64>().map_or(Value::String(typed.to_owned()), Value::from),
        };
        let mut hours = Map::new();
        for (day, openings) in WEEKDAYS.iter().zip(&self.days) {
            let openings = split_list(openings);
            if !openings.is_empty() {
                hours.insert((*day).to_owned(), json!(openings));
            }
        }
        let policies: Vec<Value> = self
            .policies
            .iter()
            .map(|p| {
                json!({"name": p.name.trim(), "priorities": p.priorities, "categories": split_list(&p.categories),
                       "service_tiers": split_list(&p.service_tiers),
                       "first_response_minutes": number(&p.first_response),
                       "next_response_minutes": number(&p.next_response),
                       "resolution_minutes": number(&p.resolution)})
            })
            .collect();
        json!({
            "business_hours": {"time_zone": self.time_zone.trim(), "hours": hours,
                               "public_holidays": self.holidays, "closed_days": self.closed_days(lang)},
            "policies": policies,
            "warn_before_minutes": number(&self.warn_before),
            "raise_priority_when_missed": self.raise_priority,
        })
    }
}

fn page(visitor: &Visitor, version: i64, typed: Typed, errors: Vec<String>) -> LevelsPage {
    let page = Chrome::new(visitor, "settings");
    let holidays = HOLIDAYS
        .iter()
        .map(|h| (*h, page.t(&format!("levels-holidays-{h}")), typed.holidays == *h))
        .collect();
    let days =
        WEEKDAYS.iter().zip(typed.days).map(|(d, o)| (*d, page.t(&format!("levels-day-{d}")), o)).collect();
    let mut rows = typed.policies;
    // One empty row to add a policy with.
    rows.push(Default::default());
    let policies = rows
        .into_iter()
        .enumerate()
        .map(|(index, typed)| PolicyRow {
            index,
            priorities: PRIORITIES
                .iter()
                .map(|p| {
                    (*p, page.t(&format!("ticket-priority-{p}")), typed.priorities.iter().any(|c| c == p))
                })
                .collect(),
            typed,
        })
        .collect();
    LevelsPage {
        page,
        version,
        time_zone: typed.time_zone,
        holidays,
        days,
        closed_days: typed.closed_days,
        warn_before: typed.warn_before,
        raise_priority: typed.raise_priority,
        policies,
        errors,
    }
}

async fn levels(
    State(state): State<AppState>,
    visitor: Visitor,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    if !visitor.actor.is_admin() {
        return Err(AppError::Forbidden("only admins set the service levels").into());
    }
    let (levels, version) = state.app.service_levels().await?;
    let mut shown = page(&visitor, version, Typed::of(&levels, visitor.lang), Vec::new());
    if query.as_deref() == Some("saved") {
        shown.page = shown.page.with_flash(Some(visitor.lang.t("levels-saved")));
    }
    Ok(render(&shown))
}

async fn save(State(state): State<AppState>, form: Submission) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let typed = Typed::from_form(&form.fields);
    let version = super::records::version_of(&form.fields);
    let unread: Vec<String> = typed
        .closed_days(visitor.lang)
        .into_iter()
        .filter(|day| NaiveDate::parse_from_str(day, "%Y-%m-%d").is_err())
        .map(|day| {
            let label = visitor.lang.t("levels-closed-days-label");
            visitor.lang.tn("filter-not-a-date", &[("field", &label), ("value", &day)])
        })
        .collect();
    if !unread.is_empty() {
        let shown = page(visitor, version.unwrap_or_default(), typed, unread);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&shown)).into_response());
    }
    match state.app.set_service_levels(&visitor.actor, typed.body(visitor.lang), version).await {
        Ok(_) => Ok(redirect("/settings/service-levels?saved", false)),
        Err(AppError::Validation(errors)) => {
            let colon = if visitor.lang.code() == "fr" { " : " } else { ": " };
            let said = errors.0.iter().map(|e| {
                let label = field_label(visitor.lang, &typed, &e.field);
                format!("{label}{colon}{}", visitor.lang.message(&e.message))
            });
            let said: Vec<String> = said.collect();
            let shown = page(visitor, version.unwrap_or_default(), typed, said);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&shown)).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// The label a refused field has on this page: `policies[0].resolution_minutes` is the
/// "Resolved within" of that policy, `business_hours.hours.monday[1]` is Monday.
fn field_label(lang: Lang, typed: &Typed, field: &str) -> String {
    if let Some(rest) = field.strip_prefix("policies[") {
        let (index, part) = rest.split_once(']').unwrap_or((rest, ""));
        let policy = index.parse::<usize>().ok().map(|n| {
            match typed.policies.get(n).map(|p| p.name.trim()).filter(|name| !name.is_empty()) {
                Some(name) if lang == Lang::Fr => format!("« {name} »"),
                Some(name) => format!("\u{201c}{name}\u{201d}"),
                None => lang.t1("levels-policy-numbered", "n", n + 1),
            }
        });
        let part = match part.trim_start_matches('.') {
            "name" => Some("levels-policy-name"),
            "first_response_minutes" => Some("levels-policy-first-response"),
            "next_response_minutes" => Some("levels-policy-next-response"),
            "resolution_minutes" => Some("levels-policy-resolution"),
            _ => None,
        };
        return match (policy, part) {
            (Some(policy), Some(part)) => format!("{policy} › {}", lang.t(part)),
            (Some(policy), None) => policy,
            (None, _) => lang.t("levels-policies"),
        };
    }
    let day = field.strip_prefix("business_hours.hours.").map(|d| d.split('[').next().unwrap_or(d));
    match (field, day) {
        (_, Some(day)) if WEEKDAYS.contains(&day) => lang.t(&format!("levels-day-{day}")),
        ("business_hours.hours", _) => lang.t("levels-hours"),
        ("business_hours.time_zone", _) => lang.t("levels-time-zone"),
        ("business_hours.public_holidays", _) => lang.t("levels-holidays"),
        (f, _) if f.starts_with("business_hours.closed_days") => lang.t("levels-closed-days-label"),
        ("warn_before_minutes", _) => lang.t("levels-warn-before"),
        ("raise_priority_when_missed", _) => lang.t("levels-raise-priority"),
        ("policies", _) => lang.t("levels-policies"),
        (other, _) => other.to_owned(),
    }
}

/// The items of a list typed with commas between them.
fn split_list(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}
