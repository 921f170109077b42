//! The knowledge base: support agents, managers and admins write it, the whole team reads it,
//! and the articles that answer a ticket are suggested beside it.

use crate::kind::{Kind, Refusals};
use crate::{App, AppError};
use chrono::{DateTime, Utc};
use comptoir_domain::articles::{
    Article, ArticleFields, ArticleInput, ArticleStatus, ArticleVersion, ArticleVisibility, ArticleVote,
    ArticleVotes,
};
use comptoir_domain::ids::{ArticleId, TicketId, UserId};
use comptoir_domain::kinds::ObjectType;
use comptoir_domain::listing::{Count, Filter, FilterOp, ListQuery, Page};
use comptoir_domain::search::query_terms;
use comptoir_domain::users::{Actor, Role};
use comptoir_domain::validation::ValidationErrors;
use comptoir_store::{StoreError, Tx};

pub struct Articles;

/// Articles suggested beside a ticket.
const SUGGESTED: u32 = 5;

/// The most public articles a page of the help centre lists.
const PUBLIC_LISTED: u32 = 100;

/// Words too common in requests to tell one answer from another.
const COMMON_WORDS: &[&str] = &[
    "les", "des", "une", "est", "pas", "pour", "que", "qui", "dans", "sur", "avec", "mon", "mes", "notre",
    "vous", "nous", "the", "and", "for", "with", "not", "does", "can", "our", "your", "bonjour", "hello",
];

/// Who writes what the team shares (articles, macros): those who answer customers and those
/// above them.
pub(crate) fn writes_the_knowledge_base(actor: &Actor) -> bool {
    matches!(actor.role, Role::Admin | Role::Manager | Role::Support)
}

impl Kind for Articles {
    type Id = ArticleId;
    type Record = Article;
    type Fields = ArticleFields;
    type Input = ArticleInput;
    type Refs = ();

    const OBJECT: ObjectType = ObjectType::Article;
    const REFUSALS: Refusals = Refusals {
        create: "only support agents, managers and admins write articles",
        change: "only support agents, managers and admins change articles",
        delete: "only managers and admins delete articles",
        give: "articles have no owner",
    };
    const OWNED: bool = false;

    fn id(article: &Article) -> ArticleId {
        article.id
    }
    fn version(article: &Article) -> i64 {
        article.version
    }
    fn fields(article: &Article) -> &ArticleFields {
        &article.fields
    }
    /// The knowledge base is the team's: nobody owns an article, so only managers and admins
    /// delete one.
    fn owner(_fields: &ArticleFields) -> Option<UserId> {
        None
    }
    fn input(fields: &ArticleFields) -> ArticleInput {
        fields.to_input()
    }

    fn may_create(actor: &Actor) -> bool {
        writes_the_knowledge_base(actor)
    }

    fn may_change(actor: &Actor, _current: &Article) -> bool {
        writes_the_knowledge_base(actor)
    }

    async fn validate(
        _app: &App,
        _actor: &Actor,
        input: ArticleInput,
        current: Option<&Article>,
        _at: DateTime<Utc>,
    ) -> Result<ArticleFields, AppError> {
        let fields = input.validate()?;
        if fields.translation_of.is_some() && fields.translation_of == current.map(|c| c.id) {
            return Err(
                ValidationErrors::single("translation_of", "an article does not translate itself").into()
            );
        }
        Ok(fields)
    }

    async fn references(
        app: &App,
        current: Option<&Article>,
        fields: &ArticleFields,
    ) -> Result<(), AppError> {
        let Some(original) = fields.translation_of else { return Ok(()) };
        if current.is_some_and(|c| c.fields.translation_of == Some(original)) {
            return Ok(());
        }
        match comptoir_store::articles::get(&app.db, original).await? {
            None => Err(ValidationErrors::single("translation_of", "is not an article").into()),
            Some(other) if other.fields.language == fields.language => Err(ValidationErrors::single(
                "translation_of",
                "is in the same language: a translation is in the other one",
            )
            .into()),
            Some(_) => Ok(()),
        }
    }

    fn build(current: Option<&Article>, fields: ArticleFields, _refs: (), at: DateTime<Utc>) -> Article {
        match current {
            Some(current) => current.changed(fields, at),
            None => Article::new(fields, at),
        }
    }

    async fn fetch(app: &App, id: ArticleId) -> Result<Option<Article>, AppError> {
        Ok(comptoir_store::articles::get(&app.db, id).await?)
    }

    async fn page(app: &App, query: &ListQuery) -> Result<Page<Article>, AppError> {
        Ok(comptoir_store::articles::list(&app.db, query).await??)
    }

    async fn count(app: &App, query: &ListQuery) -> Result<Count, AppError> {
        Ok(comptoir_store::articles::count_matching(&app.db, query).await??)
    }

    async fn insert(tx: &mut Tx, article: &Article) -> Result<(), StoreError> {
        comptoir_store::articles::insert(tx, article).await
    }

    async fn update(tx: &mut Tx, before: &Article, after: &Article) -> Result<(), StoreError> {
        comptoir_store::articles::update(tx, before, after).await
    }

    async fn delete(tx: &mut Tx, article: &Article) -> Result<(), StoreError> {
        comptoir_store::articles::delete(tx, article).await
    }
}

impl App {
    /// Every kept version of an article, newest first.
    pub async fn article_versions(
        &self,
        actor: &Actor,
        id: ArticleId,
    ) -> Result<Vec<ArticleVersion>, AppError> {
        self.get::<Articles>(actor, id).await?;
        Ok(comptoir_store::articles::versions(&self.db, id).await?)
    }

    /// The published public articles, for anyone: `q` searches them, newest change first.
    pub async fn public_articles(&self, q: Option<&str>) -> Result<Vec<Article>, AppError> {
        let published = |field: &str, value: &str| Filter {
            field: field.to_owned(),
            op: FilterOp::Eq,
            value: value.to_owned(),
        };
        let query = ListQuery {
            q: q.map(str::trim).filter(|q| !q.is_empty()).map(str::to_owned),
            filters: vec![
                published("status", ArticleStatus::Published.as_str()),
                published("visibility", ArticleVisibility::Public.as_str()),
            ],
            limit: PUBLIC_LISTED,
            ..ListQuery::default()
        };
        Ok(comptoir_store::articles::list(&self.db, &query).await??.data)
    }

    /// Where customers read each of `articles` in the help centre, when it is theirs to read
    /// and the site's address is known (Settings › Mail): the link an answer can carry.
    pub async fn help_addresses(&self, articles: &[Article]) -> Result<Vec<Option<String>>, AppError> {
        // The settings are read once for the lot, and not at all when none is public.
        let site = if articles.iter().any(Article::is_public) {
            self.mail_settings().await?.0.and_then(|s| s.site_address)
        } else {
            None
        };
        Ok(articles
            .iter()
            .map(|a| site.as_ref().filter(|_| a.is_public()).map(|site| format!("{site}/help/{}", a.id)))
            .collect())
    }

    /// A published public article, for anyone; any other is not found.
    pub async fn public_article(&self, id: ArticleId) -> Result<Article, AppError> {
        comptoir_store::articles::get(&self.db, id)
            .await?
            .filter(Article::is_public)
            .ok_or(AppError::NotFound)
    }

    /// Records whether `actor` found an article helpful (one answer each, which they may
    /// change), and returns the counts.
    pub async fn vote_on_article(
        &self,
        actor: &Actor,
        id: ArticleId,
        vote: ArticleVote,
    ) -> Result<ArticleVotes, AppError> {
        self.get::<Articles>(actor, id).await?;
        let voter = format!("user:{}", actor.user_id);
        comptoir_store::articles::vote(&self.db, id, &voter, vote.helpful, comptoir_domain::time::now())
            .await?;
        self.article_votes(actor, id).await
    }

    /// What readers answered to "was this helpful?" about an article.
    pub async fn article_votes(&self, actor: &Actor, id: ArticleId) -> Result<ArticleVotes, AppError> {
        self.get::<Articles>(actor, id).await?;
        Ok(comptoir_store::articles::votes(&self.db, id).await?)
    }

    /// The published articles that may answer `ticket`: those sharing the most telling words
    /// of its subject, found through the full-text index.
    pub async fn suggested_articles(
        &self,
        actor: &Actor,
        ticket: TicketId,
    ) -> Result<Vec<Article>, AppError> {
        let ticket = self.get::<crate::tickets::Tickets>(actor, ticket).await?;
        self.articles_about(&ticket.fields.subject, false).await
    }

    /// The published articles (only the public ones when `public`) sharing the most telling
    /// words of `subject`, found through the full-text index.
    pub(crate) async fn articles_about(&self, subject: &str, public: bool) -> Result<Vec<Article>, AppError> {
        let words: Vec<String> = query_terms(subject)
            .into_iter()
            .filter(|w| w.chars().count() >= 3 && !COMMON_WORDS.contains(&w.as_str()))
            .collect();
        let mut found: Vec<(usize, Article)> = Vec::new();
        // Each word is one indexed search; an article found by more of them comes first.
        for word in words.iter().take(6) {
            let is = |field: &str, value: &str| Filter {
                field: field.to_owned(),
                op: FilterOp::Eq,
                value: value.to_owned(),
            };
            let mut filters = vec![is("status", ArticleStatus::Published.as_str())];
            if public {
                filters.push(is("visibility", ArticleVisibility::Public.as_str()));
            }
            let query = ListQuery { q: Some(word.clone()), filters, limit: 20, ..ListQuery::default() };
            for article in Articles::page(self, &query).await?.data {
                match found.iter_mut().find(|(_, a)| a.id == article.id) {
                    Some((hits, _)) => *hits += 1,
                    None => found.push((1, article)),
                }
            }
        }
        found.sort_by(|(a, x), (b, y)| b.cmp(a).then_with(|| y.updated_at.cmp(&x.updated_at)));
        Ok(found.into_iter().take(SUGGESTED as usize).map(|(_, article)| article).collect())
    }
}
