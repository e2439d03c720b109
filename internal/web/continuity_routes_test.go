package web

import (
	"fmt"
	"maps"

	"github.com/lisa-isms/lisa/internal/domain"
)

// Continuity plans and exercises in the route × role table: the target plan is the demo's
// home-care plan in Socialförvaltningen (the information owner's unit) and its exercise, or a
// plan and an exercise made in Grannkommun. The coordinator and the unit's information owner
// keep them, management and auditors read and comment, staff see nothing.

func init() {
	tKindSetup = append(tKindSetup, setupPlanTargets)
	readers := want{x404, x2xx, x2xx, x2xx, x2xx, x404, x401}
	writers := want{x404, x2xx, x2xx, x403, x403, x404, x401}
	commenters := want{x404, x2xx, x2xx, x2xx, x2xx, x404, x401}
	otherAPI := want{x404, x404, x404, x404, x404, x404, x401}
	listers := want{x403, x2xx, x2xx, x2xx, x2xx, x403, x401}
	creators := want{x403, x2xx, x2xx, x403, x403, x403, x401}
	otherMunDeny := want{x403, x404, x404, x404, x404, x404, x401}
	planKey := func(x *rctx) string { return tItoa(x.ext[fmt.Sprint("plan/", x.other)]) }
	socUnit := func(x *rctx) int64 {
		if x.other {
			return x.env.unit("Grannkommun/Bildningsförvaltningen")
		}
		return x.env.unit("Exempelkommun/Socialförvaltningen")
	}
	evidence := func(kind domain.Kind, name string) (func(x *rctx) int64, func(x *rctx)) {
		return func(x *rctx) int64 { return x.ext[fmt.Sprint(name, "/ev/", x.other)] }, func(x *rctx) {
			id := x.ext[fmt.Sprint(name, "/", x.other)]
			ev, err := x.env.app.AddEvidence(x.env.ctx, x.env.caller(x.coordUser()), x.mun, kind, id, "protokoll.pdf", tPDF)
			if err != nil {
				x.t.Fatal(err)
			}
			x.ext = maps.Clone(x.ext)
			x.ext[fmt.Sprint(name, "/ev/", x.other)] = ev.ID
		}
	}
	planEv, planFresh := evidence(domain.KindContinuityPlan, "plan")
	exEv, exFresh := evidence(domain.KindExercise, "exercise")
	exerciseBody := func(x *rctx) ([]byte, string) {
		return x.json(map[string]any{"exercise_type": "seminar", "held_at": x.env.app.Today().String(), "title": fmt.Sprintf("Övning %d", x.seq)})
	}
	tKindRoutes[domain.KindContinuityPlan] = kindRouteCase{
		key: planKey, evidence: planEv, freshEvidence: planFresh,
		read: readers, review: writers, update: writers, comment: commenters,
		history: want{x404, x2xx, x2xx, x2xx, x2xx, x404, x401},
		other:   otherAPI, list: listers, otherList: otherMunDeny,
		routes: map[string]routeCase{
			"GET /api/v1/municipalities/:mid/continuity-plans": {own: listers, other: otherMunDeny},
			"POST /api/v1/municipalities/:mid/continuity-plans": {own: creators, other: otherMunDeny, body: func(x *rctx) ([]byte, string) {
				return x.json(map[string]any{"process": fmt.Sprintf("Process %d", x.seq), "org_unit_id": socUnit(x), "mtpd_hours": 24, "rto_hours": 8})
			}},
			"GET /api/v1/municipalities/:mid/continuity-plans.pdf": {own: listers, other: otherMunDeny, query: func(x *rctx) string { return fmt.Sprintf("?unit=%d", socUnit(x)) }},
			"GET /api/v1/municipalities/:mid/continuity-plans/:id": {own: readers, other: otherAPI},
			"PUT /api/v1/municipalities/:mid/continuity-plans/:id": {own: writers, other: otherAPI, body: func(x *rctx) ([]byte, string) {
				return x.json(map[string]any{"min_service_level": fmt.Sprintf("Nivå %d", x.seq)})
			}},
			"GET /api/v1/municipalities/:mid/continuity-plans/:id/exercises":  {own: readers, other: otherAPI},
			"POST /api/v1/municipalities/:mid/continuity-plans/:id/exercises": {own: writers, other: otherAPI, body: exerciseBody},
			"GET /m/:mid/continuity-plans":                                    {own: asPage(listers, false), other: asPage(otherMunDeny, false)},
			"GET /m/:mid/continuity-plans.pdf":                                {own: asPage(listers, false), other: asPage(otherMunDeny, false), query: func(x *rctx) string { return fmt.Sprintf("?unit=%d", socUnit(x)) }},
			"GET /m/:mid/continuity-plans/new":                                {own: asPage(creators, false), other: asPage(otherMunDeny, false)},
			"GET /m/:mid/continuity-plans/:id":                                {own: asPage(readers, false), other: asPage(otherAPI, false)},
			"GET /m/:mid/continuity-plans/:id/edit":                           {own: asPage(writers, false), other: asPage(otherAPI, false)},
			"GET /m/:mid/continuity-plans/:id/print":                          {own: asPage(readers, false), other: asPage(otherAPI, false)},
			"GET /m/:mid/continuity-plans/:id/exercises/new":                  {own: asPage(writers, false), other: asPage(otherAPI, false)},
			"POST /m/:mid/continuity-plans": {own: asPage(creators, true), other: asPage(otherMunDeny, true), body: func(x *rctx) ([]byte, string) {
				return x.form("process", fmt.Sprintf("Sidans process %d", x.seq), "org_unit_id", tItoa(socUnit(x)), "mtpd_hours", "24", "rto_hours", "8")
			}},
			"POST /m/:mid/continuity-plans/:id": {own: asPage(writers, true), other: asPage(otherAPI, true), body: func(x *rctx) ([]byte, string) {
				return x.form("min_service_level", fmt.Sprintf("Sidans nivå %d", x.seq))
			}},
			"POST /m/:mid/continuity-plans/:id/exercises": {own: asPage(writers, true), other: asPage(otherAPI, true), body: func(x *rctx) ([]byte, string) {
				return x.form("exercise_type", "seminar", "held_at", x.env.app.Today().String())
			}},
		},
	}
	tKindRoutes[domain.KindExercise] = kindRouteCase{
		key: func(x *rctx) string { return tItoa(x.ext[fmt.Sprint("exercise/", x.other)]) }, evidence: exEv, freshEvidence: exFresh,
		read: readers, review: writers, update: writers, comment: commenters,
		history: want{x404, x2xx, x2xx, x2xx, x2xx, x404, x401},
		other:   otherAPI, list: listers, otherList: otherMunDeny,
		routes: map[string]routeCase{
			"GET /api/v1/municipalities/:mid/exercises/:id": {own: readers, other: otherAPI},
			"GET /m/:mid/exercises/:id":                     {own: asPage(readers, false), other: asPage(otherAPI, false)},
		},
	}
}

func setupPlanTargets(e *testEnv) {
	for _, other := range []bool{false, true} {
		mun, who := e.ex, "samordnare"
		var plan int64
		if other {
			mun, who = e.gr, "samordnare2"
			unit, process, mtpd, rto := e.unit("Grannkommun/Bildningsförvaltningen"), "Skolmåltider i Grannkommun", 48, 24
			p, err := e.app.CreatePlan(e.ctx, e.caller(who), mun, domain.ContinuityPlanInput{Process: &process, OrgUnitID: &unit, MTPDHours: &mtpd, RTOHours: &rto})
			if err != nil {
				e.t.Fatal(err)
			}
			plan = p.ID
		} else {
			plan = e.demoPlan(tPlanHome)
		}
		typ, held := "seminar", e.app.Today().AddDays(-7).String()
		ex, err := e.app.CreateExercise(e.ctx, e.caller(who), mun, plan, domain.ExerciseInput{Type: &typ, HeldAt: &held})
		if err != nil {
			e.t.Fatal(err)
		}
		e.extra[fmt.Sprint("plan/", other)], e.extra[fmt.Sprint("exercise/", other)] = plan, ex.ID
		for name, id := range map[string]int64{"plan": plan, "exercise": ex.ID} {
			kind := domain.KindContinuityPlan
			if name == "exercise" {
				kind = domain.KindExercise
			}
			ev, err := e.app.AddEvidence(e.ctx, e.caller(who), mun, kind, id, "protokoll.pdf", tPDF)
			if err != nil {
				e.t.Fatal(err)
			}
			e.extra[fmt.Sprint(name, "/ev/", other)] = ev.ID
		}
	}
}
