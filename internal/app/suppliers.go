package app

import (
	"context"

	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// The supplier register (issue 10 starts it; the procurement issue extends it): suppliers as
// tracked records, named by incidents and assets.

// Suppliers lists one page of the suppliers of mun the caller may read. Returns ENotFound,
// EForbidden.
func (a *App) Suppliers(ctx context.Context, c Caller, mun int64, f store.SupplierFilter) ([]domain.Supplier, error) {
	if err := a.member(c, mun); err != nil {
		return nil, err
	}
	v := a.az.Filter(c.P, mun, authz.ObjSupplier, authz.Read)
	if v.None() {
		return nil, domain.Forbidden()
	}
	return a.db.ListSuppliers(ctx, mun, v, f)
}

// Supplier returns one supplier the caller may read. Returns ENotFound.
func (a *App) Supplier(ctx context.Context, c Caller, mun, id int64) (domain.Supplier, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Supplier{}, err
	}
	sup, err := a.db.GetSupplier(ctx, mun, id)
	if err != nil {
		return sup, err
	}
	if !a.az.Can(c.P, mun, authz.ObjSupplier, authz.Read, target(sup.Record)) {
		return domain.Supplier{}, domain.NotFound()
	}
	return sup, nil
}

// CreateSupplier validates and stores a new supplier; without an org unit it belongs to the
// municipality's top unit, and the owner defaults to the caller. Returns ENotFound,
// EForbidden, EInvalid, EConflict (the organisation number is another supplier's).
func (a *App) CreateSupplier(ctx context.Context, c Caller, mun int64, in domain.SupplierInput) (domain.Supplier, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Supplier{}, err
	}
	if !a.az.CanSome(c.P, mun, authz.ObjSupplier, authz.Create) {
		return domain.Supplier{}, domain.Forbidden()
	}
	if in.OrgUnitID == nil {
		root, err := a.db.RootUnit(ctx, mun)
		if err != nil {
			return domain.Supplier{}, err
		}
		in.OrgUnitID = &root
	}
	sup := domain.Supplier{Record: domain.Record{MunicipalityID: mun}}
	if err := domain.ApplySupplier(&sup, in, a.Today()); err != nil {
		return sup, err
	}
	if sup.OwnerID == nil {
		sup.OwnerID = &c.P.User.ID
	}
	err := a.db.InTx(ctx, func(ctx context.Context) error {
		if err := a.checkSupplier(ctx, c, nil, &sup); err != nil {
			return err
		}
		return a.db.CreateSupplier(ctx, c.actor(), &sup)
	})
	return sup, err
}

// UpdateSupplier applies the given fields to a supplier. Returns ENotFound, EForbidden,
// EInvalid, EConflict.
func (a *App) UpdateSupplier(ctx context.Context, c Caller, mun, id int64, in domain.SupplierInput) (domain.Supplier, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Supplier{}, err
	}
	return a.db.UpdateSupplier(ctx, c.actor(), mun, id, func(ctx context.Context, sup *domain.Supplier) error {
		if !a.az.Can(c.P, mun, authz.ObjSupplier, authz.Read, target(sup.Record)) {
			return domain.NotFound()
		}
		if !a.az.Can(c.P, mun, authz.ObjSupplier, authz.Update, target(sup.Record)) {
			return domain.Forbidden()
		}
		before := *sup
		if err := domain.ApplySupplier(sup, in, a.Today()); err != nil {
			return err
		}
		return a.checkSupplier(ctx, c, &before, sup)
	})
}

func (a *App) checkSupplier(ctx context.Context, c Caller, before, sup *domain.Supplier) error {
	var beforeCore *domain.Record
	if before != nil {
		beforeCore = &before.Record
	}
	if err := a.mayWriteCore(c, beforeCore, &sup.Record); err != nil {
		return err
	}
	p := domain.Problems{}
	if err := a.checkCoreRefs(ctx, c, beforeCore, &sup.Record, p, "", nil); err != nil {
		return err
	}
	return p.Err()
}
