-- +goose Up
-- Risk analysis (issue 9): each municipality's risk matrix, and the own tables of the tracked
-- kinds risk_analysis, risk and risk_action; the acceptances of residual risk with the
-- controls as they stood when accepted. Levels are not stored: they follow from the scores and
-- the matrix's thresholds when read.

CREATE TABLE risk_matrices (
    municipality_id     INTEGER PRIMARY KEY REFERENCES municipalities(id) ON DELETE CASCADE,
    size                INTEGER NOT NULL,
    likelihood_labels   TEXT NOT NULL,  -- JSON array of texts
    consequence_labels  TEXT NOT NULL,  -- JSON array of texts
    thresholds          TEXT NOT NULL,  -- JSON [{"level","min_score"}]
    acceptance_level    TEXT NOT NULL,
    acceptance_tiers    TEXT NOT NULL,  -- JSON [{"role","max_level"}]
    version             INTEGER NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);

CREATE TABLE risk_analyses (
    record_id     INTEGER PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    object_type   TEXT NOT NULL,
    asset_id      INTEGER REFERENCES records(id) ON DELETE SET NULL,
    process       TEXT NOT NULL DEFAULT '',
    method        TEXT NOT NULL DEFAULT '',
    participants  TEXT NOT NULL DEFAULT '',
    analysed_at   TEXT,
    description   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX risk_analyses_asset ON risk_analyses(asset_id);

CREATE TABLE risks (
    record_id             INTEGER PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    analysis_id           INTEGER REFERENCES records(id) ON DELETE SET NULL,
    threat                TEXT NOT NULL DEFAULT '',
    vulnerability         TEXT NOT NULL DEFAULT '',
    likelihood            INTEGER NOT NULL,
    consequence           INTEGER NOT NULL,
    score                 INTEGER NOT NULL,
    treatment             TEXT NOT NULL,
    treatment_plan        TEXT NOT NULL DEFAULT '',
    residual_likelihood   INTEGER NOT NULL,
    residual_consequence  INTEGER NOT NULL,
    residual_score        INTEGER NOT NULL,
    residual_reason       TEXT NOT NULL DEFAULT '',
    matrix_version        INTEGER NOT NULL
);
CREATE INDEX risks_analysis ON risks(analysis_id);

-- The assets a risk affects and the controls (statement-of-applicability rows) that treat it.
CREATE TABLE risk_assets (
    risk_id   INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    asset_id  INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    PRIMARY KEY (risk_id, asset_id)
);
CREATE INDEX risk_assets_asset ON risk_assets(asset_id);

CREATE TABLE risk_controls (
    risk_id            INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    control_record_id  INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    PRIMARY KEY (risk_id, control_record_id)
);
CREATE INDEX risk_controls_control ON risk_controls(control_record_id);

CREATE TABLE risk_actions (
    record_id    INTEGER PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
    risk_id      INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    description  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX risk_actions_risk ON risk_actions(risk_id);

-- Acceptances of residual risk: a decision each, never changed but for being voided.
CREATE TABLE risk_acceptances (
    id                INTEGER PRIMARY KEY,
    risk_id           INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    accepted_by       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    accepted_by_name  TEXT NOT NULL,
    role              TEXT NOT NULL,
    accepted_at       TIMESTAMP NOT NULL,
    justification     TEXT NOT NULL,
    valid_until       TEXT NOT NULL,
    residual_score    INTEGER NOT NULL,
    residual_level    TEXT NOT NULL,
    matrix_version    INTEGER NOT NULL,
    voided_at         TIMESTAMP,
    void_reason       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX risk_acceptances_risk ON risk_acceptances(risk_id, id);
CREATE INDEX risk_acceptances_open ON risk_acceptances(valid_until) WHERE voided_at IS NULL;

CREATE TABLE risk_acceptance_controls (
    acceptance_id      INTEGER NOT NULL REFERENCES risk_acceptances(id) ON DELETE CASCADE,
    control_record_id  INTEGER NOT NULL,
    control_ref        TEXT NOT NULL,
    status             TEXT NOT NULL,
    PRIMARY KEY (acceptance_id, control_record_id)
);
CREATE INDEX risk_acceptance_controls_control ON risk_acceptance_controls(control_record_id);

-- Rows that join two records join records of one municipality (as in 00004 and 00006).
-- +goose StatementBegin
CREATE TRIGGER risk_assets_tenant BEFORE INSERT ON risk_assets
WHEN (SELECT municipality_id FROM records WHERE id = NEW.risk_id) IS NOT (SELECT municipality_id FROM records WHERE id = NEW.asset_id)
BEGIN SELECT RAISE(ABORT, 'tenancy: asset of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER risk_controls_tenant BEFORE INSERT ON risk_controls
WHEN (SELECT municipality_id FROM records WHERE id = NEW.risk_id) IS NOT (SELECT municipality_id FROM records WHERE id = NEW.control_record_id)
BEGIN SELECT RAISE(ABORT, 'tenancy: control of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER risk_actions_tenant BEFORE INSERT ON risk_actions
WHEN (SELECT municipality_id FROM records WHERE id = NEW.record_id) IS NOT (SELECT municipality_id FROM records WHERE id = NEW.risk_id)
BEGIN SELECT RAISE(ABORT, 'tenancy: risk of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER risk_assets_tenant_update BEFORE UPDATE ON risk_assets
WHEN (SELECT municipality_id FROM records WHERE id = NEW.risk_id) IS NOT (SELECT municipality_id FROM records WHERE id = NEW.asset_id)
BEGIN SELECT RAISE(ABORT, 'tenancy: asset of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER risk_controls_tenant_update BEFORE UPDATE ON risk_controls
WHEN (SELECT municipality_id FROM records WHERE id = NEW.risk_id) IS NOT (SELECT municipality_id FROM records WHERE id = NEW.control_record_id)
BEGIN SELECT RAISE(ABORT, 'tenancy: control of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER risk_actions_tenant_update BEFORE UPDATE ON risk_actions
WHEN (SELECT municipality_id FROM records WHERE id = NEW.record_id) IS NOT (SELECT municipality_id FROM records WHERE id = NEW.risk_id)
BEGIN SELECT RAISE(ABORT, 'tenancy: risk of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER risks_analysis_tenant BEFORE INSERT ON risks
WHEN NEW.analysis_id IS NOT NULL AND (SELECT municipality_id FROM records WHERE id = NEW.record_id) IS NOT (SELECT municipality_id FROM records WHERE id = NEW.analysis_id)
BEGIN SELECT RAISE(ABORT, 'tenancy: analysis of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER risks_analysis_tenant_update BEFORE UPDATE OF analysis_id ON risks
WHEN NEW.analysis_id IS NOT NULL AND (SELECT municipality_id FROM records WHERE id = NEW.record_id) IS NOT (SELECT municipality_id FROM records WHERE id = NEW.analysis_id)
BEGIN SELECT RAISE(ABORT, 'tenancy: analysis of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER risk_analyses_asset_tenant BEFORE INSERT ON risk_analyses
WHEN NEW.asset_id IS NOT NULL AND (SELECT municipality_id FROM records WHERE id = NEW.record_id) IS NOT (SELECT municipality_id FROM records WHERE id = NEW.asset_id)
BEGIN SELECT RAISE(ABORT, 'tenancy: asset of another municipality'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER risk_analyses_asset_tenant_update BEFORE UPDATE OF asset_id ON risk_analyses
WHEN NEW.asset_id IS NOT NULL AND (SELECT municipality_id FROM records WHERE id = NEW.record_id) IS NOT (SELECT municipality_id FROM records WHERE id = NEW.asset_id)
BEGIN SELECT RAISE(ABORT, 'tenancy: asset of another municipality'); END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER risk_analyses_asset_tenant_update;
DROP TRIGGER risk_analyses_asset_tenant;
DROP TRIGGER risks_analysis_tenant_update;
DROP TRIGGER risks_analysis_tenant;
DROP TRIGGER risk_actions_tenant_update;
DROP TRIGGER risk_controls_tenant_update;
DROP TRIGGER risk_assets_tenant_update;
DROP TRIGGER risk_actions_tenant;
DROP TRIGGER risk_controls_tenant;
DROP TRIGGER risk_assets_tenant;
DROP TABLE risk_acceptance_controls;
DROP TABLE risk_acceptances;
DROP TABLE risk_actions;
DROP TABLE risk_controls;
DROP TABLE risk_assets;
DROP TABLE risks;
DROP TABLE risk_analyses;
DROP TABLE risk_matrices;
