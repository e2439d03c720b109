-- +goose Up
-- A user's unread notifications in a municipality (the dashboard's first ten, the
-- notifications page) and their count, read from the unread rows alone: by (user_id, id) the
-- count walked every notification the user ever had, read or not.
CREATE INDEX notifications_unread ON notifications(user_id, municipality_id, id) WHERE read_at IS NULL;

-- +goose Down
DROP INDEX notifications_unread;
