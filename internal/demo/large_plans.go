package demo

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// seedLargePlans adds n continuity plans to municipality mun (issue 10), spread over its
// units: each with 3–8 recovery steps, 3–12 contacts, reservrutiner, one to three systems of
// its unit (or any) and one or two other dependencies; a quarter never exercised, the rest
// exercised one to three times in the last two years (some now overdue). Dates follow today.
func seedLargePlans(l *store.Loader, mun int64, n int, units []int64, owners map[int64][]int64, ownerIDs []int64, pick func(int) int,
	today domain.Date, now time.Time, say func(string, ...any)) error {
	if n == 0 {
		return nil
	}
	say("%d kontinuitetsplaner", n)
	var systems []struct {
		ID   int64 `db:"id"`
		Unit int64 `db:"org_unit_id"`
	}
	if err := l.Select(&systems, `SELECT r.id, r.org_unit_id FROM records r JOIN assets a ON a.record_id = r.id
		WHERE r.municipality_id = ? AND a.asset_kind <> 'information' ORDER BY r.id`, mun); err != nil {
		return fmt.Errorf("read systems: %w", err)
	}
	byUnit := map[int64][]int64{}
	var all []int64
	for _, s := range systems {
		byUnit[s.Unit] = append(byUnit[s.Unit], s.ID)
		all = append(all, s.ID)
	}
	exPer := make([]int, n)
	nEx := 0
	for i := range exPer {
		if pick(4) > 0 {
			exPer[i] = 1 + pick(3)
			nEx += exPer[i]
		}
	}
	first, err := l.NextID("records", n+nEx)
	if err != nil {
		return err
	}
	processes := []string{"Hemtjänstens planering", "Utbetalning av ekonomiskt bistånd", "Skolmåltider", "Dricksvattenproduktion", "Fjärrvärmeleverans",
		"Lönehantering", "Ärendehantering i bygglov", "Larmhantering i äldreboenden", "Elevhälsans journalföring", "Avfallshämtning", "Kommunens växel", "Färdtjänst"}
	types := domain.ExerciseTypes
	depKinds := []domain.DependencyKind{domain.DepPremises, domain.DepStaff, domain.DepPower, domain.DepCommunications, domain.DepOther}
	var recs, plans, deps, exs [][]any
	next := first + int64(n)
	for i := range n {
		id := first + int64(i)
		unit := units[pick(len(units))]
		var owner any
		if os := owners[unit]; len(os) > 0 {
			owner = os[pick(len(os))]
		} else if len(ownerIDs) > 0 {
			owner = ownerIDs[pick(len(ownerIDs))]
		}
		title := fmt.Sprintf("%s – plan %04d", processes[i%len(processes)], i+1)
		status := domain.PlanActive
		if pick(10) == 0 {
			status = domain.PlanDraft
		}
		review := today.AddDays(pick(540) - 90)
		recs = append(recs, []any{id, mun, string(domain.KindContinuityPlan), "", title, domain.FoldTitle(title), unit, owner, status, 12, review.AddMonths(-12), review, now, now})
		mtpd := []int{4, 8, 24, 48, 72, 168}[pick(6)]
		rto := max(1, mtpd/(1+pick(4)))
		steps := make([]string, 3+pick(6))
		for j := range steps {
			steps[j] = fmt.Sprintf("Steg %d: kontrollera, informera och återställ delsystem %d enligt checklistan.", j+1, j+1)
		}
		contacts := make([]domain.PlanContact, 3+pick(10))
		for j := range contacts {
			contacts[j] = domain.PlanContact{Name: fmt.Sprintf("Kontaktperson %d för plan %04d", j+1, i+1), Role: []string{"Enhetschef", "Driftansvarig", "Leverantörens jour", "Krisledning"}[pick(4)],
				Phone: fmt.Sprintf("070-%03d %02d %02d", pick(1000), pick(100), pick(100)), Email: fmt.Sprintf("kontakt%d.plan%04d@storstad.example", j+1, i+1)}
		}
		sj, _ := json.Marshal(steps)
		cj, _ := json.Marshal(contacts)
		var last, due any
		var lastD *domain.Date
		for k := range exPer[i] {
			held := today.AddDays(-pick(730))
			if lastD == nil || held.After(*lastD) {
				h := held
				lastD = &h
			}
			eid := next
			next++
			achieved := float64(rto) * (0.5 + float64(pick(10))/6)
			et := types[pick(len(types))]
			etitle := fmt.Sprintf("Övning %s", held)
			recs = append(recs, []any{eid, mun, string(domain.KindExercise), "", etitle, domain.FoldTitle(etitle), unit, owner, domain.ExerciseHeld, 12, nil, nil, now, now})
			exs = append(exs, []any{eid, id, string(et), held, "Berörda chefer och nyckelpersoner", fmt.Sprintf("Scenario %d: avbrott i verksamhetssystemet.", k+1), achieved,
				"Reservrutinerna fungerade i huvudsak.", rto})
		}
		if lastD != nil {
			last, due = *lastD, *domain.NextExercise(lastD, 12)
		}
		plans = append(plans, []any{id, processes[i%len(processes)], mtpd, rto, pick(rto + 1), "Kritiska insatser upprätthålls.",
			"Arbeta enligt de utskrivna rutinerna och pappersblanketterna i pärmen; prioritera de mest sårbara.", string(sj), string(cj), 12, last, due})
		pos := 0
		pool := byUnit[unit]
		if len(pool) == 0 {
			pool = all
		}
		seen := map[int64]bool{}
		for range 1 + pick(3) {
			if len(pool) == 0 {
				break
			}
			a := pool[pick(len(pool))]
			if seen[a] {
				continue
			}
			seen[a] = true
			deps = append(deps, []any{id, pos, string(domain.DepAsset), a, ""})
			pos++
		}
		for range 1 + pick(2) {
			k := depKinds[pick(len(depKinds))]
			deps = append(deps, []any{id, pos, string(k), nil, "Beskrivet beroende: " + string(k)})
			pos++
		}
	}
	for _, t := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"records", []string{"id", "municipality_id", "kind", "ref", "title", "title_fold", "org_unit_id", "owner_id", "status", "review_interval_months", "last_reviewed_at", "next_review_at", "created_at", "updated_at"}, recs},
		{"continuity_plans", []string{"record_id", "process", "mtpd_hours", "rto_hours", "rpo_hours", "min_service_level", "alternative_procedures", "recovery_steps", "contacts",
			"exercise_interval_months", "last_exercised_at", "next_exercise_at"}, plans},
		{"continuity_dependencies", []string{"plan_id", "position", "dep_kind", "record_id", "description"}, deps},
		{"exercises", []string{"record_id", "plan_id", "exercise_type", "held_at", "participants", "scenario", "achieved_recovery_hours", "outcome", "rto_hours"}, exs},
	} {
		if err := l.Insert(t.table, t.cols, t.rows); err != nil {
			return err
		}
	}
	return nil
}
