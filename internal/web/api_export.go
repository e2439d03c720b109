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
			} else {
				c.Header("Content-Type", "text/csv; charset=utf-8")
			}
			var cols []exchange.Column
			for _, h := range []string{"field.title", "field.status", "field.org_unit_id", "field.owner_id", "field.review_interval_months",
				"field.last_reviewed_at", "field.next_review_at", "export.col.link"} {
				cols = append(cols, exchange.Column{Header: tr.T(h), Width: 18})
			}
			cols[0].Width, cols[7].Width = 40, 30
			for _, col := range k.ExportColumns {
				cols = append(cols, exchange.Column{Header: tr.T(col.Header), Width: 16})
			}
			c.Status(http.StatusOK)
			w, err = exchange.NewTable(c.Writer, string(format), tr.T(k.Label), cols)
			return err
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
			rec := []any{r.Title, status, r.OrgUnitName, r.OwnerName, strconv.Itoa(r.ReviewIntervalMonths),
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
			return w.Row(rec...)
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
