//! The help centre: the knowledge base's published public articles, for anyone, without
//! signing in, searched whatever the accents. What the team keeps for itself is never here.

use super::errors::PageError;
use super::path::PagePath;
use super::session::guest_lang;
use super::{assets, render};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use comptoir_domain::ids::ArticleId;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/help", get(help)).route("/help/{id}", get(article))
}

#[derive(Deserialize)]
struct HelpQuery {
    q: Option<String>,
    lang: Option<String>,
}

#[derive(Template)]
#[template(path = "help.html")]
struct HelpPage {
    lang: Lang,
    asset_version: &'static str,
    q: String,
    articles: Vec<(ArticleId, String, String)>,
}

#[derive(Template)]
#[template(path = "help_article.html")]
struct HelpArticlePage {
    lang: Lang,
    asset_version: &'static str,
    title: String,
    category: String,
    paragraphs: Vec<String>,
}

/// The visitor's language: the one they chose, else their browser's.
fn language(headers: &HeaderMap, chosen: Option<&str>) -> Lang {
    chosen.and_then(Lang::parse).unwrap_or_else(|| guest_lang(headers))
}

async fn help(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<HelpQuery>,
) -> Result<Response, PageError> {
    let lang = language(&headers, query.lang.as_deref());
    let q = query.q.unwrap_or_default();
    let found = state.app.public_articles(Some(&q)).await?;
    let articles =
        found.into_iter().map(|a| (a.id, a.fields.title, a.fields.category.unwrap_or_default())).collect();
    Ok(render(&HelpPage { lang, asset_version: assets::version(), q, articles }))
}

async fn article(
    State(state): State<AppState>,
    headers: HeaderMap,
    PagePath(id): PagePath<ArticleId>,
    Query(query): Query<HelpQuery>,
) -> Result<Response, PageError> {
    let found = state.app.public_article(id).await?;
    // An article speaks its own language; the page around it follows the visitor's choice.
    let lang = query.lang.as_deref().and_then(Lang::parse).or_else(|| Lang::parse(&found.fields.language));
    let lang = lang.unwrap_or_else(|| language(&headers, None));
    let paragraphs =
        found.fields.body.split("\n\n").map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect();
    Ok(render(&HelpArticlePage {
        lang,
        asset_version: assets::version(),
        title: found.fields.title,
        category: found.fields.category.unwrap_or_default(),
        paragraphs,
    }))
}
