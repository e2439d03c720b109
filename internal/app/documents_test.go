package app_test

import (
	"slices"
	"testing"
	"time"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

func TestDocumentRoundTrip(t *testing.T) {
	f := newFixture(t)
	in := domain.DocumentInput{
		Type: sp("Rutin"), Title: sp("Rutin för behörighetsgranskning"), Description: sp("Hur behörigheter\ngranskas."),
		Version: sp("2.0"), VersionNote: sp("Första versionen i Lisa"), OrgUnitID: &f.unitIT, OwnerID: &f.owner2ID,
		ReviewIntervalMonths: ip(6), LastReviewedAt: sp("2025-01-31"), Scope: sp("units"), ScopeUnitIDs: &[]int64{f.unitSoc, f.unitIT},
		RevisionInProgress: new(bool),
	}
	created := f.doc(f.coord, in)
	if created.ID == 0 || created.MunicipalityID != f.munA {
		t.Fatalf("created = %+v", created)
	}

	got, err := f.app.Document(f.ctx, f.coord, f.munA, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Rutin för behörighetsgranskning" || got.Type != domain.DocRutin || got.Description != "Hur behörigheter\ngranskas." ||
		got.Version != "2.0" || got.OrgUnitID != f.unitIT || got.OwnerID == nil || *got.OwnerID != f.owner2ID ||
		got.Status != "draft" || got.ReviewIntervalMonths != 6 || got.Scope != domain.ScopeUnits || got.Kind != domain.KindDocument {
		t.Errorf("stored document differs: %+v", got)
	}
	if !slices.Equal(got.ScopeUnitIDs, []int64{min(f.unitSoc, f.unitIT), max(f.unitSoc, f.unitIT)}) {
		t.Errorf("scope units = %v", got.ScopeUnitIDs)
	}
	if got.LastReviewedAt == nil || got.LastReviewedAt.String() != "2025-01-31" || got.NextReviewAt == nil || got.NextReviewAt.String() != "2025-07-31" {
		t.Errorf("review dates = %v / %v, want 2025-01-31 / 2025-07-31", got.LastReviewedAt, got.NextReviewAt)
	}
	if !got.CreatedAt.Equal(start) || !got.UpdatedAt.Equal(start) {
		t.Errorf("timestamps %v / %v, want the store clock %v", got.CreatedAt, got.UpdatedAt, start)
	}

	f.advance(time.Hour)
	upd, err := f.app.UpdateDocument(f.ctx, f.coord, f.munA, created.ID, domain.DocumentInput{
		Title: sp("Rutin för granskning av behörigheter"), Version: sp("2.1"), VersionNote: sp("Språklig översyn"), Scope: sp("whole_incl_companies")})
	if err != nil {
		t.Fatal(err)
	}
	got, err = f.app.Document(f.ctx, f.coord, f.munA, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Rutin för granskning av behörigheter" || got.Version != "2.1" || got.Scope != domain.ScopeWholeInclCompanies || len(got.ScopeUnitIDs) != 0 {
		t.Errorf("after update: %+v", got)
	}
	if got.Description != "Hur behörigheter\ngranskas." || got.ReviewIntervalMonths != 6 || got.NextReviewAt.String() != "2025-07-31" {
		t.Errorf("update changed fields it was not given: %+v", got)
	}
	if !got.UpdatedAt.Equal(start.Add(time.Hour)) || !got.CreatedAt.Equal(start) || !upd.UpdatedAt.Equal(got.UpdatedAt) {
		t.Errorf("timestamps after update: created %v updated %v", got.CreatedAt, got.UpdatedAt)
	}

	vs, err := f.app.DocumentVersions(f.ctx, f.coord, f.munA, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0].Version != "2.1" || vs[0].Note != "Språklig översyn" || vs[1].Version != "2.0" || vs[1].Note != "Första versionen i Lisa" ||
		vs[0].CreatorName != "Kristina Koordinator" {
		t.Errorf("versions = %+v", vs)
	}
	// A change without a version-worthy difference adds no version entry.
	if _, err := f.app.UpdateDocument(f.ctx, f.coord, f.munA, created.ID, domain.DocumentInput{Description: sp("Ny text")}); err != nil {
		t.Fatal(err)
	}
	if vs, _ := f.app.DocumentVersions(f.ctx, f.coord, f.munA, created.ID); len(vs) != 2 {
		t.Errorf("description change added a version: %d entries", len(vs))
	}

	list, err := f.app.Documents(f.ctx, f.coord, f.munA, store.DocumentFilter{Query: "GRANSKNING"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != created.ID {
		t.Errorf("list by query = %+v", list)
	}

	if err := f.app.DeleteDocument(f.ctx, f.coord, f.munA, created.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.app.Document(f.ctx, f.coord, f.munA, created.ID)
	wantCode(t, err, domain.ENotFound)
	wantCode(t, f.app.DeleteDocument(f.ctx, f.coord, f.munA, created.ID), domain.ENotFound)
	if vs, err := f.store.ListVersions(f.ctx, f.munA, created.ID); err != nil || len(vs) != 0 {
		t.Errorf("versions left after delete: %d, %v", len(vs), err)
	}
}

func TestDocumentValidationThroughService(t *testing.T) {
	f := newFixture(t)
	_, err := f.app.CreateDocument(f.ctx, f.coord, f.munA, domain.DocumentInput{Type: sp("memo"), ReviewIntervalMonths: ip(12000)})
	e := wantCode(t, err, domain.EInvalid)
	for _, k := range []string{"type", "title", "org_unit_id", "review_interval_months"} {
		if e.Fields[k] == "" {
			t.Errorf("no problem on %s: %v", k, e.Fields)
		}
	}
	// Units and owners are checked against the municipality.
	_, err = f.app.CreateDocument(f.ctx, f.coord, f.munA, domain.DocumentInput{Type: sp("policy"), Title: sp("x"), OrgUnitID: &f.unitB})
	if e := wantCode(t, err, domain.EInvalid); e.Fields["org_unit_id"] != "err.unknown_unit" {
		t.Errorf("fields = %v", e.Fields)
	}
	_, err = f.app.CreateDocument(f.ctx, f.coord, f.munA, domain.DocumentInput{Type: sp("policy"), Title: sp("x"), OrgUnitID: &f.unitIT,
		Scope: sp("units"), ScopeUnitIDs: &[]int64{f.unitB}})
	if e := wantCode(t, err, domain.EInvalid); e.Fields["scope_unit_ids"] != "err.unknown_unit" {
		t.Errorf("fields = %v", e.Fields)
	}
	_, err = f.app.CreateDocument(f.ctx, f.coord, f.munA, domain.DocumentInput{Type: sp("policy"), Title: sp("x"), OrgUnitID: &f.unitIT, OwnerID: &f.coordBID})
	if e := wantCode(t, err, domain.EInvalid); e.Fields["owner_id"] != "err.unknown_owner" {
		t.Errorf("fields = %v", e.Fields)
	}
	list, err := f.app.Documents(f.ctx, f.coord, f.munA, store.DocumentFilter{})
	if err != nil || len(list) != 0 {
		t.Errorf("rejected documents were stored: %d, %v", len(list), err)
	}
}

func TestCrossMunicipalityIsNotFound(t *testing.T) {
	f := newFixture(t)
	d := f.doc(f.coord, domain.DocumentInput{Type: sp("policy"), Title: sp("Ankebys policy"), OrgUnitID: &f.unitKS})
	comment := "x"

	// Borgby's coordinator asking in Borgby for Ankeby's id.
	_, err := f.app.Document(f.ctx, f.coordB, f.munB, d.ID)
	wantCode(t, err, domain.ENotFound)
	_, err = f.app.UpdateDocument(f.ctx, f.coordB, f.munB, d.ID, domain.DocumentInput{Title: sp("kapad")})
	wantCode(t, err, domain.ENotFound)
	wantCode(t, f.app.DeleteDocument(f.ctx, f.coordB, f.munB, d.ID), domain.ENotFound)
	_, err = f.app.MarkReviewed(f.ctx, f.coordB, f.munB, domain.KindDocument, d.ID, app.ReviewInput{Comment: &comment})
	wantCode(t, err, domain.ENotFound)
	_, err = f.app.AddComment(f.ctx, f.coordB, f.munB, domain.KindDocument, d.ID, "hej")
	wantCode(t, err, domain.ENotFound)
	_, err = f.app.AddEvidence(f.ctx, f.coordB, f.munB, domain.KindDocument, d.ID, "a.pdf", pdf)
	wantCode(t, err, domain.ENotFound)
	_, err = f.app.DocumentVersions(f.ctx, f.coordB, f.munB, d.ID)
	wantCode(t, err, domain.ENotFound)

	// Borgby's coordinator asking in Ankeby, where she holds no role.
	_, err = f.app.Document(f.ctx, f.coordB, f.munA, d.ID)
	wantCode(t, err, domain.ENotFound)
	_, err = f.app.Documents(f.ctx, f.coordB, f.munA, store.DocumentFilter{})
	wantCode(t, err, domain.ENotFound)
	_, err = f.app.Municipality(f.ctx, f.coordB, f.munA)
	wantCode(t, err, domain.ENotFound)
	_, err = f.app.Dues(f.ctx, f.coordB, f.munA, domain.DueFilterAll, false, 0)
	wantCode(t, err, domain.ENotFound)
	_, err = f.app.CreateDocument(f.ctx, f.coordB, f.munA, domain.DocumentInput{Type: sp("policy"), Title: sp("x"), OrgUnitID: &f.unitKS})
	wantCode(t, err, domain.ENotFound)

	// Borgby's own unit cannot hold an Ankeby document, nor the other way round.
	_, err = f.app.CreateDocument(f.ctx, f.coordB, f.munB, domain.DocumentInput{Type: sp("policy"), Title: sp("x"), OrgUnitID: &f.unitKS})
	wantCode(t, err, domain.EInvalid)

	// Nothing changed.
	got, err := f.app.Document(f.ctx, f.coord, f.munA, d.ID)
	if err != nil || got.Title != "Ankebys policy" {
		t.Errorf("document after attempts: %+v, %v", got, err)
	}
	ms, err := f.app.Municipalities(f.ctx, f.coordB)
	if err != nil || len(ms) != 1 || ms[0].ID != f.munB {
		t.Errorf("Borgby's coordinator sees municipalities %+v, %v", ms, err)
	}
}

func TestInformationOwnerScope(t *testing.T) {
	f := newFixture(t)
	draftIT := f.doc(f.coord, domain.DocumentInput{Type: sp("rutin"), Title: sp("IT-rutin (utkast)"), OrgUnitID: &f.unitIT})
	adoptedIT := f.adoptedDoc("IT-riktlinje", f.unitIT)
	ownDraft := f.doc(f.owner, domain.DocumentInput{Type: sp("instruktion"), Title: sp("Socialtjänstens instruktion"), OrgUnitID: &f.unitSoc})

	if ownDraft.OwnerID == nil || *ownDraft.OwnerID != f.ownerID {
		t.Errorf("owner did not default to the creator: %v", ownDraft.OwnerID)
	}
	// A draft in another unit does not exist for the owner; an adopted one may be read.
	_, err := f.app.Document(f.ctx, f.owner, f.munA, draftIT.ID)
	wantCode(t, err, domain.ENotFound)
	if d, err := f.app.Document(f.ctx, f.owner, f.munA, adoptedIT.ID); err != nil || d.Title != "IT-riktlinje" {
		t.Errorf("adopted document in another unit: %+v, %v", d, err)
	}
	list, err := f.app.Documents(f.ctx, f.owner, f.munA, store.DocumentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, d := range list {
		ids = append(ids, d.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []int64{adoptedIT.ID, ownDraft.ID}) {
		t.Errorf("owner lists %v, want adopted %d and own %d", ids, adoptedIT.ID, ownDraft.ID)
	}

	// Reading is not writing: the adopted document elsewhere cannot be changed, commented or removed.
	_, err = f.app.UpdateDocument(f.ctx, f.owner, f.munA, adoptedIT.ID, domain.DocumentInput{Description: sp("ändrad")})
	wantCode(t, err, domain.EForbidden)
	wantCode(t, f.app.DeleteDocument(f.ctx, f.owner, f.munA, adoptedIT.ID), domain.EForbidden)
	_, err = f.app.AddComment(f.ctx, f.owner, f.munA, domain.KindDocument, adoptedIT.ID, "hej")
	wantCode(t, err, domain.EForbidden)
	// The draft elsewhere stays invisible for every action.
	_, err = f.app.UpdateDocument(f.ctx, f.owner, f.munA, draftIT.ID, domain.DocumentInput{Description: sp("ändrad")})
	wantCode(t, err, domain.ENotFound)
	wantCode(t, f.app.DeleteDocument(f.ctx, f.owner, f.munA, draftIT.ID), domain.ENotFound)

	// Creating in another unit is forbidden, naming the unit.
	_, err = f.app.CreateDocument(f.ctx, f.owner, f.munA, domain.DocumentInput{Type: sp("rutin"), Title: sp("x"), OrgUnitID: &f.unitIT})
	if e := wantCode(t, err, domain.EForbidden); e.Fields["org_unit_id"] != "err.unit_not_yours" {
		t.Errorf("fields = %v", e.Fields)
	}
	// Moving an own document to another unit is forbidden too.
	_, err = f.app.UpdateDocument(f.ctx, f.owner, f.munA, ownDraft.ID, domain.DocumentInput{OrgUnitID: &f.unitIT})
	if e := wantCode(t, err, domain.EForbidden); e.Fields["org_unit_id"] != "err.unit_not_yours" {
		t.Errorf("fields = %v", e.Fields)
	}
	// Owners may not adopt, neither on create nor on update.
	_, err = f.app.CreateDocument(f.ctx, f.owner, f.munA, domain.DocumentInput{Type: sp("rutin"), Title: sp("x"), OrgUnitID: &f.unitSoc,
		Status: sp("adopted"), AdoptedBy: sp("namnd")})
	wantCode(t, err, domain.EForbidden)
	_, err = f.app.UpdateDocument(f.ctx, f.owner, f.munA, ownDraft.ID, domain.DocumentInput{Status: sp("adopted"), AdoptedBy: sp("namnd")})
	wantCode(t, err, domain.EForbidden)
	// Owners may not hand their records to someone else.
	_, err = f.app.UpdateDocument(f.ctx, f.owner, f.munA, ownDraft.ID, domain.DocumentInput{OwnerID: &f.owner2ID})
	if e := wantCode(t, err, domain.EForbidden); e.Fields["owner_id"] != "err.assign_owner" {
		t.Errorf("fields = %v", e.Fields)
	}
	// But may edit their own.
	if _, err := f.app.UpdateDocument(f.ctx, f.owner, f.munA, ownDraft.ID, domain.DocumentInput{Title: sp("Ny titel"), Version: sp("1.1")}); err != nil {
		t.Errorf("owner editing own document: %v", err)
	}
	d, _ := f.app.Document(f.ctx, f.owner, f.munA, ownDraft.ID)
	if d.Title != "Ny titel" || d.OrgUnitID != f.unitSoc || d.Status != "draft" || *d.OwnerID != f.ownerID {
		t.Errorf("own document after edits: %+v", d)
	}
	if err := f.app.DeleteDocument(f.ctx, f.owner, f.munA, ownDraft.ID); err != nil {
		t.Errorf("owner deleting own document: %v", err)
	}
}

func TestManagementAdoptsButDoesNotEdit(t *testing.T) {
	f := newFixture(t)
	d := f.doc(f.coord, domain.DocumentInput{Type: sp("policy"), Title: sp("Informationssäkerhetspolicy"), OrgUnitID: &f.unitKS, OwnerID: &f.owner2ID})

	_, err := f.app.UpdateDocument(f.ctx, f.mgmt, f.munA, d.ID, domain.DocumentInput{Title: sp("Ändrad av ledningen")})
	wantCode(t, err, domain.EForbidden)
	// Adopting and editing in one go is forbidden as a whole.
	_, err = f.app.UpdateDocument(f.ctx, f.mgmt, f.munA, d.ID, domain.DocumentInput{Status: sp("adopted"), AdoptedBy: sp("kommunfullmaktige"), Title: sp("x")})
	wantCode(t, err, domain.EForbidden)
	got, _ := f.app.Document(f.ctx, f.mgmt, f.munA, d.ID)
	if got.Title != "Informationssäkerhetspolicy" || got.Status != "draft" {
		t.Fatalf("forbidden updates changed the document: %+v", got)
	}

	f.advance(24 * time.Hour)
	adopted, err := f.app.UpdateDocument(f.ctx, f.mgmt, f.munA, d.ID, domain.DocumentInput{Status: sp("Adopted"), AdoptedBy: sp("Kommunfullmäktige")})
	if err != nil {
		t.Fatalf("adopt: %v", err)
	}
	got, _ = f.app.Document(f.ctx, f.mgmt, f.munA, d.ID)
	if got.Status != "adopted" || got.AdoptedBy == nil || *got.AdoptedBy != domain.AdoptKommunfullmaktige ||
		got.AdoptedAt == nil || *got.AdoptedAt != f.today() || adopted.Status != "adopted" {
		t.Errorf("adopted document: status %q by %v at %v", got.Status, got.AdoptedBy, got.AdoptedAt)
	}
	vs, _ := f.app.DocumentVersions(f.ctx, f.mgmt, f.munA, d.ID)
	if len(vs) != 2 || vs[0].Status != "adopted" || vs[0].CreatorName != "Maja Kommundirektör" {
		t.Errorf("versions = %+v", vs)
	}
	// Adopting needs the adopting body.
	d2 := f.doc(f.coord, domain.DocumentInput{Type: sp("policy"), Title: sp("Annan"), OrgUnitID: &f.unitKS})
	_, err = f.app.UpdateDocument(f.ctx, f.mgmt, f.munA, d2.ID, domain.DocumentInput{Status: sp("adopted")})
	if e := wantCode(t, err, domain.EInvalid); e.Fields["adopted_by"] != "err.adopted_by_required" {
		t.Errorf("fields = %v", e.Fields)
	}
	// Management creates and deletes nothing.
	_, err = f.app.CreateDocument(f.ctx, f.mgmt, f.munA, domain.DocumentInput{Type: sp("policy"), Title: sp("x"), OrgUnitID: &f.unitKS})
	wantCode(t, err, domain.EForbidden)
	wantCode(t, f.app.DeleteDocument(f.ctx, f.mgmt, f.munA, d2.ID), domain.EForbidden)
	// Staff now see the adopted document and not the draft.
	if _, err := f.app.Document(f.ctx, f.staff, f.munA, d.ID); err != nil {
		t.Errorf("staff reading adopted: %v", err)
	}
	_, err = f.app.Document(f.ctx, f.staff, f.munA, d2.ID)
	wantCode(t, err, domain.ENotFound)
}

func TestAuditorCommentsOnly(t *testing.T) {
	f := newFixture(t)
	d := f.doc(f.coord, domain.DocumentInput{Type: sp("rutin"), Title: sp("Incidentrutin"), OrgUnitID: &f.unitIT})

	c, err := f.app.AddComment(f.ctx, f.auditor, f.munA, domain.KindDocument, d.ID, "  Saknar ägare för loggning.  ")
	if err != nil {
		t.Fatalf("auditor comment: %v", err)
	}
	cs, err := f.app.Comments(f.ctx, f.coord, f.munA, domain.KindDocument, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].ID != c.ID || cs[0].Body != "Saknar ägare för loggning." || cs[0].AuthorName != "Rut Revisor" || !cs[0].CreatedAt.Equal(start) {
		t.Errorf("comments = %+v", cs)
	}
	_, err = f.app.AddComment(f.ctx, f.auditor, f.munA, domain.KindDocument, d.ID, " \n ")
	if e := wantCode(t, err, domain.EInvalid); e.Fields["body"] != "err.required" {
		t.Errorf("fields = %v", e.Fields)
	}

	_, err = f.app.UpdateDocument(f.ctx, f.auditor, f.munA, d.ID, domain.DocumentInput{Title: sp("Ändrad av revisor")})
	wantCode(t, err, domain.EForbidden)
	wantCode(t, f.app.DeleteDocument(f.ctx, f.auditor, f.munA, d.ID), domain.EForbidden)
	_, err = f.app.MarkReviewed(f.ctx, f.auditor, f.munA, domain.KindDocument, d.ID, app.ReviewInput{})
	wantCode(t, err, domain.EForbidden)
	_, err = f.app.AddEvidence(f.ctx, f.auditor, f.munA, domain.KindDocument, d.ID, "a.pdf", pdf)
	wantCode(t, err, domain.EForbidden)
	_, err = f.app.CreateDocument(f.ctx, f.auditor, f.munA, domain.DocumentInput{Type: sp("policy"), Title: sp("x"), OrgUnitID: &f.unitKS})
	wantCode(t, err, domain.EForbidden)
	got, _ := f.app.Document(f.ctx, f.auditor, f.munA, d.ID)
	if got.Title != "Incidentrutin" {
		t.Errorf("title changed to %q", got.Title)
	}

	// The auditor reads the audit trail; others do not.
	entries, err := f.app.AuditLog(f.ctx, f.auditor, store.AuditFilter{MunicipalityID: f.munA, RecordID: d.ID, Kind: "document"})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].Action != "comment" || entries[1].Action != "create" {
		t.Errorf("audit of the document = %+v", entries)
	}
	_, err = f.app.AuditLog(f.ctx, f.coord, store.AuditFilter{MunicipalityID: f.munA})
	wantCode(t, err, domain.EForbidden)
	_, err = f.app.AuditLog(f.ctx, f.staff, store.AuditFilter{MunicipalityID: f.munA})
	wantCode(t, err, domain.EForbidden)
	_, err = f.app.AuditLog(f.ctx, f.auditor, store.AuditFilter{MunicipalityID: f.munB})
	wantCode(t, err, domain.ENotFound)
}

func TestStaffAndAdminSeeLittle(t *testing.T) {
	f := newFixture(t)
	draft := f.doc(f.coord, domain.DocumentInput{Type: sp("rutin"), Title: sp("Utkast"), OrgUnitID: &f.unitIT})
	adopted := f.adoptedDoc("Antagen", f.unitIT)

	list, err := f.app.Documents(f.ctx, f.staff, f.munA, store.DocumentFilter{})
	if err != nil || len(list) != 1 || list[0].ID != adopted.ID {
		t.Errorf("staff list = %+v, %v", list, err)
	}
	_, err = f.app.Document(f.ctx, f.staff, f.munA, draft.ID)
	wantCode(t, err, domain.ENotFound)
	_, err = f.app.AddComment(f.ctx, f.staff, f.munA, domain.KindDocument, adopted.ID, "hej")
	wantCode(t, err, domain.EForbidden)
	_, err = f.app.History(f.ctx, f.staff, f.munA, domain.KindDocument, adopted.ID)
	wantCode(t, err, domain.EForbidden)
	_, err = f.app.Dues(f.ctx, f.staff, f.munA, domain.DueFilterAll, false, 0)
	wantCode(t, err, domain.EForbidden)

	// The administrator manages the organisation but reads no ISMS content.
	_, err = f.app.Documents(f.ctx, f.admin, f.munA, store.DocumentFilter{})
	wantCode(t, err, domain.EForbidden)
	_, err = f.app.Document(f.ctx, f.admin, f.munA, adopted.ID)
	wantCode(t, err, domain.ENotFound)
	if _, err := f.app.OrgUnits(f.ctx, f.admin, f.munB); err != nil {
		t.Errorf("admin org units: %v", err)
	}
	// And only the administrator does.
	_, err = f.app.SaveOrgUnit(f.ctx, f.coord, f.munA, 0, app.OrgUnitInput{Name: "Ny enhet", Kind: "enhet"})
	wantCode(t, err, domain.EForbidden)
	_, err = f.app.CreateUser(f.ctx, f.coord, app.UserInput{Username: "nisse", Name: "Nisse", Password: password})
	wantCode(t, err, domain.EForbidden)
	_, err = f.app.Users(f.ctx, f.auditor)
	wantCode(t, err, domain.EForbidden)

	// Without a caller, everything is unauthorized.
	var nobody = f.admin
	nobody.P = nil
	_, err = f.app.Documents(f.ctx, nobody, f.munA, store.DocumentFilter{})
	wantCode(t, err, domain.EUnauthorized)
	_, err = f.app.CreateUser(f.ctx, nobody, app.UserInput{Username: "nisse", Name: "Nisse", Password: password})
	wantCode(t, err, domain.EUnauthorized)
	_, err = f.app.Municipalities(f.ctx, nobody)
	wantCode(t, err, domain.EUnauthorized)
}

func TestAdoptedTextIsLockedForOwners(t *testing.T) {
	f := newFixture(t)
	adopted := f.adoptedDoc("Socialtjänstens riktlinje", f.unitSoc)
	// The owner of the unit may not change what was adopted...
	for name, in := range map[string]domain.DocumentInput{
		"title":   {Title: sp("Ny titel")},
		"text":    {Description: sp("ny text")},
		"version": {Version: sp("2.0")},
		"scope":   {Scope: sp("whole_incl_companies")},
	} {
		_, err := f.app.UpdateDocument(f.ctx, f.owner, f.munA, adopted.ID, in)
		if e := wantCode(t, err, domain.EForbidden); e.Fields["status"] != "err.adopted_locked" {
			t.Errorf("%s: fields = %v", name, e.Fields)
		}
	}
	// ...but may mark a revision as under way and keep the review dates.
	yes := true
	d, err := f.app.UpdateDocument(f.ctx, f.owner, f.munA, adopted.ID, domain.DocumentInput{RevisionInProgress: &yes, ReviewIntervalMonths: ip(6)})
	if err != nil || !d.RevisionInProgress || d.Title != "Socialtjänstens riktlinje" || d.Status != "adopted" {
		t.Fatalf("marking revision: %+v, %v", d, err)
	}
	// The coordinator, who records adoptions, may change the text.
	if _, err := f.app.UpdateDocument(f.ctx, f.coord, f.munA, adopted.ID, domain.DocumentInput{Version: sp("2.0")}); err != nil {
		t.Errorf("coordinator: %v", err)
	}
}

// The municipalities of the menu and of a municipality's pages are shared between requests,
// and current after a write: a municipality made a moment ago is listed for the
// administrator (by name) and named on its pages; a coordinator lists only their own.
func TestMunicipalitiesSharedButCurrent(t *testing.T) {
	f := newFixture(t)
	before, err := f.app.Municipalities(f.ctx, f.admin)
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.app.CreateMunicipality(f.ctx, f.admin, app.MunicipalityInput{Name: "Aaby"})
	if err != nil {
		t.Fatal(err)
	}
	after, err := f.app.Municipalities(f.ctx, f.admin)
	if err != nil || len(after) != len(before)+1 || after[0].ID != m.ID {
		t.Errorf("the administrator's municipalities after a new one: %+v, %v", after, err)
	}
	after[0].Name = "ändrad av en läsare" // a reader's copy: the shared list stays as it was
	if got, err := f.app.Municipality(f.ctx, f.admin, m.ID); err != nil || got.Name != "Aaby" {
		t.Errorf("the new municipality: %+v, %v", got, err)
	}
	if ms, err := f.app.Municipalities(f.ctx, f.coordB); err != nil || len(ms) != 1 || ms[0].ID != f.munB {
		t.Errorf("Borgby's coordinator sees %+v, %v", ms, err)
	}
	if _, err := f.app.Municipality(f.ctx, f.coordB, m.ID); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("another municipality for Borgby's coordinator: %v", err)
	}
}
