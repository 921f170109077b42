//! Teams: the queues customer service works from. A team has members, a lead who hears of
//! missed deadlines, the categories and requester languages whose tickets come to it, and a
//! way of handing them out: in turn to its available members, or left in the queue for one
//! to take.

use crate::ids::{TeamId, UserId};
use crate::search::fold;
use crate::validation::{ValidationErrors, check_length, clean_text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The most members a team lists, and the most categories or languages it claims.
pub const MAX_MEMBERS: usize = 100;
pub const MAX_ROUTES: usize = 50;

/// How a team hands out a new ticket that names nobody.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Assignment {
    /// To the available member who has waited longest for one.
    #[default]
    RoundRobin,
    /// To nobody: it waits in the queue until someone takes it.
    Manual,
}

impl Assignment {
    pub const ALL: [Assignment; 2] = [Assignment::RoundRobin, Assignment::Manual];

    pub fn as_str(self) -> &'static str {
        match self {
            Assignment::RoundRobin => "round_robin",
            Assignment::Manual => "manual",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// Someone of the team, and whether the rotation gives them tickets now (not when away).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamMember {
    pub user_id: UserId,
    /// True when omitted.
    #[serde(default = "available")]
    pub available: bool,
}

fn available() -> bool {
    true
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamInput {
    #[serde(default)]
    pub name: Option<String>,
    /// Who hears of the team's missed deadlines (with the assignee); the managers when omitted.
    #[serde(default)]
    pub lead_id: Option<UserId>,
    /// `round_robin` when omitted.
    #[serde(default)]
    pub assignment: Option<Assignment>,
    /// In the order the rotation first goes through them.
    #[serde(default)]
    pub members: Vec<TeamMember>,
    /// New tickets of these categories come to this team.
    #[serde(default)]
    pub categories: Vec<String>,
    /// New tickets whose requester speaks one of these (ISO 639-1, such as `en`) and whose
    /// category no team claims come to this team.
    #[serde(default)]
    pub languages: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TeamFields {
    pub name: String,
    pub lead_id: Option<UserId>,
    pub assignment: Assignment,
    pub members: Vec<TeamMember>,
    pub categories: Vec<String>,
    pub languages: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Team {
    pub id: TeamId,
    pub version: i64,
    #[serde(flatten)]
    pub fields: TeamFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A member saying whether the rotation may give them tickets now.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityInput {
    pub available: bool,
}

/// A team as a ticket names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TeamSummary {
    pub id: TeamId,
    pub name: String,
}

impl Team {
    pub fn new(fields: TeamFields, at: DateTime<Utc>) -> Self {
        Self { id: TeamId::new(), version: 1, fields, created_at: at, updated_at: at }
    }

    pub fn changed(&self, fields: TeamFields, at: DateTime<Utc>) -> Self {
        Self { version: self.version + 1, fields, updated_at: at, ..self.clone() }
    }

    pub fn summary(&self) -> TeamSummary {
        TeamSummary { id: self.id, name: self.fields.name.clone() }
    }
}

impl TeamFields {
    pub fn to_input(&self) -> TeamInput {
        TeamInput {
            name: Some(self.name.clone()),
            lead_id: self.lead_id,
            assignment: Some(self.assignment),
            members: self.members.clone(),
            categories: self.categories.clone(),
            languages: self.languages.clone(),
        }
    }

    /// Whether `user` is one of the team.
    pub fn has_member(&self, user: UserId) -> bool {
        self.members.iter().any(|m| m.user_id == user)
    }
}

impl TeamInput {
    pub fn validate(self) -> Result<TeamFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = clean_text(self.name);
        check_length(&mut errors, "name", &name, 100);
        if name.is_none() {
            errors.add("name", "is required");
        }
        if self.members.len() > MAX_MEMBERS {
            errors.add("members", format!("at most {MAX_MEMBERS}"));
        }
        let mut seen = HashSet::new();
        if !self.members.iter().all(|m| seen.insert(m.user_id)) {
            errors.add("members", "names someone twice");
        }
        let categories = distinct(self.categories, fold);
        if categories.iter().any(|c| c.chars().count() > 100) {
            errors.add("categories", "each at most 100 characters");
        }
        if categories.len() > MAX_ROUTES {
            errors.add("categories", format!("at most {MAX_ROUTES}"));
        }
        let languages =
            distinct(self.languages.into_iter().map(|l| l.trim().to_lowercase()).collect(), |l| l.to_owned());
        if !languages.iter().all(|l| l.len() == 2 && l.bytes().all(|b| b.is_ascii_lowercase())) {
            errors.add("languages", "must be two-letter codes such as fr or en");
        }
        if languages.len() > MAX_ROUTES {
            errors.add("languages", format!("at most {MAX_ROUTES}"));
        }
        errors.into_result()?;
        Ok(TeamFields {
            name: name.unwrap_or_default(),
            lead_id: self.lead_id,
            assignment: self.assignment.unwrap_or_default(),
            members: self.members,
            categories,
            languages,
        })
    }
}

/// `values` trimmed, without the empty ones and without those the same as an earlier one
/// once `key` folds them.
fn distinct(values: Vec<String>, key: impl Fn(&str) -> String) -> Vec<String> {
    let mut seen = HashSet::new();
    values.into_iter().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty() && seen.insert(key(v))).collect()
}

/// What routing reads of a team: which categories and languages it claims.
#[derive(Clone, Debug, PartialEq)]
pub struct TeamRoute {
    pub id: TeamId,
    pub name: String,
    pub categories: Vec<String>,
    pub languages: Vec<String>,
}

impl From<&Team> for TeamRoute {
    fn from(team: &Team) -> Self {
        TeamRoute {
            id: team.id,
            name: team.fields.name.clone(),
            categories: team.fields.categories.clone(),
            languages: team.fields.languages.clone(),
        }
    }
}

/// The team a new ticket goes to: the one claiming its category (compared without case or
/// accents), else the one claiming its requester's language, else none. Should two teams
/// claim the same (a race between two edits), the first of `routes` wins.
pub fn route(routes: &[TeamRoute], category: Option<&str>, language: Option<&str>) -> Option<TeamId> {
    let by_category = category
        .map(fold)
        .and_then(|category| routes.iter().find(|team| team.categories.iter().any(|c| fold(c) == category)));
    let by_language = || {
        let language = language?.trim().to_lowercase();
        let primary = language.split(['-', '_']).next().unwrap_or_default().to_owned();
        routes.iter().find(|team| team.languages.contains(&primary))
    };
    by_category.or_else(by_language).map(|team| team.id)
}

/// Refuses the categories and languages `fields` claims that another of `routes` already
/// does: a ticket must have one way to go. The other teams' claims are on the teams' list.
pub fn check_claims(fields: &TeamFields, own: Option<TeamId>, routes: &[TeamRoute]) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    let others = || routes.iter().filter(|team| Some(team.id) != own);
    if fields
        .categories
        .iter()
        .any(|category| others().any(|t| t.categories.iter().any(|c| fold(c) == fold(category))))
    {
        errors.add("categories", "one of them already goes to another team");
    }
    if fields.languages.iter().any(|language| others().any(|t| t.languages.contains(language))) {
        errors.add("languages", "one of them already goes to another team");
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team(name: &str, categories: &[&str], languages: &[&str]) -> TeamRoute {
        TeamRoute {
            id: TeamId::new(),
            name: name.into(),
            categories: categories.iter().map(|c| c.to_string()).collect(),
            languages: languages.iter().map(|l| l.to_string()).collect(),
        }
    }

    #[test]
    fn a_ticket_goes_by_category_first_then_by_its_requesters_language() {
        let billing = team("Facturation", &["Facturé deux fois", "Remboursement"], &[]);
        let english = team("English desk", &[], &["en"]);
        let routes = [billing.clone(), english.clone()];
        assert_eq!(route(&routes, Some("facture deux FOIS"), Some("en")), Some(billing.id));
        assert_eq!(route(&routes, Some("Livraison"), Some("en-GB")), Some(english.id));
        assert_eq!(route(&routes, Some("Livraison"), Some("fr")), None);
        assert_eq!(route(&routes, None, None), None);
    }

    #[test]
    fn a_team_is_refused_what_it_cannot_route() {
        let input = |members: Vec<TeamMember>, languages: &[&str]| TeamInput {
            name: Some("Support".into()),
            members,
            categories: vec![" Livraison ".into(), "livraison".into(), String::new()],
            languages: languages.iter().map(|l| l.to_string()).collect(),
            ..TeamInput::default()
        };
        let one = TeamMember { user_id: UserId::new(), available: true };
        let fields = input(vec![one], &["EN", "en"]).validate().expect("a valid team");
        assert_eq!(fields.categories, ["Livraison"], "trimmed and once");
        assert_eq!(fields.languages, ["en"]);
        assert_eq!(fields.assignment, Assignment::RoundRobin);
        let twice = input(vec![one, one], &["english"]).validate().expect_err("refused");
        let fields_named: Vec<_> = twice.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields_named, ["members", "languages"]);
        let taken = check_claims(&fields, None, &[team("Logistique", &["LIVRAISON"], &[])]);
        assert_eq!(taken.0[0].message, "one of them already goes to another team");
        let own = team("Support", &["livraison"], &[]);
        assert!(
            check_claims(&fields, Some(own.id), &[own]).0.is_empty(),
            "a team does not clash with itself"
        );
    }
}
