-- +goose Up
-- PostgreSQL gets statistics on the audit trail's filter columns in this version; SQLite
-- files carry no statistics (its plans are checked without them), so nothing changes here.
SELECT 1;

-- +goose Down
SELECT 1;
