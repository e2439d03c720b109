package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func tCSV(t *testing.T, c *testClient, path string) [][]string {
	t.Helper()
	res := c.get(path)
	if res.Code != http.StatusOK || !strings.HasPrefix(res.Header().Get("Content-Type"), "text/csv") ||
		!strings.Contains(res.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("GET %s: %d %s %.300s", path, res.Code, res.Header(), res.Body)
	}
	body, ok := strings.CutPrefix(res.Body.String(), "\uFEFF")
	if !ok {
		t.Errorf("%s: no byte-order mark", path)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

// Every registered kind's list exports as CSV from its registration: the core columns, then
// the kind's own, in the reader's language, only the records the reader may read.
func TestKindExportCSV(t *testing.T) {
	env := newTestServer(t)
	docs := fmt.Sprintf("/api/v1/municipalities/%d/documents/export.csv", env.ex)
	coord := env.login("samordnare")
	env.newDoc("samordnare", env.ex, env.unit("Exempelkommun/Socialförvaltningen"), "=HYPERLINK(\"http://x\")")
	rows := tCSV(t, coord, docs)
	if got := strings.Join(rows[0], "|"); got != "Titel|Status|Organisationsenhet|Ägare|Översynsintervall|Senast översett|Nästa översyn|Länk|Dokumenttyp|Version|Beslutat av|Beslutsdatum|Revidering pågår|Omfattning" {
		t.Errorf("Swedish header %q", got)
	}
	byTitle := map[string][]string{}
	for _, r := range rows[1:] {
		byTitle[r[0]] = r
	}
	policy := byTitle[tDocPolicy]
	if policy == nil || policy[1] != "Fastställt" || policy[8] != "Policy" || policy[10] == "" || policy[11] == "" ||
		!strings.HasSuffix(policy[7], fmt.Sprintf("/m/%d/documents/%d", env.ex, env.doc(tDocPolicy))) {
		t.Errorf("the adopted policy: %q", policy)
	}
	if byTitle[`'=HYPERLINK("http://x")`] == nil {
		t.Errorf("a formula-like title is not defused: %q", rows)
	}
	// Staff export the adopted documents only.
	staff := tCSV(t, env.login("medarbetare"), docs)
	for _, r := range staff[1:] {
		if r[1] != "Fastställt" {
			t.Errorf("staff export has %q (%s)", r[0], r[1])
		}
	}
	if len(staff) < 2 || len(staff) >= len(rows) {
		t.Errorf("staff export has %d rows, the coordinator's %d", len(staff), len(rows))
	}
	// English.
	coord.header.Set("Accept-Language", "en")
	en := tCSV(t, coord, docs)
	if en[0][0] != "Title" || en[0][8] != "Document type" {
		t.Errorf("English header %q", en[0])
	}
	coord.header.Del("Accept-Language")
	// The statement of applicability and the test-only widget export the same way.
	soa := tCSV(t, coord, fmt.Sprintf("/api/v1/municipalities/%d/soa/export.csv", env.ex))
	if len(soa) != 94 || soa[0][8] != "Id" || soa[0][9] != "Tillämplig" {
		t.Errorf("SoA export: %d rows, header %q", len(soa), soa[0])
	}
	widgets := tCSV(t, env.login("agare"), fmt.Sprintf("/api/v1/municipalities/%d/widgets/export.csv", env.ex))
	if len(widgets) != 3 || len(widgets[0]) != 8 {
		t.Errorf("widget export %q", widgets)
	}
	// No access: 403 for staff on the SoA, 404 in another municipality.
	if res := env.login("medarbetare").get(fmt.Sprintf("/api/v1/municipalities/%d/soa/export.csv", env.ex)); res.Code != http.StatusForbidden {
		t.Errorf("staff SoA export: %d", res.Code)
	}
	if res := coord.get(fmt.Sprintf("/api/v1/municipalities/%d/documents/export.csv", env.gr)); res.Code != http.StatusNotFound {
		t.Errorf("another municipality: %d", res.Code)
	}
}
