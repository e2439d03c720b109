package web

import (
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/domain"
)

// A list's rows escape what users wrote and link only to Lisa's own paths.
func TestTableRowsEscape(t *testing.T) {
	got := string(tableRows([]tableRow{
		{Cells: []cell{{Text: `<script>alert("x")</script>`, Href: "/m/1/documents/2?a=1&b=2", Badges: []badge{{Class: `soon" onclick="x`, Text: "<b>Snart</b>"}}}, {Text: "Å & Ö"}}},
		{Class: "due-overdue", Cells: []cell{{Text: "extern", Href: "javascript:alert(1)"}, {Text: "annan värd", Href: "//evil.example/x"}, {Text: "–", Label: "okänd", Num: true}, {Text: "ingen", Em: true, Note: "<i>not</i>"}}},
	}))
	want := `<tr><td><a href="/m/1/documents/2?a=1&amp;b=2">&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</a> <span class="badge soon&#34; onclick=&#34;x">&lt;b&gt;Snart&lt;/b&gt;</span></td><td>Å &amp; Ö</td></tr>
<tr class="due-overdue"><td>extern</td><td>annan värd</td><td class="num"><span aria-label="okänd">–</span></td><td><em>ingen</em><br><span class="hint">&lt;i&gt;not&lt;/i&gt;</span></td></tr>
`
	if got != want {
		t.Errorf("tableRows =\n%s\nwant\n%s", got, want)
	}
	// A row header and a bar (the gap analysis per unit): empty segments are left out.
	got = string(tableRows([]tableRow{{Cells: []cell{{Text: "Skola & fritid", Head: true}, {Bar: []barSeg{{X: 0, W: 150, Class: "implemented"}, {X: 150, W: 0, Class: "partial"}, {X: 150, W: 50, Class: "not_started"}}}}}}))
	want = `<tr><th scope="row">Skola &amp; fritid</th><td><svg width="200" height="16" aria-hidden="true" focusable="false">` +
		`<rect x="0" y="2" width="150" height="12" class="seg implemented"/><rect x="150" y="2" width="50" height="12" class="seg not_started"/></svg></td></tr>
`
	if got != want {
		t.Errorf("tableRows =\n%s\nwant\n%s", got, want)
	}
	// Words for screen readers in a link, and a disclosure's table (an audit entry's change).
	got = string(tableRows([]tableRow{{Cells: []cell{{Text: "7", Href: "/m/1/records/7", Hidden: "öppna <posten>"},
		{Detail: &cellDetail{Summary: "Visa", Head: []string{"Fält", "Före", "Efter"}, Rows: [][]string{{"titel", "<a>", `"b"`}}}}}}}))
	want = `<tr><td><a href="/m/1/records/7">7<span class="visually-hidden"> – öppna &lt;posten&gt;</span></a></td>` +
		`<td><details><summary>Visa</summary><table class="compact changes"><thead><tr><th scope="col">Fält</th><th scope="col">Före</th><th scope="col">Efter</th></tr></thead>` +
		`<tbody><tr><th scope="row">titel</th><td>&lt;a&gt;</td><td>&#34;b&#34;</td></tr></tbody></table></details></td></tr>
`
	if got != want {
		t.Errorf("tableRows =\n%s\nwant\n%s", got, want)
	}
}

// The SoA row's unit fields keep each unit's chosen status and comment, escaped.
func TestUnitStatusRows(t *testing.T) {
	f := newForm()
	f.Values["unit_comment_7"] = `Saknas "ännu" <b>`
	got := string(unitStatusRows([]domain.OrgUnit{{ID: 7, Name: "Vård & omsorg"}, {ID: 8, Name: "Skola"}}, map[int64]string{7: "partial"}, f,
		func(k string, _ ...any) string { return k }))
	for _, want := range []string{
		`<label for="f-unit-status-7">Vård &amp; omsorg</label>`,
		`<option value="partial" selected>ctlstatus.partial</option>`,
		`value="Saknas &#34;ännu&#34; &lt;b&gt;"`,
		`<select id="f-unit-status-8" name="unit_status_8"><option value="" selected>soa.unit_inherit</option>`,
		`class="visually-hidden">soa.unit_comment: Skola</label>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("unit fields lack %s:\n%s", want, got)
		}
	}
}

// PDFs are assembled a few at a time: with every slot taken a request waits, and one whose
// client has gone stops waiting instead of holding its goroutine; a freed slot lets the next in.
func TestPDFSlotsBoundAssembly(t *testing.T) {
	env := newTestServer(t)
	for range cap(pdfSlots) {
		pdfSlots <- struct{}{}
	}
	send := func(ctx context.Context) (*httptest.ResponseRecorder, chan struct{}) {
		rec := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(rec)
		c.Request = httptest.NewRequest("GET", "/x.pdf", nil).WithContext(ctx)
		done := make(chan struct{})
		go func() {
			env.srv.sendPDF(c, "x.pdf", func(w io.Writer) error { _, err := w.Write([]byte("%PDF-1.4")); return err })
			close(done)
		}()
		return rec, done
	}
	ctx, cancel := context.WithCancel(context.Background())
	_, gone := send(ctx)
	waiting, served := send(context.Background())
	select {
	case <-gone:
		t.Fatal("assembled with every slot taken")
	case <-served:
		t.Fatal("assembled with every slot taken")
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	<-gone // the client went away: it stops waiting
	<-pdfSlots
	<-served
	if waiting.Code != 200 || waiting.Body.String() != "%PDF-1.4" {
		t.Errorf("after a slot was freed: %d %q", waiting.Code, waiting.Body)
	}
	for range cap(pdfSlots) - 1 {
		<-pdfSlots
	}
}

// A review table names its columns in the reader's language around its rows; without rows it
// is the empty text alone.
func TestDueTable(t *testing.T) {
	env := newTestServer(t)
	tr := env.srv.i18n.For("sv")
	got := string(dueTable(tr, []tableRow{{Cells: []cell{{Text: "2026-01-01"}, {Text: "<Rutin>"}}}}, "rev.none"))
	for _, want := range []string{`role="region" aria-label="` + tr.T("due.caption") + `"`, `<th scope="col">` + tr.T("due.next_review") + `</th>`,
		`<th scope="col">` + tr.T("due.owner") + `</th>`, "<td>&lt;Rutin&gt;</td>"} {
		if !strings.Contains(got, want) {
			t.Errorf("the table lacks %s:\n%s", want, got)
		}
	}
	if got := string(dueTable(tr, nil, "rev.none")); got != "<p>"+tr.T("rev.none")+"</p>" {
		t.Errorf("empty: %s", got)
	}
}

// The calendar's groups are sections named by their group (escaped), each with its count and
// its review table.
func TestDueGroups(t *testing.T) {
	env := newTestServer(t)
	tr := env.srv.i18n.For("sv")
	row := tableRow{Cells: []cell{{Text: "2026-01-01"}, {Text: "Rutin"}}}
	got := string(dueGroups(tr, []dueGroup{{Name: `Anna "A" <Ek>`, Items: []tableRow{row, row}}, {Name: "Bo", Items: []tableRow{row}}}))
	for _, want := range []string{`<section aria-label="Anna &#34;A&#34; &lt;Ek&gt;">`, `<h2>Anna &#34;A&#34; &lt;Ek&gt; <span class="count">(2)</span></h2>`,
		`<section aria-label="Bo">`, `<span class="count">(1)</span>`} {
		if !strings.Contains(got, want) {
			t.Errorf("the groups lack %s:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "<table"); n != 2 {
		t.Errorf("%d tables for two groups", n)
	}
}
