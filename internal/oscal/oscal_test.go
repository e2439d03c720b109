package oscal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/crypto/bcrypt"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/auth"
	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/catalog"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/oscal"
	"github.com/lisa-isms/lisa/internal/store"
	"github.com/lisa-isms/lisa/internal/storetest"
)

var now = time.Date(2025, time.May, 10, 9, 30, 0, 0, time.UTC)

// schema compiles one of NIST's OSCAL 1.0.6 JSON schemas from testdata. The schemas give
// definitions an anchor ("$id": "#name") beside a "$ref"; draft-07 ignores the siblings of
// $ref, so each such $ref is moved into an allOf first (see testdata/README.md).
func schema(t *testing.T, file string) *jsonschema.Schema {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	if n := moveRefs(doc); n == 0 {
		t.Fatalf("%s: no $ref beside an $id; has the schema changed?", file)
	}
	url := "file:///oscal/" + file
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.AssertFormat()
	if err := c.AddResource(url, doc); err != nil {
		t.Fatalf("add %s: %v", file, err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compile %s: %v", file, err)
	}
	return sch
}

// moveRefs rewrites every object holding both "$ref" and "$id" so that the $ref sits in an
// allOf, and returns how many it rewrote.
func moveRefs(v any) int {
	n := 0
	switch x := v.(type) {
	case map[string]any:
		for _, child := range x {
			n += moveRefs(child)
		}
		ref, hasRef := x["$ref"]
		if _, hasID := x["$id"]; hasRef && hasID {
			delete(x, "$ref")
			all, _ := x["allOf"].([]any)
			x["allOf"] = append(all, map[string]any{"$ref": ref})
			n++
		}
	case []any:
		for _, child := range x {
			n += moveRefs(child)
		}
	}
	return n
}

func validate(t *testing.T, sch *jsonschema.Schema, b []byte) error {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("exported JSON does not parse: %v", err)
	}
	return sch.Validate(doc)
}

// decode reads an exported document for looking at.
func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// at walks a decoded document: keys for objects, ints for arrays.
func at(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("at %v: not an object", path)
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				t.Fatalf("at %v: not an array or too short", path)
			}
			v = a[k]
		}
	}
	return v
}

var tokenPattern = regexp.MustCompile(`^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$`)

func TestControlID(t *testing.T) {
	for _, c := range []struct{ cat, id, want string }{
		{catalog.ISO, "5.1", "a-5.1"},
		{catalog.ISO, "8.34", "a-8.34"},
		{catalog.MSB, "3", "msb-3"},
		{catalog.NIS2, "21.2.a", "art-21.2.a"},
		{app.CustomCatalog, "K1", "K1"},
		{app.CustomCatalog, "Åtg-2.b", "Åtg-2.b"},
		{"other", "1 2/3", "c-1_2_3"},
		{"other", "", "_"},
	} {
		got := oscal.ControlID(c.cat, c.id)
		if got != c.want || !tokenPattern.MatchString(got) {
			t.Errorf("ControlID(%q, %q) = %q, want %q", c.cat, c.id, got, c.want)
		}
	}
}

func TestCatalogsValidate(t *testing.T) {
	sch := schema(t, "oscal_catalog_schema.json")
	set, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{catalog.ISO, catalog.MSB, catalog.NIS2} {
		t.Run(id, func(t *testing.T) {
			cat := set.Catalog(id)
			b, err := oscal.Catalog(cat, set, now)
			if err != nil {
				t.Fatal(err)
			}
			if err := validate(t, sch, b); err != nil {
				t.Fatalf("invalid OSCAL catalog:\n%v", err)
			}
			// Stable: the same export twice is the same bytes; the UUID is version 5.
			again, _ := oscal.Catalog(cat, set, now)
			if !bytes.Equal(b, again) {
				t.Errorf("export is not deterministic")
			}
			doc := decode(t, b)
			if u := at(t, doc, "catalog", "uuid").(string); u[14] != '5' {
				t.Errorf("uuid %s is not version 5", u)
			}
			if v := at(t, doc, "catalog", "metadata", "oscal-version"); v != "1.0.6" {
				t.Errorf("oscal-version = %v", v)
			}
			if v := at(t, doc, "catalog", "metadata", "last-modified"); v != "2025-05-10T09:30:00Z" {
				t.Errorf("last-modified = %v", v)
			}
			n := 0
			for _, g := range at(t, doc, "catalog", "groups").([]any) {
				n += len(at(t, g, "controls").([]any))
			}
			if n != len(cat.Controls) {
				t.Errorf("%d controls exported, catalog has %d", n, len(cat.Controls))
			}
		})
	}

	// Annex A 5.1 in detail: id, label, Swedish title, statement, mappings.
	b, _ := oscal.Catalog(set.Catalog(catalog.ISO), set, now)
	doc := decode(t, b)
	c := at(t, doc, "catalog", "groups", 0, "controls", 0)
	if at(t, c, "id") != "a-5.1" || at(t, c, "title") != "Policies for information security" ||
		at(t, c, "props", 0, "name") != "label" || at(t, c, "props", 0, "value") != "5.1" ||
		at(t, c, "props", 1, "value") != "Informationssäkerhetspolicyer" || at(t, c, "parts", 0, "name") != "statement" {
		t.Errorf("control 5.1 = %v", c)
	}
	links, _ := json.Marshal(at(t, c, "links"))
	for _, want := range []string{`/api/v1/catalogs/msb-lis/oscal.json#msb-1`, `/api/v1/catalogs/nis2-art21/oscal.json#art-21.2.a`} {
		if !strings.Contains(string(links), want) {
			t.Errorf("5.1 links lack %s: %s", want, links)
		}
	}
	if at(t, doc, "catalog", "groups", 0, "id") != "organizational" {
		t.Errorf("first group = %v", at(t, doc, "catalog", "groups", 0, "id"))
	}
	// Without the set there are no links, and the document is still valid.
	b, _ = oscal.Catalog(set.Catalog(catalog.MSB), nil, now)
	if err := validate(t, sch, b); err != nil || strings.Contains(string(b), `"links"`) {
		t.Errorf("catalog without mappings: %v", err)
	}
}

// TestSchemaRejects makes sure the validation can fail: documents missing required parts or
// with ids that are not tokens are rejected.
func TestSchemaRejects(t *testing.T) {
	sch := schema(t, "oscal_catalog_schema.json")
	set, _ := catalog.Load()
	good, _ := oscal.Catalog(set.Catalog(catalog.ISO), set, now)
	for name, edit := range map[string]func(doc map[string]any){
		"no metadata":      func(doc map[string]any) { delete(at(t, doc, "catalog").(map[string]any), "metadata") },
		"no oscal-version": func(doc map[string]any) { delete(at(t, doc, "catalog", "metadata").(map[string]any), "oscal-version") },
		"numeric control": func(doc map[string]any) {
			at(t, doc, "catalog", "groups", 0, "controls", 0).(map[string]any)["id"] = "5.1"
		},
		"bad uuid": func(doc map[string]any) { at(t, doc, "catalog").(map[string]any)["uuid"] = "not-a-uuid" },
		"bad date": func(doc map[string]any) {
			at(t, doc, "catalog", "metadata").(map[string]any)["last-modified"] = "2025-05-10"
		},
		"unknown property": func(doc map[string]any) { at(t, doc, "catalog").(map[string]any)["lisa"] = true },
		"empty prop value": func(doc map[string]any) {
			at(t, doc, "catalog", "groups", 0, "controls", 0, "props", 0).(map[string]any)["value"] = " 5.1"
		},
		"no catalog at all": func(doc map[string]any) { delete(doc, "catalog") },
	} {
		t.Run(name, func(t *testing.T) {
			doc := decode(t, good)
			edit(doc)
			b, _ := json.Marshal(doc)
			err := validate(t, sch, b)
			if err == nil {
				t.Fatalf("broken document validates")
			}
			t.Logf("rejected: %s", firstLine(err))
		})
	}
	if err := validate(t, sch, good); err != nil {
		t.Fatalf("the unbroken document: %v", err)
	}
	// And a component definition is no catalog.
	comp := schema(t, "oscal_component_schema.json")
	if err := validate(t, comp, good); err == nil {
		t.Errorf("a catalog validates as a component definition")
	}
}

func TestSoAValidates(t *testing.T) {
	a, caller, mun := newApp(t)
	ctx := context.Background()
	no := false
	if _, err := a.CreateCustomControl(ctx, caller, mun.ID, app.CustomControlInput{ID: "K1", Title: "Kameraövervakning av serverrum", Description: "Egen åtgärd."}); err != nil {
		t.Fatal(err)
	}
	for id, in := range map[string]domain.SoAInput{
		"5.1": {Status: sp("införd"), Justification: sp("Policyn antogs av kommunfullmäktige 2024.\nSe beslut KF § 12."), LastReviewedAt: sp("2025-04-01")},
		"5.2": {Status: sp("delvis")},
		"7.4": {Applicable: &no, Justification: sp("Ingen egen serverhall; driften är upphandlad.")},
		"K1":  {Status: sp("implemented")},
	} {
		if _, err := a.UpdateSoA(ctx, caller, mun.ID, id, in); err != nil {
			t.Fatalf("update %s: %v", id, err)
		}
	}
	rows, err := a.SoA(ctx, caller, mun.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 94 {
		t.Fatalf("%d rows", len(rows))
	}
	set, err := a.CatalogSet(caller)
	if err != nil {
		t.Fatal(err)
	}
	iso := set.Catalog(catalog.ISO)
	b, err := oscal.SoA(mun, rows, iso, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate(t, schema(t, "oscal_component_schema.json"), b); err != nil {
		t.Fatalf("invalid OSCAL component definition:\n%v", err)
	}
	again, _ := oscal.SoA(mun, rows, iso, now)
	if !bytes.Equal(b, again) {
		t.Errorf("export is not deterministic")
	}

	doc := decode(t, b)
	comp := at(t, doc, "component-definition", "components", 0)
	if at(t, comp, "type") != "policy" || !strings.Contains(at(t, comp, "title").(string), "Ankeby kommun") {
		t.Errorf("component = %v / %v", at(t, comp, "type"), at(t, comp, "title"))
	}
	isoImpl := at(t, comp, "control-implementations", 0)
	if at(t, isoImpl, "source") != "/api/v1/catalogs/iso27001-2022/oscal.json" {
		t.Errorf("source = %v", at(t, isoImpl, "source"))
	}
	reqs := map[string]map[string]any{}
	for _, r := range at(t, isoImpl, "implemented-requirements").([]any) {
		m := r.(map[string]any)
		reqs[m["control-id"].(string)] = m
	}
	if len(reqs) != 93 {
		t.Errorf("%d ISO requirements", len(reqs))
	}
	state := func(id string) string {
		for _, p := range reqs[id]["props"].([]any) {
			if p := p.(map[string]any); p["name"] == "implementation-status" && p["ns"] == nil {
				return p["value"].(string)
			}
		}
		return ""
	}
	for id, want := range map[string]string{"a-5.1": "implemented", "a-5.2": "partial", "a-7.4": "not-applicable", "a-5.3": "planned"} {
		if got := state(id); got != want {
			t.Errorf("%s implementation-status = %q, want %q", id, got, want)
		}
	}
	if r := reqs["a-7.4"]["remarks"]; r != "Ingen egen serverhall; driften är upphandlad." {
		t.Errorf("7.4 remarks = %v", r)
	}
	if r := reqs["a-5.1"]["remarks"]; r != "Policyn antogs av kommunfullmäktige 2024.\nSe beslut KF § 12." {
		t.Errorf("5.1 remarks = %v", r)
	}
	// The municipality's own control: a second implementation, naming a back-matter resource.
	own := at(t, comp, "control-implementations", 1)
	res := at(t, doc, "component-definition", "back-matter", "resources", 0)
	if at(t, own, "source") != "#"+at(t, res, "uuid").(string) || at(t, own, "implemented-requirements", 0, "control-id") != "K1" {
		t.Errorf("own controls = %v, resource %v", own, res)
	}
	if at(t, doc, "component-definition", "metadata", "parties", 0, "name") != "Ankeby kommun" {
		t.Errorf("parties = %v", at(t, doc, "component-definition", "metadata", "parties"))
	}

	// Another municipality's statement has other UUIDs.
	other := mun
	other.ID++
	b2, _ := oscal.SoA(other, rows, iso, now)
	if at(t, decode(t, b2), "component-definition", "uuid") == at(t, doc, "component-definition", "uuid") {
		t.Errorf("two municipalities share a UUID")
	}

	// An empty statement is still a valid document.
	empty, err := oscal.SoA(mun, nil, iso, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate(t, schema(t, "oscal_component_schema.json"), empty); err != nil {
		t.Errorf("empty statement: %v", err)
	}
}

// newApp builds a real SQLite-backed app (no demo data) with one municipality, one org unit and
// a coordinator, returning the coordinator.
func newApp(t *testing.T) (*app.App, app.Caller, domain.Municipality) {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, storetest.DSN(t))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	s.Now = func() time.Time { return now }
	a, err := app.New(s)
	if err != nil {
		t.Fatal(err)
	}
	a.Hasher = auth.Hasher{Cost: bcrypt.MinCost}
	const password = "rätt-lösenord-123"
	h, err := a.Hasher.Hash(password)
	if err != nil {
		t.Fatal(err)
	}
	root := domain.User{Username: "root", Name: "Systemadministratör", PasswordHash: h, IsAdmin: true}
	if err := s.CreateUser(ctx, app.SystemActor("test"), &root); err != nil {
		t.Fatal(err)
	}
	admin := app.Caller{P: &authz.Principal{User: root}, IP: "127.0.0.1"}
	mun, err := a.CreateMunicipality(ctx, admin, app.MunicipalityInput{Name: "Ankeby kommun", OrgNumber: "212000-0001"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.SaveOrgUnit(ctx, admin, mun.ID, 0, app.OrgUnitInput{Name: "Kommunstyrelsen", Kind: "kommunstyrelse"}); err != nil {
		t.Fatal(err)
	}
	u, err := a.CreateUser(ctx, admin, app.UserInput{Username: "kristina", Name: "Kristina Koordinator", Password: password})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.GrantRole(ctx, admin, u.ID, app.RoleInput{MunicipalityID: mun.ID, Role: "coordinator"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Login(ctx, "192.0.2.10", "kristina", password)
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := a.SessionPrincipal(ctx, res.Token)
	if err != nil {
		t.Fatal(err)
	}
	return a, app.Caller{P: p, IP: "192.0.2.10"}, mun
}

func sp(s string) *string { return &s }

func firstLine(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, "\n"); i >= 0 {
		return strings.TrimSpace(s[i:])
	}
	return s
}
