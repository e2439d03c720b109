package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
	"github.com/lisa-isms/lisa/internal/storetest"
)

const (
	benchRecords = 100_000
	benchUnits   = 80
	benchUsers   = 40
)

// seedDues fills a migrated database with one municipality of benchUnits org units and
// benchRecords records of several kinds, their next reviews spread over two years either side
// of today, through the store's bulk loader, as a bulk import would.
func seedDues(tb testing.TB, s *store.Store, today domain.Date) (mun int64, units []int64) {
	tb.Helper()
	created := today.Time()
	err := s.Load(context.Background(), func(l *store.Loader) error {
		var err error
		if mun, err = l.NextID("municipalities", 1); err != nil {
			return err
		}
		if err := l.Insert("municipalities", []string{"id", "name", "created_at"}, [][]any{{mun, "Benchby", created}}); err != nil {
			return err
		}
		first, err := l.NextID("org_units", benchUnits)
		if err != nil {
			return err
		}
		var unitRows [][]any
		for i := range benchUnits {
			units = append(units, first+int64(i))
			unitRows = append(unitRows, []any{first + int64(i), mun, fmt.Sprintf("Enhet %02d", i), "enhet"})
		}
		if err := l.Insert("org_units", []string{"id", "municipality_id", "name", "kind"}, unitRows); err != nil {
			return err
		}
		firstUser, err := l.NextID("users", benchUsers)
		if err != nil {
			return err
		}
		var users []int64
		var userRows [][]any
		for i := range benchUsers {
			users = append(users, firstUser+int64(i))
			userRows = append(userRows, []any{firstUser + int64(i), fmt.Sprintf("u%02d", i), fmt.Sprintf("Användare %02d", i), created})
		}
		if err := l.Insert("users", []string{"id", "username", "name", "created_at"}, userRows); err != nil {
			return err
		}
		rng := rand.New(rand.NewPCG(1, 2))
		kinds := []string{"document", "asset", "risk", "incident"}
		statuses := []string{"draft", "adopted", "open", "open", "adopted", "retired"}
		rows := make([][]any, 0, benchRecords)
		for i := range benchRecords {
			var owner any
			if rng.IntN(4) > 0 {
				owner = users[rng.IntN(len(users))]
			}
			next := today.AddDays(rng.IntN(4*365+1) - 2*365)
			title := fmt.Sprintf("Post %06d", i)
			rows = append(rows, []any{mun, kinds[i%len(kinds)], title, domain.FoldTitle(title), units[rng.IntN(len(units))], owner,
				statuses[rng.IntN(len(statuses))], 12, next, created, created})
		}
		if err := l.Insert("records", []string{"municipality_id", "kind", "title", "title_fold", "org_unit_id", "owner_id", "status",
			"review_interval_months", "next_review_at", "created_at", "updated_at"}, rows); err != nil {
			return err
		}
		// PostgreSQL's autovacuum analyzes a table after a bulk load; SQLite gathers no
		// statistics unless asked (and with them, SQLite 3.54 plans the limited due list worse:
		// 186 µs against 150 µs; see BENCHMARKS.md).
		if s.Dialect() == "postgres" {
			return l.Exec(`ANALYZE records`)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return mun, units
}

// BenchmarkDuesOverdue measures the dashboard's overdue query on 100,000 records.
func BenchmarkDuesOverdue(b *testing.B) {
	ctx := context.Background()
	path := storetest.DSN(b) // SQLite, or PostgreSQL with LISA_TEST_DB=postgres
	s, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	fixed := time.Date(2025, time.May, 10, 9, 30, 0, 0, time.UTC)
	s.Now = func() time.Time { return fixed }
	today := s.Today()
	t0 := time.Now()
	mun, units := seedDues(b, s, today)
	b.Logf("seeded %d records in %v", benchRecords, time.Since(t0).Round(time.Millisecond))
	from, to := domain.DueFilterOverdue.Bounds(today)

	run := func(name string, q store.DueQuery, wantMax int) {
		q.MunicipalityID, q.From, q.To = mun, from, to
		b.Run(name, func(b *testing.B) {
			// Check the answer once, so a wrong query cannot look fast.
			items, err := s.Dues(ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			if len(items) == 0 || (wantMax > 0 && len(items) != wantMax) {
				b.Fatalf("%d items", len(items))
			}
			for i, it := range items {
				if !it.NextReviewAt.Before(today) || domain.IsClosed(it.Kind, it.Status) || !q.Visible.Allows(it.Kind, it.OrgUnitID, it.Status) ||
					(i > 0 && it.NextReviewAt.Before(*items[i-1].NextReviewAt)) {
					b.Fatalf("bad item %d: %+v", i, it)
				}
			}
			for b.Loop() {
				if _, err := s.Dues(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(items)), "rows/op")
		})
	}
	run("coordinator_limit50", store.DueQuery{Visible: domain.Visibility{All: true}, Limit: 50}, 50)
	run("information_owner_3units_limit50", store.DueQuery{Visible: domain.Visibility{UnitIDs: units[10:13]}, Limit: 50}, 50)
	run("coordinator_all_overdue", store.DueQuery{Visible: domain.Visibility{All: true}}, 0)
}
