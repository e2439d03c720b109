-- +goose Up
-- Continuity plans and exercises (issue 10): the own tables of the tracked kinds
-- continuity_plan and exercise, and a plan's dependencies (an asset, a supplier, or something
-- described: premises, staff, power, communications). Recovery steps and the contact list are
-- stored with the plan as JSON arrays: they are read and printed whole, never queried.
CREATE TABLE continuity_plans (
    record_id                 INTEGER PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    process                   TEXT NOT NULL,
    mtpd_hours                INTEGER NOT NULL,
    rto_hours                 INTEGER NOT NULL,
    rpo_hours                 INTEGER NOT NULL DEFAULT 0,
    min_service_level         TEXT NOT NULL DEFAULT '',
    alternative_procedures    TEXT NOT NULL DEFAULT '',
    recovery_steps            TEXT NOT NULL DEFAULT '[]',
    contacts                  TEXT NOT NULL DEFAULT '[]',
    exercise_interval_months  INTEGER NOT NULL DEFAULT 12,
    last_exercised_at         DATE,
    next_exercise_at          DATE,
    review_reason             TEXT NOT NULL DEFAULT '',
    review_subject            TEXT NOT NULL DEFAULT '',
    review_reason_at          TIMESTAMP
);
CREATE INDEX continuity_plans_next_exercise ON continuity_plans(next_exercise_at);

CREATE TABLE continuity_dependencies (
    plan_id      INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    dep_kind     TEXT NOT NULL,
    record_id    INTEGER REFERENCES records(id) ON DELETE CASCADE,
    description  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (plan_id, position)
);
CREATE INDEX continuity_dependencies_record ON continuity_dependencies(record_id) WHERE record_id IS NOT NULL;

CREATE TABLE exercises (
    record_id                INTEGER PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    plan_id                  INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    exercise_type            TEXT NOT NULL,
    held_at                  DATE NOT NULL,
    participants             TEXT NOT NULL DEFAULT '',
    scenario                 TEXT NOT NULL DEFAULT '',
    achieved_recovery_hours  REAL,
    outcome                  TEXT NOT NULL DEFAULT '',
    rto_hours                INTEGER NOT NULL
);
CREATE INDEX exercises_plan ON exercises(plan_id, held_at);

-- A plan depends only on records of its own municipality, and an exercise is of a plan of its
-- own (as in 00017 and 00019).
-- +goose StatementBegin
CREATE TRIGGER continuity_dependencies_tenant BEFORE INSERT ON continuity_dependencies
WHEN NEW.record_id IS NOT NULL AND (SELECT municipality_id FROM records WHERE id = NEW.plan_id) IS NOT (SELECT municipality_id FROM records WHERE id = NEW.record_id)
BEGIN SELECT RAISE(ABORT, 'tenancy: dependency of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER continuity_dependencies_tenant_update BEFORE UPDATE ON continuity_dependencies
WHEN NEW.record_id IS NOT NULL AND (SELECT municipality_id FROM records WHERE id = NEW.plan_id) IS NOT (SELECT municipality_id FROM records WHERE id = NEW.record_id)
BEGIN SELECT RAISE(ABORT, 'tenancy: dependency of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER exercises_plan_tenant BEFORE INSERT ON exercises
WHEN (SELECT municipality_id FROM records WHERE id = NEW.record_id) IS NOT (SELECT municipality_id FROM records WHERE id = NEW.plan_id)
BEGIN SELECT RAISE(ABORT, 'tenancy: plan of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER exercises_plan_tenant_update BEFORE UPDATE ON exercises
WHEN (SELECT municipality_id FROM records WHERE id = NEW.record_id) IS NOT (SELECT municipality_id FROM records WHERE id = NEW.plan_id)
BEGIN SELECT RAISE(ABORT, 'tenancy: plan of another municipality'); END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER exercises_plan_tenant_update;
DROP TRIGGER exercises_plan_tenant;
DROP TRIGGER continuity_dependencies_tenant_update;
DROP TRIGGER continuity_dependencies_tenant;
DROP TABLE exercises;
DROP TABLE continuity_dependencies;
DROP TABLE continuity_plans;
