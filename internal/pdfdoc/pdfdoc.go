// Package pdfdoc writes Lisa's printable documents (continuity plans, incident report packs,
// the status report) as A4 PDFs: a title, headings, paragraphs, lists, key–value tables and
// simple tables, a generated-at line and page numbers in the footer ("Sida 3 av 7"). It uses
// fpdf's core fonts with the cp1252 code page, so Swedish å ä ö é print without an embedded
// font; text outside cp1252 (emoji, most other scripts) prints as "?", control characters as
// nothing, and a word wider than the page is broken where it must be. A Document is used by
// one goroutine.
package pdfdoc

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
)

// Options describe a document. Labels are in the reader's language; the defaults are Swedish.
type Options struct {
	Title   string // on the first page, in the running header of the others and in the file's metadata
	Subject string // metadata
	Author  string // metadata ("Lisa" when empty)
	Lang    string // the document's language ("sv" when empty)
	// GeneratedAt is printed under the title as GeneratedLabel + the time (zero: not printed);
	// it is also the file's creation date, so that one input makes one file.
	GeneratedAt    time.Time
	GeneratedLabel string // "Utskriven" when empty
	// PageLabel formats the footer from the page number and the page count ("Sida %d av %s"
	// when empty: the count is filled in when the document is written).
	PageLabel string
	// Location is the time zone of GeneratedAt as printed (Europe/Stockholm when nil and
	// available, else UTC).
	Location *time.Location
}

// Document is one PDF being written.
type Document struct {
	pdf  *fpdf.Fpdf
	tr   func(string) string
	opts Options
	// the usable width and the line heights
	width float64
}

// Sizes in millimetres and points.
const (
	margin     = 18.0
	bodySize   = 10.0
	lineHeight = 5.0
	cellPad    = 1.5
	pageAlias  = "{nb}"
)

// New starts a document with its first page and title.
func New(o Options) *Document {
	if o.Author == "" {
		o.Author = "Lisa"
	}
	if o.Lang == "" {
		o.Lang = "sv"
	}
	if o.GeneratedLabel == "" {
		o.GeneratedLabel = "Utskriven"
	}
	if o.PageLabel == "" {
		o.PageLabel = "Sida %d av %s"
	}
	if o.Location == nil {
		if loc, err := time.LoadLocation("Europe/Stockholm"); err == nil {
			o.Location = loc
		} else {
			o.Location = time.UTC
		}
	}
	p := fpdf.New("P", "mm", "A4", "")
	d := &Document{pdf: p, opts: o}
	d.tr = p.UnicodeTranslatorFromDescriptor("") // cp1252; one per document (it is not safe for concurrent use)
	p.SetMargins(margin, margin, margin)
	p.SetAutoPageBreak(true, margin+6)
	p.AliasNbPages(pageAlias)
	p.SetTitle(meta(o.Title), true) // fpdf panics on invalid UTF-8 here (found by FuzzDocument)
	p.SetSubject(meta(o.Subject), true)
	p.SetAuthor(meta(o.Author), true)
	p.SetCreator("Lisa", true)
	p.SetLang(o.Lang)
	p.SetCatalogSort(true) // fonts in a fixed order: one input, one file
	if !o.GeneratedAt.IsZero() {
		p.SetCreationDate(o.GeneratedAt)
		p.SetModificationDate(o.GeneratedAt)
	}
	p.SetHeaderFunc(func() {
		if p.PageNo() == 1 {
			return
		}
		p.SetFont("Helvetica", "", 8)
		p.SetTextColor(90, 90, 90)
		p.CellFormat(0, 4, d.fit(o.Title, d.width), "", 1, "L", false, 0, "")
		p.Ln(2)
		d.body()
	})
	p.SetFooterFunc(func() {
		p.SetY(-margin)
		p.SetFont("Helvetica", "", 8)
		p.SetTextColor(90, 90, 90)
		p.CellFormat(0, 4, d.text(fmt.Sprintf(o.PageLabel, p.PageNo(), pageAlias)), "", 0, "R", false, 0, "")
	})
	w, _ := p.GetPageSize()
	d.width = w - 2*margin
	p.AddPage()
	p.SetFont("Helvetica", "B", 18)
	p.SetTextColor(0, 0, 0)
	d.lines(d.wrap(o.Title, d.width), 8, "L")
	if !o.GeneratedAt.IsZero() {
		p.SetFont("Helvetica", "", 9)
		p.SetTextColor(70, 70, 70)
		d.lines(d.wrap(o.GeneratedLabel+" "+o.GeneratedAt.In(o.Location).Format("2006-01-02 15:04"), d.width), 4.5, "L")
	}
	p.Ln(3)
	d.body()
	return d
}

func (d *Document) body() {
	d.pdf.SetFont("Helvetica", "", bodySize)
	d.pdf.SetTextColor(0, 0, 0)
}

// cp1252Extra are the characters cp1252 has in 0x80–0x9F; with ASCII and Latin-1 they are
// all it can print.
const cp1252Extra = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"

// clean makes s printable: control and format characters go (a tab or a line break is a
// space: the callers break lines), characters outside cp1252 become "?", invalid UTF-8 too.
func clean(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i, w := 0, 0; i < len(s); i += w {
		r, n := utf8.DecodeRuneInString(s[i:])
		w = n
		switch {
		case r == utf8.RuneError && n <= 1:
			b.WriteByte('?')
		case r == '\t' || r == '\n' || r == '\r' || r == '\u00a0':
			b.WriteByte(' ')
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
		case r < 0x80 || (r >= 0xa0 && r <= 0xff) || strings.ContainsRune(cp1252Extra, r):
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r): // a combining mark of a character already written
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// meta is s as the file's metadata holds it: valid UTF-8 without control characters.
func meta(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
}

// text is s as the core fonts print it (cp1252 bytes).
func (d *Document) text(s string) string { return d.tr(clean(s)) }

// wrap breaks s (UTF-8, may hold line breaks) into lines of at most w millimetres in the
// current font, as cp1252 bytes: at spaces, and inside a word only when the word alone is
// wider than w.
func (d *Document) wrap(s string, w float64) []string {
	var out []string
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, para := range strings.Split(s, "\n") {
		words := strings.Fields(d.text(para))
		if len(words) == 0 {
			out = append(out, "")
			continue
		}
		line := ""
		for _, word := range words {
			cand := word
			if line != "" {
				cand = line + " " + word
			}
			if d.pdf.GetStringWidth(cand) <= w {
				line = cand
				continue
			}
			if line != "" {
				out = append(out, line)
				line = ""
			}
			for d.pdf.GetStringWidth(word) > w { // a word wider than the line: cut it
				n := 1
				for n < len(word) && d.pdf.GetStringWidth(word[:n+1]) <= w {
					n++
				}
				out = append(out, word[:n])
				word = word[n:]
			}
			line = word
		}
		out = append(out, line)
	}
	return out
}

// fit is s on one line of at most w millimetres, cut with "…" when longer.
func (d *Document) fit(s string, w float64) string {
	t := d.text(s)
	if d.pdf.GetStringWidth(t) <= w {
		return t
	}
	ell := d.tr("…")
	for len(t) > 0 && d.pdf.GetStringWidth(t+ell) > w {
		t = t[:len(t)-1]
	}
	return t + ell
}

// lines writes ls (already translated), each h millimetres high, over the usable width.
func (d *Document) lines(ls []string, h float64, align string) {
	for _, l := range ls {
		d.pdf.CellFormat(0, h, l, "", 1, align, false, 0, "")
	}
}

// room starts a new page unless h millimetres fit above the bottom margin.
func (d *Document) room(h float64) {
	_, ph := d.pdf.GetPageSize()
	if d.pdf.GetY()+h > ph-margin-6 {
		d.pdf.AddPage()
	}
}

// Section starts a new page with a large heading: one plan of several, one report of a pack.
func (d *Document) Section(title string) {
	d.pdf.AddPage()
	d.pdf.SetFont("Helvetica", "B", 15)
	d.lines(d.wrap(title, d.width), 7, "L")
	d.pdf.Ln(2)
	d.body()
}

// Heading writes a heading, on a new page when it and two lines after it would not fit.
func (d *Document) Heading(text string) {
	d.pdf.SetFont("Helvetica", "B", 12.5)
	ls := d.wrap(text, d.width)
	d.room(float64(len(ls))*6 + 3 + 2*lineHeight)
	d.pdf.Ln(3)
	d.lines(ls, 6, "L")
	d.pdf.Ln(1)
	d.body()
}

// Paragraph writes text; its line breaks are kept.
func (d *Document) Paragraph(text string) {
	d.body()
	d.lines(d.wrap(text, d.width), lineHeight, "L")
	d.pdf.Ln(1.5)
}

// Note writes text small and grey (a hint, a "nothing recorded").
func (d *Document) Note(text string) {
	d.pdf.SetFont("Helvetica", "I", 9)
	d.pdf.SetTextColor(70, 70, 70)
	d.lines(d.wrap(text, d.width), 4.5, "L")
	d.pdf.Ln(1.5)
	d.body()
}

// List writes items as a bulleted list, or numbered 1., 2., … when ordered.
func (d *Document) List(items []string, ordered bool) {
	d.body()
	indent := 7.0
	for i, it := range items {
		mark := d.tr("•")
		if ordered {
			mark = fmt.Sprintf("%d.", i+1)
		}
		ls := d.wrap(it, d.width-indent)
		d.room(float64(len(ls)) * lineHeight)
		for j, l := range ls {
			m := ""
			if j == 0 {
				m = mark
			}
			d.pdf.CellFormat(indent, lineHeight, m, "", 0, "L", false, 0, "")
			d.pdf.CellFormat(0, lineHeight, l, "", 1, "L", false, 0, "")
		}
	}
	d.pdf.Ln(1.5)
}

// KV is one row of a key–value table.
type KV struct{ Key, Value string }

// KeyValues writes a two-column table: keys in bold on the left.
func (d *Document) KeyValues(rows []KV) {
	keyW := d.width * 0.34
	d.rows(nil, [][]string{}, []float64{keyW, d.width - keyW}, rows)
}

// Table writes a table with a header row (repeated on every page it runs over); widths are
// relative (nil: equal columns). A row shorter than the header is padded.
func (d *Document) Table(header []string, rows [][]string, widths []float64) {
	n := len(header)
	if n == 0 {
		return
	}
	ws := make([]float64, n)
	total := 0.0
	for i := range ws {
		ws[i] = 1
		if i < len(widths) && widths[i] > 0 {
			ws[i] = widths[i]
		}
		total += ws[i]
	}
	for i := range ws {
		ws[i] = ws[i] / total * d.width
	}
	d.rows(header, rows, ws, nil)
}

// rows draws a table: the header (nil: none) and rows, or key–value rows kv.
func (d *Document) rows(header []string, rows [][]string, ws []float64, kv []KV) {
	drawHeader := func() {
		if header == nil {
			return
		}
		d.pdf.SetFont("Helvetica", "B", 9.5)
		d.pdf.SetFillColor(230, 230, 230)
		d.row(header, ws, true)
		d.body()
	}
	d.pdf.SetDrawColor(160, 160, 160)
	d.pdf.SetFont("Helvetica", "B", 9.5)
	d.room(2 * lineHeight)
	drawHeader()
	for _, r := range kv {
		d.pdf.SetFont("Helvetica", "", 9.5)
		d.row([]string{r.Key, r.Value}, ws, false, true)
	}
	for _, r := range rows {
		cells := make([]string, len(ws))
		copy(cells, r)
		d.pdf.SetFont("Helvetica", "", 9.5)
		if d.row(cells, ws, false) {
			drawHeader()
			d.pdf.SetFont("Helvetica", "", 9.5)
			d.row(cells, ws, false)
		}
	}
	d.body()
	d.pdf.Ln(2)
}

// row draws one table row with wrapped cells (the first in bold when boldKey). It reports
// true, drawing nothing, when the row does not fit on this page and a new page was started
// (so that the caller repeats the header); a row taller than a page is drawn across pages.
func (d *Document) row(cells []string, ws []float64, fill bool, boldKey ...bool) bool {
	bold := len(boldKey) > 0 && boldKey[0]
	h := 4.6
	wrapped := make([][]string, len(cells))
	maxN := 1
	for i, c := range cells {
		if bold && i == 0 {
			d.pdf.SetFont("Helvetica", "B", 9.5)
		}
		wrapped[i] = d.wrap(c, ws[i]-2*cellPad)
		if bold && i == 0 {
			d.pdf.SetFont("Helvetica", "", 9.5)
		}
		maxN = max(maxN, len(wrapped[i]))
	}
	height := float64(maxN)*h + 2*cellPad
	_, ph := d.pdf.GetPageSize()
	bottom := ph - margin - 6
	if d.pdf.GetY()+height > bottom && !fill {
		top := margin + 6.0
		if d.pdf.GetY() > top+1 && height <= bottom-top {
			d.pdf.AddPage()
			return true
		}
	}
	// Draw line by line so that a very tall row can run over a page break.
	x0 := d.pdf.GetX()
	y := d.pdf.GetY()
	d.pdf.SetAutoPageBreak(false, 0)
	defer d.pdf.SetAutoPageBreak(true, margin+6)
	border := func(y0, y1 float64) {
		x := x0
		for _, w := range ws {
			d.pdf.Rect(x, y0, w, y1-y0, map[bool]string{true: "FD", false: "D"}[fill])
			x += w
		}
	}
	segTop := y
	// fill the backgrounds first when the header is drawn
	if fill {
		border(y, y+height)
	}
	y += cellPad
	for n := 0; n < maxN; n++ {
		if y+h > bottom {
			if !fill {
				border(segTop, y+cellPad)
			}
			d.pdf.AddPage()
			y = d.pdf.GetY()
			segTop = y
			y += cellPad
		}
		x := x0
		for i, w := range ws {
			if n < len(wrapped[i]) {
				if bold && i == 0 {
					d.pdf.SetFont("Helvetica", "B", 9.5)
				}
				d.pdf.SetXY(x+cellPad, y)
				d.pdf.CellFormat(w-2*cellPad, h, wrapped[i][n], "", 0, "L", false, 0, "")
				if bold && i == 0 {
					d.pdf.SetFont("Helvetica", "", 9.5)
				}
			}
			x += w
		}
		y += h
	}
	y += cellPad
	if !fill {
		border(segTop, y)
	}
	d.pdf.SetXY(x0, y)
	return false
}

// PageBreak starts a new page.
func (d *Document) PageBreak() { d.pdf.AddPage() }

// Pages is the number of pages so far.
func (d *Document) Pages() int { return d.pdf.PageCount() }

// WriteTo writes the document to w; it can be written once.
func (d *Document) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	if err := d.pdf.Output(cw); err != nil {
		return cw.n, fmt.Errorf("write pdf: %w", err)
	}
	return cw.n, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
