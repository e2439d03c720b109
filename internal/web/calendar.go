package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/remind"
)

// The handlers of "reviews that come round by themselves": the personal calendar feed and its
// token, in-app notifications, and the administrator's view of the mail outbox.

// requestBase is the scheme and host the caller reached this server at, for absolute links
// handed back to the same caller.
func (s *Server) requestBase(c *gin.Context) string {
	scheme := "http"
	if c.Request.TLS != nil || s.opts.SecureCookies || strings.EqualFold(c.GetHeader("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

// apiCreateCalendarToken makes the caller a new calendar feed address (ending any earlier
// one): 201 {"url": "https://host/calendar/{token}.ics"}. The token is shown this once.
func (s *Server) apiCreateCalendarToken(c *gin.Context) (int, any, error) {
	tok, err := s.app.CreateCalendarToken(c.Request.Context(), s.caller(c))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, gin.H{"url": s.requestBase(c) + "/calendar/" + tok + ".ics"}, nil
}

// apiRevokeCalendarToken ends the caller's calendar feed: 204.
func (s *Server) apiRevokeCalendarToken(c *gin.Context) (int, any, error) {
	if err := s.app.RevokeCalendarToken(c.Request.Context(), s.caller(c)); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

// calendarFeed serves GET /calendar/{token}.ics: the token's owner's reviews as iCalendar.
// Calendar programs send no cookies, so the token in the path is the credential; an unknown,
// replaced or revoked token is a plain 404.
func (s *Server) calendarFeed(c *gin.Context) {
	file := c.Param("file")
	// The request log prints the path after the handler: keep the token out of it.
	c.Request.URL.Path = "/calendar/-.ics"
	tok, ok := strings.CutSuffix(file, ".ics")
	if !ok {
		c.String(http.StatusNotFound, "not found\n")
		return
	}
	u, items, err := s.app.CalendarFeed(c.Request.Context(), tok)
	if err != nil {
		if domain.ErrorCode(err) == domain.ENotFound {
			c.String(http.StatusNotFound, "not found\n")
			return
		}
		s.logInternal(c, err)
		c.String(http.StatusInternalServerError, "internal error\n")
		return
	}
	body := remind.ICS(s.i18n, items, u, s.requestBase(c), s.app.Now())
	c.Header("Content-Disposition", `inline; filename="lisa.ics"`)
	c.Data(http.StatusOK, "text/calendar; charset=utf-8", body)
}

// limitParam reads ?limit= (1..max), def when absent.
func limitParam(c *gin.Context, def, max int) (int, error) {
	v := c.Query("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{"limit": "err.invalid"}}
	}
	return n, nil
}

// apiNotifications lists the caller's notifications, newest first: 200
// {"unread": n, "notifications": [...]}.
func (s *Server) apiNotifications(c *gin.Context) (int, any, error) {
	limit, err := limitParam(c, 50, 500)
	if err != nil {
		return 0, nil, err
	}
	ns, unread, err := s.app.Notifications(c.Request.Context(), s.caller(c), limit)
	if err != nil {
		return 0, nil, err
	}
	s.localize(c, ns)
	return http.StatusOK, gin.H{"unread": unread, "notifications": ns}, nil
}

// apiReadNotification marks one of the caller's notifications read: 204.
func (s *Server) apiReadNotification(c *gin.Context) (int, any, error) {
	id, err := idParam(c, "nid")
	if err != nil {
		return 0, nil, err
	}
	if err := s.app.ReadNotification(c.Request.Context(), s.caller(c), id); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

// apiOutbox lists queued mail for administrators (?status=pending|sent|failed, ?limit=),
// newest first: recipient, subject, status, attempts, last error; never the body.
func (s *Server) apiOutbox(c *gin.Context) (int, any, error) {
	limit, err := limitParam(c, 100, 1000)
	if err != nil {
		return 0, nil, err
	}
	list, err := s.app.Outbox(c.Request.Context(), s.caller(c), c.Query("status"), limit)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, list, nil
}
