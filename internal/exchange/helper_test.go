package exchange_test

import (
	"context"
	"errors"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
	"golang.org/x/crypto/bcrypt"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/auth"
	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
	"github.com/lisa-isms/lisa/internal/storetest"
)

// The fixed "now" of the tests.
var start = time.Date(2025, time.May, 10, 9, 30, 0, 0, time.UTC)

const password = "rätt-lösenord-123"

// fixture is a real SQLite database with one municipality (and a second one, to be sure
// nothing leaks), built through the service layer without the demo data.
type fixture struct {
	t     testing.TB
	ctx   context.Context
	store *store.Store
	app   *app.App
	admin app.Caller

	mun       domain.Municipality
	unitKS    int64
	coord     app.Caller
	coordID   int64
	ownerID   int64
	owners    map[int64]string
	evidence  map[int64]string
	otherMun  int64
	otherUnit int64
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, ctx: ctx, owners: map[int64]string{}, evidence: map[int64]string{}}
	s, err := store.Open(ctx, storetest.DSN(t))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	now := start
	s.Now = func() time.Time { return now }
	a, err := app.New(s)
	if err != nil {
		t.Fatalf("new app: %v", err)
	}
	a.Hasher = auth.Hasher{Cost: bcrypt.MinCost}
	f.store, f.app = s, a

	h, err := a.Hasher.Hash(password)
	if err != nil {
		t.Fatal(err)
	}
	root := domain.User{Username: "root", Name: "Systemadministratör", PasswordHash: h, IsAdmin: true}
	if err := s.CreateUser(ctx, app.SystemActor("test"), &root); err != nil {
		t.Fatalf("create admin: %v", err)
	}
	f.admin = app.Caller{P: &authz.Principal{User: root}, IP: "127.0.0.1"}

	f.mun, err = a.CreateMunicipality(ctx, f.admin, app.MunicipalityInput{Name: "Ankeby kommun", OrgNumber: "212000-0001"})
	if err != nil {
		t.Fatalf("create municipality: %v", err)
	}
	f.unitKS = f.unit(f.mun.ID, "Kommunstyrelsen")
	other, err := a.CreateMunicipality(ctx, f.admin, app.MunicipalityInput{Name: "Borgby kommun"})
	if err != nil {
		t.Fatalf("create municipality: %v", err)
	}
	f.otherMun = other.ID
	f.otherUnit = f.unit(f.otherMun, "Kommunstyrelsen")

	f.coordID = f.user("kristina", "Kristina Koordinator", app.RoleInput{MunicipalityID: f.mun.ID, Role: "coordinator"})
	f.ownerID = f.user("olle", "Olle Informationsägare", app.RoleInput{MunicipalityID: f.mun.ID, Role: "information_owner", OrgUnitIDs: []int64{f.unitKS}})
	f.owners[f.coordID] = "Kristina Koordinator"
	f.owners[f.ownerID] = "Olle Informationsägare"
	f.coord = f.login("kristina")
	return f
}

func (f *fixture) unit(mun int64, name string) int64 {
	f.t.Helper()
	u, err := f.app.SaveOrgUnit(f.ctx, f.admin, mun, 0, app.OrgUnitInput{Name: name, Kind: "kommunstyrelse"})
	if err != nil {
		f.t.Fatalf("create unit %s: %v", name, err)
	}
	return u.ID
}

func (f *fixture) user(username, name string, roles ...app.RoleInput) int64 {
	f.t.Helper()
	u, err := f.app.CreateUser(f.ctx, f.admin, app.UserInput{Username: username, Name: name, Password: password})
	if err != nil {
		f.t.Fatalf("create user %s: %v", username, err)
	}
	for _, r := range roles {
		if err := f.app.GrantRole(f.ctx, f.admin, u.ID, r); err != nil {
			f.t.Fatalf("grant %s to %s: %v", r.Role, username, err)
		}
	}
	return u.ID
}

func (f *fixture) login(username string) app.Caller {
	f.t.Helper()
	res, err := f.app.Login(f.ctx, "192.0.2.10", username, password)
	if err != nil {
		f.t.Fatalf("login %s: %v", username, err)
	}
	p, _, err := f.app.SessionPrincipal(f.ctx, res.Token)
	if err != nil {
		f.t.Fatalf("session of %s: %v", username, err)
	}
	return app.Caller{P: p, IP: "192.0.2.10"}
}

// document creates a governing document to serve as evidence and remembers its title.
func (f *fixture) document(title string) int64 {
	f.t.Helper()
	d, err := f.app.CreateDocument(f.ctx, f.coord, f.mun.ID, domain.DocumentInput{Type: sp("riktlinje"), Title: sp(title), OrgUnitID: &f.unitKS})
	if err != nil {
		f.t.Fatalf("create document %q: %v", title, err)
	}
	f.evidence[d.ID] = d.Title
	return d.ID
}

// soa returns the statement of applicability as the coordinator sees it.
func (f *fixture) soa() []app.SoARow {
	f.t.Helper()
	rows, err := f.app.SoA(f.ctx, f.coord, f.mun.ID)
	if err != nil {
		f.t.Fatalf("soa: %v", err)
	}
	return rows
}

// set changes one row as the coordinator.
func (f *fixture) set(id string, in domain.SoAInput) {
	f.t.Helper()
	if _, err := f.app.UpdateSoA(f.ctx, f.coord, f.mun.ID, id, in); err != nil {
		f.t.Fatalf("update %s: %v", id, err)
	}
}

// populate gives the statement some variety: every status, an owner, evidence, review dates,
// a justification that looks like a formula.
func (f *fixture) populate() {
	f.t.Helper()
	policy := f.document("Informationssäkerhetspolicy")
	roles := f.document("Riktlinje för roller och ansvar")
	no := false
	f.set("5.1", domain.SoAInput{Status: sp("införd"), OwnerID: &f.coordID, EvidenceIDs: &[]int64{policy, roles},
		LastReviewedAt: sp("2025-04-01"), Justification: sp("Policyn antogs av kommunfullmäktige 2024.")})
	f.set("5.2", domain.SoAInput{Status: sp("delvis"), OwnerID: &f.ownerID, EvidenceIDs: &[]int64{roles}})
	f.set("7.4", domain.SoAInput{Applicable: &no, Justification: sp("Ingen egen serverhall; driften är upphandlad.")})
	f.set("8.1", domain.SoAInput{Status: sp("partial"), Justification: sp("=cmd()")})
}

func sp(s string) *string { return &s }

// rowsError returns the rejected rows of err, failing the test when err is anything else.
func rowsError(t *testing.T, err error) []app.RowError {
	t.Helper()
	var e *domain.Error
	if !errors.As(err, &e) || e.Code != domain.EInvalid || e.Message != "err.rows_rejected" {
		t.Fatalf("err = %v, want invalid err.rows_rejected", err)
	}
	var re *app.RowsError
	if !errors.As(err, &re) || len(re.Rows) == 0 {
		t.Fatalf("err = %v, want a RowsError", err)
	}
	return re.Rows
}

// wantMessage fails the test unless err is an EInvalid *domain.Error with message key.
func wantMessage(t *testing.T, err error, key string) {
	t.Helper()
	var e *domain.Error
	if !errors.As(err, &e) || e.Code != domain.EInvalid || e.Message != key {
		t.Fatalf("err = %v, want invalid %s", err, key)
	}
}
