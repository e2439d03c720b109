-- +goose Up
-- The audit trail's filters read entries without a municipality (the caller's own sign-ins,
-- user administration) apart from the municipality's. Which kinds and actions occur without a
-- municipality is not independent of the municipality column (no governing document is ever
-- without one): without statistics on the combination the planner expected half a million
-- session entries to match kind = 'document' and walked them (2 s a request on kommun-L).
CREATE STATISTICS audit_log_mun_filters (mcv) ON municipality_id, kind, action FROM audit_log;
ANALYZE audit_log;

-- +goose Down
DROP STATISTICS audit_log_mun_filters;
