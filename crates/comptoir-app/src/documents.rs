//! What quotes and orders check alike: the deal, company, contact and owner they name.

use crate::{App, AppError};
use comptoir_domain::ValidationErrors;
use comptoir_domain::address::Address;
use comptoir_domain::contacts::{CompanySummary, ContactSummary};
use comptoir_domain::documents::DealSummary;
use comptoir_domain::ids::{CompanyId, ContactId, DealId, UserId};

/// The records a document names, each checked to exist.
pub(crate) struct Parties {
    pub deal: Option<DealSummary>,
    pub company: Option<CompanySummary>,
    pub contact: Option<ContactSummary>,
    /// The company's addresses, head office first.
    pub addresses: Vec<Address>,
}

impl App {
    pub(crate) async fn parties(
        &self,
        deal: Option<DealId>,
        company: Option<CompanyId>,
        contact: Option<ContactId>,
        owner: Option<UserId>,
        errors: &mut ValidationErrors,
    ) -> Result<Parties, AppError> {
        let mut parties = Parties { deal: None, company: None, contact: None, addresses: Vec::new() };
        if let Some(id) = deal {
            match comptoir_store::deals::get(&self.db, id).await? {
                Some(deal) => parties.deal = Some(DealSummary { id, title: deal.fields.title }),
                None => errors.add("deal_id", "is not a deal"),
            }
        }
        if let Some(id) = company {
            match comptoir_store::companies::get(&self.db, id).await? {
                Some(company) => {
                    parties.company = Some(CompanySummary { id, name: company.fields.name });
                    parties.addresses = company.fields.addresses;
                }
                None => errors.add("company_id", "is not a company"),
            }
        }
        if let Some(id) = contact {
            match comptoir_store::contacts::get(&self.db, id).await? {
                Some(contact) => {
                    parties.contact = Some(ContactSummary { id, name: contact.fields.display_name() })
                }
                None => errors.add("contact_id", "is not a contact"),
            }
        }
        self.check_user_exists(owner, "owner_id", errors).await?;
        Ok(parties)
    }
}
