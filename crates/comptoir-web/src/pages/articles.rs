//! The knowledge base's pages: the whole team reads and searches the articles; support
//! agents, managers and admins write them, through the same use cases as `/api/v1/articles`.

use super::errors::PageError;
use super::path::PagePath;
use super::session::{Fields, Submission, Visitor};
use super::{Chrome, redirect, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use comptoir_app::AppError;
use comptoir_app::articles::Articles;
use comptoir_app::kind::Kind;
use comptoir_domain::ValidationErrors;
use comptoir_domain::articles::{Article, ArticleVote};
use comptoir_domain::ids::ArticleId;
use serde::Deserialize;
use serde_json::{Value, json};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/articles", get(articles).post(create))
        .route("/articles/new", get(new_article))
        .route("/articles/{id}", get(article).post(update))
        .route("/articles/{id}/edit", get(edit_article))
        .route("/articles/{id}/vote", axum::routing::post(vote))
}

/// The most articles a page lists.
const LISTED: u32 = 200;

#[derive(Deserialize)]
struct ListRequest {
    #[serde(default)]
    q: Option<String>,
}

struct Line {
    id: ArticleId,
    title: String,
    category: String,
    language: String,
    status: String,
    visibility: String,
    updated: String,
}

#[derive(Template)]
#[template(path = "articles.html")]
struct ArticlesPage {
    page: Chrome,
    q: String,
    lines: Vec<Line>,
    can_write: bool,
}

#[derive(Template)]
#[template(path = "article.html")]
struct ArticlePage {
    page: Chrome,
    id: ArticleId,
    title: String,
    meta: Vec<String>,
    paragraphs: Vec<String>,
    translations: Vec<(ArticleId, String)>,
    versions: String,
    votes: String,
    can_write: bool,
}

/// An article's form, as typed or as stored.
#[derive(Default)]
struct Typed {
    title: String,
    body: String,
    language: String,
    category: String,
    status: String,
    visibility: String,
    translation_of: String,
}

impl Typed {
    fn of(article: &Article) -> Typed {
        let f = &article.fields;
        Typed {
            title: f.title.clone(),
            body: f.body.clone(),
            language: f.language.clone(),
            category: f.category.clone().unwrap_or_default(),
            status: f.status.as_str().to_owned(),
            visibility: f.visibility.as_str().to_owned(),
            translation_of: f.translation_of.map(|id| id.to_string()).unwrap_or_default(),
        }
    }

    fn from_form(fields: &Fields) -> Typed {
        let kept = |name: &str| fields.get(name).unwrap_or_default().to_owned();
        Typed {
            title: kept("title"),
            body: kept("body"),
            language: kept("language"),
            category: kept("category"),
            status: kept("status"),
            visibility: kept("visibility"),
            translation_of: kept("translation_of"),
        }
    }

    fn body(&self) -> Value {
        let text = super::records::typed_text;
        json!({
            "title": text(&self.title),
            "body": text(&self.body),
            "language": text(&self.language),
            "category": text(&self.category),
            "status": text(&self.status),
            "visibility": text(&self.visibility),
            "translation_of": text(&self.translation_of),
        })
    }
}

#[derive(Template)]
#[template(path = "article_form.html")]
struct ArticleForm {
    page: Chrome,
    action: String,
    heading: String,
    version: Option<i64>,
    typed: Typed,
    languages: Vec<(&'static str, String)>,
    statuses: Vec<(&'static str, String)>,
    visibilities: Vec<(&'static str, String)>,
    errors: Vec<(String, String)>,
}

impl ArticleForm {
    fn new(visitor: &Visitor, action: String, heading: String, version: Option<i64>, typed: Typed) -> Self {
        let page = Chrome::new(visitor, "articles");
        let options = |values: &[&'static str], prefix: &str| {
            values.iter().map(|v| (*v, page.t(&format!("{prefix}-{v}")))).collect::<Vec<_>>()
        };
        ArticleForm {
            languages: options(&["fr", "en"], "language"),
            statuses: options(&["draft", "published"], "article-status"),
            visibilities: options(&["internal", "public"], "article-visibility"),
            page,
            action,
            heading,
            version,
            typed,
            errors: Vec::new(),
        }
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(name, _)| name == field).map(|(_, m)| m.as_str())
    }

    fn refused(mut self, visitor: &Visitor, errors: ValidationErrors) -> Response {
        self.errors = errors.0.into_iter().map(|e| (e.field, visitor.lang.message(&e.message))).collect();
        (StatusCode::UNPROCESSABLE_ENTITY, render(&self)).into_response()
    }
}

async fn articles(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(wanted): Query<ListRequest>,
) -> Result<Response, PageError> {
    let page = Chrome::new(&visitor, "articles");
    let q = wanted.q.unwrap_or_default().trim().to_owned();
    let mut pairs = vec![("limit", LISTED.to_string())];
    if !q.is_empty() {
        pairs.push(("q", q.clone()));
    }
    let query = super::list_query(&pairs)?;
    let found = state.app.list::<Articles>(&visitor.actor, &query).await?.data;
    let lines = found
        .into_iter()
        .map(|a| Line {
            id: a.id,
            status: page.t(&format!("article-status-{}", a.fields.status.as_str())),
            visibility: page.t(&format!("article-visibility-{}", a.fields.visibility.as_str())),
            language: page.t(&format!("language-{}", a.fields.language)),
            updated: page.date(&a.updated_at),
            category: a.fields.category.unwrap_or_default(),
            title: a.fields.title,
        })
        .collect();
    let can_write = Articles::may_create(&visitor.actor);
    Ok(render(&ArticlesPage { page, q, lines, can_write }))
}

async fn article(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<ArticleId>,
) -> Result<Response, PageError> {
    let app = &state.app;
    let article = app.get::<Articles>(&visitor.actor, id).await?;
    let page = Chrome::new(&visitor, "articles");
    let f = &article.fields;
    let mut meta = vec![
        page.t(&format!("language-{}", f.language)),
        page.t(&format!("article-status-{}", f.status.as_str())),
        page.t(&format!("article-visibility-{}", f.visibility.as_str())),
    ];
    meta.extend(f.category.clone());
    meta.push(page.lang.t1("article-updated", "when", page.date(&article.updated_at)));
    // Its translations: the one it translates, and those that translate it.
    let mut translations = Vec::new();
    if let Some(original) = f.translation_of
        && let Ok(other) = app.get::<Articles>(&visitor.actor, original).await
    {
        translations.push((other.id, other.fields.title));
    }
    let query = super::list_query(&[("filter[translation_of]", id.to_string()), ("limit", "20".into())])?;
    translations.extend(
        app.list::<Articles>(&visitor.actor, &query).await?.data.into_iter().map(|a| (a.id, a.fields.title)),
    );
    // Each write keeps the version it makes, from 1, so the article's version counts them.
    let versions = page.lang.count("article-versions", article.version);
    let paragraphs = f.body.split("\n\n").map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect();
    let said = app.article_votes(&visitor.actor, id).await?;
    let votes = page.lang.tn(
        "article-votes",
        &[("helpful", &said.helpful.to_string()), ("not_helpful", &said.not_helpful.to_string())],
    );
    let can_write = Articles::may_create(&visitor.actor);
    let title = f.title.clone();
    Ok(render(&ArticlePage { page, id, title, meta, paragraphs, translations, versions, votes, can_write }))
}

async fn vote(
    State(state): State<AppState>,
    PagePath(id): PagePath<ArticleId>,
    form: Submission,
) -> Result<Response, PageError> {
    let helpful = form.fields.get("helpful") == Some("yes");
    state.app.vote_on_article(&form.visitor.actor, id, ArticleVote { helpful }).await?;
    Ok(redirect(&format!("/articles/{id}"), false))
}

async fn new_article(visitor: Visitor) -> Result<Response, PageError> {
    let typed = Typed {
        language: visitor.lang.code().to_owned(),
        status: "draft".into(),
        visibility: "internal".into(),
        ..Typed::default()
    };
    let heading = visitor.lang.t("article-new");
    Ok(render(&ArticleForm::new(&visitor, "/articles".into(), heading, None, typed)))
}

async fn create(State(state): State<AppState>, form: Submission) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let typed = Typed::from_form(&form.fields);
    match state.app.create::<Articles>(&visitor.actor, typed.body(), None).await {
        Ok(article) => Ok(redirect(&format!("/articles/{}", article.id), false)),
        Err(AppError::Validation(errors)) => {
            let heading = visitor.lang.t("article-new");
            Ok(ArticleForm::new(visitor, "/articles".into(), heading, None, typed).refused(visitor, errors))
        }
        Err(other) => Err(other.into()),
    }
}

async fn edit_article(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<ArticleId>,
) -> Result<Response, PageError> {
    let article = state.app.get::<Articles>(&visitor.actor, id).await?;
    let heading = article.fields.title.clone();
    let form = ArticleForm::new(
        &visitor,
        format!("/articles/{id}"),
        heading,
        Some(article.version),
        Typed::of(&article),
    );
    Ok(render(&form))
}

async fn update(
    State(state): State<AppState>,
    PagePath(id): PagePath<ArticleId>,
    form: Submission,
) -> Result<Response, PageError> {
    let visitor = &form.visitor;
    let typed = Typed::from_form(&form.fields);
    let version = super::records::version_of(&form.fields);
    match state.app.update::<Articles>(&visitor.actor, id, &typed.body(), version).await {
        Ok(_) => Ok(redirect(&format!("/articles/{id}"), false)),
        Err(AppError::Validation(errors)) => {
            let heading = typed.title.clone();
            Ok(ArticleForm::new(visitor, format!("/articles/{id}"), heading, version, typed)
                .refused(visitor, errors))
        }
        Err(other) => Err(other.into()),
    }
}
