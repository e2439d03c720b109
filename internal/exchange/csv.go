package exchange

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
)

// bom makes Excel read the file as UTF-8.
const bom = "\uFEFF"

// WriteCSV writes mun's statement of applicability as comma-separated values with the columns
// of WriteXLSX: UTF-8 with a byte-order mark, CRLF line ends, dates as YYYY-MM-DD. Cells that
// a spreadsheet would run as a formula get a leading apostrophe. mun is not written (CSV has
// no room for it) but is taken for symmetry with WriteXLSX.
func WriteCSV(w io.Writer, mun domain.Municipality, rows []app.SoARow, owners map[int64]string, evidence map[int64]string, lang string) error {
	_ = mun
	l, err := labelsFor(lang)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(bom); err != nil {
		return fmt.Errorf("csv: write: %w", err)
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	if err := cw.Write(l.headers()); err != nil {
		return fmt.Errorf("csv: write: %w", err)
	}
	for _, r := range rows {
		rec := l.texts(r, owners, evidence)
		rec[colLastReviewed] = dateText(r.LastReviewedAt)
		rec[colNextReview] = dateText(r.NextReviewAt)
		for i := range rec {
			rec[i] = neutralise(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("csv: write: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("csv: write: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("csv: write: %w", err)
	}
	return nil
}

// neutralise defuses formula injection: a cell starting with = + - @ (or a tab or carriage
// return, which some spreadsheets skip before looking) is prefixed with an apostrophe, so
// Excel and LibreOffice show it as text instead of running it.
func neutralise(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
