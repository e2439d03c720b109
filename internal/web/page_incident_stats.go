package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/store"
)

// The incident statistics page (issue 10): the incidents the caller reads counted per month,
// category, unit, supplier or severity, as a bar chart with its table (the table is what a
// screen reader reads; the chart is decoration for it), and the register's exports.

type statRow struct {
	Label string
	N     int
	Y, W  int // the bar's place and width in the chart
}

type incidentStatsPage struct {
	Base
	By     string
	Bys    []string
	Rows   []statRow
	Total  int
	Height int // the chart's height
}

const (
	statBarWidth  = 360 // the widest bar, in the chart's units
	statRowHeight = 26
)

func (s *Server) incidentStats(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	by := c.DefaultQuery("by", "month") // an unknown one is the service's 400 naming by
	ctx, cl := c.Request.Context(), s.caller(c)
	counts, err := s.app.IncidentStats(ctx, cl, mid, by)
	if err != nil {
		s.fail(c, err)
		return
	}
	tr := s.i18n.For(lang(c))
	pg := incidentStatsPage{By: by, Bys: store.IncidentStatsBy}
	most := 0
	for _, x := range counts {
		most = max(most, x.N)
		pg.Total += x.N
	}
	for i, x := range counts {
		label := x.Name
		switch {
		case by == "category" || by == "severity":
			label = tr.T(map[string]string{"category": "inccat.", "severity": "incsev."}[by] + x.Key)
			if x.Key == "" {
				label = tr.T("incident.not_assessed")
			}
		case by == "supplier" && x.Key == "":
			label = tr.T("incident.no_supplier_stat")
		case label == "":
			label = "#" + x.Key // a supplier the caller may not read
		}
		r := statRow{Label: label, N: x.N, Y: i * statRowHeight}
		if most > 0 {
			r.W = x.N * statBarWidth / most
		}
		pg.Rows = append(pg.Rows, r)
	}
	pg.Height = len(pg.Rows) * statRowHeight
	pg.Base = s.base(c, tr.T("incident.stats_title"))
	s.render(c, http.StatusOK, "incident_stats", pg)
}
