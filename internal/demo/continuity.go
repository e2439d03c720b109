package demo

import (
	"context"
	"fmt"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// seedContinuity gives Exempelkommun two continuity plans (issue 10) with contacts,
// reservrutiner and dependencies on demo assets and suppliers, and one exercise: the home-care
// plan was exercised and recovered slower than its RTO (two findings became actions); the
// waterworks plan was never exercised and its RTO is longer than the SCADA system's
// availability level allows (a warning).
func seedContinuity(ctx context.Context, a *app.App, caller func(string) (app.Caller, error), ex int64, units map[string]int64) error {
	assetID := func(c app.Caller, name string) (int64, error) {
		l, err := a.Assets(ctx, c, ex, store.AssetFilter{Query: name, Limit: 5})
		for _, x := range l {
			if x.Title == name {
				return x.ID, err
			}
		}
		return 0, fmt.Errorf("demo asset %q: %v", name, err)
	}
	supplierID := func(c app.Caller, name string) (int64, error) {
		l, err := a.Suppliers(ctx, c, ex, store.SupplierFilter{Query: name, Limit: 1})
		if err != nil || len(l) != 1 {
			return 0, fmt.Errorf("demo supplier %q: %v", name, err)
		}
		return l[0].ID, nil
	}
	type plan struct {
		who, unit, title, process string
		mtpd, rto, rpo            int
		minLevel, alt             string
		steps                     []string
		contacts                  []domain.PlanContact
		assets, suppliers         []string
		other                     []domain.PlanDependency
	}
	plans := []plan{
		{who: "agare", unit: "Exempelkommun/Socialförvaltningen", title: "Hemtjänstens planering när verksamhetssystemet ligger nere",
			process: "Planering och dokumentation av insatser i hemtjänsten", mtpd: 72, rto: 24, rpo: 4,
			minLevel: "Alla brukare med insatser för mat, medicin och personlig hygien får sina besök; dokumentation i efterhand.",
			alt:      "Gruppledarna skriver ut dagens körlistor varje morgon kl. 06.30 och förvarar dem i pärmen på respektive hemtjänstkontor.\nVid avbrott: använd utskrivna körlistor och pappersblanketten \"Avvikande insats\". Läkemedelsinsatser kontrolleras mot signeringslistorna hos brukaren.\nNya insatser beviljas muntligt av biståndshandläggare och förs in i systemet när det fungerar igen.",
			steps: []string{"Kontakta Omsorgssystem AB:s support och få en uppskattad tid för återställning.", "Gå över till reservrutinen med utskrivna körlistor.",
				"Informera enhetscheferna och sjuksköterskorna via sms-listan.", "När systemet fungerar: för in pappersdokumentationen inom 24 timmar.", "Följ upp avbrottet med en avvikelserapport."},
			contacts: []domain.PlanContact{{Name: "Åsa Öberg", Role: "Enhetschef hemtjänsten", Phone: "070-123 45 67", Email: "asa.oberg@exempelkommun.example"},
				{Name: "Omsorgssystem AB, support", Role: "Leverantör", Phone: "010-123 45 00", Email: "support@omsorgssystem.example"},
				{Name: "Kommunens IT-servicedesk", Role: "Drift", Phone: "0123-456 00", Email: "servicedesk@exempelkommun.example"}},
			assets: []string{"Verksamhetssystem för socialtjänsten"}, suppliers: []string{"Omsorgssystem AB"},
			other: []domain.PlanDependency{{Kind: domain.DepStaff, Description: "Gruppledare som kan skriva ut körlistor varje morgon"},
				{Kind: domain.DepCommunications, Description: "Mobiltelefoner för personalen (sms-listan)"}}},
		{who: "samordnare", unit: "Exempelkommun/Exempelkommun Energi och Vatten AB", title: "Vattenverkets drift vid elavbrott",
			process: "Produktion och distribution av dricksvatten", mtpd: 24, rto: 8, rpo: 1,
			minLevel: "Dricksvatten med godkänd kvalitet till sjukhus, äldreboenden och nödvattenpunkter.",
			alt:      "Reservkraftverket startar automatiskt; om inte, startas det för hand enligt instruktionen vid elcentralen.\nStyr pumparna lokalt från manöverpanelen om SCADA-systemet inte svarar; läs av nivåer i reservoaren var tredje timme och för protokoll.",
			steps: []string{"Kontrollera att reservkraften har startat.", "Larma drifttekniker i beredskap.", "Gå över till lokal styrning om SCADA är nere.",
				"Kontakta Processautomation AB:s jour.", "Informera kommunens krisledning om avbrottet väntas vara längre än 4 timmar."},
			contacts: []domain.PlanContact{{Name: "Jour drifttekniker", Role: "Beredskap VA", Phone: "070-555 00 11", Email: "jour.va@exempelkommun.example"},
				{Name: "Processautomation AB, jour", Role: "Leverantör", Phone: "010-555 12 12", Email: ""},
				{Name: "Tjänsteman i beredskap", Role: "Krisledning", Phone: "070-999 00 00", Email: "tib@exempelkommun.example"}},
			assets: []string{"SCADA för vattenverket"}, suppliers: []string{"Processautomation AB"},
			other: []domain.PlanDependency{{Kind: domain.DepPower, Description: "Reservkraftverk med diesel för 72 timmar"},
				{Kind: domain.DepPremises, Description: "Vattenverket och reservoaren"}}},
	}
	var first domain.ContinuityPlan
	for i, p := range plans {
		c, err := caller(p.who)
		if err != nil {
			return err
		}
		deps := append([]domain.PlanDependency{}, p.other...)
		for _, n := range p.assets {
			id, err := assetID(c, n)
			if err != nil {
				return err
			}
			deps = append(deps, domain.PlanDependency{Kind: domain.DepAsset, RecordID: &id})
		}
		for _, n := range p.suppliers {
			id, err := supplierID(c, n)
			if err != nil {
				return err
			}
			deps = append(deps, domain.PlanDependency{Kind: domain.DepSupplier, RecordID: &id})
		}
		unit, active := units[p.unit], domain.PlanActive
		in := domain.ContinuityPlanInput{Title: &p.title, Process: &p.process, MTPDHours: &p.mtpd, RTOHours: &p.rto, RPOHours: &p.rpo,
			MinServiceLevel: &p.minLevel, AlternativeProcedures: &p.alt, RecoverySteps: &p.steps, Contacts: &p.contacts, Dependencies: &deps,
			OrgUnitID: &unit, Status: &active}
		pl, err := a.CreatePlan(ctx, c, ex, in)
		if err != nil {
			return fmt.Errorf("seed plan %q: %w", p.title, err)
		}
		if i == 0 {
			first = pl
		}
	}
	c, err := caller("agare")
	if err != nil {
		return err
	}
	typ, held := string(domain.ExerciseSimulation), a.Today().AddMonths(-2).String()
	parts, scenario := "Enhetschefer och gruppledare i hemtjänsten, biståndshandläggare, IT-servicedesk", "Verksamhetssystemet är otillgängligt en måndag morgon efter en misslyckad uppdatering."
	achieved, outcome := 30.0, "Reservrutinen fungerade men körlistorna var inte utskrivna på två av fyra kontor; återställningen tog 30 timmar."
	_, err = a.CreateExercise(ctx, c, ex, first.ID, domain.ExerciseInput{Type: &typ, HeldAt: &held, Participants: &parts, Scenario: &scenario,
		AchievedRecoveryHours: &achieved, Outcome: &outcome,
		Findings: []string{"Skriv ut körlistorna varje morgon på alla hemtjänstkontor", "Avtala om kortare återställningstid med Omsorgssystem AB"}})
	if err != nil {
		return fmt.Errorf("seed exercise: %w", err)
	}
	return nil
}
