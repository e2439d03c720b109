package web

// The statement of applicability (tillämplighetsförklaring) end to end over HTTP, on a real
// database with the demo data: the catalogs, the rows and their validation, per-unit
// statuses, the gap analysis, the exports, the import (API and pages), the pages and OSCAL.

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/lisa-isms/lisa/internal/catalog"
)

// tSoARow is the part of a statement-of-applicability row the tests read.
type tSoARow struct {
	ID            int64   `json:"id"`
	Kind          string  `json:"kind"`
	CatalogID     string  `json:"catalog_id"`
	ControlID     string  `json:"control_id"`
	Applicable    bool    `json:"applicable"`
	Justification string  `json:"justification"`
	Status        string  `json:"status"`
	OwnerID       *int64  `json:"owner_id"`
	NextReviewAt  *string `json:"next_review_at"`
	ControlTitle  string  `json:"control_title"`
	ControlTitleS string  `json:"control_title_sv"`
	UnitStatuses  []struct {
		OrgUnitID int64  `json:"org_unit_id"`
		Status    string `json:"status"`
	} `json:"unit_statuses"`
}

// tImportResult is the answer of POST .../soa.xlsx.
type tImportResult struct {
	DryRun  bool `json:"dry_run"`
	Applied bool `json:"applied"`
	Changes []struct {
		Line      int    `json:"line"`
		ControlID string `json:"control_id"`
		Before    struct {
			Applicable    bool   `json:"applicable"`
			Justification string `json:"justification"`
			Status        string `json:"status"`
		} `json:"before"`
		After struct {
			Applicable    bool   `json:"applicable"`
			Justification string `json:"justification"`
			Status        string `json:"status"`
		} `json:"after"`
	} `json:"changes"`
}

// tRowsError is an error body with the rejected rows of a multi-row change.
type tRowsError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
		Rows    []struct {
			Row       int               `json:"row"`
			ControlID string            `json:"control_id"`
			Message   string            `json:"message"`
			Fields    map[string]string `json:"fields"`
		} `json:"rows"`
	} `json:"error"`
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func (e *testEnv) soaPath(mun int64, rest string) string {
	return fmt.Sprintf("/api/v1/municipalities/%d/soa%s", mun, rest)
}

// soa reads the statement of applicability as c, by control id.
func (e *testEnv) soa(c *testClient, mun int64) ([]tSoARow, map[string]tSoARow) {
	e.t.Helper()
	var rows []tSoARow
	tDecode(e.t, c.get(e.soaPath(mun, "")), http.StatusOK, &rows)
	by := map[string]tSoARow{}
	for _, r := range rows {
		by[r.ControlID] = r
	}
	return rows, by
}

// tMatchesDoc checks a real JSON response against what openapi.json says of it.
func tMatchesDoc(t *testing.T, doc tOpenAPI, method, route string, res *httptest.ResponseRecorder) {
	t.Helper()
	op, ok := doc.operation(t, method, route)
	if !ok {
		t.Errorf("no operation %s %s in openapi.json", method, route)
		return
	}
	r, ok := op.Responses[fmt.Sprint(res.Code)]
	if !ok {
		t.Errorf("%s %s: status %d is not documented", method, route, res.Code)
		return
	}
	if r.Ref != "" {
		r = doc.Components.Responses[strings.TrimPrefix(r.Ref, "#/components/responses/")]
	}
	media, ok := r.Content["application/json"]
	if !ok {
		t.Errorf("%s %s: no JSON schema for %d", method, route, res.Code)
		return
	}
	var v any
	if err := json.Unmarshal(res.Body.Bytes(), &v); err != nil {
		t.Errorf("%s %s: body is not JSON: %v", method, route, err)
		return
	}
	for _, p := range tCheckSchema(doc, media.Schema, v, "$") {
		t.Errorf("%s %s %d: %s", method, route, res.Code, p)
	}
}

func TestSoACatalogs(t *testing.T) {
	env := newTestServer(t)
	doc := tLoadOpenAPI(t)
	c := env.login("medarbetare") // reference data: anyone logged in

	res := c.get("/api/v1/catalogs")
	tMatchesDoc(t, doc, "GET", "/api/v1/catalogs", res)
	var cats []struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		NameSV   string `json:"name_sv"`
		Version  string `json:"version"`
		Controls int    `json:"controls"`
	}
	tDecode(t, res, http.StatusOK, &cats)
	want := map[string]int{"iso27001-2022": 93, "msb-lis": 11, "nis2-art21": 10}
	if len(cats) != len(want) {
		t.Errorf("catalogs %+v", cats)
	}
	for _, cat := range cats {
		if n, ok := want[cat.ID]; !ok || cat.Controls != n || cat.Name == "" || cat.NameSV == "" || cat.Version == "" {
			t.Errorf("catalog %+v, want %d controls", cat, n)
		}
	}

	res = c.get("/api/v1/catalogs/iso27001-2022/controls")
	tMatchesDoc(t, doc, "GET", "/api/v1/catalogs/:cat/controls", res)
	var ctls []struct {
		ID       string              `json:"id"`
		Title    string              `json:"title"`
		TitleSV  string              `json:"title_sv"`
		Theme    string              `json:"theme"`
		Mappings map[string][]string `json:"mappings"`
	}
	tDecode(t, res, http.StatusOK, &ctls)
	if len(ctls) != 93 {
		t.Fatalf("%d controls", len(ctls))
	}
	first := ctls[0]
	if first.ID != "5.1" || first.Title == "" || first.TitleSV == "" || first.Theme != "organizational" {
		t.Errorf("first control %+v", first)
	}
	if len(first.Mappings["nis2-art21"]) == 0 || len(first.Mappings["msb-lis"]) == 0 {
		t.Errorf("5.1 maps to %+v", first.Mappings)
	}
	for _, id := range first.Mappings["nis2-art21"] {
		if env.catalogs(t).Control(catalog.Ref{Catalog: "nis2-art21", Control: id}) == nil {
			t.Errorf("5.1 maps to unknown NIS2 measure %q", id)
		}
	}
	if _, ok := first.Mappings["iso27001-2022"]; ok {
		t.Errorf("a control maps to its own catalog: %+v", first.Mappings)
	}
	// The mapped catalogs map back.
	var nis []struct {
		ID       string              `json:"id"`
		Mappings map[string][]string `json:"mappings"`
	}
	tDecode(t, c.get("/api/v1/catalogs/nis2-art21/controls"), http.StatusOK, &nis)
	if len(nis) != 10 || len(nis[0].Mappings["iso27001-2022"]) == 0 {
		t.Errorf("NIS2 measures %+v", nis)
	}

	res = c.get("/api/v1/catalogs/finns-inte/controls")
	if res.Code != http.StatusNotFound {
		t.Errorf("unknown catalog: %d", res.Code)
	}
	tMatchesDoc(t, doc, "GET", "/api/v1/catalogs/:cat/controls", res)
	if res := env.client().get("/api/v1/catalogs"); res.Code != http.StatusUnauthorized {
		t.Errorf("anonymous: %d", res.Code)
	}
}

func TestSoARowsAPI(t *testing.T) {
	env := newTestServer(t)
	doc := tLoadOpenAPI(t)
	coord := env.login("samordnare")
	route := "/api/v1/municipalities/:mid/soa/:ctl"

	res := coord.get(env.soaPath(env.ex, ""))
	tMatchesDoc(t, doc, "GET", "/api/v1/municipalities/:mid/soa", res)
	var raw []map[string]json.RawMessage
	tDecode(t, res, http.StatusOK, &raw)
	if len(raw) != 93 {
		t.Fatalf("%d rows, want 93", len(raw))
	}
	for _, f := range []string{"control_id", "applicable", "justification", "status", "owner_id", "next_review_at"} {
		if _, ok := raw[0][f]; !ok {
			t.Errorf("row lacks %s: %v", f, tSortedKeys(raw[0]))
		}
	}
	rows, by := env.soa(coord, env.ex)
	if rows[0].ControlID != "5.1" || rows[92].ControlID != "8.34" || rows[0].Kind != "control" || rows[0].CatalogID != "iso27001-2022" {
		t.Errorf("rows run %s..%s (%+v)", rows[0].ControlID, rows[92].ControlID, rows[0])
	}
	if r := by["7.5"]; !r.Applicable || r.Status != "not_started" || r.NextReviewAt == nil {
		t.Errorf("7.5 before: %+v", r)
	}

	// Not applicable needs a justification, in Swedish, naming the field.
	res = coord.doJSON("PUT", env.soaPath(env.ex, "/7.5"), map[string]any{"applicable": false})
	tMatchesDoc(t, doc, "PUT", route, res)
	if res.Code != http.StatusBadRequest {
		t.Fatalf("not applicable without justification: %d %s", res.Code, res.Body)
	}
	if e := tDecodeError(t, res); e.Error.Fields["justification"] != "Motivera varför åtgärden inte är tillämplig." {
		t.Errorf("error %+v", e)
	}
	// 7.4 is not applicable in the demo; emptying its justification is refused too.
	res = coord.doJSON("PUT", env.soaPath(env.ex, "/7.4"), map[string]any{"justification": " "})
	if res.Code != http.StatusBadRequest || tDecodeError(t, res).Error.Fields["justification"] == "" {
		t.Errorf("emptying a justification: %d %s", res.Code, res.Body)
	}
	if _, by := env.soa(coord, env.ex); by["7.5"].Status != "not_started" || !by["7.5"].Applicable || by["7.4"].Justification == "" {
		t.Errorf("a refused change was stored: %+v %+v", by["7.5"], by["7.4"])
	}
	res = coord.doJSON("PUT", env.soaPath(env.ex, "/7.5"), map[string]any{"applicable": false, "justification": "Kommunen har inga egna lokaler med publika besökare."})
	tMatchesDoc(t, doc, "PUT", route, res)
	var row tSoARow
	tDecode(t, res, http.StatusOK, &row)
	if row.Status != "not_applicable" || row.Applicable || row.ControlID != "7.5" {
		t.Errorf("after: %+v", row)
	}
	// Applicable again: back to a real status.
	tDecode(t, coord.doJSON("PUT", env.soaPath(env.ex, "/7.5"), map[string]any{"applicable": true, "status": "delvis"}), http.StatusOK, &row)
	if row.Status != "partial" || !row.Applicable {
		t.Errorf("applicable again: %+v", row)
	}

	// Bad values, unknown controls, other municipalities.
	res = coord.doJSON("PUT", env.soaPath(env.ex, "/7.5"), map[string]any{"status": "bogus"})
	tMatchesDoc(t, doc, "PUT", route, res)
	if res.Code != http.StatusBadRequest || tDecodeError(t, res).Error.Fields["status"] == "" {
		t.Errorf("bogus status: %d %s", res.Code, res.Body)
	}
	res = coord.doJSON("PUT", env.soaPath(env.ex, "/9.99"), map[string]any{"status": "partial"})
	tMatchesDoc(t, doc, "PUT", route, res)
	if res.Code != http.StatusNotFound {
		t.Errorf("unknown control: %d %s", res.Code, res.Body)
	}
	res = env.login("samordnare2").doJSON("PUT", env.soaPath(env.ex, "/5.24"), map[string]any{"status": "implemented"})
	if res.Code != http.StatusNotFound {
		t.Errorf("Grannkommun's coordinator on Exempelkommun's row: %d %s", res.Code, res.Body)
	}
	if res := coord.get(env.soaPath(env.gr, "")); res.Code != http.StatusNotFound {
		t.Errorf("Exempelkommun's coordinator reading Grannkommun: %d", res.Code)
	}
	if _, by := env.soa(coord, env.ex); by["5.24"].Status != "partial" {
		t.Errorf("5.24 changed from another municipality: %+v", by["5.24"])
	}
	// Grannkommun's own statement is made on first read: every row applicable, not started.
	grRows, _ := env.soa(env.login("samordnare2"), env.gr)
	if len(grRows) != 93 || grRows[0].Status != "not_started" || !grRows[0].Applicable || grRows[0].ID == rows[0].ID {
		t.Errorf("Grannkommun's statement: %d rows, first %+v", len(grRows), grRows[0])
	}

	// Per-unit statuses decide the municipality's status.
	soc, buf := env.unit("Exempelkommun/Socialförvaltningen"), env.unit("Exempelkommun/Barn- och utbildningsförvaltningen")
	type us struct {
		OrgUnitID int64  `json:"org_unit_id"`
		Status    string `json:"status"`
	}
	// The overall status over every unit: the two named have their own, the rest follow the
	// base status given.
	for _, tc := range []struct {
		base  string
		units []us
		want  string
	}{
		{"implemented", []us{{soc, "implemented"}, {buf, "partial"}}, "partial"},
		{"implemented", []us{{soc, "implemented"}, {buf, "införd"}}, "implemented"},
		{"not_started", []us{{soc, "not_started"}, {buf, "not_started"}}, "not_started"},
		{"implemented", []us{{soc, "not_started"}, {buf, "not_started"}}, "partial"},
		{"not_started", []us{{soc, "not_started"}, {buf, "implemented"}}, "partial"},
	} {
		res := coord.doJSON("PUT", env.soaPath(env.ex, "/8.9"), map[string]any{"unit_statuses": tc.units, "status": tc.base})
		tMatchesDoc(t, doc, "PUT", route, res)
		tDecode(t, res, http.StatusOK, &row)
		if row.Status != tc.want || len(row.UnitStatuses) != 2 {
			t.Errorf("base %s, units %+v: %+v, want %s", tc.base, tc.units, row, tc.want)
		}
	}
	for name, units := range map[string][]us{
		"another municipality's unit": {{env.unit("Grannkommun/Kommunkontoret"), "implemented"}},
		"not applicable in a unit":    {{soc, "not_applicable"}},
		"a unit twice":                {{soc, "implemented"}, {soc, "partial"}},
		"an unknown status":           {{soc, "klar"}},
	} {
		res := coord.doJSON("PUT", env.soaPath(env.ex, "/8.9"), map[string]any{"unit_statuses": units})
		if res.Code != http.StatusBadRequest || tDecodeError(t, res).Error.Fields["unit_statuses"] == "" {
			t.Errorf("%s: %d %s", name, res.Code, res.Body)
		}
	}
	tDecode(t, coord.doJSON("PUT", env.soaPath(env.ex, "/8.9"), map[string]any{"unit_statuses": []us{}, "status": "implemented"}), http.StatusOK, &row)
	if row.Status != "implemented" || len(row.UnitStatuses) != 0 {
		t.Errorf("units removed: %+v", row)
	}

	// Who changes what: the information owner only the rows they own, and keeps them.
	owner := env.login("agare")
	agare, ledning := env.users["agare"], env.users["ledning"]
	res = owner.doJSON("PUT", env.soaPath(env.ex, "/5.24"), map[string]any{"status": "implemented"})
	tMatchesDoc(t, doc, "PUT", route, res)
	if res.Code != http.StatusForbidden {
		t.Errorf("owner on a row not theirs: %d %s", res.Code, res.Body)
	}
	for _, who := range []string{"ledning", "revisor", "medarbetare", "admin"} {
		if res := env.login(who).doJSON("PUT", env.soaPath(env.ex, "/5.24"), map[string]any{"status": "implemented"}); res.Code != http.StatusForbidden {
			t.Errorf("%s changing a row: %d", who, res.Code)
		}
	}
	tDecode(t, coord.doJSON("PUT", env.soaPath(env.ex, "/5.24"), map[string]any{"owner_id": agare}), http.StatusOK, &row)
	if row.OwnerID == nil || *row.OwnerID != agare {
		t.Fatalf("owner not assigned: %+v", row)
	}
	tDecode(t, owner.doJSON("PUT", env.soaPath(env.ex, "/5.24"), map[string]any{"status": "implemented"}), http.StatusOK, &row)
	if row.Status != "implemented" {
		t.Errorf("owner's change: %+v", row)
	}
	res = owner.doJSON("PUT", env.soaPath(env.ex, "/5.24"), map[string]any{"owner_id": ledning})
	if res.Code != http.StatusForbidden || tDecodeError(t, res).Error.Fields["owner_id"] == "" {
		t.Errorf("owner handing the row on: %d %s", res.Code, res.Body)
	}
	// The record parts follow the same rules.
	if res := owner.postJSON(env.soaPath(env.ex, "/5.24/comments"), map[string]string{"body": "Klart i min förvaltning."}); res.Code != http.StatusCreated {
		t.Errorf("owner commenting on their row: %d %s", res.Code, res.Body)
	} else {
		tMatchesDoc(t, doc, "POST", "/api/v1/municipalities/:mid/soa/:ctl/comments", res)
	}
	if res := owner.postJSON(env.soaPath(env.ex, "/5.25/comments"), map[string]string{"body": "Annans rad."}); res.Code != http.StatusForbidden {
		t.Errorf("owner commenting on another row: %d", res.Code)
	}
	if res := env.login("revisor").postJSON(env.soaPath(env.ex, "/5.25/comments"), map[string]string{"body": "Saknar bevis."}); res.Code != http.StatusCreated {
		t.Errorf("auditor commenting: %d", res.Code)
	}
	res = owner.postJSON(env.soaPath(env.ex, "/5.24/review"), map[string]string{"comment": "Granskad"})
	tMatchesDoc(t, doc, "POST", "/api/v1/municipalities/:mid/soa/:ctl/review", res)
	var rec struct {
		Kind           string  `json:"kind"`
		LastReviewedAt *string `json:"last_reviewed_at"`
	}
	tDecode(t, res, http.StatusOK, &rec)
	if rec.Kind != "control" || rec.LastReviewedAt == nil || *rec.LastReviewedAt != env.app.Today().String() {
		t.Errorf("review: %+v", rec)
	}
	res = owner.upload(env.soaPath(env.ex, "/5.24/evidence"), "bevis.pdf", tPDF, false)
	tMatchesDoc(t, doc, "POST", "/api/v1/municipalities/:mid/soa/:ctl/evidence", res)
	if res.Code != http.StatusCreated {
		t.Errorf("owner's evidence: %d %s", res.Code, res.Body)
	}
	for _, p := range []string{"/5.24/reviews", "/5.24/comments", "/5.24/evidence", "/5.24/history"} {
		res := coord.get(env.soaPath(env.ex, p))
		tMatchesDoc(t, doc, "GET", "/api/v1/municipalities/:mid/soa/:ctl"+p[len("/5.24"):], res)
		if res.Code != http.StatusOK {
			t.Errorf("%s: %d", p, res.Code)
		}
	}
	// Staff, who may read no row, are refused every row alike (not "not found" for some).
	staff := env.login("medarbetare")
	for _, p := range []string{"", "/5.24/comments", "/9.99/comments", "/5.24/history"} {
		if res := staff.get(env.soaPath(env.ex, p)); res.Code != http.StatusForbidden {
			t.Errorf("staff %s: %d", p, res.Code)
		}
	}

	// Own controls: a row of their own after Annex A.
	res = coord.postJSON(env.munPath(env.ex, "/own-controls"), map[string]string{"id": "K-1", "title": "Kameraövervakning av återvinningscentraler", "theme": "physical"})
	tMatchesDoc(t, doc, "POST", "/api/v1/municipalities/:mid/own-controls", res)
	if res.Code != http.StatusCreated {
		t.Fatalf("own control: %d %s", res.Code, res.Body)
	}
	if res := coord.postJSON(env.munPath(env.ex, "/own-controls"), map[string]string{"id": "K-1", "title": "Igen"}); res.Code != http.StatusConflict {
		t.Errorf("duplicate own control: %d %s", res.Code, res.Body)
	}
	if res := coord.postJSON(env.munPath(env.ex, "/own-controls"), map[string]string{"id": "5.1", "title": "Krock"}); res.Code != http.StatusBadRequest {
		t.Errorf("own control with an Annex A id: %d %s", res.Code, res.Body)
	}
	if res := owner.postJSON(env.munPath(env.ex, "/own-controls"), map[string]string{"id": "K-2", "title": "Ägarens"}); res.Code != http.StatusForbidden {
		t.Errorf("owner creating a control: %d", res.Code)
	}
	res = coord.get(env.munPath(env.ex, "/own-controls"))
	tMatchesDoc(t, doc, "GET", "/api/v1/municipalities/:mid/own-controls", res)
	rows, by = env.soa(coord, env.ex)
	if len(rows) != 94 || rows[93].ControlID != "K-1" || rows[93].CatalogID != "kommun" || by["K-1"].ControlTitle == "" {
		t.Errorf("own control row: %d rows, last %+v", len(rows), rows[len(rows)-1])
	}
	tDecode(t, coord.doJSON("PUT", env.soaPath(env.ex, "/K-1"), map[string]any{"status": "partial"}), http.StatusOK, &row)
	if row.Status != "partial" {
		t.Errorf("own control row change: %+v", row)
	}
	if res := env.login("samordnare2").doJSON("PUT", env.soaPath(env.gr, "/K-1"), map[string]any{"status": "partial"}); res.Code != http.StatusNotFound {
		t.Errorf("another municipality's own control: %d", res.Code)
	}
}

// tGap reads the gap analysis and returns the Annex A total and the counts of a theme.
func tGap(t *testing.T, env *testEnv, c *testClient, theme string) (total, th map[string]int) {
	t.Helper()
	var rep struct {
		Catalogs []struct {
			CatalogID string         `json:"catalog_id"`
			Total     map[string]int `json:"total"`
			Themes    []struct {
				ID            string `json:"id"`
				Implemented   int    `json:"implemented"`
				Partial       int    `json:"partial"`
				NotStarted    int    `json:"not_started"`
				NotApplicable int    `json:"not_applicable"`
			} `json:"themes"`
		} `json:"catalogs"`
		Units []struct {
			ID string `json:"id"`
		} `json:"units"`
	}
	tDecode(t, c.get(env.munPath(env.ex, "/gap")), http.StatusOK, &rep)
	ids := []string{}
	for _, cat := range rep.Catalogs {
		ids = append(ids, cat.CatalogID)
		if cat.CatalogID != "iso27001-2022" {
			continue
		}
		total = cat.Total
		for _, g := range cat.Themes {
			if g.ID == theme {
				th = map[string]int{"implemented": g.Implemented, "partial": g.Partial, "not_started": g.NotStarted, "not_applicable": g.NotApplicable}
			}
		}
	}
	if strings.Join(ids, " ") != "iso27001-2022 msb-lis nis2-art21" || len(rep.Units) == 0 {
		t.Errorf("gap report catalogs %v, %d units", ids, len(rep.Units))
	}
	return total, th
}

func TestSoAGap(t *testing.T) {
	env := newTestServer(t)
	doc := tLoadOpenAPI(t)
	coord := env.login("samordnare")
	res := coord.get(env.munPath(env.ex, "/gap"))
	tMatchesDoc(t, doc, "GET", "/api/v1/municipalities/:mid/gap", res)

	total, people := tGap(t, env, coord, "people")
	sum := 0
	for _, n := range total {
		sum += n
	}
	if sum != 93 {
		t.Errorf("Annex A counts %v add up to %d", total, sum)
	}
	_, by := env.soa(coord, env.ex)
	if by["6.4"].Status != "not_started" {
		t.Fatalf("6.4 is %s in the demo", by["6.4"].Status)
	}
	if res := coord.doJSON("PUT", env.soaPath(env.ex, "/6.4"), map[string]any{"status": "implemented"}); res.Code != http.StatusOK {
		t.Fatalf("change: %d %s", res.Code, res.Body)
	}
	total2, people2 := tGap(t, env, coord, "people")
	if total2["implemented"] != total["implemented"]+1 || total2["not_started"] != total["not_started"]-1 {
		t.Errorf("total %v -> %v", total, total2)
	}
	if people2["implemented"] != people["implemented"]+1 || people2["not_started"] != people["not_started"]-1 {
		t.Errorf("people %v -> %v", people, people2)
	}
	// Not applicable leaves the applicable counts.
	if res := coord.doJSON("PUT", env.soaPath(env.ex, "/6.4"), map[string]any{"applicable": false, "justification": "Inga disciplinära åtgärder utanför arbetsrätten."}); res.Code != http.StatusOK {
		t.Fatalf("not applicable: %d %s", res.Code, res.Body)
	}
	total3, _ := tGap(t, env, coord, "people")
	if total3["not_applicable"] != total["not_applicable"]+1 || total3["implemented"] != total["implemented"] {
		t.Errorf("total %v -> %v", total, total3)
	}
	// With an own control the report has a catalog of its own, with no themes.
	if res := coord.postJSON(env.munPath(env.ex, "/own-controls"), map[string]string{"id": "K-1", "title": "Egen"}); res.Code != http.StatusCreated {
		t.Fatalf("own control: %d", res.Code)
	}
	res = coord.get(env.munPath(env.ex, "/gap"))
	tMatchesDoc(t, doc, "GET", "/api/v1/municipalities/:mid/gap", res)
	if !strings.Contains(res.Body.String(), `"catalog_id":"kommun"`) {
		t.Errorf("no own catalog in %s", res.Body)
	}
	if res := env.login("medarbetare").get(env.munPath(env.ex, "/gap")); res.Code != http.StatusForbidden {
		t.Errorf("staff: %d", res.Code)
	}
}

// tXLSX is an exported workbook opened for editing.
type tXLSX struct {
	t     *testing.T
	f     *excelize.File
	sheet string
}

func tOpenXLSX(t *testing.T, b []byte) *tXLSX {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("open workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return &tXLSX{t: t, f: f, sheet: f.GetSheetList()[0]}
}

func (x *tXLSX) rows() [][]string {
	x.t.Helper()
	rows, err := x.f.GetRows(x.sheet)
	if err != nil {
		x.t.Fatal(err)
	}
	return rows
}

// line is the spreadsheet line of control id.
func (x *tXLSX) line(id string) int {
	x.t.Helper()
	for i, r := range x.rows() {
		if len(r) > 0 && r[0] == id {
			return i + 1
		}
	}
	x.t.Fatalf("no row for %s", id)
	return 0
}

// set puts a value into a column (A = Id ... F = Status) of control id's row.
func (x *tXLSX) set(id, col, v string) int {
	x.t.Helper()
	line := x.line(id)
	if err := x.f.SetCellValue(x.sheet, fmt.Sprintf("%s%d", col, line), v); err != nil {
		x.t.Fatal(err)
	}
	return line
}

func (x *tXLSX) bytes() []byte {
	x.t.Helper()
	b, err := x.f.WriteToBuffer()
	if err != nil {
		x.t.Fatal(err)
	}
	return b.Bytes()
}

var tSoAHeader = []string{"Id", "Titel", "Tema", "Tillämplig", "Motivering", "Status", "Ägare", "Bevis", "Senast granskad", "Nästa granskning"}

func TestSoAExport(t *testing.T) {
	env := newTestServer(t)
	coord := env.login("samordnare")

	res := coord.get(env.soaPath(env.ex, ".csv"))
	if res.Code != http.StatusOK || !strings.HasPrefix(res.Header().Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(res.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("csv: %d %v", res.Code, res.Header())
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body.String(), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 94 || strings.Join(recs[0], ",") != strings.Join(tSoAHeader, ",") {
		t.Fatalf("csv: %d lines, header %v", len(recs), recs[0])
	}
	if recs[1][0] != "5.1" || recs[1][3] != "Ja" || recs[1][5] != "införd" {
		t.Errorf("csv 5.1: %v", recs[1])
	}
	for _, r := range recs[1:] {
		if r[0] == "7.4" && (r[3] != "Nej" || r[4] == "" || r[5] != "ej tillämplig") {
			t.Errorf("csv 7.4: %v", r)
		}
		if r[0] == "5.15" && r[6] != "Omar Ägare" {
			t.Errorf("csv 5.15 owner: %v", r)
		}
	}

	res = coord.get(env.soaPath(env.ex, ".xlsx"))
	if res.Code != http.StatusOK || res.Header().Get("Content-Type") != xlsxType || !strings.Contains(res.Header().Get("Content-Disposition"), ".xlsx") {
		t.Fatalf("xlsx: %d %v", res.Code, res.Header())
	}
	x := tOpenXLSX(t, res.Body.Bytes())
	if x.sheet != "Tillämplighetsförklaring" {
		t.Errorf("sheet %q", x.sheet)
	}
	rows := x.rows()
	if len(rows) != 94 || strings.Join(rows[0], ",") != strings.Join(tSoAHeader, ",") {
		t.Fatalf("xlsx: %d rows, header %v", len(rows), rows[0])
	}
	if rows[1][0] != "5.1" || rows[1][3] != "Ja" || rows[1][5] != "införd" {
		t.Errorf("xlsx 5.1: %v", rows[1])
	}
	// English on request.
	en := env.login("samordnare")
	en.header.Set("Accept-Language", "en")
	x = tOpenXLSX(t, en.get(env.soaPath(env.ex, ".xlsx")).Body.Bytes())
	if h := x.rows()[0]; h[3] != "Applicable" || h[5] != "Status" {
		t.Errorf("English header %v", h)
	}

	// Readers export; others do not.
	if res := env.login("revisor").get(env.soaPath(env.ex, ".xlsx")); res.Code != http.StatusOK {
		t.Errorf("auditor: %d", res.Code)
	}
	for _, p := range []string{".xlsx", ".csv", ".oscal.json"} {
		if res := env.login("medarbetare").get(env.soaPath(env.ex, p)); res.Code != http.StatusForbidden {
			t.Errorf("staff %s: %d", p, res.Code)
		}
		if res := coord.get(env.soaPath(env.gr, p)); res.Code != http.StatusNotFound {
			t.Errorf("other municipality %s: %d", p, res.Code)
		}
	}
}

func TestSoAOSCAL(t *testing.T) {
	env := newTestServer(t)
	doc := tLoadOpenAPI(t)
	c := env.login("revisor")
	for _, tc := range []struct{ path, route, top string }{
		{"/api/v1/catalogs/iso27001-2022/oscal.json", "/api/v1/catalogs/:cat/oscal.json", "catalog"},
		{"/api/v1/catalogs/msb-lis/oscal.json", "/api/v1/catalogs/:cat/oscal.json", "catalog"},
		{env.soaPath(env.ex, ".oscal.json"), "/api/v1/municipalities/:mid/soa.oscal.json", "component-definition"},
	} {
		res := c.get(tc.path)
		if res.Code != http.StatusOK || !strings.HasPrefix(res.Header().Get("Content-Type"), "application/json") {
			t.Errorf("%s: %d %s", tc.path, res.Code, res.Header().Get("Content-Type"))
			continue
		}
		var top map[string]json.RawMessage
		if err := json.Unmarshal(res.Body.Bytes(), &top); err != nil {
			t.Errorf("%s: not JSON: %v", tc.path, err)
			continue
		}
		if _, ok := top[tc.top]; !ok || len(top) != 1 {
			t.Errorf("%s: top level %v, want %s", tc.path, tSortedKeys(top), tc.top)
		}
		var inner map[string]any
		if err := json.Unmarshal(top[tc.top], &inner); err != nil || inner["uuid"] == nil || inner["metadata"] == nil {
			t.Errorf("%s: %s lacks uuid or metadata", tc.path, tc.top)
		}
		tMatchesDoc(t, doc, "GET", tc.route, res)
	}
	if res := c.get("/api/v1/catalogs/finns-inte/oscal.json"); res.Code != http.StatusNotFound {
		t.Errorf("unknown catalog: %d", res.Code)
	}
}

// tImport posts a workbook to the import API.
func tImport(c *testClient, env *testEnv, query string, data []byte) *httptest.ResponseRecorder {
	return c.send(tReq{method: "POST", path: env.soaPath(env.ex, ".xlsx") + query, body: data, ctype: xlsxType})
}

func TestSoAImportAPI(t *testing.T) {
	env := newTestServer(t)
	doc := tLoadOpenAPI(t)
	coord := env.login("samordnare")
	route := "/api/v1/municipalities/:mid/soa.xlsx"
	export := coord.get(env.soaPath(env.ex, ".xlsx")).Body.Bytes()

	// The unchanged export changes nothing.
	res := tImport(coord, env, "", export)
	tMatchesDoc(t, doc, "POST", route, res)
	var out tImportResult
	tDecode(t, res, http.StatusOK, &out)
	if len(out.Changes) != 0 || !out.Applied {
		t.Errorf("unchanged export: %+v", out)
	}

	// One status changed: a dry run shows it and stores nothing.
	x := tOpenXLSX(t, export)
	line := x.set("5.29", "F", "införd")
	edited := x.bytes()
	audit := env.count("SELECT COUNT(*) FROM audit_log")
	res = tImport(coord, env, "?dry_run=1", edited)
	tMatchesDoc(t, doc, "POST", route, res)
	tDecode(t, res, http.StatusOK, &out)
	if !out.DryRun || out.Applied || len(out.Changes) != 1 {
		t.Fatalf("dry run: %+v", out)
	}
	if ch := out.Changes[0]; ch.ControlID != "5.29" || ch.Line != line || ch.Before.Status != "not_started" || ch.After.Status != "implemented" || !ch.After.Applicable {
		t.Errorf("change %+v", ch)
	}
	if _, by := env.soa(coord, env.ex); by["5.29"].Status != "not_started" {
		t.Errorf("dry run stored: %+v", by["5.29"])
	}
	if n := env.count("SELECT COUNT(*) FROM audit_log"); n != audit {
		t.Errorf("dry run audited: %d -> %d entries", audit, n)
	}
	// Without dry_run it is stored, and the same file again changes nothing.
	res = tImport(coord, env, "", edited)
	tDecode(t, res, http.StatusOK, &out)
	if out.DryRun || !out.Applied || len(out.Changes) != 1 {
		t.Fatalf("import: %+v", out)
	}
	if _, by := env.soa(coord, env.ex); by["5.29"].Status != "implemented" {
		t.Errorf("import not stored: %+v", by["5.29"])
	}
	tDecode(t, tImport(coord, env, "", edited), http.StatusOK, &out)
	if len(out.Changes) != 0 {
		t.Errorf("re-import changes %+v", out.Changes)
	}
	// As a multipart upload too, in English.
	x = tOpenXLSX(t, edited)
	x.set("5.30", "D", "Nej")
	x.set("5.30", "E", "Ingen egen projektverksamhet.")
	body, ct := tMultipart(nil, "soa.xlsx", x.bytes())
	en := env.login("samordnare")
	en.header.Set("Accept-Language", "en")
	tDecode(t, en.send(tReq{method: "POST", path: env.soaPath(env.ex, ".xlsx?dry_run=true"), body: body, ctype: ct}), http.StatusOK, &out)
	if len(out.Changes) != 1 || out.Changes[0].After.Status != "not_applicable" || out.Changes[0].After.Justification != "Ingen egen projektverksamhet." {
		t.Errorf("multipart dry run: %+v", out)
	}

	// A bad status names its line; nothing of the file is stored.
	x = tOpenXLSX(t, export)
	x.set("5.3", "F", "införd")
	bad := x.set("5.25", "F", "nästan klar")
	res = tImport(coord, env, "", x.bytes())
	tMatchesDoc(t, doc, "POST", route, res)
	var re tRowsError
	tDecode(t, res, http.StatusBadRequest, &re)
	if re.Error.Code != "invalid" || len(re.Error.Rows) != 1 || re.Error.Rows[0].Row != bad || re.Error.Rows[0].ControlID != "5.25" || re.Error.Rows[0].Fields["status"] == "" {
		t.Errorf("bad status: %s", res.Body)
	}
	if _, by := env.soa(coord, env.ex); by["5.3"].Status != "partial" {
		t.Errorf("a rejected file was partly stored: %+v", by["5.3"])
	}
	// Not applicable without a justification is caught when the rows are checked.
	x = tOpenXLSX(t, export)
	line = x.set("6.5", "D", "Nej")
	tDecode(t, tImport(coord, env, "", x.bytes()), http.StatusBadRequest, &re)
	if len(re.Error.Rows) != 1 || re.Error.Rows[0].Row != line || re.Error.Rows[0].Fields["justification"] == "" {
		t.Errorf("missing justification: %+v", re)
	}

	// Not a workbook, too many rows, a bad flag.
	res = tImport(coord, env, "", []byte("Id;Status\n5.1;införd\n"))
	tMatchesDoc(t, doc, "POST", route, res)
	if e := tDecodeError(t, res); res.Code != http.StatusBadRequest || e.Error.Message != env.srv.i18n.T("sv", "err.xlsx_unreadable") ||
		!strings.Contains(e.Error.Message, "Excel") || e.Error.Fields["file"] == "" {
		t.Errorf("text file: %d %+v", res.Code, e)
	}
	res = tImport(coord, env, "", tBigWorkbook(t, 100001))
	tMatchesDoc(t, doc, "POST", route, res)
	if e := tDecodeError(t, res); res.Code != http.StatusBadRequest || e.Error.Message != env.srv.i18n.T("sv", "err.xlsx_too_many_rows") {
		t.Errorf("100,001 rows: %d %+v", res.Code, e)
	}
	if res := tImport(coord, env, "?dry_run=kanske", export); res.Code != http.StatusBadRequest {
		t.Errorf("dry_run=kanske: %d", res.Code)
	}
	if res := tImport(coord, env, "", nil); res.Code != http.StatusBadRequest {
		t.Errorf("empty body: %d", res.Code)
	}

	// Who may import: those who may change rows. Read-only roles are refused outright, even
	// with a file that changes nothing; the information owner may change their own rows.
	for _, who := range []string{"ledning", "revisor", "medarbetare", "admin"} {
		res := tImport(env.login(who), env, "", export)
		tMatchesDoc(t, doc, "POST", route, res)
		if res.Code != http.StatusForbidden {
			t.Errorf("%s importing: %d %s", who, res.Code, res.Body)
		}
	}
	if res := tImport(env.login("samordnare2"), env, "", export); res.Code != http.StatusNotFound {
		t.Errorf("another municipality's coordinator: %d", res.Code)
	}
	owner := env.login("agare")
	x = tOpenXLSX(t, coord.get(env.soaPath(env.ex, ".xlsx")).Body.Bytes())
	x.set("5.15", "F", "införd") // agare's row in the demo
	tDecode(t, tImport(owner, env, "", x.bytes()), http.StatusOK, &out)
	if len(out.Changes) != 1 || out.Changes[0].ControlID != "5.15" {
		t.Errorf("owner's own row: %+v", out)
	}
	line = x.set("5.24", "F", "införd") // nobody's row
	res = tImport(owner, env, "", x.bytes())
	tMatchesDoc(t, doc, "POST", route, res)
	tDecode(t, res, http.StatusBadRequest, &re)
	if len(re.Error.Rows) != 1 || re.Error.Rows[0].Row != line || re.Error.Rows[0].ControlID != "5.24" || re.Error.Rows[0].Message != env.srv.i18n.T("sv", "err.forbidden") {
		t.Errorf("owner on another row: %s", res.Body)
	}
	x.set("5.25", "F", "införd") // two rows not theirs: the same answer
	tDecode(t, tImport(owner, env, "", x.bytes()), http.StatusBadRequest, &re)
	if len(re.Error.Rows) != 2 {
		t.Errorf("owner on two other rows: %+v", re)
	}
	if _, by := env.soa(coord, env.ex); by["5.24"].Status != "partial" || by["5.25"].Status != "partial" {
		t.Errorf("rows not the owner's changed: %+v %+v", by["5.24"], by["5.25"])
	}
}

// tBigWorkbook is a workbook with the export's header and n data rows.
func tBigWorkbook(t *testing.T, n int) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	head := make([]any, len(tSoAHeader))
	for i, h := range tSoAHeader {
		head[i] = h
	}
	if err := sw.SetRow("A1", head); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, []any{fmt.Sprintf("X%d", i), "", "", "Ja", "", "delvis"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	if b.Len() > maxImportBytes {
		t.Fatalf("test workbook of %d bytes is over the upload limit", b.Len())
	}
	return b.Bytes()
}

var tHidden = regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)">`)

func TestSoAImportPages(t *testing.T) {
	env := newTestServer(t)
	coord := env.login("samordnare")
	page := fmt.Sprintf("/m/%d/soa-import", env.ex)

	res := coord.get(page)
	if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), "<h1>Importera tillämplighetsförklaring</h1>") ||
		!strings.Contains(res.Body.String(), `enctype="multipart/form-data"`) {
		t.Fatalf("import page: %d %s", res.Code, res.Body)
	}
	x := tOpenXLSX(t, coord.get(env.soaPath(env.ex, ".xlsx")).Body.Bytes())
	line := x.set("5.29", "F", "delvis")
	edited := x.bytes()

	// The preview: the change, as hidden fields of the confirm form; nothing stored yet.
	res = coord.upload(page, "soa.xlsx", edited, true)
	body := res.Body.String()
	if res.Code != http.StatusOK || !strings.Contains(body, "Förhandsgranskning") || !strings.Contains(body, `action="/m/`+tItoa(env.ex)+`/soa-import/apply"`) {
		t.Fatalf("preview: %d %s", res.Code, body)
	}
	form := url.Values{}
	for _, m := range tHidden.FindAllStringSubmatch(body, -1) {
		if m[1] != "csrf_token" {
			form.Add(m[1], html.UnescapeString(m[2]))
		}
	}
	if form.Get("control_id") != "5.29" || form.Get("line") != tItoa(int64(line)) || form.Get("status") != "partial" || form.Get("applicable") != "true" {
		t.Fatalf("hidden fields %v", form)
	}
	if _, by := env.soa(coord, env.ex); by["5.29"].Status != "not_started" {
		t.Errorf("the preview stored: %+v", by["5.29"])
	}

	// Confirming applies it.
	res = coord.postForm(page+"/apply", form)
	if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), env.srv.i18n.T("sv", "imp.applied", 1)) {
		t.Fatalf("apply: %d %s", res.Code, res.Body)
	}
	if _, by := env.soa(coord, env.ex); by["5.29"].Status != "partial" {
		t.Errorf("not applied: %+v", by["5.29"])
	}
	res = coord.get(fmt.Sprintf("/m/%d/soa?status=partial", env.ex))
	if !strings.Contains(res.Body.String(), `/soa/5.29"`) {
		t.Errorf("the statement does not list 5.29 as partial")
	}
	// The same file again: nothing to do.
	res = coord.upload(page, "soa.xlsx", edited, true)
	if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), env.srv.i18n.T("sv", "imp.nothing")) {
		t.Errorf("unchanged upload: %d", res.Code)
	}

	// A confirm form changed after the preview is checked again, naming the line.
	bad := url.Values{"line": {"31"}, "control_id": {"5.30"}, "applicable": {"false"}, "justification": {""}, "status": {"not_applicable"}}
	res = coord.postForm(page+"/apply", bad)
	if res.Code != http.StatusBadRequest || !strings.Contains(res.Body.String(), "<td>31</td><td>5.30</td>") {
		t.Errorf("bad confirm: %d %s", res.Code, res.Body)
	}
	if res := coord.postForm(page+"/apply", url.Values{"control_id": {"5.30"}}); res.Code != http.StatusBadRequest {
		t.Errorf("incomplete confirm: %d", res.Code)
	}

	// Errors in the file: the rows table, or the field error linked from the summary.
	x.set("5.31", "F", "nästan")
	res = coord.upload(page, "soa.xlsx", x.bytes(), true)
	if res.Code != http.StatusBadRequest || !strings.Contains(res.Body.String(), "Rader med fel") || !strings.Contains(res.Body.String(), "5.31") {
		t.Errorf("bad row: %d %s", res.Code, res.Body)
	}
	res = coord.upload(page, "soa.txt", []byte("inte en arbetsbok"), true)
	if res.Code != http.StatusBadRequest || !strings.Contains(res.Body.String(), `href="#f-file"`) ||
		!strings.Contains(res.Body.String(), html.EscapeString(env.srv.i18n.T("sv", "err.xlsx_unreadable"))) {
		t.Errorf("text file: %d %s", res.Code, res.Body)
	}
	// The form needs its CSRF token like any other.
	noToken, ct := tMultipart(nil, "soa.xlsx", edited)
	if res := coord.send(tReq{method: "POST", path: page, body: noToken, ctype: ct, noCSRF: true}); res.Code != http.StatusForbidden {
		t.Errorf("without the CSRF field: %d", res.Code)
	}

	// Read-only roles are refused the whole flow.
	for _, who := range []string{"ledning", "revisor"} {
		c := env.login(who)
		if res := c.get(page); res.Code != http.StatusForbidden {
			t.Errorf("%s, import page: %d", who, res.Code)
		}
		if res := c.upload(page, "soa.xlsx", edited, true); res.Code != http.StatusForbidden {
			t.Errorf("%s, preview: %d", who, res.Code)
		}
		if res := c.postForm(page+"/apply", form); res.Code != http.StatusForbidden {
			t.Errorf("%s, apply: %d", who, res.Code)
		}
	}
}

func TestSoAPages(t *testing.T) {
	env := newTestServer(t)
	coord := env.login("samordnare")
	base := fmt.Sprintf("/m/%d", env.ex)
	title := func(id string) string {
		return id + " " + env.catalogs(t).Control(catalog.Ref{Catalog: catalog.ISO, Control: id}).TitleSV
	}

	for _, tc := range []struct {
		who, path string
		want      []string
	}{
		{"samordnare", "/soa", []string{"<h1>Tillämplighetsförklaring – Exempelkommun</h1>", "93 åtgärder", "Omar Ägare", `href="/m/` + tItoa(env.ex) + `/soa-import"`, "Lägg till en egen åtgärd"}},
		// The information owner may not list people, but still sees who owns a row; may
		// import (their own rows) but not add controls.
		{"agare", "/soa", []string{"<h1>Tillämplighetsförklaring – Exempelkommun</h1>", "Omar Ägare", "/soa-import"}},
		{"revisor", "/soa?theme=technological&status=partial", []string{"<h1>Tillämplighetsförklaring – Exempelkommun</h1>", `/soa/8.5"`}},
		{"samordnare", "/soa/5.24", []string{"<h1>" + html.EscapeString(title("5.24")) + "</h1>", "Ändra raden", `id="f-justification"`, "Motsvarar"}},
		{"revisor", "/soa/7.4", []string{"<h1>" + html.EscapeString(title("7.4")) + "</h1>", "Kommunen har ingen egen serverhall"}},
		{"samordnare", "/gap", []string{"<h1>Gapanalys – Exempelkommun</h1>", "<svg", "Per organisationsenhet (bilaga A)",
			`<tr><th scope="row">Socialförvaltningen</th><td>`, `height="12" class="seg `}},
		{"samordnare", "/calendar", []string{"<h1>Översynskalender</h1>"}},
		{"samordnare", "/calendar?by=unit&due=overdue", []string{"<h1>Översynskalender</h1>"}},
	} {
		res := env.login(tc.who).get(base + tc.path)
		if res.Code != http.StatusOK {
			t.Errorf("%s %s: %d %.300s", tc.who, tc.path, res.Code, res.Body)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(res.Body.String(), w) {
				t.Errorf("%s %s lacks %q", tc.who, tc.path, w)
			}
		}
	}
	if body := env.login("agare").get(base + "/soa").Body.String(); strings.Contains(body, "Lägg till en egen åtgärd") {
		t.Errorf("the information owner is offered to add controls")
	}
	if body := env.login("ledning").get(base + "/soa").Body.String(); strings.Contains(body, "/soa-import") {
		t.Errorf("management is offered the import")
	}
	if body := env.login("revisor").get(base + "/soa/5.24").Body.String(); strings.Contains(body, "Ändra raden") {
		t.Errorf("the auditor is offered the edit form")
	}
	if res := coord.get(base + "/calendar?by=color"); res.Code != http.StatusBadRequest {
		t.Errorf("calendar by=color: %d", res.Code)
	}
	if res := env.login("medarbetare").get(base + "/calendar"); res.Code != http.StatusForbidden {
		t.Errorf("staff calendar: %d", res.Code)
	}
	if res := coord.get(base + "/soa/9.99"); res.Code != http.StatusNotFound {
		t.Errorf("unknown row page: %d", res.Code)
	}

	// The review lists' links lead to the row's page.
	_, by := env.soa(coord, env.ex)
	res := coord.get(fmt.Sprintf("%s/records/%d", base, by["5.24"].ID))
	if res.Code != http.StatusSeeOther || res.Header().Get("Location") != base+"/soa/5.24" {
		t.Errorf("record link: %d %q", res.Code, res.Header().Get("Location"))
	}

	// The row form: not applicable without a justification comes back with the input kept
	// and the summary linking to the field.
	row := base + "/soa/7.5"
	form := url.Values{"applicable": {"no"}, "justification": {""}, "status": {""}, "review_interval_months": {"24"},
		"next_review_at": {""}, "form_has_units": {"1"}, "form_has_evidence": {"1"}}
	res = coord.postForm(row, form)
	body := res.Body.String()
	if res.Code != http.StatusBadRequest {
		t.Fatalf("no justification: %d %s", res.Code, body)
	}
	for _, w := range []string{`class="error-summary"`, `href="#f-justification"`, env.srv.i18n.T("sv", "err.justification_required"),
		`id="f-applicable-no" name="applicable" value="no" checked`, `name="review_interval_months" type="number" class="short" value="24"`} {
		if !strings.Contains(body, html.EscapeString(w)) && !strings.Contains(body, w) {
			t.Errorf("re-rendered form lacks %q", w)
		}
	}
	if strings.Contains(body, `id="f-applicable-yes" name="applicable" value="yes" checked`) {
		t.Errorf("the form forgot the choice")
	}
	if _, by := env.soa(coord, env.ex); !by["7.5"].Applicable {
		t.Errorf("a refused form was stored: %+v", by["7.5"])
	}
	form.Set("justification", "Inga publika besöksytor.")
	res = coord.postForm(row, form)
	if res.Code != http.StatusSeeOther || res.Header().Get("Location") != row {
		t.Fatalf("with justification: %d %q %s", res.Code, res.Header().Get("Location"), res.Body)
	}
	_, by = env.soa(coord, env.ex)
	if r := by["7.5"]; r.Applicable || r.Status != "not_applicable" || r.Justification != "Inga publika besöksytor." {
		t.Errorf("stored %+v", r)
	}
	// Per-unit statuses from the form.
	soc, buf := env.unit("Exempelkommun/Socialförvaltningen"), env.unit("Exempelkommun/Barn- och utbildningsförvaltningen")
	res = coord.postForm(base+"/soa/8.9", url.Values{"applicable": {"yes"}, "status": {"not_started"}, "form_has_units": {"1"},
		"unit_status_" + tItoa(soc): {"implemented"}, "unit_status_" + tItoa(buf): {"partial"}})
	if res.Code != http.StatusSeeOther {
		t.Fatalf("unit statuses: %d %s", res.Code, res.Body)
	}
	_, by = env.soa(coord, env.ex)
	if r := by["8.9"]; r.Status != "partial" || len(r.UnitStatuses) != 2 {
		t.Errorf("unit statuses stored %+v", r)
	}
	// Someone who may not change the row gets the error page, not the form.
	if res := env.login("ledning").postForm(row, url.Values{"status": {"implemented"}}); res.Code != http.StatusForbidden {
		t.Errorf("management posting the form: %d", res.Code)
	}
	// An own control from the statement's page, and its error.
	res = coord.postForm(base+"/own-controls", url.Values{"id": {"1-fel"}, "title": {""}})
	if res.Code != http.StatusBadRequest || !strings.Contains(res.Body.String(), `href="#f-own-id"`) || !strings.Contains(res.Body.String(), `href="#f-own-title"`) {
		t.Errorf("own control errors: %d", res.Code)
	}
	res = coord.postForm(base+"/own-controls", url.Values{"id": {"K-7"}, "title": {"Säkerhetsskåp för tjänstetelefoner"}, "theme": {"physical"}})
	if res.Code != http.StatusSeeOther || res.Header().Get("Location") != base+"/soa/K-7" {
		t.Errorf("own control: %d %q", res.Code, res.Header().Get("Location"))
	}
	if res := coord.get(base + "/soa/K-7"); res.Code != http.StatusOK || !strings.Contains(res.Body.String(), "Säkerhetsskåp för tjänstetelefoner") {
		t.Errorf("own control page: %d", res.Code)
	}
}
