-- The forecast's figures per day a deal closed (won) or should close (open), per pipeline,
-- owner and currency, kept with every change of a deal in the same transaction: twelve
-- months of forecast read a few thousand rows, not every deal they hold. By day, not by
-- month, because a deal in another currency converts at its own day's rate.
-- A deal without an owner counts under the nil id, so that every column of the key has a
-- value; a deal without an amount or a day is not forecast and has no row.
-- Σ amount × probability is kept in hundredths of the minor unit, rounded once when read.
CREATE TABLE deal_forecast_totals (
    status TEXT NOT NULL,
    day TEXT NOT NULL,
    pipeline_id UUID NOT NULL,
    owner_id UUID NOT NULL,
    currency TEXT NOT NULL,
    deals BIGINT NOT NULL,
    amount_minor BIGINT NOT NULL,
    weighted BIGINT NOT NULL,
    PRIMARY KEY (status, day, pipeline_id, owner_id, currency)
);

INSERT INTO deal_forecast_totals (status, day, pipeline_id, owner_id, currency, deals, amount_minor, weighted)
SELECT status, CASE status WHEN 'won' THEN closed_on ELSE expected_close_on END AS day, pipeline_id,
    COALESCE(owner_id, '00000000-0000-0000-0000-000000000000'::uuid) AS owner, currency, count(*), sum(amount_minor), sum(amount_minor * probability)
FROM deals
WHERE currency IS NOT NULL AND amount_minor IS NOT NULL
    AND ((status = 'open' AND expected_close_on IS NOT NULL) OR (status = 'won' AND closed_on IS NOT NULL))
GROUP BY status, day, pipeline_id, owner, currency;
