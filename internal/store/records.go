package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/lisa-isms/lisa/internal/audit"
	"github.com/lisa-isms/lisa/internal/domain"
)

// This file is the tracked-record core shared by every record kind: the records row and its
// one save path (which appends the audit entry), reviews, comments, evidence and the
// cross-kind review list. Kind files (documents.go, controls.go, ...) add only their own
// table. Every read takes the municipality: a record id of another municipality finds nothing.

// recordColumns are the columns of domain.Record, on records r.
const recordColumns = `r.id, r.municipality_id, r.kind, r.ref, r.title, r.org_unit_id, r.owner_id, r.status,
	r.review_interval_months, r.last_reviewed_at, r.next_review_at, r.created_at, r.updated_at, r.created_by`

// visibilitySQL renders v as a condition on records r; it adds its arguments to args.
func visibilitySQL(v domain.Visibility, args *[]any) string {
	if v.All {
		return "1=1"
	}
	var parts []string
	if len(v.UnitIDs) > 0 {
		parts = append(parts, "r.org_unit_id IN (?)")
		*args = append(*args, v.UnitIDs)
	}
	if v.Published {
		for _, k := range domain.KindSpecs() {
			if len(k.Published) > 0 {
				parts = append(parts, "(r.kind = ? AND r.status IN (?))")
				*args = append(*args, string(k.Kind), k.Published)
			}
		}
	}
	if v.OwnerID != 0 {
		parts = append(parts, "r.owner_id = ?")
		*args = append(*args, v.OwnerID)
	}
	if v.CreatorID != 0 {
		parts = append(parts, "r.created_by = ?")
		*args = append(*args, v.CreatorID)
	}
	if len(parts) == 0 {
		return "1=0"
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// openSQL is the condition "record r is open": in none of its kind's closed statuses.
func openSQL(args *[]any) string {
	var parts []string
	for _, k := range domain.KindSpecs() {
		if len(k.Closed) > 0 {
			parts = append(parts, "(r.kind = ? AND r.status IN (?))")
			*args = append(*args, string(k.Kind), k.Closed)
		}
	}
	if len(parts) == 0 {
		return "1=1"
	}
	return "NOT (" + strings.Join(parts, " OR ") + ")"
}

// SaveRecord is the one save path of every kind: it inserts (r.ID == 0) or updates the core
// row of r, calls own to write the kind's own rows, and appends the audit entry (action with
// before and after) — all in the transaction of ctx, so a kind's store code cannot forget the
// audit entry nor leave a half-written record. after nil means r itself.
func (s *Store) saveRecord(ctx context.Context, a Actor, r *domain.Record, action string, before, after any, own func(ctx context.Context, tx *sqlx.Tx) error) error {
	if after == nil {
		after = r
	}
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		now := s.now()
		r.UpdatedAt = now
		if r.ID == 0 {
			r.CreatedAt, r.CreatedBy = now, a.ID
			err := tx.GetContext(ctx, &r.ID, tx.Rebind(`INSERT INTO records
				(municipality_id, kind, ref, title, title_fold, org_unit_id, owner_id, status, review_interval_months, last_reviewed_at, next_review_at, created_at, updated_at, remind_at, created_by)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
				r.MunicipalityID, r.Kind, r.Ref, r.Title, domain.FoldTitle(r.Title), r.OrgUnitID, r.OwnerID, r.Status, r.ReviewIntervalMonths, r.LastReviewedAt, r.NextReviewAt, r.CreatedAt, r.UpdatedAt, s.Today(), r.CreatedBy)
			if err != nil {
				return fmt.Errorf("insert record: %w", err)
			}
		} else {
			res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE records SET title = ?, title_fold = ?, org_unit_id = ?, owner_id = ?, status = ?,
				review_interval_months = ?, last_reviewed_at = ?, next_review_at = ?, updated_at = ?,
				remind_at = CASE WHEN next_review_at IS NOT DISTINCT FROM ? AND status = ? AND owner_id IS NOT DISTINCT FROM ? THEN remind_at ELSE ? END
				WHERE municipality_id = ? AND kind = ? AND id = ?`),
				r.Title, domain.FoldTitle(r.Title), r.OrgUnitID, r.OwnerID, r.Status, r.ReviewIntervalMonths, r.LastReviewedAt, r.NextReviewAt, r.UpdatedAt,
				r.NextReviewAt, r.Status, r.OwnerID, s.Today(), // the reminder planner looks again when what reminders depend on changed
				r.MunicipalityID, r.Kind, r.ID)
			if err != nil {
				return fmt.Errorf("update record: %w", err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return domain.NotFound()
			}
		}
		if own != nil {
			if err := own(ctx, tx); err != nil {
				return err
			}
		}
		mun, id := r.MunicipalityID, r.ID
		return s.appendAudit(ctx, tx, a, Change{MunicipalityID: &mun, Kind: string(r.Kind), RecordID: &id, Action: action, Before: before, After: after})
	})
}

// GetRecord returns the core of record id of kind in mun. Returns ENotFound.
func (s *Store) GetRecord(ctx context.Context, mun int64, kind domain.Kind, id int64) (domain.Record, error) {
	var r domain.Record
	err := s.db(ctx).GetContext(ctx, &r, s.rebind(`SELECT `+recordColumns+` FROM records r WHERE r.municipality_id = ? AND r.kind = ? AND r.id = ?`), mun, kind, id)
	return r, notFound(err, "get record")
}

// GetRecordAnyKind returns the core of record id in mun, whatever its kind. Returns ENotFound.
func (s *Store) GetRecordAnyKind(ctx context.Context, mun, id int64) (domain.Record, error) {
	var r domain.Record
	err := s.db(ctx).GetContext(ctx, &r, s.rebind(`SELECT `+recordColumns+` FROM records r WHERE r.municipality_id = ? AND r.id = ?`), mun, id)
	return r, notFound(err, "get record")
}

// RecordByKey returns the core of the record of kind in mun that URLs name key: its ref for
// kinds addressed by ref, else its id. Returns ENotFound.
func (s *Store) RecordByKey(ctx context.Context, mun int64, kind domain.Kind, key string) (domain.Record, error) {
	spec, ok := domain.SpecOf(kind)
	if !ok {
		return domain.Record{}, domain.NotFound()
	}
	if !spec.ByRef {
		id, err := strconv.ParseInt(key, 10, 64)
		if err != nil || id <= 0 {
			return domain.Record{}, domain.NotFound()
		}
		return s.GetRecord(ctx, mun, kind, id)
	}
	var r domain.Record
	err := s.db(ctx).GetContext(ctx, &r, s.rebind(`SELECT `+recordColumns+` FROM records r WHERE r.municipality_id = ? AND r.kind = ? AND r.ref = ? AND r.ref <> ''`), mun, kind, key)
	return r, notFound(err, "get record")
}

// MarkReviewed records a review of a record of any kind: mutate (called inside the
// transaction with the current record) checks permission and sets the new dates.
// Returns ENotFound and whatever mutate returns.
func (s *Store) MarkReviewed(ctx context.Context, a Actor, mun int64, kind domain.Kind, id int64, rv *domain.Review, mutate func(context.Context, *domain.Record) error) error {
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		r, err := s.GetRecord(ctx, mun, kind, id)
		if err != nil {
			return err
		}
		before := reviewSnapshot(r)
		if err := mutate(ctx, &r); err != nil {
			return err
		}
		after := map[string]any{"last_reviewed_at": r.LastReviewedAt, "next_review_at": r.NextReviewAt, "comment": rv.Comment}
		return s.saveRecord(ctx, a, &r, audit.ActionReview, before, after, func(ctx context.Context, tx *sqlx.Tx) error {
			rv.RecordID, rv.CreatedAt = id, s.now()
			err := tx.GetContext(ctx, &rv.ID, tx.Rebind(`INSERT INTO reviews (record_id, reviewed_by, reviewed_at, next_review_at, comment, created_at)
				VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), id, rv.ReviewedBy, rv.ReviewedAt, rv.NextReviewAt, rv.Comment, rv.CreatedAt)
			if err != nil {
				return fmt.Errorf("insert review: %w", err)
			}
			return nil
		})
	})
}

func reviewSnapshot(r domain.Record) map[string]any {
	return map[string]any{"last_reviewed_at": r.LastReviewedAt, "next_review_at": r.NextReviewAt}
}

// ListReviews returns the reviews of record id in mun, newest first.
func (s *Store) ListReviews(ctx context.Context, mun, record int64) ([]domain.Review, error) {
	out := []domain.Review{}
	err := s.db(ctx).SelectContext(ctx, &out, s.rebind(`SELECT v.id, v.record_id, v.reviewed_by, v.reviewed_at, v.next_review_at, v.comment, v.created_at,
		u.name AS reviewer_name FROM reviews v JOIN records r ON r.id = v.record_id JOIN users u ON u.id = v.reviewed_by
		WHERE r.municipality_id = ? AND v.record_id = ? ORDER BY v.id DESC`), mun, record)
	if err != nil {
		return nil, fmt.Errorf("list reviews: %w", err)
	}
	return out, nil
}

// AddComment adds a comment to record c.RecordID (of kind, in mun). Returns ENotFound.
func (s *Store) AddComment(ctx context.Context, a Actor, mun int64, kind domain.Kind, c *domain.Comment) error {
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		if _, err := s.GetRecord(ctx, mun, kind, c.RecordID); err != nil {
			return err
		}
		c.CreatedAt = s.now()
		err := tx.GetContext(ctx, &c.ID, tx.Rebind(`INSERT INTO comments (record_id, author_id, body, created_at) VALUES (?, ?, ?, ?) RETURNING id`),
			c.RecordID, c.AuthorID, c.Body, c.CreatedAt)
		if err != nil {
			return fmt.Errorf("insert comment: %w", err)
		}
		return s.appendAudit(ctx, tx, a, Change{MunicipalityID: &mun, Kind: string(kind), RecordID: &c.RecordID, Action: audit.ActionComment, After: c})
	})
}

// ListComments returns the comments of record id in mun, oldest first.
func (s *Store) ListComments(ctx context.Context, mun, record int64) ([]domain.Comment, error) {
	out := []domain.Comment{}
	err := s.db(ctx).SelectContext(ctx, &out, s.rebind(`SELECT c.id, c.record_id, c.author_id, c.body, c.created_at, u.name AS author_name
		FROM comments c JOIN records r ON r.id = c.record_id JOIN users u ON u.id = c.author_id
		WHERE r.municipality_id = ? AND c.record_id = ? ORDER BY c.id`), mun, record)
	if err != nil {
		return nil, fmt.Errorf("list comments: %w", err)
	}
	return out, nil
}

// AddEvidence stores an evidence file on record e.RecordID (of kind, in mun). Returns ENotFound.
func (s *Store) AddEvidence(ctx context.Context, a Actor, mun int64, kind domain.Kind, e *domain.Evidence) error {
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		if _, err := s.GetRecord(ctx, mun, kind, e.RecordID); err != nil {
			return err
		}
		e.CreatedAt = s.now()
		err := tx.GetContext(ctx, &e.ID, tx.Rebind(`INSERT INTO evidence (record_id, filename, content_type, size, sha256, data, uploaded_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), e.RecordID, e.Filename, e.ContentType, e.Size, e.SHA256, e.Data, e.UploadedBy, e.CreatedAt)
		if err != nil {
			return fmt.Errorf("insert evidence: %w", err)
		}
		return s.appendAudit(ctx, tx, a, Change{MunicipalityID: &mun, Kind: string(kind), RecordID: &e.RecordID, Action: audit.ActionEvidence, After: e})
	})
}

const evidenceMeta = `e.id, e.record_id, e.filename, e.content_type, e.size, e.sha256, e.uploaded_by, e.created_at, u.name AS uploader_name`

// ListEvidence returns the evidence files of record id in mun, without their contents.
func (s *Store) ListEvidence(ctx context.Context, mun, record int64) ([]domain.Evidence, error) {
	out := []domain.Evidence{}
	err := s.db(ctx).SelectContext(ctx, &out, s.rebind(`SELECT `+evidenceMeta+` FROM evidence e JOIN records r ON r.id = e.record_id
		JOIN users u ON u.id = e.uploaded_by WHERE r.municipality_id = ? AND e.record_id = ? ORDER BY e.id`), mun, record)
	if err != nil {
		return nil, fmt.Errorf("list evidence: %w", err)
	}
	return out, nil
}

// GetEvidence returns one evidence file of record id in mun with its contents. Returns ENotFound.
func (s *Store) GetEvidence(ctx context.Context, mun, record, id int64) (domain.Evidence, error) {
	var e domain.Evidence
	err := s.db(ctx).GetContext(ctx, &e, s.rebind(`SELECT `+evidenceMeta+`, e.data FROM evidence e JOIN records r ON r.id = e.record_id
		JOIN users u ON u.id = e.uploaded_by WHERE r.municipality_id = ? AND e.record_id = ? AND e.id = ?`), mun, record, id)
	return e, notFound(err, "get evidence")
}

// DeleteEvidence removes an evidence file of record id (of kind, in mun). Returns ENotFound.
func (s *Store) DeleteEvidence(ctx context.Context, a Actor, mun int64, kind domain.Kind, record, id int64) error {
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		if _, err := s.GetRecord(ctx, mun, kind, record); err != nil {
			return err
		}
		var e domain.Evidence
		if err := tx.GetContext(ctx, &e, tx.Rebind(`SELECT id, record_id, filename, content_type, size, sha256, uploaded_by, created_at FROM evidence WHERE record_id = ? AND id = ?`), record, id); err != nil {
			return notFound(err, "get evidence")
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM evidence WHERE id = ?`), id); err != nil {
			return fmt.Errorf("delete evidence: %w", err)
		}
		return s.appendAudit(ctx, tx, a, Change{MunicipalityID: &mun, Kind: string(kind), RecordID: &record, Action: audit.ActionEvidenceDel, Before: e})
	})
}

// DueQuery selects rows of the review list.
type DueQuery struct {
	MunicipalityID int64
	Visible        domain.Visibility
	From, To       *domain.Date // inclusive bounds on next_review_at; nil = open
	OwnerID        int64        // only this owner's records (0 = everyone's)
	Kind           domain.Kind  // only this kind ("" = every kind)
	// Kinds, when not nil, are the kinds listed and the rows of each the caller may read:
	// a record of a kind not named here is left out.
	Kinds []KindScope
	After *domain.Cursor // the page after this next review date (YYYY-MM-DD) and id
	Limit int
}

// KindScope is which records of one kind a caller may read.
type KindScope struct {
	Kind    domain.Kind
	Visible domain.Visibility
}

// kindScopesSQL renders ks as a condition on records r, adding its arguments to args.
func kindScopesSQL(ks []KindScope, args *[]any) string {
	var all []domain.Kind
	var parts []string
	for _, k := range ks {
		if k.Visible.All {
			all = append(all, k.Kind)
			continue
		}
		*args = append(*args, k.Kind)
		parts = append(parts, "(r.kind = ? AND "+visibilitySQL(k.Visible, args)+")")
	}
	if len(all) > 0 {
		*args = append(*args, all)
		parts = append(parts, "r.kind IN (?)")
	}
	if len(parts) == 0 {
		return "1=0"
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

const dueItemColumns = `r.kind, r.id, r.ref, r.municipality_id, r.title, r.owner_id, COALESCE(u.name, '') AS owner_name,
		r.org_unit_id, o.name AS org_unit_name, r.status, r.next_review_at`

// dueFrom joins what the review list shows of each record: its unit's and owner's names.
const dueFrom = ` FROM records r JOIN org_units o ON o.id = r.org_unit_id LEFT JOIN users u ON u.id = r.owner_id`

// dueWhere is the FROM and WHERE of the review list for q, with its arguments.
func dueWhere(q DueQuery) (string, []any, error) {
	conds, args, err := dueConds(q)
	return dueFrom + conds, args, err
}

// dueConds is the WHERE of the review list for q (on records r alone), with its arguments.
func dueConds(q DueQuery) (string, []any, error) {
	args := []any{q.MunicipalityID}
	sql := ` WHERE r.municipality_id = ? AND r.next_review_at IS NOT NULL AND ` + openSQL(&args)
	if q.From != nil {
		sql += ` AND r.next_review_at >= ?`
		args = append(args, *q.From)
	}
	if q.To != nil {
		sql += ` AND r.next_review_at <= ?`
		args = append(args, *q.To)
	}
	if q.OwnerID != 0 {
		sql += ` AND r.owner_id = ?`
		args = append(args, q.OwnerID)
	}
	if q.Kind != "" {
		sql += ` AND r.kind = ?`
		args = append(args, q.Kind)
	}
	if q.After != nil {
		d, err := domain.ParseDate(q.After.Key)
		if err != nil {
			return "", nil, &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{"after": "err.cursor"}}
		}
		sql += ` AND (r.next_review_at, r.id) > (?, ?)` // a row value: an index range on both databases
		args = append(args, d, q.After.ID)
	}
	sql += ` AND ` + visibilitySQL(q.Visible, &args)
	if q.Kinds != nil {
		sql += ` AND ` + kindScopesSQL(q.Kinds, &args)
	}
	return sql, args, nil
}

// Dues returns tracked records of every kind by next review date, earliest first: the one
// query behind the dashboard, the review list and the API's ?due= filter. Closed records
// (retired documents, ...) are left out.
func (s *Store) Dues(ctx context.Context, q DueQuery) ([]domain.DueItem, error) {
	where, args, err := dueWhere(q)
	if err != nil {
		return nil, err
	}
	sql := `SELECT ` + dueItemColumns + where + ` ORDER BY r.next_review_at, r.id`
	if q.Limit > 0 {
		sql += fmt.Sprintf(` LIMIT %d`, q.Limit)
	}
	query, a, err := s.in(sql, args...)
	if err != nil {
		return nil, err
	}
	out := rowsFor[domain.DueItem](q.Limit)
	if err := s.db(ctx).SelectContext(ctx, &out, query, a...); err != nil {
		return nil, fmt.Errorf("list dues: %w", err)
	}
	return out, nil
}

// DueCount counts the rows of the review list for q (its limit and cursor aside), up to
// upTo: a count above it is upTo+1 (the work stays bounded however much is overdue).
func (s *Store) DueCount(ctx context.Context, q DueQuery, upTo int) (int, error) {
	q.After = nil
	conds, args, err := dueConds(q) // the records alone: names are not counted
	if err != nil {
		return 0, err
	}
	query, a, err := s.in(fmt.Sprintf(`SELECT COUNT(*) FROM (SELECT 1 AS one FROM records r`+conds+` LIMIT %d) c`, upTo+1), args...)
	if err != nil {
		return 0, err
	}
	var n int
	if err := s.db(ctx).GetContext(ctx, &n, query, a...); err != nil {
		return 0, fmt.Errorf("count dues: %w", err)
	}
	return n, nil
}

// UnitCount is how many records of the review list one org unit has.
type UnitCount struct {
	OrgUnitID int64  `db:"org_unit_id"`
	Name      string `db:"name"`
	N         int    `db:"n"`
}

// DueCountsByUnit counts the rows of the review list for q per org unit, most first, for the
// first limit units (the coordinator's overdue per unit).
func (s *Store) DueCountsByUnit(ctx context.Context, q DueQuery, limit int) ([]UnitCount, error) {
	q.After = nil
	conds, args, err := dueConds(q)
	if err != nil {
		return nil, err
	}
	query, a, err := s.in(`SELECT c.org_unit_id, u.name, c.n FROM (SELECT r.org_unit_id, COUNT(*) AS n FROM records r`+conds+
		fmt.Sprintf(` GROUP BY r.org_unit_id) c JOIN org_units u ON u.id = c.org_unit_id ORDER BY c.n DESC, u.name LIMIT %d`, limit), args...)
	if err != nil {
		return nil, err
	}
	out := []UnitCount{}
	if err := s.db(ctx).SelectContext(ctx, &out, query, a...); err != nil {
		return nil, fmt.Errorf("count dues by unit: %w", err)
	}
	return out, nil
}

// Tx is what a kind's own-rows function writes through: statements with ? placeholders, run
// in the transaction of the record they belong to.
type Tx interface {
	Exec(ctx context.Context, query string, args ...any) error
}

type sqlxTx struct{ tx *sqlx.Tx }

func (t sqlxTx) Exec(ctx context.Context, query string, args ...any) error {
	_, err := t.tx.ExecContext(ctx, t.tx.Rebind(query), args...)
	return err
}

// SaveRecord is the one save path for kinds whose store code lives outside this package:
// it inserts (r.ID == 0) or updates the core row, calls own to write the kind's own rows and
// appends the audit entry (action, before, after; after nil is r), in one transaction.
// Returns ENotFound for an update of a record that is not in r.MunicipalityID.
func (s *Store) SaveRecord(ctx context.Context, a Actor, r *domain.Record, action string, before, after any, own func(ctx context.Context, tx Tx) error) error {
	var wrapped func(ctx context.Context, tx *sqlx.Tx) error
	if own != nil {
		wrapped = func(ctx context.Context, tx *sqlx.Tx) error { return own(ctx, sqlxTx{tx}) }
	}
	return s.saveRecord(ctx, a, r, action, before, after, wrapped)
}

// RecordList is one page of a kind's register: the kind's own conditions, a title search and
// the keyset page after After in title order. Every kind's list is made by it, so that each
// reads the records_title_vis index in order and never sorts the whole register.
type RecordList struct {
	where []string
	args  []any
	Query string         // substring of the title (case, Å and å alike)
	After *domain.Cursor // the page after this folded title and id; nil: the first
	Limit int            // rows at most (0: no limit)
	// Newest lists the newest first (by id, through records_kind_id) instead of by title:
	// registers of events, such as incidents. After is then the page after its ID.
	Newest bool
}

// rowsFor is the empty slice a list of at most limit rows (0: unknown) is read into, made
// with room for a page (at most 1,001, a full page and the one that says there is a next):
// read into an empty slice, a page of a hundred large records was copied seven times over as
// it grew (5 % of a documents page's CPU on kommun-L).
func rowsFor[T any](limit int) []T {
	return make([]T, 0, min(max(limit, 0), domain.MaxPageSize+1))
}

// Where adds a condition (with ? placeholders, IN (?) for lists) on records r or the kind's
// own table.
func (l *RecordList) Where(cond string, args ...any) {
	l.where = append(l.where, cond)
	l.args = append(l.args, args...)
}

// WhereLevel adds a condition on a small number — a level, score or cell of a scale, which
// decides how many rows a filter keeps — with the number written into the statement (%d in
// cond, each n in turn), so that PostgreSQL plans it with the value known. As a parameter, the
// generic plan a prepared statement switches to after five runs takes any range of a score
// for a few rows: on kommun-L it read all 30,000 risks and sorted them for "level high" (36
// ms) instead of walking the register in title order (1.9 ms). A number needs no quoting, and
// the few values of a scale make few statements.
func (l *RecordList) WhereLevel(cond string, n ...int) {
	vals := make([]any, len(n))
	for i, v := range n {
		vals[i] = v
	}
	l.where = append(l.where, fmt.Sprintf(cond, vals...))
}

// statement is the list's statement on sel (columns FROM records r JOIN the kind's table) in
// mun for kind, visible under v, and its arguments.
func (l RecordList) statement(sel string, mun int64, kind domain.Kind, v domain.Visibility) (string, []any) {
	args := []any{mun}
	q := sel + ` WHERE r.municipality_id = ?`
	for _, w := range l.where {
		q += ` AND ` + w
	}
	args = append(args, l.args...)
	if l.Query != "" {
		q += ` AND r.title_fold LIKE ?`
		args = append(args, "%"+escapeLike(domain.FoldTitle(l.Query))+"%")
	}
	switch {
	case l.After != nil && l.Newest:
		q += ` AND r.id < ?`
		args = append(args, l.After.ID)
	case l.After != nil:
		q += ` AND (r.title_fold, r.id) > (?, ?)` // a row value: an index range on both databases
		args = append(args, l.After.Key, l.After.ID)
	}
	args = append(args, kind)
	order := ` ORDER BY r.title_fold, r.id`
	if l.Newest {
		order = ` ORDER BY r.id DESC`
	}
	q += ` AND r.kind = ? AND ` + visibilitySQL(v, &args) + order
	if l.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, l.Limit)
	}
	return q, args
}
