package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"

	"github.com/lisa-isms/lisa/internal/domain"
)

// CreateMunicipality adds a municipality. Returns EConflict when the name is taken.
func (s *Store) CreateMunicipality(ctx context.Context, a Actor, m *domain.Municipality) error {
	m.CreatedAt = s.now()
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &m.ID, tx.Rebind(`INSERT INTO municipalities (name, org_number, created_at) VALUES (?, ?, ?) RETURNING id`), m.Name, m.OrgNumber, m.CreatedAt)
		if s.isUniqueViolation(err) {
			return &domain.Error{Code: domain.EConflict, Message: "err.conflict", Fields: map[string]string{"name": "err.taken"}}
		}
		if err != nil {
			return fmt.Errorf("insert municipality: %w", err)
		}
		return s.appendAudit(ctx, tx, a, Change{MunicipalityID: &m.ID, Kind: "municipality", RecordID: &m.ID, Action: "create", After: m})
	})
}

// ListMunicipalities returns the municipalities with the given ids, or all when all is true.
func (s *Store) ListMunicipalities(ctx context.Context, all bool, ids []int64) ([]domain.Municipality, error) {
	out := []domain.Municipality{}
	if !all && len(ids) == 0 {
		return out, nil
	}
	q, args := `SELECT * FROM municipalities ORDER BY name`, []any{}
	if !all {
		var err error
		q, args, err = s.in(`SELECT * FROM municipalities WHERE id IN (?) ORDER BY name`, ids)
		if err != nil {
			return nil, err
		}
	}
	if err := s.db(ctx).SelectContext(ctx, &out, q, args...); err != nil {
		return nil, fmt.Errorf("list municipalities: %w", err)
	}
	return out, nil
}

// GetMunicipality returns one municipality. Returns ENotFound.
func (s *Store) GetMunicipality(ctx context.Context, id int64) (domain.Municipality, error) {
	var m domain.Municipality
	err := s.db(ctx).GetContext(ctx, &m, s.rebind(`SELECT * FROM municipalities WHERE id = ?`), id)
	return m, notFound(err, "get municipality")
}

// ListOrgUnits returns a municipality's org units ordered as a tree (by kind rank, then name).
func (s *Store) ListOrgUnits(ctx context.Context, mun int64) ([]domain.OrgUnit, error) {
	out := []domain.OrgUnit{}
	err := s.db(ctx).SelectContext(ctx, &out, s.rebind(`SELECT * FROM org_units WHERE municipality_id = ? ORDER BY name`), mun)
	if err != nil {
		return nil, fmt.Errorf("list org units: %w", err)
	}
	return out, nil
}

// GetOrgUnit returns one org unit of mun. Returns ENotFound.
func (s *Store) GetOrgUnit(ctx context.Context, mun, id int64) (domain.OrgUnit, error) {
	var u domain.OrgUnit
	err := s.db(ctx).GetContext(ctx, &u, s.rebind(`SELECT * FROM org_units WHERE municipality_id = ? AND id = ?`), mun, id)
	return u, notFound(err, "get org unit")
}

// SaveOrgUnit creates (ID 0) or updates an org unit. The parent must be in the same
// municipality and not the unit itself or one of its descendants. Returns EInvalid, EConflict,
// ENotFound.
func (s *Store) SaveOrgUnit(ctx context.Context, a Actor, u *domain.OrgUnit) error {
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		var before *domain.OrgUnit
		if u.ID != 0 {
			var old domain.OrgUnit
			if err := tx.GetContext(ctx, &old, tx.Rebind(`SELECT * FROM org_units WHERE municipality_id = ? AND id = ?`), u.MunicipalityID, u.ID); err != nil {
				return notFound(err, "get org unit")
			}
			before = &old
		}
		if u.ParentID != nil {
			if err := s.checkParent(ctx, tx, u); err != nil {
				return err
			}
		}
		var err error
		if before == nil {
			err = tx.GetContext(ctx, &u.ID, tx.Rebind(`INSERT INTO org_units (municipality_id, name, kind, parent_id) VALUES (?, ?, ?, ?) RETURNING id`),
				u.MunicipalityID, u.Name, u.Kind, u.ParentID)
		} else {
			_, err = tx.ExecContext(ctx, tx.Rebind(`UPDATE org_units SET name = ?, kind = ?, parent_id = ? WHERE municipality_id = ? AND id = ?`),
				u.Name, u.Kind, u.ParentID, u.MunicipalityID, u.ID)
		}
		if s.isUniqueViolation(err) {
			return &domain.Error{Code: domain.EConflict, Message: "err.conflict", Fields: map[string]string{"name": "err.taken"}}
		}
		if err != nil {
			return fmt.Errorf("save org unit: %w", err)
		}
		action := "create"
		if before != nil {
			action = "update"
		}
		return s.appendAudit(ctx, tx, a, Change{MunicipalityID: &u.MunicipalityID, Kind: "org_unit", RecordID: &u.ID, Action: action, Before: before, After: u})
	})
}

func (s *Store) checkParent(ctx context.Context, tx *sqlx.Tx, u *domain.OrgUnit) error {
	bad := &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{"parent_id": "err.parent"}}
	id := *u.ParentID
	for depth := 0; depth < 100; depth++ {
		if u.ID != 0 && id == u.ID {
			return bad // the unit would become its own ancestor
		}
		var p domain.OrgUnit
		if err := tx.GetContext(ctx, &p, tx.Rebind(`SELECT * FROM org_units WHERE municipality_id = ? AND id = ?`), u.MunicipalityID, id); err != nil {
			return bad
		}
		if p.ParentID == nil {
			return nil
		}
		id = *p.ParentID
	}
	return bad
}

// DeleteOrgUnit removes an org unit that has no children and no records. Returns ENotFound,
// EConflict.
func (s *Store) DeleteOrgUnit(ctx context.Context, a Actor, mun, id int64) error {
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		var old domain.OrgUnit
		if err := tx.GetContext(ctx, &old, tx.Rebind(`SELECT * FROM org_units WHERE municipality_id = ? AND id = ?`), mun, id); err != nil {
			return notFound(err, "get org unit")
		}
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT (SELECT COUNT(*) FROM org_units WHERE parent_id = ?) + (SELECT COUNT(*) FROM records WHERE org_unit_id = ?)`), id, id); err != nil {
			return fmt.Errorf("count unit use: %w", err)
		}
		if n > 0 {
			return domain.Errorf(domain.EConflict, "err.unit_in_use")
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM org_units WHERE id = ?`), id); err != nil {
			return fmt.Errorf("delete org unit: %w", err)
		}
		return s.appendAudit(ctx, tx, a, Change{MunicipalityID: &mun, Kind: "org_unit", RecordID: &id, Action: "delete", Before: old})
	})
}

// UnitsExist reports whether every id names an org unit of mun. An id may repeat.
func (s *Store) UnitsExist(ctx context.Context, mun int64, ids []int64) (bool, error) {
	if len(ids) == 0 {
		return true, nil
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids))) // COUNT(*) below counts each unit once
	q, args, err := s.in(`SELECT COUNT(*) FROM org_units WHERE municipality_id = ? AND id IN (?)`, mun, ids)
	if err != nil {
		return false, err
	}
	var n int
	if err := s.db(ctx).GetContext(ctx, &n, q, args...); err != nil {
		return false, fmt.Errorf("check units: %w", err)
	}
	return n == len(ids), nil
}
