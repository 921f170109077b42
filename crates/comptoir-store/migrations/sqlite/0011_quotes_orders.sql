-- The catalogue, quotes and orders. Prices and totals are whole numbers of the currency's minor
-- unit like deals' amounts; a VAT rate is its canonical decimal text (`5.5`); a document's
-- lines are kept with it as JSON, since a sent quote is never changed line by line, and its
-- totals beside them so sums happen in SQL.

CREATE TABLE products (
    id BLOB PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    sku TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    unit_price_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    unit TEXT,
    vat_rate TEXT NOT NULL,
    active INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX products_sku ON products(lower(sku));
CREATE INDEX products_name ON products(lower(name), id);
CREATE INDEX products_created ON products(created_at, id);

-- The last number given in each series and year, raised in the transaction that stores the
-- numbered document: a rolled-back document gives its number back, so there are no gaps.
CREATE TABLE document_numbers (
    series TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (series, year)
) WITHOUT ROWID;

CREATE TABLE quotes (
    id BLOB PRIMARY KEY NOT NULL,
    number TEXT NOT NULL UNIQUE,
    version INTEGER NOT NULL DEFAULT 1,
    deal_id BLOB REFERENCES deals(id) ON DELETE SET NULL,
    company_id BLOB REFERENCES companies(id) ON DELETE SET NULL,
    contact_id BLOB REFERENCES contacts(id) ON DELETE SET NULL,
    owner_id BLOB REFERENCES users(id) ON DELETE SET NULL,
    currency TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    lines TEXT NOT NULL DEFAULT '[]',
    payment_terms TEXT,
    notes TEXT,
    status TEXT NOT NULL,
    total_excluding_minor INTEGER NOT NULL,
    total_tax_minor INTEGER NOT NULL,
    total_including_minor INTEGER NOT NULL,
    sent_at TEXT,
    decided_at TEXT,
    -- The seller and the customer as they were when it was sent; NULL on a draft.
    issued_as TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX quotes_created ON quotes(created_at, id);
CREATE INDEX quotes_updated ON quotes(updated_at, id);
CREATE INDEX quotes_deal ON quotes(deal_id, created_at);
CREATE INDEX quotes_company ON quotes(company_id, created_at);
CREATE INDEX quotes_contact ON quotes(contact_id, created_at);
-- Sent quotes past their validity are found without reading the others.
CREATE INDEX quotes_status ON quotes(status, valid_until);

CREATE TABLE orders (
    id BLOB PRIMARY KEY NOT NULL,
    number TEXT NOT NULL UNIQUE,
    external_id TEXT UNIQUE,
    version INTEGER NOT NULL DEFAULT 1,
    -- One order per accepted quote.
    quote_id BLOB UNIQUE REFERENCES quotes(id) ON DELETE SET NULL,
    deal_id BLOB REFERENCES deals(id) ON DELETE SET NULL,
    company_id BLOB REFERENCES companies(id) ON DELETE SET NULL,
    contact_id BLOB REFERENCES contacts(id) ON DELETE SET NULL,
    owner_id BLOB REFERENCES users(id) ON DELETE SET NULL,
    currency TEXT NOT NULL,
    ordered_on TEXT NOT NULL,
    status TEXT NOT NULL,
    lines TEXT NOT NULL DEFAULT '[]',
    notes TEXT,
    total_excluding_minor INTEGER NOT NULL,
    total_tax_minor INTEGER NOT NULL,
    total_including_minor INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX orders_created ON orders(created_at, id);
CREATE INDEX orders_updated ON orders(updated_at, id);
CREATE INDEX orders_ordered ON orders(ordered_on, id);
-- A customer's purchase history, newest first.
CREATE INDEX orders_company ON orders(company_id, ordered_on);
CREATE INDEX orders_contact ON orders(contact_id, ordered_on);
CREATE INDEX orders_deal ON orders(deal_id);

-- Organisation-wide settings, one JSON document per key: `seller`, the identity quotes and
-- orders are issued under.
CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;

ANALYZE products_sku;
ANALYZE products_name;
ANALYZE products_created;
ANALYZE quotes_created;
ANALYZE quotes_updated;
ANALYZE quotes_deal;
ANALYZE quotes_company;
ANALYZE quotes_contact;
ANALYZE quotes_status;
ANALYZE orders_created;
ANALYZE orders_updated;
ANALYZE orders_ordered;
ANALYZE orders_company;
ANALYZE orders_contact;
ANALYZE orders_deal;
