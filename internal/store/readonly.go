package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jmoiron/sqlx"
	"github.com/mattn/go-sqlite3"

	"github.com/lisa-isms/lisa/internal/domain"
)

// This file holds read-only databases: a file Lisa may not write (permissions, a read-only
// mount, a copy opened for reading) and a PostgreSQL that refuses writes (a standby,
// default_transaction_read_only). Reads keep working; every write answers EUnavailable with
// the message err.readonly.

// IsReadOnly reports whether err is the database refusing a write because it is read-only:
// SQLite's SQLITE_READONLY, PostgreSQL's read_only_sql_transaction (SQLSTATE 25006). It is
// the one place those codes are told apart; IsUnavailable counts them as unavailable.
func IsReadOnly(err error) bool {
	if err == nil {
		return false
	}
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrReadonly {
		return true
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "25006"
}

// readOnlyError turns a write refused by a read-only database into the domain's
// EUnavailable error with its own message; any other error is returned as it is.
func readOnlyError(err error) error {
	var de *domain.Error
	if !IsReadOnly(err) || errors.As(err, &de) {
		return err
	}
	return &domain.Error{Code: domain.EUnavailable, Message: "err.readonly", Err: err}
}

// ReadOnly reports whether the database refused a trial write when the store was opened:
// pages can be read, but every change answers EUnavailable (err.readonly).
func (s *Store) ReadOnly() bool { return s.readOnly }

// probeReadOnly finds out whether the database takes writes, without changing anything:
// on SQLite a table created in a transaction that is rolled back, on PostgreSQL the
// transaction_read_only setting.
func (s *Store) probeReadOnly(ctx context.Context) (bool, error) {
	if s.d.name == "postgres" {
		var v string
		if err := s.r.GetContext(ctx, &v, `SELECT current_setting('transaction_read_only')`); err != nil {
			return false, fmt.Errorf("check read-only: %w", err)
		}
		return v == "on", nil
	}
	tx, err := s.w.BeginTxx(ctx, nil)
	if err == nil {
		defer tx.Rollback()
		_, err = tx.ExecContext(ctx, `CREATE TABLE lisa_write_probe (x INTEGER)`)
	}
	switch {
	case IsReadOnly(err):
		return true, nil
	case err == nil, sqliteBusy(err): // busy: someone else is writing, so it takes writes
		return false, nil
	}
	return false, fmt.Errorf("check read-only: %w", err)
}

// OpenReadOnly opens the database named by dsn (as Open) for reading only: it runs no
// migrations and changes nothing, so that an auditor may check a copy they may only read.
// An SQLite file must exist (it is opened with mode=ro); on PostgreSQL every transaction is
// read-only (default_transaction_read_only). Writes answer EUnavailable (err.readonly).
func OpenReadOnly(ctx context.Context, dsn string) (*Store, error) {
	var d *dialect
	var db *sqlx.DB
	var err error
	switch {
	case strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://"):
		d = postgresDialect
		db, err = openPostgresReadOnly(ctx, dsn)
	case strings.Contains(dsn, "://"):
		return nil, fmt.Errorf("database %q is neither a file path nor a postgres:// URL", Redact(dsn))
	default:
		d = sqliteDialect
		db, err = openSQLiteReadOnly(ctx, dsn)
	}
	if err != nil {
		return nil, err
	}
	s := &Store{d: d, w: db, r: db, writers: make(chan struct{}, 1), Now: func() time.Time { return time.Now().UTC() }}
	if s.readOnly, err = s.probeReadOnly(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// openSQLiteReadOnly opens an existing SQLite file with mode=ro: no journal mode is set (a
// backup is in rollback-journal mode and stays so), nothing is created.
func openSQLiteReadOnly(ctx context.Context, path string) (*sqlx.DB, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("open database: invalid path %q", path)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("open %s: not a file", path)
	}
	v := url.Values{}
	v.Set("mode", "ro")
	v.Set("_busy_timeout", "10000")
	v.Set("_foreign_keys", "on")
	v.Set("_loc", "UTC")
	v.Set("_stmt_cache_size", stmtCacheSize)
	db, err := sqlx.Open(SQLiteDriver, "file:"+path+"?"+v.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	keepReaders(db)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

// openPostgresReadOnly connects with default_transaction_read_only on.
func openPostgresReadOnly(ctx context.Context, dsn string) (*sqlx.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("database URL %q: %w", Redact(dsn), err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, fmt.Errorf("database URL %q: %w", Redact(dsn), err)
	}
	q := u.Query()
	q.Set("default_transaction_read_only", "on") // pgx sends it as a run-time parameter
	u.RawQuery = q.Encode()
	db, err := sqlx.Open("pgx", u.String())
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL: %w", err)
	}
	db.SetMaxOpenConns(4)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot reach PostgreSQL at %s:%d (database %s): %w", cfg.Host, cfg.Port, cfg.Database, err)
	}
	return db, nil
}
