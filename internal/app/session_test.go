package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/auth"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
	"github.com/lisa-isms/lisa/internal/storetest"
)

func TestLoginBadCredentialsLookAlike(t *testing.T) {
	f := newFixture(t)
	_, errUnknown := f.app.Login(f.ctx, "198.51.100.1", "ingen-sadan", password)
	_, errWrong := f.app.Login(f.ctx, "198.51.100.2", "olle", "fel-lösenord-123")
	eu := wantCode(t, errUnknown, domain.EUnauthorized)
	ew := wantCode(t, errWrong, domain.EUnauthorized)
	if eu.Error() != ew.Error() {
		t.Errorf("unknown user %q and wrong password %q differ", eu, ew)
	}
	// A disabled account fails the same way, even with the right password.
	if _, err := f.app.UpdateUser(f.ctx, f.admin, f.owner2ID, app.UserUpdate{Name: sp("Ingrid IT-chef"), Disabled: bp(true)}); err != nil {
		t.Fatal(err)
	}
	_, errDisabled := f.app.Login(f.ctx, "198.51.100.3", "ingrid", password)
	if ed := wantCode(t, errDisabled, domain.EUnauthorized); ed.Error() != ew.Error() {
		t.Errorf("disabled %q differs from wrong password %q", ed, ew)
	}
	// Missing input is a validation error, not a failed login.
	_, err := f.app.Login(f.ctx, "198.51.100.4", " ", "")
	e := wantCode(t, err, domain.EInvalid)
	if e.Fields["username"] != "err.required" || e.Fields["password"] != "err.required" {
		t.Errorf("fields = %v", e.Fields)
	}
	// Usernames are exact.
	_, err = f.app.Login(f.ctx, "198.51.100.5", "OLLE", password)
	wantCode(t, err, domain.EUnauthorized)
	if _, err := f.app.Login(f.ctx, "198.51.100.5", "  olle ", password); err != nil {
		t.Errorf("surrounding spaces: %v", err)
	}
}

func TestLoginAudited(t *testing.T) {
	f := newFixture(t)
	n := f.auditCount()
	if _, err := f.app.Login(f.ctx, "198.51.100.1", "olle", "fel-lösenord-123"); err == nil {
		t.Fatal("wrong password accepted")
	}
	if _, err := f.app.Login(f.ctx, "198.51.100.2", "ingen-sadan", "fel-lösenord-123"); err == nil {
		t.Fatal("unknown user accepted")
	}
	res, err := f.app.Login(f.ctx, "198.51.100.3", "olle", password)
	if err != nil {
		t.Fatal(err)
	}
	c := app.Caller{P: nil, IP: "198.51.100.3"}
	c.P, _, err = f.app.SessionPrincipal(f.ctx, res.Token)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.app.Logout(f.ctx, c, res.Token); err != nil {
		t.Fatal(err)
	}
	rows := f.auditRows("session")
	var got []string
	for _, r := range rows[len(rows)-4:] {
		got = append(got, fmt.Sprintf("%s %s %d %s", r.Action, r.Actor, r.ActorID, r.IP))
	}
	want := []string{
		fmt.Sprintf("login_failed olle %d 198.51.100.1", f.ownerID),
		"login_failed ingen-sadan 0 198.51.100.2",
		fmt.Sprintf("login olle %d 198.51.100.3", f.ownerID),
		fmt.Sprintf("logout olle %d 198.51.100.3", f.ownerID),
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("session audit:\n got %q\nwant %q", got, want)
	}
	if f.auditCount() != n+4 {
		t.Errorf("%d entries added, want 4", f.auditCount()-n)
	}
	// The password never reaches the audit trail.
	for _, r := range f.auditRows("") {
		if strings.Contains(r.After, "fel-lösenord") || strings.Contains(r.After, password) || strings.Contains(r.Before, password) {
			t.Errorf("password in audit entry %d", r.ID)
		}
	}
	if count, err := f.store.VerifyAudit(f.ctx); err != nil || count != f.auditCount() {
		t.Errorf("VerifyAudit = %d, %v", count, err)
	}
}

// Issue #8 item 9: wrong passwords slow down the guesser (per account and address, and per
// account from addresses it never used) without keeping the real user out, and the refused
// attempts are one audit entry per burst with their number.
func TestLoginThrottledPerAccount(t *testing.T) {
	f := newFixture(t)
	if _, err := f.app.Login(f.ctx, "192.0.2.10", "olle", password); err != nil { // Olle's usual address
		t.Fatal(err)
	}
	const attacker = "203.0.113.50"
	for range 4 {
		_, err := f.app.Login(f.ctx, attacker, "olle", "fel-lösenord-123")
		wantCode(t, err, domain.EUnauthorized)
	}
	// The guesser now waits, even with the right password …
	_, err := f.app.Login(f.ctx, attacker, "olle", password)
	if e := wantCode(t, err, domain.ETooManyRequests); e.RetryAfter != time.Second {
		t.Errorf("retry after %v, want 1s", e.RetryAfter)
	}
	for range 50 {
		_, err = f.app.Login(f.ctx, attacker, "OLLE", password) // the throttle ignores case
		wantCode(t, err, domain.ETooManyRequests)
	}
	// … while Olle logs in from his address, and others are not affected.
	if _, err := f.app.Login(f.ctx, "192.0.2.10", "olle", password); err != nil {
		t.Errorf("the real user is kept out: %v", err)
	}
	if _, err := f.app.Login(f.ctx, attacker, "ingrid", password); err != nil {
		t.Errorf("other account: %v", err)
	}
	// 51 refused attempts are one audit entry (the first of the burst); when the delay has
	// passed, the rest of the burst is counted in a second.
	throttled := func() (n, attempts int) {
		for _, r := range f.auditRows("session") {
			if r.Action == "login_throttled" {
				n++
				var a struct{ Attempts int }
				if err := json.Unmarshal([]byte(r.After), &a); err != nil {
					t.Fatal(err)
				}
				attempts += a.Attempts
			}
		}
		return n, attempts
	}
	if n, attempts := throttled(); n != 1 || attempts != 1 {
		t.Errorf("%d throttle entries for %d attempts, want 1 for 1", n, attempts)
	}
	f.advance(time.Second)
	if _, err := f.app.Login(f.ctx, attacker, "olle", password); err != nil {
		t.Errorf("after the delay: %v", err)
	}
	if n, attempts := throttled(); n != 2 || attempts != 51 {
		t.Errorf("%d throttle entries for %d attempts, want 2 for 51", n, attempts)
	}
}

// The addresses an account logged in from are remembered across a restart: guesses from
// many addresses slow the stranger down, not the real user at their usual address.
func TestLoginThrottleRemembersAddressesAfterRestart(t *testing.T) {
	f := newFixture(t)
	if _, err := f.app.Login(f.ctx, "192.0.2.10", "olle", password); err != nil {
		t.Fatal(err)
	}
	restarted, err := app.New(f.store, app.WithPolicy(tKindPolicy...))
	if err != nil {
		t.Fatal(err)
	}
	restarted.Hasher = f.app.Hasher
	for i := range 12 { // one guess per address, past the account-wide allowance
		_, _ = restarted.Login(f.ctx, fmt.Sprintf("203.0.113.%d", i), "olle", "fel-lösenord-123")
	}
	_, err = restarted.Login(f.ctx, "203.0.113.200", "olle", password)
	wantCode(t, err, domain.ETooManyRequests)
	if _, err := restarted.Login(f.ctx, "192.0.2.10", "olle", password); err != nil {
		t.Errorf("after a restart the real user is kept out at their usual address: %v", err)
	}
	// Remembered for 90 days from the last login, then forgotten.
	f.advance(91 * 24 * time.Hour)
	later, err := app.New(f.store, app.WithPolicy(tKindPolicy...))
	if err != nil {
		t.Fatal(err)
	}
	later.Hasher = f.app.Hasher
	for i := range 12 {
		_, _ = later.Login(f.ctx, fmt.Sprintf("203.0.113.%d", i), "olle", "fel-lösenord-123")
	}
	_, err = later.Login(f.ctx, "192.0.2.10", "olle", password)
	wantCode(t, err, domain.ETooManyRequests)
}

func TestLoginThrottledPerAddress(t *testing.T) {
	f := newFixture(t)
	const ip = "203.0.113.66"
	for i := range 20 {
		_, err := f.app.Login(f.ctx, ip, fmt.Sprintf("gissning%d", i), "fel-lösenord-123")
		wantCode(t, err, domain.EUnauthorized)
	}
	_, err := f.app.Login(f.ctx, ip, "olle", password)
	wantCode(t, err, domain.ETooManyRequests)
	if _, err := f.app.Login(f.ctx, "203.0.113.67", "olle", password); err != nil {
		t.Errorf("from another address: %v", err)
	}
}

// The throttle follows the store's clock even when the clock is set after New.
func TestThrottleUsesStoreClock(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, storetest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a, err := app.New(s)
	if err != nil {
		t.Fatal(err)
	}
	a.Hasher = auth.Hasher{Cost: bcrypt.MinCost}
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	h, _ := a.Hasher.Hash(password)
	if err := s.CreateUser(ctx, app.SystemActor("test"), &domain.User{Username: "anna", Name: "Anna", PasswordHash: h}); err != nil {
		t.Fatal(err)
	}
	for range 25 {
		_, _ = a.Login(ctx, "192.0.2.1", "anna", "fel")
	}
	_, err = a.Login(ctx, "192.0.2.1", "anna", password)
	wantCode(t, err, domain.ETooManyRequests)
	now = now.Add(time.Hour)
	if _, err := a.Login(ctx, "192.0.2.1", "anna", password); err != nil {
		t.Errorf("an hour later on the store clock: %v", err)
	}
}

func TestSessions(t *testing.T) {
	f := newFixture(t)
	res, err := f.app.Login(f.ctx, "198.51.100.1", "olle", password)
	if err != nil {
		t.Fatal(err)
	}
	res2, err := f.app.Login(f.ctx, "198.51.100.1", "olle", password)
	if err != nil {
		t.Fatal(err)
	}
	if res.Token == "" || res.Token == res2.Token || res.CSRFToken == res.Token || res.CSRFToken == res2.CSRFToken {
		t.Errorf("tokens not fresh: %q %q %q", res.Token, res2.Token, res.CSRFToken)
	}
	if !res.Expires.Equal(start.Add(12*time.Hour)) || res.User.ID != f.ownerID {
		t.Errorf("login result %+v", res)
	}
	p, csrf, err := f.app.SessionPrincipal(f.ctx, res.Token)
	if err != nil {
		t.Fatal(err)
	}
	if p.User.ID != f.ownerID || p.User.Username != "olle" || csrf != res.CSRFToken {
		t.Errorf("principal %+v csrf %q", p.User, csrf)
	}
	if len(p.Assignments) != 1 || p.Assignments[0].Role != domain.RoleInformationOwner || p.Assignments[0].MunicipalityID != f.munA ||
		len(p.Assignments[0].OrgUnitIDs) != 1 || p.Assignments[0].OrgUnitIDs[0] != f.unitSoc {
		t.Errorf("assignments %+v", p.Assignments)
	}
	// The database holds only a hash of the token.
	var n int
	if err := f.db().QueryRowContext(f.ctx, `SELECT COUNT(*) FROM sessions WHERE token_hash = ? OR csrf_token = ?`, res.Token, res.Token).Scan(&n); err != nil || n != 0 {
		t.Errorf("raw token stored: %d, %v", n, err)
	}
	_, _, err = f.app.SessionPrincipal(f.ctx, res.Token+"x")
	wantCode(t, err, domain.ENotFound)

	// Logout ends that session only.
	if err := f.app.Logout(f.ctx, app.Caller{P: p, IP: "198.51.100.1"}, res.Token); err != nil {
		t.Fatal(err)
	}
	_, _, err = f.app.SessionPrincipal(f.ctx, res.Token)
	wantCode(t, err, domain.ENotFound)
	if _, _, err := f.app.SessionPrincipal(f.ctx, res2.Token); err != nil {
		t.Errorf("other session ended too: %v", err)
	}
	// Sessions expire on the store clock (here the absolute end alone; idle below).
	f.app.SessionIdle = 0
	f.advance(12*time.Hour - time.Second)
	if _, _, err := f.app.SessionPrincipal(f.ctx, res2.Token); err != nil {
		t.Errorf("session ended early: %v", err)
	}
	f.advance(time.Second)
	_, _, err = f.app.SessionPrincipal(f.ctx, res2.Token)
	wantCode(t, err, domain.ENotFound)

	// Disabling an account ends its sessions.
	res3, err := f.app.Login(f.ctx, "198.51.100.1", "ingrid", password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.UpdateUser(f.ctx, f.admin, f.owner2ID, app.UserUpdate{Name: sp("Ingrid"), Disabled: bp(true)}); err != nil {
		t.Fatal(err)
	}
	_, _, err = f.app.SessionPrincipal(f.ctx, res3.Token)
	wantCode(t, err, domain.ENotFound)

	// Role changes take effect on the next request of a live session.
	res4, err := f.app.Login(f.ctx, "198.51.100.1", "sven", password)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.app.GrantRole(f.ctx, f.admin, mustUserID(t, f, "sven"), app.RoleInput{MunicipalityID: f.munB, Role: "auditor"}); err != nil {
		t.Fatal(err)
	}
	p, _, err = f.app.SessionPrincipal(f.ctx, res4.Token)
	if err != nil || !p.HasRole(f.munB, domain.RoleAuditor) || !p.HasRole(f.munA, domain.RoleStaff) {
		t.Errorf("after grant: %+v, %v", p, err)
	}
}

func mustUserID(t *testing.T, f *fixture, username string) int64 {
	t.Helper()
	u, err := f.store.GetUserByUsername(f.ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func TestAPIToken(t *testing.T) {
	f := newFixture(t)
	nt, err := f.app.CreateAPIToken(f.ctx, "rut", "revisionsverktyg", 365)
	if err != nil {
		t.Fatal(err)
	}
	tok := nt.Token
	if d := nt.ExpiresAt.Sub(f.now); d != 365*24*time.Hour || nt.Name != "revisionsverktyg" || nt.LastUsedAt != nil {
		t.Errorf("new token %+v (expires in %v)", nt.APIToken, d)
	}
	p, err := f.app.TokenPrincipal(f.ctx, tok)
	if err != nil || p.User.Username != "rut" || !p.HasRole(f.munA, domain.RoleAuditor) {
		t.Errorf("token principal %+v, %v", p, err)
	}
	_, err = f.app.TokenPrincipal(f.ctx, tok[:len(tok)-1])
	wantCode(t, err, domain.ENotFound)
	_, err = f.app.CreateAPIToken(f.ctx, "ingen-sadan", "x", 365)
	wantCode(t, err, domain.ENotFound)
	// Its use is noted (to within a minute), and it ends when it expires.
	rut := f.login("rut")
	list, err := f.app.MyTokens(f.ctx, rut)
	if err != nil || len(list) != 1 || list[0].LastUsedAt == nil || !list[0].LastUsedAt.Equal(f.now) {
		t.Errorf("my tokens %+v, %v", list, err)
	}
	f.advance(365*24*time.Hour + time.Second)
	_, err = f.app.TokenPrincipal(f.ctx, tok)
	wantCode(t, err, domain.ENotFound)
}

// Issue #8 item 4: tokens are made with a name and a lifetime, listed and revoked by their
// user and by the administrator; a password reset and disabling end them; all audited.
func TestAPITokensRevokeAndEnd(t *testing.T) {
	f := newFixture(t)
	rut := f.login("rut")
	for _, bad := range []app.TokenInput{{Name: ""}, {Name: "x", ExpiresInDays: ip(0)}, {Name: "x", ExpiresInDays: ip(-1)}, {Name: "x", ExpiresInDays: ip(3651)}, {Name: "a\u202eb"}} {
		_, err := f.app.CreateMyToken(f.ctx, rut, bad)
		wantCode(t, err, domain.EInvalid)
	}
	a, err := f.app.CreateMyToken(f.ctx, rut, app.TokenInput{Name: "diariet", ExpiresInDays: ip(30)})
	if err != nil || a.ExpiresAt.Sub(f.now) != 30*24*time.Hour {
		t.Fatalf("create: %+v, %v", a, err)
	}
	b, err := f.app.CreateMyToken(f.ctx, rut, app.TokenInput{Name: "rapporter"})
	if err != nil {
		t.Fatal(err)
	}
	// Another user cannot revoke it; its owner can, and then it answers not found.
	olle := f.login("olle")
	wantCode(t, f.app.RevokeMyToken(f.ctx, olle, a.ID), domain.ENotFound)
	if err := f.app.RevokeMyToken(f.ctx, rut, a.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.app.TokenPrincipal(f.ctx, a.Token)
	wantCode(t, err, domain.ENotFound)
	wantCode(t, f.app.RevokeMyToken(f.ctx, rut, a.ID), domain.ENotFound)
	if list, _ := f.app.MyTokens(f.ctx, rut); len(list) != 1 || list[0].ID != b.ID {
		t.Errorf("after revoking: %+v", list)
	}
	// The administrator sees and revokes a user's tokens; others may not.
	_, err = f.app.UserTokens(f.ctx, olle, f.userID("rut"))
	wantCode(t, err, domain.EForbidden)
	if list, err := f.app.UserTokens(f.ctx, f.admin, f.userID("rut")); err != nil || len(list) != 1 {
		t.Errorf("admin's list: %+v, %v", list, err)
	}
	c, _ := f.app.CreateMyToken(f.ctx, rut, app.TokenInput{Name: "tredje"})
	if err := f.app.RevokeUserToken(f.ctx, f.admin, f.userID("rut"), c.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.app.RevokeUserToken(f.ctx, f.admin, f.userID("olle"), b.ID), domain.ENotFound) // not olle's
	// A password reset ends every session and token of the account, audited as a reset.
	res, err := f.app.Login(f.ctx, "192.0.2.10", "rut", password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.UpdateUser(f.ctx, f.admin, f.userID("rut"), app.UserUpdate{Password: sp("ett helt nytt lösenord")}); err != nil {
		t.Fatal(err)
	}
	_, err = f.app.TokenPrincipal(f.ctx, b.Token)
	wantCode(t, err, domain.ENotFound)
	_, _, err = f.app.SessionPrincipal(f.ctx, res.Token)
	wantCode(t, err, domain.ENotFound)
	got := map[string]int{}
	for _, r := range f.auditRows("user") {
		got[r.Action]++
		if strings.Contains(r.After, "$2a$") || strings.Contains(r.Before, "$2a$") || strings.Contains(r.After, "helt nytt") {
			t.Errorf("a password or hash in the audit trail: %+v", r)
		}
	}
	if got["token_create"] != 3 || got["token_revoke"] != 2 || got["password_reset"] != 1 || got["update"] != 0 {
		t.Errorf("audit entries %v", got)
	}
	// Disabling ends them too.
	d, err := f.app.CreateAPIToken(f.ctx, "olle", "x", 365)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.UpdateUser(f.ctx, f.admin, f.userID("olle"), app.UserUpdate{Disabled: bp(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.UpdateUser(f.ctx, f.admin, f.userID("olle"), app.UserUpdate{Disabled: bp(false)}); err != nil {
		t.Fatal(err)
	}
	_, err = f.app.TokenPrincipal(f.ctx, d.Token)
	wantCode(t, err, domain.ENotFound)
}

// Issue #8 item 12: an update changes only the fields given: renaming a disabled account
// leaves it disabled.
func TestUserUpdateIsPartial(t *testing.T) {
	f := newFixture(t)
	id := f.userID("sven")
	if _, err := f.app.UpdateUser(f.ctx, f.admin, id, app.UserUpdate{Disabled: bp(true)}); err != nil {
		t.Fatal(err)
	}
	u, err := f.app.UpdateUser(f.ctx, f.admin, id, app.UserUpdate{Name: sp("Sven Nytt Namn")})
	if err != nil || !u.Disabled || u.Name != "Sven Nytt Namn" {
		t.Errorf("rename: %+v, %v", u, err)
	}
	if _, err := f.app.Login(f.ctx, "192.0.2.10", "sven", password); err == nil {
		t.Error("the renamed, disabled account logs in")
	}
	_, err = f.app.UpdateUser(f.ctx, f.admin, id, app.UserUpdate{Password: sp("")})
	wantCode(t, err, domain.EInvalid)
}

// Issue #8 item 7: users change their own password with the current one; their other
// sessions end, this one stays; sessions end after SessionIdle without use.
func TestChangeOwnPasswordAndIdleSessions(t *testing.T) {
	f := newFixture(t)
	other, err := f.app.Login(f.ctx, "192.0.2.11", "olle", password)
	if err != nil {
		t.Fatal(err)
	}
	this, err := f.app.Login(f.ctx, "192.0.2.10", "olle", password)
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := f.app.SessionPrincipal(f.ctx, this.Token)
	if err != nil {
		t.Fatal(err)
	}
	c := app.Caller{P: p, IP: "192.0.2.10"}
	next := "mitt eget nya lösenord"
	for _, bad := range []struct{ cur, next, field string }{
		{"", next, "current_password"},
		{"fel lösenord här", next, "current_password"},
		{password, "kort", "new_password"},
		{password, "olle-olle-olle-x", "new_password"},
		{password, password, "new_password"},
	} {
		err := f.app.ChangePassword(f.ctx, c, this.Token, bad.cur, bad.next)
		if e := wantCode(t, err, domain.EInvalid); e.Fields[bad.field] == "" {
			t.Errorf("%q -> %q: fields %v", bad.cur, bad.next, e.Fields)
		}
	}
	if err := f.app.ChangePassword(f.ctx, c, this.Token, password, next); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.app.SessionPrincipal(f.ctx, this.Token); err != nil {
		t.Errorf("the session that changed the password ended: %v", err)
	}
	_, _, err = f.app.SessionPrincipal(f.ctx, other.Token)
	wantCode(t, err, domain.ENotFound)
	if _, err := f.app.Login(f.ctx, "192.0.2.10", "olle", next); err != nil {
		t.Errorf("login with the new password: %v", err)
	}
	if _, err := f.app.Login(f.ctx, "192.0.2.12", "olle", password); err == nil {
		t.Error("the old password still works")
	}
	changes := 0
	for _, r := range f.auditRows("user") {
		if r.Action == "password_change" {
			changes++
		}
	}
	if n := changes; n != 1 {
		t.Errorf("%d password_change entries", n)
	}
	// Idle: used every 20 minutes, the session lives on; 31 minutes unused, it is gone.
	for range 5 {
		f.advance(20 * time.Minute)
		if _, _, err := f.app.SessionPrincipal(f.ctx, this.Token); err != nil {
			t.Fatalf("a session in use ended: %v", err)
		}
	}
	f.advance(app.DefaultSessionIdle + time.Minute)
	_, _, err = f.app.SessionPrincipal(f.ctx, this.Token)
	wantCode(t, err, domain.ENotFound)
}

func TestAdminUsers(t *testing.T) {
	f := newFixture(t)
	_, err := f.app.CreateUser(f.ctx, f.admin, app.UserInput{Username: "olle", Name: "Dubblett", Password: password})
	if e := wantCode(t, err, domain.EConflict); e.Fields["username"] != "err.taken" {
		t.Errorf("fields = %v", e.Fields)
	}
	_, err = f.app.CreateUser(f.ctx, f.admin, app.UserInput{Username: "ny\tanvändare", Name: "x", Password: "kort", Email: "inte en adress"})
	e := wantCode(t, err, domain.EInvalid)
	if e.Fields["username"] != "err.username_chars" || e.Fields["password"] != "err.password_short" || e.Fields["email"] != "err.email" {
		t.Errorf("fields = %v", e.Fields)
	}
	_, err = f.app.CreateUser(f.ctx, f.admin, app.UserInput{Username: "lang", Name: "x", Password: strings.Repeat("å", 40)})
	if e := wantCode(t, err, domain.EInvalid); e.Fields["password"] != "err.password_long" {
		t.Errorf("fields = %v", e.Fields)
	}
	// An administrator cannot lock themselves out.
	_, err = f.app.UpdateUser(f.ctx, f.admin, f.admin.P.User.ID, app.UserUpdate{Name: sp("root"), IsAdmin: bp(false)})
	wantCode(t, err, domain.EInvalid)
	// Information owners need units, of the municipality the role is in.
	err = f.app.GrantRole(f.ctx, f.admin, f.ownerID, app.RoleInput{MunicipalityID: f.munB, Role: "information_owner"})
	if e := wantCode(t, err, domain.EInvalid); e.Fields["org_unit_ids"] != "err.owner_units_required" {
		t.Errorf("fields = %v", e.Fields)
	}
	err = f.app.GrantRole(f.ctx, f.admin, f.ownerID, app.RoleInput{MunicipalityID: f.munB, Role: "information_owner", OrgUnitIDs: []int64{f.unitSoc}})
	if e := wantCode(t, err, domain.EInvalid); e.Fields["org_unit_ids"] != "err.unknown_unit" {
		t.Errorf("fields = %v", e.Fields)
	}
	err = f.app.GrantRole(f.ctx, f.admin, f.ownerID, app.RoleInput{MunicipalityID: f.munA, Role: "admin"})
	wantCode(t, err, domain.EInvalid)
	err = f.app.GrantRole(f.ctx, f.admin, 999999, app.RoleInput{MunicipalityID: f.munA, Role: "staff"})
	wantCode(t, err, domain.ENotFound)
	// Revoking takes the municipality away.
	if err := f.app.RevokeRole(f.ctx, f.admin, f.coordBID, f.munB, "coordinator"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.app.RevokeRole(f.ctx, f.admin, f.coordBID, f.munB, "coordinator"), domain.ENotFound)
	c := f.login("bodil")
	_, err = f.app.Documents(f.ctx, c, f.munB, store.DocumentFilter{})
	wantCode(t, err, domain.ENotFound)
}
