package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/store"
)

// The person's own pages of reminders: the calendar subscription and marking in-app
// notifications read (they are listed on the dashboard).

type calendarTokenPage struct {
	Base
	URL string
}

// calendarTokenCreate makes a new calendar feed link and shows it once.
func (s *Server) calendarTokenCreate(c *gin.Context) {
	tok, err := s.app.CreateCalendarToken(c.Request.Context(), s.caller(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "calendar_token", calendarTokenPage{Base: s.base(c, s.i18n.T(lang(c), "cal.feed_title")),
		URL: s.requestBase(c) + "/calendar/" + tok + ".ics"})
}

// calendarTokenRevoke ends the caller's calendar feed.
func (s *Server) calendarTokenRevoke(c *gin.Context) {
	if err := s.app.RevokeCalendarToken(c.Request.Context(), s.caller(c)); err != nil {
		s.fail(c, err)
		return
	}
	s.redirect(c, safeNext(c.PostForm("next")), "flash.calendar_revoked")
}

// notificationRead marks one notification read and returns to the page.
func (s *Server) notificationRead(c *gin.Context) {
	id, err := idParam(c, "nid")
	if err == nil {
		err = s.app.ReadNotification(c.Request.Context(), s.caller(c), id)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, safeNext(c.PostForm("next")))
}

// dashboardNotifications is how many unread notifications the dashboard lists; the
// notifications page lists up to maxNotifications.
const (
	dashboardNotifications = 10
	maxNotifications       = 200
)

type notificationsPage struct {
	Base
	Notifications []store.Notification
}

// notificationsPage lists the caller's unread notifications in the municipality, each with
// its "mark as read".
func (s *Server) notificationsPage(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err == nil {
		_, err = s.app.Municipality(c.Request.Context(), s.caller(c), mid)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "notifications", notificationsPage{Base: s.base(c, s.i18n.T(lang(c), "notif.title")),
		Notifications: s.unreadNotifications(c, mid, maxNotifications)})
}

// unreadNotifications returns the caller's newest limit unread notifications in municipality mid.
func (s *Server) unreadNotifications(c *gin.Context, mid int64, limit int) []store.Notification {
	ns, err := s.app.UnreadNotifications(c.Request.Context(), s.caller(c), mid, limit)
	if err != nil {
		return nil
	}
	s.localize(c, ns)
	return ns
}

// localize renders each notification's text in the reader's language from its catalog key
// and arguments (rows written before notifications kept keys hold their Swedish text).
func (s *Server) localize(c *gin.Context, ns []store.Notification) {
	tr := s.i18n.For(lang(c))
	for i := range ns {
		if tr.Has(ns[i].MessageKey) {
			ns[i].Message = tr.T(ns[i].MessageKey, ns[i].Args()...)
		} else {
			ns[i].Message = ns[i].MessageKey
		}
	}
}
