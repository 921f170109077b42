//! The satisfaction survey a requester opens from their mail. There is no sign-in: the secret
//! in the link is the key, so a form from elsewhere cannot answer without it, and the page is
//! never cached nor its address passed on to other sites.

use super::{assets, render};
use crate::i18n::Lang;
use crate::pages::errors::PageError;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use comptoir_app::AppError;
use comptoir_domain::surveys::{Survey, SurveyAnswerInput, SurveyState};
use comptoir_domain::time::now;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/survey/{secret}", get(survey_page).post(answer))
}

#[derive(Deserialize)]
struct SurveyQuery {
    score: Option<String>,
    lang: Option<String>,
}

#[derive(Deserialize)]
struct SurveyForm {
    score: Option<String>,
    comment: Option<String>,
    lang: Option<String>,
}

/// What the page shows: the form, or why there is none.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Showing {
    Form,
    Thanks,
    Answered,
    Expired,
}

#[derive(Template)]
#[template(path = "survey.html")]
struct SurveyPage {
    lang: Lang,
    asset_version: &'static str,
    secret: String,
    about: String,
    showing: Showing,
    scores: Vec<(i16, String)>,
    chosen: Option<i16>,
    comment: String,
    error: Option<String>,
}

impl SurveyPage {
    fn new(lang: Lang, secret: String, survey: &Survey, showing: Showing) -> SurveyPage {
        let about =
            lang.tn("survey-about", &[("reference", &survey.reference), ("subject", &survey.subject)]);
        SurveyPage {
            lang,
            asset_version: assets::version(),
            secret,
            about,
            showing,
            scores: (1..=5).map(|score| (score, lang.t(&format!("survey-score-{score}")))).collect(),
            chosen: None,
            comment: String::new(),
            error: None,
        }
    }
}

/// The survey's language, unless the requester chose the other one.
fn language(chosen: Option<&str>, survey: &Survey) -> Lang {
    chosen.and_then(Lang::parse).or_else(|| Lang::parse(survey.language.code())).unwrap_or(Lang::Fr)
}

fn showing(state: SurveyState) -> Showing {
    match state {
        SurveyState::Open => Showing::Form,
        SurveyState::Answered => Showing::Answered,
        SurveyState::Expired => Showing::Expired,
    }
}

fn private(status: StatusCode, page: &SurveyPage) -> Response {
    let mut response = (status, render(page)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

async fn survey_page(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    Query(query): Query<SurveyQuery>,
) -> Result<Response, PageError> {
    let survey = state.app.survey(&secret).await?;
    let lang = language(query.lang.as_deref(), &survey);
    let mut page = SurveyPage::new(lang, secret, &survey, showing(survey.state(now())));
    page.chosen = query.score.as_deref().and_then(|s| s.parse().ok()).filter(|s| (1..=5).contains(s));
    Ok(private(StatusCode::OK, &page))
}

async fn answer(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    Form(form): Form<SurveyForm>,
) -> Result<Response, PageError> {
    let survey = state.app.survey(&secret).await?;
    let lang = language(form.lang.as_deref(), &survey);
    let input = SurveyAnswerInput { score: form.score.clone(), comment: form.comment.clone() };
    match state.app.answer_survey(&secret, input).await {
        Ok(answered) => {
            Ok(private(StatusCode::OK, &SurveyPage::new(lang, secret, &answered, Showing::Thanks)))
        }
        Err(AppError::Validation(errors)) => {
            let mut page = SurveyPage::new(lang, secret, &survey, Showing::Form);
            page.chosen =
                form.score.as_deref().and_then(|s| s.trim().parse().ok()).filter(|s| (1..=5).contains(s));
            page.comment = form.comment.unwrap_or_default();
            // A customer reads the rules' words, not the form's field names.
            let said: Vec<String> = errors.0.iter().map(|e| lang.message(&e.message)).collect();
            page.error = Some(said.join(" "));
            Ok(private(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(AppError::Conflict(_)) => {
            let survey = state.app.survey(&secret).await?;
            let page = SurveyPage::new(lang, secret, &survey, showing(survey.state(now())));
            Ok(private(StatusCode::CONFLICT, &page))
        }
        Err(error) => Err(error.into()),
    }
}
