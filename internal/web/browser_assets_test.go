package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The coordinator's work with the asset register in a real browser: filter the register by
// level, open a system and see where each level comes from and the handlingsplan linked to
// the SoA, add an information set to what it carries, and classify a set with the guided
// questions — every page passing the accessibility checks, without JavaScript of Lisa's own.
func TestBrowserAssets(t *testing.T) {
	chrome := browserExecPath(t)
	ts := browserServer(t)
	ctx := browserContext(t, chrome)
	sv := browserCatalog(t)
	b := &browserSession{t: t, ctx: ctx, base: ts.URL}
	mid := b.login("samordnare")
	m := "/m/" + mid

	b.open(m+"/assets", http.StatusOK)
	b.check("asset register")
	b.selectOption("#f-aspect", sv.T("sv", "aspect.confidentiality"))
	b.selectOption("#f-min-level", "4 Mycket hög")
	browserClick(b, "filter the register", chromedp.CSS(`form.filters button[type=submit]`), http.StatusOK)
	list := b.text("main table.list tbody")
	for _, want := range []string{"Utredningar om barn och unga", "Verksamhetssystem för socialtjänsten"} {
		if !strings.Contains(list, want) {
			t.Errorf("register filtered to confidentiality 4 lacks %q:\n%s", want, list)
		}
	}
	if strings.Contains(list, "Elevregister") {
		t.Errorf("register filtered to confidentiality 4 shows the pupil register (2):\n%s", list)
	}

	browserClick(b, "open the system", chromedp.Search(`//main//a[normalize-space()="Verksamhetssystem för socialtjänsten"]`), http.StatusOK)
	if !regexp.MustCompile(`^/m/` + mid + `/assets/\d+$`).MatchString(b.path()) {
		t.Fatalf("at %s, want the asset's page", b.path())
	}
	_ = b.path()
	b.check("system page")
	levels := b.text(`#levels table`)
	if !strings.Contains(levels, "4 Mycket hög") || !strings.Contains(levels, "Utredningar om barn och unga") {
		t.Errorf("the levels table does not say where confidentiality 4 comes from:\n%s", levels)
	}
	if plan := b.text(`#requirements`); !strings.Contains(plan, "8.24") || !strings.Contains(plan, sv.T("sv", "asset.gap")) {
		t.Errorf("the handlingsplan lacks the encryption gap:\n%s", plan)
	}
	if n := browserRun(b, "count SoA links", chromedp.Evaluate[int](`document.querySelectorAll('#requirements a[href*="/soa/"]').length`)); n == 0 {
		t.Error("the handlingsplan links no SoA row")
	}
	b.do("search a set to carry", chromedp.SendKeys(chromedp.CSS("#f-carry-q"), "Elevregister"))
	browserClick(b, "search", chromedp.Search(`//form[@role="search"][.//input[@id="f-carry-q"]]//button`), http.StatusOK)
	b.selectOption("#f-carry-add", "Elevregister ("+sv.T("sv", "assetkind.information")+")")
	browserClick(b, "add it", chromedp.Search(`//form[.//select[@id="f-carry-add"]]//button`), http.StatusOK)
	if carries := b.text(`#carries ul`); !strings.Contains(carries, "Elevregister") {
		t.Errorf("after adding, the system does not carry the pupil register:\n%s", carries)
	}

	// Guided classification of a set.
	b.open(m+"/assets?q=Schema+och", http.StatusOK)
	browserClick(b, "open the set", chromedp.Search(`//main//a[normalize-space()="Schema och närvaro"]`), http.StatusOK)
	setPath := b.path()
	browserClick(b, "classify with questions", chromedp.CSS(`main a[href$="/classify?method=guided"]`), http.StatusOK)
	b.check("guided classification")
	for field, answer := range map[string]string{"#f-answers.confidentiality": "1", "#f-answers.integrity": "2", "#f-answers.availability-hour": "3",
		"#f-answers.availability-day": "4", "#f-answers.availability-week": "4", "#f-answers.traceability": "1"} {
		b.selectOption(`[id="`+strings.TrimPrefix(field, "#")+`"]`, sv.T("sv", "classify.consequence."+answer))
	}
	browserClick(b, "propose", chromedp.CSS(`button[name=step][value=propose]`), http.StatusOK)
	b.check("classification proposal")
	if got := b.selectedText(`[id="f-availability"]`); got != "3 Hög" {
		t.Errorf("proposed availability %q, want 3 Hög (an hour's outage is serious)", got)
	}
	browserClick(b, "save", chromedp.CSS(`button[name=step][value=save]`), http.StatusOK)
	if b.path() != setPath+"#levels" && b.path() != setPath {
		t.Errorf("after saving at %s, want %s", b.path(), setPath)
	}
	if levels := b.text(`#levels`); !strings.Contains(levels, sv.T("sv", "classify.method_guided")) {
		t.Errorf("the set's page does not show the guided classification:\n%s", levels)
	}
}
