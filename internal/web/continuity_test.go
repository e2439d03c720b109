package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/pdfdoc/pdftest"
)

type tPlan struct {
	ID                     int64   `json:"id"`
	Title                  string  `json:"title"`
	Process                string  `json:"process"`
	OrgUnitID              int64   `json:"org_unit_id"`
	MTPDHours              int     `json:"mtpd_hours"`
	RTOHours               int     `json:"rto_hours"`
	RPOHours               int     `json:"rpo_hours"`
	ExerciseIntervalMonths int     `json:"exercise_interval_months"`
	LastExercisedAt        *string `json:"last_exercised_at"`
	NextExerciseAt         *string `json:"next_exercise_at"`
	ExerciseState          string  `json:"exercise_state"`
	NextReviewAt           *string `json:"next_review_at"`
	ReviewReason           string  `json:"review_reason"`
	ReviewSubject          string  `json:"review_subject"`
	Dependencies           []struct {
		Kind         string `json:"kind"`
		RecordID     *int64 `json:"record_id"`
		Name         string `json:"name"`
		Description  string `json:"description"`
		Availability *int   `json:"availability"`
	} `json:"dependencies"`
	Contacts []domain.PlanContact `json:"contacts"`
	Warnings []domain.PlanWarning `json:"warnings"`
}

func (e *testEnv) demoAsset(name string) int64 {
	e.t.Helper()
	return int64(e.count(fmt.Sprintf(`SELECT id FROM records WHERE kind = 'asset' AND title = '%s'`, name)))
}

func (e *testEnv) demoPlan(title string) int64 {
	e.t.Helper()
	return int64(e.count(fmt.Sprintf(`SELECT id FROM records WHERE kind = 'continuity_plan' AND title = '%s'`, title)))
}

const (
	tPlanHome  = "Hemtjänstens planering när verksamhetssystemet ligger nere"
	tPlanWater = "Vattenverkets drift vid elavbrott"
)

// The API contract of issue 10: a plan is created with its process and objectives (201), an
// RTO longer than the MTPD or hand-edited exercise dates are refused naming the field with
// nothing stored, an asset of another municipality is no dependency, the plan's RTO is checked
// against its assets' availability, and recording an exercise moves the plan's dates.
func TestPlanAPIContract(t *testing.T) {
	env := newTestServer(t)
	coord := env.login("samordnare")
	api := fmt.Sprintf("/api/v1/municipalities/%d/continuity-plans", env.ex)
	scada := env.demoAsset("SCADA för vattenverket")
	unit := env.unit("Exempelkommun/Exempelkommun Energi och Vatten AB")
	before := env.count(`SELECT COUNT(*) FROM continuity_plans`)

	bad := []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"process": "Fjärrvärme", "org_unit_id": unit, "mtpd_hours": 24, "rto_hours": 48}, "rto_hours"},
		{map[string]any{"org_unit_id": unit, "mtpd_hours": 24, "rto_hours": 4}, "process"},
		{map[string]any{"process": "Fjärrvärme", "org_unit_id": unit, "mtpd_hours": -1, "rto_hours": 0}, "mtpd_hours"},
		{map[string]any{"process": "Fjärrvärme", "org_unit_id": unit, "mtpd_hours": 24, "rto_hours": 4, "last_exercised_at": "2026-01-01"}, "last_exercised_at"},
		{map[string]any{"process": "Fjärrvärme", "org_unit_id": unit, "mtpd_hours": 24, "rto_hours": 4, "dependencies": []map[string]any{{"kind": "asset", "record_id": env.demoAsset("Skolsystem i Grannkommun")}}}, "dependencies"},
		{map[string]any{"process": "Fjärrvärme", "org_unit_id": unit, "mtpd_hours": 24, "rto_hours": 4, "dependencies": []map[string]any{{"kind": "asset", "record_id": env.demoPlan(tPlanHome)}}}, "dependencies"},
		{map[string]any{"process": "Fjärrvärme", "org_unit_id": unit, "mtpd_hours": 24, "rto_hours": 4, "exercise_interval_months": 0}, "exercise_interval_months"},
	}
	for _, b := range bad {
		res := coord.postJSON(api, b.body)
		if e := tDecodeError(t, res); res.Code != http.StatusBadRequest || e.Error.Fields[b.field] == "" {
			t.Errorf("%v: %d %v, want 400 naming %s", b.body, res.Code, e.Error.Fields, b.field)
		}
	}
	if n := env.count(`SELECT COUNT(*) FROM continuity_plans`); n != before {
		t.Errorf("bad input stored %d plans", n-before)
	}
	res := coord.postJSON(api, map[string]any{"process": "Fjärrvärme", "org_unit_id": unit, "mtpd_hours": 24, "rto_hours": 48})
	if e := tDecodeError(t, res); e.Error.Fields["rto_hours"] != "Återställningstiden (RTO) får inte vara längre än den maximala tolererbara avbrottstiden (MTPD)." {
		t.Errorf("RTO message in Swedish: %q", e.Error.Fields["rto_hours"])
	}

	var p tPlan
	tDecode(t, coord.postJSON(api, map[string]any{"process": "Produktion av fjärrvärme", "org_unit_id": unit, "mtpd_hours": 48, "rto_hours": 12, "rpo_hours": 2,
		"contacts":     []map[string]string{{"name": "Örjan Ål", "role": "Driftchef", "phone": "070-1", "email": "o@example.se"}},
		"dependencies": []map[string]any{{"kind": "asset", "record_id": scada}, {"kind": "power", "description": "Reservkraft"}}}), http.StatusCreated, &p)
	if p.Title != "Produktion av fjärrvärme" || p.ExerciseIntervalMonths != 12 || p.LastExercisedAt != nil || p.NextExerciseAt != nil || p.ExerciseState != "never" {
		t.Errorf("created %+v: want the title from the process, a 12-month interval, never exercised", p)
	}
	if len(p.Dependencies) != 2 || p.Dependencies[0].Name != "SCADA för vattenverket" || p.Dependencies[0].Availability == nil || *p.Dependencies[0].Availability != 4 {
		t.Errorf("dependencies %+v", p.Dependencies)
	}
	if len(p.Warnings) != 1 || p.Warnings[0].RecordID != scada || p.Warnings[0].MaxRTOHours != 4 || p.Warnings[0].RTOHours != 12 {
		t.Errorf("warnings %+v: a T4 system under a 12-hour RTO is flagged", p.Warnings)
	}
	one := fmt.Sprintf("%s/%d", api, p.ID)
	var got tPlan
	tDecode(t, coord.doJSON(http.MethodPut, one, map[string]any{"rto_hours": 4}), http.StatusOK, &got)
	if got.RTOHours != 4 || len(got.Warnings) != 0 {
		t.Errorf("RTO 4: %d %v", got.RTOHours, got.Warnings)
	}
	res = coord.doJSON(http.MethodPut, one, map[string]any{"next_exercise_at": "2030-01-01"})
	if e := tDecodeError(t, res); res.Code != http.StatusBadRequest || e.Error.Fields["next_exercise_at"] == "" {
		t.Errorf("a due date edited by hand: %d %v", res.Code, e.Error.Fields)
	}

	// Exercises: 201; the plan shows when it was last exercised and when it is due.
	res = coord.postJSON(one+"/exercises", map[string]any{"exercise_type": "funktionsövning", "held_at": "2099-01-01"})
	if e := tDecodeError(t, res); res.Code != http.StatusBadRequest || e.Error.Fields["held_at"] == "" || e.Error.Fields["exercise_type"] == "" {
		t.Errorf("exercise in the future with a bad type: %d %v", res.Code, e.Error.Fields)
	}
	held := env.app.Today().AddMonths(-13).String()
	var ex struct {
		ID          int64 `json:"id"`
		RTOExceeded bool  `json:"rto_exceeded"`
		Findings    []struct {
			ID    int64  `json:"id"`
			Title string `json:"title"`
		} `json:"findings"`
	}
	tDecode(t, coord.postJSON(one+"/exercises", map[string]any{"exercise_type": "functional", "held_at": held, "achieved_recovery_hours": 6.5,
		"findings": []string{"Reservkraften startade inte automatiskt", "Jourlistan var inaktuell"}}), http.StatusCreated, &ex)
	if !ex.RTOExceeded || len(ex.Findings) != 2 {
		t.Errorf("exercise %+v: 6.5 h over a 4 h RTO is flagged, two findings become actions", ex)
	}
	if n := env.count(fmt.Sprintf(`SELECT COUNT(*) FROM risk_actions k JOIN records r ON r.id = k.record_id WHERE k.risk_id = %d AND r.kind = 'risk_action'`, ex.ID)); n != 2 {
		t.Errorf("%d treatment actions hang on the exercise", n)
	}
	tDecode(t, coord.get(one), http.StatusOK, &got)
	want := env.app.Today().AddMonths(-1).String()
	if got.LastExercisedAt == nil || *got.LastExercisedAt != held || got.NextExerciseAt == nil || *got.NextExerciseAt != want || got.ExerciseState != "overdue" {
		t.Errorf("after an exercise 13 months ago: last %v next %v state %s", got.LastExercisedAt, got.NextExerciseAt, got.ExerciseState)
	}

	// Who may: staff nothing, information owners only their units, the other municipality 404.
	if res := env.login("medarbetare").get(api); res.Code != http.StatusForbidden {
		t.Errorf("staff list plans: %d", res.Code)
	}
	if res := env.login("medarbetare").get(one); res.Code != http.StatusNotFound {
		t.Errorf("staff read a plan: %d", res.Code)
	}
	agare := env.login("agare")
	if res := agare.get(one); res.Code != http.StatusNotFound {
		t.Errorf("an owner of another unit reads the plan: %d", res.Code)
	}
	if res := agare.postJSON(api, map[string]any{"process": "X", "org_unit_id": unit, "mtpd_hours": 1, "rto_hours": 1}); res.Code != http.StatusForbidden {
		t.Errorf("an owner creates a plan in another unit: %d", res.Code)
	}
	if res := env.login("samordnare2").get(one); res.Code != http.StatusNotFound {
		t.Errorf("another municipality's coordinator: %d", res.Code)
	}
	if res := env.login("ledning").doJSON(http.MethodPut, one, map[string]any{"rto_hours": 2}); res.Code != http.StatusForbidden {
		t.Errorf("management changes a plan: %d", res.Code)
	}
	var list []tPlan
	tDecode(t, env.login("revisor").get(api+"?exercise=never"), http.StatusOK, &list)
	if !slices.ContainsFunc(list, func(x tPlan) bool { return x.Title == tPlanWater }) || slices.ContainsFunc(list, func(x tPlan) bool { return x.Title == tPlanHome }) {
		t.Errorf("never exercised: %v", list)
	}
}

// The PDF of a plan and of a unit's plans: Swedish letters as typed, the contacts and the
// reservrutiner, page numbers; the print view works without the menu.
func TestPlanPDF(t *testing.T) {
	env := newTestServer(t)
	coord := env.login("samordnare")
	home := env.demoPlan(tPlanHome)
	for _, path := range []string{fmt.Sprintf("/m/%d/continuity-plans/%d.pdf", env.ex, home), fmt.Sprintf("/api/v1/municipalities/%d/continuity-plans/%d.pdf", env.ex, home)} {
		res := coord.get(path)
		if res.Code != http.StatusOK || res.Header().Get("Content-Type") != "application/pdf" {
			t.Fatalf("%s: %d %s", path, res.Code, res.Header().Get("Content-Type"))
		}
		text, err := pdftest.Text(res.Body.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{tPlanHome, "Reservrutiner", "pappersblanketten", "Kontaktlista", "Åsa Öberg", "070-123 45 67", "Återställningstid (RTO)",
			"24 timmar", "Verksamhetssystem för socialtjänsten", "Sida 1 av", "Utskriven"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q", path, want)
			}
		}
	}
	unit := env.unit("Exempelkommun/Socialförvaltningen")
	res := env.login("agare").get(fmt.Sprintf("/m/%d/continuity-plans.pdf?unit=%d", env.ex, unit))
	text, err := pdftest.Text(res.Body.Bytes())
	if res.Code != http.StatusOK || err != nil || !strings.Contains(text, "Kontinuitetsplaner för Socialförvaltningen") || !strings.Contains(text, tPlanHome) || strings.Contains(text, tPlanWater) {
		t.Errorf("the unit's PDF: %d %v", res.Code, err)
	}
	if res := coord.get(fmt.Sprintf("/m/%d/continuity-plans.pdf", env.ex)); res.Code != http.StatusBadRequest {
		t.Errorf("a unit's PDF without the unit: %d", res.Code)
	}
	if res := env.login("medarbetare").get(fmt.Sprintf("/m/%d/continuity-plans/%d.pdf", env.ex, home)); res.Code != http.StatusNotFound {
		t.Errorf("staff get the PDF: %d", res.Code)
	}
	res = coord.get(fmt.Sprintf("/m/%d/continuity-plans/%d/print", env.ex, home))
	if body := res.Body.String(); res.Code != http.StatusOK || !strings.Contains(body, "Åsa Öberg") || !strings.Contains(body, "print-view") {
		t.Errorf("print view: %d", res.Code)
	}
}

// The pages: the register says "Aldrig övad" for the plan never exercised, the plan page shows
// the availability warning and the exercise over its RTO, the form speaks Swedish, keeps the
// input and names the field in error.
func TestPlanPages(t *testing.T) {
	env := newTestServer(t)
	coord := env.login("samordnare")
	res := coord.get(fmt.Sprintf("/m/%d", env.ex))
	if body := res.Body.String(); !strings.Contains(body, "Kontinuitetsplaner som aldrig övats: <strong>1</strong>") || !strings.Contains(body, "med försenad övning: <strong>0</strong>") {
		t.Errorf("the dashboard lacks the plans never exercised")
	}
	if body := env.login("medarbetare").get(fmt.Sprintf("/m/%d", env.ex)).Body.String(); strings.Contains(body, "aldrig övats") {
		t.Errorf("staff see plan figures")
	}
	res = coord.get(fmt.Sprintf("/m/%d/continuity-plans", env.ex))
	if body := res.Body.String(); res.Code != http.StatusOK || !strings.Contains(body, tPlanWater) || !strings.Contains(body, "Aldrig övad") {
		t.Errorf("register: %d", res.Code)
	}
	res = coord.get(fmt.Sprintf("/m/%d/continuity-plans/%d", env.ex, env.demoPlan(tPlanWater)))
	if body := res.Body.String(); res.Code != http.StatusOK || !strings.Contains(body, "SCADA för vattenverket har tillgänglighetsnivå 4") || !strings.Contains(body, "Aldrig övad") {
		t.Errorf("the waterworks plan: %d", res.Code)
	}
	res = coord.get(fmt.Sprintf("/m/%d/continuity-plans/%d", env.ex, env.demoPlan(tPlanHome)))
	if body := res.Body.String(); res.Code != http.StatusOK || !strings.Contains(body, "Över RTO") || !strings.Contains(body, "Simuleringsövning") {
		t.Errorf("the home-care plan: %d", res.Code)
	}
	form := url.Values{"process": {"Skolskjuts"}, "mtpd_hours": {"24"}, "rto_hours": {"30"}, "rpo_hours": {""}, "org_unit_id": {tItoa(env.unit("Exempelkommun/Barn- och utbildningsförvaltningen"))},
		"contacts": {"Kalle Åberg; Trafikansvarig; 070-2; k@example.se"}, "recovery_steps": {"Ring bussbolaget\nInformera skolorna"}, "form_has_dependencies": {"1"}, "other_dependencies": {"el: Reservkraft i depån"},
		"review_interval_months": {"12"}, "exercise_interval_months": {"12"}, "status": {"draft"}}
	res = coord.postForm(fmt.Sprintf("/m/%d/continuity-plans", env.ex), form)
	if body := res.Body.String(); res.Code != http.StatusBadRequest || !strings.Contains(body, "får inte vara längre än den maximala") || !strings.Contains(body, "Kalle Åberg") ||
		!strings.Contains(body, `href="#f-rto-hours"`) || !strings.Contains(body, "<title>Fel:") {
		t.Errorf("form with RTO over MTPD: %d", res.Code)
	}
	form.Set("rto_hours", "12")
	res = coord.postForm(fmt.Sprintf("/m/%d/continuity-plans", env.ex), form)
	if res.Code != http.StatusSeeOther {
		t.Fatalf("form: %d %s", res.Code, res.Body)
	}
	res = coord.get(res.Header().Get("Location"))
	if body := res.Body.String(); !strings.Contains(body, "Kalle Åberg") || !strings.Contains(body, "Elförsörjning: Reservkraft i depån") || !strings.Contains(body, "Informera skolorna") {
		t.Errorf("the created plan's page lacks its parts")
	}
	// The exercise form.
	home := env.demoPlan(tPlanHome)
	res = coord.postForm(fmt.Sprintf("/m/%d/continuity-plans/%d/exercises", env.ex, home), url.Values{"exercise_type": {""}, "held_at": {"igår"}, "findings": {"Ett fynd"}})
	if body := res.Body.String(); res.Code != http.StatusBadRequest || !strings.Contains(body, `href="#f-exercise-type"`) || !strings.Contains(body, `href="#f-held-at"`) || !strings.Contains(body, "Ett fynd") {
		t.Errorf("exercise form errors: %d", res.Code)
	}
	res = coord.postForm(fmt.Sprintf("/m/%d/continuity-plans/%d/exercises", env.ex, home), url.Values{"exercise_type": {"seminar"}, "held_at": {env.app.Today().String()}, "achieved_recovery_hours": {"2,5"}, "findings": {"Uppdatera kontaktlistan"}})
	if res.Code != http.StatusSeeOther {
		t.Fatalf("exercise form: %d %s", res.Code, res.Body)
	}
	res = coord.get(res.Header().Get("Location"))
	if body := res.Body.String(); res.Code != http.StatusOK || !strings.Contains(body, "Uppdatera kontaktlistan") || strings.Contains(body, "tog längre tid än planens RTO") {
		t.Errorf("exercise page: %d", res.Code)
	}
}

// Revision triggers: renaming a unit or changing or re-classifying an asset a plan depends on
// marks the plan for review today with the reason; a review answers it.
func TestPlanRevisionTriggers(t *testing.T) {
	env := newTestServer(t)
	coord := env.login("samordnare")
	home := env.demoPlan(tPlanHome)
	api := fmt.Sprintf("/api/v1/municipalities/%d/continuity-plans/%d", env.ex, home)
	var p tPlan
	tDecode(t, coord.get(api), http.StatusOK, &p)
	if p.ReviewReason != "" {
		t.Fatalf("a fresh plan has a review reason %q", p.ReviewReason)
	}
	today := env.app.Today().String()
	sys := env.demoAsset("Verksamhetssystem för socialtjänsten")
	if _, err := env.app.UpdateAsset(env.ctx, env.caller("samordnare"), env.ex, sys, domain.AssetInput{Description: tPtr("Ny version 2027")}); err != nil {
		t.Fatal(err)
	}
	tDecode(t, coord.get(api), http.StatusOK, &p)
	if p.ReviewReason != "asset_changed" || p.ReviewSubject != "Verksamhetssystem för socialtjänsten" || p.NextReviewAt == nil || *p.NextReviewAt != today {
		t.Errorf("after the system changed: %q %q %v", p.ReviewReason, p.ReviewSubject, p.NextReviewAt)
	}
	res := coord.get(fmt.Sprintf("/m/%d/continuity-plans/%d", env.ex, home))
	if !strings.Contains(res.Body.String(), "en tillgång som planen beror på har ändrats") {
		t.Errorf("the plan page does not say why it is to be revised")
	}
	// A review answers the reason.
	if res := coord.postJSON(api+"/review", map[string]string{}); res.Code != http.StatusOK {
		t.Fatalf("review: %d %s", res.Code, res.Body)
	}
	tDecode(t, coord.get(api), http.StatusOK, &p)
	if p.ReviewReason != "" {
		t.Errorf("after a review the reason is %q", p.ReviewReason)
	}
	// A classification of a set the system carries reaches the plan through the system.
	set := env.demoAsset("Journaler i hemtjänsten")
	if _, err := env.app.ClassifyAsset(env.ctx, env.caller("agare"), env.ex, set, domain.ClassificationInput{Confidentiality: tPtr(3), Integrity: tPtr(3), Availability: tPtr(4), Traceability: tPtr(3), Rationale: tPtr("Hemtjänsten kan inte vänta")}); err != nil {
		t.Fatal(err)
	}
	tDecode(t, coord.get(api), http.StatusOK, &p)
	if p.ReviewReason != "asset_classified" || p.ReviewSubject != "Journaler i hemtjänsten" || len(p.Warnings) != 1 {
		t.Errorf("after the carried set went to T4: %q %q %v", p.ReviewReason, p.ReviewSubject, p.Warnings)
	}
	// Renaming the plan's unit.
	unit := env.unit("Exempelkommun/Socialförvaltningen")
	if _, err := env.app.SaveOrgUnit(env.ctx, env.caller("admin"), env.ex, unit, app.OrgUnitInput{Name: "Vård- och omsorgsförvaltningen", Kind: "forvaltning"}); err != nil {
		t.Fatal(err)
	}
	tDecode(t, coord.get(api), http.StatusOK, &p)
	if p.ReviewReason != "unit_renamed" || p.ReviewSubject != "Socialförvaltningen → Vård- och omsorgsförvaltningen" {
		t.Errorf("after the unit was renamed: %q %q", p.ReviewReason, p.ReviewSubject)
	}
	var water tPlan
	tDecode(t, coord.get(fmt.Sprintf("/api/v1/municipalities/%d/continuity-plans/%d", env.ex, env.demoPlan(tPlanWater))), http.StatusOK, &water)
	if water.ReviewReason != "" {
		t.Errorf("a plan of another unit was marked: %q", water.ReviewReason)
	}
}

func FuzzParsePlanForm(f *testing.F) {
	f.Add("process=Hemtj%C3%A4nst&mtpd_hours=72&rto_hours=24&rpo_hours=&contacts=%C3%85sa%3B+chef%3B+070%3B+a%40b.se&recovery_steps=a%0Ab&form_has_dependencies=1&asset_ids=3&other_dependencies=el%3A+diesel&org_unit_id=1")
	f.Add("process=&mtpd_hours=x&rto_hours=-1&contacts=a;b;c;d;e&asset_ids=x&exercise_interval_months=0")
	f.Add("")
	f.Fuzz(func(t *testing.T, query string) {
		v, _ := url.ParseQuery(query)
		for _, isNew := range []bool{true, false} {
			in, p := parsePlanForm(v, isNew)
			for field, key := range p {
				if !slices.Contains(planFields, field) {
					t.Errorf("problem names %q", field)
				}
				tTranslated(t, key)
			}
			if len(p) > 0 {
				continue
			}
			unit := int64(1)
			if in.OrgUnitID == nil {
				in.OrgUnitID = &unit
			}
			pl := domain.ContinuityPlan{}
			if err := domain.ApplyContinuityPlan(&pl, in, tFuzzToday); err != nil {
				for field, key := range domain.AsError(err).Fields {
					if !slices.Contains(planFields, field) {
						t.Errorf("domain problem names %q", field)
					}
					tTranslated(t, key)
				}
				continue
			}
			if pl.RTOHours > pl.MTPDHours {
				t.Errorf("accepted RTO %d over MTPD %d", pl.RTOHours, pl.MTPDHours)
			}
		}
	})
}
