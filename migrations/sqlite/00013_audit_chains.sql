-- +goose Up
-- One audit chain per municipality (chain = its id) and one for system-wide events
-- (chain = 0): chain_seq is an entry's place in its chain. Entries from before (both NULL)
-- stay on the legacy chain, linked by id; the system chain's first entry links to its head.
ALTER TABLE audit_log ADD COLUMN chain INTEGER;
ALTER TABLE audit_log ADD COLUMN chain_seq INTEGER;
CREATE UNIQUE INDEX audit_log_chain ON audit_log(chain, chain_seq);

-- +goose Down
DROP INDEX audit_log_chain;
ALTER TABLE audit_log DROP COLUMN chain_seq;
ALTER TABLE audit_log DROP COLUMN chain;
