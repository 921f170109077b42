//! Companies: customers, prospects, partners, suppliers.

use crate::bulk::BulkKind;
use crate::kind::{Kind, Refusals};
use crate::{App, AppError};
use chrono::{DateTime, Utc};
use comptoir_domain::ValidationErrors;
use comptoir_domain::companies::{Company, CompanyFields, CompanyInput};
use comptoir_domain::ids::{CompanyId, UserId};
use comptoir_domain::kinds::{ObjectType, RecordKind};
use comptoir_domain::listing::{Count, ListQuery, Page};
use comptoir_domain::search::fold;
use comptoir_domain::users::Actor;
use comptoir_store::{StoreError, Tx};

pub struct Companies;

impl Kind for Companies {
    type Id = CompanyId;
    type Record = Company;
    type Fields = CompanyFields;
    type Input = CompanyInput;
    type Refs = ();

    const OBJECT: ObjectType = ObjectType::Record(RecordKind::Company);
    const REFUSALS: Refusals = Refusals {
        create: "read-only users cannot create companies",
        change: "you may only change companies you own",
        delete: "you may only delete companies you own",
        give: "only managers and admins give a company to someone else",
    };

    fn id(company: &Company) -> CompanyId {
        company.id
    }
    fn version(company: &Company) -> i64 {
        company.version
    }
    fn fields(company: &Company) -> &CompanyFields {
        &company.fields
    }
    fn owner(fields: &CompanyFields) -> Option<UserId> {
        fields.owner_id
    }
    fn input(fields: &CompanyFields) -> CompanyInput {
        fields.to_input()
    }

    async fn validate(
        app: &App,
        actor: &Actor,
        input: CompanyInput,
        _current: Option<&Company>,
        _at: DateTime<Utc>,
    ) -> Result<CompanyFields, AppError> {
        let definitions = app.definitions(RecordKind::Company).await?;
        Ok(input.validate(&definitions, actor.user_id)?)
    }

    async fn references(
        app: &App,
        _current: Option<&Company>,
        fields: &CompanyFields,
    ) -> Result<(), AppError> {
        let mut errors = ValidationErrors::new();
        app.check_user_exists(fields.owner_id, "owner_id", &mut errors).await?;
        Ok(errors.into_result()?)
    }

    fn build(current: Option<&Company>, fields: CompanyFields, _refs: (), at: DateTime<Utc>) -> Company {
        match current {
            Some(current) => {
                Company { version: current.version + 1, fields, updated_at: at, ..current.clone() }
            }
            None => Company { id: CompanyId::new(), version: 1, fields, created_at: at, updated_at: at },
        }
    }

    async fn fetch(app: &App, id: CompanyId) -> Result<Option<Company>, AppError> {
        Ok(comptoir_store::companies::get(&app.db, id).await?)
    }

    async fn page(app: &App, query: &ListQuery) -> Result<Page<Company>, AppError> {
        let definitions = app.definitions(RecordKind::Company).await?;
        Ok(comptoir_store::companies::list(&app.db, query, &definitions).await??)
    }

    async fn count(app: &App, query: &ListQuery) -> Result<Count, AppError> {
        let definitions = app.definitions(RecordKind::Company).await?;
        Ok(comptoir_store::companies::count_matching(&app.db, query, &definitions).await??)
    }

    async fn insert(tx: &mut Tx, company: &Company) -> Result<(), StoreError> {
        comptoir_store::companies::insert(tx, company).await
    }

    /// Its contacts are found by its name: a new name is written on them too.
    async fn update(tx: &mut Tx, before: &Company, after: &Company) -> Result<(), StoreError> {
        comptoir_store::companies::update(tx, after, before.version).await?;
        if after.fields.name != before.fields.name {
            comptoir_store::contacts::set_company_search(tx, after.id, &fold(&after.fields.name)).await?;
        }
        Ok(())
    }

    /// Its contacts stay, without a company.
    async fn delete(tx: &mut Tx, company: &Company) -> Result<(), StoreError> {
        comptoir_store::contacts::set_company_search(tx, company.id, "").await?;
        comptoir_store::companies::delete(tx, company.id, company.version).await
    }
}

impl BulkKind for Companies {
    const KIND: RecordKind = RecordKind::Company;

    fn owner_mut(input: &mut CompanyInput) -> &mut Option<UserId> {
        &mut input.owner_id
    }
    fn tags_mut(input: &mut CompanyInput) -> &mut Vec<String> {
        &mut input.tags
    }
}

/// Between a company's name and its city, where a suggestion tells namesakes apart.
const HOMONYM_SEPARATOR: &str = " — ";

/// A company as it is typed where a company is named: its name, or, when another company has
/// the same one, "name — city", which [`App::company_by_name`] reads back.
pub fn typed_name(company: &Company, has_namesake: bool) -> String {
    let name = &company.fields.name;
    match company.fields.head_office().city {
        Some(city) if has_namesake => format!("{name}{HOMONYM_SEPARATOR}{city}"),
        _ => name.clone(),
    }
}

/// The first two companies called `name` (in `city`, when given): enough to tell one from
/// several.
fn named(name: &str, city: Option<&str>) -> Result<ListQuery, ValidationErrors> {
    let mut pairs = vec![("filter[name]".to_owned(), name.to_owned()), ("limit".to_owned(), "2".to_owned())];
    pairs.extend(city.map(|city| ("filter[city]".to_owned(), city.to_owned())));
    ListQuery::parse(&pairs, &[])
}

impl App {
    /// How a company is written where it is typed by name (see [`typed_name`]).
    pub async fn company_label(&self, actor: &Actor, id: CompanyId) -> Result<String, AppError> {
        let company = self.get::<Companies>(actor, id).await?;
        let named = self.list::<Companies>(actor, &named(&company.fields.name, None)?).await?;
        Ok(typed_name(&company, named.data.len() > 1))
    }

    /// The one company a name designates, as a form where the company is typed by name needs
    /// it; a name that matches none or several is refused on `field`.
    pub async fn company_by_name(
        &self,
        actor: &Actor,
        name: &str,
        field: &str,
    ) -> Result<CompanyId, AppError> {
        let mut found = self.list::<Companies>(actor, &named(name, None)?).await?.data;
        // Namesakes are told apart by their city, as the suggestions write them:
        // "Boulangerie Dupont — Lyon".
        if found.is_empty()
            && let Some((name, city)) = name.rsplit_once(HOMONYM_SEPARATOR)
        {
            found = self.list::<Companies>(actor, &named(name.trim(), Some(city.trim()))?).await?.data;
        }
        match found.as_slice() {
            [one] => Ok(one.id),
            [] => Err(ValidationErrors::single(field, "no company has this name").into()),
            _ => Err(ValidationErrors::single(
                field,
                "several companies have this name; pick one from the list",
            )
            .into()),
        }
    }
}
