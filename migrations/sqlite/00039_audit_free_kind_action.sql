-- +goose Up
-- The audit trail's system entries by action, read by (kind, action, id) as by actor: the two
-- parts for a municipality's people (their sessions, their accounts) name a kind. By
-- (action, id) alone PostgreSQL's generic plan for the prepared statement walked all 900,000
-- sign-ins of kommun-L newest first, filtering them (1.8 s a request).
CREATE INDEX audit_log_free_kind_action ON audit_log(kind, action, id) WHERE municipality_id IS NULL;
DROP INDEX audit_log_free_action;

-- +goose Down
CREATE INDEX audit_log_free_action ON audit_log(action, id) WHERE municipality_id IS NULL;
DROP INDEX audit_log_free_kind_action;
