package main

// Tests of running Lisa in production: stopping the server, a read-only database, backups
// and restores.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lisa-isms/lisa/internal/demo"
	"github.com/lisa-isms/lisa/internal/store"
	"github.com/lisa-isms/lisa/internal/storetest"
)

// syncBuffer is the server's log, written by its goroutines and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listening = regexp.MustCompile(`msg=listening addr=(\S+)`)

// startServe runs lisa serve in-process on a free port; it returns the address, the log and
// the command's result (once it returns).
func startServe(t *testing.T, ctx context.Context, args ...string) (string, *syncBuffer, <-chan error) {
	t.Helper()
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), strings.NewReader(""), logs, logs)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := listening.FindStringSubmatch(logs.String()); m != nil {
			return m[1], logs, done
		}
		select {
		case err := <-done:
			t.Fatalf("serve returned before listening: %v\n%s", err, logs)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("serve is not listening:\n%s", logs)
	return "", nil, nil
}

func waitReturned(t *testing.T, done <-chan error, logs *syncBuffer) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(15 * time.Second):
		t.Fatalf("serve did not return\n%s", logs)
	}
	return nil
}

func TestShutdownGraceSetting(t *testing.T) {
	c, _, err := parseConfig("serve", nil, "lisa.db", nil)
	if err != nil || c.ShutdownGrace != 20*time.Second {
		t.Errorf("default grace: %v %v", c.ShutdownGrace, err)
	}
	t.Setenv("LISA_SHUTDOWN_GRACE", "45s")
	if c, _, err := parseConfig("serve", nil, "lisa.db", nil); err != nil || c.ShutdownGrace != 45*time.Second {
		t.Errorf("LISA_SHUTDOWN_GRACE=45s: %v %v", c.ShutdownGrace, err)
	}
	if c, _, err := parseConfig("serve", []string{"--shutdown-grace", "3s"}, "lisa.db", nil); err != nil || c.ShutdownGrace != 3*time.Second {
		t.Errorf("--shutdown-grace 3s: %v %v", c.ShutdownGrace, err)
	}
	if _, _, err := parseConfig("serve", []string{"--shutdown-grace", "0s"}, "lisa.db", nil); err == nil {
		t.Error("a grace of 0 accepted")
	}
}

// The server keeps its Go memory under a soft limit, 128 MiB unless told otherwise; the
// runtime's own GOMEMLIMIT stands when LISA_MEMORY_LIMIT is not set; a bad value stops the
// start with the setting's name.
func TestMemoryLimitSetting(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	t.Setenv("LISA_MEMORY_LIMIT", "")
	if c, _, err := parseConfig("serve", nil, "lisa.db", nil); err != nil || c.MemoryLimit != "128MiB" {
		t.Errorf("default: %q %v", c.MemoryLimit, err)
	}
	t.Setenv("GOMEMLIMIT", "1GiB")
	if c, _, err := parseConfig("serve", nil, "lisa.db", nil); err != nil || c.MemoryLimit != "" {
		t.Errorf("with GOMEMLIMIT: %q %v, want it left to the runtime", c.MemoryLimit, err)
	}
	t.Setenv("LISA_MEMORY_LIMIT", "off")
	if c, _, err := parseConfig("serve", nil, "lisa.db", nil); err != nil || c.MemoryLimit != "off" {
		t.Errorf("LISA_MEMORY_LIMIT=off: %q %v", c.MemoryLimit, err)
	}
	_, _, err := parseConfig("serve", []string{"--memory-limit", "lots"}, "lisa.db", nil)
	if err == nil || !strings.Contains(err.Error(), "--memory-limit (LISA_MEMORY_LIMIT)") {
		t.Errorf("--memory-limit lots: %v", err)
	}
}

// SIGTERM with one slow client: the server waits the grace, cuts the connection, logs it and
// returns nil (exit code 0), rather than waiting a fixed 10 s and exiting 1 with "context
// deadline exceeded" while Docker's own 10 s run out.
func TestServeStopsOnSIGTERMWithASlowClient(t *testing.T) {
	addr, logs, done := startServe(t, context.Background(), "--db", filepath.Join(t.TempDir(), "lisa.db"), "--shutdown-grace", "200ms")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	r := bufio.NewReader(conn)
	// One whole request first: the connection is the server's, and idle.
	fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: lisa\r\n\r\n")
	res, err := http.ReadResponse(r, nil)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", res, err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	// Then a login whose body never comes: the handler waits for it.
	fmt.Fprintf(conn, "POST /api/v1/login HTTP/1.1\r\nHost: lisa\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"username\":")
	time.Sleep(300 * time.Millisecond) // the server has read the headers and runs the handler

	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := waitReturned(t, done, logs); err != nil {
		t.Fatalf("serve after SIGTERM with a slow client: %v (want nil: exit code 0)\n%s", err, logs)
	}
	out := logs.String()
	for _, want := range []string{"msg=\"shutting down\"", "shutdown grace passed", "msg=\"shut down\""} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if b, err := io.ReadAll(r); err != nil || len(b) > 0 {
		t.Errorf("the slow client got %q, %v; want its connection closed", b, err)
	}
}

// A stop with no slow client takes no grace and says nothing was cut.
func TestServeStopsCleanly(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	_, logs, done := startServe(t, ctx, "--db", filepath.Join(t.TempDir(), "lisa.db"))
	cancel()
	if err := waitReturned(t, done, logs); err != nil {
		t.Fatalf("serve: %v", err)
	}
	if out := logs.String(); strings.Contains(out, "grace passed") || !strings.Contains(out, "msg=\"shut down\"") {
		t.Errorf("log:\n%s", out)
	}
}

const readOnlySV = "Databasen är skrivskyddad: inga ändringar kan sparas just nu."

// readOnlyFile makes the seeded database file at path unwritable for the server: chmod 0444,
// or — as root, whom chmod does not stop — opening it with mode=ro.
func readOnlyFile(t *testing.T, path string) {
	t.Helper()
	if os.Geteuid() != 0 {
		if err := os.Chmod(path, 0o444); err != nil {
			t.Fatal(err)
		}
		return
	}
	openStore = store.OpenReadOnly
	t.Cleanup(func() { openStore = store.Open })
}

// On a read-only database the server starts and says so, pages are read, and logging in (a
// write: the session row) answers 503 with a message saying why, not 500 "attempt to write a
// readonly database".
func TestServeOnAReadOnlyDatabase(t *testing.T) {
	path := seededDB(t)
	readOnlyFile(t, path)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, logs, done := startServe(t, ctx, "--db", path)
	out := logs.String()
	if !strings.Contains(out, "level=WARN msg=\"the database is read-only") || !strings.Contains(out, "reminders off") {
		t.Errorf("start-up log does not warn of the read-only database:\n%s", out)
	}
	base := "http://" + addr
	res, err := http.Get(base + "/login")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET /login: %v %v", res, err)
	}
	res.Body.Close()
	for lang, want := range map[string]string{"sv": readOnlySV, "en": "The database is read-only: no changes can be saved right now."} {
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/login", strings.NewReader(`{"username":"samordnare","password":"`+demo.Password+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept-Language", lang)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Error struct{ Code, Message string }
		}
		json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		if res.StatusCode != http.StatusServiceUnavailable || body.Error.Code != "unavailable" || body.Error.Message != want {
			t.Errorf("login (%s) on a read-only database: %d %+v", lang, res.StatusCode, body)
		}
	}
	cancel()
	if err := waitReturned(t, done, logs); err != nil {
		t.Fatal(err)
	}
}

func migrationCount(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM goose_db_version`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// lisa audit verify opens the database read-only and runs no migrations: it works on a file
// the auditor may only read and leaves it as it was.
func TestAuditVerifyIsReadOnly(t *testing.T) {
	path := seededDB(t)
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	// Forget the newest migration, as a database of an older Lisa would lack it: a store.Open
	// would run it.
	if _, err := db.Exec(`DELETE FROM goose_db_version WHERE version_id = (SELECT MAX(version_id) FROM goose_db_version)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, sum := migrationCount(t, path), fileHash(t, path)
	if out, err := runCmd("audit", "verify", "--db", path); err != nil || !strings.Contains(out, "intact") {
		t.Fatalf("verify: %v %s", err, out)
	}
	if after := migrationCount(t, path); after != before {
		t.Errorf("verify ran migrations: %d rows in goose's table, %d before", after, before)
	}
	if fileHash(t, path) != sum {
		t.Error("verify changed the database file")
	}

	// A backup copy in a directory the auditor may only read.
	dir := t.TempDir()
	copyPath := filepath.Join(dir, "copy.db")
	if out, err := runCmd("backup", "--db", path, "--to", copyPath); err != nil {
		t.Fatalf("backup: %v %s", err, out)
	}
	if err := os.Chmod(copyPath, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	if out, err := runCmd("audit", "verify", "--db", copyPath); err != nil || !strings.Contains(out, "intact") {
		t.Fatalf("verify of a read-only copy in a read-only directory: %v %s", err, out)
	}
}

func TestBackupAndRestoreCommands(t *testing.T) {
	path := seededDB(t)
	file := filepath.Join(t.TempDir(), "lisa-2025-05-10.db")
	if out, err := runCmd("backup", "--db", path, "--to", file); err != nil || !strings.Contains(out, "written to "+file) {
		t.Fatalf("backup: %v %s", err, out)
	}
	if _, err := runCmd("backup", "--db", path, "--to", file); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("a second backup onto the same file: %v", err)
	}
	if _, err := runCmd("backup", "--db", path); err == nil {
		t.Error("backup without --to accepted")
	}
	target := filepath.Join(t.TempDir(), "lisa.db")
	t.Setenv("LISA_DB", target)
	if _, err := runCmd("restore", "--from", file); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Errorf("restore without --db (LISA_DB set): %v", err)
	}
	out, err := runCmd("restore", "--from", file, "--db", target)
	if err != nil || !strings.Contains(out, "integrity_check ok") || !strings.Contains(out, "audit trail intact") {
		t.Fatalf("restore: %v %s", err, out)
	}
	if _, err := runCmd("restore", "--from", file, "--db", target); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("restore over the database without --force: %v", err)
	}
	if out, err := runCmd("restore", "--from", file, "--db", target, "--force"); err != nil {
		t.Errorf("restore --force: %v %s", err, out)
	}
	if out, err := runCmd("audit", "verify", "--db", target); err != nil || !strings.Contains(out, "intact") {
		t.Errorf("verify of the restored database: %v %s", err, out)
	}
	if _, err := runCmd("restore", "--from", file, "--db", "postgres://lisa@db/lisa"); err == nil || !strings.Contains(err.Error(), "pg_restore") {
		t.Errorf("restore onto PostgreSQL: %v", err)
	}
}

// On PostgreSQL lisa backup runs pg_dump (custom format), or says how to back up without it.
func TestBackupOnPostgres(t *testing.T) {
	dsn := storetest.Postgres(t)
	file := filepath.Join(t.TempDir(), "lisa.dump")
	if _, err := exec.LookPath("pg_dump"); err != nil {
		t.Setenv("PATH", t.TempDir())
		if _, err := runCmd("backup", "--db", dsn, "--to", file); err == nil || !strings.Contains(err.Error(), "pg_dump --format=custom") {
			t.Fatalf("backup without pg_dump: %v", err)
		}
		return
	}
	if out, err := runCmd("backup", "--db", dsn, "--to", file); err != nil {
		t.Fatalf("backup: %v %s", err, out)
	}
	if b, err := os.ReadFile(file); err != nil || !bytes.HasPrefix(b, []byte("PGDMP")) {
		t.Fatalf("not a pg_dump custom-format file: %v", err)
	}
	t.Setenv("PATH", t.TempDir()) // and without pg_dump on PATH
	if _, err := runCmd("backup", "--db", dsn, "--to", file+"2"); err == nil || !strings.Contains(err.Error(), "pg_dump --format=custom") {
		t.Errorf("backup without pg_dump: %v", err)
	}
}
