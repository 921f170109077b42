//! Satisfaction surveys: once a ticket has stayed solved a while, its requester is asked, by
//! a link that works once, how satisfied they are (1 to 5) and why. The score joins the
//! ticket, so the service report counts it with the agent who holds the ticket.

use crate::ids::TicketId;
use crate::mail::{MailLanguage, OutgoingMail, escape_html};
use crate::validation::{ValidationErrors, is_forbidden_control};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How long a ticket stays solved before its requester is asked: a ticket opened again in
/// the meantime is not over, and a survey about it would come too soon.
pub const ASK_AFTER: TimeDelta = TimeDelta::hours(1);

/// Tickets solved longer ago than this are never asked about: turning mail on must not
/// write to every requester of the past.
pub const ASK_WITHIN: TimeDelta = TimeDelta::days(7);

/// How long a survey's link works.
pub const ANSWER_WITHIN: TimeDelta = TimeDelta::days(30);

/// The longest comment kept.
pub const COMMENT_MAX_CHARS: usize = 2000;

/// The lowest score that counts as satisfied: 4 and 5 out of 5, as CSAT is usually read.
pub const SATISFIED_FROM: i16 = 4;

/// What a requester says of a solved ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SurveyAnswer {
    pub score: i16,
    pub comment: Option<String>,
}

/// A survey's form as sent: the score as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SurveyAnswerInput {
    pub score: Option<String>,
    pub comment: Option<String>,
}

impl SurveyAnswerInput {
    pub fn validate(self) -> Result<SurveyAnswer, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let score = match self.score.as_deref().map(str::trim).map(str::parse::<i16>) {
            Some(Ok(score)) if (1..=5).contains(&score) => score,
            _ => {
                errors.add("score", "choose a score from 1 to 5");
                0
            }
        };
        let comment = self.comment.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
        if let Some(comment) = &comment {
            if comment.chars().count() > COMMENT_MAX_CHARS {
                errors.add("comment", format!("must be at most {COMMENT_MAX_CHARS} characters"));
            }
            if comment.chars().any(is_forbidden_control) {
                errors.add("comment", "must not contain control characters");
            }
        }
        errors.into_result()?;
        Ok(SurveyAnswer { score, comment })
    }
}

/// A survey as its page shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Survey {
    pub id: Uuid,
    pub ticket_id: TicketId,
    pub reference: String,
    pub subject: String,
    pub language: MailLanguage,
    pub expires_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub score: Option<i16>,
    pub comment: Option<String>,
}

/// What a requester answered, as a ticket shows it.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SatisfactionAnswer {
    pub score: i16,
    pub comment: Option<String>,
    pub answered_at: DateTime<Utc>,
}

/// Where a survey stands for whoever follows its link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SurveyState {
    Open,
    Answered,
    Expired,
}

impl Survey {
    pub fn state(&self, at: DateTime<Utc>) -> SurveyState {
        if self.answered_at.is_some() {
            SurveyState::Answered
        } else if at >= self.expires_at {
            SurveyState::Expired
        } else {
            SurveyState::Open
        }
    }
}

/// A survey to write to a requester about their solved ticket.
#[derive(Clone, Debug, PartialEq)]
pub struct SurveyRequest<'a> {
    pub ticket_id: TicketId,
    pub reference: &'a str,
    pub subject: &'a str,
    pub recipient: &'a str,
    /// The survey's page; each score links to it with that score chosen.
    pub link: &'a str,
    pub language: MailLanguage,
}

/// The mail that asks for a score. Its links only open the survey's page, where the score
/// is sent: mail readers and link scanners that open links must not answer for anyone.
pub fn survey_mail(request: &SurveyRequest<'_>, at: DateTime<Utc>) -> OutgoingMail {
    let (reference, subject, link) = (request.reference, request.subject, request.link);
    let (title, ask, scale, closing) = match request.language {
        MailLanguage::Fr => (
            "Votre avis sur notre réponse",
            format!(
                "Votre demande {reference} « {subject} » est résolue. Êtes-vous satisfait de notre réponse ?"
            ),
            "1 = pas du tout satisfait, 5 = très satisfait",
            "Une note et, si vous le souhaitez, un commentaire : cela prend une minute. Ce lien fonctionne une fois, pendant 30 jours.",
        ),
        MailLanguage::En => (
            "How did we do?",
            format!("Your request {reference} “{subject}” is solved. Are you satisfied with our answer?"),
            "1 = not at all satisfied, 5 = very satisfied",
            "A score and, if you like, a comment: it takes a minute. This link works once, for 30 days.",
        ),
    };
    let choices: Vec<(i16, String)> = (1..=5).map(|score| (score, format!("{link}?score={score}"))).collect();
    let text_links: String = choices.iter().map(|(score, url)| format!("  {score} : {url}\n")).collect();
    let text_body = format!("{ask}\n{scale}\n\n{text_links}\n{closing}\n");
    let html_links: String = choices
        .iter()
        .map(|(score, url)| {
            format!(
                "<a href=\"{}\" style=\"display:inline-block;min-width:2.5em;padding:.5em;margin:.2em;border:1px solid #1d4ed8;border-radius:4px;text-align:center;color:#1d4ed8;text-decoration:none\">{score}</a>",
                escape_html(url)
            )
        })
        .collect();
    let html_body = format!(
        "<!doctype html>\n<html lang=\"{}\">\n<body>\n<p>{}</p>\n<p>{html_links}</p>\n<p style=\"color:#555\">{}</p>\n<p style=\"color:#555\">{}</p>\n</body>\n</html>\n",
        request.language.code(),
        escape_html(&ask),
        escape_html(scale),
        escape_html(closing)
    );
    OutgoingMail {
        id: Uuid::now_v7(),
        ticket_id: Some(request.ticket_id),
        recipient: request.recipient.to_owned(),
        subject: format!("[{reference}] {title}"),
        text_body,
        html_body,
        reply_to: None,
        thread: Some(format!("ticket-{}", request.ticket_id.0)),
        created_at: at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(errors: ValidationErrors) -> Vec<String> {
        errors.0.into_iter().map(|e| e.field).collect()
    }

    fn answer(score: &str, comment: &str) -> Result<SurveyAnswer, ValidationErrors> {
        SurveyAnswerInput { score: Some(score.into()), comment: Some(comment.into()) }.validate()
    }

    #[test]
    fn a_score_is_one_to_five_and_a_comment_is_optional() {
        assert_eq!(answer("4", "  "), Ok(SurveyAnswer { score: 4, comment: None }));
        assert_eq!(answer(" 5", "Parfait").map(|a| a.comment), Ok(Some("Parfait".into())));
        for wrong in ["0", "6", "", "trois", "4.5"] {
            assert_eq!(answer(wrong, "").map_err(fields), Err(vec!["score".to_owned()]), "{wrong}");
        }
        let long = "a".repeat(COMMENT_MAX_CHARS + 1);
        assert_eq!(answer("3", &long).map_err(fields), Err(vec!["comment".to_owned()]));
    }

    #[test]
    fn a_survey_opens_until_it_is_answered_or_expires() {
        let at = DateTime::<Utc>::UNIX_EPOCH + TimeDelta::days(20_000);
        let mut survey = Survey {
            id: Uuid::nil(),
            ticket_id: TicketId(Uuid::nil()),
            reference: "T-000001".into(),
            subject: "Imprimante".into(),
            language: MailLanguage::Fr,
            expires_at: at + ANSWER_WITHIN,
            answered_at: None,
            score: None,
            comment: None,
        };
        assert_eq!(survey.state(at), SurveyState::Open);
        assert_eq!(survey.state(at + ANSWER_WITHIN), SurveyState::Expired);
        survey.answered_at = Some(at);
        assert_eq!(survey.state(at), SurveyState::Answered);
    }

    #[test]
    fn the_mail_links_each_score_to_the_page_and_escapes_the_subject() {
        let request = SurveyRequest {
            ticket_id: TicketId(Uuid::nil()),
            reference: "T-000042",
            subject: "<Imprimante>",
            recipient: "claire@example.fr",
            link: "https://crm.example.fr/survey/abc",
            language: MailLanguage::Fr,
        };
        let mail = survey_mail(&request, DateTime::<Utc>::UNIX_EPOCH);
        assert_eq!(mail.subject, "[T-000042] Votre avis sur notre réponse");
        for score in 1..=5 {
            assert!(mail.text_body.contains(&format!("https://crm.example.fr/survey/abc?score={score}")));
        }
        assert!(mail.html_body.contains("&lt;Imprimante&gt;") && !mail.html_body.contains("<Imprimante>"));
    }
}
