package web

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/audit"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/remind"
	"github.com/lisa-isms/lisa/internal/store"
	"github.com/lisa-isms/lisa/internal/storetest"
)

// A kind that exists only in the tests: the widget, with a small table of its own. It proves
// that a kind declared in one file gets the core — reviews, evidence, comments, history,
// due-list entries, reminders, an iCalendar entry, working links, its API routes and its
// authorization — without any shared file being edited: this file registers its spec, its
// page and routes, its policy lines and its route-table case, and nothing else does.

const kindWidget domain.Kind = "widget"

func init() {
	domain.RegisterKind(domain.KindSpec{Kind: kindWidget, Table: "test_widgets", Section: "widgets",
		Statuses: []string{"open", "closed"}, Closed: []string{"closed"}, Label: "kind.widget"})
	registerKindWeb(kindWidget, kindWeb{page: (*Server).renderWidget, routes: (*Server).widgetRoutes})
	tKindPolicy = append(tKindPolicy,
		"p, coordinator, widget, read, all", "p, coordinator, widget, update, all", "p, coordinator, widget, review, all", "p, coordinator, widget, comment, all",
		"p, information_owner, widget, read, own_units", "p, information_owner, widget, update, own_units",
		"p, information_owner, widget, review, own_units", "p, information_owner, widget, comment, own_units",
		"p, management, widget, read, all", "p, management, widget, comment, all",
		"p, auditor, widget, read, all", "p, auditor, widget, comment, all")
	tKindSetup = append(tKindSetup, setupWidgets)
	tKindRoutes[kindWidget] = kindRouteCase{
		key: func(x *rctx) string {
			if x.other {
				return tItoa(x.ext["widget/other"])
			}
			return tItoa(x.ext["widget/own"])
		},
		evidence: func(x *rctx) int64 { return x.ext[fmt.Sprint("widget/ev/", x.other)] },
		freshEvidence: func(x *rctx) {
			id := x.ext["widget/own"]
			if x.other {
				id = x.ext["widget/other"]
			}
			ev, err := x.env.app.AddEvidence(x.env.ctx, x.env.caller(x.coordUser()), x.mun, kindWidget, id, "bevis.pdf", tPDF)
			if err != nil {
				x.t.Fatal(err)
			}
			x.ext = maps.Clone(x.ext)
			x.ext[fmt.Sprint("widget/ev/", x.other)] = ev.ID
		},
		// The target widget is in Socialförvaltningen, owned by agare's unit.
		read:    want{x404, x2xx, x2xx, x2xx, x2xx, x404, x401},
		review:  want{x404, x2xx, x2xx, x403, x403, x404, x401},
		comment: want{x404, x2xx, x2xx, x2xx, x2xx, x404, x401},
		update:  want{x404, x2xx, x2xx, x403, x403, x404, x401},
		history: want{x404, x2xx, x2xx, x2xx, x2xx, x404, x401},
		other:   want{x404, x404, x404, x404, x404, x404, x401},
		// Staff and the administrator read no widget: 403 for the list.
		list:      want{x403, x2xx, x2xx, x2xx, x2xx, x403, x401},
		otherList: want{x403, x404, x404, x404, x404, x404, x401},
		routes: map[string]routeCase{
			"GET /m/:mid/widgets/:id": {own: want{x404, x2xx, x2xx, x2xx, x2xx, x404, xLogin}, other: want{x404, x404, x404, x404, x404, x404, xLogin}},
		},
	}
}

// setupWidgets makes the widget table and the widgets the tests use: an overdue one owned by
// agare in Socialförvaltningen (the route table's target, with one evidence file), a closed
// one, and one in Grannkommun.
func setupWidgets(e *testEnv) {
	raw := storetest.Raw(e.t, e.path)
	if _, err := raw.Exec(`CREATE TABLE test_widgets (record_id BIGINT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE, note TEXT NOT NULL)`); err != nil {
		e.t.Fatal(err)
	}
	soc, agare := e.unit("Exempelkommun/Socialförvaltningen"), e.users["agare"]
	e.extra["widget/own"] = e.newWidget(e.ex, soc, &agare, "Widget för hemtjänsten", "open", -3)
	e.extra["widget/closed"] = e.newWidget(e.ex, soc, &agare, "Avvecklad widget", "closed", -10)
	e.extra["widget/other"] = e.newWidget(e.gr, e.unit("Grannkommun/Kommunkontoret"), nil, "Grannkommunens widget", "open", 20)
	for key, who := range map[string]string{"own": "samordnare", "other": "samordnare2"} {
		mun := e.ex
		if key == "other" {
			mun = e.gr
		}
		ev, err := e.app.AddEvidence(e.ctx, e.caller(who), mun, kindWidget, e.extra["widget/"+key], "bevis.pdf", tPDF)
		if err != nil {
			e.t.Fatal(err)
		}
		e.extra[fmt.Sprint("widget/ev/", key == "other")] = ev.ID
	}
}

// newWidget stores a widget through the core's one save path, its own row in its own table.
func (e *testEnv) newWidget(mun, unit int64, owner *int64, title, status string, dueInDays int) int64 {
	e.t.Helper()
	next := e.app.Today().AddDays(dueInDays)
	r := domain.Record{MunicipalityID: mun, Kind: kindWidget, Title: title, OrgUnitID: unit, OwnerID: owner, Status: status,
		ReviewIntervalMonths: 6, NextReviewAt: &next}
	err := e.store.SaveRecord(e.ctx, app.SystemActor("test"), &r, audit.ActionCreate, nil, nil, func(ctx context.Context, tx store.Tx) error {
		return tx.Exec(ctx, `INSERT INTO test_widgets (record_id, note) VALUES (?, ?)`, r.ID, "anteckning")
	})
	if err != nil {
		e.t.Fatalf("save widget: %v", err)
	}
	return r.ID
}

// widgetRoutes is the widget's own route: its page.
func (s *Server) widgetRoutes(api, pages *gin.RouterGroup) {
	pages.GET("/m/:mid/widgets/:id", func(c *gin.Context) {
		mid, id, err := s.recordRef(c, kindWidget)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.renderWidget(c, http.StatusOK, mid, id, "", newForm())
	})
}

// renderWidget draws a widget's page with the shared parts (reviews, evidence, comments,
// history) as text.
func (s *Server) renderWidget(c *gin.Context, status int, mid, id int64, formName string, f formState) {
	r, err := s.app.RecordCore(c.Request.Context(), s.caller(c), mid, kindWidget, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	rp, err := s.loadRecordParts(c, mid, kindWidget, r, formName, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html><html lang=\"sv\"><title>%s</title><main><h1>%s</h1><p>%d granskningar, %d bevis, %d kommentarer</p>",
		r.Title, r.Title, len(rp.Reviews), len(rp.Evidence), len(rp.Comments))
	for field, msg := range f.Errors {
		fmt.Fprintf(&b, "<p class=\"error\">%s: %s</p>", field, msg)
	}
	b.WriteString("</main></html>")
	c.Data(status, "text/html; charset=utf-8", []byte(b.String()))
}

func TestTestOnlyKindGetsTheCore(t *testing.T) {
	env := newTestServer(t)
	own, closed := env.extra["widget/own"], env.extra["widget/closed"]
	api := fmt.Sprintf("/api/v1/municipalities/%d/widgets/%d", env.ex, own)
	coord, agare := env.login("samordnare"), env.login("agare")
	page := fmt.Sprintf("/m/%d/widgets/%d", env.ex, own)

	// Reminders: the owner is reminded, in the app and by mail, with a link to the page.
	var mailed []domain.DueItem
	if _, err := env.store.PlanReminders(env.ctx, env.app.Today(), []int{30, 7}, func(u domain.User, items []domain.DueItem) (string, string) {
		if u.Username == "agare" {
			mailed = append(mailed, items...)
		}
		return "s", "b"
	}); err != nil {
		t.Fatal(err)
	}
	var item *domain.DueItem
	for i := range mailed {
		if mailed[i].ID == own {
			item = &mailed[i]
		}
	}
	if item == nil || remind.RecordURL("https://lisa.exempel.se", *item) != "https://lisa.exempel.se"+page {
		t.Fatalf("reminder mail items %+v", mailed)
	}
	var notes struct {
		Notifications []struct {
			RecordID   *int64 `json:"record_id"`
			RecordKind string `json:"record_kind"`
			Message    string `json:"message"`
		} `json:"notifications"`
	}
	tDecode(t, agare.get("/api/v1/me/notifications"), http.StatusOK, &notes)
	found := false
	for _, n := range notes.Notifications {
		found = found || n.RecordID != nil && *n.RecordID == own && n.RecordKind == string(kindWidget) && strings.Contains(n.Message, "Widget för hemtjänsten")
	}
	if !found {
		t.Errorf("no in-app reminder of the widget: %+v", notes)
	}

	// Reviews: one interval (6 months) from today.
	var rec domain.Record
	tDecode(t, agare.postJSON(api+"/review", map[string]string{"comment": "Genomgången"}), http.StatusOK, &rec)
	if want := env.app.Today().AddMonths(6); rec.NextReviewAt == nil || *rec.NextReviewAt != want || rec.Kind != kindWidget {
		t.Errorf("reviewed widget: %+v, want next review %s", rec, want)
	}
	var reviews []domain.Review
	tDecode(t, coord.get(api+"/reviews"), http.StatusOK, &reviews)
	if len(reviews) != 1 || reviews[0].Comment != "Genomgången" {
		t.Errorf("reviews %+v", reviews)
	}
	// Comments and evidence.
	if res := coord.postJSON(api+"/comments", map[string]string{"body": "Bra widget"}); res.Code != http.StatusCreated && res.Code != http.StatusOK {
		t.Fatalf("comment: %d %s", res.Code, res.Body)
	}
	var comments []domain.Comment
	tDecode(t, agare.get(api+"/comments"), http.StatusOK, &comments)
	if len(comments) != 1 || comments[0].Body != "Bra widget" {
		t.Errorf("comments %+v", comments)
	}
	if res := agare.upload(api+"/evidence", "rutin.pdf", tPDF, false); res.Code/100 != 2 {
		t.Fatalf("evidence: %d %s", res.Code, res.Body)
	}
	var evs []domain.Evidence
	tDecode(t, coord.get(api+"/evidence"), http.StatusOK, &evs)
	if len(evs) != 2 {
		t.Fatalf("evidence %+v", evs)
	}
	if res := coord.get(fmt.Sprintf("%s/evidence/%d", api, evs[1].ID)); res.Code != http.StatusOK || !strings.HasPrefix(res.Body.String(), "%PDF") {
		t.Errorf("download: %d", res.Code)
	}
	// History: every change in the audit trail.
	var hist []audit.Entry
	tDecode(t, coord.get(api+"/history"), http.StatusOK, &hist)
	actions := map[string]bool{}
	for _, h := range hist {
		actions[h.Action] = true
	}
	for _, a := range []string{audit.ActionCreate, audit.ActionReview, audit.ActionComment, audit.ActionEvidence} {
		if !actions[a] {
			t.Errorf("history lacks %s: %+v", a, actions)
		}
	}

	// Authorization: staff and the administrator see no widget; another municipality's
	// widget does not exist for this coordinator.
	for who, path := range map[string]string{
		"medarbetare": api + "/reviews", "admin": api + "/comments",
		"samordnare": fmt.Sprintf("/api/v1/municipalities/%d/widgets/%d/reviews", env.ex, env.extra["widget/other"]),
	} {
		if res := env.login(who).get(path); res.Code != http.StatusNotFound {
			t.Errorf("%s %s: %d, want 404", who, path, res.Code)
		}
	}

	// The due list: the open widget, not the closed one.
	var dues []domain.DueItem
	tDecode(t, coord.get(fmt.Sprintf("/api/v1/municipalities/%d/reviews?due=all&limit=1000", env.ex)), http.StatusOK, &dues)
	var sawOwn, sawClosed bool
	for _, d := range dues {
		sawOwn = sawOwn || d.ID == own && d.Kind == kindWidget
		sawClosed = sawClosed || d.ID == closed
	}
	if !sawOwn || sawClosed {
		t.Errorf("due list: open widget %v, closed widget %v", sawOwn, sawClosed)
	}

	// Links: the review lists' record link leads to the widget's page.
	link := fmt.Sprintf("/m/%d/records/%d", env.ex, own)
	if res := agare.get(link); res.Code != http.StatusSeeOther || res.Header().Get("Location") != page {
		t.Errorf("record link: %d to %q, want %s", res.Code, res.Header().Get("Location"), page)
	}
	if res := agare.get(page); res.Code != http.StatusOK || !strings.Contains(res.Body.String(), "1 granskningar, 2 bevis, 1 kommentarer") {
		t.Errorf("widget page: %d %s", res.Code, res.Body)
	}
	// An inline form's validation error re-renders the kind's own page with the error.
	body, ctype := (&rctx{client: agare}).form("body", "")
	if res := agare.send(tReq{method: "POST", path: page + "/comments", body: body, ctype: ctype, noCSRF: true}); res.Code != http.StatusBadRequest ||
		!strings.Contains(res.Body.String(), "<h1>Widget för hemtjänsten</h1>") || !strings.Contains(res.Body.String(), "body:") {
		t.Errorf("empty comment: %d %s", res.Code, res.Body)
	}

	// The calendar feed has the widget's review, linked to its page.
	var tok struct {
		URL string `json:"url"`
	}
	res := agare.postJSON("/api/v1/me/calendar-token", nil)
	if res.Code/100 != 2 || json.Unmarshal(res.Body.Bytes(), &tok) != nil || tok.URL == "" {
		t.Fatalf("calendar token: %d %s", res.Code, res.Body)
	}
	feed := env.client().get(tok.URL[strings.Index(tok.URL, "/calendar/"):]).Body.String()
	if !strings.Contains(strings.ReplaceAll(feed, "\r\n ", ""), page) || !strings.Contains(feed, "record-"+tItoa(own)+"-") {
		t.Errorf("calendar feed lacks the widget:\n%s", feed)
	}

	// The API description has the widget's shared routes.
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
		} `json:"paths"`
	}
	tDecode(t, coord.get("/api/v1/openapi.json"), http.StatusOK, &doc)
	if doc.Paths["/municipalities/{mid}/widgets/{id}/review"]["post"].OperationID != "markWidgetReviewed" {
		t.Errorf("OpenAPI lacks the widget's review route")
	}
}
