//! What a kind of record answers so that the generic pages (`record_pages`, `record_lists`)
//! can show it: its form, its list's columns and cells, the use cases it calls and its header.
//! Each kind implements [`KindPages`] once, in its own module, and is mounted with one line
//! in `pages::router`.

use super::Chrome;
use super::deal_people::{People, TypedPerson};
use super::filters::{Control, common_control};
use super::lists::Cell;
use super::records::Spec;
use super::session::Fields;
use crate::i18n::Lang;
use comptoir_app::bulk::BulkKind;
use comptoir_app::kind::Kind;
use comptoir_app::{App, AppError};
use comptoir_domain::custom_fields::CustomFieldDefinition;
use comptoir_domain::kinds::RecordKind;
use comptoir_domain::listing::{Count, ListQuery, Page};
use comptoir_domain::users::{Actor, User};
use serde_json::{Map, Value};
use std::future::Future;
use uuid::Uuid;

/// A link on a record page's header line.
pub struct Link {
    pub text: String,
    pub href: Option<String>,
}

/// What a record's page shows under its name: a line of facts and links, a coloured badge,
/// and for a company its contacts.
#[derive(Default)]
pub struct Header {
    pub subtitle: Vec<Link>,
    /// `(css class, text)`.
    pub badge: Option<(String, String)>,
    pub members: Option<Vec<Link>>,
    /// One-tap ways to reach the record: call its number, write to its address.
    pub reach: Vec<Link>,
    /// The records the last scan found it may duplicate, each a link to compare the two.
    pub twins: Vec<Link>,
}

/// The form that answers a ticket, on its page.
pub struct ReplyForm {
    /// The statuses the ticket may take with the answer: `(value, label)`, the first empty
    /// (the status follows from the message).
    pub statuses: Vec<(String, String)>,
    /// What was typed, when a refused answer comes back.
    pub body: String,
    pub error: Option<String>,
    /// Published articles that may answer it: their page, title, and the help centre's
    /// address of those customers may read.
    pub suggestions: Vec<(String, String, Option<String>)>,
    /// The team's macros: id and name.
    pub macros: Vec<(String, String)>,
    /// The status chosen for the answer (a macro's), empty for the one that follows.
    pub status: String,
    /// The ticket's latest messages, one of which may be split out: activity id and label.
    pub messages: Vec<(String, String)>,
}

/// An answer to show in the reply form: typed and refused (with why), or a macro filled in.
pub struct TypedReply {
    pub body: String,
    pub status: Option<String>,
    pub error: Option<String>,
}

/// Whether `actor` may change `record`, as its use cases decide.
pub fn may_change<K: KindPages>(actor: &Actor, record: &K::Record) -> bool {
    <K::UseCases as comptoir_app::kind::Kind>::may_change(actor, record)
}

/// Whether `actor` may delete `record`: its owner and those above them, whoever may change it
/// (anyone may work on a ticket nobody has; not delete it).
pub fn may_delete<K: KindPages>(actor: &Actor, record: &K::Record) -> bool {
    use comptoir_app::kind::Kind;
    actor.can_modify(K::UseCases::owner(K::UseCases::fields(record)))
}

pub trait KindPages: Send + Sync + 'static {
    type Record: Send + Sync + 'static;
    /// The kind's use cases.
    type UseCases: BulkKind<Record = Self::Record>;

    const KIND: RecordKind;
    /// The form's fields, in display order.
    const SPECS: &'static [Spec];
    /// The columns a list shows until the visitor picks others.
    const DEFAULT_COLUMNS: &'static [&'static str];
    /// Every built-in column a list offers.
    const LIST_COLUMNS: &'static [&'static str];

    /// How the filter bar asks for a value of the built-in column `key`.
    fn filter_control(lang: Lang, key: &str) -> Control {
        common_control(lang, key)
    }

    fn id(record: &Self::Record) -> Uuid {
        Self::UseCases::id(record).into()
    }
    fn version(record: &Self::Record) -> i64;
    fn name(record: &Self::Record) -> String;
    fn custom_fields(record: &Self::Record) -> &Map<String, Value>;
    /// The record as the form's fields read it (the API's JSON, reshaped where the form
    /// differs from it).
    fn form_json(record: &Self::Record) -> Value;
    /// The values a new record's form starts with.
    fn new_defaults(actor: &Actor) -> Value;

    fn cell(
        page: &Chrome,
        record: &Self::Record,
        key: &str,
        users: &[User],
        definitions: &[CustomFieldDefinition],
    ) -> Cell;

    fn list(
        app: &App,
        actor: &Actor,
        query: &ListQuery,
    ) -> impl Future<Output = Result<Page<Self::Record>, AppError>> + Send {
        app.list::<Self::UseCases>(actor, query)
    }

    fn count(
        app: &App,
        actor: &Actor,
        query: &ListQuery,
    ) -> impl Future<Output = Result<Count, AppError>> + Send {
        app.count::<Self::UseCases>(actor, query)
    }

    fn get(
        app: &App,
        actor: &Actor,
        id: Uuid,
    ) -> impl Future<Output = Result<Self::Record, AppError>> + Send {
        app.get::<Self::UseCases>(actor, id.into())
    }

    fn create(
        app: &App,
        actor: &Actor,
        body: Value,
    ) -> impl Future<Output = Result<Self::Record, AppError>> + Send {
        app.create::<Self::UseCases>(actor, body, None)
    }

    fn update(
        app: &App,
        actor: &Actor,
        id: Uuid,
        patch: &Value,
        version: Option<i64>,
    ) -> impl Future<Output = Result<Self::Record, AppError>> + Send {
        app.update::<Self::UseCases>(actor, id.into(), patch, version)
    }

    fn delete(
        app: &App,
        actor: &Actor,
        id: Uuid,
        version: Option<i64>,
    ) -> impl Future<Output = Result<(), AppError>> + Send {
        app.delete::<Self::UseCases>(actor, id.into(), version)
    }

    /// The API body of a submitted form, or of its one field `only`, without custom fields
    /// (the generic pages add those). `current` is the record being edited.
    fn body(
        app: &App,
        actor: &Actor,
        fields: &Fields,
        only: Option<&str>,
        current: Option<&Self::Record>,
    ) -> impl Future<Output = Result<Value, AppError>> + Send;

    /// Records already on file with what a new record's form gives that should be unique to
    /// one (an email, a phone number, a SIREN): shown before saving, with links to them.
    fn namesakes(
        app: &App,
        actor: &Actor,
        fields: &Fields,
    ) -> impl Future<Output = Result<Vec<Link>, AppError>> + Send;

    /// The query of the visitor's own records, one click from the list: those they own.
    fn mine(actor: &Actor) -> String {
        format!("filter%5Bowner_id%5D%5Beq%5D={}", actor.user_id)
    }

    /// The answer form its page shows: none but a ticket's.
    fn reply_form(_lang: Lang, _record: &Self::Record) -> Option<ReplyForm> {
        None
    }

    fn header(
        app: &App,
        actor: &Actor,
        page: &Chrome,
        record: &Self::Record,
    ) -> impl Future<Output = Result<Header, AppError>> + Send;

    /// The people its page lists with their part, `typed` being what its form sent: none
    /// but a deal's.
    fn people(
        _app: &App,
        _actor: &Actor,
        _page: &Chrome,
        _record: &Self::Record,
        _typed: &TypedPerson,
    ) -> impl Future<Output = Result<Option<People>, AppError>> + Send {
        async { Ok(None) }
    }
}

/// The kind's pages' address: `/contacts`.
pub fn base<K: KindPages>() -> String {
    format!("/{}", K::KIND.plural())
}

/// The navigation section the kind's pages light up.
pub fn section<K: KindPages>() -> &'static str {
    K::KIND.plural()
}

/// One of the kind's messages: `new` is `contact-new` or `company-new`.
pub fn key<K: KindPages>(suffix: &str) -> String {
    format!("{}-{suffix}", K::KIND.as_str())
}

/// The records of kind `K` that one of the `wanted` filters (`filter[email]`, value) finds,
/// each once, named with the value that found it.
pub async fn records_matching<K: KindPages>(
    app: &App,
    actor: &Actor,
    wanted: Vec<(&'static str, String)>,
) -> Result<Vec<Link>, AppError> {
    let mut found: Vec<Link> = vec![];
    for (filter, value) in wanted {
        let query = super::list_query(&[(filter, value.clone()), ("limit", "5".to_owned())])?;
        for record in K::list(app, actor, &query).await?.data {
            let href = Some(format!("{}/{}", base::<K>(), K::id(&record)));
            if !found.iter().any(|link| link.href == href) {
                found.push(Link { text: format!("{} ({value})", K::name(&record)), href });
            }
        }
    }
    Ok(found)
}
