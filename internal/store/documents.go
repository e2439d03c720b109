package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/lisa-isms/lisa/internal/audit"
	"github.com/lisa-isms/lisa/internal/domain"
)

const documentSelect = `SELECT ` + recordColumns + `, d.doc_type, d.version, d.description, d.adopted_by, d.adopted_at, d.revision_in_progress, d.scope
	FROM records r JOIN documents d ON d.record_id = r.id`

// DocumentFilter narrows the document list and names its page.
type DocumentFilter struct {
	Type      domain.DocType
	Status    domain.DocStatus
	OrgUnitID int64
	Query     string         // substring of the title
	After     *domain.Cursor // the page after this title (folded) and id; nil: the first
	Limit     int            // rows at most (0: no limit; callers page)
}

// ListDocuments returns the governing documents of mun (the title search ignores case, Å and
// å alike, on both databases) that v lets through, by title: one page of f.Limit rows after
// f.After, read through the records_title_vis index in order (no sort of the whole list).
func (s *Store) ListDocuments(ctx context.Context, mun int64, v domain.Visibility, f DocumentFilter) ([]domain.Document, error) {
	q, args := documentsQuery(mun, v, f)
	query, a, err := s.in(q, args...)
	if err != nil {
		return nil, err
	}
	out := rowsFor[domain.Document](f.Limit)
	if err := s.db(ctx).SelectContext(ctx, &out, query, a...); err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	return out, s.scopeUnits(ctx, mun, out)
}

// documentsQuery is ListDocuments' statement (with ? and IN (?) lists) and its arguments.
func documentsQuery(mun int64, v domain.Visibility, f DocumentFilter) (string, []any) {
	var l RecordList
	if f.Type != "" {
		l.Where("d.doc_type = ?", f.Type)
	}
	if f.Status != "" {
		l.Where("r.status = ?", f.Status)
	}
	if f.OrgUnitID != 0 {
		l.Where("r.org_unit_id = ?", f.OrgUnitID)
	}
	l.Query, l.After, l.Limit = f.Query, f.After, f.Limit
	return l.statement(documentSelect, mun, domain.KindDocument, v)
}

// scopeUnits fills the scope units of the documents scoped to units, in one statement for
// the whole list.
func (s *Store) scopeUnits(ctx context.Context, mun int64, out []domain.Document) error {
	var scoped bool
	for i := range out {
		out[i].ScopeUnitIDs = []int64{}
		scoped = scoped || out[i].Scope == domain.ScopeUnits
	}
	if !scoped {
		return nil
	}
	var units []struct {
		RecordID  int64 `db:"record_id"`
		OrgUnitID int64 `db:"org_unit_id"`
	}
	ids := make([]int64, 0, len(out))
	for _, d := range out {
		if d.Scope == domain.ScopeUnits {
			ids = append(ids, d.ID)
		}
	}
	sq, sa, err := s.in(`SELECT su.record_id, su.org_unit_id FROM document_scope_units su
		JOIN records r ON r.id = su.record_id WHERE r.municipality_id = ? AND su.record_id IN (?) ORDER BY su.record_id, su.org_unit_id`, mun, ids)
	if err != nil {
		return err
	}
	if err := s.db(ctx).SelectContext(ctx, &units, sq, sa...); err != nil {
		return fmt.Errorf("list document scopes: %w", err)
	}
	pos := make(map[int64]int, len(out))
	for i := range out {
		pos[out[i].ID] = i
	}
	for _, u := range units {
		if i, ok := pos[u.RecordID]; ok {
			out[i].ScopeUnitIDs = append(out[i].ScopeUnitIDs, u.OrgUnitID)
		}
	}
	return nil
}

// escapeLike drops LIKE's wildcards from a search text (matching them literally would need
// ESCAPE; dropping them keeps the search simple).
func escapeLike(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '%' || r == '_' {
			return -1
		}
		return r
	}, s)
}

// GetDocument returns one governing document of mun with its scope units. Returns ENotFound.
func (s *Store) GetDocument(ctx context.Context, mun, id int64) (domain.Document, error) {
	var d domain.Document
	g := s.db(ctx)
	if err := g.GetContext(ctx, &d, s.rebind(documentSelect+` WHERE r.municipality_id = ? AND r.id = ?`), mun, id); err != nil {
		return d, notFound(err, "get document")
	}
	d.ScopeUnitIDs = []int64{}
	if err := g.SelectContext(ctx, &d.ScopeUnitIDs, s.rebind(`SELECT org_unit_id FROM document_scope_units WHERE record_id = ? ORDER BY org_unit_id`), id); err != nil {
		return d, fmt.Errorf("get document scope: %w", err)
	}
	return d, nil
}

// CreateDocument stores a new governing document, its first version entry and its audit entry.
func (s *Store) CreateDocument(ctx context.Context, a Actor, d *domain.Document, versionNote string) error {
	return s.saveRecord(ctx, a, &d.Record, audit.ActionCreate, nil, d, func(ctx context.Context, tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO documents (record_id, doc_type, version, description, adopted_by, adopted_at, revision_in_progress, scope)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), d.ID, d.Type, d.Version, d.Description, d.AdoptedBy, d.AdoptedAt, d.RevisionInProgress, d.Scope)
		if err != nil {
			return fmt.Errorf("insert document: %w", err)
		}
		return s.saveDocumentDetails(ctx, tx, a, d, nil, versionNote)
	})
}

// UpdateDocument changes governing document id of mun: mutate gets the current document inside
// the transaction, checks permission and applies the change. A new version entry is written
// when the version, status or adoption changes. Returns ENotFound and whatever mutate returns.
func (s *Store) UpdateDocument(ctx context.Context, a Actor, mun, id int64, mutate func(context.Context, *domain.Document) (string, error)) (domain.Document, error) {
	var d domain.Document
	err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		before, err := s.GetDocument(ctx, mun, id)
		if err != nil {
			return err
		}
		d = before
		d.ScopeUnitIDs = append([]int64(nil), before.ScopeUnitIDs...)
		note, err := mutate(ctx, &d)
		if err != nil {
			return err
		}
		return s.saveRecord(ctx, a, &d.Record, audit.ActionUpdate, before, &d, func(ctx context.Context, tx *sqlx.Tx) error {
			_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE documents SET doc_type = ?, version = ?, description = ?, adopted_by = ?, adopted_at = ?,
				revision_in_progress = ?, scope = ? WHERE record_id = ?`), d.Type, d.Version, d.Description, d.AdoptedBy, d.AdoptedAt, d.RevisionInProgress, d.Scope, d.ID)
			if err != nil {
				return fmt.Errorf("update document: %w", err)
			}
			return s.saveDocumentDetails(ctx, tx, a, &d, &before, note)
		})
	})
	return d, err
}

// saveDocumentDetails writes the scope units and, when something version-worthy changed, a
// version history entry.
func (s *Store) saveDocumentDetails(ctx context.Context, tx *sqlx.Tx, a Actor, d *domain.Document, before *domain.Document, note string) error {
	if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM document_scope_units WHERE record_id = ?`), d.ID); err != nil {
		return fmt.Errorf("clear scope: %w", err)
	}
	for _, u := range d.ScopeUnitIDs {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO document_scope_units (record_id, org_unit_id) VALUES (?, ?)`), d.ID, u); err != nil {
			return fmt.Errorf("insert scope unit: %w", err)
		}
	}
	if before != nil && before.Version == d.Version && before.Status == d.Status &&
		eqPtr(before.AdoptedBy, d.AdoptedBy) && eqPtr(before.AdoptedAt, d.AdoptedAt) && note == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO document_versions (record_id, version, status, adopted_by, adopted_at, note, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), d.ID, d.Version, d.Status, d.AdoptedBy, d.AdoptedAt, note, a.ID, s.now())
	if err != nil {
		return fmt.Errorf("insert version: %w", err)
	}
	return nil
}

func eqPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// ListVersions returns the version history of document id in mun, newest first.
func (s *Store) ListVersions(ctx context.Context, mun, record int64) ([]domain.DocVersion, error) {
	out := []domain.DocVersion{}
	err := s.db(ctx).SelectContext(ctx, &out, s.rebind(`SELECT v.id, v.record_id, v.version, v.status, v.adopted_by, v.adopted_at, v.note,
		COALESCE(v.created_by, 0) AS created_by, v.created_at, COALESCE(u.name, '') AS creator_name FROM document_versions v
		JOIN records r ON r.id = v.record_id LEFT JOIN users u ON u.id = v.created_by
		WHERE r.municipality_id = ? AND v.record_id = ? ORDER BY v.id DESC`), mun, record)
	if err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	return out, nil
}

// DeleteDocument removes a governing document with its reviews, comments and evidence; the
// audit entry keeps what it was. check is called inside the transaction with the document.
// Returns ENotFound and whatever check returns.
func (s *Store) DeleteDocument(ctx context.Context, a Actor, mun, id int64, check func(context.Context, domain.Document) error) error {
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		d, err := s.GetDocument(ctx, mun, id)
		if err != nil {
			return err
		}
		if err := check(ctx, d); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM records WHERE municipality_id = ? AND id = ?`), mun, id); err != nil {
			return fmt.Errorf("delete document: %w", err)
		}
		return s.appendAudit(ctx, tx, a, Change{MunicipalityID: &mun, Kind: string(domain.KindDocument), RecordID: &id, Action: audit.ActionDelete, Before: d})
	})
}

// DocumentTitles returns the titles of those of ids that are governing documents of mun that
// v lets through (the evidence of SoA rows, named in exports and on row pages).
func (s *Store) DocumentTitles(ctx context.Context, mun int64, v domain.Visibility, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{mun, domain.KindDocument, ids}
	q := `SELECT r.id, r.title FROM records r WHERE r.municipality_id = ? AND r.kind = ? AND r.id IN (?) AND ` + visibilitySQL(v, &args)
	return s.namesByID(ctx, "document titles", q, args...)
}
