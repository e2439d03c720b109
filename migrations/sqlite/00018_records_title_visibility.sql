-- +goose Up
-- The registers read records in title order through this index; with the columns the
-- visibility filter looks at (unit, owner, status) in it too, an information owner's page of
-- documents or assets is read from the index alone instead of one table lookup per row
-- skipped (kommun-L, an owner of one unit: documents 12.4 → 1.1 ms, assets 2.7 → 0.55 ms).
CREATE INDEX records_title_vis ON records(municipality_id, kind, title_fold, id, org_unit_id, owner_id, status);
DROP INDEX records_title;

-- +goose Down
CREATE INDEX records_title ON records(municipality_id, kind, title_fold, id);
DROP INDEX records_title_vis;
