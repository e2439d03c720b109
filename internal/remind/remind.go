// Package remind makes reviews come round by themselves: a scheduler that plans review
// reminders and the coordinators' weekly summary into the store's mail outbox and sends the
// outbox over SMTP, retrying with backoff; and the iCalendar feed of a person's reviews.
//
// Everything that must happen once is decided by the database (package store), never by this
// process: any number of servers may run a Scheduler on the same database.
package remind

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/i18n"
	"github.com/lisa-isms/lisa/internal/store"
)

// DefaultThresholds are the reminder days when Config.Thresholds is empty.
var DefaultThresholds = []int{30, 7}

// The other defaults of Config.
const (
	DefaultInterval  = time.Minute
	DefaultBatchSize = 10
)

// Config sets what the scheduler does.
type Config struct {
	// Thresholds are the days before a review date when the owner is reminded (default 30
	// and 7). The overdue reminder (the day after the review date) always comes.
	Thresholds []int
	// Interval is the time between runs (default 1 minute).
	Interval time.Duration
	// BaseURL is Lisa's address as people reach it, for the links in mails
	// ("https://lisa.kommun.se"; empty: links are paths only).
	BaseURL string
	// BatchSize is how many mails are claimed at a time (default 10); each claim is leased for
	// two minutes per mail.
	BatchSize int
}

// Scheduler plans reminders and sends the outbox. Store is required; without a Mailer it
// reminds in the app only.
type Scheduler struct {
	Store  *store.Store
	Mailer Mailer
	Clock  func() time.Time // default time.Now
	Config Config
	Logger *slog.Logger // default slog.Default()
	// Texts are the words of the mails (keys mail.*; default: the translations embedded in
	// the binary, loaded once).
	Texts *i18n.Catalog
}

func (s *Scheduler) now() time.Time {
	if s.Clock != nil {
		return s.Clock()
	}
	return time.Now()
}

func (s *Scheduler) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

func (s *Scheduler) thresholds() []int {
	if len(s.Config.Thresholds) == 0 {
		return DefaultThresholds
	}
	return s.Config.Thresholds
}

func (s *Scheduler) batchSize() int {
	if s.Config.BatchSize > 0 {
		return s.Config.BatchSize
	}
	return DefaultBatchSize
}

// RunOnce plans today's reminders and this week's summaries, then sends what the outbox
// holds that is due. A mail that cannot be sent is recorded (MarkFailed) and tried again
// later: mail trouble is logged, not returned. The error reports database trouble only.
func (s *Scheduler) RunOnce(ctx context.Context) error {
	if s.Store == nil {
		return errors.New("remind: scheduler needs a store")
	}
	texts := s.Texts
	if texts == nil && s.Mailer != nil {
		var err error
		if texts, err = defaultTexts(); err != nil { // plan no mail without words (a test loads them)
			return fmt.Errorf("remind: the texts of the mails: %w", err)
		}
	}
	now := s.now()
	today := domain.DateOf(now.In(domain.Sweden))
	base := strings.TrimRight(s.Config.BaseURL, "/")
	var errs []error
	render := func(u domain.User, items []domain.DueItem) (string, string) {
		return Digest(texts, u, items, today, base)
	}
	if s.Mailer == nil {
		render = nil // no SMTP: in-app notifications only
	}
	n, err := s.Store.PlanReminders(ctx, today, s.thresholds(), render)
	// Acceptances of residual risk past their valid-until end, and their risks open again
	// (their reminders come from the review date, set to today).
	if _, xerr := s.Store.ExpireAcceptances(ctx, today, 200); xerr != nil {
		err = errors.Join(err, fmt.Errorf("expire acceptances: %w", xerr))
	}
	// The legal clocks of incidents, in hours: at the start of a clock's warning window and
	// when it passes, to the handler and the coordinators.
	var clockMail func(store.ClockReminder, domain.User) (string, string)
	if s.Mailer != nil {
		clockMail = func(r store.ClockReminder, u domain.User) (string, string) { return ClockMail(texts, r, u, base) }
	}
	if _, cerr := s.Store.RemindClocks(ctx, now, 200, clockMail); cerr != nil {
		err = errors.Join(err, fmt.Errorf("remind clocks: %w", cerr))
	}
	if s.Mailer == nil {
		return err
	}
	if err != nil {
		errs = append(errs, fmt.Errorf("plan reminders: %w", err))
	} else if n > 0 {
		s.log().Info("reminders planned", "mails", n, "day", today.String())
	}
	n, err = s.Store.PlanWeeklySummaries(ctx, today, func(ws store.WeeklySummary) (string, string) {
		return Summary(texts, ws, base)
	})
	if err != nil {
		errs = append(errs, fmt.Errorf("plan weekly summaries: %w", err))
	} else if n > 0 {
		s.log().Info("weekly summaries planned", "mails", n, "week", store.ISOWeek(today))
	}
	if err := s.deliver(ctx); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// deliver claims due mails batch by batch and sends each once.
func (s *Scheduler) deliver(ctx context.Context) error {
	size := s.batchSize()
	lease := time.Duration(size) * 2 * time.Minute
	for range 1000 { // bounded: failed mails wait for their backoff, so the queue drains
		if ctx.Err() != nil {
			return nil
		}
		claimed, err := s.Store.ClaimOutbox(ctx, s.now(), size, lease)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("claim outbox: %w", err)
		}
		for _, m := range claimed {
			if err := s.deliverOne(ctx, m); err != nil {
				return err
			}
		}
		if len(claimed) < size {
			return nil
		}
	}
	return nil
}

// deliverOne sends one claimed mail and records the outcome, even while ctx ends (a mail
// sent but not marked would go out twice after its lease).
func (s *Scheduler) deliverOne(ctx context.Context, m store.OutboxMail) error {
	sendErr := s.send(ctx, m)
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if sendErr == nil {
		if err := s.Store.MarkSent(mctx, m.ID, s.now()); err != nil {
			return fmt.Errorf("mark mail %d sent: %w", m.ID, err)
		}
		s.log().Info("mail sent", "outbox_id", m.ID, "attempt", m.Attempts+1)
		return nil
	}
	after, err := s.Store.MarkFailed(mctx, m.ID, sendErr.Error(), s.now())
	if err != nil {
		return fmt.Errorf("mark mail %d failed: %w", m.ID, err)
	}
	attrs := []any{"outbox_id", m.ID, "attempt", after.Attempts, "error", sendErr.Error()}
	if after.Status == store.OutboxFailed {
		s.log().Error("mail failed for good", attrs...)
	} else {
		s.log().Warn("mail not sent, will retry", append(attrs, "next_attempt_at", after.NextAttemptAt)...)
	}
	return nil
}

// send calls the mailer; a panicking mailer counts as a failed send.
func (s *Scheduler) send(ctx context.Context, m store.OutboxMail) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("mailer panicked: %v", r)
		}
	}()
	return s.Mailer.Send(ctx, m.ToAddress, m.Subject, m.Body)
}

// Run runs RunOnce now and then every Interval until ctx ends. Errors and panics are logged:
// the scheduler never takes the server down with it.
func (s *Scheduler) Run(ctx context.Context) {
	interval := s.Config.Interval
	if interval <= 0 {
		interval = DefaultInterval
	}
	s.log().Info("reminders started", "interval", interval.String(), "thresholds", fmt.Sprint(s.thresholds()), "mailer", s.Mailer)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		s.runSafely(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *Scheduler) runSafely(ctx context.Context) {
	defer func() {
		if r := recover(); r != nil {
			s.log().Error("reminders: panic", "panic", fmt.Sprint(r))
		}
	}()
	if err := s.RunOnce(ctx); err != nil && ctx.Err() == nil {
		s.log().Error("reminders", "error", err.Error())
	}
}

// ParseDays parses a list of reminder days such as "30,7" (LISA_REMINDER_DAYS).
func ParseDays(s string) ([]int, error) {
	var out []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || n > 366 {
			return nil, fmt.Errorf("reminder days: %q is not a number of days from 1 to 366", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// FromEnv reads the reminder settings: LISA_SMTP_HOST, LISA_SMTP_PORT (default 587),
// LISA_SMTP_USER, LISA_SMTP_PASSWORD, LISA_SMTP_FROM, LISA_SMTP_STARTTLS (default on; 0 or
// false for a relay without TLS), LISA_BASE_URL, LISA_REMINDER_DAYS (default 30,7). The
// mailer is nil when LISA_SMTP_HOST is not set: reminders are off.
func FromEnv(getenv func(string) string) (Config, *SMTPMailer, error) {
	var c Config
	if v := getenv("LISA_REMINDER_DAYS"); v != "" {
		days, err := ParseDays(v)
		if err != nil {
			return c, nil, err
		}
		c.Thresholds = days
	}
	c.BaseURL = strings.TrimRight(getenv("LISA_BASE_URL"), "/")
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return c, nil, fmt.Errorf("LISA_BASE_URL %q: want an absolute http(s) URL", c.BaseURL)
		}
	}
	host := getenv("LISA_SMTP_HOST")
	if host == "" {
		return c, nil, nil
	}
	m := &SMTPMailer{Host: host, Port: 587, Username: getenv("LISA_SMTP_USER"), Password: getenv("LISA_SMTP_PASSWORD"),
		From: getenv("LISA_SMTP_FROM"), StartTLS: true}
	if v := getenv("LISA_SMTP_PORT"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 65535 {
			return c, nil, fmt.Errorf("LISA_SMTP_PORT %q: not a port", v)
		}
		m.Port = p
	}
	switch strings.ToLower(getenv("LISA_SMTP_STARTTLS")) {
	case "", "1", "true", "yes", "on":
	case "0", "false", "no", "off":
		m.StartTLS = false
	default:
		return c, nil, fmt.Errorf("LISA_SMTP_STARTTLS %q: want 1 or 0", getenv("LISA_SMTP_STARTTLS"))
	}
	if m.From == "" {
		return c, nil, errors.New("LISA_SMTP_FROM is required with LISA_SMTP_HOST")
	}
	if _, err := mail.ParseAddress(m.From); err != nil {
		return c, nil, fmt.Errorf("LISA_SMTP_FROM %q: %w", m.From, err)
	}
	return c, m, nil
}
