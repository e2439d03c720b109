package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
	"github.com/lisa-isms/lisa/internal/storetest"
)

// openTogether opens n stores on one empty database at the same moment, as n servers of a
// shared deployment starting at once would: the migrations run once and every one starts.
func openTogether(t *testing.T, dsn string, n int) []*store.Store {
	t.Helper()
	out := make([]*store.Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i], errs[i] = store.Open(context.Background(), dsn)
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		t.Cleanup(func() { out[i].Close() })
	}
	return out
}

func TestTwoInstancesStartOnAnEmptyPostgres(t *testing.T) {
	dsn := storetest.EmptyPostgres(t)
	openTogether(t, dsn, 3)
	var versions, distinct int
	raw := storetest.Raw(t, dsn)
	if err := raw.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0`).Scan(&versions, &distinct); err != nil {
		t.Fatal(err)
	}
	if versions != distinct || versions < 4 {
		t.Errorf("%d migrations applied (%d distinct)", versions, distinct)
	}
}

func TestTwoInstancesStartOnAnEmptySQLiteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lisa.db")
	ss := openTogether(t, path, 3)
	m := domain.Municipality{Name: "Ankeby"}
	if err := ss[1].CreateMunicipality(context.Background(), actor, &m); err != nil {
		t.Fatal(err)
	}
	if _, err := ss[2].GetMunicipality(context.Background(), m.ID); err != nil {
		t.Errorf("the third instance does not see the second's write: %v", err)
	}
}

// Two instances writing at once on one PostgreSQL keep one unforked audit chain: every entry
// follows the one before it.
func TestAuditChainStaysOneChainWithTwoInstances(t *testing.T) {
	dsn := storetest.Postgres(t)
	a, b := storetest.OpenDSN(t, dsn), storetest.OpenDSN(t, dsn)
	const each = 40
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	for i, s := range []*store.Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range each {
				m := domain.Municipality{Name: fmt.Sprintf("Kommun %d-%d", i, j)}
				if err := s.CreateMunicipality(context.Background(), actor, &m); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	n, err := a.VerifyAudit(context.Background())
	if err != nil || n != 2*each {
		t.Fatalf("VerifyAudit = %d, %v; want %d entries, intact", n, err, 2*each)
	}
}

// Title search ignores case on both databases, also for å, ä and ö.
func TestTitleSearchFoldsSwedishLetters(t *testing.T) {
	e := newEnv(t)
	a := e.municipality("Örebro")
	u := e.unit(a, "KS", nil)
	e.doc(a, u, "Åtgärdsplan för Ärendehantering", "draft", "2026-06-01")
	e.doc(a, u, "Rutin för öppna data", "draft", "2026-06-01")
	for q, want := range map[string]int{"åtgärd": 1, "ÅTGÄRDSPLAN": 1, "ärende": 1, "ÖPPNA": 1, "för": 2, "atgard": 0} {
		docs, err := e.s.ListDocuments(e.ctx, a, domain.Visibility{All: true}, store.DocumentFilter{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		if len(docs) != want {
			t.Errorf("search %q found %d, want %d", q, len(docs), want)
		}
	}
}

// A unique violation is found by its error code on both databases: a duplicate name is a
// conflict, not an internal error, and the store goes on working after it.
func TestUniqueViolationIsAConflict(t *testing.T) {
	e := newEnv(t)
	e.municipality("Ankeby")
	m := domain.Municipality{Name: "Ankeby"}
	err := e.s.CreateMunicipality(e.ctx, actor, &m)
	if code(err) != domain.EConflict || !strings.Contains(fmt.Sprint(domain.AsError(err).Fields), "name") {
		t.Errorf("duplicate municipality: %v", err)
	}
	if _, err := e.s.VerifyAudit(e.ctx); err != nil {
		t.Errorf("after the conflict: %v", err)
	}
}

// The document list carries each document's scope units, read for the whole list at once
// (it once read every unit-scoped document again, one by one).
func TestDocumentListCarriesScopeUnits(t *testing.T) {
	e := newEnv(t)
	a := e.municipality("Ankeby")
	u1, u2 := e.unit(a, "Soc", nil), e.unit(a, "BUF", nil)
	d := domain.Document{Record: domain.Record{MunicipalityID: a}}
	title, scope := "Rutin för två förvaltningar", "units"
	if _, err := domain.ApplyDocument(&d, domain.DocumentInput{Type: ptr("rutin"), Title: &title, OrgUnitID: &u1, Scope: &scope, ScopeUnitIDs: &[]int64{u2, u1}}, domain.DateOf(now)); err != nil {
		t.Fatal(err)
	}
	if err := e.s.CreateDocument(e.ctx, actor, &d, ""); err != nil {
		t.Fatal(err)
	}
	e.doc(a, u1, "Hela kommunen", "draft", "2026-06-01")
	docs, err := e.s.ListDocuments(e.ctx, a, domain.Visibility{All: true}, store.DocumentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range docs {
		want := []int64{}
		if doc.ID == d.ID {
			want = []int64{min(u1, u2), max(u1, u2)}
		}
		if fmt.Sprint(doc.ScopeUnitIDs) != fmt.Sprint(want) {
			t.Errorf("%s: scope units %v, want %v", doc.Title, doc.ScopeUnitIDs, want)
		}
	}
}

// Database URLs are logged and shown without their passwords, wherever they are given.
func TestRedactHidesPasswords(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://lisa:hemligt@db:5432/lisa":                     "postgres://lisa:xxx@db:5432/lisa",
		"postgres://lisa@db/lisa?password=hemligt&sslmode=require": "postgres://lisa@db/lisa?password=xxx&sslmode=require",
		"postgresql://db/lisa?sslpassword=hemligt":                 "postgresql://db/lisa?sslpassword=xxx",
		"/var/lib/lisa/lisa.db":                                    "/var/lib/lisa/lisa.db",
	} {
		if got := store.Redact(in); got != want || strings.Contains(got, "hemligt") {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}
