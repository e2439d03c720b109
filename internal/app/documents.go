package app

import (
	"context"

	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// Documents lists the governing documents of mun the caller may read. Returns ENotFound
// (not a member), EForbidden (may read none).
func (a *App) Documents(ctx context.Context, c Caller, mun int64, f store.DocumentFilter) ([]domain.Document, error) {
	if err := a.member(c, mun); err != nil {
		return nil, err
	}
	v := a.az.Filter(c.P, mun, authz.ObjDocument, authz.Read)
	if v.None() {
		return nil, domain.Forbidden()
	}
	ds, err := a.db.ListDocuments(ctx, mun, v, f)
	if err != nil {
		return nil, err
	}
	return ds, nil
}

// scopeList makes the scope units a list in every answer (empty unless the scope is units).
func scopeList(d *domain.Document) {
	if d.ScopeUnitIDs == nil {
		d.ScopeUnitIDs = []int64{}
	}
}

// Document returns one governing document the caller may read. Returns ENotFound (also when it
// exists but the caller may not read it, or it belongs to another municipality).
func (a *App) Document(ctx context.Context, c Caller, mun, id int64) (domain.Document, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Document{}, err
	}
	d, err := a.db.GetDocument(ctx, mun, id)
	if err != nil {
		return d, err
	}
	if !a.az.Can(c.P, mun, authz.ObjDocument, authz.Read, target(d.Record)) {
		return domain.Document{}, domain.NotFound()
	}
	return d, nil
}

func target(r domain.Record) *authz.Target { return authz.TargetOf(r) }

// CreateDocument validates and stores a new governing document. The owner defaults to the
// caller. Returns ENotFound, EForbidden, EInvalid.
func (a *App) CreateDocument(ctx context.Context, c Caller, mun int64, in domain.DocumentInput) (domain.Document, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Document{}, err
	}
	if !a.az.CanSome(c.P, mun, authz.ObjDocument, authz.Create) {
		return domain.Document{}, domain.Forbidden()
	}
	d := domain.Document{Record: domain.Record{MunicipalityID: mun}}
	note, err := domain.ApplyDocument(&d, in, a.Today())
	if err != nil {
		return d, err
	}
	if d.OwnerID == nil {
		d.OwnerID = &c.P.User.ID
	}
	if err := a.checkDocument(ctx, c, nil, &d); err != nil {
		return d, err
	}
	if err := a.db.CreateDocument(ctx, c.actor(), &d, note); err != nil {
		return d, err
	}
	scopeList(&d)
	return d, nil
}

// UpdateDocument applies the given fields to a governing document. Management, who may adopt
// but not edit, may change only the adoption fields. Returns ENotFound, EForbidden, EInvalid.
func (a *App) UpdateDocument(ctx context.Context, c Caller, mun, id int64, in domain.DocumentInput) (domain.Document, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Document{}, err
	}
	d, err := a.db.UpdateDocument(ctx, c.actor(), mun, id, func(ctx context.Context, d *domain.Document) (string, error) {
		if !a.az.Can(c.P, mun, authz.ObjDocument, authz.Read, target(d.Record)) {
			return "", domain.NotFound()
		}
		// Refused before the input is looked at: someone who may change nothing here gets
		// 403 whatever they send, not a 400 about a field they may not touch anyway.
		if !a.az.Can(c.P, mun, authz.ObjDocument, authz.Update, target(d.Record)) && !a.az.Can(c.P, mun, authz.ObjDocument, authz.Adopt, target(d.Record)) {
			return "", domain.Forbidden()
		}
		before := *d
		before.ScopeUnitIDs = append([]int64(nil), d.ScopeUnitIDs...)
		note, err := domain.ApplyDocument(d, in, a.Today())
		if err != nil {
			return "", err
		}
		return note, a.checkDocument(ctx, c, &before, d)
	})
	scopeList(&d)
	return d, err
}

// checkDocument decides whether the caller may make the change from before (nil: create) to d,
// and that the units and owner it names exist in the municipality.
func (a *App) checkDocument(ctx context.Context, c Caller, before, d *domain.Document) error {
	mun := d.MunicipalityID
	can := func(act authz.Action, r domain.Record) bool {
		return a.az.Can(c.P, mun, authz.ObjDocument, act, target(r))
	}
	// On create as on update: a document arriving adopted, or with an adopting body or date,
	// records an adoption, which only those who may adopt can do.
	adoptionChanged := before == nil && (d.Status == string(domain.DocAdopted) || d.AdoptedBy != nil || d.AdoptedAt != nil) ||
		before != nil && (before.Status != d.Status && (before.Status == string(domain.DocAdopted) || d.Status == string(domain.DocAdopted)) ||
			!eqPtr(before.AdoptedBy, d.AdoptedBy) || !eqPtr(before.AdoptedAt, d.AdoptedAt))
	if adoptionChanged && !can(authz.Adopt, d.Record) {
		return domain.Forbidden()
	}
	// An adopted text is what the adopting body decided: changing it needs the right to adopt
	// (record a new adoption) — others mark a revision as in progress and work on a draft.
	if before != nil && before.Status == string(domain.DocAdopted) && d.Status == string(domain.DocAdopted) &&
		adoptedContentChanged(*before, *d) && !can(authz.Adopt, d.Record) {
		return forbiddenField("status", "err.adopted_locked")
	}
	switch {
	case before != nil && onlyAdoption(*before, *d):
		if !adoptionChanged && !can(authz.Update, before.Record) {
			return domain.Forbidden()
		}
	case before == nil:
		if err := a.mayWriteCore(c, nil, &d.Record); err != nil {
			return err
		}
	default:
		if err := a.mayWriteCore(c, &before.Record, &d.Record); err != nil {
			return err
		}
	}
	var beforeCore *domain.Record
	if before != nil {
		beforeCore = &before.Record
	}
	p := domain.Problems{}
	if err := a.checkCoreRefs(ctx, c, beforeCore, &d.Record, p, "scope_unit_ids", d.ScopeUnitIDs); err != nil {
		return err
	}
	return p.Err()
}

// adoptedContentChanged reports whether what an adoption covers changed: type, title, text,
// version or scope.
func adoptedContentChanged(before, after domain.Document) bool {
	return before.Type != after.Type || before.Title != after.Title || before.Description != after.Description ||
		before.Version != after.Version || before.Scope != after.Scope || !equalIDs(before.ScopeUnitIDs, after.ScopeUnitIDs)
}

// onlyAdoption reports whether before and after differ in nothing but status and adoption.
func onlyAdoption(before, after domain.Document) bool {
	before.Status, before.AdoptedBy, before.AdoptedAt = after.Status, after.AdoptedBy, after.AdoptedAt
	before.UpdatedAt = after.UpdatedAt
	return before.Title == after.Title && before.Type == after.Type && before.Version == after.Version &&
		before.Description == after.Description && before.OrgUnitID == after.OrgUnitID && eqPtr(before.OwnerID, after.OwnerID) &&
		before.ReviewIntervalMonths == after.ReviewIntervalMonths && eqPtr(before.LastReviewedAt, after.LastReviewedAt) &&
		eqPtr(before.NextReviewAt, after.NextReviewAt) && before.RevisionInProgress == after.RevisionInProgress &&
		before.Scope == after.Scope && equalIDs(before.ScopeUnitIDs, after.ScopeUnitIDs)
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func eqPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func forbiddenField(field, key string) error {
	return &domain.Error{Code: domain.EForbidden, Message: "err.forbidden", Fields: map[string]string{field: key}}
}

// DeleteDocument removes a governing document that was never adopted (a draft made by
// mistake). An adopted or retired document stays, with its history, versions and evidence:
// it is retired instead (status retired), and deleting it is EConflict for everyone.
// Returns ENotFound, EForbidden, EConflict.
func (a *App) DeleteDocument(ctx context.Context, c Caller, mun, id int64) error {
	if err := a.member(c, mun); err != nil {
		return err
	}
	return a.db.DeleteDocument(ctx, c.actor(), mun, id, func(_ context.Context, d domain.Document) error {
		return a.mayDelete(c, d)
	})
}

// DocumentToDelete returns the document DeleteDocument would delete, for the page that asks
// to confirm it, with the same errors. Returns ENotFound, EForbidden, EConflict.
func (a *App) DocumentToDelete(ctx context.Context, c Caller, mun, id int64) (domain.Document, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Document{}, err
	}
	d, err := a.db.GetDocument(ctx, mun, id)
	if err != nil {
		return d, err
	}
	return d, a.mayDelete(c, d)
}

func (a *App) mayDelete(c Caller, d domain.Document) error {
	mun := d.MunicipalityID
	if !a.az.Can(c.P, mun, authz.ObjDocument, authz.Read, target(d.Record)) {
		return domain.NotFound()
	}
	if !a.az.Can(c.P, mun, authz.ObjDocument, authz.Delete, target(d.Record)) {
		return domain.Forbidden()
	}
	if !d.Deletable() {
		return &domain.Error{Code: domain.EConflict, Message: "err.adopted_not_deleted", Fields: map[string]string{"status": "err.adopted_not_deleted"}}
	}
	return nil
}

// DocumentVersions returns the version history of a readable document. Returns ENotFound.
func (a *App) DocumentVersions(ctx context.Context, c Caller, mun, id int64) ([]domain.DocVersion, error) {
	d, err := a.Document(ctx, c, mun, id)
	if err != nil {
		return nil, err
	}
	return a.DocumentVersionsOf(ctx, c, d)
}

// DocumentVersionsOf is the version history of d, a document the caller has just read
// through Document (the document page): checked on d as read, not read again.
func (a *App) DocumentVersionsOf(ctx context.Context, c Caller, d domain.Document) ([]domain.DocVersion, error) {
	if err := a.readable(c, d.Record); err != nil {
		return nil, err
	}
	return a.db.ListVersions(ctx, d.MunicipalityID, d.ID)
}

// DocumentTitles returns the titles of those of ids that are governing documents of mun the
// caller may read (the evidence of SoA rows). Returns ENotFound.
func (a *App) DocumentTitles(ctx context.Context, c Caller, mun int64, ids []int64) (map[int64]string, error) {
	if err := a.member(c, mun); err != nil {
		return nil, err
	}
	v := a.az.Filter(c.P, mun, authz.ObjDocument, authz.Read)
	if v.None() {
		return map[int64]string{}, nil
	}
	return a.db.DocumentTitles(ctx, mun, v, ids)
}
