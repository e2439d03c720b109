// Package store keeps Lisa's data in SQL: the sqlx statements for every table, transactions,
// and the audit trail row that each change appends in the same transaction. It decides which
// rows exist for a caller (municipality and row filters); whether the caller may act is
// decided before, in package authz. The same statements run on SQLite (the embedded default)
// and PostgreSQL (shared deployments); what differs lives in dialect_sqlite.go and
// dialect_postgres.go.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/lisa-isms/lisa/internal/domain"
)

// Store is Lisa's database. On SQLite it holds one writer connection and a pool of readers;
// on PostgreSQL one pool serves both.
type Store struct {
	d *dialect
	w *sqlx.DB // writes: on SQLite the single writer (queueing here beats SQLITE_BUSY)
	r *sqlx.DB // reads outside a transaction
	// writers admits this process's write transactions one at a time, in the order they came
	// (a channel's waiting senders queue in order; database/sql hands a free connection to a
	// random waiter, which under 32 writers left some waiting ten times as long as others).
	writers chan struct{}
	Now     func() time.Time
	// PlanBatch is how many records a transaction of PlanReminders starts from
	// (0: DefaultPlanBatch).
	PlanBatch int
	readOnly  bool // the database refused a trial write at Open (see ReadOnly)
	writes    atomic.Uint64
}

// Writes counts this process's committed write transactions: a figure computed when it was
// n is still true while it is n (for caches of counts; other instances' writes are not seen).
func (s *Store) Writes() uint64 { return s.writes.Load() }

// Open opens the database named by dsn and runs the migrations: a postgres:// (or
// postgresql://) URL selects PostgreSQL, anything else is the path of an SQLite file
// (created when missing). Two instances opening one database at once migrate it once.
// A database that takes no writes opens all the same (see ReadOnly); nothing is set up then.
func Open(ctx context.Context, dsn string) (*Store, error) {
	var d *dialect
	switch {
	case strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://"):
		d = postgresDialect
	case strings.Contains(dsn, "://"):
		return nil, fmt.Errorf("database %q is neither a file path nor a postgres:// URL", Redact(dsn))
	default:
		d = sqliteDialect
	}
	s, err := d.open(ctx, d, dsn)
	if err != nil {
		return nil, err
	}
	s.d, s.writers = d, make(chan struct{}, 1)
	if s.Now == nil {
		s.Now = func() time.Time { return time.Now().UTC() }
	}
	if s.readOnly, err = s.probeReadOnly(ctx); err != nil || s.readOnly {
		if err != nil {
			s.Close()
			return nil, err
		}
		return s, nil // nothing can be restored or backfilled; every write answers err.readonly
	}
	for _, q := range d.setup {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			s.Close()
			return nil, fmt.Errorf("set up database: %w", err)
		}
	}
	if err := s.backfillTitleFold(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Dialect names the database in use: "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.d.name }

// Close closes the pools.
func (s *Store) Close() error {
	if s.r == s.w {
		return s.w.Close()
	}
	return errors.Join(s.r.Close(), s.w.Close())
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.r.PingContext(ctx) }

// ext is what statements run on: the transaction in the context, or a pool.
type ext interface {
	sqlx.ExtContext
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
	NamedExecContext(ctx context.Context, query string, arg any) (sql.Result, error)
}

// txKey carries a store's open transaction in a context; the store is part of the key, so
// two stores (two databases) never share one.
type txKey struct{ s *Store }

func (s *Store) txOf(ctx context.Context) *sqlx.Tx {
	tx, _ := ctx.Value(txKey{s}).(*sqlx.Tx)
	return tx
}

// db returns the transaction ctx carries, else the reader pool: a check inside a transaction
// reads what the transaction has written.
func (s *Store) db(ctx context.Context) ext {
	if tx := s.txOf(ctx); tx != nil {
		return tx
	}
	return s.r
}

// InTx runs fn in one write transaction: every store method called with the context fn gets
// joins it, so changes that belong together (and their audit entries) commit together or not
// at all. Nested calls join the outer transaction.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.tx(ctx, func(ctx context.Context, _ *sqlx.Tx) error { return fn(ctx) })
}

// tx runs fn in the write transaction ctx carries, or in a new one committed when fn
// returns nil. On PostgreSQL a new transaction first takes the writers' advisory lock, so
// writers are serialised as on SQLite: the audit chain stays one unforked chain and a
// read-check-write in one transaction is not overtaken by another instance.
func (s *Store) tx(ctx context.Context, fn func(ctx context.Context, tx *sqlx.Tx) error) (err error) {
	if tx := s.txOf(ctx); tx != nil {
		return fn(ctx, tx)
	}
	defer func() { err = readOnlyError(err) }() // a read-only database: EUnavailable, err.readonly
	select {
	case s.writers <- struct{}{}:
		defer func() { <-s.writers }()
	case <-ctx.Done():
		return fmt.Errorf("begin: %w", ctx.Err())
	}
	tx, err := s.w.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if s.d.beginWrite != "" {
		if _, err := tx.ExecContext(ctx, s.d.beginWrite); err != nil {
			return fmt.Errorf("lock writers: %w", err)
		}
	}
	if err := fn(context.WithValue(ctx, txKey{s}, tx), tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	s.writes.Add(1)
	return nil
}

// execer runs statements: a transaction, or its statements prepared once (preparedTx).
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	Rebind(query string) string
}

// preparedTx runs the statements of a transaction prepared once each, for loops that repeat a
// few statements many times (SQLite would otherwise compile each statement each time).
type preparedTx struct {
	tx    *sqlx.Tx
	stmts map[string]*sql.Stmt
}

// ExecContext runs query (already rebound) as a prepared statement of the transaction.
func (p *preparedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, ok := p.stmts[query]
	if !ok {
		var err error
		if st, err = p.tx.PrepareContext(ctx, query); err != nil {
			return nil, err
		}
		if p.stmts == nil {
			p.stmts = map[string]*sql.Stmt{}
		}
		p.stmts[query] = st
	}
	return st.ExecContext(ctx, args...)
}

// Rebind turns ? placeholders into the database's.
func (p *preparedTx) Rebind(query string) string { return p.tx.Rebind(query) }

func (p *preparedTx) close() {
	for _, st := range p.stmts {
		st.Close()
	}
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

// rebind turns ? placeholders into the database's.
func (s *Store) rebind(q string) string { return s.r.Rebind(q) }

// in expands a query with IN (?) lists and rebinds it for the database.
func (s *Store) in(query string, args ...any) (string, []any, error) {
	q, a, err := sqlx.In(query, args...)
	if err != nil {
		return "", nil, fmt.Errorf("expand query: %w", err)
	}
	return s.r.Rebind(q), a, nil
}

func (s *Store) isUniqueViolation(err error) bool { return err != nil && s.d.uniqueViolation(err) }

// IsUnavailable reports whether err means the database cannot be reached (a lost
// connection, a server shutting down or refusing connections) or takes no writes (IsReadOnly):
// the request may succeed later.
func IsUnavailable(err error) bool {
	return err != nil && (sqliteDialect.unavailable(err) || postgresDialect.unavailable(err) || IsReadOnly(err))
}

// Redact hides the passwords of a URL-like DSN (in its user part and in password= or
// sslpassword= parameters), for logs and messages.
func Redact(dsn string) string {
	if !strings.Contains(dsn, "://") {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "(a database URL that does not parse)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxx")
	}
	q := u.Query()
	for _, k := range []string{"password", "sslpassword"} {
		if q.Has(k) {
			q.Set(k, "xxx")
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// backfillTitleFold fills title_fold for rows written before it existed.
func (s *Store) backfillTitleFold(ctx context.Context) error {
	var rows []struct {
		ID    int64  `db:"id"`
		Title string `db:"title"`
	}
	if err := s.r.SelectContext(ctx, &rows, `SELECT id, title FROM records WHERE title_fold = '' AND title <> ''`); err != nil {
		return fmt.Errorf("read titles: %w", err)
	}
	if len(rows) == 0 {
		return nil
	}
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		for _, r := range rows {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE records SET title_fold = ? WHERE id = ?`), domain.FoldTitle(r.Title), r.ID); err != nil {
				return fmt.Errorf("fold title: %w", err)
			}
		}
		return nil
	})
}
