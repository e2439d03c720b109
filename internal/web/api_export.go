package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/exchange"
	"github.com/lisa-isms/lisa/internal/store"
)

// exportFormat is a spreadsheet format of the registers' exports.
type exportFormat string

// The formats of the exports.
const (
	exportCSV  exportFormat = "csv"
	exportXLSX exportFormat = "xlsx"
)

// kindExportCSV is kindExport as CSV (the export.csv of every kind).
func (s *Server) kindExportCSV(kind domain.Kind) gin.HandlerFunc {
	return s.kindExport(kind, exportCSV)
}

// kindExport streams the records of kind that the caller may read as a spreadsheet (CSV or
// XLSX): the core columns (title, status, unit, owner, review interval and dates, the link to
// the record's page) and the kind's own export columns from its registration, with headers
// and values in the caller's language. CSV: UTF-8 with a byte-order mark, CRLF line ends,
// formula-like cells defused; XLSX: text cells, the header row frozen.
func (s *Server) kindExport(kind domain.Kind, format exportFormat) gin.HandlerFunc {
	return func(c *gin.Context) {
		mid, err := idParam(c, "mid")
		if err != nil {
			s.fail(c, err)
			return
		}
		k := spec(kind)
		tr := s.i18n.For(lang(c))
		var w exchange.Table
		start := func() (err error) { // the answer is a file from here on
			name := "lisa-" + k.Section + "-" + itoa(mid) + "." + string(format)
			c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
			if format == exportXLSX {
				c.Header("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
				w, err = exchange.NewXLSXTable(c.Writer, tr.T(k.Label))
			} else {
				c.Header("Content-Type", "text/csv; charset=utf-8")
				w, err = exchange.NewCSVTable(c.Writer)
			}
			if err != nil {
				return err
			}
			c.Status(http.StatusOK)
			head := []string{tr.T("field.title"), tr.T("field.status"), tr.T("field.org_unit_id"), tr.T("field.owner_id"),
				tr.T("field.review_interval_months"), tr.T("field.last_reviewed_at"), tr.T("field.next_review_at"), tr.T("export.col.link")}
			for _, col := range k.ExportColumns {
				head = append(head, tr.T(col.Header))
			}
			return w.Write(head)
		}
		write := func(r store.ExportRow) error {
			if w == nil {
				if err := start(); err != nil {
					return err
				}
			}
			status := r.Status
			if k.StatusLabels != "" && tr.Has(k.StatusLabels+status) {
				status = tr.T(k.StatusLabels + status)
			}
			rec := []string{r.Title, status, r.OrgUnitName, r.OwnerName, strconv.Itoa(r.ReviewIntervalMonths),
				optDate(r.LastReviewedAt), optDate(r.NextReviewAt), s.requestBase(c) + r.Path()}
			for i, col := range k.ExportColumns {
				v := r.Own[i]
				switch {
				case col.Type == domain.ExportBool:
					v = map[bool]string{true: tr.T("common.yes"), false: tr.T("common.no")}[v == "true" || v == "1"]
				case col.Type == domain.ExportEnum && v != "" && tr.Has(col.Labels+v):
					v = tr.T(col.Labels + v)
				}
				rec = append(rec, v)
			}
			return w.Write(rec)
		}
		err = s.app.ExportRecords(c.Request.Context(), s.caller(c), mid, kind, write)
		if w == nil && err == nil { // no records: the header row alone
			err = start()
		}
		if w == nil {
			s.fail(c, err)
			return
		}
		if err != nil { // mid-stream: the status is sent; end the file short and log
			s.logInternal(c, err)
		}
		if err := w.Close(); err != nil {
			s.logInternal(c, err)
		}
	}
}

func optDate(d *domain.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}
