-- The catalogue, quotes and orders: the same tables and columns as the SQLite tree (amounts in
-- minor units, VAT rates as canonical decimal text, a document's lines as JSON beside its
-- totals).

CREATE TABLE products (
    id UUID PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 1,
    sku TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    unit_price_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    unit TEXT,
    vat_rate TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX products_sku ON products(lower(sku));
CREATE INDEX products_name ON products(lower(name), id);
CREATE INDEX products_created ON products(created_at, id);

-- The last number given in each series and year, raised in the transaction that stores the
-- numbered document: a rolled-back document gives its number back, so there are no gaps.
CREATE TABLE document_numbers (
    series TEXT NOT NULL,
    year BIGINT NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (series, year)
);

CREATE TABLE quotes (
    id UUID PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    version BIGINT NOT NULL DEFAULT 1,
    deal_id UUID REFERENCES deals(id) ON DELETE SET NULL,
    company_id UUID REFERENCES companies(id) ON DELETE SET NULL,
    contact_id UUID REFERENCES contacts(id) ON DELETE SET NULL,
    owner_id UUID REFERENCES users(id) ON DELETE SET NULL,
    currency TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    lines JSONB NOT NULL DEFAULT '[]',
    payment_terms TEXT,
    notes TEXT,
    status TEXT NOT NULL,
    total_excluding_minor BIGINT NOT NULL,
    total_tax_minor BIGINT NOT NULL,
    total_including_minor BIGINT NOT NULL,
    sent_at TIMESTAMPTZ,
    decided_at TIMESTAMPTZ,
    -- The seller and the customer as they were when it was sent; NULL on a draft.
    issued_as JSONB,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX quotes_created ON quotes(created_at, id);
CREATE INDEX quotes_updated ON quotes(updated_at, id);
CREATE INDEX quotes_deal ON quotes(deal_id, created_at);
CREATE INDEX quotes_company ON quotes(company_id, created_at);
CREATE INDEX quotes_contact ON quotes(contact_id, created_at);
-- Sent quotes past their validity are found without reading the others.
CREATE INDEX quotes_status ON quotes(status, valid_until);

CREATE TABLE orders (
    id UUID PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    external_id TEXT UNIQUE,
    version BIGINT NOT NULL DEFAULT 1,
    -- One order per accepted quote.
    quote_id UUID UNIQUE REFERENCES quotes(id) ON DELETE SET NULL,
    deal_id UUID REFERENCES deals(id) ON DELETE SET NULL,
    company_id UUID REFERENCES companies(id) ON DELETE SET NULL,
    contact_id UUID REFERENCES contacts(id) ON DELETE SET NULL,
    owner_id UUID REFERENCES users(id) ON DELETE SET NULL,
    currency TEXT NOT NULL,
    ordered_on TEXT NOT NULL,
    status TEXT NOT NULL,
    lines JSONB NOT NULL DEFAULT '[]',
    notes TEXT,
    total_excluding_minor BIGINT NOT NULL,
    total_tax_minor BIGINT NOT NULL,
    total_including_minor BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
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
    value JSONB NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    updated_at TIMESTAMPTZ NOT NULL
);
