package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Incidents in a real browser, without JavaScript of Lisa's own: a member of staff reports
// from the short form (and sees the report's errors summarised when the description is left
// out), then the coordinator finds it in the register, opens it, judges it a personal data
// breach on the handler's form (aware now: the report was made at once) and sees the IMY
// deadline with its time left; the register,
// the incident page, the handler's form, the statistics and the report pack pass the
// accessibility checks.
func TestBrowserIncidents(t *testing.T) {
	chrome := browserExecPath(t)
	ts := browserServer(t)
	ctx := browserContext(t, chrome)
	b := &browserSession{t: t, ctx: ctx, base: ts.URL}

	mid := b.login("medarbetare")
	m := "/m/" + mid
	b.open(m+"/incidents/new", http.StatusOK)
	b.check("report form")
	b.do("fill in without a description", chromedp.SendKeys(chromedp.CSS("#f-title"), "USB-minne med elevlistor borttappat"))
	b.selectOption("#f-org-unit-id", "Socialförvaltningen")
	browserClick(b, "send", chromedp.Search(`//main//form[@method="post"]//button[@type="submit"]`), http.StatusBadRequest)
	b.check("report form with errors")
	if s := b.text(".error-summary"); !strings.Contains(s, "Beskrivning") {
		t.Errorf("error summary %q", s)
	}
	b.do("describe", chromedp.SendKeys(chromedp.CSS("#f-description"), "Minnet låg i en väska som glömdes på bussen."),
		chromedp.Click(chromedp.CSS("#f-personal-data")))
	browserClick(b, "send again", chromedp.Search(`//main//form[@method="post"]//button[@type="submit"]`), http.StatusOK)
	if !regexp.MustCompile(`^/m/` + mid + `/incidents/\d+$`).MatchString(b.path()) {
		t.Fatalf("at %s after reporting, want the report's page", b.path())
	}
	report := b.path()
	b.check("staff's report")
	b.logout()

	b.login("samordnare")
	b.open(m+"/incidents", http.StatusOK)
	b.check("incident register")
	browserClick(b, "open the report", chromedp.Search(`//main//a[normalize-space()="USB-minne med elevlistor borttappat"]`), http.StatusOK)
	b.wantPath(report)
	b.check("incident page")
	browserClick(b, "handle", chromedp.Search(`//main//a[normalize-space()="Hantera incidenten"]`), http.StatusOK)
	b.check("handler's form")
	b.selectOption("#f-status", "Bedömd")
	b.selectOption("#f-category", "Förlorad eller stulen utrustning")
	b.do("judge it a breach", chromedp.Click(chromedp.CSS("#f-personal-data-breach")))
	browserClick(b, "save without awareness", chromedp.Search(`//main//form[@method="post" and .//input[@name="has_checks"]]//button[@type="submit"]`), http.StatusBadRequest)
	b.check("handler's form with errors")
	if s := b.text(".error-summary"); !strings.Contains(s, "72 timmar") {
		t.Errorf("error summary %q", s)
	}
	b.do("awareness", chromedp.SetValue(chromedp.CSS("#f-aware-at"), browserMinutesAgo(0)))
	browserClick(b, "save", chromedp.Search(`//main//form[@method="post" and .//input[@name="has_checks"]]//button[@type="submit"]`), http.StatusOK)
	b.wantPath(report)
	if clocks := b.text("#h-clocks + table"); !strings.Contains(clocks, "IMY") || !strings.Contains(clocks, "dygn") {
		t.Errorf("the IMY deadline with its time left is not shown:\n%s", clocks)
	}
	b.open(report+"/reports/gdpr_imy.html", http.StatusOK)
	b.check("report pack")
	b.open(m+"/incidents/statistics?by=category", http.StatusOK)
	b.check("incident statistics")
	b.open(m+"/incidents/recipients", http.StatusOK)
	b.check("recipients")
	b.open(m+"/notifications", http.StatusOK)
	b.check("notifications")
	b.open(m, http.StatusOK)
	if dash := b.text("#h-clocks + div"); !strings.Contains(dash, "USB-minne med elevlistor borttappat") {
		t.Errorf("the dashboard does not show the new deadline:\n%s", dash)
	}
}

// browserMinutesAgo is a datetime-local value n minutes ago in Swedish time.
func browserMinutesAgo(n int) string {
	sweden, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		panic(err)
	}
	return time.Now().Add(-time.Duration(n) * time.Minute).In(sweden).Format("2006-01-02T15:04")
}
