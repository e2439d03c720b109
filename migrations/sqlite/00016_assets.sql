-- +goose Up
-- Information assets (issue 9): information sets, systems and industrial control systems,
-- tracked records of kind 'asset'. An information set's current levels (level_*) come from
-- its latest classification; every asset's effective levels (eff_*) are stored and
-- re-derived when what they follow from changes (the carried sets' levels, the carrying,
-- an owner's override), so registers filter and sort on them without computing.

CREATE TABLE assets (
    record_id                INTEGER PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    asset_kind               TEXT NOT NULL,
    description              TEXT NOT NULL DEFAULT '',
    system_owner_id          INTEGER REFERENCES users(id) ON DELETE SET NULL,
    activity_area            TEXT NOT NULL,
    personal_data            BOOLEAN NOT NULL DEFAULT FALSE,
    special_categories       BOOLEAN NOT NULL DEFAULT FALSE,
    supplier                 TEXT NOT NULL DEFAULT '',
    critical_infrastructure  BOOLEAN NOT NULL DEFAULT FALSE,
    network_zone             TEXT NOT NULL DEFAULT '',
    vendor_remote_access     BOOLEAN NOT NULL DEFAULT FALSE,
    reclassify_reason        TEXT NOT NULL DEFAULT '',
    reclassify_at            DATE,
    classification_id        INTEGER,
    level_c                  INTEGER,
    level_i                  INTEGER,
    level_a                  INTEGER,
    level_t                  INTEGER,
    eff_c                    INTEGER,
    eff_i                    INTEGER,
    eff_a                    INTEGER,
    eff_t                    INTEGER
);

-- What a system carries: information sets, and systems it hosts.
CREATE TABLE asset_carries (
    system_id   INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    carried_id  INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    PRIMARY KEY (system_id, carried_id)
);
CREATE INDEX asset_carries_carried ON asset_carries(carried_id, system_id);

-- Every classification of an information set, the latest being the current one.
CREATE TABLE asset_classifications (
    id             INTEGER PRIMARY KEY,
    record_id      INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    model          TEXT NOT NULL,
    model_version  INTEGER NOT NULL,
    level_c        INTEGER NOT NULL,
    level_i        INTEGER NOT NULL,
    level_a        INTEGER NOT NULL,
    level_t        INTEGER NOT NULL,
    classified_at  DATE NOT NULL,
    classified_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    participants   TEXT NOT NULL DEFAULT '',
    method         TEXT NOT NULL,
    rationale      TEXT NOT NULL DEFAULT '',
    answers        TEXT NOT NULL DEFAULT '',
    overrides      TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX asset_classifications_record ON asset_classifications(record_id, id);

-- A system owner's level instead of the inherited one, with the reason.
CREATE TABLE asset_level_overrides (
    record_id  INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    aspect     TEXT NOT NULL,
    level      INTEGER NOT NULL,
    reason     TEXT NOT NULL,
    set_by     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    set_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (record_id, aspect)
);

-- A municipality's classification model and whether it set its own requirement rules (a
-- municipality without a row uses the defaults of internal/domain).
CREATE TABLE asset_models (
    municipality_id  INTEGER PRIMARY KEY REFERENCES municipalities(id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    version          INTEGER NOT NULL,
    labels           TEXT NOT NULL,
    custom_rules     BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at       TIMESTAMP NOT NULL
);

CREATE TABLE requirement_rules (
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id) ON DELETE CASCADE,
    aspect           TEXT NOT NULL,
    min_level        INTEGER NOT NULL,
    control_id       TEXT NOT NULL,
    PRIMARY KEY (municipality_id, aspect, control_id)
);

-- +goose Down
DROP TABLE requirement_rules;
DROP TABLE asset_models;
DROP TABLE asset_level_overrides;
DROP TABLE asset_classifications;
DROP TABLE asset_carries;
DROP TABLE assets;
