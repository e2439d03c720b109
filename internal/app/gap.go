package app

import (
	"context"
	"fmt"
	"strconv"

	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/catalog"
	"github.com/lisa-isms/lisa/internal/domain"
)

// GapCounts counts controls by implementation status.
type GapCounts struct {
	Implemented   int `json:"implemented"`
	Partial       int `json:"partial"`
	NotStarted    int `json:"not_started"`
	NotApplicable int `json:"not_applicable"`
}

// Applicable is the number of controls that apply.
func (g GapCounts) Applicable() int { return g.Implemented + g.Partial + g.NotStarted }

// Share returns n as a whole percentage of the applicable controls.
func (g GapCounts) Share(n int) int {
	if g.Applicable() == 0 {
		return 0
	}
	return (n*100 + g.Applicable()/2) / g.Applicable()
}

// Add counts one control of status s.
func (g *GapCounts) Add(s domain.ControlStatus) {
	switch s {
	case domain.CtlImplemented:
		g.Implemented++
	case domain.CtlPartial:
		g.Partial++
	case domain.CtlNotApplicable:
		g.NotApplicable++
	default:
		g.NotStarted++
	}
}

// sub takes one control of status s back out.
func (g *GapCounts) sub(s domain.ControlStatus) {
	var one GapCounts
	one.Add(s)
	g.Implemented -= one.Implemented
	g.Partial -= one.Partial
	g.NotStarted -= one.NotStarted
	g.NotApplicable -= one.NotApplicable
}

// plus adds the counts of d (which may be negative).
func (g *GapCounts) plus(d GapCounts) {
	g.Implemented += d.Implemented
	g.Partial += d.Partial
	g.NotStarted += d.NotStarted
	g.NotApplicable += d.NotApplicable
}

// GapGroup is the counts of one theme or one org unit.
type GapGroup struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	TitleSV string `json:"title_sv"`
	GapCounts
}

// GapCatalog is one catalog's gap analysis, in total and per theme (Annex A) or per control
// (the mapped catalogs, counting the Annex A controls mapped to each).
type GapCatalog struct {
	CatalogID string     `json:"catalog_id"`
	Name      string     `json:"name"`
	NameSV    string     `json:"name_sv"`
	Total     GapCounts  `json:"total"`
	Themes    []GapGroup `json:"themes"`
}

// GapReport is the gap analysis of one municipality.
type GapReport struct {
	Catalogs []GapCatalog `json:"catalogs"`
	Units    []GapGroup   `json:"units"` // Annex A per org unit
}

// Gap computes the gap analysis from the statement of applicability, counting Annex A controls
// throughout: Annex A per theme; MSB's areas and the NIS2 measures each by the Annex A
// controls mapped to it, their total by every mapped control once; and Annex A per org unit, where a unit's own status replaces the
// municipality-level one. Returns ENotFound, EForbidden.
func (a *App) Gap(ctx context.Context, c Caller, mun int64) (GapReport, error) {
	// Every reader of the statement sees the same report: shared as countCache says (it
	// counts every control's status in every unit; read only from here on).
	if err := a.require(c, mun, authz.ObjControl, authz.Read); err != nil {
		return GapReport{}, err
	}
	return getShared(a, fmt.Sprint("gap/", mun), func() (GapReport, error) { return a.gap(ctx, c, mun) })
}

func (a *App) gap(ctx context.Context, c Caller, mun int64) (GapReport, error) {
	rows, err := a.SoA(ctx, c, mun)
	if err != nil {
		return GapReport{}, err
	}
	status := make(map[catalog.Ref]domain.ControlStatus, len(rows))
	for _, r := range rows {
		status[catalog.Ref{Catalog: r.CatalogID, Control: r.ControlID}] = domain.ControlStatus(r.Status)
	}
	rep := GapReport{Catalogs: []GapCatalog{}, Units: []GapGroup{}}
	for _, cat := range a.cat.Catalogs {
		gc := GapCatalog{CatalogID: cat.ID, Name: cat.Name, NameSV: cat.NameSV}
		themes := map[string]*GapGroup{}
		for _, t := range cat.Themes {
			gc.Themes = append(gc.Themes, GapGroup{ID: t.ID, Title: t.Title, TitleSV: t.TitleSV})
		}
		for i := range gc.Themes {
			themes[gc.Themes[i].ID] = &gc.Themes[i]
		}
		mapped := cat.ID != catalog.ISO
		counted := map[catalog.Ref]bool{} // the Annex A controls a mapped catalog's total has counted
		if mapped {
			// A mapped catalog is shown per control (MSB area, NIS2 measure), each counting
			// the Annex A controls mapped to it.
			gc.Themes = nil
		}
		for _, ctl := range cat.Controls {
			ref := catalog.Ref{Catalog: cat.ID, Control: ctl.ID}
			st := status[ref] // an Annex A row (always there; "" counts as not started)
			if mapped {
				// One counting rule for rows and total: Annex A controls. A row counts those
				// mapped to its area or measure; the total counts each mapped control once.
				g := GapGroup{ID: ctl.ID, Title: ctl.ID + " " + ctl.Title, TitleSV: ctl.ID + " " + ctl.TitleSV}
				for _, m := range a.cat.Mapped(ref) {
					if st, ok := status[m]; ok && m.Catalog == catalog.ISO {
						g.Add(st)
						if !counted[m] {
							counted[m] = true
							gc.Total.Add(st)
						}
					}
				}
				gc.Themes = append(gc.Themes, g)
				continue
			}
			gc.Total.Add(st)
			if g := themes[ctl.Theme]; g != nil {
				g.Add(st)
			}
		}
		rep.Catalogs = append(rep.Catalogs, gc)
	}
	var custom []SoARow
	for _, r := range rows {
		if r.CatalogID == CustomCatalog {
			custom = append(custom, r)
		}
	}
	if len(custom) > 0 {
		gc := GapCatalog{CatalogID: CustomCatalog, Name: "Own controls", NameSV: "Egna åtgärder", Themes: []GapGroup{}}
		for _, r := range custom {
			gc.Total.Add(domain.ControlStatus(r.Status))
		}
		rep.Catalogs = append(rep.Catalogs, gc)
	}
	units, err := a.db.ListOrgUnits(ctx, mun)
	if err != nil {
		return rep, err
	}
	// Per unit: the Annex A rows' own statuses, each replaced where the unit has one of its
	// own (one pass over the unit statuses, not units × rows × statuses).
	var base GapCounts
	perUnit := map[int64]*GapCounts{}
	for _, u := range units {
		perUnit[u.ID] = &GapCounts{}
	}
	for _, r := range rows {
		if r.CatalogID != catalog.ISO {
			continue
		}
		base.Add(r.Base())                  // a unit follows the municipality's base status …
		for _, us := range r.UnitStatuses { // … or has its own
			if g := perUnit[us.OrgUnitID]; g != nil {
				g.sub(r.Base())
				g.Add(us.Status)
			}
		}
	}
	for _, u := range units {
		g := GapGroup{ID: strconv.FormatInt(u.ID, 10), Title: u.Name, TitleSV: u.Name, GapCounts: base}
		g.plus(*perUnit[u.ID])
		rep.Units = append(rep.Units, g)
	}
	return rep, nil
}

// SoAProgress counts the Annex A rows of mun's statement of applicability by status (what the
// gap analysis's Annex A total says), read without unit statuses or evidence: the dashboard's
// figure. Every reader of the statement reads the same rows, so the counts are shared as
// countCache says. Returns ENotFound, EForbidden.
func (a *App) SoAProgress(ctx context.Context, c Caller, mun int64) (GapCounts, error) {
	if err := a.require(c, mun, authz.ObjControl, authz.Read); err != nil {
		return GapCounts{}, err
	}
	return getShared(a, fmt.Sprint("soaprogress/", mun), func() (GapCounts, error) {
		rows, err := a.SoASummary(ctx, c, mun)
		var g GapCounts
		for _, r := range rows {
			if r.CatalogID == catalog.ISO {
				g.Add(domain.ControlStatus(r.Status))
			}
		}
		return g, err
	})
}
