//! The two kinds of record with a list, a page and forms: contacts and companies. Handlers
//! in `record_pages` serve both; what differs (the use cases called, the form's fields, the
//! list's columns) is answered here, by area.

use super::Chrome;
use super::errors::PageError;
use super::lists::Cell;
use super::record::Record;
use super::records::Spec;
use super::session::Fields;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use comptoir_app::{App, AppError};
use comptoir_domain::activities::Activity;
use comptoir_domain::activities::OpenTasksOf;
use comptoir_domain::custom_fields::{CustomFieldDefinition, ObjectType};
use comptoir_domain::ids::{CompanyId, ContactId};
use comptoir_domain::listing::ListQuery;
use comptoir_domain::listing::Page;
use comptoir_domain::users::{Actor, User};
use comptoir_domain::views::RecordKind;
use serde_json::{Value, json};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    Contacts,
    Companies,
}

impl<S: Send + Sync> FromRequestParts<S> for Area {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let path = parts.uri.path();
        if path.starts_with("/companies") { Ok(Area::Companies) } else { Ok(Area::Contacts) }
    }
}

impl Area {
    pub fn base(self) -> &'static str {
        match self {
            Area::Contacts => "/contacts",
            Area::Companies => "/companies",
        }
    }

    /// The navigation section and the prefix of this area's messages.
    pub fn section(self) -> &'static str {
        &self.base()[1..]
    }

    /// One of this area's messages: `new` is `contact-new` or `company-new`.
    pub fn key(self, suffix: &str) -> String {
        match self {
            Area::Contacts => format!("contact-{suffix}"),
            Area::Companies => format!("company-{suffix}"),
        }
    }

    pub fn kind(self) -> RecordKind {
        match self {
            Area::Contacts => RecordKind::Contact,
            Area::Companies => RecordKind::Company,
        }
    }

    pub fn object_type(self) -> ObjectType {
        match self {
            Area::Contacts => ObjectType::Contact,
            Area::Companies => ObjectType::Company,
        }
    }

    pub fn specs(self) -> &'static [Spec] {
        match self {
            Area::Contacts => super::contacts::SPECS,
            Area::Companies => super::companies::SPECS,
        }
    }

    pub fn default_columns(self) -> &'static [&'static str] {
        match self {
            Area::Contacts => super::contacts::DEFAULT_COLUMNS,
            Area::Companies => super::companies::DEFAULT_COLUMNS,
        }
    }

    pub fn list_columns(self) -> &'static [&'static str] {
        match self {
            Area::Contacts => super::contacts::LIST_COLUMNS,
            Area::Companies => super::companies::LIST_COLUMNS,
        }
    }

    pub fn cell(
        self,
        page: &Chrome,
        record: &Record,
        key: &str,
        users: &[User],
        definitions: &[CustomFieldDefinition],
    ) -> Cell {
        match record {
            Record::Contact(c) => super::contacts::cell(page, c, key, users, definitions),
            Record::Company(c) => super::companies::cell(page, c, key, users, definitions),
        }
    }

    pub async fn list(self, app: &App, actor: &Actor, query: &ListQuery) -> Result<Page<Record>, AppError> {
        Ok(match self {
            Area::Contacts => {
                let page = app.list_contacts(actor, query).await?;
                Page {
                    data: page.data.into_iter().map(Record::Contact).collect(),
                    next_cursor: page.next_cursor,
                }
            }
            Area::Companies => {
                let page = app.list_companies(actor, query).await?;
                Page {
                    data: page.data.into_iter().map(Record::Company).collect(),
                    next_cursor: page.next_cursor,
                }
            }
        })
    }

    pub async fn get(self, app: &App, actor: &Actor, id: Uuid) -> Result<Record, AppError> {
        Ok(match self {
            Area::Contacts => Record::Contact(app.get_contact(actor, ContactId(id)).await?),
            Area::Companies => Record::Company(app.get_company(actor, CompanyId(id)).await?),
        })
    }

    pub async fn create(self, app: &App, actor: &Actor, body: Value) -> Result<Record, AppError> {
        Ok(match self {
            Area::Contacts => Record::Contact(app.create_contact(actor, body, None).await?),
            Area::Companies => Record::Company(app.create_company(actor, body, None).await?),
        })
    }

    pub async fn update(
        self,
        app: &App,
        actor: &Actor,
        id: Uuid,
        patch: &Value,
        version: Option<i64>,
    ) -> Result<Record, AppError> {
        Ok(match self {
            Area::Contacts => {
                Record::Contact(app.update_contact(actor, ContactId(id), patch, version).await?)
            }
            Area::Companies => {
                Record::Company(app.update_company(actor, CompanyId(id), patch, version).await?)
            }
        })
    }

    pub async fn delete(
        self,
        app: &App,
        actor: &Actor,
        id: Uuid,
        version: Option<i64>,
    ) -> Result<(), AppError> {
        match self {
            Area::Contacts => app.delete_contact(actor, ContactId(id), version).await,
            Area::Companies => app.delete_company(actor, CompanyId(id), version).await,
        }
    }

    pub async fn timeline(
        self,
        app: &App,
        actor: &Actor,
        id: Uuid,
        query: &ListQuery,
    ) -> Result<Page<Activity>, AppError> {
        match self {
            Area::Contacts => app.contact_timeline(actor, ContactId(id), query).await,
            Area::Companies => app.company_timeline(actor, CompanyId(id), query).await,
        }
    }

    /// What an activity logged from this record's page is attached to.
    pub fn about(self, id: Uuid) -> Value {
        match self {
            Area::Contacts => json!({ "contact_id": id }),
            Area::Companies => json!({ "company_id": id }),
        }
    }

    /// This record, as the one whose open tasks its page lists.
    pub fn open_tasks_of(self, id: Uuid) -> OpenTasksOf {
        match self {
            Area::Contacts => OpenTasksOf::Contact(ContactId(id)),
            Area::Companies => OpenTasksOf::Company(CompanyId(id)),
        }
    }

    /// The API body a submitted form (or one field of it, `only`) describes.
    pub async fn body(
        self,
        state: &AppState,
        actor: &Actor,
        fields: &Fields,
        only: Option<&str>,
        current: Option<&Record>,
    ) -> Result<Value, AppError> {
        let mut body = match self {
            Area::Contacts => super::contacts::body(&state.app, actor, fields, only).await?,
            Area::Companies => super::companies::body(fields, only, current),
        };
        if let Some(object) = body.as_object_mut()
            && only.is_none_or(|o| o.starts_with("custom_fields."))
        {
            let definitions = state.app.definitions(self.object_type()).await?;
            let mut values = super::custom::values_from_form(&definitions, fields);
            if let Some(key) = only.and_then(|o| o.strip_prefix("custom_fields.")) {
                values.retain(|k, _| k == key);
            }
            if !values.is_empty() {
                object.insert("custom_fields".to_owned(), Value::Object(values));
            }
        }
        Ok(body)
    }
}
