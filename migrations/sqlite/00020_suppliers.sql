-- +goose Up
-- Suppliers (issue 10): tracked records of kind 'supplier'. An organisation number is the
-- supplier's identity within a municipality: two suppliers cannot share one.
CREATE TABLE suppliers (
    record_id        INTEGER PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id) ON DELETE CASCADE,
    org_number       TEXT NOT NULL DEFAULT '',
    contact          TEXT NOT NULL DEFAULT '',
    description      TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX suppliers_org_number ON suppliers(municipality_id, org_number) WHERE org_number <> '';

-- +goose Down
DROP TABLE suppliers;
