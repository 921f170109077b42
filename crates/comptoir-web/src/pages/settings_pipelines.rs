//! Settings, for admins: the sales pipelines — their stages in order, each stage's chance of
//! winning, the won and lost stages, and the reasons a deal may be lost for.

use super::errors::PageError;
use super::session::{Fields, Submission, Visitor};
use super::{Chrome, redirect, render};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use comptoir_app::AppError;
use comptoir_domain::ValidationErrors;
use comptoir_domain::ids::PipelineId;
use comptoir_domain::pipelines::{Outcome, Pipeline, PipelineWords};
use serde_json::{Value, json};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/pipelines", get(list))
        .route("/settings/pipelines/new", get(new).post(create))
        .route("/settings/pipelines/{id}", get(edit).post(update))
        .route("/settings/pipelines/{id}/delete", post(delete))
}

/// Blank stage lines a form offers beyond the pipeline's own, for stages to add.
const SPARE_STAGES: usize = 3;

const ONLY_ADMINS: &str = "only admins shape the sales pipelines";

#[derive(Template)]
#[template(path = "settings/pipelines.html")]
struct ListPage {
    page: Chrome,
    /// Each pipeline's id, name and stages in order.
    pipelines: Vec<(String, String, String)>,
}

/// A stage line of the form, as shown or as typed.
pub struct StageLine {
    id: String,
    name: String,
    probability: String,
    outcome: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "settings/pipeline.html")]
struct FormPage {
    page: Chrome,
    /// `None` for a new pipeline.
    id: Option<String>,
    version: i64,
    name: String,
    stages: Vec<StageLine>,
    lost_reasons: String,
    outcomes: Vec<(String, String)>,
    /// What was refused, as sentences.
    refused: Vec<String>,
}

fn admins_only(visitor: &Visitor) -> Result<(), PageError> {
    if visitor.actor.is_admin() { Ok(()) } else { Err(AppError::Forbidden(ONLY_ADMINS).into()) }
}

async fn list(State(state): State<AppState>, visitor: Visitor) -> Result<Response, PageError> {
    admins_only(&visitor)?;
    let pipelines = state.app.pipelines(&visitor.actor).await?;
    let pipelines = pipelines
        .iter()
        .map(|p| {
            let stages = p.fields.stages.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(" → ");
            (p.id.to_string(), p.fields.name.clone(), stages)
        })
        .collect();
    Ok(render(&ListPage { page: Chrome::new(&visitor, "settings"), pipelines }))
}

/// A pipeline's form, filled with `pipeline` (or, for a new one, the starter pipeline's
/// stages in the visitor's words) and spare lines.
fn form_page(visitor: &Visitor, pipeline: Option<&Pipeline>) -> FormPage {
    let lang = visitor.lang;
    let (name, stages, lost_reasons) = match pipeline {
        Some(p) => (
            p.fields.name.clone(),
            p.fields
                .stages
                .iter()
                .map(|s| StageLine {
                    id: s.id.to_string(),
                    name: s.name.clone(),
                    probability: s.probability.to_string(),
                    outcome: s.outcome.as_str().to_owned(),
                    error: None,
                })
                .collect(),
            p.fields.lost_reasons.join("\n"),
        ),
        None => {
            let starter = starter_words(lang).starter();
            let stages = starter
                .stages
                .into_iter()
                .map(|s| StageLine {
                    id: String::new(),
                    name: s.name.unwrap_or_default(),
                    probability: s.probability.map(|p| p.to_string()).unwrap_or_default(),
                    outcome: s.outcome.unwrap_or_default().as_str().to_owned(),
                    error: None,
                })
                .collect();
            (String::new(), stages, starter.lost_reasons.join("\n"))
        }
    };
    FormPage {
        page: Chrome::new(visitor, "settings"),
        id: pipeline.map(|p| p.id.to_string()),
        version: pipeline.map_or(0, |p| p.version),
        name,
        stages: with_spares(stages),
        lost_reasons,
        outcomes: Outcome::ALL
            .iter()
            .map(|o| (o.as_str().to_owned(), lang.t(&format!("pipeline-outcome-{}", o.as_str()))))
            .collect(),
        refused: Vec::new(),
    }
}

fn with_spares(mut stages: Vec<StageLine>) -> Vec<StageLine> {
    for _ in 0..SPARE_STAGES {
        stages.push(StageLine {
            id: String::new(),
            name: String::new(),
            probability: String::new(),
            outcome: Outcome::Open.as_str().to_owned(),
            error: None,
        });
    }
    stages
}

/// The starter pipeline in the visitor's words: what the board's first click makes.
pub(super) fn starter_words(lang: Lang) -> PipelineWords {
    let t = |key: &str| lang.t(key);
    PipelineWords {
        name: t("starter-pipeline"),
        open_stages: [
            t("starter-qualify"),
            t("starter-discover"),
            t("starter-propose"),
            t("starter-negotiate"),
        ],
        won: t("starter-won"),
        lost: t("starter-lost"),
        lost_reasons: t("starter-lost-reasons").split(',').map(|r| r.trim().to_owned()).collect(),
    }
}

async fn new(visitor: Visitor) -> Result<Response, PageError> {
    admins_only(&visitor)?;
    Ok(render(&form_page(&visitor, None)))
}

async fn edit(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    admins_only(&visitor)?;
    let id: PipelineId = id.parse().map_err(|_| AppError::NotFound)?;
    let pipeline = state.app.pipeline(&visitor.actor, id).await?;
    Ok(render(&form_page(&visitor, Some(&pipeline))))
}

/// What the form sent: the pipeline as the API takes it, the stage lines as typed, and for
/// each stage of the body the line it came from (blank lines are left out).
struct Sent {
    body: Value,
    lines: Vec<StageLine>,
    line_of_stage: Vec<usize>,
}

fn sent(fields: &Fields) -> Sent {
    let all = |name: &str| fields.all(name).map(|v| v.trim().to_owned()).collect::<Vec<_>>();
    let (ids, names, probabilities, outcomes) =
        (all("stage_id"), all("stage_name"), all("stage_probability"), all("stage_outcome"));
    let mut lines = Vec::new();
    let mut stages = Vec::new();
    let mut line_of_stage = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let line = StageLine {
            id: ids.get(i).cloned().unwrap_or_default(),
            name: name.clone(),
            probability: probabilities.get(i).cloned().unwrap_or_default(),
            outcome: outcomes.get(i).cloned().unwrap_or_else(|| Outcome::Open.as_str().to_owned()),
            error: None,
        };
        // An emptied name takes the stage out; a blank spare line is no stage.
        if !line.name.is_empty() {
            let outcome = Outcome::parse(&line.outcome).unwrap_or_default();
            let mut stage = json!({"name": line.name, "outcome": outcome});
            if !line.id.is_empty() {
                stage["id"] = json!(line.id);
            }
            if outcome == Outcome::Open {
                // A percentage as people type it ("25 %"); what does not read as one is sent
                // out of range, so the rules say what a percentage is.
                let typed = line.probability.trim_end_matches('%').trim();
                stage["probability"] = match typed.parse::<u8>() {
                    Ok(p) => json!(p),
                    Err(_) if typed.is_empty() => Value::Null,
                    Err(_) => json!(101),
                };
            }
            stages.push(stage);
            line_of_stage.push(lines.len());
        }
        lines.push(line);
    }
    let lost_reasons: Vec<&str> = fields
        .get("lost_reasons")
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .collect();
    let body = json!({
        "name": fields.get("name").unwrap_or_default().trim(),
        "stages": stages,
        "lost_reasons": lost_reasons,
    });
    Sent { body, lines, line_of_stage }
}

/// The form again with what was typed and why it was refused: a stage's problems on its line,
/// the others above the form.
fn refused_form(
    visitor: &Visitor,
    id: Option<String>,
    fields: &Fields,
    sent: Sent,
    errors: &ValidationErrors,
) -> Response {
    let lang = visitor.lang;
    let mut page = form_page(visitor, None);
    page.id = id;
    page.version = fields.get("version").and_then(|v| v.parse().ok()).unwrap_or(0);
    page.name = fields.get("name").unwrap_or_default().trim().to_owned();
    page.lost_reasons = fields.get("lost_reasons").unwrap_or_default().to_owned();
    let mut lines = sent.lines;
    for error in &errors.0 {
        let message = lang.message(&error.message);
        let stage = error
            .field
            .strip_prefix("stages[")
            .and_then(|rest| rest.split(']').next())
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| sent.line_of_stage.get(i).copied());
        match stage.and_then(|line| lines.get_mut(line)) {
            Some(line) if line.error.is_none() => line.error = Some(message),
            Some(_) => {}
            None => {
                let label = match error.field.split('[').next().unwrap_or_default() {
                    "name" => "pipeline-name",
                    "lost_reasons" => "pipeline-lost-reasons",
                    _ => "pipeline-stages",
                };
                let colon = if lang == Lang::Fr { " : " } else { ": " };
                page.refused.push(format!("{}{colon}{message}", lang.t(label)));
            }
        }
    }
    // Spare lines again, beyond what was typed.
    lines.retain(|l| !(l.id.is_empty() && l.name.is_empty()));
    page.stages = with_spares(lines);
    (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response()
}

async fn create(State(state): State<AppState>, form: Submission) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    admins_only(visitor)?;
    let sent = sent(&form.fields);
    let saved = state.app.create_pipeline(&visitor.actor, sent.body.clone(), None).await;
    answered(saved, visitor, None, &form.fields, sent)
}

/// Back to the list once saved, or the form again with why it was refused.
fn answered(
    saved: Result<Pipeline, AppError>,
    visitor: &Visitor,
    id: Option<String>,
    fields: &Fields,
    sent: Sent,
) -> Result<Response, PageError> {
    match saved {
        Ok(_) => Ok(redirect("/settings/pipelines", false)),
        Err(AppError::Validation(errors)) => Ok(refused_form(visitor, id, fields, sent, &errors)),
        Err(other) => Err(other.into()),
    }
}

async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    admins_only(visitor)?;
    let id: PipelineId = id.parse().map_err(|_| AppError::NotFound)?;
    let version = form.fields.get("version").and_then(|v| v.parse().ok());
    let sent = sent(&form.fields);
    let saved = state.app.update_pipeline(&visitor.actor, id, &sent.body, version).await;
    answered(saved, visitor, Some(id.to_string()), &form.fields, sent)
}

async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    admins_only(visitor)?;
    let id: PipelineId = id.parse().map_err(|_| AppError::NotFound)?;
    let version = form.fields.get("version").and_then(|v| v.parse().ok());
    match state.app.delete_pipeline(&visitor.actor, id, version).await {
        Ok(()) => Ok(redirect("/settings/pipelines", false)),
        // A pipeline with deals stays: its form says why.
        Err(AppError::Conflict(why)) => {
            let pipeline = state.app.pipeline(&visitor.actor, id).await?;
            let mut page = form_page(visitor, Some(&pipeline));
            page.refused.push(visitor.lang.message(&why));
            Ok((StatusCode::CONFLICT, render(&page)).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
