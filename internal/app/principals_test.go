package app_test

import (
	"testing"
	"time"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
)

// A session's person and roles are read once and kept for PrincipalTTL: a session row removed
// behind the application's back still works until then (so the cache is used), and not after.
func TestSessionPrincipalIsCachedForTheTTL(t *testing.T) {
	f := newFixture(t)
	res, err := f.app.Login(f.ctx, "192.0.2.10", "olle", password)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.app.SessionPrincipal(f.ctx, res.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db().Exec(`DELETE FROM sessions`); err != nil {
		t.Fatal(err)
	}
	if p, _, err := f.app.SessionPrincipal(f.ctx, res.Token); err != nil || p.User.Username != "olle" {
		t.Errorf("within the TTL: %v %v (the cache was not used)", p, err)
	}
	f.advance(app.PrincipalTTL + time.Second)
	if _, _, err := f.app.SessionPrincipal(f.ctx, res.Token); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("after the TTL the removed session still works: %v", err)
	}
}

// Every change that matters takes effect at the next request, cache or not.
func TestSessionCacheIsDroppedOnChanges(t *testing.T) {
	f := newFixture(t)
	session := func(user string) string {
		res, err := f.app.Login(f.ctx, "192.0.2.10", user, password)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.app.SessionPrincipal(f.ctx, res.Token); err != nil { // now cached
			t.Fatal(err)
		}
		return res.Token
	}
	roles := func(tok string) []domain.RoleAssignment {
		p, _, err := f.app.SessionPrincipal(f.ctx, tok)
		if err != nil {
			return nil
		}
		return p.Roles(f.munA)
	}

	// A role revoked, and granted.
	tok := session("maja")
	if err := f.app.RevokeRole(f.ctx, f.admin, f.userID("maja"), f.munA, "management"); err != nil {
		t.Fatal(err)
	}
	if rs := roles(tok); len(rs) != 0 {
		t.Errorf("after the revocation: %+v", rs)
	}
	if err := f.app.GrantRole(f.ctx, f.admin, f.userID("maja"), app.RoleInput{MunicipalityID: f.munA, Role: "auditor"}); err != nil {
		t.Fatal(err)
	}
	if rs := roles(tok); len(rs) != 1 || rs[0].Role != domain.RoleAuditor {
		t.Errorf("after the grant: %+v", rs)
	}
	// Logout ends the session at once.
	tok = session("rut")
	if err := f.app.Logout(f.ctx, f.login("rut"), tok); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.app.SessionPrincipal(f.ctx, tok); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("after logout: %v", err)
	}
	// A disabled account is out at once.
	tok = session("sven")
	if _, err := f.app.UpdateUser(f.ctx, f.admin, f.userID("sven"), app.UserUpdate{Name: sp("Sven Medarbetare"), Disabled: bp(true)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.app.SessionPrincipal(f.ctx, tok); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("after disabling: %v", err)
	}
	// An org unit removed (role assignments named it) is out of the roles at once.
	tok = session("ingrid")
	u, err := f.app.SaveOrgUnit(f.ctx, f.admin, f.munA, 0, app.OrgUnitInput{Name: "Tillfällig", Kind: "enhet"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.app.GrantRole(f.ctx, f.admin, f.owner2ID, app.RoleInput{MunicipalityID: f.munA, Role: "information_owner", OrgUnitIDs: []int64{f.unitIT, u.ID}}); err != nil {
		t.Fatal(err)
	}
	_ = roles(tok) // cached with the new unit
	if err := f.app.DeleteOrgUnit(f.ctx, f.admin, f.munA, u.ID); err != nil {
		t.Fatal(err)
	}
	for _, r := range roles(tok) {
		for _, id := range r.OrgUnitIDs {
			if id == u.ID {
				t.Errorf("the removed unit is still in the roles: %+v", r)
			}
		}
	}
	// A changed account is read again (its new name shows); a password reset ends the session.
	tok = session("ingrid")
	if _, err := f.app.UpdateUser(f.ctx, f.admin, f.userID("ingrid"), app.UserUpdate{Name: sp("Ingrid Ny")}); err != nil {
		t.Fatal(err)
	}
	if p, _, err := f.app.SessionPrincipal(f.ctx, tok); err != nil || p.User.Name != "Ingrid Ny" {
		t.Errorf("after the rename: %+v %v", p, err)
	}
	if _, err := f.app.UpdateUser(f.ctx, f.admin, f.userID("ingrid"), app.UserUpdate{Password: sp("ett-nytt-långt-lösenord")}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.app.SessionPrincipal(f.ctx, tok); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("the session outlived the password reset: %v", err)
	}
}

func (f *fixture) userID(username string) int64 {
	f.t.Helper()
	var id int64
	if err := f.db().QueryRow(`SELECT id FROM users WHERE username = ?`, username).Scan(&id); err != nil {
		f.t.Fatal(err)
	}
	return id
}
