package web

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"github.com/lisa-isms/lisa/internal/demo"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// adminEnv is a server with the demo data on its own SQLite file.
type adminEnv struct {
	t     *testing.T
	ctx   context.Context
	store *store.Store
	srv   *Server
	ex    int64 // Exempelkommun
	gr    int64 // Grannkommun
}

func adminNewEnv(t *testing.T) *adminEnv {
	t.Helper()
	env := newTestServer(t)
	return &adminEnv{t: t, ctx: env.ctx, store: env.store, srv: env.srv, ex: env.ex, gr: env.gr}
}

func (e *adminEnv) munID(name string) int64 {
	e.t.Helper()
	ms, err := e.store.ListMunicipalities(e.ctx, true, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range ms {
		if m.Name == name {
			return m.ID
		}
	}
	return 0
}

func (e *adminEnv) unit(mun int64, name string) domain.OrgUnit {
	e.t.Helper()
	us, err := e.store.ListOrgUnits(e.ctx, mun)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, u := range us {
		if u.Name == name {
			return u
		}
	}
	return domain.OrgUnit{}
}

func (e *adminEnv) user(username string) domain.User {
	e.t.Helper()
	u, err := e.store.GetUserByUsername(e.ctx, username)
	if err != nil {
		e.t.Fatalf("user %s: %v", username, err)
	}
	return u
}

// adminClient keeps a session's cookies and CSRF token.
type adminClient struct {
	e       *adminEnv
	cookies map[string]string
	csrf    string
}

// adminLogin logs in through the JSON API the way a browser script or test would.
func (e *adminEnv) adminLogin(username string) *adminClient {
	e.t.Helper()
	return e.adminLoginWith(username, demo.Password)
}

func (e *adminEnv) adminLoginWith(username, password string) *adminClient {
	e.t.Helper()
	c := &adminClient{e: e, cookies: map[string]string{}}
	body, _ := json.Marshal(map[string]string{"username": username, "password": password})
	res := c.do(http.MethodPost, "/api/v1/login", "application/json", string(body))
	if res.Code != http.StatusOK {
		e.t.Fatalf("login %s: %d %s", username, res.Code, res.Body)
	}
	var out struct {
		CSRFToken string `json:"csrf_token"`
	}
	if err := json.Unmarshal(res.Body.Bytes(), &out); err != nil || out.CSRFToken == "" {
		e.t.Fatalf("login %s: no csrf token in %s", username, res.Body)
	}
	c.csrf = out.CSRFToken
	return c
}

func (c *adminClient) do(method, path, ctype, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	rec := httptest.NewRecorder()
	c.e.srv.ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	return rec
}

func (c *adminClient) get(path string) *httptest.ResponseRecorder {
	return c.do(http.MethodGet, path, "", "")
}

// post sends a form with the session's csrf_token field.
func (c *adminClient) post(path string, v url.Values) *httptest.ResponseRecorder {
	v.Set("csrf_token", c.csrf)
	return c.postRaw(path, v)
}

// postRaw sends a form as given (no token added).
func (c *adminClient) postRaw(path string, v url.Values) *httptest.ResponseRecorder {
	return c.do(http.MethodPost, path, "application/x-www-form-urlencoded", v.Encode())
}

func adminWant(t *testing.T, res *httptest.ResponseRecorder, status int, what string) string {
	t.Helper()
	if res.Code != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, res.Code, status, res.Body)
	}
	return html.UnescapeString(res.Body.String())
}

func adminContains(t *testing.T, body, what string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s: missing %q", what, w)
		}
	}
}

var (
	adminH1Re      = regexp.MustCompile(`<h1[\s>]`)
	adminIDRe      = regexp.MustCompile(`\sid="([^"]+)"`)
	adminControlRe = regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
	adminAttrRe    = func(name string) *regexp.Regexp { return regexp.MustCompile(`\s` + name + `="([^"]*)"`) }
	adminTypeRe    = adminAttrRe("type")
	adminCtlIDRe   = adminAttrRe("id")
	adminHrefRe    = regexp.MustCompile(`href="#([^"]+)"`)
	adminPostRe    = regexp.MustCompile(`(?s)<form method="post".*?</form>`)
)

// adminCheckPage checks the accessibility basics of a rendered page: one h1, unique ids,
// a label for every visible control, every in-page link pointing at an id, and a CSRF token
// in every form that posts.
func adminCheckPage(t *testing.T, what, body string) {
	t.Helper()
	if n := len(adminH1Re.FindAllString(body, -1)); n != 1 {
		t.Errorf("%s: %d h1 elements", what, n)
	}
	ids := map[string]bool{}
	for _, m := range adminIDRe.FindAllStringSubmatch(body, -1) {
		if ids[m[1]] {
			t.Errorf("%s: duplicate id %q", what, m[1])
		}
		ids[m[1]] = true
	}
	for _, ctl := range adminControlRe.FindAllString(body, -1) {
		if tm := adminTypeRe.FindStringSubmatch(ctl); tm != nil && (tm[1] == "hidden" || tm[1] == "submit") {
			continue
		}
		im := adminCtlIDRe.FindStringSubmatch(ctl)
		if im == nil {
			t.Errorf("%s: control without id: %s", what, ctl)
			continue
		}
		if !strings.Contains(body, `<label for="`+im[1]+`"`) {
			t.Errorf("%s: no label for %q", what, im[1])
		}
	}
	for _, m := range adminHrefRe.FindAllStringSubmatch(body, -1) {
		if !ids[m[1]] {
			t.Errorf("%s: link to missing #%s", what, m[1])
		}
	}
	for _, f := range adminPostRe.FindAllString(body, -1) {
		if !strings.Contains(f, `name="csrf_token"`) {
			t.Errorf("%s: form without csrf_token: %.120s", what, f)
		}
	}
	if strings.Contains(body, "<th>") {
		t.Errorf("%s: table header without scope", what)
	}
	if i := strings.Index(body, "<h1"); i >= 0 && strings.Contains(body[i:], "<h3") && !strings.Contains(body[i:], "<h2") {
		t.Errorf("%s: headings skip a level", what)
	}
}

func TestAdminMunicipalities(t *testing.T) {
	e := adminNewEnv(t)
	c := e.adminLogin("admin")

	body := adminWant(t, c.get("/admin"), http.StatusOK, "GET /admin")
	adminCheckPage(t, "/admin", body)
	adminContains(t, body, "/admin", "Exempelkommun", "Grannkommun", `href="/admin/users"`, `href="/admin/municipalities/`+itoa(e.ex)+`"`)

	res := c.post("/admin/municipalities", url.Values{"name": {"Testkommun"}, "org_number": {"212000-0099"}})
	adminWant(t, res, http.StatusSeeOther, "create municipality")
	id := e.munID("Testkommun")
	if id == 0 {
		t.Fatal("municipality not stored")
	}
	if loc := res.Header().Get("Location"); loc != "/admin/municipalities/"+itoa(id) {
		t.Errorf("redirect to %q", loc)
	}
	body = adminWant(t, c.get("/admin/municipalities/"+itoa(id)), http.StatusOK, "new municipality page")
	adminContains(t, body, "flash", "Kommunen har skapats", "Kommunen har inga enheter ännu")
	body = adminWant(t, c.get("/admin"), http.StatusOK, "GET /admin")
	adminContains(t, body, "list", `<a href="/admin/municipalities/`+itoa(id)+`">Testkommun</a>`, "212000-0099")

	// A taken name: 409, the error summary, the input kept.
	body = adminWant(t, c.post("/admin/municipalities", url.Values{"name": {"Testkommun"}, "org_number": {"555"}}), http.StatusConflict, "duplicate")
	adminCheckPage(t, "duplicate", body)
	adminContains(t, body, "duplicate", `class="error-summary"`, `href="#f-name"`, "Är redan upptaget.", `value="Testkommun"`, `value="555"`, `aria-invalid="true"`)

	// No name: 400.
	body = adminWant(t, c.post("/admin/municipalities", url.Values{"name": {"  "}}), http.StatusBadRequest, "no name")
	adminContains(t, body, "no name", "Ange ett namn.", `href="#f-name"`)

	// In English.
	c.cookies[langCookie] = "en"
	body = adminWant(t, c.get("/admin"), http.StatusOK, "GET /admin en")
	adminContains(t, body, "en", "Add a municipality", "Organisation number")
}

func TestAdminOrgUnits(t *testing.T) {
	e := adminNewEnv(t)
	c := e.adminLogin("admin")
	base := "/admin/municipalities/" + itoa(e.ex)

	body := adminWant(t, c.get(base), http.StatusOK, "org page")
	adminCheckPage(t, "org page", body)
	ks, soc, socf := e.unit(e.ex, "Kommunstyrelsen"), e.unit(e.ex, "Socialnämnden"), e.unit(e.ex, "Socialförvaltningen")
	// Nested: Socialförvaltningen in a list inside Socialnämnden's item, inside Kommunstyrelsen's.
	iKS, iSoc, iSocf := strings.Index(body, `id="u-`+itoa(ks.ID)+`"`), strings.Index(body, `id="u-`+itoa(soc.ID)+`"`), strings.Index(body, `id="u-`+itoa(socf.ID)+`"`)
	if !(iKS >= 0 && iKS < iSoc && iSoc < iSocf) {
		t.Errorf("tree order wrong: %d %d %d", iKS, iSoc, iSocf)
	}
	adminContains(t, body, "org page", "Kommunstyrelse", "Kommunalt bolag", `id="f-u`+itoa(ks.ID)+`-name"`, `id="f-new-parent-id"`)
	if strings.Contains(body, "<details open") {
		t.Error("an edit form is open without errors")
	}

	// Add a unit under Socialnämnden.
	res := c.post(base+"/org-units", url.Values{"name": {"Äldreomsorgen"}, "kind": {"enhet"}, "parent_id": {itoa(socf.ID)}})
	adminWant(t, res, http.StatusSeeOther, "add unit")
	u := e.unit(e.ex, "Äldreomsorgen")
	if u.ID == 0 || u.ParentID == nil || *u.ParentID != socf.ID || u.Kind != domain.UnitEnhet {
		t.Fatalf("unit stored wrong: %+v", u)
	}
	if !strings.HasPrefix(res.Header().Get("Location"), base) {
		t.Errorf("redirect to %q", res.Header().Get("Location"))
	}

	// A cycle: Kommunstyrelsen under its own grandchild.
	body = adminWant(t, c.post(base+"/org-units/"+itoa(ks.ID), url.Values{"name": {"Kommunstyrelsen"}, "kind": {"kommunstyrelse"}, "parent_id": {itoa(socf.ID)}}), http.StatusBadRequest, "cycle")
	adminCheckPage(t, "cycle", body)
	adminContains(t, body, "cycle", `class="error-summary"`, `href="#f-u`+itoa(ks.ID)+`-parent-id"`, "Måste vara en annan enhet i samma kommun", "<details open")
	if got := e.unit(e.ex, "Kommunstyrelsen"); got.ParentID != nil {
		t.Error("cycle stored")
	}
	// A unit as its own parent.
	adminWant(t, c.post(base+"/org-units/"+itoa(soc.ID), url.Values{"name": {"Socialnämnden"}, "kind": {"namnd"}, "parent_id": {itoa(soc.ID)}}), http.StatusBadRequest, "self parent")

	// Rename with a taken name: 409 with the user's input kept.
	body = adminWant(t, c.post(base+"/org-units/"+itoa(soc.ID), url.Values{"name": {"Tekniska nämnden"}, "kind": {"namnd"}, "parent_id": {itoa(ks.ID)}}), http.StatusConflict, "taken")
	adminContains(t, body, "taken", `href="#f-u`+itoa(soc.ID)+`-name"`, "Är redan upptaget.", `id="f-u`+itoa(soc.ID)+`-name" name="name" type="text" value="Tekniska nämnden"`)

	// Numbers that do not parse and a missing kind are field errors, not 500s.
	body = adminWant(t, c.post(base+"/org-units", url.Values{"name": {"X"}, "kind": {""}, "parent_id": {"abc"}}), http.StatusBadRequest, "bad input")
	adminContains(t, body, "bad input", `href="#f-new-kind"`, `href="#f-new-parent-id"`, "Har fel typ av värde.", `value="X"`)
	// Every problem at once: no name, no kind, a bad parent.
	body = adminWant(t, c.post(base+"/org-units", url.Values{"name": {""}, "kind": {""}, "parent_id": {"abc"}}), http.StatusBadRequest, "all at once")
	adminContains(t, body, "all at once", `href="#f-new-name"`, `href="#f-new-kind"`, `href="#f-new-parent-id"`, "Ange ett namn.", "Välj typ av enhet.", "<title>Fel: ")
	adminWant(t, c.post(base+"/org-units", url.Values{"name": {"X"}, "kind": {"planet"}}), http.StatusBadRequest, "bad kind")
	adminWant(t, c.post(base+"/org-units/abc", url.Values{"name": {"X"}, "kind": {"enhet"}}), http.StatusNotFound, "bad unit id")
	adminWant(t, c.post("/admin/municipalities/99999/org-units", url.Values{"name": {"X"}, "kind": {"enhet"}}), http.StatusNotFound, "no such municipality")
	adminWant(t, c.get("/admin/municipalities/99999"), http.StatusNotFound, "no such municipality page")
	// A unit of another municipality.
	grKS := e.unit(e.gr, "Kommunstyrelsen")
	adminWant(t, c.post(base+"/org-units/"+itoa(grKS.ID), url.Values{"name": {"X"}, "kind": {"enhet"}}), http.StatusNotFound, "other municipality's unit")
	adminWant(t, c.post(base+"/org-units", url.Values{"name": {"X"}, "kind": {"enhet"}, "parent_id": {itoa(grKS.ID)}}), http.StatusBadRequest, "parent in other municipality")

	// Change a unit: move Äldreomsorgen to the top level.
	adminWant(t, c.post(base+"/org-units/"+itoa(u.ID), url.Values{"name": {"Äldreomsorgen"}, "kind": {"forvaltning"}, "parent_id": {""}}), http.StatusSeeOther, "edit")
	if got := e.unit(e.ex, "Äldreomsorgen"); got.ParentID != nil || got.Kind != domain.UnitForvaltning {
		t.Errorf("edit not stored: %+v", got)
	}

	// Delete: a unit with sub-units is refused on the page, an unused one goes.
	body = adminWant(t, c.post(base+"/org-units/"+itoa(ks.ID)+"/delete", url.Values{}), http.StatusConflict, "delete in use")
	adminCheckPage(t, "delete in use", body)
	adminContains(t, body, "delete in use", `class="error-summary"`, "Enheten Kommunstyrelsen kunde inte tas bort.", "Enheten har underenheter eller innehåll")
	adminWant(t, c.post(base+"/org-units/"+itoa(u.ID)+"/delete", url.Values{}), http.StatusSeeOther, "delete")
	if e.unit(e.ex, "Äldreomsorgen").ID != 0 {
		t.Error("unit not deleted")
	}
	adminWant(t, c.post(base+"/org-units/"+itoa(u.ID)+"/delete", url.Values{}), http.StatusNotFound, "delete again")
}

func TestAdminUsers(t *testing.T) {
	e := adminNewEnv(t)
	c := e.adminLogin("admin")

	body := adminWant(t, c.get("/admin/users"), http.StatusOK, "users")
	adminCheckPage(t, "users", body)
	samordnare := e.user("samordnare")
	adminContains(t, body, "users", `<a href="/admin/users/`+itoa(samordnare.ID)+`">samordnare</a>`, "Sara Samordnare", `<th scope="col">Administratör</th>`)

	// Too short a password: 400, named in Swedish, the rest kept, the password not echoed.
	form := url.Values{"username": {"nyanvandare"}, "name": {"Nina Ny"}, "email": {"nina@exempelkommun.se"}, "password": {"abc"}, "is_admin": {"on"}}
	body = adminWant(t, c.post("/admin/users", form), http.StatusBadRequest, "short password")
	adminCheckPage(t, "short password", body)
	adminContains(t, body, "short password", `class="error-summary"`, `<a href="#f-password">Lösenord: Måste ha minst 12 tecken.</a>`, `<label for="f-password">Lösenord`,
		`value="nyanvandare"`, `value="Nina Ny"`, `id="f-is-admin" name="is_admin" type="checkbox" value="on" checked`)
	if strings.Contains(body, `value="abc"`) {
		t.Error("password echoed")
	}
	// A taken username: 409.
	body = adminWant(t, c.post("/admin/users", url.Values{"username": {"samordnare"}, "name": {"X"}, "password": {"tillräckligt-långt"}}), http.StatusConflict, "taken username")
	adminContains(t, body, "taken username", `href="#f-username"`, "Är redan upptaget.")

	// Create.
	form.Set("password", "ett-bra-lösenord")
	form.Del("is_admin")
	res := c.post("/admin/users", form)
	adminWant(t, res, http.StatusSeeOther, "create user")
	nina := e.user("nyanvandare")
	if nina.IsAdmin || nina.Name != "Nina Ny" {
		t.Errorf("user stored wrong: %+v", nina)
	}
	if loc := res.Header().Get("Location"); loc != "/admin/users/"+itoa(nina.ID) {
		t.Errorf("redirect to %q", loc)
	}
	userURL := "/admin/users/" + itoa(nina.ID)
	body = adminWant(t, c.get(userURL), http.StatusOK, "user page")
	adminCheckPage(t, "user page", body)
	adminContains(t, body, "user page", "Användaren har skapats", "Användaren har inga roller",
		`<select id="f-municipality-id" name="grant_mun"`, `<option value="`+itoa(e.ex)+`">Exempelkommun</option>`, `<option value="`+itoa(e.gr)+`">Grannkommun</option>`)
	if strings.Contains(body, `name="org_unit_ids"`) || strings.Contains(body, `action="`+userURL+`/roles"`) {
		t.Error("user page: the grant form's second step (role, units) shows before a municipality is chosen")
	}
	body = adminWant(t, c.get("/admin/users"), http.StatusOK, "users")
	adminContains(t, body, "users", "nyanvandare", "Nina Ny")

	// Information owner without units: 400.
	body = adminWant(t, c.post(userURL+"/roles", url.Values{"municipality_id": {itoa(e.ex)}, "role": {"information_owner"}}), http.StatusBadRequest, "owner without units")
	adminCheckPage(t, "owner without units", body)
	adminContains(t, body, "owner without units", `href="#f-org-unit-ids"`, "Välj minst en enhet för en informationsägare.",
		`<option value="`+itoa(e.ex)+`" selected>Exempelkommun</option>`)
	// Units of another municipality: 400, the choice kept.
	grUnit := e.unit(e.gr, "Kommunkontoret")
	body = adminWant(t, c.post(userURL+"/roles", url.Values{"municipality_id": {itoa(e.ex)}, "role": {"information_owner"}, "org_unit_ids": {itoa(grUnit.ID)}}), http.StatusBadRequest, "foreign unit")
	adminCheckPage(t, "foreign unit", body)
	adminContains(t, body, "foreign unit", "Enheten finns inte i den här kommunen.", `href="#f-org-unit-ids"`, "<legend>Enheter i Exempelkommun</legend>",
		`<option value="information_owner" selected>`, `name="org_unit_ids" value="`+itoa(e.unit(e.ex, "Socialförvaltningen").ID)+`"`)
	if strings.Contains(body, `value="`+itoa(grUnit.ID)+`"`) {
		t.Error("foreign unit: the form for Exempelkommun offers a unit of Grannkommun")
	}
	// Bad input: field errors. Without a municipality only the first step is shown, so only
	// its error is named; with one, the role and the units are.
	body = adminWant(t, c.post(userURL+"/roles", url.Values{"municipality_id": {"x"}, "role": {""}, "org_unit_ids": {"y"}}), http.StatusBadRequest, "bad grant")
	adminCheckPage(t, "bad grant", body)
	adminContains(t, body, "bad grant", `href="#f-municipality-id"`, `id="f-municipality-id-error"`)
	body = adminWant(t, c.post(userURL+"/roles", url.Values{"municipality_id": {"99999"}, "role": {"admin"}}), http.StatusBadRequest, "unknown municipality")
	adminCheckPage(t, "unknown municipality", body)
	adminContains(t, body, "unknown municipality", `href="#f-municipality-id"`, "Kommunen finns inte.")
	body = adminWant(t, c.post(userURL+"/roles", url.Values{"municipality_id": {itoa(e.ex)}, "role": {""}, "org_unit_ids": {"y"}}), http.StatusBadRequest, "bad role and units")
	adminCheckPage(t, "bad role and units", body)
	adminContains(t, body, "bad role and units", `href="#f-role"`, `href="#f-org-unit-ids"`, `<option value="`+itoa(e.ex)+`" selected>Exempelkommun</option>`)
	adminWant(t, c.post(userURL+"/roles", url.Values{"municipality_id": {itoa(e.ex)}, "role": {"admin"}}), http.StatusBadRequest, "admin is no municipal role")
	adminWant(t, c.post("/admin/users/99999/roles", url.Values{"municipality_id": {itoa(e.ex)}, "role": {"coordinator"}}), http.StatusNotFound, "no such user")

	// Grant coordinator and information owner.
	adminWant(t, c.post(userURL+"/roles", url.Values{"municipality_id": {itoa(e.ex)}, "role": {"coordinator"}}), http.StatusSeeOther, "grant")
	soc := e.unit(e.ex, "Socialförvaltningen")
	adminWant(t, c.post(userURL+"/roles", url.Values{"municipality_id": {itoa(e.gr)}, "role": {"information_owner"}, "org_unit_ids": {itoa(grUnit.ID)}}), http.StatusSeeOther, "grant owner")
	body = adminWant(t, c.get(userURL), http.StatusOK, "user page")
	adminCheckPage(t, "user page with roles", body)
	adminContains(t, body, "roles", "Rollen har tilldelats.", "<td>Informationssäkerhetssamordnare</td>", "<td>Informationsägare</td>", "<td>Kommunkontoret</td>",
		`name="role" value="coordinator"`)
	_ = soc
	as, err := e.store.Assignments(e.ctx, nina.ID)
	if err != nil || len(as) != 2 {
		t.Fatalf("assignments: %v %+v", err, as)
	}
	// The new coordinator sees the municipality.
	nc := e.adminLoginWith("nyanvandare", "ett-bra-lösenord")
	adminWant(t, nc.get("/m/"+itoa(e.ex)), http.StatusOK, "new coordinator's dashboard")

	// Revoke.
	adminWant(t, c.post(userURL+"/roles/delete", url.Values{"municipality_id": {itoa(e.ex)}, "role": {"coordinator"}}), http.StatusSeeOther, "revoke")
	if as, _ := e.store.Assignments(e.ctx, nina.ID); len(as) != 1 || as[0].Role != domain.RoleInformationOwner {
		t.Errorf("after revoke: %+v", as)
	}
	body = adminWant(t, c.get(userURL), http.StatusOK, "after revoke")
	if strings.Contains(body, "<td>Informationssäkerhetssamordnare</td>") {
		t.Error("revoked role still shown")
	}
	adminWant(t, c.post(userURL+"/roles/delete", url.Values{"municipality_id": {itoa(e.ex)}, "role": {"coordinator"}}), http.StatusNotFound, "revoke again")
	adminWant(t, c.post(userURL+"/roles/delete", url.Values{"municipality_id": {"x"}, "role": {"coordinator"}}), http.StatusBadRequest, "revoke bad id")

	// Update: disable, and the password optional.
	adminWant(t, c.post(userURL, url.Values{"name": {"Nina Ny-Namn"}, "email": {""}, "password": {""}, "disabled": {"on"}}), http.StatusSeeOther, "update")
	if got := e.user("nyanvandare"); got.Name != "Nina Ny-Namn" || !got.Disabled || got.IsAdmin || got.PasswordHash != nina.PasswordHash {
		t.Errorf("update stored wrong: %+v", got)
	}
	body = adminWant(t, c.get(userURL), http.StatusOK, "after update")
	adminContains(t, body, "after update", "Spärrat konto", `id="f-disabled" name="disabled" type="checkbox" value="on" checked`)
	body = adminWant(t, c.post(userURL, url.Values{"name": {""}, "email": {"inte en adress"}, "password": {"kort"}}), http.StatusBadRequest, "bad update")
	adminContains(t, body, "bad update", `href="#f-name"`, `href="#f-email"`, `href="#f-password"`, `value="inte en adress"`)
	// The administrator cannot lock themselves out.
	admin := e.user("admin")
	body = adminWant(t, c.post("/admin/users/"+itoa(admin.ID), url.Values{"name": {"Alva Admin"}}), http.StatusBadRequest, "self lockout")
	adminCheckPage(t, "self lockout", body)
	adminContains(t, body, "self lockout", `href="#f-is-admin"`, "Du kan inte ta bort din egen administratörsbehörighet")
	adminWant(t, c.get("/admin/users/99999"), http.StatusNotFound, "no such user page")
	adminWant(t, c.post("/admin/users/99999", url.Values{"name": {"X"}}), http.StatusNotFound, "update no such user")
}

// The grant form lists, as checkboxes, the units of the municipality chosen in its first
// step and of no other; a unit ticked there is the one granted.
func TestAdminGrantUnitsOfChosenMunicipality(t *testing.T) {
	e := adminNewEnv(t)
	c := e.adminLogin("admin")
	medarbetare := e.user("medarbetare")
	userURL := "/admin/users/" + itoa(medarbetare.ID)
	ids := func(mun int64) map[int64]string {
		us, err := e.store.ListOrgUnits(e.ctx, mun)
		if err != nil || len(us) == 0 {
			t.Fatalf("units of %d: %v (%d)", mun, err, len(us))
		}
		out := map[int64]string{}
		for _, u := range us {
			out[u.ID] = u.Name
		}
		return out
	}
	box := regexp.MustCompile(`<input type="checkbox" id="f-org-unit-(\d+)" name="org_unit_ids" value="(\d+)"`)
	for _, tc := range []struct {
		mun, other int64
		name       string
	}{{e.ex, e.gr, "Exempelkommun"}, {e.gr, e.ex, "Grannkommun"}} {
		what := "grant form for " + tc.name
		body := adminWant(t, c.get(userURL+"?grant_mun="+itoa(tc.mun)), http.StatusOK, what)
		adminCheckPage(t, what, body)
		adminContains(t, body, what, `<option value="`+itoa(tc.mun)+`" selected>`+tc.name+`</option>`,
			`<input type="hidden" name="municipality_id" value="`+itoa(tc.mun)+`">`,
			`<fieldset class="field checkboxes" id="f-org-unit-ids"`, "<legend>Enheter i "+tc.name+"</legend>", `id="f-role" name="role"`)
		if strings.Contains(body, "<select id=\"f-org-unit-ids\"") || strings.Contains(body, " multiple") {
			t.Errorf("%s: still a multi-select of units", what)
		}
		want, other := ids(tc.mun), ids(tc.other)
		listed := map[int64]bool{}
		for _, m := range box.FindAllStringSubmatch(body, -1) {
			id, _ := strconv.ParseInt(m[2], 10, 64)
			if m[1] != m[2] {
				t.Errorf("%s: checkbox id f-org-unit-%s has value %s", what, m[1], m[2])
			}
			if _, ok := other[id]; ok {
				t.Errorf("%s: lists %s, a unit of the other municipality", what, other[id])
			}
			listed[id] = true
		}
		for id, name := range want {
			if !listed[id] {
				t.Errorf("%s: no checkbox for its unit %s", what, name)
			} else if !strings.Contains(body, `<label for="f-org-unit-`+itoa(id)+`">`+name+`</label>`) {
				t.Errorf("%s: the checkbox of %s has no label naming it", what, name)
			}
		}
		if n := strings.Count(body, `class="primary"`); n != 1 {
			t.Errorf("%s: %d primary buttons, want one per page", what, n)
		}
	}
	// Sub-units are indented by their depth under the top units.
	body := adminWant(t, c.get(userURL+"?grant_mun="+itoa(e.ex)), http.StatusOK, "grant form")
	soc := e.unit(e.ex, "Socialförvaltningen")
	units, err := e.store.ListOrgUnits(e.ctx, e.ex)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]domain.OrgUnit{}
	for _, u := range units {
		byID[u.ID] = u
	}
	depth := 0
	for u := soc; u.ParentID != nil; depth++ {
		if u = byID[*u.ParentID]; u.ID == 0 || depth > 10 {
			t.Fatalf("the parents of Socialförvaltningen do not lead to a top unit")
		}
	}
	if depth == 0 {
		t.Fatalf("the demo's Socialförvaltningen has no parent unit")
	}
	adminContains(t, body, "grant form", `<div class="checkbox depth-0"><input type="checkbox" id="f-org-unit-`+itoa(e.unit(e.ex, "Kommunstyrelsen").ID)+`"`,
		`<div class="checkbox depth-`+strconv.Itoa(depth)+`"><input type="checkbox" id="f-org-unit-`+itoa(soc.ID)+`"`)

	// No municipality chosen, or an unknown one: only the first step.
	for _, q := range []string{"", "?grant_mun=99999", "?grant_mun=abc"} {
		body := adminWant(t, c.get(userURL+q), http.StatusOK, "user page"+q)
		adminCheckPage(t, "user page"+q, body)
		if strings.Contains(body, `name="org_unit_ids"`) || strings.Contains(body, `action="`+userURL+`/roles"`) {
			t.Errorf("user page%s: shows the second step of the grant form", q)
		}
		if q != "" && !strings.Contains(body, `id="f-municipality-id-error"`) {
			t.Errorf("user page%s: no error at the municipality field", q)
		}
	}

	// Granting with a ticked unit stores that unit; the units must still be the municipality's.
	adminWant(t, c.post(userURL+"/roles", url.Values{"municipality_id": {itoa(e.ex)}, "role": {"information_owner"}, "org_unit_ids": {itoa(soc.ID)}}), http.StatusSeeOther, "grant owner")
	as, err := e.store.Assignments(e.ctx, medarbetare.ID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range as {
		if a.MunicipalityID == e.ex && a.Role == domain.RoleInformationOwner {
			found = len(a.OrgUnitIDs) == 1 && a.OrgUnitIDs[0] == soc.ID
		}
	}
	if !found {
		t.Errorf("after granting owner of Socialförvaltningen: %+v", as)
	}
	body = adminWant(t, c.get(userURL), http.StatusOK, "user page with the owner role")
	adminContains(t, body, "user page with the owner role", "<td>Socialförvaltningen</td>")
	grUnit := e.unit(e.gr, "Kommunkontoret")
	adminWant(t, c.post(userURL+"/roles", url.Values{"municipality_id": {itoa(e.ex)}, "role": {"information_owner"}, "org_unit_ids": {itoa(grUnit.ID)}}), http.StatusBadRequest, "a unit of another municipality")
}

func TestAdminForbidden(t *testing.T) {
	e := adminNewEnv(t)
	c := e.adminLogin("samordnare")
	for _, p := range []string{"/admin", "/admin/users", "/admin/municipalities/" + itoa(e.ex), "/admin/users/1"} {
		body := adminWant(t, c.get(p), http.StatusForbidden, "GET "+p)
		if strings.Contains(body, "<form method=\"post\" action=\"/admin") {
			t.Errorf("GET %s shows an admin form", p)
		}
	}
	// Even invalid input gets 403, not the form with errors.
	adminWant(t, c.post("/admin/users", url.Values{"username": {"x"}, "password": {"abc"}}), http.StatusForbidden, "POST /admin/users")
	adminWant(t, c.post("/admin/users", url.Values{"username": {"hacker"}, "name": {"H"}, "password": {"tillräckligt-långt"}, "is_admin": {"on"}}), http.StatusForbidden, "POST /admin/users valid")
	if _, err := e.store.GetUserByUsername(e.ctx, "hacker"); domain.ErrorCode(err) != domain.ENotFound {
		t.Error("non-admin created a user")
	}
	me := e.user("samordnare")
	for _, p := range []string{"/admin/municipalities", "/admin/municipalities/" + itoa(e.ex) + "/org-units", "/admin/users/" + itoa(me.ID),
		"/admin/users/" + itoa(me.ID) + "/roles", "/admin/users/" + itoa(me.ID) + "/roles/delete"} {
		adminWant(t, c.post(p, url.Values{"name": {"X"}, "kind": {"enhet"}, "municipality_id": {itoa(e.gr)}, "role": {"coordinator"}, "is_admin": {"on"}}), http.StatusForbidden, "POST "+p)
	}
	if e.user("samordnare").IsAdmin {
		t.Error("non-admin made themselves admin")
	}
	// Anonymous: to the login page.
	anon := &adminClient{e: e, cookies: map[string]string{}}
	if res := anon.get("/admin"); res.Code != http.StatusSeeOther || !strings.HasPrefix(res.Header().Get("Location"), "/login") {
		t.Errorf("anonymous GET /admin: %d %s", res.Code, res.Header().Get("Location"))
	}
}

func TestAdminCSRF(t *testing.T) {
	e := adminNewEnv(t)
	c := e.adminLogin("admin")
	body := adminWant(t, c.postRaw("/admin/municipalities", url.Values{"name": {"Utan token"}}), http.StatusForbidden, "no token")
	adminContains(t, body, "no token", "CSRF")
	adminWant(t, c.postRaw("/admin/users", url.Values{"csrf_token": {"fel"}, "username": {"x1"}, "name": {"X"}, "password": {"tillräckligt-långt"}}), http.StatusForbidden, "wrong token")
	if e.munID("Utan token") != 0 {
		t.Error("municipality created without token")
	}
	// Every admin form carries the token.
	nina := e.user("agare")
	for _, p := range []string{"/admin", "/admin/users", "/admin/municipalities/" + itoa(e.ex), "/admin/users/" + itoa(nina.ID)} {
		body := adminWant(t, c.get(p), http.StatusOK, p)
		adminCheckPage(t, p, body)
		adminContains(t, body, p, `name="csrf_token" value="`+c.csrf+`"`)
	}
}

// The tree copes with orphans and orders siblings by kind, then name.
func TestAdminTree(t *testing.T) {
	id := func(n int64) *int64 { return &n }
	units := []domain.OrgUnit{
		{ID: 1, Name: "Kommunstyrelsen", Kind: domain.UnitKommunstyrelse},
		{ID: 2, Name: "Bolaget AB", Kind: domain.UnitBolag, ParentID: id(1)},
		{ID: 3, Name: "Ö-nämnden", Kind: domain.UnitNamnd, ParentID: id(1)},
		{ID: 4, Name: "A-nämnden", Kind: domain.UnitNamnd, ParentID: id(1)},
		{ID: 9, Name: "Äldrenämnden", Kind: domain.UnitNamnd, ParentID: id(1)},
		{ID: 10, Name: "Ånämnden", Kind: domain.UnitNamnd, ParentID: id(1)},
		{ID: 5, Name: "Förvaltningen", Kind: domain.UnitForvaltning, ParentID: id(4)},
		{ID: 6, Name: "Föräldralös", Kind: domain.UnitEnhet, ParentID: id(99)},
		{ID: 7, Name: "Ring A", Kind: domain.UnitEnhet, ParentID: id(8)},
		{ID: 8, Name: "Ring B", Kind: domain.UnitEnhet, ParentID: id(7)},
	}
	roots, flat := adminTree(units)
	var got []string
	for _, n := range flat {
		got = append(got, strings.Repeat("-", n.Depth)+n.Unit.Name)
	}
	want := "Kommunstyrelsen -A-nämnden --Förvaltningen -Ånämnden -Äldrenämnden -Ö-nämnden -Bolaget AB Föräldralös Ring A Ring B"
	if strings.Join(got, " ") != want {
		t.Errorf("tree:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	if len(roots) != 4 {
		t.Errorf("%d roots", len(roots))
	}
}
