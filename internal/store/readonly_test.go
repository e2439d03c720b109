package store_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
	"github.com/lisa-isms/lisa/internal/storetest"
)

func TestIsReadOnlyClassifiesBothDatabases(t *testing.T) {
	for _, c := range []struct {
		err      error
		readOnly bool
	}{
		{sqlite3.Error{Code: sqlite3.ErrReadonly}, true},
		{fmt.Errorf("insert: %w", sqlite3.Error{Code: sqlite3.ErrReadonly, ExtendedCode: sqlite3.ErrReadonlyDbMoved}), true},
		{&pgconn.PgError{Code: "25006"}, true},
		{fmt.Errorf("commit: %w", &pgconn.PgError{Code: "25006"}), true},
		{sqlite3.Error{Code: sqlite3.ErrConstraint}, false},
		{&pgconn.PgError{Code: "23505"}, false},
		{errors.New("attempt to write a readonly database"), false}, // the words alone are no code
		{nil, false},
	} {
		if got := store.IsReadOnly(c.err); got != c.readOnly {
			t.Errorf("IsReadOnly(%v) = %v", c.err, got)
		}
		if c.readOnly && !store.IsUnavailable(c.err) {
			t.Errorf("IsUnavailable(%v) = false for a read-only database", c.err)
		}
	}
}

// wantReadOnlyWrite checks that a write on s answers the read-only error: EUnavailable with
// its own message, recognised by IsReadOnly and IsUnavailable.
func wantReadOnlyWrite(t *testing.T, s *store.Store) {
	t.Helper()
	m := domain.Municipality{Name: "Nyby"}
	err := s.CreateMunicipality(context.Background(), actor, &m)
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.EUnavailable || de.Message != "err.readonly" || !store.IsReadOnly(err) || !store.IsUnavailable(err) {
		t.Fatalf("a write on a read-only database: %v", err)
	}
}

// goose's rows: which migrations the database says it has.
func migrationRows(t *testing.T, dsn string) int {
	t.Helper()
	var n int
	if err := storetest.Raw(t, dsn).QueryRow(`SELECT COUNT(*) FROM goose_db_version`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// OpenReadOnly (lisa audit verify, the check of a restore) runs no migrations, reads, and
// refuses writes with the read-only error.
func TestOpenReadOnlyRunsNoMigrations(t *testing.T) {
	e := newEnv(t)
	e.municipality("Ankeby")
	raw := e.raw()
	// Forget the newest migration: a store.Open would run it again.
	if _, err := raw.Exec(`DELETE FROM goose_db_version WHERE version_id = (SELECT MAX(version_id) FROM goose_db_version)`); err != nil {
		t.Fatal(err)
	}
	before := migrationRows(t, e.path)
	ro, err := store.OpenReadOnly(e.ctx, e.path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if !ro.ReadOnly() {
		t.Error("ReadOnly() = false for a store opened read-only")
	}
	if after := migrationRows(t, e.path); after != before {
		t.Errorf("OpenReadOnly ran migrations: %d rows in goose's table, %d before", after, before)
	}
	ms, err := ro.ListMunicipalities(e.ctx, true, nil)
	if err != nil || len(ms) != 1 {
		t.Fatalf("reading: %v %v", ms, err)
	}
	wantReadOnlyWrite(t, ro)
	if _, err := ro.VerifyAudit(e.ctx); err != nil {
		t.Error(err)
	}
	if !storetest.OnPostgres() {
		missing := filepath.Join(t.TempDir(), "missing.db")
		if s, err := store.OpenReadOnly(e.ctx, missing); err == nil {
			s.Close()
			t.Error("OpenReadOnly of a missing file succeeded")
		}
		if _, err := os.Stat(missing); err == nil {
			t.Error("OpenReadOnly created the missing file")
		}
	}
}

// store.Open on a database that takes no writes (a file the server may not write; a
// PostgreSQL in read-only mode) opens, says so, reads, and answers writes with the
// read-only error instead of failing at start-up or with an internal error.
func TestOpenOnAReadOnlyDatabase(t *testing.T) {
	e := newEnv(t)
	e.municipality("Ankeby")
	e.s.Close()
	if storetest.OnPostgres() {
		u, err := url.Parse(e.path)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(u.Path, "/")
		if _, err := e.raw().Exec(`ALTER DATABASE ` + name + ` SET default_transaction_read_only = on`); err != nil {
			t.Fatal(err)
		}
	} else {
		if os.Geteuid() == 0 {
			t.Skip("as root, chmod 0444 does not stop writes (TestOpenReadOnlyRunsNoMigrations covers mode=ro)")
		}
		if err := os.Chmod(e.path, 0o444); err != nil {
			t.Fatal(err)
		}
	}
	s, err := store.Open(e.ctx, e.path)
	if err != nil {
		t.Fatalf("open a read-only database: %v", err)
	}
	defer s.Close()
	if !s.ReadOnly() {
		t.Error("ReadOnly() = false")
	}
	if ms, err := s.ListMunicipalities(e.ctx, true, nil); err != nil || len(ms) != 1 {
		t.Fatalf("reading: %v %v", ms, err)
	}
	wantReadOnlyWrite(t, s)
}

func TestOpenOnAWritableDatabaseIsNotReadOnly(t *testing.T) {
	e := newEnv(t)
	if e.s.ReadOnly() {
		t.Fatal("a fresh database reported read-only")
	}
	// The probe leaves nothing behind.
	var n int
	q := `SELECT COUNT(*) FROM sqlite_master WHERE name = 'lisa_write_probe'`
	if storetest.OnPostgres() {
		q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'lisa_write_probe'`
	}
	if err := e.raw().QueryRow(q).Scan(&n); err != nil || n != 0 {
		t.Errorf("probe table: %d %v", n, err)
	}
}
