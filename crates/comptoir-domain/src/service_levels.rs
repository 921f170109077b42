//! Service levels: the business hours customer service keeps and the targets it promises
//! (first response, next response, resolution), per kind of ticket. The first policy whose conditions a ticket
//! meets sets its deadlines; a ticket no policy names has none.

use crate::business_hours::{Calendar, DAY_MINUTES, Opening, PublicHolidays};
use crate::tickets::{SlaPlan, TicketFields, TicketPriority};
use crate::validation::{ValidationErrors, check_length, clean_text};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

pub const WEEKDAYS: [&str; 7] =
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
/// A target of a year at most, in business minutes.
const MAX_TARGET_MINUTES: u32 = 525_600;
const MAX_POLICIES: usize = 50;

/// The public holidays a calendar closes on, as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HolidayRule {
    None,
    France,
    AlsaceMoselle,
}

impl From<HolidayRule> for PublicHolidays {
    fn from(rule: HolidayRule) -> Self {
        match rule {
            HolidayRule::None => PublicHolidays::None,
            HolidayRule::France => PublicHolidays::France,
            HolidayRule::AlsaceMoselle => PublicHolidays::AlsaceMoselle,
        }
    }
}

/// Business hours as written: a time zone, each weekday's openings (`"09:00-12:30"`, up to
/// `"24:00"`), public holidays and other closed days.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BusinessHours {
    /// An IANA zone: `Europe/Paris`.
    pub time_zone: String,
    /// `monday` to `sunday`, each a list of openings; a day left out is closed.
    #[schema(value_type = Object)]
    pub hours: std::collections::BTreeMap<String, Vec<String>>,
    pub public_holidays: HolidayRule,
    #[serde(default)]
    pub closed_days: Vec<NaiveDate>,
}

/// A promise for the tickets it names: an empty condition names every ticket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlaPolicy {
    pub name: String,
    #[serde(default)]
    pub priorities: Vec<TicketPriority>,
    /// Categories, compared without regard to case.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Service tiers of the ticket's company (`Premium`), compared without regard to case.
    #[serde(default)]
    pub service_tiers: Vec<String>,
    /// Business minutes to the first answer.
    #[serde(default)]
    pub first_response_minutes: Option<u32>,
    /// Business minutes to answer each later message of the requester, counted from the
    /// first of their messages still unanswered.
    #[serde(default)]
    pub next_response_minutes: Option<u32>,
    /// Business minutes to the solution, the time waiting on the requester left out.
    #[serde(default)]
    pub resolution_minutes: Option<u32>,
}

impl SlaPolicy {
    /// Whether it names a ticket with `fields`, whose company has the service tier `tier`.
    pub fn applies_to(&self, fields: &TicketFields, tier: Option<&str>) -> bool {
        let named = |wanted: &[String], value: Option<&str>| {
            wanted.is_empty()
                || value.is_some_and(|v| wanted.iter().any(|w| w.to_lowercase() == v.to_lowercase()))
        };
        let priority = self.priorities.is_empty() || self.priorities.contains(&fields.priority);
        priority && named(&self.categories, fields.category.as_deref()) && named(&self.service_tiers, tier)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceLevels {
    pub business_hours: BusinessHours,
    /// Tried in order: the first that applies to a ticket sets its deadlines.
    pub policies: Vec<SlaPolicy>,
    /// How long before a deadline its ticket's assignee is warned, in minutes of the clock;
    /// 0 warns nobody.
    #[serde(default = "default_warning_minutes")]
    pub warn_before_minutes: u32,
    /// Whether a ticket whose deadline is found missed moves up one priority (low to normal,
    /// normal to high, high to urgent); its deadlines then follow the policy of its new
    /// priority.
    #[serde(default)]
    pub raise_priority_when_missed: bool,
}

/// Half an hour: time to answer, not so early that every ticket of the day is at risk.
fn default_warning_minutes() -> u32 {
    30
}

/// A week: a warning further ahead than this says nothing.
const MAX_WARNING_MINUTES: u32 = 7 * 24 * 60;

impl Default for ServiceLevels {
    /// A French office (weekdays 9:00–12:30 and 14:00–18:00, Paris, French public holidays)
    /// and a target per priority.
    fn default() -> Self {
        let day = vec!["09:00-12:30".to_owned(), "14:00-18:00".to_owned()];
        let hours = WEEKDAYS[..5].iter().map(|d| ((*d).to_owned(), day.clone())).collect();
        let policy = |name: &str, priority, first, resolution| SlaPolicy {
            name: name.to_owned(),
            priorities: vec![priority],
            categories: vec![],
            service_tiers: vec![],
            first_response_minutes: Some(first),
            next_response_minutes: Some(first),
            resolution_minutes: Some(resolution),
        };
        ServiceLevels {
            business_hours: BusinessHours {
                time_zone: "Europe/Paris".to_owned(),
                hours,
                public_holidays: HolidayRule::France,
                closed_days: vec![],
            },
            policies: vec![
                policy("Urgent", TicketPriority::Urgent, 60, 4 * 60),
                policy("High", TicketPriority::High, 4 * 60, 2 * 450),
                policy("Normal", TicketPriority::Normal, 450, 5 * 450),
                policy("Low", TicketPriority::Low, 2 * 450, 10 * 450),
            ],
            warn_before_minutes: default_warning_minutes(),
            raise_priority_when_missed: false,
        }
    }
}

/// Reads `"09:00"` (or `"24:00"`) as minutes from midnight.
fn minutes(text: &str) -> Option<u16> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && h * 60 + m <= DAY_MINUTES).then_some(h * 60 + m)
}

fn opening(text: &str) -> Option<Opening> {
    let (from, to) = text.split_once('-')?;
    Some(Opening { from: minutes(from)?, to: minutes(to)? })
}

impl ServiceLevels {
    /// Checks every part, naming each refused one (`business_hours.hours.monday[1]`,
    /// `policies[2].name`), and cleans the names.
    pub fn validate(mut self) -> Result<ServiceLevels, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if self.calendar_or_errors(&mut errors).is_none() && errors.is_empty() {
            errors.add("business_hours.hours", "each day's openings must be in order and apart");
        }
        if self.policies.len() > MAX_POLICIES {
            errors.add("policies", format!("at most {MAX_POLICIES} policies"));
        }
        for (n, policy) in self.policies.iter_mut().enumerate() {
            let name = clean_text(Some(policy.name.clone()));
            check_length(&mut errors, &format!("policies[{n}].name"), &name, 100);
            match name {
                Some(name) => policy.name = name,
                None => errors.add(format!("policies[{n}].name"), "is required"),
            }
            for (field, target) in [
                ("first_response_minutes", policy.first_response_minutes),
                ("next_response_minutes", policy.next_response_minutes),
                ("resolution_minutes", policy.resolution_minutes),
            ] {
                if target.is_some_and(|m| m == 0 || m > MAX_TARGET_MINUTES) {
                    errors.add(format!("policies[{n}].{field}"), "must be between 1 and 525600");
                }
            }
            policy.categories =
                policy.categories.iter().filter_map(|c| clean_text(Some(c.clone()))).collect();
            policy.service_tiers =
                policy.service_tiers.iter().filter_map(|t| clean_text(Some(t.clone()))).collect();
        }
        if self.warn_before_minutes > MAX_WARNING_MINUTES {
            errors.add("warn_before_minutes", format!("must be between 0 and {MAX_WARNING_MINUTES}"));
        }
        errors.into_result()?;
        Ok(self)
    }

    fn calendar_or_errors(&self, errors: &mut ValidationErrors) -> Option<Calendar> {
        let hours = &self.business_hours;
        let zone = hours.time_zone.parse::<chrono_tz::Tz>().ok();
        if zone.is_none() {
            errors.add("business_hours.time_zone", "is not a time zone such as Europe/Paris");
        }
        let mut week: [Vec<Opening>; 7] = Default::default();
        for (day, openings) in &hours.hours {
            let Some(index) = WEEKDAYS.iter().position(|d| d == day) else {
                errors.add(format!("business_hours.hours.{day}"), "is not a day (monday to sunday)");
                continue;
            };
            for (n, text) in openings.iter().enumerate() {
                match opening(text) {
                    Some(opening) => week[index].push(opening),
                    None => errors.add(
                        format!("business_hours.hours.{day}[{n}]"),
                        "must be two times of day such as 09:00-12:30",
                    ),
                }
            }
        }
        let closed: BTreeSet<NaiveDate> = hours.closed_days.iter().copied().collect();
        Calendar::new(zone?, week, hours.public_holidays.into(), closed).ok()
    }

    /// The calendar its deadlines are counted in.
    pub fn calendar(&self) -> Calendar {
        self.calendar_or_errors(&mut ValidationErrors::new()).unwrap_or_else(Calendar::french_office)
    }

    /// The policy that sets the deadlines of a ticket with `fields`, whose company has the
    /// service tier `tier`, if any.
    pub fn policy_for(&self, fields: &TicketFields, tier: Option<&str>) -> Option<&SlaPolicy> {
        self.policies.iter().find(|p| p.applies_to(fields, tier))
    }

    /// Whether a policy names service tiers: only then is a ticket's company's tier read.
    pub fn names_tiers(&self) -> bool {
        self.policies.iter().any(|p| !p.service_tiers.is_empty())
    }

    /// What these levels promise a ticket with `fields`, whose company has the service tier
    /// `tier`.
    pub fn plan_for(&self, fields: &TicketFields, tier: Option<&str>) -> SlaPlan {
        let policy = self.policy_for(fields, tier);
        SlaPlan {
            policy: policy.map(|p| p.name.clone()),
            first_response_minutes: policy.and_then(|p| p.first_response_minutes),
            next_response_minutes: policy.and_then(|p| p.next_response_minutes),
            resolution_minutes: policy.and_then(|p| p.resolution_minutes),
            calendar: self.calendar(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tickets::TicketInput;

    #[test]
    fn the_default_levels_are_valid_and_name_a_policy_per_priority() {
        let levels = ServiceLevels::default().validate().unwrap_or_else(|e| panic!("{e:?}"));
        let urgent = TicketInput {
            subject: Some("x".into()),
            priority: Some(TicketPriority::Urgent),
            ..TicketInput::default()
        }
        .validate(&[], None, None)
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(levels.policy_for(&urgent, None).map(|p| p.name.as_str()), Some("Urgent"));
        assert_eq!(levels.calendar(), Calendar::french_office());
    }

    #[test]
    fn every_refused_part_is_named() {
        let mut levels = ServiceLevels::default();
        levels.business_hours.time_zone = "Mars/Olympus".into();
        levels.business_hours.hours.insert("funday".into(), vec![]);
        levels.business_hours.hours.insert("monday".into(), vec!["9h-12h".into()]);
        levels.policies[1].name = " ".into();
        levels.policies[2].resolution_minutes = Some(0);
        let fields: Vec<String> =
            levels.validate().err().map(|e| e.0.into_iter().map(|e| e.field).collect()).unwrap_or_default();
        assert_eq!(
            fields,
            [
                "business_hours.time_zone",
                "business_hours.hours.funday",
                "business_hours.hours.monday[0]",
                "policies[1].name",
                "policies[2].resolution_minutes"
            ]
        );
        let mut overlapping = ServiceLevels::default();
        overlapping
            .business_hours
            .hours
            .insert("friday".into(), vec!["09:00-13:00".into(), "12:00-18:00".into()]);
        assert!(overlapping.validate().is_err());
    }

    #[test]
    fn a_policy_names_tickets_by_priority_category_and_service_tier() {
        let policy = SlaPolicy {
            name: "Pannes".into(),
            priorities: vec![TicketPriority::High, TicketPriority::Urgent],
            categories: vec!["Panne".into()],
            service_tiers: vec![],
            first_response_minutes: Some(30),
            next_response_minutes: None,
            resolution_minutes: None,
        };
        let fields = |priority, category: Option<&str>| {
            TicketInput {
                subject: Some("x".into()),
                priority: Some(priority),
                category: category.map(str::to_owned),
                ..TicketInput::default()
            }
            .validate(&[], None, None)
            .unwrap_or_else(|e| panic!("{e:?}"))
        };
        assert!(policy.applies_to(&fields(TicketPriority::High, Some("PANNE")), None));
        assert!(!policy.applies_to(&fields(TicketPriority::Low, Some("panne")), None));
        assert!(!policy.applies_to(&fields(TicketPriority::Urgent, None), None));
        let premium = SlaPolicy { service_tiers: vec!["Premium".into()], ..policy };
        let broken = fields(TicketPriority::High, Some("panne"));
        assert!(premium.applies_to(&broken, Some("premium")));
        assert!(!premium.applies_to(&broken, Some("Standard")));
        assert!(!premium.applies_to(&broken, None), "no company, no tier");
    }
}
