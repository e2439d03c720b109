package exchange

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Table is a table of text cells on its way to a spreadsheet file: every register's export
// (any kind's records) writes its header and rows through one, as CSV or as XLSX.
type Table interface {
	Write(cells []string) error
	// Close finishes the file (an XLSX workbook is written out here).
	Close() error
}

// NewCSVTable writes a table as CSV for spreadsheets: UTF-8 with a byte-order mark, CRLF line
// ends, formula-like cells defused.
func NewCSVTable(w io.Writer) (Table, error) {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(bom); err != nil {
		return nil, fmt.Errorf("csv: write: %w", err)
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	return &csvTable{bw: bw, cw: cw}, nil
}

type csvTable struct {
	bw *bufio.Writer
	cw *csv.Writer
}

func (t *csvTable) Write(cells []string) error {
	rec := make([]string, len(cells))
	for i, c := range cells {
		rec[i] = neutralise(c)
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
	return t.bw.Flush()
}

// NewXLSXTable writes a table as an XLSX workbook with one sheet named sheet, the first row
// bold and frozen. Cells are text (never formulas), streamed to a temporary file beyond what
// excelize keeps in memory, and the workbook is written to w on Close.
func NewXLSXTable(w io.Writer, sheet string) (Table, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	return &xlsxTable{f: f, sw: sw, w: w, bold: bold}, nil
}

type xlsxTable struct {
	f    *excelize.File
	sw   *excelize.StreamWriter
	w    io.Writer
	row  int
	bold int
}

func (t *xlsxTable) Write(cells []string) error {
	t.row++
	row := make([]any, len(cells))
	for i, c := range cells {
		if t.row == 1 {
			row[i] = excelize.Cell{Value: c, StyleID: t.bold}
		} else {
			row[i] = c
		}
	}
	cell, _ := excelize.CoordinatesToCellName(1, t.row)
	if err := t.sw.SetRow(cell, row); err != nil {
		return fmt.Errorf("xlsx: write row %d: %w", t.row, err)
	}
	return nil
}

func (t *xlsxTable) Close() error {
	defer t.f.Close()
	if err := t.sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if _, err := t.f.WriteTo(t.w); err != nil {
		return fmt.Errorf("xlsx: write: %w", err)
	}
	return nil
}
