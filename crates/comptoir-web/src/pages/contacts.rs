//! What is particular to contacts' pages: the form's fields, the list's columns and cells,
//! and the company typed by name on the form.

use super::Chrome;
use super::codes::{COUNTRIES, LANGUAGES, code_name};
use super::companies::typed_company;
use super::custom;
use super::filters::{Control, common_control};
use super::kind::{Header, KindPages, Link, records_matching};
use super::lists::Cell;
use super::records::{Kind, Spec, body_from_form, spec, user_name};
use super::session::Fields;
use crate::i18n::Lang;
use comptoir_app::{App, AppError};
use comptoir_domain::contacts::{Contact, ContactInput};
use comptoir_domain::custom_fields::CustomFieldDefinition;
use comptoir_domain::email::EmailAddress;
use comptoir_domain::kinds::RecordKind;
use comptoir_domain::phone::PhoneNumber;
use comptoir_domain::users::{Actor, User};
use serde_json::{Map, Value, json};

const STAGES: &[&str] = &[
    "subscriber",
    "lead",
    "marketing_qualified",
    "sales_qualified",
    "opportunity",
    "customer",
    "evangelist",
    "other",
];

/// The contact form, in display order.
const SPECS: &[Spec] = &[
    spec("first_name", "field-first-name", Kind::Text).autocomplete("off"),
    spec("last_name", "field-last-name", Kind::Text).autocomplete("off"),
    spec("emails", "field-emails", Kind::EmailLines),
    spec("phones", "field-phones", Kind::PhoneLines),
    spec("job_title", "field-job-title", Kind::Text),
    spec("company", "field-company", Kind::Company),
    spec("lifecycle_stage", "stage", Kind::Choice(STAGES)),
    spec("owner_id", "field-owner", Kind::Owner),
    spec("tags", "field-tags", Kind::Tags),
    spec("address.street", "field-street", Kind::Text),
    spec("address.postal_code", "field-postal-code", Kind::Text),
    spec("address.city", "field-city", Kind::Text),
    spec("address.country", "field-country", Kind::Code("country", COUNTRIES)),
    spec("language", "field-language", Kind::Code("language", LANGUAGES)),
    spec("source", "field-source", Kind::Text),
    spec("external_id", "field-external-id", Kind::Text).autocomplete("off"),
];

const DEFAULT_COLUMNS: &[&str] =
    &["last_name", "first_name", "email", "phone", "company_name", "city", "lifecycle_stage", "owner_id"];
const LIST_COLUMNS: &[&str] = &[
    "last_name",
    "first_name",
    "email",
    "phone",
    "job_title",
    "company_name",
    "city",
    "postal_code",
    "country",
    "lifecycle_stage",
    "owner_id",
    "tags",
    "source",
    "external_id",
    "language",
    "created_at",
    "updated_at",
    "last_activity_at",
];

pub struct Contacts;

impl KindPages for Contacts {
    type Record = Contact;
    type UseCases = comptoir_app::contacts::Contacts;
    const KIND: RecordKind = RecordKind::Contact;
    const SPECS: &'static [Spec] = SPECS;
    const DEFAULT_COLUMNS: &'static [&'static str] = DEFAULT_COLUMNS;
    const LIST_COLUMNS: &'static [&'static str] = LIST_COLUMNS;

    fn filter_control(lang: Lang, key: &str) -> Control {
        match key {
            "lifecycle_stage" => Control::choice(lang, "stage", STAGES),
            other => common_control(lang, other),
        }
    }

    fn version(contact: &Contact) -> i64 {
        contact.version
    }

    fn name(contact: &Contact) -> String {
        contact.fields.display_name()
    }

    fn custom_fields(contact: &Contact) -> &Map<String, Value> {
        &contact.fields.custom_fields
    }

    fn form_json(contact: &Contact) -> Value {
        serde_json::to_value(contact).unwrap_or_default()
    }

    fn new_defaults(actor: &Actor) -> Value {
        json!({ "owner_id": actor.user_id, "lifecycle_stage": "lead" })
    }

    fn cell(
        page: &Chrome,
        contact: &Contact,
        key: &str,
        users: &[User],
        definitions: &[CustomFieldDefinition],
    ) -> Cell {
        let f = &contact.fields;
        let text = |s: Option<&String>| s.cloned().unwrap_or_default();
        let mut numeric = false;
        let value = match key {
            "last_name" => text(f.last_name.as_ref()),
            "first_name" => text(f.first_name.as_ref()),
            "email" => f.primary_email().map(ToString::to_string).unwrap_or_default(),
            "phone" => f.primary_phone().map(|p| p.readable()).unwrap_or_default(),
            "job_title" => text(f.job_title.as_ref()),
            "company_name" => contact.company.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
            "city" => text(f.address.city.as_ref()),
            "postal_code" => text(f.address.postal_code.as_ref()),
            "country" => {
                f.address.country.as_deref().map(|c| code_name(page.lang, "country", c)).unwrap_or_default()
            }
            "lifecycle_stage" => page.t(&format!("stage-{}", f.lifecycle_stage.as_str())),
            "owner_id" => user_name(users, f.owner_id.map(|id| id.to_string())),
            "tags" => f.tags.join(", "),
            "source" => text(f.source.as_ref()),
            "external_id" => text(f.external_id.as_ref()),
            "language" => {
                f.language.as_deref().map(|l| code_name(page.lang, "language", l)).unwrap_or_default()
            }
            "created_at" => page.date(&contact.created_at),
            "updated_at" => page.date(&contact.updated_at),
            "last_activity_at" => contact.last_activity_at.map(|at| page.date(&at)).unwrap_or_default(),
            custom_key => {
                let (text, is_numeric) = custom::cell(custom_key, &f.custom_fields, definitions, page.lang);
                numeric = is_numeric;
                text
            }
        };
        let href = match key {
            "last_name" | "first_name" => Some(format!("/contacts/{}", contact.id)),
            "email" => f.primary_email().map(|address| super::reach::mailto(address.as_str())),
            "phone" => f.primary_phone().map(super::reach::tel),
            _ => None,
        };
        // A contact known only by an email still needs a link in a name column.
        let value = if value.is_empty() && key == "last_name" && f.first_name.is_none() {
            f.display_name()
        } else {
            value
        };
        Cell { text: value, href, numeric }
    }

    async fn body(
        app: &App,
        actor: &Actor,
        fields: &Fields,
        only: Option<&str>,
        _current: Option<&Contact>,
    ) -> Result<Value, AppError> {
        body(app, actor, fields, only).await
    }

    async fn namesakes(app: &App, actor: &Actor, fields: &Fields) -> Result<Vec<Link>, AppError> {
        let lines = |name: &str| {
            fields
                .get(name)
                .unwrap_or_default()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        let mut wanted = vec![];
        for email in lines("emails") {
            if let Ok(email) = EmailAddress::parse(&email) {
                wanted.push(("filter[email]", email.to_string()));
            }
        }
        for phone in lines("phones") {
            if let Ok(phone) = PhoneNumber::parse(&phone) {
                wanted.push(("filter[phone]", phone.as_str().to_owned()));
            }
        }
        records_matching::<Self>(app, actor, wanted).await
    }

    async fn header(app: &App, actor: &Actor, page: &Chrome, contact: &Contact) -> Result<Header, AppError> {
        let mut subtitle = vec![];
        subtitle.extend(contact.fields.job_title.clone().map(|text| Link { text, href: None }));
        subtitle.extend(
            contact
                .company
                .as_ref()
                .map(|c| Link { text: c.name.clone(), href: Some(format!("/companies/{}", c.id)) }),
        );
        let stage = contact.fields.lifecycle_stage.as_str();
        let badge = Some((format!("stage-{stage}"), page.t(&format!("stage-{stage}"))));
        let mut reach = vec![];
        reach.extend(contact.fields.primary_phone().map(|number| Link {
            text: page.t1("reach-call", "number", number.readable()),
            href: Some(super::reach::tel(number)),
        }));
        reach.extend(contact.fields.primary_email().map(|address| Link {
            text: page.t("reach-write"),
            href: Some(super::reach::mailto(address.as_str())),
        }));
        reach.push(Link {
            text: page.t("reach-card"),
            href: Some(format!("/contacts/{}/card.vcf", contact.id)),
        });
        let mut twins = vec![];
        for pair in app.duplicates_of(actor, contact.id).await? {
            let other = if pair.first_id == contact.id { pair.second_id } else { pair.first_id };
            if let Ok(other) = app.get::<comptoir_app::contacts::Contacts>(actor, other).await {
                twins.push(Link {
                    text: format!("{} ({} %)", other.fields.display_name(), pair.score),
                    href: Some(format!("/duplicates/{}", pair.id)),
                });
            }
        }
        Ok(Header { subtitle, badge, members: None, reach, twins })
    }
}

/// The API body of a submitted contact form (or one field of it), with the company typed by
/// name resolved to its id.
async fn body(app: &App, actor: &Actor, fields: &Fields, only: Option<&str>) -> Result<Value, AppError> {
    let mut body = body_from_form(SPECS, fields, only);
    typed_company(app, actor, fields, only, &mut body, async |body: &Value| {
        let definitions = app.definitions(RecordKind::Contact).await?;
        Ok(serde_json::from_value::<ContactInput>(body.clone())
            .ok()
            .and_then(|input| input.validate(&definitions, actor.user_id).err())
            .unwrap_or_default())
    })
    .await?;
    Ok(body)
}

/// The contact's card, for an address book or a phone.
pub(super) async fn card(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    visitor: super::session::Visitor,
    super::path::PagePath(id): super::path::PagePath<comptoir_domain::ids::ContactId>,
) -> Result<axum::response::Response, super::errors::PageError> {
    let contact = state.app.get::<comptoir_app::contacts::Contacts>(&visitor.actor, id).await?;
    Ok(crate::download::vcard_file(&contact))
}
