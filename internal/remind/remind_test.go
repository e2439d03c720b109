package remind_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/remind"
	"github.com/lisa-isms/lisa/internal/store"
)

func TestRunOnceSendsOneDigestPerOwnerOnce(t *testing.T) {
	e := newEnv(t)
	srv := startSMTP(t, 0, nil, nil)
	anna := e.person("anna", "Anna Andersson", "anna@ankeby.se")
	bo := e.person("bo", "Bo Berg", "bo@ankeby.se")
	nomail := e.person("nomail", "", "")
	policy := e.record("Informationssäkerhetspolicy", anna, "2025-06-05") // in 26 days: the 30-day reminder
	plan := e.record("Kontinuitetsplan", anna, "2025-05-13")              // in 3 days: the 7-day reminder
	old := e.record("Loggningsrutin", anna, "2025-05-01")                 // overdue
	e.record("Arkivplan", anna, "2025-09-01")                             // later
	boDoc := e.record("Behörighetsrutin", bo, "2025-05-12")
	e.record("Utan e-post", nomail, "2025-05-12")

	sch := e.scheduler(nil, srv.Port)
	e.runOnce(sch)

	msgs := srv.messages()
	if len(msgs) != 2 {
		t.Fatalf("%d mails, want 2: %+v", len(msgs), msgs)
	}
	am := srv.to("anna@ankeby.se")
	if len(am) != 1 {
		t.Fatalf("anna got %d mails", len(am))
	}
	m := am[0]
	if m.From != "lisa@ankeby.se" || m.Header.Get("Auto-Submitted") != "auto-generated" || !strings.Contains(m.Header.Get("Content-Type"), "utf-8") {
		t.Errorf("envelope/header: from %q, headers %v", m.From, m.Header)
	}
	if m.Subject != "Lisa: 3 saker att se över, 1 försenad / 3 records to review, 1 overdue" {
		t.Errorf("subject %q", m.Subject)
	}
	sv, en, ok := strings.Cut(m.Body, "In English")
	if !ok {
		t.Fatalf("no English part:\n%s", m.Body)
	}
	for _, want := range []string{
		"Hej Anna Andersson!",
		"- Styrande dokument: Informationssäkerhetspolicy\n  Enhet: Socialförvaltningen\n  Ses över senast: 2025-06-05 (förfaller om 26 dagar)\n  " +
			fmt.Sprintf("%s/m/%d/documents/%d\n", baseURL, e.mun, policy),
		"Kontinuitetsplan\n  Enhet: Socialförvaltningen\n  Ses över senast: 2025-05-13 (förfaller om 3 dagar)\n  " +
			fmt.Sprintf("%s/m/%d/documents/%d\n", baseURL, e.mun, plan),
		"Loggningsrutin\n  Enhet: Socialförvaltningen\n  Ses över senast: 2025-05-01 (försenad sedan 9 dagar)",
		fmt.Sprintf("%s/m/%d/documents/%d\n", baseURL, e.mun, old),
	} {
		if !strings.Contains(sv, want) {
			t.Errorf("Swedish part lacks %q:\n%s", want, sv)
		}
	}
	for _, want := range []string{"Hello Anna Andersson,", "- Governing document: Informationssäkerhetspolicy", "Review by: 2025-06-05 (due in 26 days)", "overdue by 9 days"} {
		if !strings.Contains(en, want) {
			t.Errorf("English part lacks %q:\n%s", want, en)
		}
	}
	// Overdue first, then by date.
	if i, j := strings.Index(sv, "Loggningsrutin"), strings.Index(sv, "Kontinuitetsplan"); i > j {
		t.Error("records not in date order")
	}
	if strings.Contains(m.Body, "Arkivplan") {
		t.Error("a review months away was included")
	}
	if b := srv.to("bo@ankeby.se"); len(b) != 1 || !strings.Contains(b[0].Body, fmt.Sprintf("/documents/%d", boDoc)) || !strings.Contains(b[0].Body, "förfaller om 2 dagar") {
		t.Errorf("bo's mail: %+v", b)
	}
	for _, o := range e.outbox() {
		if o.Status != store.OutboxSent || o.Attempts != 1 || o.SentAt == nil || o.LastError != "" {
			t.Errorf("outbox row %+v", o)
		}
	}

	// Again the same day, and from a second server on the same database: nothing new.
	e.runOnce(sch)
	e.advance(3 * time.Hour)
	e.runOnce(e.scheduler(e.open(), srv.Port))
	if n := len(srv.messages()); n != 2 {
		t.Fatalf("after rerun %d mails, want 2", n)
	}

	// 30 May: Kontinuitetsplan is overdue now and the policy is within 7 days.
	e.advance(20 * 24 * time.Hour)
	e.runOnce(sch)
	am = srv.to("anna@ankeby.se")
	if len(am) != 2 {
		t.Fatalf("30 May: anna has %d mails, want 2", len(am))
	}
	if b := am[1].Body; !strings.Contains(b, "Kontinuitetsplan") || !strings.Contains(b, "försenad sedan 17 dagar") ||
		!strings.Contains(b, "Informationssäkerhetspolicy") || !strings.Contains(b, "förfaller om 6 dagar") || strings.Contains(b, "Loggningsrutin") {
		t.Errorf("30 May digest:\n%s", b)
	}
	// 6 June: the policy is overdue: one more, and then nothing however often it runs.
	e.advance(7 * 24 * time.Hour)
	for range 3 {
		e.runOnce(sch)
		e.advance(time.Hour)
	}
	am = srv.to("anna@ankeby.se")
	if len(am) != 3 || !strings.Contains(am[2].Body, "Informationssäkerhetspolicy") || !strings.Contains(am[2].Body, "(försenad sedan 1 dag)") ||
		strings.Contains(am[2].Body, "Kontinuitetsplan") {
		t.Fatalf("6 June: anna has %d mails; last:\n%s", len(am), am[len(am)-1].Body)
	}
	if n := len(srv.to("bo@ankeby.se")); n != 2 { // the 7-day one, then overdue
		t.Errorf("bo got %d mails, want 2", n)
	}
	if n := len(srv.messages()); n != 5 {
		t.Errorf("%d mails in all, want 5", n)
	}

	// In-app: one notification per record reminded.
	ns, err := e.s.Notifications(e.ctx, anna, 100)
	if err != nil || len(ns) != 6 { // 3 + 2 + 1
		t.Errorf("anna's notifications: %d, %v", len(ns), err)
	}
}

func TestReviewedRecordIsNotRemindedForItsOldDate(t *testing.T) {
	e := newEnv(t)
	srv := startSMTP(t, 0, nil, nil)
	anna := e.person("anna", "Anna", "anna@ankeby.se")
	id := e.record("Säkerhetspolicy", anna, "2025-05-30") // 20 days: the 30-day reminder today
	sch := e.scheduler(nil, srv.Port)
	e.runOnce(sch)
	if n := len(srv.messages()); n != 1 {
		t.Fatalf("%d mails", n)
	}
	rv := domain.Review{ReviewedBy: anna, ReviewedAt: e.s.Today()}
	err := e.s.MarkReviewed(e.ctx, sys, e.mun, domain.KindDocument, id, &rv, func(_ context.Context, r *domain.Record) error {
		next := domain.NewDate(2026, time.May, 30)
		r.NextReviewAt, rv.NextReviewAt = &next, next
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 30 { // past the old 7-day mark and the old due date
		e.advance(24 * time.Hour)
		e.runOnce(sch)
	}
	if n := len(srv.messages()); n != 1 {
		t.Errorf("%d mails after the review, want still 1", n)
	}
}

func TestTwoSchedulersConcurrently(t *testing.T) {
	e := newEnv(t)
	srv := startSMTP(t, 0, nil, nil)
	coord := e.person("kim", "Kim Samordnare", "kim@ankeby.se")
	e.grant(coord, domain.RoleCoordinator)
	for i := range 4 {
		u := e.person(fmt.Sprintf("o%d", i), "", fmt.Sprintf("o%d@ankeby.se", i))
		e.record(fmt.Sprintf("Post %d a", i), u, "2025-05-01")
		e.record(fmt.Sprintf("Post %d b", i), u, "2025-05-20")
	}
	servers := []*remind.Scheduler{e.scheduler(nil, srv.Port), e.scheduler(e.open(), srv.Port), e.scheduler(e.open(), srv.Port)}
	var wg sync.WaitGroup
	for i := range 9 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := servers[i%3].RunOnce(e.ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	msgs := srv.messages()
	if len(msgs) != 5 { // four owners' digests and the coordinator's summary
		t.Fatalf("%d mails, want 5", len(msgs))
	}
	for i := range 4 {
		if got := srv.to(fmt.Sprintf("o%d@ankeby.se", i)); len(got) != 1 || strings.Count(got[0].Body, fmt.Sprintf("Post %d ", i)) != 4 {
			t.Errorf("owner %d: %d mails", i, len(got))
		}
	}
	if got := srv.to("kim@ankeby.se"); len(got) != 1 {
		t.Errorf("coordinator: %d summaries", len(got))
	}
}

func TestSMTPDownThenUp(t *testing.T) {
	e := newEnv(t)
	anna := e.person("anna", "Anna", "anna@ankeby.se")
	bo := e.person("bo", "Bo", "bo@ankeby.se")
	e.record("Säkerhetspolicy", anna, "2025-05-12")
	e.record("Kontinuitetsplan", bo, "2025-05-12")
	port := freePort(t) // nothing listens here yet
	sch := e.scheduler(nil, port)

	start := time.Now()
	e.runOnce(sch) // planning works; sending fails and is recorded
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("RunOnce with the mail server down took %v", d)
	}
	rows := e.outbox()
	if len(rows) != 2 {
		t.Fatalf("%d outbox rows", len(rows))
	}
	for _, o := range rows {
		if o.Status != store.OutboxPending || o.Attempts != 1 || !strings.Contains(o.LastError, "connect") || o.SentAt != nil ||
			!o.NextAttemptAt.Equal(e.now().Add(time.Minute)) {
			t.Errorf("after a failed send: %+v", o)
		}
	}
	// Before the backoff ends nothing is tried again.
	e.advance(30 * time.Second)
	e.runOnce(sch)
	for _, o := range e.outbox() {
		if o.Attempts != 1 {
			t.Errorf("tried again before the backoff: %+v", o)
		}
	}

	srv := startSMTP(t, port, nil, nil)
	e.advance(31 * time.Second)
	e.runOnce(sch)
	e.runOnce(e.scheduler(e.open(), port))
	e.advance(time.Hour)
	e.runOnce(sch)
	if n, a, b := len(srv.messages()), len(srv.to("anna@ankeby.se")), len(srv.to("bo@ankeby.se")); n != 2 || a != 1 || b != 1 {
		t.Errorf("after the server came up: %d mails (anna %d, bo %d), want one each", n, a, b)
	}
	for _, o := range e.outbox() {
		if o.Status != store.OutboxSent || o.Attempts != 2 {
			t.Errorf("delivered row %+v", o)
		}
	}
	if m := srv.to("anna@ankeby.se"); len(m) == 1 && !strings.Contains(m[0].Body, "Säkerhetspolicy") {
		t.Errorf("anna's mail:\n%s", m[0].Body)
	}
}

func TestPermanentFailureGivesUpAfterMaxAttempts(t *testing.T) {
	e := newEnv(t)
	srv := startSMTP(t, 0, nil, nil)
	srv.failRcpt = "gone@ankeby.se"
	gone := e.person("gone", "", "gone@ankeby.se")
	e.record("Säkerhetspolicy", gone, "2025-05-12")
	sch := e.scheduler(nil, srv.Port)
	for range 200 {
		e.runOnce(sch)
		e.advance(5 * time.Minute)
	}
	rows := e.outbox()
	if len(rows) != 1 || rows[0].Status != store.OutboxFailed || rows[0].Attempts != store.MaxOutboxAttempts || !strings.Contains(rows[0].LastError, "550") {
		t.Errorf("outbox %+v", rows)
	}
}

func TestWeeklySummaryOncePerWeek(t *testing.T) {
	e := newEnv(t)
	srv := startSMTP(t, 0, nil, nil)
	kim := e.person("kim", "Kim Samordnare", "kim@ankeby.se")
	e.grant(kim, domain.RoleCoordinator)
	olle := e.person("olle", "Olle Ägare", "")
	e.grant(olle, domain.RoleInformationOwner)
	e.record("Loggningsrutin", olle, "2025-05-01")
	e.record("Säkerhetspolicy", 0, "2025-05-20")
	e.record("Arkivplan", olle, "2025-12-01")
	sch := e.scheduler(nil, srv.Port)

	e.runOnce(sch) // Saturday, week 19
	got := srv.to("kim@ankeby.se")
	if len(got) != 1 {
		t.Fatalf("%d summaries", len(got))
	}
	m := got[0]
	if !strings.Contains(m.Subject, "veckosammanfattning för Ankeby kommun, vecka 2025-W19 (försenade: 1, inom 30 dagar: 1)") {
		t.Errorf("subject %q", m.Subject)
	}
	for _, want := range []string{"Försenade översyner: 1", "Loggningsrutin (2025-05-01, försenad sedan 9 dagar; ansvarig Olle Ägare)",
		"Säkerhetspolicy (2025-05-20, förfaller om 10 dagar; ingen ansvarig)", fmt.Sprintf("%s/m/%d/reviews", baseURL, e.mun),
		"In English", "Overdue reviews: 1"} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("summary lacks %q:\n%s", want, m.Body)
		}
	}
	if strings.Contains(m.Body, "Arkivplan") {
		t.Error("summary lists a review months away")
	}
	e.advance(24 * time.Hour) // Sunday
	e.runOnce(sch)
	if n := len(srv.to("kim@ankeby.se")); n != 1 {
		t.Errorf("Sunday: %d summaries", n)
	}
	e.advance(24 * time.Hour) // Monday, week 20
	e.runOnce(sch)
	e.runOnce(e.scheduler(e.open(), srv.Port))
	got = srv.to("kim@ankeby.se")
	if len(got) != 2 || !strings.Contains(got[1].Subject, "2025-W20") {
		t.Errorf("Monday: %d summaries", len(got))
	}
}

// A mailer that panics or hangs does not take RunOnce down with it, and ctx ends a run.
type badMailer struct{ panic bool }

func (b badMailer) Send(ctx context.Context, to, subject, body string) error {
	if b.panic {
		panic("boom")
	}
	<-ctx.Done()
	return ctx.Err()
}

func TestBadMailer(t *testing.T) {
	e := newEnv(t)
	anna := e.person("anna", "Anna", "anna@ankeby.se")
	e.record("Säkerhetspolicy", anna, "2025-05-12")
	sch := e.scheduler(nil, 0)
	sch.Mailer = badMailer{panic: true}
	e.runOnce(sch)
	if o := e.outbox(); len(o) != 1 || o[0].Attempts != 1 || !strings.Contains(o[0].LastError, "panicked") {
		t.Errorf("after a panic: %+v", o)
	}
	e.advance(2 * time.Minute)
	sch.Mailer = badMailer{}
	ctx, cancel := context.WithTimeout(e.ctx, 200*time.Millisecond)
	defer cancel()
	if err := sch.RunOnce(ctx); err != nil {
		t.Errorf("RunOnce with a hanging mailer: %v", err)
	}
	if o := e.outbox(); len(o) != 1 || o[0].Attempts != 2 || o[0].Status != store.OutboxPending {
		t.Errorf("after a hang: %+v", o)
	}
}

func TestRunStopsWithContext(t *testing.T) {
	e := newEnv(t)
	srv := startSMTP(t, 0, nil, nil)
	anna := e.person("anna", "Anna", "anna@ankeby.se")
	e.record("Säkerhetspolicy", anna, "2025-05-12")
	sch := e.scheduler(nil, srv.Port)
	sch.Config.Interval = 10 * time.Millisecond
	ctx, cancel := context.WithCancel(e.ctx)
	done := make(chan struct{})
	go func() { sch.Run(ctx); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for len(srv.messages()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
	if n := len(srv.messages()); n != 1 {
		t.Errorf("%d mails", n)
	}
}

func TestRunOnceNeedsStoreAndMailer(t *testing.T) {
	if err := (&remind.Scheduler{Logger: slog.New(slog.DiscardHandler)}).RunOnce(context.Background()); err == nil {
		t.Error("RunOnce without store and mailer succeeded")
	}
}

func TestFromEnv(t *testing.T) {
	envOf := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	c, m, err := remind.FromEnv(envOf())
	if err != nil || m != nil || c.Thresholds != nil {
		t.Errorf("empty: %+v, %v, %v", c, m, err)
	}
	c, m, err = remind.FromEnv(envOf("LISA_SMTP_HOST", "smtp.ankeby.se", "LISA_SMTP_FROM", "Lisa <lisa@ankeby.se>", "LISA_SMTP_USER", "lisa",
		"LISA_SMTP_PASSWORD", "hemligt-lösen", "LISA_BASE_URL", "https://lisa.ankeby.se/", "LISA_REMINDER_DAYS", "60, 14,3"))
	if err != nil || m == nil || m.Port != 587 || !m.StartTLS || m.Username != "lisa" || m.Password != "hemligt-lösen" ||
		c.BaseURL != "https://lisa.ankeby.se" || fmt.Sprint(c.Thresholds) != "[60 14 3]" {
		t.Fatalf("full: %+v, %+v, %v", c, m, err)
	}
	if s := fmt.Sprint(m) + m.String() + fmt.Sprint(m.LogValue()); strings.Contains(s, "hemligt") {
		t.Errorf("the password shows: %s", s)
	}
	_, m, err = remind.FromEnv(envOf("LISA_SMTP_HOST", "relay", "LISA_SMTP_FROM", "lisa@ankeby.se", "LISA_SMTP_PORT", "25", "LISA_SMTP_STARTTLS", "0"))
	if err != nil || m.Port != 25 || m.StartTLS {
		t.Errorf("relay: %+v, %v", m, err)
	}
	for _, bad := range [][]string{
		{"LISA_REMINDER_DAYS", "30,sju"},
		{"LISA_REMINDER_DAYS", "0"},
		{"LISA_BASE_URL", "lisa.ankeby.se"},
		{"LISA_SMTP_HOST", "relay"}, // no From
		{"LISA_SMTP_HOST", "relay", "LISA_SMTP_FROM", "inte en adress"},
		{"LISA_SMTP_HOST", "relay", "LISA_SMTP_FROM", "a@b.se", "LISA_SMTP_PORT", "99999"},
		{"LISA_SMTP_HOST", "relay", "LISA_SMTP_FROM", "a@b.se", "LISA_SMTP_STARTTLS", "kanske"},
	} {
		if _, _, err := remind.FromEnv(envOf(bad...)); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if d, err := remind.ParseDays("30,7"); err != nil || fmt.Sprint(d) != "[30 7]" {
		t.Errorf("ParseDays: %v, %v", d, err)
	}
}
