package app

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// The information assets: register, classification, inheritance along the carrying, the
// requirements the levels imply, and the municipality's classification and requirement
// models. Reviews, evidence, comments and history come from the core (records.go).

// Assets lists one page of the assets of mun the caller may read, each with its
// requirements. Returns ENotFound (not a member), EForbidden (may read none).
func (a *App) Assets(ctx context.Context, c Caller, mun int64, f store.AssetFilter) ([]domain.Asset, error) {
	if err := a.member(c, mun); err != nil {
		return nil, err
	}
	v := a.az.Filter(c.P, mun, authz.ObjAsset, authz.Read)
	if v.None() {
		return nil, domain.Forbidden()
	}
	as, err := a.db.ListAssets(ctx, mun, v, f)
	if err != nil {
		return nil, err
	}
	if err := a.hideCarried(ctx, c, mun, v, as); err != nil {
		return nil, err
	}
	return as, a.requirements(ctx, mun, as)
}

// keepHiddenCarried puts back what as carried before that the caller may not read: they
// were not shown it (hideCarried), so leaving it out of a change does not remove it.
func (a *App) keepHiddenCarried(ctx context.Context, c Caller, mun int64, before []int64, as *domain.Asset) error {
	var gone []int64
	for _, id := range before {
		if !slices.Contains(as.Carries, id) {
			gone = append(gone, id)
		}
	}
	if len(gone) == 0 || a.az.Filter(c.P, mun, authz.ObjAsset, authz.Read).All {
		return nil
	}
	refs, err := a.db.AssetRefs(ctx, mun, gone)
	if err != nil {
		return err
	}
	for _, id := range gone {
		if r, ok := refs[id]; ok && !a.az.Can(c.P, mun, authz.ObjAsset, authz.Read, assetTarget(r)) {
			as.Carries = append(as.Carries, id)
		}
	}
	return nil
}

// hideCarried leaves out of what each asset carries the assets the caller may not read (one
// statement for the page; none for those who read every asset).
func (a *App) hideCarried(ctx context.Context, c Caller, mun int64, v domain.Visibility, as []domain.Asset) error {
	if v.All {
		return nil
	}
	var ids []int64
	for _, x := range as {
		ids = append(ids, x.Carries...)
	}
	if len(ids) == 0 {
		return nil
	}
	refs, err := a.db.AssetRefs(ctx, mun, ids)
	if err != nil {
		return err
	}
	for i := range as {
		as[i].Carries = slices.DeleteFunc(as[i].Carries, func(id int64) bool {
			r, ok := refs[id]
			return !ok || !a.az.Can(c.P, mun, authz.ObjAsset, authz.Read, assetTarget(r))
		})
	}
	return nil
}

// requirements sets the requirements of each asset from the municipality's model and the
// SoA statuses of the controls it names (read once for any number of assets, shared).
func (a *App) requirements(ctx context.Context, mun int64, as []domain.Asset) error {
	if len(as) == 0 {
		return nil
	}
	m, err := a.requirementModelOf(ctx, mun)
	if err != nil {
		return err
	}
	setRequirements(as, m.rules, m.soa)
	return nil
}

// requirementModel is a municipality's classification model, its requirement rules and the
// SoA statuses of the controls they name. Shared: read only.
type requirementModel struct {
	model domain.ClassificationModel
	rules []domain.RequirementRule
	soa   map[string]string
}

// requirementModelOf is mun's requirementModel, the same for every reader and page: shared as
// countCache says (renewed at this process's next write, at most 10 s old for another
// instance's).
func (a *App) requirementModelOf(ctx context.Context, mun int64) (requirementModel, error) {
	return getShared(a, "asset-requirements:"+strconv.FormatInt(mun, 10), func() (requirementModel, error) {
		model, rules, err := a.db.AssetModel(ctx, mun)
		if err != nil {
			return requirementModel{}, err
		}
		soa, err := a.db.SoAStatuses(ctx, mun, ruleControls(rules))
		return requirementModel{model, rules, soa}, err
	})
}

func ruleControls(rules []domain.RequirementRule) []string {
	ids := make([]string, 0, len(rules))
	for _, r := range rules {
		if !slices.Contains(ids, r.ControlID) {
			ids = append(ids, r.ControlID)
		}
	}
	return ids
}

func setRequirements(as []domain.Asset, rules []domain.RequirementRule, soa map[string]string) {
	for i := range as {
		as[i].SyncEffective()
		as[i].Requirements = domain.Requirements(as[i].Effective, rules, soa)
		as[i].SeparateAnalysis = as[i].Effective.Max() >= domain.MaxLevel
	}
}

// assetTarget describes an asset named by another record for a permission decision.
func assetTarget(r store.AssetRef) *authz.Target {
	return &authz.Target{Kind: domain.KindAsset, OrgUnitID: r.OrgUnitID, Status: r.Status, OwnerID: r.OwnerID}
}

// Asset returns one asset the caller may read, with its requirements. Returns ENotFound
// (also when it exists but the caller may not read it, or it belongs to another municipality).
func (a *App) Asset(ctx context.Context, c Caller, mun, id int64) (domain.Asset, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Asset{}, err
	}
	as, err := a.db.GetAsset(ctx, mun, id)
	if err != nil {
		return as, err
	}
	if !a.az.Can(c.P, mun, authz.ObjAsset, authz.Read, target(as.Record)) {
		return domain.Asset{}, domain.NotFound()
	}
	one := []domain.Asset{as}
	if err := a.hideCarried(ctx, c, mun, a.az.Filter(c.P, mun, authz.ObjAsset, authz.Read), one); err != nil {
		return as, err
	}
	if err := a.requirements(ctx, mun, one); err != nil {
		return as, err
	}
	return one[0], nil
}

// AssetDetail is what an asset's page shows besides the asset: the model its levels are
// named on, what it carries and what carries it (as far as the caller may read them), a
// system's overridden levels and the assets that carry it (which it may not carry), an
// information set's classifications.
type AssetDetail struct {
	Asset           domain.Asset
	Model           AssetModel
	Carries         []store.AssetRef
	CarriedBy       []store.AssetRef
	Carriers        []int64
	Overrides       []domain.LevelOverride
	Classifications []domain.Classification
}

// AssetDetail returns a readable asset with what its page shows. Returns ENotFound.
func (a *App) AssetDetail(ctx context.Context, c Caller, mun, id int64) (AssetDetail, error) {
	var d AssetDetail
	if err := a.member(c, mun); err != nil {
		return d, err
	}
	as, err := a.db.GetAsset(ctx, mun, id)
	if err != nil {
		return d, err
	}
	if !a.az.Can(c.P, mun, authz.ObjAsset, authz.Read, target(as.Record)) {
		return d, domain.NotFound()
	}
	m, err := a.requirementModelOf(ctx, mun)
	if err != nil {
		return d, err
	}
	model := m.model
	model.Labels = slices.Clone(model.Labels) // the page's own copy of the shared model
	d.Model = AssetModel{Model: model, Rules: slices.Clone(m.rules)}
	one := []domain.Asset{as}
	setRequirements(one, m.rules, m.soa)
	d.Asset = one[0]
	if d.Carries, d.CarriedBy, err = a.db.AssetNeighbours(ctx, mun, id); err != nil {
		return d, err
	}
	hidden := func(r store.AssetRef) bool { return !a.az.Can(c.P, mun, authz.ObjAsset, authz.Read, assetTarget(r)) }
	d.Carries, d.CarriedBy = slices.DeleteFunc(d.Carries, hidden), slices.DeleteFunc(d.CarriedBy, hidden)
	if as.AssetKind.Carrier() {
		if d.Overrides, err = a.db.LevelOverrides(ctx, id); err != nil {
			return d, err
		}
		if d.Carriers, err = a.db.AssetCarriers(ctx, id); err != nil {
			return d, err
		}
	} else if d.Classifications, err = a.db.ListClassifications(ctx, mun, id); err != nil {
		return d, err
	}
	return d, nil
}

// AssetCandidates returns up to limit readable assets whose name contains query, by name:
// what the page of a system offers to add to what it carries (names only: no levels or
// requirements are read).
func (a *App) AssetCandidates(ctx context.Context, c Caller, mun int64, query string, limit int) ([]domain.Asset, error) {
	if err := a.member(c, mun); err != nil {
		return nil, err
	}
	v := a.az.Filter(c.P, mun, authz.ObjAsset, authz.Read)
	if v.None() {
		return nil, domain.Forbidden()
	}
	return a.db.ListAssets(ctx, mun, v, store.AssetFilter{Query: query, Limit: limit, Bare: true})
}

// CreateAsset validates and stores a new asset. The owner defaults to the caller. Returns
// ENotFound, EForbidden, EInvalid.
func (a *App) CreateAsset(ctx context.Context, c Caller, mun int64, in domain.AssetInput) (domain.Asset, error) {
	var as domain.Asset
	err := a.db.InTx(ctx, func(ctx context.Context) error { // what it carries cannot go between the check and the insert
		var err error
		if as, err = a.newAsset(ctx, c, mun, in); err != nil {
			return err
		}
		return a.db.CreateAsset(ctx, c.actor(), &as)
	})
	if err != nil {
		return as, err
	}
	one := []domain.Asset{as}
	return one[0], a.requirements(ctx, mun, one)
}

// newAsset is the asset CreateAsset would store, checked but not stored.
func (a *App) newAsset(ctx context.Context, c Caller, mun int64, in domain.AssetInput) (domain.Asset, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Asset{}, err
	}
	if !a.az.CanSome(c.P, mun, authz.ObjAsset, authz.Create) {
		return domain.Asset{}, domain.Forbidden()
	}
	as := domain.Asset{Record: domain.Record{MunicipalityID: mun}}
	if err := domain.ApplyAsset(&as, in, a.Today()); err != nil {
		return as, err
	}
	if as.OwnerID == nil {
		as.OwnerID = &c.P.User.ID
	}
	return as, a.checkAsset(ctx, c, nil, &as)
}

// UpdateAsset applies the given fields to an asset. Returns ENotFound, EForbidden, EInvalid.
func (a *App) UpdateAsset(ctx context.Context, c Caller, mun, id int64, in domain.AssetInput) (domain.Asset, error) {
	return a.updateAsset(ctx, c, mun, id, func(domain.Asset) domain.AssetInput { return in })
}

// ChangeCarries adds to and removes from what a system carries, against what it carries at
// the moment of the change (two people adding at once both get theirs). Returns ENotFound,
// EForbidden, EInvalid.
func (a *App) ChangeCarries(ctx context.Context, c Caller, mun, id int64, add, remove []int64) (domain.Asset, error) {
	return a.updateAsset(ctx, c, mun, id, func(cur domain.Asset) domain.AssetInput {
		carries := slices.DeleteFunc(slices.Clone(cur.Carries), func(x int64) bool { return slices.Contains(remove, x) })
		for _, x := range add {
			if !slices.Contains(carries, x) {
				carries = append(carries, x)
			}
		}
		return domain.AssetInput{Carries: &carries}
	})
}

// updateAsset changes an asset with the input that change makes of it as it is inside the
// write transaction.
func (a *App) updateAsset(ctx context.Context, c Caller, mun, id int64, change func(domain.Asset) domain.AssetInput) (domain.Asset, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Asset{}, err
	}
	var as domain.Asset
	err := a.db.InTx(ctx, func(ctx context.Context) error {
		var err error
		if as, err = a.db.UpdateAsset(ctx, c.actor(), mun, id, func(ctx context.Context, as *domain.Asset) error {
			return a.changeAsset(ctx, c, mun, as, change)
		}); err != nil {
			return err
		}
		return a.planAssetChanged(ctx, c, mun, id, as.Title, store.ReasonAssetChanged) // revision trigger (continuity.go)
	})
	if err != nil {
		return as, err
	}
	one := []domain.Asset{as}
	return one[0], a.requirements(ctx, mun, one)
}

// changeAsset applies to as (read as it is stored) the input change makes of it, checked:
// what UpdateAsset does inside its transaction, and an import's preview outside one.
func (a *App) changeAsset(ctx context.Context, c Caller, mun int64, as *domain.Asset, change func(domain.Asset) domain.AssetInput) error {
	if !a.az.Can(c.P, mun, authz.ObjAsset, authz.Read, target(as.Record)) {
		return domain.NotFound()
	}
	if !a.az.Can(c.P, mun, authz.ObjAsset, authz.Update, target(as.Record)) {
		return domain.Forbidden()
	}
	before := *as
	before.Carries = slices.Clone(as.Carries)
	if err := domain.ApplyAsset(as, change(before), a.Today()); err != nil {
		return err
	}
	if err := a.keepHiddenCarried(ctx, c, mun, before.Carries, as); err != nil {
		return err
	}
	return a.checkAsset(ctx, c, &before, as)
}

// checkAsset decides whether the caller may make the change from before (nil: create) to as,
// and checks what only the database knows: the unit, the owners, and what a system carries
// (assets of the municipality the caller may read, no information set carried by another
// information set, no carrying cycle).
func (a *App) checkAsset(ctx context.Context, c Caller, before, as *domain.Asset) error {
	var beforeCore *domain.Record
	if before != nil {
		beforeCore = &before.Record
	}
	if err := a.mayWriteCore(c, beforeCore, &as.Record); err != nil {
		return err
	}
	mun := as.MunicipalityID
	p := domain.Problems{}
	if err := a.checkCoreRefs(ctx, c, beforeCore, &as.Record, p, "", nil); err != nil {
		return err
	}
	if as.SystemOwnerID != nil && (before == nil || !eqPtr(before.SystemOwnerID, as.SystemOwnerID)) {
		if *as.SystemOwnerID != c.P.User.ID && !a.az.Can(c.P, mun, authz.ObjAsset, authz.AssignOwner, target(as.Record)) {
			return forbiddenField("system_owner_id", "err.assign_owner")
		}
		if ok, err := a.db.IsMember(ctx, mun, *as.SystemOwnerID); err != nil {
			return err
		} else if !ok {
			p.Add("system_owner_id", "err.unknown_owner")
		}
	}
	var added []int64
	for _, id := range as.Carries {
		if before == nil || !slices.Contains(before.Carries, id) {
			added = append(added, id)
		}
	}
	if len(added) > 0 {
		refs, err := a.db.AssetRefs(ctx, mun, added)
		if err != nil {
			return err
		}
		for _, id := range added {
			r, ok := refs[id]
			if !ok || !a.az.Can(c.P, mun, authz.ObjAsset, authz.Read, assetTarget(r)) {
				p.Add("carries", "err.unknown_asset")
				break
			}
		}
		if as.ID != 0 && p["carries"] == "" {
			if cycle, err := a.db.CarryReaches(ctx, added, as.ID); err != nil {
				return err
			} else if cycle {
				p.Add("carries", "err.carry_cycle")
			}
		}
	}
	return p.Err()
}

// DeleteAsset removes an asset; the systems that carried it re-derive their levels. Returns
// ENotFound, EForbidden.
func (a *App) DeleteAsset(ctx context.Context, c Caller, mun, id int64) error {
	if err := a.member(c, mun); err != nil {
		return err
	}
	return a.db.DeleteAsset(ctx, c.actor(), mun, id, func(_ context.Context, as domain.Asset) error {
		return a.mayDeleteAsset(c, as)
	})
}

// AssetToDelete returns the asset DeleteAsset would delete, for the page that asks to confirm
// it. Returns ENotFound, EForbidden.
func (a *App) AssetToDelete(ctx context.Context, c Caller, mun, id int64) (domain.Asset, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Asset{}, err
	}
	as, err := a.db.GetAsset(ctx, mun, id)
	if err != nil {
		return as, err
	}
	return as, a.mayDeleteAsset(c, as)
}

func (a *App) mayDeleteAsset(c Caller, as domain.Asset) error {
	if !a.az.Can(c.P, as.MunicipalityID, authz.ObjAsset, authz.Read, target(as.Record)) {
		return domain.NotFound()
	}
	if !a.az.Can(c.P, as.MunicipalityID, authz.ObjAsset, authz.Delete, target(as.Record)) {
		return domain.Forbidden()
	}
	return nil
}

// ClassifyAsset records a classification of an information set on the municipality's
// current model (levels with a rationale, or guided answers). Returns ENotFound, EForbidden,
// EInvalid, EConflict (not an information set, or retired).
func (a *App) ClassifyAsset(ctx context.Context, c Caller, mun, id int64, in domain.ClassificationInput) (domain.Asset, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Asset{}, err
	}
	var as domain.Asset
	err := a.db.InTx(ctx, func(ctx context.Context) error {
		var err error
		if as, err = a.db.ClassifyAsset(ctx, c.actor(), mun, id, func(ctx context.Context, as *domain.Asset) (domain.Classification, error) {
			return a.classification(ctx, c, mun, *as, in)
		}); err != nil {
			return err
		}
		return a.planAssetChanged(ctx, c, mun, id, as.Title, store.ReasonAssetClassified) // revision trigger (continuity.go)
	})
	if err != nil {
		return as, err
	}
	one := []domain.Asset{as}
	return one[0], a.requirements(ctx, mun, one)
}

// classification is the classification in makes of as, checked: what ClassifyAsset stores,
// and what an import's preview checks.
func (a *App) classification(ctx context.Context, c Caller, mun int64, as domain.Asset, in domain.ClassificationInput) (domain.Classification, error) {
	if !a.az.Can(c.P, mun, authz.ObjAsset, authz.Read, target(as.Record)) {
		return domain.Classification{}, domain.NotFound()
	}
	if !a.az.Can(c.P, mun, authz.ObjAsset, authz.Classify, target(as.Record)) {
		return domain.Classification{}, domain.Forbidden()
	}
	if as.AssetKind != domain.AssetInformation {
		return domain.Classification{}, conflictField("kind", "err.classify_information_only")
	}
	if as.Status == domain.AssetRetired {
		return domain.Classification{}, conflictField("status", "err.asset_retired")
	}
	model, _, err := a.db.AssetModel(ctx, mun) // in the transaction: the version stamped is the one in force
	if err != nil {
		return domain.Classification{}, err
	}
	cl, err := domain.ApplyClassification(in, model, a.Today())
	if err == nil && as.Classification != nil && cl.ClassifiedAt.Before(as.Classification.ClassifiedAt) {
		// The newest classification is the current one: an older one would replace it.
		err = &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{"classified_at": "err.classified_before"}}
	}
	return cl, err
}

func conflictField(field, key string) error {
	return &domain.Error{Code: domain.EConflict, Message: key, Fields: map[string]string{field: key}}
}

// OverrideInput is a system owner's level for one aspect instead of the inherited one.
type OverrideInput struct {
	Aspect string `json:"aspect"`
	Level  *int   `json:"level"`
	Reason string `json:"reason"`
}

// SetLevelOverrides replaces the overridden levels of a system or control system (an empty
// list: every aspect inherited again); each needs a level 0–4 and a reason. Returns
// ENotFound, EForbidden, EInvalid, EConflict (an information set).
func (a *App) SetLevelOverrides(ctx context.Context, c Caller, mun, id int64, in []OverrideInput) (domain.Asset, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Asset{}, err
	}
	p := domain.Problems{}
	ovs := []domain.LevelOverride{}
	for _, o := range in {
		asp := domain.Aspect(o.Aspect)
		field := "overrides." + o.Aspect
		if !slices.Contains(domain.Aspects, asp) {
			p.Add("overrides", "err.aspect")
			continue
		}
		if slices.ContainsFunc(ovs, func(x domain.LevelOverride) bool { return x.Aspect == asp }) {
			p.Add(field, "err.duplicate")
			continue
		}
		if o.Level == nil || *o.Level < 0 || *o.Level > domain.MaxLevel {
			p.Add(field, "err.level")
			continue
		}
		reason := strings.TrimSpace(o.Reason)
		if reason == "" {
			p.Add(field, "err.override_reason")
		}
		domain.ValidateLongText(p, field, reason, false, 2000)
		ovs = append(ovs, domain.LevelOverride{Aspect: asp, Level: *o.Level, Reason: reason})
	}
	var as domain.Asset
	err := a.db.InTx(ctx, func(ctx context.Context) error {
		var err error
		if as, err = a.db.SetLevelOverrides(ctx, c.actor(), mun, id, ovs, func(_ context.Context, as domain.Asset, _ []domain.LevelOverride) error {
			if !a.az.Can(c.P, mun, authz.ObjAsset, authz.Read, target(as.Record)) {
				return domain.NotFound()
			}
			if !a.az.Can(c.P, mun, authz.ObjAsset, authz.Classify, target(as.Record)) {
				return domain.Forbidden()
			}
			if !as.AssetKind.Carrier() {
				return conflictField("kind", "err.override_systems_only")
			}
			return p.Err()
		}); err != nil {
			return err
		}
		return a.planAssetChanged(ctx, c, mun, id, as.Title, store.ReasonAssetClassified) // revision trigger (continuity.go)
	})
	if err != nil {
		return as, err
	}
	one := []domain.Asset{as}
	return one[0], a.requirements(ctx, mun, one)
}

// LevelOverrides returns the overridden levels of a readable asset. Returns ENotFound.
func (a *App) LevelOverrides(ctx context.Context, c Caller, mun, id int64) ([]domain.LevelOverride, error) {
	if _, err := a.record(ctx, c, mun, domain.KindAsset, id); err != nil {
		return nil, err
	}
	return a.db.LevelOverrides(ctx, id)
}

// Classifications returns every classification of a readable information set, newest first
// (levels of different model versions are not comparable: each names its model).
func (a *App) Classifications(ctx context.Context, c Caller, mun, id int64) ([]domain.Classification, error) {
	if _, err := a.record(ctx, c, mun, domain.KindAsset, id); err != nil {
		return nil, err
	}
	return a.db.ListClassifications(ctx, mun, id)
}

// MarkReclassify marks an asset for re-classification with the reason: what a risk analysis
// of the asset (and, later, a procurement) does. In the transaction of ctx when there is one.
// The caller must be able to read the asset and to classify or change it. Returns
// ENotFound, EForbidden, EInvalid (no reason).
func (a *App) MarkReclassify(ctx context.Context, c Caller, mun, id int64, reason string) error {
	r, err := a.record(ctx, c, mun, domain.KindAsset, id)
	if err != nil {
		return err
	}
	if !a.az.Can(c.P, mun, authz.ObjAsset, authz.Classify, target(r)) && !a.az.Can(c.P, mun, authz.ObjAsset, authz.Update, target(r)) {
		return domain.Forbidden()
	}
	p := domain.Problems{}
	domain.ValidateText(p, "reclassify_reason", reason, true, 500)
	if err := p.Err(); err != nil {
		return err
	}
	return a.db.MarkReclassify(ctx, c.actor(), mun, id, strings.TrimSpace(reason))
}

// AssetModel is the municipality's classification model with its requirement rules.
type AssetModel struct {
	Model domain.ClassificationModel `json:"model"`
	Rules []domain.RequirementRule   `json:"rules"`
}

// GetAssetModel returns the classification and requirement model of mun to anyone who may
// read assets there. Returns ENotFound, EForbidden.
func (a *App) GetAssetModel(ctx context.Context, c Caller, mun int64) (AssetModel, error) {
	if err := a.member(c, mun); err != nil {
		return AssetModel{}, err
	}
	if !a.az.CanSome(c.P, mun, authz.ObjAsset, authz.Read) {
		return AssetModel{}, domain.Forbidden()
	}
	m, rules, err := a.db.AssetModel(ctx, mun)
	return AssetModel{Model: m, Rules: rules}, err
}

// AssetModelInput changes the model: its name and five level labels, and (when given) the
// requirement rules.
type AssetModelInput struct {
	Name   *string                   `json:"name"`
	Labels *[]string                 `json:"labels"`
	Rules  *[]domain.RequirementRule `json:"rules"`
}

// SaveAssetModel changes the classification model (a change of name or labels is a new
// version, which new classifications carry) and the requirement rules, which must name
// controls of the municipality's statement of applicability. Returns ENotFound, EForbidden,
// EInvalid.
func (a *App) SaveAssetModel(ctx context.Context, c Caller, mun int64, in AssetModelInput) (AssetModel, error) {
	if err := a.member(c, mun); err != nil {
		return AssetModel{}, err
	}
	if !a.az.Can(c.P, mun, authz.ObjAsset, authz.Configure, nil) {
		return AssetModel{}, domain.Forbidden()
	}
	cur, _, err := a.db.AssetModel(ctx, mun)
	if err != nil {
		return AssetModel{}, err
	}
	m := cur
	if in.Name != nil {
		m.Name = strings.TrimSpace(*in.Name)
	}
	if in.Labels != nil {
		m.Labels = make([]string, len(*in.Labels))
		for i, l := range *in.Labels {
			m.Labels[i] = strings.TrimSpace(l)
		}
	}
	p := domain.Problems{}
	if err := domain.ValidateClassificationModel(m); err != nil {
		for f, k := range domain.AsError(err).Fields {
			p.Add(f, k)
		}
	}
	var rules []domain.RequirementRule
	if in.Rules != nil {
		refs, _, err := a.soaControls(ctx, mun)
		if err != nil {
			return AssetModel{}, err
		}
		known := map[string]bool{}
		for _, r := range refs {
			known[r.Control] = true
		}
		rules = *in.Rules
		if rules == nil {
			rules = []domain.RequirementRule{}
		}
		if err := domain.ValidateRequirementRules(rules, func(id string) bool { return known[id] }); err != nil {
			for f, k := range domain.AsError(err).Fields {
				p.Add(f, k)
			}
		}
	}
	if err := p.Err(); err != nil {
		return AssetModel{}, err
	}
	if m, err = a.db.SaveAssetModel(ctx, c.actor(), mun, m, rules); err != nil {
		return AssetModel{}, err
	}
	_, saved, err := a.db.AssetModel(ctx, mun)
	return AssetModel{Model: m, Rules: saved}, err
}

// AssetImportRow is one row of an imported asset register: its spreadsheet line, the name
// (which finds an existing asset of the municipality to update), the fields the file gives,
// the unit and owner by name, and levels (of an information set: a classification).
type AssetImportRow struct {
	Line      int
	Name      string
	Input     domain.AssetInput
	Unit      *string // the org unit's name
	Owner     *string // the owner's name or username
	Levels    domain.Levels
	Rationale *string
}

// AssetImportResult says what an import did (or, in a dry run, would do) with one row.
type AssetImportResult struct {
	Line   int    `json:"line"`
	Name   string `json:"name"`
	ID     int64  `json:"id"`
	Action string `json:"action"` // create, update, unchanged
}

// MaxAssetImportRows bounds one import.
const MaxAssetImportRows = 5000

// ImportAssets creates the rows' assets that do not exist (by name, case and Å alike) and
// updates those that do, in one transaction: all or nothing. Units are found by name, owners
// by name or username among the municipality's people; levels on an information set that
// differ from its current ones are a classification (the rationale column, or one saying it
// came from an import). Every bad row is reported at once (EInvalid wrapping a *RowsError
// with the lines); with dryRun nothing is stored either way. Returns ENotFound, EForbidden,
// EInvalid.
func (a *App) ImportAssets(ctx context.Context, c Caller, mun int64, rows []AssetImportRow, dryRun bool) ([]AssetImportResult, error) {
	if err := a.member(c, mun); err != nil {
		return nil, err
	}
	if !a.az.CanSome(c.P, mun, authz.ObjAsset, authz.Create) && !a.az.CanSome(c.P, mun, authz.ObjAsset, authz.Update) {
		return nil, domain.Forbidden()
	}
	if len(rows) > MaxAssetImportRows {
		return nil, &domain.Error{Code: domain.EInvalid, Message: "err.xlsx_too_many_rows", Fields: map[string]string{"file": "err.xlsx_too_many_rows"}}
	}
	units, err := a.db.ListOrgUnits(ctx, mun)
	if err != nil {
		return nil, err
	}
	unitByName := map[string]int64{}
	for _, u := range units {
		k := domain.FoldTitle(u.Name)
		if _, dup := unitByName[k]; dup {
			unitByName[k] = -1 // two units of that name: ambiguous
		} else {
			unitByName[k] = u.ID
		}
	}
	people, err := a.db.ListMembers(ctx, mun)
	if err != nil {
		return nil, err
	}
	personByName := map[string]int64{}
	for _, u := range people {
		for _, k := range []string{domain.FoldTitle(u.Name), domain.FoldTitle(u.Username)} {
			if id, dup := personByName[k]; dup && id != u.ID {
				personByName[k] = -1
			} else {
				personByName[k] = u.ID
			}
		}
	}
	names := make([]string, len(rows))
	for i, r := range rows {
		names[i] = domain.FoldTitle(r.Name)
	}
	existing, err := a.db.AssetIDsByName(ctx, mun, a.az.Filter(c.P, mun, authz.ObjAsset, authz.Read), names)
	if err != nil {
		return nil, err
	}
	model, _, err := a.db.AssetModel(ctx, mun)
	if err != nil {
		return nil, err
	}
	out := make([]AssetImportResult, 0, len(rows))
	var bad []RowError
	reject := func(r AssetImportRow, err error) error {
		e := domain.AsError(err)
		if e.Code != domain.EInvalid && e.Code != domain.EForbidden && e.Code != domain.ENotFound && e.Code != domain.EConflict {
			return err
		}
		bad = append(bad, RowError{Row: r.Line, ControlID: r.Name, Message: e.Message, Fields: e.Fields})
		return nil
	}
	// The preview only reads (newAsset, changeAsset and classification check what the writes
	// would): it holds no write lock, however long the file. The import writes every row in one
	// transaction.
	run := func(ctx context.Context) error {
		for _, r := range rows {
			in := r.Input
			p := domain.Problems{}
			if r.Unit != nil && strings.TrimSpace(*r.Unit) != "" {
				switch id := unitByName[domain.FoldTitle(*r.Unit)]; id {
				case 0:
					p.Add("org_unit_id", "err.unknown_unit")
				case -1:
					p.Add("org_unit_id", "err.import_ambiguous")
				default:
					in.OrgUnitID = &id
				}
			}
			if r.Owner != nil {
				if strings.TrimSpace(*r.Owner) == "" {
					var none int64
					in.OwnerID = &none
				} else {
					switch id := personByName[domain.FoldTitle(*r.Owner)]; id {
					case 0:
						p.Add("owner_id", "err.unknown_owner")
					case -1:
						p.Add("owner_id", "err.import_ambiguous")
					default:
						in.OwnerID = &id
					}
				}
			}
			ids := existing[domain.FoldTitle(r.Name)]
			if len(ids) > 1 {
				p.Add("name", "err.import_ambiguous")
			}
			if err := p.Err(); err != nil {
				if err := reject(r, err); err != nil {
					return err
				}
				continue
			}
			res := AssetImportResult{Line: r.Line, Name: r.Name, Action: "create"}
			var as domain.Asset
			var err error
			if len(ids) == 1 {
				res.ID, res.Action = ids[0], "update"
				cur, gerr := a.Asset(ctx, c, mun, ids[0])
				if gerr != nil {
					err = gerr
				} else if in.Kind != nil && domain.AssetKind(*in.Kind) == cur.AssetKind {
					in.Kind = nil
				}
				if err == nil {
					switch {
					case assetUnchanged(cur, in, a.Today()):
						res.Action, as = "unchanged", cur
					case dryRun:
						as = cur
						as.Carries = slices.Clone(cur.Carries)
						err = a.changeAsset(ctx, c, mun, &as, func(domain.Asset) domain.AssetInput { return in })
					default:
						as, err = a.UpdateAsset(ctx, c, mun, ids[0], in)
					}
				}
			} else {
				if dryRun {
					as, err = a.newAsset(ctx, c, mun, in)
				} else {
					as, err = a.CreateAsset(ctx, c, mun, in)
				}
				res.ID = as.ID
			}
			if err == nil && as.AssetKind.Carrier() && r.Levels.Max() >= 0 && !sameLevelsGiven(as.Effective, r.Levels) {
				// A system's levels are inherited (an export carries them): other ones are refused.
				err = &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{"confidentiality": "err.levels_inherited"}}
			}
			if err == nil && as.AssetKind == domain.AssetInformation && r.Levels.Max() >= 0 && !sameClassification(as.Classification, r.Levels) {
				rationale := r.Rationale
				if rationale == nil || strings.TrimSpace(*rationale) == "" {
					text := "Import " + a.Today().String()
					rationale = &text
				}
				in := domain.ClassificationInput{Confidentiality: r.Levels.Confidentiality, Integrity: r.Levels.Integrity,
					Availability: r.Levels.Availability, Traceability: r.Levels.Traceability, Rationale: rationale}
				switch _, verr := domain.ApplyClassification(in, model, a.Today()); {
				case verr != nil:
					err = verr
				case dryRun:
					_, err = a.classification(ctx, c, mun, as, in)
				default:
					_, err = a.ClassifyAsset(ctx, c, mun, as.ID, in)
				}
				if err == nil && res.Action == "unchanged" {
					res.Action = "update"
				}
			}
			if err != nil {
				if err := reject(r, err); err != nil {
					return err
				}
				continue
			}
			out = append(out, res)
		}
		if len(bad) > 0 {
			return rowsError(bad)
		}
		if dryRun {
			return errDryRun
		}
		return nil
	}
	if dryRun {
		err = run(ctx)
	} else {
		err = a.db.InTx(ctx, run)
	}
	if errors.Is(err, errDryRun) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// assetUnchanged reports whether applying in to cur would change nothing a user sees.
func assetUnchanged(cur domain.Asset, in domain.AssetInput, today domain.Date) bool {
	after := cur
	after.Carries = slices.Clone(cur.Carries)
	if domain.ApplyAsset(&after, in, today) != nil {
		return false
	}
	return after.Title == cur.Title && after.AssetKind == cur.AssetKind && after.Description == cur.Description &&
		after.OrgUnitID == cur.OrgUnitID && eqPtr(after.OwnerID, cur.OwnerID) && eqPtr(after.SystemOwnerID, cur.SystemOwnerID) &&
		after.Status == cur.Status && after.ActivityArea == cur.ActivityArea && after.PersonalData == cur.PersonalData &&
		after.SpecialCategories == cur.SpecialCategories && after.Supplier == cur.Supplier &&
		after.CriticalInfrastructure == cur.CriticalInfrastructure && after.NetworkZone == cur.NetworkZone &&
		after.VendorRemoteAccess == cur.VendorRemoteAccess && after.ReviewIntervalMonths == cur.ReviewIntervalMonths &&
		eqPtr(after.NextReviewAt, cur.NextReviewAt) && eqPtr(after.LastReviewedAt, cur.LastReviewedAt)
}

// sameLevelsGiven reports whether every level given in levels is the one in have.
func sameLevelsGiven(have, levels domain.Levels) bool {
	for _, asp := range domain.Aspects {
		if v := levels.Get(asp); v != nil && !eqPtr(have.Get(asp), v) {
			return false
		}
	}
	return true
}

// sameClassification reports whether levels (all four given) are cl's.
func sameClassification(cl *domain.Classification, levels domain.Levels) bool {
	if cl == nil {
		return false
	}
	own := cl.Levels()
	for _, asp := range domain.Aspects {
		if !eqPtr(own.Get(asp), levels.Get(asp)) {
			return false
		}
	}
	return true
}
