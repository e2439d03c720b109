package web

import (
	"fmt"
	"io"
	"log/slog"
	"maps"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/lisa-isms/lisa/internal/storetest"
)

// Issue #8, item 3: an evidence file is downloaded under a name whose extension matches its
// sniffed content, never as something Windows runs; direction overrides are stripped from
// file names and refused in titles; each download is in the audit trail.
func TestEvidenceNamesFollowTheContent(t *testing.T) {
	env := newTestServer(t)
	coord := env.login("samordnare")
	docID := env.doc(tDocSocDraft)
	for _, c := range []struct{ upload, want string }{
		{"Rutin.hta", "Rutin.pdf"},
		{"Rutin.pdf.exe", "Rutin.pdf"},
		{"sida.html", "sida.pdf"},
		{"skript.bat", "skript.pdf"},
		{"a\u202egnp.exe", "agnp.pdf"},
	} {
		res := coord.upload(env.docPath(env.ex, docID, "/evidence"), c.upload, tPDF, false)
		if res.Code != http.StatusCreated {
			t.Fatalf("upload %q: %d %s", c.upload, res.Code, res.Body)
		}
		var ev struct {
			ID       int64  `json:"id"`
			Filename string `json:"filename"`
		}
		tDecode(t, res, http.StatusCreated, &ev)
		if ev.Filename != c.want {
			t.Errorf("%q stored as %q, want %q", c.upload, ev.Filename, c.want)
		}
		dl := env.login("agare").get(env.docPath(env.ex, docID, "/evidence/"+tItoa(ev.ID)))
		if _, params, err := mime.ParseMediaType(dl.Header().Get("Content-Disposition")); dl.Code != http.StatusOK || err != nil || params["filename"] != c.want {
			t.Errorf("%q downloads as %q (%d)", c.upload, params["filename"], dl.Code)
		}
	}
	// Stored before the rule (straight into the database): the download is renamed too.
	ev := env.newEvidence("samordnare", env.ex, docID)
	db := storetest.Raw(t, env.path)
	if _, err := db.ExecContext(env.ctx, `UPDATE evidence SET filename = 'Gammal.hta' WHERE id = ?`, ev.ID); err != nil {
		t.Fatal(err)
	}
	if cd := coord.get(env.docPath(env.ex, docID, "/evidence/"+tItoa(ev.ID))).Header().Get("Content-Disposition"); !strings.Contains(cd, "filename=Gammal.pdf") {
		t.Errorf("an old .hta name downloads as %q", cd)
	}
	// Every download is recorded, with who and which file.
	if n := env.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'evidence_download' AND record_id = ?`, docID); n != 6 {
		t.Errorf("%d downloads in the audit trail, want 6", n)
	}
	// Removing a file asks first, naming it; the page itself removes nothing.
	confirm := fmt.Sprintf("/m/%d/documents/%d/evidence/%d/delete", env.ex, docID, ev.ID)
	if res := coord.get(confirm); res.Code != http.StatusOK || !strings.Contains(res.Body.String(), "Gammal.pdf") || !strings.Contains(res.Body.String(), `action="`+confirm+`"`) {
		t.Errorf("evidence confirmation page: %d", res.Code)
	}
	if res := env.login("medarbetare").get(confirm); res.Code != http.StatusNotFound && res.Code != http.StatusForbidden {
		t.Errorf("staff's evidence confirmation page: %d", res.Code)
	}
	if res := coord.postForm(confirm, nil); res.Code != http.StatusSeeOther || env.count(`SELECT COUNT(*) FROM evidence WHERE id = ?`, ev.ID) != 0 {
		t.Errorf("confirming the removal: %d", res.Code)
	}
	// Titles with a right-to-left override are refused, naming the field.
	res := coord.postJSON(env.munPath(env.ex, "/documents"), map[string]any{"type": "rutin", "title": "Rutin\u202efdp.exe", "org_unit_id": env.unit("Exempelkommun/Socialförvaltningen")})
	if res.Code != http.StatusBadRequest || tDecodeError(t, res).Error.Fields["title"] == "" {
		t.Errorf("a title with U+202E: %d %s", res.Code, res.Body)
	}
}

// Issue #8, item 5: adoption is recorded only by those who may adopt, on create as on
// update; an adopted document is retired, never deleted (by anyone), and keeps its evidence.
func TestAdoptionLockOnCreateAndDelete(t *testing.T) {
	env := newTestServer(t)
	soc := env.unit("Exempelkommun/Socialförvaltningen")
	owner := env.login("agare")
	for _, body := range []map[string]any{
		{"type": "rutin", "title": "Förfalskad 1", "org_unit_id": soc, "adopted_by": "kommunfullmaktige", "adopted_at": "2020-01-01"},
		{"type": "rutin", "title": "Förfalskad 2", "org_unit_id": soc, "adopted_by": "kommunfullmaktige"},
		{"type": "rutin", "title": "Förfalskad 3", "org_unit_id": soc, "status": "adopted", "adopted_by": "kommunstyrelse", "adopted_at": "2026-01-01"},
	} {
		if res := owner.postJSON(env.munPath(env.ex, "/documents"), body); res.Code != http.StatusForbidden {
			t.Errorf("owner creating %v: %d %s", body["title"], res.Code, res.Body)
		}
	}
	if n := env.count(`SELECT COUNT(*) FROM records WHERE title LIKE 'Förfalskad%'`); n != 0 {
		t.Errorf("%d forged documents stored", n)
	}
	// The coordinator may record an adoption when creating.
	coord := env.login("samordnare")
	res := coord.postJSON(env.munPath(env.ex, "/documents"), map[string]any{"type": "rutin", "title": "Beslutad rutin", "org_unit_id": soc, "status": "adopted", "adopted_by": "kommunstyrelse", "adopted_at": "2026-01-10"})
	if res.Code != http.StatusCreated {
		t.Fatalf("coordinator creating an adopted document: %d %s", res.Code, res.Body)
	}
	var adopted struct {
		ID int64 `json:"id"`
	}
	tDecode(t, res, http.StatusCreated, &adopted)
	env.newEvidence("samordnare", env.ex, adopted.ID)
	// Nobody deletes it, by the API or the page.
	for _, u := range []string{"samordnare", "agare", "admin"} {
		c := env.login(u)
		if res := c.delete(env.docPath(env.ex, adopted.ID, "")); res.Code != http.StatusConflict && res.Code != http.StatusForbidden && res.Code != http.StatusNotFound {
			t.Errorf("%s deleting an adopted document: %d %s", u, res.Code, res.Body)
		} else if u == "samordnare" && res.Code != http.StatusConflict {
			t.Errorf("the coordinator deleting an adopted document: %d, want 409", res.Code)
		}
	}
	if res := coord.postForm(fmt.Sprintf("/m/%d/documents/%d/delete", env.ex, adopted.ID), nil); res.Code != http.StatusConflict {
		t.Errorf("page delete of an adopted document: %d", res.Code)
	}
	if n := env.count(`SELECT COUNT(*) FROM evidence WHERE record_id = ?`, adopted.ID); n != 1 {
		t.Errorf("the adopted document's evidence: %d files left", n)
	}
	// Retiring it is how it goes, and it stays (the page offers no delete).
	if res := coord.doJSON("PUT", env.docPath(env.ex, adopted.ID, ""), map[string]any{"status": "retired"}); res.Code != http.StatusOK {
		t.Fatalf("retire: %d %s", res.Code, res.Body)
	}
	if res := coord.delete(env.docPath(env.ex, adopted.ID, "")); res.Code != http.StatusConflict {
		t.Errorf("deleting a retired document: %d", res.Code)
	}
	if body := coord.get(fmt.Sprintf("/m/%d/documents/%d", env.ex, adopted.ID)).Body.String(); strings.Contains(body, fmt.Sprintf("/documents/%d/delete", adopted.ID)) {
		t.Errorf("the retired document's page offers delete")
	}
	if res := coord.get(fmt.Sprintf("/m/%d/documents/%d/delete", env.ex, adopted.ID)); res.Code != http.StatusConflict {
		t.Errorf("the confirmation page of an adopted document's deletion: %d", res.Code)
	}
	// A draft made by mistake can still go, after a confirmation page naming what goes.
	d := env.newDoc("samordnare", env.ex, soc, "Felskapat utkast")
	env.newEvidence("samordnare", env.ex, d.ID)
	page := fmt.Sprintf("/m/%d/documents/%d", env.ex, d.ID)
	if body := coord.get(page).Body.String(); !strings.Contains(body, `href="`+page+`/delete"`) {
		t.Errorf("the draft's page has no link to delete it")
	}
	res = coord.get(page + "/delete")
	if body := res.Body.String(); res.Code != http.StatusOK || !strings.Contains(body, "Felskapat utkast") || !strings.Contains(body, "bevis.pdf") ||
		!strings.Contains(body, `<form method="post" action="`+page+`/delete"`) {
		t.Errorf("confirmation page: %d %s", res.Code, body)
	}
	if n := env.count(`SELECT COUNT(*) FROM records WHERE id = ?`, d.ID); n != 1 {
		t.Errorf("showing the confirmation deleted the draft")
	}
	if res := env.login("medarbetare").get(page + "/delete"); res.Code != http.StatusForbidden && res.Code != http.StatusNotFound {
		t.Errorf("staff's confirmation page of a coordinator's draft: %d", res.Code)
	}
	if res := coord.postForm(page+"/delete", nil); res.Code != http.StatusSeeOther {
		t.Errorf("deleting a draft: %d %s", res.Code, res.Body)
	}
	if n := env.count(`SELECT COUNT(*) FROM records WHERE id = ?`, d.ID); n != 0 {
		t.Errorf("the draft is still there")
	}
}

// Issue #8, item 6: a list of 32,766 ids is a 400 naming the field, not a 500 from the
// database's limit on statement variables; nothing is stored.
func TestLongIDListsAreRefused(t *testing.T) {
	env := newTestServer(t)
	coord := env.login("samordnare")
	soc := env.unit("Exempelkommun/Socialförvaltningen")
	ids := make([]int64, 32766)
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	before := env.tableCounts()
	for _, c := range []struct {
		method, path, field string
		body                map[string]any
	}{
		{"POST", env.munPath(env.ex, "/documents"), "scope_unit_ids", map[string]any{"type": "rutin", "title": "Lång lista", "org_unit_id": soc, "scope": "units", "scope_unit_ids": ids}},
		{"PUT", env.docPath(env.ex, env.doc(tDocSocDraft), ""), "scope_unit_ids", map[string]any{"scope": "units", "scope_unit_ids": ids}},
		{"PUT", env.soaPath(env.ex, "/5.24"), "evidence_record_ids", map[string]any{"evidence_record_ids": ids}},
		{"PUT", env.soaPath(env.ex, "/5.24"), "unit_statuses", map[string]any{"unit_statuses": func() []map[string]any {
			out := make([]map[string]any, 600) // (32,766 of them exceed the body limit: 413)
			for i, id := range ids[:600] {
				out[i] = map[string]any{"org_unit_id": id, "status": "partial"}
			}
			return out
		}()}},
	} {
		res := coord.doJSON(c.method, c.path, c.body)
		if res.Code != http.StatusBadRequest || tDecodeError(t, res).Error.Fields[c.field] == "" {
			t.Errorf("%s %s with %d ids: %d %.300s", c.method, c.path, len(ids), res.Code, res.Body)
		}
	}
	// The form: as many checkboxes posted.
	form := url.Values{"type": {"rutin"}, "title": {"Lång lista"}, "org_unit_id": {itoa(soc)}, "scope": {"units"}, "form_has_scope_units": {"1"}}
	for _, id := range ids[:2000] {
		form.Add("scope_unit_ids", itoa(id))
	}
	if res := coord.postForm(fmt.Sprintf("/m/%d/documents", env.ex), form); res.Code != http.StatusBadRequest && res.Code != http.StatusUnprocessableEntity {
		t.Errorf("the form with 2,000 units: %d", res.Code)
	}
	if after := env.tableCounts(); !maps.Equal(before, after) {
		t.Errorf("refused lists changed the database: %v -> %v", before, after)
	}
}

// Issue #8, item 11: every response carries the security headers — a page, the API, a 404,
// a static file and the refusal of a cross-origin request; HSTS behind a TLS proxy
// (SecureCookies); /static/ lists no directory.
func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	env := newTestServer(t)
	proxied, err := New(env.app, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), SecureCookies: true})
	if err != nil {
		t.Fatal(err)
	}
	coord := env.login("samordnare")
	check := func(name string, res *httptest.ResponseRecorder, hsts bool) {
		t.Helper()
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Permissions-Policy", "Cross-Origin-Opener-Policy", "Cross-Origin-Resource-Policy"} {
			if res.Header().Get(h) == "" {
				t.Errorf("%s (%d): no %s", name, res.Code, h)
			}
		}
		if got := res.Header().Get("Strict-Transport-Security") != ""; got != hsts {
			t.Errorf("%s: HSTS %v, want %v", name, got, hsts)
		}
	}
	check("page", coord.get(fmt.Sprintf("/m/%d", env.ex)), false)
	check("api", coord.get("/api/v1/me"), false)
	check("404", coord.get("/finns-inte"), false)
	check("static", coord.get("/static/lisa.css"), false)
	cross := coord.send(tReq{method: "POST", path: "/api/v1/logout", header: http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}}})
	if cross.Code != http.StatusForbidden {
		t.Errorf("cross-origin POST: %d", cross.Code)
	}
	check("cross-origin refusal", cross, false)
	for _, path := range []string{"/login", "/healthz", "/api/v1/openapi.json"} {
		rec := httptest.NewRecorder()
		proxied.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		check("behind a TLS proxy "+path, rec, true)
	}
	for _, path := range []string{"/static/", "/static"} {
		if res := coord.get(path); res.Code == http.StatusOK || strings.Contains(res.Body.String(), `<a href="lisa.css">`) {
			t.Errorf("GET %s lists the directory: %d", path, res.Code)
		}
	}
	if res := coord.get("/static/lisa.css"); res.Code != http.StatusOK {
		t.Errorf("the stylesheet: %d", res.Code)
	}
}

// Issue #8, item 18: a 5xx carries the request id in its JSON body, as the page shows it, so
// that the user can quote the reference the log line has.
func TestServerErrorsCarryTheRequestID(t *testing.T) {
	env := newTestServer(t)
	env.srv.engine.GET("/api/v1/test-panic", func(*gin.Context) { panic("boom") })
	env.srv.engine.GET("/test-panic", func(*gin.Context) { panic("boom") })
	c := env.login("samordnare")
	res := c.get("/api/v1/test-panic")
	var body struct {
		Error struct {
			Code      string `json:"code"`
			RequestID string `json:"request_id"`
		} `json:"error"`
	}
	tDecode(t, res, http.StatusInternalServerError, &body)
	if id := res.Header().Get("X-Request-Id"); body.Error.Code != "internal" || id == "" || body.Error.RequestID != id {
		t.Errorf("500 body %+v, X-Request-Id %q", body, id)
	}
	page := c.get("/test-panic")
	if id := page.Header().Get("X-Request-Id"); page.Code != http.StatusInternalServerError || !strings.Contains(page.Body.String(), id) {
		t.Errorf("the 500 page does not show its request id %q", id)
	}
	// A 4xx needs no reference.
	res = c.get("/api/v1/municipalities/999999/documents")
	if strings.Contains(res.Body.String(), "request_id") {
		t.Errorf("a %d carries a request id: %s", res.Code, res.Body)
	}
}

// Issue #8, item 10: the due lists apply the record's own visibility: staff who own a draft
// they may not open (404) do not see its title on their dashboard or in reviews?mine=1.
func TestDueListsHideWhatTheOwnerMayNotRead(t *testing.T) {
	env := newTestServer(t)
	coord := env.login("samordnare")
	staffID := env.users["medarbetare"]
	res := coord.postJSON(env.munPath(env.ex, "/documents"), map[string]any{"type": "rutin", "title": "Hemligt utkast för medarbetaren",
		"org_unit_id": env.unit("Exempelkommun/Socialförvaltningen"), "owner_id": staffID, "next_review_at": "2020-01-01"})
	var d struct {
		ID int64 `json:"id"`
	}
	tDecode(t, res, http.StatusCreated, &d)
	staff := env.login("medarbetare")
	if res := staff.get(env.docPath(env.ex, d.ID, "")); res.Code != http.StatusNotFound {
		t.Fatalf("staff reading the draft: %d", res.Code)
	}
	for _, path := range []string{env.munPath(env.ex, "/reviews?mine=1&due=all"), fmt.Sprintf("/m/%d", env.ex), fmt.Sprintf("/m/%d/reviews?mine=1&due=all", env.ex), fmt.Sprintf("/m/%d/calendar?mine=1", env.ex)} {
		res := staff.get(path)
		if strings.Contains(res.Body.String(), "Hemligt utkast") {
			t.Errorf("%s (%d) shows the draft's title to its owner who may not read it", path, res.Code)
		}
	}
	// Once adopted (staff read adopted documents) it is theirs to follow up.
	if res := coord.doJSON("PUT", env.docPath(env.ex, d.ID, ""), map[string]any{"status": "adopted", "adopted_by": "kommunstyrelse", "adopted_at": "2026-01-02"}); res.Code != http.StatusOK {
		t.Fatalf("adopt: %d %s", res.Code, res.Body)
	}
	if res := staff.get(env.munPath(env.ex, "/reviews?mine=1&due=all")); !strings.Contains(res.Body.String(), "Hemligt utkast") {
		t.Errorf("the adopted document is not in its owner's list: %d %s", res.Code, res.Body)
	}
}
