package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/lisa-isms/lisa/internal/audit"
	"github.com/lisa-isms/lisa/internal/domain"
)

// Continuity plans and their exercises (issue 10).

// planColumns are a plan's own columns on continuity_plans k. A revision reason is current
// until a review of the plan after it (reviews v): then it is answered and reads as none.
const planColumns = `k.process, k.mtpd_hours, k.rto_hours, k.rpo_hours, k.min_service_level, k.alternative_procedures,
	k.recovery_steps, k.contacts, k.exercise_interval_months, k.last_exercised_at, k.next_exercise_at,
	CASE WHEN k.review_reason_at IS NULL OR EXISTS (SELECT 1 FROM reviews v WHERE v.record_id = r.id AND v.created_at >= k.review_reason_at) THEN '' ELSE k.review_reason END AS review_reason,
	k.review_subject, k.review_reason_at`

const planSelect = `SELECT ` + recordColumns + `, ` + planColumns + ` FROM records r JOIN continuity_plans k ON k.record_id = r.id`

// PlanFilter narrows the plan register and names its page.
type PlanFilter struct {
	OrgUnitID int64
	Status    string
	Exercise  domain.ExerciseState // never, overdue, ok ("" all)
	ReviewDue bool                 // the review is overdue or due within DueSoonDays
	Query     string
	After     *domain.Cursor
	Limit     int
	// Full: with the lists (steps, contacts, dependencies) — the PDF of a unit's plans;
	// otherwise the register's columns only.
	Full bool
}

// ListPlans returns one page of mun's plans that v lets through, by title.
func (s *Store) ListPlans(ctx context.Context, mun int64, v domain.Visibility, f PlanFilter) ([]domain.ContinuityPlan, error) {
	var l RecordList
	today := s.Today()
	if f.OrgUnitID != 0 {
		l.Where("r.org_unit_id = ?", f.OrgUnitID)
	}
	if f.Status != "" {
		l.Where("r.status = ?", f.Status)
	}
	switch f.Exercise {
	case domain.ExerciseNever:
		l.Where("k.last_exercised_at IS NULL")
	case domain.ExerciseOverdue:
		l.Where("k.last_exercised_at IS NOT NULL AND k.next_exercise_at < ?", today)
	case domain.ExerciseOK:
		l.Where("k.last_exercised_at IS NOT NULL AND k.next_exercise_at >= ?", today)
	}
	if f.ReviewDue {
		l.Where("r.next_review_at <= ?", today.AddDays(domain.DueSoonDays))
	}
	l.Query, l.After, l.Limit = f.Query, f.After, f.Limit
	q, args := l.statement(planSelect, mun, domain.KindContinuityPlan, v)
	query, a, err := s.in(q, args...)
	if err != nil {
		return nil, err
	}
	out := rowsFor[domain.ContinuityPlan](l.Limit)
	if err := s.db(ctx).SelectContext(ctx, &out, query, a...); err != nil {
		return nil, fmt.Errorf("list plans: %w", err)
	}
	if f.Full {
		if err := s.planDetails(ctx, mun, out); err != nil {
			return nil, err
		}
	} else {
		for i := range out {
			out[i].Derive(today)
		}
	}
	return out, nil
}

// GetPlan returns one plan of mun with its lists and dependencies. Returns ENotFound.
func (s *Store) GetPlan(ctx context.Context, mun, id int64) (domain.ContinuityPlan, error) {
	var p domain.ContinuityPlan
	err := s.db(ctx).GetContext(ctx, &p, s.rebind(planSelect+` WHERE r.municipality_id = ? AND r.kind = ? AND r.id = ?`), mun, domain.KindContinuityPlan, id)
	if err != nil {
		return p, notFound(err, "get plan")
	}
	one := []domain.ContinuityPlan{p}
	if err := s.planDetails(ctx, mun, one); err != nil {
		return p, err
	}
	return one[0], nil
}

// planDependencySQL reads the dependencies of plans with the names and the asset's effective
// availability of the records they name.
const planDependencySQL = `SELECT d.plan_id, d.dep_kind, d.record_id, d.description, COALESCE(x.title, '') AS name, a.eff_a AS availability
	FROM continuity_dependencies d LEFT JOIN records x ON x.id = d.record_id AND x.municipality_id = ? LEFT JOIN assets a ON a.record_id = d.record_id
	WHERE d.plan_id IN (?) ORDER BY d.plan_id, d.position`

// planDetails decodes the lists of ps and reads their dependencies (one statement for all).
func (s *Store) planDetails(ctx context.Context, mun int64, ps []domain.ContinuityPlan) error {
	if len(ps) == 0 {
		return nil
	}
	ids := make([]int64, len(ps))
	at := make(map[int64]int, len(ps))
	for i := range ps {
		ids[i], at[ps[i].ID] = ps[i].ID, i
		p := &ps[i]
		if err := json.Unmarshal([]byte(p.StepsJSON), &p.RecoverySteps); err != nil {
			return fmt.Errorf("decode recovery steps: %w", err)
		}
		if err := json.Unmarshal([]byte(p.ContactsJSON), &p.Contacts); err != nil {
			return fmt.Errorf("decode contacts: %w", err)
		}
		p.Dependencies = []domain.PlanDependency{}
	}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		q, args, err := s.in(planDependencySQL, mun, chunk)
		if err != nil {
			return err
		}
		var deps []domain.PlanDependency
		if err := s.db(ctx).SelectContext(ctx, &deps, q, args...); err != nil {
			return fmt.Errorf("list plan dependencies: %w", err)
		}
		for _, d := range deps {
			p := &ps[at[d.PlanID]]
			p.Dependencies = append(p.Dependencies, d)
		}
	}
	today := s.Today()
	for i := range ps {
		ps[i].Derive(today)
	}
	return nil
}

// CreatePlan stores a new plan with its dependencies and audit entry.
func (s *Store) CreatePlan(ctx context.Context, a Actor, p *domain.ContinuityPlan) error {
	return s.saveRecord(ctx, a, &p.Record, audit.ActionCreate, nil, p, func(ctx context.Context, tx *sqlx.Tx) error {
		steps, contacts := planLists(p)
		_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO continuity_plans (record_id, process, mtpd_hours, rto_hours, rpo_hours, min_service_level,
			alternative_procedures, recovery_steps, contacts, exercise_interval_months, last_exercised_at, next_exercise_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), p.ID, p.Process, p.MTPDHours, p.RTOHours, p.RPOHours, p.MinServiceLevel,
			p.AlternativeProcedures, steps, contacts, p.ExerciseIntervalMonths, p.LastExercisedAt, p.NextExerciseAt)
		if err != nil {
			return fmt.Errorf("insert plan: %w", err)
		}
		return s.savePlanDependencies(ctx, tx, p)
	})
}

func planLists(p *domain.ContinuityPlan) (steps, contacts string) {
	if p.RecoverySteps == nil {
		p.RecoverySteps = []string{}
	}
	if p.Contacts == nil {
		p.Contacts = []domain.PlanContact{}
	}
	b, _ := json.Marshal(p.RecoverySteps)
	c, _ := json.Marshal(p.Contacts)
	return string(b), string(c)
}

func (s *Store) savePlanDependencies(ctx context.Context, tx *sqlx.Tx, p *domain.ContinuityPlan) error {
	if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM continuity_dependencies WHERE plan_id = ?`), p.ID); err != nil {
		return fmt.Errorf("clear plan dependencies: %w", err)
	}
	for i, d := range p.Dependencies {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO continuity_dependencies (plan_id, position, dep_kind, record_id, description) VALUES (?, ?, ?, ?, ?)`),
			p.ID, i, d.Kind, d.RecordID, d.Description); err != nil {
			return fmt.Errorf("insert plan dependency: %w", err)
		}
	}
	return nil
}

// UpdatePlan changes plan id of mun: mutate gets it inside the transaction, checks permission
// and applies the change. Returns ENotFound and what mutate returns.
func (s *Store) UpdatePlan(ctx context.Context, a Actor, mun, id int64, mutate func(context.Context, *domain.ContinuityPlan) error) (domain.ContinuityPlan, error) {
	var p domain.ContinuityPlan
	err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		before, err := s.GetPlan(ctx, mun, id)
		if err != nil {
			return err
		}
		p = before
		if err := mutate(ctx, &p); err != nil {
			return err
		}
		return s.saveRecord(ctx, a, &p.Record, audit.ActionUpdate, before, &p, func(ctx context.Context, tx *sqlx.Tx) error {
			steps, contacts := planLists(&p)
			_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE continuity_plans SET process = ?, mtpd_hours = ?, rto_hours = ?, rpo_hours = ?, min_service_level = ?,
				alternative_procedures = ?, recovery_steps = ?, contacts = ?, exercise_interval_months = ?, last_exercised_at = ?, next_exercise_at = ?
				WHERE record_id = ?`), p.Process, p.MTPDHours, p.RTOHours, p.RPOHours, p.MinServiceLevel,
				p.AlternativeProcedures, steps, contacts, p.ExerciseIntervalMonths, p.LastExercisedAt, p.NextExerciseAt, p.ID)
			if err != nil {
				return fmt.Errorf("update plan: %w", err)
			}
			return s.savePlanDependencies(ctx, tx, &p)
		})
	})
	if err == nil {
		p, err = s.GetPlan(ctx, mun, id) // the names and levels of the dependencies
	}
	return p, err
}

const exerciseSelect = `SELECT ` + recordColumns + `, k.plan_id, k.exercise_type, k.held_at, k.participants, k.scenario, k.achieved_recovery_hours, k.outcome, k.rto_hours
	FROM records r JOIN exercises k ON k.record_id = r.id`

// maxExercisesPerPlan bounds the exercises a plan's page lists.
const maxExercisesPerPlan = 200

// ListExercises returns the exercises of plan id of mun, newest first (at most
// maxExercisesPerPlan).
func (s *Store) ListExercises(ctx context.Context, mun, plan int64) ([]domain.Exercise, error) {
	out := []domain.Exercise{}
	err := s.db(ctx).SelectContext(ctx, &out, s.rebind(exerciseSelect+fmt.Sprintf(` WHERE r.municipality_id = ? AND r.kind = ? AND k.plan_id = ?
		ORDER BY k.held_at DESC, r.id DESC LIMIT %d`, maxExercisesPerPlan)), mun, domain.KindExercise, plan)
	if err != nil {
		return nil, fmt.Errorf("list exercises: %w", err)
	}
	for i := range out {
		out[i].Derive()
	}
	return out, nil
}

// GetExercise returns one exercise of mun. Returns ENotFound.
func (s *Store) GetExercise(ctx context.Context, mun, id int64) (domain.Exercise, error) {
	var e domain.Exercise
	err := s.db(ctx).GetContext(ctx, &e, s.rebind(exerciseSelect+` WHERE r.municipality_id = ? AND r.kind = ? AND r.id = ?`), mun, domain.KindExercise, id)
	e.Derive()
	return e, notFound(err, "get exercise")
}

// CreateExercise stores an exercise of its plan and moves the plan's last exercised and next
// exercise dates (when it is the plan's latest), with an audit entry each.
func (s *Store) CreateExercise(ctx context.Context, a Actor, e *domain.Exercise) error {
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		err := s.saveRecord(ctx, a, &e.Record, audit.ActionCreate, nil, e, func(ctx context.Context, tx *sqlx.Tx) error {
			_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO exercises (record_id, plan_id, exercise_type, held_at, participants, scenario, achieved_recovery_hours, outcome, rto_hours)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`), e.ID, e.PlanID, e.Type, e.HeldAt, e.Participants, e.Scenario, e.AchievedRecoveryHours, e.Outcome, e.RTOHours)
			if err != nil {
				return fmt.Errorf("insert exercise: %w", err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		var cur struct {
			Last     *domain.Date `db:"last_exercised_at"`
			Interval int          `db:"exercise_interval_months"`
		}
		if err := tx.GetContext(ctx, &cur, tx.Rebind(`SELECT last_exercised_at, exercise_interval_months FROM continuity_plans WHERE record_id = ?`), e.PlanID); err != nil {
			return notFound(err, "get plan")
		}
		if cur.Last != nil && !cur.Last.Before(e.HeldAt) {
			return nil // an earlier exercise recorded late: the dates stand
		}
		last := e.HeldAt
		next := domain.NextExercise(&last, cur.Interval)
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE continuity_plans SET last_exercised_at = ?, next_exercise_at = ? WHERE record_id = ?`), last, next, e.PlanID); err != nil {
			return fmt.Errorf("update plan exercise dates: %w", err)
		}
		mun, plan := e.MunicipalityID, e.PlanID
		return s.appendAudit(ctx, tx, a, Change{MunicipalityID: &mun, Kind: string(domain.KindContinuityPlan), RecordID: &plan, Action: audit.ActionUpdate,
			Before: map[string]any{"last_exercised_at": cur.Last}, After: map[string]any{"last_exercised_at": last, "next_exercise_at": next, "exercise_id": e.ID}})
	})
}

// The reasons a revision trigger gives (translated as planreason.{reason}).
const (
	ReasonUnitRenamed     = "unit_renamed"
	ReasonUnitMoved       = "unit_moved"
	ReasonUnitMerged      = "unit_merged"
	ReasonAssetChanged    = "asset_changed"
	ReasonAssetClassified = "asset_classified"
)

// maxPlansMarked bounds the plans one change marks for review (far more than depend on one
// unit or asset; what is beyond it is left as it was).
const maxPlansMarked = 5000

// MarkPlansForReview is the revision trigger: the open plans of mun that belong to one of
// units or depend on one of assets are due for review today, with the reason (one of the
// Reason constants) and what changed (assets: also the plans depending on a system that
// carries one of them) (subject: the unit's or asset's name), each with an audit
// entry. It runs in the transaction of ctx — the org and asset code call it in theirs, so the
// change and the marks commit together. Nothing to mark costs one read.
func (s *Store) MarkPlansForReview(ctx context.Context, a Actor, mun int64, units, assets []int64, reason, subject string) error {
	if len(units) == 0 && len(assets) == 0 {
		return nil
	}
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		// An asset's change reaches the plans that depend on it or on a system carrying it
		// (whose levels it passes on).
		if len(assets) == 0 {
			assets = []int64{0}
		}
		args := []any{assets, mun, domain.KindContinuityPlan, domain.PlanRetired}
		cond := s.d.inSubquery("r.id", "SELECT d.plan_id FROM continuity_dependencies d WHERE "+s.d.inSubquery("d.record_id", "SELECT id FROM up"))
		if len(units) > 0 {
			cond += " OR r.org_unit_id IN (?)"
			args = append(args, units)
		}
		q, qa, err := s.in(upSQL+`SELECT r.id, r.next_review_at FROM records r WHERE r.municipality_id = ? AND r.kind = ? AND r.status <> ? AND (`+cond+fmt.Sprintf(`) ORDER BY r.id LIMIT %d`, maxPlansMarked), args...)
		if err != nil {
			return err
		}
		var plans []struct {
			ID   int64        `db:"id"`
			Next *domain.Date `db:"next_review_at"`
		}
		if err := tx.SelectContext(ctx, &plans, q, qa...); err != nil {
			return fmt.Errorf("find plans to revise: %w", err)
		}
		today, now := s.Today(), s.now()
		for _, p := range plans {
			next := p.Next
			if next == nil || next.After(today) {
				next = &today
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE records SET next_review_at = ?, remind_at = ?, updated_at = ? WHERE id = ?`), next, today, now, p.ID); err != nil {
				return fmt.Errorf("mark plan for review: %w", err)
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE continuity_plans SET review_reason = ?, review_subject = ?, review_reason_at = ? WHERE record_id = ?`), reason, subject, now, p.ID); err != nil {
				return fmt.Errorf("mark plan for review: %w", err)
			}
			id := p.ID
			if err := s.appendAudit(ctx, tx, a, Change{MunicipalityID: &mun, Kind: string(domain.KindContinuityPlan), RecordID: &id, Action: audit.ActionUpdate,
				Before: map[string]any{"next_review_at": p.Next}, After: map[string]any{"next_review_at": next, "review_reason": reason, "review_subject": subject}}); err != nil {
				return err
			}
		}
		return nil
	})
}

// PlanExerciseCounts counts mun's open plans that v lets through by exercise state on day
// today: never exercised and overdue (the dashboard's figures).
func (s *Store) PlanExerciseCounts(ctx context.Context, mun int64, v domain.Visibility, today domain.Date) (never, overdue int, err error) {
	args := []any{today, mun, domain.KindContinuityPlan, domain.PlanRetired}
	q := `SELECT COALESCE(SUM(CASE WHEN k.last_exercised_at IS NULL THEN 1 ELSE 0 END), 0) AS never,
		COALESCE(SUM(CASE WHEN k.last_exercised_at IS NOT NULL AND k.next_exercise_at < ? THEN 1 ELSE 0 END), 0) AS overdue
		FROM records r JOIN continuity_plans k ON k.record_id = r.id WHERE r.municipality_id = ? AND r.kind = ? AND r.status <> ? AND ` + visibilitySQL(v, &args)
	query, a, err := s.in(q, args...)
	if err != nil {
		return 0, 0, err
	}
	var c struct {
		Never   int `db:"never"`
		Overdue int `db:"overdue"`
	}
	if err := s.db(ctx).GetContext(ctx, &c, query, a...); err != nil {
		return 0, 0, fmt.Errorf("count plans by exercise: %w", err)
	}
	return c.Never, c.Overdue, nil
}
