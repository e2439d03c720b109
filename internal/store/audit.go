package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
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

// appendAudit appends one entry to its municipality's hash chain (system events: chain 0).
// It runs inside the writer transaction, so each chain stays linear: the writer queue
// serialises appends (and UNIQUE (chain, chain_seq) refuses a fork).
func (s *Store) appendAudit(ctx context.Context, tx *sqlx.Tx, a Actor, c Change) error {
	var lastID int64
	if err := tx.GetContext(ctx, &lastID, `SELECT COALESCE(MAX(id), 0) FROM audit_log`); err != nil {
		return fmt.Errorf("read audit id: %w", err)
	}
	chain := audit.ChainOf(c.MunicipalityID)
	head, err := s.chainHead(ctx, tx, chain)
	if err != nil {
		return err
	}
	seq := head.ID + 1
	e := audit.Entry{
		ID: lastID + 1, At: s.now().Format(time.RFC3339Nano), ActorID: a.ID, Actor: a.Name,
		MunicipalityID: c.MunicipalityID, Kind: c.Kind, RecordID: c.RecordID, Action: c.Action,
		Before: audit.Snapshot(c.Before), After: audit.Snapshot(c.After), IP: a.IP, PrevHash: head.Hash,
		Chain: &chain, Seq: &seq,
	}
	e.Hash = audit.ComputeHash(e)
	_, err = tx.NamedExecContext(ctx, `INSERT INTO audit_log
		(id, at, actor_id, actor, municipality_id, kind, record_id, action, before_json, after_json, ip, prev_hash, hash, chain, chain_seq)
		VALUES (:id, :at, :actor_id, :actor, :municipality_id, :kind, :record_id, :action, :before_json, :after_json, :ip, :prev_hash, :hash, :chain, :chain_seq)`, e)
	if err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	return nil
}

// chainHead is the newest entry of chain (ID is its Seq; 0 and the hash its first entry
// links to when the chain is empty: Genesis, or for the system chain the legacy head).
func (s *Store) chainHead(ctx context.Context, q sqlx.QueryerContext, chain int64) (audit.Anchor, error) {
	h := audit.Anchor{Chain: chain}
	err := q.QueryRowxContext(ctx, s.rebind(`SELECT chain_seq, hash FROM audit_log WHERE chain = ? ORDER BY chain_seq DESC LIMIT 1`), chain).Scan(&h.ID, &h.Hash)
	if err == nil || !errors.Is(err, sql.ErrNoRows) {
		if err != nil {
			err = fmt.Errorf("read audit head: %w", err)
		}
		return h, err
	}
	h.ID, h.Hash = 0, audit.Genesis
	if chain != 0 {
		return h, nil
	}
	err = q.QueryRowxContext(ctx, `SELECT hash FROM audit_log WHERE chain IS NULL ORDER BY id DESC LIMIT 1`).Scan(&h.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		h.Hash, err = audit.Genesis, nil
	}
	if err != nil {
		err = fmt.Errorf("read legacy audit head: %w", err)
	}
	return h, err
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

	minID, maxID int64 // a date range's ids (ListAudit finds them)
}

// ListAudit returns audit entries of one municipality, newest first: its own entries, and
// the entries without a municipality about people who hold a role in it (their logins and
// logouts, changes of their accounts). Each of the three parts is read newest first through an index
// for the filter and stops at the limit, so no filter scans the whole trail.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]audit.Entry, error) {
	if f.From != "" || f.To != "" {
		// A date range: first the ids its entries lie between (auditIDRange: two seeks), so
		// that the list walks ids newest first and stops at the limit instead of sorting every
		// entry of the days (thousands a day on a long trail).
		lo, hi, err := s.auditIDRange(ctx, f)
		if err != nil {
			return nil, err
		}
		f.minID, f.maxID = lo, hi
	}
	q, args := auditQuery(f, s.d)
	var out []audit.Entry
	if err := s.db(ctx).SelectContext(ctx, &out, s.rebind(q), args...); err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	return out, nil
}

// auditIDRange bounds the ids of the entries in f's date range that f's municipality may
// list (its own and the system entries). Ids follow time (an entry takes its id and its time
// inside the one writer transaction) up to a clock set back by at most auditClockSlack: an
// entry after the last one from before From−slack has a time from From on or later, and one
// before the first from To+slack on a time before it. So each bound is one seek in a (…, at)
// index and costs the same whatever the range holds; the list still filters on the times.
func (s *Store) auditIDRange(ctx context.Context, f AuditFilter) (lo, hi int64, err error) {
	from, to := "", ""
	if f.From != "" {
		d, err := domain.ParseDate(f.From)
		if err != nil {
			return 0, 0, err
		}
		from = d.Time().Add(-auditClockSlack).Format(time.RFC3339)
	}
	if f.To != "" {
		d, err := domain.ParseDate(f.To)
		if err != nil {
			return 0, 0, err
		}
		to = d.AddDays(1).Time().Add(auditClockSlack).Format(time.RFC3339)
	}
	// seek is the id of the entry of part nearest to bound on the side cond names.
	seek := func(where string, args []any, cond, order, bound string) (int64, error) {
		var id int64
		err := s.db(ctx).GetContext(ctx, &id, s.rebind(auditSeekSQL(where, cond, order)), append(args, bound)...)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, nil
		}
		if err != nil {
			return 0, fmt.Errorf("audit id range: %w", err)
		}
		return id, nil
	}
	lo, hi = math.MaxInt64, 0
	for _, part := range []struct {
		where string
		args  []any
	}{{"municipality_id = ?", []any{f.MunicipalityID}}, {"municipality_id IS NULL", nil}} {
		first, last := int64(0), int64(math.MaxInt64)
		if from != "" {
			before, err := seek(part.where, part.args, "at < ?", "DESC", from)
			if err != nil {
				return 0, 0, err
			}
			first = before + 1
		}
		if to != "" {
			after, err := seek(part.where, part.args, "at >= ?", "ASC", to)
			if err != nil {
				return 0, 0, err
			}
			if after > 0 {
				last = after - 1
			}
		}
		lo, hi = min(lo, first), max(hi, last)
	}
	return lo, hi, nil
}

// auditSeekSQL is the statement of a date range's bound: the id of the entry nearest to a
// time (cond, e.g. "at < ?", and the order that puts the nearest first) among those of where.
func auditSeekSQL(where, cond, order string) string {
	return `SELECT id FROM audit_log WHERE ` + where + ` AND ` + cond + ` ORDER BY at ` + order + ` LIMIT 1`
}

// auditActionLiteral is what an action filter may be to be written into the statement as a
// literal: letters a–z and underscores only, so nothing in it needs quoting.
var auditActionLiteral = regexp.MustCompile(`^[a-z_]{1,40}$`)

// auditClockSlack is how far a date range's id bounds look beyond the range's times.
const auditClockSlack = 10 * time.Minute

// auditQuery is ListAudit's statement (with ?) and its arguments.
func auditQuery(f AuditFilter, d *dialect) (string, []any) {
	var filters string
	var fargs []any
	add := func(cond string, v any) { filters += " AND " + cond; fargs = append(fargs, v) }
	if f.Kind != "" {
		add("a.kind = ?", f.Kind)
	}
	if f.RecordID > 0 {
		add("a.record_id = ?", f.RecordID)
	}
	switch {
	case auditActionLiteral.MatchString(f.Action):
		// Every action is a word of [a-z_]: written into the statement, it is planned with the
		// value known. As a parameter, PostgreSQL's generic plan for the prepared statement
		// took it for as common among sign-ins as anywhere and walked all 900,000 of kommun-L
		// for an action none has (1.8 s a request).
		filters += " AND a.action = '" + f.Action + "'"
	case f.Action != "":
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
	if f.maxID > 0 {
		add("a.id >= ?", f.minID)
		add("a.id <= ?", f.maxID)
	}
	limit := ""
	if f.Limit > 0 {
		limit = fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	member := func(col string) string {
		return `EXISTS (SELECT 1 FROM role_assignments ra WHERE ra.user_id = a.` + col + ` AND ra.municipality_id = ?)`
	}
	// The system entries shown are those about the municipality's own people: their sessions
	// (logins, logouts; actor and subject are the same person) and changes of their accounts
	// (kind user: record_id is the account) — never an entry because of who made it (an
	// administrator who also holds a role here changing another municipality's person).
	free := "audit_log a" // the system entries' table, by actor through (kind, actor, id)
	switch {
	case f.Actor != "":
		free += d.useIndex("audit_log_free_kind_actor")
	case f.Action != "":
		// By action through (kind, action, id): SQLite would otherwise walk every login for an
		// action no system entry has (a review: 2,000,000 entries' logins, seconds a page);
		// PostgreSQL's generic plan needs no hint once the index leads with both.
		free += d.useIndex("audit_log_free_kind_action")
	}
	parts := []string{
		`SELECT a.* FROM audit_log a WHERE a.municipality_id = ?` + filters,
		`SELECT a.* FROM ` + free + ` WHERE a.municipality_id IS NULL AND a.kind = 'session' AND ` + member("actor_id") + filters,
		`SELECT a.* FROM ` + free + ` WHERE a.municipality_id IS NULL AND a.kind = 'user' AND ` + member("record_id") + filters,
	}
	if _, ok := domain.SpecOf(domain.Kind(f.Kind)); ok {
		parts = parts[:1] // a record always belongs to a municipality: no entry without one is of its kind
	}
	var args []any
	for i, p := range parts {
		parts[i] = `SELECT * FROM (` + p + ` ORDER BY a.id DESC` + limit + `) p` + strconv.Itoa(i)
		args = append(args, f.MunicipalityID)
		args = append(args, fargs...)
	}
	return `SELECT * FROM (` + strings.Join(parts, ` UNION ALL `) + `) t ORDER BY id DESC` + limit, args
}

// ChainReport is one verified chain: its number (a municipality's id, 0 for system events;
// Legacy for the entries from before the chains were split), how many entries it has, and
// its head, the next anchor to note down.
type ChainReport struct {
	Chain  int64
	Legacy bool
	Count  int
	Head   audit.Anchor
}

// VerifyAudit walks every chain in order; it returns the number of entries checked and a
// *audit.BrokenError at the first break.
func (s *Store) VerifyAudit(ctx context.Context) (int, error) {
	reports, err := s.VerifyChains(ctx, nil)
	n := 0
	for _, r := range reports {
		n += r.Count
	}
	return n, err
}

// VerifyChains walks chains in order — every chain, or only the chain of municipality *only
// (0: the system chain with the legacy one it continues) — also checking anchors written down
// earlier (each in its own chain). With every chain, it also checks that no entry is outside
// the chains verified. Returns the reports so far and a *audit.BrokenError at the first break.
func (s *Store) VerifyChains(ctx context.Context, only *int64, anchors ...audit.Anchor) ([]ChainReport, error) {
	var chains []int64
	if only != nil {
		chains = []int64{*only}
	} else {
		if err := s.db(ctx).SelectContext(ctx, &chains, `SELECT id FROM municipalities ORDER BY id`); err != nil {
			return nil, fmt.Errorf("list chains: %w", err)
		}
		chains = append([]int64{0}, chains...)
	}
	seen := map[string]bool{}
	for _, a := range anchors {
		if !a.Legacy && !slices.Contains(chains, a.Chain) || a.Legacy && !slices.Contains(chains, 0) {
			return nil, fmt.Errorf("anchor %s: not of a chain verified here", a)
		}
		key := fmt.Sprint(a.Legacy, a.Chain)
		if seen[key] {
			return nil, fmt.Errorf("anchor %s: one anchor per chain (the newest noted)", a)
		}
		seen[key] = true
	}
	// The trail as it stands now: entries appended while the chains are read (the server
	// goes on writing) are left for the next verification, not reported as strays.
	var upTo int64
	if err := s.db(ctx).GetContext(ctx, &upTo, `SELECT COALESCE(MAX(id), 0) FROM audit_log`); err != nil {
		return nil, fmt.Errorf("read audit id: %w", err)
	}
	anchorOf := func(legacy bool, chain int64) *audit.Anchor {
		for _, a := range anchors {
			if a.Legacy == legacy && (legacy || a.Chain == chain) {
				return &a
			}
		}
		return nil
	}
	var out []ChainReport
	total := 0
	for _, c := range chains {
		prev := audit.Genesis
		if c == 0 { // the legacy chain first: the system chain continues it
			v := audit.NewVerifier()
			v.Anchor = anchorOf(true, 0)
			if err := s.walkChain(ctx, v, s.rebind(`SELECT * FROM audit_log WHERE chain IS NULL AND id <= ? ORDER BY id`), upTo); err != nil {
				return out, err
			}
			if v.Count > 0 {
				out = append(out, ChainReport{Legacy: true, Count: v.Count, Head: v.Head()})
				prev = v.Head().Hash
			}
			total += v.Count
		}
		v := audit.NewChainVerifier(c, prev)
		v.Anchor = anchorOf(false, c)
		if err := s.walkChain(ctx, v, s.rebind(`SELECT * FROM audit_log WHERE chain = ? AND id <= ? ORDER BY chain_seq`), c, upTo); err != nil {
			return out, err
		}
		out = append(out, ChainReport{Chain: c, Count: v.Count, Head: v.Head()})
		total += v.Count
	}
	if only == nil {
		var all int
		if err := s.db(ctx).GetContext(ctx, &all, s.rebind(`SELECT COUNT(*) FROM audit_log WHERE id <= ?`), upTo); err != nil {
			return out, err
		}
		if all != total {
			return out, &audit.BrokenError{Reason: fmt.Sprintf("%d entries are on no chain of a municipality or of the system", all-total)}
		}
	}
	return out, nil
}

// walkChain runs the entries of query through v, then v.Finish.
func (s *Store) walkChain(ctx context.Context, v *audit.Verifier, query string, args ...any) error {
	rows, err := s.db(ctx).QueryxContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("read audit: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e audit.Entry
		if err := rows.StructScan(&e); err != nil {
			return fmt.Errorf("scan audit: %w", err)
		}
		if err := v.Next(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return v.Finish()
}

// AuditHead returns the newest entry of chain (a municipality's id, 0 for system events) as
// an anchor to note down; ID 0 when the chain is empty.
func (s *Store) AuditHead(ctx context.Context, chain int64) (audit.Anchor, error) {
	h, err := s.chainHead(ctx, s.db(ctx), chain)
	if h.ID == 0 {
		h.Hash = ""
	}
	return h, err
}
