package web

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/storetest"
)

// Every page issues a bounded number of SQL statements, whatever the data: the count per
// request stays the same when the municipality gets many more records (no N+1), and under a
// fixed bound. Counted by a wrapper around the SQLite driver.
func TestPagesIssueABoundedNumberOfStatements(t *testing.T) {
	if storetest.OnPostgres() {
		t.Skip("statements are counted on SQLite")
	}
	storetest.CountStatements(t)
	env := newTestServer(t)
	coord, auditor := env.login("samordnare"), env.login("revisor")
	soc := env.unit("Exempelkommun/Socialförvaltningen")
	doc := env.doc(tDocSocDraft)
	sys, set := env.extra["asset/system/false"], env.extra["asset/set/false"]
	m := fmt.Sprintf("/m/%d", env.ex)
	pages := []struct {
		who  *testClient
		path string
	}{
		{coord, m},
		{coord, m + "/documents"},
		{coord, fmt.Sprintf("%s/documents/%d", m, doc)},
		{coord, fmt.Sprintf("/api/v1/municipalities/%d/documents", env.ex)},
		{coord, fmt.Sprintf("/api/v1/municipalities/%d/documents/%d", env.ex, doc)},
		{coord, m + "/soa"},
		{coord, m + "/soa/5.24"},
		{coord, m + "/gap"},
		{coord, m + "/reviews?due=all"},
		{coord, m + "/calendar"},
		{auditor, m + "/audit"},
		{coord, m + "/assets"},
		{coord, m + "/assets?min_level=3&kind=system"},
		{coord, fmt.Sprintf("/api/v1/municipalities/%d/assets", env.ex)},
		{coord, fmt.Sprintf("%s/assets/%d", m, sys)},
		{coord, fmt.Sprintf("%s/assets/%d", m, set)},
		{coord, fmt.Sprintf("/api/v1/municipalities/%d/assets/%d", env.ex, sys)},
		{coord, m + "/suppliers"},
		{coord, fmt.Sprintf("%s/suppliers/%d", m, env.extra["supplier/false"])},
		{coord, m + "/menu"},
	}
	count := func() map[string]int64 {
		out := map[string]int64{}
		for _, p := range pages {
			p.who.get(p.path) // warm: the session cache, the first page of a pool
			before := storetest.Statements.Load()
			if res := p.who.get(p.path); res.Code != http.StatusOK {
				t.Fatalf("%s: %d", p.path, res.Code)
			}
			out[p.path] = storetest.Statements.Load() - before
		}
		return out
	}
	small := count()
	typ, scope := "rutin", "units"
	for i := range 60 {
		title := fmt.Sprintf("Fler dokument %02d", i)
		in := domain.DocumentInput{Type: &typ, Title: &title, OrgUnitID: &soc}
		if i%2 == 0 { // documents scoped to units once cost two statements each in the list
			in.Scope, in.ScopeUnitIDs = &scope, &[]int64{soc}
		}
		d, err := env.app.CreateDocument(env.ctx, env.caller("samordnare"), env.ex, in)
		if err != nil {
			t.Fatal(err)
		}
		env.newEvidence("samordnare", env.ex, d.ID)
		if _, err := env.app.AddComment(env.ctx, env.caller("samordnare"), env.ex, "document", d.ID, "Synpunkt"); err != nil {
			t.Fatal(err)
		}
		// An information set, classified, carried by the target system and by a new one.
		name, info, system, lv := fmt.Sprintf("Fler mängder %02d", i), "information", "system", i%5
		a, err := env.app.CreateAsset(env.ctx, env.caller("samordnare"), env.ex, domain.AssetInput{Name: &name, Kind: &info, OrgUnitID: &soc})
		if err != nil {
			t.Fatal(err)
		}
		reason := "ny"
		if _, err := env.app.ClassifyAsset(env.ctx, env.caller("samordnare"), env.ex, a.ID, domain.ClassificationInput{
			Confidentiality: &lv, Integrity: &lv, Availability: &lv, Traceability: &lv, Rationale: &reason}); err != nil {
			t.Fatal(err)
		}
		carried, err := env.app.Asset(env.ctx, env.caller("samordnare"), env.ex, sys)
		if err != nil {
			t.Fatal(err)
		}
		carries := append(carried.Carries, a.ID)
		if _, err := env.app.UpdateAsset(env.ctx, env.caller("samordnare"), env.ex, sys, domain.AssetInput{Carries: &carries}); err != nil {
			t.Fatal(err)
		}
		sysName := fmt.Sprintf("Fler system %02d", i)
		if _, err := env.app.CreateAsset(env.ctx, env.caller("samordnare"), env.ex, domain.AssetInput{Name: &sysName, Kind: &system, OrgUnitID: &soc, Carries: &[]int64{a.ID}}); err != nil {
			t.Fatal(err)
		}
	}
	large := count()
	const bound = 18 // the most (an asset page of a system) is 16: a regression adds a statement to every page it touches
	for _, p := range pages {
		if large[p.path] != small[p.path] {
			t.Errorf("%s: %d statements with the demo data, %d with 60 documents more (N+1)", p.path, small[p.path], large[p.path])
		}
		if large[p.path] > bound {
			t.Errorf("%s: %d statements (bound %d)", p.path, large[p.path], bound)
		}
		t.Logf("%-55s %2d statements", p.path, large[p.path])
	}
}
