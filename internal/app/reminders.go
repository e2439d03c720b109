package app

import (
	"context"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// These services are the person's side of "reviews that come round by themselves": in-app
// notifications, the personal calendar feed, and the administrator's view of the mail outbox.
// Planning and sending run in package remind.

func (c Caller) loggedIn() error {
	if c.P == nil {
		return domain.Errorf(domain.EUnauthorized, "err.unauthorized")
	}
	return nil
}

// CreateCalendarToken gives the caller a new calendar feed token, replacing (and so ending)
// any earlier one, and returns it; it is shown once. Returns EUnauthorized.
func (a *App) CreateCalendarToken(ctx context.Context, c Caller) (string, error) {
	if err := c.loggedIn(); err != nil {
		return "", err
	}
	return a.db.CreateCalendarToken(ctx, c.actor(), c.P.User.ID)
}

// RevokeCalendarToken ends the caller's calendar feed (nothing to end is no error).
// Returns EUnauthorized.
func (a *App) RevokeCalendarToken(ctx context.Context, c Caller) error {
	if err := c.loggedIn(); err != nil {
		return err
	}
	return a.db.RevokeCalendarToken(ctx, c.actor(), c.P.User.ID)
}

// maxCalendarToken bounds what is looked up: a token is 26 characters.
const maxCalendarToken = 128

func validCalendarToken(t string) bool {
	if len(t) < 16 || len(t) > maxCalendarToken {
		return false
	}
	for _, r := range t {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// CalendarFeed returns whose feed token is and the reviews it shows: the open records with a
// review date that the person owns, in every municipality where they hold a role. The token
// is the credential (calendar programs send no cookies). Returns ENotFound for an unknown,
// replaced or revoked token and for a disabled account.
func (a *App) CalendarFeed(ctx context.Context, token string) (domain.User, []domain.DueItem, error) {
	if !validCalendarToken(token) {
		return domain.User{}, nil, domain.NotFound()
	}
	u, err := a.db.UserByCalendarToken(ctx, token)
	if err != nil {
		return domain.User{}, nil, err
	}
	items, err := a.db.OwnedDues(ctx, u, 0)
	if err != nil {
		return domain.User{}, nil, err
	}
	return u, items, nil
}

// UnreadNotifications returns the caller's newest limit unread notifications in mun (their
// own: nobody reads another's). Returns EUnauthorized.
func (a *App) UnreadNotifications(ctx context.Context, c Caller, mun int64, limit int) ([]store.Notification, error) {
	if err := c.loggedIn(); err != nil {
		return nil, err
	}
	return a.db.UnreadNotificationsIn(ctx, c.P.User.ID, mun, limit)
}

// Notifications returns the caller's notifications, newest first, and how many are unread.
// Returns EUnauthorized.
func (a *App) Notifications(ctx context.Context, c Caller, limit int) ([]store.Notification, int, error) {
	if err := c.loggedIn(); err != nil {
		return nil, 0, err
	}
	ns, err := a.db.Notifications(ctx, c.P.User.ID, limit)
	if err != nil {
		return nil, 0, err
	}
	unread, err := a.db.UnreadNotifications(ctx, c.P.User.ID)
	if err != nil {
		return nil, 0, err
	}
	return ns, unread, nil
}

// ReadNotification marks one of the caller's notifications read. Returns EUnauthorized,
// ENotFound (also for someone else's).
func (a *App) ReadNotification(ctx context.Context, c Caller, id int64) error {
	if err := c.loggedIn(); err != nil {
		return err
	}
	return a.db.MarkNotificationRead(ctx, c.P.User.ID, id)
}

// Outbox lists queued mails (newest first, without bodies) for an administrator; status is
// "", pending, sent or failed. Returns EUnauthorized, EForbidden, EInvalid.
func (a *App) Outbox(ctx context.Context, c Caller, status string, limit int) ([]store.OutboxMail, error) {
	if err := c.loggedIn(); err != nil {
		return nil, err
	}
	if !c.P.User.IsAdmin {
		return nil, domain.Forbidden()
	}
	return a.db.ListOutbox(ctx, status, limit)
}
