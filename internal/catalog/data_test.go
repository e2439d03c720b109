package catalog

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"strconv"
	"strings"
	"testing"
)

//go:embed data/*.json
var testDataFS embed.FS

type testTheme struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	TitleSV string `json:"title_sv"`
}

type testControl struct {
	ID            string `json:"id"`
	Theme         string `json:"theme"`
	Title         string `json:"title"`
	TitleSV       string `json:"title_sv"`
	Description   string `json:"description"`
	DescriptionSV string `json:"description_sv"`
}

type testCatalog struct {
	ID       string        `json:"id"`
	Name     string        `json:"name"`
	NameSV   string        `json:"name_sv"`
	Version  string        `json:"version"`
	Themes   []testTheme   `json:"themes"`
	Controls []testControl `json:"controls"`
}

type testMapping struct {
	From string `json:"from"`
	To   string `json:"to"`
}

func decodeStrict(t *testing.T, name string, v any) {
	t.Helper()
	b, err := testDataFS.ReadFile(path.Join("data", name))
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	if dec.More() {
		t.Fatalf("decode %s: trailing data", name)
	}
}

func loadTestCatalogs(t *testing.T) map[string]testCatalog {
	t.Helper()
	files := map[string]string{
		"iso27001-2022.json": "iso27001-2022",
		"msb-lis-2015.json":  "msb-lis",
		"nis2-art21.json":    "nis2-art21",
	}
	out := map[string]testCatalog{}
	for file, id := range files {
		var c testCatalog
		decodeStrict(t, file, &c)
		if c.ID != id {
			t.Fatalf("%s: id %q, want %q", file, c.ID, id)
		}
		out[c.ID] = c
	}
	return out
}

// numericKey splits "5.10" into [5 10] so ids compare numerically.
func numericKey(t *testing.T, id string) []int {
	t.Helper()
	parts := strings.Split(id, ".")
	key := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			t.Fatalf("id %q is not numeric", id)
		}
		key[i] = n
	}
	return key
}

func lessKey(a, b []int) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return len(a) < len(b)
}

func TestCatalogFilesWellFormed(t *testing.T) {
	for id, c := range loadTestCatalogs(t) {
		if c.Name == "" || c.NameSV == "" || c.Version == "" {
			t.Errorf("%s: name, name_sv and version must be set", id)
		}
		if len(c.Themes) == 0 {
			t.Errorf("%s: no themes", id)
		}
		themes := map[string]bool{}
		for _, th := range c.Themes {
			if th.ID == "" || th.Title == "" || th.TitleSV == "" {
				t.Errorf("%s: theme %+v incomplete", id, th)
			}
			if themes[th.ID] {
				t.Errorf("%s: duplicate theme %q", id, th.ID)
			}
			themes[th.ID] = true
		}
		seen := map[string]bool{}
		for _, ctl := range c.Controls {
			if ctl.ID == "" {
				t.Errorf("%s: control with empty id", id)
				continue
			}
			if seen[ctl.ID] {
				t.Errorf("%s: duplicate control id %q", id, ctl.ID)
			}
			seen[ctl.ID] = true
			if !themes[ctl.Theme] {
				t.Errorf("%s:%s: unknown theme %q", id, ctl.ID, ctl.Theme)
			}
			for field, v := range map[string]string{
				"title": ctl.Title, "title_sv": ctl.TitleSV,
				"description": ctl.Description, "description_sv": ctl.DescriptionSV,
			} {
				if strings.TrimSpace(v) == "" {
					t.Errorf("%s:%s: empty %s", id, ctl.ID, field)
				}
			}
		}
	}
}

func TestISO27001AnnexA(t *testing.T) {
	c := loadTestCatalogs(t)["iso27001-2022"]
	if got := len(c.Controls); got != 93 {
		t.Fatalf("ISO 27001:2022 Annex A has %d controls, want 93", got)
	}
	wantPerTheme := map[string]int{"organizational": 37, "people": 8, "physical": 14, "technological": 34}
	prefix := map[string]string{"organizational": "5", "people": "6", "physical": "7", "technological": "8"}
	perTheme := map[string]int{}
	var prev []int
	for i, ctl := range c.Controls {
		perTheme[ctl.Theme]++
		key := numericKey(t, ctl.ID)
		if len(key) != 2 {
			t.Errorf("control id %q: want clause.number", ctl.ID)
		}
		if p := prefix[ctl.Theme]; !strings.HasPrefix(ctl.ID, p+".") {
			t.Errorf("control %q in theme %q, want id starting %q", ctl.ID, ctl.Theme, p+".")
		}
		if i > 0 && !lessKey(prev, key) {
			t.Errorf("control %q out of numeric order", ctl.ID)
		}
		prev = key
	}
	for theme, want := range wantPerTheme {
		if perTheme[theme] != want {
			t.Errorf("theme %s: %d controls, want %d", theme, perTheme[theme], want)
		}
	}
	// Every id from 5.1..5.37, 6.1..6.8, 7.1..7.14, 8.1..8.34 is present.
	have := map[string]bool{}
	for _, ctl := range c.Controls {
		have[ctl.ID] = true
	}
	for clause, n := range map[int]int{5: 37, 6: 8, 7: 14, 8: 34} {
		for i := 1; i <= n; i++ {
			if id := fmt.Sprintf("%d.%d", clause, i); !have[id] {
				t.Errorf("missing control %s", id)
			}
		}
	}
}

func TestMSBAndNIS2Catalogs(t *testing.T) {
	cats := loadTestCatalogs(t)
	msb := cats["msb-lis"]
	if len(msb.Controls) != 11 {
		t.Errorf("MSB has %d areas, want 11", len(msb.Controls))
	}
	for i, ctl := range msb.Controls {
		if want := strconv.Itoa(i + 1); ctl.ID != want {
			t.Errorf("MSB area %d has id %q, want %q", i, ctl.ID, want)
		}
	}
	nis2 := cats["nis2-art21"]
	if len(nis2.Controls) != 10 {
		t.Errorf("NIS2 has %d measures, want 10", len(nis2.Controls))
	}
	for i, ctl := range nis2.Controls {
		if want := "21.2." + string(rune('a'+i)); ctl.ID != want {
			t.Errorf("NIS2 measure %d has id %q, want %q", i, ctl.ID, want)
		}
	}
}

func TestMappings(t *testing.T) {
	cats := loadTestCatalogs(t)
	exists := map[string]bool{}
	for id, c := range cats {
		for _, ctl := range c.Controls {
			exists[id+":"+ctl.ID] = true
		}
	}
	var doc struct {
		Mappings []testMapping `json:"mappings"`
	}
	decodeStrict(t, "mappings.json", &doc)
	if len(doc.Mappings) == 0 {
		t.Fatal("no mappings")
	}
	order := map[string]int{"iso27001-2022": 0, "nis2-art21": 1, "msb-lis": 2}
	seen := map[[2]string]bool{}
	toISO := map[string]bool{}
	for _, m := range doc.Mappings {
		for _, end := range []string{m.From, m.To} {
			if !exists[end] {
				t.Errorf("mapping %s -> %s: unknown endpoint %q", m.From, m.To, end)
			}
		}
		if m.From == m.To {
			t.Errorf("self-mapping %s", m.From)
		}
		fromCat, _, _ := strings.Cut(m.From, ":")
		toCat, _, _ := strings.Cut(m.To, ":")
		if fromCat == toCat {
			t.Errorf("mapping %s -> %s stays within one catalog", m.From, m.To)
		}
		if order[fromCat] > order[toCat] {
			t.Errorf("mapping %s -> %s: write from in the order iso, nis2, msb", m.From, m.To)
		}
		a, b := m.From, m.To
		if b < a {
			a, b = b, a
		}
		k := [2]string{a, b}
		if seen[k] {
			t.Errorf("duplicate mapping %s <-> %s", m.From, m.To)
		}
		seen[k] = true
		if fromCat == "iso27001-2022" {
			toISO[m.To] = true
		}
	}
	for _, id := range []string{"nis2-art21", "msb-lis"} {
		for _, ctl := range cats[id].Controls {
			if !toISO[id+":"+ctl.ID] {
				t.Errorf("%s:%s has no mapping to ISO 27001", id, ctl.ID)
			}
		}
	}
}
