package app

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// Incidents (issue 10): anyone with a role reports; staff see their own reports; information
// owners the incidents of their units; the coordinator triages and handles them all;
// management and auditors read.

// Incidents lists one page of the incidents of mun the caller may read, newest first.
// Returns ENotFound, EForbidden.
func (a *App) Incidents(ctx context.Context, c Caller, mun int64, f store.IncidentFilter) ([]domain.Incident, error) {
	v, err := a.incidentView(c, mun)
	if err != nil {
		return nil, err
	}
	return a.db.ListIncidents(ctx, mun, v, f)
}

func (a *App) incidentView(c Caller, mun int64) (domain.Visibility, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Visibility{}, err
	}
	v := a.az.Filter(c.P, mun, authz.ObjIncident, authz.Read)
	if v.None() {
		return v, domain.Forbidden()
	}
	return v, nil
}

// Incident returns one incident the caller may read. Returns ENotFound.
func (a *App) Incident(ctx context.Context, c Caller, mun, id int64) (domain.Incident, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Incident{}, err
	}
	inc, err := a.db.GetIncident(ctx, mun, id)
	if err != nil {
		return inc, err
	}
	if !a.az.Can(c.P, mun, authz.ObjIncident, authz.Read, target(inc.Record)) {
		return domain.Incident{}, domain.NotFound()
	}
	return inc, nil
}

// ReportIncident stores a new incident report. Anyone with a role may report what happened,
// when it was discovered, where, which systems or supplier and whether personal data may be
// involved; the handler's fields (status, triage, clocks' moments) need the right to handle
// incidents. The coordinators are notified. Returns ENotFound, EForbidden, EInvalid.
func (a *App) ReportIncident(ctx context.Context, c Caller, mun int64, in domain.IncidentInput) (domain.Incident, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Incident{}, err
	}
	if !a.az.CanSome(c.P, mun, authz.ObjIncident, authz.Create) {
		return domain.Incident{}, domain.Forbidden()
	}
	if fields := in.HandlerOnly(); len(fields) > 0 && !a.az.Can(c.P, mun, authz.ObjIncident, authz.Update, nil) {
		return domain.Incident{}, forbiddenField(fields[0], "err.handler_only")
	}
	inc := domain.Incident{Record: domain.Record{MunicipalityID: mun}}
	if err := domain.ApplyIncident(&inc, in, c.P.User.ID, a.now()); err != nil {
		return inc, err
	}
	err := a.db.InTx(ctx, func(ctx context.Context) error {
		if err := a.checkIncident(ctx, c, nil, &inc); err != nil {
			return err
		}
		if err := a.db.CreateIncident(ctx, c.actor(), &inc, domain.IncidentChanges(domain.Incident{}, inc, a.now())); err != nil {
			return err
		}
		return a.db.NotifyRole(ctx, mun, domain.RoleCoordinator, inc.ID, "incident_reported", []string{inc.Title}, c.P.User.ID)
	})
	// The incident as stored, without reading it back: the store completed its timeline and
	// clocks (a test compares the answer with a read).
	return inc, err
}

// UpdateIncident applies the handler's change to an incident: triage, workflow, moments,
// decisions, links. Each change lands in the timeline and the audit trail; the clocks follow.
// Returns ENotFound, EForbidden, EInvalid.
func (a *App) UpdateIncident(ctx context.Context, c Caller, mun, id int64, in domain.IncidentInput) (domain.Incident, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Incident{}, err
	}
	return a.db.UpdateIncident(ctx, c.actor(), mun, id, func(ctx context.Context, inc *domain.Incident) ([]domain.IncidentEvent, error) {
		if !a.az.Can(c.P, mun, authz.ObjIncident, authz.Read, target(inc.Record)) {
			return nil, domain.NotFound()
		}
		if !a.az.Can(c.P, mun, authz.ObjIncident, authz.Update, target(inc.Record)) {
			return nil, domain.Forbidden()
		}
		before := *inc
		before.AssetIDs, before.UnitIDs, before.RiskIDs = slices.Clone(inc.AssetIDs), slices.Clone(inc.UnitIDs), slices.Clone(inc.RiskIDs)
		now := a.now()
		if err := domain.ApplyIncident(inc, in, c.P.User.ID, now); err != nil {
			return nil, err
		}
		if err := a.checkIncident(ctx, c, &before, inc); err != nil {
			return nil, err
		}
		return domain.IncidentChanges(before, *inc, now), nil
	})
}

// checkIncident checks what an incident names: the core's unit and handler, the affected
// units, assets of the municipality (a reporter names a system whether or not they may read
// its page), a supplier of the municipality, and risks the caller may read.
func (a *App) checkIncident(ctx context.Context, c Caller, before, inc *domain.Incident) error {
	var beforeCore *domain.Record
	if before != nil {
		beforeCore = &before.Record
	}
	if err := a.mayWriteCore(c, beforeCore, &inc.Record); err != nil {
		return err
	}
	p := domain.Problems{}
	if err := a.checkCoreRefs(ctx, c, beforeCore, &inc.Record, p, "affected_unit_ids", inc.UnitIDs); err != nil {
		return err
	}
	mun := inc.MunicipalityID
	all := domain.Visibility{All: true}
	check := func(field string, kind domain.Kind, v domain.Visibility, ids []int64, old []int64) error {
		var fresh []int64
		for _, id := range ids {
			if !slices.Contains(old, id) { // what was linked stays linked, readable or not
				fresh = append(fresh, id)
			}
		}
		if len(fresh) == 0 {
			return nil
		}
		found, err := a.db.RiskTitles(ctx, mun, kind, v, fresh)
		if err != nil {
			return err
		}
		if len(found) != len(fresh) {
			p.Add(field, "err.unknown_ids")
		}
		return nil
	}
	var oldAssets, oldRisks, oldSupplier []int64
	if before != nil {
		oldAssets, oldRisks = before.AssetIDs, before.RiskIDs
		if before.SupplierID != nil {
			oldSupplier = []int64{*before.SupplierID}
		}
	}
	if err := check("asset_ids", domain.RiskAssetKind, all, inc.AssetIDs, oldAssets); err != nil {
		return err
	}
	if inc.SupplierID != nil {
		if err := check("supplier_id", domain.KindSupplier, all, []int64{*inc.SupplierID}, oldSupplier); err != nil {
			return err
		}
	}
	if err := check("risk_ids", domain.KindRisk, a.az.Filter(c.P, mun, authz.ObjRisk, authz.Read), inc.RiskIDs, oldRisks); err != nil {
		return err
	}
	return p.Err()
}

// RecordIncidentReport records a report made to an authority: its clock is done (late, with
// the reason, when after the deadline). Returns ENotFound, EForbidden, EInvalid, EConflict (a
// report of that kind is recorded).
func (a *App) RecordIncidentReport(ctx context.Context, c Caller, mun, id int64, in domain.ReportInput) (domain.IncidentReport, error) {
	if err := a.member(c, mun); err != nil {
		return domain.IncidentReport{}, err
	}
	return a.db.AddIncidentReport(ctx, c.actor(), mun, id, func(ctx context.Context, inc domain.Incident) (domain.IncidentReport, error) {
		if err := a.mayHandle(c, inc); err != nil {
			return domain.IncidentReport{}, err
		}
		return domain.ApplyReport(inc, in, a.now())
	})
}

// AddIncidentNote adds a note to an incident's timeline. Returns ENotFound, EForbidden,
// EInvalid.
func (a *App) AddIncidentNote(ctx context.Context, c Caller, mun, id int64, in domain.NoteInput) (domain.IncidentEvent, error) {
	if err := a.member(c, mun); err != nil {
		return domain.IncidentEvent{}, err
	}
	return a.db.AddIncidentNote(ctx, c.actor(), mun, id, func(ctx context.Context, inc domain.Incident) (domain.IncidentEvent, error) {
		if err := a.mayHandle(c, inc); err != nil {
			return domain.IncidentEvent{}, err
		}
		return domain.ApplyNote(inc, in, a.now())
	})
}

func (a *App) mayHandle(c Caller, inc domain.Incident) error {
	if !a.az.Can(c.P, inc.MunicipalityID, authz.ObjIncident, authz.Read, target(inc.Record)) {
		return domain.NotFound()
	}
	if !a.az.Can(c.P, inc.MunicipalityID, authz.ObjIncident, authz.Update, target(inc.Record)) {
		return domain.Forbidden()
	}
	return nil
}

// OpenClocks returns the nearest deadlines of the incidents the caller may read (the
// dashboard's clocks): none for one who reads no incidents.
func (a *App) OpenClocks(ctx context.Context, c Caller, mun int64, limit int) ([]store.OpenClock, error) {
	v, err := a.incidentView(c, mun)
	if err != nil {
		if domain.ErrorCode(err) == domain.EForbidden {
			return []store.OpenClock{}, nil
		}
		return nil, err
	}
	return a.db.OpenClocks(ctx, mun, v, limit)
}

// IncidentStats counts the incidents the caller may read by month (the last 12, every month
// named, none left out), category, unit, supplier or severity; units and suppliers are named
// (a supplier the caller may not read by its id). Those who read every incident share the
// counts as countCache says (kommun-L's 100,000 incidents take milliseconds to count).
// Returns ENotFound, EForbidden, EInvalid.
func (a *App) IncidentStats(ctx context.Context, c Caller, mun int64, by string) ([]store.IncidentCount, error) {
	v, err := a.incidentView(c, mun)
	if err != nil {
		return nil, err
	}
	const months = 12
	var out []store.IncidentCount
	if !v.All || !slices.Contains(store.IncidentStatsBy, by) {
		out, err = a.db.IncidentStats(ctx, mun, v, by, months)
	} else {
		var rows []store.IncidentCount
		rows, err = getShared(a, fmt.Sprint("incstats/", mun, "/", by, "/", a.Today()), func() ([]store.IncidentCount, error) {
			return a.db.IncidentStats(ctx, mun, v, by, months)
		})
		out = slices.Clone(rows) // the shared rows are read only: the names go on a copy
	}
	if err != nil {
		return nil, err
	}
	switch by {
	case "month": // a month without incidents is a month with none, not a gap in the chart
		got := map[string]int{}
		for _, x := range out {
			got[x.Key] = x.N
		}
		out = out[:0]
		now := a.now()
		for i := months - 1; i >= 0; i-- {
			m := domain.AddLegalMonths(now, -i).In(domain.Sweden).Format("2006-01")
			out = append(out, store.IncidentCount{Key: m, Name: m, N: got[m]})
		}
	case "unit":
		units, err := a.db.ListOrgUnits(ctx, mun)
		if err != nil {
			return nil, err
		}
		names := map[string]string{}
		for _, u := range units {
			names[strconv.FormatInt(u.ID, 10)] = u.Name
		}
		for i := range out {
			out[i].Name = names[out[i].Key]
		}
	case "supplier":
		var ids []int64
		for _, x := range out {
			if n, err := strconv.ParseInt(x.Key, 10, 64); err == nil {
				ids = append(ids, n)
			}
		}
		names, err := a.db.RiskTitles(ctx, mun, domain.KindSupplier, a.az.Filter(c.P, mun, authz.ObjSupplier, authz.Read), ids)
		if err != nil {
			return nil, err
		}
		for i := range out {
			if n, err := strconv.ParseInt(out[i].Key, 10, 64); err == nil {
				out[i].Name = names[n]
			}
		}
	}
	return out, nil
}

// IncidentsOf lists the incidents linked to record id (an asset's page) that the caller may
// read, newest first.
func (a *App) IncidentsOf(ctx context.Context, c Caller, mun, id int64, limit int) ([]domain.Incident, error) {
	v, err := a.incidentView(c, mun)
	if err != nil {
		if domain.ErrorCode(err) == domain.EForbidden {
			return []domain.Incident{}, nil
		}
		return nil, err
	}
	return a.db.ListIncidents(ctx, mun, v, store.IncidentFilter{LinkedID: id, Limit: limit, Bare: true})
}

// Recipients returns who receives each kind of report in mun (the defaults where the
// municipality set none). Returns ENotFound, EForbidden.
func (a *App) Recipients(ctx context.Context, c Caller, mun int64) (map[domain.ClockKind]store.Recipient, error) {
	if _, err := a.incidentView(c, mun); err != nil {
		return nil, err
	}
	return a.db.Recipients(ctx, mun)
}

// SetRecipients sets who receives each kind of report, and how. Returns ENotFound,
// EForbidden, EInvalid.
func (a *App) SetRecipients(ctx context.Context, c Caller, mun int64, rs []store.Recipient) error {
	if err := a.member(c, mun); err != nil {
		return err
	}
	if !a.az.Can(c.P, mun, authz.ObjIncident, authz.Configure, nil) {
		return domain.Forbidden()
	}
	p := domain.Problems{}
	seen := map[string]bool{}
	for _, r := range rs {
		field := "recipient_" + r.Kind
		if !slices.Contains(domain.ReportKinds, domain.ClockKind(r.Kind)) || seen[r.Kind] {
			p.Add("kind", "err.enum")
			continue
		}
		seen[r.Kind] = true
		domain.ValidateText(p, field, r.Recipient, true, 200)
		domain.ValidateText(p, "channel_"+r.Kind, r.Channel, false, 200)
	}
	if err := p.Err(); err != nil {
		return err
	}
	return a.db.SetRecipients(ctx, c.actor(), mun, rs)
}

// ReportableSystems are the systems and control systems of mun a reporter may name (by name,
// whether or not they may read their pages): up to 500, by name. Returns ENotFound,
// EForbidden.
func (a *App) ReportableSystems(ctx context.Context, c Caller, mun int64) ([]domain.Asset, error) {
	if err := a.member(c, mun); err != nil {
		return nil, err
	}
	if !a.az.CanSome(c.P, mun, authz.ObjIncident, authz.Create) {
		return nil, domain.Forbidden()
	}
	var out []domain.Asset
	for _, k := range []domain.AssetKind{domain.AssetSystem, domain.AssetICS} {
		list, err := a.db.ListAssets(ctx, mun, domain.Visibility{All: true}, store.AssetFilter{Kind: k, Bare: true, Limit: 500})
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	slices.SortFunc(out, func(x, y domain.Asset) int {
		return strings.Compare(domain.FoldTitle(x.Title), domain.FoldTitle(y.Title))
	})
	return out, nil
}

// IncidentAssetNames are the names of the assets inc names, for one who may read inc.
func (a *App) IncidentAssetNames(ctx context.Context, c Caller, mun int64, inc domain.Incident) (map[int64]string, error) {
	if len(inc.AssetIDs) == 0 {
		return map[int64]string{}, nil
	}
	if !a.az.Can(c.P, mun, authz.ObjIncident, authz.Read, target(inc.Record)) {
		return nil, domain.NotFound()
	}
	return a.db.RiskTitles(ctx, mun, domain.RiskAssetKind, domain.Visibility{All: true}, inc.AssetIDs)
}

// CreateRiskFromIncident creates a risk and links it to the incident it came from, in one
// transaction: the caller must be allowed to handle the incident and to create the risk.
// Returns ENotFound, EForbidden, EInvalid.
func (a *App) CreateRiskFromIncident(ctx context.Context, c Caller, mun, incident int64, in domain.RiskInput) (domain.Risk, error) {
	var r domain.Risk
	err := a.db.InTx(ctx, func(ctx context.Context) error {
		inc, err := a.Incident(ctx, c, mun, incident)
		if err != nil {
			return err
		}
		if !a.az.Can(c.P, mun, authz.ObjIncident, authz.Update, target(inc.Record)) {
			return domain.Forbidden()
		}
		if r, err = a.CreateRisk(ctx, c, mun, in); err != nil {
			return err
		}
		risks := append(slices.Clone(inc.RiskIDs), r.ID)
		_, err = a.UpdateIncident(ctx, c, mun, incident, domain.IncidentInput{RiskIDs: &risks})
		return err
	})
	return r, err
}
