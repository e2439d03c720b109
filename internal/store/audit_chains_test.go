package store_test

import (
	"errors"
	"testing"

	"github.com/lisa-isms/lisa/internal/audit"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// Issue #8 item 2: each municipality has its own chain and system events one of their own, so
// a municipality's auditor verifies their trail alone; the system chain continues the legacy
// chain of entries written before the split.
func TestAuditChainsPerMunicipality(t *testing.T) {
	e := newEnv(t)
	raw := e.raw()
	// Entries from before the split: the legacy chain, linked by id.
	prev := audit.Genesis
	for i := int64(1); i <= 3; i++ {
		en := audit.Entry{ID: i, At: "2025-01-0" + string(rune('0'+i)) + "T08:00:00Z", Actor: "gammal", Kind: "session", Action: audit.ActionLogin, IP: "192.0.2.9", PrevHash: prev}
		en.Hash = audit.ComputeHash(en)
		prev = en.Hash
		if _, err := raw.Exec(`INSERT INTO audit_log (id, at, actor, kind, action, before_json, after_json, ip, prev_hash, hash) VALUES (?, ?, ?, ?, ?, '', '', ?, ?, ?)`,
			en.ID, en.At, en.Actor, en.Kind, en.Action, en.IP, en.PrevHash, en.Hash); err != nil {
			t.Fatal(err)
		}
	}
	a, b := e.municipality("Ankeby"), e.municipality("Borgby")
	ua, ub := e.unit(a, "IT", nil), e.unit(b, "IT", nil)
	e.doc(a, ua, "Policy A", "draft", "2025-06-01")
	e.doc(b, ub, "Policy B", "draft", "2025-06-01")
	if err := e.s.Audit(e.ctx, actor, store.Change{Kind: "session", Action: audit.ActionLogin}); err != nil {
		t.Fatal(err)
	}
	reports, err := e.s.VerifyChains(e.ctx, nil)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	got := map[string]int{}
	for _, r := range reports {
		key := "legacy"
		if !r.Legacy {
			key = map[int64]string{0: "system", a: "A", b: "B"}[r.Chain]
		}
		got[key] = r.Count
	}
	if got["legacy"] != 3 || got["A"] < 2 || got["B"] < 2 || got["system"] < 1 {
		t.Errorf("chains %v", got)
	}
	// The system chain's first entry links to the legacy head.
	var first string
	if err := raw.QueryRow(`SELECT prev_hash FROM audit_log WHERE chain = 0 AND chain_seq = 1`).Scan(&first); err != nil || first != prev {
		t.Errorf("the system chain starts at %q, %v; want the legacy head %q", first, err, prev)
	}
	// Each municipality's head is its own.
	ha, _ := e.s.AuditHead(e.ctx, a)
	hb, _ := e.s.AuditHead(e.ctx, b)
	if ha.Chain != a || hb.Chain != b || ha.Hash == hb.Hash || ha.ID != int64(got["A"]) {
		t.Errorf("heads %v, %v", ha, hb)
	}
	// Tampering in B's chain breaks B (and the whole), not A's own verification.
	raw.DisableAuditTrigger(t, "update")
	if _, err := raw.Exec(`UPDATE audit_log SET actor = 'mallory' WHERE chain = ? AND chain_seq = 1`, b); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.VerifyChains(e.ctx, &a); err != nil {
		t.Errorf("A's chain after B's was changed: %v", err)
	}
	var be *audit.BrokenError
	if _, err := e.s.VerifyChains(e.ctx, &b); !errors.As(err, &be) {
		t.Errorf("B's changed chain verifies: %v", err)
	}
	if _, err := e.s.VerifyAudit(e.ctx); !errors.As(err, &be) {
		t.Errorf("the whole trail verifies with B changed: %v", err)
	}
	// An entry moved to another chain (with its hash recomputed) breaks both.
	e2 := newEnv(t)
	a2, b2 := e2.municipality("Ankeby"), e2.municipality("Borgby")
	e2.unit(a2, "IT", nil)
	e2.unit(b2, "IT", nil)
	raw2 := e2.raw()
	raw2.DisableAuditTrigger(t, "update")
	if _, err := raw2.Exec(`UPDATE audit_log SET chain = ?, chain_seq = 100 WHERE chain = ? AND chain_seq = 1`, b2, a2); err != nil {
		t.Fatal(err)
	}
	if _, err := e2.s.VerifyChains(e2.ctx, &a2); !errors.As(err, &be) {
		t.Errorf("A's chain with an entry moved away verifies: %v", err)
	}
	// An anchor of A's chain is checked on A's verification.
	h, _ := e2.s.AuditHead(e2.ctx, b2)
	bad := audit.Anchor{Chain: b2, ID: h.ID, Hash: audit.Genesis[:63] + "1"}
	if _, err := e2.s.VerifyChains(e2.ctx, &b2, bad); !errors.As(err, &be) {
		t.Errorf("a wrong anchor passes: %v", err)
	}
	_ = domain.KindDocument
}

// A municipality's audit list shows its own entries and the system entries about its own
// people — never an administrator's change of another municipality's person (issue #8
// item 2: names and e-mail addresses of another municipality's staff).
func TestAuditListShowsNothingOfOtherMunicipalities(t *testing.T) {
	e := newEnv(t)
	a, b := e.municipality("Ankeby"), e.municipality("Borgby")
	ua, ub := e.unit(a, "IT", nil), e.unit(b, "IT", nil)
	admin := e.user("admin-i-ankeby")
	anna, bo := e.user("anna"), e.user("bo")
	for _, g := range []domain.RoleAssignment{{UserID: admin, MunicipalityID: a, Role: domain.RoleCoordinator}, {UserID: anna, MunicipalityID: a, Role: domain.RoleStaff},
		{UserID: bo, MunicipalityID: b, Role: domain.RoleInformationOwner, OrgUnitIDs: []int64{ub}}} {
		if err := e.s.GrantRole(e.ctx, actor, g); err != nil {
			t.Fatal(err)
		}
	}
	_ = ua
	by := store.Actor{ID: &admin, Name: "admin-i-ankeby", IP: "192.0.2.1"}
	u := domain.User{ID: bo, Name: "Bo i Borgby", Email: "bo@borgby.se"}
	if err := e.s.UpdateUser(e.ctx, by, &u); err != nil {
		t.Fatal(err)
	}
	if err := e.s.Audit(e.ctx, store.Actor{ID: &anna, Name: "anna"}, store.Change{Kind: "session", Action: audit.ActionLogin}); err != nil {
		t.Fatal(err)
	}
	es, err := e.s.ListAudit(e.ctx, store.AuditFilter{MunicipalityID: a, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	sawLogin := false
	for _, en := range es {
		if en.RecordID != nil && *en.RecordID == bo && en.Kind == "user" {
			t.Errorf("Ankeby's trail shows a change of Borgby's person: %+v", en)
		}
		if en.MunicipalityID != nil && *en.MunicipalityID == b {
			t.Errorf("Ankeby's trail shows a Borgby entry: %+v", en)
		}
		sawLogin = sawLogin || en.Kind == "session" && en.Actor == "anna"
	}
	if !sawLogin {
		t.Errorf("Ankeby's trail lacks its own person's login")
	}
}
