package demo

import (
	"fmt"
	"time"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// sharedSetName is the information set of kommun-L that SharedCarriers systems carry (the
// benchmark of re-deriving every carrier's levels when one set is classified again).
const sharedSetName = "Kommungemensamt adressregister"

// SharedCarriers is how many systems of kommun-L carry the shared information set.
const SharedCarriers = 500

// seedLargeAssets adds n information assets to municipality mun: 60 % information sets,
// every one classified (levels skewed low, as real registers are), 35 % systems carrying one
// to five sets of their own unit's or the municipality's, the first of them hosting other
// systems (a platform), and 5 % industrial control systems; SharedCarriers systems carry
// the shared address register. Effective levels are derived here by the same rule
// (domain.Inherit), so the stored ones are what re-derivation would give.
func seedLargeAssets(l *store.Loader, mun int64, n int, units []int64, owners map[int64][]int64, ownerIDs []int64, pick func(int) int,
	today domain.Date, now time.Time, say func(string, ...any)) error {
	if n == 0 {
		return nil
	}
	say("%d informationstillgångar", n)
	first, err := l.NextID("records", n)
	if err != nil {
		return err
	}
	firstCl, err := l.NextID("asset_classifications", n)
	if err != nil {
		return err
	}
	levelOf := func() int { // 0–4, most assets at 1–3
		return []int{0, 1, 1, 2, 2, 2, 3, 3, 4}[pick(9)]
	}
	nSets, nICS := n*60/100, n*5/100
	type node struct {
		id      int64
		kind    domain.AssetKind
		unit    int64
		own     domain.Levels
		carries []int64
	}
	nodes := make([]node, n)
	setsOf := map[int64][]int64{} // unit -> its information sets
	var sets []int64
	for i := range nodes {
		id := first + int64(i)
		unit := units[pick(len(units))]
		nd := node{id: id, unit: unit, kind: domain.AssetSystem}
		switch {
		case i < nSets:
			nd.kind = domain.AssetInformation
			for _, a := range domain.Aspects {
				v := levelOf()
				nd.own.Set(a, &v)
			}
			setsOf[unit] = append(setsOf[unit], id)
			sets = append(sets, id)
		case i >= n-nICS:
			nd.kind = domain.AssetICS
		}
		nodes[i] = nd
	}
	// Carrying: systems and control systems carry sets of their unit (or any); the first
	// systems are platforms hosting later ones, so there is no cycle.
	platforms := max(1, (n-nSets-nICS)/50)
	shared := 0
	for i := nSets; i < n; i++ {
		nd := &nodes[i]
		if i < nSets+platforms {
			for range 5 + pick(20) {
				j := nSets + platforms + pick(n-nSets-platforms)
				nd.carries = append(nd.carries, nodes[j].id)
			}
			continue
		}
		pool := setsOf[nd.unit]
		if len(pool) == 0 {
			pool = sets
		}
		for range 1 + pick(5) {
			nd.carries = append(nd.carries, pool[pick(len(pool))])
		}
		if shared < SharedCarriers && nd.kind == domain.AssetSystem {
			nd.carries = append(nd.carries, sets[0])
			shared++
		}
		nd.carries = uniq(nd.carries)
	}
	for i := nSets; i < nSets+platforms; i++ {
		nodes[i].carries = uniq(nodes[i].carries)
	}
	// Effective levels: sets their own; systems after what they carry (platforms last).
	eff := make(map[int64]domain.Levels, n)
	for i := range nSets {
		eff[nodes[i].id] = nodes[i].own
	}
	derive := func(nd node) {
		var from []domain.Levels
		for _, c := range nd.carries {
			from = append(from, eff[c])
		}
		eff[nd.id] = domain.Inherit(from, nil)
	}
	for i := nSets + platforms; i < n; i++ {
		derive(nodes[i])
	}
	for i := nSets; i < nSets+platforms; i++ {
		derive(nodes[i])
	}

	areas := domain.ActivityAreas
	var recs, assets, carries, cls [][]any
	for i, nd := range nodes {
		var owner any
		if os := owners[nd.unit]; len(os) > 0 {
			owner = os[pick(len(os))]
		} else if len(ownerIDs) > 0 {
			owner = ownerIDs[pick(len(ownerIDs))]
		}
		status := domain.AssetActive
		switch pick(20) {
		case 0:
			status = domain.AssetPlanned
		case 1:
			status = domain.AssetRetired
		}
		var next domain.Date
		if pick(10) < 3 { // 30 % due for re-classification
			next = today.AddDays(-1 - pick(365))
		} else {
			next = today.AddDays(pick(730))
		}
		last := next.AddMonths(-24)
		title := assetTitle(nd.kind, i)
		if i == 0 {
			title = sharedSetName
		}
		recs = append(recs, []any{nd.id, mun, string(domain.KindAsset), "", title, domain.FoldTitle(title), nd.unit, owner, status, 24, last, next, now, now})
		e := eff[nd.id]
		personal := nd.kind == domain.AssetInformation && pick(2) == 0
		var clID any
		var lc, li, la, lt any
		if nd.kind == domain.AssetInformation {
			c := firstCl + int64(i)
			clID = c
			lc, li, la, lt = *nd.own.Confidentiality, *nd.own.Integrity, *nd.own.Availability, *nd.own.Traceability
			cls = append(cls, []any{c, nd.id, "KLASSA", 1, lc, li, la, lt, last, owner, "", "direct", "Klassad i verksamhetens workshop.", "", "", now})
		}
		ics := nd.kind == domain.AssetICS
		assets = append(assets, []any{nd.id, string(nd.kind), "", nil, string(areas[pick(len(areas))]), personal, personal && pick(4) == 0,
			[]string{"", "Leverantör A AB", "Leverantör B AB", "Molntjänst C"}[pick(4)], ics && pick(2) == 0, map[bool]string{true: "OT-zon", false: ""}[ics], ics && pick(3) == 0,
			"", nil, clID, lc, li, la, lt, e.Confidentiality, e.Integrity, e.Availability, e.Traceability})
		for _, c := range nd.carries {
			carries = append(carries, []any{nd.id, c})
		}
	}
	for _, t := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"records", []string{"id", "municipality_id", "kind", "ref", "title", "title_fold", "org_unit_id", "owner_id", "status", "review_interval_months", "last_reviewed_at", "next_review_at", "created_at", "updated_at"}, recs},
		{"assets", []string{"record_id", "asset_kind", "description", "system_owner_id", "activity_area", "personal_data", "special_categories", "supplier",
			"critical_infrastructure", "network_zone", "vendor_remote_access", "reclassify_reason", "reclassify_at", "classification_id",
			"level_c", "level_i", "level_a", "level_t", "eff_c", "eff_i", "eff_a", "eff_t"}, assets},
		{"asset_classifications", []string{"id", "record_id", "model", "model_version", "level_c", "level_i", "level_a", "level_t", "classified_at",
			"classified_by", "participants", "method", "rationale", "answers", "overrides", "created_at"}, cls},
		{"asset_carries", []string{"system_id", "carried_id"}, carries},
	} {
		if err := l.Insert(t.table, t.cols, t.rows); err != nil {
			return err
		}
	}
	return nil
}

var (
	setWords    = []string{"Journaler", "Ärenden", "Register", "Beslut", "Avtal", "Mätdata", "Ritningar", "Protokoll", "Elevuppgifter", "Personalakter"}
	systemWords = []string{"Verksamhetssystem", "E-tjänst", "Ärendesystem", "Lärplattform", "Ekonomisystem", "Fastighetssystem", "Molntjänst"}
	icsWords    = []string{"SCADA vattenverk", "Styrsystem fjärrvärme", "Fastighetsautomation", "Styrsystem reningsverk"}
)

func assetTitle(kind domain.AssetKind, i int) string {
	switch kind {
	case domain.AssetInformation:
		return fmt.Sprintf("%s %05d", setWords[i%len(setWords)], i+1)
	case domain.AssetICS:
		return fmt.Sprintf("%s %05d", icsWords[i%len(icsWords)], i+1)
	}
	return fmt.Sprintf("%s %05d", systemWords[i%len(systemWords)], i+1)
}

func uniq(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
