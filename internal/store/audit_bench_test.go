package store_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/lisa-isms/lisa/internal/audit"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
	"github.com/lisa-isms/lisa/internal/storetest"
)

// BenchmarkAuditList measures a municipality's audit page (100 entries, newest first) and its
// filters on trails of 2,000 and 200,000 entries (and 2,000,000 with
// LISA_BENCH_AUDIT_LARGE=1): the list's cost should not grow with the trail (issue #8 item 16).
//
//	go test -run '^$' -bench AuditList -benchtime 200x ./internal/store
func BenchmarkAuditList(b *testing.B) {
	sizes := []int{2_000, 200_000}
	if os.Getenv("LISA_BENCH_AUDIT_LARGE") == "1" {
		sizes = append(sizes, 2_000_000)
	}
	for _, n := range sizes {
		ctx := context.Background()
		s, err := store.Open(ctx, storetest.DSN(b))
		if err != nil {
			b.Fatal(err)
		}
		mun, day := seedAudit(b, s, n)
		monthStart := day.AddDays(-29)
		for name, f := range map[string]store.AuditFilter{
			"page":   {MunicipalityID: mun, Limit: 100},
			"action": {MunicipalityID: mun, Action: audit.ActionReview, Limit: 100},
			"actor":  {MunicipalityID: mun, Actor: "person-007", Limit: 100},
			"day":    {MunicipalityID: mun, From: day.String(), To: day.String(), Limit: 100},
			"month":  {MunicipalityID: mun, From: monthStart.String(), To: day.String(), Limit: 100},
		} {
			b.Run(fmt.Sprintf("%d/%s", n, name), func(b *testing.B) {
				for b.Loop() {
					if _, err := s.ListAudit(ctx, f); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		s.Close()
	}
}

// seedAudit loads n audit entries over a year through the loader (a municipality's document
// events and, one in three, logins of its people) and returns the municipality and a day.
func seedAudit(b *testing.B, s *store.Store, n int) (int64, domain.Date) {
	b.Helper()
	var mun int64
	start := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
	err := s.Load(context.Background(), func(l *store.Loader) error {
		var err error
		if mun, err = l.NextID("municipalities", 1); err != nil {
			return err
		}
		if err := l.Insert("municipalities", []string{"id", "name", "created_at"}, [][]any{{mun, "Loggby", start}}); err != nil {
			return err
		}
		first, err := l.NextID("users", 50)
		if err != nil {
			return err
		}
		var users, roles [][]any
		for i := range 50 {
			users = append(users, []any{first + int64(i), fmt.Sprintf("person-%03d", i), "Person", start})
			roles = append(roles, []any{first + int64(i), mun, "staff"})
		}
		if err := l.Insert("users", []string{"id", "username", "name", "created_at"}, users); err != nil {
			return err
		}
		if err := l.Insert("role_assignments", []string{"user_id", "municipality_id", "role"}, roles); err != nil {
			return err
		}
		step := 365 * 24 * time.Hour / time.Duration(n)
		actions := []string{audit.ActionUpdate, audit.ActionReview, audit.ActionComment, audit.ActionCreate}
		for from := 0; from < n; from += 20_000 {
			var es []audit.Entry
			for i := from; i < min(from+20_000, n); i++ {
				actor := first + int64(i%50)
				rec := int64(1 + i%5000)
				e := audit.Entry{At: start.Add(time.Duration(i) * step).Format(time.RFC3339Nano), ActorID: &actor, Actor: fmt.Sprintf("person-%03d", i%50), IP: "10.0.0.1"}
				if i%3 == 0 {
					e.Kind, e.Action = "session", audit.ActionLogin
				} else {
					e.Kind, e.Action, e.MunicipalityID, e.RecordID = "document", actions[i%len(actions)], &mun, &rec
				}
				es = append(es, e)
			}
			if err := l.Audit(es); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return mun, domain.NewDate(2025, 6, 30)
}
