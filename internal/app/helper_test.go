package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/auth"
	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
	"github.com/lisa-isms/lisa/internal/storetest"
)

// The fixed "now" of every test: a Saturday morning in May, UTC.
var start = time.Date(2025, time.May, 10, 9, 30, 0, 0, time.UTC)

const password = "rätt-lösenord-123"

// fixture is a real SQLite database with two municipalities, their org units and a person
// for each role, built through the service layer the way an administrator would.
type fixture struct {
	t     testing.TB
	ctx   context.Context
	path  string
	now   time.Time // the store clock; change with advance
	store *store.Store
	app   *app.App

	admin app.Caller

	// Ankeby: the municipality most tests work in.
	munA                       int64
	unitKS, unitSoc, unitIT    int64 // kommunstyrelse, socialnämnden, IT-enheten (under KS)
	coord, owner, owner2       app.Caller
	mgmt, auditor, staff       app.Caller
	ownerID, owner2ID, coordID int64

	// Borgby: another tenant.
	munB     int64
	unitB    int64
	coordB   app.Caller
	coordBID int64
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, ctx: ctx, path: storetest.DSN(t), now: start}
	s, err := store.Open(ctx, f.path)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	s.Now = func() time.Time { return f.now }
	a, err := app.New(s, app.WithPolicy(tKindPolicy...))
	if err != nil {
		t.Fatalf("new app: %v", err)
	}
	a.Hasher = auth.Hasher{Cost: bcrypt.MinCost}
	f.store, f.app = s, a

	// The first administrator is made from the command line, below the service layer.
	h, err := a.Hasher.Hash(password)
	if err != nil {
		t.Fatal(err)
	}
	root := domain.User{Username: "root", Name: "Systemadministratör", PasswordHash: h, IsAdmin: true}
	if err := s.CreateUser(ctx, app.SystemActor("test"), &root); err != nil {
		t.Fatalf("create admin: %v", err)
	}
	f.admin = app.Caller{P: &authz.Principal{User: root}, IP: "127.0.0.1"}

	f.munA = f.municipality("Ankeby kommun")
	f.unitKS = f.unit(f.munA, "Kommunstyrelsen", "kommunstyrelse", nil)
	f.unitSoc = f.unit(f.munA, "Socialnämnden", "Nämnd", nil)
	f.unitIT = f.unit(f.munA, "IT-enheten", "enhet", &f.unitKS)
	f.munB = f.municipality("Borgby kommun")
	f.unitB = f.unit(f.munB, "Kommunstyrelsen", "kommunstyrelse", nil) // same name, other tenant

	f.coordID = f.user("kristina", "Kristina Koordinator", app.RoleInput{MunicipalityID: f.munA, Role: "coordinator"})
	f.ownerID = f.user("olle", "Olle Informationsägare", app.RoleInput{MunicipalityID: f.munA, Role: "information_owner", OrgUnitIDs: []int64{f.unitSoc}})
	f.owner2ID = f.user("ingrid", "Ingrid IT-chef", app.RoleInput{MunicipalityID: f.munA, Role: "information_owner", OrgUnitIDs: []int64{f.unitIT}})
	f.user("maja", "Maja Kommundirektör", app.RoleInput{MunicipalityID: f.munA, Role: "management"})
	f.user("rut", "Rut Revisor", app.RoleInput{MunicipalityID: f.munA, Role: "auditor"})
	f.user("sven", "Sven Medarbetare", app.RoleInput{MunicipalityID: f.munA, Role: "staff"})
	f.coordBID = f.user("bodil", "Bodil i Borgby", app.RoleInput{MunicipalityID: f.munB, Role: "coordinator"})

	f.coord, f.owner, f.owner2 = f.login("kristina"), f.login("olle"), f.login("ingrid")
	f.mgmt, f.auditor, f.staff = f.login("maja"), f.login("rut"), f.login("sven")
	f.coordB = f.login("bodil")
	return f
}

func (f *fixture) advance(d time.Duration) { f.now = f.now.Add(d) }

func (f *fixture) today() domain.Date { return domain.DateOf(f.now) }

func (f *fixture) municipality(name string) int64 {
	f.t.Helper()
	m, err := f.app.CreateMunicipality(f.ctx, f.admin, app.MunicipalityInput{Name: name})
	if err != nil {
		f.t.Fatalf("create municipality %s: %v", name, err)
	}
	return m.ID
}

func (f *fixture) unit(mun int64, name, kind string, parent *int64) int64 {
	f.t.Helper()
	u, err := f.app.SaveOrgUnit(f.ctx, f.admin, mun, 0, app.OrgUnitInput{Name: name, Kind: kind, ParentID: parent})
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

// login logs username in and returns the caller its session resolves to.
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

// doc creates a governing document as c in mun A, failing the test on error.
func (f *fixture) doc(c app.Caller, in domain.DocumentInput) domain.Document {
	f.t.Helper()
	d, err := f.app.CreateDocument(f.ctx, c, f.munA, in)
	if err != nil {
		f.t.Fatalf("create document %q: %v", deref(in.Title), err)
	}
	return d
}

// adoptedDoc creates a document in unit as the coordinator and has management adopt it.
func (f *fixture) adoptedDoc(title string, unit int64) domain.Document {
	f.t.Helper()
	d := f.doc(f.coord, domain.DocumentInput{Type: sp("riktlinje"), Title: sp(title), OrgUnitID: &unit})
	d, err := f.app.UpdateDocument(f.ctx, f.mgmt, f.munA, d.ID, domain.DocumentInput{Status: sp("adopted"), AdoptedBy: sp("kommunstyrelse")})
	if err != nil {
		f.t.Fatalf("adopt %q: %v", title, err)
	}
	return d
}

// db opens the database directly, as someone with file access would.
func (f *fixture) db() *storetest.RawDB {
	f.t.Helper()
	return storetest.Raw(f.t, f.path)
}

// auditRows returns the audit trail in order, optionally only the entries of one kind.
func (f *fixture) auditRows(kind string) []auditRow {
	f.t.Helper()
	rows, err := f.db().QueryContext(f.ctx, `SELECT id, actor, COALESCE(actor_id, 0), COALESCE(municipality_id, 0), kind, COALESCE(record_id, 0), action, before_json, after_json, ip
		FROM audit_log WHERE ? = '' OR kind = ? ORDER BY id`, kind, kind)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []auditRow
	for rows.Next() {
		var r auditRow
		if err := rows.Scan(&r.ID, &r.Actor, &r.ActorID, &r.Mun, &r.Kind, &r.RecordID, &r.Action, &r.Before, &r.After, &r.IP); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		f.t.Fatal(err)
	}
	return out
}

type auditRow struct {
	ID, ActorID, Mun, RecordID         int64
	Actor, Kind, Action, Before, After string
	IP                                 string
}

func (f *fixture) auditCount() int {
	f.t.Helper()
	var n int
	if err := f.db().QueryRowContext(f.ctx, `SELECT COUNT(*) FROM audit_log`).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func sp(s string) *string { return &s }
func bp(b bool) *bool     { return &b }
func ip(n int) *int       { return &n }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// wantCode fails the test unless err carries code.
func wantCode(t *testing.T, err error, code domain.Code) *domain.Error {
	t.Helper()
	var e *domain.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v (%T), want %s", err, err, code)
	}
	if e.Code != code {
		t.Fatalf("err = %v, want %s", err, code)
	}
	return e
}

// Kinds the service tests declare for the cross-kind lists: assets, read like documents but
// for staff; and a kind nobody but the coordinator may read. (Risks are a real kind since
// issue 9, with the same read rules in policies/policy.csv.)
func init() {
	for _, k := range []domain.KindSpec{
		{Kind: "t_risk", Section: "t_risks", Statuses: []string{"open"}},
		{Kind: "t_asset", Section: "t_assets", Statuses: []string{"open"}},
		{Kind: "secret", Section: "secrets", Statuses: []string{"open"}},
	} {
		domain.RegisterKind(k)
	}
}

var tKindPolicy = []string{
	"p, coordinator, t_risk, read, all", "p, management, t_risk, read, all", "p, auditor, t_risk, read, all", "p, information_owner, t_risk, read, own_units",
	"p, coordinator, t_asset, read, all", "p, management, t_asset, read, all", "p, auditor, t_asset, read, all", "p, information_owner, t_asset, read, own_units",
	"p, coordinator, secret, read, all",
}
