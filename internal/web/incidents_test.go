package web

import (
	"encoding/json"
	"fmt"
	"html"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/exchange"
	"github.com/lisa-isms/lisa/internal/pdfdoc/pdftest"
	"github.com/lisa-isms/lisa/internal/store"
)

// FuzzParseIncidentForm: whatever is posted to the report form, the parser and the domain
// name only the form's fields, in translated words, and never panic.
func FuzzParseIncidentForm(f *testing.F) {
	f.Add("title=Fel+mottagare&description=Mejl&discovered_at=2026-12-01T10%3A15&org_unit_id=1&personal_data=yes&asset_ids=3&supplier_id=4")
	f.Add("title=&discovered_at=i+morgon&org_unit_id=x&asset_ids=-1&supplier_id=")
	f.Add("discovered_at=2999-01-01T00%3A00&description=%E2%80%AE")
	f.Add("")
	fields := append(slices.Clone(domain.ReportFields), "org_unit_id")
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, query string) {
		v, _ := url.ParseQuery(query)
		in, p := parseIncidentForm(v)
		for field, key := range p {
			if !slices.Contains(fields, field) {
				t.Errorf("problem names %q", field)
			}
			tTranslated(t, key)
		}
		if len(p) > 0 {
			return
		}
		inc := domain.Incident{Record: domain.Record{MunicipalityID: 1}}
		if err := domain.ApplyIncident(&inc, in, 1, now); err != nil {
			for field, key := range domain.AsError(err).Fields {
				if !slices.Contains(fields, field) {
					t.Errorf("domain problem names %q", field)
				}
				tTranslated(t, key)
			}
			return
		}
		if inc.DiscoveredAt.After(now.Add(time.Minute)) || inc.Status != domain.IncidentReported {
			t.Errorf("accepted %+v", inc)
		}
	})
}

// The coordinator handles a staff member's report on the handler's form, as a browser
// submits it: saved unchanged it changes nothing; judged a breach it gets its IMY clock and
// its timeline says so; closing without root cause and lessons learned, or an awareness in
// the future, is refused in Swedish naming the field, and nothing is stored.
func TestIncidentHandlerForm(t *testing.T) {
	e := newTestServer(t)
	unit := e.unit("Exempelkommun/Socialförvaltningen")
	discovered := time.Now().Add(-5 * time.Hour).Truncate(time.Second).Add(17 * time.Second) // seconds, as an API client may send
	inc, err := e.app.ReportIncident(e.ctx, e.caller("medarbetare"), e.ex, domain.IncidentInput{Title: tPtr("Pärm med journalanteckningar borta"),
		Description: tPtr("Pärmen låg i personalrummet i går."), DiscoveredAt: tPtr(discovered.UTC().Format(time.RFC3339)),
		OrgUnitID: &unit, PersonalData: tPtr(true)})
	if err != nil {
		t.Fatal(err)
	}
	coord := e.login("samordnare")
	page := fmt.Sprintf("/m/%d/incidents/%d", e.ex, inc.ID)
	res := coord.get(page)
	if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), page+"/edit") {
		t.Fatalf("incident page: %d, link to the handler's form missing", res.Code)
	}
	res = coord.get(page + "/edit")
	if res.Code != http.StatusOK {
		t.Fatalf("edit form: %d %s", res.Code, res.Body)
	}
	form := tFormValues(t, res.Body.Bytes(), page)
	if form.Get("title") != inc.Title || form.Get("personal_data") != "on" || form.Get("status") != domain.IncidentReported {
		t.Fatalf("form not filled from the incident: %v", form)
	}
	events := len(inc.Timeline)

	// Saved unchanged: no moment moves, nothing on the timeline.
	if res = coord.postForm(page, form); res.Code != http.StatusSeeOther {
		t.Fatalf("unchanged save: %d %s", res.Code, res.Body)
	}
	got, _ := e.app.Incident(e.ctx, e.caller("samordnare"), e.ex, inc.ID)
	if !got.DiscoveredAt.Equal(inc.DiscoveredAt) || len(got.Timeline) != events || got.PersonalDataBreach {
		t.Fatalf("unchanged save changed the incident: discovered %v → %v, %d → %d events", inc.DiscoveredAt, got.DiscoveredAt, events, len(got.Timeline))
	}

	// Triage: a personal data breach, aware an hour ago.
	aware := time.Now().Add(-time.Hour).In(domain.Sweden)
	form.Set("status", domain.IncidentTriaged)
	form.Set("category", "lost_device")
	form.Set("severity", "high")
	form["aspects"] = []string{"confidentiality", "availability"}
	form.Set("personal_data_breach", "on")
	form.Set("aware_at", aware.Format("2006-01-02T15:04"))
	form.Set("data_subjects_approx", "40")
	if res = coord.postForm(page, form); res.Code != http.StatusSeeOther {
		t.Fatalf("triage: %d %s", res.Code, res.Body)
	}
	got, _ = e.app.Incident(e.ctx, e.caller("samordnare"), e.ex, inc.ID)
	clock, ok := got.Clock(domain.ClockGDPR)
	if !got.PersonalDataBreach || !ok || clock.DueAt == nil || clock.State == domain.ClockDone || got.Severity != "high" ||
		len(got.Aspects) != 2 || got.DataSubjectsApprox == nil || *got.DataSubjectsApprox != 40 {
		t.Fatalf("triage not stored: %+v clock %+v", got, clock)
	}
	if want := aware.Truncate(time.Minute).Add(72 * time.Hour); !clock.DueAt.Equal(want) {
		t.Errorf("IMY deadline %v, want 72 h after awareness %v", clock.DueAt, want)
	}
	res = coord.get(page)
	if body := res.Body.String(); !strings.Contains(body, "Anmälan till IMY") && !strings.Contains(body, "IMY") {
		t.Errorf("incident page does not show the IMY clock")
	}

	// Bad input: closing without root cause and lessons, awareness in the future.
	res = coord.get(page + "/edit")
	form = tFormValues(t, res.Body.Bytes(), page)
	if form.Get("personal_data_breach") != "on" || len(form["aspects"]) != 2 {
		t.Fatalf("form lost the triage: %v", form)
	}
	before := e.tableCounts()
	form.Set("status", domain.IncidentClosed)
	res = coord.postForm(page, form)
	if res.Code != http.StatusBadRequest || !strings.Contains(res.Body.String(), "Ange grundorsaken innan incidenten avslutas.") ||
		!strings.Contains(res.Body.String(), "Ange lärdomarna innan incidenten avslutas.") {
		t.Fatalf("close without root cause: %d", res.Code)
	}
	form.Set("status", domain.IncidentContained)
	form.Set("aware_at", time.Now().Add(3*time.Hour).In(domain.Sweden).Format("2006-01-02T15:04"))
	if res = coord.postForm(page, form); res.Code != http.StatusBadRequest || !strings.Contains(res.Body.String(), `id="f-aware-at-error"`) {
		t.Fatalf("awareness in the future: %d", res.Code)
	}
	form.Set("aware_at", "igår")
	if res = coord.postForm(page, form); res.Code != http.StatusBadRequest || !strings.Contains(res.Body.String(), "Ange datum och klockslag") {
		t.Fatalf("awareness not a moment: %d", res.Code)
	}
	after, _ := e.app.Incident(e.ctx, e.caller("samordnare"), e.ex, inc.ID)
	if after.Status != domain.IncidentTriaged || !after.AwareAt.Equal(*got.AwareAt) || len(after.Timeline) != len(got.Timeline) || !maps.Equal(before, e.tableCounts()) {
		t.Errorf("a refused save stored something: status %s, %d → %d events", after.Status, len(got.Timeline), len(after.Timeline))
	}

	// Staff see their report, not the handler's form nor the (risk) actions they may not read.
	staff := e.login("medarbetare")
	if body := staff.get(page).Body.String(); strings.Contains(body, `id="h-actions"`) || strings.Contains(body, page+"/edit") {
		t.Errorf("staff's view of their report shows the actions section or the handler's form")
	}
	if res = staff.get(page + "/edit"); res.Code != http.StatusForbidden {
		t.Errorf("staff on the handler's form: %d", res.Code)
	}
	if res = staff.postForm(page, url.Values{"severity": {"low"}}); res.Code != http.StatusForbidden {
		t.Errorf("staff post to the handler's form: %d", res.Code)
	}
}

// FuzzParseIncidentEditForm: whatever is posted to the handler's form, the parser and the
// domain name only the form's fields, in translated words, and never panic.
func FuzzParseIncidentEditForm(f *testing.F) {
	f.Add("has_checks=1&status=closed&aspects=K&aspects=x&personal_data_breach=on&aware_at=2026-12-01T10%3A15&data_subjects_approx=-4")
	f.Add("has_asset_ids=1&asset_ids=a&has_risk_ids=1&risk_ids=99999999999999999999&owner_id=&supplier_id=0&intermediate_due_at=2027-01-01")
	f.Add("significant=on&has_checks=1&significant_at=&subjects_informed=no&records_approx=1e9&discovered_at=")
	f.Add("")
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, query string) {
		v, _ := url.ParseQuery(query)
		in, p := parseIncidentEditForm(v)
		for field, key := range p {
			if !slices.Contains(incidentEditFields, field) {
				t.Errorf("problem names %q", field)
			}
			tTranslated(t, key)
		}
		if len(p) > 0 {
			return
		}
		start := now.Add(-48 * time.Hour)
		inc := domain.Incident{Record: domain.Record{ID: 7, MunicipalityID: 1, Kind: domain.KindIncident, Title: "x", Status: domain.IncidentReported, OrgUnitID: 1},
			Description: "y", DiscoveredAt: start}
		if err := domain.ApplyIncident(&inc, in, 1, now); err != nil {
			for field, key := range domain.AsError(err).Fields {
				if !slices.Contains(incidentEditFields, field) {
					t.Errorf("domain problem names %q", field)
				}
				tTranslated(t, key)
			}
			return
		}
		if inc.Status == domain.IncidentClosed && (inc.RootCause == "" || inc.LessonsLearned == "") {
			t.Errorf("closed without root cause and lessons: %+v", inc)
		}
		if inc.PersonalDataBreach && inc.AwareAt == nil {
			t.Errorf("a breach without awareness: %+v", inc)
		}
	})
}

// A report pack is the same rows as HTML, JSON's data and PDF: for IMY the controller, the
// personal data and whether the data subjects were informed; for the cybersäkerhetslag's
// early warning the significance and the assessment, not the personal data fields. The PDF's
// text is extracted and its å, ä, ö found.
func TestReportPackPDF(t *testing.T) {
	e := newTestServer(t)
	coord := e.login("samordnare")
	find := func(q string) domain.Incident {
		list, err := e.app.Incidents(e.ctx, e.caller("samordnare"), e.ex, store.IncidentFilter{Query: q, Limit: 1})
		if err != nil || len(list) != 1 {
			t.Fatalf("demo incident %q: %v", q, err)
		}
		return list[0]
	}
	breach := find("Genomförandeplan skickad")
	api := fmt.Sprintf("/api/v1/municipalities/%d/incidents/%d/reports/", e.ex, breach.ID)
	res := coord.get(api + "gdpr_imy.pdf")
	if res.Code != http.StatusOK || res.Header().Get("Content-Type") != "application/pdf" {
		t.Fatalf("IMY pack PDF: %d %s", res.Code, res.Header().Get("Content-Type"))
	}
	text, err := pdftest.Text(res.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"personuppgiftsincident till IMY", "Personuppgiftsansvarig", "Exempelkommun", "Brukare i hemtjänsten",
		"Hälsa (särskild kategori), namn, adress", "De registrerade informerade", "Kännedom om", "212000-0001"} {
		if !strings.Contains(text, want) {
			t.Errorf("IMY pack PDF lacks %q", want)
		}
	}
	page := coord.get(fmt.Sprintf("/m/%d/incidents/%d/reports/gdpr_imy.html", e.ex, breach.ID))
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), "Brukare i hemtjänsten") || !strings.Contains(page.Body.String(), "gdpr_imy.pdf") {
		t.Errorf("IMY pack page: %d", page.Code)
	}

	sig := find("Intrång hos leverantören")
	res = coord.get(fmt.Sprintf("/api/v1/municipalities/%d/incidents/%d/reports/nis2_early_warning.pdf", e.ex, sig.ID))
	if res.Code != http.StatusOK {
		t.Fatalf("early warning PDF: %d %s", res.Code, res.Body)
	}
	if text, err = pdftest.Text(res.Body.Bytes()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "Bedömd som betydande") || !strings.Contains(text, "Allvarlighet") || strings.Contains(text, "Kategorier av registrerade") {
		t.Errorf("early warning PDF has the wrong fields:\n%s", text)
	}
	// A report the incident does not call for, an unknown format, and a reader who is not the handler.
	if res = coord.get(api + "nis2_final.pdf"); res.Code != http.StatusNotFound {
		t.Errorf("a pack the breach does not call for: %d", res.Code)
	}
	if res = coord.get(api + "gdpr_imy.html"); res.Code != http.StatusNotFound {
		t.Errorf("the API's HTML pack: %d", res.Code)
	}
	if res = e.login("ledning").get(api + "gdpr_imy.pdf"); res.Code != http.StatusForbidden {
		t.Errorf("management on the handler's pack: %d", res.Code)
	}
}

// An asset's page lists the incidents linked to it, and the register filters by asset.
func TestAssetPageListsItsIncidents(t *testing.T) {
	e := newTestServer(t)
	coord := e.login("samordnare")
	assets, err := e.app.Assets(e.ctx, e.caller("samordnare"), e.ex, store.AssetFilter{Query: "Verksamhetssystem för socialtjänsten", Limit: 1})
	if err != nil || len(assets) != 1 {
		t.Fatalf("demo system: %v", err)
	}
	sys := assets[0].ID
	body := coord.get(fmt.Sprintf("/m/%d/assets/%d", e.ex, sys)).Body.String()
	if !strings.Contains(body, "Incidenter som rör tillgången") || !strings.Contains(body, "Genomförandeplan skickad till fel mottagare") {
		t.Errorf("the system's page does not list its incident")
	}
	var list []domain.Incident
	tDecode(t, coord.get(fmt.Sprintf("/api/v1/municipalities/%d/incidents?asset=%d", e.ex, sys)), http.StatusOK, &list)
	if len(list) != 1 || list[0].Title != "Genomförandeplan skickad till fel mottagare" || !slices.Equal(list[0].AssetIDs, []int64{sys}) {
		t.Errorf("register filtered by the system: %+v", list)
	}
	if res := coord.get(fmt.Sprintf("/api/v1/municipalities/%d/incidents?asset=x", e.ex)); res.Code != http.StatusBadRequest || tDecodeError(t, res).Error.Fields["asset"] == "" {
		t.Errorf("asset=x: %d %s", res.Code, res.Body)
	}
}

// From an incident's page the coordinator creates a risk (pre-filled from the incident and
// linked to it in the same transaction) and a treatment action; someone who may not handle
// the incident creates neither, and an incident of another municipality is not found.
func TestRiskAndActionFromIncident(t *testing.T) {
	e := newTestServer(t)
	coord := e.login("samordnare")
	list, err := e.app.Incidents(e.ctx, e.caller("samordnare"), e.ex, store.IncidentFilter{Query: "Genomförandeplan skickad", Limit: 1})
	if err != nil || len(list) != 1 {
		t.Fatal(err)
	}
	inc := list[0]
	page := fmt.Sprintf("/m/%d/incidents/%d", e.ex, inc.ID)
	newRisk := fmt.Sprintf("/m/%d/risks/new?incident=%d", e.ex, inc.ID)
	if body := coord.get(page).Body.String(); !strings.Contains(body, html.EscapeString(newRisk)) {
		t.Fatalf("the incident page has no link to create a risk")
	}
	res := coord.get(newRisk)
	if res.Code != http.StatusOK {
		t.Fatalf("new risk from the incident: %d", res.Code)
	}
	if !strings.Contains(res.Body.String(), fmt.Sprintf(`<input type="hidden" name="incident" value="%d">`, inc.ID)) {
		t.Errorf("the form's asset search would lose the incident the risk is made from")
	}
	form := tFormValues(t, res.Body.Bytes(), fmt.Sprintf("/m/%d/risks", e.ex))
	if form.Get("incident_id") != itoa(inc.ID) || form.Get("title") != inc.Title || len(form["asset_ids"]) != 1 {
		t.Fatalf("risk form not pre-filled from the incident: %v", form)
	}
	form.Set("title", "E-post till fel mottagare i hemtjänsten")
	form.Set("likelihood", "3")
	form.Set("consequence", "3")
	risks := e.count(`SELECT COUNT(*) FROM records WHERE kind = 'risk'`)
	if res = coord.postForm(fmt.Sprintf("/m/%d/risks", e.ex), form); res.Code != http.StatusSeeOther {
		t.Fatalf("create the risk: %d %s", res.Code, res.Body)
	}
	got, _ := e.app.Incident(e.ctx, e.caller("samordnare"), e.ex, inc.ID)
	if len(got.RiskIDs) != 1 || e.count(`SELECT COUNT(*) FROM records WHERE kind = 'risk'`) != risks+1 {
		t.Fatalf("the new risk is not linked: %v", got.RiskIDs)
	}
	if body := coord.get(page).Body.String(); !strings.Contains(body, "E-post till fel mottagare i hemtjänsten") {
		t.Errorf("the incident page does not list its risk")
	}

	// A treatment action on the incident.
	if res = coord.postForm(page+"/actions", url.Values{"title": {"Rutin för säker e-post"}, "due_at": {"2027-02-01"}}); res.Code != http.StatusSeeOther {
		t.Fatalf("add an action: %d %s", res.Code, res.Body)
	}
	if body := coord.get(page).Body.String(); !strings.Contains(body, "Rutin för säker e-post") {
		t.Errorf("the incident page does not list its action")
	}
	res = coord.postForm(page+"/actions", url.Values{"title": {""}, "due_at": {"i morgon"}})
	if res.Code != http.StatusBadRequest || !strings.Contains(res.Body.String(), `id="f-action-title-error"`) {
		t.Errorf("an action without title: %d", res.Code)
	}

	// Not the handler: the information owner may create risks of their unit but not link them
	// to an incident they may not handle; another municipality's incident is not found.
	owner := e.login("agare")
	if res = owner.get(newRisk); res.Code < 400 {
		t.Errorf("the owner got the risk form pre-filled from an incident they may not handle: %d", res.Code)
	}
	form.Set("title", "Försök")
	risks = e.count(`SELECT COUNT(*) FROM records WHERE kind = 'risk'`)
	if res = owner.postForm(fmt.Sprintf("/m/%d/risks", e.ex), form); res.Code < 400 {
		t.Errorf("owner linked a risk to an incident: %d", res.Code)
	}
	if n := e.count(`SELECT COUNT(*) FROM records WHERE kind = 'risk'`); n != risks {
		t.Errorf("a refused link left a risk behind: %d → %d", risks, n)
	}
	other := tIncident(e, "samordnare2", e.gr, false)
	if res = coord.get(fmt.Sprintf("/m/%d/risks/new?incident=%d", e.ex, other)); res.Code != http.StatusNotFound {
		t.Errorf("another municipality's incident: %d", res.Code)
	}
}

// The statistics page counts what the caller reads per month (every one of the last 12),
// unit or category, as a chart with its table; the register exports as XLSX and CSV in the
// caller's language.
func TestIncidentStatisticsAndExport(t *testing.T) {
	e := newTestServer(t)
	coord := e.login("samordnare")
	path := fmt.Sprintf("/m/%d/incidents/statistics", e.ex)
	body := coord.get(path).Body.String()
	table := body[strings.Index(body, "<table"):strings.Index(body, "</table>")]
	if n := strings.Count(table, `<tr><th scope="row">`); n != 13 { // 12 months and the total
		t.Errorf("%d rows in the month table, want 12 and the total", n)
	}
	if !strings.Contains(body, "<svg") || !strings.Contains(table, `<tfoot><tr><th scope="row">Totalt</th><td class="num">3</td>`) {
		t.Errorf("the month statistics lack the chart or the total of the demo's 3 incidents:\n%s", table)
	}
	body = coord.get(path + "?by=unit").Body.String()
	if !strings.Contains(body, "Socialförvaltningen") || !strings.Contains(body, "Kommunstyrelsen") {
		t.Errorf("per unit lacks the demo's units")
	}
	body = coord.get(path + "?by=category").Body.String()
	if !strings.Contains(body, `<th scope="row">Felskickad information</th><td class="num">1</td>`) || !strings.Contains(body, `<th scope="row">Nätfiske</th>`) {
		t.Errorf("per category lacks the demo's categories in words")
	}
	if res := coord.get(path + "?by=weekday"); res.Code != http.StatusBadRequest {
		t.Errorf("by=weekday: %d", res.Code)
	}
	// Staff count their own reports only.
	staff := e.login("medarbetare")
	body = staff.get(path).Body.String()
	if !strings.Contains(body, `<tfoot><tr><th scope="row">Totalt</th><td class="num">1</td>`) {
		t.Errorf("staff's statistics count more than their own report")
	}

	// The register's filter form: by unit.
	soc := e.unit("Exempelkommun/Socialförvaltningen")
	body = coord.get(fmt.Sprintf("/m/%d/incidents?unit=%d", e.ex, soc)).Body.String()
	if !strings.Contains(body, fmt.Sprintf(`<option value="%d" selected>Socialförvaltningen</option>`, soc)) ||
		!strings.Contains(body, "Genomförandeplan skickad") || strings.Contains(body, "Intrång hos leverantören") {
		t.Errorf("the register filtered by Socialförvaltningen")
	}
	res := coord.get(fmt.Sprintf("/api/v1/municipalities/%d/incidents/export.xlsx", e.ex))
	if res.Code != http.StatusOK || !strings.Contains(res.Header().Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("XLSX export: %d %s", res.Code, res.Header().Get("Content-Type"))
	}
	rows, err := exchange.ReadTable(res.Body.Bytes(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || !slices.Contains(rows[0].Cells, "Allvarlighet") || !slices.ContainsFunc(rows[1:], func(r exchange.TableRow) bool {
		return slices.Contains(r.Cells, "Genomförandeplan skickad till fel mottagare")
	}) {
		t.Errorf("XLSX export: %v", rows)
	}
	res = staff.get(fmt.Sprintf("/api/v1/municipalities/%d/incidents/export.csv", e.ex))
	if rows, err = exchange.ReadTable(res.Body.Bytes(), 1000); err != nil || len(rows) != 2 {
		t.Errorf("staff's CSV export: %d rows, %v", len(rows), err)
	}
}

// The coordinator changes who receives a report on the recipients page, and the report
// pack names the new recipient; an empty recipient is refused naming the field, and nothing
// is stored.
func TestIncidentRecipientsPage(t *testing.T) {
	e := newTestServer(t)
	coord := e.login("samordnare")
	page := fmt.Sprintf("/m/%d/incidents/recipients", e.ex)
	res := coord.get(page)
	if res.Code != http.StatusOK {
		t.Fatalf("recipients page: %d", res.Code)
	}
	form := tFormValues(t, res.Body.Bytes(), page)
	if form.Get("recipient_gdpr_imy") == "" {
		t.Fatalf("the form lacks the default recipients: %v", form)
	}
	form.Set("recipient_nis2_early_warning", "Nationellt cybersäkerhetscenter")
	form.Set("channel_nis2_early_warning", "Incidentrapporteringsportalen")
	if res = coord.postForm(page, form); res.Code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.Code, res.Body)
	}
	list, _ := e.app.Incidents(e.ctx, e.caller("samordnare"), e.ex, store.IncidentFilter{Query: "Intrång hos leverantören", Limit: 1})
	var pack ReportPack
	tDecode(t, coord.get(fmt.Sprintf("/api/v1/municipalities/%d/incidents/%d/reports/nis2_early_warning.json", e.ex, list[0].ID)), http.StatusOK, &pack)
	if pack.Recipient != "Nationellt cybersäkerhetscenter" || pack.Channel != "Incidentrapporteringsportalen" {
		t.Errorf("the pack names %q via %q", pack.Recipient, pack.Channel)
	}
	form.Set("recipient_gdpr_imy", " ")
	before := e.tableCounts()
	res = coord.postForm(page, form)
	if res.Code != http.StatusBadRequest || !strings.Contains(res.Body.String(), "Mottagare av anmälan av personuppgiftsincident till IMY") {
		t.Errorf("an empty recipient: %d", res.Code)
	}
	if !maps.Equal(before, e.tableCounts()) {
		t.Errorf("a refused save stored something")
	}
	if res = e.login("agare").get(page); res.Code != http.StatusForbidden {
		t.Errorf("an information owner on the recipients page: %d", res.Code)
	}
}

// The timeline renders its events in the reader's language: the triage's category,
// severity and aspects in words, moments in Swedish time, and a recipient's name as written
// even when it looks like a catalog key.
func TestIncidentTimelineWords(t *testing.T) {
	e := newTestServer(t)
	coord := e.login("samordnare")
	list, _ := e.app.Incidents(e.ctx, e.caller("samordnare"), e.ex, store.IncidentFilter{Query: "Genomförandeplan skickad", Limit: 1})
	inc := list[0]
	sent := time.Now().Add(-time.Minute).Truncate(time.Minute)
	if _, err := e.app.RecordIncidentReport(e.ctx, e.caller("samordnare"), e.ex, inc.ID, domain.ReportInput{Kind: "gdpr_imy",
		SentAt: sent.UTC().Format(time.RFC3339), Recipient: "imy.se", Reference: "DI-2026-1"}); err != nil {
		t.Fatal(err)
	}
	body := coord.get(fmt.Sprintf("/m/%d/incidents/%d", e.ex, inc.ID)).Body.String()
	tl := body[strings.Index(body, `id="h-timeline"`):]
	tl = tl[:strings.Index(tl, "</ol>")]
	got, _ := e.app.Incident(e.ctx, e.caller("samordnare"), e.ex, inc.ID)
	for _, want := range []string{"kategori Felskickad information, allvarlighet Medel, aspekter Konfidentialitet",
		"kännedom " + momentText(*got.AwareAt), "till imy.se (DI-2026-1)"} {
		if !strings.Contains(tl, want) {
			t.Errorf("the timeline lacks %q:\n%s", want, tl)
		}
	}
	if words := regexp.MustCompile(`datetime="[^"]*"`).ReplaceAllString(tl, ""); strings.Contains(words, "misdirected") ||
		regexp.MustCompile(`\dT\d\d:\d\d`).MatchString(words) {
		t.Errorf("the timeline shows raw values:\n%s", tl)
	}
}

// A member of staff reports from the page's form as a browser posts it, "no particular
// system" and "no supplier" chosen: the report is stored, and the reporter lands on it.
func TestReportFormAsPosted(t *testing.T) {
	e := newTestServer(t)
	staff := e.login("medarbetare")
	page := fmt.Sprintf("/m/%d/incidents", e.ex)
	res := staff.get(page + "/new")
	form := tFormValues(t, res.Body.Bytes(), page)
	if _, ok := form["asset_ids"]; !ok {
		t.Fatalf("the report form offers no system: %v", form)
	}
	form.Set("title", "Skrivaren skrev ut på fel våning")
	form.Set("description", "Utskrifterna låg kvar i kopieringsrummet.")
	form.Set("org_unit_id", itoa(e.unit("Exempelkommun/Socialförvaltningen")))
	res = staff.postForm(page, form)
	if res.Code != http.StatusSeeOther || !regexp.MustCompile(`^/m/\d+/incidents/\d+$`).MatchString(res.Header().Get("Location")) {
		t.Fatalf("report: %d %s", res.Code, res.Body)
	}
}

// The time left of a deadline is counted on the application's clock, the one its state is
// computed at: thirty hours on, the demo breach's 72 hours have about 16 left.
func TestTimeLeftFollowsTheApplicationClock(t *testing.T) {
	e := newTestServer(t)
	later := time.Now().Add(30 * time.Hour)
	e.store.Now = func() time.Time { return later }
	body := e.login("samordnare").get(fmt.Sprintf("/m/%d", e.ex)).Body.String()
	clocks := body[strings.Index(body, `id="h-clocks"`):]
	clocks = clocks[:strings.Index(clocks, "</section>")]
	row := clocks[strings.Index(clocks, "Genomförandeplan skickad"):]
	row = row[:strings.Index(row, "</tr>")]
	if !regexp.MustCompile(`1[56] h \d+ min`).MatchString(row) {
		t.Errorf("time left on the application's clock, want about 16 h:\n%s", row)
	}
}

// Twelve reports notify the coordinator twelve times: the dashboard lists ten and leads to
// the notifications page, which lists them all.
func TestDashboardNotificationsAndTheirPage(t *testing.T) {
	e := newTestServer(t)
	unit := e.unit("Exempelkommun/Socialförvaltningen")
	for i := range 12 {
		if _, err := e.app.ReportIncident(e.ctx, e.caller("medarbetare"), e.ex, domain.IncidentInput{Title: tPtr(fmt.Sprintf("Borttappad nyckelbricka %d", i)),
			Description: tPtr("Brickan till personalingången saknas."), DiscoveredAt: tPtr(time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)),
			OrgUnitID: &unit, PersonalData: tPtr(false)}); err != nil {
			t.Fatal(err)
		}
	}
	coord := e.login("samordnare")
	body := coord.get(fmt.Sprintf("/m/%d", e.ex)).Body.String()
	notif := body[strings.Index(body, `id="h-notif"`):]
	notif = notif[:strings.Index(notif, "</section>")]
	if n := strings.Count(notif, "<li>"); n != 10 || !strings.Contains(notif, fmt.Sprintf(`href="/m/%d/notifications"`, e.ex)) {
		t.Errorf("dashboard lists %d notifications, want 10 and a link to the rest", n)
	}
	body = coord.get(fmt.Sprintf("/m/%d/notifications", e.ex)).Body.String()
	if n := strings.Count(body, "Borttappad nyckelbricka"); n < 12 {
		t.Errorf("the notifications page lists %d of the 12 reports", n)
	}
	// One read: the page lists the eleven unread ones, newest first.
	ns, _, err := e.app.Notifications(e.ctx, e.caller("samordnare"), 1)
	if err != nil || len(ns) != 1 {
		t.Fatal(ns, err)
	}
	if err := e.app.ReadNotification(e.ctx, e.caller("samordnare"), ns[0].ID); err != nil {
		t.Fatal(err)
	}
	body = coord.get(fmt.Sprintf("/m/%d/notifications", e.ex)).Body.String()
	if strings.Contains(body, "Borttappad nyckelbricka 11") || !strings.Contains(body, "Borttappad nyckelbricka 10") ||
		strings.Index(body, "Borttappad nyckelbricka 10") > strings.Index(body, "Borttappad nyckelbricka 0") {
		t.Errorf("after reading the newest, the page does not list the other eleven newest first")
	}
}

// The answer to a report is the incident as a read gives it afterwards (the service no longer
// reads it back after the commit): its timeline with ids, its clocks, its links.
func TestReportAnswerIsTheStoredIncident(t *testing.T) {
	e := newTestServer(t)
	unit := e.unit("Exempelkommun/Socialförvaltningen")
	at := time.Now().Add(-3 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
	coord := e.login("samordnare")
	for name, body := range map[string]map[string]any{
		"staff's short report": {"title": "Borttappad telefon", "description": "På bussen", "discovered_at": at, "org_unit_id": unit, "personal_data": true},
		"coordinator's breach": {"title": "Fel mottagare av journal", "description": "Mejl till fel person", "discovered_at": at, "org_unit_id": unit,
			"personal_data": true, "personal_data_breach": true, "aware_at": at, "significant": true, "significant_at": at,
			"category": "misdirected", "severity": "high", "aspects": []string{"confidentiality"}, "affected_unit_ids": []int64{unit}},
	} {
		who := e.login("medarbetare")
		if name == "coordinator's breach" {
			who = coord
		}
		res := who.postJSON(fmt.Sprintf("/api/v1/municipalities/%d/incidents", e.ex), body)
		if res.Code != http.StatusCreated {
			t.Fatalf("%s: %d %s", name, res.Code, res.Body)
		}
		var created map[string]any
		if err := json.Unmarshal(res.Body.Bytes(), &created); err != nil {
			t.Fatal(err)
		}
		read := coord.get(fmt.Sprintf("/api/v1/municipalities/%d/incidents/%v", e.ex, created["id"]))
		var got map[string]any
		if err := json.Unmarshal(read.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(created)
		b, _ := json.Marshal(got)
		if string(a) != string(b) {
			t.Errorf("%s: the answer differs from the read:\nanswer %s\nread   %s", name, a, b)
		}
		if tl, _ := created["timeline"].([]any); len(tl) == 0 {
			t.Errorf("%s: no timeline in the answer", name)
		}
	}
}
