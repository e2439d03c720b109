// Package storetest gives tests fresh databases: an SQLite file under t.TempDir() by default,
// or a new database on a PostgreSQL server when LISA_TEST_DB=postgres. The server is
// LISA_TEST_POSTGRES (an admin URL such as postgres://postgres@127.0.0.1:5432/postgres); the
// tests that need PostgreSQL whatever the suite runs on call Postgres. When LISA_REQUIRE_POSTGRES=1
// (as in CI) a missing server fails those tests instead of skipping them.
package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"
	_ "github.com/mattn/go-sqlite3"

	"github.com/lisa-isms/lisa/internal/store"
	"github.com/lisa-isms/lisa/migrations"
)

// OnPostgres reports whether the suites run on PostgreSQL (LISA_TEST_DB=postgres).
func OnPostgres() bool { return os.Getenv("LISA_TEST_DB") == "postgres" }

// Dialect is the database the suites run on: "sqlite" or "postgres".
func Dialect() string {
	if OnPostgres() {
		return "postgres"
	}
	return "sqlite"
}

// DSN returns the name of a fresh, empty database of the suite's dialect, removed when the
// test ends.
func DSN(t testing.TB) string {
	t.Helper()
	var dsn string
	if OnPostgres() {
		if os.Getenv("LISA_TEST_POSTGRES") == "" {
			t.Fatal("LISA_TEST_DB=postgres needs LISA_TEST_POSTGRES, the URL of a PostgreSQL server")
		}
		dsn = Postgres(t)
	} else {
		dsn = filepath.Join(t.TempDir(), "lisa.db")
	}
	rawMu.Lock()
	owned[dsn] = true
	rawMu.Unlock()
	t.Cleanup(func() { closeRaw(dsn) }) // before the database is dropped
	return dsn
}

// Open opens a fresh migrated store of the suite's dialect, closed when the test ends.
func Open(t testing.TB) *store.Store {
	t.Helper()
	return OpenDSN(t, DSN(t))
}

// OpenDSN opens the store at dsn, closed when the test ends.
func OpenDSN(t testing.TB, dsn string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// RawDB is a database opened directly, bypassing the store, as someone with access to the
// database would; its statements use ? placeholders on both databases.
type RawDB struct {
	*sql.DB
	dsn string
}

// Exec runs q with ? placeholders.
func (r *RawDB) Exec(q string, args ...any) (sql.Result, error) {
	return r.DB.Exec(Rebind(r.dsn, q), args...)
}

// QueryRow runs q with ? placeholders.
func (r *RawDB) QueryRow(q string, args ...any) *sql.Row {
	return r.DB.QueryRow(Rebind(r.dsn, q), args...)
}

// Query runs q with ? placeholders.
func (r *RawDB) Query(q string, args ...any) (*sql.Rows, error) {
	return r.DB.Query(Rebind(r.dsn, q), args...)
}

// QueryContext runs q with ? placeholders.
func (r *RawDB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return r.DB.QueryContext(ctx, Rebind(r.dsn, q), args...)
}

// QueryRowContext runs q with ? placeholders.
func (r *RawDB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return r.DB.QueryRowContext(ctx, Rebind(r.dsn, q), args...)
}

// ExecContext runs q with ? placeholders.
func (r *RawDB) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return r.DB.ExecContext(ctx, Rebind(r.dsn, q), args...)
}

// Postgres reports whether the database is PostgreSQL.
func (r *RawDB) Postgres() bool { return strings.HasPrefix(r.dsn, "postgres") }

// DisableAuditTrigger lets UPDATE (or DELETE) through on audit_log, as an attacker with
// write access to the database could, until the store is opened again.
func (r *RawDB) DisableAuditTrigger(t testing.TB, op string) {
	t.Helper()
	q := `DROP TRIGGER audit_log_no_` + op
	if r.Postgres() {
		q = `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`
	}
	if _, err := r.DB.Exec(q); err != nil {
		t.Fatal(err)
	}
}

// Raw opens dsn directly (one handle per database, shared by the test's calls and closed
// when the database's test ends).
func Raw(t testing.TB, dsn string) *RawDB {
	t.Helper()
	rawMu.Lock()
	defer rawMu.Unlock()
	if r := raws[dsn]; r != nil {
		return r
	}
	var db *sql.DB
	var err error
	if strings.HasPrefix(dsn, "postgres") {
		db, err = sql.Open("pgx", dsn)
		if err == nil {
			db.SetMaxOpenConns(2)
		}
	} else {
		db, err = sql.Open("sqlite3", "file:"+dsn+"?_busy_timeout=5000")
		if err == nil {
			db.SetMaxOpenConns(1)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	r := &RawDB{DB: db, dsn: dsn}
	raws[dsn] = r
	if !owned[dsn] { // a database not made by DSN: close with this test
		t.Cleanup(func() { closeRaw(dsn) })
	}
	return r
}

var (
	rawMu sync.Mutex
	raws  = map[string]*RawDB{}
	owned = map[string]bool{}
)

func closeRaw(dsn string) {
	rawMu.Lock()
	defer rawMu.Unlock()
	if r := raws[dsn]; r != nil {
		r.DB.Close()
		delete(raws, dsn)
	}
	delete(owned, dsn)
}

// Rebind turns ? placeholders into dsn's database's, for statements sent through Raw.
func Rebind(dsn, q string) string {
	if strings.HasPrefix(dsn, "postgres") {
		return sqlx.Rebind(sqlx.DOLLAR, q)
	}
	return q
}

// Server returns the PostgreSQL admin URL, or "" (having skipped or failed t) when none is set.
func Server(t testing.TB) string {
	t.Helper()
	u := os.Getenv("LISA_TEST_POSTGRES")
	if u == "" {
		if os.Getenv("LISA_REQUIRE_POSTGRES") == "1" {
			t.Fatal("LISA_REQUIRE_POSTGRES=1 but LISA_TEST_POSTGRES names no PostgreSQL server")
		}
		t.Skip("no PostgreSQL server: set LISA_TEST_POSTGRES to run this test")
	}
	return u
}

// Postgres creates a fresh migrated database on the test server and returns its URL; the
// database is dropped when the test ends. Databases are copied from a template migrated once
// per set of migration files, so a test pays for a CREATE DATABASE, not for the migrations.
func Postgres(t testing.TB) string {
	t.Helper()
	admin := Server(t)
	db, err := adminDB(admin)
	if err != nil {
		t.Fatalf("connect to PostgreSQL: %v", err)
	}
	tpl, err := template(admin, db)
	if err != nil {
		t.Fatalf("prepare template database: %v", err)
	}
	name := "lisa_t_" + randomHex(8)
	var cerr error
	for attempt := 0; attempt < 20; attempt++ {
		if _, cerr = db.Exec(`CREATE DATABASE ` + name + ` TEMPLATE ` + tpl); cerr == nil {
			break
		}
		if !strings.Contains(cerr.Error(), "being accessed by other users") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if cerr != nil {
		t.Fatalf("create test database: %v", cerr)
	}
	t.Cleanup(func() {
		if _, err := db.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	return withDatabase(admin, name)
}

// EmptyPostgres creates a new empty database (no migrations) on the test server, dropped
// when the test ends, and returns its URL.
func EmptyPostgres(t testing.TB) string {
	t.Helper()
	admin := Server(t)
	db, err := adminDB(admin)
	if err != nil {
		t.Fatalf("connect to PostgreSQL: %v", err)
	}
	name := "lisa_e_" + randomHex(8)
	if _, err := db.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() { _, _ = db.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`) })
	return withDatabase(admin, name)
}

// Proxy is a TCP proxy in front of the test server: Stop cuts every connection and refuses
// new ones (the database "goes away"), Start lets them through again.
type Proxy struct {
	target string
	ln     net.Listener
	addr   string
	mu     sync.Mutex
	conns  map[net.Conn]bool
}

// NewProxy starts a proxy to the host:port of dsn and returns it with the DSN through it.
func NewProxy(t testing.TB, dsn string) (*Proxy, string) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{target: u.Host, conns: map[net.Conn]bool{}}
	p.Start(t)
	u.Host = p.addr
	t.Cleanup(p.Stop)
	return p, u.String()
}

// Start accepts connections again, on the same address.
func (p *Proxy) Start(t testing.TB) {
	t.Helper()
	addr := p.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var ln net.Listener
	var err error
	for i := 0; i < 50; i++ { // the old listener's port may take a moment to free
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns[c], p.conns[up] = true, true
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
}

// Stop closes the listener and every connection through the proxy.
func (p *Proxy) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	p.conns = map[net.Conn]bool{}
}

var (
	adminMu  sync.Mutex
	adminDBs = map[string]*sql.DB{}
	tplMu    sync.Mutex
	tplNames = map[string]string{}
)

func adminDB(admin string) (*sql.DB, error) {
	adminMu.Lock()
	defer adminMu.Unlock()
	if db := adminDBs[admin]; db != nil {
		return db, nil
	}
	db, err := sql.Open("pgx", admin)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(4)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, err
	}
	adminDBs[admin] = db
	return db, nil
}

// template returns the name of the template database for the current migrations, building it
// under an advisory lock (test binaries of several packages run at once).
func template(admin string, db *sql.DB) (string, error) {
	tplMu.Lock()
	defer tplMu.Unlock()
	if n := tplNames[admin]; n != "" {
		return n, nil
	}
	name := "lisa_tpl_" + migrationsHash()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(4242)`); err != nil {
		return "", err
	}
	defer conn.ExecContext(ctx, `SELECT pg_advisory_unlock(4242)`)
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_database WHERE datname = $1`, name).Scan(&n); err != nil {
		return "", err
	}
	if n == 0 {
		build := name + "_build"
		if _, err := conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+build+` WITH (FORCE)`); err != nil {
			return "", err
		}
		if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+build); err != nil {
			return "", err
		}
		s, err := store.Open(ctx, withDatabase(admin, build))
		if err != nil {
			return "", err
		}
		s.Close()
		if _, err := conn.ExecContext(ctx, `ALTER DATABASE `+build+` RENAME TO `+name); err != nil {
			return "", err
		}
	}
	tplNames[admin] = name
	return name, nil
}

func migrationsHash() string {
	h := sha256.New()
	_ = fs.WalkDir(migrations.Postgres, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.Postgres, p)
		h.Write([]byte(p))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}

func withDatabase(admin, name string) string {
	u, err := url.Parse(admin)
	if err != nil {
		return admin
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Seeded returns a fresh database of the suite's dialect holding what seed wrote: seed runs
// once per test process and key (into a database of its own, which it must leave closed),
// and every test gets a copy — a file copy on SQLite, CREATE DATABASE … TEMPLATE on
// PostgreSQL — so that a suite pays for the demo data once, not in every test. The copy is
// removed when the test ends; DropSeeds removes the seeds when the process ends.
func Seeded(t testing.TB, key string, seed func(dsn string) error) string {
	t.Helper()
	seedMu.Lock()
	src, ok := seeds[key]
	if !ok {
		var err error
		src, err = makeSeed(t, seed)
		if err != nil {
			seedMu.Unlock()
			t.Fatalf("seed %s: %v", key, err)
		}
		seeds[key] = src
	}
	seedMu.Unlock()
	var dsn string
	if OnPostgres() {
		admin := Server(t)
		db, err := adminDB(admin)
		if err != nil {
			t.Fatal(err)
		}
		name := "lisa_t_" + randomHex(8)
		if _, err := db.Exec(`CREATE DATABASE ` + name + ` TEMPLATE ` + src); err != nil {
			t.Fatalf("copy the seeded database: %v", err)
		}
		t.Cleanup(func() { _, _ = db.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`) })
		dsn = withDatabase(admin, name)
	} else {
		dsn = filepath.Join(t.TempDir(), "lisa.db")
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dsn, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	rawMu.Lock()
	owned[dsn] = true
	rawMu.Unlock()
	t.Cleanup(func() { closeRaw(dsn) })
	return dsn
}

// makeSeed builds a seed: a migrated database (a PostgreSQL database's name, or an SQLite
// file's path) that seed filled and closed.
func makeSeed(t testing.TB, seed func(dsn string) error) (string, error) {
	if OnPostgres() {
		admin := Server(t)
		db, err := adminDB(admin)
		if err != nil {
			return "", err
		}
		tpl, err := template(admin, db)
		if err != nil {
			return "", err
		}
		name := "lisa_seed_" + randomHex(8)
		if _, err := db.Exec(`CREATE DATABASE ` + name + ` TEMPLATE ` + tpl); err != nil {
			return "", err
		}
		seedDrops = append(seedDrops, func() { _, _ = db.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`) })
		if err := seed(withDatabase(admin, name)); err != nil {
			return "", err
		}
		return name, nil
	}
	dir, err := os.MkdirTemp("", "lisa-seed-")
	if err != nil {
		return "", err
	}
	seedDrops = append(seedDrops, func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "lisa.db")
	if err := seed(path); err != nil {
		return "", err
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		return "", os.ErrExist // the seed left its store open: its last writes would be lost
	}
	return path, nil
}

var (
	seedMu    sync.Mutex
	seeds     = map[string]string{}
	seedDrops []func()
)

// DropSeeds removes the databases Seeded made; a package's TestMain calls it after m.Run.
func DropSeeds() {
	seedMu.Lock()
	defer seedMu.Unlock()
	for _, f := range seedDrops {
		f()
	}
	seedDrops, seeds = nil, map[string]string{}
}
