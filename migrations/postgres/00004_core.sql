-- +goose Up
-- The record core made generic for every kind, and tenancy kept by the schema (the same
-- rules as sqlite/00004_core.sql).

ALTER TABLE records ADD COLUMN ref TEXT NOT NULL DEFAULT '';
UPDATE records SET ref = c.control_id FROM control_impls c WHERE c.record_id = records.id AND records.kind = 'control';
CREATE UNIQUE INDEX records_ref ON records(municipality_id, kind, ref) WHERE ref <> '';
ALTER TABLE records ADD COLUMN title_fold TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN args_json TEXT NOT NULL DEFAULT '';

-- Composite keys where both rows carry the municipality: a record's org unit, an SoA row's
-- record, a notification's record.
ALTER TABLE org_units ADD CONSTRAINT org_units_tenant UNIQUE (id, municipality_id);
ALTER TABLE records ADD CONSTRAINT records_tenant UNIQUE (id, municipality_id);
ALTER TABLE records ADD CONSTRAINT records_unit_tenant FOREIGN KEY (org_unit_id, municipality_id) REFERENCES org_units(id, municipality_id);
ALTER TABLE control_impls ADD CONSTRAINT control_impls_tenant FOREIGN KEY (record_id, municipality_id) REFERENCES records(id, municipality_id) ON DELETE CASCADE;
ALTER TABLE notifications ADD CONSTRAINT notifications_tenant FOREIGN KEY (record_id, municipality_id) REFERENCES records(id, municipality_id) ON DELETE CASCADE;

-- Rows that join two tenant rows without carrying the municipality: checked by triggers.
-- +goose StatementBegin
CREATE FUNCTION lisa_same_tenant() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE a BIGINT; b BIGINT;
BEGIN
    IF TG_TABLE_NAME = 'record_links' THEN
        SELECT municipality_id INTO a FROM records WHERE id = NEW.record_id;
        SELECT municipality_id INTO b FROM records WHERE id = NEW.linked_record_id;
    ELSIF TG_TABLE_NAME = 'role_assignment_units' THEN
        SELECT municipality_id INTO a FROM role_assignments WHERE id = NEW.assignment_id;
        SELECT municipality_id INTO b FROM org_units WHERE id = NEW.org_unit_id;
    ELSE -- control_unit_status, document_scope_units: a record and an org unit
        SELECT municipality_id INTO a FROM records WHERE id = NEW.record_id;
        SELECT municipality_id INTO b FROM org_units WHERE id = NEW.org_unit_id;
    END IF;
    IF a IS DISTINCT FROM b THEN
        RAISE EXCEPTION 'tenancy: % joins rows of two municipalities', TG_TABLE_NAME USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER record_links_tenant BEFORE INSERT OR UPDATE ON record_links FOR EACH ROW EXECUTE FUNCTION lisa_same_tenant();
CREATE TRIGGER role_assignment_units_tenant BEFORE INSERT OR UPDATE ON role_assignment_units FOR EACH ROW EXECUTE FUNCTION lisa_same_tenant();
CREATE TRIGGER control_unit_status_tenant BEFORE INSERT OR UPDATE ON control_unit_status FOR EACH ROW EXECUTE FUNCTION lisa_same_tenant();
CREATE TRIGGER document_scope_units_tenant BEFORE INSERT OR UPDATE ON document_scope_units FOR EACH ROW EXECUTE FUNCTION lisa_same_tenant();

-- The audit trail is append-only.
-- +goose StatementBegin
CREATE FUNCTION lisa_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION lisa_audit_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION lisa_audit_append_only();

-- +goose Down
DROP TRIGGER audit_log_no_truncate ON audit_log;
DROP TRIGGER audit_log_no_change ON audit_log;
DROP FUNCTION lisa_audit_append_only();
DROP TRIGGER document_scope_units_tenant ON document_scope_units;
DROP TRIGGER control_unit_status_tenant ON control_unit_status;
DROP TRIGGER role_assignment_units_tenant ON role_assignment_units;
DROP TRIGGER record_links_tenant ON record_links;
DROP FUNCTION lisa_same_tenant();
ALTER TABLE notifications DROP CONSTRAINT notifications_tenant;
ALTER TABLE control_impls DROP CONSTRAINT control_impls_tenant;
ALTER TABLE records DROP CONSTRAINT records_unit_tenant;
ALTER TABLE records DROP CONSTRAINT records_tenant;
ALTER TABLE org_units DROP CONSTRAINT org_units_tenant;
DROP INDEX records_ref;
ALTER TABLE notifications DROP COLUMN args_json;
ALTER TABLE records DROP COLUMN title_fold;
ALTER TABLE records DROP COLUMN ref;
