package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/auth"
	"github.com/lisa-isms/lisa/internal/demo"
	"github.com/lisa-isms/lisa/internal/store"
)

// BenchmarkUnitPlansPDF measures the PDF of one org unit's continuity plans on kommun-L (issue
// 10: at most 1 s), for the unit with the most plans, beside its reference in the same run:
// the plans read alone (the store's share). On LISA_LOAD_DB's kommun-L database when given;
// otherwise on a kommun-L built here with its units, people, 10,000 assets and 1,000 plans
// (documents, risks and the audit trail, which the PDF does not read, left small):
//
//	go test -run '^$' -bench UnitPlansPDF -benchtime 20x ./internal/web
func BenchmarkUnitPlansPDF(b *testing.B) {
	ctx := context.Background()
	dsn := os.Getenv("LISA_LOAD_DB")
	if dsn == "" {
		dsn = filepath.Join(b.TempDir(), "kl.db")
	}
	s, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	a, err := app.New(s)
	if err != nil {
		b.Fatal(err)
	}
	a.Hasher = auth.Hasher{Cost: bcrypt.MinCost}
	if ok, _ := demo.HasLarge(ctx, a); !ok {
		if err := demo.Seed(ctx, a); err != nil {
			b.Fatal(err)
		}
		size := demo.KommunL
		size.Documents, size.AuditEntries, size.Risks = 1000, 1000, 0
		if err := demo.SeedLarge(ctx, a, s, size, 1, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	coord, err := a.CallerByUsername(ctx, "samordnare")
	if err != nil {
		b.Fatal(err)
	}
	var mun int64
	ms, _ := a.Municipalities(ctx, coord)
	for _, m := range ms {
		if m.Name == demo.LargeName {
			mun = m.ID
		}
	}
	plans, err := a.Plans(ctx, coord, mun, store.PlanFilter{Limit: 5000})
	if err != nil || len(plans) == 0 {
		b.Fatalf("no plans in kommun-L (rebuild it): %v", err)
	}
	perUnit := map[int64]int{}
	var unit int64
	for _, p := range plans {
		if perUnit[p.OrgUnitID]++; perUnit[p.OrgUnitID] > perUnit[unit] {
			unit = p.OrgUnitID
		}
	}
	srv, err := New(a, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	env := &testEnv{t: b, ctx: ctx, store: s, app: a, srv: srv}
	client := env.login("samordnare")
	path := fmt.Sprintf("/m/%d/continuity-plans.pdf?unit=%d", mun, unit)
	res := client.get(path)
	if res.Code != http.StatusOK {
		b.Fatalf("%s: %d %s", path, res.Code, res.Body)
	}
	size := res.Body.Len()
	var sqlAlone, pdf time.Duration
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		if _, err := a.Plans(ctx, coord, mun, store.PlanFilter{OrgUnitID: unit, Full: true, Limit: 500}); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if res := client.get(path); res.Code != http.StatusOK {
			b.Fatal(res.Code)
		}
		sqlAlone += t1.Sub(t0)
		pdf += time.Since(t1)
	}
	b.StopTimer()
	n := time.Duration(b.N)
	b.ReportMetric(float64((pdf/n).Microseconds())/1000, "ms/pdf")
	b.ReportMetric(float64((sqlAlone/n).Microseconds())/1000, "ms/sql-alone")
	b.ReportMetric(float64(perUnit[unit]), "plans")
	b.ReportMetric(float64(size)/1024, "KiB")
}
