package demo

import (
	"context"
	"fmt"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
)

// seedRisks gives Exempelkommun risk analysis (issue 9) on the default 5×5 matrix: a
// municipality-wide analysis and one of Socialförvaltningen, seven risks with realistic
// scenarios, treatments, linked controls and treatment actions (one overdue), one risk
// accepted by management and one waiting for a decision.
func seedRisks(ctx context.Context, a *app.App, mun int64, users, units map[string]int64) error {
	caller := func(who string) (app.Caller, error) { return a.CallerFor(ctx, users[who], "demo") }
	today := a.Today()
	str := func(s string) *string { return &s }
	date := func(days int) *string { s := today.AddDays(days).String(); return &s }
	num := func(n int) *int { return &n }
	id := func(n int64) *int64 { return &n }
	analyses := []struct {
		who, unit string
		in        domain.RiskAnalysisInput
	}{
		{"samordnare", "Kommunledningsförvaltningen", domain.RiskAnalysisInput{Title: str("Kommunövergripande riskanalys 2026"), ObjectType: str("municipality"),
			Method: str("MSB:s metodstöd för informationssäkerhet"), Participants: str("Informationssäkerhetssamordnare, IT-chef, säkerhetschef och förvaltningschefer"),
			AnalysedAt: date(-60), Status: str("completed"), ReviewIntervalMonths: num(12),
			Description: str("Årlig analys av de risker som berör hela kommunen: IT-drift, leverantörer och styrsystem.")}},
		{"agare", "Socialförvaltningen", domain.RiskAnalysisInput{Title: str("Riskanalys av verksamhetssystemet för socialtjänsten"), ObjectType: str("org_unit"),
			Method: str("MSB:s metodstöd för informationssäkerhet"), Participants: str("Enhetschef IFO, systemförvaltare, dataskyddsombud och informationssäkerhetssamordnare"),
			AnalysedAt: date(-30), Status: str("completed"), ReviewIntervalMonths: num(12)}},
	}
	anIDs := make([]int64, len(analyses))
	for i, an := range analyses {
		c, err := caller(an.who)
		if err != nil {
			return err
		}
		an.in.OrgUnitID = id(units["Exempelkommun/"+an.unit])
		got, err := a.CreateRiskAnalysis(ctx, c, mun, an.in)
		if err != nil {
			return fmt.Errorf("seed risk analysis %q: %w", *an.in.Title, err)
		}
		anIDs[i] = got.ID
	}
	type action struct {
		title  string
		due    int
		status string
	}
	risks := []struct {
		who, unit string
		analysis  int
		in        domain.RiskInput
		actions   []action
		accept    string // management's justification, "" for none
	}{
		{"samordnare", "Kommunledningsförvaltningen", 0, domain.RiskInput{Title: str("Utpressningsvirus krypterar kommunens filservrar"),
			Threat: str("Utpressningsvirus via nätfiske eller sårbar fjärråtkomst"), Vulnerability: str("Säkerhetskopiorna nås från samma nätverk och återläsning har inte testats"),
			Likelihood: num(4), Consequence: num(5), Treatment: str("reduce"), ResidualLikelihood: num(2), ResidualConsequence: num(5),
			TreatmentPlan: str("Frånkopplade säkerhetskopior och årlig återläsningsövning."), ControlIDs: &[]string{"8.13", "8.7", "5.24"}},
			[]action{{"Inför frånkopplade säkerhetskopior", 45, "in_progress"}, {"Återläsningsövning av kritiska system", -10, "planned"}}, ""},
		{"samordnare", "Kommunledningsförvaltningen", 0, domain.RiskInput{Title: str("Nätfiske leder till kapade e-postkonton"),
			Threat: str("Riktade nätfiskemejl mot anställda"), Vulnerability: str("Inloggning till e-post utan tvåfaktorsautentisering"),
			Likelihood: num(4), Consequence: num(4), Treatment: str("reduce"), ResidualLikelihood: num(2), ResidualConsequence: num(4), ControlIDs: &[]string{"8.5", "6.3"}},
			[]action{{"Inför tvåfaktorsautentisering för e-post", 60, "planned"}}, ""},
		{"samordnare", "Kommunledningsförvaltningen", 0, domain.RiskInput{Title: str("Långvarigt avbrott hos driftleverantören"),
			Threat: str("Leverantörens datacenter drabbas av avbrott"), Vulnerability: str("Avtalet saknar krav på kontinuitet och tid för återställning"),
			Likelihood: num(3), Consequence: num(4), Treatment: str("transfer"), ResidualLikelihood: num(2), ResidualConsequence: num(4),
			TreatmentPlan: str("Krav på kontinuitet och återställningstid i nästa upphandling."), ControlIDs: &[]string{"5.22", "5.30"}}, nil, ""},
		{"samordnare", "Tekniska förvaltningen", 0, domain.RiskInput{Title: str("Obehörig åtkomst till styrsystemet för VA"),
			Threat: str("En angripare når SCADA-systemet genom leverantörens fjärråtkomst"), Vulnerability: str("Fjärråtkomsten saknar tvåfaktorsautentisering och nätet är inte segmenterat"),
			Likelihood: num(3), Consequence: num(5), Treatment: str("reduce"), ResidualLikelihood: num(2), ResidualConsequence: num(5),
			TreatmentPlan: str("Tvåfaktor för leverantören nu; segmentering vid ombyggnaden 2027."), ControlIDs: &[]string{"8.20", "8.22"}},
			[]action{{"Tvåfaktorsautentisering för leverantörens fjärråtkomst", 30, "in_progress"}},
			"Full segmentering kräver ombyggnaden av verket 2027. Risken godtas till dess med skärpt övervakning av fjärråtkomsten."},
		{"agare", "Socialförvaltningen", 1, domain.RiskInput{Title: str("Obehörig åtkomst till journaler i verksamhetssystemet"),
			Threat: str("Anställda läser journaler som de inte behöver i tjänsten"), Vulnerability: str("Behörigheter följs inte upp vid byte av tjänst och loggkontroll görs sällan"),
			Likelihood: num(3), Consequence: num(4), Treatment: str("reduce"), ResidualLikelihood: num(2), ResidualConsequence: num(3), ControlIDs: &[]string{"5.15", "5.18", "8.15"}},
			[]action{{"Månatlig loggkontroll i journalsystemet", 20, "planned"}}, ""},
		{"agare", "Socialförvaltningen", 1, domain.RiskInput{Title: str("Sekretessbelagda uppgifter skickas med okrypterad e-post"),
			Threat: str("Handläggare mejlar utredningar okrypterat eller till fel mottagare"), Vulnerability: str("Säker e-post saknas och rutinen är okänd för många"),
			Likelihood: num(4), Consequence: num(3), Treatment: str("reduce"), ResidualLikelihood: num(2), ResidualConsequence: num(3)},
			[]action{{"Inför säker e-post för sekretessbelagda uppgifter", 90, "planned"}}, ""},
		{"agare", "Socialförvaltningen", 1, domain.RiskInput{Title: str("Borttappad mobil i hemtjänsten"),
			Threat: str("En mobil med appen för hemtjänstplanering tappas bort eller stjäls"), Vulnerability: str("Mobilerna saknar central hantering och fjärrlåsning"),
			Likelihood: num(3), Consequence: num(2), Treatment: str("accept"),
			TreatmentPlan: str("Appen kräver inloggning och visar bara dagens besök; kostnaden för central hantering bedöms för hög i år.")}, nil, ""},
	}
	for _, r := range risks {
		c, err := caller(r.who)
		if err != nil {
			return err
		}
		r.in.OrgUnitID, r.in.AnalysisID = id(units["Exempelkommun/"+r.unit]), &anIDs[r.analysis]
		risk, err := a.CreateRisk(ctx, c, mun, r.in)
		if err != nil {
			return fmt.Errorf("seed risk %q: %w", *r.in.Title, err)
		}
		for _, ac := range r.actions {
			in := domain.RiskActionInput{Title: str(ac.title), DueAt: date(ac.due)}
			if ac.status != "planned" {
				in.Status = str(ac.status)
			}
			if _, err := a.CreateRiskAction(ctx, c, mun, risk.ID, in); err != nil {
				return fmt.Errorf("seed action %q: %w", ac.title, err)
			}
		}
		if r.accept != "" {
			mgmt, err := caller("ledning")
			if err != nil {
				return err
			}
			if _, err := a.AcceptRisk(ctx, mgmt, mun, risk.ID, domain.AcceptanceInput{Justification: str(r.accept), ValidUntil: date(180)}); err != nil {
				return fmt.Errorf("seed acceptance: %w", err)
			}
		}
	}
	return nil
}
