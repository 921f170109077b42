//! Sales pipelines: the ordered stages a deal goes through, each with the chance of winning a
//! deal that reached it, ending in one *won* and one *lost* stage, and the reasons a deal of the
//! pipeline may be lost for.

use crate::ids::{PipelineId, StageId};
use crate::validation::{ValidationErrors, check_length, clean_text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

pub const MAX_STAGES: usize = 30;
pub const MAX_LOST_REASONS: usize = 30;

/// Where a stage leaves a deal: still open, or closed as won or lost. A deal's status is its
/// stage's outcome.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    #[default]
    Open,
    Won,
    Lost,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Open, Outcome::Won, Outcome::Lost];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Open => "open",
            Outcome::Won => "won",
            Outcome::Lost => "lost",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// The chance of winning a deal in a closed stage is known.
    pub fn fixed_probability(self) -> Option<u8> {
        match self {
            Outcome::Open => None,
            Outcome::Won => Some(100),
            Outcome::Lost => Some(0),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Stage {
    pub id: StageId,
    pub name: String,
    /// The chance, in percent, that a deal in this stage is won: what a new deal here is given.
    pub probability: u8,
    pub outcome: Outcome,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Pipeline {
    pub id: PipelineId,
    pub version: i64,
    #[serde(flatten)]
    pub fields: PipelineFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PipelineFields {
    pub name: String,
    /// Pipelines are listed by position, then name.
    pub position: i64,
    /// Open stages in the order deals go through them, then the won stage, then the lost one.
    pub stages: Vec<Stage>,
    /// What a deal of this pipeline is lost for, one of which is required to lose it.
    pub lost_reasons: Vec<String>,
}

impl Pipeline {
    pub fn stage(&self, id: StageId) -> Option<&Stage> {
        self.fields.stages.iter().find(|s| s.id == id)
    }

    /// Where a new deal starts when no stage is named.
    pub fn first_stage(&self) -> Option<&Stage> {
        self.fields.stages.first()
    }

    pub fn open_stages(&self) -> impl Iterator<Item = &Stage> {
        self.fields.stages.iter().filter(|s| s.outcome == Outcome::Open)
    }

    pub fn closing_stage(&self, outcome: Outcome) -> Option<&Stage> {
        self.fields.stages.iter().find(|s| s.outcome == outcome)
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageInput {
    /// An existing stage's id keeps it (and its deals); a stage without one is new.
    #[serde(default)]
    pub id: Option<StageId>,
    #[serde(default)]
    pub name: Option<String>,
    /// Required for open stages; won is always 100 and lost 0.
    #[serde(default)]
    pub probability: Option<u8>,
    #[serde(default)]
    pub outcome: Option<Outcome>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PipelineInput {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub position: Option<i64>,
    #[serde(default)]
    pub stages: Vec<StageInput>,
    #[serde(default)]
    pub lost_reasons: Vec<String>,
}

impl PipelineInput {
    /// Checks the pipeline is one deals can go through: named, with at least one open stage,
    /// exactly one won and one lost stage, stage names told apart, and lost reasons to choose
    /// from. `current` is the pipeline being changed: stages it does not have cannot be named
    /// by id.
    pub fn validate(self, current: Option<&Pipeline>) -> Result<PipelineFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = clean_text(self.name);
        check_length(&mut errors, "name", &name, 100);
        if name.is_none() {
            errors.add("name", "is required");
        }
        let stages = if self.stages.len() > MAX_STAGES {
            errors.add("stages", format!("at most {MAX_STAGES} stages"));
            Vec::new()
        } else {
            validate_stages(self.stages, current, &mut errors)
        };
        let lost_reasons = validate_lost_reasons(self.lost_reasons, &mut errors);
        errors.into_result()?;
        Ok(PipelineFields {
            name: name.unwrap_or_default(),
            position: self.position.unwrap_or(0),
            stages,
            lost_reasons,
        })
    }
}

fn validate_stages(
    inputs: Vec<StageInput>,
    current: Option<&Pipeline>,
    errors: &mut ValidationErrors,
) -> Vec<Stage> {
    let mut stages = Vec::with_capacity(inputs.len());
    let mut names = HashSet::new();
    let mut ids = HashSet::new();
    for (i, input) in inputs.into_iter().enumerate() {
        let field = format!("stages[{i}]");
        let outcome = input.outcome.unwrap_or_default();
        let name = clean_text(input.name);
        check_length(errors, &format!("{field}.name"), &name, 100);
        match &name {
            None => errors.add(format!("{field}.name"), "is required"),
            Some(name) if !names.insert(name.to_lowercase()) => {
                errors.add(format!("{field}.name"), "is the name of another stage");
            }
            Some(_) => {}
        }
        let probability = match (outcome.fixed_probability(), input.probability) {
            (Some(fixed), Some(given)) if given != fixed => {
                errors.add(format!("{field}.probability"), format!("is always {fixed} for this outcome"));
                fixed
            }
            (Some(fixed), _) => fixed,
            (None, Some(given)) if given > 100 => {
                errors.add(format!("{field}.probability"), "must be a percentage, from 0 to 100");
                0
            }
            (None, Some(given)) => given,
            (None, None) => {
                errors.add(format!("{field}.probability"), "is required");
                0
            }
        };
        let id = match input.id {
            Some(id) if current.and_then(|p| p.stage(id)).is_none() => {
                errors.add(format!("{field}.id"), "is not a stage of this pipeline");
                id
            }
            Some(id) if !ids.insert(id) => {
                errors.add(format!("{field}.id"), "names the same stage twice");
                id
            }
            Some(id) => id,
            None => StageId::new(),
        };
        stages.push(Stage { id, name: name.unwrap_or_default(), probability, outcome });
    }
    for outcome in Outcome::ALL {
        let count = stages.iter().filter(|s| s.outcome == outcome).count();
        match (outcome, count) {
            (Outcome::Open, 0) => errors.add("stages", "needs at least one open stage"),
            (Outcome::Won, n) if n != 1 => errors.add("stages", "needs exactly one won stage"),
            (Outcome::Lost, n) if n != 1 => errors.add("stages", "needs exactly one lost stage"),
            _ => {}
        }
    }
    // Deals move forward through the open stages; won and lost close the pipeline, in that order.
    stages.sort_by_key(|s| match s.outcome {
        Outcome::Open => 0,
        Outcome::Won => 1,
        Outcome::Lost => 2,
    });
    stages
}

fn validate_lost_reasons(inputs: Vec<String>, errors: &mut ValidationErrors) -> Vec<String> {
    if inputs.len() > MAX_LOST_REASONS {
        errors.add("lost_reasons", format!("at most {MAX_LOST_REASONS} reasons"));
        return Vec::new();
    }
    let mut seen = HashSet::new();
    let mut reasons = Vec::new();
    for (i, reason) in inputs.into_iter().enumerate() {
        let reason = clean_text(Some(reason));
        check_length(errors, &format!("lost_reasons[{i}]"), &reason, 100);
        if let Some(reason) = reason
            && seen.insert(reason.to_lowercase())
        {
            reasons.push(reason);
        }
    }
    if reasons.is_empty() {
        errors.add("lost_reasons", "needs at least one reason to lose a deal for");
    }
    reasons
}

impl PipelineFields {
    pub fn to_input(&self) -> PipelineInput {
        PipelineInput {
            name: Some(self.name.clone()),
            position: Some(self.position),
            stages: self
                .stages
                .iter()
                .map(|s| StageInput {
                    id: Some(s.id),
                    name: Some(s.name.clone()),
                    probability: Some(s.probability),
                    outcome: Some(s.outcome),
                })
                .collect(),
            lost_reasons: self.lost_reasons.clone(),
        }
    }
}

/// The words of a first pipeline, in the language of whoever creates it.
pub struct PipelineWords {
    pub name: String,
    /// The open stages' names, in order: they get 10 %, 25 %, 50 % and 75 %.
    pub open_stages: [String; 4],
    pub won: String,
    pub lost: String,
    pub lost_reasons: Vec<String>,
}

impl PipelineWords {
    /// A pipeline most small sales teams can start with and adjust.
    pub fn starter(self) -> PipelineInput {
        let probabilities = [10, 25, 50, 75];
        let mut stages: Vec<StageInput> = self
            .open_stages
            .into_iter()
            .zip(probabilities)
            .map(|(name, probability)| StageInput {
                name: Some(name),
                probability: Some(probability),
                ..StageInput::default()
            })
            .collect();
        for (name, outcome) in [(self.won, Outcome::Won), (self.lost, Outcome::Lost)] {
            stages.push(StageInput { name: Some(name), outcome: Some(outcome), ..StageInput::default() });
        }
        PipelineInput { name: Some(self.name), position: Some(0), stages, lost_reasons: self.lost_reasons }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn validate(value: Value) -> Result<PipelineFields, ValidationErrors> {
        serde_json::from_value::<PipelineInput>(value).expect("well-formed").validate(None)
    }

    fn fields(errors: ValidationErrors) -> Vec<String> {
        errors.0.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn closed_stages_come_last_with_their_fixed_probability() {
        let pipeline = validate(json!({"name": "Ventes", "lost_reasons": ["Prix"], "stages": [
            {"name": "Perdu", "outcome": "lost"},
            {"name": "Découverte", "probability": 10},
            {"name": "Gagné", "outcome": "won"},
            {"name": "Proposition", "probability": 60},
        ]}))
        .expect("valid");
        let names: Vec<(&str, u8)> =
            pipeline.stages.iter().map(|s| (s.name.as_str(), s.probability)).collect();
        assert_eq!(names, [("Découverte", 10), ("Proposition", 60), ("Gagné", 100), ("Perdu", 0)]);
    }

    #[test]
    fn a_pipeline_needs_open_won_and_lost_stages_and_reasons() {
        let errors = validate(json!({"name": "X", "stages": [
            {"name": "A", "probability": 150}, {"name": "a", "probability": 5}, {"name": "W", "outcome": "won", "probability": 90}
        ]}))
        .expect_err("invalid");
        assert_eq!(
            fields(errors),
            ["stages[0].probability", "stages[1].name", "stages[2].probability", "stages", "lost_reasons"]
        );
    }

    #[test]
    fn stages_are_kept_by_id_only_within_their_pipeline() {
        let first = PipelineWords {
            name: "Ventes".into(),
            open_stages: ["A".into(), "B".into(), "C".into(), "D".into()],
            won: "Gagné".into(),
            lost: "Perdu".into(),
            lost_reasons: vec!["Prix".into()],
        }
        .starter()
        .validate(None)
        .expect("the starter pipeline is valid");
        let pipeline = Pipeline {
            id: PipelineId::new(),
            version: 1,
            fields: first,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        let mut input = pipeline.fields.to_input();
        input.stages[0].name = Some("Premier contact".into());
        let kept = input.validate(Some(&pipeline)).expect("valid");
        assert_eq!(kept.stages[0].id, pipeline.fields.stages[0].id);
        let mut stranger = pipeline.fields.to_input();
        stranger.stages[1].id = Some(StageId::new());
        assert_eq!(fields(stranger.validate(Some(&pipeline)).expect_err("unknown id")), ["stages[1].id"]);
    }
}
