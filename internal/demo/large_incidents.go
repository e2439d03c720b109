package demo

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// seedLargeSuppliers adds n suppliers to municipality mun (issue 10), with valid organisation
// numbers, followed up from its top unit by its information owners; a tenth ended. Returns
// their ids.
func seedLargeSuppliers(l *store.Loader, mun int64, n int, root int64, ownerIDs []int64, pick func(int) int, today domain.Date, now time.Time, say func(string, ...any)) ([]int64, error) {
	if n == 0 {
		return nil, nil
	}
	say("%d leverantörer", n)
	first, err := l.NextID("records", n)
	if err != nil {
		return nil, err
	}
	names := []string{"Systemhuset", "Driftpartner", "Omsorgsdata", "Skoldata", "Vattenautomation", "Nätverkstjänst", "Molntjänst", "Säkerhetsbolaget",
		"Ekonomisystem", "Fastighetsdrift", "Larmcentralen", "Kommunikationsbyrån"}
	services := []string{"drift och support av verksamhetssystem", "molntjänst för e-post och dokument", "styrsystem och fjärrövervakning", "nätverk och telefoni",
		"utskrift och dokumenthantering", "larm och passersystem", "lönesystem", "elevadministration"}
	var recs, sups [][]any
	ids := make([]int64, n)
	for i := range n {
		id := first + int64(i)
		ids[i] = id
		name := fmt.Sprintf("%s %03d AB", names[i%len(names)], i+1)
		status := domain.SupplierActive
		if pick(10) == 0 {
			status = domain.SupplierEnded
		}
		var owner any
		if len(ownerIDs) > 0 {
			owner = ownerIDs[pick(len(ownerIDs))]
		}
		next := today.AddDays(pick(450) - 60)
		recs = append(recs, []any{id, mun, string(domain.KindSupplier), "", name, domain.FoldTitle(name), root, owner, status, 12, next.AddMonths(-12), next, now, now})
		// Distinct first nine digits (556 + the supplier's number) with the Luhn check digit.
		sups = append(sups, []any{id, mun, orgNumber(556000_0000 + int64(i+1)*1370), fmt.Sprintf("Jour: 010-%03d %02d %02d, support%03d@leverantor.example", pick(1000), pick(100), pick(100), i+1),
			"Leverantör av " + services[pick(len(services))] + "."})
	}
	if err := l.Insert("records", largeRecordColumns, recs); err != nil {
		return nil, err
	}
	return ids, l.Insert("suppliers", []string{"record_id", "municipality_id", "org_number", "contact", "description"}, sups)
}

// largeRecordColumns are the record core's columns the large generators write.
var largeRecordColumns = []string{"id", "municipality_id", "kind", "ref", "title", "title_fold", "org_unit_id", "owner_id", "status", "review_interval_months",
	"last_reviewed_at", "next_review_at", "created_at", "updated_at"}

// incidentKind is a category of the generated incidents: titles (%s: a system's name), what
// happened, the root cause and lessons of a closed one, the aspects it touches, how often it
// happens (per 100), how often it is a personal data breach (per 100 triaged) and whether it
// can be significant (cybersäkerhetslagen).
type incidentKind struct {
	category             string
	titles               []string
	description          string
	rootCause, lessons   string
	aspects              []string
	weight, breach       int
	significant, hasUnit bool
}

var incidentKinds = []incidentKind{
	{"phishing", []string{"Nätfiskemejl med falsk inloggningssida", "Lösenord angivet på nätfiskesida", "Falsk faktura via e-post"},
		"Flera anställda fick ett mejl som efterliknade kommunens inloggning. Minst en person angav sina inloggningsuppgifter.",
		"Användaren kände inte igen den förfalskade avsändaren och inloggningssidan.", "Kontot spärrades och lösenordet byttes; påminnelse om nätfiske i personalinformationen.",
		[]string{"confidentiality"}, 20, 3, false, false},
	{"misdirected", []string{"E-post med personuppgifter till fel mottagare", "Brev skickat till fel adress", "Utredning skickad till fel vårdnadshavare"},
		"Ett mejl med uppgifter om en enskild skickades till fel mottagare. Mottagaren har kontaktats och ombetts radera det.",
		"Fel mottagare valdes i adressfältet, som fylls i automatiskt.", "Autokomplettering av adresser stängd för handläggarna; rutinen för säker e-post repeterad.",
		[]string{"confidentiality"}, 15, 25, false, false},
	{"lost_device", []string{"Borttappad mobiltelefon", "Stulen bärbar dator", "Borttappat USB-minne med arbetsmaterial"},
		"En arbetsenhet har tappats bort eller stulits. Enheten har spärrats och fjärrlåsts.",
		"Enheten lämnades obevakad.", "Kryptering kontrollerad på alla bärbara enheter; påminnelse om att låsa in enheter.",
		[]string{"confidentiality", "availability"}, 10, 12, false, false},
	{"malware", []string{"Skadlig kod på arbetsstation med åtkomst till %s", "Utpressningsvirus upptäckt på filserver för %s"},
		"Antivirusskyddet larmade om skadlig kod. Datorn isolerades från nätverket.",
		"En bifogad fil från en okänd avsändare öppnades.", "Makron blockeras i filer från internet; säkerhetskopiorna kontrollerade.",
		[]string{"integrity", "availability"}, 8, 0, true, true},
	{"unauthorized_access", []string{"Obehörig åtkomst till %s", "Otillåten läsning av uppgifter i %s"},
		"Loggkontrollen visar att en användare har läst uppgifter utan att behöva dem i tjänsten.",
		"Behörigheten hade inte tagits bort vid byte av tjänst.", "Behörigheter följs upp varje kvartal; ärendet lämnat till HR.",
		[]string{"confidentiality", "traceability"}, 8, 15, true, true},
	{"outage", []string{"Avbrott i %s", "Driftstörning i %s"},
		"Systemet gick inte att nå under arbetstid. Verksamheten arbetade enligt reservrutinen.",
		"En uppdatering av servern misslyckades.", "Uppdateringar testas i testmiljö först; reservrutinen fungerade.",
		[]string{"availability"}, 12, 0, true, true},
	{"supplier", []string{"Leverantörens avbrott påverkar %s", "Säkerhetsbrist hos leverantören av %s"},
		"Leverantören meddelar en störning som påverkar kommunens tjänst.",
		"Brist i leverantörens ändringshantering.", "Krav på ändringshantering och incidentrapportering förs in i avtalet vid nästa uppföljning.",
		[]string{"availability", "confidentiality"}, 7, 0, true, true},
	{"data_leak", []string{"Personuppgifter publicerade på webbplatsen", "Delad mapp öppen för alla anställda"},
		"Uppgifter som inte skulle vara åtkomliga var öppna för fler än de behöriga.",
		"Fel behörighet sattes när mappen skapades.", "Mallarna för nya mappar ger bara ägaren åtkomst; publiceringsrutinen har fått en kontrollpunkt.",
		[]string{"confidentiality"}, 5, 30, false, false},
	{"denial_of_service", []string{"Överbelastningsattack mot e-tjänsterna"},
		"Kommunens e-tjänster var svåra att nå under flera timmar på grund av stora mängder trafik.",
		"En riktad överbelastningsattack.", "Skydd mot överbelastning beställt hos internetleverantören.",
		[]string{"availability"}, 3, 0, true, false},
	{"fraud", []string{"Bedrägeriförsök mot ekonomienheten"},
		"Ett mejl som såg ut att komma från kommundirektören begärde en brådskande betalning.",
		"Avsändaradressen var förfalskad.", "Betalningar till nya mottagare kontrolleras per telefon.",
		[]string{"integrity"}, 3, 0, false, false},
	{"physical", []string{"Inbrott i serverrum", "Obehörig person i arkivet"},
		"En obehörig person har tagit sig in i ett låst utrymme.",
		"Dörren stängdes inte ordentligt.", "Dörrlarm installerat; passerloggen följs upp.",
		[]string{"confidentiality", "availability"}, 4, 0, false, false},
	{"other", []string{"Felaktig behörighet efter omorganisation", "Utskrifter kvarglömda i skrivaren"},
		"En brist i hanteringen av information upptäcktes och rapporterades.",
		"Rutinen var inte känd.", "Rutinen har kommunicerats på arbetsplatsträffar.",
		[]string{"confidentiality"}, 5, 5, false, false},
}

// largeIncidentPeople are who report and handle the generated incidents.
type largeIncidentPeople struct {
	staff, owners, coordinators, management []int64
	demoStaff                               int64 // the demo's staff account: some of the reports are theirs
	names                                   map[int64]string
}

// seedLargeIncidents adds n incidents to municipality mun (issue 10), the newest the highest
// ids: most discovered over the last five years, the last tenth (at most 300) in the last five
// days, so that the dashboard's clocks run. Each is reported by a member of staff (mostly),
// an information owner, a coordinator or management, triaged and handled by a coordinator,
// and goes through the workflow at generated moments up to now: what has not happened yet
// leaves it open (and some older ones stay open, mostly resolved but not closed), so about 95 %
// are closed, with their root cause and lessons learned. About 8 % are personal data breaches
// (reported to IMY, most in time, some late with the reason, some not at all by a decision
// with its justification), about 1 % significant incidents with their NIS2 reports. Reports
// are made at their moments when those have come; the clocks are domain.Clocks at now.
// Incidents name one or two systems of their unit, sometimes a supplier (suppliers) and
// other affected units. No audit entries are written (as for the plans).
func seedLargeIncidents(l *store.Loader, mun int64, n int, units []int64, suppliers []int64, people largeIncidentPeople, pick func(int) int,
	now time.Time, say func(string, ...any)) error {
	if n == 0 {
		return nil
	}
	var systems []struct {
		ID    int64  `db:"id"`
		Unit  int64  `db:"org_unit_id"`
		Title string `db:"title"`
	}
	if err := l.Select(&systems, `SELECT r.id, r.org_unit_id, r.title FROM records r JOIN assets a ON a.record_id = r.id
		WHERE r.municipality_id = ? AND a.asset_kind <> 'information' ORDER BY r.id`, mun); err != nil {
		return fmt.Errorf("read systems: %w", err)
	}
	byUnit := map[int64][]int{}
	for i, s := range systems {
		byUnit[s.Unit] = append(byUnit[s.Unit], i)
	}
	weights := 0
	for _, k := range incidentKinds {
		weights += k.weight
	}
	kindOf := func() incidentKind {
		w := pick(weights)
		for _, k := range incidentKinds {
			if w < k.weight {
				return k
			}
			w -= k.weight
		}
		return incidentKinds[len(incidentKinds)-1]
	}
	rs := domain.DefaultRecipients()
	// Moments of discovery, oldest first: the ids follow them, so the register's newest first
	// is by discovery too.
	hot := min(n/10, 300)
	moments := make([]time.Time, n)
	span := 5 * 365 * 24 * time.Hour
	for i := range n - hot {
		moments[i] = now.Add(-5*24*time.Hour - time.Duration(pick(int(span/time.Minute)))*time.Minute)
	}
	for i := n - hot; i < n; i++ {
		moments[i] = now.Add(-time.Duration(1+pick(5*24*60)) * time.Minute)
	}
	slices.SortFunc(moments, func(a, b time.Time) int { return a.Compare(b) })
	first, err := l.NextID("records", n)
	if err != nil {
		return err
	}
	minutes := func(lo, hi int) time.Duration { return time.Duration(lo+pick(hi-lo+1)) * time.Minute }
	const chunk = 5000
	for from := 0; from < n; from += chunk {
		say("incidenter %d/%d", from, n)
		var recs, rows, units2, links, events, reports [][]any
		var incs []domain.Incident
		for i := from; i < min(from+chunk, n); i++ {
			id := first + int64(i)
			k := kindOf()
			unit := units[pick(len(units))]
			discovered := moments[i].Truncate(time.Minute)
			isHot := i >= n-hot
			// The reporter: the demo's member of staff now and then, mostly staff.
			var reporter int64
			switch r := pick(100); {
			case people.demoStaff != 0 && i%500 == 7:
				reporter = people.demoStaff
			case r < 65 && len(people.staff) > 0:
				reporter = people.staff[pick(len(people.staff))]
			case r < 85 && len(people.owners) > 0:
				reporter = people.owners[pick(len(people.owners))]
			case r < 95 || len(people.management) == 0:
				reporter = people.coordinators[pick(len(people.coordinators))]
			default:
				reporter = people.management[pick(len(people.management))]
			}
			handler := people.coordinators[pick(len(people.coordinators))]
			// The systems named: of the incident's unit when it has any.
			var assetIDs []int64
			sysName := "verksamhetssystemet"
			if pool := byUnit[unit]; (k.hasUnit || pick(2) == 0) && len(systems) > 0 {
				if len(pool) == 0 {
					pool = []int{pick(len(systems))}
				}
				s := systems[pool[pick(len(pool))]]
				assetIDs, sysName = append(assetIDs, s.ID), s.Title
				if o := systems[pool[pick(len(pool))]]; pick(4) == 0 && o.ID != s.ID {
					assetIDs = append(assetIDs, o.ID)
				}
				slices.Sort(assetIDs)
			}
			title := k.titles[pick(len(k.titles))]
			if strings.Contains(title, "%s") {
				title = fmt.Sprintf(title, sysName)
			}
			inc := domain.Incident{Record: domain.Record{ID: id, MunicipalityID: mun, Kind: domain.KindIncident, Title: title, OrgUnitID: unit,
				Status: domain.IncidentReported, ReviewIntervalMonths: 1, CreatedBy: &reporter},
				Description: k.description, DiscoveredAt: discovered, AssetIDs: assetIDs, PersonalData: pick(10) == 0}
			if (k.category == "supplier" || pick(12) == 0) && len(suppliers) > 0 {
				sup := suppliers[pick(len(suppliers))]
				inc.SupplierID = &sup
			}
			if pick(3) == 0 {
				started := discovered.Add(-minutes(10, 3*24*60))
				inc.StartedAt = &started
			}
			// The workflow's moments; what lies after now has not happened yet.
			reported := discovered.Add(minutes(5, 240))
			if reported.After(now) {
				reported = now.Add(-time.Minute)
			}
			inc.CreatedAt = reported
			steps := []struct {
				status string
				at     time.Time
			}{{domain.IncidentTriaged, reported.Add(minutes(10, 2*24*60))}}
			for _, d := range []time.Duration{minutes(60, 3*24*60), minutes(60, 10*24*60), minutes(24*60, 30*24*60)} {
				steps = append(steps, struct {
					status string
					at     time.Time
				}{domain.IncidentStatuses[len(steps)+1], steps[len(steps)-1].at.Add(d)})
			}
			stop := len(steps) // some stay open: mostly resolved and not yet closed, in the last year
			if now.Sub(discovered) < 365*24*time.Hour && pick(100) < 18 {
				stop = []int{1, 2, 3, 3, 3}[pick(5)]
			}
			reach := 0
			for reach < stop && !steps[reach].at.After(now) {
				reach++
			}
			event := func(e domain.IncidentEvent, actor int64) {
				events = append(events, []any{id, e.At.UTC(), e.Type, "", e.Key, e.Args, actor, people.names[actor], e.At.UTC()})
			}
			ev := func(at time.Time, actor int64, typ, key string, args ...domain.EventArg) {
				event(domain.IncidentEvent{At: at, Type: typ, Key: key, Args: domain.EventArgs(args...)}, actor)
			}
			ev(reported, reporter, "reported", "incev.reported")
			var intermediateAsked time.Time
			updated := reported
			if reach > 0 {
				triaged := steps[0].at
				inc.Status, inc.OwnerID = domain.IncidentTriaged, &handler
				inc.Category = k.category
				sev := []string{"low", "low", "low", "low", "medium", "medium", "medium", "high", "high", "critical"}[pick(10)]
				breach := pick(100) < k.breach || isHot && k.breach > 0 && pick(100) < 20
				significant := k.significant && (pick(1000) < 33 || isHot && pick(100) < 10)
				if breach {
					sev = []string{"medium", "high"}[pick(2)]
				}
				if significant {
					sev = []string{"high", "critical"}[pick(2)]
				}
				inc.Severity = sev
				as := make([]domain.Aspect, len(k.aspects))
				for j, a := range k.aspects {
					as[j] = domain.Aspect(a)
				}
				inc.Aspects, inc.AspectsRaw = as, domain.JoinAspects(as)
				ev(triaged, handler, "status", "incev.status", domain.ArgKey("incstatus."+domain.IncidentReported), domain.ArgKey("incstatus."+domain.IncidentTriaged))
				ev(triaged, handler, "triage", "incev.triage", domain.ArgKeyOr("inccat.", inc.Category), domain.ArgKeyOr("incsev.", inc.Severity), domain.ArgAspects(inc.Aspects))
				ev(triaged, handler, "triage", "incev.handler")
				updated = triaged
				if breach {
					aware := triaged.Add(-minutes(0, int(triaged.Sub(reported)/time.Minute)))
					inc.PersonalData, inc.PersonalDataBreach, inc.AwareAt = true, true, &aware
					inc.DataSubjectCategories, inc.PersonalDataCategories = "Brukare, elever eller anställda", "Namn, personnummer, kontaktuppgifter"
					subjects, records := int64(1+pick(40)), int64(1+pick(200))
					inc.DataSubjectsApprox, inc.RecordsApprox = &subjects, &records
					inc.Consequences = "Risk för att uppgifter om enskilda sprids till obehöriga."
					inc.MeasuresTaken, inc.MeasuresPlanned = "Mottagaren eller den som fått åtkomst har kontaktats; åtkomsten har stängts.", "Rutinen ses över."
					if pick(100) < 6 {
						inc.NoNotification = true
						inc.NoNotificationReason = "Uppgifterna var krypterade och mottagaren en annan myndighet med tystnadsplikt: det är osannolikt att incidenten medför en risk för de registrerades rättigheter och friheter (art. 33.1)."
						ev(aware, handler, "clock", "incev.no_notification")
					}
					ev(aware, handler, "breach", "incev.breach", domain.ArgAt(aware))
					if subjectsAt := aware.Add(minutes(60, 5*24*60)); !inc.NoNotification && pick(3) == 0 && !subjectsAt.After(now) {
						inc.SubjectsInformed, inc.SubjectsInformedAt = "yes", &subjectsAt
						ev(subjectsAt, handler, "breach", "incev.subjects_yes")
					}
				}
				if significant {
					at := triaged.Add(-minutes(0, int(triaged.Sub(reported)/time.Minute)))
					inc.Significant, inc.SignificantAt, inc.SignificantBy = true, &at, &handler
					ev(at, handler, "significant", "incev.significant", domain.ArgAt(at))
					if asked := at.Add(4 * 24 * time.Hour); pick(5) == 0 && !asked.After(now) { // the authority asked for an intermediate report
						due := at.Add(10 * 24 * time.Hour)
						inc.IntermediateDueAt, intermediateAsked = &due, asked
						ev(asked, handler, "clock", "incev.intermediate", domain.ArgAt(due))
					}
				}
			}
			for j := 1; j < reach; j++ {
				inc.Status = steps[j].status
				ev(steps[j].at, handler, "status", "incev.status", domain.ArgKey("incstatus."+steps[j-1].status), domain.ArgKey("incstatus."+steps[j].status))
				updated = steps[j].at
				if steps[j].status == domain.IncidentResolved {
					ended := steps[j].at
					inc.HandlingEndedAt = &ended
					if inc.StartedAt != nil || pick(2) == 0 {
						e := steps[j-1].at
						inc.EndedAt = &e
					}
				}
			}
			closedAt := steps[len(steps)-1].at
			if inc.Status == domain.IncidentClosed {
				inc.RootCause, inc.LessonsLearned = k.rootCause, k.lessons
			} else {
				next := domain.DateOf(updated.In(domain.Sweden)).AddMonths(1)
				inc.NextReviewAt = &next
			}
			if pick(3) == 0 && reach > 0 {
				at := steps[0].at.Add(minutes(30, 24*60))
				if !at.After(now) {
					ev(at, handler, "note", "")
					events[len(events)-1][3] = "Kontakt med berörd verksamhet; åtgärderna dokumenterade."
				}
			}
			// The reports, at their moments when those have come (a few late, with the reason).
			facts := inc.ClockFacts()
			for range 8 { // one report a pass: a report moves the deadlines after it
				made := false
				for _, c := range domain.Clocks(facts, now) {
					if c.DueAt == nil || c.DoneAt != nil || c.State == domain.ClockNotRequired {
						continue
					}
					// From what the report follows (the clock's start, the notification, the end of
					// the handling), in time but for a few; a closed incident's before it closed.
					var lo time.Time
					switch c.Kind {
					case domain.ClockGDPR:
						lo = *inc.AwareAt
					case domain.ClockNIS2EarlyWarning, domain.ClockNIS2Notification:
						lo = *inc.SignificantAt
					case domain.ClockNIS2Intermediate:
						lo = intermediateAsked
					default:
						lo = c.DueAt.AddDate(0, -1, 0)
						if inc.HandlingEndedAt != nil && c.Kind == domain.ClockNIS2Final && inc.HandlingEndedAt.After(lo) {
							lo = *inc.HandlingEndedAt
						}
					}
					if prev, ok := facts.Reported[domain.ClockNIS2Notification]; ok && c.Kind != domain.ClockNIS2EarlyWarning && c.Kind != domain.ClockGDPR && prev.After(lo) {
						lo = prev
					}
					sent := lo.Add(time.Duration(2+pick(95)) * c.DueAt.Sub(lo) / 100)
					latePer := 8
					if isHot {
						latePer = 25 // of the last days', some are overdue now
					}
					if pick(100) < latePer {
						sent = c.DueAt.Add(minutes(60, 7*24*60))
					}
					if inc.Status == domain.IncidentClosed && sent.After(closedAt) && closedAt.After(lo) {
						sent = lo.Add(closedAt.Sub(lo) / 2)
					}
					sent = sent.Truncate(time.Minute)
					if sent.After(now) {
						continue
					}
					late := ""
					if sent.After(*c.DueAt) {
						late = "Uppgifterna som behövdes för anmälan kom in först efter fristen; anmälan gjordes så snart de var kända."
					}
					facts.Reported[c.Kind] = sent
					r := rs[c.Kind]
					ref := fmt.Sprintf("CSIRT-%d-%06d", sent.Year(), i+1)
					if c.Kind == domain.ClockGDPR {
						ref = fmt.Sprintf("IMY-%d-%06d", sent.Year(), i+1)
					}
					reports = append(reports, []any{id, string(c.Kind), sent.UTC(), r.Recipient, r.Channel, ref, late, handler, people.names[handler], sent.UTC()})
					inc.Reports = append(inc.Reports, domain.IncidentReport{Kind: c.Kind, SentAt: sent})
					event(domain.ReportEvent(domain.IncidentReport{Kind: c.Kind, SentAt: sent, Recipient: r.Recipient, Reference: ref}), handler)
					if sent.After(updated) {
						updated = sent
					}
					made = true
					break
				}
				if !made {
					break
				}
			}
			inc.Clocks = domain.Clocks(inc.ClockFacts(), now)
			inc.UpdatedAt = updated
			if pick(10) == 0 && len(units) > 1 {
				other := units[pick(len(units))]
				if other != unit {
					units2 = append(units2, []any{id, other})
				}
			}
			for _, a := range assetIDs {
				links = append(links, []any{id, a})
			}
			recs = append(recs, []any{id, mun, string(domain.KindIncident), "", inc.Title, domain.FoldTitle(inc.Title), unit, inc.OwnerID, inc.Status, 1, nil, inc.NextReviewAt,
				inc.CreatedAt.UTC(), inc.UpdatedAt.UTC(), reporter})
			rows = append(rows, []any{id, mun, inc.Description, inc.DiscoveredAt.UTC(), inc.DiscoveredAt.In(domain.Sweden).Format("2006-01"), inc.PersonalData, inc.SupplierID,
				inc.Category, inc.Severity, inc.AspectsRaw, utc(inc.StartedAt), utc(inc.EndedAt), nil, utc(inc.HandlingEndedAt), inc.PersonalDataBreach, utc(inc.AwareAt),
				inc.NoNotification, inc.NoNotificationReason, inc.SubjectsInformed, utc(inc.SubjectsInformedAt), inc.SubjectsNotInformedWhy, inc.DataSubjectCategories, inc.DataSubjectsApprox,
				inc.RecordsApprox, inc.PersonalDataCategories, inc.Consequences, inc.MeasuresTaken, inc.MeasuresPlanned, inc.Significant, utc(inc.SignificantAt),
				inc.SignificantBy, utc(inc.IntermediateDueAt), false, inc.RootCause, inc.LessonsLearned})
			incs = append(incs, inc)
		}
		evID, err := l.NextID("incident_events", len(events))
		if err != nil {
			return err
		}
		slices.SortStableFunc(events, func(a, b []any) int { // each incident's timeline in time order
			if c := a[0].(int64) - b[0].(int64); c != 0 {
				return int(c)
			}
			return a[1].(time.Time).Compare(b[1].(time.Time))
		})
		for j := range events {
			events[j] = append([]any{evID + int64(j)}, events[j]...)
		}
		repID, err := l.NextID("incident_reports", len(reports))
		if err != nil {
			return err
		}
		for j := range reports {
			reports[j] = append([]any{repID + int64(j)}, reports[j]...)
		}
		for _, t := range []struct {
			table string
			cols  []string
			rows  [][]any
		}{
			{"records", append(slices.Clone(largeRecordColumns), "created_by"), recs},
			{"incidents", []string{"record_id", "municipality_id", "description", "discovered_at", "discovered_month", "personal_data", "supplier_id", "category", "severity",
				"aspects", "started_at", "ended_at", "supplier_aware_at", "handling_ended_at", "personal_data_breach", "aware_at",
				"no_notification", "no_notification_reason", "subjects_informed", "subjects_informed_at", "subjects_not_informed_reason",
				"data_subject_categories", "data_subjects_approx", "records_approx", "personal_data_categories", "consequences",
				"measures_taken", "measures_planned", "significant", "significant_at", "significant_by", "intermediate_due_at",
				"security_protection", "root_cause", "lessons_learned"}, rows},
			{"incident_units", []string{"record_id", "org_unit_id"}, units2},
			{"record_links", []string{"record_id", "linked_record_id"}, links},
			{"incident_events", []string{"id", "incident_id", "at", "type", "text", "event_key", "args", "actor_id", "actor_name", "recorded_at"}, events},
			{"incident_reports", []string{"id", "incident_id", "kind", "sent_at", "recipient", "channel", "reference", "late_reason", "recorded_by", "recorded_by_name", "created_at"}, reports},
		} {
			if err := l.Insert(t.table, t.cols, t.rows); err != nil {
				return err
			}
		}
		if err := l.IncidentClocks(incs); err != nil {
			return err
		}
	}
	return nil
}

func utc(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}
