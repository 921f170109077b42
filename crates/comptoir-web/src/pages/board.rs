//! The deals board: one column per stage of a pipeline, with its cards and what they add up
//! to (how many, their amounts, weighted by probability). A card moves to another stage by a
//! form that works with the keyboard and without script; dragging it submits the same form.

use super::errors::PageError;
use super::owners::{chosen_owner, owner_choices};
use super::session::{Submission, Visitor};
use super::{Chrome, encode, redirect, render};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use comptoir_app::AppError;
use comptoir_app::deals::Deals;
use comptoir_domain::ValidationErrors;
use comptoir_domain::deals::{BoardFilter, Deal, StageTotal};
use comptoir_domain::ids::{DealId, PipelineId, StageId};
use comptoir_domain::money::{BASE_CURRENCY, Money};
use comptoir_domain::pipelines::{Outcome, Pipeline, Stage};
use comptoir_domain::time::month_span;
use comptoir_domain::users::{Actor, User};
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/deals/board", get(board))
        .route("/deals/board/add", post(add))
        .route("/deals/board/move", post(move_card))
        .route("/deals/board/starter", post(starter))
}

/// How many cards a column shows; the rest are a link to the list.
const CARDS_PER_COLUMN: u32 = 50;

/// Which board, from the address: a pipeline (the first by default), one owner's deals
/// (`me`, an id, or everyone's), those expected to close in one month (`YYYY-MM`).
#[derive(Deserialize, Default, Clone)]
struct BoardRequest {
    #[serde(default)]
    pipeline: Option<String>,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    closing: Option<String>,
}

impl BoardRequest {
    /// The board's own address, to come back to after a change.
    fn href(&self, pipeline: PipelineId) -> String {
        let mut href = format!("/deals/board?pipeline={pipeline}");
        for (name, value) in [("owner", &self.owner), ("closing", &self.closing)] {
            if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
                href.push_str(&format!("&{name}={}", encode(value)));
            }
        }
        href
    }
}

/// One currency's line of a column's totals: "3 · 12 500 € · weighted 5 000 €".
pub struct TotalLine {
    pub amount: String,
    pub weighted: String,
}

pub struct Card {
    pub id: DealId,
    pub version: i64,
    pub title: String,
    pub company: Option<String>,
    pub amount: Option<String>,
    pub closes: Option<String>,
    pub owner: Option<String>,
    pub can_move: bool,
}

pub struct Column {
    pub id: StageId,
    pub name: String,
    pub outcome: &'static str,
    pub probability: u8,
    pub count: String,
    pub totals: Vec<TotalLine>,
    /// The column in euros when it holds another currency, and the currencies no rate
    /// converts.
    pub in_base: Option<(TotalLine, Option<String>)>,
    pub cards: Vec<Card>,
    /// "12 more", to the list of the stage's deals.
    pub more: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "deal_board.html")]
struct BoardPage {
    page: Chrome,
    /// `(id, name, current)` of every pipeline, to switch boards.
    pipelines: Vec<(String, String, bool)>,
    pipeline: Option<PipelineId>,
    columns: Vec<Column>,
    /// `(stage id, "Pipeline › Stage")` a card can move to.
    targets: Vec<(String, String)>,
    lost_reasons: Vec<String>,
    owners: Vec<(String, String)>,
    owner: String,
    closing: String,
    back: String,
    list_href: String,
    error: Option<String>,
    can_create: bool,
    can_shape: bool,
}

async fn board(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(wanted): Query<BoardRequest>,
) -> Result<Response, PageError> {
    Ok(render(&board_page(&state, &visitor, &wanted, None).await?))
}

async fn board_page(
    state: &AppState,
    visitor: &Visitor,
    wanted: &BoardRequest,
    error: Option<String>,
) -> Result<BoardPage, PageError> {
    let app = &state.app;
    let actor = &visitor.actor;
    let lang = visitor.lang;
    let pipelines = app.pipelines(actor).await?;
    let users = app.colleagues(actor).await?;
    let chosen = match wanted.pipeline.as_deref().filter(|p| !p.is_empty()) {
        Some(id) => Some(pipelines.iter().find(|p| p.id.to_string() == id).ok_or(AppError::NotFound)?),
        None => pipelines.first(),
    };
    let filter = board_filter(actor, &users, wanted)?;
    let owners = owner_choices(lang, actor, &users);
    let mut page = BoardPage {
        page: Chrome::new(visitor, "deals"),
        pipelines: pipelines
            .iter()
            .map(|p| (p.id.to_string(), p.fields.name.clone(), Some(p.id) == chosen.map(|c| c.id)))
            .collect(),
        pipeline: chosen.map(|p| p.id),
        columns: vec![],
        targets: targets(&pipelines),
        lost_reasons: chosen.map(|p| p.fields.lost_reasons.clone()).unwrap_or_default(),
        owners,
        owner: wanted.owner.clone().unwrap_or_default(),
        closing: wanted.closing.clone().unwrap_or_default(),
        back: chosen.map(|p| wanted.href(p.id)).unwrap_or_else(|| "/deals/board".to_owned()),
        list_href: chosen
            .map(|p| format!("/deals?filter[pipeline_id]={}", p.id))
            .unwrap_or_else(|| "/deals".to_owned()),
        error,
        can_create: actor.can_create_records(),
        can_shape: actor.is_admin(),
    };
    let Some(pipeline) = chosen else {
        return Ok(page);
    };
    let totals = app.stage_totals(actor, pipeline.id, &filter).await?;
    let in_base = app.stage_totals_in_base(&totals).await?;
    for stage in &pipeline.fields.stages {
        let mut column = column(state, visitor, &users, pipeline, stage, &totals, &filter).await?;
        let foreign = totals.iter().any(|t| {
            t.stage_id == stage.id && t.currency.as_deref().is_some_and(|c| c != BASE_CURRENCY.code())
        });
        if foreign && let Some(sum) = in_base.iter().find(|t| t.stage_id == stage.id) {
            let line = TotalLine {
                amount: visitor.lang.amount(&Money::from_minor(sum.amount_minor, BASE_CURRENCY)),
                weighted: visitor.lang.amount(&Money::from_minor(sum.weighted_minor, BASE_CURRENCY)),
            };
            let missing = (!sum.unconverted.is_empty())
                .then(|| visitor.lang.t1("board-unconverted", "currencies", sum.unconverted.join(", ")));
            column.in_base = Some((line, missing));
        }
        page.columns.push(column);
    }
    Ok(page)
}

/// The board's filters, from the address.
fn board_filter(actor: &Actor, users: &[User], wanted: &BoardRequest) -> Result<BoardFilter, AppError> {
    let owner = chosen_owner(actor, users, wanted.owner.as_deref().unwrap_or_default(), "owner")?;
    let closing = match wanted.closing.as_deref().unwrap_or_default() {
        "" => None,
        month => Some(
            month_span(month)
                .ok_or_else(|| ValidationErrors::single("closing", "is not a month such as 2026-12"))?,
        ),
    };
    Ok(BoardFilter { owner, closing })
}

/// Every stage of every pipeline, as a card's "move to" choices: a deal can change pipeline.
fn targets(pipelines: &[Pipeline]) -> Vec<(String, String)> {
    pipelines
        .iter()
        .flat_map(|p| {
            p.fields.stages.iter().map(move |s| {
                let name = if pipelines.len() > 1 {
                    format!("{} › {}", p.fields.name, s.name)
                } else {
                    s.name.clone()
                };
                (s.id.to_string(), name)
            })
        })
        .collect()
}

async fn column(
    state: &AppState,
    visitor: &Visitor,
    users: &[User],
    pipeline: &Pipeline,
    stage: &Stage,
    totals: &[StageTotal],
    filter: &BoardFilter,
) -> Result<Column, PageError> {
    let lang = visitor.lang;
    let actor = &visitor.actor;
    let mine: Vec<&StageTotal> = totals.iter().filter(|t| t.stage_id == stage.id).collect();
    let count: i64 = mine.iter().map(|t| t.deals).sum();
    let mut pairs = vec![("filter[stage_id]", stage.id.to_string()), ("limit", CARDS_PER_COLUMN.to_string())];
    // Open deals come by the day they should close; closed ones by the day they did.
    pairs.push((
        "sort",
        if stage.outcome == Outcome::Open { "expected_close_on" } else { "-closed_at" }.to_owned(),
    ));
    let mut narrowed = vec![];
    if let Some(owner) = filter.owner {
        narrowed.push(("filter[owner_id]", owner.to_string()));
    }
    if let Some((from, until)) = filter.closing {
        narrowed.push(("filter[expected_close_on][gte]", from.to_string()));
        narrowed.push(("filter[expected_close_on][lt]", until.to_string()));
    }
    pairs.extend(narrowed.iter().cloned());
    let deals = state.app.list::<Deals>(actor, &super::list_query(&pairs)?).await?.data;
    let shown = deals.len();
    let more = (count > i64::try_from(shown).unwrap_or(i64::MAX)).then(|| {
        let mut href = format!("/deals?filter[pipeline_id]={}&filter[stage_id]={}", pipeline.id, stage.id);
        for (name, value) in &narrowed {
            href.push_str(&format!("&{name}={}", encode(value)));
        }
        (lang.count("board-more", count - i64::try_from(shown).unwrap_or(0)), href)
    });
    Ok(Column {
        id: stage.id,
        name: stage.name.clone(),
        outcome: stage.outcome.as_str(),
        probability: stage.probability,
        count: lang.count("board-deals", count),
        totals: mine.iter().filter_map(|t| total_line(lang, t)).collect(),
        in_base: None,
        cards: deals.iter().map(|deal| card(lang, actor, users, deal)).collect(),
        more,
    })
}

fn total_line(lang: Lang, total: &StageTotal) -> Option<TotalLine> {
    let currency = comptoir_domain::money::Currency::parse(total.currency.as_deref()?).ok()?;
    Some(TotalLine {
        amount: lang.amount(&Money::from_minor(total.amount_minor, currency)),
        weighted: lang.amount(&Money::from_minor(total.weighted_minor, currency)),
    })
}

fn card(lang: Lang, actor: &Actor, users: &[User], deal: &Deal) -> Card {
    let f = &deal.fields;
    Card {
        id: deal.id,
        version: deal.version,
        title: f.title.clone(),
        company: deal.company.as_ref().map(|c| c.name.clone()),
        amount: f.amount.map(|m| lang.amount(&m)),
        closes: f.expected_close_on.map(|d| lang.day(d)),
        owner: f.owner_id.and_then(|id| users.iter().find(|u| u.id == id)).map(|u| u.name().to_owned()),
        can_move: actor.can_modify(f.owner_id),
    }
}

/// Where a board's form sends the visitor back to: a board, never elsewhere.
fn back_to(typed: Option<String>) -> String {
    typed.filter(|b| b.starts_with("/deals/board")).unwrap_or_else(|| "/deals/board".to_owned())
}

/// The board a form came from, to show it again with an error.
fn request_of(back: &str) -> BoardRequest {
    let query = back.split_once('?').map(|(_, q)| q).unwrap_or_default();
    serde_urlencoded::from_str(query).unwrap_or_default()
}

/// The board again, saying what was refused and why.
async fn refused(
    state: &AppState,
    visitor: &Visitor,
    back: &str,
    errors: &ValidationErrors,
) -> Result<Response, PageError> {
    let lang = visitor.lang;
    let message = errors
        .0
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                lang.t(&format!("board-field-{}", e.field.replace('_', "-"))),
                lang.message(&e.message)
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    let page = board_page(state, visitor, &request_of(back), Some(message)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
}

/// Moves a card: to the stage picked in its form, or the column it was dropped on.
async fn move_card(State(state): State<AppState>, form: Submission) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let back = back_to(form.fields.text("back"));
    let deal = form.fields.text("deal").and_then(|d| d.parse::<DealId>().ok()).ok_or(AppError::NotFound)?;
    let stage = form
        .fields
        .text("stage_id")
        .and_then(|s| s.parse::<StageId>().ok())
        .ok_or_else(|| AppError::Validation(ValidationErrors::single("stage_id", "is required")))?;
    let version = super::records::version_of(&form.fields);
    let reason = form.fields.text("lost_reason");
    match state.app.move_deal(&visitor.actor, deal, stage, reason, version).await {
        Ok(_) => Ok(redirect(&back, visitor.htmx)),
        Err(AppError::Validation(errors)) => refused(&state, visitor, &back, &errors).await,
        Err(other) => Err(other.into()),
    }
}

/// A deal added at the foot of a column: its title, in that stage.
async fn add(State(state): State<AppState>, form: Submission) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let back = back_to(form.fields.text("back"));
    let body = json!({
        "title": form.fields.text("title"),
        "stage_id": form.fields.text("stage_id"),
    });
    match state.app.create::<Deals>(&visitor.actor, body, None).await {
        Ok(_) => Ok(redirect(&back, false)),
        Err(AppError::Validation(errors)) => refused(&state, visitor, &back, &errors).await,
        Err(other) => Err(other.into()),
    }
}

/// The first pipeline, in the visitor's language, for a team that starts selling here.
async fn starter(State(state): State<AppState>, form: Submission) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let words = super::settings_pipelines::starter_words(visitor.lang);
    let pipeline = state.app.create_starter_pipeline(&visitor.actor, words).await?;
    Ok(redirect(&format!("/deals/board?pipeline={}", pipeline.id), false))
}
