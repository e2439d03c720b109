package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/storetest"
)

// The risk API answers the contract's shapes (checked against openapi.json), refuses bad
// input naming the field with nothing stored, and decides acceptance by tier.
func TestRiskAPIContract(t *testing.T) {
	env := newTestServer(t)
	doc := tLoadOpenAPI(t)
	coord, agare, led, rev := env.login("samordnare"), env.login("agare"), env.login("ledning"), env.login("revisor")
	m := fmt.Sprintf("/api/v1/municipalities/%d", env.ex)
	soc := env.unit("Exempelkommun/Socialförvaltningen")
	check := func(res *httptest.ResponseRecorder, method, route string, status int) map[string]any {
		t.Helper()
		if res.Code != status {
			t.Fatalf("%s %s: %d, want %d: %s", method, route, res.Code, status, res.Body)
		}
		op, ok := doc.operation(t, method, route)
		if !ok {
			t.Fatalf("no operation %s %s", method, route)
		}
		r := op.Responses[fmt.Sprint(status)]
		if r.Ref != "" {
			r = doc.Components.Responses[strings.TrimPrefix(r.Ref, "#/components/responses/")]
		}
		var v any
		if err := json.Unmarshal(res.Body.Bytes(), &v); err != nil {
			t.Fatalf("%s %s: not JSON: %s", method, route, res.Body)
		}
		for _, p := range tCheckSchema(doc, r.Content["application/json"].Schema, v, "$") {
			t.Errorf("%s %s: %s", method, route, p)
		}
		out, _ := v.(map[string]any)
		return out
	}
	api := "/api/v1/municipalities/:mid/"
	check(coord.get(m+"/risk-matrix"), "GET", api+"risk-matrix", 200)
	r := check(coord.postJSON(m+"/risks", map[string]any{"title": "Kontokapning i journalsystemet", "org_unit_id": soc, "likelihood": 4, "consequence": 5,
		"residual_likelihood": 3, "residual_consequence": 4, "control_ids": []string{"5.24"}, "threat": "Nätfiske", "vulnerability": "Inget andra steg vid inloggning"}),
		"POST", api+"risks", 201)
	if r["score"] != 20.0 || r["level"] != "very_high" || r["residual_level"] != "high" || r["acceptance"] != nil {
		t.Errorf("created risk %v", r)
	}
	ctls, _ := r["controls"].([]any)
	if len(ctls) != 1 || ctls[0].(map[string]any)["soa_status"] != "partial" {
		t.Errorf("controls %v", r["controls"])
	}
	id := int64(r["id"].(float64))
	rp := fmt.Sprintf("%s/risks/%d", m, id)
	check(coord.get(rp), "GET", api+"risks/:id", 200)
	check(coord.get(m+"/risks?level=very_high&treatment=reduce"), "GET", api+"risks", 200)

	// Bad input: 400 naming the field, nothing stored.
	before := env.tableCounts()
	for body, field := range map[string]string{
		`{"title":"x","org_unit_id":` + tItoa(soc) + `,"likelihood":6,"consequence":1}`:                                                  "likelihood",
		`{"title":"x","org_unit_id":` + tItoa(soc) + `,"likelihood":1,"consequence":1,"residual_likelihood":3}`:                          "residual_reason",
		`{"title":"x","org_unit_id":` + tItoa(soc) + `,"likelihood":1,"consequence":1,"asset_ids":[` + tItoa(env.doc(tDocPolicy)) + `]}`: "asset_ids",
		`{"title":"x","org_unit_id":` + tItoa(soc) + `,"likelihood":1,"consequence":1,"control_ids":["99.1"]}`:                           "control_ids",
		`{"title":"x","org_unit_id":` + tItoa(soc) + `,"likelihood":"hög","consequence":1}`:                                              "likelihood",
	} {
		e := tDecodeError(t, coord.postJSON(m+"/risks", body))
		if e.Error.Fields[field] == "" {
			t.Errorf("%s: fields %v, want %s", body, e.Error.Fields, field)
		}
	}
	if after := env.tableCounts(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("refused risks stored something: %v -> %v", before, after)
	}

	// Acceptance: the residual level is high, above the coordinator's tier: 403; management 201.
	acc := map[string]string{"justification": "Åtgärden kräver ett nytt system; risken godtas till upphandlingen.", "valid_until": env.app.Today().AddMonths(6).String()}
	check(coord.postJSON(rp+"/acceptance", acc), "POST", api+"risks/:id/acceptance", 403)
	check(rev.postJSON(rp+"/acceptance", acc), "POST", api+"risks/:id/acceptance", 403)
	check(agare.postJSON(rp+"/acceptance", acc), "POST", api+"risks/:id/acceptance", 403)
	check(led.postJSON(rp+"/acceptance", map[string]string{"valid_until": "2020-01-01"}), "POST", api+"risks/:id/acceptance", 400)
	r = check(led.postJSON(rp+"/acceptance", acc), "POST", api+"risks/:id/acceptance", 201)
	a, _ := r["acceptance"].(map[string]any)
	if a == nil || a["valid"] != true || a["valid_until"] != acc["valid_until"] || a["justification"] != acc["justification"] || a["accepted_by"] != float64(env.users["ledning"]) {
		t.Errorf("acceptance %v", r["acceptance"])
	}
	// Raising the residual score voids it; ledning is told.
	r = check(coord.doJSON("PUT", rp, map[string]any{"residual_likelihood": 4}), "PUT", api+"risks/:id", 200)
	if a, _ := r["acceptance"].(map[string]any); a["valid"] != false || a["void_reason"] != "residual_raised" {
		t.Errorf("after raising: %v", r["acceptance"])
	}
	var notes struct {
		Notifications []struct {
			Message string `json:"message"`
		} `json:"notifications"`
	}
	tDecode(t, led.get("/api/v1/me/notifications"), http.StatusOK, &notes)
	if len(notes.Notifications) == 0 || !strings.Contains(notes.Notifications[0].Message, "Kontokapning i journalsystemet") {
		t.Errorf("ledning was not told: %+v", notes)
	}

	// Actions, the heat map, analyses.
	ac := check(agare.postJSON(rp+"/actions", map[string]any{"title": "Inför tvåfaktorsinloggning", "due_at": env.app.Today().AddDays(60).String()}), "POST", api+"risks/:id/actions", 201)
	check(agare.get(rp+"/actions"), "GET", api+"risks/:id/actions", 200)
	check(agare.doJSON("PUT", fmt.Sprintf("%s/risk-actions/%d", m, int64(ac["id"].(float64))), map[string]any{"status": "in_progress"}), "PUT", api+"risk-actions/:id", 200)
	h := check(rev.get(m+"/heatmap?residual=1"), "GET", api+"heatmap", 200)
	if cells, _ := h["cells"].([]any); len(cells) != 25 || h["residual"] != true {
		t.Errorf("heat map %v", h)
	}
	check(rev.get(m+"/heatmap?residual=2"), "GET", api+"heatmap", 400)
	an := check(coord.postJSON(m+"/risk-analyses", map[string]any{"title": "Riskanalys av hemtjänsten", "org_unit_id": soc, "object_type": "process",
		"process": "Planering av hemtjänstbesök", "method": "MSB metodstöd", "participants": "Enhetschef, systemförvaltare", "analysed_at": "2026-11-01"}),
		"POST", api+"risk-analyses", 201)
	check(coord.get(fmt.Sprintf("%s/risk-analyses/%d", m, int64(an["id"].(float64)))), "GET", api+"risk-analyses/:id", 200)
	check(coord.postJSON(m+"/risk-analyses", map[string]any{"title": "x", "org_unit_id": soc, "object_type": "asset"}), "POST", api+"risk-analyses", 400)

	// The matrix: a smaller scale orphans the 5s (409 naming size); a mapping previews, then applies.
	e := check(coord.doJSON("PUT", m+"/risk-matrix", map[string]any{"size": 4}), "PUT", api+"risk-matrix", 409)
	if fields, _ := e["error"].(map[string]any)["fields"].(map[string]any); fields["size"] == nil {
		t.Errorf("409 without size: %v", e)
	}
	mapping := map[string]any{"size": 4, "mapping": map[string]any{"likelihood": []int{1, 2, 3, 4, 4}, "consequence": []int{1, 2, 3, 4, 4}}}
	p := check(coord.doJSON("PUT", m+"/risk-matrix?dry_run=1", mapping), "PUT", api+"risk-matrix", 200)
	if p["dry_run"] != true || p["risks_changed"].(float64) < 1 {
		t.Errorf("preview %v", p)
	}
	check(led.doJSON("PUT", m+"/risk-matrix", mapping), "PUT", api+"risk-matrix", 403)
	mx := check(coord.doJSON("PUT", m+"/risk-matrix", mapping), "PUT", api+"risk-matrix", 200)
	if mx["size"] != 4.0 || mx["version"] != 2.0 {
		t.Errorf("matrix %v", mx)
	}
	r = check(coord.get(rp), "GET", api+"risks/:id", 200)
	if r["likelihood"] != 4.0 || r["consequence"] != 4.0 || r["matrix_version"] != 2.0 {
		t.Errorf("risk after the migration %v", r)
	}

	// Exports: XLSX and CSV with the register's rows.
	res := rev.get(m + "/risks.xlsx")
	if res.Code != 200 {
		t.Fatalf("xlsx %d %s", res.Code, res.Body)
	}
	x, err := excelize.OpenReader(bytes.NewReader(res.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil || len(rows) < 2 || rows[0][1] != "Risk" || !strings.Contains(fmt.Sprint(rows), "Kontokapning i journalsystemet") {
		t.Errorf("xlsx rows %v %v", rows, err)
	}
	res = rev.get(m + "/risks.csv?level=very_high")
	if res.Code != 200 || !strings.HasPrefix(res.Body.String(), "\uFEFFId,Risk,") || !strings.Contains(res.Body.String(), "Kontokapning") {
		t.Errorf("csv %d %s", res.Code, res.Body)
	}
	if res := env.login("medarbetare").get(m + "/risks.csv"); res.Code != http.StatusForbidden {
		t.Errorf("staff export: %d", res.Code)
	}
}

// The register pages by keyset and filters; the risk page shows each linked control's SoA
// status; the heat map's cells link to the register filtered to them, with the same numbers in
// its table.
func TestRiskPages(t *testing.T) {
	env := newTestServer(t)
	coord := env.login("samordnare")
	soc := env.unit("Exempelkommun/Socialförvaltningen")
	for i := range 7 {
		three := 3
		title := fmt.Sprintf("Sidrisk %02d", i)
		if _, err := env.app.CreateRisk(env.ctx, env.caller("samordnare"), env.ex, domain.RiskInput{Title: &title, OrgUnitID: &soc, Likelihood: &three, Consequence: &three,
			ControlIDs: &[]string{"5.24"}}); err != nil {
			t.Fatal(err)
		}
	}
	base := fmt.Sprintf("/m/%d/risks", env.ex)
	body := coord.get(base + "?q=Sidrisk&limit=5").Body.String()
	next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(body)
	if strings.Count(body, ">Sidrisk ") != 5 || next == nil {
		t.Fatalf("first page: %d rows, next %v", strings.Count(body, ">Sidrisk "), next)
	}
	body = coord.get(strings.ReplaceAll(next[1], "&amp;", "&")).Body.String()
	if strings.Count(body, ">Sidrisk ") != 2 || !strings.Contains(body, "Sidrisk 06") || strings.Contains(body, "Sidrisk 00") {
		t.Errorf("second page: %s", body)
	}
	if body := coord.get(base + "?q=Sidrisk&level=low").Body.String(); strings.Contains(body, ">Sidrisk ") {
		t.Error("level filter let medium risks through")
	}

	id := env.extra["risk/own"]
	body = coord.get(fmt.Sprintf("%s/%d", base, id)).Body.String()
	for _, want := range []string{"Obehörig åtkomst own", "3 Medel × 3 Måttlig = 9", "Inför MFA own", `id="acceptance"`, "Acceptera risken"} {
		if !strings.Contains(body, want) {
			t.Errorf("the risk page lacks %q", want)
		}
	}
	r, _, err := env.app.Risk(env.ctx, env.caller("samordnare"), env.ex, env.extra["risk/own"])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.app.UpdateRisk(env.ctx, env.caller("samordnare"), env.ex, r.ID, domain.RiskInput{ControlIDs: &[]string{"5.24", "5.1"}}); err != nil {
		t.Fatal(err)
	}
	body = coord.get(fmt.Sprintf("%s/%d", base, id)).Body.String()
	if !regexp.MustCompile(`5\.24 [^<]+</a></td><td><span class="badge ctl-partial">Delvis`).MatchString(body) ||
		!regexp.MustCompile(`5\.1 [^<]+</a></td><td><span class="badge ctl-implemented">Införd`).MatchString(body) {
		t.Errorf("the controls' SoA statuses are not shown beside them")
	}

	// An acceptance without justification comes back with the error summary linking to the
	// field and "Fel:" in the title; nothing is stored.
	res := env.login("ledning").postForm(fmt.Sprintf("%s/%d/acceptance", base, id), url.Values{"justification": {""}, "valid_until": {"2020-01-01"}})
	if res.Code != http.StatusBadRequest || !strings.Contains(res.Body.String(), "<title>Fel: ") || !strings.Contains(res.Body.String(), `href="#f-accept-justification"`) ||
		!strings.Contains(res.Body.String(), "Ange varför risken kan accepteras.") {
		t.Errorf("bad acceptance: %d %s", res.Code, res.Body)
	}
	if got, _, _ := env.app.Risk(env.ctx, env.caller("samordnare"), env.ex, id); got.Acceptance != nil {
		t.Error("a refused acceptance was stored")
	}

	// The heat map: the 3×3 cell holds the eight medium risks of Socialförvaltningen.
	body = coord.get(fmt.Sprintf("/m/%d/heatmap?org_unit_id=%d", env.ex, soc)).Body.String()
	cell := fmt.Sprintf(`/m/%d/risks?consequence=3&amp;likelihood=3&amp;org_unit_id=%d`, env.ex, soc)
	if !strings.Contains(body, `<svg class="heatmap"`) || !strings.Contains(body, `<a href="`+cell+`">8<span class="visually-hidden">`) || !strings.Contains(body, `<a href="`+cell+`"><rect`) {
		t.Errorf("heat map cell 3×3: %s", body)
	}
	body = coord.get(strings.ReplaceAll(cell, "&amp;", "&")).Body.String()
	if n := strings.Count(body, `<tr><td><a href="/m/`); n != 8 {
		t.Errorf("the cell's register has %d rows, want 8", n)
	}

	// The dashboard: ledning sees the risks waiting for a decision.
	body = env.login("ledning").get(fmt.Sprintf("/m/%d", env.ex)).Body.String()
	if !strings.Contains(body, "Risker som väntar på ditt beslut") || !strings.Contains(body, "Sidrisk 00") {
		t.Errorf("ledning's dashboard lacks the decisions")
	}
	if body := env.login("revisor").get(fmt.Sprintf("/m/%d", env.ex)).Body.String(); strings.Contains(body, "Risker som väntar på ditt beslut") {
		t.Error("the auditor is asked to decide")
	}
}

// The matrix page: shrinking to 4×4 while risks use 5 asks where the old values go, previews
// the change and applies it.
func TestRiskMatrixPage(t *testing.T) {
	env := newTestServer(t)
	coord := env.login("samordnare")
	soc := env.unit("Exempelkommun/Socialförvaltningen")
	five := 5
	title := "Brand i serverrummet"
	if _, err := env.app.CreateRisk(env.ctx, env.caller("samordnare"), env.ex, domain.RiskInput{Title: &title, OrgUnitID: &soc, Likelihood: &five, Consequence: &five}); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/m/%d/risk-matrix", env.ex)
	res := coord.postForm(path, url.Values{"size": {"4"}, "labels_size": {"5"}, "form_has_thresholds": {"1"}, "form_has_tiers": {"1"},
		"acceptance_level": {"low"}, "tier_coordinator": {"medium"}, "tier_management": {"very_high"}})
	if res.Code != http.StatusConflict || !strings.Contains(res.Body.String(), `name="map_likelihood_5"`) || !strings.Contains(res.Body.String(), "<title>Fel: ") {
		t.Fatalf("orphaning change: %d %s", res.Code, res.Body)
	}
	v := url.Values{"size": {"4"}, "labels_size": {"5"}, "form_has_thresholds": {"1"}, "form_has_tiers": {"1"}, "form_has_mapping": {"1"},
		"acceptance_level": {"low"}, "tier_coordinator": {"medium"}, "tier_management": {"very_high"}, "dry_run": {"1"}}
	for i := 1; i <= 5; i++ {
		v.Set(fmt.Sprintf("map_likelihood_%d", i), fmt.Sprint(min(i, 4)))
		v.Set(fmt.Sprintf("map_consequence_%d", i), fmt.Sprint(min(i, 4)))
	}
	res = coord.postForm(path, v)
	if res.Code != http.StatusOK || !regexp.MustCompile(`version 2\. [1-9]\d* risker får nya värden`).MatchString(res.Body.String()) {
		t.Fatalf("preview: %d %s", res.Code, res.Body)
	}
	if m, _ := env.app.RiskMatrix(env.ctx, env.caller("samordnare"), env.ex); m.Size != 5 {
		t.Fatal("the preview stored the change")
	}
	v.Del("dry_run")
	if res = coord.postForm(path, v); res.Code != http.StatusSeeOther {
		t.Fatalf("apply: %d %s", res.Code, res.Body)
	}
	if m, _ := env.app.RiskMatrix(env.ctx, env.caller("samordnare"), env.ex); m.Size != 4 || m.Version != 2 {
		t.Errorf("matrix after apply: %+v", m)
	}
	if body := coord.get(path).Body.String(); !strings.Contains(body, "4 × 4 steg och version 2") {
		t.Errorf("matrix page: %s", body)
	}
}

// One page of the risk register costs a fixed number of SQL statements, however many risks,
// actions and acceptances there are.
func TestRiskRegisterStatements(t *testing.T) {
	if storetest.OnPostgres() {
		t.Skip("statements are counted on SQLite")
	}
	storetest.CountStatements(t)
	env := newTestServer(t)
	coord := env.login("samordnare")
	pages := []string{
		fmt.Sprintf("/m/%d/risks", env.ex),
		fmt.Sprintf("/m/%d/risks?level=medium", env.ex),
		fmt.Sprintf("/api/v1/municipalities/%d/risks", env.ex),
		fmt.Sprintf("/m/%d/risks/%d", env.ex, env.extra["risk/own"]),
		fmt.Sprintf("/m/%d/heatmap", env.ex),
		fmt.Sprintf("/m/%d/risk-analyses/%d", env.ex, env.extra["analysis/own"]),
	}
	count := func() map[string]int64 {
		out := map[string]int64{}
		for _, p := range pages {
			coord.get(p)
			before := storetest.Statements.Load()
			if res := coord.get(p); res.Code != http.StatusOK {
				t.Fatalf("%s: %d", p, res.Code)
			}
			out[p] = storetest.Statements.Load() - before
		}
		return out
	}
	small := count()
	soc, c := env.unit("Exempelkommun/Socialförvaltningen"), env.caller("samordnare")
	for i := range 30 {
		title, four := fmt.Sprintf("Fler risker %02d", i), 4
		owner := env.users[[]string{"agare", "samordnare", "ledning"}[i%3]]
		r, err := env.app.CreateRisk(env.ctx, c, env.ex, domain.RiskInput{Title: &title, OrgUnitID: &soc, OwnerID: &owner, Likelihood: &four, Consequence: &four,
			ControlIDs: &[]string{"5.24", "5.1"}, AnalysisID: tPtr(env.extra["analysis/own"])})
		if err != nil {
			t.Fatal(err)
		}
		due := env.app.Today().AddDays(10).String()
		if _, err := env.app.CreateRiskAction(env.ctx, c, env.ex, env.extra["risk/own"], domain.RiskActionInput{Title: &title, DueAt: &due}); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			why, until := "Godtas", env.app.Today().AddDays(100).String()
			if _, err := env.app.AcceptRisk(env.ctx, env.caller("ledning"), env.ex, r.ID, domain.AcceptanceInput{Justification: &why, ValidUntil: &until}); err != nil {
				t.Fatal(err)
			}
		}
	}
	large := count()
	const bound = 25
	for _, p := range pages {
		if large[p] != small[p] {
			t.Errorf("%s: %d statements with few risks, %d with 30 more (N+1)", p, small[p], large[p])
		}
		if large[p] > bound {
			t.Errorf("%s: %d statements (bound %d)", p, large[p], bound)
		}
		t.Logf("%-45s %2d statements", p, large[p])
	}
}
