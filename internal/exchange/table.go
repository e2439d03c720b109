package exchange

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/lisa-isms/lisa/internal/domain"
)

// Table writes a register (the risk register; later the asset register) as a spreadsheet:
// XLSX with a bold, frozen header row, an autofilter and column widths, or CSV with the same
// columns (UTF-8 with a byte-order mark, CRLF line ends, formula-like cells defused, as
// WriteCSV). Rows are streamed: a cell is a string, an int or a date (*domain.Date, nil for
// none).
type Table interface {
	Row(cells ...any) error
	// Close ends the file (the XLSX is written to w here).
	Close() error
}

// Column is one column of a Table: its header and its XLSX width in characters.
type Column struct {
	Header string
	Width  float64
}

// NewTable starts a table of format "xlsx" or "csv" on w with the columns; sheet names the
// XLSX sheet (and its title).
func NewTable(w io.Writer, format, sheet string, cols []Column) (Table, error) {
	if format == "csv" {
		return newCSVTable(w, cols)
	}
	return newXLSXTable(w, sheet, cols)
}

type csvTable struct {
	bw *bufio.Writer
	cw *csv.Writer
}

func newCSVTable(w io.Writer, cols []Column) (*csvTable, error) {
	t := &csvTable{bw: bufio.NewWriter(w)}
	if _, err := t.bw.WriteString(bom); err != nil {
		return nil, fmt.Errorf("csv: write: %w", err)
	}
	t.cw = csv.NewWriter(t.bw)
	t.cw.UseCRLF = true
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = c.Header
	}
	return t, t.Row(head...)
}

func (t *csvTable) Row(cells ...any) error {
	rec := make([]string, len(cells))
	for i, c := range cells {
		rec[i] = neutralise(cellText(c))
	}
	if err := t.cw.Write(rec); err != nil {
		return fmt.Errorf("csv: write: %w", err)
	}
	return nil
}

func (t *csvTable) Close() error {
	t.cw.Flush()
	if err := t.cw.Error(); err != nil {
		return fmt.Errorf("csv: write: %w", err)
	}
	if err := t.bw.Flush(); err != nil {
		return fmt.Errorf("csv: write: %w", err)
	}
	return nil
}

// cellText is a cell as CSV text.
func cellText(c any) string {
	switch v := c.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case *domain.Date:
		return dateText(v)
	case domain.Date:
		return dateText(&v)
	case nil:
		return ""
	}
	return fmt.Sprint(c)
}

type xlsxTable struct {
	w     io.Writer
	f     *excelize.File
	sw    *excelize.StreamWriter
	st    xlsxStyles
	cols  int
	row   int
	sheet string
}

func newXLSXTable(w io.Writer, sheet string, cols []Column) (*xlsxTable, error) {
	f := excelize.NewFile()
	t := &xlsxTable{w: w, f: f, cols: len(cols), row: 1, sheet: sheet}
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		f.Close()
		return nil, fmt.Errorf("xlsx: name sheet: %w", err)
	}
	var err error
	if t.st, err = newStyles(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("xlsx: styles: %w", err)
	}
	if t.sw, err = f.NewStreamWriter(sheet); err != nil {
		f.Close()
		return nil, fmt.Errorf("xlsx: stream: %w", err)
	}
	if err := t.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		f.Close()
		return nil, fmt.Errorf("xlsx: panes: %w", err)
	}
	for i := len(cols) - 1; i >= 0; i-- { // see writeSoASheet: widths in ascending order
		if err := t.sw.SetColWidth(i+1, i+1, cols[i].Width); err != nil {
			f.Close()
			return nil, fmt.Errorf("xlsx: width: %w", err)
		}
	}
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = excelize.Cell{StyleID: t.st.header, Value: c.Header}
	}
	if err := t.sw.SetRow("A1", head, excelize.RowOpts{Height: 20}); err != nil {
		f.Close()
		return nil, fmt.Errorf("xlsx: header: %w", err)
	}
	return t, nil
}

func (t *xlsxTable) Row(cells ...any) error {
	t.row++
	vals := make([]any, len(cells))
	for i, c := range cells {
		switch v := c.(type) {
		case *domain.Date:
			vals[i] = dateCell(v, t.st)
		case domain.Date:
			vals[i] = dateCell(&v, t.st)
		case int, int64:
			vals[i] = excelize.Cell{StyleID: t.st.text, Value: v}
		default:
			vals[i] = excelize.Cell{StyleID: t.st.wrap, Value: cellText(c)}
		}
	}
	if err := t.sw.SetRow("A"+strconv.Itoa(t.row), vals); err != nil {
		return fmt.Errorf("xlsx: row %d: %w", t.row, err)
	}
	return nil
}

func (t *xlsxTable) Close() error {
	defer t.f.Close()
	last, _ := excelize.ColumnNumberToName(max(t.cols, 1))
	if err := t.f.AutoFilter(t.sheet, "A1:"+last+strconv.Itoa(max(t.row, 2)), nil); err != nil {
		return fmt.Errorf("xlsx: autofilter: %w", err)
	}
	if err := t.sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: flush: %w", err)
	}
	if err := t.f.Write(t.w); err != nil {
		return fmt.Errorf("xlsx: write: %w", err)
	}
	return nil
}
