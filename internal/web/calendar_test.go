package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"

	"github.com/lisa-isms/lisa/internal/domain"
)

// tCalendarRoutes registers the calendar, notification and outbox routes on env's server as
// routes.go is to register them, unless it does already.
func tCalendarRoutes(env *testEnv) {
	for _, r := range env.srv.Routes() {
		if r.Path == "/calendar/:file" {
			return
		}
	}
	s := env.srv
	s.engine.GET("/calendar/:file", s.calendarFeed)
	authed := s.engine.Group("/api/v1", limitBody, s.authenticate, s.checkCSRF, s.requireUser)
	authed.POST("/me/calendar-token", s.api(s.apiCreateCalendarToken))
	authed.DELETE("/me/calendar-token", s.api(s.apiRevokeCalendarToken))
	authed.GET("/me/notifications", s.api(s.apiNotifications))
	authed.POST("/me/notifications/:nid/read", s.api(s.apiReadNotification))
	authed.GET("/admin/outbox", s.api(s.apiOutbox))
}

func TestCalendarFeedRoutes(t *testing.T) {
	env := newTestServer(t)
	tCalendarRoutes(env)
	agare := env.login("agare")

	if res := env.client().postJSON("/api/v1/me/calendar-token", nil); res.Code != http.StatusUnauthorized {
		t.Errorf("anonymous token: %d", res.Code)
	}
	res := agare.postJSON("/api/v1/me/calendar-token", nil)
	if res.Code != http.StatusCreated {
		t.Fatalf("create token: %d %s", res.Code, res.Body)
	}
	var out struct {
		URL string `json:"url"`
	}
	if err := json.Unmarshal(res.Body.Bytes(), &out); err != nil || !strings.HasPrefix(out.URL, "http://example.com/calendar/") || !strings.HasSuffix(out.URL, ".ics") {
		t.Fatalf("url %q, %v", out.URL, err)
	}
	path := strings.TrimPrefix(out.URL, "http://example.com")

	// The feed needs no login: the token is the credential.
	feed := env.client().get(path)
	if feed.Code != http.StatusOK || !strings.HasPrefix(feed.Header().Get("Content-Type"), "text/calendar") {
		t.Fatalf("feed: %d %s %s", feed.Code, feed.Header().Get("Content-Type"), feed.Body)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(feed.Body.Bytes()))
	if err != nil {
		t.Fatalf("parse feed: %v", err)
	}
	u, _ := env.store.GetUserByUsername(env.ctx, "agare")
	owned, err := env.store.OwnedDues(env.ctx, u, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(cal.Events()) != len(owned) || len(owned) == 0 {
		t.Errorf("%d events, agare owns %d records due", len(cal.Events()), len(owned))
	}
	for i, ev := range cal.Events() {
		if want := fmt.Sprintf("record-%d-%s@lisa", owned[i].ID, owned[i].NextReviewAt); ev.Id() != want {
			t.Errorf("event %d: UID %s, want %s", i, ev.Id(), want)
		}
		if u := ev.GetProperty(ics.ComponentPropertyUrl); u == nil || !strings.HasPrefix(u.Value, fmt.Sprintf("http://example.com/m/%d/", owned[i].MunicipalityID)) {
			t.Errorf("event %d: URL %+v", i, u)
		}
	}

	for _, bad := range []string{"/calendar/AAAAAAAAAAAAAAAAAAAAAAAAAA.ics", strings.TrimSuffix(path, ".ics"), path + "x", "/calendar/..%2f..%2fetc.ics"} {
		if res := env.client().get(bad); res.Code != http.StatusNotFound || strings.Contains(res.Body.String(), "BEGIN:VCALENDAR") {
			t.Errorf("GET %s: %d", bad, res.Code)
		}
	}
	if res := agare.delete("/api/v1/me/calendar-token"); res.Code != http.StatusNoContent {
		t.Errorf("revoke: %d %s", res.Code, res.Body)
	}
	if res := env.client().get(path); res.Code != http.StatusNotFound {
		t.Errorf("revoked feed: %d", res.Code)
	}
}

func TestNotificationAndOutboxRoutes(t *testing.T) {
	env := newTestServer(t)
	tCalendarRoutes(env)
	n, err := env.store.PlanReminders(env.ctx, env.store.Today(), []int{30, 7}, func(u domain.User, items []domain.DueItem) (string, string) {
		return "Lisa", "HEMLIG KROPP"
	})
	if err != nil || n == 0 {
		t.Fatalf("plan: %d, %v", n, err)
	}
	u, _ := env.store.GetUserByUsername(env.ctx, "agare")
	ns, _ := env.store.Notifications(env.ctx, u.ID, 0)
	if len(ns) == 0 {
		t.Fatal("the demo owner has nothing due")
	}

	agare := env.login("agare")
	res := agare.get("/api/v1/me/notifications")
	var out struct {
		Unread        int               `json:"unread"`
		Notifications []json.RawMessage `json:"notifications"`
	}
	if res.Code != http.StatusOK || json.Unmarshal(res.Body.Bytes(), &out) != nil || out.Unread != len(ns) || len(out.Notifications) != len(ns) {
		t.Fatalf("notifications: %d %s", res.Code, res.Body)
	}
	// The text is rendered in the reader's language from the stored key and arguments.
	var first struct {
		Message string `json:"message"`
	}
	if err := json.Unmarshal(out.Notifications[0], &first); err != nil || !strings.HasPrefix(first.Message, "Ses över") || !strings.Contains(first.Message, ": ") {
		t.Errorf("Swedish notification %s (%v)", out.Notifications[0], err)
	}
	agare.header.Set("Accept-Language", "en")
	if err := json.Unmarshal(agare.get("/api/v1/me/notifications").Body.Bytes(), &out); err != nil ||
		json.Unmarshal(out.Notifications[0], &first) != nil || !strings.HasPrefix(first.Message, "Review") {
		t.Errorf("English notification %s (%v)", out.Notifications[0], err)
	}
	agare.cookies[langCookie] = "en" // the pages speak the chosen language
	page := agare.get(fmt.Sprintf("/m/%d", env.ex)).Body.String()
	if !strings.Contains(page, "Review due by") && !strings.Contains(page, "Review overdue") {
		t.Errorf("the English dashboard does not show the notifications in English")
	}
	agare.header.Del("Accept-Language")
	if res := env.client().get("/api/v1/me/notifications"); res.Code != http.StatusUnauthorized {
		t.Errorf("anonymous: %d", res.Code)
	}
	readPath := fmt.Sprintf("/api/v1/me/notifications/%d/read", ns[0].ID)
	if res := env.login("samordnare").postJSON(readPath, nil); res.Code != http.StatusNotFound {
		t.Errorf("someone else's: %d", res.Code)
	}
	if res := agare.postJSON(readPath, nil); res.Code != http.StatusNoContent {
		t.Errorf("read: %d %s", res.Code, res.Body)
	}
	if res := agare.postJSON("/api/v1/me/notifications/x/read", nil); res.Code != http.StatusNotFound {
		t.Errorf("bad id: %d", res.Code)
	}

	for user, want := range map[string]int{"admin": http.StatusOK, "samordnare": http.StatusForbidden, "agare": http.StatusForbidden} {
		res := env.login(user).get("/api/v1/admin/outbox?status=pending")
		if res.Code != want {
			t.Errorf("%s outbox: %d", user, res.Code)
		}
		if strings.Contains(res.Body.String(), "HEMLIG") || strings.Contains(res.Body.String(), "body") {
			t.Errorf("%s sees the mail body: %s", user, res.Body)
		}
		if want == http.StatusOK && !strings.Contains(res.Body.String(), `"attempts":0`) {
			t.Errorf("outbox %s", res.Body)
		}
	}
	if res := env.login("admin").get("/api/v1/admin/outbox?status=nope"); res.Code != http.StatusBadRequest {
		t.Errorf("bad status: %d", res.Code)
	}
	if res := env.client().get("/api/v1/admin/outbox"); res.Code != http.StatusUnauthorized {
		t.Errorf("anonymous outbox: %d", res.Code)
	}
}
