package web

import (
	"net/http"
	"testing"
)

// A client cannot choose the address the audit trail records or dodge the per-address login
// throttle by sending X-Forwarded-For: no proxy is trusted unless configured.
func TestForwardedForIsNotTrustedByDefault(t *testing.T) {
	e := newTestServer(t)
	c := e.client()
	for i := 0; i < 21; i++ {
		h := http.Header{"X-Forwarded-For": {"203.0.113." + tItoa(int64(i))}}
		c.send(tReq{method: http.MethodPost, path: "/api/v1/login", ctype: "application/json",
			body: tJSONBody(map[string]string{"username": "nobody" + tItoa(int64(i)), "password": "wrong-password"}), header: h})
	}
	// 21 failures for 21 different accounts from one real address: the address is throttled.
	res := c.postJSON("/api/v1/login", map[string]string{"username": "samordnare", "password": "lisa-demo"})
	if res.Code != http.StatusTooManyRequests {
		t.Fatalf("after 21 failures from one address with forged X-Forwarded-For: %d %s", res.Code, res.Body)
	}
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE ip LIKE '203.0.113.%'`); n != 0 {
		t.Errorf("%d audit entries carry the forged address", n)
	}
}

// Logging in again ends the session the browser came with.
func TestLoginEndsThePreviousSession(t *testing.T) {
	e := newTestServer(t)
	c := e.login("samordnare")
	old := c.cookies[sessionCookie]
	c.postJSON("/api/v1/login", map[string]string{"username": "revisor", "password": "lisa-demo"})
	if c.cookies[sessionCookie] == old {
		t.Fatal("session id not rotated")
	}
	stale := e.client()
	stale.cookies[sessionCookie] = old
	if res := stale.get("/api/v1/me"); res.Code != http.StatusUnauthorized {
		t.Errorf("old session still works: %d", res.Code)
	}
}
