//! Mail Comptoir sends: the SMTP server it goes out through, and the messages themselves,
//! written in their recipient's language as plain text with an HTML twin.

use crate::email::EmailAddress;
use crate::tickets::{Deadline, Ticket};
use crate::validation::{ValidationErrors, clean_text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How the connection to the SMTP server is protected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MailSecurity {
    /// Plain SMTP, upgraded with STARTTLS, which the server must offer (usually port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (usually port 465).
    Tls,
    /// No encryption at all: only for a relay on this machine or a trusted network.
    None,
}

impl MailSecurity {
    pub fn default_port(self) -> u16 {
        match self {
            MailSecurity::Starttls => 587,
            MailSecurity::Tls => 465,
            MailSecurity::None => 25,
        }
    }
}

/// The languages mail is written in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MailLanguage {
    #[default]
    Fr,
    En,
}

impl MailLanguage {
    pub fn code(self) -> &'static str {
        match self {
            MailLanguage::Fr => "fr",
            MailLanguage::En => "en",
        }
    }

    /// The language of a contact who declared one we write in; `fallback` otherwise.
    pub fn of(declared: Option<&str>, fallback: MailLanguage) -> MailLanguage {
        match declared {
            Some("fr") => MailLanguage::Fr,
            Some("en") => MailLanguage::En,
            _ => fallback,
        }
    }
}

/// Where and as whom mail goes out, as stored. The password is kept to sign in to the server
/// and never shown again ([`MailSettingsView`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MailSettings {
    pub host: String,
    pub port: u16,
    pub security: MailSecurity,
    pub username: Option<String>,
    pub password: Option<String>,
    pub from_name: Option<String>,
    pub from_address: String,
    /// Where requesters' answers go; each ticket's mail carries its reference in it
    /// (`support+T-000123@example.fr`), so an answer finds its ticket.
    pub reply_to_address: Option<String>,
    /// For recipients who declared no language we write in.
    pub default_language: MailLanguage,
    /// Where customers reach Comptoir (`https://crm.example.fr`), for the links mail carries
    /// (satisfaction surveys); none, and no mail carries a link.
    #[serde(default)]
    pub site_address: Option<String>,
}

/// Mail settings as they are shown: everything but the password.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MailSettingsView {
    pub host: String,
    pub port: u16,
    pub security: MailSecurity,
    pub username: Option<String>,
    /// Whether a password is kept; the password itself is never shown.
    pub password_set: bool,
    pub from_name: Option<String>,
    pub from_address: String,
    pub reply_to_address: Option<String>,
    pub default_language: MailLanguage,
    pub site_address: Option<String>,
}

impl From<&MailSettings> for MailSettingsView {
    fn from(s: &MailSettings) -> MailSettingsView {
        MailSettingsView {
            host: s.host.clone(),
            port: s.port,
            security: s.security,
            username: s.username.clone(),
            password_set: s.password.is_some(),
            from_name: s.from_name.clone(),
            from_address: s.from_address.clone(),
            reply_to_address: s.reply_to_address.clone(),
            default_language: s.default_language,
            site_address: s.site_address.clone(),
        }
    }
}

/// New mail settings. A password left out keeps the one kept; an empty one removes it.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailSettingsInput {
    pub host: Option<String>,
    /// Defaults to the usual port of `security`.
    pub port: Option<u16>,
    pub security: Option<MailSecurity>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub from_name: Option<String>,
    pub from_address: Option<String>,
    pub reply_to_address: Option<String>,
    pub default_language: Option<MailLanguage>,
    /// Where customers reach Comptoir: an `https://` (or `http://`) address, without a path's
    /// query or fragment.
    pub site_address: Option<String>,
}

impl MailSettingsInput {
    pub fn validate(self, current: Option<&MailSettings>) -> Result<MailSettings, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let host = clean_text(self.host).unwrap_or_default();
        if host.is_empty() {
            errors.add("host", "is required");
        } else if host.len() > 253 || !host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        {
            errors.add("host", "is not a host name or an address");
        }
        let security = self.security.unwrap_or_default();
        let port = self.port.unwrap_or(security.default_port());
        if port == 0 {
            errors.add("port", "must be between 1 and 65535");
        }
        let mut address = |field: &str, value: Option<String>| {
            let value = clean_text(value)?;
            match EmailAddress::parse(&value) {
                Ok(parsed) => Some(parsed.as_str().to_owned()),
                Err(_) => {
                    errors.add(field, "is not a valid email address");
                    None
                }
            }
        };
        let from_address = address("from_address", self.from_address);
        let reply_to_address = address("reply_to_address", self.reply_to_address);
        if from_address.is_none() && !errors.0.iter().any(|e| e.field == "from_address") {
            errors.add("from_address", "is required");
        }
        if reply_to_address.as_deref().is_some_and(|a| a.split('@').next().is_some_and(|l| l.contains('+'))) {
            errors.add("reply_to_address", "takes no +: each ticket adds its own reference after one");
        }
        let from_name = clean_text(self.from_name);
        if from_name.as_deref().is_some_and(|n| n.chars().count() > 100 || n.contains(['\r', '\n'])) {
            errors.add("from_name", "must be one line of at most 100 characters");
        }
        let site_address = clean_text(self.site_address).and_then(|raw| match site_address(&raw) {
            Ok(address) => Some(address),
            Err(message) => {
                errors.add("site_address", message);
                None
            }
        });
        let password = match self.password {
            None => current.and_then(|c| c.password.clone()),
            Some(p) if p.is_empty() => None,
            Some(p) => Some(p),
        };
        errors.into_result()?;
        Ok(MailSettings {
            host,
            port,
            security,
            username: clean_text(self.username),
            password,
            from_name,
            from_address: from_address.unwrap_or_default(),
            reply_to_address,
            default_language: self.default_language.unwrap_or_default(),
            site_address,
        })
    }
}

/// `raw` as the base of the links mail carries: an http or https address with a host, no
/// query, no fragment, no trailing slash.
fn site_address(raw: &str) -> Result<String, &'static str> {
    let url = url::Url::parse(raw).map_err(|_| "must be an address such as https://crm.example.fr")?;
    if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none_or(str::is_empty) {
        return Err("must be an http or https address");
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err("must not carry a query, a fragment or a user name");
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// A message waiting in the outbox, or sent from it.
#[derive(Clone, Debug, PartialEq)]
pub struct OutgoingMail {
    pub id: Uuid,
    pub ticket_id: Option<crate::ids::TicketId>,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub reply_to: Option<String>,
    /// Mail about the same ticket threads together in the recipient's mail reader.
    pub thread: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A message of the outbox, as admins follow them.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OutboxEntry {
    pub id: Uuid,
    pub ticket_id: Option<crate::ids::TicketId>,
    pub recipient: String,
    pub subject: String,
    /// `pending`, `sent` or `failed` (given up).
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// An agent's public answer to a ticket, for its requester; none when the ticket has nobody
/// to write to.
pub fn ticket_answer(
    settings: &MailSettings,
    ticket: &Ticket,
    body: &str,
    language: MailLanguage,
    at: DateTime<Utc>,
) -> Option<OutgoingMail> {
    let recipient = ticket.requester_email.clone()?;
    let reference = &ticket.reference;
    let footer = match language {
        MailLanguage::Fr => format!(
            "Votre demande {reference} : « {} ». Répondez simplement à ce message pour la compléter.",
            ticket.fields.subject
        ),
        MailLanguage::En => format!(
            "Your request {reference}: “{}”. Simply reply to this message to add to it.",
            ticket.fields.subject
        ),
    };
    // The portal, once the site's address is known, is where the requester follows it.
    let portal = settings
        .site_address
        .as_deref()
        .map(|site| format!("{}/portal/tickets/{}", site.trim_end_matches('/'), ticket.id));
    let follow = match language {
        MailLanguage::Fr => "Suivez-la dans votre espace client :",
        MailLanguage::En => "Follow it in your customer portal:",
    };
    let text_follow = portal.as_deref().map(|url| format!("{follow} {url}\n")).unwrap_or_default();
    let text_body = format!("{body}\n\n-- \n{footer}\n{text_follow}");
    let paragraphs: String = body
        .split("\n\n")
        .map(|p| format!("<p>{}</p>\n", escape_html(p.trim()).replace('\n', "<br>\n")))
        .collect();
    let html_follow = portal
        .as_deref()
        .map(|url| {
            format!(
                "<p style=\"color:#555\">{} <a href=\"{}\">{}</a></p>\n",
                escape_html(follow),
                escape_html(url),
                escape_html(url)
            )
        })
        .unwrap_or_default();
    let html_body = format!(
        "<!doctype html>\n<html lang=\"{}\">\n<body>\n{paragraphs}<hr>\n<p style=\"color:#555\">{}</p>\n{html_follow}</body>\n</html>\n",
        language.code(),
        escape_html(&footer)
    );
    Some(OutgoingMail {
        id: Uuid::now_v7(),
        ticket_id: Some(ticket.id),
        recipient,
        subject: format!("[{reference}] {}", ticket.fields.subject),
        text_body,
        html_body,
        reply_to: settings.reply_to_address.as_deref().map(|a| plus_address(a, reference)),
        thread: Some(format!("ticket-{}", ticket.id.0)),
        created_at: at,
    })
}

/// The acknowledgement of a request a customer opened in the portal: its reference, and
/// where to follow it.
pub fn request_received(
    settings: &MailSettings,
    ticket: &Ticket,
    language: MailLanguage,
    at: DateTime<Utc>,
) -> Option<OutgoingMail> {
    let recipient = ticket.requester_email.clone()?;
    let (reference, subject) = (&ticket.reference, &ticket.fields.subject);
    let portal = settings
        .site_address
        .as_deref()
        .map(|site| format!("{}/portal/tickets/{}", site.trim_end_matches('/'), ticket.id));
    let (title, said, follow) = match language {
        MailLanguage::Fr => (
            format!("Demande reçue : {subject}"),
            format!(
                "Nous avons bien reçu votre demande {reference} « {subject} » et vous répondons dès que possible."
            ),
            "Suivez-la dans votre espace client :",
        ),
        MailLanguage::En => (
            format!("Request received: {subject}"),
            format!(
                "We have received your request {reference} “{subject}” and will answer as soon as we can."
            ),
            "Follow it in your customer portal:",
        ),
    };
    let text_follow = portal.as_deref().map(|url| format!("\n{follow} {url}\n")).unwrap_or_default();
    let html_follow = portal
        .as_deref()
        .map(|url| {
            format!(
                "<p>{} <a href=\"{}\">{}</a></p>\n",
                escape_html(follow),
                escape_html(url),
                escape_html(url)
            )
        })
        .unwrap_or_default();
    Some(OutgoingMail {
        id: Uuid::now_v7(),
        ticket_id: Some(ticket.id),
        recipient,
        subject: format!("[{reference}] {title}"),
        text_body: format!("{said}\n{text_follow}"),
        html_body: format!(
            "<!doctype html>\n<html lang=\"{}\">\n<body>\n<p>{}</p>\n{html_follow}</body>\n</html>\n",
            language.code(),
            escape_html(&said)
        ),
        reply_to: settings.reply_to_address.as_deref().map(|a| plus_address(a, reference)),
        thread: Some(format!("ticket-{}", ticket.id.0)),
        created_at: at,
    })
}

/// What a customer wrote in the portal, to tell the agent who holds their ticket; the link
/// opens the ticket's page once the site's address is known.
pub fn customer_answered(
    settings: &MailSettings,
    ticket: &Ticket,
    body: &str,
    recipient: &str,
    language: MailLanguage,
    at: DateTime<Utc>,
) -> OutgoingMail {
    let reference = &ticket.reference;
    let who = ticket.contact.as_ref().map(|c| c.name.clone()).unwrap_or_default();
    let (title, said) = match language {
        MailLanguage::Fr => ("Le client a répondu", format!("{who} a répondu dans l'espace client :")),
        MailLanguage::En => ("The customer answered", format!("{who} answered in the customer portal:")),
    };
    let page = settings
        .site_address
        .as_deref()
        .map(|site| format!("{}/tickets/{}", site.trim_end_matches('/'), ticket.id));
    let text_page = page.as_deref().map(|url| format!("\n{url}\n")).unwrap_or_default();
    let html_page = page
        .as_deref()
        .map(|url| format!("<p><a href=\"{}\">{}</a></p>\n", escape_html(url), escape_html(reference)))
        .unwrap_or_default();
    let paragraphs: String = body
        .split("\n\n")
        .map(|p| format!("<blockquote>{}</blockquote>\n", escape_html(p.trim()).replace('\n', "<br>\n")))
        .collect();
    OutgoingMail {
        id: Uuid::now_v7(),
        ticket_id: Some(ticket.id),
        recipient: recipient.to_owned(),
        subject: format!("[{reference}] {title}"),
        text_body: format!("{said}\n\n{body}\n{text_page}"),
        html_body: format!(
            "<!doctype html>\n<html lang=\"{}\">\n<body>\n<p>{}</p>\n{paragraphs}{html_page}</body>\n</html>\n",
            language.code(),
            escape_html(&said)
        ),
        reply_to: None,
        thread: Some(format!("ticket-{}", ticket.id.0)),
        created_at: at,
    }
}

/// A deadline of a ticket that comes close or passed, to tell whoever answers for it.
#[derive(Clone, Debug, PartialEq)]
pub struct DeadlineNotice {
    pub ticket_id: crate::ids::TicketId,
    pub reference: String,
    pub subject: String,
    pub deadline: Deadline,
    pub due_at: DateTime<Utc>,
    /// Passed rather than close.
    pub missed: bool,
}

/// `notice` for `recipient` (an agent or a manager), the deadline told in their time zone.
pub fn deadline_notice(
    notice: &DeadlineNotice,
    recipient: &str,
    language: MailLanguage,
    zone: chrono_tz::Tz,
    at: DateTime<Utc>,
) -> OutgoingMail {
    let due = notice.due_at.with_timezone(&zone);
    let (reference, subject) = (&notice.reference, &notice.subject);
    let time = due.format("%H:%M").to_string();
    let date = due
        .format(match language {
            MailLanguage::Fr => "%d/%m/%Y",
            MailLanguage::En => "%Y-%m-%d",
        })
        .to_string();
    let (title, text) = match (language, notice.deadline, notice.missed) {
        (MailLanguage::Fr, Deadline::FirstResponse, false) => (
            format!("Première réponse attendue avant {time}"),
            format!(
                "Le ticket {reference} « {subject} » attend sa première réponse avant le {date} à {time}."
            ),
        ),
        (MailLanguage::Fr, Deadline::NextResponse, false) => (
            format!("Réponse attendue avant {time}"),
            format!(
                "Le client attend une réponse sur le ticket {reference} « {subject} » avant le {date} à {time}."
            ),
        ),
        (MailLanguage::Fr, Deadline::Resolution, false) => (
            format!("Résolution attendue avant {time}"),
            format!("Le ticket {reference} « {subject} » doit être résolu avant le {date} à {time}."),
        ),
        (MailLanguage::Fr, Deadline::FirstResponse, true) => (
            "Délai de première réponse dépassé".to_owned(),
            format!(
                "Le ticket {reference} « {subject} » attendait sa première réponse avant le {date} à {time} : le délai est dépassé."
            ),
        ),
        (MailLanguage::Fr, Deadline::NextResponse, true) => (
            "Délai de réponse dépassé".to_owned(),
            format!(
                "Le client attendait une réponse sur le ticket {reference} « {subject} » avant le {date} à {time} : le délai est dépassé."
            ),
        ),
        (MailLanguage::Fr, Deadline::Resolution, true) => (
            "Délai de résolution dépassé".to_owned(),
            format!(
                "Le ticket {reference} « {subject} » devait être résolu avant le {date} à {time} : le délai est dépassé."
            ),
        ),
        (MailLanguage::En, Deadline::FirstResponse, false) => (
            format!("First answer due by {time}"),
            format!("Ticket {reference} “{subject}” awaits its first answer by {date} at {time}."),
        ),
        (MailLanguage::En, Deadline::NextResponse, false) => (
            format!("Answer due by {time}"),
            format!("The requester of ticket {reference} “{subject}” awaits an answer by {date} at {time}."),
        ),
        (MailLanguage::En, Deadline::Resolution, false) => (
            format!("Resolution due by {time}"),
            format!("Ticket {reference} “{subject}” is to be solved by {date} at {time}."),
        ),
        (MailLanguage::En, Deadline::FirstResponse, true) => (
            "First answer overdue".to_owned(),
            format!(
                "Ticket {reference} “{subject}” was to get its first answer by {date} at {time}: that time has passed."
            ),
        ),
        (MailLanguage::En, Deadline::NextResponse, true) => (
            "Answer overdue".to_owned(),
            format!(
                "The requester of ticket {reference} “{subject}” was to get an answer by {date} at {time}: that time has passed."
            ),
        ),
        (MailLanguage::En, Deadline::Resolution, true) => (
            "Resolution overdue".to_owned(),
            format!(
                "Ticket {reference} “{subject}” was to be solved by {date} at {time}: that time has passed."
            ),
        ),
    };
    OutgoingMail {
        id: Uuid::now_v7(),
        ticket_id: Some(notice.ticket_id),
        recipient: recipient.to_owned(),
        subject: format!("[{reference}] {title}"),
        text_body: format!("{text}\n"),
        html_body: format!(
            "<!doctype html>\n<html lang=\"{}\">\n<body>\n<p>{}</p>\n</body>\n</html>\n",
            language.code(),
            escape_html(&text)
        ),
        reply_to: None,
        thread: Some(format!("ticket-{}", notice.ticket_id.0)),
        created_at: at,
    }
}

/// `support@example.fr` with `T-000123` after a `+`: one mailbox, and the reference to
/// route an answer by.
pub fn plus_address(address: &str, tag: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => format!("{local}+{tag}@{domain}"),
        None => address.to_owned(),
    }
}

pub(crate) fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// When a message that failed is tried again, after `attempts` tries; `None` once it has
/// been tried long enough (about a day) to give up and say so.
pub fn next_attempt(attempts: i32, failed_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    const WAITS_MINUTES: [i64; 6] = [1, 5, 15, 60, 240, 720];
    let wait = WAITS_MINUTES.get(usize::try_from(attempts).ok()?.checked_sub(1)?)?;
    Some(failed_at + chrono::Duration::minutes(*wait))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contacts::ContactSummary;
    use crate::tickets::{TicketInput, TicketRefs};

    fn settings() -> MailSettings {
        MailSettingsInput {
            host: Some("smtp.example.fr".into()),
            from_address: Some("Support@Example.fr".into()),
            reply_to_address: Some("support@example.fr".into()),
            password: Some("s3cret".into()),
            ..MailSettingsInput::default()
        }
        .validate(None)
        .unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn the_site_address_is_an_http_address_kept_without_its_trailing_slash() {
        let with = |address: &str| {
            MailSettingsInput {
                host: Some("smtp.example.fr".into()),
                from_address: Some("support@example.fr".into()),
                site_address: Some(address.into()),
                ..MailSettingsInput::default()
            }
            .validate(None)
            .map(|s| s.site_address)
            .map_err(|e| e.0.into_iter().map(|e| e.field).collect::<Vec<_>>())
        };
        assert_eq!(with("https://crm.example.fr/"), Ok(Some("https://crm.example.fr".into())));
        assert_eq!(with("http://10.0.0.2:8080/comptoir"), Ok(Some("http://10.0.0.2:8080/comptoir".into())));
        assert_eq!(with(" "), Ok(None));
        for wrong in
            ["crm.example.fr", "ftp://crm.example.fr", "https://crm.example.fr/?a=1", "javascript:alert(1)"]
        {
            assert_eq!(with(wrong), Err(vec!["site_address".to_owned()]), "{wrong}");
        }
    }

    #[test]
    fn settings_default_to_starttls_on_its_port_and_keep_the_password_unless_told() {
        let kept = settings();
        assert_eq!(
            (kept.security, kept.port, kept.from_address.as_str()),
            (MailSecurity::Starttls, 587, "support@example.fr")
        );
        let again = MailSettingsInput {
            host: Some("smtp.example.fr".into()),
            from_address: Some("a@example.fr".into()),
            ..Default::default()
        };
        assert_eq!(again.validate(Some(&kept)).ok().and_then(|s| s.password), Some("s3cret".into()));
        let cleared = MailSettingsInput {
            host: Some("smtp.example.fr".into()),
            from_address: Some("a@example.fr".into()),
            password: Some(String::new()),
            ..Default::default()
        };
        assert_eq!(cleared.validate(Some(&kept)).ok().map(|s| s.password), Some(None));
        assert!(
            !serde_json::to_string(&MailSettingsView::from(&kept)).unwrap_or_default().contains("s3cret")
        );
    }

    #[test]
    fn wrong_settings_name_their_fields() {
        let wrong = MailSettingsInput {
            host: Some("smtp example".into()),
            from_address: Some("nobody".into()),
            reply_to_address: Some("support+x@example.fr".into()),
            from_name: Some("Support\r\nBcc: x@y.fr".into()),
            ..MailSettingsInput::default()
        };
        let errors = wrong.validate(None).err().unwrap_or_default();
        let fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["host", "from_address", "reply_to_address", "from_name"]);
    }

    #[test]
    fn an_answer_goes_to_the_requester_in_their_language_with_the_reference_to_reply_to() {
        let fields = TicketInput { subject: Some("Imprimante <HS>".into()), ..TicketInput::default() }
            .validate(&[], None, None)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let mut ticket = Ticket::new(fields, TicketRefs::default(), Utc::now());
        ticket.numbered(123);
        assert_eq!(
            ticket_answer(&settings(), &ticket, "Bonjour", MailLanguage::Fr, Utc::now()),
            None,
            "nobody to write to"
        );
        ticket.requester_email = Some("marie@client.fr".into());
        let mail = ticket_answer(
            &settings(),
            &ticket,
            "Bonjour,\nc'est réparé.\n\nCordialement",
            MailLanguage::Fr,
            Utc::now(),
        );
        let mail = mail.unwrap_or_else(|| panic!("a mail"));
        assert_eq!(mail.recipient, "marie@client.fr");
        assert_eq!(mail.subject, "[T-000123] Imprimante <HS>");
        assert_eq!(mail.reply_to.as_deref(), Some("support+T-000123@example.fr"));
        assert!(
            mail.text_body
                .starts_with("Bonjour,\nc'est réparé.\n\nCordialement\n\n-- \nVotre demande T-000123")
        );
        assert!(mail.html_body.contains("<p>Bonjour,<br>\nc&#39;est réparé.</p>"), "{}", mail.html_body);
        assert!(mail.html_body.contains("Imprimante &lt;HS&gt;"), "escaped: {}", mail.html_body);
        let english = ticket_answer(&settings(), &ticket, "Hello", MailLanguage::En, Utc::now());
        assert!(english.is_some_and(|m| m.text_body.contains("Your request T-000123")));
        assert!(!mail.text_body.contains("/portal/"), "no link without the site's address");
        let with_site = MailSettings { site_address: Some("https://crm.example.fr".into()), ..settings() };
        let linked = ticket_answer(&with_site, &ticket, "Bonjour", MailLanguage::Fr, Utc::now());
        let portal = format!("https://crm.example.fr/portal/tickets/{}", ticket.id);
        assert!(linked.is_some_and(|m| m.text_body.ends_with(&format!("votre espace client : {portal}\n"))
            && m.html_body.contains(&format!("<a href=\"{portal}\">"))));
        assert_eq!(MailLanguage::of(Some("de"), MailLanguage::En), MailLanguage::En);
    }

    #[test]
    fn a_portal_request_is_acknowledged_and_a_customers_answer_told_to_its_agent() {
        let fields = TicketInput { subject: Some("Imprimante".into()), ..TicketInput::default() }
            .validate(&[], None, None)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let mut ticket = Ticket::new(fields, TicketRefs::default(), Utc::now());
        ticket.numbered(7);
        assert_eq!(
            request_received(&settings(), &ticket, MailLanguage::Fr, Utc::now()),
            None,
            "nobody to write to"
        );
        ticket.requester_email = Some("marie@client.fr".into());
        ticket.contact =
            Some(ContactSummary { id: crate::ids::ContactId::new(), name: "Marie <Roux>".into() });
        let with_site = MailSettings { site_address: Some("https://crm.example.fr/".into()), ..settings() };
        let ack = request_received(&with_site, &ticket, MailLanguage::Fr, Utc::now())
            .unwrap_or_else(|| panic!("a mail"));
        assert_eq!(ack.subject, "[T-000007] Demande reçue : Imprimante");
        assert!(ack.text_body.contains(&format!("https://crm.example.fr/portal/tickets/{}", ticket.id)));
        let told = customer_answered(
            &with_site,
            &ticket,
            "Toujours en panne",
            "agent@example.fr",
            MailLanguage::En,
            Utc::now(),
        );
        assert_eq!(told.subject, "[T-000007] The customer answered");
        assert!(
            told.text_body
                .starts_with("Marie <Roux> answered in the customer portal:\n\nToujours en panne\n")
        );
        assert!(
            told.html_body.contains("Marie &lt;Roux&gt;")
                && told.text_body.contains("https://crm.example.fr/tickets/")
        );
    }

    #[test]
    fn a_deadline_is_told_in_the_recipients_language_and_time_zone() {
        let due =
            chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 7, 1, 12, 30, 0).single().unwrap_or_default();
        let notice = DeadlineNotice {
            ticket_id: crate::ids::TicketId::new(),
            reference: "T-000042".into(),
            subject: "Imprimante".into(),
            deadline: Deadline::FirstResponse,
            due_at: due,
            missed: false,
        };
        let paris = ["Europe/Paris"][0].parse().unwrap_or(chrono_tz::UTC);
        let mail = deadline_notice(&notice, "agent@example.fr", MailLanguage::Fr, paris, Utc::now());
        assert_eq!(mail.subject, "[T-000042] Première réponse attendue avant 14:30");
        assert!(mail.text_body.contains("avant le 01/07/2026 à 14:30"), "{}", mail.text_body);
        let owed = DeadlineNotice { deadline: Deadline::NextResponse, ..notice.clone() };
        let mail = deadline_notice(&owed, "agent@example.fr", MailLanguage::Fr, paris, Utc::now());
        assert_eq!(mail.subject, "[T-000042] Réponse attendue avant 14:30");
        let missed = DeadlineNotice { missed: true, deadline: Deadline::Resolution, ..notice };
        let mail = deadline_notice(&missed, "agent@example.fr", MailLanguage::En, chrono_tz::UTC, Utc::now());
        assert_eq!(mail.subject, "[T-000042] Resolution overdue");
        assert!(
            mail.text_body.contains("by 2026-07-01 at 12:30: that time has passed"),
            "{}",
            mail.text_body
        );
    }

    #[test]
    fn a_failed_message_waits_longer_each_time_then_is_given_up() {
        let now = Utc::now();
        assert_eq!(next_attempt(1, now), Some(now + chrono::Duration::minutes(1)));
        assert_eq!(next_attempt(6, now), Some(now + chrono::Duration::hours(12)));
        assert_eq!(next_attempt(7, now), None);
    }
}
