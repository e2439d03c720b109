-- +goose Up
-- Incidents (issue 10): tracked records of kind 'incident'. Who created a record is kept on the
-- core row (an incident's reporter: staff see the incidents they reported and no others).
ALTER TABLE records ADD COLUMN created_by INTEGER REFERENCES users(id) ON DELETE SET NULL;
CREATE INDEX records_created_by ON records(municipality_id, kind, created_by, id);
-- Registers that list the newest first (incidents) read this index backwards.
CREATE INDEX records_kind_id ON records(municipality_id, kind, id);

CREATE TABLE incidents (
    record_id                     INTEGER PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    municipality_id               INTEGER NOT NULL REFERENCES municipalities(id) ON DELETE CASCADE,
    description                   TEXT NOT NULL DEFAULT '',
    discovered_at                 TIMESTAMP NOT NULL,
    discovered_month              TEXT NOT NULL, -- YYYY-MM in Swedish time: the statistics' month
    personal_data                 BOOLEAN NOT NULL DEFAULT FALSE,
    supplier_id                   INTEGER REFERENCES records(id) ON DELETE SET NULL,
    category                      TEXT NOT NULL DEFAULT '',
    severity                      TEXT NOT NULL DEFAULT '',
    aspects                       TEXT NOT NULL DEFAULT '',
    started_at                    TIMESTAMP,
    ended_at                      TIMESTAMP,
    supplier_aware_at             TIMESTAMP,
    handling_ended_at             TIMESTAMP,
    personal_data_breach          BOOLEAN NOT NULL DEFAULT FALSE,
    aware_at                      TIMESTAMP,
    no_notification               BOOLEAN NOT NULL DEFAULT FALSE,
    no_notification_reason        TEXT NOT NULL DEFAULT '',
    subjects_informed             TEXT NOT NULL DEFAULT '',
    subjects_informed_at          TIMESTAMP,
    subjects_not_informed_reason  TEXT NOT NULL DEFAULT '',
    data_subject_categories       TEXT NOT NULL DEFAULT '',
    data_subjects_approx          INTEGER,
    records_approx                INTEGER,
    personal_data_categories      TEXT NOT NULL DEFAULT '',
    consequences                  TEXT NOT NULL DEFAULT '',
    measures_taken                TEXT NOT NULL DEFAULT '',
    measures_planned              TEXT NOT NULL DEFAULT '',
    significant                   BOOLEAN NOT NULL DEFAULT FALSE,
    significant_at                TIMESTAMP,
    significant_by                INTEGER REFERENCES users(id) ON DELETE SET NULL,
    intermediate_due_at           TIMESTAMP,
    security_protection           BOOLEAN NOT NULL DEFAULT FALSE,
    root_cause                    TEXT NOT NULL DEFAULT '',
    lessons_learned               TEXT NOT NULL DEFAULT ''
);
CREATE INDEX incidents_supplier ON incidents(supplier_id);
CREATE INDEX incidents_month ON incidents(municipality_id, discovered_month);

-- Units an incident affects beside its own.
CREATE TABLE incident_units (
    record_id    INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    org_unit_id  INTEGER NOT NULL REFERENCES org_units(id) ON DELETE CASCADE,
    PRIMARY KEY (record_id, org_unit_id)
);
CREATE INDEX incident_units_unit ON incident_units(org_unit_id);

-- The reports made: one of each kind per incident, never changed.
CREATE TABLE incident_reports (
    id                INTEGER PRIMARY KEY,
    incident_id       INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    kind              TEXT NOT NULL,
    sent_at           TIMESTAMP NOT NULL,
    recipient         TEXT NOT NULL,
    channel           TEXT NOT NULL DEFAULT '',
    reference         TEXT NOT NULL DEFAULT '',
    late_reason       TEXT NOT NULL DEFAULT '',
    recorded_by       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    recorded_by_name  TEXT NOT NULL,
    created_at        TIMESTAMP NOT NULL,
    UNIQUE (incident_id, kind)
);

-- The timeline: every step, note and change, at the moment it happened.
CREATE TABLE incident_events (
    id           INTEGER PRIMARY KEY,
    incident_id  INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    at           TIMESTAMP NOT NULL,
    type         TEXT NOT NULL,
    text         TEXT NOT NULL DEFAULT '',
    event_key    TEXT NOT NULL DEFAULT '',
    args         TEXT NOT NULL DEFAULT '',
    actor_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    actor_name   TEXT NOT NULL,
    recorded_at  TIMESTAMP NOT NULL
);
CREATE INDEX incident_events_incident ON incident_events(incident_id, at, id);

-- The clocks as last computed (domain.Clocks), for the register's filter, the dashboard and
-- the reminders in hours: never typed in. open: a report is due and not made. remind_at: the
-- moment of the next reminder (the warning window, then the deadline); stage: reminders sent.
CREATE TABLE incident_clocks (
    incident_id      INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,
    due_at           TIMESTAMP,
    done_at          TIMESTAMP,
    not_required     BOOLEAN NOT NULL DEFAULT FALSE,
    open             BOOLEAN NOT NULL,
    remind_at        TIMESTAMP,
    stage            INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (incident_id, kind)
);
CREATE INDEX incident_clocks_open ON incident_clocks(municipality_id, open, due_at);
CREATE INDEX incident_clocks_remind ON incident_clocks(remind_at);

-- Who receives each report, and how: configuration, since the authorities move.
CREATE TABLE incident_recipients (
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,
    recipient        TEXT NOT NULL,
    channel          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (municipality_id, kind)
);

-- +goose StatementBegin
CREATE TRIGGER incidents_supplier_tenant BEFORE INSERT ON incidents
WHEN NEW.supplier_id IS NOT NULL AND (SELECT municipality_id FROM records WHERE id = NEW.supplier_id) IS NOT NEW.municipality_id
BEGIN SELECT RAISE(ABORT, 'tenancy: supplier of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER incidents_supplier_tenant_update BEFORE UPDATE ON incidents
WHEN NEW.supplier_id IS NOT NULL AND (SELECT municipality_id FROM records WHERE id = NEW.supplier_id) IS NOT NEW.municipality_id
BEGIN SELECT RAISE(ABORT, 'tenancy: supplier of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER incident_units_tenant BEFORE INSERT ON incident_units
WHEN (SELECT municipality_id FROM records WHERE id = NEW.record_id) IS NOT (SELECT municipality_id FROM org_units WHERE id = NEW.org_unit_id)
BEGIN SELECT RAISE(ABORT, 'tenancy: org unit of another municipality'); END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE incident_recipients;
DROP TABLE incident_clocks;
DROP TABLE incident_events;
DROP TABLE incident_reports;
DROP TABLE incident_units;
DROP TABLE incidents;
DROP INDEX records_kind_id;
DROP INDEX records_created_by;
ALTER TABLE records DROP COLUMN created_by;
