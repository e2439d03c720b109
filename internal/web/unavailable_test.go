package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/auth"
	"github.com/lisa-isms/lisa/internal/demo"
	"github.com/lisa-isms/lisa/internal/store"
	"github.com/lisa-isms/lisa/internal/storetest"
)

// When the PostgreSQL server goes away mid-run, requests answer 503 with the error body
// (not 500, not a crash), and the server recovers by itself when the database is back.
func TestDatabaseLostAndBack(t *testing.T) {
	dsn := storetest.Postgres(t)
	proxy, through := storetest.NewProxy(t, dsn)
	ctx := context.Background()
	s, err := store.Open(ctx, through)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	a, err := app.New(s)
	if err != nil {
		t.Fatal(err)
	}
	a.Hasher = auth.Hasher{Cost: bcrypt.MinCost}
	if err := demo.Seed(ctx, a); err != nil {
		t.Fatal(err)
	}
	srv, err := New(a, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	env := &testEnv{t: t, ctx: ctx, path: dsn, store: s, app: a, srv: srv}
	coord := env.login("samordnare")
	ms, err := a.Municipalities(ctx, env.caller("samordnare"))
	if err != nil || len(ms) == 0 {
		t.Fatal(err)
	}
	list := fmt.Sprintf("/api/v1/municipalities/%d/documents", ms[0].ID)
	page := fmt.Sprintf("/m/%d/documents", ms[0].ID)
	if res := coord.get(list); res.Code != http.StatusOK {
		t.Fatalf("before: %d %s", res.Code, res.Body)
	}

	proxy.Stop()
	res := coord.get(list)
	if res.Code != http.StatusServiceUnavailable || tDecodeError(t, res).Error.Code != "unavailable" || res.Header().Get("Retry-After") == "" {
		t.Errorf("database gone, API: %d %s", res.Code, res.Body)
	}
	if res := coord.get(page); res.Code != http.StatusServiceUnavailable {
		t.Errorf("database gone, page: %d", res.Code)
	}

	proxy.Start(t)
	var last int
	for i := 0; i < 20; i++ { // the pool drops its dead connections as it meets them
		if last = coord.get(list).Code; last == http.StatusOK {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if last != http.StatusOK {
		t.Errorf("database back, still %d", last)
	}
	if res := coord.get(page); res.Code != http.StatusOK {
		t.Errorf("database back, page: %d", res.Code)
	}
}

// Paths and query parameters that are not text (invalid UTF-8, a NUL byte) are refused before
// they reach a statement: PostgreSQL would answer them with an error (500).
func TestNonTextInTheURLIsRefused(t *testing.T) {
	env := newTestServer(t)
	coord := env.login("samordnare")
	for path, want := range map[string]int{
		fmt.Sprintf("/api/v1/municipalities/%d/documents?q=a%%00b", env.ex):   http.StatusBadRequest,
		fmt.Sprintf("/api/v1/municipalities/%d/documents?q=%%FF", env.ex):     http.StatusBadRequest,
		fmt.Sprintf("/api/v1/municipalities/%d/audit?actor=%%FF", env.ex):     http.StatusBadRequest,
		fmt.Sprintf("/api/v1/municipalities/%d/audit?kind=%%00", env.ex):      http.StatusBadRequest,
		fmt.Sprintf("/api/v1/municipalities/%d/soa/%%FF/reviews", env.ex):     http.StatusNotFound,
		fmt.Sprintf("/api/v1/municipalities/%d/soa/5.1%%00/reviews", env.ex):  http.StatusNotFound,
		fmt.Sprintf("/m/%d/documents?q=%%00", env.ex):                         http.StatusBadRequest,
		fmt.Sprintf("/api/v1/municipalities/%d/documents?q=%%C3%%A5", env.ex): http.StatusOK, // å is text
	} {
		if res := coord.get(path); res.Code != want {
			t.Errorf("%s: %d, want %d: %.200s", path, res.Code, want, res.Body)
		}
	}
	res := coord.send(tReq{method: "DELETE", path: fmt.Sprintf("/api/v1/users/%d/roles?role=%%00&municipality_id=%d", env.users["agare"], env.ex)})
	if res.Code != http.StatusBadRequest && res.Code != http.StatusForbidden {
		t.Errorf("role %%00: %d", res.Code)
	}
}
