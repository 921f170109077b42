//! The customer portal: a contact signs in with a link mailed to their primary address, and
//! sees, opens and answers their own tickets. The portal has sessions of its own, which know a
//! contact and nothing of the team's users, so nothing a customer holds opens a page of the team.

use crate::ids::ContactId;
use crate::mail::{MailLanguage, OutgoingMail, escape_html};
use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

/// How long a sign-in link works: long enough to open one's mail, short enough that an old
/// mail is no key.
pub const LINK_LIFETIME: TimeDelta = TimeDelta::minutes(30);

/// At most this many links are mailed to a contact in [`LINK_WINDOW`]: the form, which anyone
/// may fill in with anyone's address, cannot flood a mailbox.
pub const LINKS_PER_WINDOW: i64 = 3;
pub const LINK_WINDOW: TimeDelta = TimeDelta::minutes(15);

/// A portal session ends after this long without a request.
pub const SESSION_IDLE: TimeDelta = TimeDelta::hours(12);

/// Sessions are extended (one write) at most this often, not on every request.
pub const REFRESH_EVERY: TimeDelta = TimeDelta::minutes(1);

/// A contact signed in to the portal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortalSession {
    pub contact_id: ContactId,
    /// Sent back with every form; a form without it changes nothing.
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl PortalSession {
    pub fn opened(contact_id: ContactId, csrf_token: String, at: DateTime<Utc>) -> PortalSession {
        PortalSession {
            contact_id,
            csrf_token,
            created_at: at,
            last_seen_at: at,
            expires_at: at + SESSION_IDLE,
        }
    }

    /// Whether a request at `at` should push the expiry back.
    pub fn needs_refresh(&self, at: DateTime<Utc>) -> bool {
        at - self.last_seen_at >= REFRESH_EVERY
    }
}

/// A sign-in link to mail to a contact.
#[derive(Clone, Debug, PartialEq)]
pub struct SignInRequest<'a> {
    pub name: &'a str,
    pub recipient: &'a str,
    /// The page that signs in; it asks for a click first (see [`sign_in_mail`]).
    pub link: &'a str,
    pub language: MailLanguage,
}

/// The mail that carries a sign-in link. The link opens a page with a button rather than
/// signing in at once: mail readers and link scanners that open links must not use up the
/// link, nor sign anyone in on their own machine.
pub fn sign_in_mail(request: &SignInRequest<'_>, at: DateTime<Utc>) -> OutgoingMail {
    let minutes = LINK_LIFETIME.num_minutes();
    let (title, greeting, ask, action, closing) = match request.language {
        MailLanguage::Fr => (
            "Votre lien de connexion à l'espace client".to_owned(),
            format!("Bonjour {},", request.name),
            "Pour suivre vos demandes dans l'espace client, ouvrez ce lien :".to_owned(),
            "Se connecter",
            format!(
                "Ce lien fonctionne une fois, pendant {minutes} minutes. Si vous n'avez rien demandé, ignorez ce message : personne ne peut se connecter sans lui."
            ),
        ),
        MailLanguage::En => (
            "Your sign-in link to the customer portal".to_owned(),
            format!("Hello {},", request.name),
            "To follow your requests in the customer portal, open this link:".to_owned(),
            "Sign in",
            format!(
                "This link works once, for {minutes} minutes. If you did not ask for it, ignore this message: nobody can sign in without it."
            ),
        ),
    };
    let link = request.link;
    let text_body = format!("{greeting}\n\n{ask}\n{link}\n\n{closing}\n");
    let html_body = format!(
        "<!doctype html>\n<html lang=\"{}\">\n<body>\n<p>{}</p>\n<p>{}</p>\n<p><a href=\"{}\" style=\"display:inline-block;padding:.6em 1.2em;border-radius:4px;background:#1d4ed8;color:#fff;text-decoration:none\">{}</a></p>\n<p style=\"color:#555\">{}</p>\n</body>\n</html>\n",
        request.language.code(),
        escape_html(&greeting),
        escape_html(&ask),
        escape_html(link),
        escape_html(action),
        escape_html(&closing)
    );
    OutgoingMail {
        id: Uuid::now_v7(),
        ticket_id: None,
        recipient: request.recipient.to_owned(),
        subject: title,
        text_body,
        html_body,
        reply_to: None,
        thread: None,
        created_at: at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(language: MailLanguage) -> SignInRequest<'static> {
        SignInRequest {
            name: "Zoé <Martin>",
            recipient: "zoe@example.fr",
            link: "https://crm.example.fr/portal/sign-in/abc?x=1&y=2",
            language,
        }
    }

    #[test]
    fn the_mail_carries_the_link_in_both_parts_and_escapes_the_html() {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let mail = sign_in_mail(&request(MailLanguage::Fr), at);
        assert_eq!(mail.recipient, "zoe@example.fr");
        assert!(mail.text_body.contains("https://crm.example.fr/portal/sign-in/abc?x=1&y=2"));
        assert!(mail.html_body.contains("href=\"https://crm.example.fr/portal/sign-in/abc?x=1&amp;y=2\""));
        assert!(mail.html_body.contains("Zoé &lt;Martin&gt;"), "{}", mail.html_body);
        assert!(mail.text_body.contains("30 minutes"));
        assert!(mail.subject.contains("espace client"));
        assert!(sign_in_mail(&request(MailLanguage::En), at).subject.contains("customer portal"));
    }

    #[test]
    fn a_session_is_extended_at_most_once_a_minute() {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let session = PortalSession::opened(ContactId(Uuid::nil()), "t".into(), at);
        assert_eq!(session.expires_at, at + SESSION_IDLE);
        assert!(!session.needs_refresh(at + TimeDelta::seconds(59)));
        assert!(session.needs_refresh(at + REFRESH_EVERY));
    }
}
