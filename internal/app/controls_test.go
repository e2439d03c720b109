package app_test

import (
	"errors"
	"strconv"
	"testing"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
)

func soaRow(t *testing.T, rows []app.SoARow, id string) app.SoARow {
	t.Helper()
	for _, r := range rows {
		if r.ControlID == id {
			return r
		}
	}
	t.Fatalf("no SoA row %s", id)
	return app.SoARow{}
}

func TestStatementOfApplicability(t *testing.T) {
	f := newFixture(t)
	rows, err := f.app.SoA(f.ctx, f.coord, f.munA)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 93 || rows[0].ControlID != "5.1" || rows[92].ControlID != "8.34" {
		t.Fatalf("SoA has %d rows, first %q", len(rows), rows[0].ControlID)
	}
	r := soaRow(t, rows, "5.24")
	if !r.Applicable || r.Status != "not_started" || r.NextReviewAt == nil || r.Theme != "organizational" || r.ControlTitleSV == "" {
		t.Errorf("fresh row = %+v", r)
	}
	// Reading twice creates nothing more.
	rows2, _ := f.app.SoA(f.ctx, f.mgmt, f.munA)
	if len(rows2) != 93 {
		t.Errorf("second read: %d rows", len(rows2))
	}
	// Who reads: everyone but staff; another municipality's coordinator finds nothing.
	if _, err := f.app.SoA(f.ctx, f.auditor, f.munA); err != nil {
		t.Errorf("auditor: %v", err)
	}
	if _, err := f.app.SoA(f.ctx, f.owner, f.munA); err != nil {
		t.Errorf("owner: %v", err)
	}
	_, err = f.app.SoA(f.ctx, f.staff, f.munA)
	wantCode(t, err, domain.EForbidden)
	_, err = f.app.SoA(f.ctx, f.coordB, f.munA)
	wantCode(t, err, domain.ENotFound)
	_, err = f.app.UpdateSoA(f.ctx, f.coordB, f.munA, "5.1", domain.SoAInput{Status: sp("implemented")})
	wantCode(t, err, domain.ENotFound)

	// Not applicable needs a justification.
	no := false
	_, err = f.app.UpdateSoA(f.ctx, f.coord, f.munA, "7.4", domain.SoAInput{Applicable: &no})
	if e := wantCode(t, err, domain.EInvalid); e.Fields["justification"] == "" {
		t.Errorf("fields = %v", e.Fields)
	}
	c, err := f.app.UpdateSoA(f.ctx, f.coord, f.munA, "7.4", domain.SoAInput{Applicable: &no, Justification: sp("Ingen egen serverhall; driften är upphandlad.")})
	if err != nil || c.Status != "not_applicable" || c.Applicable {
		t.Fatalf("not applicable: %+v %v", c, err)
	}
	// Swedish status words are understood.
	c, err = f.app.UpdateSoA(f.ctx, f.coord, f.munA, "5.1", domain.SoAInput{Status: sp("införd")})
	if err != nil || c.Status != "implemented" {
		t.Fatalf("införd: %+v %v", c, err)
	}
	_, err = f.app.UpdateSoA(f.ctx, f.coord, f.munA, "5.1", domain.SoAInput{Status: sp("klar")})
	wantCode(t, err, domain.EInvalid)
	_, err = f.app.UpdateSoA(f.ctx, f.coord, f.munA, "9.99", domain.SoAInput{Status: sp("partial")})
	wantCode(t, err, domain.ENotFound)

	// Issue #8 item 23: a unit follows the municipality's base status or has its own (with a
	// comment); the row's status is the overall one over all three units, by a stated rule,
	// and does not change the base the following units have.
	type us = domain.UnitStatusInput
	c, err = f.app.UpdateSoA(f.ctx, f.coord, f.munA, "5.15", domain.SoAInput{Status: sp("implemented"),
		UnitStatuses: &[]us{{OrgUnitID: f.unitIT, Status: "partial", Comment: "Gamla servrar kvar"}}})
	if err != nil || c.Status != "partial" || c.BaseStatus != "implemented" || len(c.UnitStatuses) != 1 || c.UnitStatuses[0].Comment != "Gamla servrar kvar" {
		t.Fatalf("one unit partial: %+v %v", c, err)
	}
	row, err := f.app.SoARow(f.ctx, f.coord, f.munA, "5.15")
	if err != nil || row.BaseStatus != "implemented" || row.Status != "partial" || row.UnitStatuses[0].Comment != "Gamla servrar kvar" {
		t.Fatalf("stored: %+v %v", row, err)
	}
	// The other units still follow the base: implemented once IT is.
	c, err = f.app.UpdateSoA(f.ctx, f.coord, f.munA, "5.15", domain.SoAInput{UnitStatuses: &[]us{{OrgUnitID: f.unitIT, Status: "implemented"}}})
	if err != nil || c.Status != "implemented" || c.BaseStatus != "implemented" {
		t.Fatalf("all implemented: %+v %v", c, err)
	}
	// Own statuses in some units, the base not started: partial while anything has started.
	c, err = f.app.UpdateSoA(f.ctx, f.coord, f.munA, "5.15", domain.SoAInput{Status: sp("not_started"),
		UnitStatuses: &[]us{{OrgUnitID: f.unitSoc, Status: "implemented"}, {OrgUnitID: f.unitIT, Status: "implemented"}}})
	if err != nil || c.Status != "partial" || c.BaseStatus != "not_started" {
		t.Fatalf("base not started, two units implemented: %+v %v", c, err)
	}
	_, err = f.app.UpdateSoA(f.ctx, f.coord, f.munA, "5.15", domain.SoAInput{UnitStatuses: &[]us{{OrgUnitID: f.unitB, Status: "implemented"}}})
	wantCode(t, err, domain.EInvalid) // a unit of another municipality

	// Evidence: a governing document of the same municipality, not of another.
	doc := f.doc(f.coord, domain.DocumentInput{Type: sp("policy"), Title: sp("Informationssäkerhetspolicy"), OrgUnitID: &f.unitKS})
	c, err = f.app.UpdateSoA(f.ctx, f.coord, f.munA, "5.1", domain.SoAInput{EvidenceIDs: &[]int64{doc.ID}})
	if err != nil || len(c.EvidenceIDs) != 1 || c.EvidenceIDs[0] != doc.ID {
		t.Fatalf("evidence: %+v %v", c, err)
	}
	docB, err := f.app.CreateDocument(f.ctx, f.coordB, f.munB, domain.DocumentInput{Type: sp("policy"), Title: sp("B"), OrgUnitID: &f.unitB})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.app.UpdateSoA(f.ctx, f.coord, f.munA, "5.1", domain.SoAInput{EvidenceIDs: &[]int64{docB.ID}})
	wantCode(t, err, domain.EInvalid)

	// Information owners update the rows they own, and only those, and cannot give them away.
	_, err = f.app.UpdateSoA(f.ctx, f.owner, f.munA, "5.24", domain.SoAInput{Status: sp("partial")})
	wantCode(t, err, domain.EForbidden)
	if _, err := f.app.UpdateSoA(f.ctx, f.coord, f.munA, "5.24", domain.SoAInput{OwnerID: &f.ownerID}); err != nil {
		t.Fatal(err)
	}
	if c, err := f.app.UpdateSoA(f.ctx, f.owner, f.munA, "5.24", domain.SoAInput{Status: sp("partial")}); err != nil || c.Status != "partial" {
		t.Errorf("owner updating own row: %+v %v", c, err)
	}
	_, err = f.app.UpdateSoA(f.ctx, f.owner, f.munA, "5.24", domain.SoAInput{OwnerID: &f.owner2ID})
	wantCode(t, err, domain.EForbidden)
	// Management and auditors read but do not write.
	_, err = f.app.UpdateSoA(f.ctx, f.mgmt, f.munA, "5.2", domain.SoAInput{Status: sp("implemented")})
	wantCode(t, err, domain.EForbidden)
	_, err = f.app.UpdateSoA(f.ctx, f.auditor, f.munA, "5.2", domain.SoAInput{Status: sp("implemented")})
	wantCode(t, err, domain.EForbidden)
	// The owner's controls are on their review list.
	items, err := f.app.Dues(f.ctx, f.owner, f.munA, domain.DueFilterAll, true, 0)
	if err != nil || len(items) == 0 || items[len(items)-1].Kind != domain.KindControl && !hasKind(items, domain.KindControl) {
		t.Errorf("owner's review list lacks the control: %v %v", dueTitles(items), err)
	}
}

func hasKind(items []domain.DueItem, k domain.Kind) bool {
	for _, it := range items {
		if it.Kind == k {
			return true
		}
	}
	return false
}

func TestSoAImportIsAllOrNothing(t *testing.T) {
	f := newFixture(t)
	ids := []string{"5.1", "5.2", "5.3"}
	ins := []domain.SoAInput{{Status: sp("implemented")}, {Status: sp("bogus")}, {Applicable: new(bool)}}
	_, err := f.app.UpdateSoARows(f.ctx, f.coord, f.munA, ids, ins, false)
	e := wantCode(t, err, domain.EInvalid)
	var re *app.RowsError
	if !errors.As(e, &re) || len(re.Rows) != 2 || re.Rows[0].Row != 2 || re.Rows[1].Row != 3 || re.Rows[1].Fields["justification"] == "" {
		t.Fatalf("row errors = %+v", re)
	}
	rows, _ := f.app.SoA(f.ctx, f.coord, f.munA)
	if r := soaRow(t, rows, "5.1"); r.Status != "not_started" {
		t.Errorf("5.1 was stored although the import failed: %s", r.Status)
	}
	// A dry run computes the change and stores nothing.
	out, err := f.app.UpdateSoARows(f.ctx, f.coord, f.munA, ids[:1], ins[:1], true)
	if err != nil || len(out) != 1 || out[0].Status != "implemented" {
		t.Fatalf("dry run: %+v %v", out, err)
	}
	rows, _ = f.app.SoA(f.ctx, f.coord, f.munA)
	if r := soaRow(t, rows, "5.1"); r.Status != "not_started" {
		t.Errorf("dry run stored 5.1: %s", r.Status)
	}
	// Unknown control ids are named.
	_, err = f.app.UpdateSoARows(f.ctx, f.coord, f.munA, []string{"5.1", "X.9"}, ins[:2], false)
	if !errors.As(err, &re) || len(re.Rows) != 1 || re.Rows[0].ControlID != "X.9" {
		t.Errorf("unknown id: %v", err)
	}
}

func TestGapAnalysisFollowsMappings(t *testing.T) {
	f := newFixture(t)
	for _, id := range []string{"5.24", "5.25", "5.26", "5.27", "5.28"} {
		if _, err := f.app.UpdateSoA(f.ctx, f.coord, f.munA, id, domain.SoAInput{Status: sp("implemented")}); err != nil {
			t.Fatal(err)
		}
	}
	g, err := f.app.Gap(f.ctx, f.auditor, f.munA)
	if err != nil {
		t.Fatal(err)
	}
	var iso, nis2 *app.GapCatalog
	for i := range g.Catalogs {
		switch g.Catalogs[i].CatalogID {
		case "iso27001-2022":
			iso = &g.Catalogs[i]
		case "nis2-art21":
			nis2 = &g.Catalogs[i]
		}
	}
	if iso == nil || nis2 == nil {
		t.Fatalf("catalogs: %+v", g.Catalogs)
	}
	if iso.Total.Implemented != 5 || iso.Total.NotStarted != 88 || iso.Themes[0].ID != "organizational" || iso.Themes[0].Implemented != 5 || iso.Themes[0].Share(5) != 14 {
		t.Errorf("ISO totals %+v, organizational %+v", iso.Total, iso.Themes[0])
	}
	// One counting rule: the NIS2 total counts each Annex A control mapped to a measure once
	// (5.24–5.28, mapped to incident handling 21.2.b, are implemented), as its rows do.
	var b app.GapCounts
	for _, th := range nis2.Themes {
		if th.ID == "21.2.b" {
			b = th.GapCounts
		}
	}
	if nis2.Total.Implemented != 5 || nis2.Total.Applicable() < 20 || b.Implemented != 5 || b.NotStarted < 1 {
		t.Errorf("NIS2 totals %+v, 21.2.b %+v", nis2.Total, b)
	}
	if len(g.Units) != 3 {
		t.Fatalf("units: %+v", g.Units)
	}
	// A unit's own status replaces the municipality's base status in that unit only (the
	// others follow the base: 5.24 stays implemented in KS and Soc).
	type us = domain.UnitStatusInput
	if _, err := f.app.UpdateSoA(f.ctx, f.coord, f.munA, "5.24", domain.SoAInput{UnitStatuses: &[]us{{OrgUnitID: f.unitIT, Status: "not_started"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.UpdateSoA(f.ctx, f.coord, f.munA, "8.13", domain.SoAInput{UnitStatuses: &[]us{{OrgUnitID: f.unitIT, Status: "partial"}, {OrgUnitID: f.unitSoc, Status: "implemented"}}}); err != nil {
		t.Fatal(err)
	}
	if g, err = f.app.Gap(f.ctx, f.auditor, f.munA); err != nil {
		t.Fatal(err)
	}
	want := map[int64]app.GapCounts{f.unitKS: {Implemented: 5, NotStarted: 88}, f.unitIT: {Implemented: 4, Partial: 1, NotStarted: 88}, f.unitSoc: {Implemented: 6, NotStarted: 87}}
	for _, u := range g.Units {
		id, _ := strconv.ParseInt(u.ID, 10, 64)
		if u.GapCounts != want[id] {
			t.Errorf("unit %s: %+v, want %+v", u.Title, u.GapCounts, want[id])
		}
	}
	_, err = f.app.Gap(f.ctx, f.staff, f.munA)
	wantCode(t, err, domain.EForbidden)
}

func TestCustomControls(t *testing.T) {
	f := newFixture(t)
	cc, err := f.app.CreateCustomControl(f.ctx, f.coord, f.munA, app.CustomControlInput{ID: "K-1", Title: "Årlig genomgång av behörigheter i skolplattformen"})
	if err != nil || cc.Theme != "organizational" {
		t.Fatalf("create: %+v %v", cc, err)
	}
	rows, _ := f.app.SoA(f.ctx, f.coord, f.munA)
	if len(rows) != 94 || rows[93].ControlID != "K-1" || rows[93].CatalogID != "kommun" {
		t.Fatalf("SoA with own control: %d rows", len(rows))
	}
	_, err = f.app.CreateCustomControl(f.ctx, f.coord, f.munA, app.CustomControlInput{ID: "K-1", Title: "igen"})
	wantCode(t, err, domain.EConflict)
	_, err = f.app.CreateCustomControl(f.ctx, f.coord, f.munA, app.CustomControlInput{ID: "5.99", Title: "krock"})
	wantCode(t, err, domain.EInvalid)
	_, err = f.app.CreateCustomControl(f.ctx, f.owner, f.munA, app.CustomControlInput{ID: "K-2", Title: "x"})
	wantCode(t, err, domain.EForbidden)
	// Another municipality does not see it.
	rowsB, _ := f.app.SoA(f.ctx, f.coordB, f.munB)
	if len(rowsB) != 93 {
		t.Errorf("other municipality has %d rows", len(rowsB))
	}
}

// An information owner cannot link, as evidence on a row they own, a record they may not read
// (a draft in another unit), nor learn that it exists.
func TestSoAEvidenceMustBeReadable(t *testing.T) {
	f := newFixture(t)
	draftIT := f.doc(f.coord, domain.DocumentInput{Type: sp("rutin"), Title: sp("IT-rutin"), OrgUnitID: &f.unitIT})
	own := f.doc(f.owner, domain.DocumentInput{Type: sp("rutin"), Title: sp("Egen rutin"), OrgUnitID: &f.unitSoc})
	if _, err := f.app.UpdateSoA(f.ctx, f.coord, f.munA, "5.15", domain.SoAInput{OwnerID: &f.ownerID}); err != nil {
		t.Fatal(err)
	}
	_, err := f.app.UpdateSoA(f.ctx, f.owner, f.munA, "5.15", domain.SoAInput{EvidenceIDs: &[]int64{draftIT.ID}})
	if e := wantCode(t, err, domain.EInvalid); e.Fields["evidence_record_ids"] != "err.unknown_record" {
		t.Errorf("fields = %v", e.Fields)
	}
	if c, err := f.app.UpdateSoA(f.ctx, f.owner, f.munA, "5.15", domain.SoAInput{EvidenceIDs: &[]int64{own.ID}}); err != nil || len(c.EvidenceIDs) != 1 {
		t.Fatalf("own document as evidence: %+v %v", c, err)
	}
	// A link the coordinator made stays when the owner saves the row.
	if _, err := f.app.UpdateSoA(f.ctx, f.coord, f.munA, "5.15", domain.SoAInput{EvidenceIDs: &[]int64{own.ID, draftIT.ID}}); err != nil {
		t.Fatal(err)
	}
	if c, err := f.app.UpdateSoA(f.ctx, f.owner, f.munA, "5.15", domain.SoAInput{Status: sp("implemented"), EvidenceIDs: &[]int64{own.ID, draftIT.ID}}); err != nil || c.Status != "implemented" {
		t.Errorf("owner saving a row with the coordinator's link: %+v %v", c, err)
	}
}

// Changing a row's review interval moves its next review, as it does for a document (the
// SoA rule was once a copy that forgot it).
func TestSoAIntervalChangeMovesNextReview(t *testing.T) {
	f := newFixture(t)
	six := 6
	c, err := f.app.UpdateSoA(f.ctx, f.coord, f.munA, "5.12", domain.SoAInput{ReviewIntervalMonths: &six})
	if err != nil {
		t.Fatal(err)
	}
	if want := f.today().AddMonths(6); c.NextReviewAt == nil || *c.NextReviewAt != want {
		t.Errorf("next review %v, want %s", c.NextReviewAt, want)
	}
	rows, err := f.app.SoA(f.ctx, f.coord, f.munA)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.ControlID == "5.12" && (r.ReviewIntervalMonths != 6 || *r.NextReviewAt != f.today().AddMonths(6)) {
			t.Errorf("stored row %+v", r.Record)
		}
	}
}

// Reading the statement writes nothing: its rows exist from the municipality's first org
// unit, and an auditor's first look adds no records and no audit entries.
func TestSoAReadHasNoSideEffects(t *testing.T) {
	f := newFixture(t)
	before := len(f.auditRows(""))
	rows, err := f.app.SoA(f.ctx, f.auditor, f.munA)
	if err != nil || len(rows) != 93 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	if after := len(f.auditRows("")); after != before {
		t.Errorf("reading the SoA appended %d audit entries", after-before)
	}
	// The rows were made, in the administrator's name, with the first unit.
	creates := 0
	for _, r := range f.auditRows(string(domain.KindControl)) {
		if r.Action == "create" && r.Mun == f.munA {
			creates++
			if r.Actor != "root" {
				t.Errorf("row created by %q", r.Actor)
			}
		}
	}
	if creates != 93 {
		t.Errorf("%d SoA rows created in the audit trail, want 93", creates)
	}
}

// The dashboard's SoA figure and the gap analysis are shared by their readers and follow
// every change at once.
func TestSoAProgressFollowsChanges(t *testing.T) {
	f := newFixture(t)
	before, err := f.app.SoAProgress(f.ctx, f.auditor, f.munA)
	if err != nil || before.Implemented != 0 || before.NotStarted != 93 {
		t.Fatalf("before: %+v, %v", before, err)
	}
	isoTotal := func(c app.Caller) app.GapCounts {
		t.Helper()
		g, err := f.app.Gap(f.ctx, c, f.munA)
		if err != nil {
			t.Fatal(err)
		}
		return g.Catalogs[0].Total
	}
	if g := isoTotal(f.auditor); g.Implemented != 0 {
		t.Fatalf("gap before: %+v", g)
	}
	if _, err := f.app.UpdateSoA(f.ctx, f.coord, f.munA, "5.24", domain.SoAInput{Status: sp("implemented")}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []app.Caller{f.auditor, f.coord} {
		if g, err := f.app.SoAProgress(f.ctx, c, f.munA); err != nil || g.Implemented != 1 || g.NotStarted != 92 {
			t.Errorf("after a change: %+v, %v", g, err)
		}
		if g := isoTotal(c); g.Implemented != 1 {
			t.Errorf("gap after a change: %+v", g)
		}
	}
	if _, err := f.app.Gap(f.ctx, f.coordB, f.munA); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("another municipality's coordinator read the gap analysis: %v", err)
	}
	if _, err := f.app.SoAProgress(f.ctx, f.coordB, f.munA); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("another municipality's coordinator: %v", err)
	}
}
