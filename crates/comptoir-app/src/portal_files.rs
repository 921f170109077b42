//! Files in the customer portal: a requester attaches them to the tickets they asked, and
//! downloads those of the tickets the portal shows them.

use crate::attachments::Upload;
use crate::changes::Origin;
use crate::portal::{PortalTicket, PortalVisit};
use crate::{App, AppError};
use comptoir_domain::ValidationErrors;
use comptoir_domain::attachments::{Attachment, Uploader};
use comptoir_domain::ids::{AttachmentId, TicketId};
use comptoir_domain::tickets::TicketStatus;
use comptoir_domain::time::now;

impl App {
    /// Attaches `upload` to ticket `id` from the portal: only its requester, and not once it
    /// is closed.
    pub async fn portal_attach(
        &self,
        visit: &PortalVisit,
        id: TicketId,
        upload: &Upload,
    ) -> Result<Attachment, AppError> {
        let ticket = self.seen_by(visit, id).await?;
        if !visit.requested(&ticket) {
            return Err(AppError::Forbidden("only its requester attaches files to a ticket"));
        }
        if ticket.fields.status == TicketStatus::Closed {
            return Err(ValidationErrors::single("file", "a closed ticket takes no more files").into());
        }
        let attachment = Attachment::new(ticket.id, upload.received(), Uploader::Requester, now())?;
        self.keep_attachment(Origin::SYSTEM, &attachment, &upload.bytes).await?;
        Ok(attachment)
    }

    /// The files of a ticket the visitor was shown (by [`App::portal_ticket`], which decided
    /// they may read it).
    pub async fn portal_attachments(&self, shown: &PortalTicket) -> Result<Vec<Attachment>, AppError> {
        Ok(comptoir_store::attachments::of_ticket(&self.db, shown.ticket.id).await?)
    }

    /// A file of a ticket the visitor may read, and its bytes.
    pub async fn portal_attachment(
        &self,
        visit: &PortalVisit,
        id: TicketId,
        attachment: AttachmentId,
    ) -> Result<(Attachment, Vec<u8>), AppError> {
        let ticket = self.seen_by(visit, id).await?;
        comptoir_store::attachments::content(&self.db, ticket.id, attachment).await?.ok_or(AppError::NotFound)
    }
}
