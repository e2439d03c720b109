package web

// Who may call what: every route the router has × every role × own and other municipality,
// on a real database with the demo data. A route the table does not know fails the test, so
// no route can be added without deciding its permissions here.

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/demo"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/exchange"
	"github.com/lisa-isms/lisa/internal/storetest"
)

// The roles of the table, in the order of a want.
var tRoles = []string{"admin", "coordinator", "information_owner", "management", "auditor", "staff", "anonymous"}

// tRoleUser is the demo account holding each role in Exempelkommun (admin: is_admin, no role).
var tRoleUser = map[string]string{
	"admin": "admin", "coordinator": "samordnare", "information_owner": "agare", "management": "ledning",
	"auditor": "revisor", "staff": "medarbetare", "anonymous": "",
}

// Expected outcomes. Denials are exact statuses; allowed calls are a class.
const (
	x2xx   = 2   // any 2xx
	x303   = 303 // redirect (a form that worked, or a page sending the user on), not to the login page
	xLogin = 1   // redirect to /login?next=... (anonymous on a page)
	x400   = http.StatusBadRequest
	x401   = http.StatusUnauthorized
	x403   = http.StatusForbidden
	x404   = http.StatusNotFound
)

// want is the expected outcome per role, in the order of tRoles:
// admin, coordinator, information_owner, management, auditor, staff, anonymous.
type want [7]int

func (w want) set() bool { return w != want{} }

// rctx is what a request of the table is built from.
type rctx struct {
	env      *testEnv
	t        *testing.T
	role     string
	other    bool             // the other municipality (Grannkommun) instead of the caller's own
	mun      int64            // :mid
	doc      int64            // :id, a draft in Socialförvaltningen (own) or in Grannkommun (other)
	unit     int64            // org unit to create documents in (Socialförvaltningen / Kommunkontoret)
	ev       int64            // :eid, evidence on doc
	editUnit int64            // :uid under /org-units, a unit nothing depends on
	user     int64            // :uid under /users, an account made for the test
	ctl      string           // :ctl, a statement-of-applicability row nobody owns (5.24)
	ctlRec   int64            // its record id (:id under /m/:mid/records)
	ctlEv    int64            // :eid under /soa/:ctl, evidence on that row
	nid      int64            // :nid, a notification of the caller (or of samordnare, for anonymous)
	calFile  string           // :file, samordnare's calendar feed (token.ics)
	tid      int64            // :tid, an API token of the caller (/me, /profile) or of user (/users)
	ext      map[string]int64 // targets of kinds that tests declare (copy before changing)
	seq      int              // unique per request
	client   *testClient
}

// coordUser is the coordinator of the target municipality, to set up fixtures there.
func (x *rctx) coordUser() string {
	if x.other {
		return "samordnare2"
	}
	return "samordnare"
}

// freshDoc replaces the target document by a new draft (for requests that destroy or change it).
func (x *rctx) freshDoc() {
	x.doc = x.env.newDoc(x.coordUser(), x.mun, x.unit, fmt.Sprintf("Tillfälligt dokument %d", x.seq)).ID
}

// freshEvidence replaces the target evidence by a new file on the target document.
func (x *rctx) freshEvidence() { x.ev = x.env.newEvidence(x.coordUser(), x.mun, x.doc).ID }

// freshCtlEvidence replaces the target evidence of the statement-of-applicability row by a
// new file on it.
func (x *rctx) freshCtlEvidence() {
	ev, err := x.env.app.AddEvidence(x.env.ctx, x.env.caller(x.coordUser()), x.mun, domain.KindControl, x.ctlRec, "bevis.pdf", tPDF)
	if err != nil {
		x.t.Fatal(err)
	}
	x.ctlEv = ev.ID
}

// freshNotification gives the caller's account (samordnare's, for anonymous callers) an
// unread in-app notification, the target :nid.
func (x *rctx) freshNotification() {
	user := tRoleUser[x.role]
	if user == "" {
		user = "samordnare"
	}
	db := storetest.Raw(x.t, x.env.path)
	if err := db.QueryRowContext(x.env.ctx, `INSERT INTO notifications (user_id, municipality_id, kind, message, created_at) VALUES (?, ?, 'reminder', ?, ?) RETURNING id`,
		x.env.users[user], x.env.ex, fmt.Sprintf("Påminnelse %d", x.seq), time.Now().UTC()).Scan(&x.nid); err != nil {
		x.t.Fatal(err)
	}
}

// freshCalendarToken makes samordnare a new calendar feed, the target :file.
func (x *rctx) freshCalendarToken() {
	tok, err := x.env.app.CreateCalendarToken(x.env.ctx, x.env.caller("samordnare"))
	if err != nil {
		x.t.Fatal(err)
	}
	x.calFile = tok + ".ics"
}

// freshMyToken makes the caller's account (samordnare's, for anonymous callers) an API token,
// the target :tid.
func (x *rctx) freshMyToken() {
	user := tRoleUser[x.role]
	if user == "" {
		user = "samordnare"
	}
	t, err := x.env.app.CreateAPIToken(x.env.ctx, user, fmt.Sprintf("nyckel %d", x.seq), 30)
	if err != nil {
		x.t.Fatal(err)
	}
	x.tid = t.ID
}

// freshUserToken makes the test account an API token, the target :tid under /users/:uid.
func (x *rctx) freshUserToken() {
	u, err := x.env.store.GetUser(x.env.ctx, x.user)
	if err != nil {
		x.t.Fatal(err)
	}
	t, err := x.env.app.CreateAPIToken(x.env.ctx, u.Username, fmt.Sprintf("nyckel %d", x.seq), 30)
	if err != nil {
		x.t.Fatal(err)
	}
	x.tid = t.ID
}

// freshUnit replaces the target org unit by a new one.
func (x *rctx) freshUnit() {
	u, err := x.env.app.SaveOrgUnit(x.env.ctx, x.env.caller("admin"), x.mun, 0, app.OrgUnitInput{Name: fmt.Sprintf("Tillfällig enhet %d", x.seq), Kind: "enhet"})
	if err != nil {
		x.t.Fatal(err)
	}
	x.editUnit = u.ID
}

// grantStaff gives the test account the staff role in Exempelkommun (so it can be revoked).
func (x *rctx) grantStaff() {
	if err := x.env.app.GrantRole(x.env.ctx, x.env.caller("admin"), x.user, app.RoleInput{MunicipalityID: x.env.ex, Role: "staff"}); err != nil {
		x.t.Fatal(err)
	}
}

// form is an HTML form body with the session's CSRF token as a field.
func (x *rctx) form(kv ...string) ([]byte, string) {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	if x.client.csrf != "" {
		v.Set("csrf_token", x.client.csrf)
	}
	return []byte(v.Encode()), "application/x-www-form-urlencoded"
}

func (x *rctx) json(v any) ([]byte, string) { return tJSONBody(v), "application/json" }

// routeCase is one route's permissions and how to call it.
type routeCase struct {
	own   want // in Exempelkommun, where every role is held
	other want // in Grannkommun, where none is (admins manage it); unset for routes without :mid
	// session: "" the role's shared session; "fresh" a new login (the request ends it);
	// "none" no session at all (public endpoints that start one).
	session string
	query   func(x *rctx) string
	setup   func(x *rctx)                                   // fixtures, before the path is built
	body    func(x *rctx) (body []byte, contentType string) // nil: no body
}

func routeTable() map[string]routeCase {
	readers := want{x404, x2xx, x2xx, x2xx, x2xx, x404, x401}            // the Socialförvaltningen draft
	pageReaders := want{x404, x2xx, x2xx, x2xx, x2xx, x404, xLogin}      // same, as a page
	otherAPI := want{x404, x404, x404, x404, x404, x404, x401}           // anything in Grannkommun's records
	otherPage := want{x404, x404, x404, x404, x404, x404, xLogin}        // the same as pages
	otherMun := want{x2xx, x404, x404, x404, x404, x404, x401}           // Grannkommun itself: only admins
	otherMunDeny := want{x403, x404, x404, x404, x404, x404, x401}       // admin is there, but without the right
	otherMunPageDeny := want{x403, x404, x404, x404, x404, x404, xLogin} // the same as pages
	adminOnly := want{x2xx, x403, x403, x403, x403, x403, x401}
	adminPage := want{x2xx, x403, x403, x403, x403, x403, xLogin}
	adminForm := want{x303, x403, x403, x403, x403, x403, xLogin}
	everyone := want{x2xx, x2xx, x2xx, x2xx, x2xx, x2xx, x2xx}
	docTitle := func(x *rctx) ([]byte, string) {
		return x.json(map[string]any{"type": "rutin", "title": fmt.Sprintf("Dokument %d", x.seq), "org_unit_id": x.unit})
	}
	pdf := func(x *rctx) ([]byte, string) {
		fields := map[string]string{}
		if x.client.csrf != "" {
			fields["csrf_token"] = x.client.csrf
		}
		return tMultipart(fields, "bevis.pdf", tPDF)
	}

	// The statement of applicability (object control): coordinators, information owners,
	// management and auditors read it; staff and administrators do not.
	ctlReaders := want{x403, x2xx, x2xx, x2xx, x2xx, x403, x401}
	ctlPageReaders := want{x403, x2xx, x2xx, x2xx, x2xx, x403, xLogin}
	// Changing the target row (owned by nobody): coordinators only; an information owner
	// changes only the rows they own.
	ctlWriters := want{x403, x2xx, x403, x403, x403, x403, x401}
	ctlPageWriters := want{x403, x303, x403, x403, x403, x403, xLogin}
	loggedIn := want{x2xx, x2xx, x2xx, x2xx, x2xx, x2xx, x401}
	// workbook is an unchanged export of the target municipality's statement (an import of
	// it changes nothing).
	workbook := func(x *rctx) []byte {
		rows, err := x.env.app.SoA(x.env.ctx, x.env.caller(x.coordUser()), x.mun)
		if err != nil {
			x.t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := exchange.WriteXLSX(&buf, domain.Municipality{ID: x.mun}, rows, nil, nil, "sv"); err != nil {
			x.t.Fatal(err)
		}
		return buf.Bytes()
	}
	importUpload := func(x *rctx) ([]byte, string) {
		fields := map[string]string{}
		if x.client.csrf != "" {
			fields["csrf_token"] = x.client.csrf
		}
		return tMultipart(fields, "soa.xlsx", workbook(x))
	}

	table := map[string]routeCase{
		// ---- The JSON API ----
		"GET /api/v1/openapi.json": {own: everyone},
		"POST /api/v1/login": {own: want{x2xx, x2xx, x2xx, x2xx, x2xx, x2xx, x401}, session: "none", body: func(x *rctx) ([]byte, string) {
			if x.role == "anonymous" {
				return x.json(map[string]string{"username": "samordnare", "password": "fel-lösenord"})
			}
			return x.json(map[string]string{"username": tRoleUser[x.role], "password": demo.Password})
		}},
		"POST /api/v1/logout": {own: want{x2xx, x2xx, x2xx, x2xx, x2xx, x2xx, x401}, session: "fresh"},
		"GET /api/v1/me":      {own: want{x2xx, x2xx, x2xx, x2xx, x2xx, x2xx, x401}},
		// One's own reminders: the calendar feed token and the in-app notifications.
		"POST /api/v1/me/calendar-token":          {own: loggedIn},
		"DELETE /api/v1/me/calendar-token":        {own: loggedIn},
		"GET /api/v1/me/notifications":            {own: loggedIn},
		"POST /api/v1/me/notifications/:nid/read": {own: loggedIn, setup: (*rctx).freshNotification},
		"GET /api/v1/admin/outbox":                {own: adminOnly},
		// One's own API tokens and password (a wrong current password: the shared sessions stay).
		"GET /api/v1/me/tokens": {own: loggedIn},
		"POST /api/v1/me/tokens": {own: loggedIn, body: func(x *rctx) ([]byte, string) {
			return x.json(map[string]any{"name": fmt.Sprintf("nyckel %d", x.seq), "expires_in_days": 7})
		}},
		"DELETE /api/v1/me/tokens/:tid": {own: loggedIn, setup: (*rctx).freshMyToken},
		"POST /api/v1/me/password": {own: want{x400, x400, x400, x400, x400, x400, x401}, body: func(x *rctx) ([]byte, string) {
			return x.json(map[string]string{"current_password": "inte det rätta lösenordet", "new_password": "ett helt nytt lösenord"})
		}},
		"GET /api/v1/users/:uid/tokens":         {own: adminOnly},
		"DELETE /api/v1/users/:uid/tokens/:tid": {own: adminOnly, setup: (*rctx).freshUserToken},
		"GET /profile":                          {own: want{x2xx, x2xx, x2xx, x2xx, x2xx, x2xx, xLogin}},
		"POST /profile/password": {own: want{x400, x400, x400, x400, x400, x400, xLogin}, body: func(x *rctx) ([]byte, string) {
			return x.form("current_password", "inte det rätta lösenordet", "new_password", "ett helt nytt lösenord")
		}},
		"POST /profile/tokens": {own: want{x2xx, x2xx, x2xx, x2xx, x2xx, x2xx, xLogin}, body: func(x *rctx) ([]byte, string) {
			return x.form("name", fmt.Sprintf("nyckel %d", x.seq), "expires_in_days", "7")
		}},
		"POST /profile/tokens/:tid/delete": {own: want{x303, x303, x303, x303, x303, x303, xLogin}, setup: (*rctx).freshMyToken,
			body: func(x *rctx) ([]byte, string) { return x.form() }},
		"POST /admin/users/:uid/tokens/:tid/delete": {own: adminForm, setup: (*rctx).freshUserToken, body: func(x *rctx) ([]byte, string) { return x.form() }},
		"GET /api/v1/municipalities":                {own: want{x2xx, x2xx, x2xx, x2xx, x2xx, x2xx, x401}},
		"POST /api/v1/municipalities": {own: adminOnly, body: func(x *rctx) ([]byte, string) {
			return x.json(map[string]string{"name": fmt.Sprintf("Nykommun %d", x.seq)})
		}},
		"GET /api/v1/municipalities/:mid":           {own: want{x2xx, x2xx, x2xx, x2xx, x2xx, x2xx, x401}, other: otherMun},
		"GET /api/v1/municipalities/:mid/org-units": {own: want{x2xx, x2xx, x2xx, x2xx, x2xx, x2xx, x401}, other: otherMun},
		"POST /api/v1/municipalities/:mid/org-units": {own: adminOnly, other: otherMun, body: func(x *rctx) ([]byte, string) {
			return x.json(map[string]string{"name": fmt.Sprintf("Ny enhet %d", x.seq), "kind": "enhet"})
		}},
		"PUT /api/v1/municipalities/:mid/org-units/:uid": {own: adminOnly, other: otherMun, body: func(x *rctx) ([]byte, string) {
			return x.json(map[string]string{"name": fmt.Sprintf("Omdöpt enhet %d", x.seq), "kind": "enhet"})
		}},
		"DELETE /api/v1/municipalities/:mid/org-units/:uid": {own: adminOnly, other: otherMun, setup: (*rctx).freshUnit},
		"GET /api/v1/municipalities/:mid/members":           {own: want{x2xx, x2xx, x403, x2xx, x2xx, x403, x401}, other: otherMun},
		"GET /api/v1/municipalities/:mid/documents":         {own: want{x403, x2xx, x2xx, x2xx, x2xx, x2xx, x401}, other: otherMunDeny},
		"POST /api/v1/municipalities/:mid/documents":        {own: want{x403, x2xx, x2xx, x403, x403, x403, x401}, other: otherMunDeny, body: docTitle},
		"GET /api/v1/municipalities/:mid/documents/:id":     {own: readers, other: otherAPI},
		"PUT /api/v1/municipalities/:mid/documents/:id": {own: want{x404, x2xx, x2xx, x403, x403, x404, x401}, other: otherAPI, body: func(x *rctx) ([]byte, string) {
			return x.json(map[string]string{"title": fmt.Sprintf("Ny rubrik %d", x.seq)})
		}},
		"DELETE /api/v1/municipalities/:mid/documents/:id":       {own: want{x404, x2xx, x2xx, x403, x403, x404, x401}, other: otherAPI, setup: (*rctx).freshDoc},
		"GET /api/v1/municipalities/:mid/documents/:id/versions": {own: readers, other: otherAPI},
		"GET /api/v1/municipalities/:mid/reviews":                {own: want{x403, x2xx, x2xx, x2xx, x2xx, x403, x401}, other: otherMunDeny},
		"GET /api/v1/municipalities/:mid/audit":                  {own: want{x403, x403, x403, x403, x2xx, x403, x401}, other: otherMunDeny},
		"GET /api/v1/municipalities/:mid/audit.csv":              {own: want{x403, x403, x403, x403, x2xx, x403, x401}, other: otherMunDeny},
		// The catalogs are reference data: anyone logged in.
		"GET /api/v1/catalogs":                           {own: loggedIn},
		"GET /api/v1/catalogs/:cat/controls":             {own: loggedIn},
		"GET /api/v1/catalogs/:cat/oscal.json":           {own: loggedIn},
		"GET /api/v1/municipalities/:mid/soa":            {own: ctlReaders, other: otherMunDeny},
		"GET /api/v1/municipalities/:mid/soa.csv":        {own: ctlReaders, other: otherMunDeny},
		"GET /api/v1/municipalities/:mid/soa.xlsx":       {own: ctlReaders, other: otherMunDeny},
		"GET /api/v1/municipalities/:mid/soa.oscal.json": {own: ctlReaders, other: otherMunDeny},
		// An import is a batch of row changes: those who may change some rows (coordinators,
		// information owners) may send one; each row is checked again. The unchanged export
		// changes nothing.
		"POST /api/v1/municipalities/:mid/soa.xlsx": {own: want{x403, x2xx, x2xx, x403, x403, x403, x401}, other: otherMunDeny,
			body: func(x *rctx) ([]byte, string) {
				return workbook(x), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
			}},
		"PUT /api/v1/municipalities/:mid/soa/:ctl": {own: ctlWriters, other: otherMunDeny, body: func(x *rctx) ([]byte, string) {
			return x.json(map[string]any{"status": "partial", "justification": fmt.Sprintf("Motivering %d", x.seq)})
		}},
		// The history of a row is for those who follow up its reviews: the information owner
		// only of rows in their units or their own.
		"GET /api/v1/municipalities/:mid/gap":          {own: ctlReaders, other: otherMunDeny},
		"GET /api/v1/municipalities/:mid/own-controls": {own: ctlReaders, other: otherMunDeny},
		"POST /api/v1/municipalities/:mid/own-controls": {own: ctlWriters, other: otherMunDeny, body: func(x *rctx) ([]byte, string) {
			return x.json(map[string]string{"id": fmt.Sprintf("A%d", x.seq), "title": fmt.Sprintf("Egen åtgärd %d", x.seq)})
		}},
		"GET /api/v1/users": {own: adminOnly},
		"POST /api/v1/users": {own: adminOnly, body: func(x *rctx) ([]byte, string) {
			return x.json(map[string]string{"username": fmt.Sprintf("person%d", x.seq), "name": "Ny Person", "password": "ett-långt-lösenord"})
		}},
		"GET /api/v1/users/:uid": {own: adminOnly},
		"PUT /api/v1/users/:uid": {own: adminOnly, body: func(x *rctx) ([]byte, string) {
			return x.json(map[string]string{"name": fmt.Sprintf("Test Person %d", x.seq)})
		}},
		"POST /api/v1/users/:uid/roles": {own: adminOnly, body: func(x *rctx) ([]byte, string) {
			return x.json(map[string]any{"municipality_id": x.env.ex, "role": "staff"})
		}},
		"DELETE /api/v1/users/:uid/roles": {own: adminOnly, setup: (*rctx).grantStaff, query: func(x *rctx) string { return "?role=staff&municipality_id=" + tItoa(x.env.ex) }},

		// ---- Pages ----
		"GET /healthz": {own: everyone},
		// The calendar feed: the token in the path is the credential, whoever asks.
		"GET /calendar/:file":         {own: everyone, session: "none", setup: (*rctx).freshCalendarToken},
		"POST /calendar-token":        {own: want{x2xx, x2xx, x2xx, x2xx, x2xx, x2xx, xLogin}, body: func(x *rctx) ([]byte, string) { return x.form() }},
		"POST /calendar-token/delete": {own: want{x303, x303, x303, x303, x303, x303, xLogin}, body: func(x *rctx) ([]byte, string) { return x.form("next", "/") }},
		"POST /notifications/:nid/read": {own: want{x303, x303, x303, x303, x303, x303, xLogin}, setup: (*rctx).freshNotification,
			body: func(x *rctx) ([]byte, string) { return x.form("next", "/") }},
		"GET /static/*filepath":  {own: everyone},
		"HEAD /static/*filepath": {own: everyone},
		"GET /login":             {own: want{x303, x303, x303, x303, x303, x303, x2xx}},
		"POST /login": {own: want{x303, x303, x303, x303, x303, x303, x401}, session: "none", setup: func(x *rctx) { x.client.get("/login") },
			body: func(x *rctx) ([]byte, string) {
				user, pw := tRoleUser[x.role], demo.Password
				if x.role == "anonymous" {
					user, pw = "samordnare", "fel-lösenord"
				}
				return []byte(url.Values{"username": {user}, "password": {pw}, "csrf_token": {x.client.cookies[loginCSRF]}}.Encode()), "application/x-www-form-urlencoded"
			}},
		"POST /lang":                {own: want{x303, x303, x303, x303, x303, x303, x303}, body: func(x *rctx) ([]byte, string) { return x.form("lang", "sv", "next", "/") }},
		"POST /logout":              {own: want{x303, x303, x303, x303, x303, x303, xLogin}, session: "fresh", body: func(x *rctx) ([]byte, string) { return x.form() }},
		"GET /":                     {own: want{x303, x303, x303, x303, x303, x303, xLogin}},
		"GET /m/:mid":               {own: want{x2xx, x2xx, x2xx, x2xx, x2xx, x2xx, xLogin}, other: want{x2xx, x404, x404, x404, x404, x404, xLogin}},
		"GET /m/:mid/notifications": {own: want{x2xx, x2xx, x2xx, x2xx, x2xx, x2xx, xLogin}, other: want{x2xx, x404, x404, x404, x404, x404, xLogin}},
		"GET /m/:mid/menu":          {own: want{x2xx, x2xx, x2xx, x2xx, x2xx, x2xx, xLogin}, other: want{x2xx, x404, x404, x404, x404, x404, xLogin}},
		"GET /m/:mid/documents":     {own: want{x403, x2xx, x2xx, x2xx, x2xx, x2xx, xLogin}, other: otherMunPageDeny},
		"GET /m/:mid/documents/new": {own: want{x403, x2xx, x2xx, x403, x403, x403, xLogin}, other: otherMunPageDeny},
		"POST /m/:mid/documents": {own: want{x403, x303, x303, x403, x403, x403, xLogin}, other: otherMunPageDeny, body: func(x *rctx) ([]byte, string) {
			return x.form("type", "rutin", "title", fmt.Sprintf("Sidans dokument %d", x.seq), "org_unit_id", tItoa(x.unit), "review_interval_months", "12")
		}},
		"GET /m/:mid/documents/:id":      {own: pageReaders, other: otherPage},
		"GET /m/:mid/documents/:id/edit": {own: want{x404, x2xx, x2xx, x403, x403, x404, xLogin}, other: otherPage},
		"POST /m/:mid/documents/:id": {own: want{x404, x303, x303, x403, x403, x404, xLogin}, other: otherPage, body: func(x *rctx) ([]byte, string) {
			return x.form("title", fmt.Sprintf("Sidans rubrik %d", x.seq))
		}},
		"GET /m/:mid/documents/:id/delete": {own: want{x404, x2xx, x2xx, x403, x403, x404, xLogin}, other: otherPage, setup: (*rctx).freshDoc},
		"POST /m/:mid/documents/:id/delete": {own: want{x404, x303, x303, x403, x403, x404, xLogin}, other: otherPage, setup: (*rctx).freshDoc,
			body: func(x *rctx) ([]byte, string) { return x.form() }},
		"POST /m/:mid/documents/:id/adopt": {own: want{x404, x303, x403, x303, x403, x404, xLogin}, other: otherPage, setup: (*rctx).freshDoc,
			body: func(x *rctx) ([]byte, string) {
				return x.form("status", "adopted", "adopted_by", "kommunstyrelse", "adopted_at", x.env.app.Today().String())
			}},
		// The links of the review lists: to the record's own page, for those who may read it.
		"GET /m/:mid/records/:id": {own: want{x404, x303, x303, x303, x303, x404, xLogin}, other: otherPage},
		"GET /m/:mid/soa":         {own: ctlPageReaders, other: otherMunPageDeny},
		"GET /m/:mid/soa/:ctl":    {own: ctlPageReaders, other: otherMunPageDeny},
		"POST /m/:mid/soa/:ctl": {own: ctlPageWriters, other: otherMunPageDeny, body: func(x *rctx) ([]byte, string) {
			return x.form("status", "implemented")
		}},
		"POST /m/:mid/own-controls": {own: ctlPageWriters, other: otherMunPageDeny, body: func(x *rctx) ([]byte, string) {
			return x.form("id", fmt.Sprintf("K%d", x.seq), "title", fmt.Sprintf("Sidans egna åtgärd %d", x.seq), "theme", "organizational")
		}},
		"GET /m/:mid/soa-import":  {own: want{x403, x2xx, x2xx, x403, x403, x403, xLogin}, other: otherMunPageDeny},
		"POST /m/:mid/soa-import": {own: want{x403, x2xx, x2xx, x403, x403, x403, xLogin}, other: otherMunPageDeny, body: importUpload},
		// Confirming changes row 5.24, which the information owner does not own: the import is
		// refused with that row named (nothing is stored).
		"POST /m/:mid/soa-import/apply": {own: want{x403, x2xx, x400, x403, x403, x403, xLogin}, other: otherMunPageDeny,
			body: func(x *rctx) ([]byte, string) {
				return x.form("line", "30", "control_id", x.ctl, "applicable", "true", "justification", "", "status", "partial")
			}},
		"GET /m/:mid/gap":       {own: ctlPageReaders, other: otherMunPageDeny},
		"GET /m/:mid/calendar":  {own: want{x403, x2xx, x2xx, x2xx, x2xx, x403, xLogin}, other: otherMunPageDeny},
		"GET /m/:mid/reviews":   {own: want{x403, x2xx, x2xx, x2xx, x2xx, x403, xLogin}, other: otherMunPageDeny},
		"GET /m/:mid/audit":     {own: want{x403, x403, x403, x403, x2xx, x403, xLogin}, other: otherMunPageDeny},
		"GET /m/:mid/audit.csv": {own: want{x403, x403, x403, x403, x2xx, x403, xLogin}, other: otherMunPageDeny},

		// ---- Administration pages: administrators only, in every municipality ----
		"GET /admin": {own: adminPage},
		"POST /admin/municipalities": {own: adminForm, body: func(x *rctx) ([]byte, string) {
			return x.form("name", fmt.Sprintf("Sidkommun %d", x.seq))
		}},
		// Non-administrators are refused the whole area alike (403 for any id, so nothing is
		// learnt about which municipalities exist).
		"GET /admin/municipalities/:mid": {own: adminPage, other: adminPage},
		"POST /admin/municipalities/:mid/org-units": {own: adminForm, other: adminForm, body: func(x *rctx) ([]byte, string) {
			return x.form("name", fmt.Sprintf("Sidans enhet %d", x.seq), "kind", "enhet")
		}},
		"POST /admin/municipalities/:mid/org-units/:uid": {own: adminForm, other: adminForm, body: func(x *rctx) ([]byte, string) {
			return x.form("name", fmt.Sprintf("Sidans omdöpta enhet %d", x.seq), "kind", "enhet")
		}},
		"POST /admin/municipalities/:mid/org-units/:uid/delete": {own: adminForm, other: adminForm, setup: (*rctx).freshUnit,
			body: func(x *rctx) ([]byte, string) { return x.form() }},
		"GET /admin/users": {own: adminPage},
		"POST /admin/users": {own: adminForm, body: func(x *rctx) ([]byte, string) {
			return x.form("username", fmt.Sprintf("sidperson%d", x.seq), "name", "Sid Person", "password", "ett-långt-lösenord")
		}},
		"GET /admin/users/:uid": {own: adminPage},
		"POST /admin/users/:uid": {own: adminForm, body: func(x *rctx) ([]byte, string) {
			return x.form("name", fmt.Sprintf("Testperson %d", x.seq))
		}},
		"POST /admin/users/:uid/roles": {own: adminForm, body: func(x *rctx) ([]byte, string) {
			return x.form("municipality_id", tItoa(x.env.ex), "role", "staff")
		}},
		"POST /admin/users/:uid/roles/delete": {own: adminForm, setup: (*rctx).grantStaff, body: func(x *rctx) ([]byte, string) {
			return x.form("municipality_id", tItoa(x.env.ex), "role", "staff")
		}},
	}
	addKindRoutes(table, pdf)
	return table
}

// kindRouteCase is what the route × role table needs of a registered record kind to check its
// shared record routes (review, reviews, comments, evidence, history; API and page forms): the
// target record and evidence in the context's municipality, and who may do what with them. A
// kind registered without one leaves its routes without entries, which
// TestRoutesAuthzTableCoversEveryRoute reports.
type kindRouteCase struct {
	key           func(x *rctx) string // the target record's URL key
	evidence      func(x *rctx) int64  // the target evidence file (:eid)
	freshEvidence func(x *rctx)        // replaces it, for the requests that delete it
	routes        map[string]routeCase // the kind's own routes

	// API outcomes in the caller's municipality, and anything in the other one.
	read, review, comment, update, history, other want
	// Who may export the kind's list (CSV), in the caller's municipality and the other one.
	list, otherList want
}

// tKindRoutes holds the cases of the kinds; a kind's test file adds its own.
var tKindRoutes = map[domain.Kind]kindRouteCase{
	domain.KindDocument: {
		key: func(x *rctx) string { return tItoa(x.doc) }, evidence: func(x *rctx) int64 { return x.ev }, freshEvidence: (*rctx).freshEvidence,
		// The target is a draft in Socialförvaltningen: staff read only adopted documents.
		read:    want{x404, x2xx, x2xx, x2xx, x2xx, x404, x401},
		review:  want{x404, x2xx, x2xx, x403, x403, x404, x401},
		comment: want{x404, x2xx, x2xx, x2xx, x2xx, x404, x401},
		update:  want{x404, x2xx, x2xx, x403, x403, x404, x401},
		history: want{x404, x2xx, x2xx, x2xx, x2xx, x404, x401},
		other:   want{x404, x404, x404, x404, x404, x404, x401},
		// Staff export the adopted documents; the administrator reads none.
		list:      want{x403, x2xx, x2xx, x2xx, x2xx, x2xx, x401},
		otherList: want{x403, x404, x404, x404, x404, x404, x401},
	},
	domain.KindControl: {
		// Row 5.24, owned by nobody: coordinators change it, an information owner only rows
		// they own; staff and administrators read no row (403: control ids are public).
		key: func(x *rctx) string { return x.ctl }, evidence: func(x *rctx) int64 { return x.ctlEv }, freshEvidence: (*rctx).freshCtlEvidence,
		read:    want{x403, x2xx, x2xx, x2xx, x2xx, x403, x401},
		review:  want{x403, x2xx, x403, x403, x403, x403, x401},
		comment: want{x403, x2xx, x403, x2xx, x2xx, x403, x401},
		update:  want{x403, x2xx, x403, x403, x403, x403, x401},
		// The history is for those who follow up its reviews: the information owner only of
		// rows in their units or their own.
		history:   want{x403, x2xx, x403, x2xx, x2xx, x403, x401},
		other:     want{x403, x404, x404, x404, x404, x404, x401},
		list:      want{x403, x2xx, x2xx, x2xx, x2xx, x403, x401},
		otherList: want{x403, x404, x404, x404, x404, x404, x401},
	},
}

// asPage turns API outcomes into those of a page: 2xx of a form is a redirect (x303 for
// posts), anonymous callers are sent to the login page.
func asPage(w want, post bool) want {
	for i, v := range w {
		switch {
		case v == x401:
			w[i] = xLogin
		case v == x2xx && post:
			w[i] = x303
		}
	}
	return w
}

// addKindRoutes adds the shared record routes of every registered kind to the table, from the
// registry and the kind's case.
func addKindRoutes(table map[string]routeCase, pdf func(x *rctx) ([]byte, string)) {
	for _, k := range domain.KindSpecs() {
		kc, ok := tKindRoutes[k.Kind]
		if !ok {
			continue
		}
		for route, rc := range kc.routes {
			table[route] = rc
		}
		api := "/api/v1/municipalities/:mid/" + k.Section + "/:" + k.Param
		page := "/m/:mid/" + k.Section + "/:" + k.Param
		other, otherPage := kc.other, asPage(kc.other, false)
		fresh := kc.freshEvidence
		table["POST "+api+"/review"] = routeCase{own: kc.review, other: other, body: func(x *rctx) ([]byte, string) { return x.json(map[string]string{}) }}
		table["GET "+api+"/reviews"] = routeCase{own: kc.read, other: other}
		table["GET "+api+"/comments"] = routeCase{own: kc.read, other: other}
		table["POST "+api+"/comments"] = routeCase{own: kc.comment, other: other, body: func(x *rctx) ([]byte, string) {
			return x.json(map[string]string{"body": fmt.Sprintf("Synpunkt %d", x.seq)})
		}}
		table["GET "+api+"/evidence"] = routeCase{own: kc.read, other: other}
		table["POST "+api+"/evidence"] = routeCase{own: kc.update, other: other, body: pdf}
		table["GET "+api+"/evidence/:eid"] = routeCase{own: kc.read, other: other}
		table["DELETE "+api+"/evidence/:eid"] = routeCase{own: kc.update, other: other, setup: fresh}
		table["GET "+api+"/history"] = routeCase{own: kc.history, other: other}
		table["GET /api/v1/municipalities/:mid/"+k.Section+"/export.csv"] = routeCase{own: kc.list, other: kc.otherList}
		table["GET /api/v1/municipalities/:mid/"+k.Section+"/export.xlsx"] = routeCase{own: kc.list, other: kc.otherList}
		if webOf(k.Kind).page == nil {
			continue
		}
		otherPost := asPage(kc.other, true)
		table["POST "+page+"/review"] = routeCase{own: asPage(kc.review, true), other: otherPost,
			body: func(x *rctx) ([]byte, string) { return x.form("reviewed_at", "", "next_review_at", "", "comment", "") }}
		table["POST "+page+"/comments"] = routeCase{own: asPage(kc.comment, true), other: otherPost,
			body: func(x *rctx) ([]byte, string) { return x.form("body", fmt.Sprintf("Sidans synpunkt %d", x.seq)) }}
		table["POST "+page+"/evidence"] = routeCase{own: asPage(kc.update, true), other: otherPost, body: pdf}
		table["GET "+page+"/evidence/:eid"] = routeCase{own: asPage(kc.read, false), other: otherPage}
		table["GET "+page+"/evidence/:eid/delete"] = routeCase{own: asPage(kc.update, false), other: otherPage, setup: fresh}
		table["POST "+page+"/evidence/:eid/delete"] = routeCase{own: asPage(kc.update, true), other: otherPost, setup: fresh,
			body: func(x *rctx) ([]byte, string) { return x.form() }}
	}
}

// routeKind is the registered kind whose section the route is under ("" for none).
func routeKind(route string) (domain.KindSpec, bool) {
	rest, ok := strings.CutPrefix(route, "/api/v1/municipalities/:mid/")
	if !ok {
		rest, ok = strings.CutPrefix(route, "/m/:mid/")
	}
	if !ok {
		return domain.KindSpec{}, false
	}
	section, _, _ := strings.Cut(rest, "/")
	for _, k := range domain.KindSpecs() {
		if k.Section == section {
			return k, true
		}
	}
	return domain.KindSpec{}, false
}

var tRouteParam = regexp.MustCompile(`:[a-z]+|\*[a-z]+`)

// fill puts the context's ids into a gin route.
func (x *rctx) fill(route string) string {
	k, isKind := routeKind(route)
	kc := tKindRoutes[k.Kind]
	return tRouteParam.ReplaceAllStringFunc(route, func(p string) string {
		switch {
		case isKind && kc.key != nil && p == ":"+k.Param:
			return kc.key(x)
		case isKind && kc.evidence != nil && p == ":eid":
			return tItoa(kc.evidence(x))
		}
		switch p {
		case ":mid":
			return tItoa(x.mun)
		case ":id":
			if strings.HasPrefix(route, "/m/:mid/records/") {
				return tItoa(x.ctlRec)
			}
			return tItoa(x.doc)
		case ":eid":
			if strings.Contains(route, "/soa/") {
				return tItoa(x.ctlEv)
			}
			return tItoa(x.ev)
		case ":ctl":
			return x.ctl
		case ":cat":
			return "iso27001-2022"
		case ":pack":
			if strings.HasPrefix(route, "/m/") {
				return "gdpr_imy.html"
			}
			return "gdpr_imy.json"
		case ":nid":
			return tItoa(x.nid)
		case ":tid":
			return tItoa(x.tid)
		case ":file":
			return x.calFile
		case ":uid":
			if strings.Contains(route, "/users/") {
				return tItoa(x.user)
			}
			return tItoa(x.editUnit)
		case "*filepath":
			return "lisa.css"
		}
		x.t.Fatalf("route %s: unknown parameter %s", route, p)
		return ""
	})
}

// TestRoutesAuthzTableCoversEveryRoute fails for a route without a table entry (decide its
// permissions in routeTable) and for an entry whose route is gone.
func TestRoutesAuthzTableCoversEveryRoute(t *testing.T) {
	env := newTestServer(t)
	table := routeTable()
	seen := map[string]bool{}
	for _, r := range env.srv.Routes() {
		key := r.Method + " " + r.Path
		seen[key] = true
		rc, ok := table[key]
		if !ok {
			t.Errorf("route %s has no entry in routeTable: decide who may call it", key)
			continue
		}
		if !rc.own.set() {
			t.Errorf("%s: no expectations", key)
		}
		if strings.Contains(r.Path, ":mid") != rc.other.set() {
			t.Errorf("%s: other-municipality expectations must be given exactly for routes with :mid", key)
		}
	}
	for key := range table {
		if !seen[key] {
			t.Errorf("routeTable has %s, which the router does not have", key)
		}
	}
}

// TestRoutesAuthzTableRules checks the table itself against the permission rules, so that a
// wrong entry cannot make a leak pass: the other municipality is always not found except to
// administrators, anonymous callers never get in, and no one but administrators manages
// accounts and the org tree.
func TestRoutesAuthzTableRules(t *testing.T) {
	for key, rc := range routeTable() {
		path := strings.SplitN(key, " ", 2)[1]
		api := strings.HasPrefix(path, "/api/")
		public := path == "/api/v1/openapi.json" || path == "/api/v1/login" || path == "/healthz" || strings.HasPrefix(path, "/static/") ||
			path == "/login" || path == "/lang" || path == "/calendar/:file"
		for i, role := range tRoles {
			for scope, w := range map[string]want{"own": rc.own, "other": rc.other} {
				if !w.set() {
					continue
				}
				got := w[i]
				switch {
				case role == "anonymous" && !public && api && got != x401:
					t.Errorf("%s %s: anonymous must get 401, table says %d", key, scope, got)
				case role == "anonymous" && !public && !api && got != xLogin:
					t.Errorf("%s %s: anonymous must be sent to the login page, table says %d", key, scope, got)
				case scope == "other" && role != "admin" && role != "anonymous" && !strings.HasPrefix(path, "/admin/") && got != x404:
					t.Errorf("%s: %s in another municipality must get 404, table says %d", key, role, got)
				case scope == "other" && role != "admin" && role != "anonymous" && strings.HasPrefix(path, "/admin/") && got != x403:
					t.Errorf("%s: %s in the administration must get 403 for every municipality, table says %d", key, role, got)
				}
				manages := strings.HasPrefix(path, "/admin") || strings.HasPrefix(path, "/api/v1/users") ||
					strings.Contains(path, "/org-units") && key[:3] != "GET" || key == "POST /api/v1/municipalities"
				if manages && role != "admin" && role != "anonymous" && (got == x2xx || got == x303) {
					t.Errorf("%s: %s may manage accounts or the org tree", key, role)
				}
				_, ofKind := routeKind(path) // every registered kind's records are ISMS content
				isContent := ofKind || strings.Contains(path, "/audit") || strings.Contains(path, "/reviews") ||
					strings.Contains(path, "/soa") || strings.Contains(path, "/gap") || strings.Contains(path, "/own-controls") ||
					strings.HasPrefix(path, "/m/:mid/records/") || strings.HasPrefix(path, "/m/:mid/calendar")
				if isContent && role == "admin" && (got == x2xx || got == x303) {
					t.Errorf("%s: the administrator reaches ISMS content", key)
				}
			}
		}
	}
}

func TestRoutesAuthz(t *testing.T) {
	env := newTestServer(t)
	table := routeTable()

	// Fixtures: a unit nothing depends on in each municipality, an account to administer,
	// evidence on each target document.
	base := map[bool]*rctx{}
	for _, other := range []bool{false, true} {
		x := &rctx{env: env, t: t, other: other, mun: env.ex, doc: env.doc(tDocSocDraft), unit: env.unit("Exempelkommun/Socialförvaltningen")}
		if other {
			x.mun, x.doc, x.unit = env.gr, env.doc(tDocGrPolicy), env.unit("Grannkommun/Kommunkontoret")
		}
		x.ext = map[string]int64{}
		for k, v := range env.extra {
			x.ext[k] = v
		}
		x.freshUnit()
		x.freshEvidence()
		// The target row 5.24 of the statement of applicability is owned by nobody and
		// carries one evidence file.
		x.ctl = "5.24"
		rec, err := env.app.RecordID(env.ctx, env.caller(x.coordUser()), x.mun, domain.KindControl, x.ctl)
		if err != nil {
			t.Fatal(err)
		}
		x.ctlRec = rec
		x.freshCtlEvidence()
		base[other] = x
	}
	u, err := env.app.CreateUser(env.ctx, env.caller("admin"), app.UserInput{Username: "testperson", Name: "Test Person", Password: "ett-långt-lösenord"})
	if err != nil {
		t.Fatal(err)
	}
	sessions := map[string]*testClient{}
	for _, role := range tRoles {
		if role == "anonymous" {
			sessions[role] = env.client()
		} else {
			sessions[role] = env.login(tRoleUser[role])
		}
	}

	keys := make([]string, 0, len(table))
	for k := range table {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	seq := 0
	for _, key := range keys {
		rc := table[key]
		method, route, _ := strings.Cut(key, " ")
		for i, role := range tRoles {
			for _, other := range []bool{false, true} {
				w := rc.own
				if other {
					w = rc.other
				}
				if !w.set() {
					continue
				}
				scope := "own"
				if other {
					scope = "other"
				}
				t.Run(key+"/"+role+"/"+scope, func(t *testing.T) {
					seq++
					x := *base[other]
					x.t, x.role, x.seq, x.user = t, role, seq, u.ID
					switch {
					case rc.session == "none" || role == "anonymous":
						x.client = env.client()
					case rc.session == "fresh":
						x.client = env.login(tRoleUser[role])
					default:
						x.client = sessions[role]
					}
					if rc.setup != nil {
						rc.setup(&x)
					}
					r := tReq{method: method, path: x.fill(route)}
					if rc.query != nil {
						r.path += rc.query(&x)
					}
					if rc.body != nil {
						r.body, r.ctype = rc.body(&x)
					}
					if !strings.HasPrefix(route, "/api/") {
						r.noCSRF = true // pages send the token as the form field csrf_token
					}
					res := x.client.send(r)
					tCheckOutcome(t, route, res, w[i])
				})
			}
		}
	}
}

func tCheckOutcome(t *testing.T, route string, res *httptest.ResponseRecorder, w int) {
	t.Helper()
	loc := res.Header().Get("Location")
	switch w {
	case x2xx:
		if res.Code < 200 || res.Code > 299 {
			t.Errorf("status %d, want 2xx: %.300s", res.Code, res.Body)
		}
	case x303:
		if res.Code != http.StatusSeeOther || strings.HasPrefix(loc, "/login?") {
			t.Errorf("status %d to %q, want a redirect (not to the login page): %.300s", res.Code, loc, res.Body)
		}
	case xLogin:
		if res.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next=") {
			t.Errorf("status %d to %q, want a redirect to the login page", res.Code, loc)
		}
	default:
		if res.Code != w {
			t.Errorf("status %d, want %d: %.300s", res.Code, w, res.Body)
			return
		}
		if strings.HasPrefix(route, "/api/") {
			e := tDecodeError(t, res)
			if want := map[int]domain.Code{x400: domain.EInvalid, x401: domain.EUnauthorized, x403: domain.EForbidden, x404: domain.ENotFound}[w]; e.Error.Code != string(want) {
				t.Errorf("error code %q, want %q", e.Error.Code, want)
			}
		} else if ct := res.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("error page content type %q", ct)
		}
	}
}

// TestRoutesAuthzDocumentVisibility covers what the main table's one target document cannot:
// which documents each role sees and acts on, in the list and one by one.
func TestRoutesAuthzDocumentVisibility(t *testing.T) {
	env := newTestServer(t)
	soc, buf, policy := env.doc(tDocSocDraft), env.doc(tDocBUFDraft), env.doc(tDocPolicy)
	socUnit := env.unit("Exempelkommun/Socialförvaltningen")

	// The lists.
	type item struct {
		ID        int64  `json:"id"`
		Status    string `json:"status"`
		OrgUnitID int64  `json:"org_unit_id"`
	}
	lists := map[string][]item{}
	for _, user := range []string{"samordnare", "agare", "ledning", "revisor", "medarbetare", "delad"} {
		var l []item
		tDecode(t, env.login(user).get(env.munPath(env.ex, "/documents")), http.StatusOK, &l)
		lists[user] = l
	}
	has := func(l []item, id int64) bool {
		for _, it := range l {
			if it.ID == id {
				return true
			}
		}
		return false
	}
	for _, user := range []string{"samordnare", "ledning", "revisor", "delad"} {
		if len(lists[user]) != 8 || !has(lists[user], soc) || !has(lists[user], buf) || !has(lists[user], policy) {
			t.Errorf("%s sees %d documents, want all 8 of Exempelkommun", user, len(lists[user]))
		}
		if has(lists[user], env.doc(tDocGrPolicy)) {
			t.Errorf("%s sees Grannkommun's document in Exempelkommun", user)
		}
	}
	for _, it := range lists["medarbetare"] {
		if it.Status != "adopted" {
			t.Errorf("staff sees a %s document: %+v", it.Status, it)
		}
	}
	if len(lists["medarbetare"]) != 3 || !has(lists["medarbetare"], policy) {
		t.Errorf("staff sees %+v, want the 3 adopted documents", lists["medarbetare"])
	}
	for _, it := range lists["agare"] {
		if it.Status != "adopted" && it.OrgUnitID != socUnit {
			t.Errorf("information owner sees another unit's draft %+v", it)
		}
	}
	if !has(lists["agare"], soc) || has(lists["agare"], buf) || !has(lists["agare"], policy) {
		t.Errorf("information owner sees %+v", lists["agare"])
	}
	// Filtering by status cannot widen what is visible.
	var l []item
	tDecode(t, env.login("medarbetare").get(env.munPath(env.ex, "/documents?status=draft")), http.StatusOK, &l)
	if len(l) != 0 {
		t.Errorf("staff filtering for drafts sees %+v", l)
	}

	// One by one: role × document × action.
	roles := []string{"admin", "samordnare", "agare", "ledning", "revisor", "medarbetare"}
	type row struct {
		action string
		doc    int64
		want   [6]int // in the order of roles
	}
	rows := []row{
		{"GET", soc, [6]int{404, 200, 200, 200, 200, 404}},
		{"GET", buf, [6]int{404, 200, 404, 200, 200, 404}},
		{"GET", policy, [6]int{404, 200, 200, 200, 200, 200}},
		{"PUT title", buf, [6]int{404, 200, 404, 403, 403, 404}},
		{"PUT title", policy, [6]int{404, 200, 403, 403, 403, 403}},
		{"PUT adoption", buf, [6]int{404, 200, 404, 200, 403, 404}},
		{"review", buf, [6]int{404, 200, 404, 403, 403, 404}},
		{"review", policy, [6]int{404, 200, 403, 403, 403, 403}},
		{"comment", buf, [6]int{404, 201, 404, 201, 201, 404}},
		{"comment", policy, [6]int{404, 201, 403, 201, 201, 403}},
		{"evidence list", policy, [6]int{404, 200, 200, 200, 200, 200}},
		{"evidence add", policy, [6]int{404, 201, 403, 403, 403, 403}},
		{"history", policy, [6]int{404, 200, 403, 200, 200, 403}},
		{"history", buf, [6]int{404, 200, 404, 200, 200, 404}},
		{"delete", buf, [6]int{404, 204, 404, 403, 403, 404}},
		{"delete", policy, [6]int{404, 409, 403, 403, 403, 403}}, // adopted: retired, never deleted
		{"page", buf, [6]int{404, 200, 404, 200, 200, 404}},
		{"page", policy, [6]int{404, 200, 200, 200, 200, 200}},
		{"edit page", policy, [6]int{404, 200, 403, 403, 403, 403}},
	}
	clients := map[string]*testClient{}
	for _, r := range roles {
		clients[r] = env.login(r)
	}
	n := 0
	for _, rw := range rows {
		for i, user := range roles {
			name := fmt.Sprintf("%s %d as %s", rw.action, rw.doc, user)
			t.Run(name, func(t *testing.T) {
				n++
				c := clients[user]
				id := rw.doc
				if rw.action == "delete" || rw.action == "PUT title" || rw.action == "PUT adoption" {
					// A copy of the target in the same unit and status, so the fixtures stay.
					d, err := env.store.GetDocument(env.ctx, env.ex, rw.doc)
					if err != nil {
						t.Fatal(err)
					}
					typ, title, status, unit := string(d.Type), fmt.Sprintf("Kopia %d", n), d.Status, d.OrgUnitID
					in := domain.DocumentInput{Type: &typ, Title: &title, Status: &status, OrgUnitID: &unit}
					if d.AdoptedBy != nil {
						by := string(*d.AdoptedBy)
						in.AdoptedBy = &by
					}
					cp, err := env.app.CreateDocument(env.ctx, env.caller("samordnare"), env.ex, in)
					if err != nil {
						t.Fatal(err)
					}
					id = cp.ID
				}
				var res *httptest.ResponseRecorder
				p := env.docPath(env.ex, id, "")
				switch rw.action {
				case "GET":
					res = c.get(p)
				case "PUT title":
					res = c.doJSON("PUT", p, map[string]string{"title": "Ändrad"})
				case "PUT adoption":
					res = c.doJSON("PUT", p, map[string]string{"status": "adopted", "adopted_by": "kommundirektor"})
				case "review":
					res = c.postJSON(p+"/review", map[string]string{})
				case "comment":
					res = c.postJSON(p+"/comments", map[string]string{"body": "Synpunkt"})
				case "evidence list":
					res = c.get(p + "/evidence")
				case "evidence add":
					res = c.upload(p+"/evidence", "bevis.pdf", tPDF, false)
				case "history":
					res = c.get(p + "/history")
				case "delete":
					res = c.delete(p)
				case "page":
					res = c.get(fmt.Sprintf("/m/%d/documents/%d", env.ex, id))
				case "edit page":
					res = c.get(fmt.Sprintf("/m/%d/documents/%d/edit", env.ex, id))
				}
				if res.Code != rw.want[i] {
					t.Errorf("status %d, want %d: %.200s", res.Code, rw.want[i], res.Body)
				}
			})
		}
	}

	// A document id of the other municipality under one's own municipality's path is not
	// found, even for someone who holds a role in both.
	delad := env.login("delad")
	gr := env.doc(tDocGrPolicy)
	for _, p := range []string{env.docPath(env.ex, gr, ""), env.docPath(env.ex, gr, "/evidence"), fmt.Sprintf("/m/%d/documents/%d", env.ex, gr)} {
		if res := delad.get(p); res.Code != http.StatusNotFound {
			t.Errorf("%s: %d", p, res.Code)
		}
	}
	if res := delad.doJSON("PUT", env.docPath(env.ex, gr, ""), map[string]string{"title": "Kapad"}); res.Code != http.StatusNotFound {
		t.Errorf("PUT across municipalities: %d", res.Code)
	}
	if res := delad.get(env.docPath(env.gr, gr, "")); res.Code != http.StatusOK {
		t.Errorf("under its own municipality: %d", res.Code)
	}
	// Moving a document into another municipality's unit is refused.
	res := delad.doJSON("PUT", env.docPath(env.ex, soc, ""), map[string]any{"org_unit_id": env.unit("Grannkommun/Kommunkontoret")})
	if res.Code != http.StatusBadRequest {
		t.Errorf("moving into another municipality's unit: %d %s", res.Code, res.Body)
	}
	// An information owner cannot move a document out of their units, or create one elsewhere.
	owner := env.login("agare")
	res = owner.doJSON("PUT", env.docPath(env.ex, soc, ""), map[string]any{"org_unit_id": env.unit("Exempelkommun/Barn- och utbildningsförvaltningen")})
	if res.Code != http.StatusForbidden {
		t.Errorf("owner moving a document out: %d %s", res.Code, res.Body)
	} else if e := tDecodeError(t, res); e.Error.Fields["org_unit_id"] == "" {
		t.Errorf("moving out does not name org_unit_id: %+v", e)
	}
	res = owner.postJSON(env.munPath(env.ex, "/documents"), map[string]any{"type": "rutin", "title": "Annans", "org_unit_id": env.unit("Exempelkommun/Barn- och utbildningsförvaltningen")})
	if res.Code != http.StatusForbidden {
		t.Errorf("owner creating in another unit: %d %s", res.Code, res.Body)
	}
	// Nor name someone else as owner, nor adopt.
	res = owner.postJSON(env.munPath(env.ex, "/documents"), map[string]any{"type": "rutin", "title": "Annans ägare", "org_unit_id": socUnit, "owner_id": env.users["ledning"]})
	if res.Code != http.StatusForbidden {
		t.Errorf("owner assigning another owner: %d %s", res.Code, res.Body)
	}
	res = owner.postJSON(env.munPath(env.ex, "/documents"), map[string]any{"type": "rutin", "title": "Eget beslut", "org_unit_id": socUnit, "status": "adopted", "adopted_by": "namnd"})
	if res.Code != http.StatusForbidden {
		t.Errorf("owner adopting: %d %s", res.Code, res.Body)
	}
	if res := env.login("medarbetare").get(env.docPath(env.ex, soc, "/comments")); res.Code != http.StatusNotFound {
		t.Errorf("staff, comments of a draft: %d", res.Code)
	}
}

// After login (and on the language switch) the user is sent only to a path on this site:
// never to another host, however the next parameter is dressed up.
func TestRoutesRedirectsStayLocal(t *testing.T) {
	env := newTestServer(t)
	hostile := []string{"//evil.example/", "/\\evil.example", "https://evil.example/", "/\t/evil.example", "/\n/evil.example",
		"/\r\n/evil.example", "\\\\evil.example", "/\\/evil.example", "http:/evil.example", " //evil.example", "/\x00/evil.example"}
	local := func(loc string) bool {
		// What a browser makes of it: tabs and newlines are dropped, backslashes are slashes.
		b := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(loc)
		u, err := url.Parse(b)
		return err == nil && u.Host == "" && u.Scheme == "" && strings.HasPrefix(b, "/") && !strings.HasPrefix(b, "//")
	}
	for _, next := range hostile {
		// Already logged in: GET /login?next= sends the user on at once.
		c := env.login("samordnare")
		res := c.get("/login?next=" + url.QueryEscape(next))
		if strings.ContainsRune(next, 0) && res.Code == http.StatusBadRequest {
			// A NUL in the URL is refused outright (saneURL): no redirect at all.
		} else if loc := res.Header().Get("Location"); res.Code != http.StatusSeeOther || !local(loc) {
			t.Errorf("GET /login?next=%q: %d to %q", next, res.Code, loc)
		}
		// The language switch.
		res = c.postForm("/lang", url.Values{"lang": {"sv"}, "next": {next}})
		if loc := res.Header().Get("Location"); res.Code != http.StatusSeeOther || !local(loc) {
			t.Errorf("POST /lang next=%q: %d to %q", next, res.Code, loc)
		}
		// The login form.
		a := env.client()
		a.get("/login")
		res = a.send(tReq{method: "POST", path: "/login", ctype: "application/x-www-form-urlencoded",
			body: []byte(url.Values{"username": {"revisor"}, "password": {demo.Password}, "csrf_token": {a.cookies[loginCSRF]}, "next": {next}}.Encode())})
		if loc := res.Header().Get("Location"); res.Code != http.StatusSeeOther || !local(loc) {
			t.Errorf("POST /login next=%q: %d to %q", next, res.Code, loc)
		}
	}
	// A local path is kept.
	c := env.login("samordnare")
	if loc := c.get("/login?next=" + url.QueryEscape("/m/1/documents?status=draft")).Header().Get("Location"); loc != "/m/1/documents?status=draft" {
		t.Errorf("local next became %q", loc)
	}
}
