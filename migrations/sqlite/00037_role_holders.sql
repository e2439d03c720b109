-- +goose Up
-- Who holds a role in a municipality (the coordinators a new incident notifies, the owners a
-- form offers) is read by municipality and role: by municipality alone it read all 3,005
-- assignments of kommun-L and each one's user to find its 11 coordinators.
CREATE INDEX role_assignments_role ON role_assignments(municipality_id, role, user_id);
DROP INDEX role_assignments_municipality;

-- +goose Down
CREATE INDEX role_assignments_municipality ON role_assignments(municipality_id);
DROP INDEX role_assignments_role;
