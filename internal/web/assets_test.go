package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/storetest"
)

// tAsset is an asset as the API answers it (the contract's field names).
type tAsset struct {
	ID             int64            `json:"id"`
	Name           string           `json:"name"`
	Kind           string           `json:"kind"`
	OrgUnitID      int64            `json:"org_unit_id"`
	Carries        []int64          `json:"carries"`
	Classification *json.RawMessage `json:"classification"`
	Effective      map[string]*int  `json:"effective_levels"`
	Requirements   []struct {
		ControlID string `json:"control_id"`
		Aspect    string `json:"aspect"`
		Level     int    `json:"level"`
		SoAStatus string `json:"soa_status"`
		Met       bool   `json:"met"`
	} `json:"requirements"`
	NextReviewAt *string `json:"next_review_at"`
	Status       string  `json:"status"`
}

func (e *testEnv) assetCount(t *testing.T) int {
	t.Helper()
	var n int
	if err := storetest.Raw(t, e.path).QueryRowContext(e.ctx, `SELECT COUNT(*) FROM assets`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAssetContractAndInheritanceOverTheAPI(t *testing.T) {
	env := newTestServer(t)
	coord := env.login("samordnare")
	base := fmt.Sprintf("/api/v1/municipalities/%d/assets", env.ex)
	sys, set := env.extra["asset/system/false"], env.extra["asset/set/false"]
	var a tAsset
	tDecode(t, coord.get(fmt.Sprintf("%s/%d", base, sys)), http.StatusOK, &a)
	if a.Kind != "system" || a.Name != "Verksamhetssystem för socialtjänsten" || len(a.Carries) != 4 || a.Classification != nil {
		t.Errorf("system = %+v", a)
	}
	if *a.Effective["confidentiality"] != 4 || *a.Effective["availability"] != 3 {
		t.Errorf("system's levels %v, want the highest of what it carries (K 4 from the child investigations, T 3)", a.Effective)
	}
	var gaps int
	for _, r := range a.Requirements {
		if !r.Met {
			gaps++
		}
		if r.ControlID == "8.13" && (!r.Met || r.SoAStatus != "implemented") {
			t.Errorf("backup 8.13 is implemented in the demo SoA: %+v", r)
		}
	}
	if gaps == 0 {
		t.Error("the demo system shows no gaps in its handlingsplan")
	}

	// Classifying the carried set higher raises the system at once.
	res := coord.doJSON("PUT", fmt.Sprintf("%s/%d/classification", base, set), map[string]any{
		"confidentiality": 3, "integrity": 4, "availability": 4, "traceability": 3, "rationale": "Hemtjänsten kan inte planeras utan journalen."})
	tDecode(t, res, http.StatusOK, &a)
	tDecode(t, coord.get(fmt.Sprintf("%s/%d", base, sys)), http.StatusOK, &a)
	if *a.Effective["integrity"] != 4 || *a.Effective["availability"] != 4 {
		t.Errorf("system after the set became I 4, A 4: %v", a.Effective)
	}

	// Bad input names the field and stores nothing.
	before := env.assetCount(t)
	for name, tc := range map[string]struct {
		method, path string
		body         map[string]any
		field        string
	}{
		"level above 4":        {"PUT", fmt.Sprintf("%s/%d/classification", base, set), map[string]any{"confidentiality": 5, "integrity": 1, "availability": 1, "traceability": 1, "rationale": "x"}, "confidentiality"},
		"no rationale":         {"PUT", fmt.Sprintf("%s/%d/classification", base, set), map[string]any{"confidentiality": 1, "integrity": 1, "availability": 1, "traceability": 1}, "rationale"},
		"system carries self":  {"PUT", fmt.Sprintf("%s/%d", base, sys), map[string]any{"carries": []int64{sys}}, "carries"},
		"unknown kind":         {"POST", base, map[string]any{"name": "X", "kind": "server", "org_unit_id": env.unit("Exempelkommun/Socialförvaltningen")}, "kind"},
		"set carries":          {"POST", base, map[string]any{"name": "Y", "kind": "information", "org_unit_id": env.unit("Exempelkommun/Socialförvaltningen"), "carries": []int64{set}}, "carries"},
		"unknown unit":         {"POST", base, map[string]any{"name": "Z", "kind": "system", "org_unit_id": 999999}, "org_unit_id"},
		"override w/o reason":  {"PUT", fmt.Sprintf("%s/%d/level-overrides", base, sys), map[string]any{}, ""},
		"special without pers": {"POST", base, map[string]any{"name": "W", "kind": "information", "org_unit_id": env.unit("Exempelkommun/Socialförvaltningen"), "special_categories": true}, "special_categories"},
	} {
		if tc.field == "" { // the overrides take a list
			res = coord.doJSON(tc.method, tc.path, []map[string]any{{"aspect": "availability", "level": 1}})
			tc.field = "overrides.availability"
		} else {
			res = coord.doJSON(tc.method, tc.path, tc.body)
		}
		if res.Code != http.StatusBadRequest {
			t.Errorf("%s: %d %s", name, res.Code, res.Body)
			continue
		}
		if e := tDecodeError(t, res); e.Error.Fields[tc.field] == "" {
			t.Errorf("%s: error names %v, want %s", name, e.Error.Fields, tc.field)
		}
	}
	if n := env.assetCount(t); n != before {
		t.Errorf("refused requests stored assets: %d → %d", before, n)
	}
	tDecode(t, coord.get(fmt.Sprintf("%s/%d", base, sys)), http.StatusOK, &a)
	if len(a.Carries) != 4 {
		t.Errorf("a refused change changed the carrying: %v", a.Carries)
	}
}

func TestAssetFormsSpeakSwedishAndKeepInput(t *testing.T) {
	env := newTestServer(t)
	coord := env.login("samordnare")
	m := fmt.Sprintf("/m/%d", env.ex)
	before := env.assetCount(t)
	res := coord.postForm(m+"/assets", url.Values{"name": {""}, "description": {"Kvar efter felet"}, "form_has_flags": {"1"}, "special_categories": {"on"}})
	body := res.Body.String()
	if res.Code != http.StatusBadRequest || !strings.Contains(body, "<title>Fel:") {
		t.Fatalf("empty form: %d", res.Code)
	}
	for _, want := range []string{"Välj typ av tillgång", "Ange ett namn.", "Välj organisationsenhet.", "markera även Personuppgifter", "Kvar efter felet", `href="#f-kind"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the form's errors lack %q", want)
		}
	}
	if env.assetCount(t) != before {
		t.Error("a refused form stored an asset")
	}
	res = coord.postForm(m+"/assets", url.Values{"name": {"Bygglovsärenden"}, "kind": {"information"}, "org_unit_id": {tItoa(env.unit("Exempelkommun/Tekniska förvaltningen"))},
		"activity_area": {"fastigheter"}, "form_has_flags": {"1"}, "personal_data": {"on"}, "review_interval_months": {"24"}})
	if res.Code != http.StatusSeeOther {
		t.Fatalf("create: %d %s", res.Code, res.Body)
	}
	page := coord.get(res.Header().Get("Location")).Body.String()
	for _, want := range []string{"Bygglovsärenden", "Informationsmängd", "Fastigheter", "Informationsmängden är inte klassad ännu.", "24 månader"} {
		if !strings.Contains(page, want) {
			t.Errorf("the new asset's page lacks %q", want)
		}
	}

	// Guided classification: the answers propose, a different level needs a reason, then it saves.
	path := res.Header().Get("Location") + "/classify"
	answers := url.Values{"method": {"guided"}, "step": {"propose"}, "answers.confidentiality": {"2"}, "answers.integrity": {"3"},
		"answers.availability_hour": {"0"}, "answers.availability_day": {"1"}, "answers.availability_week": {"4"}, "answers.traceability": {"2"}}
	res = coord.postForm(path, answers)
	if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), "Förslag:") {
		t.Fatalf("propose: %d", res.Code)
	}
	if !strings.Contains(res.Body.String(), `<option value="2" selected>2 Måttlig</option>`) { // availability: max(0, 1-1, 4-2) = 2
		t.Error("the proposal does not preselect availability 2")
	}
	answers.Set("step", "save")
	for _, a := range domain.Aspects {
		answers.Set(string(a), map[domain.Aspect]string{"confidentiality": "3", "integrity": "3", "availability": "2", "traceability": "2"}[a])
	}
	res = coord.postForm(path, answers)
	if res.Code != http.StatusBadRequest || !strings.Contains(res.Body.String(), "Ange skälet till att nivån avviker.") {
		t.Fatalf("a level other than the proposal without a reason: %d", res.Code)
	}
	answers.Set("override_reasons.confidentiality", "Ärendena rör enskildas bostäder.")
	if res = coord.postForm(path, answers); res.Code != http.StatusSeeOther {
		t.Fatalf("save guided: %d %s", res.Code, res.Body)
	}
	page = coord.get(strings.TrimSuffix(path, "/classify")).Body.String()
	if !strings.Contains(page, "Med frågor") || !strings.Contains(page, "3 Hög") {
		t.Error("the page does not show the guided classification")
	}
}

func TestAssetImportPreviewsNamesEveryBadRowAndAppliesAllOrNothing(t *testing.T) {
	env := newTestServer(t)
	coord := env.login("samordnare")
	api := fmt.Sprintf("/api/v1/municipalities/%d/assets.csv", env.ex)
	before := env.assetCount(t)
	bad := "Namn;Typ av tillgång;Organisationsenhet;Konfidentialitet;Ägare\n" +
		"Bygglov;Informationsmängd;Tekniska förvaltningen;2;Sara Samordnare\n" +
		"Okänd enhet;Informationsmängd;Miljöförvaltningen;1;\n" +
		"Dubblett;System eller tjänst;Socialförvaltningen;;\n" +
		"dubblett;System eller tjänst;Socialförvaltningen;;\n" +
		"Fel nivå;Informationsmängd;Socialförvaltningen;7;\n" +
		"Fel typ;Server;Socialförvaltningen;;\n" +
		"Okänd ägare;Informationsmängd;Socialförvaltningen;1;Ingen Alls\n"
	res := coord.send(tReq{method: "POST", path: api, body: []byte(bad), ctype: "text/csv"})
	if res.Code != http.StatusBadRequest {
		t.Fatalf("bad import: %d %s", res.Code, res.Body)
	}
	var e struct {
		Error struct {
			Rows []struct {
				Row    int               `json:"row"`
				Fields map[string]string `json:"fields"`
			} `json:"rows"`
		} `json:"error"`
	}
	if err := json.Unmarshal(res.Body.Bytes(), &e); err != nil {
		t.Fatal(err)
	}
	got := map[int]string{}
	for _, r := range e.Error.Rows {
		for f := range r.Fields {
			got[r.Row] += f
		}
	}
	for line, field := range map[int]string{4: "name", 5: "name", 6: "confidentiality", 7: "kind"} {
		if !strings.Contains(got[line], field) {
			t.Errorf("line %d: rejected for %q, want %s (all: %v)", line, got[line], field, got)
		}
	}
	if env.assetCount(t) != before {
		t.Fatal("a rejected import stored assets")
	}
	// With the format errors gone, the database's checks name the unknown unit and owner.
	bad = "Namn;Typ av tillgång;Organisationsenhet;Ägare\nBygglov;Informationsmängd;Tekniska förvaltningen;Sara Samordnare\n" +
		"Okänd enhet;Informationsmängd;Miljöförvaltningen;\nOkänd ägare;Informationsmängd;Socialförvaltningen;Ingen Alls\n"
	res = coord.send(tReq{method: "POST", path: api, body: []byte(bad), ctype: "text/csv"})
	if res.Code != http.StatusBadRequest || !strings.Contains(res.Body.String(), `"row":3`) || !strings.Contains(res.Body.String(), "org_unit_id") ||
		!strings.Contains(res.Body.String(), `"row":4`) || !strings.Contains(res.Body.String(), "owner_id") {
		t.Fatalf("unknown unit and owner: %d %s", res.Code, res.Body)
	}
	if env.assetCount(t) != before {
		t.Fatal("a rejected import stored assets")
	}

	// The page previews, then applies; levels on a set are its classification.
	m := fmt.Sprintf("/m/%d", env.ex)
	good := "Namn;Typ av tillgång;Organisationsenhet;Konfidentialitet;Riktighet;Tillgänglighet;Spårbarhet\n" +
		"Bygglov;Informationsmängd;Tekniska förvaltningen;2;3;1;2\nJournaler i hemtjänsten;Informationsmängd;Socialförvaltningen;3;3;3;3\n"
	res = coord.upload(m+"/asset-import", "tillgangar.csv", []byte(good), true)
	if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), "1 nya, 0 ändrade, 1 oförändrade.") {
		t.Fatalf("preview: %d %s", res.Code, res.Body)
	}
	if env.assetCount(t) != before {
		t.Fatal("the preview stored assets")
	}
	data := bytes.SplitN(res.Body.Bytes(), []byte(`name="data" value="`), 2)
	if len(data) != 2 {
		t.Fatal("the preview carries no file to confirm")
	}
	value := string(data[1][:bytes.IndexByte(data[1], '"')])
	res = coord.postForm(m+"/asset-import/apply", url.Values{"data": {value}})
	if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), "Importen är klar: 1 nya") {
		t.Fatalf("apply: %d %s", res.Code, res.Body)
	}
	var list []tAsset
	tDecode(t, coord.get(fmt.Sprintf("/api/v1/municipalities/%d/assets?q=Bygglov", env.ex)), http.StatusOK, &list)
	if len(list) != 1 || list[0].Classification == nil || *list[0].Effective["integrity"] != 3 {
		t.Errorf("imported asset = %+v", list)
	}

	// The export reads back: importing it changes nothing.
	x := coord.get(fmt.Sprintf("/api/v1/municipalities/%d/assets.xlsx", env.ex))
	if x.Code != http.StatusOK {
		t.Fatalf("export: %d", x.Code)
	}
	f, err := excelize.OpenReader(bytes.NewReader(x.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil || len(rows) != env.assetCount(t)+1-2 || rows[0][0] != "Titel" { // Grannkommun's two are not Exempelkommun's
		t.Fatalf("export rows %d (want %d), header %v, %v", len(rows), env.assetCount(t)-1, rows[0], err)
	}
	res = coord.send(tReq{method: "POST", path: fmt.Sprintf("/api/v1/municipalities/%d/assets.xlsx?dry_run=1", env.ex), body: x.Body.Bytes(),
		ctype: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
	var out struct {
		Rows []struct {
			Action string `json:"action"`
			Name   string `json:"name"`
		} `json:"rows"`
	}
	tDecode(t, res, http.StatusOK, &out)
	for _, r := range out.Rows {
		if r.Action != "unchanged" {
			t.Errorf("re-importing the export would %s %q", r.Action, r.Name)
		}
	}
	if len(out.Rows) != len(rows)-1 {
		t.Errorf("re-import read %d rows of %d", len(out.Rows), len(rows)-1)
	}
}

// A risk's form offers the assets it names whatever their place in the register, and a
// search for others: with more assets than the picker lists, saving the form keeps the link.
func TestRiskFormKeepsAnAssetBeyondThePicker(t *testing.T) {
	env := newTestServer(t)
	coord := env.login("samordnare")
	soc := env.unit("Exempelkommun/Socialförvaltningen")
	info := "information"
	var last int64
	for i := range choiceSize + 5 {
		name := fmt.Sprintf("Ö-mängd %03d", i) // sorts after every demo asset
		a, err := env.app.CreateAsset(env.ctx, env.caller("samordnare"), env.ex, domain.AssetInput{Name: &name, Kind: &info, OrgUnitID: &soc})
		if err != nil {
			t.Fatal(err)
		}
		last = a.ID
	}
	title, three := "Risk för den sista mängden", 3
	r, err := env.app.CreateRisk(env.ctx, env.caller("samordnare"), env.ex, domain.RiskInput{Title: &title, OrgUnitID: &soc, Likelihood: &three,
		Consequence: &three, AssetIDs: &[]int64{last}})
	if err != nil {
		t.Fatal(err)
	}
	edit := fmt.Sprintf("/m/%d/risks/%d/edit", env.ex, r.ID)
	body := coord.get(edit).Body.String()
	if !strings.Contains(body, fmt.Sprintf(`name="asset_ids" value="%d" checked`, last)) {
		t.Fatal("the edit form does not offer the risk's asset, ticked")
	}
	if body = coord.get(edit + "?asset_q=" + url.QueryEscape("Ö-mängd 104")).Body.String(); !strings.Contains(body, "Ö-mängd 104") || strings.Contains(body, "Ö-mängd 000") {
		t.Error("the asset search does not narrow the picker")
	}
}

// "Bara mina" narrows the risk register to the caller's own risks.
func TestRiskRegisterMine(t *testing.T) {
	env := newTestServer(t)
	soc, three := env.unit("Exempelkommun/Socialförvaltningen"), 3
	agare := env.users["agare"]
	title := "Agares egen risk"
	if _, err := env.app.CreateRisk(env.ctx, env.caller("samordnare"), env.ex, domain.RiskInput{Title: &title, OrgUnitID: &soc, OwnerID: &agare,
		Likelihood: &three, Consequence: &three}); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/m/%d/risks?mine=1", env.ex)
	if body := env.login("agare").get(path).Body.String(); !strings.Contains(body, title) {
		t.Error("the owner's own risk is not in their register with Bara mina")
	}
	if body := env.login("samordnare").get(path).Body.String(); strings.Contains(body, title) || !strings.Contains(body, `id="f-mine" name="mine" type="checkbox" value="1" checked`) {
		t.Error("the coordinator's Bara mina shows another owner's risk, or the box is not ticked")
	}
}
