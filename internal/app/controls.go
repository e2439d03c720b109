package app

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"

	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/catalog"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// CustomCatalog is the id of each municipality's own catalog of controls.
const CustomCatalog = "kommun"

// CatalogInfo describes one catalog for listing.
type CatalogInfo struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	NameSV   string `json:"name_sv"`
	Version  string `json:"version"`
	Controls int    `json:"controls"`
}

// Catalogs lists the shipped catalogs. Returns EUnauthorized for anonymous callers.
func (a *App) Catalogs(c Caller) ([]CatalogInfo, error) {
	if c.P == nil {
		return nil, domain.Errorf(domain.EUnauthorized, "err.unauthorized")
	}
	out := []CatalogInfo{}
	for _, cat := range a.cat.Catalogs {
		out = append(out, CatalogInfo{cat.ID, cat.Name, cat.NameSV, cat.Version, len(cat.Controls)})
	}
	return out, nil
}

// CatalogControl is a control with the ids it maps to in the other catalogs.
type CatalogControl struct {
	catalog.Control
	Mappings map[string][]string `json:"mappings"`
}

// CatalogControls lists one catalog's controls with their mappings. Returns ENotFound.
func (a *App) CatalogControls(c Caller, id string) (*catalog.Catalog, []CatalogControl, error) {
	if c.P == nil {
		return nil, nil, domain.Errorf(domain.EUnauthorized, "err.unauthorized")
	}
	cat := a.cat.Catalog(id)
	if cat == nil {
		return nil, nil, domain.NotFound()
	}
	out := make([]CatalogControl, 0, len(cat.Controls))
	for _, ctl := range cat.Controls {
		m := map[string][]string{}
		for _, other := range a.cat.Catalogs {
			if other.ID != id {
				m[other.ID] = append([]string{}, a.cat.MappedIn(catalog.Ref{Catalog: id, Control: ctl.ID}, other.ID)...)
			}
		}
		out = append(out, CatalogControl{Control: ctl, Mappings: m})
	}
	return cat, out, nil
}

// SoARow is one row of a statement of applicability with the control it is about.
type SoARow struct {
	domain.ControlImpl
	ControlTitle   string `json:"control_title"`
	ControlTitleSV string `json:"control_title_sv"`
	Theme          string `json:"theme"`
	Description    string `json:"description"`
	DescriptionSV  string `json:"description_sv"`
}

// soaControls returns the controls mun's statement of applicability lists, in order: Annex A,
// then the municipality's own controls.
func (a *App) soaControls(ctx context.Context, mun int64) ([]catalog.Ref, map[catalog.Ref]catalog.Control, error) {
	iso := a.cat.Catalog(catalog.ISO)
	refs := make([]catalog.Ref, 0, len(iso.Controls))
	info := make(map[catalog.Ref]catalog.Control, len(iso.Controls))
	for _, ctl := range iso.Controls {
		r := catalog.Ref{Catalog: catalog.ISO, Control: ctl.ID}
		refs = append(refs, r)
		info[r] = ctl
	}
	custom, err := a.db.ListCustomControls(ctx, mun)
	if err != nil {
		return nil, nil, err
	}
	for _, cc := range custom {
		r := catalog.Ref{Catalog: CustomCatalog, Control: cc.ID}
		refs = append(refs, r)
		info[r] = catalog.Control{ID: cc.ID, Theme: cc.Theme, Title: cc.Title, TitleSV: cc.Title, Description: cc.Description, DescriptionSV: cc.Description}
	}
	return refs, info, nil
}

// SoA returns mun's statement of applicability, one row per control. Reading writes nothing:
// the rows exist from when the municipality got its first org unit (or the control was
// added). Returns ENotFound, EForbidden.
func (a *App) SoA(ctx context.Context, c Caller, mun int64) ([]SoARow, error) {
	return a.soa(ctx, c, mun, true)
}

// SoASummary is SoA without the rows' unit statuses and evidence (PerUnit says whether a
// row has unit statuses): what the list page shows.
func (a *App) SoASummary(ctx context.Context, c Caller, mun int64) ([]SoARow, error) {
	return a.soa(ctx, c, mun, false)
}

func (a *App) soa(ctx context.Context, c Caller, mun int64, detail bool) ([]SoARow, error) {
	if err := a.require(c, mun, authz.ObjControl, authz.Read); err != nil {
		return nil, err
	}
	refs, info, err := a.soaControls(ctx, mun)
	if err != nil {
		return nil, err
	}
	rows, err := a.db.ListSoA(ctx, mun, detail)
	if err != nil {
		return nil, err
	}
	byRef := make(map[catalog.Ref]domain.ControlImpl, len(rows))
	for _, r := range rows {
		byRef[catalog.Ref{Catalog: r.CatalogID, Control: r.ControlID}] = r
	}
	out := make([]SoARow, 0, len(refs))
	for _, r := range refs {
		row, ok := byRef[r]
		if !ok {
			continue // the municipality has no org unit yet to hang rows on
		}
		ctl := info[r]
		out = append(out, SoARow{ControlImpl: row, ControlTitle: ctl.Title, ControlTitleSV: ctl.TitleSV, Theme: ctl.Theme,
			Description: ctl.Description, DescriptionSV: ctl.DescriptionSV})
	}
	return out, nil
}

// SoARow returns the row of mun's statement of applicability for controlID, read alone (a
// row page does not load the whole statement). Returns ENotFound, EForbidden.
func (a *App) SoARow(ctx context.Context, c Caller, mun int64, controlID string) (SoARow, error) {
	if err := a.require(c, mun, authz.ObjControl, authz.Read); err != nil {
		return SoARow{}, err
	}
	refs, info, err := a.soaControls(ctx, mun)
	if err != nil {
		return SoARow{}, err
	}
	for _, r := range refs {
		if r.Control != controlID {
			continue
		}
		row, err := a.db.GetSoARow(ctx, mun, r.Catalog, r.Control)
		if err != nil {
			return SoARow{}, err
		}
		ctl := info[r]
		return SoARow{ControlImpl: row, ControlTitle: ctl.Title, ControlTitleSV: ctl.TitleSV, Theme: ctl.Theme,
			Description: ctl.Description, DescriptionSV: ctl.DescriptionSV}, nil
	}
	return SoARow{}, domain.NotFound()
}

// UpdateSoA changes one row of mun's statement of applicability. Coordinators change any
// row; information owners the rows they own (but may not hand them to someone else).
// Returns ENotFound, EForbidden, EInvalid.
func (a *App) UpdateSoA(ctx context.Context, c Caller, mun int64, controlID string, in domain.SoAInput) (domain.ControlImpl, error) {
	rows, err := a.updateSoARows(ctx, c, mun, []string{controlID}, []domain.SoAInput{in}, false, false)
	if err != nil {
		return domain.ControlImpl{}, err
	}
	return rows[0], nil
}

// RowError is what was wrong with one row of a multi-row change (an import).
type RowError struct {
	Row       int               `json:"row"`
	ControlID string            `json:"control_id"`
	Message   string            `json:"message"`
	Fields    map[string]string `json:"fields,omitempty"`
}

// RowsError lists every rejected row; nothing was stored.
type RowsError struct{ Rows []RowError }

func (e *RowsError) Error() string { return "rows rejected" }

// UpdateSoARows changes rows in one transaction (an import): all or nothing. When rows fail
// (unknown control, invalid value, a row the caller may not change), however many, the error
// is a *domain.Error (EInvalid) wrapping a *RowsError naming each one. With dryRun the
// changes are computed and returned but not stored.
func (a *App) UpdateSoARows(ctx context.Context, c Caller, mun int64, controlIDs []string, ins []domain.SoAInput, dryRun bool) ([]domain.ControlImpl, error) {
	return a.updateSoARows(ctx, c, mun, controlIDs, ins, dryRun, true)
}

// updateSoARows is UpdateSoARows; without asRows a row's problem is returned as it is (for
// UpdateSoA: 404, 403, 400 naming the field).
func (a *App) updateSoARows(ctx context.Context, c Caller, mun int64, controlIDs []string, ins []domain.SoAInput, dryRun, asRows bool) ([]domain.ControlImpl, error) {
	current, err := a.SoA(ctx, c, mun) // membership, read permission, rows exist
	if err != nil {
		return nil, err
	}
	known := make(map[string][2]string, len(current))
	for _, r := range current {
		known[r.ControlID] = [2]string{r.CatalogID, r.ControlID}
	}
	keys := make([][2]string, len(controlIDs))
	var bad []RowError
	for i, id := range controlIDs {
		k, ok := known[id]
		if !ok {
			if !asRows {
				return nil, domain.NotFound()
			}
			bad = append(bad, RowError{Row: i + 1, ControlID: id, Message: "err.unknown_control"})
		}
		keys[i] = k
	}
	if len(bad) > 0 {
		return nil, rowsError(bad)
	}
	today := a.Today()
	orgUnits, err := a.db.ListOrgUnits(ctx, mun) // a row's overall status is over all of them
	if err != nil {
		return nil, err
	}
	units := make([]int64, len(orgUnits))
	for i, u := range orgUnits {
		units[i] = u.ID
	}
	var rows []domain.ControlImpl
	err = a.db.InTx(ctx, func(ctx context.Context) error {
		var err error
		if rows, err = a.updateSoA(ctx, c, mun, keys, controlIDs, ins, today, units, &bad, dryRun, asRows); err != nil {
			return err
		}
		// Risks (issue 9): an acceptance of a risk whose linked control fell in status no
		// longer holds; voided in the same transaction as the change.
		return a.reassessRiskAcceptances(ctx, c, mun, rows)
	})
	if errors.Is(err, errDryRun) {
		return rows, nil
	}
	return rows, err
}

// updateSoA writes the rows of updateSoARows in the transaction of ctx; bad collects the
// rejected rows.
func (a *App) updateSoA(ctx context.Context, c Caller, mun int64, keys [][2]string, controlIDs []string, ins []domain.SoAInput, today domain.Date,
	units []int64, bad *[]RowError, dryRun, asRows bool) ([]domain.ControlImpl, error) {
	return a.db.UpdateSoA(ctx, c.actor(), mun, keys, func(ctx context.Context, i int, row *domain.ControlImpl) error {
		err := a.applySoA(ctx, c, mun, row, ins[i], today, units)
		if err == nil || !asRows {
			return err
		}
		e := domain.AsError(err)
		if e.Code != domain.EInvalid && e.Code != domain.EForbidden && e.Code != domain.ENotFound {
			return err
		}
		*bad = append(*bad, RowError{Row: i + 1, ControlID: controlIDs[i], Message: e.Message, Fields: e.Fields})
		return store.ErrSkipRow // go on without writing it, to report every bad row at once
	}, func() error {
		if len(*bad) > 0 {
			return rowsError(*bad)
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
}

var errDryRun = errors.New("dry run: roll back")

func rowsError(rows []RowError) error {
	return &domain.Error{Code: domain.EInvalid, Message: "err.rows_rejected", Err: &RowsError{Rows: rows}}
}

func (a *App) applySoA(ctx context.Context, c Caller, mun int64, row *domain.ControlImpl, in domain.SoAInput, today domain.Date, units []int64) error {
	if !a.az.Can(c.P, mun, authz.ObjControl, authz.Read, target(row.Record)) {
		return domain.NotFound()
	}
	if !a.az.Can(c.P, mun, authz.ObjControl, authz.Update, target(row.Record)) {
		return domain.Forbidden()
	}
	before := *row
	if err := domain.ApplySoA(row, in, today, units); err != nil {
		return err
	}
	if !eqPtr(before.OwnerID, row.OwnerID) && !a.az.Can(c.P, mun, authz.ObjControl, authz.AssignOwner, target(before.Record)) {
		return forbiddenField("owner_id", "err.assign_owner")
	}
	p := domain.Problems{}
	named := []int64{row.OrgUnitID}
	for _, u := range row.UnitStatuses {
		named = append(named, u.OrgUnitID)
	}
	if ok, err := a.db.UnitsExist(ctx, mun, named); err != nil {
		return err
	} else if !ok {
		p.Add("unit_statuses", "err.unknown_unit")
	}
	if row.OwnerID != nil {
		if ok, err := a.db.IsMember(ctx, mun, *row.OwnerID); err != nil {
			return err
		} else if !ok {
			p.Add("owner_id", "err.unknown_owner")
		}
	}
	// Evidence must be records of the municipality the caller may read; links made earlier by
	// someone else stay even if the caller cannot read them.
	for _, id := range row.EvidenceIDs {
		if id == row.ID {
			p.Add("evidence_record_ids", "err.unknown_record")
			break
		}
		if slices.Contains(before.EvidenceIDs, id) {
			continue
		}
		r, err := a.db.GetRecordAnyKind(ctx, mun, id)
		if domain.ErrorCode(err) == domain.ENotFound || err == nil && !a.az.Can(c.P, mun, authz.ObjectOf(r.Kind), authz.Read, target(r)) {
			p.Add("evidence_record_ids", "err.unknown_record")
			break
		}
		if err != nil {
			return err
		}
	}
	return p.Err()
}

// CustomControlInput adds a control to a municipality's own catalog.
type CustomControlInput struct {
	ID          string `json:"id" form:"id"`
	Theme       string `json:"theme" form:"theme"`
	Title       string `json:"title" form:"title"`
	Description string `json:"description" form:"description"`
}

var customIDPattern = regexp.MustCompile(`^[A-Za-zÅÄÖåäö][A-Za-z0-9ÅÄÖåäö._-]{0,19}$`)

// CreateCustomControl adds a control of the municipality's own to its catalog and statement of
// applicability. Ids start with a letter so they never collide with Annex A. Returns
// ENotFound, EForbidden, EInvalid, EConflict.
func (a *App) CreateCustomControl(ctx context.Context, c Caller, mun int64, in CustomControlInput) (store.CustomControl, error) {
	if err := a.require(c, mun, authz.ObjControl, authz.Create); err != nil {
		return store.CustomControl{}, err
	}
	p := domain.Problems{}
	in.ID = strings.TrimSpace(in.ID)
	if in.ID == "" {
		p.Add("id", "err.required")
	} else if !customIDPattern.MatchString(in.ID) {
		p.Add("id", "err.custom_id")
	}
	domain.ValidateText(p, "title", in.Title, true, 200)
	domain.ValidateLongText(p, "description", in.Description, false, 2000)
	theme := domain.NormalizeEnum(in.Theme)
	if theme == "" {
		theme = "organizational"
	}
	if !slices.Contains([]string{"organizational", "people", "physical", "technological"}, theme) {
		p.Add("theme", "err.enum")
	}
	if err := p.Err(); err != nil {
		return store.CustomControl{}, err
	}
	cc := store.CustomControl{MunicipalityID: mun, ID: in.ID, Theme: theme, Title: strings.TrimSpace(in.Title), Description: strings.TrimSpace(in.Description)}
	err := a.db.InTx(ctx, func(ctx context.Context) error { // the control and its SoA row, or neither
		if err := a.db.CreateCustomControl(ctx, c.actor(), &cc); err != nil {
			return err
		}
		_, err := a.db.EnsureSoA(ctx, c.actor(), mun, []store.SoASeed{{CatalogID: CustomCatalog, ControlID: cc.ID, Title: cc.ID + " " + cc.Title}})
		return err
	})
	return cc, err
}

// ensureSoA creates the missing rows of mun's statement of applicability (none while the
// municipality has no org unit), in the transaction of ctx.
func (a *App) ensureSoA(ctx context.Context, actor store.Actor, mun int64) error {
	refs, info, err := a.soaControls(ctx, mun)
	if err != nil {
		return err
	}
	seeds := make([]store.SoASeed, 0, len(refs))
	for _, r := range refs {
		seeds = append(seeds, store.SoASeed{CatalogID: r.Catalog, ControlID: r.Control, Title: r.Control + " " + info[r].TitleSV})
	}
	_, err = a.db.EnsureSoA(ctx, actor, mun, seeds)
	return err
}

// EnsureStatements gives every municipality the statement-of-applicability rows of controls
// added to the shipped catalogs since it was set up (run at start-up, by the system).
func (a *App) EnsureStatements(ctx context.Context) error {
	ms, err := a.db.ListMunicipalities(ctx, true, nil)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := a.ensureSoA(ctx, SystemActor("lisa"), m.ID); err != nil {
			return err
		}
	}
	return nil
}

// CustomControls lists mun's own controls. Returns ENotFound, EForbidden.
func (a *App) CustomControls(ctx context.Context, c Caller, mun int64) ([]store.CustomControl, error) {
	if err := a.require(c, mun, authz.ObjControl, authz.Read); err != nil {
		return nil, err
	}
	return a.db.ListCustomControls(ctx, mun)
}

// CanEditSoA checks that the caller may change at least some rows of mun's statement of
// applicability (to offer and accept an import). Returns ENotFound, EForbidden.
func (a *App) CanEditSoA(c Caller, mun int64) error {
	if err := a.require(c, mun, authz.ObjControl, authz.Read); err != nil {
		return err
	}
	if !a.az.CanSome(c.P, mun, authz.ObjControl, authz.Update) {
		return domain.Forbidden()
	}
	return nil
}

// MappedControl is a control of another catalog that a control maps to.
type MappedControl struct {
	Catalog, CatalogName, CatalogNameSV string
	ID, Title, TitleSV                  string
}

// Mapped lists the controls of the other catalogs (MSB, NIS2) that Annex A control id maps to.
func (a *App) Mapped(catalogID, controlID string) []MappedControl {
	var out []MappedControl
	for _, m := range a.cat.Mapped(catalog.Ref{Catalog: catalogID, Control: controlID}) {
		cat, ctl := a.cat.Catalog(m.Catalog), a.cat.Control(m)
		if cat == nil || ctl == nil {
			continue
		}
		out = append(out, MappedControl{Catalog: m.Catalog, CatalogName: cat.Name, CatalogNameSV: cat.NameSV, ID: m.Control, Title: ctl.Title, TitleSV: ctl.TitleSV})
	}
	return out
}

// CatalogSet returns the shipped catalogs with their mappings (reference data, the same for
// every municipality), for exports. Returns EUnauthorized.
func (a *App) CatalogSet(c Caller) (*catalog.Set, error) {
	if c.P == nil {
		return nil, domain.Errorf(domain.EUnauthorized, "err.unauthorized")
	}
	return a.cat, nil
}
