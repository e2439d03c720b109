package web

import (
	"fmt"
	"html"
	"html/template"
	"strconv"
	"strings"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/i18n"
)

// cell is one cell of a list's table row: its text, the Lisa path the text links to, and
// badges after it (a due state, a revision under way).
type cell struct {
	Text   string
	Href   string // a path in Lisa ("/m/…"); anything else is not linked
	Badges []badge
	Note   string // a second line under the text, as a hint
	Em     bool   // the text stands in for a missing value ("no owner"): emphasised
	Num    bool   // a number, aligned as one
	Label  string // the accessible name of a text that is a symbol ("–" for unknown)
	Hidden string // words for screen readers only after the text ("– open the record"), in the link
	Detail *cellDetail
	Head   bool     // the row's header (<th scope="row">)
	Bar    []barSeg // a bar of coloured segments, hidden from screen readers (the figures are in the other cells)
}

// barWidth is the width of a cell's bar in pixels.
const barWidth = 200

// cellDetail is a small table behind a disclosure in a cell (an audit entry's changed fields):
// Summary opens it, Head names its columns, each row's first value is its row header.
type cellDetail struct {
	Summary string
	Head    []string
	Rows    [][]string
}

// badge is a small label after a cell's text; Class is its CSS class after "badge".
type badge struct{ Class, Text string }

// tableRow is one row of a list's table: its cells in column order, and a CSS class.
type tableRow struct {
	Class string
	Cells []cell
}

// tableRows writes rows as <tr> elements, every text, path and class escaped here: a list's
// hundred rows in one template action instead of a dozen each (html/template escapes every
// printed value through reflective calls, which were half of a list page's CPU).
func tableRows(rows []tableRow) template.HTML {
	var b strings.Builder
	b.Grow(len(rows) * 256)
	for _, r := range rows {
		if r.Class != "" {
			b.WriteString(`<tr class="`)
			b.WriteString(html.EscapeString(r.Class))
			b.WriteString(`">`)
		} else {
			b.WriteString("<tr>")
		}
		for _, c := range r.Cells {
			end := "</td>"
			switch {
			case c.Head:
				b.WriteString(`<th scope="row">`)
				end = "</th>"
			case c.Num:
				b.WriteString(`<td class="num">`)
			default:
				b.WriteString("<td>")
			}
			switch {
			case c.Label != "":
				b.WriteString(`<span aria-label="`)
				b.WriteString(html.EscapeString(c.Label))
				b.WriteString(`">`)
				b.WriteString(html.EscapeString(c.Text))
				b.WriteString("</span>")
			case c.Em:
				b.WriteString("<em>")
				b.WriteString(html.EscapeString(c.Text))
				b.WriteString("</em>")
			case strings.HasPrefix(c.Href, "/") && !strings.HasPrefix(c.Href, "//"):
				b.WriteString(`<a href="`)
				b.WriteString(html.EscapeString(c.Href))
				b.WriteString(`">`)
				b.WriteString(html.EscapeString(c.Text))
				hidden(&b, c.Hidden)
				b.WriteString("</a>")
			default:
				b.WriteString(html.EscapeString(c.Text))
				hidden(&b, c.Hidden)
			}
			for i, bd := range c.Badges {
				if i > 0 || c.Text != "" {
					b.WriteByte(' ')
				}
				b.WriteString(`<span class="badge`)
				if bd.Class != "" {
					b.WriteByte(' ')
				}
				b.WriteString(html.EscapeString(bd.Class))
				b.WriteString(`">`)
				b.WriteString(html.EscapeString(bd.Text))
				b.WriteString("</span>")
			}
			if c.Note != "" {
				b.WriteString(`<br><span class="hint">`)
				b.WriteString(html.EscapeString(c.Note))
				b.WriteString("</span>")
			}
			if d := c.Detail; d != nil {
				b.WriteString("<details><summary>")
				b.WriteString(html.EscapeString(d.Summary))
				b.WriteString(`</summary><table class="compact changes">`)
				headRow(&b, d.Head)
				b.WriteString("<tbody>")
				for _, row := range d.Rows {
					b.WriteString("<tr>")
					for i, v := range row {
						if i == 0 {
							b.WriteString(`<th scope="row">`)
							b.WriteString(html.EscapeString(v))
							b.WriteString("</th>")
							continue
						}
						b.WriteString("<td>")
						b.WriteString(html.EscapeString(v))
						b.WriteString("</td>")
					}
					b.WriteString("</tr>")
				}
				b.WriteString("</tbody></table></details>")
			}
			if len(c.Bar) > 0 {
				fmt.Fprintf(&b, `<svg width="%d" height="16" aria-hidden="true" focusable="false">`, barWidth)
				for _, sg := range c.Bar {
					if sg.W > 0 {
						fmt.Fprintf(&b, `<rect x="%d" y="2" width="%d" height="12" class="seg %s"/>`, sg.X, sg.W, html.EscapeString(sg.Class))
					}
				}
				b.WriteString("</svg>")
			}
			b.WriteString(end)
		}
		b.WriteString("</tr>\n")
	}
	return template.HTML(b.String()) // every text, path and class escaped above
}

// headRow writes a table's <thead> with a column header for each of labels.
func headRow(b *strings.Builder, labels []string) {
	b.WriteString("<thead><tr>")
	for _, l := range labels {
		b.WriteString(`<th scope="col">`)
		b.WriteString(html.EscapeString(l))
		b.WriteString("</th>")
	}
	b.WriteString("</tr></thead>")
}

// hidden writes words for screen readers only (nothing when there are none).
func hidden(b *strings.Builder, words string) {
	if words == "" {
		return
	}
	b.WriteString(`<span class="visually-hidden"> – `)
	b.WriteString(html.EscapeString(words))
	b.WriteString("</span>")
}

// ownerCell is the cell of a record's owner: the name, or "no owner" emphasised.
func ownerCell(name string, t func(string, ...any) string) cell {
	if name == "" {
		return cell{Text: t("due.no_owner"), Em: true}
	}
	return cell{Text: name}
}

// dateText is a date as a cell shows it, "" for none.
func dateText(d *domain.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

// dueBadge is the badge of a review date's state when it calls for attention (overdue or
// soon), none otherwise.
func dueBadge(state string, label func(string, ...any) string) []badge {
	if state != "overdue" && state != "soon" {
		return nil
	}
	return []badge{{Class: state, Text: label("due.state." + state)}}
}

// dueTable is a review table (next review, title, kind, unit, owner) of items, in a scrolling
// region; without items, the words of empty. The calendar prints one per owner or unit: as a
// template, its dozen translated actions were most of the page's CPU.
func dueTable(tr i18n.Translator, items []tableRow, empty string) template.HTML {
	if len(items) == 0 {
		return template.HTML("<p>" + html.EscapeString(tr.T(empty)) + "</p>") // escaped here
	}
	var b strings.Builder
	caption := html.EscapeString(tr.T("due.caption"))
	b.WriteString(`<div class="table-scroll" tabindex="0" role="region" aria-label="` + caption + `"><table class="list">` + "\n")
	b.WriteString(`<caption class="visually-hidden">` + caption + "</caption>\n")
	headRow(&b, []string{tr.T("due.next_review"), tr.T("due.title"), tr.T("due.kind"), tr.T("due.unit"), tr.T("due.owner")})
	b.WriteString("\n<tbody>\n")
	b.WriteString(string(tableRows(items)))
	b.WriteString("</tbody>\n</table></div>")
	return template.HTML(b.String()) // every text escaped above and in tableRows
}

// dueGroups is the review calendar's sections, one per group (owner, unit or kind): a heading
// with the group's count, then its review table, in one action (a section of template actions
// per owner was half of the calendar's rendering on kommun-L).
func dueGroups(tr i18n.Translator, groups []dueGroup) template.HTML {
	var b strings.Builder
	for _, g := range groups {
		name := html.EscapeString(g.Name)
		b.WriteString(`<section aria-label="` + name + `">` + "\n<h2>" + name + ` <span class="count">(` + strconv.Itoa(len(g.Items)) + ")</span></h2>\n")
		b.WriteString(string(dueTable(tr, g.Items, "rev.none")))
		b.WriteString("\n</section>\n")
	}
	return template.HTML(b.String()) // every text escaped here and in dueTable
}
