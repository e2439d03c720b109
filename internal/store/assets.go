package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/lisa-isms/lisa/internal/audit"
	"github.com/lisa-isms/lisa/internal/domain"
)

// The information assets' own table, their carrying, classifications, level overrides and
// the municipality's classification and requirement models. The core (records, reviews,
// evidence, comments, audit) is records.go's.

const assetColumns = recordColumns + `, a.asset_kind, a.description, a.system_owner_id, a.activity_area, a.personal_data,
	a.special_categories, a.supplier, a.critical_infrastructure, a.network_zone, a.vendor_remote_access, a.reclassify_reason,
	a.reclassify_at, a.eff_c, a.eff_i, a.eff_a, a.eff_t`

const classificationColumns = `c.id, c.record_id, c.model, c.model_version, c.level_c, c.level_i, c.level_a, c.level_t, c.classified_at,
	COALESCE(c.classified_by, 0) AS classified_by, c.participants, c.method, c.rationale, c.answers, c.overrides`

const assetSelect = `SELECT ` + assetColumns + ` FROM records r JOIN assets a ON a.record_id = r.id`

// AssetFilter narrows the asset register and names its page.
type AssetFilter struct {
	Kind         domain.AssetKind
	Status       string
	OrgUnitID    int64
	Area         domain.ActivityArea
	OwnerID      int64
	Aspect       domain.Aspect // with MinLevel: that aspect's effective level at least MinLevel
	MinLevel     *int          // without Aspect: some aspect at least MinLevel
	Unclassified bool          // information sets without a classification
	Reclassify   bool          // assets marked for re-classification
	PersonalData bool
	Bare         bool // the assets alone, without what they carry and their classifications
	Query        string
	After        *domain.Cursor
	Limit        int
}

var effColumn = map[domain.Aspect]string{domain.Confidentiality: "a.eff_c", domain.Integrity: "a.eff_i", domain.Availability: "a.eff_a", domain.Traceability: "a.eff_t"}

// ListAssets returns one page of the assets of mun that v lets through, by name, with what
// each carries and its current classification (three statements whatever the page size).
func (s *Store) ListAssets(ctx context.Context, mun int64, v domain.Visibility, f AssetFilter) ([]domain.Asset, error) {
	var l RecordList
	if f.Kind != "" {
		l.Where("a.asset_kind = ?", f.Kind)
	}
	if f.Status != "" {
		l.Where("r.status = ?", f.Status)
	}
	if f.OrgUnitID != 0 {
		l.Where("r.org_unit_id = ?", f.OrgUnitID)
	}
	if f.Area != "" {
		l.Where("a.activity_area = ?", f.Area)
	}
	if f.OwnerID != 0 {
		l.Where("r.owner_id = ?", f.OwnerID)
	}
	if f.MinLevel != nil {
		if col, ok := effColumn[f.Aspect]; ok {
			l.WhereLevel(col+" >= %d", *f.MinLevel)
		} else {
			l.WhereLevel("(a.eff_c >= %d OR a.eff_i >= %d OR a.eff_a >= %d OR a.eff_t >= %d)", *f.MinLevel, *f.MinLevel, *f.MinLevel, *f.MinLevel)
		}
	}
	if f.Unclassified {
		l.Where("a.asset_kind = ? AND a.classification_id IS NULL", domain.AssetInformation)
	}
	if f.Reclassify {
		l.Where("a.reclassify_reason <> ''")
	}
	if f.PersonalData {
		l.Where("a.personal_data = ?", true)
	}
	l.Query, l.After, l.Limit = f.Query, f.After, f.Limit
	q, args := l.statement(assetSelect, mun, domain.KindAsset, v)
	query, a, err := s.in(q, args...)
	if err != nil {
		return nil, err
	}
	out := rowsFor[domain.Asset](l.Limit)
	if err := s.db(ctx).SelectContext(ctx, &out, query, a...); err != nil {
		return nil, fmt.Errorf("list assets: %w", err)
	}
	if f.Bare {
		for i := range out {
			out[i].SyncEffective()
		}
		return out, nil
	}
	return out, s.assetDetails(ctx, out)
}

// assetDetails fills the carried assets and current classifications of as, one statement each.
func (s *Store) assetDetails(ctx context.Context, as []domain.Asset) error {
	if len(as) == 0 {
		return nil
	}
	ids := make([]int64, len(as))
	pos := make(map[int64]int, len(as))
	for i := range as {
		as[i].SyncEffective()
		ids[i] = as[i].ID
		pos[as[i].ID] = i
	}
	var carries []struct {
		SystemID  int64 `db:"system_id"`
		CarriedID int64 `db:"carried_id"`
	}
	q, args, err := s.in(`SELECT system_id, carried_id FROM asset_carries WHERE system_id IN (?) ORDER BY system_id, carried_id`, ids)
	if err != nil {
		return err
	}
	if err := s.db(ctx).SelectContext(ctx, &carries, q, args...); err != nil {
		return fmt.Errorf("list carried assets: %w", err)
	}
	for _, c := range carries {
		as[pos[c.SystemID]].Carries = append(as[pos[c.SystemID]].Carries, c.CarriedID)
	}
	var cls []domain.Classification
	q, args, err = s.in(`SELECT `+classificationColumns+` FROM asset_classifications c JOIN assets a ON a.classification_id = c.id WHERE a.record_id IN (?)`, ids)
	if err != nil {
		return err
	}
	if err := s.db(ctx).SelectContext(ctx, &cls, q, args...); err != nil {
		return fmt.Errorf("list classifications: %w", err)
	}
	for i := range cls {
		as[pos[cls[i].RecordID]].Classification = &cls[i]
	}
	return nil
}

// GetAsset returns one asset of mun with what it carries and its classification. Returns ENotFound.
func (s *Store) GetAsset(ctx context.Context, mun, id int64) (domain.Asset, error) {
	var a domain.Asset
	if err := s.db(ctx).GetContext(ctx, &a, s.rebind(assetSelect+` WHERE r.municipality_id = ? AND r.kind = ? AND r.id = ?`), mun, domain.KindAsset, id); err != nil {
		return a, notFound(err, "get asset")
	}
	one := []domain.Asset{a}
	if err := s.assetDetails(ctx, one); err != nil {
		return a, err
	}
	return one[0], nil
}

// AssetRef is another asset as an asset's page names it: what it carries or is carried by.
type AssetRef struct {
	ID        int64            `db:"id" json:"id"`
	Title     string           `db:"title" json:"name"`
	OrgUnitID int64            `db:"org_unit_id" json:"org_unit_id"`
	Status    string           `db:"status" json:"status"`
	OwnerID   *int64           `db:"owner_id" json:"owner_id"`
	AssetKind domain.AssetKind `db:"asset_kind" json:"kind"`
	EffC      *int             `db:"eff_c" json:"-"`
	EffI      *int             `db:"eff_i" json:"-"`
	EffA      *int             `db:"eff_a" json:"-"`
	EffT      *int             `db:"eff_t" json:"-"`
}

// Levels are the asset's effective levels.
func (r AssetRef) Levels() domain.Levels {
	return domain.Levels{Confidentiality: r.EffC, Integrity: r.EffI, Availability: r.EffA, Traceability: r.EffT}
}

// AssetNeighbours returns the assets asset id of mun carries and those that carry it, by name.
func (s *Store) AssetNeighbours(ctx context.Context, mun, id int64) (carries, carriedBy []AssetRef, err error) {
	const sel = `SELECT r.id, r.title, r.org_unit_id, r.status, r.owner_id, a.asset_kind, a.eff_c, a.eff_i, a.eff_a, a.eff_t
		FROM asset_carries c JOIN records r ON r.id = c.%s JOIN assets a ON a.record_id = r.id
		WHERE r.municipality_id = ? AND c.%s = ? ORDER BY r.title_fold, r.id`
	carries, carriedBy = []AssetRef{}, []AssetRef{}
	if err = s.db(ctx).SelectContext(ctx, &carries, s.rebind(fmt.Sprintf(sel, "carried_id", "system_id")), mun, id); err != nil {
		return nil, nil, fmt.Errorf("list carried assets: %w", err)
	}
	if err = s.db(ctx).SelectContext(ctx, &carriedBy, s.rebind(fmt.Sprintf(sel, "system_id", "carried_id")), mun, id); err != nil {
		return nil, nil, fmt.Errorf("list carrying assets: %w", err)
	}
	return carries, carriedBy, nil
}

// AssetRefs returns those of ids that are assets of mun, by id (to check what a system is
// to carry, and to name assets elsewhere).
func (s *Store) AssetRefs(ctx context.Context, mun int64, ids []int64) (map[int64]AssetRef, error) {
	out := map[int64]AssetRef{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []AssetRef
	q, args, err := s.in(`SELECT r.id, r.title, r.org_unit_id, r.status, r.owner_id, a.asset_kind, a.eff_c, a.eff_i, a.eff_a, a.eff_t
		FROM records r JOIN assets a ON a.record_id = r.id WHERE r.municipality_id = ? AND r.kind = ? AND r.id IN (?)`, mun, domain.KindAsset, ids)
	if err != nil {
		return nil, err
	}
	if err := s.db(ctx).SelectContext(ctx, &rows, q, args...); err != nil {
		return nil, fmt.Errorf("get assets: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}

// CarryReaches reports whether carrying from would reach target: target is among from or
// among what they carry, directly or through systems they host (a carrying cycle when target
// is the carrying system).
func (s *Store) CarryReaches(ctx context.Context, from []int64, target int64) (bool, error) {
	if len(from) == 0 {
		return false, nil
	}
	q, args, err := s.in(`WITH RECURSIVE down(id) AS (
			SELECT record_id FROM assets WHERE record_id IN (?)
			UNION SELECT c.carried_id FROM asset_carries c JOIN down d ON c.system_id = d.id)
		SELECT COUNT(*) FROM down WHERE id = ?`, from, target)
	if err != nil {
		return false, err
	}
	var n int
	if err := s.db(ctx).GetContext(ctx, &n, q, args...); err != nil {
		return false, fmt.Errorf("check carrying: %w", err)
	}
	return n > 0, nil
}

// CreateAsset stores a new asset, what it carries, its effective levels and its audit entry.
func (s *Store) CreateAsset(ctx context.Context, a Actor, as *domain.Asset) error {
	return s.saveRecord(ctx, a, &as.Record, audit.ActionCreate, nil, as, func(ctx context.Context, tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO assets (record_id, asset_kind, description, system_owner_id, activity_area,
			personal_data, special_categories, supplier, critical_infrastructure, network_zone, vendor_remote_access)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), as.ID, as.AssetKind, as.Description, as.SystemOwnerID, as.ActivityArea,
			as.PersonalData, as.SpecialCategories, as.Supplier, as.CriticalInfrastructure, as.NetworkZone, as.VendorRemoteAccess)
		if err != nil {
			return fmt.Errorf("insert asset: %w", err)
		}
		if err := s.saveCarries(ctx, tx, as.ID, as.Carries); err != nil {
			return err
		}
		return s.rederive(ctx, tx, as)
	})
}

// UpdateAsset changes asset id of mun: mutate gets the current asset inside the transaction,
// checks permission and applies the change; the effective levels of the asset and of every
// system carrying it follow. Returns ENotFound and whatever mutate returns.
func (s *Store) UpdateAsset(ctx context.Context, a Actor, mun, id int64, mutate func(context.Context, *domain.Asset) error) (domain.Asset, error) {
	var as domain.Asset
	err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		before, err := s.GetAsset(ctx, mun, id)
		if err != nil {
			return err
		}
		as = before
		as.Carries = append([]int64(nil), before.Carries...)
		if err := mutate(ctx, &as); err != nil {
			return err
		}
		return s.saveRecord(ctx, a, &as.Record, audit.ActionUpdate, before, &as, func(ctx context.Context, tx *sqlx.Tx) error {
			_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE assets SET asset_kind = ?, description = ?, system_owner_id = ?, activity_area = ?,
				personal_data = ?, special_categories = ?, supplier = ?, critical_infrastructure = ?, network_zone = ?, vendor_remote_access = ?
				WHERE record_id = ?`), as.AssetKind, as.Description, as.SystemOwnerID, as.ActivityArea, as.PersonalData, as.SpecialCategories,
				as.Supplier, as.CriticalInfrastructure, as.NetworkZone, as.VendorRemoteAccess, as.ID)
			if err != nil {
				return fmt.Errorf("update asset: %w", err)
			}
			if !equalSets(before.Carries, as.Carries) {
				if err := s.saveCarries(ctx, tx, as.ID, as.Carries); err != nil {
					return err
				}
			}
			return s.rederive(ctx, tx, &as)
		})
	})
	return as, err
}

func equalSets(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	in := make(map[int64]bool, len(a))
	for _, v := range a {
		in[v] = true
	}
	for _, v := range b {
		if !in[v] {
			return false
		}
	}
	return true
}

func (s *Store) saveCarries(ctx context.Context, tx *sqlx.Tx, id int64, carries []int64) error {
	if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM asset_carries WHERE system_id = ?`), id); err != nil {
		return fmt.Errorf("clear carried assets: %w", err)
	}
	for _, c := range carries {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO asset_carries (system_id, carried_id) VALUES (?, ?)`), id, c); err != nil {
			return fmt.Errorf("insert carried asset: %w", err)
		}
	}
	return nil
}

// DeleteAsset removes an asset with its core parts; the systems that carried it re-derive
// their levels without it. check is called inside the transaction with the asset.
func (s *Store) DeleteAsset(ctx context.Context, a Actor, mun, id int64, check func(context.Context, domain.Asset) error) error {
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		as, err := s.GetAsset(ctx, mun, id)
		if err != nil {
			return err
		}
		if err := check(ctx, as); err != nil {
			return err
		}
		var carriers []int64
		if err := tx.SelectContext(ctx, &carriers, tx.Rebind(`SELECT system_id FROM asset_carries WHERE carried_id = ?`), id); err != nil {
			return fmt.Errorf("list carrying assets: %w", err)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM records WHERE municipality_id = ? AND id = ?`), mun, id); err != nil {
			return fmt.Errorf("delete asset: %w", err)
		}
		if err := s.rederiveIDs(ctx, tx, carriers); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, Change{MunicipalityID: &mun, Kind: string(domain.KindAsset), RecordID: &id, Action: audit.ActionDelete, Before: as})
	})
}

// ClassifyAsset records a classification of information set id of mun: mutate gets the
// asset inside the transaction, checks permission and returns the classification. The set's
// levels, its review dates (classified now, next classification one interval later) and the
// effective levels of every system carrying it follow; a mark for re-classification is
// cleared. Returns ENotFound and whatever mutate returns.
func (s *Store) ClassifyAsset(ctx context.Context, a Actor, mun, id int64, mutate func(context.Context, *domain.Asset) (domain.Classification, error)) (domain.Asset, error) {
	var as domain.Asset
	err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		var err error
		if as, err = s.GetAsset(ctx, mun, id); err != nil {
			return err
		}
		before := map[string]any{"classification": as.Classification, "effective_levels": as.Effective, "next_review_at": as.NextReviewAt}
		cl, err := mutate(ctx, &as)
		if err != nil {
			return err
		}
		cl.RecordID = id
		if a.ID != nil {
			cl.ClassifiedBy = *a.ID
		}
		err = tx.GetContext(ctx, &cl.ID, tx.Rebind(`INSERT INTO asset_classifications (record_id, model, model_version, level_c, level_i, level_a, level_t,
			classified_at, classified_by, participants, method, rationale, answers, overrides, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), id, cl.Model, cl.ModelVersion, cl.Confidentiality, cl.Integrity,
			cl.Availability, cl.Traceability, cl.ClassifiedAt, a.ID, cl.Participants, cl.Method, cl.Rationale, cl.Answers, cl.Overrides, s.now())
		if err != nil {
			return fmt.Errorf("insert classification: %w", err)
		}
		as.Classification = &cl
		at := cl.ClassifiedAt
		next := domain.NextReview(at, as.ReviewIntervalMonths)
		as.LastReviewedAt, as.NextReviewAt = &at, &next
		as.ReclassifyReason, as.ReclassifyAt = "", nil
		after := map[string]any{"classification": cl, "next_review_at": as.NextReviewAt}
		return s.saveRecord(ctx, a, &as.Record, audit.ActionClassify, before, after, func(ctx context.Context, tx *sqlx.Tx) error {
			_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE assets SET classification_id = ?, level_c = ?, level_i = ?, level_a = ?, level_t = ?,
				reclassify_reason = '', reclassify_at = NULL WHERE record_id = ?`), cl.ID, cl.Confidentiality, cl.Integrity, cl.Availability, cl.Traceability, id)
			if err != nil {
				return fmt.Errorf("update asset levels: %w", err)
			}
			return s.rederive(ctx, tx, &as)
		})
	})
	return as, err
}

// LevelOverrides returns the levels the owner of system id set instead of the inherited ones.
func (s *Store) LevelOverrides(ctx context.Context, id int64) ([]domain.LevelOverride, error) {
	out := []domain.LevelOverride{}
	err := s.db(ctx).SelectContext(ctx, &out, s.rebind(`SELECT aspect, level, reason FROM asset_level_overrides WHERE record_id = ? ORDER BY aspect`), id)
	if err != nil {
		return nil, fmt.Errorf("list level overrides: %w", err)
	}
	return out, nil
}

// SetLevelOverrides replaces the overrides of system id of mun (check is called inside the
// transaction with the asset and the current overrides); its effective levels and those of
// the systems carrying it follow. The audit entry has both sets.
func (s *Store) SetLevelOverrides(ctx context.Context, a Actor, mun, id int64, ovs []domain.LevelOverride, check func(context.Context, domain.Asset, []domain.LevelOverride) error) (domain.Asset, error) {
	var as domain.Asset
	err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		var err error
		if as, err = s.GetAsset(ctx, mun, id); err != nil {
			return err
		}
		before, err := s.LevelOverrides(ctx, id)
		if err != nil {
			return err
		}
		if err := check(ctx, as, before); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM asset_level_overrides WHERE record_id = ?`), id); err != nil {
			return fmt.Errorf("clear level overrides: %w", err)
		}
		for _, o := range ovs {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO asset_level_overrides (record_id, aspect, level, reason, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?)`),
				id, o.Aspect, o.Level, o.Reason, a.ID, s.now()); err != nil {
				return fmt.Errorf("insert level override: %w", err)
			}
		}
		// Deciding a system's levels again is its re-classification: a mark for it is done.
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE assets SET reclassify_reason = '', reclassify_at = NULL WHERE record_id = ?`), id); err != nil {
			return fmt.Errorf("clear re-classification mark: %w", err)
		}
		as.ReclassifyReason, as.ReclassifyAt = "", nil
		if err := s.rederive(ctx, tx, &as); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, Change{MunicipalityID: &mun, Kind: string(domain.KindAsset), RecordID: &id, Action: audit.ActionLevelOverride,
			Before: map[string]any{"overrides": before}, After: map[string]any{"overrides": ovs, "effective_levels": as.Effective}})
	})
	return as, err
}

// MarkReclassify marks asset id of mun for re-classification with the reason (a risk
// analysis of it, a new procurement), in the transaction of ctx when there is one. The
// audit entry names the reason.
func (s *Store) MarkReclassify(ctx context.Context, a Actor, mun, id int64, reason string) error {
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE assets SET reclassify_reason = ?, reclassify_at = ?
			WHERE record_id = (SELECT id FROM records WHERE municipality_id = ? AND kind = ? AND id = ?)`), reason, s.Today(), mun, domain.KindAsset, id)
		if err != nil {
			return fmt.Errorf("mark for re-classification: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return domain.NotFound()
		}
		return s.appendAudit(ctx, tx, a, Change{MunicipalityID: &mun, Kind: string(domain.KindAsset), RecordID: &id, Action: audit.ActionReclassify,
			After: map[string]any{"reclassify_reason": reason}})
	})
}

// rederive recomputes the effective levels of as (after a change of it) and of every system
// that carries it, directly or through systems it hosts, and sets as.Effective.
func (s *Store) rederive(ctx context.Context, tx *sqlx.Tx, as *domain.Asset) error {
	if err := s.rederiveIDs(ctx, tx, []int64{as.ID}); err != nil {
		return err
	}
	var eff struct {
		C *int `db:"eff_c"`
		I *int `db:"eff_i"`
		A *int `db:"eff_a"`
		T *int `db:"eff_t"`
	}
	if err := tx.GetContext(ctx, &eff, tx.Rebind(`SELECT eff_c, eff_i, eff_a, eff_t FROM assets WHERE record_id = ?`), as.ID); err != nil {
		return fmt.Errorf("read effective levels: %w", err)
	}
	as.EffC, as.EffI, as.EffA, as.EffT = eff.C, eff.I, eff.A, eff.T
	as.SyncEffective()
	return nil
}

// levelRow is one asset's own and effective levels, as re-derivation reads them.
type levelRow struct {
	ID   int64            `db:"id"`
	Kind domain.AssetKind `db:"asset_kind"`
	LC   *int             `db:"level_c"`
	LI   *int             `db:"level_i"`
	LA   *int             `db:"level_a"`
	LT   *int             `db:"level_t"`
	EC   *int             `db:"eff_c"`
	EI   *int             `db:"eff_i"`
	EA   *int             `db:"eff_a"`
	ET   *int             `db:"eff_t"`
}

func (r levelRow) own() domain.Levels {
	return domain.Levels{Confidentiality: r.LC, Integrity: r.LI, Availability: r.LA, Traceability: r.LT}
}

func (r levelRow) effective() domain.Levels {
	return domain.Levels{Confidentiality: r.EC, Integrity: r.EI, Availability: r.EA, Traceability: r.ET}
}

// upSQL is the set "the seeds and every asset that carries one of them, transitively".
const upSQL = `WITH RECURSIVE up(id) AS (
		SELECT record_id FROM assets WHERE record_id IN (?)
		UNION SELECT c.system_id FROM asset_carries c JOIN up u ON c.carried_id = u.id) `

// The three reads of a re-derivation. What the affected assets carry and their overrides are
// read by key for each affected id (one of the set, d.inSubquery, not a join with it): joined,
// SQLite's planner, knowing nothing of the set's size, scanned every carrying link of the
// database and probed the set for each (3.5 ms for a set carried by ten systems on kommun-L,
// 0.2 ms by key); PostgreSQL hashed the set against a scan (2.9 → 0.9 ms by its array).
const rederiveAffectedSQL = upSQL + `SELECT a.record_id AS id, a.asset_kind, a.level_c, a.level_i, a.level_a, a.level_t, a.eff_c, a.eff_i, a.eff_a, a.eff_t
		FROM up JOIN assets a ON a.record_id = up.id`

func rederiveCarriedSQL(d *dialect) string {
	return upSQL + `SELECT c.system_id, a.record_id AS id, a.asset_kind, a.level_c, a.level_i, a.level_a, a.level_t, a.eff_c, a.eff_i, a.eff_a, a.eff_t
		FROM asset_carries c JOIN assets a ON a.record_id = c.carried_id WHERE ` + d.inSubquery("c.system_id", "SELECT id FROM up")
}

func rederiveOverridesSQL(d *dialect) string {
	return upSQL + `SELECT o.record_id, o.aspect, o.level, o.reason FROM asset_level_overrides o WHERE ` + d.inSubquery("o.record_id", "SELECT id FROM up")
}

// rederiveIDs recomputes the effective levels of ids and of every asset carrying them: an
// information set has its own levels; a system, per aspect, the highest effective level of
// what it carries (domain.Inherit), unless its owner overrode the aspect. Three reads (the
// affected assets, what they carry, their overrides), the levels derived in memory (each
// after what it carries), then one update per asset whose levels changed.
func (s *Store) rederiveIDs(ctx context.Context, tx *sqlx.Tx, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	var affected []levelRow
	q, args, err := s.in(rederiveAffectedSQL, ids)
	if err != nil {
		return err
	}
	if err := tx.SelectContext(ctx, &affected, q, args...); err != nil {
		return fmt.Errorf("read affected assets: %w", err)
	}
	var edges []struct {
		levelRow
		SystemID int64 `db:"system_id"`
	}
	q, args, err = s.in(rederiveCarriedSQL(s.d), ids)
	if err != nil {
		return err
	}
	if err := tx.SelectContext(ctx, &edges, q, args...); err != nil {
		return fmt.Errorf("read carried assets: %w", err)
	}
	var ovs []struct {
		domain.LevelOverride
		RecordID int64 `db:"record_id"`
	}
	q, args, err = s.in(rederiveOverridesSQL(s.d), ids)
	if err != nil {
		return err
	}
	if err := tx.SelectContext(ctx, &ovs, q, args...); err != nil {
		return fmt.Errorf("read level overrides: %w", err)
	}
	rows := make(map[int64]levelRow, len(affected))
	for _, r := range affected {
		rows[r.ID] = r
	}
	carried := map[int64][]levelRow{}
	for _, e := range edges {
		carried[e.SystemID] = append(carried[e.SystemID], e.levelRow)
	}
	overrides := map[int64][]domain.LevelOverride{}
	for _, o := range ovs {
		overrides[o.RecordID] = append(overrides[o.RecordID], o.LevelOverride)
	}
	done := map[int64]domain.Levels{}
	var derive func(id int64, depth int) domain.Levels
	derive = func(id int64, depth int) domain.Levels {
		if l, ok := done[id]; ok {
			return l
		}
		r, ok := rows[id]
		if !ok || depth > len(rows) { // not affected: its stored levels stand (depth: a cycle cannot recurse forever)
			return r.effective()
		}
		var l domain.Levels
		if r.Kind.Carrier() {
			var from []domain.Levels
			for _, c := range carried[id] {
				if _, ok := rows[c.ID]; ok {
					from = append(from, derive(c.ID, depth+1))
				} else {
					from = append(from, c.effective())
				}
			}
			l = domain.Inherit(from, overrides[id])
		} else {
			l = r.own()
		}
		done[id] = l
		return l
	}
	for _, r := range affected {
		l := derive(r.ID, 0)
		if sameLevels(l, r.effective()) {
			continue
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE assets SET eff_c = ?, eff_i = ?, eff_a = ?, eff_t = ? WHERE record_id = ?`),
			l.Confidentiality, l.Integrity, l.Availability, l.Traceability, r.ID); err != nil {
			return fmt.Errorf("update effective levels: %w", err)
		}
	}
	return nil
}

func sameLevels(a, b domain.Levels) bool {
	for _, as := range domain.Aspects {
		if !eqPtr(a.Get(as), b.Get(as)) {
			return false
		}
	}
	return true
}

// AssetModel returns the classification model of mun and its requirement rules (the
// defaults of domain until the municipality sets its own).
func (s *Store) AssetModel(ctx context.Context, mun int64) (domain.ClassificationModel, []domain.RequirementRule, error) {
	var row struct {
		Name        string `db:"name"`
		Version     int    `db:"version"`
		Labels      string `db:"labels"`
		CustomRules bool   `db:"custom_rules"`
	}
	err := s.db(ctx).GetContext(ctx, &row, s.rebind(`SELECT name, version, labels, custom_rules FROM asset_models WHERE municipality_id = ?`), mun)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.DefaultClassificationModel(), domain.DefaultRequirementRules(), nil
	}
	if err != nil {
		return domain.ClassificationModel{}, nil, fmt.Errorf("get asset model: %w", err)
	}
	m := domain.ClassificationModel{Name: row.Name, Version: row.Version}
	if err := json.Unmarshal([]byte(row.Labels), &m.Labels); err != nil {
		return m, nil, fmt.Errorf("read model labels: %w", err)
	}
	if !row.CustomRules {
		return m, domain.DefaultRequirementRules(), nil
	}
	rules := []domain.RequirementRule{}
	if err := s.db(ctx).SelectContext(ctx, &rules, s.rebind(`SELECT aspect, min_level, control_id FROM requirement_rules WHERE municipality_id = ?
		ORDER BY CASE aspect WHEN 'confidentiality' THEN 1 WHEN 'integrity' THEN 2 WHEN 'availability' THEN 3 ELSE 4 END, min_level, control_id`), mun); err != nil {
		return m, nil, fmt.Errorf("list requirement rules: %w", err)
	}
	return m, rules, nil
}

// SaveAssetModel stores the classification model and requirement rules of mun (rules nil:
// keep the current ones), with an audit entry of before and after. The model's version grows
// by one when its name or labels change.
func (s *Store) SaveAssetModel(ctx context.Context, a Actor, mun int64, m domain.ClassificationModel, rules []domain.RequirementRule) (domain.ClassificationModel, error) {
	err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		cur, curRules, err := s.AssetModel(ctx, mun)
		if err != nil {
			return err
		}
		m.Version = cur.Version
		if m.Name != cur.Name || fmt.Sprint(m.Labels) != fmt.Sprint(cur.Labels) {
			m.Version++
		}
		custom := rules != nil
		if !custom {
			var n int
			if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM asset_models WHERE municipality_id = ? AND custom_rules`), mun); err != nil {
				return fmt.Errorf("read asset model: %w", err)
			}
			custom = n > 0
		}
		labels, _ := json.Marshal(m.Labels)
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM asset_models WHERE municipality_id = ?`), mun); err != nil {
			return fmt.Errorf("replace asset model: %w", err)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO asset_models (municipality_id, name, version, labels, custom_rules, updated_at) VALUES (?, ?, ?, ?, ?, ?)`),
			mun, m.Name, m.Version, string(labels), custom, s.now()); err != nil {
			return fmt.Errorf("save asset model: %w", err)
		}
		after := map[string]any{"model": m}
		if rules != nil {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM requirement_rules WHERE municipality_id = ?`), mun); err != nil {
				return fmt.Errorf("replace requirement rules: %w", err)
			}
			seen := map[[2]string]bool{}
			for _, r := range rules {
				k := [2]string{string(r.Aspect), r.ControlID}
				if seen[k] {
					continue
				}
				seen[k] = true
				if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO requirement_rules (municipality_id, aspect, min_level, control_id) VALUES (?, ?, ?, ?)`),
					mun, r.Aspect, r.MinLevel, r.ControlID); err != nil {
					return fmt.Errorf("insert requirement rule: %w", err)
				}
			}
			after["rules"] = rules
		}
		return s.appendAudit(ctx, tx, a, Change{MunicipalityID: &mun, Kind: "asset_model", Action: audit.ActionUpdate,
			Before: map[string]any{"model": cur, "rules": curRules}, After: after})
	})
	return m, err
}

// SoAStatuses returns the status of the statement-of-applicability rows of mun named by
// control ids (the row's ref), for the requirements of assets.
func (s *Store) SoAStatuses(ctx context.Context, mun int64, controlIDs []string) (map[string]string, error) {
	out := map[string]string{}
	if len(controlIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		Ref        string `db:"ref"`
		Status     string `db:"status"`
		Applicable bool   `db:"applicable"`
	}
	q, args, err := s.in(`SELECT r.ref, r.status, c.applicable FROM records r JOIN control_impls c ON c.record_id = r.id
		WHERE r.municipality_id = ? AND r.kind = ? AND r.ref IN (?)`, mun, domain.KindControl, controlIDs)
	if err != nil {
		return nil, err
	}
	if err := s.db(ctx).SelectContext(ctx, &rows, q, args...); err != nil {
		return nil, fmt.Errorf("list SoA statuses: %w", err)
	}
	for _, r := range rows {
		st := r.Status
		if !r.Applicable {
			st = string(domain.CtlNotApplicable)
		}
		out[r.Ref] = st
	}
	return out, nil
}

// ListClassifications returns every classification of asset id of mun, newest first.
func (s *Store) ListClassifications(ctx context.Context, mun, id int64) ([]domain.Classification, error) {
	out := []domain.Classification{}
	err := s.db(ctx).SelectContext(ctx, &out, s.rebind(`SELECT `+classificationColumns+` FROM asset_classifications c
		JOIN records r ON r.id = c.record_id WHERE r.municipality_id = ? AND c.record_id = ? ORDER BY c.id DESC`), mun, id)
	if err != nil {
		return nil, fmt.Errorf("list classifications: %w", err)
	}
	return out, nil
}

// AssetIDsByName returns, for each folded name of names, the ids of the assets of mun that v
// lets through with that name (an import finds the asset a row updates; two ids: ambiguous;
// an asset the importer may not read is not matched, so its name is not revealed).
func (s *Store) AssetIDsByName(ctx context.Context, mun int64, v domain.Visibility, names []string) (map[string][]int64, error) {
	out := map[string][]int64{}
	for start := 0; start < len(names); start += domain.MaxIDs {
		chunk := names[start:min(start+domain.MaxIDs, len(names))]
		var rows []struct {
			ID   int64  `db:"id"`
			Fold string `db:"title_fold"`
		}
		args := []any{mun, domain.KindAsset, chunk}
		q, args, err := s.in(`SELECT r.id, r.title_fold FROM records r WHERE r.municipality_id = ? AND r.kind = ? AND r.title_fold IN (?) AND `+visibilitySQL(v, &args), args...)
		if err != nil {
			return nil, err
		}
		if err := s.db(ctx).SelectContext(ctx, &rows, q, args...); err != nil {
			return nil, fmt.Errorf("find assets by name: %w", err)
		}
		for _, r := range rows {
			out[r.Fold] = append(out[r.Fold], r.ID)
		}
	}
	return out, nil
}

// AssetCarriers returns the ids of the assets that carry asset id, directly or through the
// systems they host.
func (s *Store) AssetCarriers(ctx context.Context, id int64) ([]int64, error) {
	out := []int64{}
	q, args, err := s.in(upSQL+`SELECT id FROM up WHERE id <> ?`, []int64{id}, id)
	if err != nil {
		return nil, err
	}
	if err := s.db(ctx).SelectContext(ctx, &out, q, args...); err != nil {
		return nil, fmt.Errorf("list carrying assets: %w", err)
	}
	return out, nil
}
