package web

import (
	"strings"
	"testing"

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
