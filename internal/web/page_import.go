package web

import (
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/exchange"
	"github.com/lisa-isms/lisa/internal/i18n"
)

// The import of an edited statement of applicability: upload, preview, confirm. The preview
// carries the changes as hidden fields, so confirming needs no stored upload and no
// JavaScript; confirming checks every row again and applies all or nothing.

type importPage struct {
	Base
	Changes []ImportChange
	Form    formState
	Rows    []rowErrorView
	Applied bool
	Nothing bool // an upload that changes nothing
}

type rowErrorView struct {
	Line      int
	ControlID string
	Text      string
}

func (s *Server) importForm(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.app.CanEditSoA(s.caller(c), mid); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "soa_import", importPage{Base: s.base(c, s.i18n.T(lang(c), "imp.title")), Form: newForm()})
}

// importPreview reads the upload and shows what it would change.
func (s *Server) importPreview(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.app.CanEditSoA(s.caller(c), mid); err != nil {
		s.fail(c, err)
		return
	}
	data, err := readImport(c)
	var changes []ImportChange
	if err == nil {
		changes, err = s.importSoA(c, mid, data, true)
	}
	s.renderImport(c, mid, changes, false, err)
}

// importApply applies the confirmed changes.
func (s *Server) importApply(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.app.CanEditSoA(s.caller(c), mid); err != nil {
		s.fail(c, err)
		return
	}
	ids, lines := c.PostFormArray("control_id"), c.PostFormArray("line")
	apps, justs, stats := c.PostFormArray("applicable"), c.PostFormArray("justification"), c.PostFormArray("status")
	if len(ids) == 0 || len(lines) != len(ids) || len(apps) != len(ids) || len(justs) != len(ids) || len(stats) != len(ids) || len(ids) > 5000 {
		s.fail(c, &domain.Error{Code: domain.EInvalid, Message: "err.import_form"})
		return
	}
	ins := make([]domain.SoAInput, len(ids))
	confirmed := make([]exchange.ImportRow, len(ids))
	for i := range ids {
		a := apps[i] == "true"
		j, st := justs[i], stats[i]
		ins[i] = domain.SoAInput{Applicable: &a, Justification: &j, Status: &st}
		line, _ := strconv.Atoi(lines[i])
		confirmed[i] = exchange.ImportRow{Line: line, ControlID: ids[i], Input: ins[i]}
	}
	rows, err := s.app.UpdateSoARows(c.Request.Context(), s.caller(c), mid, ids, ins, false)
	if err != nil {
		// Name the spreadsheet lines the preview showed, not positions in the form.
		s.renderImport(c, mid, nil, false, exchange.WithLines(err, confirmed))
		return
	}
	changes := make([]ImportChange, len(rows))
	for i, r := range rows {
		changes[i] = ImportChange{Line: confirmed[i].Line, ControlID: ids[i], After: importState{r.Applicable, r.Justification, r.Status}}
	}
	s.renderImport(c, mid, changes, true, nil)
}

func (s *Server) renderImport(c *gin.Context, mid int64, changes []ImportChange, applied bool, err error) {
	tr := s.i18n.For(lang(c))
	pg := importPage{Changes: changes, Form: newForm(), Applied: applied, Nothing: err == nil && !applied && len(changes) == 0}
	status := http.StatusOK
	if err != nil {
		f, st, ok := s.formFail(c, err, nil)
		if !ok {
			return
		}
		pg.Form, status, pg.Rows = f, st, rowErrorViews(tr, err)
	}
	pg.Base = s.base(c, tr.T("imp.title"))
	s.render(c, status, "soa_import", pg)
}

// rowErrorViews are the rows an import rejected (err wraps an *app.RowsError), each with
// its problems in the reader's language.
func rowErrorViews(tr i18n.Translator, err error) []rowErrorView {
	var out []rowErrorView
	for _, r := range rowErrors(err) {
		text := tr.T(r.Message)
		for _, f := range slices.Sorted(maps.Keys(r.Fields)) {
			label := f
			if tr.Has("field." + f) {
				label = tr.T("field." + f)
			}
			text += " " + label + ": " + tr.T(r.Fields[f])
		}
		out = append(out, rowErrorView{Line: r.Row, ControlID: r.ControlID, Text: text})
	}
	return out
}
