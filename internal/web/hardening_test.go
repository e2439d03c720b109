package web

import (
	"fmt"
	"html"
	"io"
	"log/slog"
	"maps"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/lisa-isms/lisa/internal/demo"
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
	admin := env.login("admin")
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
	res := admin.postJSON(fmt.Sprintf("/api/v1/users/%d/roles", env.users["medarbetare"]), map[string]any{"municipality_id": env.ex, "role": "information_owner", "org_unit_ids": ids})
	if res.Code != http.StatusBadRequest || tDecodeError(t, res).Error.Fields["org_unit_ids"] == "" {
		t.Errorf("a role grant with %d units: %d %.300s", len(ids), res.Code, res.Body)
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

// Issue #8 items 4 and 7, as an integration and a user see them: tokens listed, made (shown
// once), revoked (then 401), ended by a password reset; one's own password changed from the
// profile page with the current one; all in the audit trail.
func TestTokensAndPasswordsEndToEnd(t *testing.T) {
	env := newTestServer(t)
	doc := tLoadOpenAPI(t)
	coord := env.login("samordnare")
	res := coord.postJSON("/api/v1/me/tokens", map[string]any{"name": "Diariet", "expires_in_days": 30})
	tMatchesDoc(t, doc, "POST", "/api/v1/me/tokens", res)
	var made struct {
		ID        int64     `json:"id"`
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	tDecode(t, res, http.StatusCreated, &made)
	if made.Token == "" || time.Until(made.ExpiresAt) < 29*24*time.Hour || time.Until(made.ExpiresAt) > 31*24*time.Hour {
		t.Fatalf("made %+v", made)
	}
	for _, bad := range []map[string]any{{"name": ""}, {"name": "x", "expires_in_days": 0}, {"name": "x", "expires_in_days": 100000}, {"name": "x", "expires_in_days": "tio"}} {
		if res := coord.postJSON("/api/v1/me/tokens", bad); res.Code != http.StatusBadRequest {
			t.Errorf("token %v: %d", bad, res.Code)
		}
	}
	integ := env.client()
	integ.bearer = made.Token
	if res := integ.get("/api/v1/me"); res.Code != http.StatusOK {
		t.Fatalf("the new token: %d", res.Code)
	}
	// A token cannot make tokens that outlive it, nor change the password.
	if res := integ.postJSON("/api/v1/me/tokens", map[string]any{"name": "arvinge"}); res.Code != http.StatusForbidden {
		t.Errorf("a token making a token: %d", res.Code)
	}
	if res := integ.postJSON("/api/v1/me/password", map[string]any{"current_password": demo.Password, "new_password": "en helt annan fras här"}); res.Code != http.StatusForbidden {
		t.Errorf("a token changing the password: %d", res.Code)
	}
	res = coord.get("/api/v1/me/tokens")
	tMatchesDoc(t, doc, "GET", "/api/v1/me/tokens", res)
	var list []map[string]any
	tDecode(t, res, http.StatusOK, &list)
	if len(list) != 1 || list[0]["name"] != "Diariet" || list[0]["last_used_at"] == nil || list[0]["token"] != nil {
		t.Errorf("list %v", list)
	}
	// Another user cannot revoke it; its owner can; then it answers 401.
	if res := env.login("agare").delete(fmt.Sprintf("/api/v1/me/tokens/%d", made.ID)); res.Code != http.StatusNotFound {
		t.Errorf("another user's revoke: %d", res.Code)
	}
	if res := coord.delete(fmt.Sprintf("/api/v1/me/tokens/%d", made.ID)); res.Code != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", res.Code, res.Body)
	}
	if res := integ.get("/api/v1/me"); res.Code != http.StatusUnauthorized {
		t.Errorf("a revoked token: %d", res.Code)
	}
	// The administrator's reset ends the account's tokens and sessions.
	nt, err := env.app.CreateAPIToken(env.ctx, "agare", "rapporter", 365)
	if err != nil {
		t.Fatal(err)
	}
	owner := env.login("agare")
	integ.bearer = nt.Token
	admin := env.login("admin")
	page := admin.get(fmt.Sprintf("/admin/users/%d", env.users["agare"])).Body.String()
	if !strings.Contains(page, "rapporter") || !strings.Contains(page, fmt.Sprintf("/admin/users/%d/tokens/%d/delete", env.users["agare"], nt.ID)) {
		t.Errorf("the admin's user page lists no token to revoke")
	}
	if res := admin.doJSON("PUT", fmt.Sprintf("/api/v1/users/%d", env.users["agare"]), map[string]any{"password": "ett nytt långt lösenord"}); res.Code != http.StatusOK {
		t.Fatalf("reset: %d %s", res.Code, res.Body)
	}
	if res := integ.get("/api/v1/me"); res.Code != http.StatusUnauthorized {
		t.Errorf("a token after the password reset: %d", res.Code)
	}
	if res := owner.get("/api/v1/me"); res.Code != http.StatusUnauthorized {
		t.Errorf("a session after the password reset: %d", res.Code)
	}
	if n := env.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'password_reset' AND record_id = ? AND after_json NOT LIKE '%$2a$%'`, env.users["agare"]); n != 1 {
		t.Errorf("%d password_reset entries", n)
	}
	// One's own password, from the profile page: the current one is required.
	led := env.login("ledning")
	body := led.get("/profile").Body.String()
	if !strings.Contains(body, `action="/profile/password"`) || !strings.Contains(body, `autocomplete="current-password"`) {
		t.Fatalf("the profile page has no password form")
	}
	res = led.postForm("/profile/password", url.Values{"current_password": {"fel lösenord igen"}, "new_password": {"en helt annan fras här"}})
	if res.Code != http.StatusBadRequest || !strings.Contains(res.Body.String(), "Lösenordet stämmer inte") || strings.Contains(res.Body.String(), "en helt annan fras här") {
		t.Errorf("a wrong current password: %d", res.Code)
	}
	if res := led.postForm("/profile/password", url.Values{"current_password": {demo.Password}, "new_password": {"en helt annan fras här"}}); res.Code != http.StatusSeeOther {
		t.Fatalf("change: %d %s", res.Code, res.Body)
	}
	if res := led.get("/api/v1/me"); res.Code != http.StatusOK {
		t.Errorf("the session that changed its password: %d", res.Code)
	}
	if res := env.client().postJSON("/api/v1/login", map[string]string{"username": "ledning", "password": "en helt annan fras här"}); res.Code != http.StatusOK {
		t.Errorf("login with the new password: %d", res.Code)
	}
	// Tokens on the page: made, shown once, revoked.
	res = led.postForm("/profile/tokens", url.Values{"name": {"Rapportverktyg"}, "expires_in_days": {"90"}})
	m := regexp.MustCompile(`id="f-new-token" type="text" readonly value="(lisa_[^"]+)"`).FindStringSubmatch(res.Body.String())
	if res.Code != http.StatusCreated || m == nil {
		t.Fatalf("token made on the page: %d", res.Code)
	}
	if strings.Contains(led.get("/profile").Body.String(), m[1]) {
		t.Error("the token's secret is shown again")
	}
}

// Issue #8 item 20: the audit trail serves an auditor: kind and action chosen from translated
// lists, every code translated, each entry linked to its record, changes field by field with
// labels and local times, and a bad filter shown on the page with the filters kept.
func TestAuditPageServesAnAuditor(t *testing.T) {
	env := newTestServer(t)
	coord := env.login("samordnare")
	id := env.doc(tDocSocDraft)
	if res := coord.doJSON("PUT", env.docPath(env.ex, id, ""), map[string]any{"title": "Ny rubrik för revisorn"}); res.Code != http.StatusOK {
		t.Fatalf("update: %d", res.Code)
	}
	rev := env.login("revisor")
	body := rev.get(fmt.Sprintf("/m/%d/audit", env.ex)).Body.String()
	for _, want := range []string{
		`<select id="f-kind" name="kind"`, `<option value="document">Styrande dokument</option>`,
		`<select id="f-action" name="action"`, `<option value="login_failed">Misslyckad inloggning</option>`,
		fmt.Sprintf(`<a href="/m/%d/records/%d">%d`, env.ex, id, id),
		`<th scope="row">Titel</th>`, "Ny rubrik för revisorn",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the audit page lacks %s", want)
		}
	}
	for _, raw := range []string{"<td>document</td>", "<td>org_unit</td>", "<td>session</td>", `{&#34;`} {
		if i := strings.Index(body, raw); i >= 0 {
			t.Errorf("the audit page shows the raw %s: %s", raw, body[max(0, i-300):min(len(body), i+200)])
		}
	}
	// Filtering by a chosen kind and action works as the list offers them.
	body = rev.get(fmt.Sprintf("/m/%d/audit?kind=document&action=update", env.ex)).Body.String()
	if !strings.Contains(body, "Ny rubrik för revisorn") || !strings.Contains(body, `<option value="update" selected>`) {
		t.Errorf("filter by document and update")
	}
	// A bad date: the page, with the error and the filters kept.
	res := rev.get(fmt.Sprintf("/m/%d/audit?kind=document&from=2026-13-45", env.ex))
	body = res.Body.String()
	if res.Code != http.StatusBadRequest || !strings.Contains(body, `value="2026-13-45"`) || !strings.Contains(body, `<option value="document" selected>`) ||
		!strings.Contains(body, "<title>Fel: ") || !strings.Contains(body, `href="#f-from"`) {
		t.Errorf("a bad date: %d\n%.2000s", res.Code, body)
	}
	// Staff may not read the trail, bad filter or not.
	if res := env.login("medarbetare").get(fmt.Sprintf("/m/%d/audit?from=2026-13-45", env.ex)); res.Code != http.StatusForbidden {
		t.Errorf("staff with a bad filter: %d", res.Code)
	}
}

// Issue #8 item 24: form errors as the GOV.UK pattern has them: "Fel: " in the title,
// messages made for the field, bad dates and numbers kept in their fields, the file field's
// error tied to it, the login summary in page order.
func TestFormErrorsFollowThePattern(t *testing.T) {
	env := newTestServer(t)
	coord := env.login("samordnare")
	res := coord.postForm(fmt.Sprintf("/m/%d/documents", env.ex), url.Values{"type": {""}, "title": {""}, "org_unit_id": {itoa(env.unit("Exempelkommun/Socialförvaltningen"))},
		"next_review_at": {"2026-13-45"}, "review_interval_months": {"tolv"}, "form_has_scope_units": {"1"}, "form_has_revision": {"1"}})
	body := res.Body.String()
	if res.Code != http.StatusBadRequest {
		t.Fatalf("bad form: %d", res.Code)
	}
	for _, want := range []string{"<title>Fel: ", "Välj dokumenttyp.", "Ange en titel.", `value="2026-13-45"`, `value="tolv"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the form's answer lacks %s", want)
		}
	}
	for _, not := range []string{"Är inte ett av de tillåtna värdena", `type="date"`} {
		if strings.Contains(body, not) {
			t.Errorf("the form's answer has %s", not)
		}
	}
	// The file field's error is tied to the field.
	res = coord.upload(fmt.Sprintf("/m/%d/documents/%d/evidence", env.ex, env.doc(tDocSocDraft)), "tom.pdf", []byte{}, true)
	if body := res.Body.String(); !strings.Contains(body, `aria-describedby="f-file-hint f-file-error" aria-invalid="true"`) {
		t.Errorf("the file error is not tied to its field (%d)", res.Code)
	}
	// Login: the summary lists username before password.
	c := env.client()
	page := c.get("/login").Body.String()
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no login csrf")
	}
	body = c.postForm("/login", url.Values{"csrf_token": {m[1]}, "username": {""}, "password": {""}}).Body.String()
	u, p := strings.Index(body, `href="#f-username"`), strings.Index(body, `href="#f-password"`)
	if u < 0 || p < 0 || u > p || !strings.Contains(body, "<title>Fel: ") {
		t.Errorf("login summary order: username at %d, password at %d", u, p)
	}
}

// Issue #8 item 22: the gap analysis counts one thing (Annex A controls) in its rows and its
// totals, says so, names MSB's rows areas, and prints its labels whole.
func TestGapAnalysisStatesOneRule(t *testing.T) {
	env := newTestServer(t)
	body := env.login("samordnare").get(fmt.Sprintf("/m/%d/gap", env.ex)).Body.String()
	for _, want := range []string{"Alla siffror räknar åtgärder i bilaga A", `<th scope="col">Område</th>`, `<th scope="col">Åtgärd enligt cybersäkerhetslagen</th>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the gap page lacks %s", want)
		}
	}
	if strings.Contains(body, "…</text>") || strings.Contains(body, "…</p>") {
		t.Error("a chart label is cut off")
	}
	var rep struct {
		Catalogs []struct {
			CatalogID string                                         `json:"catalog_id"`
			Total     struct{ Implemented, Partial, NotStarted int } `json:"total"`
			Themes    []struct {
				Implemented int `json:"implemented"`
			} `json:"themes"`
		} `json:"catalogs"`
	}
	tDecode(t, env.login("samordnare").get(env.munPath(env.ex, "/gap")), http.StatusOK, &rep)
	for _, c := range rep.Catalogs {
		most := 0
		for _, th := range c.Themes {
			most = max(most, th.Implemented)
		}
		if c.Total.Implemented < most { // the MSB total said 0 införd while areas said införd
			t.Errorf("%s: total %d implemented, a row %d", c.CatalogID, c.Total.Implemented, most)
		}
	}
}

// Issue #8 item 21: the dashboard says what waits for each role and leads to no page the
// user may not open.
func TestDashboardPerRole(t *testing.T) {
	env := newTestServer(t)
	path := fmt.Sprintf("/m/%d", env.ex)
	links := regexp.MustCompile(`href="(/m/[^"#]+)"`)
	for _, u := range []string{"admin", "samordnare", "agare", "ledning", "revisor", "medarbetare"} {
		c := env.login(u)
		body := c.get(path).Body.String()
		main := body[strings.Index(body, `<main`):]
		for _, m := range links.FindAllStringSubmatch(main, -1) {
			if res := c.get(html.UnescapeString(m[1])); res.Code >= 400 {
				t.Errorf("%s: the dashboard links to %s, which answers %d", u, m[1], res.Code)
			}
		}
		switch u {
		case "admin":
			if strings.Contains(main, "försenade") || strings.Contains(main, "Du har inga") || !strings.Contains(main, "ingen roll i den här kommunen") {
				t.Errorf("admin without a role sees figures or 'nothing owned'")
			}
		case "ledning":
			if !strings.Contains(main, "Väntar på beslut") || !strings.Contains(main, tDocSocDraft) {
				t.Errorf("management is not shown the drafts waiting for a decision")
			}
		case "samordnare":
			if !strings.Contains(main, "Försenat per organisationsenhet") || !strings.Contains(main, "av tillämpliga åtgärder införda") {
				t.Errorf("the coordinator lacks overdue per unit or the statement's progress")
			}
			// Incidents (issue 10): the running legal deadlines, nearest first, with time left.
			clocks := main[strings.Index(main, `id="h-clocks"`):]
			clocks = clocks[:strings.Index(clocks, "</section>")]
			if !strings.Contains(clocks, "Genomförandeplan skickad till fel mottagare") || !strings.Contains(clocks, "Intrång hos leverantören") ||
				!strings.Contains(clocks, "personuppgiftsincident till IMY") || !strings.Contains(clocks, " h ") || !strings.Contains(clocks, " dygn ") {
				t.Errorf("the coordinator's dashboard lacks the running deadlines:\n%s", clocks)
			}
			if strings.Index(clocks, "Intrång hos leverantören") < strings.Index(clocks, "Genomförandeplan skickad") { // 46 h left before 54 h
				t.Errorf("deadlines not nearest first:\n%s", clocks)
			}
		case "medarbetare":
			if strings.Contains(main, `class="stats"`) || strings.Contains(main, "Väntar på beslut") {
				t.Errorf("staff see figures or decisions")
			}
			if strings.Contains(main, "Intrång hos leverantören") {
				t.Errorf("staff see the deadlines of incidents they did not report")
			}
		}
	}
}

// Issue #8 item 26: the menu marks the current page (and the section a page lies in) on
// every page, not only the dashboard.
func TestMenuMarksTheCurrentPage(t *testing.T) {
	env := newTestServer(t)
	c := env.login("samordnare")
	for path, label := range map[string]string{
		fmt.Sprintf("/m/%d", env.ex):                 "Översikt",
		fmt.Sprintf("/m/%d/documents", env.ex):       "Styrande dokument",
		fmt.Sprintf("/m/%d/reviews?due=all", env.ex): "Översyner",
		fmt.Sprintf("/m/%d/calendar", env.ex):        "Översynskalender",
		fmt.Sprintf("/m/%d/soa/5.24", env.ex):        "Tillämplighetsförklaring",
	} {
		body := c.get(path).Body.String()
		nav := body[strings.Index(body, "<nav"):strings.Index(body, "</nav>")]
		if n := strings.Count(nav, `aria-current="page"`); n != 1 || !regexp.MustCompile(`aria-current="page">`+regexp.QuoteMeta(label)+`<`).MatchString(nav) {
			t.Errorf("%s: %d entries marked, want %q", path, n, label)
		}
	}
}

// Issue #8 item 12: a document update is authorised before it is validated: an auditor, who
// may change nothing, gets 403 for a bad body as for a good one.
func TestDocumentUpdateAuthorisesFirst(t *testing.T) {
	env := newTestServer(t)
	rev := env.login("revisor")
	p := env.docPath(env.ex, env.doc(tDocSocDraft), "")
	for _, body := range []map[string]any{{"title": "Ny titel"}, {"title": ""}, {"type": "ingen-sådan"}, {"next_review_at": "2026-13-45"}} {
		if res := rev.doJSON("PUT", p, body); res.Code != http.StatusForbidden {
			t.Errorf("auditor PUT %v: %d", body, res.Code)
		}
	}
}

// Issue #8 item 23: the row page states the rule (units follow the base status or have their
// own, the overall status follows from all of them) and keeps a comment per unit.
func TestUnitStatusRuleOnTheRowPage(t *testing.T) {
	env := newTestServer(t)
	coord := env.login("samordnare")
	row := fmt.Sprintf("/m/%d/soa/5.24", env.ex)
	soc := env.unit("Exempelkommun/Socialförvaltningen")
	form := url.Values{"form_has_units": {"1"}, "form_has_evidence": {"1"}, "applicable": {"yes"}, "status": {"implemented"},
		"unit_status_" + itoa(soc): {"partial"}, "unit_comment_" + itoa(soc): {"Hemtjänsten saknar rutinen"},
		"review_interval_months": {"12"}, "next_review_at": {"2027-06-01"}}
	if res := coord.postForm(row, form); res.Code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.Code, res.Body)
	}
	body := coord.get(row).Body.String()
	for _, want := range []string{"Kommunens grundstatus", "Samlad status för alla enheter", "Hemtjänsten saknar rutinen",
		`name="unit_comment_` + itoa(soc) + `" value="Hemtjänsten saknar rutinen"`, `<span class="badge ctl-partial">`} {
		if !strings.Contains(body, want) {
			t.Errorf("the row page lacks %s", want)
		}
	}
	var r struct {
		Status       string `json:"status"`
		BaseStatus   string `json:"base_status"`
		UnitStatuses []struct {
			Comment string `json:"comment"`
		} `json:"unit_statuses"`
	}
	tDecode(t, coord.doJSON("PUT", env.soaPath(env.ex, "/5.24"), map[string]any{}), http.StatusOK, &r) // changes nothing, answers the row
	if r.Status != "partial" || r.BaseStatus != "implemented" || len(r.UnitStatuses) != 1 || r.UnitStatuses[0].Comment != "Hemtjänsten saknar rutinen" {
		t.Errorf("stored %+v", r)
	}
	// The list answers the comment too.
	if body := coord.get(env.soaPath(env.ex, "")).Body.String(); !strings.Contains(body, `"comment":"Hemtjänsten saknar rutinen"`) {
		t.Error("the SoA list lacks the unit's comment")
	}
}
