-- +goose Up
-- A system carries only assets of its own municipality, as a risk names only its own (00017):
-- the database refuses the row whatever the code above it does.
CREATE TRIGGER asset_carries_tenant BEFORE INSERT OR UPDATE ON asset_carries FOR EACH ROW EXECUTE FUNCTION lisa_same_tenant_records('system_id', 'carried_id');

-- +goose Down
DROP TRIGGER asset_carries_tenant ON asset_carries;
