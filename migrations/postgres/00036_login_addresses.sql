-- +goose Up
-- The addresses each account logged in from (issue 8 item 9): the login throttle spares them,
-- so that a stranger's guesses do not keep the real user out — also after a restart. One row
-- per account and address, kept 90 days after its last login.
CREATE TABLE login_addresses (
    user_id  BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    ip       TEXT NOT NULL,
    last_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, ip)
);
CREATE INDEX login_addresses_last ON login_addresses(last_at);

-- +goose Down
DROP TABLE login_addresses;
