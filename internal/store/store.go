// Package store keeps Lisa's data in SQL: the sqlx statements for every table, transactions,
// and the audit trail row that each change appends in the same transaction. It decides which
// rows exist for a caller (municipality and row filters); whether the caller may act is
// decided before, in package authz.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/mattn/go-sqlite3" // the embedded database
	"github.com/pressly/goose/v3"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/migrations"
)

// Store is Lisa's database: one writer connection and a pool of readers.
type Store struct {
	w   *sqlx.DB // the single writer (SQLite allows one at a time; queueing here beats SQLITE_BUSY)
	r   *sqlx.DB // readers
	Now func() time.Time
}

// Open opens (creating if needed) the SQLite database at path and runs the migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("open database: invalid path %q", path)
	}
	w, err := sqlx.Open("sqlite3", sqliteDSN(path, false))
	if err != nil {
		return nil, fmt.Errorf("open writer: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Store{w: w, Now: func() time.Time { return time.Now().UTC() }}
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sqlx.Open("sqlite3", sqliteDSN(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open readers: %w", err)
	}
	r.SetMaxOpenConns(8)
	s.r = r
	return s, nil
}

// Close closes both pools.
func (s *Store) Close() error {
	return errors.Join(s.r.Close(), s.w.Close())
}

func (s *Store) migrate(ctx context.Context) error {
	goose.SetBaseFS(migrations.FS)
	goose.SetLogger(goose.NopLogger())
	if err := goose.SetDialect("sqlite3"); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := goose.UpContext(ctx, s.w.DB, "."); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return s.dialectSetup(ctx)
}

// tx runs fn in a write transaction, committing when fn returns nil.
func (s *Store) tx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.w.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// now returns the store clock's time, truncated to microseconds so it round-trips the database.
func (s *Store) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// Today returns the store clock's date in Sweden: review dates turn overdue at local midnight.
func (s *Store) Today() domain.Date { return domain.DateOf(s.Now().In(domain.Sweden)) }

// notFound turns sql.ErrNoRows into the domain's not-found error; nil stays nil.
func notFound(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return domain.NotFound()
	}
	return fmt.Errorf("%s: %w", what, err)
}

// in expands a query with IN (?) lists and rebinds it for the database.
func (s *Store) in(query string, args ...any) (string, []any, error) {
	q, a, err := sqlx.In(query, args...)
	if err != nil {
		return "", nil, fmt.Errorf("expand query: %w", err)
	}
	return s.r.Rebind(q), a, nil
}

func isUniqueViolation(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}
