package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/lisa-isms/lisa/internal/audit"
	"github.com/lisa-isms/lisa/internal/store"
	"github.com/lisa-isms/lisa/internal/storetest"
)

// A bulk load that defers the audit trail's indexes leaves them as the migrations made them,
// and an entry written afterwards through the store finds them; a failed load drops nothing.
func TestLoadDefersIndexes(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.DSN(t)
	s := storetest.OpenDSN(t, dsn)
	raw := storetest.Raw(t, dsn)
	indexes := func() []string {
		q := `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_log' AND sql IS NOT NULL ORDER BY name`
		if raw.Postgres() {
			q = `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'audit_log' ORDER BY indexname`
		}
		rows, err := raw.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			out = append(out, n)
		}
		return out
	}
	want := indexes()
	if len(want) < 5 {
		t.Fatalf("audit_log has %d indexes: %v", len(want), want)
	}
	entries := make([]audit.Entry, 500)
	for i := range entries {
		entries[i] = audit.Entry{At: "2026-01-15T10:00:00Z", Actor: "loader", Kind: "session", Action: audit.ActionLogin}
	}
	err := s.Load(ctx, func(l *store.Loader) error {
		if err := l.DeferIndexes("audit_log"); err != nil {
			return err
		}
		return l.Audit(entries)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := indexes(); !slices.Equal(got, want) {
		t.Errorf("indexes after the load %v, want %v", got, want)
	}
	var n int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE actor = 'loader'`).Scan(&n); err != nil || n != len(entries) {
		t.Errorf("%d entries loaded (%v)", n, err)
	}
	// On PostgreSQL the loaded table has its planner statistics at once (autovacuum may come
	// minutes later); an SQLite file stays without them, as production files are planned.
	if raw.Postgres() {
		var kinds int
		if err := raw.QueryRow(`SELECT COUNT(*) FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'audit_log' AND attname = 'kind'`).Scan(&kinds); err != nil || kinds != 1 {
			t.Errorf("no statistics of audit_log after the load (%d, %v)", kinds, err)
		}
	} else if err := raw.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("the load gathered SQLite statistics (%d, %v)", n, err)
	}
	// A load that fails after dropping them rolls the drop back.
	_ = s.Load(ctx, func(l *store.Loader) error {
		if err := l.DeferIndexes("audit_log"); err != nil {
			return err
		}
		return context.Canceled
	})
	if got := indexes(); !slices.Equal(got, want) {
		t.Errorf("indexes after a failed load %v, want %v", got, want)
	}
	if _, err := s.VerifyAudit(ctx); err != nil {
		t.Errorf("the loaded trail does not verify: %v", err)
	}
}
