package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/mattn/go-sqlite3" // the embedded database
	"github.com/pressly/goose/v3"

	"github.com/lisa-isms/lisa/migrations"
)

// SQLiteDriver is the database/sql driver the SQLite stores open: mattn/go-sqlite3's. Tests
// that count statements register a counting wrapper and name it here.
var SQLiteDriver = "sqlite3"

// This file holds everything specific to SQLite: the DSN with its pragmas (so every pooled
// connection gets them), one writer connection and a reader pool, error codes.

var sqliteDialect = &dialect{
	name:       "sqlite",
	goose:      goose.DialectSQLite3,
	migrations: migrations.SQLite,
	open:       openSQLite,
	setup: []string{
		`CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
		 BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
		`CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
		 BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
	},
	uniqueViolation: func(err error) bool {
		var e sqlite3.Error
		return errors.As(err, &e) && e.ExtendedCode == sqlite3.ErrConstraintUnique || errors.As(err, &e) && e.ExtendedCode == sqlite3.ErrConstraintPrimaryKey
	},
	unavailable: func(err error) bool {
		var e sqlite3.Error
		return errors.As(err, &e) && (e.Code == sqlite3.ErrCantOpen || e.Code == sqlite3.ErrIoErr)
	},
	useIndex:      func(index string) string { return " INDEXED BY " + index },
	inSubquery:    func(col, sub string) string { return col + " IN (" + sub + ")" },
	byKey:         " NOT INDEXED",
	dateParam:     "?",
	aggregateText: func(expr string) string { return "group_concat(" + expr + ", ',')" },
	afterLoad:     func(context.Context, *sqlx.Tx, string) error { return nil }, // INTEGER PRIMARY KEY follows MAX(id)
	analyzeLoaded: func(context.Context, *sqlx.Tx, string) error { return nil }, // production files are planned without statistics
	// A load is one transaction of a gigabyte or more (kommun-L), whose indexes miss the
	// default 2 MB cache all the time: with 512 MiB while loading, 400,000 audit entries took
	// 35 s instead of 57 s and 100,000 incidents 25 s instead of 30 s (2 shared cores).
	loadCache: [][2]string{{"PRAGMA cache_size = -524288", "PRAGMA cache_size = -2000"}},
	secondaryIndexes: `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL
		AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name`,
}

// stmtCacheSize is how many prepared statements each SQLite connection keeps (go-sqlite3's
// _stmt_cache_size): preparing was 12 % of a write's CPU on kommun-L and 17 % of a
// document read's, the same few dozen statements compiled again on every request.
const stmtCacheSize = "128"

// keepReaders gives a pool of SQLite readers its size, and keeps them all open: database/sql
// keeps two idle by default and closes the rest, and a reopened SQLite connection reads the
// schema and compiles its statements again.
func keepReaders(db *sqlx.DB) {
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
}

func sqliteDSN(path string, readOnly bool) string {
	v := url.Values{}
	v.Set("_journal_mode", "WAL")
	v.Set("_busy_timeout", "10000")
	v.Set("_foreign_keys", "on")
	v.Set("_synchronous", "NORMAL")
	v.Set("_loc", "UTC")
	v.Set("_stmt_cache_size", stmtCacheSize)
	if readOnly {
		v.Set("_query_only", "true")
	} else {
		v.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + v.Encode()
}

func openSQLite(ctx context.Context, d *dialect, path string) (*Store, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("open database: invalid path %q", path)
	}
	w, err := sqlx.Open(SQLiteDriver, sqliteDSN(path, false))
	if err != nil {
		return nil, fmt.Errorf("open writer: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	// A second instance opening a new file at the same moment may find it locked while the
	// first switches it to WAL: wait for it, as the busy timeout does for statements.
	var err2 error
	for attempt := 0; attempt < 50; attempt++ {
		if err2 = w.PingContext(ctx); err2 == nil || !sqliteBusy(err2) || sleepCtx(ctx, 100*time.Millisecond) != nil {
			break
		}
	}
	if err2 != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err2)
	}
	if err := migrateSQLite(ctx, d, w); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sqlx.Open(SQLiteDriver, sqliteDSN(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open readers: %w", err)
	}
	keepReaders(r)
	return &Store{w: w, r: r}, nil
}

// migrateSQLite runs the migrations. SQLite has no session lock for goose: a second instance
// starting at the same moment may lose the race to create goose's table, so it tries again
// and then finds the migrations applied.
func migrateSQLite(ctx context.Context, d *dialect, w *sqlx.DB) error {
	var err error
	for attempt := 0; attempt < 20; attempt++ {
		if err = runMigrations(ctx, d, w); err == nil {
			return nil
		}
		// Only the race of two instances is worth waiting for: a locked file, or a table,
		// column or index the other made meanwhile. A broken migration fails at once.
		if msg := err.Error(); !sqliteBusy(err) && !strings.Contains(msg, "already exists") && !strings.Contains(msg, "duplicate column") {
			return err
		}
		if sleepCtx(ctx, time.Duration(50*(attempt+1))*time.Millisecond) != nil {
			return err
		}
	}
	return err
}

// sleepCtx waits d, or until ctx ends (its error then).
func sleepCtx(ctx context.Context, d time.Duration) error {
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sqliteBusy reports whether err is SQLite's "database is locked" or "busy".
func sqliteBusy(err error) bool {
	var e sqlite3.Error
	return errors.As(err, &e) && (e.Code == sqlite3.ErrBusy || e.Code == sqlite3.ErrLocked)
}

func runMigrations(ctx context.Context, d *dialect, db *sqlx.DB, opts ...goose.ProviderOption) error {
	opts = append(opts, goose.WithDisableGlobalRegistry(true))
	p, err := goose.NewProvider(d.goose, db.DB, d.migrations, opts...)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}
