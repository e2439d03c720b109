package web_test

// The browser test: a real headless Chromium, driven with chromedp, uses Lisa the way a
// coordinator and an information owner would, through the server-rendered pages only (the UI
// has no JavaScript; the test uses the DevTools protocol to read the page, never to work it
// in a way a person could not).
//
// Without Chromium the test is skipped, unless LISA_REQUIRE_BROWSER=1 (CI), where it fails.
// LISA_SCREENSHOTS=1 keeps the screenshots in os.TempDir() instead of the test's temp dir.
// Every helper here starts with "browser": other test files share the package directory.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/xuri/excelize/v2"
	"golang.org/x/crypto/bcrypt"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/auth"
	"github.com/lisa-isms/lisa/internal/catalog"
	"github.com/lisa-isms/lisa/internal/demo"
	"github.com/lisa-isms/lisa/internal/i18n"
	"github.com/lisa-isms/lisa/internal/store"
	"github.com/lisa-isms/lisa/internal/web"
	"github.com/lisa-isms/lisa/ui"
)

func TestBrowserDocumentLifecycle(t *testing.T) {
	chrome := browserExecPath(t)
	ts := browserServer(t)
	ctx := browserContext(t, chrome)
	sv := browserCatalog(t)
	b := &browserSession{t: t, ctx: ctx, base: ts.URL}

	title := fmt.Sprintf("Rutin för lösenordsbyte – webbläsartest %d", time.Now().UnixNano())
	const unit = "Barn- och utbildningsförvaltningen" // a unit agare does not own

	// The coordinator logs in through the form and lands on the dashboard.
	mid := b.login("samordnare")
	dash := "/m/" + mid

	// New governing document: from the list, through the button a user sees.
	b.open(dash+"/documents", http.StatusOK)
	b.check("documents list")
	if got := b.text(`main a[href$="/documents/new"]`); got != sv.T("sv", "doc.new") {
		t.Errorf("new document link says %q, want %q", got, sv.T("sv", "doc.new"))
	}
	browserClick(b, "new document link", chromedp.CSS(`main a[href$="/documents/new"]`), http.StatusOK)
	b.wantPath(dash + "/documents/new")
	b.check("new document form")
	b.screenshot("document_form")

	b.selectOption("#f-type", sv.T("sv", "doctype.rutin"))
	b.do("type the title", chromedp.SendKeys(chromedp.CSS("#f-title"), title))
	b.selectOption("#f-org-unit-id", unit)
	// A date input's segments follow the browser's locale, so typed keys are not portable;
	// set the value the input submits (ISO 8601), as the date picker would.
	b.do("set next review", chromedp.SetValue(chromedp.CSS("#f-next-review-at"), "2020-01-15"))
	if got := browserRun(b, "read next review", chromedp.Value(chromedp.CSS("#f-next-review-at"))); got != "2020-01-15" {
		t.Fatalf("date input holds %q after setting 2020-01-15", got)
	}
	browserClick(b, "save document", chromedp.CSS(`main form button[type=submit].primary`), http.StatusOK)
	docPath := b.path()
	if !regexp.MustCompile(`^/m/` + mid + `/documents/\d+$`).MatchString(docPath) {
		t.Fatalf("after saving, the browser is at %s, want the document's page", docPath)
	}
	b.check("document page")
	if h1 := b.text("h1"); h1 != title {
		t.Errorf("document page h1 = %q, want %q", h1, title)
	}
	if flash := b.text(".flash"); flash == "" {
		t.Errorf("no confirmation after saving the document")
	}
	if facts := b.text("dl.facts"); !strings.Contains(facts, unit) || !strings.Contains(facts, "2020-01-15") {
		t.Errorf("document facts do not show the unit and next review date:\n%s", facts)
	}

	// The review list (overdue) shows it with the "overdue" badge.
	b.open(dash+"/reviews?due=overdue", http.StatusOK)
	b.check("overdue reviews")
	if badge := b.dueBadge("main", title); badge != sv.T("sv", "due.state.overdue") {
		t.Errorf("overdue list: badge next to %q = %q, want %q", title, badge, sv.T("sv", "due.state.overdue"))
	}

	// The dashboard lists it under "needs attention".
	b.open(dash, http.StatusOK)
	b.check("dashboard")
	if badge := b.dueBadge(`section[aria-labelledby="h-attention"]`, title); badge != sv.T("sv", "due.state.overdue") {
		t.Errorf("dashboard attention section: badge next to %q = %q, want %q", title, badge, sv.T("sv", "due.state.overdue"))
	}
	b.screenshot("dashboard")

	// A form with errors: no title, an interval of 0. The summary lists the errors as links
	// to the fields, and what the user typed is still there.
	b.open(dash+"/documents/new", http.StatusOK)
	const description = "Detta ska finnas kvar när formuläret visas igen med fel."
	b.do("type a description", chromedp.SendKeys(chromedp.CSS("#f-description"), description))
	b.selectOption("#f-org-unit-id", unit)
	b.do("clear the interval", chromedp.SetValue(chromedp.CSS("#f-review-interval-months"), ""))
	b.do("type interval 0", chromedp.SendKeys(chromedp.CSS("#f-review-interval-months"), "0"))
	browserClick(b, "save invalid document", chromedp.CSS(`main form button[type=submit].primary`), http.StatusBadRequest)
	b.check("document form with errors")
	b.screenshot("document_form_errors")
	type summary struct {
		Found   bool     `json:"found"`
		Visible bool     `json:"visible"`
		Heading string   `json:"heading"`
		Links   []string `json:"links"`
		Missing []string `json:"missing"`
	}
	s := browserRun(b, "read the error summary", chromedp.Evaluate[summary](`(() => {
		const el = document.querySelector('[role=alert]');
		if (!el) return {found: false, visible: false, heading: "", links: [], missing: []};
		const links = [...el.querySelectorAll('a[href^="#"]')].map(a => a.getAttribute('href'));
		return {found: true, visible: el.getClientRects().length > 0,
			heading: (el.querySelector('h2') || el).innerText.trim(), links,
			missing: links.filter(h => !document.getElementById(h.slice(1)))};
	})()`))
	switch {
	case !s.Found || !s.Visible:
		t.Errorf("no visible error summary (role=alert) after saving an invalid form")
	case s.Heading != sv.T("sv", "err.invalid"):
		t.Errorf("error summary heading = %q, want %q", s.Heading, sv.T("sv", "err.invalid"))
	}
	for _, want := range []string{"#f-title", "#f-review-interval-months"} {
		if !browserContains(s.Links, want) {
			t.Errorf("error summary links %v lack %s", s.Links, want)
		}
	}
	if len(s.Missing) > 0 {
		t.Errorf("error summary links to fields that are not on the page: %v", s.Missing)
	}
	for sel, want := range map[string]string{"#f-description": description, "#f-review-interval-months": "0", "#f-title": ""} {
		if got := browserRun(b, "read "+sel, chromedp.Value(chromedp.CSS(sel))); got != want {
			t.Errorf("after the error, %s = %q, want %q", sel, got, want)
		}
	}
	if got := b.selectedText("#f-org-unit-id"); got != unit {
		t.Errorf("after the error, the org unit shows %q, want %q", got, unit)
	}
	for _, sel := range []string{"#f-title", "#f-review-interval-months"} {
		if v := browserRun(b, "aria-invalid of "+sel, chromedp.AttributeValue(chromedp.CSS(sel), "aria-invalid")); v.Value != "true" {
			t.Errorf("%s is not marked aria-invalid", sel)
		}
	}

	// The information owner of another unit cannot see the draft at all.
	b.logout()
	if got := b.login("agare"); got != mid {
		t.Fatalf("agare landed in municipality %s, want %s", got, mid)
	}
	b.open(docPath, http.StatusNotFound)
	b.check("not found page")
	if got := b.text("main"); !strings.Contains(got, sv.T("sv", "err.not_found")) {
		t.Errorf("agare at %s: page does not say %q:\n%s", docPath, sv.T("sv", "err.not_found"), got)
	}
	if strings.Contains(b.text("html"), title) || strings.Contains(browserRun(b, "read title", chromedp.Title()), title) {
		t.Errorf("agare sees the title of a document in another unit at %s", docPath)
	}
	b.open(dash+"/documents", http.StatusOK)
	b.check("documents list (agare)")
	if strings.Contains(b.text("html"), title) {
		t.Errorf("agare's document list shows a document of another unit")
	}
	b.open(dash, http.StatusOK)
	if strings.Contains(b.text("html"), title) {
		t.Errorf("agare's dashboard shows a document of another unit")
	}
}

func TestBrowserStatementOfApplicability(t *testing.T) {
	chrome := browserExecPath(t)
	ts := browserServer(t)
	ctx := browserContext(t, chrome)
	sv := browserCatalog(t)
	tr := func(key string, args ...any) string { return sv.T("sv", key, args...) }
	b := &browserSession{t: t, ctx: ctx, base: ts.URL}

	cats, err := catalog.Load()
	if err != nil {
		t.Fatalf("load catalogs: %v", err)
	}
	iso := cats.Catalog(catalog.ISO)
	var orgTheme string // the organisational theme's title, as the gap analysis names it
	for _, th := range iso.Themes {
		if th.ID == "organizational" {
			orgTheme = th.TitleSV
		}
	}
	if orgTheme == "" {
		t.Fatalf("Annex A has no organizational theme")
	}
	implemented, partial := tr("ctlstatus.implemented"), tr("ctlstatus.partial")

	mid := b.login("samordnare")
	dash := "/m/" + mid
	soaPath := dash + "/soa"

	// The gap analysis before anything changes: the Annex A table and its numbers.
	browserClick(b, "gap analysis in the navigation", chromedp.CSS(`header nav a[href="`+dash+`/gap"]`), http.StatusOK)
	b.wantPath(dash + "/gap")
	b.check("gap analysis")
	gapBefore := b.gapTable(catalog.ISO)
	if want := tr("gap.table_caption", iso.NameSV); gapBefore.Caption != want {
		t.Errorf("gap analysis: Annex A table caption = %q, want %q", gapBefore.Caption, want)
	}
	orgBefore, ok := gapBefore.Implemented[orgTheme]
	if !ok {
		t.Fatalf("gap analysis: the Annex A table has no row %q (rows %v)", orgTheme, gapBefore.Implemented)
	}
	if len(gapBefore.Implemented) != len(iso.Themes)+1 {
		t.Errorf("gap analysis: the Annex A table has %d rows, want %d themes and the total", len(gapBefore.Implemented), len(iso.Themes))
	}

	// 1. The statement of applicability, from the navigation.
	if got := b.text(`header nav a[href="` + soaPath + `"]`); got != tr("nav.soa") {
		t.Errorf("navigation link to the statement says %q, want %q", got, tr("nav.soa"))
	}
	browserClick(b, "statement of applicability in the navigation", chromedp.CSS(`header nav a[href="`+soaPath+`"]`), http.StatusOK)
	b.wantPath(soaPath)
	b.check("statement of applicability")
	b.screenshot("soa_list")
	rows := b.soaRows()
	if len(rows) < 93 {
		t.Errorf("statement of applicability lists %d rows, want at least the 93 of Annex A", len(rows))
	}
	if got, want := b.text("table.soa caption"), tr("soa.count", len(rows)); got != want {
		t.Errorf("statement caption = %q, want %q", got, want)
	}
	if _, ok := rows["5.24"]; !ok {
		t.Errorf("statement of applicability has no row 5.24")
	}
	if r := rows["5.29"]; r.Status != tr("ctlstatus.not_started") {
		t.Errorf("row 5.29 shows %q before the change, want %q (the demo's state)", r.Status, tr("ctlstatus.not_started"))
	}
	for id, r := range rows {
		if id == "7.4" || id == "7.11" || id == "8.28" {
			if r.Applicable != tr("common.no") || r.Status != tr("ctlstatus.not_applicable") {
				t.Errorf("row %s shows applicable %q, status %q; the demo has it not applicable", id, r.Applicable, r.Status)
			}
		}
	}

	// Row 5.29: not started in the demo; the coordinator marks it implemented.
	browserClick(b, "open row 5.29", chromedp.CSS(`table.soa a[href="`+soaPath+`/5.29"]`), http.StatusOK)
	b.wantPath(soaPath + "/5.29")
	b.check("row 5.29")
	if h1 := b.text("h1"); !strings.HasPrefix(h1, "5.29 ") {
		t.Errorf("row page h1 = %q, want it to start with 5.29", h1)
	}
	if got := b.text("#h-edit"); got != tr("soa.edit_title") {
		t.Fatalf("row 5.29: the coordinator sees no edit form (heading %q)", got)
	}
	b.selectOption("#f-status", implemented)
	browserClick(b, "save row 5.29", chromedp.CSS(`section[aria-labelledby="h-edit"] form button[type=submit].primary`), http.StatusOK)
	b.wantPath(soaPath + "/5.29")
	if flash := b.text(".flash"); flash != tr("flash.saved") {
		t.Errorf("after saving row 5.29 the flash says %q, want %q", flash, tr("flash.saved"))
	}
	if badge := b.text("p.lead .badge"); badge != implemented {
		t.Errorf("row 5.29 status badge = %q after saving, want %q", badge, implemented)
	}
	if got := b.selectedText("#f-status"); got != implemented {
		t.Errorf("row 5.29 edit form shows status %q after saving, want %q", got, implemented)
	}

	// Back on the list, filtered by status "implemented".
	browserClick(b, "back to the statement", chromedp.CSS(`.breadcrumb a[href="`+soaPath+`"]`), http.StatusOK)
	b.wantPath(soaPath)
	b.selectOption("#f-status", implemented)
	browserClick(b, "filter by status", chromedp.CSS(`form.filters button[type=submit]`), http.StatusOK)
	if p := b.path(); !strings.HasPrefix(p, soaPath+"?") || !strings.Contains(p, "status=implemented") {
		t.Errorf("after filtering the browser is at %s, want %s?…status=implemented", p, soaPath)
	}
	b.check("statement filtered by status")
	filtered := b.soaRows()
	if _, ok := filtered["5.29"]; !ok {
		t.Errorf("the statement filtered by %q lacks 5.29", implemented)
	}
	if _, ok := filtered["5.3"]; ok {
		t.Errorf("the statement filtered by %q lists 5.3, which is %q", implemented, partial)
	}
	for id, r := range filtered {
		if r.Status != implemented {
			t.Errorf("the statement filtered by %q shows %s as %q", implemented, id, r.Status)
		}
	}
	if got := b.selectedText("#f-status"); got != implemented {
		t.Errorf("the status filter shows %q after filtering, want %q", got, implemented)
	}

	// 2. The gap analysis counts 5.29 among the implemented organisational controls.
	browserClick(b, "gap analysis from the statement", chromedp.CSS(`main ul.actions-list a[href="`+dash+`/gap"]`), http.StatusOK)
	b.wantPath(dash + "/gap")
	gapAfter := b.gapTable(catalog.ISO)
	if got := gapAfter.Implemented[orgTheme]; got != orgBefore+1 {
		t.Errorf("gap analysis: %q implemented = %d after 5.29 was implemented, want %d", orgTheme, got, orgBefore+1)
	}
	total := tr("gap.total")
	if got, was := gapAfter.Implemented[total], gapBefore.Implemented[total]; got != was+1 {
		t.Errorf("gap analysis: total implemented = %d after 5.29 was implemented, want %d", got, was+1)
	}
	b.screenshot("gap")

	// 3. Row 6.8 not applicable: without a justification the form comes back with the error.
	b.open(soaPath+"/6.8", http.StatusOK)
	b.check("row 6.8")
	b.do("choose not applicable", chromedp.Click(chromedp.CSS("#f-applicable-no")))
	b.clear("#f-justification")
	browserClick(b, "save 6.8 without justification", chromedp.CSS(`section[aria-labelledby="h-edit"] form button[type=submit].primary`), http.StatusBadRequest)
	b.check("row 6.8 with errors")
	b.screenshot("soa_row_errors")
	type alert struct {
		Found   bool              `json:"found"`
		Visible bool              `json:"visible"`
		Heading string            `json:"heading"`
		Links   map[string]string `json:"links"`
	}
	al := browserRun(b, "read the error summary", chromedp.Evaluate[alert](`(() => {
		const el = document.querySelector('[role=alert]');
		if (!el) return {found: false, visible: false, heading: "", links: {}};
		const links = {};
		for (const a of el.querySelectorAll('a[href^="#"]')) links[a.getAttribute('href')] = a.innerText.trim();
		return {found: true, visible: el.getClientRects().length > 0,
			heading: (el.querySelector('h2') || el).innerText.trim(), links};
	})()`))
	switch {
	case !al.Found || !al.Visible:
		t.Errorf("row 6.8: no visible error summary (role=alert) after saving without a justification")
	case al.Heading != tr("err.invalid"):
		t.Errorf("row 6.8: error summary heading = %q, want %q", al.Heading, tr("err.invalid"))
	}
	if got, want := al.Links["#f-justification"], tr("soa.justification")+": "+tr("err.justification_required"); got != want {
		t.Errorf("row 6.8: error summary link to #f-justification reads %q, want %q (links %v)", got, want, al.Links)
	}
	if n := browserRun(b, "count #f-justification", chromedp.Evaluate[int](`document.querySelectorAll('#f-justification').length`)); n != 1 {
		t.Errorf("row 6.8: %d elements with id f-justification, want 1", n)
	}
	if got := b.text("#f-justification-error"); got != tr("err.justification_required") {
		t.Errorf("row 6.8: the justification field's error says %q, want %q", got, tr("err.justification_required"))
	}
	checked := browserRun(b, "read the applicability radios", chromedp.Evaluate[[]bool](
		`[document.querySelector('#f-applicable-yes').checked, document.querySelector('#f-applicable-no').checked]`))
	if len(checked) != 2 || checked[0] || !checked[1] {
		t.Errorf("row 6.8: after the error the radios are (yes, no) = %v, want the choice %q kept", checked, tr("soa.applicable_no"))
	}
	if badge := b.text("p.lead .badge"); badge == tr("ctlstatus.not_applicable") {
		t.Errorf("row 6.8 shows %q although saving failed", badge)
	}
	const justification = "Kommunen har inga egna lokaler med skyddsvärd utrustning utanför stadshuset (webbläsartest)."
	b.do("type a justification", chromedp.SendKeys(chromedp.CSS("#f-justification"), justification))
	browserClick(b, "save 6.8 with a justification", chromedp.CSS(`section[aria-labelledby="h-edit"] form button[type=submit].primary`), http.StatusOK)
	b.wantPath(soaPath + "/6.8")
	if flash := b.text(".flash"); flash != tr("flash.saved") {
		t.Errorf("after saving row 6.8 the flash says %q, want %q", flash, tr("flash.saved"))
	}
	if badge := b.text("p.lead .badge"); badge != tr("ctlstatus.not_applicable") {
		t.Errorf("row 6.8 status badge = %q, want %q", badge, tr("ctlstatus.not_applicable"))
	}
	if facts := b.text("dl.facts"); !strings.Contains(facts, justification) {
		t.Errorf("row 6.8 facts do not show the justification:\n%s", facts)
	}

	// 4. The review calendar and its subscription link.
	calPath := dash + "/calendar"
	browserClick(b, "review calendar in the navigation", chromedp.CSS(`header nav a[href="`+calPath+`"]`), http.StatusOK)
	b.wantPath(calPath)
	b.check("review calendar")
	b.screenshot("calendar")
	if h1 := b.text("h1"); h1 != tr("cal.title") {
		t.Errorf("calendar h1 = %q, want %q", h1, tr("cal.title"))
	}
	groups := browserRun(b, "read the calendar groups", chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('main section[aria-label]')].filter(s => s.querySelector('table tbody tr')).map(s => s.getAttribute('aria-label'))`))
	if len(groups) == 0 {
		t.Errorf("the review calendar lists no groups; the demo has overdue reviews")
	}
	if got := b.text(`section[aria-labelledby="h-feed"] h2`); got != tr("cal.feed_title") {
		t.Errorf("calendar: subscription section heading = %q, want %q", got, tr("cal.feed_title"))
	}
	createBtn := `section[aria-labelledby="h-feed"] form[action="/calendar-token"] button[type=submit]`
	if got := b.text(createBtn); got != tr("cal.feed_create") {
		t.Errorf("calendar: the create button says %q, want %q", got, tr("cal.feed_create"))
	}
	browserClick(b, "create a calendar link", chromedp.CSS(createBtn), http.StatusOK)
	b.check("calendar link")
	feed := browserRun(b, "read the calendar link", chromedp.Evaluate[map[string]any](`(() => {
		const el = document.querySelector('#f-feed-url');
		return el ? {value: el.value, readOnly: el.readOnly} : {value: "", readOnly: false};
	})()`))
	feedURL, _ := feed["value"].(string)
	if ro, _ := feed["readOnly"].(bool); !ro {
		t.Errorf("calendar link page: #f-feed-url is not read-only")
	}
	if !strings.HasPrefix(feedURL, ts.URL+"/calendar/") || !strings.HasSuffix(feedURL, ".ics") {
		t.Fatalf("calendar link page shows %q, want %s/calendar/….ics", feedURL, ts.URL)
	}
	if got := b.text(`label[for="f-feed-url"]`); got != tr("cal.feed_url") {
		t.Errorf("calendar link label = %q, want %q", got, tr("cal.feed_url"))
	}
	status, ctype, body := browserFetch(t, feedURL, nil)
	if status != http.StatusOK || !strings.HasPrefix(ctype, "text/calendar") || !strings.Contains(string(body), "BEGIN:VCALENDAR") {
		t.Errorf("GET calendar link without cookies: %d %s, body starts %.80q; want 200 text/calendar with BEGIN:VCALENDAR", status, ctype, body)
	}
	b.open(calPath, http.StatusOK)
	revokeBtn := `section[aria-labelledby="h-feed"] form[action="/calendar-token/delete"] button[type=submit]`
	if got := b.text(revokeBtn); got != tr("cal.feed_revoke") {
		t.Errorf("calendar: the revoke button says %q, want %q", got, tr("cal.feed_revoke"))
	}
	browserClick(b, "revoke the calendar link", chromedp.CSS(revokeBtn), http.StatusOK)
	b.wantPath(calPath)
	if flash := b.text(".flash"); flash != tr("flash.calendar_revoked") {
		t.Errorf("after revoking, the flash says %q, want %q", flash, tr("flash.calendar_revoked"))
	}
	if status, _, _ := browserFetch(t, feedURL, nil); status != http.StatusNotFound {
		t.Errorf("GET revoked calendar link: status %d, want 404", status)
	}

	// 5. Export to Excel with the browser's session, change 5.2 to "delvis", import it.
	b.open(soaPath, http.StatusOK)
	exportLink := `main ul.actions-list a[href$="/soa.xlsx"]`
	if got := b.text(exportLink); got != tr("soa.export_xlsx") {
		t.Errorf("statement: the XLSX export link says %q, want %q", got, tr("soa.export_xlsx"))
	}
	href := browserRun(b, "read the export link", chromedp.AttributeValue(chromedp.CSS(exportLink), "href")).Value
	cookies, err := chromedp.Call(b.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{ts.URL}})
	if err != nil {
		t.Fatalf("read the browser's cookies: %v", err)
	}
	var jar []*http.Cookie
	for _, c := range cookies.Cookies {
		jar = append(jar, &http.Cookie{Name: c.Name, Value: c.Value})
	}
	status, ctype, xlsx := browserFetch(t, ts.URL+href, jar)
	if status != http.StatusOK || !strings.Contains(ctype, "spreadsheetml") {
		t.Fatalf("GET %s with the browser's session: %d %s, want 200 and an XLSX workbook", href, status, ctype)
	}
	edited, line, before := browserEditXLSX(t, xlsx, "5.2", "delvis")
	if before != "införd" {
		t.Errorf("the export has status %q for 5.2, want införd (the demo's state)", before)
	}
	upload := filepath.Join(t.TempDir(), "tillamplighetsforklaring.xlsx")
	if err := os.WriteFile(upload, edited, 0o600); err != nil {
		t.Fatalf("write the edited workbook: %v", err)
	}

	importLink := `main ul.actions-list a[href="` + dash + `/soa-import"]`
	if got := b.text(importLink); got != tr("soa.import") {
		t.Errorf("statement: the import link says %q, want %q", got, tr("soa.import"))
	}
	browserClick(b, "open the import", chromedp.CSS(importLink), http.StatusOK)
	b.wantPath(dash + "/soa-import")
	b.check("import form")
	b.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{upload}))
	browserClick(b, "upload the workbook", chromedp.CSS(`main form[enctype="multipart/form-data"] button[type=submit].primary`), http.StatusOK)
	b.check("import preview")
	b.screenshot("import_preview")
	if got := b.text("main h2"); got != tr("imp.preview") {
		t.Errorf("import preview heading = %q, want %q", got, tr("imp.preview"))
	}
	preview := browserRun(b, "read the preview", chromedp.Evaluate[[][]string](
		`[...document.querySelectorAll('main form table tbody tr')].map(tr => [...tr.cells].map(td => td.innerText.trim()))`))
	if len(preview) != 1 {
		t.Fatalf("import preview lists %d rows, want only 5.2: %q", len(preview), preview)
	}
	if want := []string{strconv.Itoa(line), "5.2", implemented, partial}; !slices.Equal(preview[0], want) {
		t.Errorf("import preview row = %q, want %q", preview[0], want)
	}
	if got, want := b.text("main form button[type=submit].primary"), tr("imp.confirm"); got != want {
		t.Errorf("import confirm button says %q, want %q", got, want)
	}
	browserClick(b, "confirm the import", chromedp.CSS(`main form button[type=submit].primary`), http.StatusOK)
	b.check("import applied")
	if flash := b.text("main .flash"); flash != tr("imp.applied", 1) {
		t.Errorf("after the import the confirmation says %q, want %q", flash, tr("imp.applied", 1))
	}
	browserClick(b, "back to the statement after the import", chromedp.CSS(`main p:not(.breadcrumb) > a[href="`+soaPath+`"]`), http.StatusOK)
	b.wantPath(soaPath)
	if r := b.soaRows()["5.2"]; r.Status != partial {
		t.Errorf("after the import the statement shows 5.2 as %q, want %q", r.Status, partial)
	}

	// 6. The information owner reads the statement and may edit only the rows they own.
	b.logout()
	if got := b.login("agare"); got != mid {
		t.Fatalf("agare landed in municipality %s, want %s", got, mid)
	}
	browserClick(b, "statement in agare's navigation", chromedp.CSS(`header nav a[href="`+soaPath+`"]`), http.StatusOK)
	b.wantPath(soaPath)
	b.check("statement of applicability (agare)")
	ownerRows := b.soaRows()
	if len(ownerRows) < 93 {
		t.Errorf("agare's statement lists %d rows, want all of them (at least 93)", len(ownerRows))
	}
	if r := ownerRows["5.2"]; r.Status != partial {
		t.Errorf("agare's statement shows 5.2 as %q, want %q", r.Status, partial)
	}
	if r := ownerRows["5.15"]; r.Owner != "Omar Ägare" {
		t.Errorf("agare's statement shows the owner of 5.15 as %q, want Omar Ägare", r.Owner)
	}
	browserClick(b, "open row 5.15 as agare", chromedp.CSS(`table.soa a[href="`+soaPath+`/5.15"]`), http.StatusOK)
	b.check("row 5.15 (agare)")
	if got := b.text("#h-edit"); got != tr("soa.edit_title") {
		t.Errorf("agare on row 5.15, which agare owns: edit heading %q, want %q", got, tr("soa.edit_title"))
	}
	if n := browserRun(b, "count edit forms", chromedp.Evaluate[int](`document.querySelectorAll('section[aria-labelledby="h-edit"] form #f-status').length`)); n != 1 {
		t.Errorf("agare on row 5.15: no status field in the edit form")
	}
	b.open(soaPath+"/5.1", http.StatusOK)
	b.check("row 5.1 (agare)")
	if n := browserRun(b, "count edit headings", chromedp.Evaluate[int](`document.querySelectorAll('#h-edit, #f-status, #f-applicable').length`)); n != 0 {
		t.Errorf("agare on row 5.1, owned by no one of theirs, sees the edit form (%d of its parts)", n)
	}
	if strings.Contains(b.text("main"), tr("soa.edit_title")) {
		t.Errorf("agare on row 5.1 sees the heading %q", tr("soa.edit_title"))
	}
}

// browserSoARow is one row of the statement of applicability as the list shows it.
type browserSoARow struct {
	Applicable string `json:"applicable"`
	Status     string `json:"status"`
	Owner      string `json:"owner"`
}

// soaRows reads the statement of applicability's table, by control id.
func (b *browserSession) soaRows() map[string]browserSoARow {
	b.t.Helper()
	return browserRun(b, "read the statement", chromedp.Evaluate[map[string]browserSoARow](`(() => {
		const out = {};
		for (const tr of document.querySelectorAll('table.soa tbody tr')) {
			const td = tr.cells;
			out[td[0].innerText.trim()] = {applicable: td[2].innerText.trim(),
				status: (td[3].querySelector('.badge') || td[3]).innerText.trim(), owner: td[4].innerText.trim()};
		}
		return out;
	})()`))
}

// browserGap is the table of one catalog on the gap analysis page.
type browserGap struct {
	Caption     string         `json:"caption"`
	Implemented map[string]int `json:"implemented"` // row heading (theme or total) → implemented
}

func (b *browserSession) gapTable(catalogID string) browserGap {
	b.t.Helper()
	g := browserRun(b, "read the gap table of "+catalogID, chromedp.Evaluate[browserGap](`(() => {
		const sec = document.querySelector('section[aria-labelledby="h-' + `+browserJS(catalogID)+` + '"]');
		const table = sec && sec.querySelector('table');
		if (!table) return {caption: "", implemented: {}};
		const implemented = {};
		for (const tr of table.querySelectorAll('tbody tr')) {
			implemented[tr.querySelector('th').innerText.trim()] = parseInt(tr.cells[1].innerText, 10);
		}
		return {caption: (table.caption ? table.caption.innerText.trim() : ""), implemented};
	})()`))
	if g.Caption == "" && len(g.Implemented) == 0 {
		b.t.Fatalf("gap analysis has no table for %s", catalogID)
	}
	return g
}

// browserFetch GETs url with net/http, sending only the given cookies (none: as a calendar
// program would), and returns the status, content type and body.
func browserFetch(t *testing.T, url string, cookies []*http.Cookie) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatalf("new request %s: %v", url, err)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", url, err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), body
}

// browserEditXLSX sets the Status cell of control id in an exported workbook, as someone
// editing it in Excel would, and returns the workbook, the spreadsheet line of the row and
// the status it had.
func browserEditXLSX(t *testing.T, data []byte, id, status string) ([]byte, int, string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("open the exported workbook: %v", err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	rows, err := f.GetRows(sheet)
	if err != nil || len(rows) < 2 {
		t.Fatalf("read sheet %q of the export: %d rows, %v", sheet, len(rows), err)
	}
	col := slices.Index(rows[0], "Status")
	if col < 0 {
		t.Fatalf("the export's header %q has no Status column", rows[0])
	}
	for i, r := range rows[1:] {
		if len(r) == 0 || r[0] != id {
			continue
		}
		line := i + 2
		before := ""
		if col < len(r) {
			before = r[col]
		}
		cell, err := excelize.CoordinatesToCellName(col+1, line)
		if err == nil {
			err = f.SetCellStr(sheet, cell, status)
		}
		if err != nil {
			t.Fatalf("set %s in the workbook: %v", cell, err)
		}
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatalf("write the edited workbook: %v", err)
		}
		return buf.Bytes(), line, before
	}
	t.Fatalf("the export has no row %s", id)
	return nil, 0, ""
}

// browserSession is one browser tab logged in (or not) to one test server.
type browserSession struct {
	t    *testing.T
	ctx  context.Context
	base string
}

// browserExecPath finds Chromium, or skips (fails when LISA_REQUIRE_BROWSER=1).
func browserExecPath(t *testing.T) string {
	t.Helper()
	if testing.Short() && os.Getenv("LISA_REQUIRE_BROWSER") != "1" {
		t.Skip("browser test skipped in -short mode")
	}
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("LISA_REQUIRE_BROWSER") == "1" {
		t.Fatal("LISA_REQUIRE_BROWSER=1 but no Chromium found (apt-get install chromium)")
	}
	t.Skip("no Chromium installed (apt-get install chromium); set LISA_REQUIRE_BROWSER=1 to make this a failure")
	return ""
}

// browserServer starts Lisa with the demo data on a fresh database. The request log is
// printed only when the test fails.
func browserServer(t *testing.T) *httptest.Server {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "lisa.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	a, err := app.New(s)
	if err != nil {
		t.Fatalf("new app: %v", err)
	}
	a.Hasher = auth.Hasher{Cost: bcrypt.MinCost}
	if err := demo.Seed(ctx, a); err != nil {
		t.Fatalf("seed demo data: %v", err)
	}
	logs := &browserLog{}
	srv, err := web.New(a, web.Options{Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		ts.Close()
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return ts
}

// browserLog collects the server's log lines.
type browserLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *browserLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *browserLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// browserContext starts headless Chromium with a fresh profile; it is closed when the test
// ends. The whole test has two minutes.
func browserContext(t *testing.T, chrome string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "chromium-profile")),
		chromedp.WindowSize(1280, 900),
	)
	parent, cancelTimeout := context.WithTimeout(context.Background(), 2*time.Minute)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(parent, opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc() // waits for the browser to exit
		cancelTimeout()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", chrome, err)
	}
	return ctx
}

// browserCatalog is the UI's translations, so the test asserts on what sv.txt says.
func browserCatalog(t *testing.T) *i18n.Catalog {
	t.Helper()
	cat, err := i18n.Load(ui.FS)
	if err != nil {
		t.Fatalf("load translations: %v", err)
	}
	return cat
}

// browserRun runs one action that returns a value, failing the test on error.
func browserRun[T any](b *browserSession, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, a)
	if err != nil {
		b.t.Fatalf("%s (at %s): %v", what, b.pathOrEmpty(), err)
	}
	return v
}

func (b *browserSession) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s (at %s): %v", what, b.pathOrEmpty(), err)
	}
}

// open navigates to path and checks the HTTP status of the page.
func (b *browserSession) open(path string, status int) {
	b.t.Helper()
	resp := browserRun(b, "open "+path, chromedp.NavigateResponse(b.base+path))
	if resp == nil || int(resp.Status) != status {
		b.t.Fatalf("GET %s: status %s, want %d", path, browserStatus(resp), status)
	}
}

// browserClick clicks sel (a button or link), waits for the page that follows and checks
// its status (after redirects).
func browserClick[S chromedp.Selectable](b *browserSession, what string, sel S, status int) {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(sel))
	if err != nil {
		b.t.Fatalf("%s (at %s): %v", what, b.pathOrEmpty(), err)
	}
	if resp == nil || int(resp.Status) != status {
		b.t.Fatalf("%s: status %s at %s, want %d", what, browserStatus(resp), b.pathOrEmpty(), status)
	}
}

func browserStatus(resp *network.Response) string {
	if resp == nil {
		return "none"
	}
	return fmt.Sprint(resp.Status)
}

// path is the current URL's path and query.
func (b *browserSession) path() string {
	b.t.Helper()
	loc := browserRun(b, "read location", chromedp.Location())
	u, err := url.Parse(loc)
	if err != nil {
		b.t.Fatalf("parse location %q: %v", loc, err)
	}
	return u.RequestURI()
}

func (b *browserSession) pathOrEmpty() string {
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		return "?"
	}
	return strings.TrimPrefix(loc, b.base)
}

func (b *browserSession) wantPath(want string) {
	b.t.Helper()
	if got := b.path(); got != want {
		b.t.Fatalf("browser is at %s, want %s", got, want)
	}
}

// text is the rendered text of the first element matching css ("" when there is none).
func (b *browserSession) text(css string) string {
	b.t.Helper()
	return strings.TrimSpace(browserRun(b, "read text of "+css, chromedp.Evaluate[string](
		`(() => { const el = document.querySelector(`+browserJS(css)+`); return el ? el.innerText : ""; })()`)))
}

// clear empties a text field, as selecting its text and deleting it would. (SetValue with ""
// does not: chromedp v0.23.0 leaves the argument out and the field gets "undefined".)
func (b *browserSession) clear(css string) {
	b.t.Helper()
	ok := browserRun(b, "clear "+css, chromedp.Evaluate[bool](`(() => {
		const el = document.querySelector(`+browserJS(css)+`);
		if (!el) return false;
		el.value = '';
		el.dispatchEvent(new Event('input', {bubbles: true}));
		el.dispatchEvent(new Event('change', {bubbles: true}));
		return el.value === '';
	})()`))
	if !ok {
		b.t.Fatalf("cannot clear %s", css)
	}
}

// selectOption chooses the option whose visible text is label, as a user picking from the
// list would.
func (b *browserSession) selectOption(css, label string) {
	b.t.Helper()
	ok := browserRun(b, "choose "+label+" in "+css, chromedp.Evaluate[bool](`(() => {
		const sel = document.querySelector(`+browserJS(css)+`);
		if (!sel) return false;
		const opt = [...sel.options].find(o => o.textContent.trim() === `+browserJS(label)+`);
		if (!opt) return false;
		sel.value = opt.value;
		sel.dispatchEvent(new Event('change', {bubbles: true}));
		return true;
	})()`))
	if !ok {
		b.t.Fatalf("%s has no option %q", css, label)
	}
}

// selectedText is the visible text of the selected option of a select.
func (b *browserSession) selectedText(css string) string {
	b.t.Helper()
	return browserRun(b, "read selected "+css, chromedp.Evaluate[string](`(() => {
		const sel = document.querySelector(`+browserJS(css)+`);
		return sel && sel.selectedIndex >= 0 ? sel.options[sel.selectedIndex].textContent.trim() : "";
	})()`))
}

// dueBadge finds the row linking to title inside the element matching scope and returns
// the text of its due badge ("" when the title or the badge is missing).
func (b *browserSession) dueBadge(scope, title string) string {
	b.t.Helper()
	return browserRun(b, "find "+title, chromedp.Evaluate[string](`(() => {
		const root = document.querySelector(`+browserJS(scope)+`);
		if (!root) return "";
		const a = [...root.querySelectorAll('a')].find(a => a.textContent.trim() === `+browserJS(title)+`);
		const row = a && a.closest('tr');
		const badge = row && row.querySelector('.badge');
		return badge ? badge.textContent.trim() : "";
	})()`))
}

// login logs username in through the form and returns the municipality id the user lands in.
func (b *browserSession) login(username string) string {
	b.t.Helper()
	b.open("/login", http.StatusOK)
	b.check("login page")
	b.do("type the login",
		chromedp.SendKeys(chromedp.CSS("#f-username"), username),
		chromedp.SendKeys(chromedp.CSS("#f-password"), demo.Password),
	)
	browserClick(b, "log in as "+username, chromedp.CSS(`form[action="/login"] button[type=submit]`), http.StatusOK)
	m := regexp.MustCompile(`^/m/(\d+)$`).FindStringSubmatch(b.path())
	if m == nil {
		b.t.Fatalf("after logging in as %s the browser is at %s, want a municipality's dashboard", username, b.path())
	}
	return m[1]
}

// logout uses the header's logout button.
func (b *browserSession) logout() {
	b.t.Helper()
	browserClick(b, "log out", chromedp.CSS(`form[action="/logout"] button[type=submit]`), http.StatusOK)
	b.wantPath("/login")
}

// check is the basic accessibility check of every page: Swedish lang, one h1, a label for
// every visible form control, and a visible focus indicator for keyboard users.
func (b *browserSession) check(page string) {
	b.t.Helper()
	type report struct {
		Lang       string   `json:"lang"`
		H1         int      `json:"h1"`
		Title      string   `json:"title"`
		Unlabelled []string `json:"unlabelled"`
		DupIDs     []string `json:"dupIDs"`
	}
	r := browserRun(b, "accessibility check of "+page, chromedp.Evaluate[report](`(() => {
		const visible = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
		const unlabelled = [];
		for (const el of document.querySelectorAll('input, select, textarea')) {
			const type = (el.getAttribute('type') || '').toLowerCase();
			if (type === 'hidden' || type === 'submit' || !visible(el)) continue;
			const labelled = (el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]'))
				|| (el.getAttribute('aria-label') || '').trim() !== '';
			if (!labelled) unlabelled.push(el.outerHTML.slice(0, 120));
		}
		const seen = {}, dup = [];
		for (const el of document.querySelectorAll('[id]')) {
			if (seen[el.id]) dup.push(el.id);
			seen[el.id] = true;
		}
		return {lang: document.documentElement.lang, h1: document.querySelectorAll('h1').length,
			title: document.title, unlabelled, dupIDs: dup};
	})()`))
	if r.Lang != "sv" {
		b.t.Errorf("%s: <html lang=%q>, want sv", page, r.Lang)
	}
	if r.H1 != 1 {
		b.t.Errorf("%s: %d h1 elements, want exactly one", page, r.H1)
	}
	if strings.TrimSpace(r.Title) == "" {
		b.t.Errorf("%s: empty <title>", page)
	}
	for _, u := range r.Unlabelled {
		b.t.Errorf("%s: form control without a label: %s", page, u)
	}
	if len(r.DupIDs) > 0 {
		b.t.Errorf("%s: duplicate ids %v", page, r.DupIDs)
	}

	// Keyboard focus: the first Tab reaches the skip link, which the stylesheet's
	// :focus-visible outlines.
	b.do("press Tab on "+page, chromedp.KeyEvent(kb.Tab))
	type focus struct {
		Tag     string `json:"tag"`
		Class   string `json:"class"`
		Outline string `json:"outline"`
		Width   string `json:"width"`
		Left    int    `json:"left"`
	}
	f := browserRun(b, "read focus on "+page, chromedp.Evaluate[focus](`(() => {
		const el = document.activeElement, cs = getComputedStyle(el);
		return {tag: el.tagName.toLowerCase(), class: el.className, outline: cs.outlineStyle,
			width: cs.outlineWidth, left: Math.round(el.getBoundingClientRect().left)};
	})()`))
	switch {
	case f.Tag != "a" || f.Class != "skip":
		b.t.Errorf("%s: first Tab focuses <%s class=%q>, want the skip link", page, f.Tag, f.Class)
	case f.Outline == "none" || f.Width == "0px":
		b.t.Errorf("%s: focused skip link has no visible outline (outline-style %s, width %s)", page, f.Outline, f.Width)
	case f.Left < 0:
		b.t.Errorf("%s: focused skip link stays off screen (left %d)", page, f.Left)
	}
	// Put focus back where a fresh page has it, so the next steps start from the top.
	b.do("blur on "+page, chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur()`))
}

// screenshot saves a full-page PNG into the test's temp dir (os.TempDir with LISA_SCREENSHOTS).
func (b *browserSession) screenshot(name string) {
	b.t.Helper()
	png := browserRun(b, "screenshot "+name, chromedp.FullScreenshot(100))
	dir := b.t.TempDir()
	if os.Getenv("LISA_SCREENSHOTS") != "" {
		dir = os.TempDir()
	}
	p := filepath.Join(dir, "lisa-"+name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Fatalf("write screenshot: %v", err)
	}
	b.t.Logf("screenshot %s", p)
}

// browserJS quotes s as a JavaScript string literal.
func browserJS(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

func browserContains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// WCAG 2.1 1.4.10 Reflow, which axe cannot test: at 320 CSS px (a 1280 px window at 400 %
// zoom) no page scrolls sideways, and the header leaves most of a 320×640 screen to the
// page. Wide tables scroll inside their own focusable, named region instead.
func TestBrowserReflow(t *testing.T) {
	chrome := browserExecPath(t)
	ts := browserServer(t)
	ctx := browserContext(t, chrome)
	b := &browserSession{t: t, ctx: ctx, base: ts.URL}
	const width, height = 320, 640
	b.do("emulate a 320×640 screen", chromedp.EmulateViewport(width, height))

	mid := b.login("samordnare")
	dash := "/m/" + mid
	b.open(dash+"/documents", http.StatusOK)
	doc := browserRun(b, "find a document", chromedp.Evaluate[string](
		`(() => { const a = [...document.querySelectorAll('main table a')].find(a => /\/documents\/\d+$/.test(a.pathname)); return a ? a.pathname : ""; })()`))
	if doc == "" {
		t.Fatalf("the documents list links no document")
	}
	for _, p := range []string{
		dash, dash + "/documents", doc, dash + "/documents/new", doc + "/edit",
		dash + "/reviews", dash + "/reviews?due=overdue", dash + "/calendar",
		dash + "/soa", dash + "/soa/5.1", dash + "/gap", "/profile",
	} {
		b.open(p, http.StatusOK)
		b.reflow(p, width, height)
	}

	// A 1280×900 window at 200 % zoom.
	b.do("emulate a 640×450 screen", chromedp.EmulateViewport(640, 450))
	for _, p := range []string{dash, dash + "/soa"} {
		b.open(p, http.StatusOK)
		b.reflow(p, 640, 450)
	}
	b.do("emulate a 320×640 screen again", chromedp.EmulateViewport(width, height))

	// The calendar link page: its long feed URL must wrap or scroll inside its field.
	b.open(dash+"/calendar", http.StatusOK)
	browserClick(b, "create a calendar link", chromedp.CSS(`form[action="/calendar-token"] button[type=submit]`), http.StatusOK)
	b.reflow("calendar link", width, height)

	// The audit trail is the auditor's (the coordinator may not read it).
	b.logout()
	b.login("revisor")
	b.open(dash+"/audit", http.StatusOK)
	b.reflow(dash+"/audit", width, height)

	b.logout()
	b.open("/login", http.StatusOK)
	b.reflow("/login", width, height)
	b.do("type the admin login",
		chromedp.SendKeys(chromedp.CSS("#f-username"), "admin"),
		chromedp.SendKeys(chromedp.CSS("#f-password"), demo.Password),
	)
	browserClick(b, "log in as admin", chromedp.CSS(`form[action="/login"] button[type=submit]`), http.StatusOK)
	b.wantPath("/admin")
	b.reflow("/admin", width, height)
	b.open("/admin/users", http.StatusOK)
	b.reflow("/admin/users", width, height)
	user := browserRun(b, "find the user delad", chromedp.Evaluate[string](
		`(() => { const a = [...document.querySelectorAll('main table a')].find(a => a.textContent.trim() === 'delad'); return a ? a.pathname : ""; })()`))
	if user == "" {
		t.Fatalf("the users list does not link the user delad")
	}
	b.open(user, http.StatusOK)
	b.reflow(user, width, height)
	// The grant form's second step, with the units of the chosen municipality.
	b.selectOption("#f-municipality-id", "Exempelkommun")
	browserClick(b, "choose the municipality to grant a role in", chromedp.CSS(`#grant form[method=get] button[type=submit]`), http.StatusOK)
	b.reflow(b.path(), width, height)
}

// reflow checks the page at the current viewport: nothing wider than the window (the
// elements that stick out are named on failure), the header below a quarter of the window's
// height, and every scrolling table region focusable and named.
func (b *browserSession) reflow(page string, width, height int) {
	b.t.Helper()
	type report struct {
		Inner     int      `json:"inner"`
		InnerH    int      `json:"innerH"`
		Scroll    int      `json:"scroll"`
		Header    float64  `json:"header"`
		Culprits  []string `json:"culprits"`
		BadRegion []string `json:"badRegion"`
	}
	r := browserRun(b, "measure "+page, chromedp.Evaluate[report](`(() => {
		const iw = window.innerWidth, culprits = [];
		const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
		for (const el of document.body.querySelectorAll('*')) {
			if (el.closest('.table-scroll') && !el.classList.contains('table-scroll')) continue;
			const rc = el.getBoundingClientRect();
			if (rc.width > 0 && Math.ceil(rc.right) > iw) culprits.push(name(el) + ' right=' + Math.round(rc.right) + ' ' + JSON.stringify((el.innerText || el.value || '').slice(0, 40)));
		}
		const badRegion = [];
		for (const el of document.querySelectorAll('.table-scroll')) {
			const by = el.getAttribute('aria-labelledby'), named = by ? document.getElementById(by) : null;
			const label = (el.getAttribute('aria-label') || (named ? named.textContent : '')).trim();
			if (el.getAttribute('tabindex') !== '0' || el.getAttribute('role') !== 'region' || label === '' || !el.querySelector('table'))
				badRegion.push(el.outerHTML.slice(0, 120));
		}
		const h = document.querySelector('header.top');
		return {inner: iw, innerH: window.innerHeight, scroll: document.documentElement.scrollWidth,
			header: h ? h.getBoundingClientRect().height : 0, culprits: culprits.slice(0, 8), badRegion};
	})()`))
	if r.Inner != width || r.InnerH != height {
		b.t.Fatalf("%s: the window is %d×%d, want %d×%d", page, r.Inner, r.InnerH, width, height)
	}
	var problems []string
	if r.Scroll > r.Inner {
		problems = append(problems, fmt.Sprintf("the page is %d px wide in a %d px window (scrolls sideways); too wide: %s", r.Scroll, r.Inner, strings.Join(r.Culprits, "; ")))
	}
	if share := r.Header / float64(r.InnerH); share >= 0.25 || r.Header == 0 {
		problems = append(problems, fmt.Sprintf("the header is %.0f px high, %.0f %% of a %d px window, want under 25 %%", r.Header, 100*share, r.InnerH))
	}
	for _, s := range r.BadRegion {
		problems = append(problems, "a table region without tabindex=0, role=region, a name or a table: "+s)
	}
	for _, p := range problems {
		b.t.Errorf("%s at %d×%d: %s", page, width, height, p)
	}
	if len(problems) > 0 && os.Getenv("LISA_SCREENSHOTS") != "" {
		b.screenshot("reflow" + regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(page, "-"))
	}
	b.t.Logf("reflow %s: %d px wide in %d, header %.0f px (%.0f %%)", page, r.Scroll, r.Inner, r.Header, 100*r.Header/float64(r.InnerH))
}
