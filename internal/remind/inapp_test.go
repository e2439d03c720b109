package remind_test

import (
	"testing"
	"time"
)

// Without SMTP the scheduler still reminds, in the app: owners (also those without an email
// address) get notifications once per record and threshold, and no mail is queued.
func TestInAppOnlyWithoutSMTP(t *testing.T) {
	e := newEnv(t)
	withMail := e.person("olle", "Olle", "olle@ankeby.se")
	noMail := e.person("stina", "Stina", "")
	e.grant(withMail, "information_owner")
	e.grant(noMail, "information_owner")
	e.record("Rutin A", withMail, "2025-05-15") // due in 5 days: the 7-day reminder
	e.record("Rutin B", noMail, "2025-05-01")   // overdue
	sch := e.scheduler(nil, 1)
	sch.Mailer = nil
	e.runOnce(sch)
	e.runOnce(sch) // the same day again: nothing new

	for _, who := range []int64{withMail, noMail} {
		ns, err := e.s.Notifications(e.ctx, who, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(ns) != 1 {
			t.Errorf("user %d has %d notifications, want 1: %+v", who, len(ns), ns)
		}
	}
	if ob := e.outbox(); len(ob) != 0 {
		t.Errorf("mail queued without SMTP: %+v", ob)
	}
	// Days later the first record is overdue: one more notification, still no mail.
	e.advance(7 * 24 * time.Hour)
	e.runOnce(sch)
	ns, _ := e.s.Notifications(e.ctx, withMail, 10)
	if len(ns) != 2 {
		t.Errorf("after it turned overdue: %d notifications, want 2", len(ns))
	}
	if ob := e.outbox(); len(ob) != 0 {
		t.Errorf("mail queued without SMTP: %d", len(ob))
	}
}
