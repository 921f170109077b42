//! Deals: the opportunities a sales team follows from the first contact to the signature, each
//! in a stage of a pipeline, with an amount and the chance of winning it.

use crate::contacts::{CompanySummary, ContactSummary};
use crate::custom_fields::{CustomFieldDefinition, validate_values};
use crate::ids::{CompanyId, ContactId, DealId, PipelineId, StageId, UserId};
use crate::money::{BASE_CURRENCY, Currency, Money};
use crate::pipelines::{Outcome, Pipeline};
use crate::search::fold;
use crate::tags::clean_tags;
use crate::validation::{ValidationErrors, check_length, clean_text};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DealInput {
    #[serde(default)]
    pub title: Option<String>,
    /// The pipeline; taken from the stage when only the stage is given, the first pipeline's
    /// when neither is.
    #[serde(default)]
    pub pipeline_id: Option<PipelineId>,
    /// The stage; the pipeline's first when omitted.
    #[serde(default)]
    pub stage_id: Option<StageId>,
    #[serde(default)]
    pub company_id: Option<CompanyId>,
    /// The person the deal is negotiated with.
    #[serde(default)]
    pub contact_id: Option<ContactId>,
    /// The people who weigh on the deal, each with their part in it, in the order shown
    /// (the main contact may be one of them, to give their part).
    #[serde(default)]
    pub contacts: Vec<DealContact>,
    #[serde(default)]
    pub owner_id: Option<UserId>,
    /// A decimal, as a string (`"1500.00"`) or a number.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub amount: Option<Decimal>,
    /// ISO 4217; EUR when omitted.
    #[serde(default)]
    pub currency: Option<String>,
    /// Percent; the stage's when omitted, and when the deal moves from a stage whose
    /// probability it had.
    #[serde(default)]
    pub probability: Option<u8>,
    #[serde(default)]
    pub expected_close_on: Option<NaiveDate>,
    #[serde(default)]
    pub source: Option<String>,
    /// One of the pipeline's lost reasons: required in the lost stage, dropped outside it.
    #[serde(default)]
    pub lost_reason: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub custom_fields: Map<String, Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DealFields {
    pub title: String,
    pub pipeline_id: PipelineId,
    pub stage_id: StageId,
    /// The stage's outcome: open, won or lost.
    pub status: Outcome,
    pub company_id: Option<CompanyId>,
    pub contact_id: Option<ContactId>,
    pub contacts: Vec<DealContact>,
    pub owner_id: Option<UserId>,
    pub amount: Option<Money>,
    pub probability: u8,
    pub expected_close_on: Option<NaiveDate>,
    pub source: Option<String>,
    pub lost_reason: Option<String>,
    pub tags: Vec<String>,
    #[schema(value_type = Object)]
    pub custom_fields: Map<String, Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Deal {
    pub id: DealId,
    pub version: i64,
    #[serde(flatten)]
    pub fields: DealFields,
    /// The company and the contact, named.
    pub company: Option<CompanySummary>,
    pub contact: Option<ContactSummary>,
    /// The people of `contacts`, named, in the same order.
    pub people: Vec<ContactSummary>,
    /// The names of its pipeline and stage, as shown with it.
    pub pipeline_name: String,
    pub stage_name: String,
    /// When the deal reached its current stage.
    pub stage_entered_at: DateTime<Utc>,
    /// When it was won or lost; absent while it is open.
    pub closed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Deal {
    /// The deal after `fields` (naming `refs`) replaced its own at `at`: a new stage starts
    /// its clock, and closing or reopening it sets or clears when it closed.
    pub fn changed(&self, fields: DealFields, refs: DealRefs, at: DateTime<Utc>) -> Deal {
        let moved = fields.stage_id != self.fields.stage_id;
        let closed_at = match fields.status {
            Outcome::Open => None,
            _ if fields.status == self.fields.status => self.closed_at,
            _ => Some(at),
        };
        Deal {
            version: self.version + 1,
            stage_entered_at: if moved { at } else { self.stage_entered_at },
            closed_at,
            fields,
            company: refs.company,
            contact: refs.contact,
            people: refs.people,
            pipeline_name: refs.pipeline_name,
            stage_name: refs.stage_name,
            updated_at: at,
            ..self.clone()
        }
    }

    pub fn new(fields: DealFields, refs: DealRefs, at: DateTime<Utc>) -> Deal {
        let closed_at = (fields.status != Outcome::Open).then_some(at);
        Deal {
            id: DealId::new(),
            version: 1,
            fields,
            company: refs.company,
            contact: refs.contact,
            people: refs.people,
            pipeline_name: refs.pipeline_name,
            stage_name: refs.stage_name,
            stage_entered_at: at,
            closed_at,
            created_at: at,
            updated_at: at,
        }
    }
}

/// The records a deal names, as it shows them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DealRefs {
    pub company: Option<CompanySummary>,
    pub contact: Option<ContactSummary>,
    pub people: Vec<ContactSummary>,
    pub pipeline_name: String,
    pub stage_name: String,
}

impl DealInput {
    /// Parses every field, collecting all errors. The stage is looked up in `pipelines`;
    /// `current` is the deal being changed, whose probability follows its stage unless it was
    /// set by hand; `owner_default` fills a missing owner.
    pub fn validate(
        self,
        definitions: &[CustomFieldDefinition],
        pipelines: &[Pipeline],
        current: Option<&DealFields>,
        owner_default: UserId,
    ) -> Result<DealFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let title = clean_text(self.title);
        check_length(&mut errors, "title", &title, 200);
        if title.is_none() {
            errors.add("title", "is required");
        }
        let placed = place(self.pipeline_id, self.stage_id, pipelines, &mut errors);
        let currency = match clean_text(self.currency) {
            Some(code) => errors.check("currency", Currency::parse(&code)),
            None => Some(BASE_CURRENCY),
        };
        let amount = match (self.amount, currency) {
            (Some(amount), Some(currency)) => errors.check("amount", Money::new(amount, currency)),
            _ => None,
        };
        if self.probability.is_some_and(|p| p > 100) {
            errors.add("probability", "must be a percentage, from 0 to 100");
        }
        let source = clean_text(self.source);
        check_length(&mut errors, "source", &source, 100);
        let mut lost_reason = clean_text(self.lost_reason);
        let tags = clean_tags(self.tags, &mut errors);
        check_people(&self.contacts, &mut errors);
        let custom_fields = validate_values(self.custom_fields, definitions, &mut errors);
        let Some((pipeline, stage_id)) = placed else {
            return Err(errors);
        };
        let Some(stage) = pipeline.stage(stage_id) else {
            return Err(errors);
        };
        if stage.outcome == Outcome::Lost {
            match &lost_reason {
                None => errors.add("lost_reason", "is required to lose a deal"),
                Some(reason) => {
                    let wanted = reason.to_lowercase();
                    match pipeline.fields.lost_reasons.iter().find(|r| r.to_lowercase() == wanted) {
                        Some(known) => lost_reason = Some(known.clone()),
                        None => errors.add("lost_reason", "is not one of the pipeline's lost reasons"),
                    }
                }
            }
        } else {
            lost_reason = None;
        }
        errors.into_result()?;
        let probability = stage.outcome.fixed_probability().unwrap_or_else(|| {
            let follows_stage = current.is_some_and(|current| {
                current.stage_id != stage.id
                    && Some(current.probability) == self.probability
                    && pipelines
                        .iter()
                        .find_map(|p| p.stage(current.stage_id))
                        .is_none_or(|before| before.probability == current.probability)
            });
            match self.probability {
                Some(given) if !follows_stage => given,
                _ => stage.probability,
            }
        });
        Ok(DealFields {
            title: title.unwrap_or_default(),
            pipeline_id: pipeline.id,
            stage_id: stage.id,
            status: stage.outcome,
            company_id: self.company_id,
            contact_id: self.contact_id,
            contacts: self.contacts,
            owner_id: Some(self.owner_id.unwrap_or(owner_default)),
            amount,
            probability,
            expected_close_on: self.expected_close_on,
            source,
            lost_reason,
            tags,
            custom_fields,
        })
    }
}

/// The most people a deal names beside its main contact.
pub const MAX_DEAL_CONTACTS: usize = 30;

/// A person's part in a deal, as sales teams name the people of a buying decision.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DealRole {
    /// Signs or says yes.
    DecisionMaker,
    /// Holds the budget.
    EconomicBuyer,
    /// Pushes for the deal from the inside.
    Champion,
    /// Is listened to by those who decide.
    Influencer,
    /// Checks that what is sold fits technically.
    TechnicalEvaluator,
    /// Will use what is sold.
    User,
    /// Stands against the deal.
    Blocker,
    #[default]
    Other,
}

impl DealRole {
    pub const ALL: [DealRole; 8] = [
        DealRole::DecisionMaker,
        DealRole::EconomicBuyer,
        DealRole::Champion,
        DealRole::Influencer,
        DealRole::TechnicalEvaluator,
        DealRole::User,
        DealRole::Blocker,
        DealRole::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DealRole::DecisionMaker => "decision_maker",
            DealRole::EconomicBuyer => "economic_buyer",
            DealRole::Champion => "champion",
            DealRole::Influencer => "influencer",
            DealRole::TechnicalEvaluator => "technical_evaluator",
            DealRole::User => "user",
            DealRole::Blocker => "blocker",
            DealRole::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Someone who weighs on a deal, and their part in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DealContact {
    pub contact_id: ContactId,
    /// `other` when omitted.
    #[serde(default)]
    pub role: DealRole,
}

fn check_people(people: &[DealContact], errors: &mut ValidationErrors) {
    if people.len() > MAX_DEAL_CONTACTS {
        errors.add("contacts", format!("at most {MAX_DEAL_CONTACTS}"));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = people.iter().position(|p| !seen.insert(p.contact_id)) {
        errors.add(format!("contacts[{twice}].contact_id"), "names someone twice");
    }
}

/// A deal's `people` once `from` is `to`: `to` takes `from`'s place and part, or, when already
/// on the deal, keeps its own and `from` leaves (a contact merged into another).
pub fn people_after_merge(people: &[DealContact], from: ContactId, to: ContactId) -> Vec<DealContact> {
    let already = people.iter().any(|p| p.contact_id == to);
    people
        .iter()
        .filter(|p| !(already && p.contact_id == from))
        .map(|p| DealContact {
            contact_id: if p.contact_id == from { to } else { p.contact_id },
            role: p.role,
        })
        .collect()
}

/// The pipeline and stage a deal is put in, from what was given of them.
fn place<'a>(
    pipeline_id: Option<PipelineId>,
    stage_id: Option<StageId>,
    pipelines: &'a [Pipeline],
    errors: &mut ValidationErrors,
) -> Option<(&'a Pipeline, StageId)> {
    let pipeline = match (pipeline_id, stage_id) {
        (Some(id), _) => pipelines.iter().find(|p| p.id == id).or_else(|| {
            errors.add("pipeline_id", "is not a pipeline");
            None
        })?,
        (None, Some(stage)) => pipelines.iter().find(|p| p.stage(stage).is_some()).or_else(|| {
            errors.add("stage_id", "is not a stage of any pipeline");
            None
        })?,
        (None, None) => pipelines.first().or_else(|| {
            errors.add("pipeline_id", "no pipeline exists yet; an admin creates one first");
            None
        })?,
    };
    match stage_id {
        Some(stage) if pipeline.stage(stage).is_none() => {
            errors.add("stage_id", "is not a stage of this pipeline");
            None
        }
        Some(stage) => Some((pipeline, stage)),
        None => pipeline.first_stage().map(|s| (pipeline, s.id)),
    }
}

impl DealFields {
    pub fn to_input(&self) -> DealInput {
        DealInput {
            title: Some(self.title.clone()),
            pipeline_id: Some(self.pipeline_id),
            stage_id: Some(self.stage_id),
            company_id: self.company_id,
            contact_id: self.contact_id,
            contacts: self.contacts.clone(),
            owner_id: self.owner_id,
            amount: self.amount.map(|m| m.amount),
            currency: self.amount.map(|m| m.currency.code().to_owned()),
            probability: Some(self.probability),
            expected_close_on: self.expected_close_on,
            source: self.source.clone(),
            lost_reason: self.lost_reason.clone(),
            tags: self.tags.clone(),
            custom_fields: self.custom_fields.clone(),
        }
    }

    /// The folded text a deal is found by: its title.
    pub fn search_text(&self) -> String {
        fold(&self.title)
    }
}

/// One stage a deal entered, and when.
#[derive(Clone, Debug, PartialEq)]
pub struct StageChange {
    pub from: Option<StageId>,
    pub to: StageId,
    pub at: DateTime<Utc>,
}

/// What a board column adds up for one currency: how many deals, their amounts and their
/// amounts weighted by probability, in minor units.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageTotal {
    pub stage_id: StageId,
    /// `None` for deals without an amount.
    pub currency: Option<String>,
    pub deals: i64,
    pub amount_minor: i64,
    /// Σ amount × probability / 100, rounded down to the minor unit once, on the sum.
    pub weighted_minor: i64,
}

/// What a board column adds up to in the base currency, other currencies converted at the
/// latest rate on or before a day: a column holding euros and dollars gets one total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageTotalInBase {
    pub stage_id: StageId,
    pub deals: i64,
    pub amount_minor: i64,
    pub weighted_minor: i64,
    /// Currencies no rate converts on that day: their amounts are left out of the sums.
    pub unconverted: Vec<String>,
}

/// Each stage's `totals` (one line per currency, as the database sums them) as one line in the
/// base currency, converted at `book`'s rates of `day`; stages appear in the order first met.
pub fn totals_in_base(
    totals: &[StageTotal],
    book: &crate::exchange_rates::RateBook,
    day: NaiveDate,
) -> Vec<StageTotalInBase> {
    let mut stages: Vec<StageTotalInBase> = Vec::new();
    for total in totals {
        let at = match stages.iter().position(|s| s.stage_id == total.stage_id) {
            Some(at) => at,
            None => {
                stages.push(StageTotalInBase {
                    stage_id: total.stage_id,
                    deals: 0,
                    amount_minor: 0,
                    weighted_minor: 0,
                    unconverted: vec![],
                });
                stages.len() - 1
            }
        };
        let stage = &mut stages[at];
        stage.deals += total.deals;
        let Some(code) = total.currency.as_deref() else { continue };
        let convert = |minor: i64| match Currency::parse(code) {
            Ok(currency) if currency == BASE_CURRENCY => Some(minor),
            Ok(currency) => book.to_base(minor, currency, day),
            Err(_) => None,
        };
        match (convert(total.amount_minor), convert(total.weighted_minor)) {
            (Some(amount), Some(weighted)) => {
                stage.amount_minor += amount;
                stage.weighted_minor += weighted;
            }
            _ => stage.unconverted.push(code.to_owned()),
        }
    }
    stages
}

/// Which of a pipeline's deals a board shows: one owner's, or those expected to close in
/// `[from, until)` (`YYYY-MM-DD`).
#[derive(Clone, Debug, Default)]
pub struct BoardFilter {
    pub owner: Option<UserId>,
    pub closing: Option<(NaiveDate, NaiveDate)>,
}

/// Which deals a forecast counts: those expected to close (open ones) or closed (won ones)
/// in the months from `from` to `until` (first days, `until` excluded), of one pipeline and one
/// owner when given, in the base currency.
#[derive(Clone, Debug, PartialEq)]
pub struct ForecastScope {
    pub pipeline: Option<PipelineId>,
    pub owner: Option<UserId>,
    pub from: NaiveDate,
    pub until: NaiveDate,
    /// A row per month and per owner, or per pipeline, instead of one per month.
    pub by: Option<ForecastBy>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ForecastBy {
    Owner,
    Pipeline,
}

/// One month (or quarter) of a forecast, for one owner or pipeline when it is split, in minor
/// units of the base currency.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ForecastMonth {
    /// `YYYY-MM`: the month, or the first month of the quarter.
    pub month: String,
    /// The owner or pipeline of the row, when the forecast is split by one.
    pub group_id: Option<uuid::Uuid>,
    /// Won in the month.
    pub won_deals: i64,
    pub committed: i64,
    /// Open and expected to close in the month.
    pub open_deals: i64,
    /// Σ amount × probability of the open deals, rounded down once, plus what is committed.
    pub weighted: i64,
    /// Every open deal's amount, plus what is committed.
    pub best_case: i64,
}

/// How long each row of a forecast is: a month, or a calendar quarter (January to March…).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ForecastPer {
    #[default]
    Month,
    Quarter,
}

impl ForecastPer {
    /// The months `[from, until)` a forecast of `months` months from `from` covers: whole
    /// quarters (from the first month of `from`'s quarter, as many as the months need) when
    /// it is read per quarter.
    pub fn span(self, from: NaiveDate, months: u32) -> Option<(NaiveDate, NaiveDate)> {
        let (from, months) = match self {
            ForecastPer::Month => (from, months),
            ForecastPer::Quarter => (quarter_start(from)?, months.div_ceil(3) * 3),
        };
        Some((from, from.checked_add_months(chrono::Months::new(months))?))
    }
}

/// The first day of the calendar quarter `day` falls in.
fn quarter_start(day: NaiveDate) -> Option<NaiveDate> {
    use chrono::Datelike;
    NaiveDate::from_ymd_opt(day.year(), day.month0() / 3 * 3 + 1, 1)
}

/// A forecast, month by month (or quarter by quarter), in one currency.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Forecast {
    /// The currency every amount is in, as minor units (cents).
    #[schema(value_type = String, example = "EUR")]
    pub currency: crate::money::Currency,
    /// How long each row is; a row's `month` is the first month of its period.
    pub per: ForecastPer,
    pub data: Vec<ForecastMonth>,
    /// Deals of the period in another currency that no exchange rate on or before their day
    /// converts, and so are not counted.
    pub left_out: i64,
}

impl Forecast {
    /// The same forecast a row per calendar quarter (and group, when split): each quarter's
    /// months added up, under the quarter's first month, in the months' order.
    pub fn per_quarter(self) -> Forecast {
        let mut quarters: Vec<ForecastMonth> = Vec::new();
        for month in self.data {
            let start = NaiveDate::parse_from_str(&format!("{}-01", month.month), "%Y-%m-%d")
                .ok()
                .and_then(quarter_start)
                .map_or_else(|| month.month.clone(), |d| d.format("%Y-%m").to_string());
            match quarters.iter_mut().find(|q| q.month == start && q.group_id == month.group_id) {
                Some(quarter) => {
                    quarter.won_deals += month.won_deals;
                    quarter.committed += month.committed;
                    quarter.open_deals += month.open_deals;
                    quarter.weighted += month.weighted;
                    quarter.best_case += month.best_case;
                }
                None => quarters.push(ForecastMonth { month: start, ..month }),
            }
        }
        Forecast { per: ForecastPer::Quarter, data: quarters, ..self }
    }
}

/// What a pipeline report covers: one pipeline's stage changes and closed deals in
/// `[from, until)`, of one owner when given.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportScope {
    pub pipeline: PipelineId,
    pub owner: Option<UserId>,
    pub from: NaiveDate,
    pub until: NaiveDate,
}

/// How deals went through one stage over the period.
#[derive(Clone, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StageReport {
    pub stage_id: StageId,
    /// How many times deals entered the stage in the period (a deal that came back counts
    /// again).
    pub entered: i64,
    /// Entries into the next open stage (or wins, after the last one) for each entry into this
    /// one, over the same period: a funnel's ratio, which passes 1 when
    /// deals that entered before the period move on in it. Absent for the closing stages and
    /// for a stage nobody entered.
    pub conversion: Option<f64>,
    /// How long, on average, deals that entered the stage in the period stayed there before
    /// moving again (those still in it are not counted); absent when none moved on.
    pub average_days_in_stage: Option<f64>,
    /// The amounts of the deals that entered it in the period (a deal that came back counts
    /// again), in minor units of the report's currency.
    pub value: i64,
}

/// A pipeline's report over a period. Amounts are in the base currency: a deal in another one
/// converts at the latest rate published on or before the day it closed, or should close (the
/// day it entered the stage when it has no such day).
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PipelineReport {
    /// The currency every value is in, as minor units (cents).
    #[schema(value_type = String, example = "EUR")]
    pub currency: crate::money::Currency,
    pub stages: Vec<StageReport>,
    /// Deals won and lost in the period.
    pub won: i64,
    pub lost: i64,
    /// Their amounts.
    pub won_value: i64,
    pub lost_value: i64,
    /// Stage entries and closings of deals in another currency that no rate converts, and so
    /// are not in the values.
    pub left_out: i64,
    /// won / (won + lost); absent when none closed.
    pub win_rate: Option<f64>,
    /// From creation to the day they were won or lost, on average, for the deals closed in the
    /// period.
    pub average_cycle_days: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forecast_per_quarter_runs_whole_calendar_quarters() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a day");
        assert_eq!(
            ForecastPer::Month.span(day("2031-02-01"), 4),
            Some((day("2031-02-01"), day("2031-06-01")))
        );
        assert_eq!(
            ForecastPer::Quarter.span(day("2031-02-01"), 4),
            Some((day("2031-01-01"), day("2031-07-01"))),
            "February is in the first quarter; four months need two quarters"
        );
        assert_eq!(
            ForecastPer::Quarter.span(day("2031-12-01"), 36),
            Some((day("2031-10-01"), day("2034-10-01")))
        );

        let month = |month: &str, group: Option<u128>, won: i64, open: i64| ForecastMonth {
            month: month.to_owned(),
            group_id: group.map(uuid::Uuid::from_u128),
            won_deals: won,
            committed: won * 100,
            open_deals: open,
            weighted: won * 100 + open * 10,
            best_case: won * 100 + open * 50,
        };
        let forecast = Forecast {
            currency: BASE_CURRENCY,
            per: ForecastPer::Month,
            data: vec![
                month("2031-01", Some(1), 1, 0),
                month("2031-01", Some(2), 0, 1),
                month("2031-02", Some(1), 0, 2),
                month("2031-02", Some(2), 0, 0),
                month("2031-03", Some(1), 2, 0),
                month("2031-03", Some(2), 0, 0),
                month("2031-04", Some(1), 0, 3),
                month("2031-04", Some(2), 1, 0),
            ],
            left_out: 2,
        };
        let quarters = forecast.per_quarter();
        assert_eq!(quarters.per, ForecastPer::Quarter);
        assert_eq!(quarters.left_out, 2);
        assert_eq!(
            quarters.data,
            [
                ForecastMonth {
                    month: "2031-01".into(),
                    group_id: Some(uuid::Uuid::from_u128(1)),
                    won_deals: 3,
                    committed: 300,
                    open_deals: 2,
                    weighted: 320,
                    best_case: 400
                },
                ForecastMonth {
                    month: "2031-01".into(),
                    group_id: Some(uuid::Uuid::from_u128(2)),
                    won_deals: 0,
                    committed: 0,
                    open_deals: 1,
                    weighted: 10,
                    best_case: 50
                },
                ForecastMonth {
                    month: "2031-04".into(),
                    group_id: Some(uuid::Uuid::from_u128(1)),
                    won_deals: 0,
                    committed: 0,
                    open_deals: 3,
                    weighted: 30,
                    best_case: 150
                },
                ForecastMonth {
                    month: "2031-04".into(),
                    group_id: Some(uuid::Uuid::from_u128(2)),
                    won_deals: 1,
                    committed: 100,
                    open_deals: 0,
                    weighted: 100,
                    best_case: 100
                },
            ]
        );
    }

    #[test]
    fn a_column_in_several_currencies_adds_up_in_euros() {
        let stage = StageId::new();
        let line = |currency: Option<&str>, deals, amount_minor, weighted_minor| StageTotal {
            stage_id: stage,
            currency: currency.map(str::to_owned),
            deals,
            amount_minor,
            weighted_minor,
        };
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        let rate = |currency: &str, per_base| crate::exchange_rates::ExchangeRate {
            currency: currency.to_owned(),
            on: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default(),
            per_base,
        };
        let book = crate::exchange_rates::RateBook::new([rate("USD", Decimal::new(125, 2))]);
        let totals = [
            line(Some("EUR"), 2, 1_000_000, 500_000),
            line(Some("USD"), 1, 250_000, 125_000),
            line(Some("JPY"), 1, 100_000, 10_000),
            line(None, 3, 0, 0),
        ];
        let [column] = totals_in_base(&totals, &book, day).try_into().unwrap_or_else(|_| panic!("one stage"));
        assert_eq!(column.deals, 7, "every deal counts, with an amount or not");
        assert_eq!((column.amount_minor, column.weighted_minor), (1_200_000, 600_000), "$2,500 is €2,000");
        assert_eq!(column.unconverted, ["JPY"], "no rate for yen: left out, and said");
    }
    use crate::pipelines::PipelineWords;
    use serde_json::json;

    fn pipeline() -> Pipeline {
        let fields = PipelineWords {
            name: "Ventes".into(),
            open_stages: [
                "Qualification".into(),
                "Découverte".into(),
                "Proposition".into(),
                "Négociation".into(),
            ],
            won: "Gagné".into(),
            lost: "Perdu".into(),
            lost_reasons: vec!["Prix".into(), "Concurrent".into()],
        }
        .starter()
        .validate(None)
        .expect("valid");
        Pipeline { id: PipelineId::new(), version: 1, fields, created_at: Utc::now(), updated_at: Utc::now() }
    }

    fn validate(
        value: Value,
        pipelines: &[Pipeline],
        current: Option<&DealFields>,
    ) -> Result<DealFields, ValidationErrors> {
        serde_json::from_value::<DealInput>(value).expect("well-formed").validate(
            &[],
            pipelines,
            current,
            UserId::new(),
        )
    }

    #[test]
    fn a_new_deal_starts_in_the_first_stage_with_its_probability() {
        let pipelines = [pipeline()];
        let deal = validate(json!({"title": "Contrat cadre", "amount": "12500.5"}), &pipelines, None)
            .expect("valid");
        assert_eq!(deal.stage_id, pipelines[0].fields.stages[0].id);
        assert_eq!(deal.probability, 10);
        assert_eq!(deal.amount.map(|m| m.minor_units), Some(1_250_050));
        assert_eq!(deal.status, Outcome::Open);
    }

    #[test]
    fn probability_follows_the_stage_unless_set_by_hand() {
        let pipelines = [pipeline()];
        let stages = &pipelines[0].fields.stages;
        let first = validate(json!({"title": "A"}), &pipelines, None).expect("valid");
        let mut moved = first.to_input();
        moved.stage_id = Some(stages[2].id);
        let moved = moved.validate(&[], &pipelines, Some(&first), UserId::new()).expect("valid");
        assert_eq!(moved.probability, 50, "the stage's default follows the move");
        let mut hand = moved.to_input();
        hand.probability = Some(35);
        let hand = hand.validate(&[], &pipelines, Some(&moved), UserId::new()).expect("valid");
        let mut on = hand.to_input();
        on.stage_id = Some(stages[3].id);
        let on = on.validate(&[], &pipelines, Some(&hand), UserId::new()).expect("valid");
        assert_eq!(on.probability, 35, "a probability set by hand stays");
        let mut won = on.to_input();
        won.stage_id = Some(stages[4].id);
        assert_eq!(won.validate(&[], &pipelines, Some(&on), UserId::new()).map(|d| d.probability), Ok(100));
    }

    #[test]
    fn losing_a_deal_takes_one_of_its_pipelines_reasons() {
        let pipelines = [pipeline()];
        let lost = pipelines[0].closing_stage(Outcome::Lost).expect("lost stage").id;
        let errors =
            validate(json!({"title": "A", "stage_id": lost}), &pipelines, None).expect_err("no reason");
        assert_eq!(errors.0[0].field, "lost_reason");
        let errors =
            validate(json!({"title": "A", "stage_id": lost, "lost_reason": "Météo"}), &pipelines, None)
                .expect_err("unknown reason");
        assert_eq!(errors.0[0].field, "lost_reason");
        let deal = validate(json!({"title": "A", "stage_id": lost, "lost_reason": "prix"}), &pipelines, None)
            .expect("valid");
        assert_eq!(
            (deal.status, deal.lost_reason.as_deref(), deal.probability),
            (Outcome::Lost, Some("Prix"), 0)
        );
        let mut reopened = deal.to_input();
        reopened.stage_id = Some(pipelines[0].fields.stages[1].id);
        let reopened = reopened.validate(&[], &pipelines, Some(&deal), UserId::new()).expect("valid");
        assert_eq!(reopened.lost_reason, None);
    }

    #[test]
    fn a_stage_must_belong_to_the_pipeline_named() {
        let pipelines = [pipeline(), pipeline()];
        let other = pipelines[1].fields.stages[0].id;
        let errors = validate(
            json!({"title": "A", "pipeline_id": pipelines[0].id, "stage_id": other}),
            &pipelines,
            None,
        )
        .expect_err("mismatch");
        assert_eq!(errors.0[0].field, "stage_id");
        let found = validate(json!({"title": "A", "stage_id": other}), &pipelines, None).expect("valid");
        assert_eq!(found.pipeline_id, pipelines[1].id);
        let errors = validate(json!({"title": "A"}), &[], None).expect_err("no pipeline");
        assert_eq!(errors.0[0].field, "pipeline_id");
    }

    #[test]
    fn amounts_are_checked_against_their_currency() {
        let pipelines = [pipeline()];
        let errors = validate(json!({"title": "A", "amount": "10.5", "currency": "JPY"}), &pipelines, None)
            .expect_err("no decimals in yen");
        assert_eq!(errors.0[0].field, "amount");
        let errors = validate(json!({"title": "A", "amount": 10, "currency": "EURO"}), &pipelines, None)
            .expect_err("unknown currency");
        assert_eq!(errors.0[0].field, "currency");
    }

    #[test]
    fn a_deal_names_each_person_once_with_their_part() {
        let pipelines = [pipeline()];
        let (buyer, engineer) = (ContactId::new(), ContactId::new());
        let deal = validate(
            json!({"title": "A", "contacts": [
                {"contact_id": buyer, "role": "economic_buyer"},
                {"contact_id": engineer}
            ]}),
            &pipelines,
            None,
        )
        .expect("valid");
        assert_eq!(deal.contacts[0], DealContact { contact_id: buyer, role: DealRole::EconomicBuyer });
        assert_eq!(deal.contacts[1].role, DealRole::Other);
        let errors = validate(
            json!({"title": "A", "contacts": [{"contact_id": buyer}, {"contact_id": engineer}, {"contact_id": buyer}]}),
            &pipelines,
            None,
        )
        .expect_err("twice");
        assert_eq!(errors.0[0].field, "contacts[2].contact_id");
    }

    #[test]
    fn a_merged_person_gives_their_place_on_a_deal_to_the_survivor() {
        let pipelines = [pipeline()];
        let (merged, survivor, other) = (ContactId::new(), ContactId::new(), ContactId::new());
        let people =
            |list: Value| validate(json!({"title": "A", "contacts": list}), &pipelines, None).expect("valid");
        let deal = people(json!([
            {"contact_id": other, "role": "user"},
            {"contact_id": merged, "role": "champion"}
        ]));
        assert_eq!(
            people_after_merge(&deal.contacts, merged, survivor),
            vec![
                DealContact { contact_id: other, role: DealRole::User },
                DealContact { contact_id: survivor, role: DealRole::Champion },
            ]
        );
        let both = people(json!([
            {"contact_id": merged, "role": "champion"},
            {"contact_id": survivor, "role": "decision_maker"}
        ]));
        assert_eq!(
            people_after_merge(&both.contacts, merged, survivor),
            vec![DealContact { contact_id: survivor, role: DealRole::DecisionMaker }]
        );
    }
}
