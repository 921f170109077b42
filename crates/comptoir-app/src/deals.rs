//! Deals: opportunities followed through a pipeline's stages, up to won or lost.

use crate::bulk::BulkKind;
use crate::kind::{Kind, Refusals};
use crate::{App, AppError};
use chrono::{DateTime, Datelike, Utc};
use comptoir_domain::ValidationErrors;
use comptoir_domain::contacts::{CompanySummary, ContactSummary};
use comptoir_domain::deals::{
    BoardFilter, Forecast, ForecastPer, ForecastScope, PipelineReport, ReportScope, StageChange, StageTotal,
};
use comptoir_domain::deals::{Deal, DealContact, DealFields, DealInput, DealRefs};
use comptoir_domain::ids::PipelineId;
use comptoir_domain::ids::{ContactId, DealId, StageId, UserId};
use comptoir_domain::kinds::{Milestone, ObjectType, RecordKind};
use comptoir_domain::listing::{Count, ListQuery, Page};
use comptoir_domain::money::BASE_CURRENCY;
use comptoir_domain::pipelines::Outcome;
use comptoir_domain::users::Actor;
use comptoir_store::{StoreError, Tx};
use serde_json::{Value, json};

pub struct Deals;

impl Kind for Deals {
    type Id = DealId;
    type Record = Deal;
    type Fields = DealFields;
    type Input = DealInput;
    type Refs = DealRefs;

    const OBJECT: ObjectType = ObjectType::Record(RecordKind::Deal);
    const REFUSALS: Refusals = Refusals {
        create: "read-only users cannot create deals",
        change: "you may only change or move deals you own",
        delete: "you may only delete deals you own",
        give: "only managers and admins give a deal to someone else",
    };

    fn id(deal: &Deal) -> DealId {
        deal.id
    }
    fn version(deal: &Deal) -> i64 {
        deal.version
    }
    fn fields(deal: &Deal) -> &DealFields {
        &deal.fields
    }
    fn owner(fields: &DealFields) -> Option<UserId> {
        fields.owner_id
    }
    fn input(fields: &DealFields) -> DealInput {
        fields.to_input()
    }

    async fn validate(
        app: &App,
        actor: &Actor,
        input: DealInput,
        current: Option<&Deal>,
        _at: DateTime<Utc>,
    ) -> Result<DealFields, AppError> {
        let definitions = app.definitions(RecordKind::Deal).await?;
        let pipelines = comptoir_store::pipelines::list(&app.db).await?;
        Ok(input.validate(&definitions, &pipelines, current.map(|d| &d.fields), actor.user_id)?)
    }

    async fn references(
        app: &App,
        current: Option<&Deal>,
        fields: &DealFields,
    ) -> Result<DealRefs, AppError> {
        let pipelines = comptoir_store::pipelines::list(&app.db).await?;
        let pipeline = pipelines.iter().find(|p| p.id == fields.pipeline_id);
        let mut refs = DealRefs {
            pipeline_name: pipeline.map(|p| p.fields.name.clone()).unwrap_or_default(),
            stage_name: pipeline
                .and_then(|p| p.stage(fields.stage_id))
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            ..DealRefs::default()
        };
        if let Some(current) = current
            && fields.company_id == current.fields.company_id
            && fields.contact_id == current.fields.contact_id
            && fields.contacts == current.fields.contacts
            && fields.owner_id == current.fields.owner_id
        {
            // No other reference moved: each was checked when set, and the database keeps them
            // (a deleted company or contact clears them), so a move reads nothing more.
            refs.company = current.company.clone();
            refs.contact = current.contact.clone();
            refs.people = current.people.clone();
            return Ok(refs);
        }
        let mut errors = ValidationErrors::new();
        if let Some(id) = fields.company_id {
            match comptoir_store::companies::get(&app.db, id).await? {
                Some(company) => refs.company = Some(CompanySummary { id, name: company.fields.name }),
                None => errors.add("company_id", "is not a company"),
            }
        }
        if let Some(id) = fields.contact_id {
            match comptoir_store::contacts::get(&app.db, id).await? {
                Some(contact) => {
                    refs.contact = Some(ContactSummary { id, name: contact.fields.display_name() })
                }
                None => errors.add("contact_id", "is not a contact"),
            }
        }
        refs.people = people_named(app, current, &fields.contacts, &mut errors).await?;
        app.check_user_exists(fields.owner_id, "owner_id", &mut errors).await?;
        errors.into_result()?;
        Ok(refs)
    }

    fn build(current: Option<&Deal>, fields: DealFields, refs: DealRefs, at: DateTime<Utc>) -> Deal {
        match current {
            Some(current) => current.changed(fields, refs, at),
            None => Deal::new(fields, refs, at),
        }
    }

    fn milestones(before: Option<&Deal>, after: &Deal) -> Vec<(Milestone, Value)> {
        let Some(before) = before else {
            return Vec::new();
        };
        if before.fields.stage_id == after.fields.stage_id {
            return Vec::new();
        }
        let mut reached = vec![(
            Milestone::StageChanged,
            json!({"from_stage_id": before.fields.stage_id, "to_stage_id": after.fields.stage_id}),
        )];
        if after.fields.status != before.fields.status {
            match after.fields.status {
                Outcome::Won => reached.push((Milestone::Won, json!({"stage_id": after.fields.stage_id}))),
                Outcome::Lost => reached.push((
                    Milestone::Lost,
                    json!({"stage_id": after.fields.stage_id, "lost_reason": after.fields.lost_reason}),
                )),
                Outcome::Open => {}
            }
        }
        reached
    }

    async fn fetch(app: &App, id: DealId) -> Result<Option<Deal>, AppError> {
        Ok(comptoir_store::deals::get(&app.db, id).await?)
    }

    async fn page(app: &App, query: &ListQuery) -> Result<Page<Deal>, AppError> {
        let definitions = app.definitions(RecordKind::Deal).await?;
        Ok(comptoir_store::deals::list(&app.db, query, &definitions).await??)
    }

    async fn count(app: &App, query: &ListQuery) -> Result<Count, AppError> {
        let definitions = app.definitions(RecordKind::Deal).await?;
        Ok(comptoir_store::deals::count_matching(&app.db, query, &definitions).await??)
    }

    async fn insert(tx: &mut Tx, deal: &Deal) -> Result<(), StoreError> {
        comptoir_store::deals::insert(tx, deal).await
    }

    async fn update(tx: &mut Tx, before: &Deal, after: &Deal) -> Result<(), StoreError> {
        comptoir_store::deals::update(tx, before, after).await
    }

    async fn delete(tx: &mut Tx, deal: &Deal) -> Result<(), StoreError> {
        comptoir_store::deals::delete(tx, deal).await
    }
}

/// The people of a deal, named: those it already had by the names it knew, the others read.
async fn people_named(
    app: &App,
    current: Option<&Deal>,
    people: &[DealContact],
    errors: &mut ValidationErrors,
) -> Result<Vec<ContactSummary>, AppError> {
    let known = current.map(|deal| deal.people.as_slice()).unwrap_or_default();
    let mut named = Vec::with_capacity(people.len());
    for (n, person) in people.iter().enumerate() {
        let id = person.contact_id;
        if let Some(summary) = known.iter().find(|k| k.id == id) {
            named.push(summary.clone());
            continue;
        }
        match comptoir_store::contacts::get(&app.db, id).await? {
            Some(contact) => named.push(ContactSummary { id, name: contact.fields.display_name() }),
            None => errors.add(format!("contacts[{n}].contact_id"), "is not a contact"),
        }
    }
    Ok(named)
}

impl BulkKind for Deals {
    const KIND: RecordKind = RecordKind::Deal;

    fn owner_mut(input: &mut DealInput) -> &mut Option<UserId> {
        &mut input.owner_id
    }
    fn tags_mut(input: &mut DealInput) -> &mut Vec<String> {
        &mut input.tags
    }
}

impl App {
    /// Moves a deal to `stage`, in its pipeline or another one; `lost_reason` is required to
    /// lose it. The same change as an edit of its stage, so the same rules hold.
    pub async fn move_deal(
        &self,
        actor: &Actor,
        id: DealId,
        stage: StageId,
        lost_reason: Option<String>,
        if_match: Option<i64>,
    ) -> Result<Deal, AppError> {
        let pipelines = comptoir_store::pipelines::list(&self.db).await?;
        let Some(pipeline) = pipelines.iter().find(|p| p.stage(stage).is_some()) else {
            return Err(ValidationErrors::single("stage_id", "is not a stage of any pipeline").into());
        };
        let mut patch = json!({"pipeline_id": pipeline.id, "stage_id": stage});
        if let Some(reason) = lost_reason {
            patch["lost_reason"] = Value::String(reason);
        }
        self.update::<Deals>(actor, id, &patch, if_match).await
    }

    /// The open deals `contact` takes part in beside their main contact (every role reads
    /// every deal), soonest to close first.
    pub async fn deals_taken_part_in(
        &self,
        _actor: &Actor,
        contact: ContactId,
        limit: u32,
    ) -> Result<Vec<Deal>, AppError> {
        Ok(comptoir_store::deals::taken_part_in(&self.db, contact, limit).await?)
    }

    /// The stages a deal went through, oldest first.
    pub async fn deal_history(&self, actor: &Actor, id: DealId) -> Result<Vec<StageChange>, AppError> {
        self.get::<Deals>(actor, id).await?;
        Ok(comptoir_store::deals::stage_history(&self.db, id).await?)
    }

    /// What each stage of a pipeline adds up to, per currency (every role reads every deal).
    pub async fn stage_totals(
        &self,
        _actor: &Actor,
        pipeline: PipelineId,
        filter: &BoardFilter,
    ) -> Result<Vec<StageTotal>, AppError> {
        Ok(comptoir_store::deals::stage_totals(&self.db, pipeline, filter).await?)
    }

    /// `totals` as one line per stage in the base currency, at the latest rates on or before
    /// today.
    pub async fn stage_totals_in_base(
        &self,
        totals: &[StageTotal],
    ) -> Result<Vec<comptoir_domain::deals::StageTotalInBase>, AppError> {
        let book = comptoir_domain::exchange_rates::RateBook::new(self.latest_exchange_rates().await?);
        let today = comptoir_domain::time::now().date_naive();
        Ok(comptoir_domain::deals::totals_in_base(totals, &book, today))
    }
}

/// The longest forecast, in months.
pub const MAX_FORECAST_MONTHS: u32 = 36;

impl App {
    /// The forecast of `scope` in the base currency: committed (won), weighted (open deals'
    /// amounts × probability, plus committed) and best case (every open amount, plus
    /// committed), a row per month or per quarter. Every role reads every deal, so every role
    /// reads the forecast.
    pub async fn forecast(
        &self,
        _actor: &Actor,
        scope: &ForecastScope,
        per: ForecastPer,
    ) -> Result<Forecast, AppError> {
        let month_number = |d: chrono::NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
        if month_number(scope.until) - month_number(scope.from) > i64::from(MAX_FORECAST_MONTHS) {
            return Err(
                ValidationErrors::single("months", format!("at most {MAX_FORECAST_MONTHS} months")).into()
            );
        }
        let code = BASE_CURRENCY.code();
        let (data, left_out) = comptoir_store::forecast::months(&self.db, scope, code).await?;
        let forecast = Forecast { currency: BASE_CURRENCY, per: ForecastPer::Month, data, left_out };
        Ok(match per {
            ForecastPer::Month => forecast,
            ForecastPer::Quarter => forecast.per_quarter(),
        })
    }
}

impl App {
    /// A pipeline's report over a period: stage by stage, deals in, their value, conversion to
    /// the next stage and time spent; deals won and lost with their value, win rate and cycle
    /// length. Values are in the base currency.
    pub async fn pipeline_report(
        &self,
        actor: &Actor,
        scope: &ReportScope,
    ) -> Result<PipelineReport, AppError> {
        let pipeline = self.pipeline(actor, scope.pipeline).await?;
        Ok(comptoir_store::deals::report(&self.db, scope, &pipeline.fields.stages, BASE_CURRENCY).await?)
    }
}
