//! The knowledge base in the database: articles, found by their folded words through each
//! engine's full-text index, and every version of them kept beside.

use crate::db::{Db, StoreError, Tx};
use crate::listing::{Catalog, ColumnKind, Page, Search, column};
use crate::sql::{Bind, delete_row, insert_rows, update_row};
use crate::{on_pool, on_tx};
use chrono::{DateTime, Utc};
use comptoir_domain::articles::{
    Article, ArticleFields, ArticleStatus, ArticleVersion, ArticleVisibility, ArticleVotes,
};
use comptoir_domain::ids::ArticleId;
use comptoir_domain::listing::{Count, ListQuery};
use comptoir_domain::validation::ValidationErrors;
use sqlx::FromRow;
use uuid::Uuid;

pub static CATALOG: Catalog = Catalog {
    columns: &[
        column("id", "a.id", ColumnKind::Id, false, "/id"),
        column("title", "a.title", ColumnKind::Text, false, "/title"),
        column("language", "a.language", ColumnKind::Key, false, "/language"),
        column("category", "a.category", ColumnKind::Text, true, "/category"),
        column("status", "a.status", ColumnKind::Key, false, "/status"),
        column("visibility", "a.visibility", ColumnKind::Key, false, "/visibility"),
        column("translation_of", "a.translation_of", ColumnKind::Id, true, "/translation_of"),
        column("version", "a.version", ColumnKind::Int, false, "/version"),
        column("published_at", "a.published_at", ColumnKind::Timestamp, true, "/published_at"),
        column("created_at", "a.created_at", ColumnKind::Timestamp, false, "/created_at"),
        column("updated_at", "a.updated_at", ColumnKind::Timestamp, false, "/updated_at"),
    ],
    id_sql: "a.id",
    custom_sql: None,
    default_sort: "updated_at",
    default_descending: true,
    search: Some(Search {
        sqlite: "a.seq IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ",
        postgres: "a.search_tsv @@ to_tsquery('simple', ",
        sqlite_rowid: "a.seq",
        sqlite_rowid_of: [
            "COALESCE((SELECT seq FROM articles WHERE id = ",
            "), (SELECT seq FROM articles WHERE id > ",
            " ORDER BY id LIMIT 1))",
        ],
    }),
    sort_indexes: &["id", "created_at", "updated_at", "title"],
    broad_filters: &["status", "visibility", "language"],
    creation_ordered: &[],
};

macro_rules! select_articles {
    () => {
        "SELECT a.id, a.version, a.title, a.body, a.language, a.category, a.status, a.visibility,
            a.translation_of, a.published_at, a.created_at, a.updated_at FROM articles a"
    };
}

#[derive(FromRow)]
struct ArticleRow {
    id: Uuid,
    version: i64,
    title: String,
    body: String,
    language: String,
    category: Option<String>,
    status: String,
    visibility: String,
    translation_of: Option<Uuid>,
    published_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<ArticleRow> for Article {
    type Error = StoreError;
    fn try_from(row: ArticleRow) -> Result<Self, StoreError> {
        Ok(Article {
            id: ArticleId(row.id),
            version: row.version,
            fields: ArticleFields {
                title: row.title,
                body: row.body,
                language: row.language,
                category: row.category,
                status: ArticleStatus::parse(&row.status)
                    .ok_or_else(|| StoreError::corrupt("article status", &row.status))?,
                visibility: ArticleVisibility::parse(&row.visibility)
                    .ok_or_else(|| StoreError::corrupt("article visibility", &row.visibility))?,
                translation_of: row.translation_of.map(ArticleId),
            },
            published_at: row.published_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

pub async fn get(db: &Db, id: ArticleId) -> Result<Option<Article>, StoreError> {
    let row: Option<ArticleRow> = on_pool!(db, |pool| {
        sqlx::query_as(concat!(select_articles!(), " WHERE a.id = $1")).bind(id.0).fetch_optional(pool).await
    })?;
    row.map(Article::try_from).transpose()
}

pub async fn list(db: &Db, query: &ListQuery) -> Result<Result<Page<Article>, ValidationErrors>, StoreError> {
    crate::fetch::page::<ArticleRow, Article>(
        db,
        concat!(select_articles!(), " WHERE TRUE"),
        &CATALOG,
        query,
        &[],
    )
    .await
}

pub async fn count_matching(
    db: &Db,
    query: &ListQuery,
) -> Result<Result<Count, ValidationErrors>, StoreError> {
    let base = "SELECT count(*) FROM (SELECT 1 FROM articles a WHERE TRUE";
    crate::count::count_list(db, base, &CATALOG, query, &[], "articles").await
}

/// The columns an article's changes write, in the order of [`changeable_values`].
macro_rules! changeable_columns {
    () => {
        "version, title, body, language, category, status, visibility, translation_of, search_text,
         published_at, updated_at"
    };
}

fn changeable_values(article: &Article) -> Vec<Bind> {
    let f = &article.fields;
    vec![
        Bind::Int(article.version),
        Bind::Text(f.title.clone()),
        Bind::Text(f.body.clone()),
        Bind::Text(f.language.clone()),
        Bind::OptText(f.category.clone()),
        Bind::Text(f.status.as_str().to_owned()),
        Bind::Text(f.visibility.as_str().to_owned()),
        Bind::OptUuid(f.translation_of.map(|a| a.0)),
        Bind::Text(article.search_text()),
        Bind::OptTime(article.published_at),
        Bind::Time(article.updated_at),
    ]
}

pub async fn insert(tx: &mut Tx, article: &Article) -> Result<(), StoreError> {
    const HEAD: &str = concat!("INSERT INTO articles (id, created_at, ", changeable_columns!(), ")");
    let mut row = vec![Bind::Uuid(article.id.0), Bind::Time(article.created_at)];
    row.extend(changeable_values(article));
    insert_rows(tx, HEAD, [row]).await?;
    keep_version(tx, article).await
}

pub async fn update(tx: &mut Tx, before: &Article, after: &Article) -> Result<(), StoreError> {
    const HEAD: &str = concat!("UPDATE articles SET (", changeable_columns!(), ") = ");
    update_row(tx, HEAD, changeable_values(after), after.id.0, before.version).await?;
    keep_version(tx, after).await
}

pub async fn delete(tx: &mut Tx, article: &Article) -> Result<(), StoreError> {
    delete_row(tx, "DELETE FROM articles WHERE id = $1 AND version = $2", article.id.0, article.version).await
}

/// Keeps what `article` says at its version, in the transaction that wrote it.
async fn keep_version(tx: &mut Tx, article: &Article) -> Result<(), StoreError> {
    let kept = article.as_version();
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO article_versions (article_id, version, title, body, status, changed_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(article.id.0)
        .bind(kept.version)
        .bind(&kept.title)
        .bind(&kept.body)
        .bind(kept.status.as_str())
        .bind(kept.changed_at)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Records `voter`'s answer to "was this helpful?" about `article`, replacing their last one.
pub async fn vote(
    db: &Db,
    article: ArticleId,
    voter: &str,
    helpful: bool,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    on_pool!(db, |pool| {
        sqlx::query(
            "INSERT INTO article_votes (article_id, voter, helpful, voted_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (article_id, voter) DO UPDATE SET helpful = excluded.helpful, voted_at = excluded.voted_at",
        )
        .bind(article.0)
        .bind(voter)
        .bind(helpful)
        .bind(at)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// How many readers found `article` helpful, and how many did not.
pub async fn votes(db: &Db, article: ArticleId) -> Result<ArticleVotes, StoreError> {
    let (helpful, not_helpful): (i64, i64) = on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT CAST(COALESCE(sum(CASE WHEN helpful THEN 1 ELSE 0 END), 0) AS BIGINT),
                CAST(COALESCE(sum(CASE WHEN helpful THEN 0 ELSE 1 END), 0) AS BIGINT)
             FROM article_votes WHERE article_id = $1",
        )
        .bind(article.0)
        .fetch_one(pool)
        .await
    })?;
    Ok(ArticleVotes { helpful, not_helpful })
}

type VersionRow = (i64, String, String, String, DateTime<Utc>);

/// Every kept version of an article, newest first.
pub async fn versions(db: &Db, id: ArticleId) -> Result<Vec<ArticleVersion>, StoreError> {
    let rows: Vec<VersionRow> = on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT version, title, body, status, changed_at FROM article_versions
             WHERE article_id = $1 ORDER BY version DESC",
        )
        .bind(id.0)
        .fetch_all(pool)
        .await
    })?;
    rows.into_iter()
        .map(|(version, title, body, status, changed_at)| {
            let status = ArticleStatus::parse(&status)
                .ok_or_else(|| StoreError::corrupt("article status", &status))?;
            Ok(ArticleVersion { version, title, body, status, changed_at })
        })
        .collect()
}
