-- +goose Up
-- Lists of a kind by title page through this index (keyset: title_fold, id after the last
-- row shown) without sorting the municipality's records.
CREATE INDEX records_title ON records(municipality_id, kind, title_fold, id);

-- +goose Down
DROP INDEX records_title;
