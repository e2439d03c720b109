package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The continuity plans in a real browser: the register says which plan was never exercised,
// a plan's page shows the availability warning, its print view and exercise form pass the
// accessibility checks, and a plan posted with an RTO over its MTPD comes back with the error
// summary linking to the field — without JavaScript of Lisa's own.
func TestBrowserContinuityPlans(t *testing.T) {
	chrome := browserExecPath(t)
	ts := browserServer(t)
	ctx := browserContext(t, chrome)
	b := &browserSession{t: t, ctx: ctx, base: ts.URL}
	mid := b.login("samordnare")
	m := "/m/" + mid

	b.open(m+"/continuity-plans", http.StatusOK)
	b.check("plan register")
	if list := b.text("main table.list tbody"); !strings.Contains(list, "Vattenverkets drift vid elavbrott") || !strings.Contains(list, "Aldrig övad") {
		t.Errorf("the register does not show the waterworks plan as never exercised:\n%s", list)
	}
	browserClick(b, "open the plan", chromedp.Search(`//main//a[normalize-space()="Vattenverkets drift vid elavbrott"]`), http.StatusOK)
	if !regexp.MustCompile(`^/m/` + mid + `/continuity-plans/\d+$`).MatchString(b.path()) {
		t.Fatalf("at %s, want the plan's page", b.path())
	}
	plan := b.path()
	b.check("plan page")
	if w := b.text(".notice.warning"); !strings.Contains(w, "SCADA för vattenverket") {
		t.Errorf("no availability warning: %q", w)
	}
	b.open(plan+"/print", http.StatusOK)
	b.check("print view")
	b.open(plan+"/exercises/new", http.StatusOK)
	b.check("exercise form")

	b.open(m+"/continuity-plans/new", http.StatusOK)
	b.check("new plan form")
	b.do("fill in", chromedp.SendKeys(chromedp.CSS("#f-process"), "Skolskjuts"), chromedp.SendKeys(chromedp.CSS("#f-mtpd-hours"), "8"),
		chromedp.SendKeys(chromedp.CSS("#f-rto-hours"), "24"))
	b.selectOption("#f-org-unit-id", "Socialförvaltningen")
	browserClick(b, "save", chromedp.Search(`//main//form[@method="post"]//button[@type="submit" and contains(@class,"primary")]`), http.StatusBadRequest)
	b.check("plan form with errors")
	if s := b.text(".error-summary"); !strings.Contains(s, "får inte vara längre än den maximala") {
		t.Errorf("error summary %q", s)
	}
}
