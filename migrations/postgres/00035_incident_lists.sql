-- +goose Up
-- The incident register at kommun-L's 100,000 incidents (issue 10). A status few incidents
-- are in (reported) is read newest first from its own index instead of walking the register
-- (the register's statement names the kind as a literal, so that both databases may use this
-- partial index); the statistics of one who sees every incident count from an index alone.
CREATE INDEX records_incident_status ON records(municipality_id, status, id) WHERE kind = 'incident';
CREATE INDEX incidents_category ON incidents(municipality_id, category);
CREATE INDEX incidents_severity ON incidents(municipality_id, severity);
CREATE INDEX incidents_mun_supplier ON incidents(municipality_id, supplier_id);

-- +goose Down
DROP INDEX incidents_mun_supplier;
DROP INDEX incidents_severity;
DROP INDEX incidents_category;
DROP INDEX records_incident_status;
