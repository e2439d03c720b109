-- +goose Up
-- The record core made generic for every kind, and tenancy kept by the schema.

-- How a record is addressed in URLs when not by its id (the control id of a statement-of-
-- applicability row); empty for kinds addressed by id.
ALTER TABLE records ADD COLUMN ref TEXT NOT NULL DEFAULT '';
UPDATE records SET ref = (SELECT c.control_id FROM control_impls c WHERE c.record_id = records.id) WHERE kind = 'control';
CREATE UNIQUE INDEX records_ref ON records(municipality_id, kind, ref) WHERE ref <> '';

-- The title folded to lower case by the application (Unicode, so Å matches å on every
-- database); filled in at start-up for rows written before this column existed.
ALTER TABLE records ADD COLUMN title_fold TEXT NOT NULL DEFAULT '';

-- Notifications keep a text-catalog key and its arguments, rendered in the reader's language.
ALTER TABLE notifications ADD COLUMN args_json TEXT NOT NULL DEFAULT '';

-- Rows that join two tenant rows must join rows of one municipality. SQLite cannot add
-- composite foreign keys to existing tables, so these checks are triggers (PostgreSQL has the
-- same checks, see postgres/00004_core.sql).
-- +goose StatementBegin
CREATE TRIGGER records_unit_tenant BEFORE INSERT ON records
WHEN (SELECT municipality_id FROM org_units WHERE id = NEW.org_unit_id) IS NOT NEW.municipality_id
BEGIN SELECT RAISE(ABORT, 'tenancy: org unit of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER records_unit_tenant_update BEFORE UPDATE OF org_unit_id, municipality_id ON records
WHEN (SELECT municipality_id FROM org_units WHERE id = NEW.org_unit_id) IS NOT NEW.municipality_id
BEGIN SELECT RAISE(ABORT, 'tenancy: org unit of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER record_links_tenant BEFORE INSERT ON record_links
WHEN (SELECT municipality_id FROM records WHERE id = NEW.record_id) IS NOT (SELECT municipality_id FROM records WHERE id = NEW.linked_record_id)
BEGIN SELECT RAISE(ABORT, 'tenancy: link to a record of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER control_unit_status_tenant BEFORE INSERT ON control_unit_status
WHEN (SELECT municipality_id FROM records WHERE id = NEW.record_id) IS NOT (SELECT municipality_id FROM org_units WHERE id = NEW.org_unit_id)
BEGIN SELECT RAISE(ABORT, 'tenancy: org unit of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER document_scope_units_tenant BEFORE INSERT ON document_scope_units
WHEN (SELECT municipality_id FROM records WHERE id = NEW.record_id) IS NOT (SELECT municipality_id FROM org_units WHERE id = NEW.org_unit_id)
BEGIN SELECT RAISE(ABORT, 'tenancy: org unit of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER control_impls_tenant BEFORE INSERT ON control_impls
WHEN (SELECT municipality_id FROM records WHERE id = NEW.record_id) IS NOT NEW.municipality_id
BEGIN SELECT RAISE(ABORT, 'tenancy: record of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER role_assignment_units_tenant BEFORE INSERT ON role_assignment_units
WHEN (SELECT municipality_id FROM role_assignments WHERE id = NEW.assignment_id) IS NOT (SELECT municipality_id FROM org_units WHERE id = NEW.org_unit_id)
BEGIN SELECT RAISE(ABORT, 'tenancy: org unit of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER notifications_tenant BEFORE INSERT ON notifications
WHEN NEW.record_id IS NOT NULL AND (SELECT municipality_id FROM records WHERE id = NEW.record_id) IS NOT NEW.municipality_id
BEGIN SELECT RAISE(ABORT, 'tenancy: record of another municipality'); END;
-- +goose StatementEnd

-- The audit trail is append-only (these were created at start-up before this migration).
-- +goose StatementBegin
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER notifications_tenant;
DROP TRIGGER role_assignment_units_tenant;
DROP TRIGGER control_impls_tenant;
DROP TRIGGER document_scope_units_tenant;
DROP TRIGGER control_unit_status_tenant;
DROP TRIGGER record_links_tenant;
DROP TRIGGER records_unit_tenant_update;
DROP TRIGGER records_unit_tenant;
DROP INDEX records_ref;
