package store_test

import (
	"testing"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// A plan stores its lists and dependencies (with the names and the availability level of the
// assets it names), an exercise moves its dates unless it is older than the last one, the
// register filters by exercise state and pages, the revision trigger reaches plans through
// carrying systems, and the database refuses a dependency or exercise across municipalities.
func TestPlanStore(t *testing.T) {
	e := newRiskEnv(t)
	today := domain.DateOf(now)
	set := e.record(e.mun, e.unit, domain.KindAsset, "Journaler")
	sys := e.record(e.mun, e.unit, domain.KindAsset, "Journalsystem")
	raw := e.raw()
	for id, q := range map[int64]string{
		set: `INSERT INTO assets (record_id, asset_kind, activity_area, eff_a) VALUES (?, 'information', 'it', 3)`,
		sys: `INSERT INTO assets (record_id, asset_kind, activity_area, eff_a) VALUES (?, 'system', 'it', 4)`,
	} {
		if _, err := raw.Exec(q, id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := raw.Exec(`INSERT INTO asset_carries (system_id, carried_id) VALUES (?, ?)`, sys, set); err != nil {
		t.Fatal(err)
	}
	plan := func(title string, unit int64, deps ...domain.PlanDependency) domain.ContinuityPlan {
		t.Helper()
		p := domain.ContinuityPlan{Record: domain.Record{MunicipalityID: e.mun}}
		in := domain.ContinuityPlanInput{Title: &title, Process: &title, OrgUnitID: &unit, MTPDHours: ptr(48), RTOHours: ptr(12),
			RecoverySteps: &[]string{"Ett", "Två"}, Contacts: &[]domain.PlanContact{{Name: "Åsa", Phone: "070"}}, Dependencies: &deps}
		if err := domain.ApplyContinuityPlan(&p, in, today); err != nil {
			t.Fatal(err)
		}
		if err := e.s.CreatePlan(e.ctx, actor, &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := plan("Akut plan", e.unit, domain.PlanDependency{Kind: domain.DepAsset, RecordID: &sys}, domain.PlanDependency{Kind: domain.DepPower, Description: "Reservkraft"})
	b := plan("Bra plan", e.unit)
	got, err := e.s.GetPlan(e.ctx, e.mun, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.RecoverySteps) != 2 || got.Contacts[0].Name != "Åsa" || len(got.Dependencies) != 2 || got.Dependencies[0].Name != "Journalsystem" ||
		got.Dependencies[0].Availability == nil || *got.Dependencies[0].Availability != 4 || len(got.Warnings) != 1 || got.ExerciseState != domain.ExerciseNever {
		t.Errorf("stored plan %+v", got)
	}
	if _, err := e.s.GetPlan(e.ctx, e.other, a.ID); code(err) != domain.ENotFound {
		t.Errorf("another municipality's plan: %v", err)
	}
	// Exercises.
	ex := func(p domain.ContinuityPlan, held domain.Date) {
		t.Helper()
		x := domain.Exercise{}
		if _, err := domain.ApplyExercise(&x, p, domain.ExerciseInput{Type: ptr("seminar"), HeldAt: ptr(held.String())}, today); err != nil {
			t.Fatal(err)
		}
		if err := e.s.CreateExercise(e.ctx, actor, &x); err != nil {
			t.Fatal(err)
		}
	}
	ex(b, today.AddMonths(-2))
	ex(b, today.AddMonths(-5)) // recorded late: the dates stand
	if got, _ := e.s.GetPlan(e.ctx, e.mun, b.ID); got.LastExercisedAt.String() != today.AddMonths(-2).String() || got.NextExerciseAt.String() != today.AddMonths(10).String() {
		t.Errorf("after two exercises: %v %v", got.LastExercisedAt, got.NextExerciseAt)
	}
	if es, err := e.s.ListExercises(e.ctx, e.mun, b.ID); err != nil || len(es) != 2 || es[0].HeldAt.After(today.AddMonths(-2)) {
		t.Errorf("exercises %v %v", es, err)
	}
	all := domain.Visibility{All: true}
	for state, want := range map[domain.ExerciseState]string{domain.ExerciseNever: "Akut plan", domain.ExerciseOK: "Bra plan"} {
		l, err := e.s.ListPlans(e.ctx, e.mun, all, store.PlanFilter{Exercise: state})
		if err != nil || len(l) != 1 || l[0].Title != want {
			t.Errorf("%s: %v %v", state, l, err)
		}
	}
	page, err := e.s.ListPlans(e.ctx, e.mun, all, store.PlanFilter{Limit: 1})
	if err != nil || len(page) != 1 || page[0].Title != "Akut plan" {
		t.Fatalf("first page %v %v", page, err)
	}
	page, _ = e.s.ListPlans(e.ctx, e.mun, all, store.PlanFilter{Limit: 1, After: &domain.Cursor{Key: domain.FoldTitle(page[0].Title), ID: page[0].ID}})
	if len(page) != 1 || page[0].Title != "Bra plan" {
		t.Errorf("second page %v", page)
	}
	if never, overdue, err := e.s.PlanExerciseCounts(e.ctx, e.mun, all, today); err != nil || never != 1 || overdue != 0 {
		t.Errorf("counts %d %d %v", never, overdue, err)
	}
	if never, _, _ := e.s.PlanExerciseCounts(e.ctx, e.mun, all, today.AddMonths(11)); never != 1 {
		t.Errorf("never %d", never)
	}
	if _, overdue, _ := e.s.PlanExerciseCounts(e.ctx, e.mun, all, today.AddMonths(11)); overdue != 1 {
		t.Errorf("overdue in 11 months: %d", overdue)
	}
	// Revision trigger: a change of the set reaches plan a through the system carrying it.
	if err := e.s.MarkPlansForReview(e.ctx, actor, e.mun, nil, []int64{set}, store.ReasonAssetClassified, "Journaler"); err != nil {
		t.Fatal(err)
	}
	ga, _ := e.s.GetPlan(e.ctx, e.mun, a.ID)
	gb, _ := e.s.GetPlan(e.ctx, e.mun, b.ID)
	if ga.ReviewReason != store.ReasonAssetClassified || ga.ReviewSubject != "Journaler" || ga.NextReviewAt.String() != today.String() || gb.ReviewReason != "" {
		t.Errorf("after the set changed: a %q %v, b %q", ga.ReviewReason, ga.NextReviewAt, gb.ReviewReason)
	}
	// The database refuses a dependency on, or an exercise of, another municipality's record.
	foreign := e.record(e.other, e.otherUnit, domain.KindAsset, "Annans")
	if _, err := raw.Exec(`INSERT INTO continuity_dependencies (plan_id, position, dep_kind, record_id) VALUES (?, 9, 'asset', ?)`, a.ID, foreign); err == nil {
		t.Error("a dependency across municipalities was stored")
	}
	otherEx := e.record(e.other, e.otherUnit, domain.KindExercise, "Annans övning")
	if _, err := raw.Exec(`INSERT INTO exercises (record_id, plan_id, exercise_type, held_at, rto_hours) VALUES (?, ?, 'seminar', '2026-01-01', 1)`, otherEx, a.ID); err == nil {
		t.Error("an exercise of another municipality's plan was stored")
	}
}
