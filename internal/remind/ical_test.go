package remind_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/i18n"
	"github.com/lisa-isms/lisa/internal/remind"
	"github.com/lisa-isms/lisa/internal/store"
	"github.com/lisa-isms/lisa/ui"
)

func date(s string) *domain.Date {
	d, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return &d
}

// texts is the catalog the server loads.
func texts(t testing.TB) *i18n.Catalog {
	t.Helper()
	c, err := i18n.Load(ui.FS)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestICS(t *testing.T) {
	long := "Riktlinje för informationsklassning och hantering av skyddsvärd information i förskoleförvaltningens verksamhetssystem – åäö ÅÄÖ"
	tricky := `Rutin; backup, återläsning \ test`
	items := []domain.DueItem{
		{Kind: domain.KindDocument, ID: 7, MunicipalityID: 1, Title: long, OrgUnitName: "Förskoleförvaltningen", NextReviewAt: date("2025-06-30")},
		{Kind: domain.KindControl, ID: 12, Ref: "8.13", MunicipalityID: 1, Title: tricky, NextReviewAt: date("2025-12-31")},
		{Kind: domain.KindDocument, ID: 9, MunicipalityID: 2, Title: "Utan datum"}, // no date: no event
	}
	now := time.Date(2025, time.May, 10, 9, 30, 0, 0, time.UTC)
	out := remind.ICS(texts(t), items, domain.User{Name: "Åsa Öberg"}, "https://lisa.ankeby.se/", now)

	// The wire format, checked by hand: CRLF only, no line over 75 octets, no UTF-8 character
	// split over a fold.
	if bytes.Contains(bytes.ReplaceAll(out, []byte("\r\n"), nil), []byte("\n")) || !bytes.HasSuffix(out, []byte("END:VCALENDAR\r\n")) {
		t.Error("lines do not all end in CRLF")
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\r\n"), "\r\n")
	folded := 0
	for _, l := range lines {
		if len(l) > 75 {
			t.Errorf("line of %d octets: %q", len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("fold splits a character: %q", l)
		}
		if strings.HasPrefix(l, " ") {
			folded++
		}
	}
	if folded < 2 {
		t.Errorf("the long title was not folded:\n%s", out)
	}
	unfolded := strings.ReplaceAll(string(out), "\r\n ", "")
	for _, want := range []string{
		"BEGIN:VCALENDAR\r\n", "VERSION:2.0\r\n", "PRODID:-//Lisa//Lisa ISMS//SV\r\n", "CALSCALE:GREGORIAN\r\n", "METHOD:PUBLISH\r\n",
		"X-WR-CALNAME:Lisa – översyner – Åsa Öberg\r\n", "REFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n", "X-PUBLISHED-TTL:PT6H\r\n",
		"UID:record-7-2025-06-30@lisa\r\n", "DTSTAMP:20250510T093000Z\r\n", "DTSTART;VALUE=DATE:20250630\r\n", "DTEND;VALUE=DATE:20250701\r\n",
		"SUMMARY:Översyn: " + long + "\r\n",
		`SUMMARY:Översyn: Rutin\; backup\, återläsning \\ test` + "\r\n",
		"URL:https://lisa.ankeby.se/m/1/documents/7\r\n", "URL:https://lisa.ankeby.se/m/1/soa/8.13\r\n",
		`DESCRIPTION:Styrande dokument: ` + long + `\nEnhet: Förskoleförvaltningen\n`,
	} {
		if !strings.Contains(unfolded, want) {
			t.Errorf("feed lacks %q:\n%s", want, unfolded)
		}
	}

	// And read back with an iCalendar parser.
	cal, err := ics.ParseCalendar(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	events := cal.Events()
	if len(events) != 2 {
		t.Fatalf("%d events, want 2", len(events))
	}
	want := []struct{ uid, start, end, summary, url string }{
		{"record-7-2025-06-30@lisa", "2025-06-30", "2025-07-01", "Översyn: " + long, "https://lisa.ankeby.se/m/1/documents/7"},
		{"record-12-2025-12-31@lisa", "2025-12-31", "2026-01-01", "Översyn: " + tricky, "https://lisa.ankeby.se/m/1/soa/8.13"},
	}
	for i, ev := range events {
		w := want[i]
		if ev.Id() != w.uid {
			t.Errorf("event %d UID %q, want %q", i, ev.Id(), w.uid)
		}
		start, err := ev.GetAllDayStartAt()
		if err != nil || start.Format("2006-01-02") != w.start {
			t.Errorf("event %d start %v, %v", i, start, err)
		}
		if p := ev.GetProperty(ics.ComponentPropertyDtStart); p == nil || p.ICalParameters["VALUE"][0] != "DATE" {
			t.Errorf("event %d DTSTART is not a DATE", i)
		}
		end, err := ev.GetAllDayEndAt()
		if err != nil || end.Format("2006-01-02") != w.end {
			t.Errorf("event %d end %v, %v", i, end, err)
		}
		if s := ev.GetProperty(ics.ComponentPropertySummary); s == nil || s.Value != w.summary {
			t.Errorf("event %d summary %+v, want %q", i, s, w.summary)
		}
		if u := ev.GetProperty(ics.ComponentPropertyUrl); u == nil || u.Value != w.url {
			t.Errorf("event %d url %+v", i, u)
		}
		if d := ev.GetProperty(ics.ComponentPropertyDescription); d == nil || !strings.Contains(d.Value, "Ses över senast "+w.start) ||
			!strings.HasSuffix(d.Value, "\n"+w.url) {
			t.Errorf("event %d description %+v", i, d)
		}
		if stamp, err := ev.GetDtStampTime(); err != nil || !stamp.Equal(now) {
			t.Errorf("event %d DTSTAMP %v, %v", i, stamp, err)
		}
	}
	// The UID is stable: the same review renders the same event tomorrow.
	again := remind.ICS(texts(t), items[:1], domain.User{}, "https://lisa.ankeby.se", now.Add(24*time.Hour))
	if !bytes.Contains(again, []byte("UID:record-7-2025-06-30@lisa\r\n")) || !bytes.Contains(again, []byte("X-WR-CALNAME:Lisa – översyner\r\n")) {
		t.Errorf("second render:\n%s", again)
	}
}

func TestICSEmpty(t *testing.T) {
	out := remind.ICS(texts(t), nil, domain.User{Name: "Bo"}, "", time.Now())
	cal, err := ics.ParseCalendar(bytes.NewReader(out))
	if err != nil || len(cal.Events()) != 0 {
		t.Errorf("empty feed: %v, %d events\n%s", err, len(cal.Events()), out)
	}
}

func TestDigestText(t *testing.T) {
	today := *date("2025-05-10")
	items := []domain.DueItem{
		{Kind: domain.KindControl, ID: 3, Ref: "5.15", MunicipalityID: 2, Title: "5.15 Åtkomststyrning", NextReviewAt: date("2025-05-10")},
		{Kind: domain.KindDocument, ID: 4, MunicipalityID: 2, Title: "Policy", NextReviewAt: date("2025-05-11")},
		{Kind: domain.KindDocument, ID: 5, MunicipalityID: 2, Title: "Gammal", NextReviewAt: date("2025-05-08")},
	}
	subject, body := remind.Digest(texts(t), domain.User{Name: "Åsa"}, items, today, "https://lisa.ankeby.se/")
	if subject != "Lisa: 3 saker att se över, 1 försenad / 3 records to review, 1 overdue" {
		t.Errorf("subject %q", subject)
	}
	sv, en, ok := strings.Cut(body, "In English")
	if !ok {
		t.Fatal("no English part")
	}
	if strings.Contains(subject+body, "mail.") || strings.Contains(subject+body, "kind.") {
		t.Errorf("untranslated key in\n%s\n%s", subject, body)
	}
	for _, want := range []string{"- Säkerhetsåtgärd: 5.15 Åtkomststyrning", "(förfaller i dag)", "(förfaller om 1 dag)", "(försenad sedan 2 dagar)",
		"https://lisa.ankeby.se/m/2/soa/5.15\n", "https://lisa.ankeby.se/m/2/documents/4\n"} {
		if !strings.Contains(sv, want) {
			t.Errorf("Swedish part lacks %q", want)
		}
	}
	for _, want := range []string{"- Control: 5.15 Åtkomststyrning", "(due today)", "(due in 1 day)", "(overdue by 2 days)"} {
		if !strings.Contains(en, want) {
			t.Errorf("English part lacks %q", want)
		}
	}
	if s, _ := remind.Digest(texts(t), domain.User{}, items[1:2], today, ""); s != "Lisa: 1 sak att se över / 1 record to review" {
		t.Errorf("singular subject %q", s)
	}
	// A kind without pages of its own links to /m/{mun}/records/{id}, which redirects.
	if got := remind.RecordURL("", domain.DueItem{Kind: "unregistered", ID: 1, MunicipalityID: 1}); got != "/m/1/records/1" {
		t.Errorf("unknown kind path %q", got)
	}
	if fmt.Sprint(remind.KindName(texts(t), "unregistered", "sv")) != "unregistered" {
		t.Error("unknown kind name")
	}
	for kind, want := range map[domain.Kind][2]string{
		domain.KindDocument: {"Styrande dokument", "Governing document"}, domain.KindControl: {"Säkerhetsåtgärd", "Control"},
	} {
		if sv, en := remind.KindName(texts(t), kind, "sv"), remind.KindName(texts(t), kind, "en"); sv != want[0] || en != want[1] {
			t.Errorf("KindName(%s) = %q, %q", kind, sv, en)
		}
	}
	// Without a catalog (one that failed to load) the words are keys, but nothing panics.
	if s, _ := remind.Digest(nil, domain.User{}, items, today, ""); !strings.Contains(s, "mail.digest.subject") {
		t.Errorf("nil catalog subject %q", s)
	}
}

// A statement-of-applicability row is addressed by its control id, not its record id: the
// links of the reminder mail, the weekly summary and the calendar feed go to /m/{mun}/soa/{ref}
// (/m/3/soa/77 answers 404).
func TestControlLinksByRef(t *testing.T) {
	const want = "https://lisa.ankeby.se/m/3/soa/5.24"
	today := *date("2025-05-10")
	it := domain.DueItem{Kind: domain.KindControl, ID: 77, Ref: "5.24", MunicipalityID: 3, Title: "5.24 Incidenthantering",
		OwnerName: "Olle", NextReviewAt: date("2025-05-12")}
	if got := remind.RecordURL("https://lisa.ankeby.se/", it); got != want {
		t.Errorf("RecordURL = %q, want %q", got, want)
	}

	_, body := remind.Digest(texts(t), domain.User{Name: "Olle"}, []domain.DueItem{it}, today, "https://lisa.ankeby.se/")
	sv, en, _ := strings.Cut(body, "In English")
	for name, part := range map[string]string{"Swedish": sv, "English": en} {
		if !strings.Contains(part, "  "+want+"\n") || strings.Contains(part, "/soa/77") {
			t.Errorf("digest, %s part: no link to %s:\n%s", name, want, part)
		}
	}

	ws := store.WeeklySummary{User: domain.User{Name: "Kim"}, Municipality: domain.Municipality{ID: 3, Name: "Borgby kommun"},
		Week: "2025-W19", Today: today, DueSoon: []domain.DueItem{it}}
	_, body = remind.Summary(texts(t), ws, "https://lisa.ankeby.se")
	if strings.Count(body, "  "+want+"\n") != 2 || strings.Contains(body, "/soa/77") {
		t.Errorf("summary: want the link %s in both parts:\n%s", want, body)
	}

	out := remind.ICS(texts(t), []domain.DueItem{it}, domain.User{Name: "Olle"}, "https://lisa.ankeby.se", time.Now())
	cal, err := ics.ParseCalendar(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	events := cal.Events()
	if len(events) != 1 {
		t.Fatalf("%d events, want 1", len(events))
	}
	if u := events[0].GetProperty(ics.ComponentPropertyUrl); u == nil || u.Value != want {
		t.Errorf("feed URL %+v, want %s", u, want)
	}
	if d := events[0].GetProperty(ics.ComponentPropertyDescription); d == nil || !strings.HasSuffix(d.Value, "\n"+want) {
		t.Errorf("feed description %+v, want it to end in %s", d, want)
	}
}
