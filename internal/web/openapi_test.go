package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// tOpenAPI is the part of an OpenAPI 3 document the tests read.
type tOpenAPI struct {
	OpenAPI    string                                `json:"openapi"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas         map[string]json.RawMessage `json:"schemas"`
		Parameters      map[string]tParam          `json:"parameters"`
		Responses       map[string]tResponse       `json:"responses"`
		SecuritySchemes map[string]json.RawMessage `json:"securitySchemes"`
	} `json:"components"`
}

type tParam struct {
	Ref      string `json:"$ref"`
	Name     string `json:"name"`
	In       string `json:"in"`
	Required bool   `json:"required"`
}

type tResponse struct {
	Ref     string `json:"$ref"`
	Content map[string]struct {
		Schema json.RawMessage `json:"schema"`
	} `json:"content"`
}

type tOperation struct {
	Parameters  []tParam                 `json:"parameters"`
	Responses   map[string]tResponse     `json:"responses"`
	Security    *[]map[string][]string   `json:"security"`
	RequestBody *struct{ Required bool } `json:"requestBody"`
}

func tLoadOpenAPI(t *testing.T) tOpenAPI {
	t.Helper()
	b, err := buildOpenAPI() // the description as served: openapi.json plus the kinds' record routes
	if err != nil {
		t.Fatal(err)
	}
	var doc tOpenAPI
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	return doc
}

var tHTTPMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "patch": true, "head": true, "options": true, "trace": true}

var tPathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// ginPath turns an OpenAPI path (/municipalities/{mid}) into gin's form under /api/v1.
func ginPath(p string) string { return "/api/v1" + tPathParam.ReplaceAllString(p, ":$1") }

func (doc tOpenAPI) operation(t *testing.T, method, ginRoute string) (tOperation, bool) {
	t.Helper()
	for p, ops := range doc.Paths {
		if ginPath(p) != ginRoute {
			continue
		}
		raw, ok := ops[strings.ToLower(method)]
		if !ok {
			return tOperation{}, false
		}
		var op tOperation
		if err := json.Unmarshal(raw, &op); err != nil {
			t.Fatalf("%s %s: %v", method, p, err)
		}
		return op, true
	}
	return tOperation{}, false
}

// The document describes exactly the API routes the router has, no more and no fewer.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	env := newTestServer(t)
	doc := tLoadOpenAPI(t)

	inRouter := map[string]bool{}
	for _, r := range env.srv.Routes() {
		if strings.HasPrefix(r.Path, "/api/v1/") {
			inRouter[r.Method+" "+r.Path] = true
		}
	}
	inDoc := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			if m == "parameters" || m == "summary" || m == "description" {
				continue
			}
			if !tHTTPMethods[m] {
				t.Errorf("path %s: unknown key %q", p, m)
				continue
			}
			inDoc[strings.ToUpper(m)+" "+ginPath(p)] = true
		}
	}
	for _, k := range tSortedKeys(inRouter) {
		if !inDoc[k] {
			t.Errorf("route %s is not described in openapi.json", k)
		}
	}
	for _, k := range tSortedKeys(inDoc) {
		if !inRouter[k] {
			t.Errorf("openapi.json describes %s, which the router does not have", k)
		}
	}
	if len(inRouter) < 30 {
		t.Errorf("only %d API routes found: %v", len(inRouter), tSortedKeys(inRouter))
	}
}

// Every operation declares its path parameters, its error responses as Error bodies, and the
// CSRF token on state-changing calls made with the session cookie.
func TestOpenAPIOperationsWellFormed(t *testing.T) {
	doc := tLoadOpenAPI(t)
	for _, name := range []string{"Document", "DocumentInput", "Record", "DueItem", "Review", "Comment", "Evidence", "AuditEntry", "Municipality", "OrgUnit", "User", "Me", "Error"} {
		if _, ok := doc.Components.Schemas[name]; !ok {
			t.Errorf("schema %s missing", name)
		}
	}
	for _, s := range []string{"cookieAuth", "csrfToken", "bearerAuth"} {
		if _, ok := doc.Components.SecuritySchemes[s]; !ok {
			t.Errorf("security scheme %s missing", s)
		}
	}
	for p, ops := range doc.Paths {
		for m, raw := range ops {
			var op tOperation
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", m, p, err)
			}
			name := strings.ToUpper(m) + " " + p
			declared := map[string]bool{}
			for _, prm := range op.Parameters {
				if prm.Ref != "" {
					prm = doc.Components.Parameters[strings.TrimPrefix(prm.Ref, "#/components/parameters/")]
				}
				if prm.In == "path" {
					if !prm.Required {
						t.Errorf("%s: path parameter %s not required", name, prm.Name)
					}
					declared[prm.Name] = true
				}
			}
			for _, mm := range tPathParam.FindAllStringSubmatch(p, -1) {
				if !declared[mm[1]] {
					t.Errorf("%s: path parameter %s not declared", name, mm[1])
				}
				delete(declared, mm[1])
			}
			for extra := range declared {
				t.Errorf("%s: declares path parameter %s not in the path", name, extra)
			}
			if len(op.Responses) == 0 {
				t.Errorf("%s: no responses", name)
			}
			for code, r := range op.Responses {
				if code[0] != '4' && code[0] != '5' {
					continue
				}
				if r.Ref != "" {
					r = doc.Components.Responses[strings.TrimPrefix(r.Ref, "#/components/responses/")]
				}
				if s := r.Content["application/json"].Schema; !strings.Contains(string(s), "#/components/schemas/Error") {
					t.Errorf("%s: response %s is not an Error body", name, code)
				}
			}
			public := p == "/login" || p == "/openapi.json"
			switch {
			case op.Security == nil:
				t.Errorf("%s: no security given", name)
			case public && len(*op.Security) != 0:
				t.Errorf("%s: public operation requires %v", name, *op.Security)
			case !public:
				var cookie, bearer bool
				for _, alt := range *op.Security {
					_, hasCookie := alt["cookieAuth"]
					_, hasCSRF := alt["csrfToken"]
					_, hasBearer := alt["bearerAuth"]
					cookie = cookie || hasCookie
					bearer = bearer || hasBearer
					if hasCookie && m != "get" && !hasCSRF {
						t.Errorf("%s: cookie authentication without the CSRF token", name)
					}
				}
				if !cookie || !bearer {
					t.Errorf("%s: security %v lacks the cookie or the bearer token", name, *op.Security)
				}
			}
		}
	}
}

// GET /api/v1/openapi.json serves the document, without logging in.
func TestOpenAPIServed(t *testing.T) {
	env := newTestServer(t)
	res := env.client().get("/api/v1/openapi.json")
	if res.Code != http.StatusOK {
		t.Fatalf("status %d: %s", res.Code, res.Body)
	}
	if ct := res.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("content type %q", ct)
	}
	want, err := buildOpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	var got, wantV any
	if err := json.Unmarshal(res.Body.Bytes(), &got); err != nil {
		t.Fatalf("served document is not JSON: %v", err)
	}
	if err := json.Unmarshal(want, &wantV); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(wantV) {
		t.Error("served document differs from the assembled description")
	}
	// The shared record routes are described for every kind, with the operation ids that
	// clients generated from earlier descriptions still use.
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(res.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for path, ids := range map[string]map[string]string{
		"/municipalities/{mid}/documents/{id}/review":         {"post": "markDocumentReviewed"},
		"/municipalities/{mid}/documents/{id}/comments":       {"get": "listDocumentComments", "post": "addDocumentComment"},
		"/municipalities/{mid}/documents/{id}/evidence/{eid}": {"get": "downloadDocumentEvidence", "delete": "deleteDocumentEvidence"},
		"/municipalities/{mid}/soa/{ctl}/review":              {"post": "markSoARowReviewed"},
		"/municipalities/{mid}/soa/{ctl}/history":             {"get": "getSoARowHistory"},
		"/municipalities/{mid}/soa/{ctl}/evidence":            {"get": "listSoARowEvidence", "post": "addSoARowEvidence"},
		"/municipalities/{mid}/documents/{id}/versions":       {"get": "listDocumentVersions"},
	} {
		for method, id := range ids {
			if doc.Paths[path][method].OperationID != id {
				t.Errorf("%s %s: operationId %q, want %q", method, path, doc.Paths[path][method].OperationID, id)
			}
		}
	}
}

// Real responses have the shapes the document gives them: every required property is
// there with its type, nullable only where declared, enum values among those listed.
func TestOpenAPIResponsesMatchSchemas(t *testing.T) {
	env := newTestServer(t)
	doc := tLoadOpenAPI(t)
	coord := env.login("samordnare")
	auditor := env.login("revisor")
	admin := env.login("admin")
	ex := tItoa(env.ex)
	soc := env.doc(tDocSocDraft)
	docPath := "/api/v1/municipalities/" + ex + "/documents/" + tItoa(soc)
	ev := env.newEvidence("samordnare", env.ex, soc)
	if _, err := env.app.AddComment(env.ctx, env.caller("revisor"), env.ex, "document", soc, "Saknar datum för fastställelse."); err != nil {
		t.Fatal(err)
	}
	if res := coord.postJSON(docPath+"/review", map[string]string{"comment": "Granskad"}); res.Code != http.StatusOK {
		t.Fatalf("review: %d %s", res.Code, res.Body)
	}

	cases := []struct {
		who          *testClient
		method, path string // path with ids; route is found from it
		route        string
		body         any // JSON, or a func() *httptest.ResponseRecorder that sends the request itself
		wantStatus   int
	}{
		{env.client(), "POST", "/api/v1/login", "/api/v1/login", map[string]string{"username": "medarbetare", "password": "lisa-demo"}, 200},
		{env.client(), "POST", "/api/v1/login", "/api/v1/login", map[string]string{"username": "medarbetare", "password": "fel"}, 401},
		{env.client(), "GET", "/api/v1/me", "/api/v1/me", nil, 401},
		{coord, "GET", "/api/v1/me", "/api/v1/me", nil, 200},
		{env.login("agare"), "GET", "/api/v1/me", "/api/v1/me", nil, 200},
		{coord, "GET", "/api/v1/municipalities", "/api/v1/municipalities", nil, 200},
		{coord, "GET", "/api/v1/municipalities/" + ex, "/api/v1/municipalities/:mid", nil, 200},
		{coord, "GET", "/api/v1/municipalities/" + tItoa(env.gr), "/api/v1/municipalities/:mid", nil, 404},
		{coord, "GET", "/api/v1/municipalities/" + ex + "/org-units", "/api/v1/municipalities/:mid/org-units", nil, 200},
		{coord, "GET", "/api/v1/municipalities/" + ex + "/members", "/api/v1/municipalities/:mid/members", nil, 200},
		{coord, "GET", "/api/v1/municipalities/" + ex + "/documents", "/api/v1/municipalities/:mid/documents", nil, 200},
		{coord, "GET", "/api/v1/municipalities/" + ex + "/documents?status=bogus", "/api/v1/municipalities/:mid/documents", nil, 400},
		{coord, "POST", "/api/v1/municipalities/" + ex + "/documents", "/api/v1/municipalities/:mid/documents",
			map[string]any{"type": "rutin", "title": "Rutin för schemavalidering", "org_unit_id": env.unit("Exempelkommun/Socialförvaltningen")}, 201},
		{coord, "POST", "/api/v1/municipalities/" + ex + "/documents", "/api/v1/municipalities/:mid/documents",
			map[string]any{"type": "rutin", "title": "Rutin för scope", "org_unit_id": env.unit("Exempelkommun/Socialförvaltningen"),
				"scope": "units", "scope_unit_ids": []int64{env.unit("Exempelkommun/Socialförvaltningen")}}, 201},
		{coord, "GET", docPath, "/api/v1/municipalities/:mid/documents/:id", nil, 200},
		{coord, "GET", "/api/v1/municipalities/" + ex + "/documents/" + tItoa(env.doc(tDocPolicy)), "/api/v1/municipalities/:mid/documents/:id", nil, 200},
		{coord, "PUT", docPath, "/api/v1/municipalities/:mid/documents/:id", map[string]any{"version": "1.1", "version_note": "Ny version"}, 200},
		{coord, "GET", docPath + "/versions", "/api/v1/municipalities/:mid/documents/:id/versions", nil, 200},
		{coord, "POST", docPath + "/review", "/api/v1/municipalities/:mid/documents/:id/review", map[string]string{}, 200},
		{coord, "GET", docPath + "/reviews", "/api/v1/municipalities/:mid/documents/:id/reviews", nil, 200},
		{coord, "GET", docPath + "/comments", "/api/v1/municipalities/:mid/documents/:id/comments", nil, 200},
		{auditor, "POST", docPath + "/comments", "/api/v1/municipalities/:mid/documents/:id/comments", map[string]string{"body": "Bra."}, 201},
		{coord, "GET", docPath + "/evidence", "/api/v1/municipalities/:mid/documents/:id/evidence", nil, 200},
		{coord, "GET", docPath + "/evidence/" + tItoa(ev.ID+1000), "/api/v1/municipalities/:mid/documents/:id/evidence/:eid", nil, 404},
		{coord, "GET", docPath + "/history", "/api/v1/municipalities/:mid/documents/:id/history", nil, 200},
		{coord, "GET", "/api/v1/municipalities/" + ex + "/reviews", "/api/v1/municipalities/:mid/reviews", nil, 200},
		{auditor, "GET", "/api/v1/municipalities/" + ex + "/audit", "/api/v1/municipalities/:mid/audit", nil, 200},
		{coord, "GET", "/api/v1/municipalities/" + ex + "/audit", "/api/v1/municipalities/:mid/audit", nil, 403},
		{admin, "GET", "/api/v1/users", "/api/v1/users", nil, 200},
		{admin, "GET", "/api/v1/users/" + tItoa(env.users["agare"]), "/api/v1/users/:uid", nil, 200},
		{admin, "POST", "/api/v1/municipalities", "/api/v1/municipalities", map[string]string{"name": "Schemakommun", "org_number": "212000-0099"}, 201},
		{admin, "POST", "/api/v1/municipalities/" + ex + "/org-units", "/api/v1/municipalities/:mid/org-units", map[string]any{"name": "Schemaenheten", "kind": "enhet", "parent_id": env.unit("Exempelkommun/Kommunstyrelsen")}, 201},
		{admin, "POST", "/api/v1/users", "/api/v1/users", map[string]any{"username": "schema", "name": "Schema Person", "password": "ett-långt-lösenord"}, 201},
		{admin, "PUT", "/api/v1/users/" + tItoa(env.users["agare"]), "/api/v1/users/:uid", map[string]any{"name": "Omar Ägare", "email": "omar@exempelkommun.se"}, 200},
		{admin, "GET", "/api/v1/users/999999", "/api/v1/users/:uid", nil, 404},
		{admin, "PUT", "/api/v1/municipalities/" + ex + "/org-units/" + tItoa(env.unit("Exempelkommun/Tekniska förvaltningen")), "/api/v1/municipalities/:mid/org-units/:uid",
			map[string]any{"name": "Tekniska förvaltningen", "kind": "forvaltning", "parent_id": env.unit("Exempelkommun/Tekniska nämnden")}, 200},
		{coord, "POST", docPath + "/evidence", "/api/v1/municipalities/:mid/documents/:id/evidence",
			func() *httptest.ResponseRecorder { return coord.upload(docPath+"/evidence", "bilaga.pdf", tPDF, false) }, 201},
		{coord, "POST", docPath + "/evidence", "/api/v1/municipalities/:mid/documents/:id/evidence",
			func() *httptest.ResponseRecorder {
				return coord.upload(docPath+"/evidence", "bilaga.exe", []byte("MZ\x90\x00"), false)
			}, 400},
		{coord, "POST", "/api/v1/municipalities/" + ex + "/documents", "/api/v1/municipalities/:mid/documents",
			`{"type":"rutin","title":"` + strings.Repeat("x", 1<<20) + `"}`, 413},
		{env.login("ledning"), "PUT", docPath, "/api/v1/municipalities/:mid/documents/:id", map[string]any{"title": "Ledningens rubrik"}, 403},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path+" "+fmt.Sprint(tc.wantStatus), func(t *testing.T) {
			var res *httptest.ResponseRecorder
			if send, ok := tc.body.(func() *httptest.ResponseRecorder); ok {
				res = send()
			} else if tc.method == "GET" {
				res = tc.who.get(tc.path)
			} else {
				res = tc.who.doJSON(tc.method, tc.path, tc.body)
			}
			if res.Code != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s", res.Code, tc.wantStatus, res.Body)
			}
			op, ok := doc.operation(t, tc.method, tc.route)
			if !ok {
				t.Fatalf("no operation %s %s in openapi.json", tc.method, tc.route)
			}
			r, ok := op.Responses[fmt.Sprint(res.Code)]
			if !ok {
				t.Fatalf("status %d is not documented for %s %s", res.Code, tc.method, tc.route)
			}
			if r.Ref != "" {
				r = doc.Components.Responses[strings.TrimPrefix(r.Ref, "#/components/responses/")]
			}
			media, ok := r.Content["application/json"]
			if !ok {
				t.Fatalf("no JSON schema for %d", res.Code)
			}
			var v any
			if err := json.Unmarshal(res.Body.Bytes(), &v); err != nil {
				t.Fatalf("body is not JSON: %v", err)
			}
			for _, p := range tCheckSchema(doc, media.Schema, v, "$") {
				t.Error(p)
			}
		})
	}
}

// The Document schema names the fields of the contract, and a real GET answer has every
// property the schema requires.
func TestOpenAPIDocumentSchemaAgainstRealDocument(t *testing.T) {
	env := newTestServer(t)
	doc := tLoadOpenAPI(t)
	var schema struct {
		Required   []string                   `json:"required"`
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(doc.Components.Schemas["Document"], &schema); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"id", "type", "title", "org_unit_id", "owner_id", "status", "review_interval_months", "last_reviewed_at",
		"next_review_at", "adopted_by", "adopted_at", "revision_in_progress", "scope"} {
		if !tContains(schema.Required, f) {
			t.Errorf("Document schema does not require %s", f)
		}
	}
	c := env.login("samordnare")
	for _, id := range []int64{env.doc(tDocPolicy), env.doc(tDocSocDraft)} {
		var got map[string]json.RawMessage
		tDecode(t, c.get(fmt.Sprintf("/api/v1/municipalities/%d/documents/%d", env.ex, id)), http.StatusOK, &got)
		for _, f := range schema.Required {
			if _, ok := got[f]; !ok {
				t.Errorf("document %d: required property %s missing from %v", id, f, tSortedKeys(got))
			}
		}
		for f := range got {
			if _, ok := schema.Properties[f]; !ok {
				t.Errorf("document %d: property %s is not in the schema", id, f)
			}
		}
	}
}

// tCheckSchema validates v against an OpenAPI schema (the subset openapi.json uses: $ref,
// allOf, type, nullable, required, properties, items, enum, pattern) and returns the problems.
func tCheckSchema(doc tOpenAPI, raw json.RawMessage, v any, at string) []string {
	var s struct {
		Ref        string                     `json:"$ref"`
		AllOf      []json.RawMessage          `json:"allOf"`
		Type       string                     `json:"type"`
		Format     string                     `json:"format"`
		Nullable   bool                       `json:"nullable"`
		Required   []string                   `json:"required"`
		Properties map[string]json.RawMessage `json:"properties"`
		Items      json.RawMessage            `json:"items"`
		Enum       []any                      `json:"enum"`
		Pattern    string                     `json:"pattern"`
		AddProps   json.RawMessage            `json:"additionalProperties"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return []string{at + ": bad schema: " + err.Error()}
	}
	if s.Ref != "" {
		name := strings.TrimPrefix(s.Ref, "#/components/schemas/")
		sub, ok := doc.Components.Schemas[name]
		if !ok {
			return []string{at + ": unknown schema " + s.Ref}
		}
		return tCheckSchema(doc, sub, v, at)
	}
	var out []string
	for _, sub := range s.AllOf {
		out = append(out, tCheckSchema(doc, sub, v, at)...)
	}
	if v == nil {
		if s.Type != "" && !s.Nullable {
			out = append(out, at+": null, but not nullable")
		}
		return out
	}
	switch s.Type {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			return append(out, fmt.Sprintf("%s: %T, want object", at, v))
		}
		for _, r := range s.Required {
			if _, ok := m[r]; !ok {
				out = append(out, at+": required property "+r+" missing")
			}
		}
		for k, pv := range m {
			if ps, ok := s.Properties[k]; ok {
				out = append(out, tCheckSchema(doc, ps, pv, at+"."+k)...)
			} else if s.AddProps != nil {
				out = append(out, tCheckSchema(doc, s.AddProps, pv, at+"."+k)...)
			} else if s.Properties != nil {
				out = append(out, at+": property "+k+" not in the schema")
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			return append(out, fmt.Sprintf("%s: %T, want array", at, v))
		}
		for i, it := range a {
			out = append(out, tCheckSchema(doc, s.Items, it, fmt.Sprintf("%s[%d]", at, i))...)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			return append(out, fmt.Sprintf("%s: %T, want string", at, v))
		}
		if s.Format == "date" && !regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(str) {
			out = append(out, at+": "+str+" is not YYYY-MM-DD")
		}
		if s.Pattern != "" && !regexp.MustCompile(s.Pattern).MatchString(str) {
			out = append(out, at+": "+str+" does not match "+s.Pattern)
		}
	case "integer":
		f, ok := v.(float64)
		if !ok || f != float64(int64(f)) {
			return append(out, fmt.Sprintf("%s: %v, want integer", at, v))
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return append(out, fmt.Sprintf("%s: %T, want boolean", at, v))
		}
	}
	if len(s.Enum) > 0 {
		found := false
		for _, e := range s.Enum {
			found = found || fmt.Sprint(e) == fmt.Sprint(v)
		}
		if !found {
			out = append(out, fmt.Sprintf("%s: %v not among %v", at, v, s.Enum))
		}
	}
	return out
}

func tSortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func tContains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
