-- +goose Up
-- The SQLite set adds UPDATE twins of its tenancy triggers here. On PostgreSQL the triggers
-- of 00004 fire on INSERT OR UPDATE and the composite keys hold for both; what remains is
-- that an org unit never moves to another municipality (its records' composite key with
-- the unit, and role units, would no longer agree).
-- +goose StatementBegin
CREATE FUNCTION lisa_org_unit_stays() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.municipality_id IS DISTINCT FROM OLD.municipality_id THEN
        RAISE EXCEPTION 'tenancy: an org unit stays in its municipality' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER org_units_stay BEFORE UPDATE OF municipality_id ON org_units FOR EACH ROW EXECUTE FUNCTION lisa_org_unit_stays();

-- +goose Down
DROP TRIGGER org_units_stay ON org_units;
DROP FUNCTION lisa_org_unit_stays();
