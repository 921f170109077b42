-- The pipeline report adds up, for every entry into a stage in its period, the deal's amount
-- and currency (and, in another currency, the day it converts at). Each entry used to cost
-- two table reads, the stage change's for its deal and the deal's for its values; both now
-- come from indexes alone. Same indexes as the other engine's tree.

DROP INDEX deal_stage_changes_pipeline;
CREATE INDEX deal_stage_changes_pipeline
    ON deal_stage_changes(pipeline_id, changed_at, to_stage_id, left_at, deal_id);
CREATE INDEX deals_report_values
    ON deals(id, currency, amount_minor, closed_on, expected_close_on, owner_id);
