package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/lisa-isms/lisa/internal/audit"
	"github.com/lisa-isms/lisa/internal/domain"
)

// The statement of applicability: one control_impls row (a tracked record of kind 'control')
// per control and municipality, with per-unit statuses and evidence links.

// SoASeed names a control a municipality's statement of applicability must have a row for.
type SoASeed struct {
	CatalogID, ControlID, Title string
}

// CustomControl is a control a municipality added to its own catalog.
type CustomControl struct {
	MunicipalityID int64     `db:"municipality_id" json:"-"`
	ID             string    `db:"id" json:"id"`
	Theme          string    `db:"theme" json:"theme"`
	Title          string    `db:"title" json:"title"`
	Description    string    `db:"description" json:"description"`
	CreatedAt      time.Time `db:"created_at" json:"-"`
}

// rootUnit returns the unit a municipality-wide row belongs to: the kommunstyrelse, else the
// first top-level unit; 0 when the municipality has no units yet.
func (s *Store) rootUnit(ctx context.Context, mun int64) (int64, error) {
	var ids []int64
	err := s.db(ctx).SelectContext(ctx, &ids, s.rebind(`SELECT id FROM org_units WHERE municipality_id = ? AND parent_id IS NULL
		ORDER BY CASE kind WHEN 'kommunstyrelse' THEN 0 ELSE 1 END, id LIMIT 1`), mun)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[0], nil
}

// EnsureSoA creates the missing rows of mun's statement of applicability (applicable, not
// started, reviewed yearly, owned by nobody), each through the one save path with its audit
// entry, in the transaction of ctx. It does nothing while the municipality has no org units.
// It returns how many rows it created. Called when a municipality gets its first org unit and
// at start-up (for catalogs added since); reading the statement never writes.
func (s *Store) EnsureSoA(ctx context.Context, a Actor, mun int64, seeds []SoASeed) (int, error) {
	n := 0
	err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		n = 0
		unit, err := s.rootUnit(ctx, mun)
		if err != nil || unit == 0 {
			return err
		}
		var have []struct {
			CatalogID string `db:"catalog_id"`
			ControlID string `db:"control_id"`
		}
		if err := tx.SelectContext(ctx, &have, tx.Rebind(`SELECT catalog_id, control_id FROM control_impls WHERE municipality_id = ?`), mun); err != nil {
			return fmt.Errorf("list soa: %w", err)
		}
		exists := map[[2]string]bool{}
		for _, h := range have {
			exists[[2]string{h.CatalogID, h.ControlID}] = true
		}
		next := domain.NextReview(s.Today(), domain.DefaultReviewMonths)
		for _, sd := range seeds {
			if exists[[2]string{sd.CatalogID, sd.ControlID}] {
				continue
			}
			c := domain.ControlImpl{Record: domain.Record{MunicipalityID: mun, Kind: domain.KindControl, Ref: sd.ControlID, Title: sd.Title, OrgUnitID: unit,
				Status: string(domain.CtlNotStarted), ReviewIntervalMonths: domain.DefaultReviewMonths, NextReviewAt: &next},
				CatalogID: sd.CatalogID, ControlID: sd.ControlID, Applicable: true, UnitStatuses: []domain.UnitStatus{}, EvidenceIDs: []int64{}}
			err := s.saveRecord(ctx, a, &c.Record, audit.ActionCreate, nil, &c, func(ctx context.Context, tx *sqlx.Tx) error {
				_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO control_impls (record_id, municipality_id, catalog_id, control_id, applicable, justification)
					VALUES (?, ?, ?, ?, TRUE, '')`), c.ID, mun, sd.CatalogID, sd.ControlID)
				if err != nil {
					return fmt.Errorf("insert soa row: %w", err)
				}
				return nil
			})
			if err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

const soaSelect = `SELECT ` + recordColumns + `, c.catalog_id, c.control_id, c.applicable, c.justification, c.base_status
	FROM records r JOIN control_impls c ON c.record_id = r.id`

// ListSoA returns every row of mun's statement of applicability, in no particular order (the
// caller orders by catalog): with detail, their unit statuses and evidence links; without,
// only whether some unit has a status of its own (PerUnit), which spares reading every
// row × unit status (7,440 in kommun-L) for the list page.
func (s *Store) ListSoA(ctx context.Context, mun int64, detail bool) ([]domain.ControlImpl, error) {
	rows := []domain.ControlImpl{}
	if !detail {
		err := s.db(ctx).SelectContext(ctx, &rows, s.rebind(`SELECT `+recordColumns+`, c.catalog_id, c.control_id, c.applicable, c.justification, c.base_status,
			EXISTS (SELECT 1 FROM control_unit_status u WHERE u.record_id = r.id) AS per_unit
			FROM records r JOIN control_impls c ON c.record_id = r.id WHERE c.municipality_id = ?`), mun)
		if err != nil {
			return nil, fmt.Errorf("list soa: %w", err)
		}
		return rows, nil
	}
	if err := s.db(ctx).SelectContext(ctx, &rows, s.rebind(soaSelect+` WHERE c.municipality_id = ?`), mun); err != nil {
		return nil, fmt.Errorf("list soa: %w", err)
	}
	// Up to rows × units statuses (7,440 for 93 controls in 80 units): aggregated to one
	// text per row in SQL, since stepping through thousands of rows costs more than parsing.
	var units []struct {
		RecordID int64  `db:"record_id"`
		List     string `db:"list"`
	}
	if err := s.db(ctx).SelectContext(ctx, &units, s.rebind(`SELECT u.record_id, `+s.d.aggregateText("u.org_unit_id || ':' || u.status")+` AS list
		FROM control_unit_status u JOIN control_impls c ON c.record_id = u.record_id WHERE c.municipality_id = ? GROUP BY u.record_id`), mun); err != nil {
		return nil, fmt.Errorf("list soa units: %w", err)
	}
	var links []struct {
		RecordID int64 `db:"record_id"`
		Linked   int64 `db:"linked_record_id"`
	}
	if err := s.db(ctx).SelectContext(ctx, &links, s.rebind(`SELECT l.record_id, l.linked_record_id FROM record_links l
		JOIN control_impls c ON c.record_id = l.record_id WHERE c.municipality_id = ? ORDER BY l.record_id, l.linked_record_id`), mun); err != nil {
		return nil, fmt.Errorf("list soa links: %w", err)
	}
	pos := make(map[int64]int, len(rows))
	for i := range rows {
		pos[rows[i].ID] = i
		rows[i].UnitStatuses, rows[i].EvidenceIDs = []domain.UnitStatus{}, []int64{}
	}
	for _, u := range units {
		i, ok := pos[u.RecordID]
		if !ok { // a row made after the first statement read the rows
			continue
		}
		r := &rows[i]
		for _, item := range strings.Split(u.List, ",") {
			id, st, _ := strings.Cut(item, ":")
			n, err := strconv.ParseInt(id, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("parse soa unit %q: %w", item, err)
			}
			r.UnitStatuses = append(r.UnitStatuses, domain.UnitStatus{OrgUnitID: n, Status: domain.ControlStatus(st)})
		}
	}
	// The comments, where a unit has one (few: read apart, not in the aggregate above).
	var comments []struct {
		RecordID int64  `db:"record_id"`
		Unit     int64  `db:"org_unit_id"`
		Comment  string `db:"comment"`
	}
	if err := s.db(ctx).SelectContext(ctx, &comments, s.rebind(`SELECT u.record_id, u.org_unit_id, u.comment FROM control_unit_status u
		JOIN control_impls c ON c.record_id = u.record_id WHERE c.municipality_id = ? AND u.comment <> ''`), mun); err != nil {
		return nil, fmt.Errorf("list soa unit comments: %w", err)
	}
	for _, cm := range comments {
		if i, ok := pos[cm.RecordID]; ok {
			for j := range rows[i].UnitStatuses {
				if rows[i].UnitStatuses[j].OrgUnitID == cm.Unit {
					rows[i].UnitStatuses[j].Comment = cm.Comment
				}
			}
		}
	}
	for i := range rows { // in unit order; sorting here is cheaper than ORDER BY in SQL
		rows[i].PerUnit = len(rows[i].UnitStatuses) > 0
		slices.SortFunc(rows[i].UnitStatuses, func(a, b domain.UnitStatus) int { return cmp.Compare(a.OrgUnitID, b.OrgUnitID) })
	}
	for _, l := range links {
		i, ok := pos[l.RecordID]
		if !ok {
			continue
		}
		r := &rows[i]
		r.EvidenceIDs = append(r.EvidenceIDs, l.Linked)
	}
	return rows, nil
}

// GetSoARow returns one row of mun's statement of applicability. Returns ENotFound.
func (s *Store) GetSoARow(ctx context.Context, mun int64, catalogID, controlID string) (domain.ControlImpl, error) {
	var c domain.ControlImpl
	g := s.db(ctx)
	if err := g.GetContext(ctx, &c, s.rebind(soaSelect+` WHERE c.municipality_id = ? AND c.catalog_id = ? AND c.control_id = ?`), mun, catalogID, controlID); err != nil {
		return c, notFound(err, "get soa row")
	}
	c.UnitStatuses, c.EvidenceIDs = []domain.UnitStatus{}, []int64{}
	if err := g.SelectContext(ctx, &c.UnitStatuses, s.rebind(`SELECT org_unit_id, status, comment FROM control_unit_status WHERE record_id = ? ORDER BY org_unit_id`), c.ID); err != nil {
		return c, fmt.Errorf("get soa units: %w", err)
	}
	if err := g.SelectContext(ctx, &c.EvidenceIDs, s.rebind(`SELECT linked_record_id FROM record_links WHERE record_id = ? ORDER BY linked_record_id`), c.ID); err != nil {
		return c, fmt.Errorf("get soa links: %w", err)
	}
	c.PerUnit = len(c.UnitStatuses) > 0
	return c, nil
}

// UpdateSoA changes rows of mun's statement of applicability in one transaction: mutate is
// called with the transaction's context (its checks read through it) and each current row and applies the change; finish is
// called after the last row, before commit. When any call fails nothing is stored (a dry
// run makes finish fail on purpose). Returns ENotFound and whatever mutate or finish return.
func (s *Store) UpdateSoA(ctx context.Context, a Actor, mun int64, keys [][2]string, mutate func(ctx context.Context, i int, c *domain.ControlImpl) error, finish func() error) ([]domain.ControlImpl, error) {
	out := make([]domain.ControlImpl, 0, len(keys))
	err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		for i, k := range keys {
			before, err := s.GetSoARow(ctx, mun, k[0], k[1])
			if err != nil {
				return err
			}
			c := before
			c.UnitStatuses = append([]domain.UnitStatus{}, before.UnitStatuses...)
			c.EvidenceIDs = append([]int64{}, before.EvidenceIDs...)
			if err := mutate(ctx, i, &c); errors.Is(err, ErrSkipRow) {
				continue // rejected: reported by the caller, never written
			} else if err != nil {
				return err
			}
			err = s.saveRecord(ctx, a, &c.Record, audit.ActionUpdate, before, &c, func(ctx context.Context, tx *sqlx.Tx) error {
				if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE control_impls SET applicable = ?, justification = ?, base_status = ? WHERE record_id = ?`), c.Applicable, c.Justification, c.BaseStatus, c.ID); err != nil {
					return fmt.Errorf("update soa row: %w", err)
				}
				if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM control_unit_status WHERE record_id = ?`), c.ID); err != nil {
					return fmt.Errorf("clear unit statuses: %w", err)
				}
				for _, u := range c.UnitStatuses {
					if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO control_unit_status (record_id, org_unit_id, status, comment) VALUES (?, ?, ?, ?)`), c.ID, u.OrgUnitID, u.Status, u.Comment); err != nil {
						return fmt.Errorf("insert unit status: %w", err)
					}
				}
				if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM record_links WHERE record_id = ?`), c.ID); err != nil {
					return fmt.Errorf("clear links: %w", err)
				}
				for _, l := range c.EvidenceIDs {
					if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO record_links (record_id, linked_record_id) VALUES (?, ?)`), c.ID, l); err != nil {
						return fmt.Errorf("insert link: %w", err)
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return finish()
	})
	return out, err
}

// ErrSkipRow, returned by UpdateSoA's mutate, leaves that row unwritten and goes on with the
// next (an import collects every rejected row before it refuses them all).
var ErrSkipRow = errors.New("skip this row")

// ListCustomControls returns mun's own controls by id.
func (s *Store) ListCustomControls(ctx context.Context, mun int64) ([]CustomControl, error) {
	out := []CustomControl{}
	err := s.db(ctx).SelectContext(ctx, &out, s.rebind(`SELECT * FROM custom_controls WHERE municipality_id = ? ORDER BY id`), mun)
	if err != nil {
		return nil, fmt.Errorf("list custom controls: %w", err)
	}
	return out, nil
}

// CreateCustomControl adds a control to mun's own catalog. Returns EConflict.
func (s *Store) CreateCustomControl(ctx context.Context, a Actor, cc *CustomControl) error {
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO custom_controls (municipality_id, id, theme, title, description, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
			cc.MunicipalityID, cc.ID, cc.Theme, cc.Title, cc.Description, s.now())
		if s.isUniqueViolation(err) {
			return &domain.Error{Code: domain.EConflict, Message: "err.conflict", Fields: map[string]string{"id": "err.taken"}}
		}
		if err != nil {
			return fmt.Errorf("insert custom control: %w", err)
		}
		return s.appendAudit(ctx, tx, a, Change{MunicipalityID: &cc.MunicipalityID, Kind: "custom_control", Action: audit.ActionCreate, After: cc})
	})
}
