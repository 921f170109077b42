-- The pipeline report adds up every entry into a stage in its period with its deal's amount,
-- currency and owner, and the day that amount converts at (the day the deal closed, or should).
-- Read from the deal, that was a lookup per entry (135,000 for three months of 200,000 deals);
-- each entry now keeps them, rewritten with every change of its deal, and the report reads one
-- index and no deal. The owner has no foreign key, as in the forecast's kept figures: users are
-- deactivated, never deleted. Same columns and index as the other engine's tree.
ALTER TABLE deal_stage_changes ADD COLUMN owner_id UUID;
ALTER TABLE deal_stage_changes ADD COLUMN currency TEXT;
ALTER TABLE deal_stage_changes ADD COLUMN amount_minor BIGINT;
ALTER TABLE deal_stage_changes ADD COLUMN value_on TEXT;

UPDATE deal_stage_changes AS c
SET owner_id = d.owner_id, currency = d.currency, amount_minor = d.amount_minor,
    value_on = COALESCE(d.closed_on, d.expected_close_on)
FROM deals AS d
WHERE d.id = c.deal_id;

DROP INDEX deal_stage_changes_pipeline;
CREATE INDEX deal_stage_changes_pipeline ON deal_stage_changes
    (pipeline_id, changed_at, to_stage_id, left_at, owner_id, currency, amount_minor, value_on);
DROP INDEX deals_report_values;
