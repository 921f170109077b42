-- A ticket may be about an order (a delivery, an invoice) or a deal (a question before
-- signing); deleting either leaves the ticket, about nothing in particular.
ALTER TABLE tickets ADD COLUMN order_id UUID REFERENCES orders(id) ON DELETE SET NULL;
ALTER TABLE tickets ADD COLUMN deal_id UUID REFERENCES deals(id) ON DELETE SET NULL;
CREATE INDEX tickets_order ON tickets(order_id) WHERE order_id IS NOT NULL;
CREATE INDEX tickets_deal ON tickets(deal_id) WHERE deal_id IS NOT NULL;
