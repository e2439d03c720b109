package app_test

import (
	"testing"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
)

// New accounts and password resets follow one policy (auth.CheckPassword), from the API and
// the admin pages (CreateUser, UpdateUser) and from `lisa user create` (CreateUserCLI).
func TestPasswordPolicy(t *testing.T) {
	f := newFixture(t)
	refused := []struct{ password, key string }{
		{"Password12", "err.password_short"},
		{"password1234", "err.password_common"},
		{"qwertyuiop123", "err.password_common"},
		{"nyanvändare-2025", "err.password_username"},
		{"NYANVÄNDARE", "err.password_short"},
		{"xxxxxxxxxxxx", "err.password_repeated"},
		{"              ", "err.password_blank"},
	}
	for _, tt := range refused {
		in := app.UserInput{Username: "nyanvändare", Name: "Ny Användare", Password: tt.password}
		_, err := f.app.CreateUser(f.ctx, f.admin, in)
		if e := wantCode(t, err, domain.EInvalid); e.Fields["password"] != tt.key {
			t.Errorf("CreateUser with %q: fields = %v, want password: %s", tt.password, e.Fields, tt.key)
		}
		_, err = f.app.CreateUserCLI(f.ctx, in)
		if e := wantCode(t, err, domain.EInvalid); e.Fields["password"] != tt.key {
			t.Errorf("CreateUserCLI with %q: fields = %v, want password: %s", tt.password, e.Fields, tt.key)
		}
	}
	if ok, err := f.app.HasUser(f.ctx, "nyanvändare"); err != nil || ok {
		t.Fatalf("a refused password created the account: %v %v", ok, err)
	}

	// A passphrase is fine, and logs in.
	const good = "korrekt häst batteri häftklammer"
	u, err := f.app.CreateUser(f.ctx, f.admin, app.UserInput{Username: "nyanvändare", Name: "Ny Användare", Password: good})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.Login(f.ctx, "192.0.2.10", "nyanvändare", good); err != nil {
		t.Errorf("login with the new password: %v", err)
	}

	// A reset is checked against the account's own username, whatever the input says.
	_, err = f.app.UpdateUser(f.ctx, f.admin, u.ID, app.UserUpdate{Name: sp("Ny Användare"), Password: sp("NyAnvändare!2025")})
	if e := wantCode(t, err, domain.EInvalid); e.Fields["password"] != "err.password_username" {
		t.Errorf("reset containing the username: fields = %v", e.Fields)
	}
	_, err = f.app.UpdateUser(f.ctx, f.admin, u.ID, app.UserUpdate{Name: sp("Ny Användare"), Password: sp("password1234")})
	if e := wantCode(t, err, domain.EInvalid); e.Fields["password"] != "err.password_common" {
		t.Errorf("reset to a common password: fields = %v", e.Fields)
	}
	if _, err := f.app.Login(f.ctx, "192.0.2.10", "nyanvändare", good); err != nil {
		t.Errorf("a refused reset changed the password: %v", err)
	}
	// An update without a password keeps the old one and is not checked against the policy.
	if _, err := f.app.UpdateUser(f.ctx, f.admin, u.ID, app.UserUpdate{Name: sp("Ny Namn")}); err != nil {
		t.Errorf("update without a password: %v", err)
	}
	// A reset of an account that does not exist.
	_, err = f.app.UpdateUser(f.ctx, f.admin, u.ID+1000, app.UserUpdate{Name: sp("X"), Password: sp(good)})
	wantCode(t, err, domain.ENotFound)
}
