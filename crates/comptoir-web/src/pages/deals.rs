//! What is particular to deals' pages: the form's fields, the list's columns and cells, and
//! the header that says where the deal stands.

use super::Chrome;
use super::companies::typed_company;
use super::custom;
use super::deal_people::{People, TypedPerson, typed_contact};
use super::filters::{Control, common_control};
use super::kind::{Header, KindPages, Link};
use super::lists::Cell;
use super::records::{Kind, Spec, body_from_form, spec, user_name};
use super::session::Fields;
use crate::i18n::Lang;
use comptoir_app::{App, AppError};
use comptoir_domain::ValidationErrors;
use comptoir_domain::custom_fields::CustomFieldDefinition;
use comptoir_domain::deals::{Deal, DealInput};
use comptoir_domain::kinds::RecordKind;
use comptoir_domain::pipelines::Outcome;
use comptoir_domain::users::{Actor, User};
use serde_json::{Map, Value, json};

const STATUSES: &[&str] = &["open", "won", "lost"];

/// The deal form, in display order. Its stage moves on the board or through the API: a new
/// deal starts in the first stage of the first pipeline, or in the column it was added to.
const SPECS: &[Spec] = &[
    spec("title", "field-title", Kind::Text).required().autocomplete("off"),
    spec("company", "field-company", Kind::Company),
    spec("contact", "field-main-contact", Kind::Contact).autocomplete("off"),
    spec("amount", "field-amount", Kind::Number),
    spec("currency", "field-currency", Kind::Text),
    spec("expected_close_on", "field-expected-close-on", Kind::Date),
    spec("probability", "field-probability", Kind::Number),
    spec("owner_id", "field-owner", Kind::Owner),
    spec("source", "field-source", Kind::Text),
    spec("tags", "field-tags", Kind::Tags),
];

const DEFAULT_COLUMNS: &[&str] =
    &["title", "company_name", "stage_name", "amount", "expected_close_on", "owner_id"];
const LIST_COLUMNS: &[&str] = &[
    "title",
    "company_name",
    "pipeline_name",
    "stage_name",
    "status",
    "amount",
    "currency",
    "probability",
    "expected_close_on",
    "owner_id",
    "source",
    "lost_reason",
    "tags",
    "created_at",
    "updated_at",
    "closed_at",
];

pub struct Deals;

impl KindPages for Deals {
    type Record = Deal;
    type UseCases = comptoir_app::deals::Deals;
    const KIND: RecordKind = RecordKind::Deal;
    const SPECS: &'static [Spec] = SPECS;
    const DEFAULT_COLUMNS: &'static [&'static str] = DEFAULT_COLUMNS;
    const LIST_COLUMNS: &'static [&'static str] = LIST_COLUMNS;

    fn filter_control(lang: Lang, key: &str) -> Control {
        match key {
            "status" => Control::choice(lang, "deal-status", STATUSES),
            "probability" => Control::Number,
            "amount" => Control::Amount,
            "expected_close_on" | "closed_at" => Control::Date,
            other => common_control(lang, other),
        }
    }

    fn version(deal: &Deal) -> i64 {
        deal.version
    }

    fn name(deal: &Deal) -> String {
        deal.fields.title.clone()
    }

    fn custom_fields(deal: &Deal) -> &Map<String, Value> {
        &deal.fields.custom_fields
    }

    /// The API's JSON, with the amount as the form types it: a number and its currency.
    fn form_json(deal: &Deal) -> Value {
        let mut value = serde_json::to_value(deal).unwrap_or_default();
        value["amount"] = deal.fields.amount.map(|m| json!(m.amount.to_string())).unwrap_or(Value::Null);
        value["currency"] = deal.fields.amount.map(|m| json!(m.currency.code())).unwrap_or(Value::Null);
        value
    }

    fn new_defaults(actor: &Actor) -> Value {
        json!({ "owner_id": actor.user_id, "currency": "EUR" })
    }

    fn cell(
        page: &Chrome,
        deal: &Deal,
        key: &str,
        users: &[User],
        definitions: &[CustomFieldDefinition],
    ) -> Cell {
        let f = &deal.fields;
        let text = |s: Option<&String>| s.cloned().unwrap_or_default();
        let mut numeric = false;
        let value = match key {
            "title" => f.title.clone(),
            "company_name" => deal.company.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
            "pipeline_name" => deal.pipeline_name.clone(),
            "stage_name" => deal.stage_name.clone(),
            "status" => page.t(&format!("deal-status-{}", f.status.as_str())),
            "amount" => {
                numeric = true;
                f.amount.map(|m| page.lang.amount(&m)).unwrap_or_default()
            }
            "probability" => {
                numeric = true;
                page.t1("board-probability", "n", f.probability)
            }
            "expected_close_on" => f.expected_close_on.map(|d| page.lang.day(d)).unwrap_or_default(),
            "owner_id" => user_name(users, f.owner_id.map(|id| id.to_string())),
            "source" => text(f.source.as_ref()),
            "lost_reason" => text(f.lost_reason.as_ref()),
            "tags" => f.tags.join(", "),
            "created_at" => page.date(&deal.created_at),
            "updated_at" => page.date(&deal.updated_at),
            "closed_at" => deal.closed_at.map(|at| page.date(&at)).unwrap_or_default(),
            custom_key => {
                let (text, is_numeric) = custom::cell(custom_key, &f.custom_fields, definitions, page.lang);
                numeric = is_numeric;
                text
            }
        };
        let href = match key {
            "title" => Some(format!("/deals/{}", deal.id)),
            "company_name" => deal.company.as_ref().map(|c| format!("/companies/{}", c.id)),
            _ => None,
        };
        Cell { text: value, href, numeric }
    }

    async fn body(
        app: &App,
        actor: &Actor,
        fields: &Fields,
        only: Option<&str>,
        current: Option<&Deal>,
    ) -> Result<Value, AppError> {
        let mut body = body_from_form(SPECS, fields, only);
        // Both named fields are resolved before either refuses, so the form names every fault.
        let mut errors = ValidationErrors::new();
        let shown = current.and_then(|deal| deal.contact.as_ref());
        let contact = typed_contact(app, actor, fields, only, &mut body, shown).await;
        let company =
            typed_company(app, actor, fields, only, &mut body, async |_: &Value| Ok(ValidationErrors::new()))
                .await;
        for resolved in [contact, company] {
            match resolved {
                Ok(()) => {}
                Err(AppError::Validation(refused)) => errors.0.extend(refused.0),
                Err(other) => return Err(other),
            }
        }
        if errors.0.is_empty() {
            return Ok(body);
        }
        if only.is_none() {
            let definitions = app.definitions(RecordKind::Deal).await?;
            let pipelines = app.pipelines(actor).await?;
            let current = current.map(|d| &d.fields);
            if let Some(refused) = serde_json::from_value::<DealInput>(body.clone())
                .ok()
                .and_then(|input| input.validate(&definitions, &pipelines, current, actor.user_id).err())
            {
                errors.0.extend(refused.0);
            }
        }
        Err(AppError::Validation(errors))
    }

    /// Deals are told apart by their title and company, which may repeat from year to year.
    async fn namesakes(_app: &App, _actor: &Actor, _fields: &Fields) -> Result<Vec<Link>, AppError> {
        Ok(vec![])
    }

    async fn people(
        app: &App,
        actor: &Actor,
        page: &Chrome,
        deal: &Deal,
        typed: &TypedPerson,
    ) -> Result<Option<People>, AppError> {
        Ok(Some(super::deal_people::section(app, actor, page, deal, typed).await?))
    }

    async fn header(_app: &App, _actor: &Actor, page: &Chrome, deal: &Deal) -> Result<Header, AppError> {
        let f = &deal.fields;
        let mut subtitle = vec![Link {
            text: format!("{} › {}", deal.pipeline_name, deal.stage_name),
            href: Some(format!("/deals/board?pipeline={}", f.pipeline_id)),
        }];
        subtitle.extend(
            deal.company
                .as_ref()
                .map(|c| Link { text: c.name.clone(), href: Some(format!("/companies/{}", c.id)) }),
        );
        subtitle.extend(
            deal.contact
                .as_ref()
                .map(|c| Link { text: c.name.clone(), href: Some(format!("/contacts/{}", c.id)) }),
        );
        subtitle.extend(f.amount.map(|m| Link {
            text: format!("{} · {}", page.lang.amount(&m), page.t1("board-probability", "n", f.probability)),
            href: None,
        }));
        subtitle.extend(
            f.expected_close_on
                .map(|d| Link { text: page.t1("deal-closes-on", "day", page.lang.day(d)), href: None }),
        );
        subtitle.extend(f.lost_reason.clone().map(|text| Link { text, href: None }));
        let status = f.status.as_str();
        let badge = match f.status {
            Outcome::Open => None,
            Outcome::Won | Outcome::Lost => {
                Some((format!("deal-{status}"), page.t(&format!("deal-status-{status}"))))
            }
        };
        Ok(Header { subtitle, badge, ..Header::default() })
    }
}
