package domain

import (
	"testing"
	"time"
)

func TestApplyContinuityPlan(t *testing.T) {
	today := NewDate(2026, 12, 2)
	i := func(n int) *int { return &n }
	s := func(v string) *string { return &v }
	unit := int64(1)
	for _, c := range []struct {
		name  string
		in    ContinuityPlanInput
		field string // "" : valid
	}{
		{"valid", ContinuityPlanInput{Process: s("Hemtjänst"), MTPDHours: i(72), RTOHours: i(24), OrgUnitID: &unit}, ""},
		{"RTO equal to MTPD", ContinuityPlanInput{Process: s("Hemtjänst"), MTPDHours: i(24), RTOHours: i(24), OrgUnitID: &unit}, ""},
		{"RTO over MTPD", ContinuityPlanInput{Process: s("Hemtjänst"), MTPDHours: i(24), RTOHours: i(25), OrgUnitID: &unit}, "rto_hours"},
		{"no process", ContinuityPlanInput{MTPDHours: i(24), RTOHours: i(4), OrgUnitID: &unit}, "process"},
		{"blank process", ContinuityPlanInput{Process: s("  "), MTPDHours: i(24), RTOHours: i(4), OrgUnitID: &unit}, "process"},
		{"no MTPD", ContinuityPlanInput{Process: s("x"), RTOHours: i(4), OrgUnitID: &unit}, "mtpd_hours"},
		{"negative RPO", ContinuityPlanInput{Process: s("x"), MTPDHours: i(4), RTOHours: i(4), RPOHours: i(-1), OrgUnitID: &unit}, "rpo_hours"},
		{"too many hours", ContinuityPlanInput{Process: s("x"), MTPDHours: i(MaxPlanHours + 1), RTOHours: i(4), OrgUnitID: &unit}, "mtpd_hours"},
		{"interval 0", ContinuityPlanInput{Process: s("x"), MTPDHours: i(4), RTOHours: i(4), ExerciseIntervalMonths: i(0), OrgUnitID: &unit}, "exercise_interval_months"},
		{"last exercised by hand", ContinuityPlanInput{Process: s("x"), MTPDHours: i(4), RTOHours: i(4), LastExercisedAt: s("2026-01-01"), OrgUnitID: &unit}, "last_exercised_at"},
		{"contact without name", ContinuityPlanInput{Process: s("x"), MTPDHours: i(4), RTOHours: i(4), Contacts: &[]PlanContact{{Phone: "070"}}, OrgUnitID: &unit}, "contacts"},
		{"asset without id", ContinuityPlanInput{Process: s("x"), MTPDHours: i(4), RTOHours: i(4), Dependencies: &[]PlanDependency{{Kind: DepAsset}}, OrgUnitID: &unit}, "dependencies"},
		{"power without words", ContinuityPlanInput{Process: s("x"), MTPDHours: i(4), RTOHours: i(4), Dependencies: &[]PlanDependency{{Kind: DepPower}}, OrgUnitID: &unit}, "dependencies"},
		{"unknown kind", ContinuityPlanInput{Process: s("x"), MTPDHours: i(4), RTOHours: i(4), Dependencies: &[]PlanDependency{{Kind: "water", Description: "x"}}, OrgUnitID: &unit}, "dependencies"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var p ContinuityPlan
			err := ApplyContinuityPlan(&p, c.in, today)
			if c.field == "" {
				if err != nil {
					t.Fatalf("valid input refused: %v", err)
				}
				if p.Title != "Hemtjänst" || p.ExerciseIntervalMonths != DefaultExerciseMonths || p.NextReviewAt == nil {
					t.Errorf("defaults: %+v", p)
				}
				return
			}
			if e := AsError(err); err == nil || e.Fields[c.field] == "" {
				t.Errorf("want a problem with %s, got %v", c.field, err)
			}
		})
	}
	// Changing the interval moves the next exercise.
	last := NewDate(2026, 1, 31)
	p := ContinuityPlan{Record: Record{ID: 1, Kind: KindContinuityPlan}, ExerciseIntervalMonths: 12, LastExercisedAt: &last, NextExerciseAt: NextExercise(&last, 12), MTPDHours: 4, RTOHours: 4}
	if err := ApplyContinuityPlan(&p, ContinuityPlanInput{ExerciseIntervalMonths: i(1), NextExerciseAt: s("2027-01-31")}, today); err != nil {
		t.Fatal(err) // the stored next date sent back unchanged is no hand edit
	}
	if p.NextExerciseAt.String() != "2026-02-28" {
		t.Errorf("next exercise after changing the interval to 1: %s", p.NextExerciseAt)
	}
}

func TestExerciseState(t *testing.T) {
	today := NewDate(2026, 12, 2)
	d := func(y, m, day int) *Date { x := NewDate(y, time.Month(m), day); return &x }
	for _, c := range []struct {
		last     *Date
		interval int
		next     string
		state    ExerciseState
	}{
		{nil, 12, "", ExerciseNever},
		{d(2025, 12, 2), 12, "2026-12-02", ExerciseOK}, // due today: not yet overdue
		{d(2025, 12, 1), 12, "2026-12-01", ExerciseOverdue},
		{d(2026, 8, 31), 6, "2027-02-28", ExerciseOK}, // end of month clamps
		{d(2024, 2, 29), 24, "2026-02-28", ExerciseOverdue},
	} {
		next := NextExercise(c.last, c.interval)
		got := ""
		if next != nil {
			got = next.String()
		}
		if got != c.next || ExerciseStateOf(c.last, next, today) != c.state {
			t.Errorf("last %v every %d: next %q state %s, want %q %s", c.last, c.interval, got, ExerciseStateOf(c.last, next, today), c.next, c.state)
		}
	}
}

// The availability table: T4 needs an RTO of at most 4 hours, T3 a day, T2 three days, T1 a
// week; T0 and unclassified assets set no limit, and suppliers none at all.
func TestCheckAvailability(t *testing.T) {
	lv := func(n int) *int { return &n }
	id := func(n int64) *int64 { return &n }
	for _, c := range []struct {
		level *int
		rto   int
		warn  bool
	}{
		{lv(4), 4, false}, {lv(4), 5, true}, {lv(3), 24, false}, {lv(3), 25, true}, {lv(2), 72, false}, {lv(2), 73, true},
		{lv(1), 168, false}, {lv(1), 169, true}, {lv(0), 10000, false}, {nil, 10000, false},
	} {
		ws := CheckAvailability(c.rto, []PlanDependency{{Kind: DepAsset, RecordID: id(7), Name: "SCADA", Availability: c.level}, {Kind: DepSupplier, RecordID: id(8), Availability: lv(4)}})
		if (len(ws) == 1) != c.warn || len(ws) > 1 {
			t.Errorf("level %v, RTO %d: warnings %v", c.level, c.rto, ws)
		}
		if c.warn && (ws[0].RecordID != 7 || ws[0].MaxRTOHours != MaxRTOByAvailability[*c.level]) {
			t.Errorf("warning %+v", ws[0])
		}
	}
}

func TestApplyExercise(t *testing.T) {
	today := NewDate(2026, 12, 2)
	s := func(v string) *string { return &v }
	h := func(v float64) *float64 { return &v }
	plan := ContinuityPlan{Record: Record{ID: 5, MunicipalityID: 1, OrgUnitID: 2}, RTOHours: 4}
	var e Exercise
	findings, err := ApplyExercise(&e, plan, ExerciseInput{Type: s("full_scale"), HeldAt: s("2026-12-01"), AchievedRecoveryHours: h(4.5), Findings: []string{" a ", "", "b"}}, today)
	if err != nil || !e.RTOExceeded || len(findings) != 2 || e.PlanID != 5 || e.OrgUnitID != 2 || e.Title != "Övning 2026-12-01" {
		t.Errorf("exercise %+v %v %v", e, findings, err)
	}
	for _, c := range []struct {
		in    ExerciseInput
		field string
	}{
		{ExerciseInput{HeldAt: s("2026-12-01")}, "exercise_type"},
		{ExerciseInput{Type: s("tabletop"), HeldAt: s("2026-12-01")}, "exercise_type"},
		{ExerciseInput{Type: s("seminar"), HeldAt: s("2026-12-03")}, "held_at"},
		{ExerciseInput{Type: s("seminar")}, "held_at"},
		{ExerciseInput{Type: s("seminar"), HeldAt: s("2026-12-01"), AchievedRecoveryHours: h(-1)}, "achieved_recovery_hours"},
	} {
		var e Exercise
		if _, err := ApplyExercise(&e, plan, c.in, today); AsError(err).Fields[c.field] == "" {
			t.Errorf("%+v: want a problem with %s, got %v", c.in, c.field, err)
		}
	}
}
