package web

// Fuzz targets for the input paths: the JSON decoder with document validation, the document
// form parser, and the login endpoint. Run one with
//
//	go test -run '^$' -fuzz FuzzDecodeDocumentJSON -fuzztime 20s -fuzzminimizetime 2s ./internal/web
//
// Inputs that once failed are kept under testdata/fuzz and run with every `go test`.

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/i18n"
	"github.com/lisa-isms/lisa/ui"
)

var (
	tCatalogOnce sync.Once
	tCatalog     *i18n.Catalog
)

// tTranslated fails when key has no Swedish or English text (an error users cannot read).
func tTranslated(t *testing.T, key string) {
	t.Helper()
	tCatalogOnce.Do(func() {
		c, err := i18n.Load(ui.FS)
		if err != nil {
			panic(err)
		}
		tCatalog = c
	})
	for _, lang := range []string{"sv", "en"} {
		if tCatalog.T(lang, key) == key {
			t.Errorf("no %s text for %q", lang, key)
		}
	}
}

// tDocumentJSONFields are the JSON names of domain.DocumentInput.
var tDocumentJSONFields = map[string]bool{}

func init() {
	for _, f := range documentFields {
		tDocumentJSONFields[f] = true
	}
}

// tCheckDomainError checks that err is a *domain.Error of one of codes whose message and
// field texts exist and whose fields are document fields.
func tCheckDomainError(t *testing.T, err error, codes ...domain.Code) {
	t.Helper()
	var e *domain.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T %v is not a *domain.Error", err, err)
	}
	ok := false
	for _, c := range codes {
		ok = ok || e.Code == c
	}
	if !ok {
		t.Fatalf("error code %q, want one of %v: %v", e.Code, codes, e)
	}
	tTranslated(t, e.Message)
	for f, k := range e.Fields {
		if !tDocumentJSONFields[f] {
			t.Errorf("error names %q, not a document field: %v", f, e)
		}
		tTranslated(t, k)
	}
}

// tCheckValidDocument checks what ApplyDocument promises about a document it accepted.
func tCheckValidDocument(t *testing.T, d domain.Document, isNew bool) {
	t.Helper()
	text := func(name, s string, max int, multiline bool) {
		if !utf8.ValidString(s) || utf8.RuneCountInString(s) > max {
			t.Errorf("accepted %s %q", name, s)
		}
		for _, r := range s {
			if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) {
				t.Errorf("accepted %s with control character %q", name, s)
				return
			}
		}
	}
	text("title", d.Title, 200, false)
	text("version", d.Version, 20, false)
	text("description", d.Description, 10000, true)
	if strings.TrimSpace(d.Title) == "" && isNew {
		t.Errorf("accepted an empty title")
	}
	if d.ReviewIntervalMonths < domain.MinReviewMonths || d.ReviewIntervalMonths > domain.MaxReviewMonths {
		t.Errorf("accepted interval %d", d.ReviewIntervalMonths)
	}
	if !oneOf(d.Type, domain.DocTypes) || !oneOf(domain.DocStatus(d.Status), domain.DocStatuses) || !oneOf(d.Scope, domain.DocScopes) {
		t.Errorf("accepted type %q status %q scope %q", d.Type, d.Status, d.Scope)
	}
	if d.AdoptedBy != nil && !oneOf(*d.AdoptedBy, domain.Adopters) {
		t.Errorf("accepted adopter %q", *d.AdoptedBy)
	}
	if d.Status == string(domain.DocAdopted) && (d.AdoptedBy == nil || d.AdoptedAt == nil) {
		t.Errorf("adopted without adopter or date: %+v", d)
	}
	if d.Scope == domain.ScopeUnits && len(d.ScopeUnitIDs) == 0 || d.Scope != domain.ScopeUnits && len(d.ScopeUnitIDs) != 0 {
		t.Errorf("scope %q with units %v", d.Scope, d.ScopeUnitIDs)
	}
	for _, id := range d.ScopeUnitIDs {
		if id <= 0 {
			t.Errorf("accepted scope unit %d", id)
		}
	}
	if d.OrgUnitID <= 0 {
		t.Errorf("accepted org unit %d", d.OrgUnitID)
	}
	if isNew && d.NextReviewAt == nil {
		t.Error("new document without a next review date")
	}
	for name, dt := range map[string]*domain.Date{"last_reviewed_at": d.LastReviewedAt, "next_review_at": d.NextReviewAt, "adopted_at": d.AdoptedAt} {
		if dt != nil && (dt.IsZero() || dt.Time().Year() < 1900 || dt.Time().Year() > 3010) {
			t.Errorf("accepted %s %v", name, dt)
		}
	}
	// The stored document always renders as JSON.
	if _, err := json.Marshal(d); err != nil {
		t.Errorf("accepted document does not marshal: %v", err)
	}
}

// tExistingDocument is a stored document a PUT applies to.
func tExistingDocument() domain.Document {
	next := domain.NewDate(2026, 3, 1)
	last := domain.NewDate(2025, 3, 1)
	return domain.Document{
		Record: domain.Record{ID: 7, MunicipalityID: 1, Kind: domain.KindDocument, Title: "Informationssäkerhetspolicy", OrgUnitID: 3,
			OwnerID: tPtr(int64(2)), Status: string(domain.DocDraft), ReviewIntervalMonths: 12, LastReviewedAt: &last, NextReviewAt: &next},
		Type: domain.DocPolicy, Version: "1.0", Scope: domain.ScopeWholeExclCompanies,
	}
}

var tFuzzToday = domain.NewDate(2025, 5, 10)

func FuzzDecodeDocumentJSON(f *testing.F) {
	for _, s := range []string{
		`{"type":"rutin","title":"Rutin för loggning","org_unit_id":6}`,
		`{"type":"Policy","title":"Policy","org_unit_id":1,"status":"adopted","adopted_by":"Kommunfullmäktige","adopted_at":"2025-01-31","scope":"units","scope_unit_ids":[3,3,-1,0,4]}`,
		`{"type":"riktlinje","title":"R","org_unit_id":2,"review_interval_months":120,"last_reviewed_at":"2024-02-29","next_review_at":""}`,
		`{"type":"instruktion","title":"I","org_unit_id":2,"review_interval_months":0}`,
		`{"type":"instruktion","title":"I","org_unit_id":2,"review_interval_months":12000}`,
		`{"type":"instruktion","title":"I","org_unit_id":2,"review_interval_months":-9223372036854775808}`,
		`{"type":"rutin","title":"x","org_unit_id":1e400}`,
		`{"type":"rutin","title":"x","org_unit_id":"6"}`,
		`{"type":null,"title":null,"org_unit_id":null}`,
		`{"title":"a\u0000b","description":"rad 1\nrad 2\u0007","version":"\ud800"}`,
		`{"title":"` + strings.Repeat("å", 201) + `"}`,
		`{"next_review_at":"2025-02-30","last_reviewed_at":"9999-12-31","adopted_at":"0000-00-00"}`,
		`{"last_reviewed_at":"2999-12-31","review_interval_months":120}`,
		`{"status":"retired","adopted_by":"","adopted_at":""}`,
		`{"owner_id":0,"scope":"units","scope_unit_ids":[]}`,
		`{"scope_unit_ids":[1,"x"]}`,
		`{"revision_in_progress":"yes"}`,
		`{"type":"rutin"}{"title":"två"}`,
		`{"type":"rutin",}`,
		`[]`, `null`, `"x"`, `0`, ``, `{`, `{"title":` + strings.Repeat("[", 2000) + strings.Repeat("]", 2000) + `}`,
		"\xff\xfe{}",
		`{"title":"x","title":"y","TYPE":"policy"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var in domain.DocumentInput
		body := http.MaxBytesReader(httptest.NewRecorder(), nopCloser{bytes.NewReader(data)}, 4096)
		if err := decodeJSONBody(body, &in); err != nil {
			tCheckDomainError(t, err, domain.EInvalid, domain.ETooLarge)
			return
		}
		for _, isNew := range []bool{true, false} {
			d, apply := domain.Document{Record: domain.Record{MunicipalityID: 1}}, in // as the API creates
			if !isNew {
				d, apply = tExistingDocument(), in // as apiUpdateDocument
			}
			if _, err := domain.ApplyDocument(&d, apply, tFuzzToday); err != nil {
				tCheckDomainError(t, err, domain.EInvalid)
				continue
			}
			tCheckValidDocument(t, d, isNew)
		}
	})
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

func FuzzParseDocumentForm(f *testing.F) {
	for _, s := range []string{
		"type=rutin&title=Rutin&org_unit_id=6&review_interval_months=12&scope=whole_excl_companies&status=draft&version=1.0",
		"type=policy&title=P&org_unit_id=1&status=adopted&adopted_by=Kommunfullm%C3%A4ktige&adopted_at=2025-01-31&form_has_scope_units=1&scope=units&scope_unit_ids=3&scope_unit_ids=4",
		"title=&org_unit_id=&owner_id=&review_interval_months=&next_review_at=&last_reviewed_at=",
		"org_unit_id=-1&owner_id=abc&review_interval_months=1e3&form_has_scope_units=&scope_unit_ids=x",
		"org_unit_id=99999999999999999999&review_interval_months=-2147483649",
		"form_has_revision=1&revision_in_progress=on",
		"title=%00%07&description=a%0Ab&version=%FF",
		"title=a&title=b&type=RUTIN&type=policy",
		"%zz=1&title=%", ";;;&&&==", "",
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, query string, isNew bool) {
		v, _ := url.ParseQuery(query) // a malformed pair is dropped, as a browser's form never has one
		in, p := parseDocumentForm(v, isNew)
		for field, key := range p {
			if !tDocumentJSONFields[field] {
				t.Errorf("problem names %q, not a form field", field)
			}
			tTranslated(t, key)
		}
		if len(p) > 0 {
			return
		}
		d := domain.Document{Record: domain.Record{MunicipalityID: 1}}
		if !isNew {
			d = tExistingDocument()
		}
		if _, err := domain.ApplyDocument(&d, in, tFuzzToday); err != nil {
			tCheckDomainError(t, err, domain.EInvalid)
			return
		}
		tCheckValidDocument(t, d, isNew)
	})
}

func FuzzLoginJSON(f *testing.F) {
	env := newTestServer(f)
	for _, s := range []string{
		`{"username":"samordnare","password":"lisa-demo"}`,
		`{"username":"samordnare","password":"fel"}`,
		`{"username":"finns-inte","password":"lisa-demo"}`,
		`{"username":"","password":""}`,
		`{"username":"sam\u0000ordnare","password":"x"}`,
		`{"username":"` + strings.Repeat("a", 300) + `","password":"x"}`,
		`{"username":"a","password":"` + strings.Repeat("p", 2000) + `"}`,
		`{"username":1,"password":true}`,
		`{"username":["samordnare"]}`,
		`{"username":"samordnare","password":"lisa-demo"} trailing`,
		`{"username":"\ud800","password":"\udfff"}`,
		"\xff", `null`, `[]`, ``, `{`,
	} {
		f.Add([]byte(s), "application/json")
	}
	f.Add([]byte(`username=samordnare&password=lisa-demo`), "application/x-www-form-urlencoded")
	f.Add([]byte(`{"username":"samordnare","password":"lisa-demo"}`), "application/json; charset=utf-8")
	f.Add([]byte(`{}`), "text/plain")
	f.Add([]byte(`{}`), "application/json; charset=\"")
	n := 0
	f.Fuzz(func(t *testing.T, body []byte, ctype string) {
		n++
		c := env.client()
		c.ip = "192.0.2." + tItoa(int64(n%250+1))
		req := tReq{method: http.MethodPost, path: "/api/v1/login", body: body}
		if strings.ContainsAny(ctype, "\r\n\x00") {
			ctype = "application/json" // not a header a client can send
		}
		req.ctype = ctype
		res := c.send(req)
		if res.Code >= 500 {
			t.Fatalf("status %d for %q (%q): %s", res.Code, body, ctype, res.Body)
		}
		if res.Code == http.StatusOK {
			if _, ok := c.cookies[sessionCookie]; !ok {
				t.Errorf("200 without a session cookie")
			}
			return
		}
		var e tAPIError
		if err := json.Unmarshal(res.Body.Bytes(), &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
			t.Errorf("status %d without an error body: %s", res.Code, res.Body)
		}
		if _, ok := c.cookies[sessionCookie]; ok {
			t.Errorf("status %d set a session cookie", res.Code)
		}
	})
}

// The statement-of-applicability row form: never a panic; every problem names a field of the
// form with a translated reason; valid input either applies or is refused with an EInvalid
// naming a field.
func FuzzParseSoAForm(f *testing.F) {
	for _, s := range []string{
		"applicable=yes&status=implemented&owner_id=3&org_unit_id=1&review_interval_months=12&next_review_at=2027-01-01",
		"applicable=no&justification=Ingen+serverhall&form_has_units=1&form_has_evidence=1",
		"form_has_units=1&unit_status_4=partial&unit_status_5=implemented&unit_status_x=partial&unit_status_6=",
		"form_has_evidence=1&evidence_record_ids=1&evidence_record_ids=abc",
		"applicable=maybe&status=klar&owner_id=-1&org_unit_id=9999999999999999999999&review_interval_months=0",
		"justification=%00&status=inf%C3%B6rd", "", "%zz",
	} {
		f.Add(s)
	}
	fields := map[string]bool{}
	for _, n := range soaFields {
		fields[n] = true
	}
	f.Fuzz(func(t *testing.T, query string) {
		v, _ := url.ParseQuery(query)
		in, p := parseSoAForm(v)
		for field, key := range p {
			if !fields[field] {
				t.Errorf("problem names %q, not a form field", field)
			}
			tTranslated(t, key)
		}
		if len(p) > 0 {
			return
		}
		c := domain.ControlImpl{Record: domain.Record{ID: 1, Status: "not_started", ReviewIntervalMonths: 12}, Applicable: true} // SoA rows exist from set-up
		if err := domain.ApplySoA(&c, in, domain.NewDate(2026, 11, 27), nil); err != nil {
			e := domain.AsError(err)
			if e.Code != domain.EInvalid || len(e.Fields) == 0 {
				t.Fatalf("ApplySoA: %v", err)
			}
			for field, key := range e.Fields {
				if !fields[field] {
					t.Errorf("ApplySoA names %q, not a form field", field)
				}
				tTranslated(t, key)
			}
			return
		}
		if !c.Applicable && (c.Status != "not_applicable" || c.Justification == "") {
			t.Errorf("not applicable without status or justification: %+v", c)
		}
	})
}
