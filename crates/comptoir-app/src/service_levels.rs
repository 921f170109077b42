//! Service levels: admins set the business hours and the targets; every ticket's deadlines
//! follow them, and a job records the deadlines that pass.

use crate::changes::{Origin, announce, record};
use crate::input::parse;
use crate::tickets::Tickets;
use crate::users::check_version;
use crate::{App, AppError, admin_only};
use chrono::{DateTime, Utc};
use comptoir_domain::audit::Action;
use comptoir_domain::ids::UserId;
use comptoir_domain::ids::{TeamId, TicketId};
use comptoir_domain::kinds::{Milestone, ObjectType, RecordKind};
use comptoir_domain::mail::{DeadlineNotice, MailLanguage, deadline_notice};
use comptoir_domain::service_levels::ServiceLevels;
use comptoir_domain::tickets::{SlaPlan, TicketFields, reference};
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_domain::users::{Role, User};
use comptoir_store::tickets::{Deadline, Reached};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

const KEY: &str = "service_levels";

/// Tickets recorded per deadline and pass: a backlog takes several passes, each short.
const MISSED_PER_PASS: i64 = 500;

impl App {
    /// The service levels and their version (0 and the defaults until an admin sets them).
    /// Every role reads them: every ticket shows its deadlines.
    pub async fn service_levels(&self) -> Result<(ServiceLevels, i64), AppError> {
        match comptoir_store::settings::get(&self.db, KEY).await? {
            Some((value, version)) => {
                let levels = serde_json::from_value(value)
                    .map_err(|e| AppError::Internal(format!("stored service levels: {e}")))?;
                Ok((levels, version))
            }
            None => Ok((ServiceLevels::default(), 0)),
        }
    }

    /// What the service levels promise a ticket with `fields`: its company's service tier is
    /// read when a policy names tiers.
    pub(crate) async fn ticket_plan(&self, fields: &TicketFields) -> Result<SlaPlan, AppError> {
        let (levels, _) = self.service_levels().await?;
        let tier = match fields.company_id {
            Some(id) if levels.names_tiers() => {
                comptoir_store::companies::get(&self.db, id).await?.and_then(|c| c.fields.service_tier)
            }
            _ => None,
        };
        Ok(levels.plan_for(fields, tier.as_deref()))
    }

    /// Replaces the service levels (admins only). Tickets already open keep their deadlines
    /// until they next change.
    pub async fn set_service_levels(
        &self,
        actor: &Actor,
        body: serde_json::Value,
        if_match: Option<i64>,
    ) -> Result<(ServiceLevels, i64), AppError> {
        admin_only(Some(actor), "only admins set the service levels")?;
        let (current, version) = self.service_levels().await?;
        check_version(if_match, version)?;
        let levels = parse::<ServiceLevels>(body)?.validate()?;
        let value = serde_json::to_value(&levels).map_err(|e| AppError::Internal(e.to_string()))?;
        let mut tx = self.db.begin().await?;
        comptoir_store::settings::put(&mut tx, KEY, &value, version, now()).await?;
        let origin = Origin { actor: Some(actor), operation: None };
        let before = (version > 0).then_some(&current);
        record(&mut tx, origin, Action::Update, ObjectType::Settings, Uuid::nil(), before, Some(&levels))
            .await?;
        tx.commit().await?;
        Ok((levels, version + 1))
    }

    /// Watches the deadlines at `at`: records those passed that were neither met nor recorded
    /// (`ticket.sla_breached`), then those coming within the warning time that nobody was
    /// warned of (`ticket.sla_at_risk`), each once however many servers run this. When mail is
    /// set up, the ticket's assignee hears of both, and of a deadline missed the lead of the
    /// ticket's team (without one, the managers; without managers, the admins), in the same
    /// transaction; when the levels say so, a ticket late moves up one priority. A full pass
    /// means more may be waiting.
    pub async fn watch_deadlines(&self, at: DateTime<Utc>) -> Result<DeadlineWatch, AppError> {
        let (levels, _) = self.service_levels().await?;
        let (mail, _) = self.mail_settings().await?;
        let mut tx = self.db.begin().await?;
        let mut watch = DeadlineWatch::default();
        let mut notices = Vec::new();
        for deadline in [Deadline::FirstResponse, Deadline::NextResponse, Deadline::Resolution] {
            let missed =
                comptoir_store::tickets::record_missed(&mut tx, deadline, at, MISSED_PER_PASS).await?;
            for ticket in &missed {
                announce_deadline(&mut tx, ticket, deadline, Milestone::SlaBreached).await?;
                notices.push((notice(ticket, deadline, true), ticket.assignee_id, ticket.team_id));
                if levels.raise_priority_when_missed {
                    self.raise_priority(&mut tx, &levels, TicketId(ticket.id), at).await?;
                }
            }
            watch.missed += missed.len();
        }
        if levels.warn_before_minutes > 0 {
            let horizon = at + chrono::Duration::minutes(i64::from(levels.warn_before_minutes));
            for deadline in [Deadline::FirstResponse, Deadline::NextResponse, Deadline::Resolution] {
                let close =
                    comptoir_store::tickets::record_at_risk(&mut tx, deadline, at, horizon, MISSED_PER_PASS)
                        .await?;
                for ticket in &close {
                    announce_deadline(&mut tx, ticket, deadline, Milestone::SlaAtRisk).await?;
                    notices.push((notice(ticket, deadline, false), ticket.assignee_id, ticket.team_id));
                }
                watch.at_risk += close.len();
            }
        }
        if let Some(settings) = mail.filter(|_| !notices.is_empty()) {
            let people = comptoir_store::users::active(&self.db).await?;
            let zone = levels.business_hours.time_zone.parse().unwrap_or(chrono_tz::Europe::Paris);
            let mut leads: HashMap<TeamId, Option<UserId>> = HashMap::new();
            for (notice, assignee, team) in &notices {
                let lead = match team {
                    Some(team) if notice.missed => match leads.get(team) {
                        Some(lead) => *lead,
                        None => {
                            let lead = comptoir_store::teams::lead_of(&self.db, *team).await?;
                            *leads.entry(*team).or_insert(lead)
                        }
                    },
                    _ => None,
                };
                for person in recipients(&people, *assignee, lead, notice.missed) {
                    let language = MailLanguage::of(person.locale.as_deref(), settings.default_language);
                    let zone = person.timezone.as_deref().and_then(|z| z.parse().ok()).unwrap_or(zone);
                    let mail = deadline_notice(notice, &person.email, language, zone, at);
                    comptoir_store::mail::queue(&mut tx, &mail).await?;
                    watch.notices += 1;
                }
            }
        }
        tx.commit().await?;
        Ok(watch)
    }
}

impl App {
    /// Moves the ticket `id` up one priority inside `tx`, as the system, unless it is urgent
    /// already or solved: its deadlines then follow its new priority's policy.
    async fn raise_priority(
        &self,
        tx: &mut comptoir_store::Tx,
        levels: &ServiceLevels,
        id: TicketId,
        at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let Some(current) = comptoir_store::tickets::get_in(tx, id).await? else {
            return Ok(());
        };
        let mut fields = current.fields.clone();
        fields.priority = fields.priority.raised();
        // A solved ticket is past hurrying.
        if fields.priority == current.fields.priority || !fields.status.is_unresolved() {
            return Ok(());
        }
        let tier = match fields.company_id {
            Some(company) if levels.names_tiers() => {
                comptoir_store::companies::service_tier(tx, company).await?
            }
            _ => None,
        };
        let plan = levels.plan_for(&fields, tier.as_deref());
        let raised = current.changed(fields, current.refs(Some(plan)), at);
        self.store_change_from::<Tickets>(tx, Origin::SYSTEM, &current, &raised, None).await
    }
}

/// What a watch of the deadlines found and did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeadlineWatch {
    pub missed: usize,
    pub at_risk: usize,
    /// Mail put in the outbox about them.
    pub notices: usize,
}

async fn announce_deadline(
    tx: &mut comptoir_store::Tx,
    ticket: &Reached,
    deadline: Deadline,
    milestone: Milestone,
) -> Result<(), AppError> {
    let payload = json!({
        "deadline": deadline.as_str(),
        "due_at": ticket.due_at,
        "reference": reference(ticket.number),
        "version": ticket.version,
    });
    let origin = Origin { actor: None, operation: None };
    let object = ObjectType::Record(RecordKind::Ticket);
    announce(tx, origin, object, TicketId(ticket.id).into(), milestone, payload).await
}

fn notice(ticket: &Reached, deadline: Deadline, missed: bool) -> DeadlineNotice {
    DeadlineNotice {
        ticket_id: TicketId(ticket.id),
        reference: reference(ticket.number),
        subject: ticket.subject.clone(),
        deadline,
        due_at: ticket.due_at,
        missed,
    }
}

/// Who hears of a deadline: the ticket's assignee; for a missed one, also the lead of its
/// team, or without one the managers, or the admins when there is no manager. Each once;
/// only people still active.
fn recipients(people: &[User], assignee: Option<UserId>, lead: Option<UserId>, missed: bool) -> Vec<&User> {
    let mut told: Vec<&User> = people.iter().filter(|p| Some(p.id) == assignee).collect();
    if missed {
        let managers: Vec<&User> = people.iter().filter(|p| p.role == Role::Manager).collect();
        let lead: Vec<&User> = people.iter().filter(|p| Some(p.id) == lead).collect();
        let leads = if !lead.is_empty() {
            lead
        } else if managers.is_empty() {
            people.iter().filter(|p| p.role == Role::Admin).collect()
        } else {
            managers
        };
        told.extend(leads.into_iter().filter(|p| Some(p.id) != assignee));
    }
    told
}
