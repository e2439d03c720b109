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
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"golang.org/x/crypto/bcrypt"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/auth"
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
