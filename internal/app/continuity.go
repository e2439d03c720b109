package app

import (
	"context"
	"fmt"
	"slices"

	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// Continuity plans for critical processes and their exercises (issue 10).

// Plans lists one page of the plans of mun the caller may read. Returns ENotFound,
// EForbidden.
func (a *App) Plans(ctx context.Context, c Caller, mun int64, f store.PlanFilter) ([]domain.ContinuityPlan, error) {
	if err := a.member(c, mun); err != nil {
		return nil, err
	}
	v := a.az.Filter(c.P, mun, authz.ObjContinuity, authz.Read)
	if v.None() {
		return nil, domain.Forbidden()
	}
	return a.db.ListPlans(ctx, mun, v, f)
}

// Plan returns one plan the caller may read, with its dependencies and warnings. Returns
// ENotFound.
func (a *App) Plan(ctx context.Context, c Caller, mun, id int64) (domain.ContinuityPlan, error) {
	if err := a.member(c, mun); err != nil {
		return domain.ContinuityPlan{}, err
	}
	p, err := a.db.GetPlan(ctx, mun, id)
	if err != nil {
		return p, err
	}
	if !a.az.Can(c.P, mun, authz.ObjContinuity, authz.Read, target(p.Record)) {
		return domain.ContinuityPlan{}, domain.NotFound()
	}
	return p, nil
}

// PlanExerciseCounts counts the open plans the caller may read that were never exercised and
// whose exercise is overdue (the dashboard). Zero counts for one who may read no plans.
func (a *App) PlanExerciseCounts(ctx context.Context, c Caller, mun int64) (never, overdue int, err error) {
	if err := a.member(c, mun); err != nil {
		return 0, 0, err
	}
	v := a.az.Filter(c.P, mun, authz.ObjContinuity, authz.Read)
	if v.None() {
		return 0, 0, nil
	}
	if !v.All {
		return a.db.PlanExerciseCounts(ctx, mun, v, a.Today())
	}
	// Every dashboard view of those who read every plan counted them again (kommun-L's 1,000
	// plans: a quarter of the coordinator's dashboard): they share the counts as countCache says.
	today := a.Today()
	counts, err := getShared(a, fmt.Sprint("plans/", mun, "/", today), func() ([2]int, error) {
		never, overdue, err := a.db.PlanExerciseCounts(ctx, mun, v, today)
		return [2]int{never, overdue}, err
	})
	return counts[0], counts[1], err
}

// CreatePlan validates and stores a new plan; the owner defaults to the caller. Returns
// ENotFound, EForbidden, EInvalid (rto_hours above mtpd_hours, a dependency that is not an
// asset or supplier of the municipality the caller may read, ...).
func (a *App) CreatePlan(ctx context.Context, c Caller, mun int64, in domain.ContinuityPlanInput) (domain.ContinuityPlan, error) {
	if err := a.member(c, mun); err != nil {
		return domain.ContinuityPlan{}, err
	}
	if !a.az.CanSome(c.P, mun, authz.ObjContinuity, authz.Create) {
		return domain.ContinuityPlan{}, domain.Forbidden()
	}
	p := domain.ContinuityPlan{Record: domain.Record{MunicipalityID: mun}}
	if err := domain.ApplyContinuityPlan(&p, in, a.Today()); err != nil {
		return p, err
	}
	if p.OwnerID == nil {
		p.OwnerID = &c.P.User.ID
	}
	err := a.db.InTx(ctx, func(ctx context.Context) error {
		if err := a.checkPlan(ctx, c, nil, &p); err != nil {
			return err
		}
		return a.db.CreatePlan(ctx, c.actor(), &p)
	})
	if err != nil {
		return p, err
	}
	return a.db.GetPlan(ctx, mun, p.ID)
}

// UpdatePlan applies the given fields to a plan. The exercise dates follow from exercises:
// given other than they are, they are refused (EInvalid naming the field). Returns ENotFound,
// EForbidden, EInvalid.
func (a *App) UpdatePlan(ctx context.Context, c Caller, mun, id int64, in domain.ContinuityPlanInput) (domain.ContinuityPlan, error) {
	if err := a.member(c, mun); err != nil {
		return domain.ContinuityPlan{}, err
	}
	return a.db.UpdatePlan(ctx, c.actor(), mun, id, func(ctx context.Context, p *domain.ContinuityPlan) error {
		if !a.az.Can(c.P, mun, authz.ObjContinuity, authz.Read, target(p.Record)) {
			return domain.NotFound()
		}
		if !a.az.Can(c.P, mun, authz.ObjContinuity, authz.Update, target(p.Record)) {
			return domain.Forbidden()
		}
		before := *p
		before.Dependencies = slices.Clone(p.Dependencies)
		if err := domain.ApplyContinuityPlan(p, in, a.Today()); err != nil {
			return err
		}
		return a.checkPlan(ctx, c, &before, p)
	})
}

// checkPlan decides whether the caller may make the change, and checks what only the
// database knows: the unit, the owner, and that every dependency newly named is a record of
// its kind in the municipality that the caller may read.
func (a *App) checkPlan(ctx context.Context, c Caller, before, p *domain.ContinuityPlan) error {
	var beforeCore *domain.Record
	if before != nil {
		beforeCore = &before.Record
	}
	if err := a.mayWriteCore(c, beforeCore, &p.Record); err != nil {
		return err
	}
	pr := domain.Problems{}
	if err := a.checkCoreRefs(ctx, c, beforeCore, &p.Record, pr, "", nil); err != nil {
		return err
	}
	had := map[int64]bool{}
	if before != nil {
		for _, d := range before.Dependencies {
			if d.RecordID != nil {
				had[*d.RecordID] = true
			}
		}
	}
	for _, d := range p.Dependencies {
		kind, rec := d.Kind.Record()
		if !rec || had[*d.RecordID] {
			continue
		}
		r, err := a.db.GetRecordAnyKind(ctx, p.MunicipalityID, *d.RecordID)
		if domain.ErrorCode(err) == domain.ENotFound || err == nil && (r.Kind != kind || !a.az.Can(c.P, p.MunicipalityID, authz.ObjectOf(kind), authz.Read, target(r))) {
			pr.Add("dependencies", "err.unknown_dependency")
			break
		} else if err != nil {
			return err
		}
	}
	return pr.Err()
}

// PlanExercises returns the exercises of a readable plan, newest first, each with the
// treatment actions its findings became (those the caller may read). Returns ENotFound.
func (a *App) PlanExercises(ctx context.Context, c Caller, mun, plan int64) ([]domain.Exercise, error) {
	if _, err := a.record(ctx, c, mun, domain.KindContinuityPlan, plan); err != nil {
		return nil, err
	}
	es, err := a.db.ListExercises(ctx, mun, plan)
	if err != nil {
		return nil, err
	}
	v := a.az.Filter(c.P, mun, authz.ObjectOf(domain.KindRiskAction), authz.Read)
	if v.None() {
		return es, nil
	}
	for i := range es {
		if es[i].Findings, err = a.db.ListRiskActions(ctx, mun, v, es[i].ID); err != nil {
			return nil, err
		}
	}
	return es, nil
}

// Exercise returns one exercise of a plan the caller may read, with its findings' actions.
// Returns ENotFound.
func (a *App) Exercise(ctx context.Context, c Caller, mun, id int64) (domain.Exercise, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Exercise{}, err
	}
	e, err := a.db.GetExercise(ctx, mun, id)
	if err != nil {
		return e, err
	}
	if !a.az.Can(c.P, mun, authz.ObjContinuity, authz.Read, target(e.Record)) {
		return domain.Exercise{}, domain.NotFound()
	}
	if v := a.az.Filter(c.P, mun, authz.ObjectOf(domain.KindRiskAction), authz.Read); !v.None() {
		e.Findings, err = a.db.ListRiskActions(ctx, mun, v, e.ID)
	}
	return e, err
}

// FindingDueMonths is how long a finding's treatment action has unless changed later.
const FindingDueMonths = 3

// CreateExercise records an exercise of a plan the caller may update: the plan's last
// exercised and next exercise dates follow, and each finding becomes a treatment action of
// the exercise (owned by the plan's owner, due in FindingDueMonths), all in one transaction.
// Returns ENotFound, EForbidden, EInvalid, EConflict (a retired plan).
func (a *App) CreateExercise(ctx context.Context, c Caller, mun, plan int64, in domain.ExerciseInput) (domain.Exercise, error) {
	var e domain.Exercise
	err := a.db.InTx(ctx, func(ctx context.Context) error {
		p, err := a.Plan(ctx, c, mun, plan)
		if err != nil {
			return err
		}
		if !a.az.Can(c.P, mun, authz.ObjContinuity, authz.Update, target(p.Record)) {
			return domain.Forbidden()
		}
		if p.Status == domain.PlanRetired {
			return conflictField("status", "err.plan_retired")
		}
		findings, err := domain.ApplyExercise(&e, p, in, a.Today())
		if err != nil {
			return err
		}
		if err := a.db.CreateExercise(ctx, c.actor(), &e); err != nil {
			return err
		}
		due := a.Today().AddMonths(FindingDueMonths).String()
		for _, f := range findings {
			title := f
			ac, err := a.CreateRiskAction(ctx, c, mun, e.ID, domain.RiskActionInput{Title: &title, DueAt: &due})
			if err != nil {
				if de := domain.AsError(err); de.Code == domain.EInvalid {
					return &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{"findings": "err.finding"}}
				}
				return err
			}
			e.Findings = append(e.Findings, ac)
		}
		return nil
	})
	e.Derive()
	return e, err
}

// PlanUnitChanged is the revision trigger of the org code: after unit before became after
// (renamed, moved under another parent), the plans of the unit are due for review with the
// reason. In the transaction of ctx. Nothing changed that plans name: no statement.
func (a *App) planUnitChanged(ctx context.Context, c Caller, before, after domain.OrgUnit) error {
	reason := ""
	switch {
	case before.Name != after.Name:
		reason = store.ReasonUnitRenamed
	case !eqPtr(before.ParentID, after.ParentID):
		reason = store.ReasonUnitMoved
	default:
		return nil
	}
	subject := after.Name
	if before.Name != after.Name {
		subject = before.Name + " → " + after.Name
	}
	return a.db.MarkPlansForReview(ctx, c.actor(), after.MunicipalityID, []int64{after.ID}, nil, reason, subject)
}

// planAssetChanged is the revision trigger of the asset code: after asset id (named name) was
// changed or classified (reason), the plans depending on it — or on a system carrying it —
// are due for review. In the transaction of ctx.
func (a *App) planAssetChanged(ctx context.Context, c Caller, mun, id int64, name, reason string) error {
	return a.db.MarkPlansForReview(ctx, c.actor(), mun, nil, []int64{id}, reason, name)
}
