package web

// The API of risk analysis (issue 9): the matrix, analyses, risks, acceptance, treatment
// actions, the heat map and the register's exports. The shared record routes (reviews,
// comments, evidence, history) of the three kinds come from the registry.

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/exchange"
	"github.com/lisa-isms/lisa/internal/store"
)

// riskAPIRoutes registers the risk kinds' own API routes under /api/v1.
func (s *Server) riskAPIRoutes(api *gin.RouterGroup) {
	m := "/municipalities/:mid/"
	api.GET(m+"risk-matrix", s.api(s.apiRiskMatrix))
	api.PUT(m+"risk-matrix", s.api(s.apiUpdateRiskMatrix))
	api.GET(m+"risk-analyses", apiList(s, analysisFilter, (*Server).analysisPage))
	api.POST(m+"risk-analyses", apiCreate(s, s.app.CreateRiskAnalysis))
	api.GET(m+"risk-analyses/:id", apiRead(s, http.StatusOK, s.app.RiskAnalysis))
	api.PUT(m+"risk-analyses/:id", apiWrite(s, http.StatusOK, s.app.UpdateRiskAnalysis))
	api.GET(m+"risks", apiList(s, riskQuery, func(s *Server, c *gin.Context, mid int64, q app.RiskQuery) ([]domain.Risk, string, error) {
		rs, _, next, err := s.riskPage(c, mid, q) // the matrix is for the register page
		return rs, next, err
	}))
	api.POST(m+"risks", apiCreate(s, s.app.CreateRisk))
	api.GET(m+"risks/:id", apiRead(s, http.StatusOK, func(ctx context.Context, c app.Caller, mid, id int64) (domain.Risk, error) {
		r, _, err := s.app.Risk(ctx, c, mid, id)
		return r, err
	}))
	api.PUT(m+"risks/:id", s.api(s.apiUpdateRisk))
	api.DELETE(m+"risks/:id", s.api(s.apiDeleteRisk))
	api.POST(m+"risks/:id/acceptance", apiWrite(s, http.StatusCreated, s.app.AcceptRisk)) // 403 outside the tiers
	api.GET(m+"risks/:id/actions", apiRead(s, http.StatusOK, s.app.RiskActions))
	api.POST(m+"risks/:id/actions", apiWrite(s, http.StatusCreated, s.app.CreateRiskAction))
	api.GET(m+"risk-actions/:id", apiRead(s, http.StatusOK, s.app.RiskAction))
	api.PUT(m+"risk-actions/:id", apiWrite(s, http.StatusOK, s.app.UpdateRiskAction))
	api.GET(m+"heatmap", s.api(s.apiHeatMap))
	api.GET(m+"risks.xlsx", s.riskExport("xlsx"))
	api.GET(m+"risks.csv", s.riskExport("csv"))
}

// queryScale reads an optional whole number from 1 to 25 (a step of the matrix or a score).
func queryScale(c *gin.Context, name string, p domain.Problems) int {
	v := strings.TrimSpace(c.Query(name))
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 25 {
		p.Add(name, "err.type")
		return 0
	}
	return n
}

// queryBool reads 1/true or 0/false (absent: false).
func queryBool(c *gin.Context, name string, p domain.Problems) bool {
	switch strings.TrimSpace(c.Query(name)) {
	case "", "0", "false":
		return false
	case "1", "true":
		return true
	}
	p.Add(name, "err.type")
	return false
}

// riskQuery reads the risk register's query parameters: org_unit_id, status, treatment,
// owner_id, analysis_id, level, residual_level, score_min, score_max, a cell (likelihood,
// consequence, residual=1 for the values after treatment), q, limit and after.
func riskQuery(c *gin.Context) (app.RiskQuery, error) {
	p := domain.Problems{}
	var q app.RiskQuery
	q.OrgUnitID, q.OwnerID, q.AnalysisID = queryID(c, "org_unit_id", p), queryID(c, "owner_id", p), queryID(c, "analysis_id", p)
	if v := c.Query("status"); v != "" {
		if st, ok := spec(domain.KindRisk).ParseStatus(v); ok {
			q.Status = st
		} else {
			p.Add("status", "err.enum")
		}
	}
	if v := c.Query("treatment"); v != "" {
		q.Treatment = domain.RiskTreatment(domain.NormalizeEnum(v))
		if !oneOf(q.Treatment, domain.RiskTreatments) {
			p.Add("treatment", "err.enum")
		}
	}
	for name, dst := range map[string]*domain.RiskLevel{"level": &q.Level, "residual_level": &q.ResidualLevel} {
		if v := c.Query(name); v != "" {
			*dst = domain.RiskLevel(domain.NormalizeEnum(v))
			if dst.Rank() < 0 {
				p.Add(name, "err.enum")
			}
		}
	}
	q.ScoreMin, q.ScoreMax = queryScale(c, "score_min", p), queryScale(c, "score_max", p)
	q.Likelihood, q.Consequence = queryScale(c, "likelihood", p), queryScale(c, "consequence", p)
	q.Residual = queryBool(c, "residual", p)
	q.Query = strings.TrimSpace(c.Query("q"))
	if len(q.Query) > 200 {
		p.Add("q", "err.too_long")
	}
	q.Limit, q.After = pageQuery(c, "risks", p)
	return q, p.Err()
}

// riskPage reads one page of the register and the next page's URL ("" on the last).
func (s *Server) riskPage(c *gin.Context, mid int64, q app.RiskQuery) ([]domain.Risk, domain.RiskMatrix, string, error) {
	var m domain.RiskMatrix
	rs, next, err := fetchPage(c, "risks", q.Limit, func(n int) (rs []domain.Risk, err error) {
		q.Limit = n
		rs, m, err = s.app.Risks(c.Request.Context(), s.caller(c), mid, q)
		return rs, err
	}, domain.Risk.TitleCursor)
	return rs, m, next, err
}

func (s *Server) apiRiskMatrix(c *gin.Context) (int, any, error) {
	mid, err := idParam(c, "mid")
	if err != nil {
		return 0, nil, err
	}
	m, err := s.app.RiskMatrix(c.Request.Context(), s.caller(c), mid)
	return http.StatusOK, m, err
}

// apiUpdateRiskMatrix changes the matrix; ?dry_run=1 answers what the change would do (how
// many risks the mapping moves, how many acceptances it voids) and stores nothing.
func (s *Server) apiUpdateRiskMatrix(c *gin.Context) (int, any, error) {
	mid, err := idParam(c, "mid")
	if err != nil {
		return 0, nil, err
	}
	p := domain.Problems{}
	dry := queryBool(c, "dry_run", p)
	if err := p.Err(); err != nil {
		return 0, nil, err
	}
	var in domain.RiskMatrixInput
	if err := decodeJSON(c, &in); err != nil {
		return 0, nil, err
	}
	ch, err := s.app.UpdateRiskMatrix(c.Request.Context(), s.caller(c), mid, in, dry)
	if err != nil {
		return 0, nil, err
	}
	if dry {
		return http.StatusOK, ch, nil
	}
	return http.StatusOK, ch.Matrix, nil
}

// analysisFilter reads the analysis list's query parameters.
func analysisFilter(c *gin.Context) (store.RiskAnalysisFilter, error) {
	p := domain.Problems{}
	f := store.RiskAnalysisFilter{OrgUnitID: queryID(c, "org_unit_id", p), Query: strings.TrimSpace(c.Query("q"))}
	if v := c.Query("status"); v != "" {
		if st, ok := spec(domain.KindRiskAnalysis).ParseStatus(v); ok {
			f.Status = st
		} else {
			p.Add("status", "err.enum")
		}
	}
	if len(f.Query) > 200 {
		p.Add("q", "err.too_long")
	}
	f.Limit, f.After = pageQuery(c, "risk-analyses", p)
	return f, p.Err()
}

func (s *Server) analysisPage(c *gin.Context, mid int64, f store.RiskAnalysisFilter) ([]domain.RiskAnalysis, string, error) {
	return fetchPage(c, "risk-analyses", f.Limit, func(n int) ([]domain.RiskAnalysis, error) {
		f.Limit = n
		return s.app.RiskAnalyses(c.Request.Context(), s.caller(c), mid, f)
	}, domain.RiskAnalysis.TitleCursor)
}

func (s *Server) apiUpdateRisk(c *gin.Context) (int, any, error) {
	mid, id, err := recordIDs(c)
	if err != nil {
		return 0, nil, err
	}
	var in domain.RiskInput
	if err := decodeJSON(c, &in); err != nil {
		return 0, nil, err
	}
	r, err := s.app.UpdateRisk(c.Request.Context(), s.caller(c), mid, id, in)
	return http.StatusOK, r, err
}

func (s *Server) apiDeleteRisk(c *gin.Context) (int, any, error) {
	mid, id, err := recordIDs(c)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, s.app.DeleteRisk(c.Request.Context(), s.caller(c), mid, id)
}

// heatParams reads ?residual= and ?org_unit_id= of a heat map.
func heatParams(c *gin.Context) (bool, int64, error) {
	p := domain.Problems{}
	residual, unit := queryBool(c, "residual", p), queryID(c, "org_unit_id", p)
	return residual, unit, p.Err()
}

func (s *Server) apiHeatMap(c *gin.Context) (int, any, error) {
	mid, err := idParam(c, "mid")
	if err != nil {
		return 0, nil, err
	}
	residual, unit, err := heatParams(c)
	if err != nil {
		return 0, nil, err
	}
	h, err := s.app.RiskHeatMap(c.Request.Context(), s.caller(c), mid, residual, unit)
	return http.StatusOK, h, err
}

// riskExport streams the risk register, filtered as the register page is, as XLSX or CSV in
// the caller's language: one row per risk with its scores and levels before and after
// treatment, its controls with their SoA status, its acceptance and a link to its page.
func (s *Server) riskExport(format string) gin.HandlerFunc {
	return func(c *gin.Context) {
		mid, err := idParam(c, "mid")
		if err != nil {
			s.fail(c, err)
			return
		}
		q, err := riskQuery(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		ctx, cl, tr := c.Request.Context(), s.caller(c), s.i18n.For(lang(c))
		units, err := s.app.OrgUnits(ctx, cl, mid)
		if err != nil {
			s.fail(c, err)
			return
		}
		unitName := unitNames(units)
		var cols []exchange.Column
		for _, col := range riskExportColumns {
			cols = append(cols, exchange.Column{Header: tr.T("riskexport." + col.key), Width: col.width})
		}
		var buf bytes.Buffer
		var out io.Writer = &buf // XLSX is assembled in memory by excelize; CSV streams
		if format == "csv" {
			out = c.Writer
		}
		var t exchange.Table
		today := s.app.Today()
		base := s.requestBase(c)
		err = s.app.ExportRisks(ctx, cl, mid, q, func(rs []domain.Risk, m domain.RiskMatrix) error {
			if t == nil {
				if format == "csv" {
					c.Header("Content-Disposition", `attachment; filename="lisa-risker-`+itoa(mid)+`.csv"`)
					c.Header("Content-Type", "text/csv; charset=utf-8")
					c.Status(http.StatusOK)
				}
				var err error
				if t, err = exchange.NewTable(out, format, tr.T("risk.register_title"), cols); err != nil {
					return err
				}
			}
			var owners, analyses []int64
			for _, r := range rs {
				if r.OwnerID != nil {
					owners = append(owners, *r.OwnerID)
				}
				if r.AnalysisID != nil {
					analyses = append(analyses, *r.AnalysisID)
				}
			}
			ownerName, err := s.app.MemberNames(ctx, cl, mid, owners)
			if err != nil {
				return err
			}
			analysisName, err := s.app.RiskTitles(ctx, cl, mid, domain.KindRiskAnalysis, analyses)
			if err != nil {
				return err
			}
			for _, r := range rs {
				var owner, analysis, acceptedBy, acceptedValid string
				var until *domain.Date
				if r.OwnerID != nil {
					owner = ownerName[*r.OwnerID]
				}
				if r.AnalysisID != nil {
					analysis = analysisName[*r.AnalysisID]
				}
				if a := r.Acceptance; a != nil {
					u := a.ValidUntil
					acceptedBy, until = a.AcceptedByName, &u
					acceptedValid = tr.T(map[bool]string{true: "common.yes", false: "common.no"}[a.ValidOn(today)])
				}
				ctls := make([]string, len(r.Controls))
				for i, ct := range r.Controls {
					ctls[i] = ct.ControlID + " (" + tr.T("ctlstatus."+string(ct.Status)) + ")"
				}
				if err := t.Row(r.ID, r.Title, analysis, unitName[r.OrgUnitID], owner, r.Threat, r.Vulnerability,
					r.Likelihood, r.Consequence, r.Score, tr.T("risklevel."+string(r.Level)), tr.T("treatment."+string(r.Treatment)), r.TreatmentPlan,
					r.ResidualLikelihood, r.ResidualConsequence, r.ResidualScore, tr.T("risklevel."+string(r.ResidualLevel)), r.ResidualReason,
					strings.Join(ctls, "; "), tr.T("riskstatus."+r.Status), acceptedBy, until, acceptedValid, r.NextReviewAt, base+r.Path()); err != nil {
					return err
				}
			}
			return nil
		})
		if t == nil && err != nil {
			s.fail(c, err)
			return
		}
		if err == nil {
			err = t.Close()
		}
		if err != nil {
			if format == "csv" { // mid-stream: the status is sent; end the file short and log
				s.logInternal(c, err)
				return
			}
			s.fail(c, err)
			return
		}
		if format == "xlsx" {
			attachment(c, "lisa-risker-"+itoa(mid)+".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
		}
	}
}

// riskExportColumns are the export's columns: the key of each header (riskexport.*) and its
// XLSX width.
var riskExportColumns = []struct {
	key   string
	width float64
}{
	{"id", 8}, {"title", 40}, {"analysis", 30}, {"org_unit", 26}, {"owner", 22}, {"threat", 40}, {"vulnerability", 40},
	{"likelihood", 12}, {"consequence", 12}, {"score", 10}, {"level", 14}, {"treatment", 14}, {"treatment_plan", 40},
	{"residual_likelihood", 14}, {"residual_consequence", 14}, {"residual_score", 12}, {"residual_level", 14}, {"residual_reason", 30},
	{"controls", 36}, {"status", 16}, {"accepted_by", 22}, {"valid_until", 14}, {"acceptance_valid", 14}, {"next_review_at", 14}, {"link", 40},
}
