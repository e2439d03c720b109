package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/lisa-isms/lisa/internal/audit"
	"github.com/lisa-isms/lisa/internal/domain"
)

const supplierSelect = `SELECT ` + recordColumns + `, k.org_number, k.contact, k.description FROM records r JOIN suppliers k ON k.record_id = r.id`

// SupplierFilter narrows the supplier register and names its page.
type SupplierFilter struct {
	Status string
	Query  string
	After  *domain.Cursor
	Limit  int
}

// ListSuppliers returns one page of mun's suppliers that v lets through, by name.
func (s *Store) ListSuppliers(ctx context.Context, mun int64, v domain.Visibility, f SupplierFilter) ([]domain.Supplier, error) {
	var l RecordList
	if f.Status != "" {
		l.Where("r.status = ?", f.Status)
	}
	l.Query, l.After, l.Limit = f.Query, f.After, f.Limit
	q, args := l.statement(supplierSelect, mun, domain.KindSupplier, v)
	query, a, err := s.in(q, args...)
	if err != nil {
		return nil, err
	}
	out := rowsFor[domain.Supplier](l.Limit)
	if err := s.db(ctx).SelectContext(ctx, &out, query, a...); err != nil {
		return nil, fmt.Errorf("list suppliers: %w", err)
	}
	for i := range out {
		out[i].Name = out[i].Title
	}
	return out, nil
}

// GetSupplier returns one supplier of mun. Returns ENotFound.
func (s *Store) GetSupplier(ctx context.Context, mun, id int64) (domain.Supplier, error) {
	var sup domain.Supplier
	err := s.db(ctx).GetContext(ctx, &sup, s.rebind(supplierSelect+` WHERE r.municipality_id = ? AND r.kind = ? AND r.id = ?`), mun, domain.KindSupplier, id)
	sup.Name = sup.Title
	return sup, notFound(err, "get supplier")
}

// RootUnit is mun's top org unit (kommunstyrelsen), where records without a unit of their own
// belong (0 when the municipality has no units).
func (s *Store) RootUnit(ctx context.Context, mun int64) (int64, error) { return s.rootUnit(ctx, mun) }

// CreateSupplier stores a new supplier with its audit entry. Returns EConflict when another
// supplier of mun has its organisation number.
func (s *Store) CreateSupplier(ctx context.Context, a Actor, sup *domain.Supplier) error {
	return s.saveRecord(ctx, a, &sup.Record, audit.ActionCreate, nil, sup, func(ctx context.Context, tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO suppliers (record_id, municipality_id, org_number, contact, description) VALUES (?, ?, ?, ?, ?)`),
			sup.ID, sup.MunicipalityID, sup.OrgNumber, sup.Contact, sup.Description)
		return s.supplierSaved(err)
	})
}

// UpdateSupplier changes supplier id of mun: mutate gets it inside the transaction, checks
// permission and applies the change. Returns ENotFound, EConflict and what mutate returns.
func (s *Store) UpdateSupplier(ctx context.Context, a Actor, mun, id int64, mutate func(context.Context, *domain.Supplier) error) (domain.Supplier, error) {
	var sup domain.Supplier
	err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		before, err := s.GetSupplier(ctx, mun, id)
		if err != nil {
			return err
		}
		sup = before
		if err := mutate(ctx, &sup); err != nil {
			return err
		}
		return s.saveRecord(ctx, a, &sup.Record, audit.ActionUpdate, before, &sup, func(ctx context.Context, tx *sqlx.Tx) error {
			_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE suppliers SET org_number = ?, contact = ?, description = ? WHERE record_id = ?`),
				sup.OrgNumber, sup.Contact, sup.Description, sup.ID)
			return s.supplierSaved(err)
		})
	})
	return sup, err
}

func (s *Store) supplierSaved(err error) error {
	if s.isUniqueViolation(err) {
		return &domain.Error{Code: domain.EConflict, Message: "err.supplier_exists", Fields: map[string]string{"org_number": "err.supplier_exists"}}
	}
	if err != nil {
		return fmt.Errorf("save supplier: %w", err)
	}
	return nil
}
