-- Dated exchange rates: how many units of `currency` one unit of the base currency (the euro)
-- bought on `on_date`, as the European Central Bank publishes them. The rate is canonical
-- decimal text and the day `YYYY-MM-DD`, exact and ordered alike on both engines.
CREATE TABLE exchange_rates (
    currency TEXT NOT NULL,
    on_date TEXT NOT NULL,
    per_base TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (currency, on_date)
);
