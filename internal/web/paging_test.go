package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/lisa-isms/lisa/internal/domain"
)

// The document list pages by keyset: ?limit= documents by title, the next page's URL in a
// Link header (RFC 8288), every document exactly once over the pages; bad limits and cursors
// are 400 naming the parameter.
func TestDocumentListPages(t *testing.T) {
	env := newTestServer(t)
	soc := env.unit("Exempelkommun/Socialförvaltningen")
	for i := range 23 {
		env.newDoc("samordnare", env.ex, soc, fmt.Sprintf("Rutin %02d för sidvisning", i))
	}
	coord := env.login("samordnare")
	base := fmt.Sprintf("/api/v1/municipalities/%d/documents", env.ex)
	var all []domain.Document
	tDecode(t, coord.get(base+"?limit=1000"), http.StatusOK, &all)
	seen := map[int64]bool{}
	next, pages := base+"?limit=7&q=sidvisning", 0
	link := regexp.MustCompile(`^<([^>]+)>; rel="next"$`)
	for next != "" && pages < 10 {
		res := coord.get(next)
		var page []domain.Document
		tDecode(t, res, http.StatusOK, &page)
		pages++
		if len(page) > 7 {
			t.Fatalf("page %d has %d documents", pages, len(page))
		}
		for _, d := range page {
			if seen[d.ID] {
				t.Errorf("%q on two pages", d.Title)
			}
			seen[d.ID] = true
		}
		next = ""
		if m := link.FindStringSubmatch(res.Header().Get("Link")); m != nil {
			next = m[1]
			if !strings.Contains(next, "q=sidvisning") || !strings.Contains(next, "limit=7") {
				t.Errorf("the next page drops the filter: %s", next)
			}
		}
	}
	if pages != 4 || len(seen) != 23 {
		t.Errorf("%d pages, %d documents; want 4 pages of 23", pages, len(seen))
	}
	if len(all) < 23 {
		t.Errorf("?limit=1000 gave %d", len(all))
	}
	// Bad input.
	other := domain.EncodeCursor("audit", domain.Cursor{Key: "x", ID: 1})
	for _, q := range []string{"limit=0", "limit=-1", "limit=1000000000", "limit=tio", "after=garbage", "after=" + other, "after=" + url.QueryEscape("eyJsIjoiZG9jdW1lbnRzIn0")} {
		res := coord.get(base + "?" + q)
		field := strings.SplitN(q, "=", 2)[0]
		if res.Code != http.StatusBadRequest || tDecodeError(t, res).Error.Fields[field] == "" {
			t.Errorf("?%s: %d %s", q, res.Code, res.Body)
		}
	}
	// The page: a next link, and the next page continues.
	body := coord.get(fmt.Sprintf("/m/%d/documents?limit=10&q=sidvisning", env.ex)).Body.String()
	m := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(body)
	if m == nil || strings.Count(body, "sidvisning</a>") != 10 {
		t.Fatalf("first page: next link %v, %d documents", m, strings.Count(body, "sidvisning</a>"))
	}
	body = coord.get(strings.ReplaceAll(m[1], "&amp;", "&")).Body.String()
	if !strings.Contains(body, "Rutin 10 för sidvisning") || strings.Contains(body, "Rutin 09 för sidvisning") {
		t.Errorf("second page does not continue after the first")
	}
}

// The SoA row page does not list the whole document register as evidence choices: the
// linked documents and the hits of a search, a page of them.
func TestEvidencePickerSearches(t *testing.T) {
	env := newTestServer(t)
	soc := env.unit("Exempelkommun/Socialförvaltningen")
	for i := range 40 {
		env.newDoc("samordnare", env.ex, soc, fmt.Sprintf("Bevisdokument %02d", i))
	}
	coord := env.login("samordnare")
	row := fmt.Sprintf("/m/%d/soa/5.24", env.ex)
	body := coord.get(row).Body.String()
	linked := strings.Count(body, `name="evidence_record_ids"`) // the row's own evidence, always offered
	if linked > 3 {
		t.Errorf("without a search the row page offers %d documents", linked)
	}
	body = coord.get(row + "?evidence_q=bevisdokument").Body.String()
	if n := strings.Count(body, `name="evidence_record_ids"`); n != linked+evidencePickerSize || !strings.Contains(body, "Fler dokument matchar") {
		t.Errorf("a search offers %d documents (want %d and a note that there are more)", n, linked+evidencePickerSize)
	}
	body = coord.get(row + "?evidence_q=" + url.QueryEscape("Bevisdokument 07")).Body.String()
	if n := strings.Count(body, `name="evidence_record_ids"`); n != linked+1 || !strings.Contains(body, "Bevisdokument 07") {
		t.Errorf("a precise search offers %d documents", n)
	}
}
