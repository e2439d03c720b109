package app_test

import (
	"testing"
	"time"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

func moment(t time.Time) *string { s := t.UTC().Format(time.RFC3339); return &s }

// A member of staff reports; they see their own report and nobody else's; the coordinator
// judges it a personal data breach and IMY's 72 hours run from awareness, in hours; a report
// recorded late needs its reason; closing needs root cause and lessons; deadlines cannot be
// typed in; another municipality's incident is not found.
func TestIncidentReportTriageClocksAndVisibility(t *testing.T) {
	f := newFixture(t)
	in := domain.IncidentInput{Title: sp("Fel mottagare"), Description: sp("Ett mejl med en utredning gick till fel person."),
		DiscoveredAt: moment(f.now.Add(-3 * time.Hour)), OrgUnitID: &f.unitSoc, PersonalData: bp(true)}
	inc, err := f.app.ReportIncident(f.ctx, f.staff, f.munA, in)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Status != domain.IncidentReported || inc.ReportedBy == nil || len(inc.Timeline) != 1 || len(inc.Clocks) != 0 {
		t.Fatalf("report: %+v", inc)
	}
	// Staff may not triage while reporting.
	bad := in
	bad.Severity = sp("high")
	wantCode(t, func() error { _, err := f.app.ReportIncident(f.ctx, f.staff, f.munA, bad); return err }(), domain.EForbidden)

	// Another person's report is not found for staff; their own list has only theirs.
	other, err := f.app.ReportIncident(f.ctx, f.coord, f.munA, in)
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, func() error { _, err := f.app.Incident(f.ctx, f.staff, f.munA, other.ID); return err }(), domain.ENotFound)
	list, err := f.app.Incidents(f.ctx, f.staff, f.munA, store.IncidentFilter{Limit: 10})
	if err != nil || len(list) != 1 || list[0].ID != inc.ID {
		t.Fatalf("staff's list: %v %v", list, err)
	}
	if all, _ := f.app.Incidents(f.ctx, f.coord, f.munA, store.IncidentFilter{Limit: 10}); len(all) != 2 || all[0].ID != other.ID {
		t.Fatalf("coordinator's list, newest first: %v", all)
	}
	wantCode(t, func() error { _, err := f.app.Incident(f.ctx, f.coordB, f.munA, inc.ID); return err }(), domain.ENotFound)
	wantCode(t, func() error {
		_, err := f.app.UpdateIncident(f.ctx, f.staff, f.munA, inc.ID, domain.IncidentInput{Severity: sp("low")})
		return err
	}(), domain.EForbidden)

	// Bad moments: awareness in the future, before discovery; a deadline by hand.
	for name, in := range map[string]domain.IncidentInput{
		"aware_at":  {PersonalDataBreach: bp(true), AwareAt: moment(f.now.Add(time.Hour))},
		"aware_at ": {PersonalDataBreach: bp(true), AwareAt: moment(f.now.Add(-5 * time.Hour))},
		"clocks":    {Clocks: []byte(`[{"kind":"gdpr_imy","due_at":"2030-01-01T00:00:00Z"}]`)},
	} {
		_, err := f.app.UpdateIncident(f.ctx, f.coord, f.munA, inc.ID, in)
		e := wantCode(t, err, domain.EInvalid)
		if e.Fields[trim(name)] == "" {
			t.Errorf("%s: fields %v", name, e.Fields)
		}
	}

	aware := f.now.Add(-2 * time.Hour)
	got, err := f.app.UpdateIncident(f.ctx, f.coord, f.munA, inc.ID, domain.IncidentInput{Status: sp("triaged"), Severity: sp("medium"),
		Category: sp("misdirected"), Aspects: &[]string{"K"}, PersonalDataBreach: bp(true), AwareAt: moment(aware)})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Clocks) != 1 || got.Clocks[0].Kind != domain.ClockGDPR || !got.Clocks[0].DueAt.Equal(aware.Add(72*time.Hour)) || got.Clocks[0].State != domain.ClockRunning {
		t.Fatalf("IMY clock: %+v", got.Clocks)
	}
	if clocks, _ := f.app.OpenClocks(f.ctx, f.coord, f.munA, 10); len(clocks) != 1 || clocks[0].IncidentID != inc.ID {
		t.Fatalf("dashboard clocks: %v", clocks)
	}
	if n := len(got.Timeline); n < 3 {
		t.Fatalf("timeline: %+v", got.Timeline)
	}

	// Three days later: overdue; the late report needs its reason, then the clock is late-done.
	f.advance(73 * time.Hour)
	overdue, _ := f.app.Incidents(f.ctx, f.coord, f.munA, store.IncidentFilter{Clock: "overdue", Limit: 10})
	if len(overdue) != 1 || overdue[0].ID != inc.ID {
		t.Fatalf("overdue filter: %v", overdue)
	}
	rep := domain.ReportInput{Kind: "gdpr_imy", SentAt: *moment(f.now.Add(-time.Minute)), Recipient: "IMY", Reference: "DI-2025-1"}
	e := wantCode(t, func() error { _, err := f.app.RecordIncidentReport(f.ctx, f.coord, f.munA, inc.ID, rep); return err }(), domain.EInvalid)
	if e.Fields["late_reason"] == "" {
		t.Fatalf("late report without reason: %v", e.Fields)
	}
	before := rep
	before.SentAt, before.LateReason = *moment(f.now.Add(-100 * time.Hour)), "x"
	if e := wantCode(t, func() error { _, err := f.app.RecordIncidentReport(f.ctx, f.coord, f.munA, inc.ID, before); return err }(), domain.EInvalid); e.Fields["sent_at"] == "" {
		t.Fatalf("report before discovery: %v", e.Fields)
	}
	rep.LateReason = "Handläggaren var sjuk."
	if _, err := f.app.RecordIncidentReport(f.ctx, f.coord, f.munA, inc.ID, rep); err != nil {
		t.Fatal(err)
	}
	got, _ = f.app.Incident(f.ctx, f.coord, f.munA, inc.ID)
	if got.Clocks[0].State != domain.ClockLate || len(got.Reports) != 1 {
		t.Fatalf("after the report: %+v %+v", got.Clocks, got.Reports)
	}
	wantCode(t, func() error { _, err := f.app.RecordIncidentReport(f.ctx, f.coord, f.munA, inc.ID, rep); return err }(), domain.EInvalid)

	// Closing needs root cause and lessons learned; nothing is stored on refusal.
	e = wantCode(t, func() error {
		_, err := f.app.UpdateIncident(f.ctx, f.coord, f.munA, inc.ID, domain.IncidentInput{Status: sp("closed")})
		return err
	}(), domain.EInvalid)
	if e.Fields["root_cause"] == "" || e.Fields["lessons_learned"] == "" {
		t.Fatalf("close: %v", e.Fields)
	}
	if still, _ := f.app.Incident(f.ctx, f.coord, f.munA, inc.ID); still.Status != "triaged" {
		t.Fatalf("a refused close changed the status to %s", still.Status)
	}
	closed, err := f.app.UpdateIncident(f.ctx, f.coord, f.munA, inc.ID, domain.IncidentInput{Status: sp("closed"), RootCause: sp("Autokomplettering i e-postklienten."), LessonsLearned: sp("Stäng av autokomplettering för externa adresser.")})
	if err != nil || closed.Status != "closed" || closed.HandlingEndedAt == nil || closed.NextReviewAt != nil {
		t.Fatalf("closed: %+v %v", closed, err)
	}
	// Staff see the status of their own report.
	mine, err := f.app.Incident(f.ctx, f.staff, f.munA, inc.ID)
	if err != nil || mine.Status != "closed" {
		t.Fatalf("staff's view: %v %v", mine.Status, err)
	}
}

// A significant incident: early warning 24 h and notification 72 h from the moment it was
// judged significant (not from discovery), who judged it recorded; the clocks are reminded to
// the handler in hours, once each.
func TestSignificantIncidentClocksAndReminders(t *testing.T) {
	f := newFixture(t)
	in := domain.IncidentInput{Title: sp("Intrång hos leverantör"), Description: sp("Fjärråtkomst missbrukad."),
		DiscoveredAt: moment(f.now.Add(-10 * time.Hour)), OrgUnitID: &f.unitIT, PersonalData: bp(false)}
	inc, err := f.app.ReportIncident(f.ctx, f.coord, f.munA, in)
	if err != nil {
		t.Fatal(err)
	}
	judged := f.now.Add(-20 * time.Hour)
	if _, err := f.app.UpdateIncident(f.ctx, f.coord, f.munA, inc.ID, domain.IncidentInput{Significant: bp(true), SignificantAt: moment(judged)}); err == nil {
		t.Fatal("significance before discovery accepted")
	}
	judged = f.now.Add(-2 * time.Hour)
	owner := f.coordID
	got, err := f.app.UpdateIncident(f.ctx, f.coord, f.munA, inc.ID, domain.IncidentInput{Significant: bp(true), SignificantAt: moment(judged), OwnerID: &owner})
	if err != nil {
		t.Fatal(err)
	}
	if got.SignificantBy == nil || *got.SignificantBy != f.coordID {
		t.Fatalf("judged by: %v", got.SignificantBy)
	}
	due := map[domain.ClockKind]time.Time{}
	for _, c := range got.Clocks {
		if c.DueAt != nil {
			due[c.Kind] = *c.DueAt
		}
	}
	if !due[domain.ClockNIS2EarlyWarning].Equal(judged.Add(24*time.Hour)) || !due[domain.ClockNIS2Notification].Equal(judged.Add(72*time.Hour)) {
		t.Fatalf("clocks: %+v", got.Clocks)
	}
	// 19 hours later the early warning is within its 6-hour window: one reminder, not two.
	f.advance(19 * time.Hour)
	n, err := f.store.RemindClocks(f.ctx, f.now, 100, nil)
	if err != nil || n != 1 {
		t.Fatalf("reminders: %d %v", n, err)
	}
	if n, _ := f.store.RemindClocks(f.ctx, f.now, 100, nil); n != 0 {
		t.Fatalf("reminded twice: %d", n)
	}
	f.advance(4 * time.Hour) // past the early warning's deadline
	if n, _ := f.store.RemindClocks(f.ctx, f.now, 100, nil); n != 1 {
		t.Fatalf("overdue reminder: %d", n)
	}
}

func trim(s string) string {
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	return s
}
