-- +goose Up
-- The review list reads in (next review, id) order straight from its index (SQLite's index
-- ended in the rowid anyway; PostgreSQL's sorted the ties).
DROP INDEX records_due;
CREATE INDEX records_due ON records(municipality_id, next_review_at, id);

-- +goose Down
DROP INDEX records_due;
CREATE INDEX records_due ON records(municipality_id, next_review_at);
