package store

import (
	"context"
	"fmt"
	"net/url"
)

// This file holds everything specific to SQLite: the DSN with its pragmas, and the triggers
// that make the audit trail append-only.

func sqliteDSN(path string, readOnly bool) string {
	v := url.Values{}
	v.Set("_journal_mode", "WAL")
	v.Set("_busy_timeout", "10000")
	v.Set("_foreign_keys", "on")
	v.Set("_synchronous", "NORMAL")
	v.Set("_loc", "UTC")
	if readOnly {
		v.Set("_query_only", "true")
	} else {
		v.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + v.Encode()
}

func (s *Store) dialectSetup(ctx context.Context) error {
	for _, stmt := range []string{
		`CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
		 BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
		`CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
		 BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
	} {
		if _, err := s.w.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("create audit trigger: %w", err)
		}
	}
	return nil
}

// aggregateText joins expr over a group with commas (PostgreSQL: string_agg(expr, ',')).
func aggregateText(expr string) string { return "group_concat(" + expr + ", ',')" }
