package demo

import (
	"fmt"
	"slices"
	"time"

	"github.com/lisa-isms/lisa/internal/audit"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// riskPeople are the people of a generated municipality the risk generator needs: who
// coordinates and who sits in management (the acceptors of residual risk), and everyone's
// username and name (the audit trail's actors, the acceptances' makers).
type riskPeople struct {
	coordinators, management []int64
	usernames, names         map[int64]string
}

// timedEntry is an audit entry of the generated data with its time, so that the trail can be
// written in time order (the RFC 3339 texts do not sort as times).
type timedEntry struct {
	at time.Time
	e  audit.Entry
}

// scenario is a kind of risk: a title with the subject (an asset's name), threats,
// vulnerabilities, the Annex A controls that treat it, the kind of asset it concerns ("" for
// any) and the treatment actions it calls for.
type scenario struct {
	title           string
	threats, vulns  []string
	controls        []string
	assetKind       domain.AssetKind
	actions         []string
	likelihoodShift int // added to the drawn likelihood (clamped to the scale)
}

var riskScenarios = []scenario{
	{"Utpressningsvirus krypterar %s", []string{"Utpressningsvirus via nätfiske", "Utpressningsvirus via sårbar fjärråtkomst", "Skadlig kod via infekterad USB-enhet"},
		[]string{"Säkerhetskopiorna nås från samma nätverk", "Återläsning har inte testats", "Servrarna saknar aktuella säkerhetsuppdateringar"},
		[]string{"8.13", "8.7", "8.8", "5.24", "8.20"}, domain.AssetSystem, []string{"Inför frånkopplade säkerhetskopior", "Återläsningsövning av kritiska system", "Inför rutin för säkerhetsuppdateringar"}, 0},
	{"Obehörig åtkomst till %s", []string{"Anställda läser uppgifter som de inte behöver i tjänsten", "En angripare använder stulna inloggningsuppgifter", "Tidigare anställda har kvar sin behörighet"},
		[]string{"Behörigheter följs inte upp vid byte av tjänst", "Loggkontroll görs sällan", "Inloggning sker utan tvåfaktorsautentisering"},
		[]string{"5.15", "5.18", "8.5", "8.15", "5.16"}, domain.AssetInformation, []string{"Månatlig loggkontroll", "Årlig genomgång av behörigheter", "Inför tvåfaktorsautentisering"}, 0},
	{"Långvarigt avbrott i %s hos leverantören", []string{"Leverantörens datacenter drabbas av avbrott", "Leverantören går i konkurs", "Strömavbrott i serverhallen"},
		[]string{"Avtalet saknar krav på kontinuitet", "Det finns ingen reservrutin för verksamheten", "Tiden för återställning är inte känd"},
		[]string{"5.22", "5.30", "5.19", "5.20", "8.14"}, domain.AssetSystem, []string{"Ta fram reservrutin för verksamheten", "Ställ krav på kontinuitet i avtalet", "Öva återställning med leverantören"}, -1},
	{"Felaktiga uppgifter i %s", []string{"Felregistrering vid manuell inmatning", "Fel i integrationen mellan system", "Avsiktlig manipulation av uppgifter"},
		[]string{"Inmatningen kontrolleras inte", "Ändringar loggas inte", "Integrationen saknar felhantering"},
		[]string{"8.15", "8.28", "8.32", "5.33"}, domain.AssetInformation, []string{"Inför kontroll av inmatade uppgifter", "Inför loggning av ändringar"}, 0},
	{"Sekretessbelagda uppgifter i %s röjs via e-post", []string{"Handläggare mejlar uppgifter okrypterat", "E-post skickas till fel mottagare"},
		[]string{"Säker e-post saknas", "Rutinen för sekretessbelagd e-post är okänd för många"},
		[]string{"5.14", "8.24", "6.3", "5.12"}, domain.AssetInformation, []string{"Inför säker e-post för sekretessbelagda uppgifter", "Utbilda handläggarna i rutinen för e-post"}, 1},
	{"Nätfiske ger åtkomst till %s", []string{"Riktade nätfiskemejl mot anställda", "Falska inloggningssidor"},
		[]string{"Tvåfaktorsautentisering saknas", "Nyanställda utbildas inte i informationssäkerhet"},
		[]string{"8.5", "6.3", "8.23", "5.17"}, "", []string{"Inför tvåfaktorsautentisering", "Årlig utbildning om nätfiske"}, 1},
	{"Uppgifter i %s förloras med en borttappad mobil enhet", []string{"En mobil eller bärbar dator tappas bort eller stjäls"},
		[]string{"Enheterna saknar kryptering", "Central hantering och fjärrlåsning saknas"},
		[]string{"8.1", "7.9", "8.24", "6.7"}, domain.AssetInformation, []string{"Inför central hantering av mobila enheter", "Kryptera bärbara datorer"}, 0},
	{"Obehörig styrning av %s", []string{"En angripare når styrsystemet via leverantörens fjärråtkomst", "Skadlig kod sprids från kontorsnätet till styrnätet"},
		[]string{"Nätet är inte segmenterat", "Fjärråtkomsten saknar tvåfaktorsautentisering", "Styrsystemet har inte uppdaterats sedan installationen"},
		[]string{"8.20", "8.22", "8.21", "8.8", "5.21"}, domain.AssetICS, []string{"Segmentera styrnätet", "Tvåfaktorsautentisering för leverantörens fjärråtkomst", "Uppdatera styrsystemets programvara"}, -1},
	{"Uppgifter i %s går förlorade vid brand eller vattenskada", []string{"Brand i serverrummet", "Vattenskada i arkivet"},
		[]string{"Säkerhetskopiorna förvaras i samma byggnad", "Serverrummet saknar brandlarm"},
		[]string{"7.5", "7.11", "8.13", "5.29"}, "", []string{"Förvara säkerhetskopior på annan ort", "Installera brandlarm i serverrummet"}, -2},
	{"Personuppgifter i %s behandlas i strid med dataskyddsförordningen", []string{"Uppgifter sparas längre än nödvändigt", "Personuppgifter lämnas till en leverantör utan biträdesavtal"},
		[]string{"Gallringsrutiner saknas", "Biträdesavtal saknas"},
		[]string{"5.34", "5.31", "5.10", "8.10"}, domain.AssetInformation, []string{"Ta fram gallringsrutin", "Teckna biträdesavtal med leverantören"}, 0},
	{"Överbelastningsattack mot %s", []string{"Överbelastningsattack mot kommunens e-tjänster"},
		[]string{"Skydd mot överbelastning saknas hos internetleverantören", "Tjänsten har ingen reservväg"},
		[]string{"8.6", "8.20", "5.30", "8.16"}, domain.AssetSystem, []string{"Beställ skydd mot överbelastning", "Övervaka trafiken till e-tjänsterna"}, 0},
	{"Incidenter i %s upptäcks inte i tid", []string{"Intrång som pågår i veckor utan att märkas"},
		[]string{"Loggar samlas inte centralt", "Ingen följer upp larmen"},
		[]string{"8.15", "8.16", "5.25", "5.28"}, domain.AssetSystem, []string{"Samla loggar centralt", "Inför rutin för uppföljning av larm"}, 0},
	{"Insiderhot mot %s", []string{"En anställd för ut uppgifter", "En konsult missbrukar sin administratörsbehörighet"},
		[]string{"Administratörsbehörigheter är inte begränsade", "Bakgrundskontroll görs inte"},
		[]string{"8.2", "6.1", "5.3", "8.18"}, "", []string{"Begränsa administratörsbehörigheterna", "Inför bakgrundskontroll vid anställning"}, -1},
}

var (
	riskProcesses = []string{"Ekonomiadministration", "Löneutbetalning", "Bygglovshandläggning", "Biståndshandläggning", "Skolplacering", "Upphandling",
		"Dricksvattenförsörjning", "Fakturahantering", "Diarieföring och arkivering", "Felanmälan fastigheter", "Hemtjänstplanering", "Färdtjänst"}
	riskMethods      = []string{"MSB:s metodstöd för informationssäkerhet", "ISO/IEC 27005", "Kommunens modell för riskanalys", "Workshop med verksamheten"}
	riskParticipants = []string{"Informationsägare, systemförvaltare och informationssäkerhetssamordnare", "Förvaltningschef, enhetschefer och IT-samordnare",
		"Verksamhetsutvecklare, dataskyddsombud och informationssäkerhetssamordnare", "Driftchef, leverantörens representant och säkerhetschef"}
	treatmentPlans = map[domain.RiskTreatment][]string{
		domain.TreatReduce:   {"Åtgärderna i handlingsplanen genomförs under året.", "Tekniska och organisatoriska åtgärder enligt åtgärdslistan."},
		domain.TreatAvoid:    {"Verksamheten upphör med hanteringen i nuvarande form.", "Tjänsten avvecklas och ersätts."},
		domain.TreatTransfer: {"Risken överförs till leverantören genom avtalskrav och försäkring.", "Krav ställs i nästa upphandling."},
		domain.TreatAccept:   {"Kostnaden för ytterligare åtgärder bedöms för hög i förhållande till risken.", "Risken bedöms godtagbar med nuvarande skydd."},
	}
	justifications = []string{"Kvarvarande risk bedöms godtagbar med nuvarande skydd.", "Risken godtas till dess att systemet byts ut.",
		"Åtgärder planeras till nästa budgetår; risken godtas till dess.", "Konsekvensen är begränsad och sannolikheten låg."}
)

// seedLargeRisks adds n risks to municipality mun (see SeedLarge): about one risk analysis
// per 150 risks (of the municipality, of each org unit, of assets and of processes), the
// risks spread over the units with scenarios from riskScenarios, scores on the default 5×5
// matrix (skewed to the middle, the residual mostly below the inherent), treatments of all
// four kinds, one to three linked assets (mostly of the risk's unit) and one to four linked
// controls of the statement of applicability; about one treatment action per reduced risk
// (a quarter of the open ones overdue); acceptances for a share of the accepted and
// low-residual risks, by the coordinators or management as the default tiers allow, most
// valid for up to a year, some running out within 30 days, a few expired. The rows are what the store writes for the same
// changes (the levels on the default matrix version 1, which needs no row; an accepted risk's
// next review is its acceptance's valid-until date; an analysis of an asset marks it for
// re-classification), and the audit entries the services would append are returned, with
// their times, for the caller to write in time order.
func seedLargeRisks(l *store.Loader, mun int64, n int, units []int64, owners map[int64][]int64, ownerIDs []int64, people riskPeople,
	pick func(int) int, today domain.Date, now time.Time, say func(string, ...any)) ([]timedEntry, error) {
	if n == 0 {
		return nil, nil
	}
	say("%d risker med åtgärder och beslut", n)
	matrix := domain.DefaultRiskMatrix(5)

	// What the risks link to: the municipality's assets (by unit and kind), its SoA rows (with
	// the statuses just loaded) and its units' names.
	var assetRows []struct {
		ID    int64            `db:"id"`
		Unit  int64            `db:"org_unit_id"`
		Title string           `db:"title"`
		Kind  domain.AssetKind `db:"asset_kind"`
	}
	if err := l.Select(&assetRows, `SELECT r.id, r.org_unit_id, r.title, a.asset_kind FROM records r JOIN assets a ON a.record_id = r.id
		WHERE r.municipality_id = ? AND r.kind = ? ORDER BY r.id`, mun, domain.KindAsset); err != nil {
		return nil, err
	}
	if len(assetRows) == 0 {
		return nil, fmt.Errorf("risks: municipality %d has no assets to link", mun)
	}
	type assetRef struct {
		id    int64
		title string
		kind  domain.AssetKind
		unit  int64
	}
	byUnit := map[int64][]assetRef{}
	byUnitKind := map[[2]any][]assetRef{}
	byKind := map[domain.AssetKind][]assetRef{}
	var allAssets []assetRef
	for _, a := range assetRows {
		r := assetRef{a.ID, a.Title, a.Kind, a.Unit}
		byUnit[a.Unit] = append(byUnit[a.Unit], r)
		byUnitKind[[2]any{a.Unit, a.Kind}] = append(byUnitKind[[2]any{a.Unit, a.Kind}], r)
		byKind[a.Kind] = append(byKind[a.Kind], r)
		allAssets = append(allAssets, r)
	}
	var ctlRows []struct {
		ID     int64  `db:"id"`
		Ref    string `db:"ref"`
		Title  string `db:"title"`
		Status string `db:"status"`
	}
	if err := l.Select(&ctlRows, `SELECT id, ref, title, status FROM records WHERE municipality_id = ? AND kind = ? ORDER BY id`, mun, domain.KindControl); err != nil {
		return nil, err
	}
	if len(ctlRows) == 0 {
		return nil, fmt.Errorf("risks: municipality %d has no statement of applicability", mun)
	}
	ctlByRef := map[string]domain.RiskControl{}
	var ctlRefs []string
	for _, c := range ctlRows {
		ctlByRef[c.Ref] = domain.RiskControl{ControlID: c.Ref, Title: c.Title, Status: domain.ControlStatus(c.Status), RecordID: c.ID}
		ctlRefs = append(ctlRefs, c.Ref)
	}
	var unitRows []struct {
		ID   int64  `db:"id"`
		Name string `db:"name"`
	}
	if err := l.Select(&unitRows, `SELECT id, name FROM org_units WHERE municipality_id = ?`, mun); err != nil {
		return nil, err
	}
	unitName := map[int64]string{}
	for _, u := range unitRows {
		unitName[u.ID] = u.Name
	}

	ownerOf := func(unit int64) *int64 {
		if os := owners[unit]; len(os) > 0 {
			id := os[pick(len(os))]
			return &id
		}
		if len(ownerIDs) > 0 {
			id := ownerIDs[pick(len(ownerIDs))]
			return &id
		}
		id := people.coordinators[pick(len(people.coordinators))]
		return &id
	}
	ptr := func(d domain.Date) *domain.Date { return &d }
	dayTime := func(d domain.Date) time.Time { // a working hour of day d
		return d.Time().Add(7*time.Hour + time.Duration(pick(8*3600))*time.Second).UTC()
	}
	var out []timedEntry
	ip := func() string { return fmt.Sprintf("10.%d.%d.%d", pick(256), pick(256), 1+pick(254)) }
	entry := func(at time.Time, actor int64, kind domain.Kind, id int64, action string, before, after any) {
		a, m, rec := actor, mun, id
		out = append(out, timedEntry{at: at, e: audit.Entry{At: at.Format(time.RFC3339Nano), ActorID: &a, Actor: people.usernames[actor], MunicipalityID: &m,
			Kind: string(kind), RecordID: &rec, Action: action, Before: audit.Snapshot(before), After: audit.Snapshot(after), IP: ip()}})
	}

	// The analyses: of the municipality, of each org unit (every unit has one), of assets and
	// of processes.
	nA := max(4, n/150)
	firstA, err := l.NextID("records", nA)
	if err != nil {
		return nil, err
	}
	type analysis struct {
		domain.RiskAnalysis
		creator int64
		asset   *assetRef
	}
	analyses := make([]analysis, nA)
	nMun := max(1, nA/20)
	nUnit := min(len(units), max(1, nA*45/100))
	nAsset := max(1, nA*30/100)
	var recs, anRows, riskRows, linkAssets, linkCtls, actRows, accRows, accCtls [][]any
	record := func(r domain.Record) []any {
		return []any{r.ID, r.MunicipalityID, string(r.Kind), r.Ref, r.Title, domain.FoldTitle(r.Title), r.OrgUnitID, r.OwnerID, r.Status,
			r.ReviewIntervalMonths, r.LastReviewedAt, r.NextReviewAt, r.CreatedAt, r.UpdatedAt}
	}
	var active []int // analyses risks are found in (planned ones have none yet); the municipality's count thrice
	type mark struct {
		reason string
		day    domain.Date
	}
	marks := map[int64]mark{} // asset -> the latest analysis's mark
	for i := range analyses {
		an := &analyses[i]
		an.ID, an.MunicipalityID, an.Kind = firstA+int64(i), mun, domain.KindRiskAnalysis
		an.ReviewIntervalMonths = domain.DefaultReviewMonths
		an.Method, an.Participants = riskMethods[pick(len(riskMethods))], riskParticipants[pick(len(riskParticipants))]
		day := today.AddDays(-1 - pick(700))
		an.Status = "completed"
		switch r := pick(20); {
		case r == 0:
			an.Status, day = "planned", today.AddDays(-1-pick(60))
		case r < 4:
			an.Status, day = "ongoing", today.AddDays(-1-pick(90))
		case r < 6:
			an.Status = "archived"
		}
		if an.Status != "planned" {
			an.AnalysedAt = ptr(day)
		}
		year := day.Time().Year()
		switch {
		case i < nMun:
			an.ObjectType, an.OrgUnitID = domain.ObjectMunicipality, units[0]
			an.Title = fmt.Sprintf("Kommunövergripande riskanalys %d", year)
			if nMun > 1 {
				an.Title = fmt.Sprintf("Kommunövergripande riskanalys %d, del %d", year, i+1)
			}
			an.Description = "Analys av de risker som berör hela kommunen: IT-drift, leverantörer och styrsystem."
			an.creator = people.coordinators[pick(len(people.coordinators))]
			an.OwnerID = &an.creator
		case i < nMun+nUnit:
			an.ObjectType, an.OrgUnitID = domain.ObjectOrgUnit, units[i-nMun]
			an.Title = fmt.Sprintf("Riskanalys av %s %d", unitName[an.OrgUnitID], year)
		case i < nMun+nUnit+nAsset:
			as := allAssets[pick(len(allAssets))]
			an.ObjectType, an.OrgUnitID, an.AssetID, an.asset = domain.ObjectAsset, as.unit, &as.id, &as
			an.Title = "Riskanalys av " + as.title
		default:
			an.ObjectType, an.OrgUnitID = domain.ObjectProcess, units[pick(len(units))]
			an.Process = riskProcesses[pick(len(riskProcesses))]
			an.Title = fmt.Sprintf("Riskanalys av processen %s, %s", an.Process, unitName[an.OrgUnitID])
		}
		if an.OwnerID == nil { // an owner of the unit analyses it; a coordinator where it has none
			an.creator = people.coordinators[pick(len(people.coordinators))]
			if os := owners[an.OrgUnitID]; len(os) > 0 {
				an.creator = os[pick(len(os))]
			}
			an.OwnerID = &an.creator
		}
		at := dayTime(day)
		an.CreatedAt, an.UpdatedAt = at, at
		an.NextReviewAt = ptr(day.AddMonths(an.ReviewIntervalMonths))
		recs = append(recs, record(an.Record))
		anRows = append(anRows, []any{an.ID, string(an.ObjectType), an.AssetID, an.Process, an.Method, an.Participants, an.AnalysedAt, an.Description})
		entry(at, an.creator, domain.KindRiskAnalysis, an.ID, audit.ActionCreate, nil, &an.RiskAnalysis)
		if an.asset != nil { // the analysis marks its asset for re-classification (as riskAnalysisSaved does)
			reason := "Riskanalys ”" + an.Title + "”"
			if an.AnalysedAt != nil {
				reason += " " + an.AnalysedAt.String()
			}
			if m, ok := marks[an.asset.id]; !ok || m.day.Before(day) {
				marks[an.asset.id] = mark{reason, day}
			}
			entry(at.Add(time.Microsecond), an.creator, domain.KindAsset, an.asset.id, audit.ActionReclassify, nil, map[string]any{"reclassify_reason": reason})
		}
		if an.Status != "planned" {
			active = append(active, i)
			if an.ObjectType == domain.ObjectMunicipality {
				active = append(active, i, i)
			}
		}
	}

	// The risks.
	firstR, err := l.NextID("records", n)
	if err != nil {
		return nil, err
	}
	weighted := func(w []int) int { // 1-based value drawn with weights w
		sum := 0
		for _, x := range w {
			sum += x
		}
		r := pick(sum)
		for i, x := range w {
			if r < x {
				return i + 1
			}
			r -= x
		}
		return len(w)
	}
	clamp := func(v int) int { return min(max(v, 1), matrix.Size) }
	type action struct {
		domain.RiskAction
		creator int64
	}
	var actions []action
	type accepted struct {
		risk *domain.Risk
		at   time.Time
		by   int64
		role domain.Role
		why  string
		vu   domain.Date
	}
	var accs []accepted
	risks := make([]domain.Risk, n)
	for i := range risks {
		an := &analyses[active[pick(len(active))]]
		r := &risks[i]
		r.ID, r.MunicipalityID, r.Kind = firstR+int64(i), mun, domain.KindRisk
		r.AnalysisID = &an.ID
		r.ReviewIntervalMonths = domain.DefaultReviewMonths
		r.MatrixVersion = matrix.Version
		r.OrgUnitID = an.OrgUnitID
		if an.ObjectType == domain.ObjectMunicipality {
			r.OrgUnitID = units[pick(len(units))]
		}
		sc := riskScenarios[pick(len(riskScenarios))]
		// The assets: the analysed asset first, or one of the scenario's kind in the unit.
		var first assetRef
		switch {
		case an.asset != nil:
			first = *an.asset
			for sc.assetKind != "" && sc.assetKind != first.kind && !(sc.assetKind == domain.AssetSystem && first.kind == domain.AssetICS) {
				sc = riskScenarios[pick(len(riskScenarios))]
			}
		default:
			pool := byUnitKind[[2]any{r.OrgUnitID, sc.assetKind}]
			if sc.assetKind == "" {
				pool = byUnit[r.OrgUnitID]
			}
			if len(pool) == 0 && sc.assetKind != "" {
				pool = byKind[sc.assetKind]
			}
			if len(pool) == 0 {
				pool = allAssets
			}
			first = pool[pick(len(pool))]
		}
		r.AssetIDs = []int64{first.id}
		for range pick(3) {
			pool := byUnit[r.OrgUnitID]
			if len(pool) == 0 || pick(5) == 0 {
				pool = allAssets
			}
			if id := pool[pick(len(pool))].id; !slices.Contains(r.AssetIDs, id) {
				r.AssetIDs = append(r.AssetIDs, id)
			}
		}
		slices.Sort(r.AssetIDs)
		// The controls: one to four of the scenario's (others of the statement if it lacks them).
		var refs []string
		for range 1 + pick(4) {
			ref := sc.controls[pick(len(sc.controls))]
			if _, ok := ctlByRef[ref]; !ok {
				ref = ctlRefs[pick(len(ctlRefs))]
			}
			if !slices.Contains(refs, ref) {
				refs = append(refs, ref)
			}
		}
		slices.Sort(refs) // as the store reads them back
		r.ControlIDs, r.Controls = refs, make([]domain.RiskControl, len(refs))
		for j, ref := range refs {
			r.Controls[j] = ctlByRef[ref]
		}
		r.Title = fmt.Sprintf(sc.title, first.title)
		r.Threat, r.Vulnerability = sc.threats[pick(len(sc.threats))], sc.vulns[pick(len(sc.vulns))]
		// Scores: skewed to the middle; the residual after the treatment, mostly lower.
		r.Likelihood = clamp(weighted([]int{10, 25, 35, 20, 10}) + sc.likelihoodShift*pick(2))
		r.Consequence = weighted([]int{5, 20, 35, 28, 12})
		r.Treatment = domain.TreatReduce
		switch t := pick(100); {
		case t < 20:
			r.Treatment = domain.TreatAccept
		case t < 33:
			r.Treatment = domain.TreatAvoid
		case t < 45:
			r.Treatment = domain.TreatTransfer
		}
		r.ResidualLikelihood, r.ResidualConsequence = r.Likelihood, r.Consequence
		switch r.Treatment {
		case domain.TreatReduce:
			r.ResidualLikelihood = clamp(r.Likelihood - []int{0, 1, 1, 2}[pick(4)])
			r.ResidualConsequence = clamp(r.Consequence - []int{0, 0, 1}[pick(3)])
			if pick(100) == 0 && r.Likelihood < matrix.Size { // a few were judged worse after a new threat picture
				r.ResidualLikelihood, r.ResidualConsequence = r.Likelihood+1, r.Consequence
				r.ResidualReason = "Bedömningen höjdes efter ny hotbild från MCF."
			}
		case domain.TreatAvoid:
			r.ResidualLikelihood, r.ResidualConsequence = 1, clamp(r.Consequence-pick(2))
		case domain.TreatTransfer:
			r.ResidualConsequence = clamp(r.Consequence - 1 - pick(2))
		}
		r.Score, r.ResidualScore = domain.Score(r.Likelihood, r.Consequence), domain.Score(r.ResidualLikelihood, r.ResidualConsequence)
		r.Rate(matrix)
		plans := treatmentPlans[r.Treatment]
		r.TreatmentPlan = plans[pick(len(plans))]
		// Status: a few closed; the rest open, in treatment or treated as the treatment goes.
		switch s := pick(100); {
		case s < 7:
			r.Status = "closed"
		case r.Treatment == domain.TreatAccept:
			r.Status = []string{"open", "treated", "treated"}[pick(3)]
		case r.Treatment == domain.TreatReduce:
			r.Status = []string{"open", "in_treatment", "in_treatment", "treated"}[pick(4)]
		default:
			r.Status = []string{"open", "in_treatment", "treated"}[pick(3)]
		}
		day := *an.AnalysedAt
		at := an.CreatedAt.Add(time.Duration(1+i%3600) * time.Second)
		r.CreatedAt, r.UpdatedAt = at, at
		r.OwnerID = ownerOf(r.OrgUnitID)
		r.NextReviewAt = ptr(day.AddMonths(r.ReviewIntervalMonths))
		entry(at, an.creator, domain.KindRisk, r.ID, audit.ActionCreate, nil, *r)

		// About one treatment action per reduced risk, due in the months after the analysis.
		if r.Treatment == domain.TreatReduce {
			k := []int{0, 1, 1, 1, 1, 1, 1, 2}[pick(8)]
			for j := range k {
				ac := action{creator: an.creator}
				ac.MunicipalityID, ac.Kind, ac.RiskID, ac.OrgUnitID, ac.OwnerID = mun, domain.KindRiskAction, r.ID, r.OrgUnitID, r.OwnerID
				ac.Title = sc.actions[(j+pick(len(sc.actions)))%len(sc.actions)]
				ac.ReviewIntervalMonths = domain.DefaultReviewMonths
				switch r.Status {
				case "closed", "treated":
					ac.Status = []string{"done", "done", "done", "cancelled"}[pick(4)]
				case "in_treatment":
					ac.Status = []string{"planned", "in_progress", "in_progress", "done"}[pick(4)]
				default:
					ac.Status = "planned"
				}
				// Due in the months after the analysis; what is still to do was planned anew
				// for the coming year, and a quarter of it is overdue.
				due := day.AddDays(30 + pick(300))
				switch {
				case ac.Status == "done" || ac.Status == "cancelled":
					if due.After(today) {
						due = today.AddDays(-1 - pick(30))
					}
				case pick(4) == 0:
					due = today.AddDays(-1 - pick(120))
				case !due.After(today):
					due = today.AddDays(1 + pick(365))
				}
				ac.NextReviewAt, ac.DueAt = ptr(due), ptr(due)
				if pick(3) == 0 {
					ac.Description = "Ansvarig rapporterar till informationssäkerhetssamordnaren när åtgärden är klar."
				}
				ac.CreatedAt = at.Add(time.Duration(j+1) * time.Millisecond)
				ac.UpdatedAt = ac.CreatedAt
				actions = append(actions, ac)
			}
		}

		// Acceptance: most of the accepted risks, some of those left at a low or medium level.
		if r.Status == "closed" || !(r.Treatment == domain.TreatAccept && pick(10) < 7 || r.Treatment != domain.TreatAccept && r.ResidualLevel.Rank() <= domain.RiskMedium.Rank() && pick(100) < 12) {
			continue
		}
		acc := accepted{risk: r, why: justifications[pick(len(justifications))], role: domain.RoleManagement}
		coordinatorMay := r.ResidualLevel.Rank() <= domain.RiskMedium.Rank() // the default tiers
		switch {
		case coordinatorMay && (pick(10) < 6 || len(people.management) == 0):
			acc.role = domain.RoleCoordinator
			acc.by = people.coordinators[pick(len(people.coordinators))]
		case len(people.management) > 0:
			acc.by = people.management[pick(len(people.management))]
		default: // a small municipality without management: nobody may accept it
			continue
		}
		switch v := pick(100); {
		case v < 5:
			acc.vu = today.AddDays(-1 - pick(60)) // ran out: the risk is due again
		case v < 17:
			acc.vu = today.AddDays(1 + pick(30)) // runs out within 30 days
		default:
			acc.vu = today.AddDays(31 + pick(335))
		}
		accDay := acc.vu.AddMonths(-12)
		if !accDay.After(day) {
			accDay = day.AddDays(pick(max(1, daysBetween(day, today))))
		}
		if !acc.vu.After(accDay) { // the risk is younger than the acceptance would be
			acc.vu = today.AddDays(31 + pick(335))
		}
		acc.at = dayTime(accDay)
		if !acc.at.After(at) {
			acc.at = at.Add(time.Hour)
		}
		if acc.at.After(now) {
			acc.at = now.Add(-time.Minute)
		}
		acc.at = acc.at.Truncate(time.Microsecond)
		accs = append(accs, acc)
	}

	// The actions' ids, rows and entries.
	if len(actions) > 0 {
		firstAc, err := l.NextID("records", len(actions))
		if err != nil {
			return nil, err
		}
		for i := range actions {
			ac := &actions[i]
			ac.ID = firstAc + int64(i)
			recs = append(recs, record(ac.Record))
			actRows = append(actRows, []any{ac.ID, ac.RiskID, ac.Description})
			entry(ac.CreatedAt, ac.creator, domain.KindRiskAction, ac.ID, audit.ActionCreate, nil, &ac.RiskAction)
		}
	}

	// The acceptances, as AcceptRisk stores them: the risk's controls as they stand, the
	// residual level on the matrix, the risk's next review moved to valid-until, and the
	// snapshot of the risk as accepted in the audit entry.
	if len(accs) > 0 {
		firstAcc, err := l.NextID("risk_acceptances", len(accs))
		if err != nil {
			return nil, err
		}
		for i, acc := range accs {
			r := acc.risk
			id := firstAcc + int64(i)
			by := acc.by
			level := matrix.Level(r.ResidualScore)
			accRows = append(accRows, []any{id, r.ID, by, people.names[by], string(acc.role), acc.at, acc.why, acc.vu, r.ResidualScore, string(level), matrix.Version})
			ctls := []domain.AcceptedControl{}
			for _, c := range r.Controls {
				ctls = append(ctls, domain.AcceptedControl{ControlID: c.ControlID, RecordID: c.RecordID, Status: c.Status})
				accCtls = append(accCtls, []any{id, c.RecordID, c.ControlID, string(c.Status)})
			}
			before := map[string]any{"next_review_at": r.NextReviewAt}
			vu := acc.vu
			r.NextReviewAt, r.UpdatedAt = &vu, acc.at
			snapshot := map[string]any{
				"acceptance_id": id, "accepted_by": &by, "accepted_by_name": people.names[by], "role": acc.role,
				"justification": acc.why, "valid_until": acc.vu,
				"title": r.Title, "likelihood": r.Likelihood, "consequence": r.Consequence, "score": r.Score, "level": r.Level,
				"treatment": r.Treatment, "residual_likelihood": r.ResidualLikelihood, "residual_consequence": r.ResidualConsequence,
				"residual_score": r.ResidualScore, "residual_level": r.ResidualLevel, "controls": ctls, "matrix_version": matrix.Version,
				"next_review_at": r.NextReviewAt,
			}
			entry(acc.at, by, domain.KindRisk, r.ID, store.ActionRiskAccept, before, snapshot)
		}
	}
	for i := range risks {
		r := &risks[i]
		recs = append(recs, record(r.Record))
		riskRows = append(riskRows, []any{r.ID, r.AnalysisID, r.Threat, r.Vulnerability, r.Likelihood, r.Consequence, r.Score, string(r.Treatment), r.TreatmentPlan,
			r.ResidualLikelihood, r.ResidualConsequence, r.ResidualScore, r.ResidualReason, r.MatrixVersion})
		for _, a := range r.AssetIDs {
			linkAssets = append(linkAssets, []any{r.ID, a})
		}
		for _, c := range r.Controls {
			linkCtls = append(linkCtls, []any{r.ID, c.RecordID})
		}
	}
	slices.SortFunc(recs, func(a, b []any) int { return int(a[0].(int64) - b[0].(int64)) })
	for _, t := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"records", []string{"id", "municipality_id", "kind", "ref", "title", "title_fold", "org_unit_id", "owner_id", "status", "review_interval_months", "last_reviewed_at", "next_review_at", "created_at", "updated_at"}, recs},
		{"risk_analyses", []string{"record_id", "object_type", "asset_id", "process", "method", "participants", "analysed_at", "description"}, anRows},
		{"risks", []string{"record_id", "analysis_id", "threat", "vulnerability", "likelihood", "consequence", "score", "treatment", "treatment_plan",
			"residual_likelihood", "residual_consequence", "residual_score", "residual_reason", "matrix_version"}, riskRows},
		{"risk_assets", []string{"risk_id", "asset_id"}, linkAssets},
		{"risk_controls", []string{"risk_id", "control_record_id"}, linkCtls},
		{"risk_actions", []string{"record_id", "risk_id", "description"}, actRows},
		{"risk_acceptances", []string{"id", "risk_id", "accepted_by", "accepted_by_name", "role", "accepted_at", "justification", "valid_until",
			"residual_score", "residual_level", "matrix_version"}, accRows},
		{"risk_acceptance_controls", []string{"acceptance_id", "control_record_id", "control_ref", "status"}, accCtls},
	} {
		if err := l.Insert(t.table, t.cols, t.rows); err != nil {
			return nil, err
		}
	}
	for id, m := range marks {
		if err := l.Exec(`UPDATE assets SET reclassify_reason = ?, reclassify_at = ? WHERE record_id = ?`, m.reason, m.day, id); err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(out, func(a, b timedEntry) int { return a.at.Compare(b.at) })
	return out, nil
}

// daysBetween is the number of days from a to b.
func daysBetween(a, b domain.Date) int { return int(b.Time().Sub(a.Time()).Hours() / 24) }
