-- +goose Up
-- The tenancy checks of 00004 for UPDATE as well as INSERT (PostgreSQL's triggers and
-- composite keys of 00004 cover both already), and an org unit never moves to another
-- municipality.
-- +goose StatementBegin
CREATE TRIGGER record_links_tenant_update BEFORE UPDATE ON record_links
WHEN (SELECT municipality_id FROM records WHERE id = NEW.record_id) IS NOT (SELECT municipality_id FROM records WHERE id = NEW.linked_record_id)
BEGIN SELECT RAISE(ABORT, 'tenancy: link to a record of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER control_unit_status_tenant_update BEFORE UPDATE ON control_unit_status
WHEN (SELECT municipality_id FROM records WHERE id = NEW.record_id) IS NOT (SELECT municipality_id FROM org_units WHERE id = NEW.org_unit_id)
BEGIN SELECT RAISE(ABORT, 'tenancy: org unit of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER document_scope_units_tenant_update BEFORE UPDATE ON document_scope_units
WHEN (SELECT municipality_id FROM records WHERE id = NEW.record_id) IS NOT (SELECT municipality_id FROM org_units WHERE id = NEW.org_unit_id)
BEGIN SELECT RAISE(ABORT, 'tenancy: org unit of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER control_impls_tenant_update BEFORE UPDATE ON control_impls
WHEN (SELECT municipality_id FROM records WHERE id = NEW.record_id) IS NOT NEW.municipality_id
BEGIN SELECT RAISE(ABORT, 'tenancy: record of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER role_assignment_units_tenant_update BEFORE UPDATE ON role_assignment_units
WHEN (SELECT municipality_id FROM role_assignments WHERE id = NEW.assignment_id) IS NOT (SELECT municipality_id FROM org_units WHERE id = NEW.org_unit_id)
BEGIN SELECT RAISE(ABORT, 'tenancy: org unit of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER notifications_tenant_update BEFORE UPDATE ON notifications
WHEN NEW.record_id IS NOT NULL AND (SELECT municipality_id FROM records WHERE id = NEW.record_id) IS NOT NEW.municipality_id
BEGIN SELECT RAISE(ABORT, 'tenancy: record of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER org_units_stay BEFORE UPDATE OF municipality_id ON org_units
WHEN NEW.municipality_id IS NOT OLD.municipality_id
BEGIN SELECT RAISE(ABORT, 'tenancy: an org unit stays in its municipality'); END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER org_units_stay;
DROP TRIGGER notifications_tenant_update;
DROP TRIGGER role_assignment_units_tenant_update;
DROP TRIGGER control_impls_tenant_update;
DROP TRIGGER document_scope_units_tenant_update;
DROP TRIGGER control_unit_status_tenant_update;
DROP TRIGGER record_links_tenant_update;
