package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/audit"
	"github.com/lisa-isms/lisa/internal/auth"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
	"github.com/lisa-isms/lisa/internal/storetest"
)

// seededApp is the services on a fresh database holding the small demo data.
func seededApp(t *testing.T) (*app.App, *store.Store) {
	t.Helper()
	s := storetest.Open(t)
	a, err := app.New(s)
	if err != nil {
		t.Fatal(err)
	}
	a.Hasher = auth.Hasher{Cost: bcrypt.MinCost}
	if err := Seed(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return a, s
}

// The large dataset at a small size: the same generator, a valid audit chain, the demo's
// accounts at work there, and the services working on what it wrote (ids and sequences).
func TestSeedLargeBuildsAValidMunicipality(t *testing.T) {
	ctx := context.Background()
	a, s := seededApp(t)
	size := LargeSize{Units: 12, Users: 600, Documents: 1000, AuditEntries: 25_000, Assets: 2000, Risks: 1500, Plans: 100,
		Suppliers: 30, Incidents: 2000}
	var progress bytes.Buffer
	if err := SeedLarge(ctx, a, s, size, 7, &progress); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(progress.String(), "klart") {
		t.Errorf("no progress: %q", progress.String())
	}
	if ok, err := HasLarge(ctx, a); err != nil || !ok {
		t.Errorf("HasLarge = %v %v", ok, err)
	}
	n, err := s.VerifyAudit(ctx)
	if err != nil || n < size.AuditEntries {
		t.Fatalf("audit chain: %d entries, %v", n, err)
	}
	coord, err := a.CallerByUsername(ctx, "samordnare")
	if err != nil {
		t.Fatal(err)
	}
	ms, err := a.Municipalities(ctx, coord)
	if err != nil {
		t.Fatal(err)
	}
	var mun int64
	for _, m := range ms {
		if m.Name == LargeName {
			mun = m.ID
		}
	}
	if mun == 0 {
		t.Fatalf("samordnare has no role in %s: %+v", LargeName, ms)
	}
	docs, err := a.Documents(ctx, coord, mun, store.DocumentFilter{})
	if err != nil || len(docs) != size.Documents {
		t.Fatalf("%d documents, %v", len(docs), err)
	}
	overdue, err := a.Dues(ctx, coord, mun, domain.DueFilterOverdue, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	overdue = slices.DeleteFunc(overdue, func(d domain.DueItem) bool { return d.Kind != domain.KindDocument })
	if share := float64(len(overdue)) / float64(size.Documents); share < 0.25 || share > 0.45 {
		t.Errorf("%.0f %% overdue (open documents), want about 40 %% of all", share*100)
	}
	rows, err := a.SoA(ctx, coord, mun)
	if err != nil || len(rows) != 93 || len(rows[0].UnitStatuses) != size.Units {
		t.Fatalf("SoA: %d rows, %v", len(rows), err)
	}
	// The services go on writing after the load: ids and sequences moved past the loaded rows.
	unit := rows[0].OrgUnitID
	title, typ := "Ny rutin efter laddningen", "rutin"
	d, err := a.CreateDocument(ctx, coord, mun, domain.DocumentInput{Type: &typ, Title: &title, OrgUnitID: &unit})
	if err != nil {
		t.Fatalf("create after the load: %v", err)
	}
	if _, err := a.AddComment(ctx, coord, mun, domain.KindDocument, d.ID, "Bra"); err != nil {
		t.Fatalf("comment after the load: %v", err)
	}
	if _, err := s.VerifyAudit(ctx); err != nil {
		t.Errorf("audit chain after more writes: %v", err)
	}

	// Continuity plans (issue 10): every one readable with its lists, some never exercised; a
	// loaded plan takes an exercise like any other.
	plans, err := a.Plans(ctx, coord, mun, store.PlanFilter{Limit: size.Plans + 1, Full: true})
	if err != nil || len(plans) != size.Plans {
		t.Fatalf("%d plans, %v", len(plans), err)
	}
	never := 0
	for _, p := range plans {
		if p.ExerciseState == domain.ExerciseNever {
			never++
		}
		if p.RTOHours > p.MTPDHours || len(p.Contacts) < 3 || len(p.RecoverySteps) < 3 || len(p.Dependencies) == 0 {
			t.Fatalf("loaded plan %+v", p)
		}
	}
	if never == 0 || never == size.Plans {
		t.Errorf("%d of %d plans never exercised", never, size.Plans)
	}
	typ2, held := "seminar", a.Today().String()
	if _, err := a.CreateExercise(ctx, coord, mun, plans[0].ID, domain.ExerciseInput{Type: &typ2, HeldAt: &held}); err != nil {
		t.Errorf("an exercise of a loaded plan: %v", err)
	}

	// Assets: every set classified, the loaded levels are what re-derivation gives, and the
	// shared register is carried by SharedCarriers systems, whose levels follow it.
	assets, err := a.Assets(ctx, coord, mun, store.AssetFilter{Limit: size.Assets + 1})
	if err != nil || len(assets) != size.Assets {
		t.Fatalf("%d assets, %v", len(assets), err)
	}
	var shared domain.Asset
	for _, as := range assets {
		if as.AssetKind == domain.AssetInformation && as.Classification == nil {
			t.Fatalf("set %q is not classified", as.Title)
		}
		if as.Title == sharedSetName {
			shared = as
		}
	}
	carriers, err := s.AssetCarriers(ctx, shared.ID)
	if err != nil || len(carriers) < SharedCarriers {
		t.Fatalf("%d systems carry the shared set, %v", len(carriers), err)
	}
	four := 4
	reason := "Omklassad i testet"
	if _, err := a.ClassifyAsset(ctx, coord, mun, shared.ID, domain.ClassificationInput{Confidentiality: &four, Integrity: &four,
		Availability: &four, Traceability: &four, Rationale: &reason}); err != nil {
		t.Fatal(err)
	}
	for _, id := range carriers[:20] {
		as, err := a.Asset(ctx, coord, mun, id)
		if err != nil || as.Effective.Max() != 4 {
			t.Errorf("carrier %d after the shared set became 4: %v %v", id, as.Effective.Max(), err)
		}
	}
	before := map[int64]domain.Levels{}
	for _, as := range assets {
		before[as.ID] = as.Effective
	}
	sample := assets[len(assets)-50:] // systems and control systems
	for _, as := range sample {
		if !as.AssetKind.Carrier() {
			continue
		}
		if _, err := a.SetLevelOverrides(ctx, coord, mun, as.ID, nil); err != nil { // no overrides: a re-derivation
			t.Fatal(err)
		}
		got, _ := a.Asset(ctx, coord, mun, as.ID)
		if slices.Contains(carriers, as.ID) {
			continue
		}
		if fmt.Sprint(levelsText(got.Effective)) != fmt.Sprint(levelsText(before[as.ID])) {
			t.Errorf("%s: loaded levels %v, re-derived %v", as.Title, levelsText(before[as.ID]), levelsText(got.Effective))
		}
	}

	checkLargeRisks(t, a, s, mun, size)
	checkLargeIncidents(t, a, s, mun, size)
}

// checkLargeIncidents checks kommun-L's incidents through the services: all there and
// readable with their timelines, mostly closed with their lessons, breaches and significant
// incidents with their reports, the stored clocks what the store computes, clocks running on
// the dashboard, a member of staff seeing their own reports only, the statistics adding up,
// and the services writing on.
func checkLargeIncidents(t *testing.T, a *app.App, s *store.Store, mun int64, size LargeSize) {
	t.Helper()
	ctx := context.Background()
	coord, err := a.CallerByUsername(ctx, "samordnare")
	if err != nil {
		t.Fatal(err)
	}
	staff, err := a.CallerByUsername(ctx, "medarbetare")
	if err != nil {
		t.Fatal(err)
	}
	sups, err := a.Suppliers(ctx, coord, mun, store.SupplierFilter{Limit: size.Suppliers + 1})
	if err != nil || len(sups) != size.Suppliers {
		t.Fatalf("%d suppliers, %v", len(sups), err)
	}
	for _, sp := range sups {
		if n, ok := domain.NormalizeOrgNumber(sp.OrgNumber); !ok || n != sp.OrgNumber {
			t.Fatalf("supplier %q: organisation number %q", sp.Name, sp.OrgNumber)
		}
	}
	incs, err := a.Incidents(ctx, coord, mun, store.IncidentFilter{Limit: size.Incidents + 1})
	if err != nil || len(incs) != size.Incidents {
		t.Fatalf("%d incidents, %v", len(incs), err)
	}
	statuses, categories := map[string]int{}, map[string]int{}
	var breaches, late, notNotified, significant, withSupplier, mine int
	var openBreach, resolved domain.Incident
	for i, inc := range incs {
		if i > 0 && inc.ID >= incs[i-1].ID {
			t.Fatalf("the register is not newest first: %d after %d", inc.ID, incs[i-1].ID)
		}
		statuses[inc.Status]++
		categories[inc.Category]++
		if inc.Status == domain.IncidentClosed && (inc.RootCause == "" || inc.LessonsLearned == "" || inc.NextReviewAt != nil) {
			t.Fatalf("closed incident %q: root cause %q, lessons %q, next review %v", inc.Title, inc.RootCause, inc.LessonsLearned, inc.NextReviewAt)
		}
		if inc.Status != domain.IncidentClosed && inc.NextReviewAt == nil {
			t.Fatalf("open incident %q has no follow-up date", inc.Title)
		}
		if inc.CreatedBy == nil || inc.DiscoveredAt.After(inc.CreatedAt) {
			t.Fatalf("incident %q: reporter %v, discovered %v, reported %v", inc.Title, inc.CreatedBy, inc.DiscoveredAt, inc.CreatedAt)
		}
		if *inc.CreatedBy == staff.P.User.ID {
			mine++
		}
		if inc.SupplierID != nil {
			withSupplier++
		}
		if inc.Significant {
			significant++
		}
		if inc.PersonalDataBreach {
			breaches++
			c, _ := inc.Clock(domain.ClockGDPR)
			switch c.State {
			case domain.ClockLate:
				late++
			case domain.ClockNotRequired:
				notNotified++
			case domain.ClockRunning, domain.ClockSoon, domain.ClockOverdue:
				if openBreach.ID == 0 {
					openBreach = inc
				}
			}
		}
		if inc.Status == domain.IncidentResolved && resolved.ID == 0 {
			resolved = inc
		}
	}
	t.Logf("%d incidents: statuses %v; %d breaches (%d reported late, %d not notified), %d significant, %d with a supplier, %d reported by medarbetare",
		len(incs), statuses, breaches, late, notNotified, significant, withSupplier, mine)
	if closed := statuses[domain.IncidentClosed]; closed < size.Incidents*80/100 || closed == size.Incidents {
		t.Errorf("%d of %d incidents closed, want most", closed, size.Incidents)
	}
	for _, st := range domain.IncidentStatuses {
		if statuses[st] == 0 {
			t.Errorf("no incident is %s: %v", st, statuses)
		}
	}
	if len(categories) < len(domain.IncidentCategories) {
		t.Errorf("categories %v", categories)
	}
	if breaches < size.Incidents*4/100 || breaches > size.Incidents*14/100 || late == 0 || notNotified == 0 {
		t.Errorf("%d breaches of %d (%d late, %d not notified): want about 8 %%, some late, some not notified", breaches, size.Incidents, late, notNotified)
	}
	if significant == 0 || withSupplier == 0 || mine == 0 {
		t.Errorf("%d significant, %d with a supplier, %d reported by the demo's member of staff", significant, withSupplier, mine)
	}

	// One incident read alone: its timeline from the report on, its reports, and the clocks
	// the register read from the stored rows are those the store computes.
	for _, inc := range incs[:300] {
		got, err := a.Incident(ctx, coord, mun, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Timeline) == 0 || got.Timeline[0].Type != "reported" {
			t.Fatalf("incident %q: timeline %+v", got.Title, got.Timeline)
		}
		// Its events' arguments have kinds, as the product writes them: keys, moments, words.
		for _, ev := range got.Timeline {
			var args []domain.EventArg
			if ev.Args != "" && json.Unmarshal([]byte(ev.Args), &args) != nil {
				t.Fatalf("incident %q: event %s has untyped arguments %s", got.Title, ev.Key, ev.Args)
			}
			if ev.Key == "incev.triage" && (len(args) != 3 || !strings.HasPrefix(args[0].Key, "inccat.") || len(args[2].Keys) == 0) {
				t.Fatalf("incident %q: triage event %s", got.Title, ev.Args)
			}
		}
		for _, r := range got.Reports {
			if r.Recipient == "" || r.SentAt.Before(got.DiscoveredAt) || r.SentAt.After(a.Now()) {
				t.Fatalf("incident %q: report %+v", got.Title, r)
			}
		}
		if fmt.Sprint(clockText(got.Clocks)) != fmt.Sprint(clockText(inc.Clocks)) {
			t.Fatalf("incident %q: stored clocks %v, computed %v", got.Title, clockText(inc.Clocks), clockText(got.Clocks))
		}
	}

	// The dashboard's clocks run, and the register's clock filter finds their incidents.
	clocks, err := a.OpenClocks(ctx, coord, mun, 50)
	if err != nil || len(clocks) == 0 {
		t.Fatalf("%d open clocks, %v", len(clocks), err)
	}
	open, err := a.Incidents(ctx, coord, mun, store.IncidentFilter{Clock: "open", Limit: size.Incidents})
	if err != nil || len(open) == 0 || len(open) > len(incs)/10 {
		t.Fatalf("%d incidents with an open clock, %v", len(open), err)
	}
	t.Logf("%d open clocks on the dashboard (first due %v), %d incidents with an open clock", len(clocks), clocks[0].DueAt, len(open))
	if openBreach.ID == 0 {
		t.Fatal("no open personal data breach whose 72 hours run")
	}

	// A member of staff sees the incidents they reported, and no others.
	own, err := a.Incidents(ctx, staff, mun, store.IncidentFilter{Limit: size.Incidents})
	if err != nil || len(own) != mine {
		t.Fatalf("medarbetare sees %d incidents, reported %d (%v)", len(own), mine, err)
	}
	for _, inc := range own {
		if *inc.CreatedBy != staff.P.User.ID {
			t.Fatalf("medarbetare sees %q, reported by %d", inc.Title, *inc.CreatedBy)
		}
	}

	// The register's filters find what the whole register holds: a status, a unit (its own
	// incidents and those affecting it), the clocks' states, the incidents of an asset.
	affects, assetsOf := map[int64][]int64{}, map[int64][]int64{} // incident -> units it affects beside its own, assets it names
	unit, asset := incs[0].OrgUnitID, int64(0)
	for _, inc := range incs {
		got, err := a.Incident(ctx, coord, mun, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		affects[inc.ID], assetsOf[inc.ID] = got.UnitIDs, got.AssetIDs
		if len(got.UnitIDs) > 0 && unit == incs[0].OrgUnitID {
			unit = got.UnitIDs[0]
		}
		if len(got.AssetIDs) > 0 && asset == 0 {
			asset = got.AssetIDs[0]
		}
	}
	clockIn := func(inc domain.Incident, states ...domain.ClockState) bool {
		for _, c := range inc.OpenClocks() {
			if slices.Contains(states, c.State) {
				return true
			}
		}
		return false
	}
	linked := map[int64]bool{}
	if ofAsset, err := a.IncidentsOf(ctx, coord, mun, asset, size.Incidents); err != nil || len(ofAsset) == 0 {
		t.Errorf("incidents of asset %d: %d, %v", asset, len(ofAsset), err)
	} else {
		for _, inc := range ofAsset {
			linked[inc.ID] = true
		}
	}
	for name, f := range map[string]store.IncidentFilter{
		"status reported": {Status: domain.IncidentReported}, "status contained": {Status: domain.IncidentContained},
		"unit": {UnitID: unit}, "clock open": {Clock: "open"}, "clock overdue": {Clock: "overdue"}, "clock soon": {Clock: "soon"},
		"unit and status": {UnitID: unit, Status: domain.IncidentClosed},
	} {
		f.Limit = size.Incidents
		got, err := a.Incidents(ctx, coord, mun, f)
		if err != nil {
			t.Fatal(err)
		}
		var want []int64
		for _, inc := range incs {
			inUnit := inc.OrgUnitID == f.UnitID || slices.Contains(affects[inc.ID], f.UnitID)
			switch {
			case f.UnitID != 0 && !inUnit, f.Status != "" && inc.Status != f.Status,
				f.Clock == "open" && !clockIn(inc, domain.ClockRunning, domain.ClockSoon, domain.ClockOverdue),
				f.Clock == "overdue" && !clockIn(inc, domain.ClockOverdue), f.Clock == "soon" && !clockIn(inc, domain.ClockSoon):
				continue
			}
			want = append(want, inc.ID)
		}
		var ids []int64
		for _, inc := range got {
			ids = append(ids, inc.ID)
		}
		if !slices.Equal(ids, want) || len(want) == 0 && f.Clock != "overdue" && f.Clock != "soon" {
			t.Errorf("filter %s: %d incidents, want %d", name, len(ids), len(want))
		}
	}
	for _, inc := range incs {
		if slices.Contains(assetsOf[inc.ID], asset) != linked[inc.ID] {
			t.Errorf("incident %d names assets %v: listed among asset %d's: %v", inc.ID, assetsOf[inc.ID], asset, linked[inc.ID])
		}
	}

	// The statistics count what the register holds, for one who sees every incident and for
	// an information owner who sees their units' (and their own reports).
	byKey := map[string]func(domain.Incident) string{
		"category": func(i domain.Incident) string { return i.Category },
		"severity": func(i domain.Incident) string { return i.Severity },
		"unit":     func(i domain.Incident) string { return fmt.Sprint(i.OrgUnitID) },
		"supplier": func(i domain.Incident) string {
			if i.SupplierID == nil {
				return ""
			}
			return fmt.Sprint(*i.SupplierID)
		},
		"month": func(i domain.Incident) string { return i.DiscoveredAt.In(domain.Sweden).Format("2006-01") },
	}
	owner, err := a.CallerByUsername(ctx, "agare")
	if err != nil {
		t.Fatal(err)
	}
	ownersOwn, err := a.Incidents(ctx, owner, mun, store.IncidentFilter{Limit: size.Incidents})
	if err != nil || len(ownersOwn) == 0 || len(ownersOwn) == len(incs) {
		t.Fatalf("the information owner sees %d of %d incidents, %v", len(ownersOwn), len(incs), err)
	}
	firstMonth := domain.AddLegalMonths(a.Now(), -11).In(domain.Sweden).Format("2006-01")
	for who, list := range map[app.Caller][]domain.Incident{coord: incs, owner: ownersOwn} {
		for by, key := range byKey {
			counts, err := a.IncidentStats(ctx, who, mun, by)
			if err != nil {
				t.Fatal(err)
			}
			got, want := map[string]int{}, map[string]int{}
			for _, c := range counts {
				got[c.Key] = c.N
			}
			for _, inc := range list {
				if k := key(inc); by != "month" || k >= firstMonth {
					want[k]++
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s's statistics by %s: %v, want %v", who.P.User.Username, by, got, want)
			}
		}
	}

	// The services write on: a report of the open breach stops its clock, the resolved
	// incident is closed, and a member of staff reports a new one.
	rep, err := a.RecordIncidentReport(ctx, coord, mun, openBreach.ID, domain.ReportInput{Kind: string(domain.ClockGDPR), SentAt: a.Now().Format(time.RFC3339),
		Recipient: "IMY", LateReason: "Sent i testet"})
	if err != nil || rep.ID == 0 {
		t.Fatalf("report of a loaded breach: %v", err)
	}
	if after, _ := a.Incident(ctx, coord, mun, openBreach.ID); len(after.OpenClocks()) != 0 && after.Significant == false {
		t.Errorf("the breach's clock still runs after its report: %v", clockText(after.Clocks))
	}
	closed, root, lessons := domain.IncidentClosed, "Orsaken i testet", "Lärdomen i testet"
	if got, err := a.UpdateIncident(ctx, coord, mun, resolved.ID, domain.IncidentInput{Status: &closed, RootCause: &root, LessonsLearned: &lessons}); err != nil || got.Status != closed {
		t.Fatalf("close a loaded incident: %v", err)
	}
	title, desc, disc, yes := "Ny incident efter laddningen", "Beskrivning", a.Now().Add(-time.Hour).Format(time.RFC3339), true
	unit = incs[0].OrgUnitID
	if _, err := a.ReportIncident(ctx, staff, mun, domain.IncidentInput{Title: &title, Description: &desc, DiscoveredAt: &disc, OrgUnitID: &unit, PersonalData: &yes}); err != nil {
		t.Fatalf("a staff report after the load: %v", err)
	}
	if own2, _ := a.Incidents(ctx, staff, mun, store.IncidentFilter{Limit: 1}); len(own2) != 1 || own2[0].Title != title {
		t.Errorf("medarbetare's newest report: %+v", own2)
	}
	if _, err := s.VerifyAudit(ctx); err != nil {
		t.Errorf("audit chain after the incident writes: %v", err)
	}
}

func clockText(cs []domain.Clock) []string {
	var out []string
	for _, c := range cs {
		due, done := "-", "-"
		if c.DueAt != nil {
			due = c.DueAt.UTC().Format(time.RFC3339)
		}
		if c.DoneAt != nil {
			done = c.DoneAt.UTC().Format(time.RFC3339)
		}
		out = append(out, fmt.Sprintf("%s %s %s %s", c.Kind, due, done, c.State))
	}
	slices.Sort(out) // the register reads them by due moment, the incident in the law's order
	return out
}

// checkLargeRisks checks kommun-L's risks through the services: all there and readable, the
// register's filters, the heat maps adding up to the open risks, the treatment actions, the
// acceptances valid, expiring or expired as generated (and standing up to what voids them),
// the audit entries the services would have written, and the services writing on.
func checkLargeRisks(t *testing.T, a *app.App, s *store.Store, mun int64, size LargeSize) {
	t.Helper()
	ctx := context.Background()
	coord, err := a.CallerByUsername(ctx, "samordnare")
	if err != nil {
		t.Fatal(err)
	}
	mgmt, err := a.CallerByUsername(ctx, "ledning")
	if err != nil {
		t.Fatal(err)
	}
	owner, err := a.CallerByUsername(ctx, "agare")
	if err != nil {
		t.Fatal(err)
	}
	today := a.Today()
	risks, m, err := a.Risks(ctx, coord, mun, app.RiskQuery{RiskFilter: store.RiskFilter{Limit: size.Risks + 1}})
	if err != nil || len(risks) != size.Risks {
		t.Fatalf("%d risks, %v", len(risks), err)
	}
	if m.Size != 5 || m.Version != 1 {
		t.Fatalf("matrix %d×%d version %d, want the default", m.Size, m.Size, m.Version)
	}
	analyses, err := a.RiskAnalyses(ctx, coord, mun, store.RiskAnalysisFilter{Limit: 1000})
	if err != nil || len(analyses) != max(4, size.Risks/150) {
		t.Fatalf("%d analyses, %v", len(analyses), err)
	}
	objects := map[domain.AnalysisObject]int{}
	for _, an := range analyses {
		objects[an.ObjectType]++
		if an.ObjectType == domain.ObjectAsset {
			as, err := a.Asset(ctx, coord, mun, *an.AssetID)
			if err != nil || !strings.HasPrefix(as.ReclassifyReason, "Riskanalys ”") {
				t.Errorf("the analysed asset %d is not marked for re-classification: %q %v", *an.AssetID, as.ReclassifyReason, err)
			}
		}
	}
	for _, o := range domain.AnalysisObjects {
		if objects[o] == 0 {
			t.Errorf("no analysis of a %s: %v", o, objects)
		}
	}
	assetIDs := map[int64]bool{}
	assets, err := a.Assets(ctx, coord, mun, store.AssetFilter{Limit: size.Assets + 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, as := range assets {
		assetIDs[as.ID] = true
	}
	open, byUnit, treatments, levels := 0, map[int64]int{}, map[domain.RiskTreatment]int{}, map[domain.RiskLevel]int{}
	lower := 0
	var reduced []domain.Risk
	var valid, expiring, expired int
	var accepted domain.Risk
	for _, r := range risks {
		if r.Score != r.Likelihood*r.Consequence || r.ResidualScore != r.ResidualLikelihood*r.ResidualConsequence || r.Level != m.Level(r.Score) {
			t.Fatalf("%q: scores %d×%d=%d (%s)", r.Title, r.Likelihood, r.Consequence, r.Score, r.Level)
		}
		if r.ResidualScore > r.Score && r.ResidualReason == "" {
			t.Errorf("%q: residual above inherent without a reason", r.Title)
		}
		if r.ResidualScore <= r.Score {
			lower++
		}
		if len(r.AssetIDs) < 1 || len(r.AssetIDs) > 3 || len(r.Controls) < 1 || len(r.Controls) > 4 || len(r.ControlIDs) != len(r.Controls) {
			t.Fatalf("%q: %d assets, %d controls", r.Title, len(r.AssetIDs), len(r.Controls))
		}
		for _, id := range r.AssetIDs {
			if !assetIDs[id] {
				t.Fatalf("%q links asset %d, not one of the municipality's", r.Title, id)
			}
		}
		if r.AnalysisID == nil || r.Threat == "" || r.Vulnerability == "" {
			t.Fatalf("%q: analysis %v, threat %q, vulnerability %q", r.Title, r.AnalysisID, r.Threat, r.Vulnerability)
		}
		if r.Status != "closed" {
			open++
			byUnit[r.OrgUnitID]++
		}
		treatments[r.Treatment]++
		levels[r.Level]++
		if r.Treatment == domain.TreatReduce && r.Status != "closed" {
			reduced = append(reduced, r)
		}
		if acc := r.Acceptance; acc != nil {
			if acc.VoidedAt != nil || acc.Valid != acc.ValidOn(today) || r.NextReviewAt == nil || *r.NextReviewAt != acc.ValidUntil {
				t.Fatalf("%q: acceptance %+v, next review %v", r.Title, acc, r.NextReviewAt)
			}
			if !domain.TierAllows(m.AcceptanceTiers, acc.Role, acc.ResidualLevel) || acc.ResidualScore != r.ResidualScore || acc.ResidualLevel != r.ResidualLevel {
				t.Fatalf("%q: accepted by a %s at %s (%d), residual now %d", r.Title, acc.Role, acc.ResidualLevel, acc.ResidualScore, r.ResidualScore)
			}
			state := domain.RiskState{ResidualScore: r.ResidualScore, MatrixVersion: m.Version, Controls: map[string]domain.ControlStatus{}}
			for _, c := range r.Controls {
				state.Controls[c.ControlID] = c.Status
			}
			if why := domain.VoidReason(*acc, state); why != "" || len(acc.Controls) != len(r.Controls) {
				t.Fatalf("%q: the loaded acceptance would be void (%s): %+v", r.Title, why, acc.Controls)
			}
			switch {
			case !acc.Valid:
				expired++
			case !acc.ValidUntil.After(today.AddDays(domain.DueSoonDays)):
				expiring++
				valid++
			default:
				valid++
			}
			if accepted.ID == 0 && acc.Valid && r.Treatment == domain.TreatAccept {
				accepted = r
			}
		}
	}
	if len(treatments) != 4 || len(levels) != 4 {
		t.Errorf("treatments %v, levels %v: want all four of each", treatments, levels)
	}
	if lower < size.Risks*95/100 {
		t.Errorf("%d of %d risks have a residual at or below the inherent score", lower, size.Risks)
	}
	if len(byUnit) < size.Units*3/4 {
		t.Errorf("open risks in %d of %d units", len(byUnit), size.Units)
	}
	t.Logf("%d risks, %d open in %d units, treatments %v, levels %v; acceptances: %d valid (%d within 30 days), %d expired", size.Risks, open, len(byUnit),
		treatments, levels, valid, expiring, expired)
	if valid == 0 || expiring == 0 || expired == 0 || valid+expired < size.Risks/20 {
		t.Errorf("acceptances: %d valid (%d expiring within 30 days), %d expired", valid, expiring, expired)
	}

	// The register's filters: a unit, a level, a treatment, a cell after treatment.
	unit := risks[0].OrgUnitID
	for name, q := range map[string]app.RiskQuery{
		"unit":      {RiskFilter: store.RiskFilter{OrgUnitID: unit}},
		"level":     {Level: domain.RiskHigh},
		"treatment": {RiskFilter: store.RiskFilter{Treatment: domain.TreatAccept}},
		"cell":      {RiskFilter: store.RiskFilter{Likelihood: 2, Consequence: 3, Residual: true, Open: true}},
	} {
		q.Limit = size.Risks + 1
		got, _, err := a.Risks(ctx, coord, mun, q)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, r := range risks {
			switch {
			case name == "unit" && r.OrgUnitID == unit, name == "level" && r.Level == domain.RiskHigh, name == "treatment" && r.Treatment == domain.TreatAccept,
				name == "cell" && r.ResidualLikelihood == 2 && r.ResidualConsequence == 3 && r.Status != "closed":
				want++
			}
		}
		if len(got) != want || want == 0 {
			t.Errorf("filter %s: %d risks, want %d", name, len(got), want)
		}
	}
	// The information owner sees the risks of their units only.
	mine, _, err := a.Risks(ctx, owner, mun, app.RiskQuery{RiskFilter: store.RiskFilter{Limit: size.Risks + 1}})
	if err != nil || len(mine) == 0 || len(mine) >= size.Risks {
		t.Errorf("the information owner sees %d of %d risks, %v", len(mine), size.Risks, err)
	}

	// The heat maps count the open risks, before and after treatment, and per unit.
	for _, residual := range []bool{false, true} {
		hm, err := a.RiskHeatMap(ctx, coord, mun, residual, 0)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0
		for _, c := range hm.Cells {
			sum += c.Count
		}
		if hm.Total != open || sum != open || len(hm.Cells) != 25 {
			t.Errorf("heat map (residual %v): total %d, cells %d in %d, want %d open", residual, hm.Total, sum, len(hm.Cells), open)
		}
		hu, err := a.RiskHeatMap(ctx, coord, mun, residual, unit)
		if err != nil || hu.Total != byUnit[unit] {
			t.Errorf("heat map of unit %d: %d, want %d (%v)", unit, hu.Total, byUnit[unit], err)
		}
	}

	// Treatment actions: about one per reduced risk, due on their review date, some overdue.
	nActions := 0
	for _, r := range reduced[:min(len(reduced), 200)] {
		acts, err := a.RiskActions(ctx, coord, mun, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, ac := range acts {
			if ac.DueAt == nil || ac.OwnerID == nil || ac.OrgUnitID != r.OrgUnitID {
				t.Fatalf("action %q: due %v, owner %v, unit %d", ac.Title, ac.DueAt, ac.OwnerID, ac.OrgUnitID)
			}
		}
		nActions += len(acts)
	}
	if n := min(len(reduced), 200); nActions < n*7/10 || nActions > n*14/10 {
		t.Errorf("%d actions for %d reduced risks", nActions, n)
	}
	dues, err := a.Dues(ctx, coord, mun, domain.DueFilterOverdue, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	overdueActions := 0
	for _, d := range dues {
		if d.Kind == domain.KindRiskAction {
			overdueActions++
		}
	}
	if overdueActions == 0 {
		t.Error("no treatment action is overdue")
	}

	// Management sees the decisions waiting and the acceptances running out.
	dec, err := a.RiskDecisions(ctx, mgmt, mun, 50)
	if err != nil || len(dec.Waiting) == 0 {
		t.Errorf("management: %d risks waiting, %v", len(dec.Waiting), err)
	}
	if len(dec.Expiring) == 0 && expiring > 0 {
		t.Error("management's dashboard lists no acceptance running out within 30 days")
	}

	// The audit trail holds what the services would have written: the risk's creation and the
	// acceptance with its snapshot.
	hist, err := a.History(ctx, coord, mun, domain.KindRisk, accepted.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range hist {
		actions = append(actions, e.Action)
		if e.Action == store.ActionRiskAccept {
			var snap map[string]any
			if err := json.Unmarshal([]byte(e.After), &snap); err != nil || int64(snap["acceptance_id"].(float64)) != accepted.Acceptance.ID ||
				snap["valid_until"] != accepted.Acceptance.ValidUntil.String() || snap["residual_level"] != string(accepted.ResidualLevel) {
				t.Errorf("acceptance snapshot %s, %v", e.After, err)
			}
		}
	}
	if !slices.Contains(actions, audit.ActionCreate) || !slices.Contains(actions, store.ActionRiskAccept) {
		t.Errorf("history of an accepted risk: %v", actions)
	}

	// The services write on: a new residual, an acceptance by management, a new risk.
	target := reduced[0]
	one := 1
	if _, err := a.UpdateRisk(ctx, coord, mun, target.ID, domain.RiskInput{ResidualLikelihood: &one, ResidualConsequence: &one}); err != nil {
		t.Fatalf("update a loaded risk: %v", err)
	}
	why, until := "Godtas i testet", today.AddMonths(6).String()
	got, err := a.AcceptRisk(ctx, mgmt, mun, target.ID, domain.AcceptanceInput{Justification: &why, ValidUntil: &until})
	if err != nil || got.Acceptance == nil || !got.Acceptance.Valid {
		t.Fatalf("accept a loaded risk: %+v %v", got.Acceptance, err)
	}
	title, l, c := "Ny risk efter laddningen", 3, 3
	if _, err := a.CreateRisk(ctx, coord, mun, domain.RiskInput{Title: &title, OrgUnitID: &unit, Likelihood: &l, Consequence: &c, AnalysisID: target.AnalysisID,
		AssetIDs: &target.AssetIDs, ControlIDs: &target.ControlIDs}); err != nil {
		t.Fatalf("create a risk after the load: %v", err)
	}
	if _, err := s.VerifyAudit(ctx); err != nil {
		t.Errorf("audit chain after the risk writes: %v", err)
	}
}

func levelsText(l domain.Levels) []string {
	var out []string
	for _, a := range domain.Aspects {
		if v := l.Get(a); v != nil {
			out = append(out, fmt.Sprint(*v))
		} else {
			out = append(out, "-")
		}
	}
	return out
}

// The riket set: many small municipalities from one seed, each a working municipality of its
// own (people who sign in and see theirs only, a statement of applicability, documents), on
// one valid audit chain; built again from the same seed it is the same.
func TestSeedRiketBuildsSmallMunicipalities(t *testing.T) {
	ctx := context.Background()
	build := func() (*app.App, *store.Store) {
		a, s := seededApp(t)
		var progress bytes.Buffer
		if err := SeedRiket(ctx, a, s, 3, 11, &progress); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(progress.String(), "klart: 3 kommuner") {
			t.Errorf("progress: %q", progress.String())
		}
		return a, s
	}
	a, s := build()
	if ok, err := HasRiket(ctx, a); err != nil || !ok {
		t.Fatalf("HasRiket = %v %v", ok, err)
	}
	if _, err := s.VerifyAudit(ctx); err != nil {
		t.Fatalf("audit chain: %v", err)
	}
	var counts []int
	for i := 1; i <= 3; i++ {
		coord, err := a.CallerByUsername(ctx, fmt.Sprintf("riket%03d-0001", i))
		if err != nil {
			t.Fatal(err)
		}
		ms, err := a.Municipalities(ctx, coord)
		if err != nil || len(ms) != 1 || ms[0].Name != fmt.Sprintf("Riket %03d kommun", i) {
			t.Fatalf("coordinator %d sees %+v, %v", i, ms, err)
		}
		docs, err := a.Documents(ctx, coord, ms[0].ID, store.DocumentFilter{Limit: 1000})
		if err != nil || len(docs) < 50 || len(docs) > 600 {
			t.Errorf("municipality %d: %d documents, %v", i, len(docs), err)
		}
		rows, err := a.SoA(ctx, coord, ms[0].ID)
		if err != nil || len(rows) != 93 || len(rows[0].UnitStatuses) < 5 {
			t.Errorf("municipality %d: SoA of %d rows, %v", i, len(rows), err)
		}
		counts = append(counts, len(docs))
	}
	a2, _ := build()
	for i := 1; i <= 3; i++ {
		coord, err := a2.CallerByUsername(ctx, fmt.Sprintf("riket%03d-0001", i))
		if err != nil {
			t.Fatal(err)
		}
		ms, _ := a2.Municipalities(ctx, coord)
		docs, err := a2.Documents(ctx, coord, ms[0].ID, store.DocumentFilter{Limit: 1000})
		if err != nil || len(docs) != counts[i-1] {
			t.Errorf("built again, municipality %d has %d documents, first time %d", i, len(docs), counts[i-1])
		}
	}
	if got := orgNumber(212000_0140); got != "212000-0142" {
		t.Errorf("orgNumber = %s, want 212000-0142 (Luhn)", got)
	}
}
