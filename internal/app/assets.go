package app

import (
	"context"
	"slices"
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
	return as, a.requirements(ctx, mun, as)
}

// requirements sets the requirements of each asset from the municipality's model and the
// SoA statuses of the controls it names (two reads for any number of assets).
func (a *App) requirements(ctx context.Context, mun int64, as []domain.Asset) error {
	if len(as) == 0 {
		return nil
	}
	_, rules, err := a.db.AssetModel(ctx, mun)
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(rules))
	for _, r := range rules {
		if !slices.Contains(ids, r.ControlID) {
			ids = append(ids, r.ControlID)
		}
	}
	soa, err := a.db.SoAStatuses(ctx, mun, ids)
	if err != nil {
		return err
	}
	for i := range as {
		as[i].SyncEffective()
		as[i].Requirements = domain.Requirements(as[i].Effective, rules, soa)
		as[i].SeparateAnalysis = as[i].Effective.Max() >= domain.MaxLevel
	}
	return nil
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
	if err := a.requirements(ctx, mun, one); err != nil {
		return as, err
	}
	return one[0], nil
}

// AssetNeighbours returns what asset id carries and what carries it, as far as the caller may
// read them (an asset of a unit the caller cannot see is left out, not named). Returns ENotFound.
func (a *App) AssetNeighbours(ctx context.Context, c Caller, mun, id int64) (carries, carriedBy []store.AssetRef, err error) {
	if _, err := a.record(ctx, c, mun, domain.KindAsset, id); err != nil {
		return nil, nil, err
	}
	carries, carriedBy, err = a.db.AssetNeighbours(ctx, mun, id)
	if err != nil {
		return nil, nil, err
	}
	hidden := func(r store.AssetRef) bool {
		return !a.az.Can(c.P, mun, authz.ObjAsset, authz.Read, &authz.Target{Kind: domain.KindAsset, OrgUnitID: r.OrgUnitID, Status: r.Status, OwnerID: r.OwnerID})
	}
	return slices.DeleteFunc(carries, hidden), slices.DeleteFunc(carriedBy, hidden), nil
}

// CreateAsset validates and stores a new asset. The owner defaults to the caller. Returns
// ENotFound, EForbidden, EInvalid.
func (a *App) CreateAsset(ctx context.Context, c Caller, mun int64, in domain.AssetInput) (domain.Asset, error) {
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
	if err := a.checkAsset(ctx, c, nil, &as); err != nil {
		return as, err
	}
	if err := a.db.CreateAsset(ctx, c.actor(), &as); err != nil {
		return as, err
	}
	one := []domain.Asset{as}
	return one[0], a.requirements(ctx, mun, one)
}

// UpdateAsset applies the given fields to an asset. Returns ENotFound, EForbidden, EInvalid.
func (a *App) UpdateAsset(ctx context.Context, c Caller, mun, id int64, in domain.AssetInput) (domain.Asset, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Asset{}, err
	}
	as, err := a.db.UpdateAsset(ctx, c.actor(), mun, id, func(ctx context.Context, as *domain.Asset) error {
		if !a.az.Can(c.P, mun, authz.ObjAsset, authz.Read, target(as.Record)) {
			return domain.NotFound()
		}
		if !a.az.Can(c.P, mun, authz.ObjAsset, authz.Update, target(as.Record)) {
			return domain.Forbidden()
		}
		before := *as
		before.Carries = slices.Clone(as.Carries)
		if err := domain.ApplyAsset(as, in, a.Today()); err != nil {
			return err
		}
		return a.checkAsset(ctx, c, &before, as)
	})
	if err != nil {
		return as, err
	}
	one := []domain.Asset{as}
	return one[0], a.requirements(ctx, mun, one)
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
			if !ok || !a.az.Can(c.P, mun, authz.ObjAsset, authz.Read, &authz.Target{Kind: domain.KindAsset, OrgUnitID: r.OrgUnitID, Status: r.Status, OwnerID: r.OwnerID}) {
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
	model, _, err := a.db.AssetModel(ctx, mun)
	if err != nil {
		return domain.Asset{}, err
	}
	as, err := a.db.ClassifyAsset(ctx, c.actor(), mun, id, func(_ context.Context, as *domain.Asset) (domain.Classification, error) {
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
		return domain.ApplyClassification(in, model, a.Today())
	})
	if err != nil {
		return as, err
	}
	one := []domain.Asset{as}
	return one[0], a.requirements(ctx, mun, one)
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
	as, err := a.db.SetLevelOverrides(ctx, c.actor(), mun, id, ovs, func(_ context.Context, as domain.Asset, _ []domain.LevelOverride) error {
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
// Returns ENotFound.
func (a *App) MarkReclassify(ctx context.Context, c Caller, mun, id int64, reason string) error {
	return a.db.MarkReclassify(ctx, c.actor(), mun, id, reason)
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
