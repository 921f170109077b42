//! Files attached to tickets: the team attaches, downloads and deletes them on any ticket;
//! what every way of attaching one shares (the portal's is in `portal_files`).

use crate::changes::{Origin, record};
use crate::kind::Kind;
use crate::tickets::Tickets;
use crate::{App, AppError};
use comptoir_domain::ValidationErrors;
use comptoir_domain::attachments::{Attachment, MAX_ATTACHMENTS_PER_TICKET, ReceivedFile, Uploader};
use comptoir_domain::audit::Action;
use comptoir_domain::ids::{AttachmentId, TicketId};
use comptoir_domain::kinds::ObjectType;
use comptoir_domain::time::now;
use comptoir_domain::users::Actor;
use sha2::{Digest, Sha256};

/// A file as a form or a request sent it.
#[derive(Clone)]
pub struct Upload {
    pub file_name: String,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// What a file is, never what it holds: a log never shows a customer's file.
impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("size", &self.bytes.len())
            .finish()
    }
}

impl Upload {
    pub(crate) fn received(&self) -> ReceivedFile<'_> {
        ReceivedFile {
            name: &self.file_name,
            declared_type: self.content_type.as_deref(),
            bytes: &self.bytes,
            sha256: crate::imports::hex(&Sha256::digest(&self.bytes)),
        }
    }
}

impl App {
    /// Attaches `upload` to ticket `id` for the team; read-only users attach nothing.
    pub async fn attach_to_ticket(
        &self,
        actor: &Actor,
        id: TicketId,
        upload: &Upload,
    ) -> Result<Attachment, AppError> {
        if !actor.can_create_records() {
            return Err(AppError::Forbidden("read-only users attach no files"));
        }
        let ticket = self.get::<Tickets>(actor, id).await?;
        let attachment = Attachment::new(ticket.id, upload.received(), Uploader::User(actor.user_id), now())?;
        self.keep_attachment(Origin { actor: Some(actor), operation: None }, &attachment, &upload.bytes)
            .await?;
        Ok(attachment)
    }

    /// Ticket `id`'s files, for the team.
    pub async fn ticket_attachments(&self, actor: &Actor, id: TicketId) -> Result<Vec<Attachment>, AppError> {
        let ticket = self.get::<Tickets>(actor, id).await?;
        Ok(comptoir_store::attachments::of_ticket(&self.db, ticket.id).await?)
    }

    /// A file of ticket `id` and its bytes, for the team.
    pub async fn ticket_attachment(
        &self,
        _actor: &Actor,
        id: TicketId,
        attachment: AttachmentId,
    ) -> Result<(Attachment, Vec<u8>), AppError> {
        comptoir_store::attachments::content(&self.db, id, attachment).await?.ok_or(AppError::NotFound)
    }

    /// Deletes a file of ticket `id` (one sent by mistake, or holding what should not be
    /// kept): whoever may change the ticket, also once it is closed. The audit keeps what the
    /// file was, never what it held.
    pub async fn remove_ticket_attachment(
        &self,
        actor: &Actor,
        id: TicketId,
        attachment: AttachmentId,
    ) -> Result<Attachment, AppError> {
        let ticket = self.get::<Tickets>(actor, id).await?;
        if !Tickets::may_change(actor, &ticket) {
            return Err(AppError::Forbidden("only who may change a ticket deletes its files"));
        }
        let mut tx = self.db.begin().await?;
        let removed = comptoir_store::attachments::delete(&mut tx, ticket.id, attachment)
            .await?
            .ok_or(AppError::NotFound)?;
        let origin = Origin { actor: Some(actor), operation: None };
        record(&mut tx, origin, Action::Delete, ObjectType::Attachment, removed.id.0, Some(&removed), None)
            .await?;
        tx.commit().await?;
        Ok(removed)
    }

    /// Stores `attachment` in a transaction of its own.
    pub(crate) async fn keep_attachment(
        &self,
        origin: Origin<'_>,
        attachment: &Attachment,
        bytes: &[u8],
    ) -> Result<(), AppError> {
        let mut tx = self.db.begin().await?;
        store_attachment(&mut tx, origin, attachment, bytes).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Stores `attachment` inside `tx` with its audit entry (what it is, never its bytes), if its
/// ticket has room for one more.
pub(crate) async fn store_attachment(
    tx: &mut comptoir_store::Tx,
    origin: Origin<'_>,
    attachment: &Attachment,
    bytes: &[u8],
) -> Result<(), AppError> {
    if comptoir_store::attachments::count_of_ticket(tx, attachment.ticket_id).await?
        >= MAX_ATTACHMENTS_PER_TICKET
    {
        return Err(ValidationErrors::single(
            "file",
            format!("a ticket keeps at most {MAX_ATTACHMENTS_PER_TICKET} files"),
        )
        .into());
    }
    comptoir_store::attachments::insert(tx, attachment, bytes).await?;
    let object = ObjectType::Attachment;
    record(tx, origin, Action::Create, object, attachment.id.0, None, Some(attachment)).await?;
    Ok(())
}
