//! The knowledge base: articles that answer what customers ask, in French or English (a
//! translation names the article it translates), drafts until published, for the team only
//! or for customers too. Every version is kept.

use crate::ids::ArticleId;
use crate::search::fold;
use crate::validation::{ValidationErrors, check_length, clean_text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The longest article body: a long how-to, not a manual.
pub const BODY_MAX_CHARS: usize = 50_000;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArticleStatus {
    #[default]
    Draft,
    Published,
}

impl ArticleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleStatus::Draft => "draft",
            ArticleStatus::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [ArticleStatus::Draft, ArticleStatus::Published].into_iter().find(|v| v.as_str() == s)
    }
}

/// Who may read a published article: the team, or customers as well.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArticleVisibility {
    #[default]
    Internal,
    Public,
}

impl ArticleVisibility {
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleVisibility::Internal => "internal",
            ArticleVisibility::Public => "public",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [ArticleVisibility::Internal, ArticleVisibility::Public].into_iter().find(|v| v.as_str() == s)
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleInput {
    #[serde(default)]
    pub title: Option<String>,
    /// Plain text; paragraphs are separated by an empty line.
    #[serde(default)]
    pub body: Option<String>,
    /// `fr` or `en`; `fr` when omitted.
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    /// `draft` (the default) or `published`.
    #[serde(default)]
    pub status: Option<ArticleStatus>,
    /// `internal` (the default) or `public`.
    #[serde(default)]
    pub visibility: Option<ArticleVisibility>,
    /// The article this one translates, in the other language.
    #[serde(default)]
    pub translation_of: Option<ArticleId>,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ArticleFields {
    pub title: String,
    pub body: String,
    pub language: String,
    pub category: Option<String>,
    pub status: ArticleStatus,
    pub visibility: ArticleVisibility,
    pub translation_of: Option<ArticleId>,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Article {
    pub id: ArticleId,
    pub version: i64,
    #[serde(flatten)]
    pub fields: ArticleFields,
    /// When it was first published; none while it never was.
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One kept version of an article: what it said then.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ArticleVersion {
    pub version: i64,
    pub title: String,
    pub body: String,
    pub status: ArticleStatus,
    pub changed_at: DateTime<Utc>,
}

/// A reader's answer to "was this helpful?".
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleVote {
    pub helpful: bool,
}

/// What readers answered to "was this helpful?", one answer each.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ArticleVotes {
    pub helpful: i64,
    pub not_helpful: i64,
}

impl Article {
    pub fn new(fields: ArticleFields, at: DateTime<Utc>) -> Self {
        let published_at = (fields.status == ArticleStatus::Published).then_some(at);
        Self { id: ArticleId::new(), version: 1, fields, published_at, created_at: at, updated_at: at }
    }

    pub fn changed(&self, fields: ArticleFields, at: DateTime<Utc>) -> Self {
        let published_at = self.published_at.or((fields.status == ArticleStatus::Published).then_some(at));
        Self { version: self.version + 1, fields, published_at, updated_at: at, ..self.clone() }
    }

    /// Whether customers may read it: published, and public.
    pub fn is_public(&self) -> bool {
        self.fields.status == ArticleStatus::Published && self.fields.visibility == ArticleVisibility::Public
    }

    /// The folded words an article is found by: its title, category and body.
    pub fn search_text(&self) -> String {
        let f = &self.fields;
        fold(&format!("{} {} {}", f.title, f.category.as_deref().unwrap_or_default(), f.body))
    }

    /// This version as it is kept.
    pub fn as_version(&self) -> ArticleVersion {
        ArticleVersion {
            version: self.version,
            title: self.fields.title.clone(),
            body: self.fields.body.clone(),
            status: self.fields.status,
            changed_at: self.updated_at,
        }
    }
}

impl ArticleFields {
    pub fn to_input(&self) -> ArticleInput {
        ArticleInput {
            title: Some(self.title.clone()),
            body: Some(self.body.clone()),
            language: Some(self.language.clone()),
            category: self.category.clone(),
            status: Some(self.status),
            visibility: Some(self.visibility),
            translation_of: self.translation_of,
        }
    }
}

impl ArticleInput {
    pub fn validate(self) -> Result<ArticleFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let title = clean_text(self.title);
        check_length(&mut errors, "title", &title, 200);
        if title.is_none() {
            errors.add("title", "is required");
        }
        // The body keeps its line breaks: they are its paragraphs.
        let body = self.body.map(|b| b.trim().replace("\r\n", "\n")).filter(|b| !b.is_empty());
        check_length(&mut errors, "body", &body, BODY_MAX_CHARS);
        if body.is_none() {
            errors.add("body", "is required");
        }
        if body.as_deref().is_some_and(|b| b.chars().any(|c| c.is_control() && c != '\n' && c != '\t')) {
            errors.add("body", "must not contain control characters");
        }
        let language = clean_text(self.language).unwrap_or_else(|| "fr".to_owned());
        if language != "fr" && language != "en" {
            errors.add("language", "must be fr or en");
        }
        let category = clean_text(self.category);
        check_length(&mut errors, "category", &category, 100);
        errors.into_result()?;
        Ok(ArticleFields {
            title: title.unwrap_or_default(),
            body: body.unwrap_or_default(),
            language,
            category,
            status: self.status.unwrap_or_default(),
            visibility: self.visibility.unwrap_or_default(),
            translation_of: self.translation_of,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn validate(value: serde_json::Value) -> Result<ArticleFields, Vec<String>> {
        serde_json::from_value::<ArticleInput>(value)
            .expect("well-formed")
            .validate()
            .map_err(|e| e.0.into_iter().map(|e| e.field).collect())
    }

    #[test]
    fn an_article_needs_a_title_and_a_body_and_is_a_french_internal_draft_by_default() {
        assert_eq!(validate(json!({})), Err(vec!["title".to_owned(), "body".to_owned()]));
        let fields =
            validate(json!({"title": " Réinitialiser ", "body": "Étape 1\r\n\r\nÉtape 2 "})).expect("valid");
        assert_eq!((fields.title.as_str(), fields.body.as_str()), ("Réinitialiser", "Étape 1\n\nÉtape 2"));
        assert_eq!(
            (fields.language.as_str(), fields.status, fields.visibility),
            ("fr", ArticleStatus::Draft, ArticleVisibility::Internal)
        );
        assert_eq!(
            validate(json!({"title": "T", "body": "B", "language": "de"})),
            Err(vec!["language".to_owned()])
        );
    }

    #[test]
    fn publishing_is_dated_once_and_the_search_text_is_folded() {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let draft =
            validate(json!({"title": "Réinitialiser l’imprimante", "body": "Éteignez-la."})).expect("valid");
        let article = Article::new(draft.clone(), at);
        assert_eq!(article.published_at, None);
        let published = article.changed(
            ArticleFields { status: ArticleStatus::Published, ..draft.clone() },
            at + chrono::Duration::days(1),
        );
        assert_eq!((published.version, published.published_at), (2, Some(at + chrono::Duration::days(1))));
        let again = published.changed(
            ArticleFields { status: ArticleStatus::Published, ..draft },
            at + chrono::Duration::days(2),
        );
        assert_eq!(again.published_at, published.published_at, "first publication stays");
        assert!(
            article.search_text().contains("reinitialiser") && article.search_text().contains("eteignez")
        );
    }
}
