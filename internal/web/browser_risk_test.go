package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The coordinator works with risks (issue 9) in a real browser: the register with the demo
// risks and a filter, a risk's page with its controls' SoA statuses, treatment actions and
// acceptance, the heat map with its cells linking to the filtered register, each page passing
// the accessibility checks of the other browser tests.
func TestBrowserRiskRegister(t *testing.T) {
	chrome := browserExecPath(t)
	ts := browserServer(t)
	ctx := browserContext(t, chrome)
	b := &browserSession{t: t, ctx: ctx, base: ts.URL}

	mid := b.login("samordnare")
	dash := "/m/" + mid
	b.open(dash, http.StatusOK)
	browserClick(b, "risks in the menu", chromedp.CSS(`header nav a[href="`+dash+`/risks"]`), http.StatusOK)
	b.wantPath(dash + "/risks")
	b.check("risk register")
	b.screenshot("risk_register")
	body := b.text("main")
	for _, want := range []string{"Utpressningsvirus krypterar kommunens filservrar", "Obehörig åtkomst till styrsystemet för VA", "Borttappad mobil i hemtjänsten"} {
		if !strings.Contains(body, want) {
			t.Errorf("the register lacks %q", want)
		}
	}

	// Filter to the risks that are very high before treatment.
	b.selectOption("#f-level", "Mycket hög")
	browserClick(b, "filter", chromedp.CSS(`main form.filters button[type=submit]`), http.StatusOK)
	body = b.text("main table")
	if !strings.Contains(body, "Utpressningsvirus") || strings.Contains(body, "Borttappad mobil") {
		t.Errorf("filtered register:\n%s", body)
	}

	// A risk's page: the scores, the controls with their SoA status, the actions, and the
	// acceptance that management made.
	b.open(dash+"/risks?q=styrsystemet", http.StatusOK)
	browserClick(b, "open the VA risk", chromedp.CSS(`main table a[href*="/risks/"]`), http.StatusOK)
	if !regexp.MustCompile(`^` + dash + `/risks/\d+$`).MatchString(b.path()) {
		t.Fatalf("not on a risk page: %s", b.path())
	}
	b.check("risk page")
	b.screenshot("risk_page")
	if h1 := b.text("h1"); h1 != "Obehörig åtkomst till styrsystemet för VA" {
		t.Errorf("h1 %q", h1)
	}
	if ctl := b.text(`section[aria-labelledby="h-controls"] table`); !strings.Contains(ctl, "8.20") || !strings.Contains(ctl, "Införd") {
		t.Errorf("controls without their SoA status:\n%s", ctl)
	}
	if acc := b.text("#acceptance"); !strings.Contains(acc, "Accepterad") || !strings.Contains(acc, "Lena Ledning") {
		t.Errorf("acceptance section:\n%s", acc)
	}
	if acts := b.text("#actions"); !strings.Contains(acts, "Tvåfaktorsautentisering för leverantörens fjärråtkomst") {
		t.Errorf("actions:\n%s", acts)
	}

	// The heat map: a cell leads to the register filtered to it.
	b.open(dash+"/heatmap", http.StatusOK)
	b.check("heat map")
	b.screenshot("heatmap")
	browserClick(b, "a cell of the table after treatment", chromedp.CSS(`#heat-after-caption ~ tbody a, table.heattable a[href*="residual=1"]`), http.StatusOK)
	if !strings.Contains(b.pathOrEmpty(), dash+"/risks") {
		t.Errorf("the cell led to %s", b.pathOrEmpty())
	}
	if n := browserRun(b, "count rows", chromedp.Evaluate[int](`document.querySelectorAll('main table tbody tr').length`)); n < 1 {
		t.Errorf("the cell's register is empty")
	}

	// Every risk page reflows on a 320 px wide screen.
	risk := ""
	b.open(dash+"/risks?q=styrsystemet", http.StatusOK)
	risk = browserRun(b, "find the risk", chromedp.Evaluate[string](`(() => { const a = document.querySelector('main table a[href*="/risks/"]'); return a ? a.pathname : ""; })()`))
	b.do("emulate a 320×640 screen", chromedp.EmulateViewport(320, 640))
	for _, p := range []string{dash + "/risks", risk, risk + "/edit", dash + "/risks/new", dash + "/heatmap", dash + "/risk-matrix", dash + "/risk-analyses"} {
		b.open(p, http.StatusOK)
		b.reflow(p, 320, 640)
	}
}
