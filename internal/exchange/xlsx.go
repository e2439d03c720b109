package exchange

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
)

// now is the clock of the export date on the about sheet (tests may replace it).
var now = time.Now

// WriteXLSX writes mun's statement of applicability as an Excel workbook: one sheet with a
// bold, frozen header row, an autofilter and one row per control, and a second sheet about
// the export. owners maps user ids to names, evidence maps record ids to titles. lang "en"
// writes English headers and values, anything else Swedish. The rows are streamed, so large
// statements stay fast.
func WriteXLSX(w io.Writer, mun domain.Municipality, rows []app.SoARow, owners map[int64]string, evidence map[int64]string, lang string) error {
	l, err := labelsFor(lang)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), l.sheet()); err != nil {
		return fmt.Errorf("xlsx: name sheet: %w", err)
	}
	if err := writeSoASheet(f, l, rows, owners, evidence); err != nil {
		return err
	}
	if err := writeAboutSheet(f, l, mun, rows); err != nil {
		return err
	}
	// The statement stays the active sheet, as it is in a new file; SetActiveSheet would
	// parse the streamed sheet back into memory.
	language, stamp := "sv-SE", now().UTC().Format(time.RFC3339)
	if l.en {
		language = "en"
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: l.sheet() + " – " + mun.Name, Creator: "Lisa", LastModifiedBy: "Lisa",
		Created: stamp, Modified: stamp, Language: language}); err != nil {
		return fmt.Errorf("xlsx: properties: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("xlsx: write: %w", err)
	}
	return nil
}

type xlsxStyles struct{ header, text, wrap, date int }

func newStyles(f *excelize.File) (xlsxStyles, error) {
	var s xlsxStyles
	var err error
	top := &excelize.Alignment{Vertical: "top"}
	if s.header, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E2F3"}},
		Border:    []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}},
		Alignment: &excelize.Alignment{Vertical: "center"},
	}); err != nil {
		return s, err
	}
	if s.text, err = f.NewStyle(&excelize.Style{Alignment: top}); err != nil {
		return s, err
	}
	if s.wrap, err = f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}); err != nil {
		return s, err
	}
	layout := "yyyy-mm-dd"
	s.date, err = f.NewStyle(&excelize.Style{Alignment: top, CustomNumFmt: &layout})
	return s, err
}

func writeSoASheet(f *excelize.File, l labels, rows []app.SoARow, owners, evidence map[int64]string) error {
	st, err := newStyles(f)
	if err != nil {
		return fmt.Errorf("xlsx: styles: %w", err)
	}
	sheet := l.sheet()
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("xlsx: stream: %w", err)
	}
	last := len(rows) + 1
	lastCol, _ := excelize.ColumnNumberToName(int(numColumns))
	// The filter and the drop-down lists are parts of the worksheet written when the stream is
	// flushed, so they are set now, on the worksheet the stream writer holds.
	if err := f.AutoFilter(sheet, "A1:"+lastCol+strconv.Itoa(last), nil); err != nil {
		return fmt.Errorf("xlsx: autofilter: %w", err)
	}
	if len(rows) > 0 {
		if err := addDropList(f, sheet, colApplicable, last, []string{l.yes(), l.no()}); err != nil {
			return err
		}
		if err := addDropList(f, sheet, colStatus, last, l.statuses()); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return fmt.Errorf("xlsx: panes: %w", err)
	}
	// Each width is put before those already set; from the last column back, they end up in
	// the ascending order Excel insists on.
	for i := len(columns) - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, columns[i].width); err != nil {
			return fmt.Errorf("xlsx: width: %w", err)
		}
	}
	head := make([]any, numColumns)
	for i, h := range l.headers() {
		head[i] = excelize.Cell{StyleID: st.header, Value: h}
	}
	if err := sw.SetRow("A1", head, excelize.RowOpts{Height: 20}); err != nil {
		return fmt.Errorf("xlsx: header: %w", err)
	}
	vals := make([]any, numColumns)
	for i, r := range rows {
		texts := l.texts(r, owners, evidence)
		for c := range texts {
			style := st.text
			switch c {
			case colTitle, colJustification, colEvidence:
				style = st.wrap
			}
			vals[c] = excelize.Cell{StyleID: style, Value: texts[c]}
		}
		vals[colLastReviewed] = dateCell(r.LastReviewedAt, st)
		vals[colNextReview] = dateCell(r.NextReviewAt, st)
		if err := sw.SetRow("A"+strconv.Itoa(i+2), vals); err != nil {
			return fmt.Errorf("xlsx: row %d: %w", i+2, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: flush: %w", err)
	}
	return nil
}

func dateCell(d *domain.Date, st xlsxStyles) excelize.Cell {
	if d == nil || d.IsZero() {
		return excelize.Cell{StyleID: st.text}
	}
	return excelize.Cell{StyleID: st.date, Value: d.Time()}
}

// addDropList offers the allowed values of a column as a drop-down list, warning about (but
// allowing) other values: the import accepts either language and a few synonyms.
func addDropList(f *excelize.File, sheet string, col, lastRow int, values []string) error {
	name, _ := excelize.ColumnNumberToName(col + 1)
	dv := excelize.NewDataValidation(true)
	dv.SetSqref(name + "2:" + name + strconv.Itoa(lastRow))
	if err := dv.SetDropList(values); err != nil {
		return fmt.Errorf("xlsx: drop-down list: %w", err)
	}
	dv.SetError(excelize.DataValidationErrorStyleWarning, "", strings.Join(values, ", "))
	if err := f.AddDataValidation(sheet, dv); err != nil {
		return fmt.Errorf("xlsx: drop-down list: %w", err)
	}
	return nil
}

func writeAboutSheet(f *excelize.File, l labels, mun domain.Municipality, rows []app.SoARow) error {
	sheet := l.aboutSheet()
	if _, err := f.NewSheet(sheet); err != nil {
		return fmt.Errorf("xlsx: about sheet: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("xlsx: styles: %w", err)
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return fmt.Errorf("xlsx: styles: %w", err)
	}
	counts := map[string]int{}
	applicable := 0
	for _, r := range rows {
		counts[r.Status]++
		if r.Applicable {
			applicable++
		}
	}
	exported := now().In(domain.Sweden).Format("2006-01-02 15:04")
	type line struct{ k, v string }
	lines := []line{
		{l.t("xlsx.about.municipality"), mun.Name},
		{l.t("xlsx.about.org_number"), mun.OrgNumber},
		{l.t("xlsx.about.exported"), exported},
		{l.t("xlsx.about.controls"), strconv.Itoa(len(rows))},
		{l.t("xlsx.about.applicable"), strconv.Itoa(applicable)},
	}
	for _, s := range domain.ControlStatuses {
		lines = append(lines, line{l.statusLabel(string(s)), strconv.Itoa(counts[string(s)])})
	}
	note := l.t("xlsx.about.note")
	set := func(cell string, v any, style int) error {
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			return err
		}
		if style != 0 {
			return f.SetCellStyle(sheet, cell, cell, style)
		}
		return nil
	}
	if err := set("A1", l.sheet(), title); err != nil {
		return fmt.Errorf("xlsx: about sheet: %w", err)
	}
	for i, ln := range lines {
		n := strconv.Itoa(i + 3)
		if err := set("A"+n, ln.k, bold); err != nil {
			return fmt.Errorf("xlsx: about sheet: %w", err)
		}
		if err := set("B"+n, ln.v, 0); err != nil {
			return fmt.Errorf("xlsx: about sheet: %w", err)
		}
	}
	if err := set("A"+strconv.Itoa(len(lines)+4), note, 0); err != nil {
		return fmt.Errorf("xlsx: about sheet: %w", err)
	}
	if err := f.SetColWidth(sheet, "A", "A", 24); err != nil {
		return fmt.Errorf("xlsx: about sheet: %w", err)
	}
	if err := f.SetColWidth(sheet, "B", "B", 40); err != nil {
		return fmt.Errorf("xlsx: about sheet: %w", err)
	}
	return nil
}
