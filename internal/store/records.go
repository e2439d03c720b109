package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/lisa-isms/lisa/internal/audit"
	"github.com/lisa-isms/lisa/internal/domain"
)

// This file is the tracked-record core shared by every record kind: the records row,
// reviews, comments, evidence and the cross-kind review list. Kind files (documents.go, ...)
// add only their own table.

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
	if v.Adopted {
		parts = append(parts, "(r.kind = ? AND r.status = ?)")
		*args = append(*args, string(domain.KindDocument), string(domain.DocAdopted))
	}
	if v.OwnerID != 0 {
		parts = append(parts, "r.owner_id = ?")
		*args = append(*args, v.OwnerID)
	}
	if len(parts) == 0 {
		return "1=0"
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

func (s *Store) insertRecord(ctx context.Context, tx *sqlx.Tx, r *domain.Record) error {
	now := s.now()
	r.CreatedAt, r.UpdatedAt = now, now
	err := tx.GetContext(ctx, &r.ID, tx.Rebind(`INSERT INTO records
		(municipality_id, kind, title, org_unit_id, owner_id, status, review_interval_months, last_reviewed_at, next_review_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		r.MunicipalityID, r.Kind, r.Title, r.OrgUnitID, r.OwnerID, r.Status, r.ReviewIntervalMonths, r.LastReviewedAt, r.NextReviewAt, r.CreatedAt, r.UpdatedAt)
	if err != nil {
		return fmt.Errorf("insert record: %w", err)
	}
	return nil
}

func (s *Store) updateRecord(ctx context.Context, tx *sqlx.Tx, r *domain.Record) error {
	r.UpdatedAt = s.now()
	_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE records SET title = ?, org_unit_id = ?, owner_id = ?, status = ?,
		review_interval_months = ?, last_reviewed_at = ?, next_review_at = ?, updated_at = ?
		WHERE municipality_id = ? AND id = ?`),
		r.Title, r.OrgUnitID, r.OwnerID, r.Status, r.ReviewIntervalMonths, r.LastReviewedAt, r.NextReviewAt, r.UpdatedAt, r.MunicipalityID, r.ID)
	if err != nil {
		return fmt.Errorf("update record: %w", err)
	}
	return nil
}

// GetRecord returns the core of record id of kind in mun. Returns ENotFound.
func (s *Store) GetRecord(ctx context.Context, mun int64, kind domain.Kind, id int64) (domain.Record, error) {
	var r domain.Record
	err := s.r.GetContext(ctx, &r, s.r.Rebind(`SELECT * FROM records WHERE municipality_id = ? AND kind = ? AND id = ?`), mun, kind, id)
	return r, notFound(err, "get record")
}

// MarkReviewed records a review of a record of any kind: mutate (called inside the
// transaction with the current record) checks permission and sets the new dates.
// Returns ENotFound and whatever mutate returns.
func (s *Store) MarkReviewed(ctx context.Context, a Actor, mun int64, kind domain.Kind, id int64, rv *domain.Review, mutate func(*domain.Record) error) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		var r domain.Record
		if err := tx.GetContext(ctx, &r, tx.Rebind(`SELECT * FROM records WHERE municipality_id = ? AND kind = ? AND id = ?`), mun, kind, id); err != nil {
			return notFound(err, "get record")
		}
		before := r
		if err := mutate(&r); err != nil {
			return err
		}
		if err := s.updateRecord(ctx, tx, &r); err != nil {
			return err
		}
		rv.RecordID, rv.CreatedAt = id, s.now()
		err := tx.GetContext(ctx, &rv.ID, tx.Rebind(`INSERT INTO reviews (record_id, reviewed_by, reviewed_at, next_review_at, comment, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), id, rv.ReviewedBy, rv.ReviewedAt, rv.NextReviewAt, rv.Comment, rv.CreatedAt)
		if err != nil {
			return fmt.Errorf("insert review: %w", err)
		}
		return s.appendAudit(ctx, tx, a, Change{MunicipalityID: &mun, Kind: string(kind), RecordID: &id, Action: audit.ActionReview,
			Before: reviewSnapshot(before), After: map[string]any{"last_reviewed_at": r.LastReviewedAt, "next_review_at": r.NextReviewAt, "comment": rv.Comment}})
	})
}

func reviewSnapshot(r domain.Record) map[string]any {
	return map[string]any{"last_reviewed_at": r.LastReviewedAt, "next_review_at": r.NextReviewAt}
}

// ListReviews returns a record's reviews, newest first.
func (s *Store) ListReviews(ctx context.Context, record int64) ([]domain.Review, error) {
	out := []domain.Review{}
	err := s.r.SelectContext(ctx, &out, s.r.Rebind(`SELECT v.*, u.name AS reviewer_name FROM reviews v JOIN users u ON u.id = v.reviewed_by
		WHERE v.record_id = ? ORDER BY v.id DESC`), record)
	if err != nil {
		return nil, fmt.Errorf("list reviews: %w", err)
	}
	return out, nil
}

// AddComment adds a comment to record id (of kind, in mun).
func (s *Store) AddComment(ctx context.Context, a Actor, mun int64, kind domain.Kind, c *domain.Comment) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		c.CreatedAt = s.now()
		err := tx.GetContext(ctx, &c.ID, tx.Rebind(`INSERT INTO comments (record_id, author_id, body, created_at) VALUES (?, ?, ?, ?) RETURNING id`),
			c.RecordID, c.AuthorID, c.Body, c.CreatedAt)
		if err != nil {
			return fmt.Errorf("insert comment: %w", err)
		}
		return s.appendAudit(ctx, tx, a, Change{MunicipalityID: &mun, Kind: string(kind), RecordID: &c.RecordID, Action: audit.ActionComment, After: c})
	})
}

// ListComments returns a record's comments, oldest first.
func (s *Store) ListComments(ctx context.Context, record int64) ([]domain.Comment, error) {
	out := []domain.Comment{}
	err := s.r.SelectContext(ctx, &out, s.r.Rebind(`SELECT c.*, u.name AS author_name FROM comments c JOIN users u ON u.id = c.author_id
		WHERE c.record_id = ? ORDER BY c.id`), record)
	if err != nil {
		return nil, fmt.Errorf("list comments: %w", err)
	}
	return out, nil
}

// AddEvidence stores an evidence file on a record.
func (s *Store) AddEvidence(ctx context.Context, a Actor, mun int64, kind domain.Kind, e *domain.Evidence) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
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

// ListEvidence returns a record's evidence files without their contents.
func (s *Store) ListEvidence(ctx context.Context, record int64) ([]domain.Evidence, error) {
	out := []domain.Evidence{}
	err := s.r.SelectContext(ctx, &out, s.r.Rebind(`SELECT `+evidenceMeta+` FROM evidence e JOIN users u ON u.id = e.uploaded_by
		WHERE e.record_id = ? ORDER BY e.id`), record)
	if err != nil {
		return nil, fmt.Errorf("list evidence: %w", err)
	}
	return out, nil
}

// GetEvidence returns one evidence file with its contents. Returns ENotFound.
func (s *Store) GetEvidence(ctx context.Context, record, id int64) (domain.Evidence, error) {
	var e domain.Evidence
	err := s.r.GetContext(ctx, &e, s.r.Rebind(`SELECT `+evidenceMeta+`, e.data FROM evidence e JOIN users u ON u.id = e.uploaded_by
		WHERE e.record_id = ? AND e.id = ?`), record, id)
	return e, notFound(err, "get evidence")
}

// DeleteEvidence removes an evidence file. Returns ENotFound.
func (s *Store) DeleteEvidence(ctx context.Context, a Actor, mun int64, kind domain.Kind, record, id int64) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
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
	Limit          int
}

// Dues returns tracked records of every kind by next review date, earliest first: the one
// query behind the dashboard, the review list and the API's ?due= filter. Closed records
// (retired documents, ...) are left out.
func (s *Store) Dues(ctx context.Context, q DueQuery) ([]domain.DueItem, error) {
	args := []any{q.MunicipalityID, domain.ClosedStatuses}
	sql := `SELECT r.kind, r.id, r.municipality_id, r.title, r.owner_id, COALESCE(u.name, '') AS owner_name,
		r.org_unit_id, o.name AS org_unit_name, r.status, r.next_review_at
		FROM records r JOIN org_units o ON o.id = r.org_unit_id LEFT JOIN users u ON u.id = r.owner_id
		WHERE r.municipality_id = ? AND r.status NOT IN (?) AND r.next_review_at IS NOT NULL`
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
	sql += ` AND ` + visibilitySQL(q.Visible, &args) + ` ORDER BY r.next_review_at, r.id`
	if q.Limit > 0 {
		sql += fmt.Sprintf(` LIMIT %d`, q.Limit)
	}
	query, a, err := s.in(sql, args...)
	if err != nil {
		return nil, err
	}
	out := []domain.DueItem{}
	if err := s.r.SelectContext(ctx, &out, query, a...); err != nil {
		return nil, fmt.Errorf("list dues: %w", err)
	}
	return out, nil
}
