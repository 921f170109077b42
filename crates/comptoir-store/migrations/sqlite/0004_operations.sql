-- An operation (a bulk change, later an import or a merge) writes one id on every audit entry
-- it produces, so it can be shown, reviewed and undone as a whole. Same columns as the
-- PostgreSQL tree.

ALTER TABLE audit_log ADD COLUMN operation_id BLOB;
CREATE INDEX audit_log_operation ON audit_log (operation_id, id) WHERE operation_id IS NOT NULL;
