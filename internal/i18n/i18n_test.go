package i18n_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/i18n"
	"github.com/lisa-isms/lisa/ui"
)

// Every text a page shows must exist in Swedish and English: the same keys in both files,
// and every literal key the templates and the Go code ask for present.
func TestTranslationsAreComplete(t *testing.T) {
	c, err := i18n.Load(ui.FS)
	if err != nil {
		t.Fatal(err)
	}
	sv, en := c.Keys("sv"), c.Keys("en")
	slices.Sort(sv)
	slices.Sort(en)
	for _, k := range sv {
		if !c.Has("en", k) {
			t.Errorf("%s: Swedish only", k)
		}
	}
	for _, k := range en {
		if !c.Has("sv", k) {
			t.Errorf("%s: English only", k)
		}
	}
	if len(sv) < 300 {
		t.Errorf("only %d keys loaded", len(sv))
	}

	// Literal keys in templates: {{$.T "key"}}, {{.B.T "key"}}, "Label" "key", "Hint" "key", "Empty" "key".
	used := regexp.MustCompile(`(?:\.T|"Label"|"Hint"|"Empty") "([a-z_]+\.[a-z0-9_.]+)"`)
	err = fs.WalkDir(ui.FS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		b, err := fs.ReadFile(ui.FS, path)
		if err != nil {
			return err
		}
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			if !c.Has("sv", m[1]) {
				t.Errorf("%s uses %q, which sv.txt lacks", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Keys built at run time from enum values: one per value.
	enums := map[string][]string{
		"doctype.": strs(domain.DocTypes), "docstatus.": strs(domain.DocStatuses), "adopter.": strs(domain.Adopters),
		"scope.": strs(domain.DocScopes), "ctlstatus.": strs(domain.ControlStatuses), "role.": strs(domain.MunicipalRoles),
		"orgkind.": strs(domain.OrgUnitKinds), "kind.": strs(domain.Kinds()), "due.state.": {"overdue", "soon", "ok", "none"},
		"theme.": {"organizational", "people", "physical", "technological"}, "export.status.": strs(domain.ControlStatuses),
	}
	for prefix, values := range enums {
		for _, v := range values {
			if !c.Has("sv", prefix+v) {
				t.Errorf("no translation %s%s", prefix, v)
			}
		}
	}
}

// The mails, the calendar feed and the spreadsheets (packages remind and exchange) word
// everything from the catalog: every key their Go code names, and every kind's label, exists
// in Swedish and in English.
func TestMailFeedAndExportKeys(t *testing.T) {
	c, err := i18n.Load(ui.FS)
	if err != nil {
		t.Fatal(err)
	}
	// A key is a string literal whose first segment is one the catalog uses (mail, ical,
	// export, err…), which leaves out host names such as "lisa.invalid".
	literal := regexp.MustCompile(`"([a-z_]+)((?:\.[a-z0-9_]+)+)"`)
	namespaces := map[string]bool{}
	for _, k := range c.Keys("sv") {
		ns, _, _ := strings.Cut(k, ".")
		namespaces[ns] = true
	}
	for _, dir := range []string{"../remind", "../exchange"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		keys := 0
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
				if !namespaces[m[1]] {
					continue
				}
				key := m[1] + m[2]
				keys++
				for _, lang := range i18n.Languages {
					if !c.Has(lang, key) {
						t.Errorf("%s uses %q, which %s.txt lacks", file, key, lang)
					}
				}
			}
		}
		if keys < 20 {
			t.Errorf("%s: only %d keys found; has the code stopped naming its keys literally?", dir, keys)
		}
	}
	for _, s := range domain.KindSpecs() {
		for _, lang := range i18n.Languages {
			if !c.Has(lang, s.Label) {
				t.Errorf("kind %s: no %s translation of its label %q", s.Kind, lang, s.Label)
			}
		}
	}
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// A missing key falls back to Swedish, then to the key itself.
func TestFallback(t *testing.T) {
	c, err := i18n.Load(ui.FS)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("en", "login.title"); got != "Log in" {
		t.Errorf("en login.title = %q", got)
	}
	if got := c.T("fr", "login.title"); got != "Logga in" {
		t.Errorf("unknown language = %q", got)
	}
	if got := c.T("sv", "no.such.key"); got != "no.such.key" {
		t.Errorf("missing key = %q", got)
	}
	if got := c.T("sv", "doc.count", 3); got != "3 dokument" {
		t.Errorf("formatted = %q", got)
	}
}

// The Swedish texts use the glossary's terms (ui/GLOSSARY.md): no avoided word, except in
// the export's column headers (earlier exports must still import) and in "förhandsgranska"
// (to preview).
func TestLocalesFollowTheGlossary(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "ui", "GLOSSARY.md"))
	if err != nil {
		t.Fatal(err)
	}
	var avoid []string
	for _, line := range strings.Split(string(b), "\n") {
		cols := strings.Split(line, "|")
		if len(cols) < 5 || strings.Contains(cols[1], "svenska") || strings.HasPrefix(strings.TrimSpace(cols[1]), "---") {
			continue
		}
		for _, w := range strings.Split(cols[3], ",") {
			if w = strings.TrimSpace(w); w != "" {
				avoid = append(avoid, w)
			}
		}
	}
	if len(avoid) < 5 {
		t.Fatalf("the glossary lists %d avoided words", len(avoid))
	}
	c, err := i18n.Load(ui.FS)
	if err != nil {
		t.Fatal(err)
	}
	preview := regexp.MustCompile(`(?i)förhandsgransk\w*`)
	for _, k := range c.Keys("sv") {
		if strings.HasPrefix(k, "export.col.") || k == "err.xlsx_columns" {
			continue
		}
		v := preview.ReplaceAllString(c.T("sv", k), "")
		for _, w := range avoid {
			word, prefix := strings.CutSuffix(w, "*")
			rest := `(?:$|[^\p{L}])` // a whole word
			if prefix {
				rest = ""
			}
			if regexp.MustCompile(`(?i)(?:^|[^\p{L}-])` + regexp.QuoteMeta(word) + rest).MatchString(v) {
				t.Errorf("%s = %q uses %q (see ui/GLOSSARY.md)", k, c.T("sv", k), w)
			}
		}
	}
}
