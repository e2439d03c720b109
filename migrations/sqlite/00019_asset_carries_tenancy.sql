-- +goose Up
-- A system carries only assets of its own municipality, as a risk names only its own (00017):
-- the database refuses the row whatever the code above it does.
-- +goose StatementBegin
CREATE TRIGGER asset_carries_tenant BEFORE INSERT ON asset_carries
WHEN (SELECT municipality_id FROM records WHERE id = NEW.system_id) IS NOT (SELECT municipality_id FROM records WHERE id = NEW.carried_id)
BEGIN SELECT RAISE(ABORT, 'tenancy: asset of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER asset_carries_tenant_update BEFORE UPDATE ON asset_carries
WHEN (SELECT municipality_id FROM records WHERE id = NEW.system_id) IS NOT (SELECT municipality_id FROM records WHERE id = NEW.carried_id)
BEGIN SELECT RAISE(ABORT, 'tenancy: asset of another municipality'); END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER asset_carries_tenant_update;
DROP TRIGGER asset_carries_tenant;
