package web

import (
	"fmt"
	"maps"

	"github.com/lisa-isms/lisa/internal/domain"
)

// The route × role cases of the risk kinds (issue 9): a risk analysis, a risk (residual level
// medium, owned by agare in Socialförvaltningen) and a treatment action in each municipality,
// each with an evidence file.

func init() {
	tKindSetup = append(tKindSetup, setupRiskFixtures)
	readers := want{x404, x2xx, x2xx, x2xx, x2xx, x404, x401}
	writers := want{x404, x2xx, x2xx, x403, x403, x404, x401}
	reviewers := want{x404, x2xx, x2xx, x403, x403, x404, x401}
	other := want{x404, x404, x404, x404, x404, x404, x401}
	list := want{x403, x2xx, x2xx, x2xx, x2xx, x403, x401}
	otherList := want{x403, x404, x404, x404, x404, x404, x401}
	creators := want{x403, x2xx, x2xx, x403, x403, x403, x401}
	pageList := asPage(list, false)
	otherPageList := asPage(otherList, false)
	pageReaders, pageOther := asPage(readers, false), asPage(other, false)
	pageWriters, pagePost := asPage(writers, false), asPage(writers, true)
	otherPost := asPage(other, true)

	kindCase := func(key string, routes map[string]routeCase) kindRouteCase {
		return kindRouteCase{
			key: func(x *rctx) string {
				if x.other {
					return tItoa(x.ext[key+"/other"])
				}
				return tItoa(x.ext[key+"/own"])
			},
			evidence: func(x *rctx) int64 { return x.ext[fmt.Sprint(key, "/ev/", x.other)] },
			freshEvidence: func(x *rctx) {
				id := x.ext[key+"/own"]
				if x.other {
					id = x.ext[key+"/other"]
				}
				kind := map[string]domain.Kind{"risk": domain.KindRisk, "analysis": domain.KindRiskAnalysis, "action": domain.KindRiskAction}[key]
				ev, err := x.env.app.AddEvidence(x.env.ctx, x.env.caller(x.coordUser()), x.mun, kind, id, "bevis.pdf", tPDF)
				if err != nil {
					x.t.Fatal(err)
				}
				x.ext = maps.Clone(x.ext)
				x.ext[fmt.Sprint(key, "/ev/", x.other)] = ev.ID
			},
			read: readers, review: reviewers, comment: readers, update: writers, history: readers, other: other,
			list: list, otherList: otherList, routes: routes,
		}
	}
	api := "/api/v1/municipalities/:mid/"
	riskBody := func(x *rctx) ([]byte, string) {
		return x.json(map[string]any{"title": fmt.Sprintf("Risk %d", x.seq), "org_unit_id": x.unit, "likelihood": 2, "consequence": 3})
	}
	freshRisk := func(x *rctx) {
		r := x.env.newRisk(x.coordUser(), x.mun, x.unit, fmt.Sprintf("Tillfällig risk %d", x.seq))
		x.ext = maps.Clone(x.ext)
		if x.other {
			x.ext["risk/other"] = r
		} else {
			x.ext["risk/own"] = r
		}
	}
	tKindRoutes[domain.KindRisk] = kindCase("risk", map[string]routeCase{
		"GET " + api + "risk-matrix": {own: list, other: otherList},
		// A real change (a label) by the coordinator; a new version voids acceptances, which the
		// acceptance route makes anew.
		"PUT " + api + "risk-matrix": {own: want{x403, x2xx, x403, x403, x403, x403, x401}, other: otherList, body: func(x *rctx) ([]byte, string) {
			return x.json(map[string]any{"likelihood_labels": []string{"1", "2", "3", "4", fmt.Sprintf("Nästan säkert %d", x.seq)}})
		}},
		"GET " + api + "risks":        {own: list, other: otherList},
		"POST " + api + "risks":       {own: creators, other: otherList, body: riskBody},
		"GET " + api + "risks/:id":    {own: readers, other: other},
		"PUT " + api + "risks/:id":    {own: writers, other: other, body: func(x *rctx) ([]byte, string) { return x.json(map[string]any{"threat": fmt.Sprintf("Hot %d", x.seq)}) }},
		"DELETE " + api + "risks/:id": {own: want{x404, x2xx, x403, x403, x403, x404, x401}, other: other, setup: freshRisk},
		// The target's residual level is medium: the coordinator's tier reaches it, management's
		// too; information owners have no tier by default, auditors may not accept.
		"POST " + api + "risks/:id/acceptance": {own: want{x404, x2xx, x403, x2xx, x403, x404, x401}, other: other, body: func(x *rctx) ([]byte, string) {
			return x.json(map[string]any{"justification": fmt.Sprintf("Godtas %d", x.seq), "valid_until": x.env.app.Today().AddMonths(6).String()})
		}},
		"GET " + api + "risks/:id/actions": {own: readers, other: other},
		"POST " + api + "risks/:id/actions": {own: writers, other: other, body: func(x *rctx) ([]byte, string) {
			return x.json(map[string]any{"title": fmt.Sprintf("Åtgärd %d", x.seq), "due_at": x.env.app.Today().AddDays(30).String()})
		}},
		"GET " + api + "heatmap":    {own: list, other: otherList},
		"GET " + api + "risks.xlsx": {own: list, other: otherList},
		"GET " + api + "risks.csv":  {own: list, other: otherList},
		"GET /m/:mid/risks":         {own: pageList, other: otherPageList},
		"GET /m/:mid/risks/new":     {own: asPage(creators, false), other: otherPageList},
		"POST /m/:mid/risks": {own: asPage(creators, true), other: otherPageList, body: func(x *rctx) ([]byte, string) {
			return x.form("title", fmt.Sprintf("Sidans risk %d", x.seq), "org_unit_id", tItoa(x.unit), "likelihood", "2", "consequence", "2", "review_interval_months", "12")
		}},
		"GET /m/:mid/risks/:id":      {own: pageReaders, other: pageOther},
		"GET /m/:mid/risks/:id/edit": {own: pageWriters, other: pageOther},
		"POST /m/:mid/risks/:id": {own: pagePost, other: otherPost, body: func(x *rctx) ([]byte, string) {
			return x.form("threat", fmt.Sprintf("Sidans hot %d", x.seq))
		}},
		"POST /m/:mid/risks/:id/acceptance": {own: want{x404, x303, x403, x303, x403, x404, xLogin}, other: otherPost, body: func(x *rctx) ([]byte, string) {
			return x.form("justification", fmt.Sprintf("Godtas %d", x.seq), "valid_until", x.env.app.Today().AddMonths(6).String())
		}},
		"POST /m/:mid/risks/:id/actions": {own: pagePost, other: otherPost, body: func(x *rctx) ([]byte, string) {
			return x.form("title", fmt.Sprintf("Sidans åtgärd %d", x.seq), "due_at", x.env.app.Today().AddDays(30).String())
		}},
		"GET /m/:mid/risks/:id/delete":  {own: want{x404, x2xx, x403, x403, x403, x404, xLogin}, other: pageOther, setup: freshRisk},
		"POST /m/:mid/risks/:id/delete": {own: want{x404, x303, x403, x403, x403, x404, xLogin}, other: otherPost, setup: freshRisk, body: func(x *rctx) ([]byte, string) { return x.form() }},
		"GET /m/:mid/heatmap":           {own: pageList, other: otherPageList},
		"GET /m/:mid/risk-matrix":       {own: pageList, other: otherPageList},
		"POST /m/:mid/risk-matrix": {own: want{x403, x303, x403, x403, x403, x403, xLogin}, other: otherPageList, body: func(x *rctx) ([]byte, string) {
			return x.form("size", "5", "labels_size", "5", "acceptance_level", "low")
		}},
	})
	tKindRoutes[domain.KindRiskAnalysis] = kindCase("analysis", map[string]routeCase{
		"GET " + api + "risk-analyses": {own: list, other: otherList},
		"POST " + api + "risk-analyses": {own: creators, other: otherList, body: func(x *rctx) ([]byte, string) {
			return x.json(map[string]any{"title": fmt.Sprintf("Riskanalys %d", x.seq), "org_unit_id": x.unit, "object_type": "org_unit"})
		}},
		"GET " + api + "risk-analyses/:id": {own: readers, other: other},
		"PUT " + api + "risk-analyses/:id": {own: writers, other: other, body: func(x *rctx) ([]byte, string) {
			return x.json(map[string]any{"method": fmt.Sprintf("Metod %d", x.seq)})
		}},
		"GET /m/:mid/risk-analyses":     {own: pageList, other: otherPageList},
		"GET /m/:mid/risk-analyses/new": {own: asPage(creators, false), other: otherPageList},
		"POST /m/:mid/risk-analyses": {own: asPage(creators, true), other: otherPageList, body: func(x *rctx) ([]byte, string) {
			return x.form("title", fmt.Sprintf("Sidans analys %d", x.seq), "org_unit_id", tItoa(x.unit), "object_type", "org_unit", "review_interval_months", "12")
		}},
		"GET /m/:mid/risk-analyses/:id":      {own: pageReaders, other: pageOther},
		"GET /m/:mid/risk-analyses/:id/edit": {own: pageWriters, other: pageOther},
		"POST /m/:mid/risk-analyses/:id": {own: pagePost, other: otherPost, body: func(x *rctx) ([]byte, string) {
			return x.form("method", fmt.Sprintf("Sidans metod %d", x.seq))
		}},
	})
	tKindRoutes[domain.KindRiskAction] = kindCase("action", map[string]routeCase{
		"GET " + api + "risk-actions/:id": {own: readers, other: other},
		"PUT " + api + "risk-actions/:id": {own: writers, other: other, body: func(x *rctx) ([]byte, string) {
			return x.json(map[string]any{"description": fmt.Sprintf("Beskrivning %d", x.seq)})
		}},
		"GET /m/:mid/risk-actions/:id": {own: pageReaders, other: pageOther},
		"POST /m/:mid/risk-actions/:id": {own: pagePost, other: otherPost, body: func(x *rctx) ([]byte, string) {
			return x.form("description", fmt.Sprintf("Sidans beskrivning %d", x.seq))
		}},
	})
}

// setupRiskFixtures makes the targets: in Exempelkommun's Socialförvaltningen (owned by agare)
// and in Grannkommun's Kommunkontoret, an analysis, a risk of medium residual level in it and
// a treatment action of the risk, each with one evidence file.
func setupRiskFixtures(e *testEnv) {
	for _, side := range []struct {
		key, who, unit string
		mun            int64
	}{{"own", "samordnare", "Exempelkommun/Socialförvaltningen", e.ex}, {"other", "samordnare2", "Grannkommun/Kommunkontoret", e.gr}} {
		c, unit := e.caller(side.who), e.unit(side.unit)
		var owner *int64
		if side.key == "own" {
			id := e.users["agare"]
			owner = &id
		}
		title, obj := "Riskanalys "+side.key, "org_unit"
		an, err := e.app.CreateRiskAnalysis(e.ctx, c, side.mun, domain.RiskAnalysisInput{Title: &title, OrgUnitID: &unit, ObjectType: &obj, OwnerID: owner})
		if err != nil {
			e.t.Fatal(err)
		}
		rt, three := "Obehörig åtkomst "+side.key, 3
		r, err := e.app.CreateRisk(e.ctx, c, side.mun, domain.RiskInput{Title: &rt, AnalysisID: &an.ID, OrgUnitID: &unit, OwnerID: owner, Likelihood: &three, Consequence: &three})
		if err != nil {
			e.t.Fatal(err)
		}
		at, due := "Inför MFA "+side.key, e.app.Today().AddDays(40).String()
		ac, err := e.app.CreateRiskAction(e.ctx, c, side.mun, r.ID, domain.RiskActionInput{Title: &at, DueAt: &due})
		if err != nil {
			e.t.Fatal(err)
		}
		other := side.key == "other"
		for key, it := range map[string]struct {
			kind domain.Kind
			id   int64
		}{"analysis": {domain.KindRiskAnalysis, an.ID}, "risk": {domain.KindRisk, r.ID}, "action": {domain.KindRiskAction, ac.ID}} {
			e.extra[key+"/"+side.key] = it.id
			ev, err := e.app.AddEvidence(e.ctx, c, side.mun, it.kind, it.id, "bevis.pdf", tPDF)
			if err != nil {
				e.t.Fatal(err)
			}
			e.extra[fmt.Sprint(key, "/ev/", other)] = ev.ID
		}
	}
}

// newRisk creates a risk (likelihood and consequence 2) through the service layer as username.
func (e *testEnv) newRisk(username string, mun, unit int64, title string) int64 {
	e.t.Helper()
	two := 2
	r, err := e.app.CreateRisk(e.ctx, e.caller(username), mun, domain.RiskInput{Title: &title, OrgUnitID: &unit, Likelihood: &two, Consequence: &two})
	if err != nil {
		e.t.Fatalf("create risk %q: %v", title, err)
	}
	return r.ID
}
