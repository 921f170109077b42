//! Satisfaction surveys: which solved tickets are due one, each claimed once whoever else
//! looks, and the surveys themselves, found by the hash of their link's secret.

use crate::db::{Db, StoreError, Tx};
use crate::{on_pool, on_tx};
use chrono::{DateTime, Utc};
use comptoir_domain::ids::TicketId;
use comptoir_domain::mail::MailLanguage;
use comptoir_domain::surveys::{SatisfactionAnswer, Survey, SurveyAnswer};
use comptoir_domain::tickets::reference;
use sqlx::FromRow;
use uuid::Uuid;

/// Claims, at `at`, up to `limit` tickets solved between `from` and `until` and not asked about
/// yet, and returns their ids: once each, whoever else claims at the same time. Read from the
/// partial index of the tickets solved and not yet asked about. The ticket's version stays:
/// nothing its editors write changed.
pub async fn claim_due(
    tx: &mut Tx,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    at: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<TicketId>, StoreError> {
    let ids: Vec<Uuid> = on_tx!(tx, |conn| {
        sqlx::query_scalar(
            "UPDATE tickets SET surveyed_at = $1
             WHERE id IN (SELECT id FROM tickets WHERE surveyed_at IS NULL AND solved_at IS NOT NULL
                 AND solved_at >= $2 AND solved_at <= $3 ORDER BY solved_at LIMIT $4)
             AND surveyed_at IS NULL AND solved_at IS NOT NULL
             RETURNING id",
        )
        .bind(at)
        .bind(from)
        .bind(until)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await
    })?;
    Ok(ids.into_iter().map(TicketId).collect())
}

/// A survey about to be written to its requester.
pub struct NewSurvey<'a> {
    pub id: Uuid,
    pub ticket_id: TicketId,
    pub token_hash: &'a [u8],
    pub recipient: &'a str,
    pub language: MailLanguage,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert(tx: &mut Tx, survey: &NewSurvey<'_>) -> Result<(), StoreError> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO ticket_surveys (id, ticket_id, token_hash, recipient, language, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(survey.id)
        .bind(survey.ticket_id.0)
        .bind(survey.token_hash)
        .bind(survey.recipient)
        .bind(survey.language.code())
        .bind(survey.created_at)
        .bind(survey.expires_at)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

#[derive(FromRow)]
struct SurveyRow {
    id: Uuid,
    ticket_id: Uuid,
    number: i64,
    subject: String,
    language: String,
    expires_at: DateTime<Utc>,
    answered_at: Option<DateTime<Utc>>,
    score: Option<i16>,
    comment: Option<String>,
}

impl From<SurveyRow> for Survey {
    fn from(row: SurveyRow) -> Survey {
        Survey {
            id: row.id,
            ticket_id: TicketId(row.ticket_id),
            reference: reference(row.number),
            subject: row.subject,
            language: MailLanguage::of(Some(&row.language), MailLanguage::Fr),
            expires_at: row.expires_at,
            answered_at: row.answered_at,
            score: row.score,
            comment: row.comment,
        }
    }
}

/// The survey whose link's secret hashes to `token_hash`.
pub async fn by_token(db: &Db, token_hash: &[u8]) -> Result<Option<Survey>, StoreError> {
    let row: Option<SurveyRow> = on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT s.id, s.ticket_id, t.number, t.subject, s.language, s.expires_at, s.answered_at, s.score,
                s.comment
             FROM ticket_surveys s JOIN tickets t ON t.id = s.ticket_id WHERE s.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(pool)
        .await
    })?;
    Ok(row.map(Survey::from))
}

/// Records `answer` to survey `id` at `at`, unless it was answered or expired meanwhile;
/// says whether it was recorded.
pub async fn answer(
    tx: &mut Tx,
    id: Uuid,
    answer: &SurveyAnswer,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let recorded = on_tx!(tx, |conn| {
        sqlx::query(
            "UPDATE ticket_surveys SET answered_at = $1, score = $2, comment = $3
             WHERE id = $4 AND answered_at IS NULL AND expires_at > $1",
        )
        .bind(at)
        .bind(answer.score)
        .bind(answer.comment.as_deref())
        .bind(id)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(recorded == 1)
}

/// The answer to `ticket`'s survey, once there is one.
pub async fn answer_of(db: &Db, ticket: TicketId) -> Result<Option<SatisfactionAnswer>, StoreError> {
    let row: Option<(i16, Option<String>, DateTime<Utc>)> = on_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT score, comment, answered_at FROM ticket_surveys
             WHERE ticket_id = $1 AND answered_at IS NOT NULL ORDER BY answered_at DESC LIMIT 1",
        )
        .bind(ticket.0)
        .fetch_optional(pool)
        .await
    })?;
    Ok(row.map(|(score, comment, answered_at)| SatisfactionAnswer { score, comment, answered_at }))
}
