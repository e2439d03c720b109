package store

import (
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/lisa-isms/lisa/internal/domain"
)

// This file is "reviews that come round by themselves": planning review reminders and the
// coordinators' weekly summary into the mail outbox (the durable queue that package remind
// sends from), in-app notifications, and the calendar feed tokens.
//
// Exactly-once planning rests on unique keys, not on timing: reminders (record, due date,
// threshold) and summaries (user, municipality, week) are inserted with ON CONFLICT DO
// NOTHING in the transaction that queues the mail, so a restart or a second server finds the
// row and plans nothing. Sending is at-least-once per claim lease: ClaimOutbox leases rows
// with a conditional UPDATE so two senders never hold the same row.

// The states of an outbox row.
const (
	OutboxPending = "pending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
)

// MaxOutboxAttempts is how many times a mail is tried before it is marked failed.
const MaxOutboxAttempts = 8

// OutboxBackoff is the wait after failed attempt n (1-based): 1 min, 2 min, 4 min, ...
func OutboxBackoff(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	if attempt > 20 {
		attempt = 20
	}
	return time.Minute << (attempt - 1)
}

// The kinds of notification.
const (
	NotifyReviewDue     = "review_due"     // a record's review date is near
	NotifyReviewOverdue = "review_overdue" // a record's review date has passed
	NotifyWeeklySummary = "weekly_summary" // a coordinator's weekly summary was sent
)

// OutboxMail is one queued mail. Body is never sent to API clients.
type OutboxMail struct {
	ID            int64      `db:"id" json:"id"`
	ToAddress     string     `db:"to_address" json:"to_address"`
	ToUserID      *int64     `db:"to_user_id" json:"to_user_id"`
	Subject       string     `db:"subject" json:"subject"`
	Body          string     `db:"body_text" json:"-"`
	Status        string     `db:"status" json:"status"`
	Attempts      int        `db:"attempts" json:"attempts"`
	NextAttemptAt time.Time  `db:"next_attempt_at" json:"next_attempt_at"`
	LastError     string     `db:"last_error" json:"last_error"`
	CreatedAt     time.Time  `db:"created_at" json:"created_at"`
	SentAt        *time.Time `db:"sent_at" json:"sent_at"`
	LockedUntil   *time.Time `db:"locked_until" json:"-"`
}

// Notification is one in-app message to a user.
type Notification struct {
	ID             int64        `db:"id" json:"id"`
	UserID         int64        `db:"user_id" json:"-"`
	MunicipalityID int64        `db:"municipality_id" json:"municipality_id"`
	RecordID       *int64       `db:"record_id" json:"record_id"`
	RecordKind     string       `db:"record_kind" json:"record_kind,omitempty"`
	RecordRef      string       `db:"record_ref" json:"-"`
	Kind           string       `db:"kind" json:"kind"`
	MessageKey     string       `db:"message" json:"-"`   // a text-catalog key (older rows: the Swedish text)
	ArgsJSON       string       `db:"args_json" json:"-"` // the key's arguments, a JSON array of strings
	Message        string       `db:"-" json:"message"`   // rendered in the reader's language by Render
	DueDate        *domain.Date `db:"due_date" json:"due_date"`
	CreatedAt      time.Time    `db:"created_at" json:"created_at"`
	ReadAt         *time.Time   `db:"read_at" json:"read_at"`
}

// Args returns the arguments of the message key.
func (n Notification) Args() []any {
	var ss []string
	if n.ArgsJSON != "" {
		_ = json.Unmarshal([]byte(n.ArgsJSON), &ss)
	}
	out := make([]any, len(ss))
	for i, v := range ss {
		out[i] = v
	}
	return out
}

// WeeklySummary is what one coordinator is told about one municipality once a week.
type WeeklySummary struct {
	User         domain.User
	Municipality domain.Municipality
	Week         string           // ISO week, 2026-W48
	Today        domain.Date      // the day the summary was planned
	Overdue      []domain.DueItem // review date before Today, earliest first
	DueSoon      []domain.DueItem // review date from Today through Today+DueSoonDays
}

// ISOWeek names the ISO 8601 week of d: 2026-W48.
func ISOWeek(d domain.Date) string {
	y, w := d.Time().ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// reminderThresholds returns the positive thresholds ascending with 0 (overdue) first.
func reminderThresholds(in []int) []int {
	out := []int{0}
	for _, t := range in {
		if t > 0 && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}

// tightestThreshold is the smallest threshold that applies to a review due on next: 0 when
// overdue, else the smallest t with next <= today+t. ok is false when none applies.
func tightestThreshold(ts []int, next, today domain.Date) (int, bool) {
	for _, t := range ts {
		if t == 0 {
			if next.Before(today) {
				return 0, true
			}
			continue
		}
		if !next.After(today.AddDays(t)) {
			return t, true
		}
	}
	return 0, false
}

// inTx expands IN (?) lists and rebinds for tx.
func inTx(tx *sqlx.Tx, query string, args ...any) (string, []any, error) {
	q, a, err := sqlx.In(query, args...)
	if err != nil {
		return "", nil, fmt.Errorf("expand query: %w", err)
	}
	return tx.Rebind(q), a, nil
}

// remindFrom is the first day after today on which a reminder tighter than those that apply
// today comes for a review due on next (thresholds ts as from reminderThresholds; t and ok
// from tightestThreshold for today); nil when the overdue reminder applies already: nothing
// more comes until the review date changes.
func remindFrom(ts []int, next domain.Date, t int, ok bool) *domain.Date {
	if ok && t == 0 {
		return nil
	}
	for i := len(ts) - 1; i >= 0; i-- {
		x := ts[i]
		if ok && x >= t {
			continue
		}
		d := next.AddDays(-x)
		if x == 0 {
			d = next.AddDays(1) // overdue: the day after the review date
		}
		return &d
	}
	return nil
}

// DefaultPlanBatch is how many records one transaction of PlanReminders starts from
// (Store.PlanBatch).
const DefaultPlanBatch = 50

// remindCandidate is a record the planner looks at, with what decides whether its owner hears.
type remindCandidate struct {
	domain.DueItem
	OwnerDisabled bool `db:"owner_disabled"`
}

// PlanReminders queues review reminders due on day today. A record is reminded when it is
// open (status not closed), has an owner who is not disabled, and its review date falls within
// a threshold (next_review_at <= today+t for each t in thresholds; before today for the
// overdue reminder, threshold 0, which always applies). Only the tightest threshold that
// applies counts: a record due in 3 days gets the 7-day reminder, and the looser thresholds
// are marked done so they never come later. Each (record, review date, threshold) is reminded
// once ever. Records are grouped per owner into one digest mail (render gives its subject and
// body) with one notification per record. It returns the number of mails queued. With render
// nil no mail is queued (no SMTP is configured); owners without an e-mail address get the
// notifications without a mail.
//
// Planning is incremental: only records whose remind_at has come are looked at (a save sets
// it to the day of the change; planning moves it to the day of the next reminder), so a pass
// with nothing to do is one indexed query. The work is done in transactions of about
// DefaultPlanBatch records each, whole owners at a time (one digest per owner and pass), with
// a pause after each as long as it took: writers wait for one small batch at most, on a first
// start over a large database too.
func (s *Store) PlanReminders(ctx context.Context, today domain.Date, thresholds []int,
	render func(user domain.User, items []domain.DueItem) (subject, body string)) (int, error) {
	ts := reminderThresholds(thresholds)
	if err := s.replanOnNewThresholds(ctx, ts, today); err != nil {
		return 0, err
	}
	size := s.PlanBatch
	if size <= 0 {
		size = DefaultPlanBatch
	}
	queued := 0
	// The pass walks the records due for a look in (remind_at, id) order once: records saved
	// meanwhile come again only ahead of where it is, so that a pass ends under any load.
	at := planCursor{RemindAt: domain.NewDate(1, time.January, 1)}
	for {
		t0 := time.Now()
		n, next, more, err := s.planBatch(ctx, today, ts, render, size, at)
		queued += n
		if err != nil || !more {
			return queued, err
		}
		at = next
		// Leave the writer to others for as long as the batch held it: a first pass over a
		// large database takes twice as long, and writes wait for one small batch at most.
		if err := sleepCtx(ctx, time.Since(t0)); err != nil {
			return queued, err
		}
	}
}

// planCursor is where a pass of the planner is: the last record looked at.
type planCursor struct {
	RemindAt domain.Date `db:"remind_at"`
	ID       int64       `db:"id"`
}

// replanOnNewThresholds makes every open record due for a look when the thresholds differ
// from those of the last pass (a record's remind_at was computed with the old ones).
func (s *Store) replanOnNewThresholds(ctx context.Context, ts []int, today domain.Date) error {
	want := fmt.Sprint(ts)
	var have string
	err := s.db(ctx).GetContext(ctx, &have, s.rebind(`SELECT value FROM scheduler_state WHERE name = 'reminder_thresholds'`))
	if err == nil && have == want {
		return nil
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read reminder thresholds: %w", err)
	}
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE records SET remind_at = ? WHERE remind_at > ?`), today, today); err != nil {
			return fmt.Errorf("replan reminders: %w", err)
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO scheduler_state (name, value) VALUES ('reminder_thresholds', ?)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value`), want)
		if err != nil {
			return fmt.Errorf("save reminder thresholds: %w", err)
		}
		return nil
	})
}

// The planner's reads: the first records whose remind_at has come (index records_remind),
// how many such records some owners have and all of them (index records_owner_remind).
const (
	planCountSQL  = `SELECT r.owner_id, COUNT(*) AS n FROM records r WHERE r.owner_id IN (?) AND r.remind_at <= ? GROUP BY r.owner_id`
	planFirstSQL  = `SELECT r.id, r.owner_id, r.remind_at FROM records r WHERE r.remind_at <= ? AND (r.remind_at, r.id) > (?, ?) ORDER BY r.remind_at, r.id LIMIT ?`
	planOwnersSQL = `SELECT ` + dueItemColumns + `, u.disabled AS owner_disabled
		FROM records r JOIN users u ON u.id = r.owner_id JOIN org_units o ON o.id = r.org_unit_id
		WHERE r.owner_id IN (?) AND r.remind_at <= ?`
)

// ownersUpTo is the first of owners (at least one) whose records due for a look number
// about size together: a batch takes whole owners, each owner's records in one digest.
func ownersUpTo(ctx context.Context, tx *sqlx.Tx, owners []int64, today domain.Date, size int) ([]int64, error) {
	if len(owners) == 0 {
		return nil, nil
	}
	q, args, err := inTx(tx, planCountSQL, owners, today)
	if err != nil {
		return nil, err
	}
	var counts []struct {
		OwnerID int64 `db:"owner_id"`
		N       int   `db:"n"`
	}
	if err := tx.SelectContext(ctx, &counts, q, args...); err != nil {
		return nil, fmt.Errorf("count records to remind: %w", err)
	}
	n := map[int64]int{}
	for _, c := range counts {
		n[c.OwnerID] = c.N
	}
	total := 0
	for i, o := range owners {
		total += n[o]
		if total >= size {
			return owners[:i+1], nil
		}
	}
	return owners, nil
}

// compareDates orders dates with nil last.
func compareDates(a, b *domain.Date) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return a.Time().Compare(b.Time())
}

// planBatch plans, in one transaction, the first records after at (in remind_at order) whose
// remind_at has come, up to about size, with all other such records of their owners. It
// returns where the next batch starts, and whether there may be more.
func (s *Store) planBatch(ctx context.Context, today domain.Date, ts []int,
	render func(user domain.User, items []domain.DueItem) (subject, body string), size int, at planCursor) (queued int, next planCursor, more bool, err error) {
	err = s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		queued, next, more = 0, at, false
		now := s.now()
		var first []struct {
			planCursor
			OwnerID *int64 `db:"owner_id"`
		}
		if err := tx.SelectContext(ctx, &first, tx.Rebind(planFirstSQL), today, at.RemindAt, at.ID, size); err != nil {
			return fmt.Errorf("list records to remind: %w", err)
		}
		if len(first) == 0 {
			return nil
		}
		more, next = len(first) == size, first[len(first)-1].planCursor
		var firstOwners, ownerless []int64
		seen := map[int64]bool{}
		for _, f := range first {
			switch {
			case f.OwnerID == nil:
				ownerless = append(ownerless, f.ID)
			case !seen[*f.OwnerID]:
				seen[*f.OwnerID] = true
				firstOwners = append(firstOwners, *f.OwnerID)
			}
		}
		owners, err := ownersUpTo(ctx, tx, firstOwners, today, size)
		if err != nil {
			return err
		}
		if len(owners) < len(firstOwners) { // the next batch starts at the first owner left out
			more, seen = true, map[int64]bool{}
			for _, o := range owners {
				seen[o] = true
			}
			for i, f := range first {
				if f.OwnerID != nil && !seen[*f.OwnerID] {
					next = at
					if i > 0 {
						next = first[i-1].planCursor
					}
					break
				}
			}
		}
		if len(ownerless) > 0 { // nobody to remind until an owner is set (a save)
			q, args, err := inTx(tx, `UPDATE records SET remind_at = NULL WHERE id IN (?)`, ownerless)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return fmt.Errorf("mark ownerless records: %w", err)
			}
		}
		if len(owners) == 0 {
			return nil
		}
		q, args, err := inTx(tx, planOwnersSQL, owners, today)
		if err != nil {
			return err
		}
		var items []remindCandidate
		if err := tx.SelectContext(ctx, &items, q, args...); err != nil {
			return fmt.Errorf("list reminder candidates: %w", err)
		}
		slices.SortFunc(items, func(a, b remindCandidate) int { // by owner, then as the digest lists them
			return cmp.Or(cmp.Compare(*a.OwnerID, *b.OwnerID), compareDates(a.NextReviewAt, b.NextReviewAt), cmp.Compare(a.ID, b.ID))
		})
		users := map[int64]domain.User{} // the owners a digest goes to, read once
		if render != nil {
			q, args, err := inTx(tx, `SELECT * FROM users WHERE id IN (?)`, owners)
			if err != nil {
				return err
			}
			var us []domain.User
			if err := tx.SelectContext(ctx, &us, q, args...); err != nil {
				return fmt.Errorf("list owners: %w", err)
			}
			for _, u := range us {
				users[u.ID] = u
			}
		}
		for start := 0; start < len(items); {
			owner := *items[start].OwnerID
			end := start
			for end < len(items) && *items[end].OwnerID == owner {
				end++
			}
			n, err := s.planOwner(ctx, tx, today, ts, render, users[owner], items[start:end], now)
			if err != nil {
				return err
			}
			queued += n
			start = end
		}
		return nil
	})
	return queued, next, more, err
}

// planOwner plans the reminders of one owner's records (items, in review date order) whose
// remind_at has come, and moves each record's remind_at on. It returns the mails queued (0 or 1).
// u is the owner when render is set. Its statements are set-based, a handful per owner
// whatever the number of records (on PostgreSQL each statement is a round trip, and a first
// pass over kommun-L took 6 minutes when they were per record): the day each record is looked
// at next, the claims of the tightest thresholds (those another server made first are not
// returned), the mail and its link to the claimed rows by id, the looser thresholds marked
// done, the notifications.
func (s *Store) planOwner(ctx context.Context, tx *sqlx.Tx, today domain.Date, ts []int,
	render func(user domain.User, items []domain.DueItem) (subject, body string), u domain.User, items []remindCandidate, now time.Time) (int, error) {
	owner := *items[0].OwnerID
	moves := make([]remindMove, 0, len(items))
	var claims []reminderRow
	for _, c := range items {
		it := c.DueItem
		var from *domain.Date
		if it.NextReviewAt != nil && !domain.IsClosed(it.Kind, it.Status) {
			t, ok := tightestThreshold(ts, *it.NextReviewAt, today)
			from = remindFrom(ts, *it.NextReviewAt, t, ok)
			if ok && !c.OwnerDisabled {
				claims = append(claims, reminderRow{item: it, threshold: t})
			}
		}
		moves = append(moves, remindMove{id: it.ID, at: from})
	}
	if err := s.moveRemindAt(ctx, tx, moves); err != nil {
		return 0, err
	}
	won, err := s.insertReminders(ctx, tx, claims, owner, now, true)
	if err != nil || len(won) == 0 {
		return 0, err
	}
	var claimed []domain.DueItem
	var claimIDs []int64
	var looser []reminderRow
	notes := make([]notificationRow, 0, len(won))
	for _, c := range claims {
		id, ok := won[c.item.ID]
		if !ok {
			continue // another server planned it first
		}
		claimed, claimIDs = append(claimed, c.item), append(claimIDs, id)
		for _, x := range ts {
			if x > c.threshold {
				looser = append(looser, reminderRow{item: c.item, threshold: x})
			}
		}
		kind := NotifyReviewDue
		if c.threshold == 0 {
			kind = NotifyReviewOverdue
		}
		notes = append(notes, notificationRow{user: owner, mun: c.item.MunicipalityID, record: &c.item.ID, kind: kind,
			args: []string{c.item.NextReviewAt.String(), c.item.Title}, due: c.item.NextReviewAt})
	}
	queued := 0
	if render != nil && u.Email != "" {
		subject, body := render(u, claimed)
		id, err := s.queueMail(ctx, tx, u, subject, body, now)
		if err != nil {
			return 0, err
		}
		queued++
		for part := range slices.Chunk(claimIDs, 100) { // the claimed rows, not their looser thresholds
			q, args, err := inTx(tx, `UPDATE reminders SET outbox_id = ? WHERE id IN (?)`, id, part)
			if err != nil {
				return 0, err
			}
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return 0, fmt.Errorf("link reminders: %w", err)
			}
		}
	}
	if _, err := s.insertReminders(ctx, tx, looser, owner, now, false); err != nil {
		return 0, err
	}
	return queued, s.insertNotificationRows(ctx, tx, notes, now)
}

// remindMove is the day a record is looked at next (nil: not until it is saved again).
type remindMove struct {
	id int64
	at *domain.Date
}

// moveRemindAt sets the remind_at of each record, a hundred in a statement.
func (s *Store) moveRemindAt(ctx context.Context, tx execer, moves []remindMove) error {
	for part := range slices.Chunk(moves, 100) {
		args := make([]any, 0, 3*len(part))
		for _, m := range part {
			args = append(args, m.id, m.at)
		}
		for _, m := range part {
			args = append(args, m.id)
		}
		q := `UPDATE records SET remind_at = CASE id` + strings.Repeat(` WHEN ? THEN `+s.d.dateParam, len(part)) +
			` END WHERE id IN (` + valueList(len(part), "?") + `)`
		if _, err := tx.ExecContext(ctx, tx.Rebind(q), args...); err != nil {
			return fmt.Errorf("move reminder days: %w", err)
		}
	}
	return nil
}

// reminderRow is a (record, review date, threshold) to claim.
type reminderRow struct {
	item      domain.DueItem
	threshold int
}

// insertReminders claims rows for user, a hundred in a statement; with returning, it reports
// the records whose rows it inserted, with each row's id (a row that exists is another
// server's claim). rows hold one threshold per record when returning.
func (s *Store) insertReminders(ctx context.Context, tx *sqlx.Tx, rows []reminderRow, user int64, now time.Time, returning bool) (map[int64]int64, error) {
	won := map[int64]int64{}
	for part := range slices.Chunk(rows, 100) {
		args := make([]any, 0, 5*len(part))
		for _, r := range part {
			args = append(args, r.item.ID, *r.item.NextReviewAt, r.threshold, user, now)
		}
		q := `INSERT INTO reminders (record_id, due_date, threshold, user_id, created_at) VALUES ` +
			valueList(len(part), "(?, ?, ?, ?, ?)") + ` ON CONFLICT DO NOTHING`
		if !returning {
			if _, err := tx.ExecContext(ctx, tx.Rebind(q), args...); err != nil {
				return nil, fmt.Errorf("insert reminders: %w", err)
			}
			continue
		}
		var ins []struct {
			ID       int64 `db:"id"`
			RecordID int64 `db:"record_id"`
		}
		if err := tx.SelectContext(ctx, &ins, tx.Rebind(q+` RETURNING id, record_id`), args...); err != nil {
			return nil, fmt.Errorf("insert reminders: %w", err)
		}
		for _, r := range ins {
			won[r.RecordID] = r.ID
		}
	}
	return won, nil
}

// valueList is n copies of one, comma-separated: the rows of a multi-row VALUES, or an IN list.
func valueList(n int, one string) string {
	return strings.TrimSuffix(strings.Repeat(one+", ", n), ", ")
}

func (s *Store) queueMail(ctx context.Context, tx *sqlx.Tx, u domain.User, subject, body string, now time.Time) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, tx.Rebind(`INSERT INTO mail_outbox (to_address, to_user_id, subject, body_text, status, attempts, next_attempt_at, last_error, created_at)
		VALUES (?, ?, ?, ?, ?, 0, ?, '', ?) RETURNING id`), u.Email, u.ID, subject, body, OutboxPending, now, now)
	if err != nil {
		return 0, fmt.Errorf("queue mail: %w", err)
	}
	return id, nil
}

// insertNotification stores a notification of kind whose text is the catalog key
// "notify."+kind with args, rendered when read in the reader's language.
func (s *Store) insertNotification(ctx context.Context, tx execer, user, mun int64, record *int64, kind string, args []string, due *domain.Date, now time.Time) error {
	return s.insertNotifications(ctx, tx, []int64{user}, mun, record, kind, args, due, now)
}

// insertNotifications notifies each of users of the same thing.
func (s *Store) insertNotifications(ctx context.Context, tx execer, users []int64, mun int64, record *int64, kind string, args []string, due *domain.Date, now time.Time) error {
	rows := make([]notificationRow, len(users))
	for i, u := range users {
		rows[i] = notificationRow{user: u, mun: mun, record: record, kind: kind, args: args, due: due}
	}
	return s.insertNotificationRows(ctx, tx, rows, now)
}

// notificationRow is one notification to store.
type notificationRow struct {
	user, mun int64
	record    *int64
	kind      string
	args      []string
	due       *domain.Date
}

// insertNotificationRows stores notifications a hundred in a statement (a statement is a
// round trip on PostgreSQL: a new incident notifies every coordinator, a planner's pass each
// owner of every record it reminds of).
func (s *Store) insertNotificationRows(ctx context.Context, tx execer, rows []notificationRow, now time.Time) error {
	for part := range slices.Chunk(rows, 100) { // 800 parameters at most a statement
		vals := make([]any, 0, 8*len(part))
		for _, n := range part {
			b, err := json.Marshal(n.args)
			if err != nil {
				return fmt.Errorf("encode notification: %w", err)
			}
			vals = append(vals, n.user, n.mun, n.record, n.kind, "notify."+n.kind, string(b), n.due, now)
		}
		q := `INSERT INTO notifications (user_id, municipality_id, record_id, kind, message, args_json, due_date, created_at) VALUES ` +
			valueList(len(part), "(?, ?, ?, ?, ?, ?, ?, ?)")
		if _, err := tx.ExecContext(ctx, tx.Rebind(q), vals...); err != nil {
			return fmt.Errorf("insert notification: %w", err)
		}
	}
	return nil
}

// PlanWeeklySummaries queues, once per ISO week (the first run on or after its Monday), each
// coordinator's summary of each municipality they coordinate: the overdue reviews and those
// due within domain.DueSoonDays. Coordinators without an e-mail address or disabled get none;
// a municipality with nothing overdue or due soon gets no mail that week. Returns the number
// of mails queued.
func (s *Store) PlanWeeklySummaries(ctx context.Context, today domain.Date, render func(WeeklySummary) (subject, body string)) (int, error) {
	week := ISOWeek(today)
	queued := 0
	err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		queued = 0
		now := s.now()
		var coords []struct {
			UserID         int64 `db:"user_id"`
			MunicipalityID int64 `db:"municipality_id"`
		}
		err := tx.SelectContext(ctx, &coords, tx.Rebind(`SELECT ra.user_id, ra.municipality_id FROM role_assignments ra
			JOIN users u ON u.id = ra.user_id
			WHERE ra.role = ? AND u.email <> '' AND u.disabled = ?
			AND NOT EXISTS (SELECT 1 FROM summaries m WHERE m.user_id = ra.user_id AND m.municipality_id = ra.municipality_id AND m.week = ?)
			ORDER BY ra.municipality_id, ra.user_id`), domain.RoleCoordinator, false, week)
		if err != nil {
			return fmt.Errorf("list coordinators: %w", err)
		}
		type munDues struct {
			m                domain.Municipality
			overdue, dueSoon []domain.DueItem
		}
		cache := map[int64]*munDues{}
		for _, c := range coords {
			res, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO summaries (user_id, municipality_id, week, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`),
				c.UserID, c.MunicipalityID, week, now)
			if err != nil {
				return fmt.Errorf("insert summary: %w", err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return fmt.Errorf("insert summary: %w", err)
			} else if n == 0 {
				continue
			}
			md := cache[c.MunicipalityID]
			if md == nil {
				md = &munDues{}
				if err := tx.GetContext(ctx, &md.m, tx.Rebind(`SELECT * FROM municipalities WHERE id = ?`), c.MunicipalityID); err != nil {
					return fmt.Errorf("get municipality: %w", err)
				}
				yesterday, soon := today.AddDays(-1), today.AddDays(domain.DueSoonDays)
				if md.overdue, err = dueItemsTx(ctx, tx, c.MunicipalityID, nil, &yesterday); err != nil {
					return err
				}
				if md.dueSoon, err = dueItemsTx(ctx, tx, c.MunicipalityID, &today, &soon); err != nil {
					return err
				}
				cache[c.MunicipalityID] = md
			}
			if len(md.overdue) == 0 && len(md.dueSoon) == 0 {
				continue
			}
			var u domain.User
			if err := tx.GetContext(ctx, &u, tx.Rebind(`SELECT * FROM users WHERE id = ?`), c.UserID); err != nil {
				return fmt.Errorf("get coordinator: %w", err)
			}
			subject, body := render(WeeklySummary{User: u, Municipality: md.m, Week: week, Today: today, Overdue: md.overdue, DueSoon: md.dueSoon})
			outboxID, err := s.queueMail(ctx, tx, u, subject, body, now)
			if err != nil {
				return err
			}
			queued++
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE summaries SET outbox_id = ? WHERE user_id = ? AND municipality_id = ? AND week = ?`),
				outboxID, c.UserID, c.MunicipalityID, week); err != nil {
				return fmt.Errorf("link summary: %w", err)
			}
			args := []string{week, strconv.Itoa(len(md.overdue)), strconv.Itoa(len(md.dueSoon)), strconv.Itoa(domain.DueSoonDays)}
			if err := s.insertNotification(ctx, tx, c.UserID, c.MunicipalityID, nil, NotifyWeeklySummary, args, nil, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return queued, nil
}

// dueItemsTx lists the open records of mun with a review date in [from, to] (nil: open).
func dueItemsTx(ctx context.Context, tx *sqlx.Tx, mun int64, from, to *domain.Date) ([]domain.DueItem, error) {
	query := `SELECT ` + dueItemColumns + `
		FROM records r JOIN org_units o ON o.id = r.org_unit_id LEFT JOIN users u ON u.id = r.owner_id
		WHERE r.municipality_id = ? AND r.next_review_at IS NOT NULL`
	args := []any{mun}
	query += ` AND ` + openSQL(&args)
	if from != nil {
		query += ` AND r.next_review_at >= ?`
		args = append(args, *from)
	}
	if to != nil {
		query += ` AND r.next_review_at <= ?`
		args = append(args, *to)
	}
	q, a, err := inTx(tx, query+` ORDER BY r.next_review_at, r.id`, args...)
	if err != nil {
		return nil, err
	}
	out := []domain.DueItem{}
	if err := tx.SelectContext(ctx, &out, q, a...); err != nil {
		return nil, fmt.Errorf("list dues: %w", err)
	}
	return out, nil
}

// ClaimOutbox leases up to limit pending mails whose next attempt is due at now and whose
// lease (if any) has run out, for lease. Each row is taken with a conditional UPDATE whose
// affected-row count decides, so two senders never claim the same row; the claimer must
// MarkSent or MarkFailed before the lease ends.
func (s *Store) ClaimOutbox(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]OutboxMail, error) {
	if limit <= 0 {
		limit = 10
	}
	now = now.UTC().Truncate(time.Microsecond)
	until := now.Add(lease)
	var out []OutboxMail
	err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		out = nil
		var ids []int64
		err := tx.SelectContext(ctx, &ids, tx.Rebind(fmt.Sprintf(`SELECT id FROM mail_outbox
			WHERE status = ? AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until < ?)
			ORDER BY next_attempt_at, id LIMIT %d`, limit)), OutboxPending, now, now)
		if err != nil {
			return fmt.Errorf("list outbox: %w", err)
		}
		var claimed []int64
		for _, id := range ids {
			res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE mail_outbox SET locked_until = ?
				WHERE id = ? AND status = ? AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until < ?)`),
				until, id, OutboxPending, now, now)
			if err != nil {
				return fmt.Errorf("claim mail: %w", err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return fmt.Errorf("claim mail: %w", err)
			} else if n == 1 {
				claimed = append(claimed, id)
			}
		}
		if len(claimed) == 0 {
			return nil
		}
		q, args, err := inTx(tx, `SELECT * FROM mail_outbox WHERE id IN (?) ORDER BY next_attempt_at, id`, claimed)
		if err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &out, q, args...); err != nil {
			return fmt.Errorf("read claimed mail: %w", err)
		}
		return nil
	})
	return out, err
}

// MarkSent records that a claimed mail was delivered at now.
func (s *Store) MarkSent(ctx context.Context, id int64, now time.Time) error {
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE mail_outbox SET status = ?, sent_at = ?, attempts = attempts + 1, locked_until = NULL
			WHERE id = ? AND status = ?`), OutboxSent, now.UTC().Truncate(time.Microsecond), id, OutboxPending)
		if err != nil {
			return fmt.Errorf("mark sent: %w", err)
		}
		return nil
	})
}

// MarkFailed records a failed attempt at now: attempts goes up by one and the next attempt
// waits OutboxBackoff(attempts); after MaxOutboxAttempts the mail is marked failed for good.
// It returns the row as updated.
func (s *Store) MarkFailed(ctx context.Context, id int64, sendErr string, now time.Time) (OutboxMail, error) {
	now = now.UTC().Truncate(time.Microsecond)
	sendErr = truncateUTF8(strings.TrimSpace(sendErr), 1000)
	var m OutboxMail
	err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &m, tx.Rebind(`SELECT * FROM mail_outbox WHERE id = ?`), id); err != nil {
			return notFound(err, "get mail")
		}
		if m.Status != OutboxPending {
			return nil
		}
		m.Attempts++
		m.LastError = sendErr
		m.LockedUntil = nil
		if m.Attempts >= MaxOutboxAttempts {
			m.Status = OutboxFailed
		} else {
			m.NextAttemptAt = now.Add(OutboxBackoff(m.Attempts))
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE mail_outbox SET status = ?, attempts = ?, last_error = ?, next_attempt_at = ?, locked_until = NULL
			WHERE id = ?`), m.Status, m.Attempts, m.LastError, m.NextAttemptAt, id)
		if err != nil {
			return fmt.Errorf("mark failed: %w", err)
		}
		return nil
	})
	return m, err
}

func truncateUTF8(s string, max int) string {
	if len(s) <= max {
		return s
	}
	s = s[:max]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// ListOutbox returns queued mails, newest first, without their bodies; status "" means all.
// Returns EInvalid for an unknown status.
func (s *Store) ListOutbox(ctx context.Context, status string, limit int) ([]OutboxMail, error) {
	q := `SELECT id, to_address, to_user_id, subject, '' AS body_text, status, attempts, next_attempt_at, last_error, created_at, sent_at, locked_until
		FROM mail_outbox`
	var args []any
	switch status {
	case "":
	case OutboxPending, OutboxSent, OutboxFailed:
		q += ` WHERE status = ?`
		args = append(args, status)
	default:
		return nil, &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{"status": "err.enum"}}
	}
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	q += fmt.Sprintf(` ORDER BY id DESC LIMIT %d`, limit)
	out := []OutboxMail{}
	if err := s.db(ctx).SelectContext(ctx, &out, s.rebind(q), args...); err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	return out, nil
}

// Notifications returns a user's notifications, newest first.
func (s *Store) Notifications(ctx context.Context, user int64, limit int) ([]Notification, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	out := []Notification{}
	err := s.db(ctx).SelectContext(ctx, &out, s.rebind(fmt.Sprintf(notificationSelect+` WHERE n.user_id = ? ORDER BY n.id DESC LIMIT %d`, limit)), user)
	if err != nil {
		return nil, fmt.Errorf("list notifications: %w", err)
	}
	return out, nil
}

const notificationSelect = `SELECT n.id, n.user_id, n.municipality_id, n.record_id, n.kind, n.message, n.args_json, n.due_date, n.created_at, n.read_at,
		COALESCE(r.kind, '') AS record_kind, COALESCE(r.ref, '') AS record_ref
		FROM notifications n LEFT JOIN records r ON r.id = n.record_id`

// unreadInSQL reads a user's newest unread notifications in a municipality by the partial
// index notifications_unread: only unread rows, in order.
const unreadInSQL = notificationSelect + ` WHERE n.user_id = ? AND n.municipality_id = ? AND n.read_at IS NULL ORDER BY n.id DESC LIMIT ?`

// UnreadNotificationsIn returns user's newest limit (at most 500) unread notifications in mun,
// newest first.
func (s *Store) UnreadNotificationsIn(ctx context.Context, user, mun int64, limit int) ([]Notification, error) {
	out := []Notification{}
	if err := s.db(ctx).SelectContext(ctx, &out, s.rebind(unreadInSQL), user, mun, min(max(limit, 1), 500)); err != nil {
		return nil, fmt.Errorf("list unread notifications: %w", err)
	}
	return out, nil
}

// UnreadNotifications counts a user's unread notifications.
func (s *Store) UnreadNotifications(ctx context.Context, user int64) (int, error) {
	var n int
	if err := s.db(ctx).GetContext(ctx, &n, s.rebind(`SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`), user); err != nil {
		return 0, fmt.Errorf("count notifications: %w", err)
	}
	return n, nil
}

// MarkNotificationRead marks one of user's notifications read (again: no change). Returns
// ENotFound for another user's or a missing notification.
func (s *Store) MarkNotificationRead(ctx context.Context, user, id int64) error {
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		var readAt *time.Time
		if err := tx.GetContext(ctx, &readAt, tx.Rebind(`SELECT read_at FROM notifications WHERE id = ? AND user_id = ?`), id, user); err != nil {
			return notFound(err, "get notification")
		}
		if readAt != nil {
			return nil
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE notifications SET read_at = ? WHERE id = ?`), s.now(), id); err != nil {
			return fmt.Errorf("mark notification read: %w", err)
		}
		return nil
	})
}

// CreateCalendarToken makes a new calendar feed token for user, replacing any earlier one
// (which stops working), and returns it. Only its hash is stored.
func (s *Store) CreateCalendarToken(ctx context.Context, a Actor, user int64) (string, error) {
	token := rand.Text()
	err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM calendar_tokens WHERE user_id = ?`), user)
		if err != nil {
			return fmt.Errorf("replace calendar token: %w", err)
		}
		replaced, _ := res.RowsAffected()
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO calendar_tokens (user_id, token_hash, created_at) VALUES (?, ?, ?)`),
			user, HashToken(token), s.now()); err != nil {
			return fmt.Errorf("insert calendar token: %w", err)
		}
		return s.appendAudit(ctx, tx, a, Change{Kind: "user", RecordID: &user, Action: "calendar_token_create",
			After: map[string]any{"replaced": replaced > 0}})
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// RevokeCalendarToken ends user's calendar feed token; without one it does nothing.
func (s *Store) RevokeCalendarToken(ctx context.Context, a Actor, user int64) error {
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM calendar_tokens WHERE user_id = ?`), user)
		if err != nil {
			return fmt.Errorf("revoke calendar token: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return s.appendAudit(ctx, tx, a, Change{Kind: "user", RecordID: &user, Action: "calendar_token_revoke"})
	})
}

// CalendarTokenCreated returns when user's calendar token was made, nil without one.
func (s *Store) CalendarTokenCreated(ctx context.Context, user int64) (*time.Time, error) {
	var t time.Time
	err := s.db(ctx).GetContext(ctx, &t, s.rebind(`SELECT created_at FROM calendar_tokens WHERE user_id = ?`), user)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("get calendar token: %w", err)
	}
	return &t, nil
}

// UserByCalendarToken returns the enabled user a calendar token belongs to. Returns ENotFound.
func (s *Store) UserByCalendarToken(ctx context.Context, token string) (domain.User, error) {
	var u domain.User
	err := s.db(ctx).GetContext(ctx, &u, s.rebind(`SELECT u.* FROM users u JOIN calendar_tokens c ON c.user_id = u.id
		WHERE c.token_hash = ? AND u.disabled = ?`), HashToken(token), false)
	return u, notFound(err, "get calendar token user")
}

// OwnedDues returns the open records with a review date that user owns in the municipalities
// where they hold a role (every municipality for an administrator), earliest first.
func (s *Store) OwnedDues(ctx context.Context, user domain.User, limit int) ([]domain.DueItem, error) {
	if limit <= 0 {
		limit = 2000
	}
	query := `SELECT ` + dueItemColumns + `
		FROM records r JOIN org_units o ON o.id = r.org_unit_id LEFT JOIN users u ON u.id = r.owner_id
		WHERE r.owner_id = ? AND r.next_review_at IS NOT NULL`
	args := []any{user.ID}
	query += ` AND ` + openSQL(&args)
	if !user.IsAdmin {
		query += ` AND r.municipality_id IN (SELECT municipality_id FROM role_assignments WHERE user_id = ?)`
		args = append(args, user.ID)
	}
	q, a, err := s.in(query+fmt.Sprintf(` ORDER BY r.next_review_at, r.id LIMIT %d`, limit), args...)
	if err != nil {
		return nil, err
	}
	out := []domain.DueItem{}
	if err := s.db(ctx).SelectContext(ctx, &out, q, a...); err != nil {
		return nil, fmt.Errorf("list owned dues: %w", err)
	}
	return out, nil
}
