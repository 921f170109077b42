//! The customer portal's use cases: a contact signs in with a link mailed to their primary
//! address, then reads their own tickets, opens new ones and answers. What they write is
//! theirs, not a user's: it is recorded and announced with no user behind it, as the system's
//! own changes are, and reaches the team through the same tickets, timelines and events.

use crate::activities::Activities;
use crate::attachments::{Upload, store_attachment};
use crate::changes::Origin;
use crate::kind::Kind;
use crate::secrets::{random_secret, stored_hash};
use crate::tickets::{Tickets, message_activity, ticket_fields};
use crate::{App, AppError};
use comptoir_domain::ValidationErrors;
use comptoir_domain::activities::Activity;
use comptoir_domain::articles::Article;
use comptoir_domain::attachments::{Attachment, Uploader};
use comptoir_domain::contacts::Contact;
use comptoir_domain::ids::{CompanyId, TicketId};
use comptoir_domain::kinds::{RecordKind, RecordRef};
use comptoir_domain::listing::{ListQuery, Page};
use comptoir_domain::mail::{MailLanguage, OutgoingMail, customer_answered, request_received};
use comptoir_domain::portal::{
    LINK_LIFETIME, LINK_WINDOW, LINKS_PER_WINDOW, PortalSession, SESSION_IDLE, SignInRequest, sign_in_mail,
};
use comptoir_domain::tickets::{Ticket, TicketChannel, TicketInput, TicketMessageInput, TicketStatus};
use comptoir_domain::time::now;

/// The most messages a ticket's page shows a customer.
const MESSAGES_SHOWN: &str = "200";

/// How many times a reply is tried again when its ticket changed between read and write.
const REPLY_TRIES: usize = 3;

/// A portal session just opened: the cookie secret exists only in this value.
pub struct PortalSignedIn {
    pub secret: String,
    pub session: PortalSession,
}

/// A contact signed in to the portal, resolved from their cookie.
pub struct PortalVisit {
    pub session: PortalSession,
    pub contact: Contact,
    /// Their company, when it lets its contacts see each other's tickets.
    pub shared_company: Option<CompanyId>,
}

impl PortalVisit {
    /// Whether the visitor asked for `ticket`, and so may answer it.
    pub fn requested(&self, ticket: &Ticket) -> bool {
        ticket.fields.contact_id == Some(self.contact.id)
    }

    /// Whether the visitor may read `ticket`: theirs, or their company's when it shares them.
    pub fn sees(&self, ticket: &Ticket) -> bool {
        self.requested(ticket)
            || (self.shared_company.is_some() && ticket.fields.company_id == self.shared_company)
    }
}

/// A ticket as a customer sees it: what was asked and the public conversation, oldest first.
/// Internal notes and the team's other activities stay with the team.
pub struct PortalTicket {
    pub ticket: Ticket,
    pub messages: Vec<Activity>,
    /// The visitor asked for it (rather than a colleague), and so may answer it.
    pub theirs: bool,
}

/// A request as a customer writes it in the portal.
#[derive(Clone, Debug, Default)]
pub struct PortalRequestInput {
    pub subject: Option<String>,
    pub description: Option<String>,
    /// A file sent with it (a screenshot, a photo of the damage).
    pub file: Option<Upload>,
}

/// What a closed ticket says to one more message.
const CLOSED: &str = "a closed ticket takes no more messages; a new request is a new ticket";

impl App {
    /// Whether the portal can sign anyone in: it signs in by mail, so it needs mail and the
    /// site's address in the mail settings.
    pub async fn portal_open(&self) -> Result<bool, AppError> {
        let (settings, _) = self.mail_settings().await?;
        Ok(settings.is_some_and(|s| s.site_address.is_some()))
    }

    /// Mails a sign-in link to the contact whose primary address is `email`, in their language
    /// (else `fallback`). Whether anyone has that address is never said: the answer is the
    /// same, so the form tells nobody who is a customer. A contact gets at most
    /// [`LINKS_PER_WINDOW`] links per [`LINK_WINDOW`]; more requests are dropped in silence.
    /// Returns whether the portal is open (see [`App::portal_open`]): closed, nothing is sent.
    pub async fn request_portal_link(&self, email: &str, fallback: MailLanguage) -> Result<bool, AppError> {
        let (Some(settings), _) = self.mail_settings().await? else { return Ok(false) };
        let Some(site) = settings.site_address.as_deref() else { return Ok(false) };
        let key = email.trim().to_lowercase();
        if key.is_empty() || key.len() > 320 {
            return Ok(true);
        }
        let found = comptoir_store::contacts::matching(&self.db, &[], &[key], &[]).await?;
        // Several contacts with one address are duplicates waiting to be merged; the oldest
        // is the one the others will be merged into.
        let Some(contact) = found.into_iter().min_by_key(|c| (c.created_at, c.id.0)) else { return Ok(true) };
        let Some(recipient) = contact.fields.primary_email().map(ToString::to_string) else {
            return Ok(true);
        };
        let at = now();
        let secret = random_secret();
        let mut tx = self.db.begin().await?;
        if comptoir_store::portal::links_since(&mut tx, contact.id, at - LINK_WINDOW).await?
            >= LINKS_PER_WINDOW
        {
            return Ok(true);
        }
        comptoir_store::portal::insert_link(
            &mut tx,
            &stored_hash(&secret),
            contact.id,
            at,
            at + LINK_LIFETIME,
        )
        .await?;
        let link = format!("{}/portal/sign-in/{secret}", site.trim_end_matches('/'));
        let language = MailLanguage::of(contact.fields.language.as_deref(), fallback);
        let name = contact.fields.display_name();
        let request = SignInRequest { name: &name, recipient: &recipient, link: &link, language };
        comptoir_store::mail::queue(&mut tx, &sign_in_mail(&request, at)).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Whether a sign-in link's secret would still sign in.
    pub async fn portal_link_usable(&self, secret: &str) -> Result<bool, AppError> {
        Ok(comptoir_store::portal::link_usable(&self.db, &stored_hash(secret), now()).await?)
    }

    /// Uses up a sign-in link and opens a session for its contact; `None` for a link used,
    /// expired or unknown.
    pub async fn portal_sign_in(&self, secret: &str) -> Result<Option<PortalSignedIn>, AppError> {
        let at = now();
        let mut tx = self.db.begin().await?;
        let Some(contact) = comptoir_store::portal::use_link(&mut tx, &stored_hash(secret), at).await? else {
            return Ok(None);
        };
        let session = PortalSession::opened(contact, random_secret(), at);
        let secret = random_secret();
        comptoir_store::portal::insert_session(&mut tx, &stored_hash(&secret), &session).await?;
        tx.commit().await?;
        Ok(Some(PortalSignedIn { secret, session }))
    }

    /// The portal session a cookie secret opens, extended when it has not been for a while;
    /// `None` when it is unknown or expired, or its contact is gone.
    pub async fn portal_session(&self, secret: &str) -> Result<Option<PortalVisit>, AppError> {
        let hash = stored_hash(secret);
        let at = now();
        let Some(mut session) = comptoir_store::portal::find_session(&self.db, &hash, at).await? else {
            return Ok(None);
        };
        let Some(contact) = comptoir_store::contacts::get(&self.db, session.contact_id).await? else {
            return Ok(None);
        };
        if session.needs_refresh(at) {
            session.last_seen_at = at;
            session.expires_at = at + SESSION_IDLE;
            comptoir_store::portal::touch_session(&self.db, &hash, at, session.expires_at).await?;
        }
        let shared_company = match contact.fields.company_id {
            Some(company) => comptoir_store::companies::get(&self.db, company)
                .await?
                .filter(|company| company.fields.portal_shares_tickets)
                .map(|company| company.id),
            None => None,
        };
        Ok(Some(PortalVisit { session, contact, shared_company }))
    }

    pub async fn portal_sign_out(&self, secret: &str) -> Result<(), AppError> {
        Ok(comptoir_store::portal::delete_session(&self.db, &stored_hash(secret)).await?)
    }

    /// The tickets the visitor sees (theirs, or their company's when it shares them), newest
    /// first, a page at a time.
    pub async fn portal_tickets(
        &self,
        visit: &PortalVisit,
        cursor: Option<&str>,
    ) -> Result<Page<Ticket>, AppError> {
        let whose = match visit.shared_company {
            Some(company) => ("filter[company_id]".to_owned(), company.0.to_string()),
            None => ("filter[contact_id]".to_owned(), visit.contact.id.0.to_string()),
        };
        let mut pairs =
            vec![whose, ("sort".to_owned(), "-created_at".to_owned()), ("limit".to_owned(), "25".to_owned())];
        if let Some(cursor) = cursor {
            pairs.push(("cursor".to_owned(), cursor.to_owned()));
        }
        let query = ListQuery::parse(&pairs, &[])?;
        Tickets::page(self, &query).await
    }

    /// A ticket the visitor sees; not found for any other, as for one that does not exist.
    pub async fn portal_ticket(&self, visit: &PortalVisit, id: TicketId) -> Result<PortalTicket, AppError> {
        let ticket = self.seen_by(visit, id).await?;
        let pairs = [
            ("filter[kind]".to_owned(), "email".to_owned()),
            ("sort".to_owned(), "occurred_at".to_owned()),
            ("limit".to_owned(), MESSAGES_SHOWN.to_owned()),
        ];
        let query = ListQuery::parse(&pairs, &[])?;
        let of = RecordRef { kind: RecordKind::Ticket, id: id.0 };
        // The conversation with its requester: an email logged on the ticket with someone else
        // (a supplier) is the team's.
        let messages = comptoir_store::activities::list(&self.db, Some(of), &query)
            .await??
            .data
            .into_iter()
            .filter(|message| {
                message.fields.contact_id.is_some() && message.fields.contact_id == ticket.fields.contact_id
            })
            .collect();
        Ok(PortalTicket { theirs: visit.requested(&ticket), ticket, messages })
    }

    /// The public articles that may answer a ticket the visitor was shown, for them to read
    /// while they wait.
    pub async fn portal_suggestions(&self, shown: &PortalTicket) -> Result<Vec<Article>, AppError> {
        self.articles_about(&shown.ticket.fields.subject, true).await
    }

    pub(crate) async fn seen_by(&self, visit: &PortalVisit, id: TicketId) -> Result<Ticket, AppError> {
        comptoir_store::tickets::get(&self.db, id)
            .await?
            .filter(|ticket| visit.sees(ticket))
            .ok_or(AppError::NotFound)
    }

    /// Opens a ticket for the visitor, from the portal, in the team's queue.
    pub async fn portal_open_ticket(
        &self,
        visit: &PortalVisit,
        request: PortalRequestInput,
    ) -> Result<Ticket, AppError> {
        let input = TicketInput {
            subject: request.subject,
            description: request.description,
            channel: Some(TicketChannel::Portal),
            contact_id: Some(visit.contact.id),
            ..TicketInput::default()
        };
        // A request says what it is about: unlike the team's tickets, which may be a subject
        // alone, a customer's comes with its words.
        let described = input.description.as_deref().is_some_and(|d| !d.trim().is_empty());
        let checked = ticket_fields(self, input, None, None).await;
        if !described {
            let mut errors = match checked {
                Err(AppError::Validation(errors)) => errors,
                Err(other) => return Err(other),
                Ok(_) => ValidationErrors::new(),
            };
            errors.add("description", "is required");
            return Err(errors.into());
        }
        let fields = checked?;
        let refs = Tickets::references(self, None, &fields).await?;
        let at = now();
        let ticket = Tickets::build(None, fields, refs, at);
        let attachment = match &request.file {
            Some(upload) => Some(Attachment::new(ticket.id, upload.received(), Uploader::Requester, at)?),
            None => None,
        };
        let (settings, _) = self.mail_settings().await?;
        let mut tx = self.db.begin().await?;
        let ticket = self.store_new_from::<Tickets>(&mut tx, Origin::SYSTEM, ticket).await?;
        if let (Some(attachment), Some(upload)) = (&attachment, &request.file) {
            store_attachment(&mut tx, Origin::SYSTEM, attachment, &upload.bytes).await?;
        }
        // Acknowledged by mail, with the reference the ticket got in this transaction.
        if let Some(settings) = &settings {
            let language =
                MailLanguage::of(visit.contact.fields.language.as_deref(), settings.default_language);
            if let Some(mail) = request_received(settings, &ticket, language, at) {
                comptoir_store::mail::queue(&mut tx, &mail).await?;
            }
        }
        tx.commit().await?;
        Ok(ticket)
    }

    /// Adds the visitor's answer to one of their tickets: on its conversation and the
    /// contact's timeline, opening it again when it was solved or waiting on them, and waiting
    /// for the next answer. The agent who holds it is told by mail.
    pub async fn portal_reply(
        &self,
        visit: &PortalVisit,
        id: TicketId,
        body: Option<String>,
    ) -> Result<PortalTicket, AppError> {
        let message =
            TicketMessageInput { body, from_requester: true, ..TicketMessageInput::default() }.validate()?;
        for _ in 0..REPLY_TRIES {
            let current = self.seen_by(visit, id).await?;
            if !visit.requested(&current) {
                return Err(AppError::Forbidden("only its requester answers a ticket"));
            }
            if current.fields.status == TicketStatus::Closed {
                return Err(ValidationErrors::single("body", CLOSED).into());
            }
            let at = now();
            let fields =
                message_activity(&current, &message).validate(current.fields.assignee_id, at, None)?;
            Activities::references(self, None, &fields).await?;
            let activity = Activities::build(None, fields, (), at);
            let status = message.next_status(current.fields.status);
            let changed = if status != current.fields.status || current.starts_a_wait() {
                let mut fields = current.fields.clone();
                fields.status = status;
                let refs = Tickets::references(self, Some(&current), &fields).await?;
                let plan = refs.plan.clone();
                Some(Tickets::build(Some(&current), fields, refs, at).asked(at, plan.as_ref()))
            } else {
                None
            };
            let notice = self.answer_notice(&current, &message.body).await?;
            let mut tx = self.db.begin().await?;
            self.store_new_from::<Activities>(&mut tx, Origin::SYSTEM, activity).await?;
            if let Some(notice) = &notice {
                comptoir_store::mail::queue(&mut tx, notice).await?;
            }
            if let Some(changed) = &changed {
                match self
                    .store_change_from::<Tickets>(&mut tx, Origin::SYSTEM, &current, changed, None)
                    .await
                {
                    // Changed by the team meanwhile: read it again.
                    Err(AppError::Conflict(_)) => continue,
                    stored => stored?,
                }
            }
            tx.commit().await?;
            return self.portal_ticket(visit, id).await;
        }
        Err(AppError::Conflict("the ticket kept changing; try again".into()))
    }
}

impl App {
    /// The mail that tells `ticket`'s agent its requester wrote `body`: none when mail is not
    /// set up or nobody active holds the ticket.
    async fn answer_notice(&self, ticket: &Ticket, body: &str) -> Result<Option<OutgoingMail>, AppError> {
        let (Some(settings), _) = self.mail_settings().await? else { return Ok(None) };
        let Some(assignee) = ticket.fields.assignee_id else { return Ok(None) };
        let Some(agent) = comptoir_store::users::get(&self.db, assignee).await?.filter(|u| u.active) else {
            return Ok(None);
        };
        let language = MailLanguage::of(agent.locale.as_deref(), settings.default_language);
        Ok(Some(customer_answered(&settings, ticket, body, &agent.email, language, now())))
    }
}
