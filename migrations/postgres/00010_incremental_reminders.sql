-- +goose Up
-- The reminder planner plans incrementally: records.remind_at is the day from which the planner
-- must look at a record again (NULL: not until the record changes). Saving a record sets it to
-- the day of the change; the planner moves it to the day the next, tighter reminder applies.
-- Existing rows start at 1970-01-01: the first pass looks at each once.
ALTER TABLE records ADD COLUMN remind_at DATE DEFAULT '1970-01-01';
CREATE INDEX records_remind ON records(remind_at, id);
CREATE INDEX records_owner_remind ON records(owner_id, remind_at);
-- What the planner's last pass was configured with (reminder thresholds): when it changes,
-- every record is looked at again.
CREATE TABLE scheduler_state (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE scheduler_state;
DROP INDEX records_owner_remind;
DROP INDEX records_remind;
ALTER TABLE records DROP COLUMN remind_at;
