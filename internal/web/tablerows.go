package web

import (
	"html"
	"html/template"
	"strings"
)

// cell is one cell of a list's table row: its text, the Lisa path the text links to, and
// badges after it (a due state, a revision under way).
type cell struct {
	Text   string
	Href   string // a path in Lisa ("/m/…"); anything else is not linked
	Badges []badge
}

// badge is a small label after a cell's text; Class is its CSS class after "badge".
type badge struct{ Class, Text string }

// tableRow is one row of a list's table, its cells in column order.
type tableRow []cell

// tableRows writes rows as <tr> elements, every text, path and class escaped here: a list's
// hundred rows in one template action instead of a dozen each (html/template escapes every
// printed value through reflective calls, which were half of a list page's CPU).
func tableRows(rows []tableRow) template.HTML {
	var b strings.Builder
	b.Grow(len(rows) * 256)
	for _, r := range rows {
		b.WriteString("<tr>")
		for _, c := range r {
			b.WriteString("<td>")
			if strings.HasPrefix(c.Href, "/") && !strings.HasPrefix(c.Href, "//") {
				b.WriteString(`<a href="`)
				b.WriteString(html.EscapeString(c.Href))
				b.WriteString(`">`)
				b.WriteString(html.EscapeString(c.Text))
				b.WriteString("</a>")
			} else {
				b.WriteString(html.EscapeString(c.Text))
			}
			for _, bd := range c.Badges {
				b.WriteString(` <span class="badge `)
				b.WriteString(html.EscapeString(bd.Class))
				b.WriteString(`">`)
				b.WriteString(html.EscapeString(bd.Text))
				b.WriteString("</span>")
			}
			b.WriteString("</td>")
		}
		b.WriteString("</tr>\n")
	}
	return template.HTML(b.String()) // every text, path and class escaped above
}

// dueBadge is the badge of a review date's state when it calls for attention (overdue or
// soon), none otherwise.
func dueBadge(state string, label func(string, ...any) string) []badge {
	if state != "overdue" && state != "soon" {
		return nil
	}
	return []badge{{Class: state, Text: label("due.state." + state)}}
}
