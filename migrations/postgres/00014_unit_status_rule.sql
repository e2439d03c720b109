-- +goose Up
-- A unit either follows the municipality or has a status of its own, with a comment; the
-- municipality's base status (base_status) is what following units have, and the row's status
-- (records.status) is the overall one derived from every unit. '' (rows from before): the
-- base status is the row's status.
ALTER TABLE control_impls ADD COLUMN base_status TEXT NOT NULL DEFAULT '';
UPDATE control_impls SET base_status = (SELECT r.status FROM records r WHERE r.id = control_impls.record_id);
ALTER TABLE control_unit_status ADD COLUMN comment TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE control_unit_status DROP COLUMN comment;
ALTER TABLE control_impls DROP COLUMN base_status;
