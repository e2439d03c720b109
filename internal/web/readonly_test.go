package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/auth"
	"github.com/lisa-isms/lisa/internal/demo"
	"github.com/lisa-isms/lisa/internal/store"
)

// On a database that takes no writes, pages and the API are read as usual, and every write —
// logging in included (the session row) — answers 503 with a message saying the database is
// read-only, in the caller's language; before, logging in was a 500 ("attempt to write a
// readonly database"). The database is opened with mode=ro (SQLite; chmod 0444 does not stop
// root) or with default_transaction_read_only (PostgreSQL).
func TestReadOnlyDatabase(t *testing.T) {
	env := newTestServer(t)
	coord := env.login("samordnare") // a session from before the database turned read-only
	docs := env.count(`SELECT COUNT(*) FROM documents`)

	ro, err := store.OpenReadOnly(env.ctx, env.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro.Close() })
	if !ro.ReadOnly() {
		t.Fatal("the store does not know it is read-only")
	}
	a, err := app.New(ro, app.WithPolicy(tKindPolicy...))
	if err != nil {
		t.Fatal(err)
	}
	a.Hasher = auth.Hasher{Cost: bcrypt.MinCost}
	srv, err := New(a, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	roEnv := *env
	roEnv.store, roEnv.app, roEnv.srv = ro, a, srv
	coord.env = &roEnv
	anon := roEnv.client()

	const sv = "Databasen är skrivskyddad: inga ändringar kan sparas just nu."
	const en = "The database is read-only: no changes can be saved right now."

	// Reads.
	for _, p := range []string{"/login", "/healthz"} {
		if res := anon.get(p); res.Code != http.StatusOK {
			t.Errorf("GET %s: %d", p, res.Code)
		}
	}
	for _, p := range []string{env.munPath(env.ex, "/documents"), "/m/" + tItoa(env.ex) + "/documents", "/m/" + tItoa(env.ex) + "/documents/" + tItoa(env.docs[tDocPolicy])} {
		if res := coord.get(p); res.Code != http.StatusOK {
			t.Errorf("GET %s (logged in): %d %.200s", p, res.Code, res.Body)
		}
	}

	// Logging in, through the API in both languages.
	for lang, want := range map[string]string{"sv": sv, "en": en} {
		res := anon.send(tReq{method: http.MethodPost, path: "/api/v1/login", ctype: "application/json",
			body:   tJSONBody(map[string]string{"username": "samordnare", "password": demo.Password}),
			header: http.Header{"Accept-Language": {lang}}})
		e := tDecodeError(t, res)
		if res.Code != http.StatusServiceUnavailable || e.Error.Code != "unavailable" || e.Error.Message != want {
			t.Errorf("API login (%s): %d %s", lang, res.Code, res.Body)
		}
	}
	// ... and through the login page.
	if res := anon.get("/login"); res.Code != http.StatusOK {
		t.Fatalf("GET /login: %d", res.Code)
	}
	res := anon.postForm("/login", url.Values{"username": {"samordnare"}, "password": {demo.Password}, "csrf_token": {anon.cookies[loginCSRF]}})
	if res.Code != http.StatusServiceUnavailable || !strings.Contains(res.Body.String(), sv) {
		t.Errorf("login page: %d %.300s", res.Code, res.Body)
	}

	// A change by someone logged in.
	res = coord.postJSON(env.munPath(env.ex, "/documents"), map[string]any{"type": "rutin", "title": "Rutin som inte sparas",
		"org_unit_id": env.unit("Exempelkommun/Socialförvaltningen")})
	if e := tDecodeError(t, res); res.Code != http.StatusServiceUnavailable || e.Error.Message != sv {
		t.Errorf("create a document: %d %s", res.Code, res.Body)
	}
	if n := env.count(`SELECT COUNT(*) FROM documents`); n != docs {
		t.Errorf("%d documents, %d before", n, docs)
	}
}
