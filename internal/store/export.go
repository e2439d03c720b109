package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/lisa-isms/lisa/internal/domain"
)

// ExportRow is one record of a kind's export: its core, the names of its unit and owner, and
// its own export columns as text (dates YYYY-MM-DD, booleans "true"/"false", enums as stored).
type ExportRow struct {
	domain.Record
	OrgUnitName string
	OwnerName   string
	Own         []string
}

// MaxExportRows bounds one export.
const MaxExportRows = 100_000

// ExportRecords streams the records of kind in mun that v lets through, by title, to row:
// one query whatever the number of rows, nothing held in memory but the current row. It
// stops at MaxExportRows. Returns what row returns.
func (s *Store) ExportRecords(ctx context.Context, mun int64, kind domain.Kind, v domain.Visibility, row func(ExportRow) error) error {
	spec, ok := domain.SpecOf(kind)
	if !ok {
		return domain.NotFound()
	}
	cols := []string{recordColumns, "o.name AS org_unit_name", "COALESCE(u.name, '') AS owner_name"}
	for i, c := range spec.ExportColumns { // identifiers checked at registration
		expr := "k." + c.Column
		if c.Type == domain.ExportBool {
			expr = "CASE WHEN " + expr + " THEN 'true' ELSE 'false' END"
		}
		cols = append(cols, fmt.Sprintf("COALESCE(CAST(%s AS TEXT), '') AS own_%d", expr, i))
	}
	q := `SELECT ` + strings.Join(cols, ", ") + ` FROM records r JOIN org_units o ON o.id = r.org_unit_id LEFT JOIN users u ON u.id = r.owner_id`
	if spec.Table != "" {
		q += ` JOIN ` + spec.Table + ` k ON k.record_id = r.id`
	}
	args := []any{mun, kind}
	q += ` WHERE r.municipality_id = ? AND r.kind = ? AND ` + visibilitySQL(v, &args) + fmt.Sprintf(` ORDER BY r.title, r.id LIMIT %d`, MaxExportRows)
	query, a, err := s.in(q, args...)
	if err != nil {
		return err
	}
	rows, err := s.db(ctx).QueryxContext(ctx, query, a...)
	if err != nil {
		return fmt.Errorf("export %s: %w", kind, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r ExportRow
		r.Own = make([]string, len(spec.ExportColumns))
		dest := []any{&r.ID, &r.MunicipalityID, &r.Kind, &r.Ref, &r.Title, &r.OrgUnitID, &r.OwnerID, &r.Status,
			&r.ReviewIntervalMonths, &r.LastReviewedAt, &r.NextReviewAt, &r.CreatedAt, &r.UpdatedAt, &r.CreatedBy, &r.OrgUnitName, &r.OwnerName}
		for i := range r.Own {
			dest = append(dest, &r.Own[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("export %s: %w", kind, err)
		}
		if err := row(r); err != nil {
			return err
		}
	}
	return rows.Err()
}
