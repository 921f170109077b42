//! Mail: admins say which SMTP server it goes out through; what Comptoir writes waits in the
//! outbox, written in the transaction of what it tells, until a server sends it.

use crate::changes::{Origin, record};
use crate::input::parse;
use crate::users::check_version;
use crate::{App, AppError, admin_only};
use chrono::{DateTime, Utc};
use comptoir_domain::audit::Action;
use comptoir_domain::ids::TicketId;
use comptoir_domain::kinds::ObjectType;
use comptoir_domain::mail::{
    MailLanguage, MailSecurity, MailSettings, MailSettingsInput, MailSettingsView, OutboxEntry, OutgoingMail,
    next_attempt, ticket_answer,
};
use comptoir_domain::tickets::Ticket;
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use comptoir_store::mail::{SendOutcome, claim_due, record_try};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;
use uuid::Uuid;

const KEY: &str = "mail";

/// Messages claimed per pass.
const MAIL_PER_PASS: i64 = 20;

/// How long a claimed message is left to its server before another may send it: longer than
/// a pass's sends can take.
const LEASE: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

/// How long one message may take to go out.
const SEND_TIMEOUT: Duration = Duration::from_secs(30);

impl App {
    /// The mail settings and their version; none until an admin sets them, and until then
    /// nothing is written to anyone.
    pub(crate) async fn mail_settings(&self) -> Result<(Option<MailSettings>, i64), AppError> {
        match comptoir_store::settings::get(&self.db, KEY).await? {
            Some((value, version)) => {
                let settings = serde_json::from_value(value)
                    .map_err(|e| AppError::Internal(format!("stored mail settings: {e}")))?;
                Ok((Some(settings), version))
            }
            None => Ok((None, 0)),
        }
    }

    /// The mail settings as admins see them: without the password.
    pub async fn mail_settings_view(
        &self,
        actor: &Actor,
    ) -> Result<(Option<MailSettingsView>, i64), AppError> {
        admin_only(Some(actor), "only admins read the mail settings")?;
        let (settings, version) = self.mail_settings().await?;
        Ok((settings.as_ref().map(MailSettingsView::from), version))
    }

    /// Replaces the mail settings (admins only). The audit log keeps them without the password.
    pub async fn set_mail_settings(
        &self,
        actor: &Actor,
        body: serde_json::Value,
        if_match: Option<i64>,
    ) -> Result<(MailSettingsView, i64), AppError> {
        admin_only(Some(actor), "only admins set the mail settings")?;
        let (current, version) = self.mail_settings().await?;
        check_version(if_match, version)?;
        let settings = parse::<MailSettingsInput>(body)?.validate(current.as_ref())?;
        let value = serde_json::to_value(&settings).map_err(|e| AppError::Internal(e.to_string()))?;
        let mut tx = self.db.begin().await?;
        comptoir_store::settings::put(&mut tx, KEY, &value, version, now()).await?;
        let origin = Origin { actor: Some(actor), operation: None };
        let before = current.as_ref().map(MailSettingsView::from);
        let after = MailSettingsView::from(&settings);
        record(
            &mut tx,
            origin,
            Action::Update,
            ObjectType::Settings,
            Uuid::nil(),
            before.as_ref(),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok((after, version + 1))
    }

    /// The newest messages of the outbox, or those about one ticket (admins only: they carry
    /// customers' addresses and the servers' refusals).
    pub async fn outbox(
        &self,
        actor: &Actor,
        ticket: Option<TicketId>,
        limit: i64,
    ) -> Result<Vec<OutboxEntry>, AppError> {
        admin_only(Some(actor), "only admins read the outbox")?;
        Ok(comptoir_store::mail::recent(&self.db, ticket, limit.clamp(1, 200)).await?)
    }

    /// The latest mail about a ticket, for whoever reads it: did the answer go out?
    pub async fn ticket_mail(
        &self,
        actor: &Actor,
        id: TicketId,
        limit: i64,
    ) -> Result<Vec<OutboxEntry>, AppError> {
        self.get::<crate::tickets::Tickets>(actor, id).await?;
        Ok(comptoir_store::mail::recent(&self.db, Some(id), limit.clamp(1, 200)).await?)
    }

    /// The mail that tells `ticket`'s requester an answer, in their language; none when mail
    /// is not set up or nobody is to be written to. The caller queues it in the transaction
    /// that records the answer.
    pub(crate) async fn ticket_answer_mail(
        &self,
        ticket: &Ticket,
        body: &str,
    ) -> Result<Option<OutgoingMail>, AppError> {
        let (Some(settings), _) = self.mail_settings().await? else { return Ok(None) };
        let language = self.requester_language(ticket, &settings).await?;
        Ok(ticket_answer(&settings, ticket, body, language, now()))
    }

    /// The language `ticket`'s requester declared, or the settings' default.
    pub(crate) async fn requester_language(
        &self,
        ticket: &Ticket,
        settings: &MailSettings,
    ) -> Result<MailLanguage, AppError> {
        let declared = match ticket.fields.contact_id {
            Some(contact) => {
                comptoir_store::contacts::get(&self.db, contact).await?.and_then(|c| c.fields.language)
            }
            None => None,
        };
        Ok(MailLanguage::of(declared.as_deref(), settings.default_language))
    }

    /// Sends what the outbox holds due at `at`, through the SMTP server of the settings, and
    /// records each try: sent, tried again later, or given up after about a day. Returns how
    /// many went out. Whichever server claims a message sends it; a server that dies after
    /// sending and before recording leaves it to go out once more, with the same Message-ID
    /// for the recipient's mail reader to recognise.
    pub async fn send_due_mail(&self, at: DateTime<Utc>) -> Result<usize, AppError> {
        let (Some(settings), _) = self.mail_settings().await? else { return Ok(0) };
        let due = claim_due(&self.db, MAIL_PER_PASS, at, at + LEASE).await?;
        if due.is_empty() {
            return Ok(0);
        }
        // A server the settings cannot reach is every message's refusal: each is tried again
        // later and says why, rather than waiting out its lease in silence.
        let transport = transport(&settings);
        let mut sent = 0;
        for claimed in due {
            let tried = match &transport {
                Ok(transport) => send(transport, &settings, &claimed.mail).await,
                Err(error) => Err(error.clone()),
            };
            let outcome = match tried {
                Ok(()) => {
                    sent += 1;
                    SendOutcome::Sent
                }
                Err(error) => {
                    tracing::warn!(mail = %claimed.mail.id, %error, "a message did not go out");
                    SendOutcome::Failed { error, retry_at: next_attempt(claimed.attempts + 1, now()) }
                }
            };
            record_try(&self.db, claimed.mail.id, now(), &outcome).await?;
        }
        Ok(sent)
    }
}

fn transport(settings: &MailSettings) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    // One process-wide choice of cryptography for TLS; a second install is a no-op.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let host = settings.host.as_str();
    let builder = match settings.security {
        MailSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host),
        MailSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host),
        MailSecurity::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)),
    }
    .map_err(|e| format!("mail server {host}: {e}"))?;
    let domain = settings.from_address.rsplit('@').next().unwrap_or("localhost").to_owned();
    let mut builder =
        builder.port(settings.port).timeout(Some(SEND_TIMEOUT)).hello_name(ClientId::Domain(domain));
    if let (Some(username), Some(password)) = (&settings.username, &settings.password) {
        builder = builder.credentials(Credentials::new(username.clone(), password.clone()));
    }
    Ok(builder.build())
}

/// Sends one message; the error says why not, without the credentials.
async fn send(
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    settings: &MailSettings,
    mail: &OutgoingMail,
) -> Result<(), String> {
    let message = message(settings, mail)?;
    transport.send(message).await.map(|_| ()).map_err(|e| e.to_string())
}

fn message(settings: &MailSettings, mail: &OutgoingMail) -> Result<Message, String> {
    let address = |text: &str| text.parse().map_err(|e| format!("{text}: {e}"));
    let from = Mailbox::new(settings.from_name.clone(), address(&settings.from_address)?);
    let domain = settings.from_address.rsplit('@').next().unwrap_or("localhost");
    let mut builder = Message::builder()
        .from(from)
        .to(Mailbox::new(None, address(&mail.recipient)?))
        .subject(mail.subject.clone())
        .message_id(Some(format!("<{}@{domain}>", mail.id)))
        .date(mail.created_at.into());
    if let Some(reply_to) = &mail.reply_to {
        builder = builder.reply_to(Mailbox::new(None, address(reply_to)?));
    }
    if let Some(thread) = &mail.thread {
        builder = builder.references(format!("<{thread}@{domain}>"));
    }
    builder
        .multipart(MultiPart::alternative_plain_html(mail.text_body.clone(), mail.html_body.clone()))
        .map_err(|e| e.to_string())
}
