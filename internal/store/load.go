package store

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/lisa-isms/lisa/internal/audit"
)

// This file is the bulk loader of generated datasets (the large demo, benchmarks): rows
// written straight into tables, many per statement. It bypasses validation and the per-change
// audit entries — the generator writes its own entries with LoadAudit — and is never used for
// anyone's input.

var loadIdent = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// Loader writes generated rows in one transaction.
type Loader struct {
	s       *Store
	ctx     context.Context
	tx      *sqlx.Tx
	ids     map[string]int64       // next id per table
	lastID  int64                  // the audit trail's last id as loaded so far
	heads   map[int64]audit.Anchor // each audit chain's head as loaded so far
	added   []string               // tables given explicit ids (their sequences are moved on PostgreSQL)
	loaded  []string               // tables written, in order (their statistics gathered on PostgreSQL)
	rebuild []string               // the statements that build the indexes DeferIndexes dropped
}

// Load runs fn with a Loader in one write transaction; nothing is stored if fn fails.
func (s *Store) Load(ctx context.Context, fn func(l *Loader) error) error {
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		for _, q := range s.d.loadCache {
			if _, err := tx.ExecContext(ctx, q[0]); err != nil {
				return fmt.Errorf("load: %w", err)
			}
			defer func() { _, _ = tx.ExecContext(ctx, q[1]) }() // back to the usual size: a failure leaves a larger cache
		}
		l := &Loader{s: s, ctx: ctx, tx: tx, ids: map[string]int64{}, heads: map[int64]audit.Anchor{}}
		if err := tx.GetContext(ctx, &l.lastID, `SELECT COALESCE(MAX(id), 0) FROM audit_log`); err != nil {
			return fmt.Errorf("read audit id: %w", err)
		}
		if err := fn(l); err != nil {
			return err
		}
		for _, q := range l.rebuild { // one sorted pass per index instead of 2,000,000 inserts into each
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("load: rebuild index: %w", err)
			}
		}
		for _, t := range l.added {
			if err := s.d.afterLoad(ctx, tx, t); err != nil {
				return err
			}
		}
		for _, t := range l.loaded {
			if err := s.d.analyzeLoaded(ctx, tx, t); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeferIndexes drops table's secondary (not unique) indexes for the rest of the load and
// builds them again at its end, in the same transaction: a table loaded with millions of rows
// (the audit trail) is written once instead of once per index and row. For building a
// database nobody uses yet (the large demo): until the load commits, the dropped indexes'
// table is locked for everyone else on PostgreSQL, and unindexed on SQLite.
func (l *Loader) DeferIndexes(table string) error {
	if !loadIdent.MatchString(table) {
		return fmt.Errorf("load: bad table %q", table)
	}
	var idx []struct {
		Name string `db:"name"`
		SQL  string `db:"sql"`
	}
	if err := l.tx.SelectContext(l.ctx, &idx, l.tx.Rebind(l.s.d.secondaryIndexes), table); err != nil {
		return fmt.Errorf("load: indexes of %s: %w", table, err)
	}
	for _, x := range idx {
		if !loadIdent.MatchString(x.Name) {
			return fmt.Errorf("load: bad index %q", x.Name)
		}
		if _, err := l.tx.ExecContext(l.ctx, `DROP INDEX `+x.Name); err != nil {
			return fmt.Errorf("load: drop index %s: %w", x.Name, err)
		}
		l.rebuild = append(l.rebuild, x.SQL)
	}
	return nil
}

// NextID reserves n consecutive ids of table (which has an id column) and returns the first.
func (l *Loader) NextID(table string, n int) (int64, error) {
	if !loadIdent.MatchString(table) {
		return 0, fmt.Errorf("load: bad table %q", table)
	}
	next, ok := l.ids[table]
	if !ok {
		if err := l.tx.QueryRowxContext(l.ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM `+table).Scan(&next); err != nil {
			return 0, fmt.Errorf("load: ids of %s: %w", table, err)
		}
		l.added = append(l.added, table)
	}
	l.ids[table] = next + int64(n)
	return next, nil
}

// Insert writes rows (values in the order of cols) into table, many rows per statement.
func (l *Loader) Insert(table string, cols []string, rows [][]any) error {
	if !loadIdent.MatchString(table) {
		return fmt.Errorf("load: bad table %q", table)
	}
	for _, c := range cols {
		if !loadIdent.MatchString(c) {
			return fmt.Errorf("load: bad column %q", c)
		}
	}
	if !slices.Contains(l.loaded, table) {
		l.loaded = append(l.loaded, table)
	}
	per := max(1, 900/len(cols)) // under SQLite's and PostgreSQL's parameter limits
	one := "(" + valueList(len(cols), "?") + ")"
	for start := 0; start < len(rows); start += per {
		end := min(start+per, len(rows))
		args := make([]any, 0, (end-start)*len(cols))
		for _, r := range rows[start:end] {
			if len(r) != len(cols) {
				return fmt.Errorf("load %s: row has %d values for %d columns", table, len(r), len(cols))
			}
			args = append(args, r...)
		}
		q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " + valueList(end-start, one)
		if _, err := l.tx.ExecContext(l.ctx, l.tx.Rebind(q), args...); err != nil {
			return fmt.Errorf("load %s: %w", table, err)
		}
	}
	return nil
}

// Audit appends entries to their chains (audit.ChainOf their municipality) after each
// chain's head, giving each its id, place, previous hash and hash.
func (l *Loader) Audit(entries []audit.Entry) error {
	rows := make([][]any, len(entries))
	for i := range entries {
		e := &entries[i]
		chain := audit.ChainOf(e.MunicipalityID)
		head, ok := l.heads[chain]
		if !ok {
			var err error
			if head, err = l.s.chainHead(l.ctx, l.tx, chain); err != nil {
				return err
			}
		}
		l.lastID++
		seq := head.ID + 1
		e.ID, e.PrevHash, e.Chain, e.Seq = l.lastID, head.Hash, &chain, &seq
		e.Hash = audit.ComputeHash(*e)
		l.heads[chain] = audit.Anchor{Chain: chain, ID: seq, Hash: e.Hash}
		rows[i] = []any{e.ID, e.At, e.ActorID, e.Actor, e.MunicipalityID, e.Kind, e.RecordID, e.Action, e.Before, e.After, e.IP, e.PrevHash, e.Hash, chain, seq}
	}
	return l.Insert("audit_log", []string{"id", "at", "actor_id", "actor", "municipality_id", "kind", "record_id", "action",
		"before_json", "after_json", "ip", "prev_hash", "hash", "chain", "chain_seq"}, rows)
}

// Select reads ids or values through the load's transaction (? placeholders).
func (l *Loader) Select(dest any, query string, args ...any) error {
	return l.tx.SelectContext(l.ctx, dest, l.tx.Rebind(query), args...)
}

// Exec runs a statement in the load's transaction (? placeholders).
func (l *Loader) Exec(query string, args ...any) error {
	_, err := l.tx.ExecContext(l.ctx, l.tx.Rebind(query), args...)
	return err
}
