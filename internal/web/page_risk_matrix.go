package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// The heat map and the risk matrix pages (issue 9).

// heatCellView is one cell of a drawn heat map: its place in the SVG, its numbers and the
// register filtered to it.
type heatCellView struct {
	domain.HeatCell
	X, Y int
	Href string
}

// heatView is one heat map (before or after treatment) as the SVG and the table draw it.
type heatView struct {
	Residual bool
	ID       string // the SVG's and the table's id prefix
	Total    int
	Size     int
	Rows     [][]heatCellView // from the highest likelihood down
	Cells    []heatCellView
	Likely   []axisLabel // the likelihood axis, from the highest
	Conseq   []axisLabel // the consequence axis, from the lowest
	Width    int
	Height   int
}

// axisLabel is a step of an axis: its number, label and place.
type axisLabel struct {
	N     int
	Label string
	Pos   int
}

// The heat map's geometry: cells of heatCell px after a margin for the likelihood numbers.
const (
	heatCell   = 64
	heatMargin = 40
)

// heatMapView lays h out for the page; base is the register's path, query the filters every
// cell keeps (the org unit).
func heatMapView(h app.HeatMap, mid int64, unit int64) heatView {
	m := h.Matrix
	v := heatView{Residual: h.Residual, Total: h.Total, Size: m.Size, ID: "heat-before",
		Width: heatMargin + m.Size*heatCell + 2, Height: m.Size*heatCell + heatMargin}
	if h.Residual {
		v.ID = "heat-after"
	}
	row := []heatCellView{}
	for _, c := range h.Cells {
		q := url.Values{}
		q.Set("likelihood", strconv.Itoa(c.Likelihood))
		q.Set("consequence", strconv.Itoa(c.Consequence))
		if h.Residual {
			q.Set("residual", "1")
		}
		if unit != 0 {
			q.Set("org_unit_id", itoa(unit))
		}
		cv := heatCellView{HeatCell: c, X: heatMargin + (c.Consequence-1)*heatCell, Y: (m.Size - c.Likelihood) * heatCell,
			Href: "/m/" + itoa(mid) + "/risks?" + q.Encode()}
		v.Cells = append(v.Cells, cv)
		row = append(row, cv)
		if len(row) == m.Size {
			v.Rows, row = append(v.Rows, row), []heatCellView{}
		}
	}
	for l := m.Size; l >= 1; l-- {
		v.Likely = append(v.Likely, axisLabel{N: l, Label: m.LikelihoodLabels[l-1], Pos: (m.Size-l)*heatCell + heatCell/2})
	}
	for c := 1; c <= m.Size; c++ {
		v.Conseq = append(v.Conseq, axisLabel{N: c, Label: m.ConsequenceLabels[c-1], Pos: heatMargin + (c-1)*heatCell + heatCell/2})
	}
	return v
}

type heatMapPage struct {
	Base
	Before, After heatView
	Matrix        domain.RiskMatrix
	Units         []domain.OrgUnit
	UnitID        int64
	UnitName      string
}

func (s *Server) heatMapPage(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	_, unit, err := heatParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx, cl := c.Request.Context(), s.caller(c)
	before, err := s.app.RiskHeatMap(ctx, cl, mid, false, unit)
	if err != nil {
		s.fail(c, err)
		return
	}
	after, err := s.app.RiskHeatMap(ctx, cl, mid, true, unit)
	if err != nil {
		s.fail(c, err)
		return
	}
	units, err := s.app.OrgUnits(ctx, cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg := heatMapPage{Before: heatMapView(before, mid, unit), After: heatMapView(after, mid, unit), Matrix: before.Matrix, Units: units, UnitID: unit,
		UnitName: unitNames(units)[unit]}
	pg.Base = s.base(c, s.i18n.T(lang(c), "heat.title"))
	s.render(c, http.StatusOK, "heatmap", pg)
}

// ---- The matrix ----

type matrixPage struct {
	Base
	Matrix      domain.RiskMatrix
	Grid        heatView // the matrix's colours, without counts
	CanEdit     bool
	Form        formState
	Preview     *store.MatrixChange
	NeedMapping bool  // the change needs a mapping of the old values
	OldSteps    []int // the steps of the current scale
	NewSteps    []int // the steps of the scale asked for
	Sizes       []int
	LabelSteps  []int // the label fields: 1..5
	TierRoles   []string
}

// matrixFields are the matrix form's fields in form order.
var matrixFields = []string{"size", "likelihood_labels", "consequence_labels", "thresholds", "acceptance_level", "acceptance_tiers", "mapping"}

// parseMatrixForm turns the posted matrix form into input, given the current matrix: labels
// and thresholds posted for another size than the one asked for are left out (the new size's
// defaults apply, to be edited next). Fuzzed in tests.
func parseMatrixForm(v url.Values, cur domain.RiskMatrix) (domain.RiskMatrixInput, domain.Problems) {
	p := domain.Problems{}
	var in domain.RiskMatrixInput
	in.Size = formWhole(v, "size", "err.matrix_size", p)
	size := cur.Size
	if in.Size != nil {
		size = *in.Size
	}
	if size != 4 && size != 5 {
		return in, p
	}
	sameScale := v.Get("labels_size") == strconv.Itoa(size)
	if sameScale {
		for _, axis := range []struct {
			name string
			dst  **[]string
		}{{"likelihood_label_", &in.LikelihoodLabels}, {"consequence_label_", &in.ConsequenceLabels}} {
			if _, ok := v[axis.name+"1"]; !ok {
				continue
			}
			ls := make([]string, size)
			for i := range size {
				ls[i] = v.Get(axis.name + strconv.Itoa(i+1))
			}
			*axis.dst = &ls
		}
		if _, ok := v["form_has_thresholds"]; ok {
			ts := []domain.RiskThreshold{}
			for _, lv := range domain.RiskLevels {
				t := strings.TrimSpace(v.Get("threshold_" + string(lv)))
				if t == "" {
					continue
				}
				n, err := strconv.Atoi(t)
				if err != nil {
					p.Add("thresholds", "err.matrix_thresholds")
					continue
				}
				ts = append(ts, domain.RiskThreshold{Level: lv, MinScore: n})
			}
			in.Thresholds = &ts
		}
	}
	if lv, ok := v["acceptance_level"]; ok && len(lv) > 0 && lv[0] != "" {
		in.AcceptanceLevel = &lv[0]
	}
	if _, ok := v["form_has_tiers"]; ok {
		tiers := []domain.AcceptanceTier{}
		for _, r := range domain.AcceptingRoles {
			if lv := v.Get("tier_" + string(r)); lv != "" {
				tiers = append(tiers, domain.AcceptanceTier{Role: r, MaxLevel: domain.RiskLevel(lv)})
			}
		}
		in.AcceptanceTiers = &tiers
	}
	if _, ok := v["form_has_mapping"]; ok {
		mp := domain.ScaleMapping{}
		for i := range cur.Size {
			for _, axis := range []struct {
				name string
				dst  *[]int
			}{{"map_likelihood_", &mp.Likelihood}, {"map_consequence_", &mp.Consequence}} {
				n, err := strconv.Atoi(strings.TrimSpace(v.Get(axis.name + strconv.Itoa(i+1))))
				if err != nil {
					p.Add("mapping", "err.matrix_mapping")
				}
				*axis.dst = append(*axis.dst, n)
			}
		}
		in.Mapping = &mp
	}
	return in, p
}

// formFromMatrix fills the matrix form with m.
func formFromMatrix(m domain.RiskMatrix) formState {
	f := newForm()
	f.Values["size"], f.Values["acceptance_level"] = strconv.Itoa(m.Size), string(m.AcceptanceLevel)
	for i, l := range m.LikelihoodLabels {
		f.Values["likelihood_label_"+strconv.Itoa(i+1)] = l
	}
	for i, l := range m.ConsequenceLabels {
		f.Values["consequence_label_"+strconv.Itoa(i+1)] = l
	}
	for _, t := range m.Thresholds {
		f.Values["threshold_"+string(t.Level)] = strconv.Itoa(t.MinScore)
	}
	for _, t := range m.AcceptanceTiers {
		f.Values["tier_"+string(t.Role)] = string(t.MaxLevel)
	}
	for i := 1; i <= m.Size; i++ { // a mapping that keeps every value where it can
		f.Values[fmt.Sprintf("map_likelihood_%d", i)] = strconv.Itoa(min(i, 4))
		f.Values[fmt.Sprintf("map_consequence_%d", i)] = strconv.Itoa(min(i, 4))
	}
	return f
}

func (s *Server) riskMatrixPage(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderMatrix(c, http.StatusOK, mid, nil, nil, nil)
}

// renderMatrix shows the matrix and, to the coordinator, its form (f: the posted input and
// errors; preview: what a dry run found; askSize: the size a change needs a mapping to).
func (s *Server) renderMatrix(c *gin.Context, status int, mid int64, f *formState, preview *store.MatrixChange, askSize *int) {
	ctx, cl := c.Request.Context(), s.caller(c)
	m, err := s.app.RiskMatrix(ctx, cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	grid := heatMapView(app.HeatMap{Matrix: m, Cells: domain.HeatMap(m, nil)}, mid, 0)
	pg := matrixPage{Matrix: m, Grid: grid, CanEdit: s.app.Can(cl, mid, authz.ObjRiskMatrix, authz.Write, nil), Preview: preview,
		Sizes: domain.RiskMatrixSizes, LabelSteps: []int{1, 2, 3, 4, 5}, TierRoles: strs(domain.AcceptingRoles)}
	if f != nil {
		pg.Form = *f
	} else {
		pg.Form = formFromMatrix(m)
	}
	pg.Form.Values["labels_size"] = strconv.Itoa(m.Size)
	for i := 1; i <= m.Size; i++ {
		pg.OldSteps = append(pg.OldSteps, i)
	}
	if askSize != nil || preview != nil && pg.Form.Values["form_has_mapping"] != "" {
		pg.NeedMapping = true
		n := m.Size
		if askSize != nil {
			n = *askSize
		} else if preview != nil {
			n = preview.Matrix.Size
		}
		for i := 1; i <= n; i++ {
			pg.NewSteps = append(pg.NewSteps, i)
		}
	}
	pg.Base = s.base(c, s.i18n.T(lang(c), "matrix.title"))
	s.render(c, status, "risk_matrix", pg)
}

// riskMatrixUpdate changes the matrix from its form: "Förhandsgranska" (dry_run) shows what
// the change would do; a change that would orphan scores comes back asking where the old
// values go.
func (s *Server) riskMatrixUpdate(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := c.Request.ParseForm(); err != nil {
		s.fail(c, err)
		return
	}
	ctx, cl := c.Request.Context(), s.caller(c)
	cur, err := s.app.RiskMatrix(ctx, cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	if !s.app.Can(cl, mid, authz.ObjRiskMatrix, authz.Write, nil) {
		s.fail(c, domain.Forbidden())
		return
	}
	in, p := parseMatrixForm(c.Request.PostForm, cur)
	dry := c.PostForm("dry_run") != ""
	var ch store.MatrixChange
	err = p.Err()
	if err == nil {
		ch, err = s.app.UpdateRiskMatrix(ctx, cl, mid, in, dry)
	}
	if err != nil {
		f, status, ok := s.formFail(c, err, matrixFields)
		if !ok {
			return
		}
		var ask *int
		if domain.AsError(err).Fields["size"] == "err.matrix_orphans" || in.Mapping != nil {
			ask = in.Size
			if ask == nil {
				ask = &cur.Size
			}
			if _, has := f.Values["map_likelihood_1"]; !has {
				for k, v := range formFromMatrix(cur).Values {
					if strings.HasPrefix(k, "map_") {
						f.Values[k] = v
					}
				}
			}
		}
		s.renderMatrix(c, status, mid, &f, nil, ask)
		return
	}
	if dry {
		f := formFromPost(c)
		s.renderMatrix(c, http.StatusOK, mid, &f, &ch, nil)
		return
	}
	flash := "flash.matrix_unchanged"
	if ch.Changed {
		flash = "flash.matrix_saved"
	}
	s.redirect(c, "/m/"+itoa(mid)+"/risk-matrix", flash)
}
