package web

// End-to-end behaviour of the JSON API under /api/v1 through httptest, on a real SQLite file
// with the demo data: the contract, bad input, sessions, evidence, reviews and the audit trail.

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/lisa-isms/lisa/internal/domain"
)

// tDoc is a document as the API answers it.
type tDoc struct {
	ID                   int64   `json:"id"`
	MunicipalityID       int64   `json:"municipality_id"`
	Kind                 string  `json:"kind"`
	Type                 string  `json:"type"`
	Title                string  `json:"title"`
	OrgUnitID            int64   `json:"org_unit_id"`
	OwnerID              *int64  `json:"owner_id"`
	Status               string  `json:"status"`
	ReviewIntervalMonths int     `json:"review_interval_months"`
	LastReviewedAt       *string `json:"last_reviewed_at"`
	NextReviewAt         *string `json:"next_review_at"`
	AdoptedBy            *string `json:"adopted_by"`
	AdoptedAt            *string `json:"adopted_at"`
	RevisionInProgress   bool    `json:"revision_in_progress"`
	Scope                string  `json:"scope"`
	Version              string  `json:"version"`
	ScopeUnitIDs         []int64 `json:"scope_unit_ids"`
}

func (e *testEnv) munPath(mun int64, rest string) string {
	return "/api/v1/municipalities/" + tItoa(mun) + rest
}

func (e *testEnv) docPath(mun, id int64, rest string) string {
	return e.munPath(mun, "/documents/"+tItoa(id)+rest)
}

func tStr(p *string) string {
	if p == nil {
		return "<null>"
	}
	return *p
}

func TestAPILoginMeAndMunicipalities(t *testing.T) {
	env := newTestServer(t)
	c := env.client()
	res := c.postJSON("/api/v1/login", map[string]string{"username": "samordnare", "password": "lisa-demo"})
	var login struct {
		CSRFToken string `json:"csrf_token"`
	}
	tDecode(t, res, http.StatusOK, &login)
	if len(login.CSRFToken) < 20 {
		t.Errorf("csrf_token %q", login.CSRFToken)
	}
	if c.cookies[sessionCookie] == "" {
		t.Fatalf("no session cookie set: %v", res.Header()["Set-Cookie"])
	}
	c.csrf = login.CSRFToken

	var me struct {
		User struct {
			ID       int64  `json:"id"`
			Username string `json:"username"`
			Name     string `json:"name"`
		} `json:"user"`
		Roles []struct {
			MunicipalityID int64   `json:"municipality_id"`
			Role           string  `json:"role"`
			OrgUnitIDs     []int64 `json:"org_unit_ids"`
		} `json:"roles"`
	}
	tDecode(t, c.get("/api/v1/me"), http.StatusOK, &me)
	if me.User.ID != env.users["samordnare"] || me.User.Username != "samordnare" || me.User.Name != "Sara Samordnare" {
		t.Errorf("me.user = %+v", me.User)
	}
	if len(me.Roles) != 1 || me.Roles[0].MunicipalityID != env.ex || me.Roles[0].Role != "coordinator" || me.Roles[0].OrgUnitIDs == nil || len(me.Roles[0].OrgUnitIDs) != 0 {
		t.Errorf("me.roles = %+v", me.Roles)
	}
	// An information owner sees the units they own.
	tDecode(t, env.login("agare").get("/api/v1/me"), http.StatusOK, &me)
	soc := env.unit("Exempelkommun/Socialförvaltningen")
	if len(me.Roles) != 1 || me.Roles[0].Role != "information_owner" || len(me.Roles[0].OrgUnitIDs) != 1 || me.Roles[0].OrgUnitIDs[0] != soc {
		t.Errorf("agare roles = %+v", me.Roles)
	}

	// Each caller sees the municipalities they hold a role in; administrators see all.
	for user, want := range map[string]string{
		"samordnare": "Exempelkommun", "samordnare2": "Grannkommun", "delad": "Exempelkommun,Grannkommun",
		"admin": "Exempelkommun,Grannkommun", "medarbetare": "Exempelkommun",
	} {
		var ms []struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		}
		tDecode(t, env.login(user).get("/api/v1/municipalities"), http.StatusOK, &ms)
		var names []string
		for _, m := range ms {
			if m.ID == 0 {
				t.Errorf("%s: municipality without id: %+v", user, m)
			}
			names = append(names, m.Name)
		}
		if got := strings.Join(names, ","); got != want {
			t.Errorf("%s sees municipalities %q, want %q", user, got, want)
		}
	}

	// The org tree: id, name, kind and parent_id (null at the root).
	var units []struct {
		ID       *int64  `json:"id"`
		Name     *string `json:"name"`
		Kind     *string `json:"kind"`
		ParentID *int64  `json:"parent_id"`
	}
	tDecode(t, c.get(env.munPath(env.ex, "/org-units")), http.StatusOK, &units)
	if len(units) != 10 {
		t.Errorf("%d org units, want the 10 of Exempelkommun", len(units))
	}
	byName := map[string]int{}
	for i, u := range units {
		if u.ID == nil || u.Name == nil || u.Kind == nil {
			t.Fatalf("org unit without id/name/kind: %+v", u)
		}
		byName[*u.Name] = i
	}
	if u := units[byName["Socialförvaltningen"]]; *u.Kind != "forvaltning" || u.ParentID == nil || *u.ParentID != env.unit("Exempelkommun/Socialnämnden") {
		t.Errorf("Socialförvaltningen = kind %s parent %v", *u.Kind, u.ParentID)
	}
	if u := units[byName["Kommunstyrelsen"]]; *u.Kind != "kommunstyrelse" || u.ParentID != nil {
		t.Errorf("Kommunstyrelsen = kind %s parent %v", *u.Kind, u.ParentID)
	}
	// The raw JSON has parent_id null, not missing.
	if raw := c.get(env.munPath(env.ex, "/org-units")).Body.String(); !strings.Contains(raw, `"parent_id":null`) {
		t.Errorf("root unit has no \"parent_id\":null in %s", raw)
	}
}

func TestAPIDocumentContract(t *testing.T) {
	env := newTestServer(t)
	c := env.login("samordnare")
	today := env.app.Today()
	soc := env.unit("Exempelkommun/Socialförvaltningen")

	res := c.postJSON(env.munPath(env.ex, "/documents"), map[string]any{"type": "rutin", "title": "  Rutin för loggning  ", "org_unit_id": soc})
	var created tDoc
	tDecode(t, res, http.StatusCreated, &created)
	var raw map[string]json.RawMessage
	_ = json.Unmarshal(res.Body.Bytes(), &raw)
	for _, f := range []string{"id", "type", "title", "org_unit_id", "owner_id", "status", "review_interval_months", "last_reviewed_at",
		"next_review_at", "adopted_by", "adopted_at", "revision_in_progress", "scope"} {
		if _, ok := raw[f]; !ok {
			t.Errorf("created document lacks %q: %s", f, res.Body)
		}
	}
	want := tDoc{ID: created.ID, MunicipalityID: env.ex, Kind: "document", Type: "rutin", Title: "Rutin för loggning", OrgUnitID: soc,
		OwnerID: tPtr(env.users["samordnare"]), Status: "draft", ReviewIntervalMonths: 12,
		NextReviewAt: tPtr(today.AddMonths(12).String()), Scope: "whole_excl_companies", Version: "1.0"}
	if created.ID <= 0 || fmt.Sprint(tDocKey(created)) != fmt.Sprint(tDocKey(want)) {
		t.Errorf("created:\n got %v\nwant %v", tDocKey(created), tDocKey(want))
	}
	if string(raw["last_reviewed_at"]) != "null" || string(raw["adopted_by"]) != "null" || string(raw["adopted_at"]) != "null" {
		t.Errorf("unset dates are not null: %s", res.Body)
	}

	// GET answers the stored document, exactly as the 201 did.
	var got tDoc
	getRes := c.get(env.docPath(env.ex, created.ID, ""))
	tDecode(t, getRes, http.StatusOK, &got)
	if getRes.Body.String() != res.Body.String() {
		t.Errorf("GET differs from the 201:\n201 %s\nGET %s", res.Body, getRes.Body)
	}
	if got.ScopeUnitIDs == nil || !strings.Contains(getRes.Body.String(), `"scope_unit_ids":[]`) {
		t.Errorf("scope_unit_ids is not an empty list: %s", getRes.Body)
	}
	// An empty next_review_at on create means "compute it", as on the form.
	tDecode(t, c.postJSON(env.munPath(env.ex, "/documents"), map[string]any{"type": "rutin", "title": "Rutin utan datum", "org_unit_id": soc,
		"next_review_at": "", "review_interval_months": 6}), http.StatusCreated, &got)
	if tStr(got.NextReviewAt) != today.AddMonths(6).String() {
		t.Errorf("empty next_review_at on create gave %s, want %s", tStr(got.NextReviewAt), today.AddMonths(6))
	}
	// A listed document reads the same as the one fetched alone, scope units included.
	va := env.doc("Riktlinje för säkerhet i styrsystem för VA och fjärrvärme")
	var all []json.RawMessage
	tDecode(t, c.get(env.munPath(env.ex, "/documents")), http.StatusOK, &all)
	listed := 0
	for _, raw := range all {
		var d tDoc
		_ = json.Unmarshal(raw, &d)
		if d.ID == va || d.ID == created.ID {
			listed++
			if one := c.get(env.docPath(env.ex, d.ID, "")).Body.String(); one != string(raw) {
				t.Errorf("listed document differs from GET:\nlist %s\n GET %s", raw, one)
			}
		}
		if d.ID == va && (d.Scope != "units" || len(d.ScopeUnitIDs) != 2) {
			t.Errorf("listed VA guideline has scope %s units %v", d.Scope, d.ScopeUnitIDs)
		}
	}
	if listed != 2 {
		t.Errorf("%d of the 2 documents listed", listed)
	}
	// It is in the list.
	var list []tDoc
	tDecode(t, c.get(env.munPath(env.ex, "/documents?q=loggning&type=rutin")), http.StatusOK, &list)
	if len(list) != 1 || list[0].ID != created.ID {
		t.Errorf("list by q and type = %+v", list)
	}

	// An adopted document with its adoption; the next review follows the last review.
	res = c.postJSON(env.munPath(env.ex, "/documents"), map[string]any{"type": "Policy", "title": "Policy för molntjänster", "org_unit_id": soc,
		"status": "adopted", "adopted_by": "Kommunstyrelse", "adopted_at": today.AddDays(-10).String(), "review_interval_months": 24,
		"last_reviewed_at": today.AddDays(-30).String(), "scope": "units", "scope_unit_ids": []int64{soc, soc}, "revision_in_progress": true})
	tDecode(t, res, http.StatusCreated, &got)
	if got.Type != "policy" || got.Status != "adopted" || tStr(got.AdoptedBy) != "kommunstyrelse" || tStr(got.AdoptedAt) != today.AddDays(-10).String() ||
		tStr(got.LastReviewedAt) != today.AddDays(-30).String() || tStr(got.NextReviewAt) != today.AddDays(-30).AddMonths(24).String() ||
		got.Scope != "units" || fmt.Sprint(got.ScopeUnitIDs) != fmt.Sprint([]int64{soc}) || !got.RevisionInProgress {
		t.Errorf("adopted document = %+v", got)
	}

	// PUT changes only the fields given.
	putRes := c.doJSON(http.MethodPut, env.docPath(env.ex, created.ID, ""), map[string]any{"title": "Rutin för loggning och spårbarhet"})
	tDecode(t, putRes, http.StatusOK, &got)
	if after := c.get(env.docPath(env.ex, created.ID, "")).Body.String(); after != putRes.Body.String() {
		t.Errorf("GET differs from the PUT answer:\nPUT %s\nGET %s", putRes.Body, after)
	}
	want = created
	want.Title = "Rutin för loggning och spårbarhet"
	if fmt.Sprint(tDocKey(got)) != fmt.Sprint(tDocKey(want)) {
		t.Errorf("after PUT:\n got %v\nwant %v", tDocKey(got), tDocKey(want))
	}
	tDecode(t, c.get(env.docPath(env.ex, created.ID, "")), http.StatusOK, &got)
	if got.Title != want.Title {
		t.Errorf("PUT not stored: %q", got.Title)
	}
	// Changing the interval moves the next review.
	tDecode(t, c.doJSON(http.MethodPut, env.docPath(env.ex, created.ID, ""), map[string]any{"review_interval_months": 3}), http.StatusOK, &got)
	if tStr(got.NextReviewAt) != today.AddMonths(3).String() {
		t.Errorf("next review after interval change = %s, want %s", tStr(got.NextReviewAt), today.AddMonths(3))
	}

	// DELETE removes it.
	if res := c.delete(env.docPath(env.ex, created.ID, "")); res.Code != http.StatusNoContent {
		t.Fatalf("delete: %d %s", res.Code, res.Body)
	}
	if res := c.get(env.docPath(env.ex, created.ID, "")); res.Code != http.StatusNotFound {
		t.Errorf("after delete: %d", res.Code)
	}
	if res := c.delete(env.docPath(env.ex, created.ID, "")); res.Code != http.StatusNotFound {
		t.Errorf("second delete: %d", res.Code)
	}
	// A document of another municipality does not exist under this one's path.
	if res := env.login("delad").get(env.docPath(env.ex, env.doc(tDocGrPolicy), "")); res.Code != http.StatusNotFound {
		t.Errorf("Grannkommun's document under Exempelkommun's path: %d", res.Code)
	}
}

func tDocKey(d tDoc) []string {
	ids := fmt.Sprint(d.ScopeUnitIDs)
	if len(d.ScopeUnitIDs) == 0 {
		ids = "[]"
	}
	owner := "<null>"
	if d.OwnerID != nil {
		owner = tItoa(*d.OwnerID)
	}
	return []string{tItoa(d.ID), tItoa(d.MunicipalityID), d.Kind, d.Type, d.Title, tItoa(d.OrgUnitID), owner, d.Status,
		fmt.Sprint(d.ReviewIntervalMonths), tStr(d.LastReviewedAt), tStr(d.NextReviewAt), tStr(d.AdoptedBy), tStr(d.AdoptedAt),
		fmt.Sprint(d.RevisionInProgress), d.Scope, d.Version, ids}
}

// badCase is one request with bad input and what it must answer.
type badCase struct {
	name    string
	who     string // demo user; "" for anonymous
	send    func(c *testClient) *httptest.ResponseRecorder
	status  int
	code    string
	message string            // translation key of error.message ("" = not checked)
	fields  map[string]string // field -> translation key
}

// Bad input answers the status with an error body naming each field, in Swedish by default
// and in English with Accept-Language: en, and stores nothing.
func TestAPIBadInputStoresNothing(t *testing.T) {
	env := newTestServer(t)
	soc := env.unit("Exempelkommun/Socialförvaltningen")
	docs := env.munPath(env.ex, "/documents")
	docID := env.doc(tDocSocDraft)
	policyID := env.doc(tDocPolicy)
	observer := env.login("samordnare") // reads the documents before and after
	valid := func(extra map[string]any) map[string]any {
		m := map[string]any{"type": "rutin", "title": "Rutin för test", "org_unit_id": soc}
		maps.Copy(m, extra)
		return m
	}
	post := func(body any) func(c *testClient) *httptest.ResponseRecorder {
		return func(c *testClient) *httptest.ResponseRecorder { return c.postJSON(docs, body) }
	}
	huge := `{"type":"rutin","title":"x","org_unit_id":1,"description":"` + strings.Repeat("a", 1<<20) + `"}`
	mz := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), make([]byte, 512)...)
	copy(mz[0x3c:], []byte{0x80})
	copy(mz[0x80:], []byte("PE\x00\x00"))

	cases := []badCase{
		{name: "missing fields", who: "samordnare", send: post(map[string]any{}), status: 400, code: "invalid", message: "err.invalid",
			fields: map[string]string{"type": "err.required", "title": "err.required", "org_unit_id": "err.required"}},
		{name: "blank title", who: "samordnare", send: post(valid(map[string]any{"title": "   "})), status: 400, code: "invalid",
			fields: map[string]string{"title": "err.required"}},
		{name: "title of wrong type", who: "samordnare", send: post(valid(map[string]any{"title": 42})), status: 400, code: "invalid",
			fields: map[string]string{"title": "err.type"}},
		{name: "interval as string", who: "samordnare", send: post(valid(map[string]any{"review_interval_months": "12"})), status: 400, code: "invalid",
			fields: map[string]string{"review_interval_months": "err.type"}},
		{name: "org unit id overflow", who: "samordnare", send: post(`{"type":"rutin","title":"x","org_unit_id":1e40}`), status: 400, code: "invalid",
			fields: map[string]string{"org_unit_id": "err.type"}},
		{name: "malformed JSON", who: "samordnare", send: post(`{"type": "rutin", "title": `), status: 400, code: "invalid", message: "err.json"},
		{name: "two JSON values", who: "samordnare", send: post(`{"type":"rutin","title":"x","org_unit_id":1}{}`), status: 400, code: "invalid", message: "err.json"},
		{name: "empty body", who: "samordnare", send: post(""), status: 400, code: "invalid", message: "err.empty_body"},
		{name: "unknown type", who: "samordnare", send: post(valid(map[string]any{"type": "memo"})), status: 400, code: "invalid",
			fields: map[string]string{"type": "err.enum"}},
		{name: "unknown status, scope and adopter", who: "samordnare",
			send:   post(valid(map[string]any{"status": "godkänd", "scope": "hela", "adopted_by": "kungen"})),
			status: 400, code: "invalid", fields: map[string]string{"status": "err.enum", "scope": "err.enum", "adopted_by": "err.enum"}},
		{name: "unparsable dates", who: "samordnare",
			send:   post(valid(map[string]any{"next_review_at": "2025-02-30", "last_reviewed_at": "igår", "adopted_at": "10/05/2025"})),
			status: 400, code: "invalid", fields: map[string]string{"next_review_at": "err.date", "last_reviewed_at": "err.date", "adopted_at": "err.date"}},
		{name: "date out of range", who: "samordnare", send: post(valid(map[string]any{"next_review_at": "0001-01-01"})), status: 400, code: "invalid",
			fields: map[string]string{"next_review_at": "err.date"}},
		{name: "interval 0", who: "samordnare", send: post(valid(map[string]any{"review_interval_months": 0})), status: 400, code: "invalid",
			fields: map[string]string{"review_interval_months": "err.review_interval"}},
		{name: "interval 12000", who: "samordnare", send: post(valid(map[string]any{"review_interval_months": 12000})), status: 400, code: "invalid",
			fields: map[string]string{"review_interval_months": "err.review_interval"}},
		{name: "control character in title", who: "samordnare", send: post(valid(map[string]any{"title": "Rutin\u0007"})), status: 400, code: "invalid",
			fields: map[string]string{"title": "err.control_chars"}},
		{name: "adopted without adopter", who: "samordnare", send: post(valid(map[string]any{"status": "adopted"})), status: 400, code: "invalid",
			fields: map[string]string{"adopted_by": "err.adopted_by_required"}},
		{name: "unit of another municipality", who: "delad", send: post(valid(map[string]any{"org_unit_id": env.unit("Grannkommun/Kommunkontoret")})),
			status: 400, code: "invalid", fields: map[string]string{"org_unit_id": "err.unknown_unit"}},
		{name: "owner outside the municipality", who: "samordnare", send: post(valid(map[string]any{"owner_id": env.users["samordnare2"]})),
			status: 400, code: "invalid", fields: map[string]string{"owner_id": "err.unknown_owner"}},
		{name: "body over 1 MB", who: "samordnare", send: post(huge), status: 413, code: "too_large", message: "err.too_large"},
		{name: "text/plain", who: "samordnare", send: func(c *testClient) *httptest.ResponseRecorder {
			return c.send(tReq{method: "POST", path: docs, body: tJSONBody(valid(nil)), ctype: "text/plain"})
		}, status: 400, code: "invalid", message: "err.content_type"},
		{name: "form-encoded body", who: "samordnare", send: func(c *testClient) *httptest.ResponseRecorder {
			return c.send(tReq{method: "POST", path: docs, body: []byte("type=rutin&title=x"), ctype: "application/x-www-form-urlencoded"})
		}, status: 400, code: "invalid", message: "err.content_type"},
		{name: "PUT with bad fields", who: "samordnare", send: func(c *testClient) *httptest.ResponseRecorder {
			return c.doJSON("PUT", env.docPath(env.ex, docID, ""), map[string]any{"title": "Ny titel", "review_interval_months": 0, "next_review_at": "snart"})
		}, status: 400, code: "invalid", fields: map[string]string{"review_interval_months": "err.review_interval", "next_review_at": "err.date"}},
		{name: "PUT over 1 MB", who: "samordnare", send: func(c *testClient) *httptest.ResponseRecorder {
			return c.doJSON("PUT", env.docPath(env.ex, docID, ""), huge)
		}, status: 413, code: "too_large"},
		{name: "review dated tomorrow", who: "samordnare", send: func(c *testClient) *httptest.ResponseRecorder {
			return c.postJSON(env.docPath(env.ex, docID, "/review"), map[string]any{"reviewed_at": env.app.Today().AddDays(1).String()})
		}, status: 400, code: "invalid", fields: map[string]string{"reviewed_at": "err.date_future"}},
		{name: "review with bad dates", who: "samordnare", send: func(c *testClient) *httptest.ResponseRecorder {
			return c.postJSON(env.docPath(env.ex, docID, "/review"), map[string]any{"reviewed_at": "2025-13-01", "next_review_at": "x"})
		}, status: 400, code: "invalid", fields: map[string]string{"reviewed_at": "err.date", "next_review_at": "err.date"}},
		{name: "next review before the review", who: "samordnare", send: func(c *testClient) *httptest.ResponseRecorder {
			return c.postJSON(env.docPath(env.ex, docID, "/review"), map[string]any{"next_review_at": env.app.Today().AddDays(-1).String()})
		}, status: 400, code: "invalid", fields: map[string]string{"next_review_at": "err.next_after_review"}},
		{name: "empty comment", who: "revisor", send: func(c *testClient) *httptest.ResponseRecorder {
			return c.postJSON(env.docPath(env.ex, docID, "/comments"), map[string]any{"body": " \n "})
		}, status: 400, code: "invalid", fields: map[string]string{"body": "err.required"}},
		{name: "evidence that is a Windows program", who: "samordnare", send: func(c *testClient) *httptest.ResponseRecorder {
			return c.upload(env.docPath(env.ex, docID, "/evidence"), "rapport.pdf", mz, false)
		}, status: 400, code: "invalid", fields: map[string]string{"file": "err.file_type"}},
		{name: "evidence that is HTML", who: "samordnare", send: func(c *testClient) *httptest.ResponseRecorder {
			return c.upload(env.docPath(env.ex, docID, "/evidence"), "rapport.txt", []byte("<html><script>alert(1)</script></html>"), false)
		}, status: 400, code: "invalid", fields: map[string]string{"file": "err.file_type"}},
		{name: "empty evidence", who: "samordnare", send: func(c *testClient) *httptest.ResponseRecorder {
			return c.upload(env.docPath(env.ex, docID, "/evidence"), "tom.pdf", nil, false)
		}, status: 400, code: "invalid", fields: map[string]string{"file": "err.file_empty"}},
		{name: "evidence without a file", who: "samordnare", send: func(c *testClient) *httptest.ResponseRecorder {
			return c.upload(env.docPath(env.ex, docID, "/evidence"), "", nil, false)
		}, status: 400, code: "invalid", fields: map[string]string{"file": "err.required"}},
		{name: "evidence over 25 MB", who: "samordnare", send: func(c *testClient) *httptest.ResponseRecorder {
			return c.upload(env.docPath(env.ex, docID, "/evidence"), "stor.pdf", tBigPDF(domain.MaxEvidenceBytes+1), false)
		}, status: 413, code: "too_large", fields: map[string]string{"file": "err.file_too_large"}},
		{name: "evidence body far over 25 MB", who: "samordnare", send: func(c *testClient) *httptest.ResponseRecorder {
			return c.upload(env.docPath(env.ex, docID, "/evidence"), "enorm.pdf", tBigPDF(domain.MaxEvidenceBytes+2<<20), false)
		}, status: 413, code: "too_large", message: "err.too_large"},
		{name: "login username with control characters", who: "", send: func(c *testClient) *httptest.ResponseRecorder {
			return c.postJSON("/api/v1/login", map[string]string{"username": "samordnare\x00", "password": "lisa-demo"})
		}, status: 400, code: "invalid", fields: map[string]string{"username": "err.control_chars"}},
		{name: "login username with a newline", who: "", send: func(c *testClient) *httptest.ResponseRecorder {
			return c.postJSON("/api/v1/login", map[string]string{"username": "sam\nordnare", "password": "x"})
		}, status: 400, code: "invalid", fields: map[string]string{"username": "err.control_chars"}},
		{name: "login without fields", who: "", send: func(c *testClient) *httptest.ResponseRecorder {
			return c.postJSON("/api/v1/login", map[string]string{})
		}, status: 400, code: "invalid", fields: map[string]string{"username": "err.required", "password": "err.required"}},
		{name: "login as text/plain", who: "", send: func(c *testClient) *httptest.ResponseRecorder {
			return c.send(tReq{method: "POST", path: "/api/v1/login", body: []byte(`{"username":"samordnare","password":"lisa-demo"}`), ctype: "text/plain"})
		}, status: 400, code: "invalid", message: "err.content_type"},
		{name: "unknown due filter", who: "samordnare", send: func(c *testClient) *httptest.ResponseRecorder {
			return c.get(env.munPath(env.ex, "/reviews?due=bogus"))
		}, status: 400, code: "invalid", fields: map[string]string{"due": "err.enum"}},
		{name: "unknown list filters", who: "samordnare", send: func(c *testClient) *httptest.ResponseRecorder {
			return c.get(env.munPath(env.ex, "/documents?type=memo&status=x&org_unit_id=abc"))
		}, status: 400, code: "invalid", fields: map[string]string{"type": "err.enum", "status": "err.enum", "org_unit_id": "err.type"}},
		{name: "audit filters", who: "revisor", send: func(c *testClient) *httptest.ResponseRecorder {
			return c.get(env.munPath(env.ex, "/audit?from=igår&limit=0"))
		}, status: 400, code: "invalid", fields: map[string]string{"from": "err.date", "limit": "err.limit"}},
		{name: "org unit of unknown kind", who: "admin", send: func(c *testClient) *httptest.ResponseRecorder {
			return c.postJSON(env.munPath(env.ex, "/org-units"), map[string]any{"name": "Enheten", "kind": "avdelningen"})
		}, status: 400, code: "invalid", fields: map[string]string{"kind": "err.enum"}},
		{name: "user with a bad username and short password", who: "admin", send: func(c *testClient) *httptest.ResponseRecorder {
			return c.postJSON("/api/v1/users", map[string]any{"username": "ny\tperson", "name": "Ny", "password": "kort"})
		}, status: 400, code: "invalid", fields: map[string]string{"username": "err.username_chars", "password": "err.password_short"}},
		{name: "role that does not exist", who: "admin", send: func(c *testClient) *httptest.ResponseRecorder {
			return c.postJSON("/api/v1/users/"+tItoa(env.users["medarbetare"])+"/roles", map[string]any{"municipality_id": env.ex, "role": "kung"})
		}, status: 400, code: "invalid", fields: map[string]string{"role": "err.enum"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var c *testClient
			if tc.who == "" {
				c = env.client()
			} else {
				c = env.login(tc.who)
			}
			beforeDoc := observer.get(env.docPath(env.ex, docID, "")).Body.String()
			beforePolicy := observer.get(env.docPath(env.ex, policyID, "")).Body.String()
			before := env.tableCounts()
			for _, lang := range []string{"sv", "en"} {
				if lang == "en" {
					c.header.Set("Accept-Language", "en-GB,en;q=0.9")
				}
				res := tc.send(c)
				if res.Code != tc.status {
					t.Fatalf("%s: status %d, want %d: %.300s", lang, res.Code, tc.status, res.Body)
				}
				e := tDecodeError(t, res)
				if e.Error.Code != tc.code {
					t.Errorf("%s: code %q, want %q", lang, e.Error.Code, tc.code)
				}
				if tc.message != "" {
					if want := env.srv.i18n.T(lang, tc.message); e.Error.Message != want {
						t.Errorf("%s: message %q, want %q", lang, e.Error.Message, want)
					}
				}
				for f, key := range tc.fields {
					want := env.srv.i18n.T(lang, key)
					if env.srv.i18n.Has(lang, key+"."+f) { // the message made for the field ("Ange en titel")
						want = env.srv.i18n.T(lang, key+"."+f)
					}
					if want == key {
						t.Fatalf("no translation for %s", key)
					}
					if e.Error.Fields[f] != want {
						t.Errorf("%s: field %s = %q, want %q (fields %v)", lang, f, e.Error.Fields[f], want, e.Error.Fields)
					}
				}
				if len(tc.fields) > 0 && len(e.Error.Fields) != len(tc.fields) {
					t.Errorf("%s: fields %v, want exactly %v", lang, e.Error.Fields, tc.fields)
				}
				if lang == "sv" && len(tc.fields) > 0 {
					for f, key := range tc.fields {
						if env.srv.i18n.T("sv", key) == env.srv.i18n.T("en", key) {
							t.Errorf("field %s: Swedish and English messages are the same", f)
						}
					}
				}
			}
			if after := env.tableCounts(); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("rows changed:\nbefore %v\n after %v", before, after)
			}
			if after := observer.get(env.docPath(env.ex, docID, "")).Body.String(); after != beforeDoc {
				t.Errorf("document changed:\nbefore %s\n after %s", beforeDoc, after)
			}
			if after := observer.get(env.docPath(env.ex, policyID, "")).Body.String(); after != beforePolicy {
				t.Errorf("policy changed")
			}
		})
	}
}

// tBigPDF returns n bytes that sniff as a PDF.
func tBigPDF(n int) []byte {
	b := bytes.Repeat([]byte("0"), n)
	copy(b, tPDF)
	return b
}

func TestAPISessionCookie(t *testing.T) {
	env := newTestServer(t)
	c := env.client()
	res := c.postJSON("/api/v1/login", map[string]string{"username": "revisor", "password": "lisa-demo"})
	if res.Code != http.StatusOK {
		t.Fatalf("login: %d %s", res.Code, res.Body)
	}
	var ck *http.Cookie
	for _, k := range res.Result().Cookies() {
		if k.Name == sessionCookie {
			ck = k
		}
	}
	if ck == nil {
		t.Fatal("no session cookie")
	}
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode && ck.SameSite != http.SameSiteStrictMode || ck.Path != "/" || ck.MaxAge <= 0 {
		t.Errorf("session cookie %+v: want HttpOnly, SameSite, Path=/ and a lifetime", ck)
	}
	if raw := res.Header().Get("Set-Cookie"); !strings.Contains(raw, "HttpOnly") || !strings.Contains(raw, "SameSite=") {
		t.Errorf("Set-Cookie %q", raw)
	}
	if strings.Contains(res.Body.String(), ck.Value) {
		t.Error("the session id is in the body")
	}
	// Behind TLS the cookie is Secure.
	req := httptest.NewRequest("POST", "https://lisa.example/api/v1/login", strings.NewReader(`{"username":"revisor","password":"lisa-demo"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	env.srv.ServeHTTP(rec, req)
	if cs := rec.Result().Cookies(); rec.Code != 200 || len(cs) == 0 || !cs[0].Secure {
		t.Errorf("TLS login: %d, cookies %v", rec.Code, cs)
	}

	// A new session id at every login, also when an old one is sent along.
	first := c.cookies[sessionCookie]
	var out struct {
		CSRFToken string `json:"csrf_token"`
	}
	c.csrf = ""
	tDecode(t, c.send(tReq{method: "POST", path: "/api/v1/login", body: []byte(`{"username":"revisor","password":"lisa-demo"}`), ctype: "application/json",
		header: http.Header{"X-Csrf-Token": {tLoginCSRF(t, res)}}}), http.StatusOK, &out)
	second := c.cookies[sessionCookie]
	if second == "" || second == first {
		t.Errorf("session id not renewed at login: %q then %q", first, second)
	}
	if out.CSRFToken == "" || out.CSRFToken == tLoginCSRF(t, res) {
		t.Errorf("CSRF token not renewed: %q", out.CSRFToken)
	}
	// The session the client came with ended with the new login.
	old := env.client()
	old.cookies[sessionCookie] = first
	if res := old.get("/api/v1/me"); res.Code != http.StatusUnauthorized {
		t.Errorf("first session after a new login: %d", res.Code)
	}
}

func tLoginCSRF(t *testing.T, res *httptest.ResponseRecorder) string {
	t.Helper()
	var out struct {
		CSRFToken string `json:"csrf_token"`
	}
	if err := json.Unmarshal(res.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	return out.CSRFToken
}

func TestAPICSRF(t *testing.T) {
	env := newTestServer(t)
	c := env.login("samordnare")
	soc := env.unit("Exempelkommun/Socialförvaltningen")
	docID := env.doc(tDocSocDraft)
	body := tJSONBody(map[string]any{"type": "rutin", "title": "Rutin utan token", "org_unit_id": soc})
	before := env.tableCounts()
	for name, hdr := range map[string]http.Header{
		"no token":                  nil,
		"wrong token":               {"X-Csrf-Token": {"fel"}},
		"another session's token":   {"X-Csrf-Token": {env.login("delad").csrf}},
		"token in the query string": nil,
	} {
		path := env.munPath(env.ex, "/documents")
		if name == "token in the query string" {
			path += "?csrf_token=" + c.csrf
		}
		res := c.send(tReq{method: "POST", path: path, body: body, ctype: "application/json", noCSRF: true, header: hdr})
		if res.Code != http.StatusForbidden {
			t.Errorf("%s: %d, want 403: %s", name, res.Code, res.Body)
			continue
		}
		if e := tDecodeError(t, res); e.Error.Code != "forbidden" || e.Error.Message != env.srv.i18n.T("sv", "err.csrf") {
			t.Errorf("%s: error %+v", name, e.Error)
		}
	}
	for _, r := range []tReq{
		{method: "PUT", path: env.docPath(env.ex, docID, ""), body: []byte(`{"title":"Kapad"}`), ctype: "application/json", noCSRF: true},
		{method: "DELETE", path: env.docPath(env.ex, docID, ""), noCSRF: true},
		{method: "POST", path: env.docPath(env.ex, docID, "/review"), noCSRF: true},
		{method: "POST", path: "/api/v1/logout", noCSRF: true},
	} {
		if res := c.send(r); res.Code != http.StatusForbidden {
			t.Errorf("%s %s without token: %d", r.method, r.path, res.Code)
		}
	}
	// Apart from the login above (a session and an audit row), nothing changed.
	after := env.tableCounts()
	after["sessions"], after["audit_log"] = before["sessions"], before["audit_log"]
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("rows changed without a CSRF token:\nbefore %v\n after %v", before, after)
	}
	if res := c.get(env.docPath(env.ex, docID, "")); res.Code != 200 || strings.Contains(res.Body.String(), "Kapad") {
		t.Errorf("document after PUT without token: %d %s", res.Code, res.Body)
	}
	// With the token it works.
	if res := c.send(tReq{method: "POST", path: env.munPath(env.ex, "/documents"), body: body, ctype: "application/json"}); res.Code != http.StatusCreated {
		t.Errorf("with the token: %d %s", res.Code, res.Body)
	}
	// GET needs none.
	if res := c.send(tReq{method: "GET", path: env.munPath(env.ex, "/documents"), noCSRF: true}); res.Code != http.StatusOK {
		t.Errorf("GET: %d", res.Code)
	}
}

func TestAPIBearerToken(t *testing.T) {
	env := newTestServer(t)
	nt, err := env.app.CreateAPIToken(env.ctx, "samordnare", "integration", 365)
	tok := nt.Token
	if err != nil {
		t.Fatal(err)
	}
	c := env.client()
	c.bearer = tok
	var me struct {
		User struct{ Username string } `json:"user"`
	}
	tDecode(t, c.get("/api/v1/me"), http.StatusOK, &me)
	if me.User.Username != "samordnare" {
		t.Errorf("token belongs to %q", me.User.Username)
	}
	// No CSRF token needed with a bearer token.
	res := c.send(tReq{method: "POST", path: env.munPath(env.ex, "/documents"), ctype: "application/json",
		body: tJSONBody(map[string]any{"type": "rutin", "title": "Rutin via token", "org_unit_id": env.unit("Exempelkommun/Socialförvaltningen")})})
	var d tDoc
	tDecode(t, res, http.StatusCreated, &d)
	if res := c.send(tReq{method: "DELETE", path: env.docPath(env.ex, d.ID, "")}); res.Code != http.StatusNoContent {
		t.Errorf("delete with token: %d %s", res.Code, res.Body)
	}
	// The token has the same limits as its user.
	if res := c.get(env.docPath(env.gr, env.doc(tDocGrPolicy), "")); res.Code != http.StatusNotFound {
		t.Errorf("other municipality with token: %d", res.Code)
	}
	// A wrong or malformed token is 401, even with a valid session cookie alongside.
	sess := env.login("samordnare")
	for _, h := range []string{"Bearer " + tok + "x", "Bearer ", "Basic c2FtOmxpc2E=", "bearer " + tok} {
		res := sess.send(tReq{method: "GET", path: "/api/v1/me", header: http.Header{"Authorization": {h}}})
		if res.Code != http.StatusUnauthorized {
			t.Errorf("Authorization %q: %d", h, res.Code)
			continue
		}
		if e := tDecodeError(t, res); e.Error.Code != "unauthorized" {
			t.Errorf("Authorization %q: %+v", h, e)
		}
	}
}

func TestAPILogout(t *testing.T) {
	env := newTestServer(t)
	c := env.login("ledning")
	cookie := c.cookies[sessionCookie]
	res := c.send(tReq{method: "POST", path: "/api/v1/logout"})
	if res.Code != http.StatusNoContent {
		t.Fatalf("logout: %d %s", res.Code, res.Body)
	}
	cleared := false
	for _, k := range res.Result().Cookies() {
		cleared = cleared || k.Name == sessionCookie && k.MaxAge < 0
	}
	if !cleared {
		t.Errorf("logout does not clear the cookie: %v", res.Header()["Set-Cookie"])
	}
	// The old cookie no longer works, even if the client keeps it.
	replay := env.client()
	replay.cookies[sessionCookie] = cookie
	if res := replay.get("/api/v1/me"); res.Code != http.StatusUnauthorized {
		t.Errorf("old cookie after logout: %d", res.Code)
	}
	replay.csrf = c.csrf
	if res := replay.postJSON(env.docPath(env.ex, env.doc(tDocPolicy), "/comments"), map[string]string{"body": "efter utloggning"}); res.Code != http.StatusUnauthorized {
		t.Errorf("write with old cookie: %d", res.Code)
	}
	if res := env.client().send(tReq{method: "POST", path: "/api/v1/logout"}); res.Code != http.StatusUnauthorized {
		t.Errorf("anonymous logout: %d", res.Code)
	}
}

func TestAPILoginFailuresLookAlikeAndAreThrottled(t *testing.T) {
	env := newTestServer(t)
	unknown := env.client()
	unknown.ip = "198.51.100.1"
	wrong := env.client()
	wrong.ip = "198.51.100.2"
	r1 := unknown.postJSON("/api/v1/login", map[string]string{"username": "finns-inte", "password": "lisa-demo"})
	r2 := wrong.postJSON("/api/v1/login", map[string]string{"username": "ledning", "password": "fel-lösenord"})
	if r1.Code != http.StatusUnauthorized || r2.Code != http.StatusUnauthorized {
		t.Fatalf("statuses %d, %d", r1.Code, r2.Code)
	}
	if r1.Body.String() != r2.Body.String() {
		t.Errorf("unknown user and wrong password differ:\n%s\n%s", r1.Body, r2.Body)
	}
	if len(r1.Result().Cookies()) != 0 || len(r2.Result().Cookies()) != 0 {
		t.Error("failed login sets a cookie")
	}
	if e := tDecodeError(t, r1); e.Error.Code != "unauthorized" || e.Error.Message != env.srv.i18n.T("sv", "err.bad_login") {
		t.Errorf("error %+v", e)
	}

	// Ten more failures for the account, from addresses it never used: the next attempt from
	// such an address waits, even with the right password (Retry-After: the growing delay).
	for i := range 10 {
		c := env.client()
		c.ip = fmt.Sprintf("203.0.113.%d", i+1)
		if res := c.postJSON("/api/v1/login", map[string]string{"username": "ledning", "password": "fel-igen"}); res.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+2, res.Code)
		}
	}
	c := env.client()
	c.ip = "203.0.113.99"
	res := c.postJSON("/api/v1/login", map[string]string{"username": "ledning", "password": "lisa-demo"})
	if res.Code != http.StatusTooManyRequests {
		t.Fatalf("12th login: %d %s", res.Code, res.Body)
	}
	if e := tDecodeError(t, res); e.Error.Code != "too_many_requests" {
		t.Errorf("error %+v", e)
	}
	if ra := res.Header().Get("Retry-After"); ra == "" || ra == "900" {
		t.Errorf("Retry-After %q, want the growing delay in seconds", ra)
	}
	if _, ok := c.cookies[sessionCookie]; ok {
		t.Error("throttled login set a session cookie")
	}
	// Other accounts are not affected.
	if res := c.postJSON("/api/v1/login", map[string]string{"username": "revisor", "password": "lisa-demo"}); res.Code != http.StatusOK {
		t.Errorf("other account: %d", res.Code)
	}
}

func TestAPIEvidence(t *testing.T) {
	env := newTestServer(t)
	coord := env.login("samordnare")
	docID := env.doc(tDocSocDraft)
	res := coord.upload(env.docPath(env.ex, docID, "/evidence"), `..\..\Protokoll "KS" 2025.pdf`, tPDF, false)
	var ev struct {
		ID          int64  `json:"id"`
		RecordID    int64  `json:"record_id"`
		Filename    string `json:"filename"`
		ContentType string `json:"content_type"`
		Size        int64  `json:"size"`
		SHA256      string `json:"sha256"`
	}
	tDecode(t, res, http.StatusCreated, &ev)
	sum := sha256.Sum256(tPDF)
	want := hex.EncodeToString(sum[:])
	if ev.SHA256 != want || ev.Size != int64(len(tPDF)) || ev.ContentType != "application/pdf" || ev.RecordID != docID || ev.Filename != "Protokoll KS 2025.pdf" {
		t.Errorf("uploaded %+v, want sha256 %s", ev, want)
	}
	var list []struct {
		ID     int64  `json:"id"`
		SHA256 string `json:"sha256"`
	}
	tDecode(t, coord.get(env.docPath(env.ex, docID, "/evidence")), http.StatusOK, &list)
	if len(list) != 1 || list[0].ID != ev.ID || list[0].SHA256 != want {
		t.Errorf("list = %+v", list)
	}
	// Download: the same bytes, as an attachment, never sniffed into HTML.
	for _, path := range []string{env.docPath(env.ex, docID, "/evidence/"+tItoa(ev.ID)), "/m/" + tItoa(env.ex) + "/documents/" + tItoa(docID) + "/evidence/" + tItoa(ev.ID)} {
		res = env.login("agare").get(path)
		if res.Code != http.StatusOK {
			t.Fatalf("download %s: %d %s", path, res.Code, res.Body)
		}
		cd := res.Header().Get("Content-Disposition")
		if !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, "Protokoll KS 2025.pdf") {
			t.Errorf("Content-Disposition %q", cd)
		}
		if !bytes.Equal(res.Body.Bytes(), tPDF) {
			t.Error("downloaded bytes differ")
		}
		if got := sha256.Sum256(res.Body.Bytes()); hex.EncodeToString(got[:]) != want {
			t.Error("downloaded sha256 differs")
		}
		if res.Header().Get("Content-Type") != "application/pdf" || res.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("headers %v", res.Header())
		}
	}
	// Staff cannot see a draft's evidence, listed or downloaded; the adopted policy's they can.
	staff := env.login("medarbetare")
	for _, path := range []string{env.docPath(env.ex, docID, "/evidence/"+tItoa(ev.ID)), env.docPath(env.ex, docID, "/evidence")} {
		if res := staff.get(path); res.Code != http.StatusNotFound {
			t.Errorf("staff %s: %d", path, res.Code)
		}
	}
	policy := env.doc(tDocPolicy)
	pev := env.newEvidence("samordnare", env.ex, policy)
	if res := staff.get(env.docPath(env.ex, policy, "/evidence/"+tItoa(pev.ID))); res.Code != http.StatusOK {
		t.Errorf("staff, adopted policy's evidence: %d", res.Code)
	}
	// Evidence is reached only through its own document: the policy's file under the draft's
	// path, or the draft's file under the policy's, is not found.
	if res := staff.get(env.docPath(env.ex, policy, "/evidence/"+tItoa(ev.ID))); res.Code != http.StatusNotFound {
		t.Errorf("draft's evidence under the policy's path: %d", res.Code)
	}
	if res := coord.get(env.docPath(env.ex, docID, "/evidence/"+tItoa(pev.ID))); res.Code != http.StatusNotFound {
		t.Errorf("policy's evidence under the draft's path: %d", res.Code)
	}
	if res := coord.delete(env.docPath(env.ex, docID, "/evidence/"+tItoa(pev.ID))); res.Code != http.StatusNotFound {
		t.Errorf("deleting another document's evidence: %d", res.Code)
	}
	// A file of exactly the limit is accepted whole.
	big := tBigPDF(domain.MaxEvidenceBytes)
	res = coord.upload(env.docPath(env.ex, docID, "/evidence"), "precis-25-MB.pdf", big, false)
	var bigEv struct {
		ID     int64  `json:"id"`
		Size   int64  `json:"size"`
		SHA256 string `json:"sha256"`
	}
	tDecode(t, res, http.StatusCreated, &bigEv)
	bigSum := sha256.Sum256(big)
	if bigEv.Size != domain.MaxEvidenceBytes || bigEv.SHA256 != hex.EncodeToString(bigSum[:]) {
		t.Errorf("25 MB file stored as %+v", bigEv)
	}
	if res := coord.get(env.docPath(env.ex, docID, "/evidence/"+tItoa(bigEv.ID))); res.Code != http.StatusOK || res.Body.Len() != domain.MaxEvidenceBytes {
		t.Errorf("25 MB download: %d, %d bytes", res.Code, res.Body.Len())
	}
	if res := coord.delete(env.docPath(env.ex, docID, "/evidence/"+tItoa(bigEv.ID))); res.Code != http.StatusNoContent {
		t.Errorf("delete 25 MB file: %d", res.Code)
	}
	// Delete.
	if res := coord.delete(env.docPath(env.ex, docID, "/evidence/"+tItoa(ev.ID))); res.Code != http.StatusNoContent {
		t.Fatalf("delete: %d %s", res.Code, res.Body)
	}
	tDecode(t, coord.get(env.docPath(env.ex, docID, "/evidence")), http.StatusOK, &list)
	if len(list) != 0 {
		t.Errorf("after delete: %+v", list)
	}
	if res := coord.get(env.docPath(env.ex, docID, "/evidence/"+tItoa(ev.ID))); res.Code != http.StatusNotFound {
		t.Errorf("download after delete: %d", res.Code)
	}
}

// A file just over the limit is refused on the page too, with the size error rather than a
// CSRF error (the page sends its CSRF token in the multipart body).
func TestAPIEvidencePageUploadTooLarge(t *testing.T) {
	env := newTestServer(t)
	c := env.login("samordnare")
	docID := env.doc(tDocSocDraft)
	path := "/m/" + tItoa(env.ex) + "/documents/" + tItoa(docID) + "/evidence"
	for _, n := range []int{domain.MaxEvidenceBytes + 1, domain.MaxEvidenceBytes + 2<<20} {
		before := env.count("SELECT COUNT(*) FROM evidence")
		res := c.upload(path, "stor.pdf", tBigPDF(n), true)
		if res.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("%d bytes: %d, want 413", n, res.Code)
		}
		if strings.Contains(res.Body.String(), "CSRF") {
			t.Errorf("%d bytes: answered as a CSRF failure", n)
		}
		if env.count("SELECT COUNT(*) FROM evidence") != before {
			t.Errorf("%d bytes: stored", n)
		}
	}
	// A form over 1 MB is "too large" as well, not a CSRF failure.
	before := env.count("SELECT COUNT(*) FROM comments")
	res := c.postForm("/m/"+tItoa(env.ex)+"/documents/"+tItoa(docID)+"/comments", url.Values{"body": {strings.Repeat("x", 1<<20)}})
	if res.Code != http.StatusRequestEntityTooLarge || strings.Contains(res.Body.String(), "CSRF") {
		t.Errorf("comment form over 1 MB: %d", res.Code)
	}
	if env.count("SELECT COUNT(*) FROM comments") != before {
		t.Error("comment over 1 MB stored")
	}
	// A small file through the page works.
	if res := c.upload(path, "bevis.pdf", tPDF, true); res.Code != http.StatusSeeOther {
		t.Errorf("small file: %d %s", res.Code, res.Body)
	}
}

func TestAPIReviews(t *testing.T) {
	env := newTestServer(t)
	today := env.app.Today()
	owner := env.login("agare")
	docID := env.doc(tDocSocDraft) // interval 6 months, overdue
	var rec struct {
		ID             int64   `json:"id"`
		LastReviewedAt *string `json:"last_reviewed_at"`
		NextReviewAt   *string `json:"next_review_at"`
	}
	tDecode(t, owner.postJSON(env.docPath(env.ex, docID, "/review"), map[string]string{"comment": "Inga ändringar behövs."}), http.StatusOK, &rec)
	if rec.ID != docID || tStr(rec.LastReviewedAt) != today.String() || tStr(rec.NextReviewAt) != today.AddMonths(6).String() {
		t.Errorf("review answered %+v, want last %s next %s", rec, today, today.AddMonths(6))
	}
	var d tDoc
	tDecode(t, owner.get(env.docPath(env.ex, docID, "")), http.StatusOK, &d)
	if tStr(d.LastReviewedAt) != today.String() || tStr(d.NextReviewAt) != today.AddMonths(6).String() {
		t.Errorf("stored document: last %s next %s", tStr(d.LastReviewedAt), tStr(d.NextReviewAt))
	}
	var reviews []struct {
		ReviewedAt   string `json:"reviewed_at"`
		NextReviewAt string `json:"next_review_at"`
		ReviewerName string `json:"reviewer_name"`
		Comment      string `json:"comment"`
	}
	tDecode(t, owner.get(env.docPath(env.ex, docID, "/reviews")), http.StatusOK, &reviews)
	if len(reviews) != 1 || reviews[0].ReviewedAt != today.String() || reviews[0].NextReviewAt != today.AddMonths(6).String() ||
		reviews[0].ReviewerName != "Omar Ägare" || reviews[0].Comment != "Inga ändringar behövs." {
		t.Errorf("reviews = %+v", reviews)
	}
	// A review with an empty body works too (today, one interval on).
	res := owner.send(tReq{method: "POST", path: env.docPath(env.ex, docID, "/review")})
	if res.Code != http.StatusOK {
		t.Errorf("review without a body: %d %s", res.Code, res.Body)
	}

	// The due list.
	coord := env.login("samordnare")
	soc := env.unit("Exempelkommun/Socialförvaltningen")
	var overdue, soon tDoc
	tDecode(t, coord.postJSON(env.munPath(env.ex, "/documents"), map[string]any{"type": "instruktion", "title": "Försenad instruktion", "org_unit_id": soc,
		"next_review_at": today.AddDays(-10).String(), "owner_id": env.users["agare"]}), http.StatusCreated, &overdue)
	tDecode(t, coord.postJSON(env.munPath(env.ex, "/documents"), map[string]any{"type": "instruktion", "title": "Snart aktuell instruktion", "org_unit_id": soc,
		"next_review_at": today.AddDays(5).String()}), http.StatusCreated, &soon)
	type due struct {
		Kind         string `json:"kind"`
		ID           int64  `json:"id"`
		Title        string `json:"title"`
		OwnerID      *int64 `json:"owner_id"`
		OrgUnitID    int64  `json:"org_unit_id"`
		NextReviewAt string `json:"next_review_at"`
	}
	find := func(items []due, id int64) *due {
		for i := range items {
			if items[i].ID == id {
				return &items[i]
			}
		}
		return nil
	}
	var items []due
	tDecode(t, coord.get(env.munPath(env.ex, "/reviews?due=overdue")), http.StatusOK, &items)
	it := find(items, overdue.ID)
	if it == nil {
		t.Fatalf("overdue document missing from %+v", items)
	}
	if it.Kind != "document" || it.Title != "Försenad instruktion" || it.OwnerID == nil || *it.OwnerID != env.users["agare"] || it.OrgUnitID != soc ||
		it.NextReviewAt != today.AddDays(-10).String() {
		t.Errorf("overdue item %+v", *it)
	}
	for _, x := range items {
		if x.NextReviewAt >= today.String() {
			t.Errorf("due=overdue lists %+v, not overdue", x)
		}
	}
	if find(items, soon.ID) != nil || find(items, docID) != nil {
		t.Error("due=overdue lists a document not overdue")
	}
	tDecode(t, coord.get(env.munPath(env.ex, "/reviews?due=soon")), http.StatusOK, &items)
	if find(items, soon.ID) == nil || find(items, overdue.ID) != nil {
		t.Errorf("due=soon = %+v", items)
	}
	tDecode(t, coord.get(env.munPath(env.ex, "/reviews?due=all")), http.StatusOK, &items)
	if find(items, soon.ID) == nil || find(items, overdue.ID) == nil || find(items, docID) == nil {
		t.Errorf("due=all misses documents: %+v", items)
	}
	// The information owner sees their own units' records and the records they own
	// elsewhere; mine=true only their own.
	tDecode(t, owner.get(env.munPath(env.ex, "/reviews?due=all")), http.StatusOK, &items)
	for _, x := range items {
		if x.OrgUnitID != soc && (x.OwnerID == nil || *x.OwnerID != env.users["agare"]) {
			t.Errorf("owner sees %+v", x)
		}
	}
	tDecode(t, owner.get(env.munPath(env.ex, "/reviews?due=all&mine=true")), http.StatusOK, &items)
	for _, x := range items {
		if x.OwnerID == nil || *x.OwnerID != env.users["agare"] {
			t.Errorf("mine=true lists %+v", x)
		}
	}
	if find(items, overdue.ID) == nil {
		t.Error("mine=true misses the document agare owns")
	}
	res = coord.get(env.munPath(env.ex, "/reviews?due=bogus"))
	if res.Code != http.StatusBadRequest {
		t.Fatalf("due=bogus: %d", res.Code)
	}
	if e := tDecodeError(t, res); e.Error.Fields["due"] == "" {
		t.Errorf("due=bogus does not name the field: %+v", e)
	}
	if res := env.login("medarbetare").get(env.munPath(env.ex, "/reviews")); res.Code != http.StatusForbidden {
		t.Errorf("staff due list: %d", res.Code)
	}
}

func TestAPIAudit(t *testing.T) {
	env := newTestServer(t)
	coord := env.login("samordnare")
	var d tDoc
	tDecode(t, coord.postJSON(env.munPath(env.ex, "/documents"), map[string]any{"type": "rutin", "title": "Granskad rutin",
		"org_unit_id": env.unit("Exempelkommun/Socialförvaltningen")}), http.StatusCreated, &d)
	auditor := env.login("revisor")
	var entries []struct {
		ID       int64  `json:"id"`
		Actor    string `json:"actor"`
		Kind     string `json:"kind"`
		Action   string `json:"action"`
		RecordID *int64 `json:"record_id"`
		IP       string `json:"ip"`
		Hash     string `json:"hash"`
		PrevHash string `json:"prev_hash"`
	}
	tDecode(t, auditor.get(env.munPath(env.ex, "/audit")), http.StatusOK, &entries)
	var login, create bool
	for _, e := range entries {
		if e.Action == "login" && e.Actor == "samordnare" && e.Kind == "session" {
			login = true
		}
		if e.Action == "create" && e.Kind == "document" && e.RecordID != nil && *e.RecordID == d.ID && e.Actor == "samordnare" && e.IP == "192.0.2.10" {
			create = true
		}
		if len(e.Hash) != 64 || len(e.PrevHash) != 64 {
			t.Errorf("entry %d hashes %q %q", e.ID, e.Hash, e.PrevHash)
		}
	}
	if !login || !create {
		t.Errorf("audit trail lacks the login (%v) or the document create (%v): %+v", login, create, entries)
	}
	for i := 1; i < len(entries); i++ {
		if entries[i].ID >= entries[i-1].ID {
			t.Errorf("not newest first at %d", i)
		}
	}
	// Filters, and an empty result is an empty list.
	tDecode(t, auditor.get(env.munPath(env.ex, "/audit?kind=document&action=create&record_id="+tItoa(d.ID))), http.StatusOK, &entries)
	if len(entries) != 1 || entries[0].RecordID == nil || *entries[0].RecordID != d.ID {
		t.Errorf("filtered: %+v", entries)
	}
	res := auditor.get(env.munPath(env.ex, "/audit?action=finns-inte"))
	if res.Code != http.StatusOK || strings.TrimSpace(res.Body.String()) != "[]" {
		t.Errorf("empty audit result: %d %s", res.Code, res.Body)
	}
	// Another municipality's entries are not in the trail.
	tDecode(t, auditor.get(env.munPath(env.ex, "/audit?limit=1000")), http.StatusOK, &entries)
	grDoc := env.doc(tDocGrPolicy)
	for _, e := range entries {
		if e.Kind == "document" && e.RecordID != nil && *e.RecordID == grDoc {
			t.Errorf("Grannkommun's document in Exempelkommun's trail: %+v", e)
		}
	}

	for _, who := range []string{"samordnare", "agare", "ledning", "medarbetare", "admin"} {
		c := env.login(who)
		for _, p := range []string{"/audit", "/audit.csv"} {
			if res := c.get(env.munPath(env.ex, p)); res.Code != http.StatusForbidden {
				t.Errorf("%s %s: %d, want 403", who, p, res.Code)
			}
		}
	}
	if res := auditor.get(env.munPath(env.gr, "/audit")); res.Code != http.StatusNotFound {
		t.Errorf("auditor, other municipality: %d", res.Code)
	}

	// CSV export: text/csv, a header row, one row per entry.
	res = auditor.get(env.munPath(env.ex, "/audit.csv"))
	if res.Code != http.StatusOK {
		t.Fatalf("csv: %d %s", res.Code, res.Body)
	}
	if ct := res.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("content type %q", ct)
	}
	if cd := res.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
		t.Errorf("Content-Disposition %q", cd)
	}
	rows, err := csv.NewReader(res.Body).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v", err)
	}
	if len(rows) < 3 || strings.Join(rows[0], ",") != "id,at,actor,actor_id,municipality_id,kind,record_id,action,before,after,ip,prev_hash,hash" {
		t.Fatalf("csv header/rows: %v", rows[:min(len(rows), 2)])
	}
	found := false
	for _, r := range rows[1:] {
		found = found || r[5] == "document" && r[6] == tItoa(d.ID) && r[7] == "create" && strings.Contains(r[9], "Granskad rutin")
	}
	if !found {
		t.Error("csv lacks the document create")
	}
}
