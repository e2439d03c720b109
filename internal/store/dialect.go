package store

import (
	"context"
	"io/fs"

	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"
)

// dialect is everything that differs between the databases; the statements elsewhere in this
// package run on both.
type dialect struct {
	name       string
	goose      goose.Dialect
	migrations fs.FS
	// open connects, migrates and returns the pools.
	open func(ctx context.Context, d *dialect, dsn string) (*Store, error)
	// setup runs at every start: it restores what someone with database access may have
	// removed (the audit trail's append-only triggers).
	setup []string
	// beginWrite runs first in every write transaction ("" for none).
	beginWrite string
	// uniqueViolation reports whether err is a unique-constraint violation.
	uniqueViolation func(err error) bool
	// unavailable reports whether err means the database cannot be reached.
	unavailable func(err error) bool
	// useIndex is the hint after a table (and its alias) that makes the planner read it
	// through index: SQLite, without statistics, may otherwise pick an index that serves fewer
	// of the query's terms; PostgreSQL's planner has statistics (and no such hint): "".
	useIndex func(index string) string
	// inSubquery is "col is one of sub's rows" for a short subquery (a recursive set of a few
	// ids): SQLite plans col IN (sub) by key; PostgreSQL, estimating a recursive set large,
	// hashed it against a scan of the whole table, so there it is col = ANY(ARRAY(sub)), an
	// array computed first and sought by key.
	inSubquery func(col, sub string) string
	// byKey is the hint after a table (and its alias) that makes the planner reach its rows by
	// their key only (SQLite: NOT INDEXED, which leaves rowid lookups), so that a join is
	// driven from the other side's short list: SQLite, without statistics, would otherwise walk
	// every record of the municipality through records_due to meet a list of a hundred ids.
	// PostgreSQL: "".
	byKey string
	// dateParam is a placeholder for a date where its type cannot be inferred from a column
	// (a CASE's results): PostgreSQL would take it for text and refuse it for a date column.
	dateParam string
	// aggregateText joins expr over a group with commas.
	aggregateText func(expr string) string
	// afterLoad runs after rows with explicit ids were loaded into table (PostgreSQL moves the
	// identity sequence past them).
	afterLoad func(ctx context.Context, tx *sqlx.Tx, table string) error
	// analyzeLoaded gathers the planner's statistics of a table a bulk load wrote
	// (PostgreSQL: until autovacuum comes by, a freshly loaded table has none, and the planner
	// guesses — on kommun-L it walked 900,000 sign-ins for an audit filter). SQLite's files
	// are planned without statistics in production, so it gathers none.
	analyzeLoaded func(ctx context.Context, tx *sqlx.Tx, table string) error
	// loadCache are the statements that give a bulk load's connection a larger page cache,
	// each with the one that restores it afterwards (none on PostgreSQL).
	loadCache [][2]string
	// secondaryIndexes lists a table's indexes that are not unique (name and the statement
	// that makes it), one ? for the table: a bulk load drops them and builds them afterwards.
	secondaryIndexes string
}
