package web

import (
	"fmt"
	"maps"
	"time"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// Incidents in the route × role table: the target is the demo's misdirected care plan, which a
// member of staff reported in Socialförvaltningen (Exempelkommun), or an incident Grannkommun's
// coordinator reports in the set-up. Everyone with a role reports; staff read their own
// report, the information owner the incidents of their unit; only the coordinator handles.

func init() {
	tKindSetup = append(tKindSetup, setupIncidentTargets)
	readers := want{x404, x2xx, x2xx, x2xx, x2xx, x2xx, x401}
	handlers := want{x404, x2xx, x403, x403, x403, x403, x401}
	commenters := want{x404, x2xx, x2xx, x2xx, x2xx, x403, x401}
	otherAPI := want{x404, x404, x404, x404, x404, x404, x401}
	listers := want{x403, x2xx, x2xx, x2xx, x2xx, x2xx, x401}
	reporters := want{x403, x2xx, x2xx, x2xx, x2xx, x2xx, x401}
	otherMunDeny := want{x403, x404, x404, x404, x404, x404, x401}
	configurers := want{x403, x2xx, x403, x403, x403, x403, x401}
	// The fresh breach is the coordinator's own report in another unit: the owner and staff
	// cannot see it at all.
	freshHandlers := want{x404, x2xx, x404, x403, x403, x404, x401}
	key := func(x *rctx) string { return tItoa(x.ext[fmt.Sprint("incident/", x.other)]) }
	// A fresh breach for each request that records a report (a report of a kind is made once).
	freshBreach := func(x *rctx) {
		mun, who := x.env.ex, "samordnare"
		if x.other {
			mun, who = x.env.gr, "samordnare2"
		}
		inc := tIncident(x.env, who, mun, true)
		x.ext = maps.Clone(x.ext)
		x.ext[fmt.Sprint("incident/", x.other)] = inc
	}
	tKindRoutes[domain.KindIncident] = kindRouteCase{
		key:      key,
		evidence: func(x *rctx) int64 { return x.ext[fmt.Sprint("incident/ev/", x.other)] },
		freshEvidence: func(x *rctx) {
			id := x.ext[fmt.Sprint("incident/", x.other)]
			ev, err := x.env.app.AddEvidence(x.env.ctx, x.env.caller(x.coordUser()), x.mun, domain.KindIncident, id, "logg.pdf", tPDF)
			if err != nil {
				x.t.Fatal(err)
			}
			x.ext = maps.Clone(x.ext)
			x.ext[fmt.Sprint("incident/ev/", x.other)] = ev.ID
		},
		read: readers, review: handlers, update: handlers, comment: commenters,
		history: want{x404, x2xx, x2xx, x2xx, x2xx, x403, x401},
		other:   otherAPI, list: listers, otherList: otherMunDeny,
		routes: map[string]routeCase{
			"GET /api/v1/municipalities/:mid/incidents":           {own: listers, other: otherMunDeny},
			"GET /api/v1/municipalities/:mid/incident-statistics": {own: listers, other: otherMunDeny},
			"POST /api/v1/municipalities/:mid/incidents": {own: reporters, other: otherMunDeny, body: func(x *rctx) ([]byte, string) {
				return x.json(map[string]any{"title": fmt.Sprintf("Incident %d", x.seq), "description": "Skrivaren skrev ut fel lista.",
					"discovered_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), "org_unit_id": x.unit, "personal_data": false})
			}},
			"GET /api/v1/municipalities/:mid/incidents/:id": {own: readers, other: otherAPI},
			"PUT /api/v1/municipalities/:mid/incidents/:id": {own: handlers, other: otherAPI, body: func(x *rctx) ([]byte, string) {
				return x.json(map[string]any{"severity": "medium", "measures_planned": fmt.Sprintf("Åtgärd %d", x.seq)})
			}},
			"POST /api/v1/municipalities/:mid/incidents/:id/reports": {own: freshHandlers, other: otherAPI, setup: freshBreach, body: func(x *rctx) ([]byte, string) {
				return x.json(map[string]any{"kind": "gdpr_imy", "sent_at": time.Now().Add(-time.Minute).UTC().Format(time.RFC3339), "recipient": "IMY", "reference": "DI-1"})
			}},
			"POST /api/v1/municipalities/:mid/incidents/:id/timeline": {own: handlers, other: otherAPI, body: func(x *rctx) ([]byte, string) {
				return x.json(map[string]any{"text": fmt.Sprintf("Steg %d", x.seq)})
			}},
			"GET /api/v1/municipalities/:mid/incidents/:id/reports/:pack": {own: handlers, other: otherAPI},
			"GET /m/:mid/incidents":                               {own: asPage(listers, false), other: asPage(otherMunDeny, false)},
			"GET /api/v1/municipalities/:mid/incident-recipients": {own: listers, other: otherMunDeny},
			"PUT /api/v1/municipalities/:mid/incident-recipients": {own: configurers, other: otherMunDeny, body: func(x *rctx) ([]byte, string) {
				return x.json([]map[string]string{{"kind": "sapo", "recipient": "Säkerhetspolisen", "channel": fmt.Sprintf("Telefon %d", x.seq)}})
			}},
			"GET /m/:mid/incidents/recipients": {own: asPage(configurers, false), other: asPage(otherMunDeny, false)},
			"POST /m/:mid/incidents/recipients": {own: asPage(configurers, true), other: asPage(otherMunDeny, true), body: func(x *rctx) ([]byte, string) {
				kv := []string{}
				for _, k := range domain.ReportKinds {
					kv = append(kv, "recipient_"+string(k), "Myndighet "+string(k))
				}
				return x.form(kv...)
			}},
			"GET /m/:mid/incidents/statistics":        {own: asPage(listers, false), other: asPage(otherMunDeny, false)},
			"GET /m/:mid/incidents/new":               {own: asPage(reporters, false), other: asPage(otherMunDeny, false)},
			"GET /m/:mid/incidents/:id":               {own: asPage(readers, false), other: asPage(otherAPI, false)},
			"GET /m/:mid/incidents/:id/reports/:pack": {own: asPage(handlers, false), other: asPage(otherAPI, false)},
			"POST /m/:mid/incidents": {own: asPage(reporters, true), other: asPage(otherMunDeny, true), body: func(x *rctx) ([]byte, string) {
				return x.form("title", fmt.Sprintf("Sidans incident %d", x.seq), "description", "Ett fönster stod öppet i arkivet.",
					"discovered_at", time.Now().Add(-time.Hour).In(domain.Sweden).Format("2006-01-02T15:04"), "org_unit_id", tItoa(x.unit))
			}},
			"POST /m/:mid/incidents/:id/reports": {own: asPage(freshHandlers, true), other: asPage(otherAPI, true), setup: freshBreach, body: func(x *rctx) ([]byte, string) {
				return x.form("kind", "gdpr_imy", "sent_at", time.Now().Add(-time.Minute).In(domain.Sweden).Format("2006-01-02T15:04"), "recipient", "IMY")
			}},
			"POST /m/:mid/incidents/:id/actions": {own: asPage(handlers, true), other: asPage(otherAPI, true), body: func(x *rctx) ([]byte, string) {
				return x.form("title", fmt.Sprintf("Utbilda om e-post %d", x.seq), "due_at", time.Now().AddDate(0, 1, 0).Format("2006-01-02"))
			}},
			"GET /m/:mid/incidents/:id/edit": {own: asPage(handlers, false), other: asPage(otherAPI, false)},
			"POST /m/:mid/incidents/:id": {own: asPage(handlers, true), other: asPage(otherAPI, true), body: func(x *rctx) ([]byte, string) {
				return x.form("severity", "medium", "measures_planned", fmt.Sprintf("Sidans åtgärd %d", x.seq))
			}},
			"POST /m/:mid/incidents/:id/timeline": {own: asPage(handlers, true), other: asPage(otherAPI, true), body: func(x *rctx) ([]byte, string) {
				return x.form("text", fmt.Sprintf("Sidans steg %d", x.seq))
			}},
		},
	}
}

// tIncident reports a personal data breach in mun as who (a coordinator) and returns its id:
// its IMY clock runs.
func tIncident(e *testEnv, who string, mun int64, breach bool) int64 {
	units, err := e.app.OrgUnits(e.ctx, e.caller(who), mun)
	if err != nil || len(units) == 0 {
		e.t.Fatalf("units: %v", err)
	}
	str := func(s string) *string { return &s }
	unit := units[len(units)-1].ID
	now := time.Now().UTC()
	in := domain.IncidentInput{Title: str("Lista på avvägar"), Description: str("En lista med namn lämnades i skrivaren."),
		DiscoveredAt: str(now.Add(-2 * time.Hour).Format(time.RFC3339)), OrgUnitID: &unit, PersonalDataBreach: &breach}
	if breach {
		in.AwareAt = str(now.Add(-time.Hour).Format(time.RFC3339))
	}
	inc, err := e.app.ReportIncident(e.ctx, e.caller(who), mun, in)
	if err != nil {
		e.t.Fatalf("report incident: %v", err)
	}
	return inc.ID
}

func setupIncidentTargets(e *testEnv) {
	for _, other := range []bool{false, true} {
		var id int64
		mun, who := e.ex, "samordnare"
		if other {
			mun, who = e.gr, "samordnare2"
			id = tIncident(e, who, mun, true)
		} else {
			list, err := e.app.Incidents(e.ctx, e.caller(who), mun, store.IncidentFilter{Query: "Genomförandeplan skickad", Limit: 1})
			if err != nil || len(list) != 1 {
				e.t.Fatalf("demo incident: %v %v", list, err)
			}
			id = list[0].ID
		}
		e.extra[fmt.Sprint("incident/", other)] = id
		ev, err := e.app.AddEvidence(e.ctx, e.caller(who), mun, domain.KindIncident, id, "logg.pdf", tPDF)
		if err != nil {
			e.t.Fatal(err)
		}
		e.extra[fmt.Sprint("incident/ev/", other)] = ev.ID
	}
}
