package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/lisa-isms/lisa/internal/audit"
	"github.com/lisa-isms/lisa/internal/domain"
)

// Actor is who causes a change, as the audit trail records it.
type Actor struct {
	ID   *int64
	Name string
	IP   string
}

// Change is one audit event, appended in the transaction that makes the change.
type Change struct {
	MunicipalityID *int64
	Kind           string
	RecordID       *int64
	Action         string
	Before, After  any
}

// appendAudit appends one entry to the hash chain. It runs inside the writer transaction, so
// the chain stays linear: the single writer connection serialises appends.
func (s *Store) appendAudit(ctx context.Context, tx *sqlx.Tx, a Actor, c Change) error {
	var last struct {
		ID   int64  `db:"id"`
		Hash string `db:"hash"`
	}
	err := tx.GetContext(ctx, &last, `SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1`)
	if errors.Is(err, sql.ErrNoRows) {
		last.Hash = audit.Genesis
	} else if err != nil {
		return fmt.Errorf("read audit head: %w", err)
	}
	e := audit.Entry{
		ID: last.ID + 1, At: s.now().Format(time.RFC3339Nano), ActorID: a.ID, Actor: a.Name,
		MunicipalityID: c.MunicipalityID, Kind: c.Kind, RecordID: c.RecordID, Action: c.Action,
		Before: audit.Snapshot(c.Before), After: audit.Snapshot(c.After), IP: a.IP, PrevHash: last.Hash,
	}
	e.Hash = audit.ComputeHash(e)
	_, err = tx.NamedExecContext(ctx, `INSERT INTO audit_log
		(id, at, actor_id, actor, municipality_id, kind, record_id, action, before_json, after_json, ip, prev_hash, hash)
		VALUES (:id, :at, :actor_id, :actor, :municipality_id, :kind, :record_id, :action, :before_json, :after_json, :ip, :prev_hash, :hash)`, e)
	if err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	return nil
}

// Audit logs an event that changes nothing else (login, failed login, logout).
func (s *Store) Audit(ctx context.Context, a Actor, c Change) error {
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error { return s.appendAudit(ctx, tx, a, c) })
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	MunicipalityID int64
	Kind           string
	RecordID       int64
	Action         string
	Actor          string
	From, To       string // YYYY-MM-DD, inclusive
	BeforeID       int64  // page: entries with id < BeforeID
	Limit          int
}

// ListAudit returns audit entries of one municipality, newest first: its own entries, and
// the entries without a municipality (logins, failed logins, account changes) by or about
// people who hold a role in it. Each of the three parts is read newest first through an index
// for the filter and stops at the limit, so no filter scans the whole trail.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]audit.Entry, error) {
	q, args := auditQuery(f)
	var out []audit.Entry
	if err := s.db(ctx).SelectContext(ctx, &out, s.rebind(q), args...); err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	return out, nil
}

// auditQuery is ListAudit's statement (with ?) and its arguments.
func auditQuery(f AuditFilter) (string, []any) {
	var filters string
	var fargs []any
	add := func(cond string, v any) { filters += " AND " + cond; fargs = append(fargs, v) }
	if f.Kind != "" {
		add("a.kind = ?", f.Kind)
	}
	if f.RecordID > 0 {
		add("a.record_id = ?", f.RecordID)
	}
	if f.Action != "" {
		add("a.action = ?", f.Action)
	}
	if f.Actor != "" {
		add("a.actor = ?", f.Actor)
	}
	if f.From != "" {
		add("a.at >= ?", f.From)
	}
	if f.To != "" {
		add("a.at < ?", f.To+"T99") // inclusive: every time of day sorts below "T99"
	}
	if f.BeforeID > 0 {
		add("a.id < ?", f.BeforeID)
	}
	limit := ""
	if f.Limit > 0 {
		limit = fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	member := func(col string) string {
		return `EXISTS (SELECT 1 FROM role_assignments ra WHERE ra.user_id = a.` + col + ` AND ra.municipality_id = ?)`
	}
	parts := []string{
		`SELECT a.* FROM audit_log a WHERE a.municipality_id = ?` + filters,
		`SELECT a.* FROM audit_log a WHERE a.municipality_id IS NULL AND ` + member("actor_id") + filters,
		`SELECT a.* FROM audit_log a WHERE a.municipality_id IS NULL AND a.kind = 'user' AND ` + member("record_id") +
			` AND NOT ` + member("actor_id") + filters, // not already in the part above
	}
	if _, ok := domain.SpecOf(domain.Kind(f.Kind)); ok {
		parts = parts[:1] // a record always belongs to a municipality: no entry without one is of its kind
	}
	var args []any
	for i, p := range parts {
		parts[i] = `SELECT * FROM (` + p + ` ORDER BY a.id DESC` + limit + `) p` + strconv.Itoa(i)
		args = append(args, f.MunicipalityID)
		if i == 2 {
			args = append(args, f.MunicipalityID)
		}
		args = append(args, fargs...)
	}
	return `SELECT * FROM (` + strings.Join(parts, ` UNION ALL `) + `) t ORDER BY id DESC` + limit, args
}

// VerifyAudit walks the whole chain in order; it returns the number of entries checked and a
// *audit.BrokenError at the first break.
func (s *Store) VerifyAudit(ctx context.Context) (int, error) {
	v, err := s.VerifyAuditAnchored(ctx, nil)
	return v.Count, err
}

// VerifyAuditAnchored walks the whole chain in order, also checking an anchor written down
// earlier; the verifier it returns holds the count and the head (the next anchor).
func (s *Store) VerifyAuditAnchored(ctx context.Context, anchor *audit.Anchor) (*audit.Verifier, error) {
	v := audit.NewVerifier()
	v.Anchor = anchor
	rows, err := s.db(ctx).QueryxContext(ctx, `SELECT * FROM audit_log ORDER BY id`)
	if err != nil {
		return v, fmt.Errorf("read audit: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e audit.Entry
		if err := rows.StructScan(&e); err != nil {
			return v, fmt.Errorf("scan audit: %w", err)
		}
		if err := v.Next(e); err != nil {
			return v, err
		}
	}
	if err := rows.Err(); err != nil {
		return v, err
	}
	return v, v.Finish()
}

// AuditHead returns the newest entry's id and hash (zero when the trail is empty), for an
// auditor to note down as an anchor.
func (s *Store) AuditHead(ctx context.Context) (audit.Anchor, error) {
	var h audit.Anchor
	err := s.db(ctx).QueryRowxContext(ctx, `SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&h.ID, &h.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return h, nil
	}
	return h, err
}
