package exchange

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/i18n"
)

// ImportRow is one data row of an imported statement of applicability: the spreadsheet line
// it came from (the header is line 1), the control id and the change it asks for.
type ImportRow struct {
	Line      int
	ControlID string
	Input     domain.SoAInput
}

// ReadXLSX reads the first sheet of an exported statement of applicability, as edited by
// someone. The header row (line 1) must have exactly the export's columns, each once, in
// either language, in any letter case and order; only Tillämplig/Applicable (Ja/Nej, Yes/No,
// true/false, 1/0), Motivering/Justification (may be empty) and Status (the words
// domain.ParseControlStatus knows; may be empty when the control is not applicable) are read.
// Blank rows are skipped. The caller bounds the size of r; the workbook is checked against
// importLimits(maxRows) before it is parsed (see openXLSX), the rows are read one at a time and
// reading stops at the first data row beyond maxRows (MaxRows when maxRows <= 0) or the first
// row, blank or not, beyond twice that.
//
// Errors are *domain.Error with code EInvalid: those of openXLSX ("err.xlsx_unreadable" when
// it is not a workbook, and one for each limit), "err.xlsx_columns" (missing, extra or unknown
// columns) and "err.xlsx_too_many_rows", each naming the field "file"; or "err.rows_rejected"
// wrapping an *app.RowsError whose rows are spreadsheet line numbers: unknown yes/no values,
// unknown statuses, missing ids, duplicate ids (each line of a duplicate).
func ReadXLSX(r io.Reader, maxRows int) ([]ImportRow, error) {
	if maxRows <= 0 {
		maxRows = MaxRows
	}
	words, err := vocabulary()
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("xlsx: read: %w", err)
	}
	sheet, err := openXLSX(b, importLimits(maxRows))
	if err != nil {
		return nil, err
	}
	defer sheet.Close()

	var (
		pos  []int // pos[c] is the spreadsheet column of export column c
		out  []ImportRow
		bad  []app.RowError
		ids  []ImportRow // the line and id of every data row, for finding duplicates
		line int
	)
	for sheet.Next() {
		line = sheet.Line()
		cells := trimTail(sheet.Cells())
		if line == 1 {
			if pos, err = headerPositions(words, cells); err != nil {
				return nil, err
			}
			continue
		}
		if len(cells) == 0 {
			continue // blank row
		}
		if len(cells) > int(numColumns) {
			return nil, columnsError() // data beyond the last header
		}
		if len(out)+len(bad) >= maxRows {
			return nil, &domain.Error{Code: domain.EInvalid, Message: "err.xlsx_too_many_rows",
				Fields: map[string]string{"file": "err.xlsx_too_many_rows"}}
		}
		row, rowErr := parseRow(words, line, cells, pos)
		if row.ControlID != "" {
			ids = append(ids, ImportRow{Line: line, ControlID: row.ControlID})
		}
		if rowErr != nil {
			bad = append(bad, *rowErr)
			continue
		}
		out = append(out, row)
	}
	if err := sheet.Err(); err != nil {
		return nil, err
	}
	if line == 0 {
		return nil, columnsError()
	}
	bad = append(bad, duplicates(ids)...)
	if len(bad) > 0 {
		sort.SliceStable(bad, func(i, j int) bool { return bad[i].Row < bad[j].Row })
		return nil, &domain.Error{Code: domain.EInvalid, Message: "err.rows_rejected", Err: &app.RowsError{Rows: bad}}
	}
	if out == nil {
		out = []ImportRow{}
	}
	return out, nil
}

func columnsError() error {
	return &domain.Error{Code: domain.EInvalid, Message: "err.xlsx_columns", Fields: map[string]string{"file": "err.xlsx_columns"}}
}

func trimTail(cells []string) []string {
	n := len(cells)
	for n > 0 && strings.TrimSpace(cells[n-1]) == "" {
		n--
	}
	return cells[:n]
}

func normHeader(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// vocab is what an import understands: the export's words in every language.
type vocab struct {
	headers  map[string]int    // normalised header -> column
	yesNo    map[string]bool   // normalised yes or no -> its value
	statuses map[string]string // normalised status word -> status
}

// vocabulary is built once from the translations.
var vocabulary = sync.OnceValues(func() (vocab, error) {
	c, err := texts()
	if err != nil {
		return vocab{}, fmt.Errorf("exchange: load translations: %w", err)
	}
	v := vocab{headers: map[string]int{}, yesNo: map[string]bool{}, statuses: map[string]string{}}
	for _, lang := range i18n.Languages {
		l := labels{c: c, lang: lang, en: lang == "en"}
		for i := range columns {
			v.headers[normHeader(l.header(i))] = i
		}
		v.yesNo[normHeader(l.yes())] = true
		v.yesNo[normHeader(l.no())] = false
		for _, s := range domain.ControlStatuses {
			v.statuses[normHeader(l.statusLabel(string(s)))] = string(s)
		}
	}
	return v, nil
})

// headerPositions maps each export column to its position in the header row. Every column
// must be there exactly once (in either language, in any case); nothing else may be.
func headerPositions(words vocab, cells []string) ([]int, error) {
	byName := words.headers
	pos := make([]int, numColumns)
	for i := range pos {
		pos[i] = -1
	}
	if len(cells) != int(numColumns) {
		return nil, columnsError()
	}
	for at, cell := range cells {
		c, ok := byName[normHeader(cell)]
		if !ok || pos[c] >= 0 {
			return nil, columnsError()
		}
		pos[c] = at
	}
	return pos, nil
}

// parseRow reads the importable cells of one data row.
func parseRow(words vocab, line int, cells []string, pos []int) (ImportRow, *app.RowError) {
	cell := func(c int) string {
		if p := pos[c]; p < len(cells) {
			return strings.TrimSpace(cells[p])
		}
		return ""
	}
	row := ImportRow{Line: line, ControlID: cell(colID)}
	fields := map[string]string{}
	if row.ControlID == "" {
		fields["control_id"] = "err.required"
	}
	applicable, ok := parseYesNo(words, cell(colApplicable))
	if !ok {
		if cell(colApplicable) == "" {
			fields["applicable"] = "err.required"
		} else {
			fields["applicable"] = "err.yes_no"
		}
	}
	justification := cell(colJustification)
	var status *string
	switch s := cell(colStatus); {
	case s == "" && ok && !applicable:
		// a control that does not apply has no status of its own
	case s == "":
		fields["status"] = "err.required"
	default:
		if st, known := domain.ParseControlStatus(s); known {
			v := string(st)
			status = &v
		} else if v, known := words.statuses[normHeader(s)]; known { // as an export words it
			status = &v
		} else {
			fields["status"] = "err.enum"
		}
	}
	if len(fields) > 0 {
		return row, &app.RowError{Row: line, ControlID: row.ControlID, Message: "err.invalid", Fields: fields}
	}
	row.Input = domain.SoAInput{Applicable: &applicable, Justification: &justification, Status: status}
	return row, nil
}

// parseYesNo reads Ja/Nej, Yes/No, true/false (and Swedish Excel's SANT/FALSKT), 1/0, and
// the yes and no of the exports in every language.
func parseYesNo(words vocab, s string) (value, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "ja", "yes", "true", "sant", "1":
		return true, true
	case "nej", "no", "false", "falskt", "0":
		return false, true
	}
	value, ok = words.yesNo[normHeader(s)]
	return value, ok
}

// duplicates reports every line of a control id that occurs more than once.
func duplicates(rows []ImportRow) []app.RowError {
	count := map[string]int{}
	for _, r := range rows {
		count[r.ControlID]++
	}
	var out []app.RowError
	for _, r := range rows {
		if count[r.ControlID] > 1 {
			out = append(out, app.RowError{Row: r.Line, ControlID: r.ControlID, Message: "err.duplicate_control",
				Fields: map[string]string{"control_id": "err.duplicate_control"}})
		}
	}
	return out
}

// Inputs splits rows into the control ids and inputs app.App.UpdateSoARows takes.
func Inputs(rows []ImportRow) ([]string, []domain.SoAInput) {
	ids := make([]string, len(rows))
	ins := make([]domain.SoAInput, len(rows))
	for i, r := range rows {
		ids[i], ins[i] = r.ControlID, r.Input
	}
	return ids, ins
}

// Changes returns the rows that would change current (mun's statement of applicability as
// app.App.SoA returns it), so that re-importing an unedited file changes and audits nothing.
// Rows naming unknown controls or holding invalid values are kept, for UpdateSoARows to
// report.
func Changes(current []app.SoARow, rows []ImportRow) []ImportRow {
	byID := make(map[string]domain.ControlImpl, len(current))
	for _, r := range current {
		byID[r.ControlID] = r.ControlImpl
	}
	out := make([]ImportRow, 0, len(rows))
	for _, r := range rows {
		before, ok := byID[r.ControlID]
		if !ok {
			out = append(out, r)
			continue
		}
		if r.Input.Status != nil && *r.Input.Status == before.Status {
			r.Input.Status = nil // the overall status as exported: the base status stays
		}
		after := before
		after.UnitStatuses = append([]domain.UnitStatus{}, before.UnitStatuses...)
		if err := domain.ApplySoA(&after, r.Input, domain.Date{}, nil); err != nil ||
			after.Applicable != before.Applicable || after.Justification != before.Justification || after.Status != before.Status {
			out = append(out, r)
		}
	}
	return out
}

// WithLines makes an error of app.App.UpdateSoARows(ctx, c, mun, ids, ins, dryRun), where ids
// and ins came from Inputs(rows), name spreadsheet lines: the row numbers of its
// *app.RowsError (positions in rows, from 1) become the rows' lines. Other errors are returned
// as they are.
func WithLines(err error, rows []ImportRow) error {
	var re *app.RowsError
	if errors.As(err, &re) {
		for i, r := range re.Rows {
			if r.Row >= 1 && r.Row <= len(rows) {
				re.Rows[i].Row = rows[r.Row-1].Line
			}
		}
	}
	return err
}
