// Package demo loads the demonstration data: Exempelkommun and Grannkommun with their
// organisations, the demo accounts (password lisa-demo) and governing documents, some of them
// overdue for review, so that every page has something to show.
package demo

import (
	"context"
	"fmt"
	"io"
	"sort"

	"github.com/lisa-isms/lisa/internal/app"
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
	return a.HasUser(ctx, "samordnare")
}

type unitSpec struct {
	name, parent string
	kind         domain.OrgUnitKind
}

// Seed loads the demo data into an empty database. It stops at the first error.
func Seed(ctx context.Context, a *app.App) error {
	hash, err := a.Hasher.Hash(Password)
	if err != nil {
		return err
	}
	sys := app.SystemActor("demo")
	adminUser := domain.User{Username: "admin", Name: "Alva Admin", Email: "admin@exempelkommun.se", PasswordHash: hash, IsAdmin: true}
	if err := a.ImportUser(ctx, sys, &adminUser); err != nil {
		return fmt.Errorf("seed admin: %w", err)
	}
	admin, err := a.CallerFor(ctx, adminUser.ID, "demo")
	if err != nil {
		return err
	}

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
		if err := a.ImportUser(ctx, sys, &u); err != nil {
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
	caller := func(who string) (app.Caller, error) { return a.CallerFor(ctx, ids[who], "demo") }
	docIDs := map[string]int64{}
	for _, d := range docs {
		c, err := caller(d.who)
		if err != nil {
			return err
		}
		d.in.OrgUnitID = id(units[d.unit])
		doc, err := a.CreateDocument(ctx, c, d.mun, d.in)
		if err != nil {
			return fmt.Errorf("seed document %q: %w", *d.in.Title, err)
		}
		docIDs[doc.Title] = doc.ID
	}
	coord, err := caller("samordnare")
	if err != nil {
		return err
	}
	if err := seedSoA(ctx, a, coord, ex, ids, units, docIDs); err != nil {
		return err
	}
	if err := seedAssets(ctx, a, caller, ex, gr, units); err != nil {
		return err
	}
	if err := seedSuppliers(ctx, caller, a, ex, gr); err != nil {
		return err
	}
	if err := seedIncidents(ctx, a, caller, ex, units); err != nil {
		return err
	}
	if err := seedRisks(ctx, a, ex, ids, units); err != nil { // risks (issue 9)
		return err
	}
	return seedContinuity(ctx, a, caller, ex, units) // continuity plans (issue 10)
}

// seedSoA gives Exempelkommun's statement of applicability a realistic state: a third of
// Annex A in place, some partly, a few not applicable, owners and per-unit statuses.
func seedSoA(ctx context.Context, a *app.App, coord app.Caller, mun int64, users, units, docs map[string]int64) error {
	str := func(s string) *string { return &s }
	no := false
	type us = domain.UnitStatusInput
	owner := users["agare"]
	rows := map[string]domain.SoAInput{
		"5.1":  {Status: str("implemented"), EvidenceIDs: &[]int64{docs["Informationssäkerhetspolicy"]}},
		"5.2":  {Status: str("implemented")},
		"5.3":  {Status: str("partial")},
		"5.4":  {Status: str("partial")},
		"5.9":  {Status: str("partial")},
		"5.10": {Status: str("implemented"), EvidenceIDs: &[]int64{docs["Instruktion för lösenord och inloggning"]}},
		"5.12": {Status: str("partial"), EvidenceIDs: &[]int64{docs["Riktlinje för informationsklassning"]}},
		"5.15": {Status: str("partial"), OwnerID: &owner},
		"5.18": {Status: str("partial"), OwnerID: &owner, EvidenceIDs: &[]int64{docs["Rutin för behörighetstilldelning i verksamhetssystemet för socialtjänsten"]}},
		"5.24": {Status: str("partial"), EvidenceIDs: &[]int64{docs["Rutin för hantering av informationssäkerhetsincidenter"]}},
		"5.25": {Status: str("partial")},
		"5.29": {Status: str("not_started")},
		"5.30": {Status: str("not_started")},
		"5.31": {Status: str("implemented")},
		"5.34": {Status: str("implemented")},
		"6.1":  {Status: str("implemented")},
		"6.2":  {Status: str("implemented")},
		"6.3": {UnitStatuses: &[]us{{OrgUnitID: units["Exempelkommun/Barn- och utbildningsförvaltningen"], Status: "implemented"},
			{OrgUnitID: units["Exempelkommun/Socialförvaltningen"], Status: "partial", Comment: "Rutinen är inte införd i hemtjänsten."},
			{OrgUnitID: units["Exempelkommun/Tekniska förvaltningen"], Status: "not_started"}}},
		"6.6":  {Status: str("implemented")},
		"7.1":  {Status: str("implemented")},
		"7.2":  {Status: str("implemented")},
		"7.4":  {Applicable: &no, Justification: str("Kommunen har ingen egen serverhall; driften är upphandlad och leverantörens övervakning granskas enligt 5.22.")},
		"7.7":  {Status: str("partial")},
		"7.11": {Applicable: &no, Justification: str("Omfattas av fastighetsförvaltningens reservkraft, som följs upp i kontinuitetsplanen.")},
		"8.1":  {Status: str("partial")},
		"8.2":  {Status: str("implemented"), OwnerID: &owner},
		"8.5":  {Status: str("partial"), OwnerID: &owner},
		"8.7":  {Status: str("implemented")},
		"8.8":  {Status: str("partial")},
		"8.13": {Status: str("implemented")},
		"8.15": {Status: str("partial"), EvidenceIDs: &[]int64{docs["Instruktion för loggkontroll i journalsystemet"]}},
		"8.20": {Status: str("implemented")},
		"8.24": {Status: str("partial")},
		"8.28": {Applicable: &no, Justification: str("Kommunen utvecklar ingen egen programvara; krav på säker utveckling ställs vid upphandling (8.30).")},
	}
	var ctl []string
	var ins []domain.SoAInput
	for _, id := range sortedKeys(rows) {
		ctl = append(ctl, id)
		ins = append(ins, rows[id])
	}
	if _, err := a.UpdateSoARows(ctx, coord, mun, ctl, ins, false); err != nil {
		return fmt.Errorf("seed statement of applicability: %w", err)
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
