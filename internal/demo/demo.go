// Package demo loads the demonstration data: Exempelkommun and Grannkommun with their
// organisations, the demo accounts (password lisa-demo) and governing documents, some of them
// overdue for review, so that every page has something to show.
package demo

import (
	"context"
	"fmt"
	"io"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
)

// Password is every demo account's password. Only `lisa demo` creates these accounts.
const Password = "lisa-demo"

// Login describes one demo account for the printout.
type Login struct{ Username, Role string }

// Logins lists the demo accounts in the order they are printed.
var Logins = []Login{
	{"admin", "administratör (alla kommuner)"},
	{"samordnare", "informationssäkerhetssamordnare, Exempelkommun"},
	{"agare", "informationsägare, Socialförvaltningen i Exempelkommun"},
	{"ledning", "ledning (kommundirektör), Exempelkommun"},
	{"revisor", "revisor, Exempelkommun"},
	{"medarbetare", "medarbetare, Exempelkommun"},
	{"samordnare2", "informationssäkerhetssamordnare, Grannkommun"},
	{"delad", "samordnare i både Exempelkommun och Grannkommun"},
}

// PrintLogins writes the demo logins.
func PrintLogins(w io.Writer, url string) {
	fmt.Fprintf(w, "\nLisa demo: %s\nAll demo accounts have the password %q:\n", url, Password)
	for _, l := range Logins {
		fmt.Fprintf(w, "  %-12s %s\n", l.Username, l.Role)
	}
	fmt.Fprintln(w)
}

// Seeded reports whether the demo data is already there.
func Seeded(ctx context.Context, a *app.App) (bool, error) {
	_, err := a.Store.GetUserByUsername(ctx, "samordnare")
	if domain.ErrorCode(err) == domain.ENotFound {
		return false, nil
	}
	return err == nil, err
}

type unitSpec struct {
	name, parent string
	kind         domain.OrgUnitKind
}

// Seed loads the demo data into an empty database. It stops at the first error.
func Seed(ctx context.Context, a *app.App) error {
	h := a.Hasher
	hash, err := h.Hash(Password)
	if err != nil {
		return err
	}
	sys := app.SystemActor("demo")
	adminUser := domain.User{Username: "admin", Name: "Alva Admin", Email: "admin@exempelkommun.se", PasswordHash: hash, IsAdmin: true}
	if err := a.Store.CreateUser(ctx, sys, &adminUser); err != nil {
		return fmt.Errorf("seed admin: %w", err)
	}
	admin := app.Caller{P: &authz.Principal{User: adminUser}, IP: "demo"}

	units := map[string]int64{}
	mkMun := func(name, orgNr string, specs []unitSpec) (int64, error) {
		m, err := a.CreateMunicipality(ctx, admin, app.MunicipalityInput{Name: name, OrgNumber: orgNr})
		if err != nil {
			return 0, fmt.Errorf("seed %s: %w", name, err)
		}
		for _, s := range specs {
			in := app.OrgUnitInput{Name: s.name, Kind: string(s.kind)}
			if s.parent != "" {
				pid := units[name+"/"+s.parent]
				in.ParentID = &pid
			}
			u, err := a.SaveOrgUnit(ctx, admin, m.ID, 0, in)
			if err != nil {
				return 0, fmt.Errorf("seed unit %s: %w", s.name, err)
			}
			units[name+"/"+s.name] = u.ID
		}
		return m.ID, nil
	}
	ex, err := mkMun("Exempelkommun", "212000-0001", []unitSpec{
		{"Kommunstyrelsen", "", domain.UnitKommunstyrelse},
		{"Kommunledningsförvaltningen", "Kommunstyrelsen", domain.UnitForvaltning},
		{"Barn- och utbildningsnämnden", "Kommunstyrelsen", domain.UnitNamnd},
		{"Barn- och utbildningsförvaltningen", "Barn- och utbildningsnämnden", domain.UnitForvaltning},
		{"Socialnämnden", "Kommunstyrelsen", domain.UnitNamnd},
		{"Socialförvaltningen", "Socialnämnden", domain.UnitForvaltning},
		{"Tekniska nämnden", "Kommunstyrelsen", domain.UnitNamnd},
		{"Tekniska förvaltningen", "Tekniska nämnden", domain.UnitForvaltning},
		{"Exempelkommun Bostäder AB", "Kommunstyrelsen", domain.UnitBolag},
		{"Exempelkommun Energi och Vatten AB", "Kommunstyrelsen", domain.UnitBolag},
	})
	if err != nil {
		return err
	}
	gr, err := mkMun("Grannkommun", "212000-0002", []unitSpec{
		{"Kommunstyrelsen", "", domain.UnitKommunstyrelse},
		{"Kommunkontoret", "Kommunstyrelsen", domain.UnitForvaltning},
		{"Bildningsnämnden", "Kommunstyrelsen", domain.UnitNamnd},
		{"Bildningsförvaltningen", "Bildningsnämnden", domain.UnitForvaltning},
	})
	if err != nil {
		return err
	}

	type grant struct {
		mun   int64
		role  domain.Role
		units []string
	}
	people := []struct {
		username, name string
		grants         []grant
	}{
		{"samordnare", "Sara Samordnare", []grant{{ex, domain.RoleCoordinator, nil}}},
		{"agare", "Omar Ägare", []grant{{ex, domain.RoleInformationOwner, []string{"Exempelkommun/Socialförvaltningen"}}}},
		{"ledning", "Lena Ledning", []grant{{ex, domain.RoleManagement, nil}}},
		{"revisor", "Rolf Revisor", []grant{{ex, domain.RoleAuditor, nil}}},
		{"medarbetare", "Maja Medarbetare", []grant{{ex, domain.RoleStaff, nil}}},
		{"samordnare2", "Sven Samordnare", []grant{{gr, domain.RoleCoordinator, nil}}},
		{"delad", "Dana Delad", []grant{{ex, domain.RoleCoordinator, nil}, {gr, domain.RoleCoordinator, nil}}},
	}
	ids := map[string]int64{}
	for _, p := range people {
		u := domain.User{Username: p.username, Name: p.name, Email: p.username + "@exempelkommun.se", PasswordHash: hash}
		if err := a.Store.CreateUser(ctx, sys, &u); err != nil {
			return fmt.Errorf("seed user %s: %w", p.username, err)
		}
		ids[p.username] = u.ID
		for _, g := range p.grants {
			in := app.RoleInput{MunicipalityID: g.mun, Role: string(g.role)}
			for _, n := range g.units {
				in.OrgUnitIDs = append(in.OrgUnitIDs, units[n])
			}
			if err := a.GrantRole(ctx, admin, u.ID, in); err != nil {
				return fmt.Errorf("seed role %s: %w", p.username, err)
			}
		}
	}

	today := a.Today()
	date := func(days int) *string { s := today.AddDays(days).String(); return &s }
	str := func(s string) *string { return &s }
	id := func(n int64) *int64 { return &n }
	months := func(n int) *int { return &n }
	yes := true
	docs := []struct {
		mun  int64
		who  string
		unit string
		in   domain.DocumentInput
	}{
		{ex, "samordnare", "Exempelkommun/Kommunledningsförvaltningen", domain.DocumentInput{
			Type: str("policy"), Title: str("Informationssäkerhetspolicy"), Version: str("2.0"), Status: str("adopted"),
			AdoptedBy: str("kommunfullmaktige"), AdoptedAt: date(-400), Scope: str("whole_incl_companies"),
			ReviewIntervalMonths: months(12), LastReviewedAt: date(-380), NextReviewAt: date(-15),
			Description: str("Kommunens övergripande policy för informationssäkerhet. Gäller även de kommunala bolagen.")}},
		{ex, "samordnare", "Exempelkommun/Kommunledningsförvaltningen", domain.DocumentInput{
			Type: str("riktlinje"), Title: str("Riktlinje för informationsklassning"), Version: str("1.1"), Status: str("adopted"),
			AdoptedBy: str("kommunstyrelse"), AdoptedAt: date(-200), Scope: str("whole_excl_companies"),
			ReviewIntervalMonths: months(24), NextReviewAt: date(20)}},
		{ex, "samordnare", "Exempelkommun/Kommunledningsförvaltningen", domain.DocumentInput{
			Type: str("rutin"), Title: str("Rutin för hantering av informationssäkerhetsincidenter"), Version: str("0.9"),
			RevisionInProgress: &yes, ReviewIntervalMonths: months(12), NextReviewAt: date(-40),
			Description: str("Utkast under revidering: ska täcka externa leverantörer och cybersäkerhetslagens rapporteringstider.")}},
		{ex, "samordnare", "Exempelkommun/Kommunledningsförvaltningen", domain.DocumentInput{
			Type: str("instruktion"), Title: str("Instruktion för lösenord och inloggning"), Version: str("3.0"), Status: str("adopted"),
			AdoptedBy: str("forvaltningschef"), AdoptedAt: date(-90), ReviewIntervalMonths: months(12)}},
		{ex, "agare", "Exempelkommun/Socialförvaltningen", domain.DocumentInput{
			Type: str("rutin"), Title: str("Rutin för behörighetstilldelning i verksamhetssystemet för socialtjänsten"), Version: str("1.0"),
			ReviewIntervalMonths: months(6), LastReviewedAt: date(-200), NextReviewAt: date(-20)}},
		{ex, "agare", "Exempelkommun/Socialförvaltningen", domain.DocumentInput{
			Type: str("instruktion"), Title: str("Instruktion för loggkontroll i journalsystemet"), Version: str("1.0"),
			ReviewIntervalMonths: months(12), NextReviewAt: date(10)}},
		{ex, "samordnare", "Exempelkommun/Barn- och utbildningsförvaltningen", domain.DocumentInput{
			Type: str("rutin"), Title: str("Rutin för elevdata i lärplattformen"), Version: str("0.3"),
			ReviewIntervalMonths: months(12), NextReviewAt: date(-5)}},
		{ex, "samordnare", "Exempelkommun/Tekniska förvaltningen", domain.DocumentInput{
			Type: str("riktlinje"), Title: str("Riktlinje för säkerhet i styrsystem för VA och fjärrvärme"), Version: str("1.0"),
			ReviewIntervalMonths: months(12), NextReviewAt: date(60), Scope: str("units"),
			ScopeUnitIDs: &[]int64{units["Exempelkommun/Tekniska förvaltningen"], units["Exempelkommun/Exempelkommun Energi och Vatten AB"]}}},
		{gr, "samordnare2", "Grannkommun/Kommunkontoret", domain.DocumentInput{
			Type: str("policy"), Title: str("Informationssäkerhetspolicy för Grannkommun"), Version: str("0.1"),
			ReviewIntervalMonths: months(12), NextReviewAt: date(-3)}},
	}
	for _, d := range docs {
		as, err := a.Store.Assignments(ctx, ids[d.who])
		if err != nil {
			return err
		}
		u, _ := a.Store.GetUser(ctx, ids[d.who])
		c := app.Caller{P: &authz.Principal{User: u, Assignments: as}, IP: "demo"}
		d.in.OrgUnitID = id(units[d.unit])
		if _, err := a.CreateDocument(ctx, c, d.mun, d.in); err != nil {
			return fmt.Errorf("seed document %q: %w", *d.in.Title, err)
		}
	}
	return nil
}
