package domain

import (
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, Sweden)
	if err != nil {
		panic(err)
	}
	return t
}

func tp(s string) *time.Time { t := at(s); return &t }

// byKind is the clocks keyed by kind: "due state" ("-" for no due date).
func byKind(cs []Clock) map[ClockKind]string {
	out := map[ClockKind]string{}
	for _, c := range cs {
		due := "-"
		if c.DueAt != nil {
			due = c.DueAt.In(Sweden).Format("2006-01-02 15:04")
		}
		out[c.Kind] = due + " " + string(c.State)
	}
	return out
}

func TestAddLegalMonths(t *testing.T) {
	for from, want := range map[string]string{
		"2026-01-31 10:00": "2026-02-28 10:00", // no 31 February: the last day
		"2028-01-31 10:00": "2028-02-29 10:00", // a leap year
		"2026-03-15 23:30": "2026-04-15 23:30", // across the change to summer time, same wall clock
		"2026-12-31 08:00": "2027-01-31 08:00",
	} {
		if got := AddLegalMonths(at(from), 1).Format("2006-01-02 15:04"); got != want {
			t.Errorf("%s + 1 month = %s, want %s", from, got, want)
		}
	}
}

func TestClocks(t *testing.T) {
	for name, tc := range map[string]struct {
		f    ClockFacts
		now  string
		want map[ClockKind]string
	}{
		"no breach, not significant: no clocks": {ClockFacts{}, "2026-05-01 12:00", map[ClockKind]string{}},
		"a breach, 72 h running": {ClockFacts{PersonalDataBreach: true, AwareAt: tp("2026-05-01 09:00")}, "2026-05-02 09:00",
			map[ClockKind]string{ClockGDPR: "2026-05-04 09:00 running"}},
		"a breach, 10 h left: soon": {ClockFacts{PersonalDataBreach: true, AwareAt: tp("2026-05-01 09:00")}, "2026-05-03 23:00",
			map[ClockKind]string{ClockGDPR: "2026-05-04 09:00 soon"}},
		"a breach, past due": {ClockFacts{PersonalDataBreach: true, AwareAt: tp("2026-05-01 09:00")}, "2026-05-04 09:01",
			map[ClockKind]string{ClockGDPR: "2026-05-04 09:00 overdue"}},
		"a breach reported late": {ClockFacts{PersonalDataBreach: true, AwareAt: tp("2026-05-01 09:00"), Reported: map[ClockKind]time.Time{ClockGDPR: at("2026-05-05 10:00")}},
			"2026-05-06 09:00", map[ClockKind]string{ClockGDPR: "2026-05-04 09:00 late"}},
		"a breach not to be notified": {ClockFacts{PersonalDataBreach: true, AwareAt: tp("2026-05-01 09:00"), NoNotification: true}, "2026-05-09 09:00",
			map[ClockKind]string{ClockGDPR: "2026-05-04 09:00 not_required"}},
		"72 exact hours across the change to summer time (29 March 2026)": {ClockFacts{PersonalDataBreach: true, AwareAt: tp("2026-03-28 12:00")}, "2026-03-28 13:00",
			map[ClockKind]string{ClockGDPR: "2026-03-31 13:00 running"}},
		"significant: early warning soon, notification running, final a month after the notification's due time": {
			ClockFacts{Significant: true, SignificantAt: tp("2026-06-10 08:00")}, "2026-06-11 03:00", map[ClockKind]string{
				ClockNIS2EarlyWarning: "2026-06-11 08:00 soon", ClockNIS2Notification: "2026-06-13 08:00 running", ClockNIS2Final: "2026-07-13 08:00 running"}},
		"significant, notified early: the final report runs from the notification made": {
			ClockFacts{Significant: true, SignificantAt: tp("2026-06-10 08:00"), Reported: map[ClockKind]time.Time{
				ClockNIS2EarlyWarning: at("2026-06-10 20:00"), ClockNIS2Notification: at("2026-06-11 12:00")}}, "2026-06-12 09:00", map[ClockKind]string{
				ClockNIS2EarlyWarning: "2026-06-11 08:00 done", ClockNIS2Notification: "2026-06-13 08:00 done", ClockNIS2Final: "2026-07-11 12:00 running"}},
		"still ongoing a month after the notification: a progress report then, the final one waits for the end": {
			ClockFacts{Significant: true, SignificantAt: tp("2026-01-05 08:00"), Reported: map[ClockKind]time.Time{
				ClockNIS2EarlyWarning: at("2026-01-05 20:00"), ClockNIS2Notification: at("2026-01-07 09:00")}}, "2026-02-08 09:00", map[ClockKind]string{
				ClockNIS2EarlyWarning: "2026-01-06 08:00 done", ClockNIS2Notification: "2026-01-08 08:00 done",
				ClockNIS2Progress: "2026-02-07 09:00 overdue", ClockNIS2Final: "- waiting"}},
		"ended after the month: the final report a month after the end": {
			ClockFacts{Significant: true, SignificantAt: tp("2026-01-05 08:00"), HandlingEndedAt: tp("2026-03-31 16:00"), Reported: map[ClockKind]time.Time{
				ClockNIS2EarlyWarning: at("2026-01-05 20:00"), ClockNIS2Notification: at("2026-01-07 09:00"), ClockNIS2Progress: at("2026-02-06 10:00")}},
			"2026-04-01 09:00", map[ClockKind]string{
				ClockNIS2EarlyWarning: "2026-01-06 08:00 done", ClockNIS2Notification: "2026-01-08 08:00 done",
				ClockNIS2Progress: "2026-02-07 09:00 done", ClockNIS2Final: "2026-04-30 16:00 running"}},
		"ended within the month: no progress report": {
			ClockFacts{Significant: true, SignificantAt: tp("2026-01-05 08:00"), HandlingEndedAt: tp("2026-01-20 16:00"), Reported: map[ClockKind]time.Time{
				ClockNIS2Notification: at("2026-01-07 09:00")}}, "2026-01-21 09:00", map[ClockKind]string{
				ClockNIS2EarlyWarning: "2026-01-06 08:00 overdue", ClockNIS2Notification: "2026-01-08 08:00 done", ClockNIS2Final: "2026-02-07 09:00 running"}},
		"the authority asked for an intermediate report": {
			ClockFacts{Significant: true, SignificantAt: tp("2026-06-10 08:00"), IntermediateDue: tp("2026-06-20 12:00")}, "2026-06-20 13:00", map[ClockKind]string{
				ClockNIS2EarlyWarning: "2026-06-11 08:00 overdue", ClockNIS2Notification: "2026-06-13 08:00 overdue",
				ClockNIS2Intermediate: "2026-06-20 12:00 overdue", ClockNIS2Final: "2026-07-13 08:00 running"}},
		"a breach that is also significant: both laws' clocks": {
			ClockFacts{PersonalDataBreach: true, AwareAt: tp("2026-06-09 10:00"), Significant: true, SignificantAt: tp("2026-06-10 08:00")}, "2026-06-10 09:00",
			map[ClockKind]string{ClockGDPR: "2026-06-12 10:00 running", ClockNIS2EarlyWarning: "2026-06-11 08:00 running",
				ClockNIS2Notification: "2026-06-13 08:00 running", ClockNIS2Final: "2026-07-13 08:00 running"}},
	} {
		got := byKind(Clocks(tc.f, at(tc.now)))
		if len(got) != len(tc.want) {
			t.Errorf("%s: clocks %v, want %v", name, got, tc.want)
			continue
		}
		for k, w := range tc.want {
			if got[k] != w {
				t.Errorf("%s: %s = %q, want %q", name, k, got[k], w)
			}
		}
	}
}

func TestValidateClockMoments(t *testing.T) {
	discovered, now := at("2026-05-01 09:00"), at("2026-05-03 09:00")
	p := Problems{}
	ValidateClockMoments(p, discovered, tp("2026-04-30 09:00"), tp("2026-05-04 09:00"), map[ClockKind]time.Time{ClockGDPR: at("2026-04-30 10:00")}, now)
	if p["aware_at"] != "err.before_discovery" || p["significant_at"] != "err.date_future" || p["sent_at"] != "err.before_discovery" {
		t.Errorf("problems %v", p)
	}
	p = Problems{}
	ValidateClockMoments(p, discovered, tp("2026-05-01 10:00"), tp("2026-05-02 09:00"), map[ClockKind]time.Time{ClockGDPR: at("2026-05-02 10:00")}, now)
	if len(p) != 0 {
		t.Errorf("good moments refused: %v", p)
	}
}
