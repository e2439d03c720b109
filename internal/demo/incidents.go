package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// seedIncidents gives Exempelkommun three incidents (issue 10), their moments relative to
// now so that the clocks run when the demo starts: a member of staff's report of a
// misdirected e-mail in Socialförvaltningen (a personal data breach whose 72 hours to IMY
// are running), a significant incident at the water works' supplier (its early warning made,
// the notification due), and a phishing report already closed with its lessons.
func seedIncidents(ctx context.Context, a *app.App, caller func(string) (app.Caller, error), ex int64, units map[string]int64) error {
	now := a.Now()
	staff, err := caller("medarbetare")
	if err != nil {
		return err
	}
	coord, err := caller("samordnare")
	if err != nil {
		return err
	}
	str := func(s string) *string { return &s }
	at := func(d time.Duration) *string { return str(now.Add(-d).UTC().Format(time.RFC3339)) }
	yes, no := true, false
	soc, root := units["Exempelkommun/Socialförvaltningen"], units["Exempelkommun/Kommunstyrelsen"]
	systems, err := a.ReportableSystems(ctx, coord, ex)
	if err != nil {
		return err
	}
	sysID := func(name string) []int64 {
		for _, s := range systems {
			if s.Title == name {
				return []int64{s.ID}
			}
		}
		return nil
	}
	sups, err := a.Suppliers(ctx, coord, ex, store.SupplierFilter{Limit: 50})
	if err != nil {
		return err
	}
	supID := func(name string) *int64 {
		for _, s := range sups {
			if s.Title == name {
				id := s.ID
				return &id
			}
		}
		return nil
	}
	// 1. Staff report: a misdirected e-mail with a care plan; the coordinator judges it a breach.
	assets := sysID("Verksamhetssystem för socialtjänsten")
	in := domain.IncidentInput{Title: str("Genomförandeplan skickad till fel mottagare"),
		Description:  str("En genomförandeplan för en brukare i hemtjänsten mejlades till en anhörig till en annan brukare. Mottagaren har hört av sig och raderat mejlet."),
		DiscoveredAt: at(30 * time.Hour), OrgUnitID: &soc, PersonalData: &yes, AssetIDs: &assets}
	inc, err := a.ReportIncident(ctx, staff, ex, in)
	if err != nil {
		return fmt.Errorf("seed incident: %w", err)
	}
	owner := coord.P.User.ID
	if _, err := a.UpdateIncident(ctx, coord, ex, inc.ID, domain.IncidentInput{Status: str(domain.IncidentTriaged), OwnerID: &owner,
		Category: str("misdirected"), Severity: str("medium"), Aspects: &[]string{"konfidentialitet"},
		PersonalDataBreach: &yes, AwareAt: at(26 * time.Hour), DataSubjectCategories: str("Brukare i hemtjänsten"),
		DataSubjectsApprox: ref(int64(1)), RecordsApprox: ref(int64(1)), PersonalDataCategories: str("Hälsa (särskild kategori), namn, adress"),
		Consequences: str("Risk för kränkning av den personliga integriteten."), MeasuresTaken: str("Mottagaren har bekräftat radering."),
		MeasuresPlanned: str("Påminnelse om rutinen för säker e-post i hemtjänsten.")}); err != nil {
		return fmt.Errorf("seed incident triage: %w", err)
	}
	// 2. A significant incident: the water works' SCADA supplier was breached.
	in = domain.IncidentInput{Title: str("Intrång hos leverantören av styrsystemet för vattenverket"),
		Description:  str("Leverantören meddelar att ett konto för fjärråtkomst har använts obehörigt. Fjärråtkomsten är avstängd."),
		DiscoveredAt: at(20 * time.Hour), OrgUnitID: &root, PersonalData: &no, SupplierID: supID("Processautomation AB")}
	inc, err = a.ReportIncident(ctx, coord, ex, in)
	if err != nil {
		return fmt.Errorf("seed incident: %w", err)
	}
	if _, err := a.UpdateIncident(ctx, coord, ex, inc.ID, domain.IncidentInput{Status: str(domain.IncidentContained), OwnerID: &owner,
		Category: str("supplier"), Severity: str("high"), Aspects: &[]string{"riktighet", "tillgänglighet"},
		SupplierAwareAt: at(44 * time.Hour), Significant: &yes, SignificantAt: at(18 * time.Hour)}); err != nil {
		return fmt.Errorf("seed incident triage: %w", err)
	}
	if _, err := a.RecordIncidentReport(ctx, coord, ex, inc.ID, domain.ReportInput{Kind: string(domain.ClockNIS2EarlyWarning),
		SentAt: *at(10 * time.Hour), Recipient: domain.DefaultRecipients()[domain.ClockNIS2EarlyWarning].Recipient, Channel: "e-tjänst", Reference: "CSIRT-2026-0412"}); err != nil {
		return fmt.Errorf("seed incident report: %w", err)
	}
	// 3. A closed phishing report.
	in = domain.IncidentInput{Title: str("Nätfiskemejl i skolans personalgrupp"), Description: str("Flera i personalen fick ett mejl som efterliknade inloggningen till lärplattformen. En person angav sitt lösenord."),
		DiscoveredAt: at(40 * 24 * time.Hour), OrgUnitID: &root, PersonalData: &no}
	inc, err = a.ReportIncident(ctx, coord, ex, in)
	if err != nil {
		return fmt.Errorf("seed incident: %w", err)
	}
	if _, err := a.UpdateIncident(ctx, coord, ex, inc.ID, domain.IncidentInput{Status: str(domain.IncidentClosed), OwnerID: &owner,
		Category: str("phishing"), Severity: str("low"), RootCause: str("Användaren kände inte igen den förfalskade inloggningssidan."),
		LessonsLearned: str("Tvåfaktorsinloggning för lärplattformen; övning i att känna igen nätfiske.")}); err != nil {
		return fmt.Errorf("seed incident close: %w", err)
	}
	return nil
}

func ref[T any](v T) *T { return &v }
