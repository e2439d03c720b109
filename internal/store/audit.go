package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/lisa-isms/lisa/internal/audit"
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

// ListAudit returns audit entries of one municipality, newest first.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]audit.Entry, error) {
	// A municipality's trail holds its own entries plus the entries without a municipality
	// (logins, failed logins, account changes) about people who hold a role in it.
	q := `SELECT * FROM audit_log WHERE (municipality_id = ? OR (municipality_id IS NULL AND actor_id IN
		(SELECT user_id FROM role_assignments WHERE municipality_id = ?)) OR (municipality_id IS NULL AND kind = 'user' AND record_id IN
		(SELECT user_id FROM role_assignments WHERE municipality_id = ?)))`
	args := []any{f.MunicipalityID, f.MunicipalityID, f.MunicipalityID}
	if f.Kind != "" {
		q += ` AND kind = ?`
		args = append(args, f.Kind)
	}
	if f.RecordID > 0 {
		q += ` AND record_id = ?`
		args = append(args, f.RecordID)
	}
	if f.Action != "" {
		q += ` AND action = ?`
		args = append(args, f.Action)
	}
	if f.Actor != "" {
		q += ` AND actor = ?`
		args = append(args, f.Actor)
	}
	if f.From != "" {
		q += ` AND at >= ?`
		args = append(args, f.From)
	}
	if f.To != "" {
		q += ` AND at < ?`
		args = append(args, f.To+"T99") // inclusive: every time of day sorts below "T99"
	}
	if f.BeforeID > 0 {
		q += ` AND id < ?`
		args = append(args, f.BeforeID)
	}
	q += ` ORDER BY id DESC`
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	var out []audit.Entry
	if err := s.db(ctx).SelectContext(ctx, &out, s.rebind(q), args...); err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	return out, nil
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
