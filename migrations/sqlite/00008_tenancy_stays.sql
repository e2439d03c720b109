-- +goose Up
-- A record and a role assignment stay in their municipality, and an org unit's parent is a
-- unit of its own municipality (the rows that hang on them could otherwise cross over).
-- +goose StatementBegin
CREATE TRIGGER records_stay BEFORE UPDATE OF municipality_id ON records
WHEN NEW.municipality_id IS NOT OLD.municipality_id
BEGIN SELECT RAISE(ABORT, 'tenancy: a record stays in its municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER role_assignments_stay BEFORE UPDATE OF municipality_id ON role_assignments
WHEN NEW.municipality_id IS NOT OLD.municipality_id
BEGIN SELECT RAISE(ABORT, 'tenancy: a role assignment stays in its municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER org_units_parent_tenant BEFORE INSERT ON org_units
WHEN NEW.parent_id IS NOT NULL AND (SELECT municipality_id FROM org_units WHERE id = NEW.parent_id) IS NOT NEW.municipality_id
BEGIN SELECT RAISE(ABORT, 'tenancy: a parent unit of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER org_units_parent_tenant_update BEFORE UPDATE OF parent_id ON org_units
WHEN NEW.parent_id IS NOT NULL AND (SELECT municipality_id FROM org_units WHERE id = NEW.parent_id) IS NOT NEW.municipality_id
BEGIN SELECT RAISE(ABORT, 'tenancy: a parent unit of another municipality'); END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER org_units_parent_tenant_update;
DROP TRIGGER org_units_parent_tenant;
DROP TRIGGER role_assignments_stay;
DROP TRIGGER records_stay;
