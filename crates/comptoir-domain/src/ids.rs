//! Typed identifiers: a `ContactId` cannot be passed where a `CompanyId` is expected.
//! All are UUIDv7, so they sort by creation time and can be merged across instances.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! typed_id {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    )*};
}

typed_id!(
    /// An item of the catalogue: a product or a service, with its price and VAT rate.
    ProductId,
    /// A priced offer sent to a customer (un devis).
    QuoteId,
    /// What a customer bought: from an accepted quote, or sent by a shop or an ERP.
    OrderId,
    /// A knowledge-base article.
    ArticleId,
    /// A canned answer of the team.
    MacroId,
    /// A customer-service team: the queue its tickets wait in.
    TeamId,
    /// A file attached to a ticket.
    AttachmentId,
    /// A column mapping kept under a name for the next import of the same shape.
    ImportTemplateId,
);

typed_id!(
    /// A person the company has a relationship with.
    ContactId,
    /// An organisation: customer, prospect, partner, supplier…
    CompanyId,
    /// One entry of a timeline: note, call, email, meeting or task.
    ActivityId,
    /// Someone who signs in to Comptoir.
    UserId,
    /// An API token; its secret is only ever shown once.
    TokenId,
    /// A custom field definition.
    CustomFieldId,
    /// One audit log entry.
    AuditId,
    /// A change of many records made as one (a bulk action, an import, a merge).
    OperationId,
    /// A list view a user saved under a name.
    SavedViewId,
    /// A webhook subscription: where to send which events.
    WebhookId,
    /// One event on its way to one webhook, with its attempts.
    DeliveryId,
    /// An opportunity followed through a sales pipeline.
    DealId,
    /// A customer's request to customer service.
    TicketId,
    /// A sales pipeline: the stages its deals go through.
    PipelineId,
    /// One stage of a pipeline.
    StageId,
);
