-- +goose Up
-- Controls: the statement of applicability. The catalogs themselves ship in the binary
-- (internal/catalog/data); the database holds each municipality's own controls and its
-- implementation of every control, as tracked records of kind 'control'.

CREATE TABLE custom_controls (
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id) ON DELETE CASCADE,
    id               TEXT NOT NULL,
    theme            TEXT NOT NULL,
    title            TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (municipality_id, id)
);

CREATE TABLE control_impls (
    record_id        INTEGER PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id) ON DELETE CASCADE,
    catalog_id       TEXT NOT NULL,
    control_id       TEXT NOT NULL,
    applicable       BOOLEAN NOT NULL DEFAULT TRUE,
    justification    TEXT NOT NULL DEFAULT '',
    UNIQUE (municipality_id, catalog_id, control_id)
);

CREATE TABLE control_unit_status (
    record_id    INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    org_unit_id  INTEGER NOT NULL REFERENCES org_units(id) ON DELETE CASCADE,
    status       TEXT NOT NULL,
    PRIMARY KEY (record_id, org_unit_id)
);

-- Links between tracked records of any kind: a control's evidence (governing documents now;
-- risks, plans and trainings later).
CREATE TABLE record_links (
    record_id         INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    linked_record_id  INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    PRIMARY KEY (record_id, linked_record_id)
);
CREATE INDEX record_links_linked ON record_links(linked_record_id);

-- +goose Down
DROP TABLE record_links;
DROP TABLE control_unit_status;
DROP TABLE control_impls;
DROP TABLE custom_controls;
