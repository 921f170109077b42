//! Satisfaction surveys: asking the requesters of solved tickets, once, and recording their
//! answer on the ticket.

use crate::changes::{Origin, announce, record};
use crate::secrets::{random_secret, stored_hash};
use crate::{App, AppError};
use chrono::{DateTime, Utc};
use comptoir_domain::audit::Action;
use comptoir_domain::ids::TicketId;
use comptoir_domain::kinds::{Milestone, ObjectType, RecordKind};
use comptoir_domain::surveys::{
    ANSWER_WITHIN, ASK_AFTER, ASK_WITHIN, SatisfactionAnswer, Survey, SurveyAnswerInput, SurveyRequest,
    SurveyState, survey_mail,
};
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_store::StoreError;
use comptoir_store::surveys::{NewSurvey, claim_due};
use serde_json::json;
use uuid::Uuid;

/// Tickets asked about per pass: a backlog takes several passes, each short.
const SURVEYS_PER_PASS: i64 = 200;

/// How many times an answer is tried again when its ticket changed between read and write.
const ANSWER_TRIES: usize = 3;

impl App {
    /// Asks, at `at`, the requesters of the tickets solved for an hour (and at most a week) and
    /// not asked yet, by mail in their language, with a link that works once. Each ticket is
    /// claimed once whoever else runs this, and asked once in its life, also when it is solved
    /// again. Needs mail and the site's address in the mail settings; until then nobody is
    /// asked. Returns how many were.
    pub async fn send_surveys(&self, at: DateTime<Utc>) -> Result<usize, AppError> {
        let (Some(settings), _) = self.mail_settings().await? else { return Ok(0) };
        let Some(site) = settings.site_address.as_deref() else { return Ok(0) };
        let mut tx = self.db.begin().await?;
        let due = claim_due(&mut tx, at - ASK_WITHIN, at - ASK_AFTER, at, SURVEYS_PER_PASS).await?;
        let mut asked = 0;
        for id in due {
            let Some(ticket) = comptoir_store::tickets::get(&self.db, id).await? else { continue };
            let Some(recipient) = ticket.requester_email.as_deref() else { continue };
            let language = self.requester_language(&ticket, &settings).await?;
            let secret = random_secret();
            let survey = NewSurvey {
                id: Uuid::now_v7(),
                ticket_id: id,
                token_hash: &stored_hash(&secret),
                recipient,
                language,
                created_at: at,
                expires_at: at + ANSWER_WITHIN,
            };
            comptoir_store::surveys::insert(&mut tx, &survey).await?;
            let link = format!("{}/survey/{secret}", site.trim_end_matches('/'));
            let request = SurveyRequest {
                ticket_id: id,
                reference: &ticket.reference,
                subject: &ticket.fields.subject,
                recipient,
                link: &link,
                language,
            };
            comptoir_store::mail::queue(&mut tx, &survey_mail(&request, at)).await?;
            asked += 1;
        }
        tx.commit().await?;
        Ok(asked)
    }

    /// What `id`'s requester answered to its survey, for whoever may see the ticket.
    pub async fn ticket_satisfaction(
        &self,
        actor: &Actor,
        id: TicketId,
    ) -> Result<Option<SatisfactionAnswer>, AppError> {
        self.get::<crate::tickets::Tickets>(actor, id).await?;
        Ok(comptoir_store::surveys::answer_of(&self.db, id).await?)
    }

    /// The survey a link's secret opens; not found for any other text. Whoever holds the link
    /// is its requester: there is no other sign-in.
    pub async fn survey(&self, secret: &str) -> Result<Survey, AppError> {
        comptoir_store::surveys::by_token(&self.db, &stored_hash(secret)).await?.ok_or(AppError::NotFound)
    }

    /// Records a requester's answer once, on the survey and on its ticket (`ticket.rated`); a
    /// survey answered or expired refuses it.
    pub async fn answer_survey(&self, secret: &str, input: SurveyAnswerInput) -> Result<Survey, AppError> {
        let answer = input.validate()?;
        let survey = self.survey(secret).await?;
        let at = now();
        match survey.state(at) {
            SurveyState::Open => {}
            SurveyState::Answered => {
                return Err(AppError::Conflict("this survey was already answered".into()));
            }
            SurveyState::Expired => return Err(AppError::Conflict("this survey's link has expired".into())),
        }
        let object = ObjectType::Record(RecordKind::Ticket);
        for _ in 0..ANSWER_TRIES {
            let ticket =
                comptoir_store::tickets::get(&self.db, survey.ticket_id).await?.ok_or(AppError::NotFound)?;
            let rated = ticket.rated(answer.score, at);
            let mut tx = self.db.begin().await?;
            if !comptoir_store::surveys::answer(&mut tx, survey.id, &answer, at).await? {
                return Err(AppError::Conflict("this survey was already answered".into()));
            }
            match comptoir_store::tickets::update(&mut tx, &ticket, &rated).await {
                Err(StoreError::VersionConflict) => continue,
                written => written?,
            }
            let origin = Origin::SYSTEM;
            let id = survey.ticket_id.into();
            record(&mut tx, origin, Action::Update, object, id, Some(&ticket), Some(&rated)).await?;
            let payload =
                json!({"reference": rated.reference, "score": answer.score, "version": rated.version});
            announce(&mut tx, origin, object, id, Milestone::Rated, payload).await?;
            tx.commit().await?;
            return self.survey(secret).await;
        }
        Err(AppError::Conflict("the ticket kept changing; try again".into()))
    }
}
