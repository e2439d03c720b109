package app

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// Risk analysis (issue 9): the matrix, risk analyses, risks, treatment actions, acceptance of
// residual risk, the heat map and the management's decisions. Analyses, risks and actions
// share the authorization object risk; their core (owner, unit, reviews, evidence, comments,
// history, reminders) is the tracked-record core's.

// ---- The matrix ----

// RiskMatrix returns mun's risk matrix (the default until the coordinator sets one). Returns
// ENotFound, EForbidden.
func (a *App) RiskMatrix(ctx context.Context, c Caller, mun int64) (domain.RiskMatrix, error) {
	if err := a.require(c, mun, authz.ObjRiskMatrix, authz.Read); err != nil {
		return domain.RiskMatrix{}, err
	}
	return a.matrix(ctx, mun)
}

// matrix is mun's risk matrix for reading it (a register, a risk's page, the heat map, the
// dashboard): shared as countCache says (renewed at this process's next write, at most 10 s
// old for another instance's), each reader getting its own copy. A write reads the matrix in
// its transaction instead (db.GetRiskMatrix), where it must be the current one.
func (a *App) matrix(ctx context.Context, mun int64) (domain.RiskMatrix, error) {
	m, err := getShared(a, "matrix/"+strconv.FormatInt(mun, 10), func() (domain.RiskMatrix, error) { return a.db.GetRiskMatrix(ctx, mun) })
	return m.Clone(), err
}

// UpdateRiskMatrix changes mun's matrix (coordinators): a change that is stored becomes the
// next version and voids every acceptance; a change that would leave risks with values beyond
// a smaller scale is refused (EConflict naming size) unless in.Mapping says where the old
// values go. With dryRun nothing is stored and the answer says what would change. Returns
// ENotFound, EForbidden, EInvalid, EConflict.
func (a *App) UpdateRiskMatrix(ctx context.Context, c Caller, mun int64, in domain.RiskMatrixInput, dryRun bool) (store.MatrixChange, error) {
	if err := a.require(c, mun, authz.ObjRiskMatrix, authz.Write); err != nil {
		return store.MatrixChange{}, err
	}
	return a.db.UpdateRiskMatrix(ctx, c.actor(), mun, dryRun, func(cur domain.RiskMatrix, use domain.MatrixUse) (domain.RiskMatrix, *domain.ScaleMapping, bool, error) {
		next := cur
		next.LikelihoodLabels, next.ConsequenceLabels = slices.Clone(cur.LikelihoodLabels), slices.Clone(cur.ConsequenceLabels)
		next.Thresholds, next.AcceptanceTiers = slices.Clone(cur.Thresholds), slices.Clone(cur.AcceptanceTiers)
		changed, err := domain.ApplyRiskMatrix(&next, in)
		if err != nil {
			return next, nil, false, err
		}
		if err := domain.CheckMatrixChange(cur, next, use, in.Mapping); err != nil {
			return next, nil, false, err
		}
		return next, in.Mapping, changed, nil
	})
}

// ---- Risk analyses ----

// riskScope is which risk records the caller may read in mun. Returns ENotFound (not a
// member), EForbidden (none).
func (a *App) riskScope(c Caller, mun int64) (domain.Visibility, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Visibility{}, err
	}
	v := a.az.Filter(c.P, mun, authz.ObjRisk, authz.Read)
	if v.None() {
		return v, domain.Forbidden()
	}
	return v, nil
}

// RiskAnalyses lists mun's risk analyses the caller may read. Returns ENotFound, EForbidden.
func (a *App) RiskAnalyses(ctx context.Context, c Caller, mun int64, f store.RiskAnalysisFilter) ([]domain.RiskAnalysis, error) {
	v, err := a.riskScope(c, mun)
	if err != nil {
		return nil, err
	}
	return a.db.ListRiskAnalyses(ctx, mun, v, f)
}

// RiskAnalysis returns one risk analysis the caller may read. Returns ENotFound.
func (a *App) RiskAnalysis(ctx context.Context, c Caller, mun, id int64) (domain.RiskAnalysis, error) {
	if err := a.member(c, mun); err != nil {
		return domain.RiskAnalysis{}, err
	}
	an, err := a.db.GetRiskAnalysis(ctx, mun, id)
	if err != nil {
		return an, err
	}
	if !a.az.Can(c.P, mun, authz.ObjRisk, authz.Read, target(an.Record)) {
		return domain.RiskAnalysis{}, domain.NotFound()
	}
	return an, nil
}

// CreateRiskAnalysis validates and stores a new risk analysis (owner: the caller unless
// given). Returns ENotFound, EForbidden, EInvalid.
func (a *App) CreateRiskAnalysis(ctx context.Context, c Caller, mun int64, in domain.RiskAnalysisInput) (domain.RiskAnalysis, error) {
	return a.saveRiskAnalysis(ctx, c, mun, 0, in)
}

// UpdateRiskAnalysis applies the given fields to a risk analysis. Returns ENotFound,
// EForbidden, EInvalid.
func (a *App) UpdateRiskAnalysis(ctx context.Context, c Caller, mun, id int64, in domain.RiskAnalysisInput) (domain.RiskAnalysis, error) {
	return a.saveRiskAnalysis(ctx, c, mun, id, in)
}

func (a *App) saveRiskAnalysis(ctx context.Context, c Caller, mun, id int64, in domain.RiskAnalysisInput) (domain.RiskAnalysis, error) {
	if err := a.member(c, mun); err != nil {
		return domain.RiskAnalysis{}, err
	}
	if id == 0 && !a.az.CanSome(c.P, mun, authz.ObjRisk, authz.Create) {
		return domain.RiskAnalysis{}, domain.Forbidden()
	}
	return a.db.SaveRiskAnalysis(ctx, c.actor(), mun, id, func(ctx context.Context, an *domain.RiskAnalysis) error {
		var before *domain.RiskAnalysis
		if id != 0 {
			if err := a.mayChange(c, an.Record); err != nil {
				return err
			}
			b := *an
			before = &b
		}
		if err := domain.ApplyRiskAnalysis(an, in, a.Today()); err != nil {
			return err
		}
		if before == nil && an.OwnerID == nil {
			an.OwnerID = &c.P.User.ID
		}
		p := domain.Problems{}
		if err := a.checkRiskCore(ctx, c, coreOf(before, func(b *domain.RiskAnalysis) *domain.Record { return &b.Record }), &an.Record, p); err != nil {
			return err
		}
		if an.AssetID != nil && (before == nil || !eqPtr(before.AssetID, an.AssetID)) {
			if err := a.checkAssets(ctx, c, mun, p, "asset_id", []int64{*an.AssetID}); err != nil {
				return err
			}
		}
		return p.Err()
	}, func(ctx context.Context, an domain.RiskAnalysis) error {
		return a.riskAnalysisSaved(ctx, c, an)
	})
}

// riskAnalysisSaved runs in the transaction that stored a risk analysis: an analysis of an
// information asset marks the asset for re-classification, with a reason naming the analysis
// (what it found may change what the asset's information is worth). Saving the analysis
// again with nothing new for the asset does not mark it twice. It is the analysis's effect,
// done with the right to analyse, so it needs no right to classify.
func (a *App) riskAnalysisSaved(ctx context.Context, c Caller, an domain.RiskAnalysis) error {
	if an.ObjectType != domain.ObjectAsset || an.AssetID == nil {
		return nil
	}
	reason := "Riskanalys ”" + an.Title + "”"
	if an.AnalysedAt != nil {
		reason += " " + an.AnalysedAt.String()
	}
	cur, err := a.db.GetAsset(ctx, an.MunicipalityID, *an.AssetID)
	if err != nil {
		return err
	}
	if cur.ReclassifyReason == reason {
		return nil
	}
	return a.db.MarkReclassify(ctx, c.actor(), an.MunicipalityID, *an.AssetID, reason)
}

// coreOf is the record core of before, nil for a new record.
func coreOf[T any](before *T, core func(*T) *domain.Record) *domain.Record {
	if before == nil {
		return nil
	}
	return core(before)
}

// mayChange refuses a change of a record one may not read (ENotFound) or not update
// (EForbidden), before its input is looked at.
func (a *App) mayChange(c Caller, r domain.Record) error {
	if !a.az.Can(c.P, r.MunicipalityID, authz.ObjRisk, authz.Read, target(r)) {
		return domain.NotFound()
	}
	if !a.az.Can(c.P, r.MunicipalityID, authz.ObjRisk, authz.Update, target(r)) {
		return domain.Forbidden()
	}
	return nil
}

// checkRiskCore is the core's rules for a change of a risk record from before (nil: new) to r.
func (a *App) checkRiskCore(ctx context.Context, c Caller, before, r *domain.Record, p domain.Problems) error {
	if err := a.mayWriteCore(c, before, r); err != nil {
		return err
	}
	return a.checkCoreRefs(ctx, c, before, r, p, "", nil)
}

// checkAssets adds err.unknown_asset under field unless every one of added is an asset of
// mun the caller may read (one they may not read is, to them, one that does not exist).
func (a *App) checkAssets(ctx context.Context, c Caller, mun int64, p domain.Problems, field string, added []int64) error {
	if len(added) == 0 {
		return nil
	}
	refs, err := a.db.AssetRefs(ctx, mun, added)
	if err != nil {
		return err
	}
	for _, id := range added {
		if r, ok := refs[id]; !ok || !a.az.Can(c.P, mun, authz.ObjAsset, authz.Read, assetTarget(r)) {
			p.Add(field, "err.unknown_asset") // an asset one may not read is one that does not exist
			return nil
		}
	}
	return nil
}

// ---- Risks ----

// RiskQuery is the risk register's filter: the store's, plus levels (before and after
// treatment) that the matrix turns into score ranges.
type RiskQuery struct {
	store.RiskFilter
	Level         domain.RiskLevel
	ResidualLevel domain.RiskLevel
}

// Risks returns one page of mun's risk register that the caller may read, rated on the
// matrix, and the matrix. Returns ENotFound, EForbidden, EInvalid (a level the matrix lacks).
func (a *App) Risks(ctx context.Context, c Caller, mun int64, q RiskQuery) ([]domain.Risk, domain.RiskMatrix, error) {
	v, err := a.riskScope(c, mun)
	if err != nil {
		return nil, domain.RiskMatrix{}, err
	}
	m, err := a.matrix(ctx, mun)
	if err != nil {
		return nil, m, err
	}
	f := q.RiskFilter
	p := domain.Problems{}
	for _, lv := range []struct {
		field    string
		level    domain.RiskLevel
		min, max *int
	}{{"level", q.Level, &f.ScoreMin, &f.ScoreMax}, {"residual_level", q.ResidualLevel, &f.ResidualMin, &f.ResidualMax}} {
		if lv.level == "" {
			continue
		}
		lo, hi, ok := m.ScoreRange(lv.level)
		if !ok {
			p.Add(lv.field, "err.enum")
			continue
		}
		*lv.min = max(*lv.min, lo)
		if *lv.max == 0 || *lv.max > hi {
			*lv.max = hi
		}
	}
	if err := p.Err(); err != nil {
		return nil, m, err
	}
	rs, err := a.db.ListRisks(ctx, mun, v, f)
	for i := range rs {
		a.rateRisk(&rs[i], m)
	}
	return rs, m, err
}

// rateRisk sets the levels and whether the acceptance holds today.
func (a *App) rateRisk(r *domain.Risk, m domain.RiskMatrix) {
	r.Rate(m)
	if r.Acceptance != nil {
		r.Acceptance.Valid = r.Acceptance.ValidOn(a.Today())
	}
}

// Risk returns one risk the caller may read, rated on the matrix, and the matrix. Returns
// ENotFound.
func (a *App) Risk(ctx context.Context, c Caller, mun, id int64) (domain.Risk, domain.RiskMatrix, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Risk{}, domain.RiskMatrix{}, err
	}
	r, err := a.db.GetRisk(ctx, mun, id)
	if err != nil {
		return r, domain.RiskMatrix{}, err
	}
	if !a.az.Can(c.P, mun, authz.ObjRisk, authz.Read, target(r.Record)) {
		return domain.Risk{}, domain.RiskMatrix{}, domain.NotFound()
	}
	m, err := a.matrix(ctx, mun)
	a.rateRisk(&r, m)
	return r, m, err
}

// RiskAcceptances returns the acceptance decisions of a readable risk, newest first.
// Returns ENotFound.
func (a *App) RiskAcceptances(ctx context.Context, c Caller, mun, id int64) ([]domain.RiskAcceptance, error) {
	if _, err := a.record(ctx, c, mun, domain.KindRisk, id); err != nil {
		return nil, err
	}
	accs, err := a.db.ListAcceptances(ctx, mun, id)
	for i := range accs {
		accs[i].Valid = accs[i].ValidOn(a.Today())
	}
	return accs, err
}

// CreateRisk validates and stores a new risk on the municipality's matrix (owner: the caller
// unless given; org unit: its analysis's unless given). Returns ENotFound, EForbidden, EInvalid.
func (a *App) CreateRisk(ctx context.Context, c Caller, mun int64, in domain.RiskInput) (domain.Risk, error) {
	return a.saveRisk(ctx, c, mun, 0, in)
}

// UpdateRisk applies the given fields to a risk. A change that voids its acceptance (a higher
// residual score, a linked control removed) voids it and notifies its maker. Returns
// ENotFound, EForbidden, EInvalid.
func (a *App) UpdateRisk(ctx context.Context, c Caller, mun, id int64, in domain.RiskInput) (domain.Risk, error) {
	return a.saveRisk(ctx, c, mun, id, in)
}

func (a *App) saveRisk(ctx context.Context, c Caller, mun, id int64, in domain.RiskInput) (domain.Risk, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Risk{}, err
	}
	if id == 0 && !a.az.CanSome(c.P, mun, authz.ObjRisk, authz.Create) {
		return domain.Risk{}, domain.Forbidden()
	}
	var m domain.RiskMatrix
	r, err := a.db.SaveRisk(ctx, c.actor(), mun, id, func(ctx context.Context, r *domain.Risk) error {
		var before *domain.Risk
		if id != 0 {
			if err := a.mayChange(c, r.Record); err != nil {
				return err
			}
			b := *r
			before = &b
		}
		var err error
		if m, err = a.db.GetRiskMatrix(ctx, mun); err != nil {
			return err
		}
		p := domain.Problems{}
		var analysis *domain.Record
		if in.AnalysisID != nil && *in.AnalysisID > 0 && (before == nil || !eqPtr(before.AnalysisID, in.AnalysisID)) {
			an, err := a.db.GetRecord(ctx, mun, domain.KindRiskAnalysis, *in.AnalysisID)
			switch {
			case domain.ErrorCode(err) == domain.ENotFound || err == nil && !a.az.Can(c.P, mun, authz.ObjRisk, authz.Read, target(an)):
				p.Add("analysis_id", "err.unknown_analysis")
			case err != nil:
				return err
			default:
				analysis = &an
			}
		}
		if before == nil && in.OrgUnitID == nil && analysis != nil {
			in.OrgUnitID = &analysis.OrgUnitID // a risk of an analysis is in its unit unless said otherwise
		}
		if err := domain.ApplyRisk(r, in, m, a.Today()); err != nil {
			for f, k := range domain.AsError(err).Fields {
				p.Add(f, k)
			}
		}
		if before == nil && r.OwnerID == nil {
			r.OwnerID = &c.P.User.ID
		}
		if len(p) > 0 && (p["org_unit_id"] != "" || p["title"] != "") {
			return p.Err() // the core is not there to check further
		}
		if err := a.checkRiskCore(ctx, c, coreOf(before, func(b *domain.Risk) *domain.Record { return &b.Record }), &r.Record, p); err != nil {
			return err
		}
		var added []int64
		for _, id := range r.AssetIDs {
			if before == nil || !slices.Contains(before.AssetIDs, id) {
				added = append(added, id)
			}
		}
		if err := a.checkAssets(ctx, c, mun, p, "asset_ids", added); err != nil {
			return err
		}
		if in.ControlIDs != nil {
			ctls, err := a.db.ControlsByRef(ctx, mun, r.ControlIDs)
			if err != nil {
				return err
			}
			r.Controls = []domain.RiskControl{}
			for _, ref := range r.ControlIDs {
				ctl, ok := ctls[ref]
				if !ok {
					p.Add("control_ids", "err.unknown_control")
					continue
				}
				r.Controls = append(r.Controls, ctl)
			}
		}
		return p.Err()
	})
	a.rateRisk(&r, m)
	return r, err
}

// DeleteRisk removes a risk with its treatment actions (coordinators). Returns ENotFound,
// EForbidden.
func (a *App) DeleteRisk(ctx context.Context, c Caller, mun, id int64) error {
	if err := a.member(c, mun); err != nil {
		return err
	}
	return a.db.DeleteRisk(ctx, c.actor(), mun, id, func(_ context.Context, r domain.Risk) error {
		if !a.az.Can(c.P, mun, authz.ObjRisk, authz.Read, target(r.Record)) {
			return domain.NotFound()
		}
		if !a.az.Can(c.P, mun, authz.ObjRisk, authz.Delete, target(r.Record)) {
			return domain.Forbidden()
		}
		return nil
	})
}

// AcceptRisk records the caller's decision to accept a risk's residual risk. Who may decide
// follows the residual level and the municipality's tiers (authz.CanAccept): anyone else gets
// EForbidden, whatever they send. The decision supersedes an earlier one, makes its
// valid-until the risk's next review, and is audited with a snapshot of the risk as accepted.
// Returns ENotFound, EForbidden, EInvalid.
func (a *App) AcceptRisk(ctx context.Context, c Caller, mun, id int64, in domain.AcceptanceInput) (domain.Risk, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Risk{}, err
	}
	var m domain.RiskMatrix
	r, err := a.db.AcceptRisk(ctx, c.actor(), mun, id, func(_ context.Context, r domain.Risk, mx domain.RiskMatrix) (domain.RiskAcceptance, error) {
		m = mx
		t := target(r.Record)
		if !a.az.Can(c.P, mun, authz.ObjRisk, authz.Read, t) {
			return domain.RiskAcceptance{}, domain.NotFound()
		}
		if !a.az.Can(c.P, mun, authz.ObjRisk, authz.Accept, t) {
			return domain.RiskAcceptance{}, domain.Forbidden()
		}
		role, ok := a.az.CanAccept(c.P, mun, t, mx.AcceptanceTiers, r.ResidualLevel)
		if !ok {
			return domain.RiskAcceptance{}, forbiddenField("residual_level", "err.accept_tier")
		}
		if domain.IsClosed(domain.KindRisk, r.Status) {
			return domain.RiskAcceptance{}, &domain.Error{Code: domain.EConflict, Message: "err.risk_closed", Fields: map[string]string{"status": "err.risk_closed"}}
		}
		why, until, err := domain.ApplyAcceptance(in, a.Today())
		if err != nil {
			return domain.RiskAcceptance{}, err
		}
		uid := c.P.User.ID
		return domain.RiskAcceptance{AcceptedBy: &uid, AcceptedByName: c.P.User.Name, Role: role, Justification: why, ValidUntil: until}, nil
	})
	a.rateRisk(&r, m)
	return r, err
}

// CanAcceptRisk reports whether the caller may accept risk r now (the risk page offers the
// form only then).
func (a *App) CanAcceptRisk(c Caller, r domain.Risk, m domain.RiskMatrix) bool {
	if c.P == nil || domain.IsClosed(domain.KindRisk, r.Status) {
		return false
	}
	_, ok := a.az.CanAccept(c.P, r.MunicipalityID, target(r.Record), m.AcceptanceTiers, m.Level(r.ResidualScore))
	return ok
}

// reassessRiskAcceptances voids, in the transaction of ctx, the acceptances of risks whose
// linked controls rows lowered in status (called by the statement of applicability's
// updates).
func (a *App) reassessRiskAcceptances(ctx context.Context, c Caller, mun int64, rows []domain.ControlImpl) error {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	_, err := a.db.ReassessAcceptances(ctx, c.actor(), mun, ids)
	return err
}

// ---- Treatment actions ----

// RiskActions returns the treatment actions of a readable risk that the caller may read.
// Returns ENotFound.
func (a *App) RiskActions(ctx context.Context, c Caller, mun, risk int64) ([]domain.RiskAction, error) {
	if _, err := a.record(ctx, c, mun, domain.KindRisk, risk); err != nil {
		return nil, err
	}
	return a.db.ListRiskActions(ctx, mun, a.az.Filter(c.P, mun, authz.ObjRisk, authz.Read), risk)
}

// Actions returns the treatment actions of a readable record that actions hang on (a risk,
// an incident, an exercise) that the caller may read. Returns ENotFound.
func (a *App) Actions(ctx context.Context, c Caller, mun, parent int64) ([]domain.RiskAction, error) {
	r, err := a.AnyRecord(ctx, c, mun, parent)
	if err != nil {
		return nil, err
	}
	if spec, _ := domain.SpecOf(r.Kind); !spec.ActionParent {
		return nil, domain.NotFound()
	}
	return a.db.ListRiskActions(ctx, mun, a.az.Filter(c.P, mun, authz.ObjRisk, authz.Read), parent)
}

// RiskAction returns one treatment action the caller may read. Returns ENotFound.
func (a *App) RiskAction(ctx context.Context, c Caller, mun, id int64) (domain.RiskAction, error) {
	if err := a.member(c, mun); err != nil {
		return domain.RiskAction{}, err
	}
	ac, err := a.db.GetRiskAction(ctx, mun, id)
	if err != nil {
		return ac, err
	}
	if !a.az.Can(c.P, mun, authz.ObjRisk, authz.Read, target(ac.Record)) {
		return domain.RiskAction{}, domain.NotFound()
	}
	return ac, nil
}

// CreateRiskAction adds a treatment action to a readable record that actions may hang on (a
// risk, an incident, an exercise: domain.KindSpec.ActionParent), in the parent's org unit and
// owned by the parent's owner (or, for one who may not assign owners, the caller) unless
// given. The caller must be allowed to update the parent. Returns ENotFound, EForbidden,
// EInvalid.
func (a *App) CreateRiskAction(ctx context.Context, c Caller, mun, parent int64, in domain.RiskActionInput) (domain.RiskAction, error) {
	r, err := a.AnyRecord(ctx, c, mun, parent)
	if err != nil {
		return domain.RiskAction{}, err
	}
	if spec, _ := domain.SpecOf(r.Kind); !spec.ActionParent {
		return domain.RiskAction{}, domain.NotFound()
	}
	if !a.az.Can(c.P, mun, authz.ObjectOf(r.Kind), authz.Update, target(r)) {
		return domain.RiskAction{}, domain.Forbidden()
	}
	return a.saveRiskAction(ctx, c, mun, 0, r, in)
}

// UpdateRiskAction applies the given fields to a treatment action (done, cancelled: it is no
// longer reminded). Returns ENotFound, EForbidden, EInvalid.
func (a *App) UpdateRiskAction(ctx context.Context, c Caller, mun, id int64, in domain.RiskActionInput) (domain.RiskAction, error) {
	if err := a.member(c, mun); err != nil {
		return domain.RiskAction{}, err
	}
	return a.saveRiskAction(ctx, c, mun, id, domain.Record{}, in)
}

func (a *App) saveRiskAction(ctx context.Context, c Caller, mun, id int64, risk domain.Record, in domain.RiskActionInput) (domain.RiskAction, error) {
	return a.db.SaveRiskAction(ctx, c.actor(), mun, id, func(ctx context.Context, ac *domain.RiskAction) error {
		var before *domain.RiskAction
		if id != 0 {
			if err := a.mayChange(c, ac.Record); err != nil {
				return err
			}
			b := *ac
			before = &b
		} else {
			ac.RiskID = risk.ID
			if in.OrgUnitID == nil {
				in.OrgUnitID = &risk.OrgUnitID
			}
			// The parent's owner answers for its actions, unless the caller may not hand them
			// to someone else: then the caller does.
			if in.OwnerID == nil && risk.OwnerID != nil && (*risk.OwnerID == c.P.User.ID || a.az.Can(c.P, mun, authz.ObjRisk, authz.AssignOwner, target(risk))) {
				in.OwnerID = risk.OwnerID
			}
			if in.OwnerID == nil {
				in.OwnerID = &c.P.User.ID
			}
		}
		if err := domain.ApplyRiskAction(ac, in, a.Today()); err != nil {
			return err
		}
		p := domain.Problems{}
		if err := a.checkRiskCore(ctx, c, coreOf(before, func(b *domain.RiskAction) *domain.Record { return &b.Record }), &ac.Record, p); err != nil {
			return err
		}
		return p.Err()
	})
}

// ---- Heat map and decisions ----

// HeatMap is a heat map of a municipality's (or one org unit's) open risks.
type HeatMap struct {
	Matrix    domain.RiskMatrix `json:"-"`
	Residual  bool              `json:"residual"`
	OrgUnitID int64             `json:"org_unit_id,omitempty"`
	Size      int               `json:"size"`
	Version   int               `json:"matrix_version"`
	Total     int               `json:"total"`
	Cells     []domain.HeatCell `json:"cells"`
}

// RiskHeatMap counts the open risks the caller may read by likelihood and consequence, before
// treatment or (residual) after, of one org unit (0: all). Returns ENotFound, EForbidden,
// EInvalid (a unit of another municipality).
func (a *App) RiskHeatMap(ctx context.Context, c Caller, mun int64, residual bool, unit int64) (HeatMap, error) {
	v, err := a.riskScope(c, mun)
	if err != nil {
		return HeatMap{}, err
	}
	if unit != 0 {
		if ok, err := a.db.UnitsExist(ctx, mun, []int64{unit}); err != nil {
			return HeatMap{}, err
		} else if !ok {
			return HeatMap{}, &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{"org_unit_id": "err.unknown_unit"}}
		}
	}
	m, err := a.matrix(ctx, mun)
	if err != nil {
		return HeatMap{}, err
	}
	// Counting a large municipality's open risks takes tens of milliseconds (kommun-L: 30,000,
	// 33 ms): those who see them all share the counts as countCache says.
	count := func() ([]store.RiskCell, error) { return a.db.RiskHeat(ctx, mun, v, residual, unit) }
	var rows []store.RiskCell
	if v.All {
		rows, err = getShared(a, fmt.Sprint("heat/", mun, "/", residual, "/", unit), count)
	} else {
		rows, err = count()
	}
	if err != nil {
		return HeatMap{}, err
	}
	counts := map[[2]int]int{}
	total := 0
	for _, r := range rows {
		counts[[2]int{r.Likelihood, r.Consequence}] += r.N
		total += r.N
	}
	return HeatMap{Matrix: m, Residual: residual, OrgUnitID: unit, Size: m.Size, Version: m.Version, Total: total, Cells: domain.HeatMap(m, counts)}, nil
}

// Decisions is what waits for one who accepts residual risks: the risks that need their
// decision (within their tier) and the acceptances that run out within 30 days.
type Decisions struct {
	Tier     domain.RiskLevel
	Waiting  []domain.Risk
	Expiring []store.ExpiringAcceptance
	More     bool // more waiting than listed
}

// RiskDecisions returns the caller's decisions in mun, limit of each (nothing for those who
// accept nothing). Returns ENotFound.
func (a *App) RiskDecisions(ctx context.Context, c Caller, mun int64, limit int) (Decisions, error) {
	if err := a.member(c, mun); err != nil {
		return Decisions{}, err
	}
	m, err := a.matrix(ctx, mun)
	if err != nil {
		return Decisions{}, err
	}
	var d Decisions
	if d.Tier = a.az.AcceptTier(c.P, mun, m.AcceptanceTiers); d.Tier == "" {
		return d, nil
	}
	maxScore := 0
	for _, lv := range m.Levels() {
		if _, hi, ok := m.ScoreRange(lv); ok && lv.Rank() <= d.Tier.Rank() {
			maxScore = max(maxScore, hi)
		}
	}
	today := a.Today()
	q := store.DecisionQuery{MunicipalityID: mun, Visible: a.az.Filter(c.P, mun, authz.ObjRisk, authz.Accept), Today: today,
		FromScore: m.NeedsDecisionFrom(), MaxScore: maxScore, Limit: limit + 1}
	// Finding them walks every open risk (kommun-L: 60 ms): those who may accept any of them
	// share the list as countCache says (a decision, like every write, renews it).
	wait := func() ([]domain.Risk, error) { return a.db.RisksAwaitingDecision(ctx, q) }
	var waiting []domain.Risk
	if q.Visible.All {
		waiting, err = getShared(a, fmt.Sprint("decisions/", mun, "/", today, "/", q.FromScore, "/", q.MaxScore, "/", q.Limit), wait)
	} else {
		waiting, err = wait()
	}
	if err != nil {
		return d, err
	}
	d.Waiting = slices.Clone(waiting) // rated below: the shared list stays as read
	if d.More = len(d.Waiting) > limit; d.More {
		d.Waiting = d.Waiting[:limit]
	}
	for i := range d.Waiting {
		a.rateRisk(&d.Waiting[i], m)
	}
	q.Limit = limit
	d.Expiring, err = a.db.ExpiringAcceptances(ctx, q, today.AddDays(domain.DueSoonDays))
	return d, err
}

// ExportRisks streams the risk register (filtered as q) that the caller may read to page, by
// title, a page of the register (500 risks) at a time, at most store.MaxExportRows. Returns
// ENotFound, EForbidden, EInvalid.
func (a *App) ExportRisks(ctx context.Context, c Caller, mun int64, q RiskQuery, page func([]domain.Risk, domain.RiskMatrix) error) error {
	q.After, q.Limit = nil, 500
	for n := 0; n < store.MaxExportRows; {
		rs, m, err := a.Risks(ctx, c, mun, q)
		if err != nil {
			return err
		}
		if err := page(rs, m); err != nil {
			return err
		}
		n += len(rs)
		if len(rs) < q.Limit {
			return nil
		}
		last := rs[len(rs)-1]
		q.After = &domain.Cursor{Key: domain.FoldTitle(last.Title), ID: last.ID}
	}
	return nil
}

// RiskTitles returns the titles of those of ids that are records of kind (risks, analyses)
// of mun the caller may read. Returns ENotFound.
func (a *App) RiskTitles(ctx context.Context, c Caller, mun int64, kind domain.Kind, ids []int64) (map[int64]string, error) {
	if err := a.member(c, mun); err != nil {
		return nil, err
	}
	v := a.az.Filter(c.P, mun, authz.ObjRisk, authz.Read)
	if v.None() {
		return map[int64]string{}, nil
	}
	return a.db.RiskTitles(ctx, mun, kind, v, ids)
}

// AssetNames returns the names of those of ids that are assets of mun the caller may read
// (under the asset kind's own permissions, which the assets branch adds to the policy).
// Returns ENotFound.
func (a *App) AssetNames(ctx context.Context, c Caller, mun int64, ids []int64) (map[int64]string, error) {
	if err := a.member(c, mun); err != nil {
		return nil, err
	}
	v := a.az.Filter(c.P, mun, authz.ObjectOf(domain.RiskAssetKind), authz.Read)
	if v.None() {
		return map[int64]string{}, nil
	}
	return a.db.RiskTitles(ctx, mun, domain.RiskAssetKind, v, ids)
}

// RiskChoices returns the first limit records of kind (risk_analysis, or the asset kind) of
// mun the caller may read, by title: the pickers of the risk forms. Returns ENotFound.
func (a *App) RiskChoices(ctx context.Context, c Caller, mun int64, kind domain.Kind, query string, ids []int64, limit int) ([]store.RecordChoice, error) {
	if err := a.member(c, mun); err != nil {
		return nil, err
	}
	v := a.az.Filter(c.P, mun, authz.ObjectOf(kind), authz.Read)
	if v.None() {
		return []store.RecordChoice{}, nil
	}
	return a.db.RecordChoices(ctx, mun, kind, v, query, ids, limit)
}
