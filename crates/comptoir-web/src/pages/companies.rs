//! What is particular to companies' pages: the form's fields (the head office's address
//! among them), the list's columns and cells.

use super::Chrome;
use super::codes::{COUNTRIES, code_name};
use super::custom;
use super::filters::{Control, common_control};
use super::kind::{Header, KindPages, Link, records_matching};
use super::lists::Cell;
use super::records::{Kind, Spec, body_from_form, choice_key, spec, user_name};
use super::session::Fields;
use crate::i18n::Lang;
use comptoir_app::contacts::Contacts;
use comptoir_app::{App, AppError};
use comptoir_domain::ValidationErrors;
use comptoir_domain::companies::Company;
use comptoir_domain::custom_fields::CustomFieldDefinition;
use comptoir_domain::kinds::RecordKind;
use comptoir_domain::siren::Siren;
use comptoir_domain::users::{Actor, User};
use serde_json::{Map, Value, json};

const SIZES: &[&str] = &["1-9", "10-49", "50-249", "250-4999", "5000+"];
const RELATIONSHIPS: &[&str] = &["prospect", "customer", "partner", "supplier", "reseller", "other"];

/// The company form, in display order.
const SPECS: &[Spec] = &[
    spec("name", "field-name", Kind::Text).required().autocomplete("organization"),
    spec("relationship_type", "relationship", Kind::Choice(RELATIONSHIPS)),
    spec("owner_id", "field-owner", Kind::Owner),
    spec("domain", "field-domain", Kind::Text),
    spec("website", "field-website", Kind::Url),
    spec("industry", "field-industry", Kind::Text),
    spec("size_band", "size", Kind::Choice(SIZES)),
    spec("phones", "field-phones", Kind::PhoneLines),
    spec("siren", "field-siren", Kind::Text),
    spec("siret", "field-siret", Kind::Text),
    spec("vat_number", "field-vat-number", Kind::Text),
    spec("address.street", "field-street", Kind::Text),
    spec("address.postal_code", "field-postal-code", Kind::Text),
    spec("address.city", "field-city", Kind::Text),
    spec("address.country", "field-country", Kind::Code("country", COUNTRIES)),
    spec("tags", "field-tags", Kind::Tags),
    spec("service_tier", "field-service-tier", Kind::Text),
    spec("portal_shares_tickets", "field-portal-shares-tickets", Kind::Check),
];

const DEFAULT_COLUMNS: &[&str] = &["name", "city", "industry", "relationship_type", "owner_id"];
const LIST_COLUMNS: &[&str] = &[
    "name",
    "domain",
    "website",
    "industry",
    "size_band",
    "siren",
    "phone",
    "city",
    "postal_code",
    "country",
    "relationship_type",
    "service_tier",
    "owner_id",
    "tags",
    "created_at",
    "updated_at",
];

pub struct Companies;

impl KindPages for Companies {
    type Record = Company;
    type UseCases = comptoir_app::companies::Companies;
    const KIND: RecordKind = RecordKind::Company;
    const SPECS: &'static [Spec] = SPECS;
    const DEFAULT_COLUMNS: &'static [&'static str] = DEFAULT_COLUMNS;
    const LIST_COLUMNS: &'static [&'static str] = LIST_COLUMNS;

    fn filter_control(lang: Lang, key: &str) -> Control {
        match key {
            "relationship_type" => Control::choice(lang, "relationship", RELATIONSHIPS),
            "size_band" => Control::choice(lang, "size", SIZES),
            other => common_control(lang, other),
        }
    }

    fn version(company: &Company) -> i64 {
        company.version
    }

    fn name(company: &Company) -> String {
        company.fields.name.clone()
    }

    fn custom_fields(company: &Company) -> &Map<String, Value> {
        &company.fields.custom_fields
    }

    /// The API's JSON, with the head office as `address` like a contact's.
    fn form_json(company: &Company) -> Value {
        let mut value = serde_json::to_value(company).unwrap_or_default();
        value["address"] = serde_json::to_value(company.fields.head_office()).unwrap_or_default();
        value
    }

    fn new_defaults(actor: &Actor) -> Value {
        json!({ "owner_id": actor.user_id, "relationship_type": "prospect" })
    }

    fn cell(
        page: &Chrome,
        company: &Company,
        key: &str,
        users: &[User],
        definitions: &[CustomFieldDefinition],
    ) -> Cell {
        let f = &company.fields;
        let text = |s: Option<&String>| s.cloned().unwrap_or_default();
        let office = f.head_office();
        let mut numeric = false;
        let value = match key {
            "name" => f.name.clone(),
            "domain" => text(f.domain.as_ref()),
            "website" => text(f.website.as_ref()),
            "industry" => text(f.industry.as_ref()),
            "service_tier" => text(f.service_tier.as_ref()),
            "size_band" => f.size_band.map(|s| page.t(&choice_key("size", s.as_str()))).unwrap_or_default(),
            "siren" => f.siren.as_ref().map(|s| String::from(s.clone())).unwrap_or_default(),
            "phone" => f.primary_phone().map(|p| p.readable()).unwrap_or_default(),
            "city" => text(office.city.as_ref()),
            "postal_code" => text(office.postal_code.as_ref()),
            "country" => {
                office.country.as_deref().map(|c| code_name(page.lang, "country", c)).unwrap_or_default()
            }
            "relationship_type" => page.t(&choice_key("relationship", f.relationship_type.as_str())),
            "owner_id" => user_name(users, f.owner_id.map(|id| id.to_string())),
            "tags" => f.tags.join(", "),
            "created_at" => page.date(&company.created_at),
            "updated_at" => page.date(&company.updated_at),
            custom_key => {
                let (text, is_numeric) = custom::cell(custom_key, &f.custom_fields, definitions, page.lang);
                numeric = is_numeric;
                text
            }
        };
        let href = (key == "name").then(|| format!("/companies/{}", company.id));
        Cell { text: value, href, numeric }
    }

    async fn body(
        _app: &App,
        _actor: &Actor,
        fields: &Fields,
        only: Option<&str>,
        current: Option<&Company>,
    ) -> Result<Value, AppError> {
        Ok(body(fields, only, current))
    }

    async fn namesakes(app: &App, actor: &Actor, fields: &Fields) -> Result<Vec<Link>, AppError> {
        let mut wanted = vec![];
        if let Some(siren) = fields.text("siren").and_then(|s| Siren::parse(&s).ok()) {
            wanted.push(("filter[siren]", siren.to_string()));
        }
        if let Some(domain) = fields.text("domain") {
            wanted.push(("filter[domain]", domain.trim().to_lowercase()));
        }
        records_matching::<Self>(app, actor, wanted).await
    }

    async fn header(app: &App, actor: &Actor, page: &Chrome, company: &Company) -> Result<Header, AppError> {
        let mut subtitle = vec![];
        subtitle.extend(company.fields.industry.clone().map(|text| Link { text, href: None }));
        subtitle.extend(company.fields.head_office().city.map(|text| Link { text, href: None }));
        subtitle.extend(company.fields.website.clone().map(|w| Link { text: w.clone(), href: Some(w) }));
        let relationship = company.fields.relationship_type.as_str();
        let badge = (format!("stage-{relationship}"), page.t(&choice_key("relationship", relationship)));
        let query = super::list_query(&[
            ("filter[company_id]", company.id.to_string()),
            ("sort", "last_name".to_owned()),
            ("limit", "100".to_owned()),
        ])?;
        let members = app
            .list::<Contacts>(actor, &query)
            .await?
            .data
            .into_iter()
            .map(|c| Link {
                text: [Some(c.fields.display_name()), c.fields.job_title.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · "),
                href: Some(format!("/contacts/{}", c.id)),
            })
            .collect();
        let reach = company
            .fields
            .phones
            .first()
            .map(|phone| Link {
                text: page.t1("reach-call", "number", phone.number.readable()),
                href: Some(super::reach::tel(&phone.number)),
            })
            .into_iter()
            .collect();
        let mut twins = vec![];
        for pair in app.company_duplicates_of(actor, company.id).await? {
            let other = if pair.first_id == company.id { pair.second_id } else { pair.first_id };
            if let Ok(other) = app.get::<comptoir_app::companies::Companies>(actor, other).await {
                twins.push(Link {
                    text: format!("{} ({} %)", other.fields.name, pair.score),
                    href: Some(format!("/duplicates/companies/{}", pair.id)),
                });
            }
        }
        Ok(Header { subtitle, badge: Some(badge), members: Some(members), reach, twins })
    }
}

/// The API body of a submitted company form (or one field of it). The form edits the head
/// office, the first of the company's addresses; the others are kept as they are.
fn body(fields: &Fields, only: Option<&str>, current: Option<&Company>) -> Value {
    let mut body = body_from_form(SPECS, fields, only);
    let Some(object) = body.as_object_mut() else { return body };
    let Some(Value::Object(typed)) = object.remove("address") else { return body };
    let (mut office, others) = match current {
        Some(company) => {
            let office = serde_json::to_value(company.fields.head_office()).unwrap_or_default();
            let others: Vec<Value> = company
                .fields
                .addresses
                .iter()
                .skip(1)
                .filter_map(|a| serde_json::to_value(a).ok())
                .collect();
            (office.as_object().cloned().unwrap_or_default(), others)
        }
        None => (Map::new(), vec![]),
    };
    office.extend(typed);
    let mut addresses = vec![];
    if office.values().any(|v| !v.is_null()) {
        addresses.push(Value::Object(office));
    }
    addresses.extend(others);
    object.insert("addresses".to_owned(), Value::Array(addresses));
    body
}

/// Puts the company typed by name in a form (`company`) into its API body as `company_id`,
/// unless the form's one field `only` is another. A name that designates no company, or
/// several, is refused on the field; on a whole form, `other_errors` adds what the rest of the
/// body would be refused for, so every error shows at once.
pub async fn typed_company(
    app: &App,
    actor: &Actor,
    fields: &Fields,
    only: Option<&str>,
    body: &mut Value,
    other_errors: impl AsyncFnOnce(&Value) -> Result<ValidationErrors, AppError>,
) -> Result<(), AppError> {
    if only.is_some_and(|o| o != "company") {
        return Ok(());
    }
    let company = match fields.text("company") {
        Some(name) => app.company_by_name(actor, &name, "company").await.map(Some),
        None => Ok(None),
    };
    match company {
        Ok(id) => {
            if let Some(object) = body.as_object_mut() {
                object.insert("company_id".to_owned(), json!(id));
            }
            Ok(())
        }
        Err(AppError::Validation(mut errors)) if only.is_none() => {
            errors.0.extend(other_errors(body).await?.0);
            Err(AppError::Validation(errors))
        }
        Err(error) => Err(error),
    }
}
