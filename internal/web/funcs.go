package web

import (
	"fmt"
	"html"
	"html/template"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/lisa-isms/lisa/internal/app"

	"github.com/lisa-isms/lisa/internal/domain"
)

// barSeg is one segment of a stacked bar in the gap analysis chart.
type barSeg struct {
	X, W, N, Pct int
	Class        string
}

// gapBars divides a bar width wide into the implemented, partial and not started shares of g.
func gapBars(g app.GapCounts, width int) []barSeg {
	segs := []barSeg{{Class: "implemented", N: g.Implemented}, {Class: "partial", N: g.Partial}, {Class: "not_started", N: g.NotStarted}}
	total, x := g.Applicable(), 0
	for i := range segs {
		segs[i].Pct = g.Share(segs[i].N)
		if total > 0 {
			segs[i].W = segs[i].N * width / total
		}
		segs[i].X = x
		x += segs[i].W
	}
	if total > 0 { // rounding: the last non-empty segment fills the bar
		for i := len(segs) - 1; i >= 0; i-- {
			if segs[i].N > 0 {
				segs[i].W += width - x
				break
			}
		}
	}
	return segs
}

// option is one <option> of a select.
type option struct{ Value, Label string }

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

func init() {
	f := templateFuncs
	f["dict"] = func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict: odd number of arguments")
		}
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
			}
			m[k] = kv[i+1]
		}
		return m, nil
	}
	f["list"] = func(vs ...string) []string { return vs }
	f["count"] = func(n int) string { // a bounded count: above app.DueCountMax it says so
		if n > app.DueCountMax {
			return fmt.Sprintf("%d+", app.DueCountMax)
		}
		return fmt.Sprint(n)
	}
	f["doctypes"] = func() []string { return strs(domain.DocTypes) }
	f["docstatuses"] = func() []string { return strs(domain.DocStatuses) }
	f["adopters"] = func() []string { return strs(domain.Adopters) }
	f["scopes"] = func() []string { return strs(domain.DocScopes) }
	f["orgkinds"] = func() []string { return strs(domain.OrgUnitKinds) }
	f["roles"] = func() []string { return strs(domain.MunicipalRoles) }
	f["unitopts"] = func(us []domain.OrgUnit) []option {
		out := make([]option, len(us))
		for i, u := range us {
			out[i] = option{itoa(u.ID), u.Name}
		}
		return out
	}
	f["useropts"] = func(us []domain.User) []option {
		out := make([]option, len(us))
		for i, u := range us {
			out[i] = option{itoa(u.ID), u.Name + " (" + u.Username + ")"}
		}
		return out
	}
	f["dueState"] = func(d *domain.Date, today domain.Date) string { return string(domain.DueStateOf(d, today)) }
	f["ctlstatuses"] = func() []string { return strs(domain.ControlStatuses) }
	f["assetkinds"] = func() []string { return strs(domain.AssetKinds) }
	f["assetstatuses"] = func() []string { return domain.AssetStatuses }
	f["areas"] = func() []string { return strs(domain.ActivityAreas) }
	f["supplierstatuses"] = func() []string { return domain.SupplierStatuses }
	f["aspects"] = func() []string { return strs(domain.Aspects) }
	f["keepquery"] = keepQuery
	f["selectoptions"] = selectOptions
	f["tablerows"] = tableRows
	// moment writes a moment in Swedish time, to the minute.
	f["moment"] = func(v any) string {
		switch t := v.(type) {
		case time.Time:
			return momentText(t)
		case *time.Time:
			if t != nil {
				return momentText(*t)
			}
		}
		return ""
	}
	f["levelof"] = func(l domain.Levels, a string) *int { return l.Get(domain.Aspect(a)) }
	f["bars"] = gapBars
	f["pick"] = func(lang, sv, en string) string {
		if lang == "sv" {
			return sv
		}
		return en
	}
	f["short"] = func(n int, s string) string {
		r := []rune(s)
		if len(r) <= n {
			return s
		}
		return string(r[:n-1]) + "…"
	}
	f["add"] = func(a, b int) int { return a + b }
	f["mul"] = func(a, b int) int { return a * b }
	f["derefs"] = func(a *domain.Adopter) string {
		if a == nil {
			return ""
		}
		return string(*a)
	}
	f["formWith"] = func(kv ...string) formState {
		fs := newForm()
		for i := 0; i+1 < len(kv); i += 2 {
			fs.Values[kv[i]] = kv[i+1]
		}
		return fs
	}
	f["prefixed"] = func(fs formState, prefix string) formState {
		fs.Prefix = prefix
		return fs
	}
	f["adoptForm"] = func(d domain.Document, today string) formState {
		fs := formFromDocument(d)
		if fs.Values["adopted_at"] == "" {
			fs.Values["adopted_at"] = today
		}
		return fs
	}
}

// momentText writes a moment in Swedish time, to the minute.
func momentText(t time.Time) string { return t.In(domain.Sweden).Format("2006-01-02 15:04") }

// keepQuery is the query parameters of uri but name, sorted, as hidden fields of a search
// form that reloads the page (a picker's search keeps the page's other parameters: the
// incident a risk is made from, the other picker's search).
func keepQuery(uri, name string) []option {
	u, err := url.ParseRequestURI(uri)
	if err != nil {
		return nil
	}
	q := u.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		if k != name {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []option
	for _, k := range keys {
		for _, v := range q[k] {
			out = append(out, option{k, v})
		}
	}
	return out
}

// selectOptions writes the <option> elements of a select, cur selected, escaped here: one
// call instead of html/template's reflective escaping of every value and label (a register's
// filter with hundreds of options spent most of its page's CPU there).
func selectOptions(opts []option, cur string) template.HTML {
	var b strings.Builder
	for _, o := range opts {
		b.WriteString(`<option value="`)
		b.WriteString(html.EscapeString(o.Value))
		b.WriteByte('"')
		if o.Value == cur {
			b.WriteString(" selected")
		}
		b.WriteByte('>')
		b.WriteString(html.EscapeString(o.Label))
		b.WriteString("</option>")
	}
	return template.HTML(b.String()) // every value and label escaped above
}
