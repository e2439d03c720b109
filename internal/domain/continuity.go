package domain

import (
	"strings"
	"time"
)

// Continuity plans (kontinuitetsplaner) for critical processes and their exercises (issue 10).

// KindContinuityPlan is a continuity plan for one critical process; KindExercise one exercise
// of a plan (its parent), whose findings become treatment actions.
const (
	KindContinuityPlan Kind = "continuity_plan"
	KindExercise       Kind = "exercise"
)

// The plan statuses: draft, active (in force), retired (no more reviews or exercises).
const (
	PlanDraft   = "draft"
	PlanActive  = "active"
	PlanRetired = "retired"
)

// PlanStatuses lists the valid statuses; the first is a new plan's.
var PlanStatuses = []string{PlanDraft, PlanActive, PlanRetired}

// ExerciseHeld is an exercise's one status: it was held (exercises are records of what
// happened; their follow-up is their findings' actions).
const ExerciseHeld = "held"

// DefaultExerciseMonths is a plan's exercise interval unless given; MaxPlanHours bounds the
// hours a plan names (ten years).
const (
	DefaultExerciseMonths = 12
	MaxExerciseMonths     = 120
	MaxPlanHours          = 87600
)

func init() {
	RegisterKind(KindSpec{Kind: KindContinuityPlan, Table: "continuity_plans", Section: "continuity-plans", Object: "continuity",
		Statuses: PlanStatuses, Closed: []string{PlanRetired}, Label: "kind.continuity_plan", Nav: "nav.continuity_plans", NavOrder: 70,
		APIName: "ContinuityPlan", StatusLabels: "planstatus.",
		ExportColumns: []ExportColumn{
			{Column: "process", Header: "field.process", Type: ExportText},
			{Column: "mtpd_hours", Header: "field.mtpd_hours", Type: ExportText},
			{Column: "rto_hours", Header: "field.rto_hours", Type: ExportText},
			{Column: "rpo_hours", Header: "field.rpo_hours", Type: ExportText},
			{Column: "exercise_interval_months", Header: "field.exercise_interval_months", Type: ExportText},
			{Column: "last_exercised_at", Header: "field.last_exercised_at", Type: ExportDate},
			{Column: "next_exercise_at", Header: "field.next_exercise_at", Type: ExportDate},
		}})
	RegisterKind(KindSpec{Kind: KindExercise, Table: "exercises", Section: "exercises", Object: "continuity",
		Statuses: []string{ExerciseHeld}, Closed: []string{ExerciseHeld}, Label: "kind.exercise", ActionParent: true,
		APIName: "Exercise", StatusLabels: "exercisestatus.",
		ExportColumns: []ExportColumn{
			{Column: "exercise_type", Header: "field.exercise_type", Type: ExportEnum, Labels: "exercisetype."},
			{Column: "held_at", Header: "field.held_at", Type: ExportDate},
			{Column: "outcome", Header: "field.outcome", Type: ExportText},
		}})
}

// DependencyKind is what a plan depends on: a record (an asset, a supplier) or something
// described in words.
type DependencyKind string

// The dependency kinds.
const (
	DepAsset          DependencyKind = "asset"
	DepSupplier       DependencyKind = "supplier"
	DepPremises       DependencyKind = "premises"
	DepStaff          DependencyKind = "staff"
	DepPower          DependencyKind = "power"
	DepCommunications DependencyKind = "communications"
	DepOther          DependencyKind = "other"
)

// DependencyKinds lists the dependency kinds in display order.
var DependencyKinds = []DependencyKind{DepAsset, DepSupplier, DepPremises, DepStaff, DepPower, DepCommunications, DepOther}

// Record reports whether dependencies of kind k name a record (of the kind returned).
func (k DependencyKind) Record() (Kind, bool) {
	switch k {
	case DepAsset:
		return KindAsset, true
	case DepSupplier:
		return KindSupplier, true
	}
	return "", false
}

// PlanDependency is one dependency of a plan. Name and Availability are read from the record
// named (an asset's effective tillgänglighet level), never given.
type PlanDependency struct {
	Kind         DependencyKind `db:"dep_kind" json:"kind"`
	RecordID     *int64         `db:"record_id" json:"record_id,omitempty"`
	Description  string         `db:"description" json:"description"`
	Name         string         `db:"name" json:"name,omitempty"`
	Availability *int           `db:"availability" json:"availability,omitempty"`
	PlanID       int64          `db:"plan_id" json:"-"`
}

// PlanContact is one row of a plan's contact list.
type PlanContact struct {
	Name  string `json:"name"`
	Role  string `json:"role"`
	Phone string `json:"phone"`
	Email string `json:"email"`
}

// ContinuityPlan is a continuity plan: the Record core (its title is the plan's name) and the
// critical process, its recovery objectives, dependencies, procedures and exercise dates.
type ContinuityPlan struct {
	Record
	Process                string           `db:"process" json:"process"`
	MTPDHours              int              `db:"mtpd_hours" json:"mtpd_hours"`
	RTOHours               int              `db:"rto_hours" json:"rto_hours"`
	RPOHours               int              `db:"rpo_hours" json:"rpo_hours"`
	MinServiceLevel        string           `db:"min_service_level" json:"min_service_level"`
	AlternativeProcedures  string           `db:"alternative_procedures" json:"alternative_procedures"`
	RecoverySteps          []string         `db:"-" json:"recovery_steps"`
	Contacts               []PlanContact    `db:"-" json:"contacts"`
	Dependencies           []PlanDependency `db:"-" json:"dependencies"`
	ExerciseIntervalMonths int              `db:"exercise_interval_months" json:"exercise_interval_months"`
	LastExercisedAt        *Date            `db:"last_exercised_at" json:"last_exercised_at"`
	NextExerciseAt         *Date            `db:"next_exercise_at" json:"next_exercise_at"`
	// ExerciseState is never, overdue or ok (on the day read).
	ExerciseState ExerciseState `db:"-" json:"exercise_state"`
	// ReviewReason, when set, says why the plan must be reviewed (a revision trigger: its unit
	// or an asset it depends on changed), ReviewSubject what changed, since ReviewReasonAt;
	// a review of the plan after that time answers it.
	ReviewReason   string     `db:"review_reason" json:"review_reason"`
	ReviewSubject  string     `db:"review_subject" json:"review_subject"`
	ReviewReasonAt *time.Time `db:"review_reason_at" json:"review_reason_at"`
	// Warnings are the plan's recovery objectives that its dependencies' classification does
	// not allow.
	Warnings []PlanWarning `db:"-" json:"warnings"`
	// StepsJSON and ContactsJSON are how the lists are stored.
	StepsJSON    string `db:"recovery_steps" json:"-"`
	ContactsJSON string `db:"contacts" json:"-"`
}

// ExerciseState says where a plan stands against its exercise interval.
type ExerciseState string

// The exercise states.
const (
	ExerciseNever   ExerciseState = "never"
	ExerciseOverdue ExerciseState = "overdue"
	ExerciseOK      ExerciseState = "ok"
)

// ExerciseStates lists the states (the register's filter).
var ExerciseStates = []ExerciseState{ExerciseNever, ExerciseOverdue, ExerciseOK}

// ExerciseStateOf is the state of a plan last exercised on last (nil: never) and due next.
func ExerciseStateOf(last, next *Date, today Date) ExerciseState {
	switch {
	case last == nil:
		return ExerciseNever
	case next != nil && next.Before(today):
		return ExerciseOverdue
	}
	return ExerciseOK
}

// NextExercise is when a plan last exercised on last is due again (nil: never exercised, and
// so due now: the state says "never").
func NextExercise(last *Date, intervalMonths int) *Date {
	if last == nil {
		return nil
	}
	n := last.AddMonths(intervalMonths)
	return &n
}

// MaxRTOByAvailability is the longest recovery time objective, in hours, that an asset's
// availability (tillgänglighet) level allows a plan depending on it: a level-4 system
// ("synnerligen allvarlig" harm from an outage) must be back within 4 hours, level 3 within a
// day, level 2 within three days, level 1 within a week; level 0 sets no limit. The figures
// follow the usual reading of KLASSA's availability levels; a municipality that reads them
// otherwise changes this table.
var MaxRTOByAvailability = map[int]int{4: 4, 3: 24, 2: 72, 1: 168}

// PlanWarning is one objective of a plan that a dependency does not allow.
type PlanWarning struct {
	Kind        string `json:"kind"` // "availability"
	RecordID    int64  `json:"record_id"`
	Name        string `json:"name"`
	Level       int    `json:"level"`
	MaxRTOHours int    `json:"max_rto_hours"`
	RTOHours    int    `json:"rto_hours"`
}

// CheckAvailability returns a warning for every asset dependency whose availability level
// allows a shorter RTO than the plan's.
func CheckAvailability(rto int, deps []PlanDependency) []PlanWarning {
	out := []PlanWarning{}
	for _, d := range deps {
		if d.Kind != DepAsset || d.Availability == nil || d.RecordID == nil {
			continue
		}
		limit, ok := MaxRTOByAvailability[*d.Availability]
		if ok && rto > limit {
			out = append(out, PlanWarning{Kind: "availability", RecordID: *d.RecordID, Name: d.Name, Level: *d.Availability, MaxRTOHours: limit, RTOHours: rto})
		}
	}
	return out
}

// Derive sets the plan's computed fields for day today: the exercise state and the warnings.
func (p *ContinuityPlan) Derive(today Date) {
	p.ExerciseState = ExerciseStateOf(p.LastExercisedAt, p.NextExerciseAt, today)
	if p.Dependencies == nil {
		p.Dependencies = []PlanDependency{}
	}
	if p.RecoverySteps == nil {
		p.RecoverySteps = []string{}
	}
	if p.Contacts == nil {
		p.Contacts = []PlanContact{}
	}
	p.Warnings = CheckAvailability(p.RTOHours, p.Dependencies)
}

// ContinuityPlanInput creates or changes a plan; nil fields are not given.
type ContinuityPlanInput struct {
	Title                  *string           `json:"title"`
	Process                *string           `json:"process"`
	MTPDHours              *int              `json:"mtpd_hours"`
	RTOHours               *int              `json:"rto_hours"`
	RPOHours               *int              `json:"rpo_hours"`
	MinServiceLevel        *string           `json:"min_service_level"`
	AlternativeProcedures  *string           `json:"alternative_procedures"`
	RecoverySteps          *[]string         `json:"recovery_steps"`
	Contacts               *[]PlanContact    `json:"contacts"`
	Dependencies           *[]PlanDependency `json:"dependencies"`
	ExerciseIntervalMonths *int              `json:"exercise_interval_months"`
	OrgUnitID              *int64            `json:"org_unit_id"`
	OwnerID                *int64            `json:"owner_id"`
	Status                 *string           `json:"status"`
	ReviewIntervalMonths   *int              `json:"review_interval_months"`
	NextReviewAt           *string           `json:"next_review_at"`
	// Computed from exercises: refused when given (a deadline is not edited by hand).
	LastExercisedAt *string `json:"last_exercised_at"`
	NextExerciseAt  *string `json:"next_exercise_at"`
}

// Core is the input's share of the record core.
func (in ContinuityPlanInput) Core() RecordInput {
	return RecordInput{Title: in.Title, OrgUnitID: in.OrgUnitID, OwnerID: in.OwnerID, Status: in.Status,
		ReviewIntervalMonths: in.ReviewIntervalMonths, NextReviewAt: in.NextReviewAt}
}

// Limits of a plan's lists.
const (
	MaxPlanSteps    = 100
	MaxPlanContacts = 200
	MaxPlanDeps     = 200
)

// ApplyContinuityPlan applies in to p (a new plan when p.ID == 0) and validates it: the core
// through ApplyRecord (the title defaults to the process), the process, hours 0–MaxPlanHours
// with the RTO at most the MTPD (else "rto_hours" is named), the lists, the exercise interval.
// Record dependencies are checked against the database by the caller. Returns EInvalid naming
// every field in error.
func ApplyContinuityPlan(p *ContinuityPlan, in ContinuityPlanInput, today Date) error {
	pr := Problems{}
	isNew := p.ID == 0
	if isNew {
		p.Kind = KindContinuityPlan
		if p.ExerciseIntervalMonths == 0 {
			p.ExerciseIntervalMonths = DefaultExerciseMonths
		}
	}
	if in.Process != nil {
		ValidateText(pr, "process", *in.Process, true, 200)
		p.Process = strings.TrimSpace(*in.Process)
	} else if isNew {
		pr.Add("process", "err.required")
	}
	if isNew && in.Title == nil && in.Process != nil {
		in.Title = in.Process
	}
	ApplyRecord(pr, &p.Record, in.Core(), today)
	if t, ok := pr["title"]; ok && in.Title == in.Process {
		delete(pr, "title")
		pr.Add("process", t)
	}
	hours := func(field string, v *int, to *int, required bool) {
		if v == nil {
			if required && isNew {
				pr.Add(field, "err.required")
			}
			return
		}
		if *v < 0 || *v > MaxPlanHours {
			pr.Add(field, "err.hours")
		}
		*to = *v
	}
	hours("mtpd_hours", in.MTPDHours, &p.MTPDHours, true)
	hours("rto_hours", in.RTOHours, &p.RTOHours, true)
	hours("rpo_hours", in.RPOHours, &p.RPOHours, false)
	if pr["mtpd_hours"] == "" && pr["rto_hours"] == "" && p.RTOHours > p.MTPDHours {
		pr.Add("rto_hours", "err.rto_over_mtpd")
	}
	if in.MinServiceLevel != nil {
		ValidateLongText(pr, "min_service_level", *in.MinServiceLevel, false, 4000)
		p.MinServiceLevel = strings.TrimSpace(*in.MinServiceLevel)
	}
	if in.AlternativeProcedures != nil {
		ValidateLongText(pr, "alternative_procedures", *in.AlternativeProcedures, false, 20000)
		p.AlternativeProcedures = strings.TrimSpace(*in.AlternativeProcedures)
	}
	if in.RecoverySteps != nil {
		steps := []string{}
		for _, s := range *in.RecoverySteps {
			if strings.TrimSpace(s) == "" {
				continue
			}
			ValidateLongText(pr, "recovery_steps", s, false, 2000)
			steps = append(steps, strings.TrimSpace(s))
		}
		if len(steps) > MaxPlanSteps {
			pr.Add("recovery_steps", "err.too_many")
		}
		p.RecoverySteps = steps
	}
	if in.Contacts != nil {
		cs := []PlanContact{}
		for _, c := range *in.Contacts {
			c = PlanContact{Name: strings.TrimSpace(c.Name), Role: strings.TrimSpace(c.Role), Phone: strings.TrimSpace(c.Phone), Email: strings.TrimSpace(c.Email)}
			if c == (PlanContact{}) {
				continue
			}
			if c.Name == "" {
				pr.Add("contacts", "err.contact_name")
			}
			for _, v := range []string{c.Name, c.Role, c.Phone, c.Email} {
				ValidateText(pr, "contacts", v, false, 200)
			}
			cs = append(cs, c)
		}
		if len(cs) > MaxPlanContacts {
			pr.Add("contacts", "err.too_many")
		}
		p.Contacts = cs
	}
	if in.Dependencies != nil {
		ds := []PlanDependency{}
		seen := map[int64]bool{}
		for _, d := range *in.Dependencies {
			k := DependencyKind(NormalizeEnum(string(d.Kind)))
			if !oneOf(k, DependencyKinds) {
				pr.Add("dependencies", "err.dependency_kind")
				continue
			}
			dep := PlanDependency{Kind: k, Description: strings.TrimSpace(d.Description)}
			ValidateText(pr, "dependencies", d.Description, false, 500)
			if _, rec := k.Record(); rec {
				if d.RecordID == nil || *d.RecordID <= 0 {
					pr.Add("dependencies", "err.dependency_record")
					continue
				}
				if seen[*d.RecordID] {
					continue
				}
				seen[*d.RecordID] = true
				id := *d.RecordID
				dep.RecordID = &id
			} else if dep.Description == "" {
				pr.Add("dependencies", "err.dependency_description")
				continue
			}
			ds = append(ds, dep)
		}
		if len(ds) > MaxPlanDeps {
			pr.Add("dependencies", "err.too_many")
		}
		p.Dependencies = ds
	}
	// The exercise dates as stored may be sent back; anything else is a hand edit.
	if in.LastExercisedAt != nil && !sameDateText(p.LastExercisedAt, *in.LastExercisedAt) {
		pr.Add("last_exercised_at", "err.computed")
	}
	if in.NextExerciseAt != nil && !sameDateText(p.NextExerciseAt, *in.NextExerciseAt) {
		pr.Add("next_exercise_at", "err.computed")
	}
	if in.ExerciseIntervalMonths != nil {
		n := *in.ExerciseIntervalMonths
		if n < 1 || n > MaxExerciseMonths {
			pr.Add("exercise_interval_months", "err.exercise_interval")
		} else if n != p.ExerciseIntervalMonths {
			p.ExerciseIntervalMonths = n
			p.NextExerciseAt = NextExercise(p.LastExercisedAt, n)
		}
	}
	return pr.Err()
}

// sameDateText reports whether s (as sent back by a client that read the plan) is d.
func sameDateText(d *Date, s string) bool {
	s = strings.TrimSpace(s)
	if d == nil {
		return s == ""
	}
	return s == d.String()
}

// ExerciseType is the form of an exercise.
type ExerciseType string

// The exercise types (seminarieövning, simuleringsövning, funktionsövning, fullskaleövning).
const (
	ExerciseSeminar    ExerciseType = "seminar"
	ExerciseSimulation ExerciseType = "simulation"
	ExerciseFunctional ExerciseType = "functional"
	ExerciseFullScale  ExerciseType = "full_scale"
)

// ExerciseTypes lists the exercise types in display order.
var ExerciseTypes = []ExerciseType{ExerciseSeminar, ExerciseSimulation, ExerciseFunctional, ExerciseFullScale}

// Exercise is one exercise of a plan: the Record core (in the plan's unit) and what was
// exercised and found.
type Exercise struct {
	Record
	PlanID                int64        `db:"plan_id" json:"plan_id"`
	Type                  ExerciseType `db:"exercise_type" json:"exercise_type"`
	HeldAt                Date         `db:"held_at" json:"held_at"`
	Participants          string       `db:"participants" json:"participants"`
	Scenario              string       `db:"scenario" json:"scenario"`
	AchievedRecoveryHours *float64     `db:"achieved_recovery_hours" json:"achieved_recovery_hours"`
	Outcome               string       `db:"outcome" json:"outcome"`
	// RTOHours is the plan's RTO when the exercise was recorded; RTOExceeded whether the
	// achieved recovery time was longer.
	RTOHours    int  `db:"rto_hours" json:"rto_hours"`
	RTOExceeded bool `db:"-" json:"rto_exceeded"`
	// Findings are the treatment actions the findings became (read), or the findings to
	// record (input).
	Findings []RiskAction `db:"-" json:"findings"`
}

// Derive sets the exercise's computed fields.
func (e *Exercise) Derive() {
	e.RTOExceeded = e.AchievedRecoveryHours != nil && *e.AchievedRecoveryHours > float64(e.RTOHours)
	if e.Findings == nil {
		e.Findings = []RiskAction{}
	}
}

// ExerciseInput records an exercise; each finding becomes a treatment action.
type ExerciseInput struct {
	Title                 *string  `json:"title"`
	Type                  *string  `json:"exercise_type"`
	HeldAt                *string  `json:"held_at"`
	Participants          *string  `json:"participants"`
	Scenario              *string  `json:"scenario"`
	AchievedRecoveryHours *float64 `json:"achieved_recovery_hours"`
	Outcome               *string  `json:"outcome"`
	Findings              []string `json:"findings"`
}

// MaxFindings bounds the findings one exercise records.
const MaxFindings = 50

// ApplyExercise validates a new exercise of plan (on day today: an exercise is not recorded
// before it is held) and returns the findings' texts. Returns EInvalid naming every field.
func ApplyExercise(e *Exercise, plan ContinuityPlan, in ExerciseInput, today Date) ([]string, error) {
	p := Problems{}
	e.Kind, e.MunicipalityID, e.PlanID, e.RTOHours = KindExercise, plan.MunicipalityID, plan.ID, plan.RTOHours
	e.OrgUnitID, e.OwnerID, e.Status = plan.OrgUnitID, plan.OwnerID, ExerciseHeld
	if in.Type == nil || !oneOf(ExerciseType(NormalizeEnum(*in.Type)), ExerciseTypes) {
		if in.Type == nil || strings.TrimSpace(*in.Type) == "" {
			p.Add("exercise_type", "err.required")
		} else {
			p.Add("exercise_type", "err.enum")
		}
	} else {
		e.Type = ExerciseType(NormalizeEnum(*in.Type))
	}
	if in.HeldAt == nil || strings.TrimSpace(*in.HeldAt) == "" {
		p.Add("held_at", "err.required")
	} else if d, err := ParseDate(strings.TrimSpace(*in.HeldAt)); err != nil {
		p.Add("held_at", "err.date")
	} else if d.After(today) {
		p.Add("held_at", "err.date_future")
	} else {
		e.HeldAt = d
	}
	text := func(field string, v *string, to *string, max int) {
		if v != nil {
			ValidateLongText(p, field, *v, false, max)
			*to = strings.TrimSpace(*v)
		}
	}
	text("participants", in.Participants, &e.Participants, 4000)
	text("scenario", in.Scenario, &e.Scenario, 10000)
	text("outcome", in.Outcome, &e.Outcome, 10000)
	if h := in.AchievedRecoveryHours; h != nil {
		if *h < 0 || *h > MaxPlanHours || *h != *h {
			p.Add("achieved_recovery_hours", "err.hours")
		} else {
			v := *h
			e.AchievedRecoveryHours = &v
		}
	}
	var findings []string
	for _, f := range in.Findings {
		if strings.TrimSpace(f) == "" {
			continue
		}
		ValidateText(p, "findings", f, false, 200)
		findings = append(findings, strings.TrimSpace(f))
	}
	if len(findings) > MaxFindings {
		p.Add("findings", "err.too_many")
	}
	title := ""
	if in.Title != nil {
		title = strings.TrimSpace(*in.Title)
		ValidateText(p, "title", title, false, 200)
	}
	if title == "" {
		title = "Övning " + e.HeldAt.String()
	}
	e.Title = title
	e.ReviewIntervalMonths = DefaultReviewMonths
	e.Derive()
	return findings, p.Err()
}
