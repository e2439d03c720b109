package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
	"golang.org/x/crypto/bcrypt"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/auth"
	"github.com/lisa-isms/lisa/internal/demo"
	"github.com/lisa-isms/lisa/internal/store"
	"github.com/lisa-isms/lisa/internal/storetest"
)

// seededDB makes a demo database file and returns its path.
func seededDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := t.TempDir() + "/lisa.db"
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(s)
	if err != nil {
		t.Fatal(err)
	}
	a.Hasher = auth.Hasher{Cost: bcrypt.MinCost}
	if err := demo.Seed(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func runCmd(args ...string) (string, error) {
	var out, errb bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String() + errb.String(), err
}

func TestAuditVerifyDetectsChangedAndRemovedEntries(t *testing.T) {
	path := seededDB(t)
	out, err := runCmd("audit", "verify", "--db", path)
	if err != nil || !strings.Contains(out, "intact") {
		t.Fatalf("fresh chain: err=%v out=%q", err, out)
	}

	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// An attacker with file access removes the append-only triggers, then edits history.
	for _, q := range []string{`DROP TRIGGER audit_log_no_update`, `DROP TRIGGER audit_log_no_delete`,
		`UPDATE audit_log SET actor = 'someone-else' WHERE id = 7`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	if _, err := runCmd("audit", "verify", "--db", path); err == nil || !strings.Contains(err.Error(), "entry 7") {
		t.Fatalf("changed entry 7: want an error naming entry 7, got %v", err)
	}
	// Opening the database (as verify does) must not restore the triggers silently in a way
	// that hides the change: the verdict is the same on a second run.
	if _, err := runCmd("audit", "verify", "--db", path); err == nil {
		t.Fatal("second verify passed on a tampered chain")
	}

	path2 := seededDB(t)
	db2, err := sql.Open("sqlite3", path2)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	// Removing entry 12 is found at the next entry of its chain, which names the missing place.
	var chain, seq int64
	if err := db2.QueryRow(`SELECT chain, chain_seq FROM audit_log WHERE id = 12`).Scan(&chain, &seq); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TRIGGER audit_log_no_delete`, `DELETE FROM audit_log WHERE id = 12`} {
		if _, err := db2.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	want := fmt.Sprintf("entry %d of chain %d missing", seq, chain)
	if _, err := runCmd("audit", "verify", "--db", path2); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("removed entry 12: want an error naming %q, got %v", want, err)
	}
	// Another municipality's chain verifies on its own; the broken one does not.
	other := 3 - chain // the demo's municipalities are 1 and 2
	if out, err := runCmd("audit", "verify", "--db", path2, "--municipality", fmt.Sprint(other)); err != nil || !strings.Contains(out, fmt.Sprintf("chain %d (", other)) {
		t.Fatalf("the intact chain %d: %v %q", other, err, out)
	}
	if _, err := runCmd("audit", "verify", "--db", path2, "--municipality", fmt.Sprint(chain)); err == nil {
		t.Fatalf("the broken chain %d verifies on its own", chain)
	}
}

func TestAuditVerifyMissingDatabase(t *testing.T) {
	if _, err := runCmd("audit", "verify", "--db", t.TempDir()+"/nope.db"); err == nil {
		t.Fatal("verify of a missing file succeeded")
	}
}

func TestTokenCreatePrintsUsableToken(t *testing.T) {
	path := seededDB(t)
	out, err := runCmd("token", "create", "--db", path, "--user", "samordnare", "--name", "diariet")
	if err != nil {
		t.Fatal(err)
	}
	tok := strings.TrimSpace(out)
	if !strings.HasPrefix(tok, "lisa_") || len(tok) < 40 {
		t.Fatalf("token %q", tok)
	}
	s, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	u, tk, err := s.UserByAPIToken(context.Background(), tok)
	if err != nil || u.Username != "samordnare" {
		t.Fatalf("token resolves to %q, %v", u.Username, err)
	}
	if days := time.Until(tk.ExpiresAt).Hours() / 24; days < 364 || days > 366 {
		t.Errorf("the token expires in %.1f days, want a year", days)
	}
	if _, err := runCmd("token", "create", "--db", path, "--user", "nobody"); err == nil {
		t.Fatal("token for unknown user created")
	}
	if _, err := runCmd("token", "create", "--db", path, "--user", "samordnare", "--days", "0"); err == nil {
		t.Fatal("a token living 0 days created")
	}
	// list shows it by name; revoke ends it.
	out, err = runCmd("token", "list", "--db", path, "--user", "samordnare")
	if err != nil || !strings.Contains(out, "diariet") || !strings.Contains(out, "never") {
		t.Fatalf("token list: %v\n%s", err, out)
	}
	if _, err := runCmd("token", "revoke", "--db", path, "--user", "samordnare", "--id", fmt.Sprint(tk.ID)); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	if _, _, err := s.UserByAPIToken(context.Background(), tok); err == nil {
		t.Fatal("a revoked token still works")
	}
	if _, err := runCmd("token", "revoke", "--db", path, "--user", "samordnare", "--id", fmt.Sprint(tk.ID)); err == nil {
		t.Fatal("revoking twice succeeds")
	}
}

func TestUnknownCommandFails(t *testing.T) {
	if _, err := runCmd("frobnicate"); err == nil {
		t.Fatal("unknown command accepted")
	}
	if _, err := runCmd(); err == nil {
		t.Fatal("no command accepted")
	}
}

// The chain alone cannot see its newest entries cut off; the head noted earlier can.
func TestAuditVerifyAnchorDetectsTruncation(t *testing.T) {
	path := seededDB(t)
	out, err := runCmd("audit", "verify", "--db", path)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var chain int64 // the chain of the newest entry, whose head we note
	if err := db.QueryRow(`SELECT chain FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)`).Scan(&chain); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(fmt.Sprintf(`chain %d \([^)]*\): \d+ entries, head (\S+)`, chain)).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no head of chain %d in %q", chain, out)
	}
	head := m[1]
	if out, err := runCmd("audit", "verify", "--db", path, "--anchor", head); err != nil || !strings.Contains(out, "found unchanged") {
		t.Fatalf("anchor on an intact chain: %v %q", err, out)
	}
	for _, q := range []string{`DROP TRIGGER audit_log_no_delete`, `DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	// Without the anchor the shortened chain looks intact; with it, it does not.
	if _, err := runCmd("audit", "verify", "--db", path); err != nil {
		t.Fatalf("shortened chain without anchor: %v", err)
	}
	if _, err := runCmd("audit", "verify", "--db", path, "--anchor", head); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("shortened chain with anchor: %v", err)
	}
	if _, err := runCmd("audit", "verify", "--db", path, "--anchor", "nonsense"); err == nil {
		t.Fatal("bad anchor accepted")
	}
}

// A database setting that is neither a file path nor a postgres:// URL, and a PostgreSQL that
// cannot be reached, are clear errors (main prints them and exits 1), not panics; the message
// names the host and never the password.
func TestBadDatabaseSettings(t *testing.T) {
	if out, err := runCmd("migrate", "--db", "mysql://lisa@db/lisa"); err == nil || !strings.Contains(err.Error(), "neither a file path nor a postgres:// URL") {
		t.Errorf("mysql URL: %v %s", err, out)
	}
	_, err := runCmd("migrate", "--db", "postgres://lisa:hemligt@127.0.0.1:1/lisa?connect_timeout=2")
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:1") || strings.Contains(err.Error(), "hemligt") {
		t.Errorf("unreachable PostgreSQL: %v", err)
	}
	t.Setenv("LISA_DB", "postgres://lisa:hemligt@127.0.0.1:1/lisa?connect_timeout=2")
	if _, err := runCmd("serve", "--addr", "127.0.0.1:0"); err == nil || !strings.Contains(err.Error(), "cannot reach PostgreSQL at 127.0.0.1:1") {
		t.Errorf("serve on unreachable PostgreSQL: %v", err)
	}
}

// lisa migrate and lisa audit verify work on PostgreSQL too.
func TestCommandsOnPostgres(t *testing.T) {
	dsn := storetest.EmptyPostgres(t)
	if out, err := runCmd("migrate", "--db", dsn); err != nil || !strings.Contains(out, "migrated") || strings.Contains(out, "@") && strings.Contains(dsn, ":pw@") {
		t.Fatalf("migrate: %v %s", err, out)
	}
	if out, err := runCmd("audit", "verify", "--db", dsn); err != nil || !strings.Contains(out, "intact: 0 entries") {
		t.Errorf("verify: %v %s", err, out)
	}
}
