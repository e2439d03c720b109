package store

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lisa-isms/lisa/internal/domain"
)

// The incident register's filters that match few incidents start from where those are (a
// status's partial index, the open clocks, a unit's records and the units it affects) rather
// than walking the register newest first and testing each incident: on kommun-L's 100,000
// incidents such a walk read them all for a page (status=reported 55 ms of CPU, clock=open
// 31 ms). The statistics of one who sees every incident count from an index alone. SQLite
// plans as for a database without statistics, as production files are.
func TestIncidentFiltersStartFromTheirIndexes(t *testing.T) {
	s := planStore(t)
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	all := domain.Visibility{All: true}
	cases := map[string]hotQuery{}
	for name, f := range map[string]IncidentFilter{
		"status":        {Status: domain.IncidentReported, Limit: 101},
		"clock open":    {Clock: "open", Limit: 101},
		"clock overdue": {Clock: "overdue", Limit: 101},
		"clock soon":    {Clock: "soon", Limit: 101},
		"unit":          {UnitID: 7, Limit: 101},
		"staff's own":   {Limit: 101},
	} {
		v := all
		if name == "staff's own" {
			v = domain.Visibility{CreatorID: 9}
		}
		q, a := incidentsQuery(1, v, f, now)
		cases[name] = hotQuery{q: q, args: a}
	}
	for _, by := range IncidentStatsBy {
		q, a, err := incidentStatsQuery(1, all, by, 12, now)
		if err != nil {
			t.Fatal(err)
		}
		cases["statistics by "+by] = hotQuery{q: q, args: a}
	}
	walk := regexp.MustCompile(`INDEX records_\w+ \(municipality_id=\? AND kind=\?\)`) // every incident of the municipality, one by one
	for name, c := range cases {
		plan := explainSQLite(t, s, name, c)
		text := strings.Join(plan, "\n")
		if walk.MatchString(text) && !strings.HasPrefix(name, "statistics") || strings.Contains(text, "SCAN ") {
			t.Errorf("%s walks the register:\n%s", name, text)
		}
		if strings.HasPrefix(name, "statistics") && (!strings.Contains(text, "COVERING INDEX") || strings.Contains(text, "incidents USING INTEGER PRIMARY KEY") ||
			strings.Contains(text, "k USING INTEGER PRIMARY KEY")) {
			t.Errorf("%s reads rows, not an index alone:\n%s", name, text)
		}
	}
}
