-- +goose Up
-- Every filter of a municipality's audit trail is served by an index, newest first, whatever
-- the trail's length: its own entries by kind, action, actor, record or day; and the entries
-- without a municipality (logins, account changes) the trail includes for its members.
CREATE INDEX audit_log_mun_kind ON audit_log(municipality_id, kind, id);
CREATE INDEX audit_log_mun_action ON audit_log(municipality_id, action, id);
CREATE INDEX audit_log_mun_actor ON audit_log(municipality_id, actor, id);
CREATE INDEX audit_log_mun_record ON audit_log(municipality_id, record_id, id);
CREATE INDEX audit_log_mun_at ON audit_log(municipality_id, at);
CREATE INDEX audit_log_free ON audit_log(id) WHERE municipality_id IS NULL;
CREATE INDEX audit_log_free_actor ON audit_log(actor, id) WHERE municipality_id IS NULL;
CREATE INDEX audit_log_free_kind ON audit_log(kind, id) WHERE municipality_id IS NULL;
CREATE INDEX audit_log_free_action ON audit_log(action, id) WHERE municipality_id IS NULL;
CREATE INDEX audit_log_free_at ON audit_log(at) WHERE municipality_id IS NULL;

-- +goose Down
DROP INDEX audit_log_free_at;
DROP INDEX audit_log_free_action;
DROP INDEX audit_log_free_kind;
DROP INDEX audit_log_free_actor;
DROP INDEX audit_log_free;
DROP INDEX audit_log_mun_at;
DROP INDEX audit_log_mun_record;
DROP INDEX audit_log_mun_actor;
DROP INDEX audit_log_mun_action;
DROP INDEX audit_log_mun_kind;
