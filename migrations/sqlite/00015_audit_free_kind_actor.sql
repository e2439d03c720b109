-- +goose Up
-- A municipality's trail shows the system entries about its people by kind (sessions, account
-- changes); filtered by actor, each kind's part walks only that kind's entries of the actor,
-- not every system entry of theirs (which grew with the trail).
CREATE INDEX audit_log_free_kind_actor ON audit_log(kind, actor, id) WHERE municipality_id IS NULL;

-- +goose Down
DROP INDEX audit_log_free_kind_actor;
