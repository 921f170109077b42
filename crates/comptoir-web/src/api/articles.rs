//! `/api/v1/articles`: the knowledge base.

use super::{RecordId, kinds};
use crate::error::{ApiError, Problem};
use crate::extract::{Caller, IdempotencyKey, IfMatch, JsonBody, ListParams};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use comptoir_app::articles::Articles;
use comptoir_domain::articles::{Article, ArticleInput, ArticleVersion, ArticleVote, ArticleVotes};
use comptoir_domain::ids::{ArticleId, TicketId};
use serde::Serialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/articles", get(list).post(create))
        .route("/articles/{id}", get(read).patch(update).delete(remove))
        .route("/articles/{id}/versions", get(versions))
        .route("/articles/{id}/votes", get(votes).put(vote))
        .route("/tickets/{id}/suggested-articles", get(suggested))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ArticlePage {
    pub data: Vec<Article>,
    pub next_cursor: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ArticleVersions {
    pub data: Vec<ArticleVersion>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SuggestedArticles {
    pub data: Vec<Article>,
}

/// List the knowledge base, last changed first (`q=imprimante` searches titles, categories and
/// bodies, accents or not; `filter[status]=published`, `filter[visibility]=public`,
/// `filter[language]=en`, `filter[translation_of]=…`).
#[utoipa::path(get, path = "/api/v1/articles", tag = "articles",
    params(
        ("q" = Option<String>, Query, description = "words of the title, category or body"),
        ("limit" = Option<u32>, Query, description = "1 to 500, default 50"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page"),
        ("sort" = Option<String>, Query, description = "a field, - for descending; default -updated_at"),
    ),
    responses((status = 200, body = ArticlePage), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ListParams(query): ListParams,
) -> Result<Response, ApiError> {
    kinds::list::<Articles>(&state, &actor, &query).await
}

/// Write an article (support agents, managers and admins); a draft for the team unless said.
#[utoipa::path(post, path = "/api/v1/articles", tag = "articles", request_body = ArticleInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key creates nothing twice")),
    responses((status = 201, body = Article), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    IdempotencyKey(key): IdempotencyKey,
    body: JsonBody,
) -> Result<Response, ApiError> {
    kinds::create::<Articles>(&state, &actor, key, "/api/v1/articles", body).await
}

/// Read an article.
#[utoipa::path(get, path = "/api/v1/articles/{id}", tag = "articles",
    params(("id" = ArticleId, Path)),
    responses((status = 200, body = Article), (status = 404, body = Problem)))]
pub async fn read(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<ArticleId>,
) -> Result<Response, ApiError> {
    kinds::read::<Articles>(&state, &actor, id).await
}

/// Change an article with a JSON merge patch; the version it replaces is kept.
#[utoipa::path(patch, path = "/api/v1/articles/{id}", tag = "articles", request_body = ArticleInput,
    params(("id" = ArticleId, Path), ("If-Match" = Option<String>, Header, description = "the ETag last read")),
    responses((status = 200, body = Article), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<ArticleId>,
    IfMatch(if_match): IfMatch,
    body: JsonBody,
) -> Result<Response, ApiError> {
    kinds::update::<Articles>(&state, &actor, id, if_match, body).await
}

/// Delete an article and its versions (managers and admins); its translations stay, on their own.
#[utoipa::path(delete, path = "/api/v1/articles/{id}", tag = "articles",
    params(("id" = ArticleId, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn remove(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<ArticleId>,
    IfMatch(if_match): IfMatch,
) -> Result<Response, ApiError> {
    kinds::remove::<Articles>(&state, &actor, id, if_match).await
}

/// Every version of an article, newest first.
#[utoipa::path(get, path = "/api/v1/articles/{id}/versions", tag = "articles",
    params(("id" = ArticleId, Path)),
    responses((status = 200, body = ArticleVersions), (status = 404, body = Problem)))]
pub async fn versions(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<ArticleId>,
) -> Result<Response, ApiError> {
    let data = state.app.article_versions(&actor, id).await?;
    Ok(axum::Json(ArticleVersions { data }).into_response())
}

/// What readers answered to "was this helpful?".
#[utoipa::path(get, path = "/api/v1/articles/{id}/votes", tag = "articles",
    params(("id" = ArticleId, Path)),
    responses((status = 200, body = ArticleVotes), (status = 404, body = Problem)))]
pub async fn votes(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<ArticleId>,
) -> Result<Response, ApiError> {
    Ok(axum::Json(state.app.article_votes(&actor, id).await?).into_response())
}

/// Say whether the article helped: one answer per reader, which they may change.
#[utoipa::path(put, path = "/api/v1/articles/{id}/votes", tag = "articles", request_body = ArticleVote,
    params(("id" = ArticleId, Path)),
    responses((status = 200, body = ArticleVotes), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn vote(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<ArticleId>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let vote: ArticleVote = comptoir_app::input::parse(body.value)?;
    Ok(axum::Json(state.app.vote_on_article(&actor, id, vote).await?).into_response())
}

/// The published articles that may answer a ticket, by the words of its subject, the best
/// first (five at most).
#[utoipa::path(get, path = "/api/v1/tickets/{id}/suggested-articles", tag = "tickets",
    params(("id" = TicketId, Path)),
    responses((status = 200, body = SuggestedArticles), (status = 404, body = Problem)))]
pub async fn suggested(
    State(state): State<AppState>,
    Caller(actor): Caller,
    RecordId(id): RecordId<TicketId>,
) -> Result<Response, ApiError> {
    let data = state.app.suggested_articles(&actor, id).await?;
    Ok(axum::Json(SuggestedArticles { data }).into_response())
}
