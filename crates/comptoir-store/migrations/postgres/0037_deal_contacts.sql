-- The people who weigh on a deal beside its main contact, each with their part in it
-- (`decision_maker`, `champion`…), in the order the deal lists them. A contact deleted leaves
-- the deals it was on; a merge moves its rows to the survivor. Same columns as the other tree.
CREATE TABLE deal_contacts (
    deal_id UUID NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
    contact_id UUID NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (deal_id, contact_id)
);
-- A contact's page lists the deals they take part in.
CREATE INDEX deal_contacts_contact ON deal_contacts(contact_id, deal_id);
