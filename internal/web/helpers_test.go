package web

// Shared helpers of the API, route-permission, OpenAPI and fuzz tests: a real server on a
// fresh SQLite file loaded with the demo data, and a small HTTP client that keeps cookies and
// the CSRF token the way a browser or API client would.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/auth"
	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/catalog"
	"github.com/lisa-isms/lisa/internal/demo"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
	"github.com/lisa-isms/lisa/internal/storetest"
)

// testEnv is a server on its own database with the demo data.
type testEnv struct {
	t     testing.TB
	ctx   context.Context
	path  string
	store *store.Store
	app   *app.App
	srv   *Server

	ex, gr int64            // Exempelkommun, Grannkommun
	units  map[string]int64 // "Exempelkommun/Socialförvaltningen" -> id
	users  map[string]int64 // username -> id
	docs   map[string]int64 // demo document title -> id
	extra  map[string]int64 // fixtures of the kinds that tests declare (kind_widget_test.go)
}

// Kinds declared in test files add their policy lines and their fixtures (their own table,
// their records) to every test server.
var (
	tKindPolicy []string
	tKindSetup  []func(e *testEnv)
)

// The demo documents the tests lean on.
const (
	tDocSocDraft = "Rutin för behörighetstilldelning i verksamhetssystemet för socialtjänsten" // draft, Socialförvaltningen, owner agare
	tDocBUFDraft = "Rutin för elevdata i lärplattformen"                                       // draft, Barn- och utbildningsförvaltningen
	tDocPolicy   = "Informationssäkerhetspolicy"                                               // adopted policy, Kommunledningsförvaltningen
	tDocGrPolicy = "Informationssäkerhetspolicy för Grannkommun"                               // draft in Grannkommun
)

// TestMain removes the seeded databases the tests copied from.
func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropSeeds()
	os.Exit(code)
}

// newTestServer builds a server on a fresh database seeded with demo.Seed.
func newTestServer(t testing.TB) *testEnv {
	t.Helper()
	ctx := context.Background()
	// The demo data is seeded once per test process and copied for each test.
	env := &testEnv{t: t, ctx: ctx, path: storetest.Seeded(t, "web-demo", func(dsn string) error {
		s, err := store.Open(ctx, dsn)
		if err != nil {
			return err
		}
		defer s.Close()
		a, err := app.New(s, app.WithPolicy(tKindPolicy...))
		if err != nil {
			return err
		}
		a.Hasher = auth.Hasher{Cost: bcrypt.MinCost}
		return demo.Seed(ctx, a)
	})}
	s, err := store.Open(ctx, env.path)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	a, err := app.New(s, app.WithPolicy(tKindPolicy...))
	if err != nil {
		t.Fatal(err)
	}
	a.Hasher = auth.Hasher{Cost: bcrypt.MinCost}
	srv, err := New(a, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	env.store, env.app, env.srv = s, a, srv

	ms, err := s.ListMunicipalities(ctx, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	env.units, env.users, env.docs = map[string]int64{}, map[string]int64{}, map[string]int64{}
	for _, m := range ms {
		switch m.Name {
		case "Exempelkommun":
			env.ex = m.ID
		case "Grannkommun":
			env.gr = m.ID
		}
		us, err := s.ListOrgUnits(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range us {
			env.units[m.Name+"/"+u.Name] = u.ID
		}
		ds, err := s.ListDocuments(ctx, m.ID, domain.Visibility{All: true}, store.DocumentFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			env.docs[d.Title] = d.ID
		}
	}
	if env.ex == 0 || env.gr == 0 {
		t.Fatalf("demo municipalities missing: %+v", ms)
	}
	us, err := s.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		env.users[u.Username] = u.ID
	}
	for _, title := range []string{tDocSocDraft, tDocBUFDraft, tDocPolicy, tDocGrPolicy} {
		if env.docs[title] == 0 {
			t.Fatalf("demo document %q missing", title)
		}
	}
	env.extra = map[string]int64{}
	for _, f := range tKindSetup {
		f(env)
	}
	return env
}

// unit returns the id of a demo org unit ("Exempelkommun/Socialförvaltningen").
func (e *testEnv) unit(name string) int64 {
	e.t.Helper()
	id, ok := e.units[name]
	if !ok {
		e.t.Fatalf("no org unit %q", name)
	}
	return id
}

// doc returns the id of a demo document by title.
func (e *testEnv) doc(title string) int64 {
	e.t.Helper()
	id, ok := e.docs[title]
	if !ok {
		e.t.Fatalf("no document %q", title)
	}
	return id
}

// caller returns a service-layer caller for a demo user (for setting up fixtures directly).
func (e *testEnv) caller(username string) app.Caller {
	e.t.Helper()
	u, err := e.store.GetUserByUsername(e.ctx, username)
	if err != nil {
		e.t.Fatalf("user %s: %v", username, err)
	}
	as, err := e.store.Assignments(e.ctx, u.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return app.Caller{P: &authz.Principal{User: u, Assignments: as}, IP: "test"}
}

// newDoc creates a draft document through the service layer as username in municipality mun,
// org unit unit, and returns it.
func (e *testEnv) newDoc(username string, mun, unit int64, title string) domain.Document {
	e.t.Helper()
	typ, interval := "rutin", 12
	d, err := e.app.CreateDocument(e.ctx, e.caller(username), mun, domain.DocumentInput{Type: &typ, Title: &title, OrgUnitID: &unit, ReviewIntervalMonths: &interval})
	if err != nil {
		e.t.Fatalf("create document %q: %v", title, err)
	}
	return d
}

// newEvidence attaches a small PDF to a document through the service layer.
func (e *testEnv) newEvidence(username string, mun, doc int64) domain.Evidence {
	e.t.Helper()
	ev, err := e.app.AddEvidence(e.ctx, e.caller(username), mun, domain.KindDocument, doc, "bevis.pdf", tPDF)
	if err != nil {
		e.t.Fatalf("add evidence: %v", err)
	}
	return ev
}

// count runs a COUNT(*) query on the database file directly.
func (e *testEnv) count(query string, args ...any) int {
	e.t.Helper()
	db := storetest.Raw(e.t, e.path)
	var n int
	if err := db.QueryRowContext(e.ctx, query, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// tableCounts counts the rows of the tables a request could write to: the core's and every
// registered kind's own table.
func (e *testEnv) tableCounts() map[string]int {
	out := map[string]int{}
	tables := []string{"municipalities", "org_units", "users", "role_assignments", "records", "document_versions",
		"reviews", "comments", "evidence", "record_links", "control_unit_status", "sessions", "audit_log"}
	for _, k := range domain.KindSpecs() {
		if k.Table != "" {
			tables = append(tables, k.Table)
		}
	}
	for _, tbl := range tables {
		out[tbl] = e.count("SELECT COUNT(*) FROM " + tbl)
	}
	return out
}

// tPDF is a minimal PDF file.
var tPDF = []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")

// testClient is one HTTP client: its cookies, CSRF token, bearer token and headers.
type testClient struct {
	env     *testEnv
	cookies map[string]string
	csrf    string
	bearer  string
	header  http.Header // sent with every request
	ip      string      // RemoteAddr host
}

func (e *testEnv) client() *testClient {
	return &testClient{env: e, cookies: map[string]string{}, header: http.Header{}, ip: "192.0.2.10"}
}

// login logs username in through POST /api/v1/login with the demo password.
func (e *testEnv) login(username string) *testClient {
	e.t.Helper()
	c := e.client()
	res := c.postJSON("/api/v1/login", map[string]string{"username": username, "password": demo.Password})
	if res.Code != http.StatusOK {
		e.t.Fatalf("login %s: %d %s", username, res.Code, res.Body)
	}
	var out struct {
		CSRFToken string `json:"csrf_token"`
	}
	if err := json.Unmarshal(res.Body.Bytes(), &out); err != nil || out.CSRFToken == "" {
		e.t.Fatalf("login %s: csrf token missing in %s", username, res.Body)
	}
	c.csrf = out.CSRFToken
	return c
}

// tReq is a request to send.
type tReq struct {
	method, path string
	body         []byte
	ctype        string
	header       http.Header
	noCSRF       bool // leave out X-CSRF-Token even when logged in
}

// send sends r, with the client's cookies, the CSRF header on state-changing calls, the bearer
// token and headers, and keeps the cookies the response sets.
func (c *testClient) send(r tReq) *httptest.ResponseRecorder {
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req := httptest.NewRequest(r.method, r.path, body)
	req.RemoteAddr = c.ip + ":40000"
	if r.ctype != "" {
		req.Header.Set("Content-Type", r.ctype)
	}
	for k, vs := range c.header {
		req.Header[k] = vs
	}
	for k, vs := range r.header {
		req.Header[k] = vs
	}
	for name, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: v})
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	switch r.method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
	default:
		if c.csrf != "" && !r.noCSRF && req.Header.Get("X-CSRF-Token") == "" {
			req.Header.Set("X-CSRF-Token", c.csrf)
		}
	}
	rec := httptest.NewRecorder()
	c.env.srv.ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	return rec
}

func (c *testClient) get(path string) *httptest.ResponseRecorder {
	return c.send(tReq{method: http.MethodGet, path: path})
}

func (c *testClient) delete(path string) *httptest.ResponseRecorder {
	return c.send(tReq{method: http.MethodDelete, path: path})
}

// doJSON sends v as JSON (a []byte or string is sent as is).
func (c *testClient) doJSON(method, path string, v any) *httptest.ResponseRecorder {
	return c.send(tReq{method: method, path: path, body: tJSONBody(v), ctype: "application/json"})
}

func (c *testClient) postJSON(path string, v any) *httptest.ResponseRecorder {
	return c.doJSON(http.MethodPost, path, v)
}

func tJSONBody(v any) []byte {
	switch b := v.(type) {
	case nil:
		return nil
	case []byte:
		return b
	case string:
		return []byte(b)
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// postForm posts an HTML form with the session's CSRF token as the form field csrf_token.
func (c *testClient) postForm(path string, v url.Values) *httptest.ResponseRecorder {
	if v == nil {
		v = url.Values{}
	}
	if c.csrf != "" && v.Get("csrf_token") == "" {
		v.Set("csrf_token", c.csrf)
	}
	return c.send(tReq{method: http.MethodPost, path: path, body: []byte(v.Encode()), ctype: "application/x-www-form-urlencoded", noCSRF: true})
}

// tMultipart builds a multipart body with form fields and one file in the field "file".
func tMultipart(fields map[string]string, filename string, data []byte) ([]byte, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	if filename != "" {
		fw, _ := w.CreateFormFile("file", filename)
		_, _ = fw.Write(data)
	}
	_ = w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

// upload posts a file as the multipart field "file" (API: CSRF header; pages: form field).
func (c *testClient) upload(path, filename string, data []byte, formCSRF bool) *httptest.ResponseRecorder {
	fields := map[string]string{}
	if formCSRF && c.csrf != "" {
		fields["csrf_token"] = c.csrf
	}
	body, ct := tMultipart(fields, filename, data)
	return c.send(tReq{method: http.MethodPost, path: path, body: body, ctype: ct, noCSRF: formCSRF})
}

// tAPIError is the JSON error body.
type tAPIError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

// tDecodeError decodes an error body, failing the test when it is not one.
func tDecodeError(t testing.TB, res *httptest.ResponseRecorder) tAPIError {
	t.Helper()
	var e tAPIError
	if ct := res.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("error content type %q, body %s", ct, res.Body)
	}
	if err := json.Unmarshal(res.Body.Bytes(), &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("not an error body (%v): %s", err, res.Body)
	}
	return e
}

// tDecode decodes a JSON response into v, failing the test on a wrong status.
func tDecode(t testing.TB, res *httptest.ResponseRecorder, status int, v any) {
	t.Helper()
	if res.Code != status {
		t.Fatalf("status %d, want %d: %s", res.Code, status, res.Body)
	}
	if v == nil {
		return
	}
	if err := json.Unmarshal(res.Body.Bytes(), v); err != nil {
		t.Fatalf("decode %T: %v in %s", v, err, res.Body)
	}
}

func tPtr[T any](v T) *T { return &v }

func tItoa(n int64) string { return itoa(n) }

// catalogs returns the shipped control catalogs.
func (e *testEnv) catalogs(t testing.TB) *catalog.Set {
	t.Helper()
	set, err := e.app.CatalogSet(e.caller("samordnare"))
	if err != nil {
		t.Fatal(err)
	}
	return set
}
