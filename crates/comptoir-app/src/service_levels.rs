//! Service levels: admins set the business hours and the targets; every ticket's deadlines
//! follow them, and a job records the deadlines that pass.

use crate::changes::{Origin, announce, record};
use crate::input::parse;
use crate::users::check_version;
use crate::{App, AppError, admin_only};
use chrono::{DateTime, Utc};
use comptoir_domain::audit::Action;
use comptoir_domain::ids::TicketId;
use comptoir_domain::kinds::{Milestone, ObjectType, RecordKind};
use comptoir_domain::service_levels::ServiceLevels;
use comptoir_domain::tickets::reference;
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_store::tickets::Deadline;
use serde_json::json;
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

    /// Records the deadlines passed by `at` that were neither met nor recorded, each once
    /// however many servers run this, and announces each (`ticket.sla_breached`). Returns how
    /// many it recorded; a full pass means more may be waiting.
    pub async fn record_missed_deadlines(&self, at: DateTime<Utc>) -> Result<usize, AppError> {
        let mut tx = self.db.begin().await?;
        let mut recorded = 0;
        for deadline in [Deadline::FirstResponse, Deadline::Resolution] {
            let missed =
                comptoir_store::tickets::record_missed(&mut tx, deadline, at, MISSED_PER_PASS).await?;
            for ticket in &missed {
                let payload = json!({
                    "deadline": deadline.as_str(),
                    "due_at": ticket.due_at,
                    "reference": reference(ticket.number),
                    "version": ticket.version,
                });
                let origin = Origin { actor: None, operation: None };
                let object = ObjectType::Record(RecordKind::Ticket);
                announce(
                    &mut tx,
                    origin,
                    object,
                    TicketId(ticket.id).into(),
                    Milestone::SlaBreached,
                    payload,
                )
                .await?;
            }
            recorded += missed.len();
        }
        tx.commit().await?;
        Ok(recorded)
    }
}
