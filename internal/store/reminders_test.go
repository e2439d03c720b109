package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
	"github.com/lisa-isms/lisa/internal/storetest"
)

// rmEnv is a real SQLite store with a clock the test moves, and a municipality with one unit.
type rmEnv struct {
	t     *testing.T
	ctx   context.Context
	path  string
	clock time.Time
	mu    sync.Mutex
	s     *store.Store
	mun   int64
	unit  int64
	admin int64
}

func newRmEnv(t *testing.T) *rmEnv {
	t.Helper()
	e := &rmEnv{t: t, ctx: context.Background(), path: storetest.DSN(t),
		clock: time.Date(2025, time.May, 10, 7, 0, 0, 0, time.UTC)} // a Saturday
	e.s = e.open()
	m := domain.Municipality{Name: "Ankeby kommun"}
	if err := e.s.CreateMunicipality(e.ctx, actor, &m); err != nil {
		t.Fatal(err)
	}
	e.mun = m.ID
	u := domain.OrgUnit{MunicipalityID: e.mun, Name: "Socialförvaltningen", Kind: domain.UnitForvaltning}
	if err := e.s.SaveOrgUnit(e.ctx, actor, &u); err != nil {
		t.Fatal(err)
	}
	e.unit = u.ID
	e.admin = e.person("writer", "", false)
	return e
}

// open opens another Store on the same file: a second server.
func (e *rmEnv) open() *store.Store {
	e.t.Helper()
	s, err := store.Open(e.ctx, e.path)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { s.Close() })
	s.Now = e.now
	return s
}

func (e *rmEnv) now() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.clock
}

func (e *rmEnv) setDay(d string) {
	day, err := domain.ParseDate(d)
	if err != nil {
		e.t.Fatal(err)
	}
	e.mu.Lock()
	e.clock = day.Time().Add(7 * time.Hour)
	e.mu.Unlock()
}

func (e *rmEnv) today() domain.Date { return e.s.Today() }

func (e *rmEnv) person(username, email string, disabled bool) int64 {
	e.t.Helper()
	u := domain.User{Username: username, Name: strings.ToUpper(username[:1]) + username[1:], Email: email, Disabled: disabled}
	if err := e.s.CreateUser(e.ctx, actor, &u); err != nil {
		e.t.Fatal(err)
	}
	return u.ID
}

func (e *rmEnv) grant(user int64, role domain.Role) {
	e.t.Helper()
	if err := e.s.GrantRole(e.ctx, actor, domain.RoleAssignment{UserID: user, MunicipalityID: e.mun, Role: role}); err != nil {
		e.t.Fatal(err)
	}
}

// record creates a governing document owned by owner (0: none) due on next.
func (e *rmEnv) record(title string, owner int64, next, status string) int64 {
	e.t.Helper()
	d := domain.Document{Record: domain.Record{MunicipalityID: e.mun}}
	in := domain.DocumentInput{Type: ptr("policy"), Title: &title, OrgUnitID: &e.unit, NextReviewAt: &next}
	if owner != 0 {
		in.OwnerID = &owner
	}
	if _, err := domain.ApplyDocument(&d, in, e.today()); err != nil {
		e.t.Fatal(err)
	}
	if err := e.s.CreateDocument(e.ctx, store.Actor{ID: &e.admin, Name: "writer", IP: "local"}, &d, ""); err != nil {
		e.t.Fatal(err)
	}
	if status != "" && status != d.Status {
		e.raw(`UPDATE records SET status = ? WHERE id = ?`, status, d.ID)
	}
	return d.ID
}

func (e *rmEnv) db() *storetest.RawDB {
	e.t.Helper()
	return storetest.Raw(e.t, e.path)
}

func (e *rmEnv) raw(q string, args ...any) {
	e.t.Helper()
	if _, err := e.db().Exec(q, args...); err != nil {
		e.t.Fatal(err)
	}
}

func (e *rmEnv) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db().QueryRowContext(e.ctx, q, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// digest is one render call of PlanReminders.
type digest struct {
	user  string
	items []string // "title@date"
}

func (e *rmEnv) plan(s *store.Store, thresholds ...int) []digest {
	e.t.Helper()
	var out []digest
	var mu sync.Mutex
	n, err := s.PlanReminders(e.ctx, s.Today(), thresholds, func(u domain.User, items []domain.DueItem) (string, string) {
		d := digest{user: u.Username}
		for _, it := range items {
			d.items = append(d.items, it.Title+"@"+it.NextReviewAt.String())
		}
		mu.Lock()
		out = append(out, d)
		mu.Unlock()
		return fmt.Sprintf("%d att granska", len(items)), "kropp till " + u.Name
	})
	if err != nil {
		e.t.Fatalf("PlanReminders: %v", err)
	}
	if n != len(out) {
		e.t.Errorf("PlanReminders returned %d, rendered %d", n, len(out))
	}
	return out
}

func TestPlanRemindersTightestThresholdOnce(t *testing.T) {
	e := newRmEnv(t)
	anna := e.person("anna", "anna@ankeby.se", false)
	bo := e.person("bo", "bo@ankeby.se", false)
	noMail := e.person("nomail", "", false)
	gone := e.person("gone", "gone@ankeby.se", true)

	e.record("Säkerhetspolicy", anna, "2025-06-05", "")         // 26 days: the 30-day reminder
	e.record("Kontinuitetsplan", anna, "2025-05-13", "")        // 3 days: the 7-day one only
	e.record("Loggningsrutin", anna, "2025-05-01", "")          // overdue
	e.record("Arkivplan", anna, "2025-07-30", "")               // later: nothing
	e.record("Gammal riktlinje", anna, "2025-05-12", "retired") // closed: nothing
	e.record("Behörighetsrutin", bo, "2025-06-09", "adopted")   // 30 days exactly
	e.record("Utan e-post", noMail, "2025-05-11", "")
	e.record("Avstängd ägare", gone, "2025-05-11", "")
	e.record("Utan ägare", 0, "2025-05-11", "")

	got := e.plan(e.s, 30, 7)
	want := []digest{
		{"anna", []string{"Loggningsrutin@2025-05-01", "Kontinuitetsplan@2025-05-13", "Säkerhetspolicy@2025-06-05"}},
		{"bo", []string{"Behörighetsrutin@2025-06-09"}},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("digests = %v, want %v", got, want)
	}
	if n := e.count(`SELECT COUNT(*) FROM mail_outbox WHERE status = 'pending' AND attempts = 0`); n != 2 {
		t.Errorf("outbox rows = %d, want 2", n)
	}
	if n := e.count(`SELECT COUNT(*) FROM mail_outbox WHERE to_address = 'anna@ankeby.se' AND subject = '3 att granska' AND body_text = 'kropp till Anna'`); n != 1 {
		t.Errorf("anna's mail not queued as rendered")
	}
	// Tightest threshold sent, looser ones marked done without a mail.
	for _, c := range []struct {
		title string
		sent  int
		done  []int
	}{
		{"Säkerhetspolicy", 30, []int{30}},
		{"Kontinuitetsplan", 7, []int{7, 30}},
		{"Loggningsrutin", 0, []int{0, 7, 30}},
	} {
		rows, err := e.db().QueryContext(e.ctx, `SELECT m.threshold, m.outbox_id IS NOT NULL FROM reminders m JOIN records r ON r.id = m.record_id
			WHERE r.title = ? AND m.due_date = r.next_review_at ORDER BY m.threshold`, c.title)
		if err != nil {
			t.Fatal(err)
		}
		var done []int
		for rows.Next() {
			var th int
			var linked bool
			if err := rows.Scan(&th, &linked); err != nil {
				t.Fatal(err)
			}
			done = append(done, th)
			if linked != (th == c.sent) {
				t.Errorf("%s threshold %d: linked to mail = %v", c.title, th, linked)
			}
		}
		rows.Close()
		if !slices.Equal(done, c.done) {
			t.Errorf("%s: reminder rows %v, want %v", c.title, done, c.done)
		}
	}
	ns, err := e.s.Notifications(e.ctx, anna, 0)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, n := range ns {
		kinds = append(kinds, n.Kind+":"+n.DueDate.String()+":"+n.RecordKind)
		if n.MunicipalityID != e.mun || n.RecordID == nil || n.ReadAt != nil || n.MessageKey != "notify."+n.Kind || len(n.Args()) != 2 {
			t.Errorf("notification %+v", n)
		}
	}
	slices.Sort(kinds)
	if want := []string{"review_due:2025-05-13:document", "review_due:2025-06-05:document", "review_overdue:2025-05-01:document"}; !slices.Equal(kinds, want) {
		t.Errorf("notifications %v, want %v", kinds, want)
	}

	// The same day again, and a restart: nothing new.
	if got := e.plan(e.s, 30, 7); len(got) != 0 {
		t.Errorf("second run planned %v", got)
	}
	if got := e.plan(e.open(), 30, 7); len(got) != 0 {
		t.Errorf("after restart planned %v", got)
	}

	// 30 May: Kontinuitetsplan has become overdue and the policy passes the 7-day mark
	// (Behörighetsrutin, 10 days out, has had its 30-day reminder).
	e.setDay("2025-05-30")
	if got := fmt.Sprint(e.plan(e.s, 30, 7)); got != "[{anna [Kontinuitetsplan@2025-05-13 Säkerhetspolicy@2025-06-05]}]" {
		t.Errorf("30 May: %s", got)
	}
	// 6 June: the policy is overdue; Behörighetsrutin passes its 7-day mark.
	e.setDay("2025-06-06")
	if got := fmt.Sprint(e.plan(e.s, 30, 7)); got != "[{anna [Säkerhetspolicy@2025-06-05]} {bo [Behörighetsrutin@2025-06-09]}]" {
		t.Errorf("6 June: %s", got)
	}
	e.setDay("2025-07-01")
	if got := fmt.Sprint(e.plan(e.s, 30, 7)); got != "[{anna [Arkivplan@2025-07-30]} {bo [Behörighetsrutin@2025-06-09]}]" {
		t.Errorf("1 July: %s", got)
	}
	if got := e.plan(e.s, 30, 7); len(got) != 0 {
		t.Errorf("1 July again: %v", got)
	}
}

func TestPlanRemindersFollowsTheReviewDate(t *testing.T) {
	e := newRmEnv(t)
	anna := e.person("anna", "anna@ankeby.se", false)
	id := e.record("Säkerhetspolicy", anna, "2025-05-15", "")
	if got := fmt.Sprint(e.plan(e.s, 30, 7)); got != "[{anna [Säkerhetspolicy@2025-05-15]}]" {
		t.Fatalf("before review: %s", got)
	}
	// Reviewed: the next review is a year on. Nothing about the old date comes any more.
	rv := domain.Review{ReviewedBy: anna, ReviewedAt: e.today()}
	next := domain.NewDate(2026, time.May, 10)
	err := e.s.MarkReviewed(e.ctx, actor, e.mun, domain.KindDocument, id, &rv, func(_ context.Context, r *domain.Record) error {
		r.NextReviewAt = &next
		rv.NextReviewAt = next
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, day := range []string{"2025-05-16", "2025-06-01", "2026-04-09"} {
		e.setDay(day)
		if got := e.plan(e.s, 30, 7); len(got) != 0 {
			t.Errorf("%s: planned %v", day, got)
		}
	}
	e.setDay("2026-04-10") // 30 days before the new date
	if got := fmt.Sprint(e.plan(e.s, 30, 7)); got != "[{anna [Säkerhetspolicy@2026-05-10]}]" {
		t.Errorf("new date: %s", got)
	}
	// Thresholds as configured: with only 14, a record 10 days out gets the 14-day reminder.
	e.setDay("2026-04-30")
	if got := e.plan(e.s, 14); len(got) != 1 {
		t.Errorf("14-day threshold: %v", got)
	}
}

func TestPlanRemindersTwoServersConcurrently(t *testing.T) {
	e := newRmEnv(t)
	for i := range 5 {
		u := e.person(fmt.Sprintf("owner%d", i), fmt.Sprintf("owner%d@ankeby.se", i), false)
		for j := range 4 {
			e.record(fmt.Sprintf("Post %d-%d", i, j), u, fmt.Sprintf("2025-05-%02d", 5+j*3), "")
		}
	}
	servers := []*store.Store{e.s, e.open(), e.open()}
	var wg sync.WaitGroup
	results := make([][]digest, len(servers)*3)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = e.plan(servers[i%len(servers)], 30, 7)
		}()
	}
	wg.Wait()
	items := map[string]int{}
	mails := 0
	for _, r := range results {
		for _, d := range r {
			mails++
			for _, it := range d.items {
				items[it]++
			}
		}
	}
	if mails != 5 || len(items) != 20 {
		t.Errorf("%d mails with %d records, want 5 with 20", mails, len(items))
	}
	for it, n := range items {
		if n != 1 {
			t.Errorf("%s planned %d times", it, n)
		}
	}
	if n := e.count(`SELECT COUNT(*) FROM mail_outbox`); n != 5 {
		t.Errorf("outbox has %d rows, want 5", n)
	}
}

func TestPlanWeeklySummaries(t *testing.T) {
	e := newRmEnv(t)
	kim := e.person("kim", "kim@ankeby.se", false)
	e.grant(kim, domain.RoleCoordinator)
	e.grant(e.person("nomail", "", false), domain.RoleCoordinator)
	e.grant(e.person("olle", "olle@ankeby.se", false), domain.RoleInformationOwner)
	e.record("Försenad", 0, "2025-05-01", "")
	e.record("Snart", 0, "2025-05-20", "")
	e.record("Senare", 0, "2025-08-20", "")
	e.record("Stängd", 0, "2025-05-02", "retired")

	var got []store.WeeklySummary
	plan := func(s *store.Store) int {
		n, err := s.PlanWeeklySummaries(e.ctx, s.Today(), func(ws store.WeeklySummary) (string, string) {
			got = append(got, ws)
			return "Veckosammanfattning " + ws.Week, "text"
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := plan(e.s); n != 1 || len(got) != 1 {
		t.Fatalf("queued %d, rendered %d", n, len(got))
	}
	ws := got[0]
	if ws.User.ID != kim || ws.Municipality.ID != e.mun || ws.Week != "2025-W19" || len(ws.Overdue) != 1 || ws.Overdue[0].Title != "Försenad" ||
		len(ws.DueSoon) != 1 || ws.DueSoon[0].Title != "Snart" {
		t.Errorf("summary %+v", ws)
	}
	if n := e.count(`SELECT COUNT(*) FROM notifications WHERE user_id = ? AND kind = 'weekly_summary' AND record_id IS NULL`, kim); n != 1 {
		t.Errorf("summary notifications = %d", n)
	}
	e.setDay("2025-05-11") // Sunday, same ISO week
	if n := plan(e.open()); n != 0 {
		t.Errorf("same week queued %d", n)
	}
	e.setDay("2025-05-12") // Monday: a new week
	if n := plan(e.s); n != 1 {
		t.Errorf("new week queued %d", n)
	}
	if n := plan(e.s); n != 0 {
		t.Errorf("new week again queued %d", n)
	}
	// Nothing due: no mail, but the week counts as done.
	e.raw(`UPDATE records SET status = 'retired'`)
	e.setDay("2025-05-19")
	if n := plan(e.s); n != 0 {
		t.Errorf("nothing due queued %d", n)
	}
	if n := e.count(`SELECT COUNT(*) FROM summaries WHERE week = '2025-W21' AND outbox_id IS NULL`); n != 1 {
		t.Errorf("empty week rows = %d", n)
	}
	if store.ISOWeek(domain.NewDate(2026, time.November, 23)) != "2026-W48" || store.ISOWeek(domain.NewDate(2027, time.January, 1)) != "2026-W53" {
		t.Error("ISOWeek")
	}
}

func TestOutboxClaimLeaseAndBackoff(t *testing.T) {
	e := newRmEnv(t)
	for i := range 6 {
		u := e.person(fmt.Sprintf("u%d", i), fmt.Sprintf("u%d@ankeby.se", i), false)
		e.record(fmt.Sprintf("Post %d", i), u, "2025-05-12", "")
	}
	if got := e.plan(e.s, 30, 7); len(got) != 6 {
		t.Fatalf("planned %d", len(got))
	}
	now := e.now()

	// Two servers claiming at once never get the same mail.
	other := e.open()
	var wg sync.WaitGroup
	claims := make([][]store.OutboxMail, 4)
	for i := range claims {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := e.s
			if i%2 == 1 {
				s = other
			}
			m, err := s.ClaimOutbox(e.ctx, now, 2, 5*time.Minute)
			if err != nil {
				t.Error(err)
			}
			claims[i] = m
		}()
	}
	wg.Wait()
	seen := map[int64]bool{}
	for _, c := range claims {
		for _, m := range c {
			if seen[m.ID] {
				t.Errorf("mail %d claimed twice", m.ID)
			}
			seen[m.ID] = true
			if m.Body == "" || m.ToAddress == "" || m.LockedUntil == nil {
				t.Errorf("claimed mail %+v", m)
			}
		}
	}
	if len(seen) != 6 {
		t.Errorf("claimed %d mails, want 6", len(seen))
	}
	// Leased: nothing more until the lease runs out.
	if m, _ := e.s.ClaimOutbox(e.ctx, now.Add(4*time.Minute), 10, time.Minute); len(m) != 0 {
		t.Errorf("claimed %d leased mails", len(m))
	}
	again, err := e.s.ClaimOutbox(e.ctx, now.Add(6*time.Minute), 10, time.Minute)
	if err != nil || len(again) != 6 {
		t.Fatalf("after the lease: %d, %v", len(again), err)
	}

	// One is sent; one fails until it gives up, waiting 1, 2, 4 ... minutes in between.
	at := now.Add(6 * time.Minute)
	if err := e.s.MarkSent(e.ctx, again[0].ID, at); err != nil {
		t.Fatal(err)
	}
	id := again[1].ID
	for attempt := 1; attempt <= store.MaxOutboxAttempts; attempt++ {
		m, err := e.s.MarkFailed(e.ctx, id, fmt.Sprintf("  dial tcp: connection refused (%d)\n", attempt), at)
		if err != nil {
			t.Fatal(err)
		}
		if m.Attempts != attempt || m.LastError != fmt.Sprintf("dial tcp: connection refused (%d)", attempt) {
			t.Fatalf("attempt %d: %+v", attempt, m)
		}
		if attempt == store.MaxOutboxAttempts {
			if m.Status != store.OutboxFailed {
				t.Errorf("after %d attempts status %s", attempt, m.Status)
			}
			break
		}
		wait := time.Minute << (attempt - 1)
		if m.Status != store.OutboxPending || !m.NextAttemptAt.Equal(at.Add(wait)) {
			t.Fatalf("attempt %d: status %s next %v, want pending at +%v", attempt, m.Status, m.NextAttemptAt, wait)
		}
		if c, _ := e.s.ClaimOutbox(e.ctx, at.Add(wait-time.Second), 10, time.Minute); slices.ContainsFunc(c, func(x store.OutboxMail) bool { return x.ID == id }) {
			t.Fatalf("attempt %d: claimed before its backoff ended", attempt)
		}
		at = at.Add(wait)
		c, err := e.s.ClaimOutbox(e.ctx, at, 10, time.Minute)
		if err != nil || !slices.ContainsFunc(c, func(x store.OutboxMail) bool { return x.ID == id }) {
			t.Fatalf("attempt %d: not claimed after its backoff: %v", attempt, err)
		}
	}
	if store.OutboxBackoff(3) != 4*time.Minute {
		t.Error("OutboxBackoff(3)")
	}

	list, err := e.s.ListOutbox(e.ctx, "", 0)
	if err != nil || len(list) != 6 {
		t.Fatalf("ListOutbox: %d, %v", len(list), err)
	}
	for _, m := range list {
		if m.Body != "" {
			t.Errorf("ListOutbox returned a body")
		}
	}
	for status, want := range map[string]int{store.OutboxSent: 1, store.OutboxFailed: 1, store.OutboxPending: 4} {
		l, err := e.s.ListOutbox(e.ctx, status, 10)
		if err != nil || len(l) != want {
			t.Errorf("ListOutbox(%s) = %d, %v; want %d", status, len(l), err, want)
		}
		if status == store.OutboxSent && (l[0].SentAt == nil || l[0].Attempts != 1) {
			t.Errorf("sent mail %+v", l[0])
		}
		if status == store.OutboxFailed && (l[0].Attempts != store.MaxOutboxAttempts || l[0].LastError == "") {
			t.Errorf("failed mail %+v", l[0])
		}
	}
	if _, err := e.s.ListOutbox(e.ctx, "bogus", 0); code(err) != domain.EInvalid {
		t.Errorf("bad status: %v", err)
	}
	// A finished mail is not changed by a late MarkFailed (a lease that ran out elsewhere).
	if m, err := e.s.MarkFailed(e.ctx, again[0].ID, "late", at); err != nil || m.Status != store.OutboxSent || m.LastError != "" {
		t.Errorf("late MarkFailed on a sent mail: %+v, %v", m, err)
	}
	if _, err := e.s.MarkFailed(e.ctx, 9999, "x", at); code(err) != domain.ENotFound {
		t.Errorf("MarkFailed missing: %v", err)
	}
}

func TestNotificationsRead(t *testing.T) {
	e := newRmEnv(t)
	anna := e.person("anna", "anna@ankeby.se", false)
	bo := e.person("bo", "bo@ankeby.se", false)
	e.record("A", anna, "2025-05-12", "")
	e.record("B", anna, "2025-05-01", "")
	e.record("C", bo, "2025-05-01", "")
	e.plan(e.s, 7)
	ns, err := e.s.Notifications(e.ctx, anna, 10)
	if err != nil || len(ns) != 2 || ns[0].ID < ns[1].ID {
		t.Fatalf("notifications %+v, %v", ns, err)
	}
	if n, _ := e.s.UnreadNotifications(e.ctx, anna); n != 2 {
		t.Errorf("unread = %d", n)
	}
	if err := e.s.MarkNotificationRead(e.ctx, anna, ns[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := e.s.MarkNotificationRead(e.ctx, anna, ns[0].ID); err != nil {
		t.Errorf("read twice: %v", err)
	}
	if err := e.s.MarkNotificationRead(e.ctx, bo, ns[1].ID); code(err) != domain.ENotFound {
		t.Errorf("someone else's: %v", err)
	}
	ns, _ = e.s.Notifications(e.ctx, anna, 10)
	if ns[0].ReadAt == nil || ns[1].ReadAt != nil {
		t.Errorf("read_at %v %v", ns[0].ReadAt, ns[1].ReadAt)
	}
	if n, _ := e.s.UnreadNotifications(e.ctx, anna); n != 1 {
		t.Errorf("unread = %d", n)
	}
}

func TestCalendarTokens(t *testing.T) {
	e := newRmEnv(t)
	anna := e.person("anna", "", false)
	if c, err := e.s.CalendarTokenCreated(e.ctx, anna); err != nil || c != nil {
		t.Errorf("before: %v, %v", c, err)
	}
	tok, err := e.s.CreateCalendarToken(e.ctx, actor, anna)
	if err != nil || len(tok) < 20 {
		t.Fatalf("token %q, %v", tok, err)
	}
	if u, err := e.s.UserByCalendarToken(e.ctx, tok); err != nil || u.ID != anna {
		t.Errorf("lookup: %+v, %v", u, err)
	}
	if n := e.count(`SELECT COUNT(*) FROM calendar_tokens WHERE token_hash = ?`, store.HashToken(tok)); n != 1 {
		t.Errorf("hash stored %d times", n)
	}
	if n := e.count(`SELECT COUNT(*) FROM calendar_tokens WHERE token_hash = ?`, tok); n != 0 {
		t.Error("the token itself is stored")
	}
	tok2, err := e.s.CreateCalendarToken(e.ctx, actor, anna)
	if err != nil || tok2 == tok {
		t.Fatalf("second token %q, %v", tok2, err)
	}
	if _, err := e.s.UserByCalendarToken(e.ctx, tok); code(err) != domain.ENotFound {
		t.Errorf("replaced token still works: %v", err)
	}
	if c, err := e.s.CalendarTokenCreated(e.ctx, anna); err != nil || c == nil {
		t.Errorf("created: %v, %v", c, err)
	}
	// A disabled account's feed stops.
	e.raw(`UPDATE users SET disabled = TRUE WHERE id = ?`, anna)
	if _, err := e.s.UserByCalendarToken(e.ctx, tok2); code(err) != domain.ENotFound {
		t.Errorf("disabled user's token works: %v", err)
	}
	e.raw(`UPDATE users SET disabled = FALSE WHERE id = ?`, anna)
	if err := e.s.RevokeCalendarToken(e.ctx, actor, anna); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.UserByCalendarToken(e.ctx, tok2); code(err) != domain.ENotFound {
		t.Errorf("revoked token works: %v", err)
	}
	if err := e.s.RevokeCalendarToken(e.ctx, actor, anna); err != nil {
		t.Errorf("revoke without a token: %v", err)
	}
	for action, want := range map[string]int{"calendar_token_create": 2, "calendar_token_revoke": 1} {
		if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE kind = 'user' AND record_id = ? AND action = ?`, anna, action); n != want {
			t.Errorf("%s audited %d times, want %d", action, n, want)
		}
	}
	if n, err := e.s.VerifyAudit(e.ctx); err != nil || n == 0 {
		t.Errorf("audit chain: %d, %v", n, err)
	}
}

func TestOwnedDues(t *testing.T) {
	e := newRmEnv(t)
	anna := e.person("anna", "", false)
	e.record("Min", anna, "2025-06-01", "")
	e.record("Stängd", anna, "2025-06-01", "retired")
	e.record("Annans", e.admin, "2025-06-01", "")
	u, _ := e.s.GetUser(e.ctx, anna)
	if got, err := e.s.OwnedDues(e.ctx, u, 0); err != nil || len(got) != 0 {
		t.Errorf("without a role: %v, %v", got, err)
	}
	e.grant(anna, domain.RoleInformationOwner)
	got, err := e.s.OwnedDues(e.ctx, u, 0)
	if err != nil || len(got) != 1 || got[0].Title != "Min" || got[0].OrgUnitName != "Socialförvaltningen" {
		t.Errorf("owned: %+v, %v", got, err)
	}
}

// The planner plans incrementally and in batches: whole owners per transaction (one digest
// each, however the batches fall), every record looked at once, and a pass with nothing new
// is a couple of statements whatever the database holds.
func TestPlanRemindersIncrementalInBatches(t *testing.T) {
	if !storetest.OnPostgres() {
		storetest.CountStatements(t)
	}
	e := newRmEnv(t)
	e.s.PlanBatch = 4
	var want []digest
	var firstID int64
	for i := range 5 {
		name := fmt.Sprintf("owner%d", i)
		u := e.person(name, name+"@ankeby.se", false)
		d := digest{user: name}
		for j, day := range []string{"2025-05-02", "2025-05-14", "2025-06-01", "2025-09-01"} { // overdue, 4 and 22 days, later
			title := fmt.Sprintf("Post %d-%d", i, j)
			if id := e.record(title, u, day, ""); firstID == 0 {
				firstID = id
			}
			if j < 3 {
				d.items = append(d.items, title+"@"+day)
			}
		}
		want = append(want, d)
	}
	noMail := e.person("nomail", "", false)
	e.record("Utan e-post", noMail, "2025-05-12", "")
	gone := e.person("gone", "gone@ankeby.se", true)
	e.record("Avstängd ägare", gone, "2025-05-20", "")
	e.record("Utan ägare", 0, "2025-05-11", "")

	got := e.plan(e.s, 30, 7)
	slices.SortFunc(got, func(a, b digest) int { return strings.Compare(a.user, b.user) })
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("digests in batches of 4 records:\n got %v\nwant %v", got, want)
	}
	// An owner without an e-mail address is reminded in the app.
	if ns, err := e.s.Notifications(e.ctx, noMail, 0); err != nil || len(ns) != 1 || ns[0].Kind != store.NotifyReviewDue {
		t.Errorf("owner without e-mail: %+v, %v", ns, err)
	}
	if n := e.count(`SELECT COUNT(*) FROM records WHERE remind_at <= ?`, e.today()); n != 0 {
		t.Errorf("%d records still to look at after the pass", n)
	}

	before := storetest.Statements.Load()
	if got := e.plan(e.s, 30, 7); len(got) != 0 {
		t.Errorf("second pass planned %v", got)
	}
	if n := storetest.Statements.Load() - before; !storetest.OnPostgres() && n > 2 {
		t.Errorf("a pass with nothing to plan took %d statements, want at most 2 (the thresholds, the records due for a look)", n)
	}

	// A save that leaves the review date, status and owner as they were gives the planner
	// nothing to look at again; a new owner does.
	rec, err := e.s.GetRecord(e.ctx, e.mun, domain.KindDocument, firstID)
	if err != nil {
		t.Fatal(err)
	}
	rec.Title += " (reviderad)"
	if err := e.s.SaveRecord(e.ctx, actor, &rec, "update", nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	if n := e.count(`SELECT COUNT(*) FROM records WHERE remind_at <= ?`, e.today()); n != 0 {
		t.Errorf("a new title put %d records back before the planner", n)
	}
	rec.OwnerID = &noMail
	if err := e.s.SaveRecord(e.ctx, actor, &rec, "update", nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	if n := e.count(`SELECT COUNT(*) FROM records WHERE remind_at <= ?`, e.today()); n != 1 {
		t.Errorf("a new owner put %d records before the planner, want 1", n)
	}
	if got := e.plan(e.s, 30, 7); len(got) != 0 {
		t.Errorf("the new owner (without e-mail) got mail: %v", got)
	}

	// The disabled owner is enabled again: the reminder passed over comes on the next pass.
	u, err := e.s.GetUser(e.ctx, gone)
	if err != nil {
		t.Fatal(err)
	}
	u.Disabled = false
	if err := e.s.UpdateUser(e.ctx, actor, &u); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(e.plan(e.s, 30, 7)); got != "[{gone [Avstängd ägare@2025-05-20]}]" {
		t.Errorf("after enabling the owner: %s", got)
	}
	// Days later only what crossed a threshold since is planned: the 4-day posts and the
	// re-enabled owner's turn overdue, the 22-day ones come within 7 days.
	e.setDay("2025-05-25")
	got = e.plan(e.s, 30, 7)
	slices.SortFunc(got, func(a, b digest) int { return strings.Compare(a.user, b.user) })
	if len(got) != 6 || fmt.Sprint(got[0]) != "{gone [Avstängd ägare@2025-05-20]}" || fmt.Sprint(got[1]) != "{owner0 [Post 0-1@2025-05-14 Post 0-2@2025-06-01]}" {
		t.Errorf("25 May: %v", got)
	}
}

// An owner's records are planned set-based: the statements of a pass do not grow with how
// many records the owner has (a statement is a round trip on PostgreSQL; per-record
// statements made the first pass over kommun-L take six minutes there). Counted on SQLite.
func TestPlanStatementsPerOwnerNotPerRecord(t *testing.T) {
	if storetest.OnPostgres() {
		t.Skip("statements are counted on SQLite")
	}
	storetest.CountStatements(t)
	pass := func(records int) (int64, []digest) {
		e := newRmEnv(t)
		u := e.person("anna", "anna@ankeby.se", false)
		for i := range records {
			// overdue, due within 7 days, within 30 and later, in turn
			e.record(fmt.Sprintf("Post %02d", i), u, []string{"2025-05-02", "2025-05-14", "2025-06-01", "2025-09-01"}[i%4], "")
		}
		before := storetest.Statements.Load()
		got := e.plan(e.s, 30, 7)
		n := storetest.Statements.Load() - before
		if c := e.count(`SELECT COUNT(*) FROM notifications`); c != records*3/4 {
			t.Errorf("%d records: %d notifications, want %d", records, c, records*3/4)
		}
		if c := e.count(`SELECT COUNT(*) FROM reminders WHERE outbox_id IS NOT NULL`); c != records*3/4 {
			t.Errorf("%d records: %d reminders linked to the mail, want %d", records, c, records*3/4)
		}
		return n, got
	}
	few, gotFew := pass(4)
	many, gotMany := pass(40)
	if len(gotFew) != 1 || len(gotFew[0].items) != 3 || len(gotMany) != 1 || len(gotMany[0].items) != 30 {
		t.Fatalf("digests: %v / %v", gotFew, gotMany)
	}
	if many != few {
		t.Errorf("a pass over one owner's 40 records took %d statements, over 4 records %d: planning is per record", many, few)
	}
}
