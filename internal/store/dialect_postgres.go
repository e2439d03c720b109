package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL through database/sql
	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/lisa-isms/lisa/migrations"
)

// This file holds everything specific to PostgreSQL: pgx's database/sql driver, the
// migrations under a session lock (two instances starting at once migrate once), the
// writers' advisory lock, error codes.

// writerLock is the advisory lock every write transaction takes first ('Lisa' in ASCII).
const writerLock = 0x4c697361

var postgresDialect = &dialect{
	name:       "postgres",
	goose:      goose.DialectPostgres,
	migrations: migrations.Postgres,
	open:       openPostgres,
	setup: []string{
		`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change`,
		`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_truncate`,
	},
	beginWrite: fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", writerLock),
	uniqueViolation: func(err error) bool {
		var e *pgconn.PgError
		return errors.As(err, &e) && e.Code == "23505" // unique_violation
	},
	unavailable: func(err error) bool {
		var pe *pgconn.PgError
		if errors.As(err, &pe) {
			// 08: connection exception; 57P01-03: admin/crash shutdown, cannot connect now.
			return pe.Code[:2] == "08" || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
		}
		// A connection that broke mid-statement, or none to be had.
		var ce *pgconn.ConnectError
		var ne net.Error
		return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) || pgconn.SafeToRetry(err) ||
			errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED)
	},
	useIndex:      func(string) string { return "" },
	inSubquery:    func(col, sub string) string { return col + " = ANY(ARRAY(" + sub + "))" },
	byKey:         "",
	dateParam:     "CAST(? AS DATE)",
	aggregateText: func(expr string) string { return "string_agg(" + expr + ", ',')" },
	secondaryIndexes: `SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ?
		AND indexdef NOT LIKE 'CREATE UNIQUE%' ORDER BY indexname`,
	analyzeLoaded: func(ctx context.Context, tx *sqlx.Tx, table string) error {
		if _, err := tx.ExecContext(ctx, `ANALYZE `+table); err != nil {
			return fmt.Errorf("analyze %s: %w", table, err)
		}
		return nil
	},
	afterLoad: func(ctx context.Context, tx *sqlx.Tx, table string) error {
		if table == "audit_log" { // its ids are the chain's, not a sequence's
			return nil
		}
		_, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+table+`', 'id'), (SELECT MAX(id) FROM `+table+`))`)
		if err != nil {
			return fmt.Errorf("move %s's ids on: %w", table, err)
		}
		return nil
	},
}

func openPostgres(ctx context.Context, d *dialect, dsn string) (*Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("database URL %q: %w", Redact(dsn), err)
	}
	db, err := sqlx.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL: %w", err)
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot reach PostgreSQL at %s:%d (database %s): %w", cfg.Host, cfg.Port, cfg.Database, err)
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if err := runMigrations(ctx, d, db, goose.WithSessionLocker(locker)); err != nil {
		db.Close()
		return nil, err
	}
	return &Store{w: db, r: db}, nil
}
