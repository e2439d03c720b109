-- +goose Up
-- Sessions end after a time without use (the idle timeout) as well as at their absolute end:
-- last_seen_at is when the session was last used (updated at most once a minute; NULL: since
-- it was created). API tokens expire, and show when they were last used; a token made before
-- this migration (expires_at NULL) expires a year after its creation.
ALTER TABLE sessions ADD COLUMN last_seen_at TIMESTAMP;
ALTER TABLE api_tokens ADD COLUMN last_used_at TIMESTAMP;
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP;
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- +goose Down
DROP INDEX api_tokens_user;
ALTER TABLE api_tokens DROP COLUMN expires_at;
ALTER TABLE api_tokens DROP COLUMN last_used_at;
ALTER TABLE sessions DROP COLUMN last_seen_at;
