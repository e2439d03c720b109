package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// The schema keeps tenants apart: a row that joins two tenant rows cannot join rows of two
// municipalities, whoever writes it (here: someone with direct database access).
func TestSchemaRefusesRowsAcrossMunicipalities(t *testing.T) {
	e := newEnv(t)
	a, b := e.municipality("Ankeby"), e.municipality("Borgby")
	ua, ub := e.unit(a, "KS", nil), e.unit(b, "KS", nil)
	da, db := e.doc(a, ua, "Policy A", "draft", "2026-06-01"), e.doc(b, ub, "Policy B", "draft", "2026-06-01")
	uid := e.user("anna")
	if err := e.s.GrantRole(e.ctx, actor, domain.RoleAssignment{UserID: uid, MunicipalityID: a, Role: domain.RoleInformationOwner, OrgUnitIDs: []int64{ua}}); err != nil {
		t.Fatal(err)
	}
	var assignment int64
	raw := e.raw()
	// Rows within Ankeby, for the UPDATE cases below to move.
	scoped, linked := da.ID, e.doc(a, ua, "Rutin A", "draft", "2026-06-01").ID
	if _, err := raw.Exec(`INSERT INTO document_scope_units (record_id, org_unit_id) VALUES (?, ?)`, scoped, ua); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`INSERT INTO record_links (record_id, linked_record_id) VALUES (?, ?)`, linked, da.ID); err != nil {
		t.Fatal(err)
	}
	if err := raw.QueryRow(`SELECT id FROM role_assignments WHERE user_id = ?`, uid).Scan(&assignment); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		q    string
		args []any
	}{
		"record in another municipality's unit":    {`INSERT INTO records (municipality_id, kind, title, org_unit_id, status, review_interval_months, created_at, updated_at) VALUES (?, 'document', 'x', ?, 'draft', 12, ?, ?)`, []any{a, ub, now, now}},
		"record moved to another's unit":           {`UPDATE records SET org_unit_id = ? WHERE id = ?`, []any{ub, da.ID}},
		"link to another municipality's record":    {`INSERT INTO record_links (record_id, linked_record_id) VALUES (?, ?)`, []any{da.ID, db.ID}},
		"unit status in another's unit":            {`INSERT INTO control_unit_status (record_id, org_unit_id, status) VALUES (?, ?, 'partial')`, []any{da.ID, ub}},
		"document scope in another's unit":         {`INSERT INTO document_scope_units (record_id, org_unit_id) VALUES (?, ?)`, []any{da.ID, ub}},
		"role unit in another municipality":        {`INSERT INTO role_assignment_units (assignment_id, org_unit_id) VALUES (?, ?)`, []any{assignment, ub}},
		"notification of another's record":         {`INSERT INTO notifications (user_id, municipality_id, record_id, kind, message, created_at) VALUES (?, ?, ?, 'x', 'x', ?)`, []any{uid, a, db.ID, now}},
		"SoA row in another municipality's record": {`INSERT INTO control_impls (record_id, municipality_id, catalog_id, control_id) VALUES (?, ?, 'c', '1')`, []any{db.ID, a}},
		"scope unit moved to another's unit":       {`UPDATE document_scope_units SET org_unit_id = ? WHERE record_id = ?`, []any{ub, scoped}},
		"role unit moved to another's unit":        {`UPDATE role_assignment_units SET org_unit_id = ? WHERE assignment_id = ?`, []any{ub, assignment}},
		"link moved to another's record":           {`UPDATE record_links SET linked_record_id = ? WHERE record_id = ?`, []any{db.ID, linked}},
		"org unit moved to another municipality":   {`UPDATE org_units SET municipality_id = ? WHERE id = ?`, []any{b, ua}},
	} {
		_, err := raw.Exec(tc.q, tc.args...)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		// Refused by a tenancy check, or on PostgreSQL by a composite key of municipality and id.
		if msg := err.Error(); !strings.Contains(msg, "tenancy") && !strings.Contains(msg, "_tenant") {
			t.Errorf("%s: refused for another reason: %v", name, err)
		}
	}
	// Within one municipality the same rows are fine.
	ua2 := e.unit(a, "IT", nil)
	if _, err := raw.Exec(`UPDATE document_scope_units SET org_unit_id = ? WHERE record_id = ?`, ua2, scoped); err != nil {
		t.Errorf("scope unit moved within the municipality: %v", err)
	}
}

// Reads of a record's children take the municipality: a record id of another municipality
// finds nothing.
func TestChildReadsAreScopedToTheMunicipality(t *testing.T) {
	e := newEnv(t)
	a, b := e.municipality("Ankeby"), e.municipality("Borgby")
	ua := e.unit(a, "KS", nil)
	d := e.doc(a, ua, "Policy", "draft", "2026-06-01")
	uid := e.user("anna")
	c := domain.Comment{RecordID: d.ID, AuthorID: uid, Body: "Hej"}
	if err := e.s.AddComment(e.ctx, actor, a, domain.KindDocument, &c); err != nil {
		t.Fatal(err)
	}
	ev := domain.Evidence{RecordID: d.ID, Filename: "a.pdf", ContentType: "application/pdf", Size: 1, SHA256: "x", Data: []byte("x"), UploadedBy: uid}
	if err := e.s.AddEvidence(e.ctx, actor, a, domain.KindDocument, &ev); err != nil {
		t.Fatal(err)
	}
	if cs, err := e.s.ListComments(e.ctx, a, d.ID); err != nil || len(cs) != 1 {
		t.Fatalf("own comments %v %v", cs, err)
	}
	if es, err := e.s.ListEvidence(e.ctx, a, d.ID); err != nil || len(es) != 1 {
		t.Fatalf("own evidence %v %v", es, err)
	}
	if vs, err := e.s.ListVersions(e.ctx, a, d.ID); err != nil || len(vs) != 1 {
		t.Fatalf("own versions %v %v", vs, err)
	}
	if cs, err := e.s.ListComments(e.ctx, b, d.ID); err != nil || len(cs) != 0 {
		t.Errorf("comments through another municipality: %v %v", cs, err)
	}
	if es, err := e.s.ListEvidence(e.ctx, b, d.ID); err != nil || len(es) != 0 {
		t.Errorf("evidence through another municipality: %v %v", es, err)
	}
	if _, err := e.s.GetEvidence(e.ctx, b, d.ID, ev.ID); code(err) != domain.ENotFound {
		t.Errorf("evidence file through another municipality: %v", err)
	}
	if vs, err := e.s.ListVersions(e.ctx, b, d.ID); err != nil || len(vs) != 0 {
		t.Errorf("versions through another municipality: %v %v", vs, err)
	}
	if err := e.s.DeleteEvidence(e.ctx, actor, b, domain.KindDocument, d.ID, ev.ID); code(err) != domain.ENotFound {
		t.Errorf("delete through another municipality: %v", err)
	}
	// Writing a child onto another municipality's record is refused too.
	c2 := domain.Comment{RecordID: d.ID, AuthorID: uid, Body: "Intrång"}
	if err := e.s.AddComment(e.ctx, actor, b, domain.KindDocument, &c2); code(err) != domain.ENotFound {
		t.Errorf("comment through another municipality: %v", err)
	}
}

// Store methods called inside InTx join its transaction: what they write commits together
// (with its audit entries) or not at all, and checks inside it see what it has written.
func TestTransactionsCompose(t *testing.T) {
	e := newEnv(t)
	mun := e.municipality("Ankeby")
	before, err := e.s.VerifyAudit(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	var unit int64
	err = e.s.InTx(e.ctx, func(ctx context.Context) error {
		u := domain.OrgUnit{MunicipalityID: mun, Name: "IT", Kind: domain.UnitEnhet}
		if err := e.s.SaveOrgUnit(ctx, actor, &u); err != nil {
			return err
		}
		unit = u.ID
		if ok, err := e.s.UnitsExist(ctx, mun, []int64{u.ID}); err != nil || !ok {
			t.Errorf("a check inside the transaction does not see its unit: %v %v", ok, err)
		}
		if ok, _ := e.s.UnitsExist(e.ctx, mun, []int64{u.ID}); ok {
			t.Error("a read outside the transaction sees its uncommitted unit")
		}
		m := domain.Municipality{Name: "Borgby"}
		if err := e.s.CreateMunicipality(ctx, actor, &m); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx = %v", err)
	}
	if _, err := e.s.GetOrgUnit(e.ctx, mun, unit); code(err) != domain.ENotFound {
		t.Errorf("the unit of a rolled-back transaction exists: %v", err)
	}
	if ms, _ := e.s.ListMunicipalities(e.ctx, true, nil); len(ms) != 1 {
		t.Errorf("municipalities after the rollback: %+v", ms)
	}
	if after, err := e.s.VerifyAudit(e.ctx); err != nil || after != before {
		t.Errorf("audit entries %d → %d (%v): the rolled-back changes left entries", before, after, err)
	}
}

// The due count stops at its bound: the dashboard's figures cost the same however much is
// overdue.
func TestDueCountIsBounded(t *testing.T) {
	e := newEnv(t)
	a := e.municipality("Ankeby")
	u := e.unit(a, "KS", nil)
	for i := range 7 {
		e.doc(a, u, fmt.Sprintf("Försenad %d", i), "draft", "2025-01-01")
	}
	q := store.DueQuery{MunicipalityID: a, Visible: domain.Visibility{All: true}}
	for upTo, want := range map[int]int{100: 7, 7: 7, 5: 6, 1: 2} {
		if n, err := e.s.DueCount(e.ctx, q, upTo); err != nil || n != want {
			t.Errorf("DueCount up to %d = %d, %v; want %d", upTo, n, err, want)
		}
	}
}
