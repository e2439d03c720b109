package domain

import (
	"time"
)

// The legal clocks of an incident (issue 10): the deadlines the GDPR and the cybersäkerhetslag
// (2025:1506, NIS2 art. 23) set for its reports, computed by one function from what is known of
// the incident. Deadlines are never typed in: they follow from the moments recorded.

// ClockKind names a report a deadline runs for.
type ClockKind string

// The clocks.
const (
	ClockGDPR             ClockKind = "gdpr_imy"           // personal data breach to IMY: 72 h from awareness (art. 33)
	ClockNIS2EarlyWarning ClockKind = "nis2_early_warning" // significant incident: early warning within 24 h
	ClockNIS2Notification ClockKind = "nis2_notification"  // … incident notification within 72 h
	ClockNIS2Intermediate ClockKind = "nis2_intermediate"  // … an intermediate report, when the authority asks, by its date
	ClockNIS2Progress     ClockKind = "nis2_progress"      // … a progress report, when still ongoing a month after the notification
	ClockNIS2Final        ClockKind = "nis2_final"         // … the final report: a month after the notification, or after handling ended
)

// ClockState says where a clock stands.
type ClockState string

// The states of a clock.
const (
	ClockWaiting     ClockState = "waiting"      // its start is not known yet (the final report of an incident still being handled)
	ClockRunning     ClockState = "running"      // due, with time left
	ClockSoon        ClockState = "soon"         // due within the warning window
	ClockOverdue     ClockState = "overdue"      // past due, no report
	ClockDone        ClockState = "done"         // reported in time
	ClockLate        ClockState = "late"         // reported after the deadline (a late report needs its reason)
	ClockNotRequired ClockState = "not_required" // decided not to report, with a justification
)

// ClockFacts is what the clocks follow from: the moments recorded on the incident, in UTC or
// any zone (months are counted in Swedish time).
type ClockFacts struct {
	// A personal data breach: when the municipality became aware of it, and whether it decided
	// not to notify (art. 33(1): unlikely to result in a risk), which stops the clock.
	PersonalDataBreach bool
	AwareAt            *time.Time
	NoNotification     bool
	// A significant incident: when the municipality became aware that it is significant (the
	// start of the cybersäkerhetslag's clocks, recorded apart from discovery).
	Significant   bool
	SignificantAt *time.Time
	// IntermediateDue is the date by which the authority asked for an intermediate report.
	IntermediateDue *time.Time
	// HandlingEndedAt is when the handling ended (resolved): the final report of an incident
	// still ongoing a month after its notification is due a month after this.
	HandlingEndedAt *time.Time
	// Reported is when each report was made.
	Reported map[ClockKind]time.Time
}

// Clock is one deadline of an incident.
type Clock struct {
	Kind  ClockKind  `json:"kind"`
	DueAt *time.Time `json:"due_at"` // nil while waiting
	// DoneAt is when the report was made (nil: not yet).
	DoneAt *time.Time `json:"done_at"`
	State  ClockState `json:"state"`
}

// SoonWithin is the warning window of a clock: a quarter of the time it gives, at most a day
// (hours for the 24 and 72 hour clocks, a day for the monthly ones).
func SoonWithin(k ClockKind) time.Duration {
	switch k {
	case ClockNIS2EarlyWarning:
		return 6 * time.Hour
	case ClockGDPR, ClockNIS2Notification:
		return 18 * time.Hour
	}
	return 24 * time.Hour
}

// AddLegalMonths is t plus n months in Swedish time, by the rule of lagen (1930:173) om
// beräkning av lagstadgad tid: the same day of the month, or its last day when the month has
// no such day (31 January + 1 month = 28 or 29 February, not 3 March).
func AddLegalMonths(t time.Time, n int) time.Time {
	local := t.In(Sweden)
	y, m, d := local.Date()
	first := time.Date(y, m+time.Month(n), 1, local.Hour(), local.Minute(), local.Second(), local.Nanosecond(), Sweden)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), local.Hour(), local.Minute(), local.Second(), local.Nanosecond(), Sweden)
}

// Clocks computes the incident's clocks at now: the GDPR's 72 hours for a personal data
// breach from awareness (stopped by a decision not to notify); for a significant incident the
// early warning (24 h) and the notification (72 h) from the moment it was judged significant,
// an intermediate report when the authority asked for one, and the final report a month
// after the notification was made (or would have been due) — unless the incident is still
// being handled then, when a progress report is due at that point and the final report a month
// after the handling ended. Hours are exact hours (a change to summer time does not move
// them); months are calendar months in Swedish time.
func Clocks(f ClockFacts, now time.Time) []Clock {
	var out []Clock
	add := func(k ClockKind, due *time.Time) {
		c := Clock{Kind: k, DueAt: due}
		if t, ok := f.Reported[k]; ok {
			done := t
			c.DoneAt = &done
		}
		c.State = ClockStateAt(c, now)
		out = append(out, c)
	}
	after := func(t *time.Time, d time.Duration) *time.Time {
		if t == nil {
			return nil
		}
		v := t.Add(d)
		return &v
	}
	if f.PersonalDataBreach && f.AwareAt != nil {
		if f.NoNotification && f.Reported[ClockGDPR].IsZero() {
			out = append(out, Clock{Kind: ClockGDPR, DueAt: after(f.AwareAt, 72*time.Hour), State: ClockNotRequired})
		} else {
			add(ClockGDPR, after(f.AwareAt, 72*time.Hour))
		}
	}
	if !f.Significant || f.SignificantAt == nil {
		return out
	}
	add(ClockNIS2EarlyWarning, after(f.SignificantAt, 24*time.Hour))
	notifyDue := after(f.SignificantAt, 72*time.Hour)
	add(ClockNIS2Notification, notifyDue)
	if f.IntermediateDue != nil {
		add(ClockNIS2Intermediate, f.IntermediateDue)
	}
	base := *notifyDue
	if t, ok := f.Reported[ClockNIS2Notification]; ok {
		base = t
	}
	monthAfter := AddLegalMonths(base, 1)
	ongoing := f.HandlingEndedAt == nil || f.HandlingEndedAt.After(monthAfter)
	if !ongoing {
		add(ClockNIS2Final, &monthAfter)
		return out
	}
	// Still ongoing a month after the notification (or, today, not ended): a progress report
	// then, and the final report a month after the handling ends.
	if !now.Before(monthAfter) || f.HandlingEndedAt != nil {
		add(ClockNIS2Progress, &monthAfter)
	}
	var final *time.Time
	if f.HandlingEndedAt != nil {
		v := AddLegalMonths(*f.HandlingEndedAt, 1)
		final = &v
	} else if now.Before(monthAfter) {
		final = &monthAfter // if it ends in time, this is the date
	}
	add(ClockNIS2Final, final)
	return out
}

// ClockStateAt is where clock c (its due and done moments) stands at now.
func ClockStateAt(c Clock, now time.Time) ClockState {
	switch {
	case c.DueAt == nil && c.DoneAt != nil:
		return ClockDone
	case c.DueAt == nil:
		return ClockWaiting
	case c.DoneAt != nil && !c.DoneAt.After(*c.DueAt):
		return ClockDone
	case c.DoneAt != nil:
		return ClockLate
	case now.After(*c.DueAt):
		return ClockOverdue
	case !now.Before(c.DueAt.Add(-SoonWithin(c.Kind))):
		return ClockSoon
	}
	return ClockRunning
}

// ValidateClockMoments checks the moments an incident's clocks start from, adding to p what
// is wrong: awareness and significance neither in the future nor before the discovery, and a
// report not before the incident was known (discovered).
func ValidateClockMoments(p Problems, discovered time.Time, aware, significant *time.Time, reported map[ClockKind]time.Time, now time.Time) {
	for field, t := range map[string]*time.Time{"aware_at": aware, "significant_at": significant} {
		switch {
		case t == nil:
		case t.After(now):
			p.Add(field, "err.date_future")
		case t.Before(discovered):
			p.Add(field, "err.before_discovery")
		}
	}
	for _, t := range reported {
		if t.Before(discovered) {
			p.Add("sent_at", "err.before_discovery")
		}
		if t.After(now) {
			p.Add("sent_at", "err.date_future")
		}
	}
}
