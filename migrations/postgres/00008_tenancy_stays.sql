-- +goose Up
-- A record and a role assignment stay in their municipality, and an org unit's parent is a
-- unit of its own municipality (as sqlite/00008).
-- +goose StatementBegin
CREATE FUNCTION lisa_stays() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.municipality_id IS DISTINCT FROM OLD.municipality_id THEN
        RAISE EXCEPTION 'tenancy: a % row stays in its municipality', TG_TABLE_NAME USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER records_stay BEFORE UPDATE OF municipality_id ON records FOR EACH ROW EXECUTE FUNCTION lisa_stays();
CREATE TRIGGER role_assignments_stay BEFORE UPDATE OF municipality_id ON role_assignments FOR EACH ROW EXECUTE FUNCTION lisa_stays();
-- +goose StatementBegin
CREATE FUNCTION lisa_parent_tenant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.parent_id IS NOT NULL AND (SELECT municipality_id FROM org_units WHERE id = NEW.parent_id) IS DISTINCT FROM NEW.municipality_id THEN
        RAISE EXCEPTION 'tenancy: a parent unit of another municipality' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER org_units_parent_tenant BEFORE INSERT OR UPDATE OF parent_id ON org_units FOR EACH ROW EXECUTE FUNCTION lisa_parent_tenant();

-- +goose Down
DROP TRIGGER org_units_parent_tenant ON org_units;
DROP FUNCTION lisa_parent_tenant();
DROP TRIGGER role_assignments_stay ON role_assignments;
DROP TRIGGER records_stay ON records;
DROP FUNCTION lisa_stays();
